#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fdi_composite_tasks
short_description: Manage many ROMA Connect FDI composite tasks in one run (resource module)
version_added: 0.2.0
description:
  - A resource module in the convention of the Ansible network resource modules (for example C(cisco.ios.ios_vlans)).
    O(config) lists composite tasks of one ROMA Connect instance and O(state) says what to do with them
    (V(merged), V(replaced), V(overridden), V(deleted), V(gathered), V(rendered)).
  - Made for playbooks that declare dozens or hundreds of tasks. One module run lists the instance's tasks once
    (every page), reads a task's details and table mappings only where an item needs them, plans every item,
    and only then writes. Writes run concurrently (O(parallelism)); tasks are started and stopped in batches of ten.
  - Each item converges exactly as M(hwcloud.roma.fdi_composite_task) converges one task (both modules run one engine),
    with the same identity rules, comparisons, checks against the data sources, stop/change/start rule, mappings and
    O(recreate). A task stopped for a change is started again however the run ends (an API error, a bug, Ctrl-C, SIGTERM).
  - Scope is only ever B(composite) tasks. The list API also returns ordinary FDI tasks. A task whose list entry carries a
    non-empty C(ext_type) is composite; for one whose C(ext_type) is empty, one composite-only read (its mapping list)
    decides, and only for the tasks the run is about. An ordinary task is never deleted, gathered or changed, and an item
    that names one fails before anything is written.
  - Invalid option values fail before any request. Errors found while planning (two items for one task, a field fixed
    at creation that differs without O(recreate), a missing task without O(config[].name) or O(config[].operation_types),
    a mapping to a table or column its data sources do not have) are all listed at once, and fail the run before any write.
    API errors are per item; every item is attempted, then the module fails naming each failed item, and the result
    still reports every item that succeeded.
author:
  - hwcloud.roma maintainers (@hwcloud)
extends_documentation_fragment:
  - hwcloud.roma.connection
  - hwcloud.roma.attributes
  - hwcloud.roma.attributes.actions
