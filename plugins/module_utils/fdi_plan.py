# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Plan, then apply: how one composite task converges, for one task or for hundreds.

A composite task has several parts (its fields, whether it runs, its data sources,
its table mappings), and changing them takes several requests in a fixed order
(a running task is stopped, changed and started again).  Mixing reads, decisions
and writes makes that order hard to see and check mode hard to keep honest, so
convergence is split in three:

- **read** (the modules, with :mod:`fdi_tasks` and :mod:`fdi_mappings`): the current task and,
  only when needed, its details and mappings;
- **plan** (:func:`plan_task`): a pure function of (desired, current) returning the
  write requests, in order, with the task as it will be afterwards, or a
  :class:`PlanError` for a change that cannot be made.  No I/O: check mode, diff
  mode and rendered requests all come from the plan;
- **apply** (:func:`apply_plans`, and :func:`apply_plan` for one plan): sends the plans'
  requests, each plan's in order, with the one stop/change/start rule: a change that
  fails after its task was stopped still restarts the task before the error is
  reported.  With many plans, start/stop go in batches and the other writes run
  concurrently; one plan's failure never stops the others.
"""

from __future__ import annotations

import copy
import re
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError, RomaInputError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_mappings import (
    columns_differ,
    mapping_body,
    mapping_key,
    mapping_view,
    normalize_wanted_mappings,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import (
    canonical_operation_types,
    comparable_view,
    compare_task,
    describe_conflicts,
    describe_unreadable,
    new_task_id,
    unreadable_fields,
    validate_task_options,
)

DEFAULT_TASK_TYPE = 'REALTIME'  # what a new task is when task_type is not set (composite tasks are real-time)
DETAIL_ONLY_FIELDS = ('description', 'operation_types')  # not in the list API: comparing them costs one show request
DATASOURCE_ID_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$')
SERVER_ID_RE = re.compile(r'^[0-9A-Za-z._-]{1,20}$')
BATCH_SIZE = 10  # tasks per batch-operation/tasks request: the API takes at most 10
# the fields fixed once set, besides those fdi_tasks compares: (option, task field)
FIXED_SOURCE_FIELDS = (('source_datasource_id', 'source_datasource_id'), ('target_datasource_id', 'target_datasource_id'),
                       ('server_id', 'server_id'))


class PlanError(RomaError):
    """A change the plan refuses (an immutable field differs, a create without what it needs): nothing was sent."""


class ApplyError(RomaError):
    """A request of a plan failed; ``done`` lists the actions that succeeded before it."""


# -- what the playbook wants ------------------------------------------------------------------------------

class Desired:
    """One composite task as the playbook wants it.  Every field None means "don't care"."""

    def __init__(self, options, status=None, absent=False, purge_mappings=False, recreate=False):
        self.task_id = options.get('task_id')
        self.name = options.get('name')
        self.fields = {
            'task_name': options.get('name'),
            'task_type': options.get('task_type'),
            'description': options.get('description'),
            'task_tag': options.get('tag'),
            'operation_types': canonical_operation_types(options.get('operation_types')),
            'source_app_id': options.get('source_app_id'),
            'target_app_id': options.get('target_app_id'),
        }
        self.source_datasource_id = options.get('source_datasource_id')
        self.target_datasource_id = options.get('target_datasource_id')
        self.server_id = options.get('server_id')
        self.auto_mapping = bool(options.get('auto_mapping'))
        self.repulling_snapshot = bool(options.get('repulling_snapshot'))
        self.mappings = normalize_wanted_mappings(options.get('mappings'))
        self.status = status
        self.absent = absent
        self.purge_mappings = purge_mappings
        self.recreate = recreate

    @property
    def identity(self):
        return self.task_id or self.name

    @property
    def needs_detail(self):
        """Whether comparing needs the show API (the list API lacks these fields)."""
        return not self.absent and any(self.fields[field] is not None for field in DETAIL_ONLY_FIELDS)

    @property
    def needs_mappings(self):
        return not self.absent and self.mappings is not None


def reads_needed(desired, task, detailed=False):
    """(detail, mappings): what must be read besides what is known of ``task`` before ``desired`` can be planned.

    Call it with the list entry, then again once the details are read (``detailed``).
    The list API lacks description and operation types; an update must send every
    mutable field, so changing only the tag needs the details too; the data sources
    are compared from the show API (or the mapping list when that is read anyway);
    and a recreate must know the old task's mappings, which are read only once a
    conflict is certain.
    """
    if task is None or desired.absent:
        return False, False
    tag_changes = desired.fields['task_tag'] is not None and desired.fields['task_tag'] != (task.get('task_tag') or '')
    fixed_sources = bool(desired.source_datasource_id or desired.target_datasource_id or desired.server_id)
    conflicts = bool(task_conflicts(desired, task))
    detail = desired.needs_detail or tag_changes or (fixed_sources and not desired.needs_mappings) or (desired.recreate and conflicts)
    return detail, desired.needs_mappings or (desired.recreate and conflicts and detailed)


def validate_desired(options, option_prefix=''):
    """Check the task options before any request; RomaInputError names each problem and its option."""
    problems = []
    try:
        validate_task_options(options)
    except RomaInputError as error:
        problems.extend(error.details.get('invalid_options') or [error.message])
    for option in ('source_datasource_id', 'target_datasource_id'):
        value = options.get(option)
        if value is not None and not (isinstance(value, str) and DATASOURCE_ID_RE.fullmatch(value)):
            problems.append('%s%s must be 1-64 characters: letters, digits, ".", "_" and "-", starting with a letter or digit; got %r'
                            % (option_prefix, option, value))
    server_id = options.get('server_id')
    if server_id is not None and not (isinstance(server_id, str) and SERVER_ID_RE.fullmatch(server_id)):
        problems.append('%sserver_id must be 1-20 characters: letters, digits, ".", "_" and "-"; got %r' % (option_prefix, server_id))
    if options.get('mappings') is not None or options.get('auto_mapping'):
        missing = [option for option in ('source_datasource_id', 'target_datasource_id') if not options.get(option)]
        if missing:
            needed_by = 'mappings' if options.get('mappings') is not None else 'auto_mapping'
            problems.append('%s%s %s required with %s' % (option_prefix, ' and '.join(missing), 'are' if len(missing) > 1 else 'is', needed_by))
    if options.get('auto_mapping') and options.get('purge_mappings'):
        problems.append('%sauto_mapping and purge_mappings cannot both be true: the purge would delete the mappings that auto_mapping '
                        'makes (list them in mappings instead)' % option_prefix)
    try:
        normalize_wanted_mappings(options.get('mappings'), option_prefix + 'mappings')
    except RomaInputError as error:
        problems.extend(error.details.get('invalid_options') or [error.message])
    if problems:
        raise RomaInputError('Invalid options: %s.' % '; '.join(problems), invalid_options=problems)


# -- the plan -----------------------------------------------------------------------------------------------

class Action:
    """One write request of a plan.  ``path`` is relative to the instance and may hold ``{task_id}``."""

    def __init__(self, kind, method, path, body=None, key=None, mapping_id=None):
        self.kind = kind
        self.method = method
        self.path = path
        self.body = body
        self.key = key  # (source_table, target_table) of a mapping action
        self.mapping_id = mapping_id

    def request(self, instance_id, project_id='{project_id}', task_id='{task_id}'):
        """``{method, path, body}`` as sent; unknown IDs stay literal placeholders."""
        body = copy.deepcopy(self.body)
        if isinstance(body, dict) and body.get('task_id') == '{task_id}':
            body['task_id'] = task_id
        if isinstance(body, dict) and isinstance(body.get('list'), list):
            body['list'] = [{'task_id': task_id}]
        request = {'method': self.method,
                   'path': '/v2/%s/fdi/instances/%s/%s' % (project_id, instance_id, self.path.replace('{task_id}', task_id))}
        if body is not None:
            request['body'] = body
        return request

    def __repr__(self):
        return 'Action(%s %s %s)' % (self.kind, self.method, self.path)


def _batch(action):
    return Action(action, 'POST', 'batch-operation/tasks', {'action_id': action, 'list': [{'task_id': '{task_id}'}]})


class TaskPlan:
    """The result of :func:`plan_task`: the writes in order, and the task before and after them."""

    def __init__(self, desired, before, after, actions, task_id, outcomes, mappings_read):
        self.desired = desired
        self.before = before
        self.after = after
        self.actions = actions
        self.task_id = task_id  # known before apply: given, found, or generated for a create
        self.outcomes = outcomes  # what the plan does, in words: created, updated, recreated, mappings_changed, started...
        self.mappings_read = mappings_read

    @property
    def changed(self):
        return bool(self.actions)

    def diff(self):
        return {'before': task_view(self.before, self.mappings_read), 'after': task_view(self.after, self.mappings_read)}


def task_view(task, with_mappings=True):
    """The task's comparable fields (diff mode), with data sources and mappings when known."""
    if not task:
        return {}
    view = comparable_view(task)
    for field in ('source_datasource_id', 'target_datasource_id', 'server_id'):
        if task.get(field):
            view[field] = task[field]
    if with_mappings and task.get('mappings') is not None:
        view['mappings'] = [mapping_view(dict(mapping, mapping_id=None, status=None)) for mapping in
                            sorted(task['mappings'], key=mapping_key)]
    return view


