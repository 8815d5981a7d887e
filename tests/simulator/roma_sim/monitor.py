"""Task monitoring: what a started composite task is doing, as the task-monitors and monitor-logs APIs report it.

Each start of a task is one *execution*.  Its state is computed from the clock, never
stored, so nothing needs a timer thread: an execution waits (``WAITING``, position
``ADAPTER``) for the start delay, then runs (``RUNNING``); the task's *outcome*, set
through ``/_sim/outcomes``, can make it fail ``fail_after`` seconds after the start
(``ERROR``, ``RUNTIME_ERR`` with the reason in ``remarks`` and in the failing step), or end
(``SUCCESS``, ``TASK_END``); a stop
cancels it (``CANCELLED``, ``RUNTIME_CANCEL``).  Field meanings follow the official SDK's
TaskMonitorInfo, TaskMonitorLog and TaskMonitorDetailLog models.
"""

from __future__ import annotations

import secrets

POSITIONS = ('ADAPTER', 'READER', 'WRITER')
RESULTS = ('running', 'error', 'success')
ERROR_STATUS = {'ADAPTER': 911, 'READER': 103, 'WRITER': 503}  # SDK status codes: start failed, source error, target error
DEFAULT_REMARKS = {
    'ADAPTER': 'Failed to initialise the task: the data source cannot be reached.',
    'READER': "Failed to read from the source: Access denied for user 'fdi_reader'@'%' (using password: YES)",
    'WRITER': 'Failed to write to the target: relation "orders" does not exist.',
}
MAX_EXECUTIONS = 100  # per task; older ones are dropped
DATA_SIZE_KB_PER_ROW = 0.25


