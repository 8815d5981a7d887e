#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
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
  - Each item converges exactly as M(hwcloud.roma.fdi_composite_task) converges one task (both modules share one
    plan-then-apply core), with the same identity rules, comparisons, stop/change/start rule, mappings and O(recreate).
  - Scope is only ever B(composite) tasks. The list API also returns ordinary FDI tasks; a task is taken to be composite
    when its list entry carries a non-empty C(ext_type) (ROMA Connect fills it only for composite tasks). A task without
    one is never deleted, gathered or changed, and an item that names one fails before anything is written.
  - Errors found while planning (invalid items, two items for one task, a field fixed at creation that differs without
    O(recreate), a missing task without O(config[].name) or O(config[].operation_types)) fail the run before any write.
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
          - The task's source data source (1 to 64 characters). Needed with O(config[].mappings) or
            O(config[].auto_mapping). Fixed once set.
        type: str
      target_datasource_id:
        description:
          - The task's target data source (1 to 64 characters). Needed with O(config[].mappings) or
            O(config[].auto_mapping). Fixed once set.
        type: str
      server_id:
        description:
          - MySQL server ID for change data capture (1 to 20 characters), required by ROMA Connect when the source is
            MySQL. Fixed at creation.
        type: str
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
    description: Seconds to wait for all items together, 1 to 3600.
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
  - A task is composite when its list entry's C(ext_type) is a non-empty string. This rule is written down because
    the API documents the field only as "composite task type, may be empty".
seealso:
  - module: hwcloud.roma.fdi_composite_task
  - module: hwcloud.roma.fdi_composite_task_info
  - module: hwcloud.roma.fdi_datasource_info
'''

EXAMPLES = r'''
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
'''

RETURN = r'''
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
      description: Task ID; V(null) in check mode for a task that would be created without O(config[].task_id).
      type: str
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
      C(path) and C(body), with the literal C({project_id}) when O(project_id) is not set and C({task_id}) when
      O(config[].task_id) is not set.
  returned: with O(state=rendered)
  type: list
  elements: dict
  sample: [{"method": "POST", "path": "/v2/{project_id}/fdi/instances/demo-instance/multi-tasks",
            "body": {"task_name": "orders-to-warehouse", "task_id": "{task_id}", "task_type": "REALTIME",
                     "operation_types": ["INSERT"]}}]
