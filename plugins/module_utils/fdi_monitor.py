# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Is the sync job really running?  FDI task monitoring: monitor records, monitor logs, and waiting on them.

ROMA Connect accepts a start request long before the sync job behind it connects to
its databases, so "started" says nothing about whether data flows.  Its monitor APIs
do: one record per task (``execute_status``, ``position``, ``last_execute_time``) and,
per task, monitor logs of each execution (row counts, dirty rows, the failing step).

This file reads both, turns them into the collection's ``monitor`` dict, and holds the
poll loop behind ``wait``.  The loop is pure: it receives the functions that read the
API, the clock and the sleep function, so tests drive it with a fake clock, and it
waits for many tasks at once with one monitor list read per poll (the one-task wait is
the many-task wait with one item).
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.concurrency import Deadline
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError, RomaResponseError, absent_when, one_line, safe_snippet
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import is_not_found

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.client import RomaClient

MONITOR_PAGE_SIZE = 999  # the largest page both monitor APIs return
EXECUTE_STATUSES = ('UNSTARTED', 'WAITING', 'RUNNING', 'SUCCESS', 'CANCELLED', 'ERROR')
PENDING_EXECUTE_STATUSES = ('UNSTARTED', 'WAITING')  # accepted, not executing yet: keep polling
FAILED_EXECUTE_STATUSES = ('ERROR', 'CANCELLED')
ERROR_POSITION_STATUSES = ('RUNTIME_ERR', 'INTERNAL_ERR')
INITIALISING_POSITION = 'ADAPTER'  # the job is still connecting to its data sources
MONITOR_FIELDS = ('execute_status', 'position', 'position_status', 'last_execute_time', 'data_count', 'dirty_data_count', 'spend_time', 'remarks')
WANTS = ('running', 'stopped')
FIRST_POLL_DELAY = 1.0
MAX_POLL_DELAY = 10.0
REMARKS_LENGTH = 300  # server-written text quoted in a message, one line
# ROMA Connect stamps records with its own clock, the start time comes from this machine's: a record is taken as
# older than the start request only when it is older by more than this, so that a server clock slightly behind
# (or network latency) never makes the new execution look stale.
CLOCK_SKEW_ALLOWANCE_MS = 5000


class RomaWaitError(RomaError):
    """A wait that did not end in the state asked for.

    ``details`` holds ``task`` (the task dict given to the wait, with its ``monitor``),
    ``waited`` (seconds) and, when ROMA Connect named one, ``failed_step``; a module
    returns them beside ``msg``, so ``task.monitor`` is there on failure too.
    """

    def __init__(self, message: str, task: Mapping[str, Any], monitor: dict[str, Any], waited: int, **details: Any) -> None:
        self.task_id = task.get('task_id')
        self.monitor = monitor
        self.waited = waited
        super().__init__(message, task=dict(task, monitor=monitor), waited=waited, **details)


class RomaTaskRunError(RomaWaitError):
    """ROMA Connect reports that the sync job failed, was cancelled, or (real-time) ended."""


class RomaWaitTimeoutError(RomaWaitError):
    """The task did not reach the state asked for within ``wait_timeout``."""


def now_ms(clock: Callable[[], float] = time.time) -> int:
    """This machine's time in epoch milliseconds: take it just before sending a start request, for ``started_at_ms``."""
    return int(clock() * 1000)


# -- normalising what the monitor APIs report -----------------------------------------------------


def _upper(value: object) -> str | None:
    return None if value is None or value == '' else str(value).strip().upper()


_INTEGER = re.compile(r'-?[0-9]+')  # not str.isdigit(), which takes '²' (and int() does not)


