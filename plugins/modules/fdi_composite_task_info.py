#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fdi_composite_task_info
short_description: Read ROMA Connect FDI composite tasks
version_added: 0.1.0
description:
  - Returns the tasks of a ROMA Connect instance that match every filter given, reading all pages of the list API.
  - Each task in RV(tasks) is a dict with the same fields as the C(task) that M(hwcloud.roma.fdi_composite_task) returns.
author:
  - hwcloud.roma maintainers (@hwcloud)
extends_documentation_fragment:
  - hwcloud.roma.connection
  - hwcloud.roma.attributes
  - hwcloud.roma.attributes.info_module
options:
  instance_id:
    description:
      - ID of the ROMA Connect instance.
    type: str
    required: true
  task_id:
    description:
      - Return only the task with this ID (one request).
    type: str
  name:
    description:
      - Return only the task whose name is exactly this.
    type: str
    aliases: [task_name]
  name_contains:
    description:
      - Return the tasks whose name contains this text (case-sensitive), 1 to 64 characters.
      - Sent to the list API as its name filter and checked again on each task returned.
    type: str
  status:
    description:
      - Return only running or only stopped tasks.
    type: str
    choices: [running, stopped]
  tag:
    description:
      - Return only the tasks with exactly this tag.
    type: str
    aliases: [task_tag]
  source_app_id:
    description:
      - Return only the tasks whose source data source belongs to this integration application.
    type: str
  target_app_id:
    description:
      - Return only the tasks whose target data source belongs to this integration application.
    type: str
  details:
    description:
      - Read each task's details (one request per task) so that RV(tasks[].description) and
        RV(tasks[].operation_types) are filled in.
      - Set to V(false) to list many tasks with one request per 999 tasks; those two fields are then V(null).
    type: bool
    default: true
  include_monitor:
    description:
      - Add RV(tasks[].monitor) to each task, what the task monitor reports about its sync job (is it really
        running, how many rows it moved and rejected).
      - Costs one monitor list request per 999 tasks of the instance plus one monitor log request per task.
    type: bool
    default: false
    version_added: 0.2.0
  include_mappings:
    description:
      - Add RV(tasks[].mappings) to each task, its table mappings (which source table goes to which target table,
        column by column), and its data sources.
      - Costs one mapping list request per 1000 mappings per task.
    type: bool
    default: false
    version_added: 0.2.0
notes:
  - The list API's name filter matches substrings; O(name) is matched exactly on the client side.
seealso:
  - module: hwcloud.roma.fdi_composite_task
"""

EXAMPLES = r"""
- name: Read one task by name
  hwcloud.roma.fdi_composite_task_info:
    region: cn-north-4
    project_id: "{{ roma_project_id }}"
    auth_token: "{{ roma_token }}"
    instance_id: "{{ roma_instance_id }}"
    name: orders-to-warehouse
  register: orders_task

- name: Show its status
  ansible.builtin.debug:
    msg: "{{ orders_task.tasks[0].status | default('absent') }}"

- name: List every running task whose name contains "orders", without details
  hwcloud.roma.fdi_composite_task_info:
    region: cn-north-4
    instance_id: "{{ roma_instance_id }}"
    name_contains: orders
    status: running
    details: false
  register: running_orders_tasks

- name: Read a task with what its sync job reports
  hwcloud.roma.fdi_composite_task_info:
    region: cn-north-4
    instance_id: "{{ roma_instance_id }}"
    name: orders-to-warehouse
    include_monitor: true
  register: orders_health

- name: Fail unless it runs without dirty rows
  ansible.builtin.assert:
    that:
      - orders_health.tasks[0].monitor.execute_status == 'RUNNING'
      - orders_health.tasks[0].monitor.dirty_data_count | default(0, true) == 0