diff:
  description: In diff mode, one entry per changed task with C(before), C(after), C(before_header) and C(after_header).
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
'''

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError, RomaInputError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_mappings import FdiMappingApi, mapping_argument_spec, mapping_key
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_monitor import FdiMonitorApi, now_ms, validate_wait_timeout
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_plan import (
    BATCH_SIZE,
    Desired,
    PlanError,
    TaskApis,
    apply_plans,
    plan_task,
    reads_needed,
    validate_desired,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import (
    FdiTaskApi,
    check_option,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.module import PATH_ID_RULE, RomaModule, check_rule

try:
    from requests.adapters import HTTPAdapter
except ImportError:  # pragma: no cover - RomaModule fails with missing_required_lib('requests') first
    HTTPAdapter = None

ITEM_OPTIONS = ('name', 'task_id', 'task_type', 'description', 'tag', 'operation_types', 'source_app_id', 'target_app_id',
                'source_datasource_id', 'target_datasource_id', 'server_id', 'mappings', 'auto_mapping', 'repulling_snapshot', 'status')
IDENTITY_OPTIONS = ('task_id', 'name')
STATES_NEEDING_CONFIG = ('merged', 'replaced', 'overridden', 'rendered')
PURGING_STATES = ('replaced', 'overridden')
ALL_TASKS = '*'
MAX_PARALLELISM = 32


def item_argument_spec():
    return dict(
        name=dict(type='str', aliases=['task_name']),
        task_id=dict(type='str'),
        task_type=dict(type='str', choices=['REALTIME', 'TIMING']),
        description=dict(type='str'),
        tag=dict(type='str', aliases=['task_tag']),
        operation_types=dict(type='list', elements='str', choices=['INSERT', 'UPDATE', 'DELETE']),
        source_app_id=dict(type='str'),
        target_app_id=dict(type='str'),
        source_datasource_id=dict(type='str'),
        target_datasource_id=dict(type='str'),
        server_id=dict(type='str'),
        mappings=dict(type='list', elements='dict', options=mapping_argument_spec()),
        auto_mapping=dict(type='bool'),
        repulling_snapshot=dict(type='bool'),
        status=dict(type='str', choices=['running', 'stopped']),
    )


# -- config-shaped views --------------------------------------------------------------------------------

def config_view(task, with_mappings=True):
    """A task as a ``config`` item, leaving out every field that is not known (or could not be fed back)."""
    if not task:
        return {}
    item = {}
    for option, field in (('name', 'task_name'), ('task_id', 'task_id'), ('task_type', 'task_type'), ('description', 'description'),
                          ('tag', 'task_tag'), ('operation_types', 'operation_types'), ('source_app_id', 'source_app_id'),
                          ('target_app_id', 'target_app_id'), ('source_datasource_id', 'source_datasource_id'),
                          ('target_datasource_id', 'target_datasource_id'), ('server_id', 'server_id')):
        value = task.get(field)
        if value not in (None, '', []):
            item[option] = list(value) if isinstance(value, list) else value
    mappings = task.get('mappings')
    if with_mappings and mappings is not None and item.get('source_datasource_id') and item.get('target_datasource_id'):
        item['mappings'] = [mapping_item(mapping) for mapping in sorted(mappings, key=mapping_key)]
    if task.get('status') in ('running', 'stopped'):
        item['status'] = task['status']
    return item


def mapping_item(mapping):
    item = {'source_table': mapping['source_table'], 'target_table': mapping['target_table']}
    columns = [dict((key, value) for key, value in column.items() if value is not None)
               for column in sorted(mapping.get('columns') or [], key=lambda column: (column.get('target') or '', column.get('source') or ''))]
    if columns:
        item['columns'] = columns
    return item


# -- reading ----------------------------------------------------------------------------------------------

def concurrently(work, things, parallelism):
    """``[work(thing) for thing in things]`` with up to ``parallelism`` calls at once."""
    things = list(things)
    if parallelism <= 1 or len(things) <= 1:
        return [work(thing) for thing in things]
    with ThreadPoolExecutor(max_workers=min(parallelism, len(things))) as pool:
        return list(pool.map(work, things))


class Listed:
    """One task of the instance's list, with whether it is composite (fdi_tasks.is_composite, from its ext_type)."""

    def __init__(self, task, composite):
        self.task = task
        self.composite = composite


class Current:
    """What is known of one task: the list entry, and its details and mappings when they were read."""

    def __init__(self, listed):
        self.listed = listed
        self.task = dict(listed.task) if listed else None
        self.detailed = False
        self.mappings = None
        self.error = None

    def read(self, tasks_api, mappings_api, desired=None):
        """The reads ``desired`` needs (the plan core's rule): the details first, then the mappings if they turn out needed.

        Without ``desired`` (gathered), everything: the details and the mappings.
        """
        try:
            detail, mappings = reads_needed(desired, self.task) if desired else (True, True)
            if detail and self.task is not None:
                self.task = tasks_api.add_detail(self.task)
                self.detailed = True
                if desired:
                    detail, mappings = reads_needed(desired, self.task, detailed=True)  # e.g. a recreate needs the old mappings
            if mappings and self.task is not None:
                self.mappings = mappings_api.list_mappings(self.task['task_id'])
                if self.mappings is None:
                    self.task = None  # deleted meanwhile
        except RomaError as error:
            self.error = error
        return self

    def full(self):
        """The task with what its mapping list told (mappings and data sources), for views."""
        if self.task is None or self.mappings is None:
            return self.task
        task = dict(self.task, mappings=self.mappings.mappings)
        for field in ('source_datasource_id', 'target_datasource_id', 'server_id'):
            if not task.get(field) and getattr(self.mappings, field):
                task[field] = getattr(self.mappings, field)
        return task


# -- one item ---------------------------------------------------------------------------------------------

class Item:
    """One ``config`` item (or a task in scope that overridden/deleted removes), through read, plan and apply."""

    def __init__(self, index, options, desired):
        self.index = index
        self.options = options
        self.desired = desired
        self.current = Current(None)
        self.plan = None
        self.result = None
        self.error = None  # a read or apply error (per item), or a wait failure
        self.monitor = None

    @property
    def label(self):
        where = 'config[%d]' % self.index if self.index is not None else 'task in scope'
        return '%s (%s)' % (where, self.desired.name or self.desired.task_id or (self.current.task or {}).get('task_name'))


def canonical_items(config):
    """The items with their canonical option names only (Ansible keeps an alias beside its option)."""
    return [dict((option, item.get(option)) for option in ITEM_OPTIONS) for item in config or []]


class FdiCompositeTasks:
    """The resource module's run: validate, read once, plan every item, then apply (unless check mode)."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.state = self.params['state']
        self.items_config = canonical_items(self.params['config'])
        self.scope_tag = self.params['scope_tag']
        if self.state == 'gathered' and self.scope_tag is None:
            self.scope_tag = ALL_TASKS
        self.parallelism = self.params['parallelism']
        self.instance_id = self.params['instance_id']
        self.tasks_api = self.mappings_api = None  # built in run(): rendered needs no client
        self.batches = None  # the start/stop batches apply_plans sent, in order

    # -- validation (before any request) --------------------------------------------------------------

    def validate(self):
        problems = []
        params = self.params
        for option, value, rule in (('instance_id', self.instance_id, None), ('project_id', params.get('project_id'), PATH_ID_RULE)):
            problem = check_option(option, value) if rule is None else check_rule(option, value, rule)
            if problem:
                problems.append(problem)
        if not 1 <= self.parallelism <= MAX_PARALLELISM:
            problems.append('parallelism must be between 1 and %d; got %d' % (MAX_PARALLELISM, self.parallelism))
        try:
            validate_wait_timeout(params['wait_timeout'])
        except RomaInputError as error:
            problems.append(error.message.rstrip('.'))
        if self.scope_tag is not None and self.scope_tag != ALL_TASKS and check_option('tag', self.scope_tag):
            problems.append('scope_tag must be %r (every composite task) or a tag: %s'
                            % (ALL_TASKS, check_option('tag', self.scope_tag).split(' must be ', 1)[1]))
        if self.state in STATES_NEEDING_CONFIG and not self.items_config:
            problems.append('config must list at least one task with state %s' % self.state)
        if self.state == 'gathered' and self.items_config:
            problems.append('config is not used with state gathered (it returns the tasks in scope_tag); remove it')
        if self.state == 'overridden' and self.scope_tag is None:
            problems.append('scope_tag is required with state overridden: it says which tasks the list replaces '
                            '(a tag, or %r for every composite task of the instance)' % ALL_TASKS)
        if self.state == 'deleted' and not self.items_config and self.scope_tag is None:
            problems.append('scope_tag is required with state deleted and an empty config (a list that renders empty must '
                            'never delete an instance\'s tasks): set a tag, or %r for every composite task' % ALL_TASKS)
        if problems:
            raise RomaInputError('Invalid options: %s.' % '; '.join(problems), invalid_options=problems)
        items = []
        for index, options in enumerate(self.items_config):
            found = self._check_item(index, options)
            problems.extend(found)
            items.append(Item(index, options, None if found else self._desired(options)))
        problems.extend(self._duplicates(items))
        if problems:
            raise RomaInputError('Invalid config, nothing was sent: %s.' % '; '.join(problems), invalid_items=problems)
        return items

    def _check_item(self, index, options):
        where = 'config[%d] (%s)' % (index, options.get('name') or options.get('task_id'))
        if not options.get('name') and not options.get('task_id'):
            return ['config[%d]: set task_id or name to say which task it is' % index]
        if self.state == 'deleted':
            extra = sorted(option for option in ITEM_OPTIONS if option not in IDENTITY_OPTIONS and options.get(option) is not None)
            if extra:
                return ['%s: with state deleted an item may carry only task_id and name (it deletes the whole task); remove %s'
                        % (where, ', '.join(extra))]
        problems = []
        if self.state == 'overridden' and self.scope_tag != ALL_TASKS:
            if options.get('tag') is None:
                options['tag'] = self.scope_tag
            elif options['tag'] != self.scope_tag:
                problems.append('%s: tag %r is outside scope_tag %r; with state overridden every listed task carries the scope '
                                'tag' % (where, options['tag'], self.scope_tag))
        if self.state in PURGING_STATES and options.get('auto_mapping') and options.get('mappings') is not None:
            problems.append('%s: auto_mapping cannot be used with mappings under state %s: the mappings are purged to the list, '
                            'which would undo it' % (where, self.state))
        try:
            validate_desired(options)
        except RomaInputError as error:
            problems.extend('%s: %s' % (where, problem) for problem in error.details.get('invalid_options') or [error.message])
        return problems

    def _desired(self, options):
        return Desired(options, status=options.get('status'), absent=self.state == 'deleted',
                       purge_mappings=self.state in PURGING_STATES, recreate=self.params['recreate'])

    @staticmethod
    def _duplicates(items):
        problems, seen = [], {}
        for item in items:
            for option in IDENTITY_OPTIONS:
                value = item.options.get(option)
                if value is None:
                    continue
                if (option, value) in seen:
                    problems.append('config[%d]: %s %r is already listed as config[%d]; list each task once'
                                    % (item.index, 'task_id' if option == 'task_id' else 'the task name', value, seen[(option, value)]))
                else:
                    seen[(option, value)] = item.index
        return problems

    # -- the run ---------------------------------------------------------------------------------------

    def run(self):
        items = self.validate()
        if self.state == 'rendered':
            return self.render(items)
        client = self.module.client
        if HTTPAdapter is not None:
            adapter = HTTPAdapter(pool_connections=2, pool_maxsize=max(self.parallelism, 1))
            client.session.mount('https://', adapter)
            client.session.mount('http://', adapter)
        self.tasks_api = FdiTaskApi(client, self.instance_id)
        self.mappings_api = FdiMappingApi(client, self.instance_id)
        listed = [Listed(task, composite) for task, composite in self.tasks_api.iter_listed()]
        if self.state == 'gathered':
            return self.gather(listed)
        problems = self.match(items, listed)
        self.read(items)
        problems.extend(self.plan(items))
        if problems:
            raise RomaInputError('Nothing was changed: %s' % ' '.join(problem if problem.endswith('.') else problem + '.'
                                                                      for problem in problems), invalid_items=problems)
        if not self.module.check_mode:
            self.apply(items)
            self.wait(items)
        return self.report(items)

    def in_scope(self, listed):
        """Whether a listed task is one overridden, deleted (empty config) and gathered may act on (never one without an ID)."""
        return (listed.composite and bool(listed.task.get('task_id'))
                and (self.scope_tag == ALL_TASKS or listed.task.get('task_tag') == self.scope_tag))

    def match(self, items, listed):
        """Find each item's task in the list; add the tasks in scope that overridden/deleted removes.  Returns the problems."""
        problems = []
        by_id = dict((entry.task['task_id'], entry) for entry in listed if entry.task.get('task_id'))
        by_name = {}
        for entry in listed:
            by_name.setdefault(entry.task.get('task_name'), []).append(entry)
        claimed = {}
        for item in items:
            if item.desired.task_id:
                found = by_id.get(item.desired.task_id)
            else:
                matches = by_name.get(item.desired.name) or []
                if len(matches) > 1:
                    problems.append('%s: more than one task is named %r (task ids %s): set task_id to say which one'
                                    % (item.label, item.desired.name, ', '.join(str(entry.task['task_id']) for entry in matches)))
                    continue
                found = matches[0] if matches else None
            if found is None:
                continue
            if not found.composite:
                problems.append('%s: task %s is not a composite task (its list entry has no ext_type); this module never changes it'
                                % (item.label, found.task['task_id']))
                continue
            if self.scope_tag is not None and self.state in ('overridden', 'deleted') and not self.in_scope(found):
                problems.append('%s: task %s carries tag %r, outside scope_tag %r'
                                % (item.label, found.task['task_id'], found.task.get('task_tag'), self.scope_tag))
                continue
            other = claimed.get(found.task['task_id'])
            if other is not None:
                problems.append('%s: names the same task (%s) as config[%d]; list each task once' % (item.label, found.task['task_id'], other))
                continue
            claimed[found.task['task_id']] = item.index
            item.current = Current(found)
        if self.state == 'overridden' or (self.state == 'deleted' and not items):
            for entry in listed:
                if self.in_scope(entry) and entry.task['task_id'] not in claimed:
                    extra = Item(None, {'task_id': entry.task['task_id']},
                                 Desired({'task_id': entry.task['task_id'], 'name': entry.task.get('task_name')}, absent=True))
                    extra.current = Current(entry)
                    items.append(extra)
        return problems

    def read(self, items):
        """Show and mapping reads, only where an item needs them, up to ``parallelism`` at once."""
        work = [item for item in items if any(reads_needed(item.desired, item.current.task))]
        concurrently(lambda item: item.current.read(self.tasks_api, self.mappings_api, item.desired), work, self.parallelism)
        for item in items:
            item.error = item.current.error

    def plan(self, items):
        problems = []
        generate = (lambda: '{task_id}') if self.module.check_mode else None
        for item in items:
            if item.error is not None:
                continue
            current = item.current.task
            try:
                item.plan = plan_task(item.desired, current, item.current.mappings, generate_task_id=generate, detailed=item.current.detailed)
            except (PlanError, RomaInputError) as error:
                problems.append('%s: %s' % (item.label, error.message))
        return problems

    def apply(self, items):
        planned = [item for item in items if item.plan is not None and item.plan.actions]
        self.batches = []
        for item in items:
            item.started_at_ms = None
        started_at_ms = now_ms()  # before any start request: monitor records older than this are of an earlier run
        for item in planned:
            if any(action.kind == 'start' for action in item.plan.actions):  # a restart after a change counts too
                item.started_at_ms = started_at_ms
        apis = TaskApis(self.tasks_api, self.mappings_api)
        results = apply_plans(apis, [item.plan for item in planned], parallelism=self.parallelism,
                              on_batch=lambda action, ids: self.batches.append((action, ids)))
        for item, result in zip(planned, results):
            item.result = result
            if result.error is not None:
                item.error = result.error

    def wait(self, items):
        if not self.params['wait']:
            return
        if self.state not in ('merged', 'replaced', 'overridden'):
            self.module.warn('wait is ignored with state %s.' % self.state)
            return
        monitor_api = FdiMonitorApi(self.module.client, self.instance_id)
        for want in ('running', 'stopped'):
            waiting = [item for item in items if item.error is None and item.index is not None and item.desired.status == want]
            if not waiting:
                continue
            tasks = [self._after_task(item) for item in waiting]
            started = dict((task['task_id'], item.started_at_ms) for item, task in zip(waiting, tasks))
            try:
                outcomes = monitor_api.wait_for_many(tasks, want, self.params['wait_timeout'], started_at_ms=started)
            except RomaError as error:
                for item in waiting:
                    item.error = error
                continue
            for item, outcome in zip(waiting, outcomes):
                item.monitor = outcome.monitor
                if outcome.error is not None:
                    item.error = outcome.error

    def _after_task(self, item):
        if item.result is not None and item.result.after is not None:
            return item.result.after
        return item.plan.after or item.current.task

    # -- results ---------------------------------------------------------------------------------------

    def report(self, items):
        check = self.module.check_mode
        before, after, results, commands, diffs, failed = [], [], [], [], [], []
        changed = False
        for item in items:
            plan = item.plan
            known = item.current.full()
            if known is not None:
                before.append(config_view(known, item.current.mappings is not None))
            if plan is None:
                entry = self._entry(item, [], known)
            elif check or item.result is None:
                changed = changed or plan.changed
                entry = self._entry(item, list(plan.outcomes), plan.after or known)
                if plan.after is not None:
                    after.append(config_view(self._checked(plan.after, check), plan.mappings_read))
            else:
                result = item.result
                changed = changed or bool(result.done)
                entry = self._entry(item, list(plan.outcomes) if result.error is None else done_outcomes(plan, result.done),
                                    result.after if result.error is None else (plan.after or known))
                shown = result.after if result.error is None else known
                if result.error is not None and shown is not None and result.restarted is False:
                    shown = dict(shown, status='stopped')  # stopped for the change, and the start after it failed too
                if shown is not None:
                    after.append(config_view(shown, plan.mappings_read))
            if plan is not None and plan.changed and self.module._diff:
                diffs.append(self._diff(item))
            if item.error is not None:
                entry.update(failed=True, msg=item.error.message)
                failed.append(entry)
            if item.monitor is not None:
                entry['monitor'] = item.monitor
            results.append(entry)
        commands = self._commands(items)
        outcome = dict(changed=changed, before=before, commands=commands, task_results=results)
        if changed:
            outcome['after'] = after
        if self.module._diff:
            outcome['diff'] = diffs
        if failed:
            outcome['failed_items'] = failed
            outcome['msg'] = '%d of %d items failed: %s' % (len(failed), len(items), '; '.join(
                '%s: %s' % (self._label_of(entry), entry['msg']) for entry in failed))
            outcome['failed'] = True
        return outcome

    @staticmethod
    def _label_of(entry):
        where = 'config[%d]' % entry['index'] if entry.get('index') is not None else 'task in scope'
        return '%s (%s)' % (where, entry.get('name') or entry.get('task_id'))

    @staticmethod
    def _checked(task, check):
        if check and task.get('task_id') == '{task_id}':
            return dict(task, task_id=None)
        return task

    def _entry(self, item, actions, task):
        task = task or {}
        task_id = task.get('task_id') or (item.plan.task_id if item.plan else None) or item.desired.task_id
        if task_id == '{task_id}':
            task_id = None
        entry = {'name': task.get('task_name') or item.desired.name, 'task_id': task_id, 'actions': actions}
        if item.index is not None:
            entry['index'] = item.index
        return entry

    def _diff(self, item):
        plan = item.plan
        name = (plan.after or plan.before or {}).get('task_name') or item.desired.identity
        before = config_view(item.current.full(), plan.mappings_read) if plan.before is not None else {}
        if item.result is None:  # check mode: what the plan would make
            after_task = plan.after
        elif item.result.error is None:
            after_task = item.result.after
        else:  # it failed: only what is known, never the change that did not happen
            after_task = item.current.full()
        after = config_view(self._checked(after_task, self.module.check_mode), plan.mappings_read) if after_task is not None else {}
        return {'before': before, 'after': after, 'before_header': 'composite task %s' % name, 'after_header': 'composite task %s' % name}

    def _commands(self, items):
        """The write requests: stop batches, then each task's other writes, then start batches (as apply_plans sends them)."""
        project_id = self.module.client.project_id
        check = self.module.check_mode
        stops, middles, starts = [], [], []
        for item in items:
            plan = item.plan
            if plan is None or not plan.actions:
                continue
            if check or item.result is None:
                sent = list(plan.actions)
                task_id = plan.task_id
            else:
                sent = list(item.result.done) + ([item.result.failed_action] if item.result.failed_action is not None else [])
                task_id = item.result.task_id
            for action in sent:
                if action.kind == 'stop' and action is plan.actions[0]:
                    stops.append(task_id)
                elif action.kind == 'start' and action is plan.actions[-1]:
                    starts.append(task_id)
                else:
                    middles.append(action.request(self.instance_id, project_id, task_id))
        if not check and self.batches is not None:
            batches = self.batches
        else:
            batches = [('stop', stops[first:first + BATCH_SIZE]) for first in range(0, len(stops), BATCH_SIZE)]
            batches += [('start', starts[first:first + BATCH_SIZE]) for first in range(0, len(starts), BATCH_SIZE)]
        path = '/v2/%s/fdi/instances/%s/batch-operation/tasks' % (project_id, self.instance_id)

        def batch(action, ids):
            return {'method': 'POST', 'path': path, 'body': {'action_id': action, 'list': [{'task_id': task_id} for task_id in ids]}}

        return ([batch(action, ids) for action, ids in batches if action == 'stop'] + middles
                + [batch(action, ids) for action, ids in batches if action == 'start'])

    # -- gathered and rendered --------------------------------------------------------------------------

    def gather(self, listed):
        scope = [Current(entry) for entry in listed if self.in_scope(entry)]
        concurrently(lambda current: current.read(self.tasks_api, self.mappings_api), scope, self.parallelism)
        errors = [current for current in scope if current.error is not None]
        if errors:
            first = errors[0].error
            raise RomaError('Could not read %d of the %d tasks in scope: %s' % (len(errors), len(scope), '; '.join(
                '%s: %s' % (current.listed.task.get('task_name'), current.error.message) for current in errors)), **first.details)
        return dict(changed=False, gathered=[config_view(current.full()) for current in scope if current.task is not None])

    def render(self, items):
        project_id = self.params.get('project_id') or '{project_id}'
        rendered, problems = [], []
        for item in items:
            try:
                plan = plan_task(item.desired, None, generate_task_id=lambda: '{task_id}')
            except (PlanError, RomaInputError) as error:
                problems.append('%s: %s' % (item.label, error.message))
                continue
            rendered.extend(action.request(self.instance_id, project_id, plan.task_id) for action in plan.actions)
        if problems:
            raise RomaInputError('Nothing to render: %s' % ' '.join(problems), invalid_items=problems)
        return dict(changed=False, rendered=rendered)


def done_outcomes(plan, done):
    """The outcomes of a plan that failed part-way, from the actions that succeeded."""
    kinds = [action.kind for action in done]
    outcomes = []
    if 'create' in kinds:
        outcomes.append('recreated' if 'delete' in kinds else 'created')
    elif 'delete' in kinds:
        outcomes.append('deleted')
    if 'update' in kinds:
        outcomes.append('updated')
    if 'create' not in kinds and any(kind.endswith('_mapping') for kind in kinds):
        outcomes.append('mappings_changed')
    if 'start' in kinds and 'started' in plan.outcomes:
        outcomes.append('started')
    if 'stop' in kinds and 'stopped' in plan.outcomes:
        outcomes.append('stopped')
    return outcomes


def manage_composite_tasks(module):
    result = FdiCompositeTasks(module).run()
    if result.pop('failed', False):
        module.fail_json(**result)
    return result


def main():
    module = RomaModule(
        argument_spec=dict(
            instance_id=dict(type='str', required=True),
            config=dict(type='list', elements='dict', options=item_argument_spec()),
            state=dict(type='str', choices=['merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered'], default='merged'),
            scope_tag=dict(type='str'),
            recreate=dict(type='bool', default=False),
            wait=dict(type='bool', default=False),
            wait_timeout=dict(type='int', default=300),
            parallelism=dict(type='int', default=8),
        ),
        supports_check_mode=True,
    )
    module.run(manage_composite_tasks)


if __name__ == '__main__':
    main()
