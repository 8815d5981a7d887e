# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Starting and stopping composite tasks: the batch API, its answer, and waiting until a stop shows.

ROMA Connect starts and stops tasks through one route, ``POST batch-operation/tasks``,
for up to 10 tasks a request, and answers per task.  A stop may take effect after that
answer, and a running task cannot be changed or deleted (FDI.3023), so a stop that
precedes a change is followed by reads until the task reports stopped.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.concurrency import Deadline
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError, RomaResponseError, safe_snippet
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import TASK_NOT_FOUND_CODES, is_not_found

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import FdiTaskApi

BATCH_SIZE = 10  # tasks per batch-operation/tasks request: the API takes at most 10
# How long a stop may take to show before the module gives up changing or deleting the task (without wait_timeout),
# and the delays between the reads.
STOP_WAIT_SECONDS = 120.0
STOP_POLL_FIRST_DELAY = 1.0
STOP_POLL_MAX_DELAY = 10.0


def batch_body(action: str, task_ids: Iterable[str | None]) -> dict[str, Any]:
    return {'action_id': action, 'list': [{'task_id': task_id} for task_id in task_ids]}


def _describe(task: Mapping[str, Any]) -> str:
    return 'composite task %r (task_id %s)' % (task.get('task_name'), task['task_id'])


def switch_failure(action: str, task: Mapping[str, Any], code: str | None, message: str | None) -> RomaError:
    """The error for a task that the batch start/stop API reports as failed."""
    return RomaError(
        'ROMA Connect could not %s %s: %s%s' % (action, _describe(task), '%s ' % code if code else '', message or 'no reason given'),
        error_code=code,
        error_msg=message,
    )


def gone_failure(task: Mapping[str, Any]) -> RomaError:
    """A start of a task that does not exist (any more) is a failure; a stop of one is done (it runs nowhere)."""
    return RomaError(
        'ROMA Connect could not start %s: the task does not exist (deleted meanwhile?). Run again to create it.' % _describe(task), error_code='FDI.3021'
    )


def failures_in(answer: object, path: str) -> dict[str | None, tuple[Any, Any]]:
    """The ``failure`` entries of a batch answer, as ``{task_id or None: (error_code, error_msg)}``; RomaResponseError if unreadable.

    The answer lists failures per task (``{task_id, error_code, error_msg}``); an entry without
    a ``task_id`` is filed under None and applies to every task not reported successful.
    """
    if not isinstance(answer, dict):
        raise RomaResponseError('ROMA Connect answered POST %s without a result object: %s' % (path, safe_snippet(json.dumps(answer))))
    entries = answer.get('failure') or []
    entries = entries if isinstance(entries, list) else [entries]
    failures = {}
    for entry in entries:
        entry = entry if isinstance(entry, dict) else {}  # an entry that says nothing is still a failure, without a reason
        task_id = entry.get('task_id')
        failures[None if task_id in (None, '') else str(task_id)] = (entry.get('error_code'), entry.get('error_msg'))
    return failures


class FdiStartStopApi:
    """Start, stop and confirm a stop, for the composite tasks of one instance (``tasks``: their :class:`FdiTaskApi`)."""

    def __init__(self, tasks: FdiTaskApi) -> None:
        self.tasks = tasks
        self.client = tasks.client

    def set_running(self, task: Mapping[str, Any], running: bool) -> bool:
        """Start or stop one task; raise RomaError when it failed.  False when the task does not exist (only for a stop)."""
        errors = self.set_running_many([task], running)
        if task['task_id'] in errors:
            error = errors[task['task_id']]
            if error is None:
                return False
            raise error
        return True

    def set_running_many(self, tasks: Sequence[Mapping[str, Any]], running: bool) -> dict[str, RomaError | None]:
        """Start or stop up to 10 tasks with one ``batch-operation/tasks`` request; return ``{task_id: error}`` for those that failed.

        A task reported as not existing counts as stopped (it runs nowhere), so for a stop its
        entry is None; for a start it is an error (a start that did nothing is not a start).
        A request that fails as a whole fails every task in it, except a "not found" answer to
        the whole batch, after which each task is tried on its own to learn which one is gone.
        Repeating a start or stop is harmless, so unlike a create this POST may be retried.
        """
        action = 'start' if running else 'stop'
        path = self.tasks.path('batch-operation', 'tasks')
        try:
            answer = self.client.call('POST', path, body=batch_body(action, [task['task_id'] for task in tasks]), idempotent=True)
            failures = failures_in(answer, self.client.base_path() + path)
        except RomaError as error:
            if is_not_found(error) and len(tasks) > 1:
                errors = {}
                for task in tasks:
                    errors.update(self.set_running_many([task], running))
                return errors
            if is_not_found(error):
                return {tasks[0]['task_id']: gone_failure(tasks[0]) if running else None}
            return dict((task['task_id'], error) for task in tasks)
        succeeded = set(str(item.get('task_id')) for item in answer.get('success') or [] if isinstance(item, dict))
        errors = {}
        for task in tasks:
            if task['task_id'] in failures:
                code, message = failures[task['task_id']]
            elif None in failures and task['task_id'] not in succeeded:
                code, message = failures[None]
            else:
                continue
            if code in TASK_NOT_FOUND_CODES:
                errors[task['task_id']] = gone_failure(task) if running else None
            else:
                errors[task['task_id']] = switch_failure(action, task, code, message)
        return errors

    def wait_until_stopped(self, task: Mapping[str, Any], deadline: Deadline | None = None) -> dict[str, Any] | None:
        """After a stop request, show the task until it reports stopped; return it as last shown (None when it is gone).

        ROMA Connect refuses to change or delete a running task (FDI.3023), and a stop may take
        effect after the batch request returns.  The task is shown at once and then with growing
        delays (1 s doubling to 10 s), until ``deadline`` (the run's wait_timeout, or at most
        STOP_WAIT_SECONDS).
        """
        deadline = deadline or Deadline(STOP_WAIT_SECONDS, sleep=self.client.retry_policy.sleep)
        delay = STOP_POLL_FIRST_DELAY
        while True:
            current = self.tasks.get_task(task['task_id'])
            if current is None or current.get('status') == 'stopped':
                return current
            if deadline.expired():
                raise RomaError(
                    'Composite task %r (task_id %s) still reports status %s %d seconds after the request to stop it, so '
                    'it was neither changed nor deleted. Check the task in the ROMA Connect console, then run again.'
                    % (task.get('task_name'), task['task_id'], current.get('status'), round(deadline.elapsed())),
                    task=current,
                )
            deadline.sleep(delay)
            delay = min(delay * 2, STOP_POLL_MAX_DELAY)
