# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Replay from a point in time: fdi_composite_task_reset, an action on the task engine's floors.

``POST multi-tasks/{task_id}/reset`` with ``date_from`` (epoch milliseconds, UTC) makes a
composite task read its source again from that moment.  ROMA Connect does not reset a
running task (the simulator refuses it with FDI.3023, our reading of the error table), so a
running task is stopped, confirmed stopped, reset and started again: the same plan shape
and the same apply step as every other change (:func:`fdi_plan.restart_plan`), so the task
runs again also when the reset fails or the run is interrupted.

The position is given as an ISO 8601 date-time with its zone or as epoch milliseconds;
a time without a zone (it would mean another instant on each controller), one in the
future, and a number that looks like seconds are refused before any request.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.concurrency import Deadline, describe_interruption
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_apply import apply_plans
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_plan import reset_action, restart_plan
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_task_state import TaskApis, task_result
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import FdiTaskApi, check_option
from ansible_collections.hwcloud.roma.plugins.module_utils.rules import raise_for_problems

if TYPE_CHECKING:
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.module import RomaModule

_ISO = re.compile(
    r'^(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?'
    r'(?P<zone>Z|z|[+-]\d{2}(?::?\d{2})?)?)?$',
    re.ASCII,
)
_DIGITS = re.compile(r'[0-9]+')  # not str.isdigit(), which takes '²' (and int() does not)
MAX_DATE_FROM = 9999999999999999999  # the API's upper bound of date_from
SECONDS_NOT_MILLISECONDS = 10**11  # epoch ms below this is before 1973: a number of seconds, almost certainly
WAIT_TIMEOUT_RANGE = (1, 3600)