def create_body(desired, task_id):
    body = {'task_name': desired.fields['task_name'], 'task_id': task_id,
            'task_type': desired.fields['task_type'] or DEFAULT_TASK_TYPE}
    for field in ('description', 'task_tag', 'operation_types', 'source_app_id', 'target_app_id'):
        if desired.fields[field] not in (None, ''):  # the API's minimum length is 1: an empty description is no description
            body[field] = desired.fields[field]
    return body


def init_body(desired, task_id):
    body = {'task_id': task_id, 'source_datasource_id': desired.source_datasource_id,
            'target_datasource_id': desired.target_datasource_id, 'auto_mapping': desired.auto_mapping}
    if desired.server_id:
        body['ext_info'] = {'server_id': desired.server_id}
    return body


def update_body(current, desired):
    """The PUT body: the API wants every mutable field, so unset ones keep their current values."""
    body = {}
    for field in ('description', 'task_tag'):
        value = desired.fields[field] if desired.fields[field] is not None else current.get(field)
        if value not in (None, ''):
            body[field] = value
    body['operation_types'] = desired.fields['operation_types'] or current.get('operation_types')
    if not body['operation_types']:
        raise PlanError('ROMA Connect did not report the operation types of task %r and the update must send them: '
                        'set operation_types.' % current.get('task_name'))
    body['repulling_snapshot'] = desired.repulling_snapshot
    return body


