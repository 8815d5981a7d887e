# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Apply: send the plans' requests with the one stop/change/start rule of the collection.

ROMA Connect changes, resets and deletes only stopped tasks, and a data source's new
settings reach a running job only when it is restarted.  So every change that touches a
running task goes stop -> confirm stopped -> change -> start, and :func:`apply_plans` is
the only place that does it, for the task modules (one plan or hundreds), the reset
action (stop, reset, start) and the data-source rotation (stop the tasks that use it,
update it once, start them).

The rule that matters most: a task stopped for a change runs again however the change
ends, by an API error, a bug, Ctrl-C or a job runner's SIGTERM.  The restart is in a
``finally``, with both signals held back while it runs.  Only SIGKILL cannot be caught:
``state: started`` (``status: running``) is how a playbook says a job must run.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.concurrency import (
    INTERRUPTIONS,
    describe_interruption,
    interruptible,
    run_concurrently,
    shielded,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_plan import MAPPING_KINDS, outcomes_of, switch_action, task_after

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.concurrency import Deadline
    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_plan import Action, TaskPlan
    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_task_state import TaskApis


class ApplyError(RomaError):
    """A request of a plan failed, or the run was interrupted; ``done`` lists the actions that succeeded before."""


class PlanResult:
    """What applying one plan did: ``done`` (the actions that succeeded), ``after``, and ``error`` (an ApplyError) if it failed."""

    def __init__(self, plan: TaskPlan) -> None:
        self.plan = plan
        self.task_id = plan.task_id
        self.done = []
        self.cause = None  # the error that ended this plan early
        self.failed_action = None
        self.restarted = None  # after a failure: whether the task stopped for the change runs again
        self.interrupted = None  # the interruption (KeyboardInterrupt, Terminated) that ended the run, if any
        self.mapping_ids = {}  # pair -> the ID the server gave a new mapping
        self.auto_mapped = None  # pair -> mapping that an auto-mapping init made (read once after the create)
        self.after = None
        self.error = None

    @property
    def failed(self) -> bool:
        return self.cause is not None

    @property
    def outcomes(self) -> list[str]:
        return outcomes_of(self.plan, self.done)

    @property
    def deleted(self) -> bool:
        """The old task is gone and no new one took its place (a recreate whose create failed)."""
        kinds = [action.kind for action in self.done]
        return 'delete' in kinds and 'create' not in kinds and self.plan.created is not None

    def task(self) -> dict[str, Any]:
        return {'task_id': self.task_id, 'task_name': (self.plan.after or self.plan.before or {}).get('task_name')}

    def fail(self, action: Action | None, error: RomaError) -> None:
        if self.cause is None:
            self.failed_action, self.cause = action, error

    def needs_restart(self) -> bool:
        """Stopped for a change and not started since (a failure, or a run that ended before the start); not tried yet."""
        return self.restarted is None and self.plan.restart_after(self.done)

    def finish(self) -> PlanResult:
        done = self.done + ([switch_action('start')] if self.restarted else [])
        created = dict(self.plan.created, task_id=self.task_id) if self.plan.created is not None else None
        self.after = task_after(self.plan.before, done, created)
        if self.after is not None:
            self.after['task_id'] = self.task_id
            self._fill_mappings()
        if self.cause is not None:
            self.error = ApplyError('%s%s' % (self.cause.message, self._what_happened()), **dict(self.cause.details, **self._details()))
        return self

    def _fill_mappings(self) -> None:
        mappings = self.after.get('mappings')
        if mappings is None:
            return
        for mapping in mappings:
            mapping_id = self.mapping_ids.get((mapping['source_table'], mapping['target_table']))
            if mapping_id:
                mapping['mapping_id'] = mapping_id
        listed = set((mapping['source_table'], mapping['target_table']) for mapping in mappings)
        for key, mapping in sorted((self.auto_mapped or {}).items()):
            if key not in listed:
                mappings.append(mapping)  # what ROMA Connect mapped by itself is the task's too
        mappings.sort(key=lambda mapping: (mapping['source_table'], mapping['target_table']))

    def _details(self) -> dict[str, Any]:
        details = {'done': [action.kind for action in self.done], 'task_id': self.task_id}
        if self.done:
            details['changed'] = True  # some write went through before the failure
        if self.deleted:
            details['deleted'] = True
        if self.restarted is not None:
            details['restarted'] = self.restarted
        return details

    def _what_happened(self) -> str:
        kinds = [action.kind for action in self.done]
        words = []
        if self.deleted:
            words.append(
                'The old task was deleted and the new one was not created; run again to create it (it starts only with state: started, as the old task is gone)'
            )
        elif 'create' in kinds and 'delete' in kinds:
            words.append('The task was recreated (task_id %s) but not completed; run again to complete it' % self.task_id)
        elif self.done:
            words.append('Done before the failure: %s' % ', '.join(kinds))
        if self.restarted is True:
            words.append('the task was started again, as it ran before the change')
        elif self.restarted is False:
            words.append('the task could not be started again and is stopped: run again with state: started')
        return (' (%s).' % '; '.join(words)) if words else ''


def apply_plan(apis: TaskApis, plan: TaskPlan, deadline: Deadline | None = None) -> dict[str, Any] | None:
    """Send one plan's requests in order; return the task after them.  Raises the plan's ApplyError when it failed."""
    result = apply_plans(apis, [plan], deadline=deadline)[0]
    if result.error is not None:
        raise result.error
    return result.after


def apply_plans(
    apis: TaskApis,
    plans: Iterable[TaskPlan],
    parallelism: int = 1,
    batch_size: int | None = None,
    on_batch: Callable[[str, list[str | None]], object] | None = None,
    deadline: Deadline | None = None,
    change: SharedChange | None = None,
) -> list[PlanResult]:
    """Apply many plans at once; return one finished :class:`PlanResult` per plan, in order.  Never raises for an API error.

    1. every task whose plan stops it is stopped, in batches; those stopped for a change are
       then read until they report stopped (concurrently, within ``deadline``);
    2. ``change`` (a :class:`SharedChange`), if given, is sent once (the data-source update of a rotation), only when
       every task stopped for it is confirmed stopped (otherwise it is withheld, and the stopped tasks are started again);
    3. each plan's other writes are sent in order, plans concurrently (``parallelism`` threads);
    4. every task whose plan starts it is started, in batches, together with the tasks stopped
       for a change that failed (they ran before: the stop/change/start rule);
    5. whatever happened above (an exception, Ctrl-C, SIGTERM), the tasks stopped for a change
       that have not been started again are started, in batches.

    A plan's failure never stops the others: its result carries the error.  An interruption
    ends every plan not finished yet and is noted on each result (``interrupted``); an
    exception that is a bug still propagates, after step 5.  ``on_batch(action_id, task_ids)``
    hears of each batch request before it is sent; ``batch_size`` is how many tasks one goes for
    (None: the most the API takes, ``fdi_start_stop.BATCH_SIZE``).
    """
    results = [PlanResult(plan) for plan in plans]
    cancel = threading.Event()  # set on an interruption: a plan's remaining writes are not sent
    interruption = None
    try:
        with interruptible():
            stopping = [result for result in results if result.plan.stops_first]
            _switch(apis, stopping, False, batch_size, on_batch)
            waiting = [result for result in stopping if not result.failed and len(result.plan.actions) > 1]
            run_concurrently(lambda result: _wait_stopped(apis, result, deadline), waiting, parallelism, cancel)
            if change is not None:
                unstopped = [result for result in stopping if result.failed]
                if unstopped:  # the change is what they are stopped for: never sent while one of them may still run
                    change.withhold([result.task() for result in unstopped])
                else:
                    change.run()
            changing = [result for result in results if not result.failed and result.plan.middle]
            run_concurrently(lambda result: _send_middle(apis, result, cancel), changing, parallelism, cancel)
            starting = [result for result in results if not result.failed and result.plan.ends_with_start]
            _switch(apis, starting + [result for result in results if result.failed and result.needs_restart()], True, batch_size, on_batch)
    except INTERRUPTIONS as caught:
        interruption = caught
    finally:
        interruption = _restart_stopped(apis, results, interruption, batch_size, on_batch)
    return [result.finish() for result in results]


def _restart_stopped(
    apis: TaskApis, results: list[PlanResult], interruption: BaseException | None, batch_size: int, on_batch: Callable[[str, list[str | None]], object] | None
) -> BaseException | None:
    """The rule's ``finally``: start again every task stopped for a change that did not get its start; note an interruption."""
    for result in results:
        if interruption is not None:
            result.interrupted = interruption
        if not _finished(result):  # interrupted, or an exception (a bug) on its way up
            result.fail(
                None,
                RomaError(
                    'Interrupted by %s before this task was finished' % describe_interruption(interruption)
                    if interruption is not None
                    else 'The run ended early, before this task was finished'
                ),
            )
    leftovers = [result for result in results if result.needs_restart()]
    if not leftovers:
        return interruption
    try:
        with shielded():
            _switch(apis, leftovers, True, batch_size, on_batch)
    except INTERRUPTIONS as caught:  # a signal held back during the restart: the restart itself is complete
        interruption = interruption or caught
        for result in results:
            result.interrupted = interruption
    return interruption


def _finished(result: PlanResult) -> bool:
    return result.failed or len(result.done) == len(result.plan.actions)


class SharedChange:
    """One write that tasks are stopped for, sent once between the stops and the starts (a data source's update).

    Its failure is its own (``error``): the tasks stopped for it are started again as planned.  It is withheld
    (``withheld``: the tasks that could not be stopped or confirmed stopped) when a task it is for may still run.
    """

    def __init__(self, send: Callable[[], object]) -> None:
        self.send = send
        self.error = None
        self.sent = False
        self.withheld = []

    def withhold(self, tasks):
        self.withheld = list(tasks)
        self.error = RomaError('Not sent, because %d of the tasks it is for could not be stopped' % len(self.withheld))

    def run(self) -> None:
        try:
            self.send()
        except RomaError as error:
            self.error = error
        else:
            self.sent = True


def _wait_stopped(apis: TaskApis, result: PlanResult, deadline: Deadline | None) -> None:
    try:
        apis.start_stop.wait_until_stopped(result.task(), deadline)  # a change or delete follows: the task must really be stopped
    except RomaError as error:
        result.fail(result.plan.actions[0], error)


def _send_middle(apis: TaskApis, result: PlanResult, cancel: threading.Event) -> None:
    for action in result.plan.middle:
        if cancel.is_set():
            return  # interrupted: the apply step's finally reports and restarts
        try:
            _send(apis, result, action)
        except RomaError as error:
            result.fail(action, error)
            return
        result.done.append(action)


def _switch(apis: TaskApis, results: list[PlanResult], running: bool, batch_size: int, on_batch: Callable[[str, list[str | None]], object] | None) -> None:
    """Start or stop the tasks of ``results`` with batch requests of at most ``batch_size`` tasks each.

    A stop of a task that is gone counts as done (deleting it, for one, then counts as done too).
    A result that already failed is a restart: its outcome goes to ``restarted``, not to ``done``.
    """
    if not results:
        return
    if batch_size is None:
        # imported here: a plan that neither starts nor stops a task (a create, an update of a stopped one) does without it
        from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_start_stop import BATCH_SIZE as batch_size
    action_id = 'start' if running else 'stop'
    for first in range(0, len(results), batch_size):
        chunk = results[first : first + batch_size]
        if on_batch is not None:
            on_batch(action_id, [result.task_id for result in chunk])
        errors = apis.start_stop.set_running_many([result.task() for result in chunk], running)
        for result in chunk:
            error = errors.get(result.task_id)
            if result.failed:
                result.restarted = error is None
            elif error is not None:
                result.fail(result.plan.actions[-1] if running else result.plan.actions[0], error)
                if running and result.plan.restart_after(result.done):
                    result.restarted = False  # the start after the change was the restart, and it failed
            else:
                result.done.append(result.plan.actions[-1] if running else result.plan.actions[0])


def _send(apis: TaskApis, result: PlanResult, action: Action) -> None:
    """Send one action between the plan's stop and start (those go in batches: :func:`_switch`).

    init and create may be told another task ID by the server; the apply step keeps it.
    """
    task_id = result.task_id
    if action.kind == 'delete':
        apis.tasks.delete_task(task_id)
    elif action.kind == 'init':
        result.task_id = apis.mappings.init_task(dict(action.body, task_id=task_id))
    elif action.kind == 'create':
        result.task_id = apis.tasks.create_task(dict(action.body, task_id=task_id))
        if result.plan.desired.auto_mapping and any(item.kind == 'init' for item in result.plan.actions):
            # ROMA Connect mapped the same-named tables itself: read them once, to report them and never to map a pair twice
            found = apis.mappings.list_mappings(result.task_id)
            result.auto_mapped = found.by_key() if found else {}
    elif action.kind == 'update':
        if not apis.tasks.update_task(task_id, action.body):
            raise RomaError('Task %s was deleted by someone else while this task was updating it.' % (result.task()['task_name'] or task_id))
    elif action.kind == 'reset':
        if not apis.tasks.reset_task(task_id, action.body['date_from']):
            raise RomaError('Task %s was deleted by someone else before it could be reset.' % (result.task()['task_name'] or task_id))
    elif action.kind == 'create_mapping':
        existing = (result.auto_mapped or {}).get(action.key)
        if existing is not None:  # a pair the auto-mapping init already made is modified, never made twice
            apis.mappings.update_mapping(task_id, existing['mapping_id'], action.body)
            result.mapping_ids[action.key] = existing['mapping_id']
        else:
            result.mapping_ids[action.key] = apis.mappings.create_mapping(task_id, action.body)
    elif action.kind == 'update_mapping':
        apis.mappings.update_mapping(task_id, action.mapping_id, action.body)
    elif action.kind == 'delete_mapping':
        apis.mappings.delete_mapping(task_id, action.mapping_id)
    elif action.kind not in MAPPING_KINDS:
        raise RomaError('Unknown action %r in a plan' % action.kind)
