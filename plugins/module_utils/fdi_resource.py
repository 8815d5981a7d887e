# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""fdi_composite_tasks: the resource module's run on the task engine (:mod:`fdi_task_engine`).

validate the config -> list the instance's tasks once -> match the items and the tasks in
``scope_tag`` -> converge (the engine's read, plan, check, apply, wait) -> report; and the
``gathered`` and ``rendered`` states.  In a file of its own so that fdi_composite_task, which
runs one task, neither ships nor compiles it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.concurrency import run_concurrently
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError, RomaInputError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_plan import Desired, PlanError, plan_task, validate_desired
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_start_stop import BATCH_SIZE, batch_body
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_task_engine import (
    Item,
    TaskRun,
    diff_of,
    interrupted_message,
    server_id_as_text,
    validate_wait_timeout,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_task_spec import IDENTITY_OPTIONS, ITEM_OPTIONS
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_task_state import ALL_TASKS, Current, config_item, in_scope, refuse_ordinary
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import check_option
from ansible_collections.hwcloud.roma.plugins.module_utils.rules import PATH_ID_RULE, check_rule, problems_of, raise_for_problems

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import ListedTask
    from ansible_collections.hwcloud.roma.plugins.module_utils.module import RomaModule

PURGING_STATES = ('replaced', 'overridden')
WAITING_STATES = ('merged', 'replaced', 'overridden')
STATES_NEEDING_CONFIG = ('merged', 'replaced', 'overridden', 'rendered')
MAX_PARALLELISM = 32


class ResourceRun(TaskRun):
    """fdi_composite_tasks: validate the config, list the instance's tasks once, match, scope, converge, report."""

    def __init__(self, module: RomaModule) -> None:
        params = module.params
        self.state = params['state']
        self.scope_tag = params['scope_tag'] if params['scope_tag'] is not None or self.state != 'gathered' else ALL_TASKS
        wait = params['wait'] and self.state in WAITING_STATES
        super().__init__(module, [], parallelism=params['parallelism'], wait=wait, wait_timeout=params['wait_timeout'])
        self.items_config = [dict((option, item.get(option)) for option in ITEM_OPTIONS) for item in params['config'] or []]
        self.wait_requested = params['wait']

    # -- validation (before any request) --------------------------------------------------------------

    def validate(self) -> tuple[list[Item], list[str]]:
        """Every option and item value (zero requests when one is wrong); returns the items and the problems of the config's shape."""
        params = self.module.params
        problems = [check_option('instance_id', self.instance_id), check_rule('project_id', params.get('project_id'), PATH_ID_RULE)]
        if not 1 <= self.parallelism <= MAX_PARALLELISM:
            problems.append('parallelism must be between 1 and %d; got %d' % (MAX_PARALLELISM, self.parallelism))
        validate_wait_timeout(params['wait_timeout'], problems)
        if self.scope_tag is not None and self.scope_tag != ALL_TASKS and check_option('tag', self.scope_tag):
            problems.append(
                'scope_tag must be %r (every composite task) or a tag: %s' % (ALL_TASKS, check_option('tag', self.scope_tag).split(' must be ', 1)[1])
            )
        if self.state in STATES_NEEDING_CONFIG and not self.items_config:
            problems.append('config must list at least one task with state %s' % self.state)
        if self.state == 'gathered' and self.items_config:
            problems.append('config is not used with state gathered (it returns the tasks in scope_tag); remove it')
        if self.state == 'overridden' and self.scope_tag is None:
            problems.append(
                'scope_tag is required with state overridden: it says which tasks the list replaces '
                '(a tag, or %r for every composite task of the instance)' % ALL_TASKS
            )
        if self.state == 'deleted' and not self.items_config and self.scope_tag is None:
            problems.append(
                'scope_tag is required with state deleted and an empty config (a list that renders empty must '
                "never delete an instance's tasks): set a tag, or %r for every composite task" % ALL_TASKS
            )
        raise_for_problems(problems)
        items = []
        for index, options in enumerate(self.items_config):
            server_id_as_text(options, self.module, 'config[%d]: ' % index)
            found = self._check_item(index, options)
            problems.extend(found)
            items.append(Item(index, options, None if found else self._desired(options)))
        raise_for_problems(problems, 'Invalid config, nothing was sent', 'invalid_items')
        return items, self._duplicates(items)

    def _check_item(self, index: int, options: dict[str, Any]) -> list[str]:
        where = 'config[%d] (%s)' % (index, options.get('name') or options.get('task_id'))
        if not options.get('name') and not options.get('task_id'):
            return ['config[%d]: set task_id or name to say which task it is' % index]
        if self.state == 'deleted':
            extra = sorted(option for option in ITEM_OPTIONS if option not in IDENTITY_OPTIONS and options.get(option) is not None)
            if extra:
                return ['%s: with state deleted an item may carry only task_id and name (it deletes the whole task); remove %s' % (where, ', '.join(extra))]
        problems = []
        if self.state == 'overridden' and self.scope_tag != ALL_TASKS:
            if options.get('tag') is None:
                options['tag'] = self.scope_tag
            elif options['tag'] != self.scope_tag:
                problems.append(
                    '%s: tag %r is outside scope_tag %r; with state overridden every listed task carries the scope '
                    'tag' % (where, options['tag'], self.scope_tag)
                )
        if self.state in PURGING_STATES and options.get('auto_mapping') and options.get('mappings') is not None:
            problems.append(
                '%s: auto_mapping cannot be used with mappings under state %s: the mappings are purged to the list, which would undo it' % (where, self.state)
            )
        try:
            validate_desired(options)
        except RomaInputError as error:
            problems.extend('%s: %s' % (where, problem) for problem in problems_of(error))
        return problems

    def _desired(self, options: Mapping[str, Any]) -> Desired:
        return Desired(
            options,
            status=options.get('status'),
            absent=self.state == 'deleted',
            purge_mappings=self.state in PURGING_STATES,
            recreate=self.module.params['recreate'],
            instance_id=self.instance_id,
        )

    @staticmethod
    def _duplicates(items: Iterable[Item]) -> list[str]:
        problems, seen = [], {}
        for item in items:
            for option in IDENTITY_OPTIONS:
                value = item.options.get(option)
                if value is None:
                    continue
                if (option, value) in seen:
                    problems.append(
                        'config[%d]: %s %r is already listed as config[%d]; list each task once'
                        % (item.index, 'task_id' if option == 'task_id' else 'the task name', value, seen[(option, value)])
                    )
                    item.desired = None  # nothing is planned for it: the problem is all there is to say
                else:
                    seen[(option, value)] = item.index
        return problems

    # -- the run ---------------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        items, problems = self.validate()
        if self.state == 'rendered':
            return self.render(items, problems)
        apis = self.connect()
        listed = list(apis.tasks.iter_listed())
        if self.state == 'gathered':
            return self.gather(listed)
        problems.extend(self.match(items, listed))
        self.items = items
        problems = self.converge(items, problems)
        if problems:
            raise RomaInputError(
                'Nothing was changed: %s' % ' '.join(problem if problem.endswith('.') else problem + '.' for problem in problems), invalid_items=problems
            )
        return self.report(items)

    def establish_kinds(self, listed: Iterable[ListedTask]) -> None:
        """The kind of every listed task whose ext_type is empty, one composite-only read each, concurrently."""
        unknown = [entry for entry in listed if entry.composite is None]
        run_concurrently(self.apis.tasks.establish_kind, unknown, self.parallelism)

    def match(self, items: list[Item], listed: list[ListedTask]) -> list[str]:
        """Find each item's task in the list; add the tasks in scope that overridden/deleted removes.  Returns the problems.

        An item with a problem is not planned, so that no second, false message follows the first.
        """
        problems = []
        by_id = dict((entry.task_id, entry) for entry in listed if entry.task_id)
        by_name = {}
        for entry in listed:
            by_name.setdefault(entry.task.get('task_name'), []).append(entry)
        found_for = {}
        for item in items:
            if item.desired is None:
                continue
            found_for[item.index] = (
                [by_id[item.desired.task_id]] if item.desired.task_id in by_id else ([] if item.desired.task_id else by_name.get(item.desired.name) or [])
            )
        removing = self.state == 'overridden' or (self.state == 'deleted' and not items)
        self.establish_kinds(
            [entry for entries in found_for.values() for entry in entries]
            + ([entry for entry in listed if entry.task.get('task_tag') == self.scope_tag or self.scope_tag == ALL_TASKS] if removing else [])
        )
        claimed = {}
        for item in items:
            if item.desired is None:
                continue
            matches = [entry for entry in found_for[item.index] if entry.composite]
            ordinary = [entry for entry in found_for[item.index] if not entry.composite]
            problem = None
            if ordinary and not matches:
                problem = '%s: %s' % (item.label, refuse_ordinary(ordinary[0], self.instance_id))
            elif len(matches) > 1:
                problem = '%s: more than one task is named %r (task ids %s): set task_id to say which one' % (
                    item.label,
                    item.desired.name,
                    ', '.join(str(entry.task_id) for entry in matches),
                )
            elif matches:
                found = matches[0]
                if self.scope_tag is not None and self.state in ('overridden', 'deleted') and not in_scope(found, self.scope_tag):
                    problem = '%s: task %s carries tag %r, outside scope_tag %r' % (item.label, found.task_id, found.task.get('task_tag'), self.scope_tag)
                elif found.task_id in claimed:
                    problem = '%s: names the same task (%s) as config[%d]; list each task once' % (item.label, found.task_id, claimed[found.task_id])
                else:
                    claimed[found.task_id] = item.index
                    item.current = Current(found)
            if problem:
                problems.append(problem)
                item.desired = None  # not planned: a second message ("does not exist") would be false
        if removing:
            for entry in listed:
                if in_scope(entry, self.scope_tag) and entry.task_id not in claimed:
                    extra = Item(
                        None,
                        {'task_id': entry.task_id},
                        Desired({'task_id': entry.task_id, 'name': entry.task.get('task_name')}, absent=True, instance_id=self.instance_id),
                    )
                    extra.current = Current(entry)
                    items.append(extra)
        return problems

    # -- results ---------------------------------------------------------------------------------------

    def report(self, items: list[Item]) -> dict[str, Any]:
        before, after, results, diffs, failed = [], [], [], [], []
        changed = False
        for item in items:
            plan = item.plan
            known = item.current.full()
            if known is not None:
                before.append(config_item(known, item.current.mappings is not None))
            entry = {
                'name': item.name,
                'task_id': (item.after or known or {}).get('task_id') or (plan.task_id if plan else None) or item.desired.task_id,
                'actions': item.actions,
            }
            if item.index is not None:
                entry['index'] = item.index
            if plan is not None and plan.changed:
                changed = changed or (bool(item.result.done) if item.result is not None else True)
                if item.after is not None:
                    after.append(config_item(item.after, plan.mappings_read))
                if self.module._diff:
                    diffs.extend(diff_of(item))
            if item.result is not None and item.result.deleted:
                entry['deleted'] = True
            if item.error is not None:
                entry.update(failed=True, msg=item.error.message)
                failed.append(entry)
            if item.monitor is not None:
                entry['monitor'] = item.monitor
            results.append(entry)
        outcome = dict(changed=changed, before=before, commands=self.commands(items), task_results=results)
        if changed:
            outcome['after'] = after
        if self.module._diff:
            outcome['diff'] = diffs
        if self.wait_requested and not self.wait_for:
            self.module.warn('wait is ignored with state %s.' % self.state)
        if failed:
            outcome['failed_items'] = failed
            message = '%d of %d items failed: %s' % (len(failed), len(items), '; '.join('%s: %s' % (_label_of(entry), entry['msg']) for entry in failed))
            if self.interruption is not None:
                message = '%s %s' % (interrupted_message(self, items), message)
            raise RomaError(message, **outcome)
        return outcome

    def commands(self, items: Iterable[Item]) -> list[dict[str, Any]]:
        """The write requests: stop batches, then each task's other writes, then start batches (as apply_plans sends them)."""
        project_id = self.module.client.project_id
        stops, middles, starts = [], [], []
        for item in items:
            plan = item.plan
            if plan is None or not plan.actions:
                continue
            if item.result is None:
                sent, task_id = list(plan.actions), plan.task_id
            else:
                sent = list(item.result.done) + ([item.result.failed_action] if item.result.failed_action is not None else [])
                task_id = item.result.task_id
            for action in sent:
                if action.kind == 'stop' and action is plan.actions[0]:
                    stops.append(task_id)
                elif action.kind == 'start' and action is plan.actions[-1]:
                    starts.append(task_id)
                else:
                    middles.append(action.request(self.instance_id, project_id, task_id))
        if self.batches is not None:
            batches = self.batches
        else:
            batches = [('stop', stops[first : first + BATCH_SIZE]) for first in range(0, len(stops), BATCH_SIZE)]
            batches += [('start', starts[first : first + BATCH_SIZE]) for first in range(0, len(starts), BATCH_SIZE)]
        path = '/v2/%s/fdi/instances/%s/batch-operation/tasks' % (project_id, self.instance_id)
        requests = [{'method': 'POST', 'path': path, 'body': batch_body(action, ids)} for action, ids in batches]
        return (
            [request for request in requests if request['body']['action_id'] == 'stop']
            + middles
            + [request for request in requests if request['body']['action_id'] == 'start']
        )

    # -- gathered and rendered --------------------------------------------------------------------------

    def gather(self, listed: list[ListedTask]) -> dict[str, Any]:
        self.establish_kinds([entry for entry in listed if self.scope_tag == ALL_TASKS or entry.task.get('task_tag') == self.scope_tag])
        scope = [Current(entry) for entry in listed if in_scope(entry, self.scope_tag)]
        run_concurrently(lambda current: current.read(self.apis), scope, self.parallelism)
        errors = [current for current in scope if current.error is not None]
        if errors:
            first = errors[0].error
            raise RomaError(
                'Could not read %d of the %d tasks in scope: %s'
                % (len(errors), len(scope), '; '.join('%s: %s' % (current.listed.task.get('task_name'), current.error.message) for current in errors)),
                **first.details,
            )
        return dict(changed=False, gathered=[config_item(current.full()) for current in scope if current.task is not None])

    def render(self, items: Iterable[Item], problems: list[str]) -> dict[str, Any]:
        """The requests a create of each item would send, without any request or credentials."""
        project_id = self.module.params.get('project_id') or '{project_id}'
        rendered = []
        for item in items:
            if item.desired is None:
                continue
            try:
                plan = plan_task(item.desired, None)
            except (PlanError, RomaInputError) as error:
                problems.append('%s: %s' % (item.label, error.message))
                continue
            rendered.extend(action.request(self.instance_id, project_id, plan.task_id) for action in plan.actions)
        raise_for_problems(problems, 'Nothing to render', 'invalid_items')
        return dict(changed=False, rendered=rendered)


def _label_of(entry: Mapping[str, Any]) -> str:
    where = 'config[%d]' % entry['index'] if entry.get('index') is not None else 'task in scope'
    return '%s (%s)' % (where, entry.get('name') or entry.get('task_id'))


def manage_tasks(module: RomaModule) -> dict[str, Any]:
    """fdi_composite_tasks."""
    return ResourceRun(module).run()