def _created_task(desired, body, task_id):
    task = dict.fromkeys(('source_app_id', 'target_app_id'))
    task.update(description='', task_tag='')
    task.update(body)
    task.update(task_id=task_id, status='stopped')
    for field in ('source_datasource_id', 'target_datasource_id', 'server_id'):
        if getattr(desired, field):
            task[field] = getattr(desired, field)
    if desired.mappings is not None:
        task['mappings'] = [dict(mapping, mapping_id=None, status=None) for mapping in desired.mappings]
    return task


def _fixed_conflicts(desired, current):
    """Data sources and server_id: fixed once set.  A value the task does not report is "not set yet", never a conflict."""
    conflicts = {}
    for option, field in FIXED_SOURCE_FIELDS:
        wanted, present = getattr(desired, option), current.get(field)
        if wanted is not None and present not in (None, '') and present != wanted:
            conflicts[option] = (present, wanted)
    return conflicts


def task_conflicts(desired, current):
    """Every field fixed at creation that differs: {field: (current, wanted)}."""
    conflicts = compare_task(desired.fields, current)[1]
    conflicts.update(_fixed_conflicts(desired, current))
    return conflicts


def _mapping_actions(desired, current_mappings, purge, server_id=None):
    """Creates, modifies and (with ``purge``) deletes that make the task's mappings what ``desired`` lists."""
    actions = []
    existing = dict((mapping_key(mapping), mapping) for mapping in current_mappings or [])
    wanted_keys = set()
    result = []
    for mapping in desired.mappings or []:
        key = mapping_key(mapping)
        wanted_keys.add(key)
        body = mapping_body(mapping, desired.source_datasource_id, desired.target_datasource_id, desired.server_id or server_id)
        current = existing.get(key)
        if current is None:
            actions.append(Action('create_mapping', 'POST', 'multi-tasks/{task_id}/mappings', body, key=key))
            result.append(dict(mapping, mapping_id=None, status=None))
        elif columns_differ(mapping['columns'], current['columns']):
            actions.append(Action('update_mapping', 'PUT', 'multi-tasks/{task_id}/mappings/%s' % current['mapping_id'], body,
                                  key=key, mapping_id=current['mapping_id']))
            result.append(dict(current, columns=_merged_columns(mapping['columns'], current['columns'])))
        else:
            result.append(current)
    deletes = []
    for key, current in existing.items():
        if key in wanted_keys:
            continue
        if purge:
            deletes.append(Action('delete_mapping', 'DELETE', 'multi-tasks/{task_id}/mappings/%s' % current['mapping_id'],
                                  key=key, mapping_id=current['mapping_id']))
        else:
            result.append(current)
    return deletes + actions, sorted(result, key=mapping_key)


