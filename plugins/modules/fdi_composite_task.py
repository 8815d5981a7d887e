#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fdi_composite_task
short_description: Manage ROMA Connect FDI composite (multi-table, real-time) tasks
version_added: 0.1.0
description:
  - Ensures that one composite data-integration task of a ROMA Connect instance exists with the given settings,
    is running or stopped, or is gone.
  - The task is identified by O(task_id) when it is set, otherwise by its exact O(name) within O(instance_id).
  - A task that is missing is created; a task whose O(description), O(tag) or O(operation_types) differ is updated
    with one request; a task whose O(task_type), O(source_app_id), O(target_app_id) or (when found by O(task_id))
    O(name) differ cannot be changed in place, so the module fails, names each field, and changes nothing
    (or, with O(recreate=true), deletes the task and creates it as asked).
  - With O(source_datasource_id), O(target_datasource_id) and O(mappings), one task declares a whole sync job (which
    source tables are replicated to which target tables, column by column). Missing mappings are created, changed ones
    modified, and with O(purge_mappings=true) unlisted ones deleted. A running task is stopped for a change and
    started again.
  - Options that are not set are not compared. A field that is set but whose current value ROMA Connect does not
    report (for example O(operation_types) missing from the show response's C(task_detail)) makes the module fail
    with a message naming it, rather than report a change it cannot verify.
  - Only B(composite) tasks are managed. A task found by name is known to be composite from its list entry; a task found by
    O(task_id) is looked up in the list (its C(task_id) filter) before anything is written. An ordinary FDI task is refused.
  - New and changed mappings are checked before anything is written (in check mode too) against what the data sources have.
    A table or column that does not exist, a MySQL source without O(server_id), or application IDs that contradict the data
    sources fail the module, naming the mapping (C(mappings[i])), the missing name and the closest names that exist.
  - B(Nothing is left stopped.) A change that stops a running task starts it again however it ends, after an API error, a
    bug, Ctrl-C, or SIGTERM (C(kill), C(timeout), a service manager). When AWX or ansible-runner cancels a job, it kills
    C(ansible-playbook)'s process group; the module runs outside that group and finishes its change, task started again.
    Only a SIGKILL of the module itself cannot be caught; see O(state).
  - This module and M(hwcloud.roma.fdi_composite_tasks) run the same engine (one task is a list of one), so they converge a
    task the same way.
author:
  - hwcloud.roma maintainers (@hwcloud)
extends_documentation_fragment:
  - hwcloud.roma.connection
  - hwcloud.roma.attributes
  - hwcloud.roma.attributes.actions
options:
  instance_id:
    description:
      - ID of the ROMA Connect instance that holds the task.
    type: str
    required: true
  name:
    description:
      - Task name, 3 to 100 characters of letters, digits, V(.), V(_) and V(-), starting with a letter or digit.
      - Identifies the task when O(task_id) is not set. Names are matched exactly, not as the list API's substring filter.
      - Required to create a task; not needed to change, start, stop or delete a task found by O(task_id).
      - When set together with O(task_id), it must be the name of that task, whatever O(state) is (V(absent) included);
        a mismatch fails and nothing is changed or deleted.
      - Cannot be changed after creation.
    type: str
    aliases: [task_name]
  task_id:
    description:
      - Task ID, 3 to 50 characters of letters, digits, V(.), V(_) and V(-), starting with a letter or digit.
      - When set, it identifies the task, and it is sent on create so the new task gets this ID
        (for example one assigned by the C(multi-tasks/init) API).
      - When not set, a create sends an ID the module generates (32 lower-case hexadecimal characters, like the IDs
        ROMA Connect assigns). If the answer to a create is lost, one show by that ID tells whether the task was
        created, so the create is never sent twice for one task.
    type: str
  task_type:
    description:
      - V(REALTIME) synchronises changes continuously; V(TIMING) runs on a schedule.
        ROMA Connect currently supports only V(REALTIME) for composite tasks.
      - Cannot be changed after creation.
      - When not set, a new task is created as V(REALTIME) and the type of an existing task is not compared.
    type: str
    choices: [REALTIME, TIMING]
  description:
    description:
      - Task description, up to 1024 characters.
      - ROMA Connect accepts 1 to 1024 characters, so an empty description cannot be sent. V("") means "no description";
        a new task is created without one, and a task without one is left as it is. A task that has a description
        cannot be emptied through the API, so V("") then fails with a message and changes nothing (leave O(description)
        unset to keep the current text).
    type: str
  tag:
    description:
      - Task tag, 4 to 64 characters of letters, digits, V(-) and V(_).
    type: str
    aliases: [task_tag]
  operation_types:
    description:
      - The data operations to synchronise, 1 to 3 different items. The order does not matter; an item listed twice is
        invalid.
      - Required to create a task. Not needed to change or read an existing one (an update sends the current
        operation types when this is not set).
    type: list
    elements: str
    choices: [INSERT, UPDATE, DELETE]
  source_app_id:
    description:
      - ID of the integration application that owns the source data source (1 to 64 characters of letters, digits,
        V(.), V(_) and V(-)).
      - Cannot be changed after creation.
    type: str
  target_app_id:
    description:
      - ID of the integration application that owns the target data source (1 to 64 characters of letters, digits,
        V(.), V(_) and V(-)).
      - Cannot be changed after creation.
    type: str
  repulling_snapshot:
    description:
      - Whether ROMA Connect re-synchronises the existing data when the task is updated.
      - Sent with every update; not compared, so it never causes a change on its own.
    type: bool
    default: false
  source_datasource_id:
    description:
      - ID of the data source the task reads from (look it up by name with M(hwcloud.roma.fdi_datasource_info)).
      - Required to create a task with O(mappings) or O(auto_mapping). Changing the mappings of an existing task does not
        need it again (a task's data sources are fixed and read from the task).
      - Fixed once set; a different value is a conflict (see O(recreate)).
      - 1 to 64 characters of letters, digits, V(.), V(_) and V(-), starting with a letter or digit.
    type: str
    version_added: 0.2.0
  target_datasource_id:
    description:
      - ID of the data source the task writes to. Same rules as O(source_datasource_id).
    type: str
    version_added: 0.2.0
  server_id:
    description:
      - MySQL server ID that change data capture uses (C(ext_info.server_id)), 1 to 20 characters.
        ROMA Connect requires it when the source data source is MySQL (checked before anything is written).
      - Give it as a string. A YAML number is accepted with a warning, because YAML reads a number with a leading zero as
        octal (V(0123) becomes V(83)).
      - Fixed at creation. A task that does not report it is not compared.
    type: raw
    version_added: 0.2.0
  auto_mapping:
    description:
      - On create only, ask ROMA Connect to map the same-named tables (and columns) of the two data sources
        (the C(multi-tasks/init) API). O(mappings), if set, is then applied on top.
      - Never compared, so it changes nothing on an existing task.
      - Cannot be combined with O(purge_mappings=true), which would undo it.
    type: bool
    default: false
    version_added: 0.2.0
  mappings:
    description:
      - The table mappings of the task, each a source table and the target table it replicates to.
      - Not set means the mappings are not compared (and not read). V([]) means no mappings (with O(purge_mappings=true)).
      - A mapping is identified by the pair (O(mappings[].source_table), O(mappings[].target_table)), so one source table may
        feed several target tables. List each pair once.
      - A missing pair is created, a pair whose columns differ is modified, and with O(purge_mappings=true) a pair that is
        not listed is deleted. A running task is stopped for the change and started again.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      source_table:
        description:
          - Source table name, 1 to 256 characters.
        type: str
        required: true
      target_table:
        description:
          - Target table name, 1 to 256 characters. Defaults to O(mappings[].source_table).
        type: str
      columns:
        description:
          - The column mapping. Not set means don't care (a new mapping then maps same-named columns).
          - Compared without regard to order, keyed by O(mappings[].columns[].target); each target column may appear once.
            Types and lengths are compared only where they are given.
        type: list
        elements: dict
        suboptions:
          source:
            description: Source column name, 1 to 256 characters.
            type: str
            required: true
          target:
            description: Target column name. Defaults to O(mappings[].columns[].source).
            type: str
          source_type:
            description: Source column type, for example V(varchar).
            type: str
          source_length:
            description: Source column length, for example V(20) or V(10,2) (sent as a string).
            type: raw
          target_type:
            description: Target column type.
            type: str
          target_length:
            description: Target column length (sent as a string).
            type: raw
  purge_mappings:
    description:
      - With O(mappings) set, delete the task's mappings that O(mappings) does not list.
      - The default is V(false), unlike the V(purge_tags) of amazon.aws, because deleting a mapping stops replicating a
        table (the data already copied stays, but changes to that table are no longer synchronised).
    type: bool
    default: false
    version_added: 0.2.0
  recreate:
    description:
      - When a field that is fixed at creation differs (O(task_type), O(source_app_id), O(target_app_id), the data sources
        or O(server_id)), delete the task and create it as asked, instead of failing. A O(name) that does not match the task
        found by O(task_id) is never a reason to recreate (it fails), so a mistyped name cannot delete a task.
      - The new task is made from the options alone, nothing is taken over from the old one, so O(name) and
        O(operation_types) are required, and O(mappings) or O(auto_mapping) when the old task has mappings.
        It keeps the old task's ID. It is started when the old one was running or O(state=started).
      - B(The sync position is lost and the data is synchronised again from the start.)
        If the delete succeeds and the create fails, the module fails with RV(deleted=true); running it again creates the task
        (started only with O(state=started), as the old one is gone). If the create succeeds and a later step fails, the new
        task exists and is started again when the old one ran; running the module again completes it.
      - RV(actions) says V(recreated), in check mode too, the module warns that the sync position is lost, and diff mode
        shows two entries, a delete of the old task and a create of the new one.
    type: bool
    default: false
    version_added: 0.2.0
  wait:
    description:
      - With O(state=started), wait until the task's sync job really runs (its monitor record reports V(RUNNING)); with
        O(state=stopped), wait until the task reports stopped. Also when the task was already running or stopped.
      - A job that fails while starting (a wrong database password, a missing table) fails the module, quoting the
        reason from the task's monitor logs and the failing step; the task's monitor record is returned in RV(task.monitor).
      - Polls at growing intervals (1 s up to 10 s). Ignored, with a warning, with O(state=present) and O(state=absent),
        and in check mode.
      - A task that is started without data sources or without mappings replicates nothing; the module warns, and
        ROMA Connect reports its job as failed, which O(wait) then reports.
    type: bool
    default: false
    version_added: 0.2.0
  wait_timeout:
    description:
      - How long O(wait) waits, in seconds, 1 to 3600. The module then fails with the last status seen.
      - 'One deadline for the whole run: the reads that confirm a stop before a change count against it too.'
    type: int
    default: 300
    version_added: 0.2.0
  state:
    description:
      - V(present) ensures the task exists with the given settings, without changing whether it runs.
      - V(started) and V(stopped) also ensure it exists, then start or stop it when its status differs.
      - V(absent) deletes the task, stopping it first if it is running.
      - ROMA Connect does not change or delete a running task, so an update to a running task stops it, updates it
        and starts it again (unless O(state=stopped)). After the stop request the module reads the task until it
        reports stopped (at once, then after 1 s, 2 s, 4 s, 8 s, then every 10 s, for at most 120 s, or O(wait_timeout)
        with O(wait)) before it sends the update or the delete.
      - A task stopped for a change is started again if the change fails, and also if the run is interrupted (Ctrl-C, or
        SIGTERM). A failed delete after the stop starts the task again too.
      - B(Use V(started) for a job that must run.) V(present) keeps whatever the task's status is, and after a run that was
        killed with SIGKILL between the stop and the start (the one interruption no program can catch) the task is stopped,
        and V(present) then leaves it so; V(started) starts it again on the next run.
    type: str
    choices: [present, absent, started, stopped]
    default: present
notes:
  - Composite tasks are created and modified through the C(multi-tasks) API and listed, shown, deleted, started
    and stopped through the generic FDI C(tasks) API.
  - The list API does not report O(description) or O(operation_types), so when they are compared the module
    reads the task's details with one more request.
seealso:
  - module: hwcloud.roma.fdi_composite_task_info
  - module: hwcloud.roma.iam_token
"""

EXAMPLES = r"""
# The connection options can be set once per play for every hwcloud.roma module (action group roma);
# the tasks below then name only what they are about. Credentials may also come from environment
# variables (for example HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK); those set here always win.
- name: Manage the orders replication
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/hwcloud.roma.roma:
      region: cn-north-4
      project_id: "{{ roma_project_id }}"
      auth_token: "{{ roma_token }}"
  tasks:
    - name: Ensure a composite task exists
      hwcloud.roma.fdi_composite_task:
        instance_id: "{{ roma_instance_id }}"
        name: orders-to-warehouse
        description: Replicate the orders schema to the warehouse
        tag: sales-sync
        operation_types: [INSERT, UPDATE, DELETE]
        source_app_id: "{{ source_app_id }}"
        target_app_id: "{{ target_app_id }}"

    # Run the play with --check --diff first to preview: check mode sends only reads and returns the
    # same changed and task a real run would, and diff mode shows the fields before and after.
    - name: Change only the description of an existing task (operation_types is needed only to create)
      hwcloud.roma.fdi_composite_task:
        instance_id: "{{ roma_instance_id }}"
        name: orders-to-warehouse
        description: Replicate orders and order lines

    - name: Start the task (created first if it does not exist)
      hwcloud.roma.fdi_composite_task:
        instance_id: "{{ roma_instance_id }}"
        name: orders-to-warehouse
        operation_types: [INSERT, UPDATE, DELETE]
        state: started

    - name: Stop the task, found by its ID
      hwcloud.roma.fdi_composite_task:
        instance_id: "{{ roma_instance_id }}"
        task_id: "{{ orders_task_id }}"
        state: stopped

    - name: Delete the task (stopped first if it is running)
      hwcloud.roma.fdi_composite_task:
        instance_id: "{{ roma_instance_id }}"
        name: orders-to-warehouse
        state: absent

- name: Keys written in the task itself, and re-synchronising the existing data on an update
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Update the operation types with AK/SK authentication
      hwcloud.roma.fdi_composite_task:
        region: cn-north-4
        project_id: "{{ roma_project_id }}"
        access_key: "{{ roma_access_key }}"
        secret_key: "{{ roma_secret_key }}"
        instance_id: "{{ roma_instance_id }}"
        name: orders-to-warehouse
        operation_types: [INSERT, UPDATE]
        repulling_snapshot: true

- name: A whole sync job - three tables from MySQL to DWS, column by column for one of them
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/hwcloud.roma.roma:
      region: cn-north-4
      project_id: "{{ roma_project_id }}"
      auth_token: "{{ roma_token }}"
  tasks:
    - name: Look up the source data source by name
      hwcloud.roma.fdi_datasource_info:
        instance_id: "{{ roma_instance_id }}"
        name: mysql-orders
      register: roma_source

    - name: Look up the target data source by name
      hwcloud.roma.fdi_datasource_info:
        instance_id: "{{ roma_instance_id }}"
        name: dws-warehouse
      register: roma_target

    # Preview with --check --diff: the diff lists the mappings before and after, pair by pair.
    - name: Replicate orders, order_items and customers, and nothing else; run it and wait until it runs
      hwcloud.roma.fdi_composite_task:
        instance_id: "{{ roma_instance_id }}"
        name: shop-to-warehouse
        operation_types: [INSERT, UPDATE, DELETE]
        source_datasource_id: "{{ roma_source.datasources[0].datasource_id }}"
        target_datasource_id: "{{ roma_target.datasources[0].datasource_id }}"
        server_id: "1"
        mappings:
          - source_table: orders
          - source_table: orders
            target_table: orders_history
          - source_table: order_items
          - source_table: customers
            columns:
              - source: id
              - source: name
              - source: mail
                target: email
                target_type: varchar
                target_length: 256
        purge_mappings: true
        state: started
        wait: true
        wait_timeout: 600

    - name: Move the task to other data sources (deletes it and creates it again; its data is synchronised again)
      hwcloud.roma.fdi_composite_task:
        instance_id: "{{ roma_instance_id }}"
        name: shop-to-warehouse
        operation_types: [INSERT, UPDATE, DELETE]
        source_datasource_id: "{{ new_source_id }}"
        target_datasource_id: "{{ roma_target.datasources[0].datasource_id }}"
        server_id: "1"
        auto_mapping: true
        recreate: true
"""

RETURN = r"""
task:
  description:
    - The task after the module ran (as it would be, in check mode). V({}) when it is absent.
    - Fields the module did not read or ROMA Connect did not report are V(null), as each field below says.
  returned: always
  type: dict
  contains:
    task_id:
      description:
        - Task ID.
        - V(null) in check mode for a task that would be created without O(task_id) (a real run generates one).
      type: str
      sample: 9d2a8c8e5b0f4a7e9a0c6f3d1b2e4c5a
    task_name:
      description: Task name (V(null) only if ROMA Connect did not report it).
      type: str
      sample: orders-to-warehouse
    task_type:
      description: V(REALTIME) or V(TIMING), in upper case; V(null) when ROMA Connect did not report it.
      type: str
      sample: REALTIME
    description:
      description:
        - Description; V("") when the task has none.
        - V(null) when it was not read, that is when the task was found through the list API (by O(name)) and the
          module had no need to read its details (neither O(description) nor O(operation_types) was set, and nothing changed).
      type: str
      sample: Replicate the orders schema to the warehouse
    task_tag:
      description: Tag; V("") when the task has none, V(null) when ROMA Connect did not report it.
      type: str
      sample: sales-sync
    operation_types:
      description:
        - Synchronised operations, each once, in the order V(INSERT), V(UPDATE), V(DELETE) (any other value ROMA Connect
          may report follows, sorted).
        - V(null) when not read (as for RV(task.description)) or when ROMA Connect did not report them.
      type: list
      elements: str
      sample: [INSERT, UPDATE, DELETE]
    source_app_id:
      description: Integration application of the source data source; V(null) when the task has none.
      type: str
      sample: d5afd9af-a8fe-47f6-a98c-edbcba11a0da
    target_app_id:
      description: Integration application of the target data source; V(null) when the task has none.
      type: str
      sample: d5afd9af-a8fe-47f6-a98c-edbcba11a0da
    status:
      description:
        - V(running) or V(stopped). Other values ROMA Connect may add are returned in lower case; V(null) when it
          did not report one.
      type: str
      sample: stopped
    execute_status:
      description: Execution status from the list API (for example V(UNSTARTED), V(RUNNING)), when it was read.
      type: str
      returned: when the task was found through the list API
      sample: UNSTARTED
    source_datasource_id:
      description: The data source the task reads from.
      type: str
      returned: when known (set in the task or reported by ROMA Connect)
      version_added: 0.2.0
      sample: a5e1b0d2c3f4e5a6b7c8d9e0f1a2b3c4
    target_datasource_id:
      description: The data source the task writes to.
      type: str
      returned: when known
      version_added: 0.2.0
      sample: b6f2c1e3d4a5f6b7c8d9e0f1a2b3c4d5
    server_id:
      description: The MySQL server ID for change data capture.
      type: str
      returned: when known
      version_added: 0.2.0
      sample: "1"
    mappings:
      description:
        - The task's table mappings, ordered by source and target table, each with the same keys whether it was read or
          just written.
        - In check mode, a mapping that would be created has no C(mapping_id) yet.
        - With O(auto_mapping=true) on a create, the mappings ROMA Connect made by itself are listed too (read once after
          the create).
      type: list
      elements: dict
      returned: when O(mappings) is set (the mappings were read or written), or O(auto_mapping) mapped tables
      version_added: 0.2.0
      contains:
        mapping_id:
          description: Mapping ID.
          type: str
          sample: 3f1c0b2a4d5e6f708192a3b4c5d6e7f8
        source_table:
          description: Source table.
          type: str
          sample: orders
        target_table:
          description: Target table.
          type: str
          sample: orders
        columns:
          description:
            - The column pairs, each with C(source) and C(target) and, when known, C(source_type), C(source_length),
              C(target_type) and C(target_length). V([]) for a new mapping of same-named columns (ROMA Connect chooses them).
          type: list
          elements: dict
          sample: [{"source": "id", "target": "id", "source_type": "bigint", "target_type": "int8"}]
        status:
          description:
            - The mapping's status as ROMA Connect reports it (V(AUTO), V(MANUAL), V(ADD), V(UPDATE), V(DELETE), V(USING)).
            - V(null) right after the module wrote the mapping. Never compared.
          type: str
          sample: MANUAL
        mapping_percent:
          description:
            - How well the tables match, as ROMA Connect reports it (percent). V(null) right after the module wrote the
              mapping. Never compared.
          type: int
          sample: 100
          version_added: 0.3.0
    monitor:
      description:
        - What the task monitor reported when O(wait) finished waiting (see RV(hwcloud.roma.fdi_composite_task_info#module:tasks[].monitor)).
        - Returned on failure too, so a playbook can show why the sync job failed.
      type: dict
      returned: when O(wait) waited
      version_added: 0.2.0
      sample: {"execute_status": "RUNNING", "position": "WRITER", "position_status": "NORMAL", "dirty_data_count": 0}
actions:
  description:
    - What the run did (in check mode, would do), as the items of M(hwcloud.roma.fdi_composite_tasks) report it, among
      V(created), V(updated), V(recreated), V(mappings_changed), V(started), V(stopped), V(deleted); V([]) when nothing changed.
    - When a step failed, the steps that were done before it.
  returned: always
  type: list
  elements: str
  version_added: 0.3.0
  sample: [recreated, started]
diff:
  description:
    - The task before and after, as a config item of M(hwcloud.roma.fdi_composite_tasks) (option names; fields not known are
      left out), with C(before_header) and C(after_header). Each column of a mapping is one line that names both tables
      (V(orders.id -> orders.id (int8\)\)), so a changed column shows which table it belongs to.
    - A recreate is a list of two such entries, the delete of the old task and the create of the new one.
  returned: when diff mode is on
  type: raw
status:
  description: HTTP status of the failed API call.
  returned: on API failure
  type: int
  sample: 400
error_code:
  description: Error code from ROMA Connect, its API gateway or IAM.
  returned: on API failure, when the service sent one
  type: str
  sample: FDI.3033
error_msg:
  description: Error message from the service.
  returned: on API failure
  type: str
  sample: Invalid parameter [task_name].
request_id:
  description: C(X-Request-Id) of the failed call, for Huawei Cloud support.
  returned: on API failure, when the service sent one
  type: str
  sample: 5f2c1e0d9a8b47c6b5a4d3c2e1f00123
method:
  description: HTTP method of the request that failed.
  returned: on API or connection failure
  type: str
  sample: POST
path:
  description: Path of the request that failed, without the query string.
  returned: on API or connection failure
  type: str
  sample: /v2/0123456789abcdef0123456789abcdef/fdi/instances/demo-instance/multi-tasks
attempts:
  description: How many times the request was sent, when transient failures made the module retry it.
  returned: on failure after retries
  type: int
  sample: 4
invalid_options:
  description: One message per invalid option (each names the option and the rule), when options are invalid.
  returned: when the task options are invalid; nothing was sent
  type: list
  elements: str
  sample:
    - "tag must be 4-64 characters: letters, digits, \"-\" and \"_\"; got 'x'"
deleted:
  description:
    - V(true) when O(recreate) deleted the old task but could not create the new one. Running the module again creates it.
    - When the new task was created but a later step failed, RV(deleted) is not returned and the message (C(msg)) says so.
  returned: when a recreate failed after the delete
  type: bool
  version_added: 0.2.0
  sample: true
done:
  description: The write steps that succeeded before a step failed (for example V([stop, update])).
  returned: when a step of a change failed
  type: list
  elements: str
  version_added: 0.2.0
  sample: [stop, update_mapping]
restarted:
  description:
    - Whether a task that was stopped for a change that then failed could be started again.
  returned: when a change of a running task failed after the stop
  type: bool
  version_added: 0.2.0
  sample: true
waited:
  description: Seconds the module waited before O(wait) failed or timed out.
  returned: when O(wait) failed
  type: int
  version_added: 0.2.0
  sample: 12
failed_step:
  description: The step of the sync job that failed, as the task's monitor logs name it (C(stage), C(position), C(position_status), C(remarks)).
  returned: when O(wait) failed because the sync job failed and ROMA Connect named the step
  type: dict
  version_added: 0.2.0
  sample: {"stage": "mysqlreader", "position": "READER", "position_status": "RUNTIME_ERR", "remarks": "Unknown database 'shop'"}
last_status:
  description:
    - The last C(execute_status) the task monitor reported before O(wait_timeout) ran out (V(null) when it reported no record);
      The message (C(msg)) says it in words, with the position.
  returned: when O(wait) timed out
  type: str
  version_added: 0.2.0
  sample: WAITING
conflicts:
  description:
    - The fields that cannot be changed in place, each with the task's C(current) and the C(wanted) value.
    - The module fails and changes nothing; RV(task) is the task as it is.
  returned: when a field that is fixed at creation differs
  type: dict
  sample: {"source_app_id": {"current": "app-orders", "wanted": "app-billing"}}
"""

from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_task_engine import ensure_task
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_task_spec import single_task_argument_spec
from ansible_collections.hwcloud.roma.plugins.module_utils.module import RomaModule


def main():
    module = RomaModule(argument_spec=single_task_argument_spec(), required_one_of=[('name', 'task_id')], supports_check_mode=True)
    module.run(ensure_task)


if __name__ == '__main__':
    main()
