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
from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import (
    RomaApiError,
    RomaError,
    RomaResponseError,
    RomaTransportError,
    absent_when,
    safe_snippet,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.rules import PATH_ID_RULE, check_rule, raise_for_problems, show_value

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.client import RomaClient

OPERATION_TYPES = ('INSERT', 'UPDATE', 'DELETE')
MUTABLE_FIELDS = ('description', 'task_tag', 'operation_types')
COMPARABLE_FIELDS = ('task_name', 'task_type', 'description', 'task_tag', 'operation_types', 'source_app_id', 'target_app_id')
TASK_FIELDS = ('task_id',) + COMPARABLE_FIELDS + ('status',)

# The documented answers for "this task does not exist": 400 FDI.3021 (FDI error-code table) and 404 FDI.3081 (the
# OpenAPI definitions).  Nothing else means absent: a 404 without an FDI code comes from a wrong endpoint or base path.
TASK_NOT_FOUND_CODES = frozenset(('FDI.3021', 'FDI.3081'))

# option name -> (pattern, human rule).  The option names are what users write, so errors name them.
_APP_ID_RULE = (re.compile(r'^[A-Za-z0-9._-]{1,64}$'), '1-64 characters: letters, digits, ".", "_" and "-"')
RULES = {
    'instance_id': PATH_ID_RULE,
    # no ".": the API refuses it in a task ID (docs/api.md), although task names take it
    'task_id': (re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{2,49}$'), '3-50 characters: letters, digits, "_" and "-", starting with a letter or digit'),
    'name': (re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]{2,99}$'), '3-100 characters: letters, digits, ".", "_" and "-", starting with a letter or digit'),
    'tag': (re.compile(r'^[A-Za-z0-9_-]{4,64}$'), '4-64 characters: letters, digits, "-" and "_"'),
    'source_app_id': _APP_ID_RULE,
    'target_app_id': _APP_ID_RULE,
}
DESCRIPTION_MAX_LENGTH = 1024


def is_not_found(error: BaseException) -> bool:
    """Whether ``error`` is ROMA Connect saying that the task (or its mapping) does not exist, in one of its documented forms."""
    return isinstance(error, RomaApiError) and error.status in (400, 404) and error.error_code in TASK_NOT_FOUND_CODES


def new_task_id(instance_id: str, name: str) -> str:
    """The task ID a create sends when the user gave none: 32 lower-case hex digits like ROMA Connect's, derived from the name.

    Sending an ID with the create makes it safe to recover (after an ambiguous failure one
    show by this ID tells whether the task exists), and deriving it from the instance and
    the name makes a re-run after an interrupted create use the same ID, so that a
    ``multi-tasks/init`` it prepared is prepared again rather than left behind, and check
    mode shows the ID a real run would create.
    """
    import uuid  # here: only a create without task_id needs it, and no other import of a module run loads it

    return uuid.uuid5(uuid.NAMESPACE_URL, 'hwcloud.roma:fdi-composite-task:%s/%s' % (instance_id, name)).hex


def check_option(option: str, value: object) -> str | None:
    """Return an error message for ``value`` of ``option`` under its rule, or None when it is fine (or unset)."""
    return check_rule(option, value, RULES[option])


def validate_task_options(params: Mapping[str, Any]) -> None:
    """Check the composite-task options before any request; raise RomaInputError listing every problem."""
    problems = [check_option(option, params.get(option)) for option in ('instance_id', 'task_id', 'name', 'tag', 'source_app_id', 'target_app_id')]
    description = params.get('description')
    if description is not None and len(description) > DESCRIPTION_MAX_LENGTH:
        problems.append('description must be at most %d characters; got %d' % (DESCRIPTION_MAX_LENGTH, len(description)))
    operation_types = params.get('operation_types')
    if operation_types is not None:
        if not operation_types:
            problems.append('operation_types must list 1-3 of %s; got an empty list' % ', '.join(OPERATION_TYPES))
        elif len(set(operation_types)) != len(operation_types):
            problems.append('operation_types must not repeat an item; got %s' % ', '.join(operation_types))
    raise_for_problems(problems)


def canonical_operation_types(values: Iterable[object] | None) -> list[str] | None:
    """Upper-case, de-duplicate and order operation types INSERT, UPDATE, DELETE (unknown ones last, sorted)."""
    if values is None:
        return None
    wanted = set(str(value).upper() for value in values)
    known = [value for value in OPERATION_TYPES if value in wanted]
    return known + sorted(wanted.difference(OPERATION_TYPES))


def composite_by_ext_type(entity: Mapping[str, Any]) -> bool | None:
    """What a list entity's ``ext_type`` says of its kind: True (composite) when it is a non-empty string, else None (ask).

    The API documents ``ext_type`` as "composite task type, may be empty" (the SDK's
    monitor model: ``CDC`` for a composite CDC task, null otherwise).  A non-empty value
    is proof enough; an empty one is not proof of an ordinary task, so the kind is then
    established with a composite-only read (:meth:`FdiTaskApi.answers_as_composite`).
    """
    ext_type = entity.get('ext_type')
    return True if isinstance(ext_type, str) and ext_type.strip() else None


def normalize_status(value: object) -> str | None:
    """Map the list API's 0/1 and the show API's "stop"/"running" to "stopped"/"running"; keep unknown values as text."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in ('1', 'running', 'run', 'started', 'start'):
        return 'running'
    if text in ('0', 'stop', 'stopped', 'unstarted'):
        return 'stopped'
    return text


def _find_key(document: object, key: str, depth: int = 0) -> Any:
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


def parse_task_detail(task_detail: object) -> dict[str, Any]:
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


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def normalize_task(entity: Mapping[str, Any] | None = None, shown: Mapping[str, Any] | None = None) -> dict[str, Any]:
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

    def pick(key: str) -> Any:
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


def _same(field: str, current: Any, wanted: Any) -> bool:
    if field == 'operation_types':
        return current is not None and set(current) == set(wanted)
    if field in ('description', 'task_tag'):
        return (current or '') == (wanted or '')
    return current == wanted


def compare_task(wanted: Mapping[str, Any], current: Mapping[str, Any]) -> tuple[dict[str, tuple[Any, Any]], dict[str, tuple[Any, Any]]]:
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


def unreadable_fields(wanted: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """The mutable fields the user set whose current value the API did not report (None), so that no comparison is possible.

    Call it on a task read with the show API: there, an empty description or tag is
    "" and None means the answer did not say.  Reporting such a field as changed
    would make every run an update (stop, PUT, start); the caller fails instead.
    """
    return [field for field in MUTABLE_FIELDS if wanted.get(field) is not None and current.get(field) is None]


def describe_unreadable(task: Mapping[str, Any], fields: Sequence[str]) -> str:
    return (
        'ROMA Connect did not report the %s of composite task %r (task_id %s), so the module cannot tell whether %s: '
        'nothing was changed. Its show response (GET .../tasks/{task_id}) carries operation_types inside "task_detail"; '
        'run again, or leave %s unset to not compare %s.'
        % (
            ' and '.join(fields),
            task.get('task_name'),
            task.get('task_id'),
            'it differs' if len(fields) == 1 else 'they differ',
            ' and '.join(_option_name(field) for field in fields),
            'it' if len(fields) == 1 else 'them',
        )
    )


def _option_name(field: str) -> str:
    return {'task_tag': 'tag', 'task_name': 'name'}.get(field, field)


def describe_conflicts(task: Mapping[str, Any], conflicts: Mapping[str, tuple[Any, Any]]) -> str:
    """One sentence per immutable field the user tried to change, with current and wanted values."""
    parts = ['%s is %s but %s was requested' % (field, show_value(current), show_value(wanted)) for field, (current, wanted) in sorted(conflicts.items())]
    return (
        'Cannot change composite task %r (task_id %s): %s. These fields can only be set when the task is created; '
        'set recreate: true to delete the task and create it as asked (its sync position is lost and its data '
        'synchronised again). Nothing was changed.' % (task.get('task_name'), task.get('task_id'), '; '.join(parts))
    )


class ListedTask:
    """A task as the list API reports it, and whether it is composite: True, False, or None until established.

    The list entity is the only answer with ``ext_type`` (the show API has none), so the
    kind is decided from it, and for an empty ``ext_type`` by one composite-only read.
    """

    def __init__(self, entity: Mapping[str, Any]) -> None:
        self.task = normalize_task(entity)
        self.composite = composite_by_ext_type(entity)

    @property
    def task_id(self) -> str | None:
        return self.task.get('task_id')


def not_composite_error(task: Mapping[str, Any], instance_id: str) -> RomaError:
    return RomaError(
        'Task %r (task_id %s) in instance %s is not a composite task (it is an ordinary FDI task), so this module does '
        'not change, reset or delete it.' % (task.get('task_name'), task.get('task_id'), instance_id)
    )


class FdiTaskApi:
    """Calls for the composite tasks of one ROMA Connect instance, returning normalised task dicts."""

    def __init__(self, client: RomaClient, instance_id: str) -> None:
        self.client = client
        self.instance_id = instance_id

    def path(self, *parts: str) -> str:
        return '/v2/%s/fdi/instances/%s/%s' % (self.client.project_id, self.instance_id, '/'.join(parts))

    # -- reads --------------------------------------------------------------------------------------

    def iter_listed(self, **filters: str | None) -> Iterator[ListedTask]:
        """Every task matching the list API's filters, across all pages, as :class:`ListedTask` (kind not established yet)."""
        query = dict((key, value) for key, value in filters.items() if value is not None)
        for entity in self.client.paginate(self.path('tasks'), query):
            if isinstance(entity, dict):
                yield ListedTask(entity)

    @absent_when(is_not_found, result=False)
    def answers_as_composite(self, task_id: str) -> bool:
        """Whether the task answers a composite-only route (its mapping list): the evidence for a task listed without ext_type.

        An ordinary task (or one deleted meanwhile) is "not found" there.  One request, spent
        only on tasks whose list entry has an empty ``ext_type``.
        """
        self.client.call('GET', self.path('multi-tasks', task_id, 'mappings'), {'offset': 0, 'limit': 1})
        return True

    def establish_kind(self, listed: ListedTask) -> ListedTask:
        """Decide ``listed.composite`` where the list entity left it open; returns ``listed``."""
        if listed.composite is None:
            listed.composite = bool(listed.task_id) and self.answers_as_composite(listed.task_id)
        return listed

    def find_listed(self, task_id: str | None = None, name: str | None = None) -> ListedTask | None:
        """The one task with this ID, or else exactly this name, from the list API, with its kind established; or None.

        By name the list filter is a substring match, so names are compared here.  An ordinary
        (not composite) FDI task is refused, never returned: these modules must not change,
        reset or delete it.
        """
        if task_id:
            listed = [item for item in self.iter_listed(task_id=task_id) if item.task_id == task_id]
        else:
            listed = [item for item in self.iter_listed(name=name) if item.task['task_name'] == name]
        for item in listed:
            self.establish_kind(item)
        matches = [item for item in listed if item.composite]
        if listed and not matches:
            raise not_composite_error(listed[0].task, self.instance_id)
        if len(matches) > 1:
            raise RomaError(
                'More than one task in instance %s is named %r (task ids %s): set task_id to say which one.'
                % (self.instance_id, name, ', '.join(str(item.task_id) for item in matches))
            )
        if matches and not matches[0].task_id:
            raise RomaResponseError(
                'ROMA Connect listed the task named %r in instance %s without a task_id, so it cannot be read or changed.' % (name, self.instance_id)
            )
        return matches[0] if matches else None

    def find_task_by_name(self, name: str) -> dict[str, Any] | None:
        """The one composite task whose name is exactly ``name`` (brief, from the list API), or None."""
        found = self.find_listed(name=name)
        return found.task if found else None

    @absent_when(is_not_found)
    def get_task(self, task_id: str) -> dict[str, Any]:
        """The full task (show API: includes description and operation_types), or None when it does not exist."""
        shown = self.client.call('GET', self.path('tasks', task_id))
        if not isinstance(shown, dict) or not isinstance(shown.get('task'), dict):
            raise RomaResponseError('ROMA Connect answered GET %s without a "task" object: %s' % (self.path('tasks', task_id), safe_snippet(json.dumps(shown))))
        task = normalize_task(shown=shown)
        task['task_id'] = task['task_id'] or task_id
        return task

    def add_detail(self, brief: dict[str, Any]) -> dict[str, Any] | None:
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

    def create_task(self, body: Mapping[str, Any]) -> str:
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
        path = self.path('multi-tasks')
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
                    raise _explain_refused_create(error, body).with_attempts(sent)
                self.client.retry_policy.wait(attempt)  # give a backend that is still creating the task time to finish
                if self.get_task(task_id) is not None:
                    return task_id
                if attempt > self.client.retries:
                    raise error.with_attempts(sent)
                continue
            returned = response.get('task_id') if isinstance(response, dict) else None
            if returned:
                return str(returned)
            return self._created(task_id, body, 'ROMA Connect accepted the create request for %r but returned no task_id' % body['task_name'])

    def _created(self, task_id: str, body: Mapping[str, Any], what_happened: str) -> str:
        """After a 2xx to a create whose answer names no task: the task is the one with the ID that was sent."""
        if self.get_task(task_id) is not None:
            return task_id
        raise RomaResponseError(
            '%s, and no task with the task_id it was sent (%s) exists. The create was not sent again, so that '
            'no second task %r can be created; check the instance, then run again.' % (what_happened.rstrip('.'), task_id, body['task_name'])
        )

    @absent_when(is_not_found, result=False)
    def update_task(self, task_id: str, body: Mapping[str, Any]) -> bool:
        """PUT the changes; False when the task does not exist (any more)."""
        self.client.call('PUT', self.path('multi-tasks', task_id), body=body)
        return True

    @absent_when(is_not_found)
    def delete_task(self, task_id: str) -> None:
        """Delete a task; a task that is already gone (e.g. after a retried DELETE) counts as deleted."""
        self.client.call('DELETE', self.path('tasks', task_id))

    @absent_when(is_not_found, result=False)
    def reset_task(self, task_id: str, date_from: int) -> bool:
        """``POST multi-tasks/{task_id}/reset``: replay the source from ``date_from`` (epoch ms, UTC); False when the task is gone.

        Never repeated blindly: a reset is harmless to repeat only with the same position, and
        the client re-sends a POST only when it cannot have reached the server.
        """
        self.client.call('POST', self.path('multi-tasks', task_id, 'reset'), body={'date_from': date_from})
        return True


# A create refused for a name or ID that is taken, although the lookup before it found no such task: another run (or a
# person) created it in between.  The module checks both options against the API's rules first, so "invalid" means "taken".
_TAKEN_ON_CREATE = {'Invalid parameter [task_name]': 'task_name', 'Invalid parameter [task_id]': 'task_id'}


def _explain_refused_create(error: RomaError, body: Mapping[str, Any]) -> RomaError:
    """A refused create, with what to do when the refusal says the name or ID was taken meanwhile."""
    field = next(
        (
            field
            for text, field in _TAKEN_ON_CREATE.items()
            if isinstance(error, RomaApiError) and error.error_code == 'FDI.3033' and text in (error.error_msg or '')
        ),
        None,
    )
    if field is None:
        return error
    return error.with_hint(
        'A task with this %s (%r) was created by another run or by someone else after this run looked for it and '
        'before its create: nothing was created twice. Run the module again and it adopts that task.' % (field, body.get(field))
    )