options:
  instance_id:
    description:
      - ID of the ROMA Connect instance that holds the tasks.
    type: str
    required: true
  config:
    description:
      - The composite tasks. Each item takes the task options of M(hwcloud.roma.fdi_composite_task), plus O(config[].status).
      - An item is identified by O(config[].task_id) when set, otherwise by its exact O(config[].name). Two items that name
        the same task are invalid.
      - Options left out of an item are not compared (unset means "don't care").
      - Required, and must not be empty, with O(state=merged), O(state=replaced), O(state=overridden) and
        O(state=rendered). With O(state=deleted) an empty list deletes every task in O(scope_tag); not used with
        O(state=gathered).
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - Task name, 3 to 100 characters of letters, digits, V(.), V(_) and V(-), starting with a letter or digit.
          - Needed to create a task. With O(config[].task_id), it must match the task's name.
        type: str
        aliases: [task_name]
      task_id:
        description:
          - Task ID, 3 to 50 characters of letters, digits, V(.), V(_) and V(-), starting with a letter or digit.
          - Identifies the task when set, and is sent on create. Without it, a create sends a generated ID.
        type: str
      task_type:
        description:
          - V(REALTIME) or V(TIMING). A new task is V(REALTIME) when it is not set. Fixed at creation.
        type: str
        choices: [REALTIME, TIMING]
      description:
        description:
          - Up to 1024 characters. The API accepts only 1 to 1024 characters, so a description cannot be emptied;
            V("") fails when the task has one.
        type: str
      tag:
        description:
          - Task tag, 4 to 64 characters of letters, digits, V(-) and V(_). The API cannot remove a tag.
          - With O(state=overridden), defaults to O(scope_tag) (unless it is V(*)), and any other tag is invalid.
        type: str
        aliases: [task_tag]
      operation_types:
        description:
          - The data operations to synchronise, in any order. Needed to create a task.
        type: list
        elements: str
        choices: [INSERT, UPDATE, DELETE]
      source_app_id:
        description: Integration application of the source data source. Fixed at creation.
        type: str
      target_app_id:
        description: Integration application of the target data source. Fixed at creation.
        type: str
      source_datasource_id:
        description:
          - The task's source data source (1 to 64 characters). Needed to create a task with O(config[].mappings) or
            O(config[].auto_mapping); an existing task's data sources are read from it. Fixed once set.
        type: str
      target_datasource_id:
        description:
          - The task's target data source (1 to 64 characters). Needed to create a task with O(config[].mappings) or
            O(config[].auto_mapping); an existing task's data sources are read from it. Fixed once set.
        type: str
      server_id:
        description:
          - MySQL server ID for change data capture (1 to 20 characters), required by ROMA Connect when the source is
            MySQL. Fixed at creation.
          - Give it as a string; a YAML number is taken with a warning (YAML reads V(0123) as the octal number V(83)).
        type: raw
      mappings:
        description:
          - The task's table mappings, each identified by its pair (O(config[].mappings[].source_table),
            O(config[].mappings[].target_table)). Unset means "don't care".
          - With O(state=merged), mappings the list does not name are kept. With O(state=replaced) and
            O(state=overridden), they are deleted (V([]) deletes them all), which stops replicating those tables.
          - Reading a task's mappings costs one request per 1000 mappings, only for items that set this option.
        type: list
        elements: dict
        suboptions:
          source_table:
            description: Source table.
            type: str
            required: true
          target_table:
            description: Target table. Defaults to O(config[].mappings[].source_table).
            type: str
          columns:
            description:
              - Column pairs, compared in any order, keyed by O(config[].mappings[].columns[].target).
                Unset means "don't care" (a new mapping then maps same-named columns).
            type: list
            elements: dict
            suboptions:
              source:
                description: Source column.
                type: str
                required: true
              target:
                description: Target column. Defaults to O(config[].mappings[].columns[].source).
                type: str
              source_type:
                description: Source column type; compared only when set.
                type: str
              source_length:
                description: Source column length, such as V(20) or V(10,2); compared only when set.
                type: raw
              target_type:
                description: Target column type; compared only when set.
                type: str
              target_length:
                description: Target column length; compared only when set.
                type: raw
      auto_mapping:
        description:
          - On create only, ask ROMA Connect to map same-named tables; O(config[].mappings) is applied on top.
            Never compared nor gathered.
          - Invalid together with O(config[].mappings) under O(state=replaced) or O(state=overridden), because the purge
            would undo it.
        type: bool
      repulling_snapshot:
        description:
          - Sent with an update of the task, to re-synchronise the existing data. Never compared nor gathered.
        type: bool
      status:
        description:
          - V(running) or V(stopped). Unset means "don't care" (a new task is created stopped).
          - A running task that must change is stopped, changed and started again.
        type: str
        choices: [running, stopped]
  state:
    description:
      - V(merged) ensures every listed task exists with the listed fields; unlisted fields and unlisted tasks are untouched.
      - V(replaced) also makes each listed task's O(config[].mappings), when set, exactly the list. Unset fields are
        not changed; description and tag cannot be emptied through the API, so unset ones keep their value.
        Unlisted tasks are untouched.
      - V(overridden) is V(replaced), and deletes every task in O(scope_tag) that the list does not name.
      - V(deleted) deletes the listed tasks (stopping running ones first); items may carry only
        O(config[].task_id) and O(config[].name). With an empty O(config), every task in O(scope_tag) is deleted.
      - V(gathered) returns RV(gathered), the tasks in O(scope_tag) as a O(config) list, and changes nothing.
      - V(rendered) sends nothing and needs no credentials; it returns RV(rendered), the requests that creating the
        listed tasks would send.
      - V(parsed) is left out on purpose (there is no device text to parse); use V(gathered).
    type: str
    choices: [merged, replaced, overridden, deleted, gathered, rendered]
    default: merged
  scope_tag:
    description:
      - The tasks that O(state=overridden), O(state=deleted) with an empty O(config), and O(state=gathered) may act on,
        the composite tasks carrying this tag, or V(*) for every composite task of the instance.
      - Required with O(state=overridden) and with O(state=deleted) when O(config) is empty, so that a list that
        renders empty never deletes an instance's tasks. O(state=gathered) defaults to V(*).
      - With O(state=deleted) and a non-empty O(config), an item naming a task outside the scope is invalid.
    type: str
  recreate:
    description:
      - As O(hwcloud.roma.fdi_composite_task#module:recreate), for every item. When a field fixed at creation differs,
        delete the task and create it as asked instead of failing. The sync position is lost and the data is
        synchronised again.
    type: bool
    default: false
  wait:
    description:
      - After the changes, wait until every item with O(config[].status=running) runs (its monitor reports
        C(RUNNING)) and every item with O(config[].status=stopped) reports stopped, as
        O(hwcloud.roma.fdi_composite_task#module:wait) does for one task. Ignored in check mode and for items without
        O(config[].status).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait for all items together, 1 to 3600. One deadline for the whole run, the reads that confirm a stop
        before a change included.
    type: int
    default: 300
  parallelism:
    description:
      - Requests in flight at once, 1 to 32, for the reads of details and mappings and for the writes.
        The connection pool is sized to match.
    type: int
    default: 8
notes:
  - Request count. One list of the instance's tasks (one request per 999 tasks) serves every item. Comparing
    O(config[].description) or O(config[].operation_types) costs one show request for that item (the list API does not
    report them), and so does changing the tag of a task; O(config[].mappings) costs one mapping list request per
    1000 mappings. Nothing else is read. Starts and stops cost one request per ten tasks.
  - A task is composite when its list entry's C(ext_type) is a non-empty string, or, when it is empty, when the task answers
    the composite-only mapping list. This rule is written down because the API documents the field only as "composite task
    type, may be empty" (the SDK's monitor model says C(CDC) for composite tasks).
  - New and changed mappings are checked against the data sources' tables and columns before any write (one tables
    request per data source, one columns request per table whose columns an item lists), and a new task's source data
    source is read once (its type and application).
seealso:
  - module: hwcloud.roma.fdi_composite_task
  - module: hwcloud.roma.fdi_composite_task_info
  - module: hwcloud.roma.fdi_datasource_info
"""

EXAMPLES = r"""
- name: Ensure the sales tasks exist and run (unlisted tasks are untouched)
  hwcloud.roma.fdi_composite_tasks:
    region: cn-north-4
    project_id: "{{ roma_project_id }}"
    auth_token: "{{ roma_token }}"
    instance_id: "{{ roma_instance_id }}"
    config:
      - name: orders-to-warehouse
        tag: sales-sync
        operation_types: [INSERT, UPDATE, DELETE]
        source_datasource_id: "{{ mysql_datasource_id }}"
        target_datasource_id: "{{ dws_datasource_id }}"
        server_id: "1"
        mappings:
          - source_table: orders
          - source_table: order_items
        status: running
      - name: customers-to-warehouse
        tag: sales-sync
        operation_types: [INSERT, UPDATE]
        source_datasource_id: "{{ mysql_datasource_id }}"
        target_datasource_id: "{{ dws_datasource_id }}"
        server_id: "1"
        mappings:
          - source_table: customers
        status: running

- name: Export the tasks tagged sales-sync as a config list (adopt tasks made in the console)
  hwcloud.roma.fdi_composite_tasks:
    region: cn-north-4
    instance_id: "{{ roma_instance_id }}"
    state: gathered
    scope_tag: sales-sync
  register: sales

- name: Make the tag's tasks exactly the list; delete the tag's tasks that it does not name
  hwcloud.roma.fdi_composite_tasks:
    region: cn-north-4
    instance_id: "{{ roma_instance_id }}"
    state: overridden
    scope_tag: sales-sync
    config: "{{ sales.gathered }}"

- name: Show the requests that would create the tasks, without credentials
  hwcloud.roma.fdi_composite_tasks:
    instance_id: demo-instance
    state: rendered
    config:
      - name: orders-to-warehouse
        operation_types: [INSERT]
  register: plan

- name: Delete two tasks (running ones are stopped first)
  hwcloud.roma.fdi_composite_tasks:
    region: cn-north-4
    instance_id: "{{ roma_instance_id }}"
    state: deleted
    config:
      - name: orders-to-warehouse
      - task_id: 9d2a8c8e5b0f4a7e9a0c6f3d1b2e4c5a
"""

RETURN = r"""
before:
  description:
    - The listed tasks that existed, and the tasks in O(scope_tag) that O(state=overridden) or O(state=deleted) acts on,
      as O(config) items, before the run. Fields that were not read (for example O(config[].description) when no
      item compared it) are left out.
  returned: with O(state=merged), O(state=replaced), O(state=overridden) and O(state=deleted)
  type: list
  elements: dict
  sample: [{"name": "orders-to-warehouse", "task_id": "9d2a8c8e5b0f4a7e9a0c6f3d1b2e4c5a", "task_type": "REALTIME",
            "tag": "sales-sync", "status": "stopped"}]
after:
  description: The same tasks as RV(before) after the run (deleted ones left out), as they would be in check mode.
  returned: when something changed
  type: list
  elements: dict
  sample: [{"name": "orders-to-warehouse", "task_id": "9d2a8c8e5b0f4a7e9a0c6f3d1b2e4c5a", "task_type": "REALTIME",
            "tag": "sales-sync", "status": "running"}]
commands:
  description:
    - The write requests sent (in check mode, that would be sent), each with C(method), C(path) and C(body).
      Starts and stops are shown as the batch requests, of up to ten tasks each. Concurrent writes are listed
      task by task, each task's in the order sent.
    - In check mode, a task to be created without O(config[].task_id) shows the literal C({task_id}).
  returned: with O(state=merged), O(state=replaced), O(state=overridden) and O(state=deleted)
  type: list
  elements: dict
  sample: [{"method": "POST", "path": "/v2/0123456789abcdef0123456789abcdef/fdi/instances/demo-instance/batch-operation/tasks",
            "body": {"action_id": "start", "list": [{"task_id": "9d2a8c8e5b0f4a7e9a0c6f3d1b2e4c5a"}]}}]
task_results:
  description:
    - One entry per O(config) item, in order, then one per task in O(scope_tag) that was deleted without being listed.
  returned: with O(state=merged), O(state=replaced), O(state=overridden) and O(state=deleted)
  type: list
  elements: dict
  contains:
    index:
      description: Position of the item in O(config); absent for a task deleted because it was in scope but not listed.
      type: int
      returned: for items of O(config)
    name:
      description: Task name, when known.
      type: str
    task_id:
      description:
        - Task ID. A task created without O(config[].task_id) gets one derived from the instance and its name, so check
          mode shows the ID a real run creates.
      type: str
    deleted:
      description: V(true) when O(recreate) deleted the old task and the new one could not be created (a re-run creates it).
      type: bool
      returned: when it is true
      version_added: 0.3.0
    actions:
      description:
        - What was done (in check mode, would be done), in order, from V(created), V(recreated), V(updated),
          V(mappings_changed), V(started), V(stopped) and V(deleted); V([]) when the task was already as listed.
      type: list
      elements: str
      sample: [created, started]
    failed:
      description: Whether this item failed.
      type: bool
      returned: when the item failed
    msg:
      description: Why the item failed, and what was done before the failure.
      type: str
      returned: when the item failed
    monitor:
      description: The task's monitor record when O(wait) waited for it (see M(hwcloud.roma.fdi_composite_task)).
      type: dict
      returned: when O(wait) waited for the item
gathered:
  description:
    - The composite tasks in O(scope_tag), as a O(config) list with their mappings, leaving out every field that could
      not be read (and O(config[].mappings) when the task's data sources are unknown). Feeding it back with
      O(state=merged) or O(state=overridden) changes nothing.
  returned: with O(state=gathered)
  type: list
  elements: dict
  sample: [{"name": "orders-to-warehouse", "task_id": "9d2a8c8e5b0f4a7e9a0c6f3d1b2e4c5a", "task_type": "REALTIME",
            "operation_types": ["INSERT", "UPDATE"], "tag": "sales-sync", "source_datasource_id": "ds-mysql",
            "target_datasource_id": "ds-dws", "mappings": [{"source_table": "orders", "target_table": "orders",
            "columns": [{"source": "id", "target": "id"}]}], "status": "running"}]
rendered:
  description:
    - The requests that creating the listed tasks would send (init, create, mappings, start), each with C(method),
      C(path) and C(body), with the literal C({project_id}) when O(project_id) is not set. Without O(config[].task_id), a task
      gets the ID a real run would send (derived from the instance and its name).
  returned: with O(state=rendered)
  type: list
  elements: dict
  sample: [{"method": "POST", "path": "/v2/{project_id}/fdi/instances/demo-instance/multi-tasks",
            "body": {"task_name": "orders-to-warehouse", "task_id": "0c5f3c1e6b5b5f4c8d3e2a1b0c9d8e7f", "task_type": "REALTIME",
                     "operation_types": ["INSERT"]}}]
diff:
  description:
    - In diff mode, one entry per changed task with C(before), C(after), C(before_header) and C(after_header), config-shaped,
      each mapping column one line that names both tables. A recreate is two entries, the delete and the create.
    - For an item that failed, C(after) is the task as the steps that were done left it, never a change that did not happen.
  returned: when diff mode is on and something changed
  type: list
  elements: dict
invalid_items:
  description: One message per problem found while planning (each names the item and the rule); nothing was written.
  returned: when planning failed
  type: list
  elements: str
  sample: ["config[1] (orders-sync): the task name is already listed as config[0]; list each task once"]
failed_items:
  description: The items whose API requests failed, as in RV(task_results).
  returned: when some items failed
  type: list
  elements: dict
"""

from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_resource import manage_tasks
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_task_spec import resource_argument_spec
from ansible_collections.hwcloud.roma.plugins.module_utils.module import RomaModule


def main():
    module = RomaModule(argument_spec=resource_argument_spec(), supports_check_mode=True)
    module.run(manage_tasks)


if __name__ == '__main__':
    main()
