# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The FDI composite-task resource: validation rules, API calls and one normalised task shape.

The API describes a task three different ways (list entity, show response with a
JSON-in-a-string ``task_detail``, create/update bodies) with different casing for
``task_type`` and different types for ``status``.  Everything above this file sees
only the dict built by :func:`normalize_task`, so comparisons never report a
change that is only a difference in spelling.
"""

from __future__ import annotations

import json
import re
import uuid

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import (
    RomaApiError,
    RomaError,
    RomaInputError,
    RomaResponseError,
    RomaTransportError,
    safe_snippet,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.module import PATH_ID_RULE, check_rule, show_value

OPERATION_TYPES = ('INSERT', 'UPDATE', 'DELETE')
MUTABLE_FIELDS = ('description', 'task_tag', 'operation_types')
COMPARABLE_FIELDS = ('task_name', 'task_type', 'description', 'task_tag', 'operation_types', 'source_app_id', 'target_app_id')
TASK_FIELDS = ('task_id',) + COMPARABLE_FIELDS + ('status',)

# The documented answers for "this task does not exist": 400 FDI.3021 (FDI error-code table) and 404 FDI.3081 (the
# OpenAPI definitions).  Nothing else means absent: a 404 without an FDI code comes from a wrong endpoint or base path.
TASK_NOT_FOUND_CODES = frozenset(('FDI.3021', 'FDI.3081'))

# How long a stop may take to show before the module gives up changing or deleting the task, and the poll delays.
STOP_WAIT_SECONDS = 120.0
STOP_POLL_FIRST_DELAY = 1.0
STOP_POLL_MAX_DELAY = 10.0

# option name -> (pattern, human rule).  The option names are what users write, so errors name them.
_APP_ID_RULE = (re.compile(r'^[A-Za-z0-9._-]{1,64}$'), '1-64 characters: letters, digits, ".", "_" and "-"')
RULES = {
    'instance_id': PATH_ID_RULE,
    'task_id': (re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]{2,49}$'), '3-50 characters: letters, digits, ".", "_" and "-", starting with a letter or digit'),
    'name': (re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]{2,99}$'), '3-100 characters: letters, digits, ".", "_" and "-", starting with a letter or digit'),
    'tag': (re.compile(r'^[A-Za-z0-9_-]{4,64}$'), '4-64 characters: letters, digits, "-" and "_"'),
    'source_app_id': _APP_ID_RULE,
    'target_app_id': _APP_ID_RULE,
}
DESCRIPTION_MAX_LENGTH = 1024


def is_not_found(error):
    """Whether ``error`` is ROMA Connect saying that the task (or its mapping) does not exist, in one of its documented forms."""
    return isinstance(error, RomaApiError) and error.status in (400, 404) and error.error_code in TASK_NOT_FOUND_CODES


def new_task_id():
    """A task ID shaped like the ones ROMA Connect assigns (32 lower-case hex digits), for a create the user gave none for.

    Sending it with the create makes the create safe to recover: after an ambiguous
    failure one show by this ID tells whether the task exists.
    """
    return uuid.uuid4().hex


def check_option(option, value):
    """Return an error message for ``value`` of ``option`` under its rule, or None when it is fine (or unset)."""
    return check_rule(option, value, RULES[option])


def validate_task_options(params):
    """Check the composite-task options before any request; raise RomaInputError listing every problem."""
    problems = [check_option(option, params.get(option)) for option in
                ('instance_id', 'task_id', 'name', 'tag', 'source_app_id', 'target_app_id')]
    description = params.get('description')
    if description is not None and len(description) > DESCRIPTION_MAX_LENGTH:
        problems.append('description must be at most %d characters; got %d' % (DESCRIPTION_MAX_LENGTH, len(description)))
    operation_types = params.get('operation_types')
    if operation_types is not None:
        if not operation_types:
            problems.append('operation_types must list 1-3 of %s; got an empty list' % ', '.join(OPERATION_TYPES))
        elif len(set(operation_types)) != len(operation_types):
            problems.append('operation_types must not repeat an item; got %s' % ', '.join(operation_types))
    problems = [problem for problem in problems if problem]
    if problems:
        raise RomaInputError('Invalid options: %s.' % '; '.join(problems), invalid_options=problems)


def canonical_operation_types(values):
    """Upper-case, de-duplicate and order operation types INSERT, UPDATE, DELETE (unknown ones last, sorted)."""
    if values is None:
        return None
    wanted = set(str(value).upper() for value in values)
    known = [value for value in OPERATION_TYPES if value in wanted]
    return known + sorted(wanted.difference(OPERATION_TYPES))


def is_composite(entity):
    """Whether a list entity is a composite task: its ``ext_type`` is a non-empty string.

    The API documents ``ext_type`` only as "composite task type, may be empty"; ROMA
    Connect fills it for composite tasks (values such as MULTI or CDC) and leaves it
    empty for ordinary FDI tasks.  A task whose kind cannot be told this way is
    treated as not composite: the modules never change, delete or gather it.
    """
    ext_type = entity.get('ext_type')
    return isinstance(ext_type, str) and bool(ext_type.strip())


def normalize_status(value):
    """Map the list API's 0/1 and the show API's "stop"/"running" to "stopped"/"running"; keep unknown values as text."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in ('1', 'running', 'run', 'started', 'start'):
        return 'running'
    if text in ('0', 'stop', 'stopped', 'unstarted'):
        return 'stopped'
    return text