"""

RETURN = r"""
tasks:
  description: The matching tasks, in the order the API lists them. Empty when none match.
  returned: always
  type: list
  elements: dict
  contains:
    task_id:
      description: Task ID.
      type: str
      sample: 9d2a8c8e5b0f4a7e9a0c6f3d1b2e4c5a
    task_name:
      description: Task name.
      type: str
      sample: orders-to-warehouse
    task_type:
      description: V(REALTIME) or V(TIMING), in upper case; V(null) when ROMA Connect did not report it.
      type: str
      sample: REALTIME
    description:
      description: Description (V("") when empty; V(null) when O(details=false)).
      type: str
      sample: Replicate the orders schema to the warehouse
    task_tag:
      description: Tag (V("") or V(null) when empty).
      type: str
      sample: sales-sync
    operation_types:
      description:
        - Synchronised operations, each once, in the order V(INSERT), V(UPDATE), V(DELETE) (any other value ROMA Connect
          may report follows, sorted).
        - V(null) when O(details=false), or when ROMA Connect did not report them.
      type: list
      elements: str
      sample: [INSERT, UPDATE, DELETE]
    source_app_id:
      description: Integration application of the source data source.
      type: str
      sample: d5afd9af-a8fe-47f6-a98c-edbcba11a0da
    target_app_id:
      description: Integration application of the target data source.
      type: str
      sample: d5afd9af-a8fe-47f6-a98c-edbcba11a0da
    status:
      description: V(running) or V(stopped).
      type: str
      sample: running
    execute_status:
      description: Execution status from the list API (for example V(UNSTARTED), V(RUNNING)).
      type: str
      returned: when the task was read through the list API
      sample: RUNNING
    source_datasource_id:
      description: The data source the task reads from, when ROMA Connect reports it.
      type: str
      returned: when known
      version_added: 0.2.0
      sample: a5e1b0d2c3f4e5a6b7c8d9e0f1a2b3c4
    target_datasource_id:
      description: The data source the task writes to, when ROMA Connect reports it.
      type: str
      returned: when known
      version_added: 0.2.0
      sample: b6f2c1e3d4a5f6b7c8d9e0f1a2b3c4d5
    mappings:
      description:
        - The task's table mappings, ordered by source and target table.
      returned: when O(include_mappings=true)
      type: list
      elements: dict
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
            - The column pairs, each with C(source) and C(target) and, when ROMA Connect reports them, C(source_type),
              C(source_length), C(target_type) and C(target_length).
          type: list
          elements: dict
          sample: [{"source": "id", "target": "id", "source_type": "bigint", "target_type": "int8"}]
        status:
          description: The mapping's status as ROMA Connect reports it (for example V(MANUAL), V(AUTO), V(USING)).
          type: str
          sample: MANUAL
    monitor:
      description:
        - What the task monitor reports, from the task's monitor record and the latest log of its executions.
        - Each field is V(null) when ROMA Connect does not report it (for example a task that never ran has no log).
      returned: when O(include_monitor=true)
      type: dict
      version_added: 0.2.0
      contains:
        execute_status:
          description: V(UNSTARTED), V(WAITING), V(RUNNING), V(SUCCESS), V(CANCELLED) or V(ERROR).
          type: str
          sample: RUNNING
        position:
          description: Where the sync job is, V(ADAPTER) (initialising), V(READER) or V(WRITER).
          type: str
          sample: WRITER
        position_status:
          description: >-
            V(NORMAL), V(NODE_END), V(RUNTIME_CANCEL), V(TASK_END), V(RUNTIME_ERR) or V(INTERNAL_ERR), from the latest
            monitor log.
          type: str
          sample: NORMAL
        last_execute_time:
          description: When the task last started executing, in milliseconds since 1970-01-01 UTC.
          type: int
          sample: 1764628800000
        data_count:
          description: Rows the latest execution handled.
          type: int
          sample: 1200
        dirty_data_count:
          description: Rows the latest execution could not write (dirty data).
          type: int
          sample: 0
        spend_time:
          description: Duration of the latest execution so far, in milliseconds.
          type: int
          sample: 5400
        remarks:
          description: The latest execution's result in words, as ROMA Connect wrote it.
          type: str
          sample: The task is running.
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
  sample: GET
path:
  description: Path of the request that failed, without the query string.
  returned: on API or connection failure
  type: str
  sample: /v2/0123456789abcdef0123456789abcdef/fdi/instances/demo-instance/tasks
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
"""

from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import FdiTaskApi, validate_task_options
from ansible_collections.hwcloud.roma.plugins.module_utils.module import RomaModule
from ansible_collections.hwcloud.roma.plugins.module_utils.rules import raise_for_problems

STATUS_QUERY = {'running': 1, 'stopped': 0}
EXACT_FILTERS = ('task_id', 'task_name', 'status', 'task_tag', 'source_app_id', 'target_app_id')


def read_tasks(module):
    params = module.params
    validate_task_options(params)
    if params['name_contains'] is not None and not 1 <= len(params['name_contains']) <= 64:
        raise_for_problems(["name_contains must be 1-64 characters (the list API's name filter); got %d" % len(params['name_contains'])])
    api = FdiTaskApi(module.client, params['instance_id'])
    exact = {
        'task_id': params['task_id'],
        'task_name': params['name'],
        'status': params['status'],
        'task_tag': params['tag'],
        'source_app_id': params['source_app_id'],
        'target_app_id': params['target_app_id'],
    }
    listed = api.iter_listed(
        task_id=params['task_id'],
        name=params['name'] or params['name_contains'],
        status=STATUS_QUERY.get(params['status']),
        task_tag=params['tag'],
        source_app_id=params['source_app_id'],
        target_app_id=params['target_app_id'],
    )
    # The API's filters are not all exact (its name match's case rules are undocumented), so every filter is applied here too.
    matching = [
        api.establish_kind(entry)
        for entry in listed
        if all(exact[field] is None or entry.task.get(field) == exact[field] for field in EXACT_FILTERS)
        and (params['name_contains'] is None or params['name_contains'] in (entry.task.get('task_name') or ''))
    ]
    ordinary = [entry.task for entry in matching if not entry.composite]
    if ordinary and params['task_id']:
        module.warn(
            'Task %s (%r) is an ordinary FDI task, not a composite task: this module returns composite tasks only.'
            % (ordinary[0]['task_id'], ordinary[0].get('task_name'))
        )
    tasks = [entry.task for entry in matching if entry.composite]
    if params['details']:
        tasks = [task for task in (api.add_detail(brief) for brief in tasks) if task is not None]
    if params['include_mappings']:
        from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_mappings import FdiMappingApi  # only runs that ask for mappings

        FdiMappingApi(module.client, params['instance_id']).add_mappings(tasks)
    if params['include_monitor']:
        from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_monitor import FdiMonitorApi  # only runs that ask for monitors

        FdiMonitorApi(module.client, params['instance_id']).add_monitors(tasks)
    return {'changed': False, 'tasks': tasks}


def main():
    module = RomaModule(
        argument_spec=dict(
            instance_id=dict(type='str', required=True),
            task_id=dict(type='str'),
            name=dict(type='str', aliases=['task_name']),
            name_contains=dict(type='str'),
            status=dict(type='str', choices=['running', 'stopped']),
            tag=dict(type='str', aliases=['task_tag']),
            source_app_id=dict(type='str'),
            target_app_id=dict(type='str'),
            details=dict(type='bool', default=True),
            include_monitor=dict(type='bool', default=False),
            include_mappings=dict(type='bool', default=False),
        ),
        mutually_exclusive=[('name', 'name_contains')],
        supports_check_mode=True,
    )
    module.run(read_tasks)


if __name__ == '__main__':
    main()