def outcome(raw):
    """A checked outcome (``/_sim/outcomes``); ValueError names a bad field."""
    if not isinstance(raw, dict):
        raise ValueError('an outcome must be a JSON object')
    result = raw.get('result', 'running')
    if result not in RESULTS:
        raise ValueError('result must be one of %s' % ', '.join(RESULTS))
    position = raw.get('position', 'READER')
    if position not in POSITIONS:
        raise ValueError('position must be one of %s' % ', '.join(POSITIONS))
    fail_after = raw.get('fail_after', 0)
    if not isinstance(fail_after, (int, float)) or isinstance(fail_after, bool) or fail_after < 0:
        raise ValueError('fail_after must be a number of seconds >= 0')
    checked = {'result': result, 'position': position, 'fail_after': fail_after}
    for field in ('data_count', 'dirty_data_count'):
        value = raw.get(field, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError('%s must be an integer >= 0' % field)
        checked[field] = value
    for field in ('remarks', 'stage', 'detail'):
        if raw.get(field) is not None and not isinstance(raw[field], str):
            raise ValueError('%s must be a string' % field)
        checked[field] = raw.get(field)
    return checked


def new_execution(now_ms, delay_ms, task_outcome, reader_stage, writer_stage):
    """One start of a task; ``task_outcome`` None means "keeps running, no rows"."""
    return {
        'id': secrets.token_hex(16),
        'start_time': now_ms,
        'delay_ms': int(delay_ms),
        'cancelled_time': None,
        'outcome': dict(task_outcome or outcome({})),
        'reader_stage': reader_stage,
        'writer_stage': writer_stage,
    }


def _end(execution):
    """(time, phase) the execution ends on its own (``fail_after`` for an ``error`` or ``success`` outcome), or (None, None)."""
    spec = execution['outcome']
    if spec['result'] in ('error', 'success'):
        return execution['start_time'] + int(spec['fail_after'] * 1000), 'ERROR' if spec['result'] == 'error' else 'SUCCESS'
    return None, None


def is_active(execution, now_ms):
    return state(execution, now_ms)['end_time'] is None


def cancel(execution, now_ms):
    """A stop: the execution is cancelled unless it already ended."""
    if is_active(execution, now_ms):
        execution['cancelled_time'] = now_ms


def state(execution, now_ms):
    """The execution at ``now_ms``: execute_status, position, position_status, status code, end_time, remarks, steps."""
    start, spec = execution['start_time'], execution['outcome']
    running_from = start + execution['delay_ms']
    fail_time, ending = _end(execution)
    cancelled = execution['cancelled_time']
    if fail_time is not None and fail_time <= now_ms and (cancelled is None or fail_time <= cancelled):
        end, phase = fail_time, ending
    elif cancelled is not None and cancelled <= now_ms:
        end, phase = cancelled, 'CANCELLED'
    elif now_ms < running_from:
        end, phase = None, 'WAITING'
    else:
        end, phase = None, 'RUNNING'
    reached_running = (end if end is not None else now_ms) >= running_from
    position = 'WRITER' if reached_running else 'ADAPTER'
    if phase == 'ERROR':
        position = spec['position']
        remarks = spec['remarks'] or DEFAULT_REMARKS[position]
        position_status, code = 'RUNTIME_ERR', ERROR_STATUS[position]
    elif phase == 'SUCCESS':  # a real-time task that ends by itself: the source stopped delivering changes
        position, remarks, position_status, code = 'WRITER', spec['remarks'] or 'The task finished.', 'TASK_END', 901
        reached_running = True
    elif phase == 'CANCELLED':
        remarks, position_status, code = 'The task was stopped.', 'RUNTIME_CANCEL', 16
    elif phase == 'WAITING':
        remarks, position_status, code = 'The task is waiting to be scheduled.', 'NORMAL', 99
    else:
        remarks, position_status, code = 'The task is running.', 'NORMAL', 502
    counts = {'data_count': spec['data_count'], 'dirty_data_count': spec['dirty_data_count']} if reached_running else {'data_count': 0, 'dirty_data_count': 0}
    return {
        'execute_status': phase,
        'position': position,
        'position_status': position_status,
        'status': code,
        'end_time': end,
        'remarks': remarks,
        'counts': counts,
        'running_from': running_from,
        'steps': _steps(execution, phase, position, position_status, code, remarks, end, now_ms, reached_running, counts),
    }


def _steps(execution, phase, position, position_status, code, remarks, end, now_ms, reached_running, counts):
    """detail_logs: the adapter step, then (once running) the reader and writer steps; a failing step ends the list."""
    spec, start, running_from = execution['outcome'], execution['start_time'], execution['start_time'] + execution['delay_ms']
    stages = {'ADAPTER': 'adapter', 'READER': execution['reader_stage'], 'WRITER': execution['writer_stage']}
    order = ['ADAPTER', 'READER', 'WRITER'] if reached_running else ['ADAPTER']
    if phase == 'ERROR':
        order = order[: order.index(position) + 1] if position in order else order + [position]
    steps = []
    for index, step_position in enumerate(order):
        last = index == len(order) - 1
        begin = start if step_position == 'ADAPTER' else running_from
        step = {
            'id': execution['id'][:24] + '%08x' % index,
            'position': step_position,
            'stage': stages[step_position],
            'step_begin_time': begin,
            'dirty_data_count': 0,
            'data_count': 0,
            'data_size': 0.0,
            'data_size_unit': 'KB',
        }
        if step_position == 'ADAPTER' and reached_running and not (phase == 'ERROR' and last):
            step.update(position_status='NODE_END', status=99, remarks='The task was initialised.', step_end_time=running_from)
        elif phase == 'ERROR' and last:
            step.update(
                position_status='RUNTIME_ERR', status=code, stage=spec['stage'] or stages[step_position], remarks=spec['detail'] or remarks, step_end_time=end
            )
        elif phase == 'CANCELLED':
            step.update(position_status='RUNTIME_CANCEL', status=16, remarks=remarks, step_end_time=end)
        elif phase == 'SUCCESS':
            step.update(
                position_status='TASK_END' if last else 'NODE_END',
                status={'READER': 101, 'WRITER': 501}[step_position],
                remarks='Reading finished.' if step_position == 'READER' else remarks,
                step_end_time=end,
            )
        else:
            step.update(
                position_status=position_status if step_position != 'ADAPTER' else 'NORMAL',
                status={'ADAPTER': 99, 'READER': 102, 'WRITER': 502}[step_position],
                remarks={'ADAPTER': 'Initialising the task.', 'READER': 'Reading data.', 'WRITER': 'Writing data.'}[step_position],
                step_end_time=None,
            )
        if step_position != 'ADAPTER':
            step['data_count'] = counts['data_count']
            step['dirty_data_count'] = counts['dirty_data_count'] if step_position == 'WRITER' else 0
            step['data_size'] = round(step['data_count'] * DATA_SIZE_KB_PER_ROW, 2)
        step['spend_time'] = max((step['step_end_time'] or now_ms) - begin, 0)
        steps.append(step)
    return steps


def log(execution, now_ms):
    """TaskMonitorLog of one execution."""
    current = state(execution, now_ms)
    finished = current['end_time'] if current['end_time'] is not None else now_ms
    return {
        'id': execution['id'],
        'start_time': execution['start_time'],
        'dispatch_time': execution['start_time'],
        'end_time': current['end_time'],
        'execute_status': current['execute_status'],
        'position': current['position'],
        'position_status': current['position_status'],
        'status': current['status'],
        'data_count': current['counts']['data_count'],
        'dirty_data_count': current['counts']['dirty_data_count'],
        'data_size': round(current['counts']['data_count'] * DATA_SIZE_KB_PER_ROW, 2),
        'data_size_unit': 'KB',
        'spend_time': max(finished - execution['start_time'], 0),
        'write_spend_time': max(finished - current['running_from'], 0),
        'remarks': current['remarks'],
        'detail_logs': current['steps'],
    }