def _find_key(document, key, depth=0):
    """Depth-limited search for ``key`` in nested dicts/lists (task_detail's layout is not documented)."""
    if depth > 6:
        return None
    if isinstance(document, dict):
        if key in document:
            return document[key]
        children = document.values()
    elif isinstance(document, list):
        children = document
    else:
        return None
    for child in children:
        found = _find_key(child, key, depth + 1)
        if found is not None:
            return found
    return None


def parse_task_detail(task_detail):
    """``task_detail`` is a JSON document serialised as a string; return it as a dict ({} when unreadable)."""
    if isinstance(task_detail, dict):
        return task_detail
    if not isinstance(task_detail, str) or not task_detail.strip():
        return {}
    try:
        document = json.loads(task_detail)
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def _text(value):
    return None if value is None else str(value)


def normalize_task(entity=None, shown=None):
    """Build the collection's task dict from a list entity and/or a show response.

    Fields the API did not report are None, except ``description`` and
    ``task_tag`` from a show response: the show API omits them when empty, so
    there an absent value means "".
    """
    entity = entity or {}
    shown_task = (shown or {}).get('task') or {}
    detail = parse_task_detail((shown or {}).get('task_detail'))
    merged = dict(entity)
    merged.update((key, value) for key, value in shown_task.items() if value is not None)

    def pick(key):
        value = merged.get(key)
        return detail.get(key) if value is None and isinstance(detail.get(key), (str, int)) else value

    operation_types = _find_key(detail, 'operation_types') if detail else None
    if not isinstance(operation_types, list):
        operation_types = merged.get('operation_types') if isinstance(merged.get('operation_types'), list) else None
    task = {
        'task_id': _text(pick('task_id')),
        'task_name': _text(pick('task_name')),
        'task_type': _text(pick('task_type')).upper() if pick('task_type') is not None else None,
        'description': _text(pick('description')),
        'task_tag': _text(pick('task_tag')),
        'operation_types': canonical_operation_types(operation_types),
        'source_app_id': _text(pick('source_app_id')) or None,
        'target_app_id': _text(pick('target_app_id')) or None,
        'status': normalize_status(merged.get('status')),
    }
    if shown is not None:
        for key in ('description', 'task_tag'):
            if task[key] is None:
                task[key] = ''
    if merged.get('execute_status') is not None:
        task['execute_status'] = _text(merged['execute_status'])
    # what the task replicates between, when the API says (the show API and task_detail do; the list API does not)
    for key in ('source_datasource_id', 'target_datasource_id'):
        if pick(key) not in (None, ''):
            task[key] = _text(pick(key))
    ext_info = _find_key(detail, 'ext_info') if detail else None
    if isinstance(ext_info, dict) and ext_info.get('server_id') not in (None, ''):
        task['server_id'] = _text(ext_info['server_id'])
    return task


def _same(field, current, wanted):
    if field == 'operation_types':
        return current is not None and set(current) == set(wanted)
    if field in ('description', 'task_tag'):
        return (current or '') == (wanted or '')
    return current == wanted