def _zone(text: str) -> timezone:
    if text in ('Z', 'z'):
        return timezone.utc
    sign = -1 if text[0] == '-' else 1
    digits = text[1:].replace(':', '')
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError('offset %s' % text)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_position_time(value: object, now_ms: int | None = None, option: str = 'position_time') -> tuple[int | None, str | None]:
    """``(epoch milliseconds, problem)``: the instant ``value`` names, or the rule it breaks (the other is None).

    ``value``: an ISO 8601 date-time with a zone (``2026-11-30T02:00:00+08:00``, ``...Z``,
    fractions of a second kept to the millisecond), or epoch milliseconds (an integer, or a string of digits).
    """
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    if isinstance(value, bool) or value is None:
        return None, '%s must be an ISO 8601 date-time with a zone or epoch milliseconds; got %r' % (option, value)
    text = str(value).strip()
    if isinstance(value, int) or _DIGITS.fullmatch(text):
        epoch_ms = int(text)
        if 1 <= epoch_ms < SECONDS_NOT_MILLISECONDS:
            return None, (
                '%s %s is before 1973 as epoch milliseconds, so it looks like seconds: give milliseconds (%s), or an ISO 8601 '
                'date-time with a zone' % (option, text, epoch_ms * 1000)
            )
    else:
        found = _ISO.fullmatch(text)
        if not found:
            return None, (
                '%s must be an ISO 8601 date-time with a zone, such as 2026-11-30T02:00:00+08:00 or 2026-11-29T18:00:00Z, or epoch '
                'milliseconds; got %r' % (option, value)
            )
        if not found.group('hour') or not found.group('zone'):
            return None, (
                '%s %r has no time zone: it would mean a different instant on each controller. Add one, for example %s or %s'
                % (option, text, _example(found, '+08:00'), _example(found, 'Z'))
            )
        try:
            moment = datetime(
                *[int(part) for part in found.group('date').split('-')],
                hour=int(found.group('hour')),
                minute=int(found.group('minute')),
                second=int(found.group('second') or 0),
                microsecond=int((found.group('fraction') or '0').ljust(6, '0')[:6]),
                tzinfo=_zone(found.group('zone')),
            )
        except ValueError:
            return None, '%s %r is not a date and time that exists' % (option, text)
        epoch_ms = (moment - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(milliseconds=1)
    if not 1 <= epoch_ms <= MAX_DATE_FROM:
        return None, '%s must be after 1970-01-01T00:00:00Z; got %r' % (option, value)
    if epoch_ms > now_ms:
        return None, (
            '%s %s is in the future (now is %s): a task can only replay what its source has already written' % (option, iso_ms(epoch_ms), iso_ms(now_ms))
        )
    return epoch_ms, None


def _example(found: re.Match[str], zone: str) -> str:
    return '%sT%s:%s:%s%s' % (found.group('date'), found.group('hour') or '00', found.group('minute') or '00', found.group('second') or '00', zone)


def iso_ms(epoch_ms: int) -> str:
    """Epoch milliseconds as ISO 8601 UTC with milliseconds: 2026-11-29T18:00:00.000Z."""
    moment = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=epoch_ms)
    return moment.strftime('%Y-%m-%dT%H:%M:%S') + '.%03dZ' % (moment.microsecond // 1000)


def reset_task(module: RomaModule) -> dict[str, Any]:
    """fdi_composite_task_reset: validate, find the composite task, stop/reset/start it, wait; always changed when it resets."""
    params = module.params
    problems = [check_option(option, params.get(option)) for option in ('instance_id', 'task_id', 'name')]
    epoch_ms, problem = parse_position_time(params['position_time'])
    problems.append(problem)
    if params['wait'] and not WAIT_TIMEOUT_RANGE[0] <= params['wait_timeout'] <= WAIT_TIMEOUT_RANGE[1]:
        problems.append('wait_timeout must be %d-%d seconds; got %r' % (WAIT_TIMEOUT_RANGE + (params['wait_timeout'],)))
    raise_for_problems(problems)
    tasks = FdiTaskApi(module.client, params['instance_id'])
    listed = tasks.find_listed(task_id=params['task_id'], name=params['name'] if not params['task_id'] else None)
    identity = params['task_id'] or params['name']
    if listed is None:
        raise RomaError('Composite task %s does not exist in instance %s: nothing was reset.' % (identity, params['instance_id']))
    task = listed.task
    if params['task_id'] and params['name'] and task.get('task_name') != params['name']:
        raise RomaError(
            'Task %s is named %r, not %r: with task_id and name both set, they must name the same task. Nothing was reset.'
            % (task['task_id'], task.get('task_name'), params['name'])
        )
    running = task.get('status') == 'running'
    if running and not params['restart']:
        raise RomaError(
            'Composite task %r (task_id %s) is running, and ROMA Connect resets only a stopped task: set restart: true to stop '
            'it, reset it and start it again (it runs again even if the reset fails), or stop it first. Nothing was reset.'
            % (task.get('task_name'), task['task_id']),
            task=task_result(task),
        )
    detailed = tasks.add_detail(task)  # the list API lacks description and operation_types: the result is the whole task
    if detailed is None:
        raise RomaError('Composite task %s was deleted by someone else while it was looked up: nothing was reset.' % identity)
    task = detailed
    plan = restart_plan(task, [reset_action(epoch_ms)])
    result = {
        'changed': True,
        'reset_to': {'epoch_ms': epoch_ms, 'iso': iso_ms(epoch_ms)},
        'restarted': False,
        'commands': [action.request(params['instance_id'], module.client.project_id, task['task_id']) for action in plan.actions],
    }
    if params['wait'] and not running:
        module.warn('wait is ignored: task %s was not running, so it is reset and stays stopped (nothing to wait for).' % task['task_id'])
    if module.check_mode:
        result.update(task=task_result(plan.after), restarted=running)
        return result
    wait = params['wait'] and running
    deadline = Deadline(params['wait_timeout'], sleep=module.client.retry_policy.sleep) if wait else None
    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_monitor import now_ms

    started_at_ms = now_ms()
    outcome = apply_plans(TaskApis(tasks), [plan], deadline=deadline)[0]
    result['restarted'] = running and (plan.actions[-1] in outcome.done or bool(outcome.restarted))
    result['task'] = task_result(outcome.after)
    if outcome.error is not None:
        reset_done = any(action.kind == 'reset' for action in outcome.done)
        message = outcome.error.message
        if outcome.interrupted is not None:
            message = 'Interrupted by %s: %s' % (describe_interruption(outcome.interrupted), message)
        if reset_done:
            message += ' The reset to %s went through: the task reads its source from there.' % result['reset_to']['iso']
        else:
            message += ' The task was not reset: run the reset again once the cause is fixed.'
        raise RomaError(message, **dict(outcome.error.details, **dict(result, changed=bool(outcome.done), reset=reset_done)))
    if wait:
        from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_monitor import FdiMonitorApi

        monitor = FdiMonitorApi(module.client, params['instance_id'])
        waited = monitor.wait_for_many([outcome.after], 'running', deadline, started_at_ms=started_at_ms)[0]
        result['task']['monitor'] = waited.monitor
        if waited.error is not None:
            raise RomaError(
                'The task was reset to %s and started again, but %s' % (result['reset_to']['iso'], waited.error.message), **dict(waited.error.details, **result)
            )
    return result