def _merged_columns(wanted, current):
    """A modified mapping's columns as ROMA Connect will report them: the listed ones, with what was known of them."""
    current_by_target = dict((column.get('target'), column) for column in current or [])
    merged = []
    for column in wanted:
        known = current_by_target.get(column['target'], {})
        if known.get('source') != column['source']:
            known = {}
        merged.append(dict(dict((key, known.get(key)) for key in known), **column))
    return merged


def plan_task(desired, current, current_mappings=None, generate_task_id=None, detailed=True):
    """Plan the writes that make ``current`` (a task dict or None) what ``desired`` says.

    ``current_mappings`` is the task's mapping list, or None when it was not read;
    ``detailed`` says whether ``current`` was read with the show API (else only listed).
    Pure: no request is sent.  Raises PlanError for what cannot be done.
    """
    mappings_read = current_mappings is not None or (current is None and desired.mappings is not None)
    if (desired.absent or desired.recreate) and current is not None and desired.task_id and desired.name \
            and current.get('task_name') != desired.name:
        # task_id and name both say which task is meant; when they disagree, deleting either could delete the wrong one
        # (recreate included: a mistyped name must never delete a task)
        raise PlanError('Task %s is named %r, not %r: with task_id and name both set, they must name the same task. '
                        'Nothing was deleted.' % (current['task_id'], current.get('task_name'), desired.name), task=current,
                        conflicts={'task_name': {'current': current.get('task_name'), 'wanted': desired.name}})
    if desired.absent:
        if current is None:
            return TaskPlan(desired, None, None, [], desired.task_id, [], False)
        actions = ([_batch('stop')] if current.get('status') == 'running' else []) + [Action('delete', 'DELETE', 'tasks/{task_id}')]
        return TaskPlan(desired, current, None, actions, current['task_id'], ['deleted'], False)
    if current is None:
        missing = missing_for_create(desired)
        if missing:
            raise PlanError('Task %s does not exist; to create it, set %s.' % (desired.identity, ' and '.join(missing)))
        task_id = desired.task_id or (generate_task_id or new_task_id)()
        actions, after = _create_actions(desired, task_id)
        outcomes = ['created'] + (['started'] if desired.status == 'running' else [])
        return TaskPlan(desired, None, after, actions, task_id, outcomes, mappings_read)
    if current_mappings is not None:
        current = dict(current, mappings=current_mappings.mappings)
        for option, _field in FIXED_SOURCE_FIELDS:
            if not current.get(option) and getattr(current_mappings, option):
                current[option] = getattr(current_mappings, option)
    conflicts = task_conflicts(desired, current)
    running = current.get('status') == 'running'
    if conflicts:
        if not desired.recreate:
            raise PlanError(describe_conflicts(current, conflicts),
                            task=current, conflicts=dict((field, {'current': old, 'wanted': new})
                                                         for field, (old, new) in conflicts.items()))
        return _recreate_plan(desired, current, running, mappings_read)
    unknown = unreadable_fields(desired.fields, current) if detailed else []
    if unknown:
        raise PlanError(describe_unreadable(current, unknown), task=current)
    changes = compare_task(desired.fields, current)[0]
    if 'description' in changes and not desired.fields['description']:
        raise PlanError('description cannot be emptied: ROMA Connect accepts only 1-1024 characters and keeps the current '
                        'description %r when none is sent. Leave description unset to keep it, or set a new text. '
                        'Nothing was changed.' % current.get('description'), task=current)
    actions, after = [], dict(current)
    if changes:
        actions.append(Action('update', 'PUT', 'multi-tasks/{task_id}', update_body(current, desired)))
        after.update((field, new) for field, (_old, new) in changes.items())
    mapping_changes = []
    if desired.mappings is not None and current_mappings is not None:
        mapping_changes, after['mappings'] = _mapping_actions(desired, current_mappings.mappings, desired.purge_mappings,
                                                              current.get('server_id'))
        actions.extend(mapping_changes)
        for option, _field in FIXED_SOURCE_FIELDS:
            if mapping_changes and getattr(desired, option) and not after.get(option):
                after[option] = getattr(desired, option)
    should_run = running if desired.status is None else desired.status == 'running'
    outcomes = (['updated'] if changes else []) + (['mappings_changed'] if mapping_changes else [])
    if actions and running:
        actions.insert(0, _batch('stop'))  # ROMA Connect does not change a running task
        if should_run:
            actions.append(_batch('start'))
    elif should_run != running:
        actions.append(_batch('start' if should_run else 'stop'))
    if should_run != running:
        outcomes.append('started' if should_run else 'stopped')
        after['status'] = 'running' if should_run else 'stopped'
        after.pop('execute_status', None)  # read before the start/stop: no longer true
    return TaskPlan(desired, current, after, actions, current['task_id'], outcomes, mappings_read)