def compare_task(wanted, current):
    """Compare what the user asked for with the task as it is.

    ``wanted`` holds only the fields the user set (None means "don't care").
    Returns ``(changes, conflicts)``: mutable fields to update, and immutable
    fields that differ, each as {field: (current, wanted)}.
    """
    changes, conflicts = {}, {}
    for field in COMPARABLE_FIELDS:
        value = wanted.get(field)
        if value is None:
            continue
        if field == 'task_type' and current.get(field) is None:
            continue  # not reported by the API: nothing to compare against
        if not _same(field, current.get(field), value):
            (changes if field in MUTABLE_FIELDS else conflicts)[field] = (current.get(field), value)
    return changes, conflicts


def unreadable_fields(wanted, current):
    """The mutable fields the user set whose current value the API did not report (None), so that no comparison is possible.

    Call it on a task read with the show API: there, an empty description or tag is
    "" and None means the answer did not say.  Reporting such a field as changed
    would make every run an update (stop, PUT, start); the caller fails instead.
    """
    return [field for field in MUTABLE_FIELDS if wanted.get(field) is not None and current.get(field) is None]


def describe_unreadable(task, fields):
    return ('ROMA Connect did not report the %s of composite task %r (task_id %s), so the module cannot tell whether %s: '
            'nothing was changed. Its show response (GET .../tasks/{task_id}) carries operation_types inside "task_detail"; '
            'run again, or leave %s unset to not compare %s.'
            % (' and '.join(fields), task.get('task_name'), task.get('task_id'),
               'it differs' if len(fields) == 1 else 'they differ', ' and '.join(_option_name(field) for field in fields),
               'it' if len(fields) == 1 else 'them'))


def _option_name(field):
    return {'task_tag': 'tag', 'task_name': 'name'}.get(field, field)


def describe_conflicts(task, conflicts):
    """One sentence per immutable field the user tried to change, with current and wanted values."""
    parts = ['%s is %s but %s was requested' % (field, show_value(current), show_value(wanted))
             for field, (current, wanted) in sorted(conflicts.items())]
    return ('Cannot change composite task %r (task_id %s): %s. These fields can only be set when the task is created; '
            'set recreate: true to delete the task and create it as asked (its sync position is lost and its data '
            'synchronised again). Nothing was changed.'
            % (task.get('task_name'), task.get('task_id'), '; '.join(parts)))


def comparable_view(task):
    """The fields shown in diff mode."""
    if not task:
        return {}
    return dict((field, task.get(field)) for field in COMPARABLE_FIELDS + ('status',))


def _switch_failure(action, task, code, message):
    """The error for a task that the batch start/stop API reports as failed."""
    return RomaError('ROMA Connect could not %s composite task %r (task_id %s): %s%s'
                     % (action, task.get('task_name'), task['task_id'], '%s ' % code if code else '', message or 'no reason given'),
                     error_code=code, error_msg=message)