def _number(value: object) -> object:
    """An integer count or epoch-ms value as reported (numbers, numeric strings); other values stay as they are."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    return value


def _ms(value: object) -> int | None:
    value = _number(value)
    return value if isinstance(value, int) else None


def format_ms(value: object) -> str | None:
    """Epoch milliseconds as an ISO 8601 UTC time, for messages; None when there is no usable value."""
    value = _ms(value)
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(value / 1000.0, timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    except (OverflowError, OSError, ValueError):
        return None


def _remarks(value: object) -> str | None:
    return None if value is None else one_line(str(value), REMARKS_LENGTH)


def _record_status(record: Mapping[str, Any]) -> str | None:
    """The monitor record's task status (0 stopped, 1 running) as "stopped"/"running", None when not reported."""
    value = record.get('status')
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in ('1', 'running', 'run', 'started'):
        return 'running'
    if text in ('0', 'stop', 'stopped'):
        return 'stopped'
    return None


def normalize_monitor(record: Mapping[str, Any] | None, log: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The collection's ``monitor`` dict from a monitor record (task-monitors) and a monitor log (monitor-logs).

    The record says where the task is now; the log, of its latest execution, gives the
    figures and the result.  Fields neither reported are None.
    """
    record = record or {}
    log = log or {}

    def first(key: str) -> Any:
        for source in (record, log):
            if source.get(key) not in (None, ''):
                return source[key]
        return None

    return {
        'execute_status': _upper(record.get('execute_status') or log.get('execute_status')),
        'position': _upper(first('position')),
        'position_status': _upper(log.get('position_status') or record.get('position_status')),
        'last_execute_time': _number(record.get('last_execute_time')),
        'data_count': _number(log.get('data_count')),
        'dirty_data_count': _number(log.get('dirty_data_count')),
        'spend_time': _number(log.get('spend_time')),
        'remarks': _remarks(log.get('remarks')),
    }


def failing_step(log: Mapping[str, Any] | None) -> dict[str, str | None] | None:
    """The step of a monitor log that failed: the first with an error ``position_status``, else the last step; None without steps."""
    steps = [step for step in ((log or {}).get('detail_logs') or []) if isinstance(step, dict)]
    if not steps:
        return None
    steps.sort(key=lambda step: (_ms(step.get('step_begin_time')) is None, _ms(step.get('step_begin_time')) or 0))
    failed = [step for step in steps if _upper(step.get('position_status')) in ERROR_POSITION_STATUSES]
    step = failed[0] if failed else steps[-1]
    return {
        'stage': None if step.get('stage') is None else str(step['stage']),
        'position': _upper(step.get('position')),
        'position_status': _upper(step.get('position_status')),
        'remarks': _remarks(step.get('remarks')),
    }


def is_stale(timestamp_ms: object, started_at_ms: int | None) -> bool:
    """A record or log from before the start request describes an earlier execution.

    "Before" allows CLOCK_SKEW_ALLOWANCE_MS for the two clocks; no timestamp, or no
    start time (the task was already running), means the record is taken as it is.
    """
    timestamp_ms = _ms(timestamp_ms)
    return started_at_ms is not None and timestamp_ms is not None and timestamp_ms < started_at_ms - CLOCK_SKEW_ALLOWANCE_MS


# -- the API --------------------------------------------------------------------------------------


class FdiMonitorApi:
    """The monitor APIs of one ROMA Connect instance (reference: task monitoring)."""

    def __init__(self, client: RomaClient, instance_id: str) -> None:
        self.client = client
        self.instance_id = instance_id

    def _path(self, *parts: str) -> str:
        return '/v2/%s/fdi/instances/%s/%s' % (self.client.project_id, self.instance_id, '/'.join(parts))

    def _entities(self, path: str, query: Mapping[str, Any]) -> tuple[list[dict[str, Any]], int | None]:
        page = self.client.call('GET', path, query)
        entities = page.get('entities') if isinstance(page, dict) else None
        if not isinstance(entities, list):
            raise RomaResponseError(
                'ROMA Connect returned a list response without "entities" (GET %s): %s' % (self.client.base_path() + path, safe_snippet(repr(page)))
            )
        total = page.get('total')
        return [entity for entity in entities if isinstance(entity, dict)], (total if isinstance(total, int) and not isinstance(total, bool) else None)

    def monitor_records(self, task_ids: Iterable[str] | None = None, task_name: str | None = None) -> dict[str, dict[str, Any]]:
        """The monitor record of each task, as ``{task_id: record}`` (raw API dicts), reading pages of 999.

        ``task_ids``: stop as soon as every one of them is found (None: read them all).
        ``task_name``: sent as the API's (fuzzy) name filter to read one small page; when
        the record is not on it, the unfiltered list is read too, so a filter that
        matches differently than documented costs requests, never the answer.

        Paging: the SDK documents this API's ``offset`` as "at least 1", unlike the
        0-based offset of the task list, and nothing says whether it counts records or
        pages.  So the first page is read without ``offset`` (the server's first page
        under any reading), later pages with the number of records received so far,
        records are kept by task ID (a 1-based offset repeats one record), and if that
        offset gives nothing new the server is taken to count pages.
        """
        wanted = None if task_ids is None else set(task_ids)
        if wanted is not None and not wanted:
            return {}
        if task_name:
            found = self._read_monitor_pages(wanted, {'task_name': task_name})
            if wanted is not None and wanted.issubset(found):
                return found
        return self._read_monitor_pages(wanted, {})

    def _read_monitor_pages(self, wanted: set[str] | None, filters: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        path = self._path('task-monitors')
        found = {}
        seen = set()
        pages = 0  # pages that brought records
        by_pages = False
        while True:
            query = dict(filters, limit=MONITOR_PAGE_SIZE)
            if pages:
                query['offset'] = pages + 1 if by_pages else len(seen)
            entities, total = self._entities(path, query)
            new = 0
            for entity in entities:
                key = entity.get('task_id')
                if key is None or str(key) in seen:
                    continue
                seen.add(str(key))
                new += 1
                if wanted is None or str(key) in wanted:
                    found[str(key)] = entity
            if wanted is not None and wanted.issubset(found):
                return found
            if not pages and not new:
                return found  # an empty first page: there is nothing to read, whatever the total says
            if total is not None and len(seen) >= total or total is None and len(entities) < MONITOR_PAGE_SIZE:
                return found
            if not new:
                if not entities and pages == 1 and not by_pages:
                    by_pages = True  # a record offset was past the end: the server counts pages, so ask for page 2
                    continue
                raise RomaResponseError(
                    'ROMA Connect returned no new monitor records for offset %s (GET %s) although it reports %s '
                    'in all and %d were read: paging stopped.' % (query.get('offset'), self.client.base_path() + path, total, len(seen))
                )
            pages += 1

    @absent_when(is_not_found)
    def latest_log(self, task_id: str) -> dict[str, Any] | None:
        """The monitor log with the latest ``start_time`` of a task (raw API dict), or None when it has none or is gone.

        The order of the log list is not documented, so the newest is picked by
        ``start_time`` here.  When a task has more logs than one page holds, the list is
        read again from the newest ``start_time`` seen (``begin_time``) until one page
        holds the rest: no offset semantics are relied on.
        """
        path = self._path('tasks', task_id, 'monitor-logs')
        newest = None
        begin_time = None
        while True:
            query = {'limit': MONITOR_PAGE_SIZE}
            if begin_time is not None:
                query['begin_time'] = begin_time
            entities, total = self._entities(path, query)
            for entity in entities:
                if newest is None or (_ms(entity.get('start_time')) or 0) >= (_ms(newest.get('start_time')) or 0):
                    newest = entity
            complete = total is None and len(entities) < MONITOR_PAGE_SIZE or total is not None and total <= len(entities)
            newest_start = _ms(newest.get('start_time')) if newest else None
            if complete or newest_start is None or (begin_time is not None and newest_start <= begin_time):
                return newest
            begin_time = newest_start

    def add_monitors(self, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Add ``monitor`` to each task dict: one monitor list page per 999 tasks plus one log read per task."""
        ids = [task['task_id'] for task in tasks if task.get('task_id')]
        names = set(task.get('task_name') for task in tasks)
        records = self.monitor_records(ids, task_name=(names.pop() if len(ids) == 1 and len(names) == 1 else None)) if ids else {}
        for task in tasks:
            task_id = task.get('task_id')
            task['monitor'] = normalize_monitor(records.get(task_id), self.latest_log(task_id) if task_id else None)
        return tasks

    # -- waiting ---------------------------------------------------------------------------------

    def read_records_for(self, tasks: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
        """Monitor records of the tasks being waited for: one small filtered page for one named task, else the list pages."""
        names = set(task.get('task_name') for task in tasks)
        task_name = names.pop() if len(tasks) == 1 and len(names) == 1 else None
        return self.monitor_records([task['task_id'] for task in tasks], task_name=task_name)

    def wait_for_many(
        self,
        tasks: Iterable[Mapping[str, Any]],
        want: str | dict[str, str],
        timeout: float | Deadline,
        started_at_ms: int | dict[str, int | None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> list[WaitResult]:
        """Wait for several tasks at once; see :func:`wait_for_many`."""
        return wait_for_many(tasks, want, timeout, self.read_records_for, self.latest_log, started_at_ms, clock, sleep)


# -- the poll loop --------------------------------------------------------------------------------


class WaitResult:
    """How the wait for one task ended: ``monitor`` always, ``error`` (a RomaWaitError) unless it reached the state."""

    def __init__(self, task: Mapping[str, Any], monitor: dict[str, Any], error: RomaWaitError | None = None) -> None:
        self.task = dict(task, monitor=monitor)
        self.task_id = task.get('task_id')
        self.monitor = monitor
        self.error = error

    @property
    def ok(self) -> bool:
        return self.error is None


def _describe_task(task: Mapping[str, Any]) -> str:
    if task.get('task_name'):
        return 'composite task %r (task_id %s)' % (task['task_name'], task.get('task_id'))
    return 'composite task %s' % task.get('task_id')


def describe_status(record: Mapping[str, Any] | None, started_at_ms: int | None = None) -> str:
    """The last status seen, in words, for a timeout message."""
    if not record:
        return 'no monitor record for the task yet'
    execute_status = _upper(record.get('execute_status')) or 'no execute_status'
    text = 'execute_status %s' % execute_status
    position = _upper(record.get('position'))
    if position:
        text += ', position %s%s' % (position, ' (initialising)' if position == INITIALISING_POSITION else '')
    status = _record_status(record)
    if status:
        text += ', status %s' % status
    if is_stale(record.get('last_execute_time'), started_at_ms):
        text += (
            ", from an execution before the start request (last executed %s, the start was requested at %s by this machine's "
            "clock: an earlier execution, unless this machine's clock is ahead of ROMA Connect's)"
            % (format_ms(record.get('last_execute_time')), format_ms(started_at_ms))
        )
    return text


def _is_realtime(task: Mapping[str, Any], record: Mapping[str, Any] | None) -> bool:
    task_type = _upper(task.get('task_type')) or _upper((record or {}).get('task_type'))
    return task_type != 'TIMING'  # composite tasks are real-time unless told otherwise


def _failure_message(
    task: Mapping[str, Any], record: Mapping[str, Any] | None, log: Mapping[str, Any] | None, waited: int, verdict: str
) -> tuple[str, dict[str, str | None] | None]:
    step = failing_step(log)
    execute_status = _upper((record or {}).get('execute_status'))
    position_status = _upper((log or {}).get('position_status'))
    if verdict == 'ended':
        head = '%s stopped running: ROMA Connect reports execute_status SUCCESS, but a real-time task should keep running' % _describe_task(task)
    elif verdict == 'cancelled':
        head = '%s was cancelled (execute_status CANCELLED) instead of running' % _describe_task(task)
    else:
        head = '%s failed: ROMA Connect reports execute_status %s' % (_describe_task(task), execute_status)
        where = [value for value in (_upper((log or {}).get('position') or (record or {}).get('position')), position_status) if value]
        if where:
            head += ' (%s)' % ', '.join(where)
    head += ' after waiting %d s.' % waited
    if log is None:
        head += ' There is no monitor log of this execution.'
    else:
        log_remarks = _remarks(log.get('remarks'))
        head += ' Monitor log: %s.' % ('"%s"' % log_remarks if log_remarks else 'no remarks')
    if step and log is not None:
        parts = [value for value in (step['position'], step['position_status']) if value]
        step_where = ' (%s)' % ', '.join(parts) if parts else ''
        said = '"%s"' % step['remarks'] if step['remarks'] else 'no remarks'
        head += ' Failing step: %s%s: %s.' % (step['stage'] or 'unnamed stage', step_where, said)
    elif log is not None:
        head += ' No step details were logged.'
    return head, step


def _assess(task: Mapping[str, Any], record: Mapping[str, Any] | None, want: str, started_at_ms: int | None) -> str:
    """What one monitor record means for the wait: 'pending', 'check_log' (RUNNING, confirm with the log),
    'stopped', or a failure verdict ('failed', 'cancelled', 'ended')."""
    if want == 'stopped':
        if record is None:
            return 'stopped'  # no monitor record: the task has never executed
        status = _record_status(record)
        if status is not None:
            return 'stopped' if status == 'stopped' else 'pending'
        return 'pending' if _upper(record.get('execute_status')) in ('RUNNING', 'WAITING') else 'stopped'
    if record is None or is_stale(record.get('last_execute_time'), started_at_ms):
        return 'pending'
    execute_status = _upper(record.get('execute_status'))
    if execute_status == 'ERROR' or _upper(record.get('position_status')) in ERROR_POSITION_STATUSES:
        return 'failed'
    if execute_status == 'CANCELLED':
        return 'cancelled'
    if execute_status == 'SUCCESS':
        return 'ended' if _is_realtime(task, record) else 'check_log'
    if execute_status == 'RUNNING':
        return 'pending' if _upper(record.get('position')) == INITIALISING_POSITION else 'check_log'
    return 'pending'  # UNSTARTED, WAITING, or a status this collection does not know yet


def _fresh_log(read_log: Callable[[str], dict[str, Any] | None], task_id: str, started_at_ms: int | None) -> dict[str, Any] | None:
    log = read_log(task_id)
    if log is not None and is_stale(log.get('start_time'), started_at_ms):
        return None  # the latest log is of an earlier execution: its figures and result are not this run's
    return log


def wait_for_many(
    tasks: Iterable[Mapping[str, Any]],
    want: str | dict[str, str],
    timeout: float | Deadline,
    read_records: Callable[[list[Mapping[str, Any]]], Mapping[str, dict[str, Any]]],
    read_log: Callable[[str], dict[str, Any] | None],
    started_at_ms: int | dict[str, int | None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
) -> list[WaitResult]:
    """Poll the monitor records of ``tasks`` until each is in the state it should be in, fails, or the time runs out.

    ``tasks``: task dicts with ``task_id`` (and ideally ``task_name`` and ``task_type``).
    ``want``: ``'running'`` or ``'stopped'``, or ``{task_id: want}``.  ``timeout``: seconds, or
    the run's :class:`Deadline` (shared with the confirmation of stops).
    ``read_records(pending_tasks) -> {task_id: record}`` reads the monitor records of the
    tasks still pending, once per poll for all of them; ``read_log(task_id) -> log or None``
    reads a task's latest monitor log (only when a task's outcome is decided).
    ``started_at_ms``: this machine's epoch milliseconds taken just before the start
    request (one number, or ``{task_id: ms}``); None when the task was already running.
    Records and logs older than it are stale (an earlier execution) and ignored.

    ``want='running'``: UNSTARTED, WAITING, position ADAPTER, a stale record or none
    keep polling; RUNNING is reached unless the task's fresh latest log reports
    ``position_status`` RUNTIME_ERR/INTERNAL_ERR; ERROR, an error ``position_status``,
    CANCELLED, and SUCCESS of a real-time task fail.  ``want='stopped'``: reached when the
    record's ``status`` is 0 (without ``status``: ``execute_status`` is neither RUNNING
    nor WAITING) or the task has no monitor record (it never ran).

    Polls back off from 1 s, doubling, to 10 s, never sleeping past the deadline; the
    last poll is at the deadline.  Returns one :class:`WaitResult` per task, in order;
    API failures (RomaApiError, RomaTransportError, ...) are raised as they come.
    """
    tasks = list(tasks)
    wants = want if isinstance(want, dict) else dict((str(task['task_id']), want) for task in tasks)
    if any(value not in WANTS for value in wants.values()):
        raise ValueError('want must be one of %s, not %r' % (', '.join(WANTS), want))
    deadline = timeout if isinstance(timeout, Deadline) else Deadline(timeout, sleep=sleep, clock=clock)
    pending = {}
    for task in tasks:
        pending.setdefault(str(task['task_id']), task)
    started = started_at_ms if isinstance(started_at_ms, dict) else dict.fromkeys(pending, started_at_ms)
    results, last_records = {}, {}
    delay = FIRST_POLL_DELAY
    while True:
        records = read_records(list(pending.values()))
        waited = int(round(deadline.elapsed()))
        for task_id, task in list(pending.items()):
            record = records.get(task_id)
            last_records[task_id] = record
            since = started.get(task_id) if wants[task_id] == 'running' else None
            verdict = _assess(task, record, wants[task_id], since)
            if verdict == 'pending':
                continue
            del pending[task_id]
            log = _fresh_log(read_log, task_id, since)
            if verdict == 'check_log' and _upper((log or {}).get('position_status')) in ERROR_POSITION_STATUSES:
                verdict = 'failed'
            monitor = normalize_monitor(record, log)
            if verdict in ('check_log', 'stopped'):
                results[task_id] = WaitResult(task, monitor)
            else:
                message, step = _failure_message(task, record, log, waited, verdict)
                results[task_id] = WaitResult(task, monitor, RomaTaskRunError(message, task, monitor, waited, failed_step=step))
        if not pending:
            break
        if deadline.expired():
            for task_id, task in pending.items():
                record = last_records.get(task_id)
                since = started.get(task_id) if wants[task_id] == 'running' else None
                log = _fresh_log(read_log, task_id, since)
                monitor = normalize_monitor(record, log)
                message = 'Timed out after waiting %d s for %s to %s (wait_timeout %s): last status seen: %s.' % (
                    waited,
                    _describe_task(task),
                    'run' if wants[task_id] == 'running' else 'stop',
                    deadline.seconds,
                    describe_status(record, since),
                )
                error = RomaWaitTimeoutError(message, task, monitor, waited, last_status=_upper((record or {}).get('execute_status')))
                results[task_id] = WaitResult(task, monitor, error)
            break
        deadline.sleep(delay)
        delay = min(delay * 2, MAX_POLL_DELAY)
    return [results[str(task['task_id'])] for task in tasks]


def wait_for_state(
    task: Mapping[str, Any],
    want: str,
    timeout: float | Deadline,
    read_records: Callable[[list[Mapping[str, Any]]], Mapping[str, dict[str, Any]]],
    read_log: Callable[[str], dict[str, Any] | None],
    started_at_ms: int | dict[str, int | None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
) -> dict[str, Any]:
    """Wait for one task (the many-task wait with one item): return its ``monitor`` dict, or raise its RomaWaitError."""
    result = wait_for_many([task], want, timeout, read_records, read_log, started_at_ms, clock, sleep)[0]
    if result.error is not None:
        raise result.error
    return result.monitor