def _create_actions(desired, task_id):
    actions = []
    if desired.source_datasource_id and desired.target_datasource_id:
        actions.append(Action('init', 'POST', 'multi-tasks/init', init_body(desired, task_id)))
    body = create_body(desired, task_id)
    actions.append(Action('create', 'POST', 'multi-tasks', body))
    after = _created_task(desired, body, task_id)
    if desired.mappings:
        mapping_actions, after['mappings'] = _mapping_actions(desired, [], False)
        actions.extend(mapping_actions)
    if desired.status == 'running':
        actions.append(_batch('start'))
        after['status'] = 'running'
    return actions, after


def missing_for_create(desired):
    return [option for option, field in (('name', 'task_name'), ('operation_types', 'operation_types')) if not desired.fields[field]]


def _recreate_plan(desired, current, running, mappings_read):
    """Delete the task and create it as ``desired`` says.

    The new task is made from the options alone (nothing is taken over from the old
    one), so that when the delete succeeds and the create fails, running the module
    again creates the same task.
    """
    had_mappings = bool(current.get('mappings'))
    if had_mappings and desired.mappings is None and not desired.auto_mapping:
        raise PlanError('Task %r (task_id %s) has table mappings: recreating it without mappings or auto_mapping would leave a task '
                        'that replicates nothing. Set mappings (or auto_mapping) to recreate it.'
                        % (current.get('task_name'), current.get('task_id')), task=current)
    missing = missing_for_create(desired)
    if missing:
        raise PlanError('Task %s would be deleted and created again (recreate), and a create needs %s: set %s, so that a run '
                        'after a failed create can create it again. Nothing was changed.'
                        % (desired.identity, ' and '.join(missing), ' and '.join(missing)), task=current)
    wanted = copy.copy(desired)
    if wanted.status is None and running:
        wanted.status = 'running'  # the new task runs when the old one did
    actions = ([_batch('stop')] if running else []) + [Action('delete', 'DELETE', 'tasks/{task_id}')]
    task_id = desired.task_id or current['task_id']
    create_actions, after = _create_actions(wanted, task_id)
    outcomes = ['recreated'] + (['started'] if wanted.status == 'running' and not running else [])
    return TaskPlan(desired, current, after, actions + create_actions, task_id, outcomes, mappings_read or had_mappings)


# -- apply --------------------------------------------------------------------------------------------------

class TaskApis:
    """What applying a plan needs: the task and mapping APIs of one instance."""

    def __init__(self, tasks, mappings):
        self.tasks = tasks
        self.mappings = mappings


def apply_plan(apis, plan):
    """Send the plan's requests in order; return the task after them (``plan.after`` with the IDs the server gave).

    A failure after the task was stopped for a change still restarts it when the
    plan would have; the error then lists what was done (``done``), and
    ``deleted: true`` when a recreate deleted the old task but could not create the new one.
    This is :func:`apply_plans` with one plan: the same requests, in the same order.
    """
    result = apply_plans(apis, [plan])[0]
    if result.error is not None:
        raise result.error
    return result.after