class FdiTaskApi:
    """Calls for the composite tasks of one ROMA Connect instance, returning normalised task dicts."""

    def __init__(self, client, instance_id):
        self.client = client
        self.instance_id = instance_id

    def _path(self, *parts):
        return '/v2/%s/fdi/instances/%s/%s' % (self.client.project_id, self.instance_id, '/'.join(parts))

    # -- reads --------------------------------------------------------------------------------------

    def iter_tasks(self, **filters):
        """Every task matching the list API's filters, across all pages, as brief normalised dicts."""
        query = dict((key, value) for key, value in filters.items() if value is not None)
        for entity in self.client.paginate(self._path('tasks'), query):
            if isinstance(entity, dict):
                yield normalize_task(entity)

    def iter_listed(self, **filters):
        """Like :meth:`iter_tasks`, as (task, is_composite) pairs: the kind is known only from the list entity."""
        query = dict((key, value) for key, value in filters.items() if value is not None)
        for entity in self.client.paginate(self._path('tasks'), query):
            if isinstance(entity, dict):
                yield normalize_task(entity), is_composite(entity)

    def find_task_by_name(self, name):
        """The one composite task whose name is exactly ``name`` (the API's name filter is a substring match), or None.

        An ordinary (not composite) FDI task of that name is refused, never returned: the
        composite-task modules must not change or delete it.
        """
        listed = [(task, composite) for task, composite in self.iter_listed(name=name) if task['task_name'] == name]
        matches = [task for task, composite in listed if composite]
        if listed and not matches:
            raise RomaError('Task %r (task_id %s) in instance %s is not a composite task (its list entry has no ext_type), so this '
                            'module does not change or delete it.' % (name, listed[0][0]['task_id'], self.instance_id))
        if len(matches) > 1:
            raise RomaError('More than one task in instance %s is named %r (task ids %s): set task_id to say which one.'
                            % (self.instance_id, name, ', '.join(str(task['task_id']) for task in matches)))
        if matches and not matches[0]['task_id']:
            raise RomaResponseError('ROMA Connect listed the task named %r in instance %s without a task_id, so it cannot be '
                                    'read or changed.' % (name, self.instance_id))
        return matches[0] if matches else None

    def get_task(self, task_id):
        """The full task (show API: includes description and operation_types), or None when it does not exist."""
        try:
            shown = self.client.call('GET', self._path('tasks', task_id))
        except RomaApiError as error:
            if is_not_found(error):
                return None
            raise
        if not isinstance(shown, dict) or not isinstance(shown.get('task'), dict):
            raise RomaResponseError('ROMA Connect answered GET %s without a "task" object: %s'
                                    % (self._path('tasks', task_id), safe_snippet(json.dumps(shown))))
        task = normalize_task(shown=shown)
        task['task_id'] = task['task_id'] or task_id
        return task

    def find_task(self, task_id=None, name=None, detail=True):
        """Find a task by id (one show request) or else by exact name (list pages, plus one show when ``detail``)."""
        if task_id:
            return self.get_task(task_id)
        brief = self.find_task_by_name(name)
        if brief is None or not detail:
            return brief
        return self.add_detail(brief)

    def add_detail(self, brief):
        """Complete a list entry with the show API's fields (description, operation_types); None if it was deleted meanwhile."""
        if not brief.get('task_id'):
            return brief  # listed without an ID (the API promises one): there is nothing to read the details of
        full = self.get_task(brief['task_id'])
        if full is None:
            return None
        for key, value in brief.items():
            if full.get(key) is None:
                full[key] = value
        return full

    # -- writes -------------------------------------------------------------------------------------

    def create_task(self, body):
        """POST a new composite task and return its id, without ever creating it twice.

        ``body`` must carry the ``task_id`` to create (the user's, or one from
        :func:`new_task_id`): the answer to "did an earlier attempt create it?" is
        then one show by that ID.  POST is not idempotent, so it is never re-sent
        blindly: after a failure the server may have acted on (lost connection,
        timeout, 5xx) the module waits (a backend may still be creating the task),
        shows the task by its ID, and sends the POST again only when it is not
        there.  After any 2xx the POST is never sent again, even when the answer
        is empty or unreadable.
        """
        task_id = body['task_id']
        path = self._path('multi-tasks')
        sent = 0
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.client.call('POST', path, body=body)
            except RomaError as error:
                sent += error.attempts
                if isinstance(error, RomaResponseError) and 200 <= error.details.get('status', 0) < 300:
                    return self._created(task_id, body, error.message)  # accepted, answer unreadable: never re-send
                if not error.may_have_been_processed:
                    if attempt > 1 and isinstance(error, RomaApiError) and error.status < 500 and self.get_task(task_id):
                        return task_id  # the re-sent POST was refused because an earlier one did create the task
                    if isinstance(error, RomaTransportError) and error.retryable and attempt <= self.client.retries:
                        self.client.retry_policy.wait(attempt)  # nothing reached the server (e.g. connection refused)
                        continue
                    raise error.with_attempts(sent)
                self.client.retry_policy.wait(attempt)  # give a backend that is still creating the task time to finish
                if self.get_task(task_id) is not None:
                    return task_id
                if attempt > self.client.retries:
                    raise error.with_attempts(sent)
                continue
            returned = response.get('task_id') if isinstance(response, dict) else None
            if returned:
                return str(returned)
            return self._created(task_id, body, 'ROMA Connect accepted the create request for %r but returned no task_id'
                                 % body['task_name'])

    def _created(self, task_id, body, what_happened):
        """After a 2xx to a create whose answer names no task: the task is the one with the ID that was sent."""
        if self.get_task(task_id) is not None:
            return task_id
        raise RomaResponseError('%s, and no task with the task_id it was sent (%s) exists. The create was not sent again, so that '
                                'no second task %r can be created; check the instance, then run again.'
                                % (what_happened.rstrip('.'), task_id, body['task_name']))

    def update_task(self, task_id, body):
        """PUT the changes; False when the task does not exist (any more)."""
        try:
            self.client.call('PUT', self._path('multi-tasks', task_id), body=body)
        except RomaApiError as error:
            if is_not_found(error):
                return False
            raise
        return True

    def delete_task(self, task_id):
        """Delete a task; a task that is already gone (e.g. after a retried DELETE) counts as deleted."""
        try:
            self.client.call('DELETE', self._path('tasks', task_id))
        except RomaApiError as error:
            if not is_not_found(error):
                raise

    def set_running(self, task, running):
        """Start or stop one task with the batch API; False when the task does not exist (any more).

        Repeating a start or stop is harmless (a running task that is asked to
        start stays running), so unlike create this POST may be retried.
        """
        action = 'start' if running else 'stop'
        path = self._path('batch-operation', 'tasks')
        try:
            result = self.client.call('POST', path, body={'action_id': action, 'list': [{'task_id': task['task_id']}]}, idempotent=True)
        except RomaApiError as error:
            if is_not_found(error):
                return False
            raise
        if not isinstance(result, dict):
            raise RomaResponseError('ROMA Connect answered POST %s without a result object: %s' % (path, safe_snippet(json.dumps(result))))
        failures = result.get('failure') or []
        if not isinstance(failures, list):
            failures = [failures]
        if failures:
            failure = failures[0] if isinstance(failures[0], dict) else {}
            code, message = failure.get('error_code'), failure.get('error_msg')
            if code in TASK_NOT_FOUND_CODES:
                return False
            raise _switch_failure(action, task, code, message)
        return True

    def set_running_many(self, tasks, running):
        """Start or stop up to 10 tasks with one ``batch-operation/tasks`` request; return ``{task_id: error}`` for those that failed.

        One task goes through :meth:`set_running` (the single-task request and its messages).
        The batch answer lists failures per task; a task reported as not existing counts
        as done, as in ``set_running``.  A request that fails as a whole fails every task in it.
        """
        if len(tasks) == 1:
            try:
                self.set_running(tasks[0], running)
            except RomaError as error:
                return {tasks[0]['task_id']: error}
            return {}
        action = 'start' if running else 'stop'
        path = self._path('batch-operation', 'tasks')
        try:
            answer = self.client.call('POST', path, body={'action_id': action, 'list': [{'task_id': task['task_id']} for task in tasks]},
                                      idempotent=True)
        except RomaError as error:
            if is_not_found(error):  # the whole batch refused for a missing task: find out which, one by one
                errors = {}
                for task in tasks:
                    errors.update(self.set_running_many([task], running))
                return errors
            return dict((task['task_id'], error) for task in tasks)
        if not isinstance(answer, dict):
            error = RomaResponseError('ROMA Connect answered POST %s without a result object: %s'
                                      % (self.client.base_path() + path, safe_snippet(json.dumps(answer))))
            return dict((task['task_id'], error) for task in tasks)
        failures = answer.get('failure') or []
        failures = [failure for failure in (failures if isinstance(failures, list) else [failures]) if isinstance(failure, dict)]
        by_id = dict((task['task_id'], task) for task in tasks)
        succeeded = set(str(item.get('task_id')) for item in answer.get('success') or [] if isinstance(item, dict))
        errors = {}
        for failure in failures:
            code, message = failure.get('error_code'), failure.get('error_msg')
            if code in TASK_NOT_FOUND_CODES:
                continue
            named = by_id.get(str(failure.get('task_id')))
            for task in ([named] if named else [task for task in tasks if task['task_id'] not in succeeded]):
                errors[task['task_id']] = _switch_failure(action, task, code, message)
        return errors

    def wait_until_stopped(self, task):
        """After a stop request, show the task until it reports stopped; return it as last shown (None when it is gone).

        ROMA Connect refuses to change or delete a running task (FDI.3023), and a
        stop may take effect after the batch request returns.  The task is shown
        at once and then with growing delays (1 s doubling to 10 s), at most
        STOP_WAIT_SECONDS in all.
        """
        waited, delay = 0.0, STOP_POLL_FIRST_DELAY
        while True:
            current = self.get_task(task['task_id'])
            if current is None or current.get('status') == 'stopped':
                return current
            if waited >= STOP_WAIT_SECONDS:
                raise RomaError('Composite task %r (task_id %s) still reports status %s %d seconds after the request to stop it, so '
                                'it was neither changed nor deleted. Check the task in the ROMA Connect console, then run again.'
                                % (task.get('task_name'), task['task_id'], current.get('status'), waited),
                                task=current)
            self.client.retry_policy.sleep(delay)
            waited += delay
            delay = min(delay * 2, STOP_POLL_MAX_DELAY)
