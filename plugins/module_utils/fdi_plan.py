# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan: what one composite task needs, as an ordered list of write requests, computed without any I/O.

A composite task has several parts (its fields, whether it runs, its data sources, its
table mappings), and changing them takes several requests in a fixed order (a running
task is stopped, changed and started again).  :func:`plan_task` is a pure function of
(desired, current) that returns those requests, each an :class:`Action`, or raises a
:class:`PlanError` for a change that cannot be made.  Check mode, diff mode, the
``commands`` and ``rendered`` outputs all come from the plan.

Each action also knows what it does to the task (:func:`task_after`), so the task after
a plan is the task before it with every action applied, and the task after a run that
failed part-way is the task before it with the actions that were done applied: both are
derived the same way, and a failed run never reports a change that did not happen.
:mod:`fdi_apply` sends the plans.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError, RomaInputError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import (
    canonical_operation_types,
    compare_task,
    describe_conflicts,
    describe_unreadable,
    new_task_id,
    unreadable_fields,
    validate_task_options,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.rules import problems_of, raise_for_problems

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_mappings import MappingList

DEFAULT_TASK_TYPE = 'REALTIME'  # what a new task is when task_type is not set (composite tasks are real-time)
DETAIL_ONLY_FIELDS = ('description', 'operation_types')  # not in the list API: comparing them costs one show request
DATASOURCE_ID_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$')
SERVER_ID_RE = re.compile(r'^[0-9A-Za-z._-]{1,20}$')
DATASOURCE_OPTIONS = ('source_datasource_id', 'target_datasource_id')
# the fields fixed once set, besides those fdi_tasks compares (option and task field have the same names)
FIXED_SOURCE_FIELDS = DATASOURCE_OPTIONS + ('server_id',)
MAPPING_KINDS = ('create_mapping', 'update_mapping', 'delete_mapping')


class PlanError(RomaError):
    """A change the plan refuses (an immutable field differs, a create without what it needs): nothing was sent."""


# -- what the playbook wants ------------------------------------------------------------------------------


class Desired:
    """One composite task as the playbook wants it.  Every field None means "don't care"."""

    def __init__(
        self,
        options: Mapping[str, Any],
        status: str | None = None,
        absent: bool = False,
        purge_mappings: bool = False,
        recreate: bool = False,
        instance_id: str | None = None,
    ) -> None:
        self.instance_id = instance_id
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
        self.mappings = _wanted_mappings(options.get('mappings'))
        self.status = status
        self.absent = absent
        self.purge_mappings = purge_mappings
        self.recreate = recreate

    @property
    def identity(self) -> str | None:
        return self.task_id or self.name

    @property
    def needs_detail(self) -> bool:
        """Whether comparing needs the show API (the list API lacks these fields)."""
        return not self.absent and any(self.fields[field] is not None for field in DETAIL_ONLY_FIELDS)

    @property
    def needs_mappings(self) -> bool:
        return not self.absent and self.mappings is not None

    def mapping_index(self, key: tuple[str, str] | None) -> int | None:
        """Where the pair ``key`` is listed in the ``mappings`` option (for messages that name ``mappings[i]``)."""
        return next((index for index, mapping in enumerate(self.mappings or []) if _key(mapping) == key), None)


def _wanted_mappings(option: Iterable[Any] | None, option_name: str = 'mappings') -> list[dict[str, Any]] | None:
    """The ``mappings`` option normalised and checked, or None.  The mapping machinery is imported only by runs that set it."""
    if option is None:
        return None
    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_mappings import normalize_wanted_mappings

    return normalize_wanted_mappings(option, option_name)


def reads_needed(desired: Desired, task: Mapping[str, Any] | None, detailed: bool = False) -> tuple[bool, bool]:
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


def validate_desired(options: Mapping[str, Any], option_prefix: str = '') -> None:
    """Check the task options before any request; RomaInputError names each problem and its option."""
    problems = []
    try:
        validate_task_options(options)
    except RomaInputError as error:
        problems.extend(problems_of(error))
    for option in DATASOURCE_OPTIONS:
        value = options.get(option)
        if value is not None and not (isinstance(value, str) and DATASOURCE_ID_RE.fullmatch(value)):
            problems.append(
                '%s%s must be 1-64 characters: letters, digits, ".", "_" and "-", starting with a letter or digit; got %r' % (option_prefix, option, value)
            )
    server_id = options.get('server_id')
    if server_id is not None and not (isinstance(server_id, str) and SERVER_ID_RE.fullmatch(server_id)):
        problems.append('%sserver_id must be 1-20 characters: letters, digits, ".", "_" and "-"; got %r' % (option_prefix, server_id))
    if options.get('auto_mapping') and not all(options.get(option) for option in DATASOURCE_OPTIONS):
        missing = [option for option in DATASOURCE_OPTIONS if not options.get(option)]
        problems.append(
            '%s%s %s required with auto_mapping (it maps the tables of the two data sources)'
            % (option_prefix, ' and '.join(missing), 'are' if len(missing) > 1 else 'is')
        )
    if options.get('auto_mapping') and options.get('purge_mappings'):
        problems.append(
            '%sauto_mapping and purge_mappings cannot both be true: the purge would delete the mappings that auto_mapping '
            'makes (list them in mappings instead)' % option_prefix
        )
    try:
        _wanted_mappings(options.get('mappings'), option_prefix + 'mappings')
    except RomaInputError as error:
        problems.extend(problems_of(error))
    raise_for_problems(problems)


# -- the plan -----------------------------------------------------------------------------------------------


class Action:
    """One write request of a plan, and what it does to the task.

    ``path`` is relative to the instance and may hold ``{task_id}``; ``changes`` are the
    task fields an update sets; ``key`` and ``mapping`` the pair and the mapping a mapping
    action writes.
    """

    def __init__(
        self,
        kind: str,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        key: tuple[str, str] | None = None,
        mapping_id: str | None = None,
        changes: dict[str, Any] | None = None,
        mapping: dict[str, Any] | None = None,
    ) -> None:
        self.kind = kind
        self.method = method
        self.path = path
        self.body = body
        self.key = key  # (source_table, target_table) of a mapping action
        self.mapping_id = mapping_id
        self.changes = changes or {}
        self.mapping = mapping

    def request(self, instance_id: str, project_id: str = '{project_id}', task_id: str = '{task_id}') -> dict[str, Any]:
        """``{method, path, body}`` as sent; unknown IDs stay literal placeholders."""
        body = copy.deepcopy(self.body)
        if isinstance(body, dict) and body.get('task_id') == '{task_id}':
            body['task_id'] = task_id
        if isinstance(body, dict) and isinstance(body.get('list'), list):
            body['list'] = [{'task_id': task_id}]
        request = {'method': self.method, 'path': '/v2/%s/fdi/instances/%s/%s' % (project_id, instance_id, self.path.replace('{task_id}', task_id))}
        if body is not None:
            request['body'] = body
        return request

    def __repr__(self) -> str:
        return 'Action(%s %s %s)' % (self.kind, self.method, self.path)


def switch_action(action: str) -> Action:
    """A start or stop of the plan's task (sent in batches: :mod:`fdi_apply`)."""
    return Action(action, 'POST', 'batch-operation/tasks', {'action_id': action, 'list': [{'task_id': '{task_id}'}]})


def reset_action(date_from: int) -> Action:
    return Action('reset', 'POST', 'multi-tasks/{task_id}/reset', {'date_from': date_from})


def restart_plan(task: dict[str, Any], middle: Iterable[Action] = ()) -> TaskPlan:
    """The plan of a change to a task from outside its own options (a reset, a data source it uses): stop, change, start.

    A stopped task gets only the change; a running one is stopped for it and started again, by the same rule as
    any task change (:mod:`fdi_apply`), so it runs again however the change ends.
    """
    running = task.get('status') == 'running'
    actions = ([switch_action('stop')] if running else []) + list(middle) + ([switch_action('start')] if running else [])
    return TaskPlan(Desired({'task_id': task['task_id'], 'name': task.get('task_name')}), task, actions, task['task_id'], False)


def task_after(before: dict[str, Any] | None, actions: Iterable[Action], created: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The task after ``actions`` (in order): the one way both a plan's outcome and a failed run's truth are derived.

    ``created`` is the task a create makes (the plan's view of it, IDs filled in by the apply step).
    """
    task = copy.deepcopy(before)
    for action in actions:
        if action.kind in ('stop', 'start'):
            task = dict(task, status='running' if action.kind == 'start' else 'stopped')
            task.pop('execute_status', None)  # read before the switch: no longer true
        elif action.kind == 'update':
            task = dict(task, **action.changes)
        elif action.kind == 'delete':
            task = None
        elif action.kind == 'create':
            task = copy.deepcopy(created)
        elif action.kind in MAPPING_KINDS and task is not None and task.get('mappings') is not None:
            mappings = [mapping for mapping in task['mappings'] if _key(mapping) != action.key]
            if action.kind != 'delete_mapping':
                mappings.append(copy.deepcopy(action.mapping))
            task = dict(task, mappings=sorted(mappings, key=_key))
            body = action.body or {}
            sources = dict((option, body.get(option)) for option in DATASOURCE_OPTIONS)
            sources['server_id'] = (body.get('ext_info') or {}).get('server_id')
            for field, value in sources.items():  # a task without data sources takes those of its first mapping
                if value and not task.get(field):
                    task[field] = value
    return task


def _key(mapping: Mapping[str, Any]) -> tuple[str, str]:
    return (mapping['source_table'], mapping['target_table'])


class TaskPlan:
    """The result of :func:`plan_task`: the writes in order, and the task before and after them."""

    def __init__(
        self,
        desired: Desired,
        before: dict[str, Any] | None,
        actions: list[Action],
        task_id: str | None,
        mappings_read: bool,
        created: dict[str, Any] | None = None,
    ) -> None:
        self.desired = desired
        self.before = before
        self.actions = actions
        self.task_id = task_id  # known before apply: given, found, or generated for a create
        self.mappings_read = mappings_read
        self.created = created  # the task a create makes (None without a create)
        self.after = task_after(before, actions, created)

    @property
    def changed(self) -> bool:
        return bool(self.actions)

    @property
    def outcomes(self) -> list[str]:
        """What the plan does, in words: created, updated, recreated, mappings_changed, started, stopped, deleted, reset."""
        return outcomes_of(self, self.actions)

    @property
    def uses_datasources(self) -> bool:
        """Whether the plan writes what its data sources must have (a create with data sources, a new or changed mapping):
        only such a plan is checked against them (:mod:`fdi_preflight`)."""
        kinds = [action.kind for action in self.actions]
        return 'create_mapping' in kinds or 'update_mapping' in kinds or ('create' in kinds and 'init' in kinds)

    @property
    def was_running(self) -> bool:
        return bool(self.before) and self.before.get('status') == 'running'

    @property
    def stops_first(self) -> bool:
        return bool(self.actions) and self.actions[0].kind == 'stop'

    @property
    def ends_with_start(self) -> bool:
        return bool(self.actions) and self.actions[-1].kind == 'start'

    @property
    def middle(self) -> list[Action]:
        """The actions between a leading stop and a trailing start (the plan puts stop first and start last)."""
        first = 1 if self.stops_first else 0
        last = len(self.actions) - 1 if self.ends_with_start and len(self.actions) > first else len(self.actions)
        return self.actions[first:last]

    def restart_after(self, done: Sequence[Action]) -> bool:
        """Whether a run that did ``done`` and then ended early must start the task again.

        The task ran before, this plan stopped it for a change, the user did not ask for it
        stopped, it exists (a recreate whose create went through counts: the new task takes
        the old one's place), and it has not been started since.  This is the rule that keeps
        a sync job from being left stopped by a failure, a bug, Ctrl-C or SIGTERM.
        """
        kinds = [action.kind for action in done]
        exists = 'delete' not in kinds or 'create' in kinds
        return self.was_running and 'stop' in kinds and self.desired.status != 'stopped' and exists and 'start' not in kinds[kinds.index('stop') :]


def outcomes_of(plan: TaskPlan, actions: Iterable[Action]) -> list[str]:
    """The words for what ``actions`` (all of a plan, or those done before a failure) did: one vocabulary for every report."""
    kinds = [action.kind for action in actions]
    planned = [action.kind for action in plan.actions]
    words = []
    if 'create' in kinds:
        words.append('recreated' if 'delete' in kinds else 'created')
    elif 'delete' in kinds:
        words.append('deleted')
    if 'update' in kinds:
        words.append('updated')
    if 'create' not in kinds and any(kind in MAPPING_KINDS for kind in kinds):
        words.append('mappings_changed')
    if 'reset' in kinds:
        words.append('reset')
    if 'start' in kinds and not plan.was_running:
        words.append('started')
    if 'stop' in kinds and 'start' not in planned and 'delete' not in planned:
        words.append('stopped')
    return words


def create_body(desired: Desired, task_id: str) -> dict[str, Any]:
    body = {'task_name': desired.fields['task_name'], 'task_id': task_id, 'task_type': desired.fields['task_type'] or DEFAULT_TASK_TYPE}
    for field in ('description', 'task_tag', 'operation_types', 'source_app_id', 'target_app_id'):
        if desired.fields[field] not in (None, ''):  # the API's minimum length is 1: an empty description is no description
            body[field] = desired.fields[field]
    return body


def init_body(desired: Desired, task_id: str) -> dict[str, Any]:
    body = {
        'task_id': task_id,
        'source_datasource_id': desired.source_datasource_id,
        'target_datasource_id': desired.target_datasource_id,
        'auto_mapping': desired.auto_mapping,
    }
    if desired.server_id:
        body['ext_info'] = {'server_id': desired.server_id}
    return body


def update_body(current: Mapping[str, Any], desired: Desired) -> dict[str, Any]:
    """The PUT body: the API wants every mutable field, so unset ones keep their current values."""
    body = {}
    for field in ('description', 'task_tag'):
        value = desired.fields[field] if desired.fields[field] is not None else current.get(field)
        if value not in (None, ''):
            body[field] = value
    body['operation_types'] = desired.fields['operation_types'] or current.get('operation_types')
    if not body['operation_types']:
        raise PlanError(
            'ROMA Connect did not report the operation types of task %r and the update must send them: set operation_types.' % current.get('task_name')
        )
    body['repulling_snapshot'] = desired.repulling_snapshot
    return body


def _created_task(desired: Desired, body: Mapping[str, Any], task_id: str, with_sources: bool) -> dict[str, Any]:
    task = dict.fromkeys(('source_app_id', 'target_app_id'))
    task.update(description='', task_tag='')
    task.update(body)
    task.update(task_id=task_id, status='stopped')
    for field in FIXED_SOURCE_FIELDS:
        if with_sources and getattr(desired, field):
            task[field] = getattr(desired, field)
    if desired.mappings is not None or (desired.auto_mapping and with_sources):
        task['mappings'] = []  # filled by the mapping actions, and by what an auto-mapping init made (read after the create)
    return task


def _fixed_conflicts(desired: Desired, current: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Data sources and server_id: fixed once set.  A value the task does not report is "not set yet", never a conflict."""
    conflicts = {}
    for field in FIXED_SOURCE_FIELDS:
        wanted, present = getattr(desired, field), current.get(field)
        if wanted is not None and present not in (None, '') and present != wanted:
            conflicts[field] = (present, wanted)
    return conflicts


def task_conflicts(desired: Desired, current: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Every field fixed at creation that differs: {field: (current, wanted)}."""
    conflicts = compare_task(desired.fields, current)[1]
    conflicts.update(_fixed_conflicts(desired, current))
    return conflicts


def _mapping_actions(desired: Desired, current_mappings: Iterable[Mapping[str, Any]] | None, purge: bool, sources: tuple[Any, ...]) -> list[Action]:
    """Creates, modifies and (with ``purge``) deletes that make the task's mappings what ``desired`` lists.

    ``sources`` are the task's (source_datasource_id, target_datasource_id, server_id) that every mapping body carries.
    """
    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_mappings import columns_differ, mapping_body, merged_columns

    source_id, target_id, server_id = sources
    existing = dict((_key(mapping), mapping) for mapping in current_mappings or [])
    wanted_keys = set()
    actions = []
    for mapping in desired.mappings or []:
        key = _key(mapping)
        wanted_keys.add(key)
        body = mapping_body(mapping, source_id, target_id, server_id)
        current = existing.get(key)
        if current is None:
            actions.append(
                Action('create_mapping', 'POST', 'multi-tasks/{task_id}/mappings', body, key=key, mapping=dict(mapping, mapping_id=None, status=None))
            )
        elif mapping['columns'] is not None and columns_differ(mapping['columns'], current['columns']):
            actions.append(
                Action(
                    'update_mapping',
                    'PUT',
                    'multi-tasks/{task_id}/mappings/%s' % current['mapping_id'],
                    body,
                    key=key,
                    mapping_id=current['mapping_id'],
                    mapping=dict(current, columns=merged_columns(mapping['columns'], current['columns'])),
                )
            )
    deletes = [
        Action('delete_mapping', 'DELETE', 'multi-tasks/{task_id}/mappings/%s' % current['mapping_id'], key=key, mapping_id=current['mapping_id'])
        for key, current in existing.items()
        if purge and key not in wanted_keys
    ]
    return deletes + actions


def _sources_of(desired: Desired, current: Mapping[str, Any] | None) -> tuple[Any, ...]:
    """The data sources and server ID that mappings are written with: the options, else what the task has."""
    sources = tuple(getattr(desired, field) or (current or {}).get(field) for field in FIXED_SOURCE_FIELDS)
    missing = [option for option, value in zip(DATASOURCE_OPTIONS, sources[:2]) if not value]
    if missing:
        raise PlanError(
            'Task %s has no %s, and mappings need both data sources: set %s.' % (desired.identity, ' and '.join(missing), ' and '.join(missing)), task=current
        )
    return sources


def plan_task(
    desired: Desired,
    current: dict[str, Any] | None,
    current_mappings: MappingList | None = None,
    generate_task_id: Callable[[], str] | None = None,
    detailed: bool = True,
) -> TaskPlan:
    """Plan the writes that make ``current`` (a task dict or None) what ``desired`` says.

    ``current_mappings`` is the task's mapping list, or None when it was not read;
    ``detailed`` says whether ``current`` was read with the show API (else only listed).
    Pure: no request is sent.  Raises PlanError for what cannot be done.
    """
    mappings_read = current_mappings is not None or (current is None and desired.mappings is not None)
    if (desired.absent or desired.recreate) and current is not None and desired.task_id and desired.name and current.get('task_name') != desired.name:
        # task_id and name both say which task is meant; when they disagree, deleting either could delete the wrong one
        # (recreate included: a mistyped name must never delete a task)
        raise PlanError(
            'Task %s is named %r, not %r: with task_id and name both set, they must name the same task. '
            'Nothing was deleted.' % (current['task_id'], current.get('task_name'), desired.name),
            task=current,
            conflicts={'task_name': {'current': current.get('task_name'), 'wanted': desired.name}},
        )
    if desired.absent:
        if current is None:
            return TaskPlan(desired, None, [], desired.task_id, False)
        actions = ([switch_action('stop')] if current.get('status') == 'running' else []) + [Action('delete', 'DELETE', 'tasks/{task_id}')]
        return TaskPlan(desired, current, actions, current['task_id'], False)
    if current is None:
        missing = missing_for_create(desired)
        if missing:
            raise PlanError('Task %s does not exist; to create it, set %s.' % (desired.identity, ' and '.join(missing)))
        task_id = desired.task_id or (generate_task_id or (lambda: new_task_id(desired.instance_id, desired.name)))()
        actions, created = _create_actions(desired, task_id)
        return TaskPlan(desired, None, actions, task_id, mappings_read, created)
    if current_mappings is not None:
        current = dict(current, mappings=current_mappings.mappings)
        for field in FIXED_SOURCE_FIELDS:
            if not current.get(field) and getattr(current_mappings, field):
                current[field] = getattr(current_mappings, field)
    conflicts = task_conflicts(desired, current)
    running = current.get('status') == 'running'
    if conflicts:
        if not desired.recreate:
            raise PlanError(
                describe_conflicts(current, conflicts),
                task=current,
                conflicts=dict((field, {'current': old, 'wanted': new}) for field, (old, new) in conflicts.items()),
            )
        return _recreate_plan(desired, current, running, mappings_read, generate_task_id)
    unknown = unreadable_fields(desired.fields, current) if detailed else []
    if unknown:
        raise PlanError(describe_unreadable(current, unknown), task=current)
    changes = compare_task(desired.fields, current)[0]
    if 'description' in changes and not desired.fields['description']:
        raise PlanError(
            'description cannot be emptied: ROMA Connect accepts only 1-1024 characters and keeps the current '
            'description %r when none is sent. Leave description unset to keep it, or set a new text. '
            'Nothing was changed.' % current.get('description'),
            task=current,
        )
    actions = []
    if changes:
        actions.append(
            Action(
                'update', 'PUT', 'multi-tasks/{task_id}', update_body(current, desired), changes=dict((field, new) for field, (_old, new) in changes.items())
            )
        )
    if desired.mappings is not None and current_mappings is not None:
        sources = _sources_of(desired, current)
        actions.extend(_mapping_actions(desired, current_mappings.mappings, desired.purge_mappings, sources))
    should_run = running if desired.status is None else desired.status == 'running'
    if actions and running:
        actions.insert(0, switch_action('stop'))  # ROMA Connect does not change a running task
        if should_run:
            actions.append(switch_action('start'))
    elif should_run != running:
        actions.append(switch_action('start' if should_run else 'stop'))
    return TaskPlan(desired, current, actions, current['task_id'], mappings_read)


def _create_actions(desired: Desired, task_id: str) -> tuple[list[Action], dict[str, Any]]:
    """init (with data sources), create, mappings, start: the requests of a new task, and the task they make."""
    actions = []
    with_sources = bool(desired.source_datasource_id and desired.target_datasource_id)
    if with_sources:
        actions.append(Action('init', 'POST', 'multi-tasks/init', init_body(desired, task_id)))
    elif desired.mappings:
        _sources_of(desired, None)  # raises: mappings need both data sources
    body = create_body(desired, task_id)
    actions.append(Action('create', 'POST', 'multi-tasks', body))
    if desired.mappings:
        actions.extend(_mapping_actions(desired, [], False, _sources_of(desired, None)))
    if desired.status == 'running':
        actions.append(switch_action('start'))
    return actions, _created_task(desired, body, task_id, with_sources)


def missing_for_create(desired: Desired) -> list[str]:
    return [option for option, field in (('name', 'task_name'), ('operation_types', 'operation_types')) if not desired.fields[field]]


def _recreate_plan(desired: Desired, current: dict[str, Any], running: bool, mappings_read: bool, generate_task_id: Callable[[], str] | None) -> TaskPlan:
    """Delete the task and create it as ``desired`` says.

    The new task is made from the options alone (nothing is taken over from the old
    one), so that when the delete succeeds and the create fails, running the module
    again creates the same task.
    """
    had_mappings = bool(current.get('mappings'))
    if had_mappings and desired.mappings is None and not desired.auto_mapping:
        raise PlanError(
            'Task %r (task_id %s) has table mappings: recreating it without mappings or auto_mapping would leave a task '
            'that replicates nothing. Set mappings (or auto_mapping) to recreate it.' % (current.get('task_name'), current.get('task_id')),
            task=current,
        )
    missing = missing_for_create(desired)
    if missing:
        raise PlanError(
            'Task %s would be deleted and created again (recreate), and a create needs %s: set %s, so that a run '
            'after a failed create can create it again. Nothing was changed.' % (desired.identity, ' and '.join(missing), ' and '.join(missing)),
            task=current,
        )
    wanted = copy.copy(desired)
    if wanted.status is None and running:
        wanted.status = 'running'  # the new task runs when the old one did
    task_id = desired.task_id or current['task_id']
    create_actions, created = _create_actions(wanted, task_id)
    actions = ([switch_action('stop')] if running else []) + [Action('delete', 'DELETE', 'tasks/{task_id}')] + create_actions
    return TaskPlan(desired, current, actions, task_id, mappings_read or had_mappings, created)


def replicates_nothing(plan: TaskPlan) -> str | None:
    """Why the task the plan starts would replicate nothing (no data sources, no mappings), as far as the plan knows; else None.

    ROMA Connect accepts the start, then the job fails: the modules warn before it happens.
    """
    if not plan.actions or plan.actions[-1].kind != 'start' or plan.after is None:
        return None
    task = plan.after
    missing = [option for option in DATASOURCE_OPTIONS if not task.get(option)]
    known_sources = plan.before is None or plan.mappings_read or 'source_datasource_id' in plan.before
    if missing and known_sources:
        return 'it has no %s' % ' and no '.join(missing)
    auto_mapped = plan.desired.auto_mapping and any(action.kind == 'init' for action in plan.actions)
    if task.get('mappings') == [] and not auto_mapped:
        return 'it has no table mappings'
    return None