class PlanResult:
    """What applying one plan did: ``done`` (the actions that succeeded), ``after``, and ``error`` (an ApplyError) if one failed."""

    def __init__(self, plan):
        self.plan = plan
        self.task_id = plan.task_id
        self.after = copy.deepcopy(plan.after)
        self.done = []
        self.error = None
        self.failed_action = None
        self.cause = None
        self.restarted = None
        self.state = {}  # per-plan memory of _send (the pairs an auto-mapping init made)

    @property
    def failed(self):
        return self.cause is not None

    @property
    def stopped_for_change(self):
        """Whether the plan stopped the task so that it could be changed (a lone stop is the change itself)."""
        return len(self.plan.actions) > 1 and bool(self.done) and self.done[0].kind == 'stop'

    def task(self):
        return {'task_id': self.task_id, 'task_name': (self.after or self.plan.before or {}).get('task_name')}

    def fail(self, action, error):
        self.failed_action, self.cause = action, error

    def finish(self):
        if self.cause is None:
            if self.after is not None:
                self.after['task_id'] = self.task_id
            return self
        details = {'done': [item.kind for item in self.done], 'task_id': self.task_id}
        if self.done:
            details['changed'] = True  # some write went through before the failure
        if any(item.kind == 'delete' for item in self.done) and self.plan.after is not None:
            details['deleted'] = True
        if self.restarted is not None:
            details['restarted'] = self.restarted
        self.error = ApplyError('%s%s' % (self.cause.message, _done_words(self.plan, self.done, details)),
                                **dict(self.cause.details, **details))
        return self


def apply_plans(apis, plans, parallelism=1, batch_size=BATCH_SIZE, on_batch=None):
    """Apply many plans at once; return one :class:`PlanResult` per plan, in order.  Never raises for an API error.

    Three steps, so that start/stop go in batches (``batch-operation/tasks`` takes at
    most ``batch_size`` tasks) and everything else runs concurrently:

    1. every task that must stop is stopped, in batches; those stopped for a change are
       then waited for until they report stopped (concurrently);
    2. each plan's other writes are sent in order, plans concurrently (``parallelism`` threads);
    3. every task that must start is started, in batches, together with those stopped for
       a change that failed (the stop/change/start rule: a rejected change does not leave a
       sync job stopped, unless the plan itself stops it, or the old task of a recreate is gone).

    A plan's failure never stops the others: its result carries the error.
    ``on_batch(action_id, task_ids)`` is told of each batch request before it is sent.
    """
    results = [PlanResult(plan) for plan in plans]
    stopping = [result for result in results if result.plan.actions and result.plan.actions[0].kind == 'stop']
    _switch(apis, stopping, False, batch_size, on_batch)
    waiting = [result for result in stopping if not result.failed and len(result.plan.actions) > 1]
    _run_each(waiting, parallelism, lambda result: _wait_stopped(apis, result))
    changing = [result for result in results if not result.failed and _middle(result.plan)]
    _run_each(changing, parallelism, lambda result: _send_middle(apis, result))
    starting = [result for result in results if not result.failed and result.plan.actions and result.plan.actions[-1].kind == 'start']
    restarting = [result for result in results if result.failed and _restart_after_failure(result)]
    _switch(apis, starting + restarting, True, batch_size, on_batch)
    return [result.finish() for result in results]


def _middle(plan):
    """The plan's actions between a leading stop and a trailing start (plan_task puts stop first and start last)."""
    actions = list(plan.actions)
    if actions and actions[0].kind == 'stop':
        actions = actions[1:]
    if actions and actions[-1].kind == 'start':
        actions = actions[:-1]
    return actions


def _restart_after_failure(result):
    """A task stopped for a change that failed is started again when the plan would have started it, and still exists."""
    actions = result.plan.actions
    return (result.stopped_for_change and actions[-1].kind == 'start' and result.failed_action is not actions[-1]
            and not any(item.kind == 'delete' for item in result.done))


def _run_each(results, parallelism, work):
    """``work(result)`` for each result, up to ``parallelism`` at once (inline when there is nothing to overlap)."""
    if parallelism <= 1 or len(results) <= 1:
        for result in results:
            work(result)
        return
    with ThreadPoolExecutor(max_workers=min(parallelism, len(results))) as pool:
        for future in [pool.submit(work, result) for result in results]:
            future.result()  # only a bug raises here: API errors are kept on the result


