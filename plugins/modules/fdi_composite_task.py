#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: fdi_composite_task
short_description: Manage ROMA Connect FDI composite (multi-table, real-time) tasks
version_added: 0.1.0
description:
  - Ensures that one composite data-integration task of a ROMA Connect instance exists with the given settings,
    is running or stopped, or is gone.
  - The task is identified by O(task_id) when it is set, otherwise by its exact O(name) within O(instance_id).
  - A task that is missing is created; a task whose O(description), O(tag) or O(operation_types) differ is updated
    with one request; a task whose O(task_type), O(source_app_id), O(target_app_id) or (when found by O(task_id))
    O(name) differ cannot be changed in place, so the module fails, names each field, and changes nothing.
  - Options that are not set are not compared. A field that is set but whose current value ROMA Connect does not
    report (for example O(operation_types) missing from the show response's C(task_detail)) makes the module fail
    with a message naming it, rather than report a change it cannot verify.
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
  state:
    description:
      - V(present) ensures the task exists with the given settings, without changing whether it runs.
      - V(started) and V(stopped) also ensure it exists, then start or stop it when its status differs.
      - V(absent) deletes the task, stopping it first if it is running.
      - ROMA Connect does not change or delete a running task, so an update to a running task stops it, updates it
        and starts it again (unless O(state=stopped)). After the stop request the module reads the task until it
        reports stopped (at once, then after 1 s, 2 s, 4 s, 8 s, then every 10 s, for at most 120 s) before it
        sends the update or the delete.
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
'''

EXAMPLES = r'''
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
      instance_id: "{{ roma_instance_id }}"
  tasks:
    - name: Ensure a composite task exists
      hwcloud.roma.fdi_composite_task:
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
        name: orders-to-warehouse
        description: Replicate orders and order lines

    - name: Start the task (created first if it does not exist)
      hwcloud.roma.fdi_composite_task:
        name: orders-to-warehouse
        operation_types: [INSERT, UPDATE, DELETE]
        state: started

    - name: Stop the task, found by its ID
      hwcloud.roma.fdi_composite_task:
        task_id: "{{ orders_task_id }}"
        state: stopped

    - name: Delete the task (stopped first if it is running)
      hwcloud.roma.fdi_composite_task:
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
'''

RETURN = r'''
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
diff:
  description: The task's comparable fields before and after, in diff mode.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: Fields before the change (V({}) when the task did not exist).
      type: dict
    after:
      description: Fields after the change (V({}) when the task is deleted).
      type: dict
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
conflicts:
  description:
    - The fields that cannot be changed in place, each with the task's C(current) and the C(wanted) value.
    - The module fails and changes nothing; RV(task) is the task as it is.
  returned: when a field that is fixed at creation differs
  type: dict
  sample: {"source_app_id": {"current": "app-orders", "wanted": "app-billing"}}
'''

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError, RomaInputError, RomaResponseError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import (
    FdiTaskApi,
    canonical_operation_types,
    comparable_view,
    compare_task,
    describe_conflicts,
    describe_unreadable,
    new_task_id,
    unreadable_fields,
    validate_task_options,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.module import RomaModule

DEFAULT_TASK_TYPE = 'REALTIME'  # what a new task is when task_type is not set (composite tasks are real-time)
# Fields the list API does not return: reading them costs one show request.
DETAIL_ONLY_FIELDS = ('description', 'operation_types')


def wanted_fields(params):
    """The task fields the user set, in API names; None means "don't care"."""
    return {
        'task_name': params['name'],
        'task_type': params['task_type'],
        'description': params['description'],
        'task_tag': params['tag'],
        'operation_types': canonical_operation_types(params['operation_types']),
        'source_app_id': params['source_app_id'],
        'target_app_id': params['target_app_id'],
    }


def create_body(wanted, task_id):
    """The POST body.  It always carries a task_id, so that an ambiguous failure is resolved by one show by that ID.

    Empty text is left out: the API's minimum length for description is one
    character, and a task created without one has the empty description asked for.
    """
    body = {'task_name': wanted['task_name'], 'task_id': task_id, 'task_type': wanted['task_type'] or DEFAULT_TASK_TYPE}
    for field in ('description', 'task_tag', 'operation_types', 'source_app_id', 'target_app_id'):
        if wanted[field] not in (None, ''):
            body[field] = wanted[field]
    return body


def created_task(body, task_id, status):
    """The task as ROMA Connect reports it after a create: what was sent, empty text fields as ""."""
    task = dict.fromkeys(('source_app_id', 'target_app_id'))
    task.update(description='', task_tag='')
    task.update(body)
    task.update(task_id=task_id, status=status)
    return task


def update_body(current, wanted, repulling_snapshot):
    """The PUT body: the API wants every mutable field, so unset ones keep their current values.

    Empty text is never sent (the API's minimum length is one character): an
    empty current value is left out, and emptying a description is refused before
    this body is built (see :meth:`CompositeTaskState.converge`).
    """
    body = {}
    for field in ('description', 'task_tag'):
        value = wanted[field] if wanted[field] is not None else current.get(field)
        if value:
            body[field] = value
    body['operation_types'] = wanted['operation_types'] or current.get('operation_types')
    if not body['operation_types']:
        raise RomaResponseError('ROMA Connect did not report the operation types of task %r and the update must send them: '
                                'set operation_types.' % current.get('task_name'))
    body['repulling_snapshot'] = repulling_snapshot
    return body


def gone(task):
    return RomaError('Task %s was deleted by someone else while this task was updating it.' % (task.get('task_name') or task['task_id']))


class CompositeTaskState:
    """Converges one task; check mode skips every write and returns the same result."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.check_mode = module.check_mode
        self.api = FdiTaskApi(module.client, self.params['instance_id'])
        self.wanted = wanted_fields(self.params)

    def run(self):
        state = self.params['state']
        needs_detail = state != 'absent' and any(self.wanted[field] is not None for field in DETAIL_ONLY_FIELDS)
        current = self.api.find_task(task_id=self.params['task_id'], name=self.params['name'], detail=needs_detail)
        if state == 'absent':
            return self.remove(current)
        if current is None:
            return self.create()
        # A task found by task_id was read with the show API, which has every field.
        return self.converge(current, detailed=needs_detail or bool(self.params['task_id']))

    def result(self, changed, before, after):
        result = {'changed': changed, 'task': after or {}}
        if self.module._diff:
            result['diff'] = {'before': comparable_view(before), 'after': comparable_view(after)}
        return result

    def remove(self, current):
        if current is None:
            return self.result(False, None, None)
        name = self.wanted['task_name']
        if self.params['task_id'] and name is not None and current.get('task_name') != name:
            # task_id and name both say which task is meant; when they disagree, deleting either could delete the wrong one
            raise RomaError('Task %s is named %s, not %r: with task_id and name both set, they must name the same task. '
                            'Nothing was deleted.' % (current['task_id'], repr(current.get('task_name')), name),
                            task=current, conflicts={'task_name': {'current': current.get('task_name'), 'wanted': name}})
        if not self.check_mode:
            if current.get('status') == 'running':
                self.api.stop_and_wait(current)  # ROMA Connect refuses to delete a running task
            self.api.delete_task(current['task_id'])
        return self.result(True, current, None)

    def create(self):
        missing = [option for option, field in (('name', 'task_name'), ('operation_types', 'operation_types'))
                   if not self.wanted[field]]
        if missing:
            raise RomaInputError('Task %s does not exist; to create it, set %s.'
                                 % (self.params['task_id'] or self.params['name'], ' and '.join(missing)))
        body = create_body(self.wanted, self.params['task_id'] or new_task_id())
        # check mode creates nothing: a task_id the user did not choose is unknown (null), as RETURN says
        task_id = self.params['task_id'] if self.check_mode else self.api.create_task(body)
        task = created_task(body, task_id, 'stopped')
        if self.params['state'] == 'started':
            if not self.check_mode and not self.api.set_running(task, True):
                raise gone(task)
            task['status'] = 'running'
        return self.result(True, None, task)

    def converge(self, current, detailed):
        changes, conflicts = compare_task(self.wanted, current)
        if changes and not conflicts and not detailed:
            # Found through the list API only: the comparison and the update body need the current details.
            brief, current = current, self.api.add_detail(current)
            if current is None:
                raise gone(brief)
            detailed = True
            changes, conflicts = compare_task(self.wanted, current)
        if conflicts:
            raise RomaError(describe_conflicts(current, conflicts), task=current,
                            conflicts={field: {'current': old, 'wanted': new} for field, (old, new) in conflicts.items()})
        unknown = unreadable_fields(self.wanted, current) if detailed else []
        if unknown:
            raise RomaResponseError(describe_unreadable(current, unknown), task=current)
        if 'description' in changes and not self.wanted['description']:
            raise RomaInputError('description cannot be emptied: ROMA Connect accepts only 1-1024 characters and keeps the current '
                                 'description %s when none is sent. Leave description unset to keep it, or set a new text. '
                                 'Nothing was changed.' % repr(current.get('description')), task=current)
        # built in check mode too, so that a change the API cannot take fails in both modes
        body = update_body(current, self.wanted, self.params['repulling_snapshot']) if changes else None
        running = current.get('status') == 'running'
        should_run = {'started': True, 'stopped': False}.get(self.params['state'], running)
        if not self.check_mode:
            if changes:
                self.update(current, body, running, should_run)
            elif should_run != running and not self.api.set_running(current, should_run):
                raise gone(current)
        after = dict(current, **{field: new for field, (_current, new) in changes.items()})
        if should_run != running:
            after['status'] = 'running' if should_run else 'stopped'
            after.pop('execute_status', None)  # read before the start/stop: no longer true
        return self.result(bool(changes) or should_run != running, current, after)

    def update(self, current, body, running, should_run):
        """PUT the changes.  ROMA Connect refuses to modify a running task: stop it, wait until it reports stopped, and
        start it again after (unless it should stop), also when the update fails, so that a rejected change does not
        leave a sync job stopped."""
        if running and self.api.stop_and_wait(current) is None:
            raise gone(current)
        try:
            updated = self.api.update_task(current['task_id'], body)
        except RomaError:
            if running and should_run:
                self.api.set_running(current, True)
            raise
        if not updated or (should_run and not self.api.set_running(current, True)):
            raise gone(current)


def ensure_composite_task(module):
    validate_task_options(module.params)
    return CompositeTaskState(module).run()


def main():
    module = RomaModule(
        argument_spec=dict(
            instance_id=dict(type='str', required=True),
            name=dict(type='str', aliases=['task_name']),
            task_id=dict(type='str'),
            task_type=dict(type='str', choices=['REALTIME', 'TIMING']),
            description=dict(type='str'),
            tag=dict(type='str', aliases=['task_tag']),
            operation_types=dict(type='list', elements='str', choices=['INSERT', 'UPDATE', 'DELETE']),
            source_app_id=dict(type='str'),
            target_app_id=dict(type='str'),
            repulling_snapshot=dict(type='bool', default=False),
            state=dict(type='str', choices=['present', 'absent', 'started', 'stopped'], default='present'),
        ),
        required_one_of=[('name', 'task_id')],
        supports_check_mode=True,
    )
    module.run(ensure_composite_task)


if __name__ == '__main__':
    main()
