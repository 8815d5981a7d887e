# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The engine of both task modules: one task (fdi_composite_task) or many (fdi_composite_tasks), one code path.

A run goes validate -> find -> read -> plan -> check -> apply -> wait -> report:

- **validate**: every option value, before any request (:func:`fdi_plan.validate_desired` per item);
- **find** (:mod:`fdi_task_state`): one task by ID or name, or many against one list of the instance;
- **read**: details and mappings, only where a plan needs them, concurrently;
- **plan** (:mod:`fdi_plan`): pure, per item; every problem of every item is collected;
- **check** (:mod:`fdi_preflight`): the plans against their data sources, and the kind of a task
  found only by its ID; in check mode too, so check mode fails where a real run would;
- **apply** (:mod:`fdi_apply`): the one stop/change/start rule, never in check mode;
- **wait** (:mod:`fdi_monitor`): for every item that asks, with one deadline for the whole run;
- **report**: per item (what it did, the task before and after), then shaped by the module.

The two modules differ only where users expect them to: how the run is described
(``state`` of one task, or a resource-module ``state`` and ``config``) and what it returns.
fdi_composite_tasks' part (config, list, match, scope, report, gathered, rendered) is
:mod:`fdi_resource`.

A run pays only for what it uses (docs/performance.md): the mapping API, the data-source
checks, the monitor and the thread pool are imported by the runs that need them, where
they are needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.concurrency import Deadline, describe_interruption, run_concurrently
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError, RomaInputError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_plan import (
    Desired,
    PlanError,
    plan_task,
    reads_needed,
    replicates_nothing,
    validate_desired,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_task_state import (
    Current,
    TaskApis,
    confirm_composite,
    find_one,
    recreate_diff,
    task_diff,
    task_result,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import FdiTaskApi
from ansible_collections.hwcloud.roma.plugins.module_utils.rules import problems_of, raise_for_problems

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.module import RomaModule

STATUS_FOR_STATE = {'started': 'running', 'stopped': 'stopped'}  # fdi_composite_task's state -> the status it ensures
WAIT_TIMEOUT_RANGE = (1, 3600)


class Item:
    """One task of the run: a ``config`` item (or the one task of fdi_composite_task, or a task in scope that is removed)."""

    def __init__(self, index: int | None, options: dict[str, Any], desired: Desired | None) -> None:
        self.index = index  # None for a task in scope that overridden/deleted removes
        self.options = options
        self.desired = desired
        self.current = Current()
        self.plan = None
        self.result = None
        self.error = None  # a read or apply error (per item), or a wait failure
        self.monitor = None
        self.started_at_ms = None

    @property
    def label(self) -> str:
        where = 'config[%d]' % self.index if self.index is not None else 'task in scope'
        return '%s (%s)' % (where, self.desired.name or self.desired.task_id or (self.current.task or {}).get('task_name'))

    @property
    def after(self) -> dict[str, Any] | None:
        """The task after the run as far as it is true: the plan's (check mode), the applied one, or the one before."""
        if self.result is not None:
            return self.result.after
        if self.plan is not None:
            return self.plan.after
        return self.current.full()

    @property
    def actions(self) -> list[str]:
        if self.result is not None:
            return self.result.outcomes
        return self.plan.outcomes if self.plan is not None else []

    @property
    def name(self) -> str | None:
        return (self.after or {}).get('task_name') or (self.current.task or {}).get('task_name') or self.desired.name or self.desired.task_id


def server_id_as_text(options: dict[str, Any], module: RomaModule, where: str = '') -> None:
    """A server_id written as a YAML number becomes its text, with a warning: YAML reads 0123 as the octal number 83."""
    value = options.get('server_id')
    if isinstance(value, int) and not isinstance(value, bool):
        options['server_id'] = str(value)
        module.warn(
            '%sserver_id was given as the number %d, and is sent as %r. YAML reads a number with a leading zero as octal '
            '(0123 is 83): quote server_id (for example "0123") to be sure it is the ID you meant.' % (where, value, str(value))
        )


def validate_wait_timeout(value: object, problems: list[str] | list[str | None], option: str = 'wait_timeout') -> None:
    low, high = WAIT_TIMEOUT_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.append('%s must be %d-%d seconds; got %r' % (option, low, high, value))


class TaskRun:
    """One module run over its items; ``single`` for fdi_composite_task (one item, its errors raised as they are)."""

    def __init__(
        self, module: RomaModule, items: list[Item], single: bool = False, parallelism: int = 1, wait: bool = False, wait_timeout: int | None = None
    ) -> None:
        self.module = module
        self.items = items
        self.single = single
        self.parallelism = parallelism
        self.wait_for = wait
        self.wait_timeout = wait_timeout
        self.instance_id = module.params['instance_id']
        self.check_mode = module.check_mode
        self.apis = None
        self.batches = None  # the start/stop batches apply_plans sent, in order
        self.interruption = None

    def connect(self) -> TaskApis:
        self.apis = TaskApis(FdiTaskApi(self.module.client, self.instance_id))
        return self.apis

    # -- read and plan ------------------------------------------------------------------------------

    def read(self, items: list[Item]) -> None:
        """Show and mapping reads, only where an item needs them, up to ``parallelism`` at once."""
        work = [item for item in items if item.desired is not None and any(reads_needed(item.desired, item.current.task, item.current.detailed))]
        run_concurrently(lambda item: item.current.read(self.apis, item.desired), work, self.parallelism)
        for item in items:
            if item.current.error is not None:
                if self.single:
                    raise item.current.error
                item.error = item.current.error

    def plan(self, items: list[Item]) -> list[str]:
        """Plan every item, then check the plans against their data sources; every problem of every item is returned."""
        problems = []
        for item in items:
            if item.error is not None or item.desired is None:
                continue
            try:
                item.plan = plan_task(item.desired, item.current.task, item.current.mappings, detailed=item.current.detailed)
            except (PlanError, RomaInputError) as error:
                if self.single:
                    raise
                problems.append('%s: %s' % (item.label, error.message))
        planned = [item for item in items if item.plan is not None and item.plan.changed]
        catalog = None
        for item in planned:
            if item.plan.uses_datasources:
                if catalog is None:
                    # imported here: only a plan that writes what its data sources must have reads them
                    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_preflight import DatasourceCatalog, preflight_problems

                    catalog = DatasourceCatalog(self.module.client, self.instance_id)
                found = preflight_problems(item.plan, catalog, 'config[%d].' % item.index if item.index is not None else '')
                if found and self.single:
                    raise_for_problems(found, 'Nothing was changed, because the data sources say otherwise', 'invalid_options')
                problems.extend(found)
            if not item.current.kind_known:
                confirm_composite(self.apis, item.current)  # raises for an ordinary task: before any write, in check mode too
        return problems

    def warn_about(self, items: Iterable[Item]) -> None:
        for item in items:
            if item.plan is None:
                continue
            reason = replicates_nothing(item.plan)
            if reason:
                self.module.warn(
                    '%s is started but %s, so it replicates nothing: ROMA Connect will report its sync job as failed. '
                    'Set its data sources and mappings (or auto_mapping) first.' % (_describe(item), reason)
                )
            if 'recreated' in item.plan.outcomes:
                self.module.warn(
                    '%s is %s: it is deleted and created again, so its sync position is lost and its data is '
                    'synchronised again from the start.' % (_describe(item), 'to be recreated' if self.check_mode else 'recreated')
                )

    # -- apply and wait -----------------------------------------------------------------------------

    def deadline(self) -> Deadline | None:
        """The run's one deadline when it waits: the confirmation of stops and the wait itself share ``wait_timeout``."""
        if not self.wait_for:
            return None
        return Deadline(self.wait_timeout, sleep=self.module.client.retry_policy.sleep)

    def apply(self, items: Iterable[Item], deadline: Deadline | None) -> None:
        planned = [item for item in items if item.plan is not None and item.plan.actions]
        self.batches = []
        if not planned:
            return
        # imported here: a run with nothing to change (a no-op) neither sends nor loads anything of the apply step
        from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_apply import apply_plans

        if self.wait_for:
            from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_monitor import now_ms

            started_at_ms = now_ms()  # before any start request: monitor records older than this are of an earlier run
            for item in planned:
                if any(action.kind == 'start' for action in item.plan.actions) or item.plan.stops_first:
                    item.started_at_ms = started_at_ms
        results = apply_plans(
            self.apis,
            [item.plan for item in planned],
            parallelism=self.parallelism,
            deadline=deadline,
            on_batch=lambda action, ids: self.batches.append((action, ids)),
        )
        for item, result in zip(planned, results):
            item.result = result
            if result.error is not None:
                item.error = result.error
            self.interruption = self.interruption or result.interrupted

    def wait(self, items: Iterable[Item], deadline: Deadline | None) -> None:
        """Wait for every item that asks for a status, at once, within the run's one deadline."""
        waiting = [item for item in items if item.error is None and item.desired is not None and item.desired.status is not None and item.after is not None]
        if not waiting:
            return
        from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_monitor import FdiMonitorApi

        tasks = [item.after for item in waiting]
        try:
            outcomes = FdiMonitorApi(self.module.client, self.instance_id).wait_for_many(
                tasks,
                dict((task['task_id'], item.desired.status) for item, task in zip(waiting, tasks)),
                deadline,
                started_at_ms=dict((task['task_id'], item.started_at_ms) for item, task in zip(waiting, tasks)),
            )
        except RomaError as error:
            for item in waiting:
                item.error = error
            return
        for item, outcome in zip(waiting, outcomes):
            item.monitor = outcome.monitor
            if outcome.error is not None:
                item.error = outcome.error

    def converge(self, items: list[Item], problems: Iterable[str] = ()) -> list[str]:
        """read -> plan -> check, then (unless check mode or anything is wrong) apply and wait.  Returns every problem found."""
        self.read(items)
        problems = list(problems) + self.plan(items)
        if problems:
            return problems
        self.warn_about(items)
        if not self.check_mode:
            deadline = self.deadline()
            self.apply(items, deadline)
            if self.wait_for and self.interruption is None:
                self.wait(items, deadline)
        return []


def _describe(item: Item) -> str:
    return 'Composite task %r' % item.name


# -- fdi_composite_task: one task ---------------------------------------------------------------------------


def ensure_task(module: RomaModule) -> dict[str, Any]:
    """fdi_composite_task: every option is checked before the client is built, so invalid input sends nothing (not even a login)."""
    params = module.params
    server_id_as_text(params, module)
    problems = []
    try:
        validate_desired(params)
    except RomaInputError as error:
        problems.extend(problems_of(error))
    if params['wait']:
        validate_wait_timeout(params['wait_timeout'], problems)
    raise_for_problems(problems)
    state = params['state']
    desired = Desired(
        params,
        status=STATUS_FOR_STATE.get(state),
        absent=state == 'absent',
        purge_mappings=params['purge_mappings'],
        recreate=params['recreate'],
        instance_id=params['instance_id'],
    )
    wait = params['wait'] and desired.status is not None
    if params['wait'] and not wait:
        module.warn('wait is ignored with state %s: it waits for started or stopped.' % state)
    run = TaskRun(module, [Item(None, params, desired)], single=True, wait=wait, wait_timeout=params['wait_timeout'])
    item = run.items[0]
    item.current = find_one(run.connect(), desired)
    run.converge(run.items)
    return single_result(run, item)


def single_result(run: TaskRun, item: Item) -> dict[str, Any]:
    plan = item.plan
    result = {'changed': bool(item.result.done) if item.result is not None else plan.changed, 'task': task_result(item.after), 'actions': item.actions}
    if run.module._diff:
        diff = diff_of(item)
        result['diff'] = diff[0] if len(diff) == 1 else diff
    if item.monitor is not None:
        result['task']['monitor'] = item.monitor
    if item.error is not None:
        details = dict(item.error.details, actions=result['actions'], task=result['task'])
        if result['changed']:
            details['changed'] = True  # some write went through before the failure
        if run.interruption is not None:
            raise RomaError(interrupted_message(run, [item]), **details)
        if item.monitor is None and 'task' in item.error.details and isinstance(item.error.details['task'], dict):
            details['task'] = dict(result['task'], monitor=item.error.details['task'].get('monitor'))
        raise RomaError(item.error.message, **details)
    return result


def diff_of(item: Item) -> list[dict[str, Any]]:
    """The item's diff entries: one, or a delete and a create for a recreate."""
    plan = item.plan
    before = item.current.full() if plan.before is not None else None
    if 'recreated' in plan.outcomes:
        return recreate_diff(before, item.after, item.name, plan.mappings_read)
    return [task_diff(before, item.after, item.name, plan.mappings_read)]


def interrupted_message(run: TaskRun, items: Iterable[Item]) -> str:
    restarted = [item.name for item in items if item.result is not None and item.result.restarted]
    message = 'Interrupted by %s: nothing more was sent.' % describe_interruption(run.interruption)
    if restarted:
        message += ' The tasks stopped for the change were started again: %s.' % ', '.join(restarted)
    return message + ' Run the module again to finish the change.'