def _wait_stopped(apis, result):
    try:
        apis.tasks.wait_until_stopped(result.task())  # a change or delete follows: the task must really be stopped
    except RomaError as error:
        result.fail(result.plan.actions[0], error)


def _send_middle(apis, result):
    for action in _middle(result.plan):
        try:
            result.task_id = _send(apis, result.plan, action, result.task_id, result.after, result.state)
        except RomaError as error:
            result.fail(action, error)
            return
        result.done.append(action)


def _switch(apis, results, running, batch_size, on_batch):
    """Start or stop the tasks of ``results`` with batch requests of at most ``batch_size`` tasks each.

    A task that is gone counts as switched, as with one task (deleting it, for one, then counts as done).
    A result that already failed is a restart: its outcome goes to ``restarted``.
    """
    action_id = 'start' if running else 'stop'
    for first in range(0, len(results), batch_size):
        chunk = results[first:first + batch_size]
        if on_batch is not None:
            on_batch(action_id, [result.task_id for result in chunk])
        errors = apis.tasks.set_running_many([result.task() for result in chunk], running)
        for result in chunk:
            error = errors.get(result.task_id)
            action = result.plan.actions[-1] if running else result.plan.actions[0]
            if result.failed:
                result.restarted = error is None
            elif error is not None:
                result.fail(action, error)
            else:
                result.done.append(action)


def _done_words(plan, done, details):
    words = []
    if details.get('deleted'):
        words.append('The old task was deleted; run again to create it')
    elif done:
        words.append('Done before the failure: %s' % ', '.join(item.kind for item in done))
    if details.get('restarted') is True:
        words.append('the task was started again')
    elif details.get('restarted') is False:
        words.append('the task could not be started again and is stopped')
    return (' (%s).' % '; '.join(words)) if words else ''


def _send(apis, plan, action, task_id, after, state):
    """Send one action between the plan's stop and start (those go in batches: :func:`_switch`); return the task ID.

    init and create may be told another task ID by the server.
    """
    task = {'task_id': task_id, 'task_name': (after or plan.before or {}).get('task_name')}
    if action.kind == 'delete':
        apis.tasks.delete_task(task_id)
    elif action.kind == 'init':
        return apis.mappings.init_task(dict(action.body, task_id=task_id))
    elif action.kind == 'create':
        return apis.tasks.create_task(dict(action.body, task_id=task_id))
    elif action.kind == 'update':
        if not apis.tasks.update_task(task_id, action.body):
            raise RomaError('Task %s was deleted by someone else while this task was updating it.' % (task['task_name'] or task_id))
    elif action.kind == 'create_mapping':
        if 'auto_mapped' not in state:
            # after an init with auto_mapping, the new task already has the same-named tables: read them once
            auto_mapping = plan.desired.auto_mapping and any(item.kind == 'init' for item in plan.actions)
            found = apis.mappings.list_mappings(task_id) if auto_mapping else None
            state['auto_mapped'] = found.by_key() if found else {}
            listed = set(mapping_key(mapping) for mapping in (after or {}).get('mappings') or [])
            for key, mapping in sorted(state['auto_mapped'].items()):
                if key not in listed and after is not None:
                    after.setdefault('mappings', []).append(mapping)  # what ROMA Connect mapped by itself is the task's too
        mapping_id = _create_mapping(apis, action, task_id, state['auto_mapped'])
        _set_mapping_id(after, action.key, mapping_id)
    elif action.kind == 'update_mapping':
        apis.mappings.update_mapping(task_id, action.mapping_id, action.body)
    elif action.kind == 'delete_mapping':
        apis.mappings.delete_mapping(task_id, action.mapping_id)
    return task_id


def _create_mapping(apis, action, task_id, auto_mapped):
    """Create one mapping; a pair that an auto-mapping init already made is modified instead, never made twice."""
    existing = auto_mapped.get(action.key) if auto_mapped else None
    if existing is not None:
        apis.mappings.update_mapping(task_id, existing['mapping_id'], action.body)
        return existing['mapping_id']
    return apis.mappings.create_mapping(task_id, action.body)


def _set_mapping_id(after, key, mapping_id):
    for mapping in (after or {}).get('mappings') or []:
        if mapping_key(mapping) == key:
            mapping['mapping_id'] = mapping_id
