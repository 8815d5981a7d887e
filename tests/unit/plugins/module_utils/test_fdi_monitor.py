# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""fdi_monitor: the poll loop on a fake clock (it never sleeps), the monitor dict, and the monitor API calls as exact request scripts."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.concurrency import Deadline
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaApiError, RomaResponseError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_monitor import (
    FdiMonitorApi,
    RomaTaskRunError,
    RomaWaitTimeoutError,
    _number,
    failing_step,
    normalize_monitor,
    now_ms,
    wait_for_many,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_task_engine import STATUS_FOR_STATE, validate_wait_timeout
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    INSTANCE_ID,
    NAME,
    TASK_ID,
    TOKEN_HEADERS,
    api_url,
    fdi_error,
    page,
    token_client,
)

START_MS = 1_750_000_000_000  # the start request, this machine's clock
BEFORE = START_MS - 3_600_000  # an execution an hour before it
AFTER = START_MS + 2_000
TASK = {'task_id': TASK_ID, 'task_name': NAME, 'task_type': 'REALTIME', 'status': 'running'}


class FakeClock:
    """time.monotonic and time.sleep in one: sleeping moves the clock, nothing really waits."""

    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0, 'slept %r' % seconds
        self.sleeps.append(seconds)
        self.now += seconds


class Script:
    """The monitor records the server reports at each poll (the last one repeats), and the logs it holds."""

    def __init__(self, polls, logs=None):
        self.polls = list(polls)
        self.logs = dict(logs or {})
        self.record_reads = []  # the task IDs asked for at each poll
        self.log_reads = []

    def read_records(self, tasks):
        self.record_reads.append([task['task_id'] for task in tasks])
        records = self.polls.pop(0) if len(self.polls) > 1 else self.polls[0]
        return dict((task_id, record) for task_id, record in records.items() if record is not None)

    def read_log(self, task_id):
        self.log_reads.append(task_id)
        return self.logs.get(task_id)


def record(execute_status, position='READER', last_execute_time=AFTER, status=1, task_id=TASK_ID, **extra):
    entry = dict(
        task_id=task_id,
        task_name=NAME,
        task_type='REALTIME',
        status=status,
        execute_status=execute_status,
        position=position,
        last_execute_time=last_execute_time,
        ext_type='CDC',
    )
    entry.update(extra)
    return entry


def log(position_status='NORMAL', start_time=AFTER, remarks='running', detail_logs=(), **extra):
    entry = dict(
        id='trace-1',
        start_time=start_time,
        end_time=None,
        execute_status='RUNNING',
        position='WRITER',
        position_status=position_status,
        status=500,
        data_count=1200,
        dirty_data_count=3,
        data_size=4,
        data_size_unit='MB',
        spend_time=5400,
        write_spend_time=800,
        remarks=remarks,
        detail_logs=list(detail_logs),
    )
    entry.update(extra)
    return entry


DENIED_STEP = dict(
    id='s2',
    status=520,
    position='WRITER',
    position_status='RUNTIME_ERR',
    stage='rdbwriter',
    remarks="Access denied for user 'sync'@'10.0.0.8' (using a password)",
    step_begin_time=AFTER + 200,
    step_end_time=AFTER + 300,
)
READER_STEP = dict(
    id='s1',
    status=120,
    position='READER',
    position_status='NORMAL',
    stage='mysqlreader',
    remarks='read 1200 rows',
    step_begin_time=AFTER + 100,
    step_end_time=AFTER + 150,
)


def wait(script, clock, want='running', timeout=300, started_at_ms=START_MS, task=None):
    """The wait for one task (the many-task wait with one item): its monitor, or its error raised."""
    result = wait_for_many([task or TASK], want, timeout, script.read_records, script.read_log, started_at_ms, clock, clock.sleep)[0]
    if result.error is not None:
        raise result.error
    return result.monitor


# -- waiting for running ----------------------------------------------------------------------------


def test_polls_through_unstarted_waiting_and_adapter_until_running():
    script = Script(
        [
            {TASK_ID: record('UNSTARTED', position=None, last_execute_time=None)},
            {TASK_ID: record('WAITING', position=None)},
            {TASK_ID: record('RUNNING', position='ADAPTER')},
            {TASK_ID: record('RUNNING', position='READER')},
        ],
        logs={TASK_ID: log()},
    )
    clock = FakeClock()
    monitor = wait(script, clock)
    assert clock.sleeps == [1, 2, 4]
    assert len(script.record_reads) == 4 and script.log_reads == [TASK_ID]
    assert monitor == {
        'execute_status': 'RUNNING',
        'position': 'READER',
        'position_status': 'NORMAL',
        'last_execute_time': AFTER,
        'data_count': 1200,
        'dirty_data_count': 3,
        'spend_time': 5400,
        'remarks': 'running',
    }


def test_running_at_once_needs_no_sleep_and_an_already_running_task_has_no_start_time():
    script = Script([{TASK_ID: record('RUNNING', last_execute_time=BEFORE)}], logs={TASK_ID: log(start_time=BEFORE)})
    clock = FakeClock()
    monitor = wait(script, clock, started_at_ms=None)
    assert clock.sleeps == [] and monitor['execute_status'] == 'RUNNING' and monitor['data_count'] == 1200


def test_stale_records_from_before_the_start_are_ignored():
    # the previous execution failed an hour ago; the new one is accepted, then runs
    script = Script(
        [
            {TASK_ID: record('ERROR', last_execute_time=BEFORE)},
            {TASK_ID: record('RUNNING', last_execute_time=BEFORE)},
            {TASK_ID: record('RUNNING', last_execute_time=START_MS)},
        ],
        logs={TASK_ID: log()},
    )
    clock = FakeClock()
    assert wait(script, clock)['execute_status'] == 'RUNNING'
    assert clock.sleeps == [1, 2] and script.log_reads == [TASK_ID]


def test_a_stale_log_is_not_this_runs_result_nor_its_figures():
    old = log(position_status='RUNTIME_ERR', start_time=BEFORE, remarks='failed an hour ago', detail_logs=[DENIED_STEP])
    script = Script([{TASK_ID: record('RUNNING')}], logs={TASK_ID: old})
    monitor = wait(script, FakeClock())
    assert monitor == dict(
        execute_status='RUNNING',
        position='READER',
        position_status=None,
        last_execute_time=AFTER,
        data_count=None,
        dirty_data_count=None,
        spend_time=None,
        remarks=None,
    )


def test_a_task_without_a_monitor_record_yet_keeps_polling():
    script = Script([{}, {}, {TASK_ID: record('RUNNING')}], logs={TASK_ID: log()})
    clock = FakeClock()
    assert wait(script, clock)['execute_status'] == 'RUNNING'
    assert clock.sleeps == [1, 2]


def test_error_fails_quoting_the_log_and_the_failing_step():
    failed = log(position_status='RUNTIME_ERR', remarks='Write failed', execute_status='ERROR', detail_logs=[DENIED_STEP, READER_STEP])
    script = Script([{TASK_ID: record('WAITING')}, {TASK_ID: record('ERROR', position='WRITER')}], logs={TASK_ID: failed})
    clock = FakeClock()
    with pytest.raises(RomaTaskRunError) as caught:
        wait(script, clock)
    error = caught.value
    assert error.message == (
        "composite task 'orders-sync' (task_id %s) failed: ROMA Connect reports execute_status ERROR (WRITER, RUNTIME_ERR) after "
        'waiting 1 s. Monitor log: "Write failed". Failing step: rdbwriter (WRITER, RUNTIME_ERR): "Access denied for user '
        "'sync'@'10.0.0.8' (using a password)\"." % TASK_ID
    )
    assert error.details['failed_step'] == {'stage': 'rdbwriter', 'position': 'WRITER', 'position_status': 'RUNTIME_ERR', 'remarks': DENIED_STEP['remarks']}
    assert error.details['waited'] == 1 and error.waited == 1 and error.task_id == TASK_ID
    assert error.details['task'] == dict(TASK, monitor=error.monitor)
    assert error.monitor['execute_status'] == 'ERROR' and error.monitor['position_status'] == 'RUNTIME_ERR'
    assert error.monitor['dirty_data_count'] == 3


@pytest.mark.parametrize('position_status', ['RUNTIME_ERR', 'INTERNAL_ERR'])
def test_running_with_an_error_position_status_in_its_log_fails(position_status):
    script = Script([{TASK_ID: record('RUNNING', position='WRITER')}], logs={TASK_ID: log(position_status=position_status, remarks='Target table is full')})
    with pytest.raises(RomaTaskRunError) as caught:
        wait(script, FakeClock())
    assert 'execute_status RUNNING (WRITER, %s)' % position_status in caught.value.message
    assert 'Monitor log: "Target table is full". No step details were logged.' in caught.value.message


def test_cancelled_fails():
    script = Script([{TASK_ID: record('CANCELLED', status=0)}], logs={TASK_ID: log(remarks='Cancelled by user')})
    with pytest.raises(RomaTaskRunError) as caught:
        wait(script, FakeClock())
    assert caught.value.message.startswith("composite task 'orders-sync' (task_id %s) was cancelled (execute_status CANCELLED)" % TASK_ID)
    assert 'Monitor log: "Cancelled by user".' in caught.value.message


def test_success_of_a_realtime_task_means_it_ended_and_fails():
    script = Script([{TASK_ID: record('SUCCESS', status=0)}], logs={})
    with pytest.raises(RomaTaskRunError) as caught:
        wait(script, FakeClock())
    assert 'a real-time task should keep running' in caught.value.message
    assert caught.value.message.endswith('There is no monitor log of this execution.')


def test_success_of_a_timing_task_is_fine():
    timing = dict(TASK, task_type='TIMING')
    script = Script([{TASK_ID: record('SUCCESS', status=0, task_type='TIMING')}], logs={TASK_ID: log(execute_status='SUCCESS')})
    assert wait(script, FakeClock(), task=timing)['execute_status'] == 'SUCCESS'


def test_timeout_reports_the_last_status_and_how_long_it_waited():
    script = Script([{TASK_ID: record('WAITING', position=None)}])
    clock = FakeClock()
    with pytest.raises(RomaWaitTimeoutError) as caught:
        wait(script, clock, timeout=5)
    assert clock.sleeps == [1, 2, 2]  # never past the deadline; the last poll is at the deadline
    assert len(script.record_reads) == 4
    assert caught.value.message == (
        "Timed out after waiting 5 s for composite task 'orders-sync' (task_id %s) to run (wait_timeout 5): "
        'last status seen: execute_status WAITING, status running.' % TASK_ID
    )
    assert caught.value.details['waited'] == 5 and caught.value.monitor['execute_status'] == 'WAITING'
    assert caught.value.details['task']['monitor'] == caught.value.monitor


def test_timeout_on_a_stale_record_says_it_is_from_before_the_start():
    script = Script([{TASK_ID: record('ERROR', last_execute_time=START_MS - 5001)}])
    with pytest.raises(RomaWaitTimeoutError) as caught:
        wait(script, FakeClock(), timeout=1)
    assert caught.value.message.endswith(
        'last status seen: execute_status ERROR, position READER, status running, from an execution before the start request '
        "(last executed 2025-06-15T15:06:34Z, the start was requested at 2025-06-15T15:06:40Z by this machine's clock: an earlier "
        "execution, unless this machine's clock is ahead of ROMA Connect's)."
    )


@pytest.mark.parametrize('server_clock_behind_ms', [0, 1, 5000])
def test_a_server_clock_slightly_behind_does_not_make_the_new_execution_stale(server_clock_behind_ms):
    script = Script(
        [{TASK_ID: record('RUNNING', last_execute_time=START_MS - server_clock_behind_ms)}], logs={TASK_ID: log(start_time=START_MS - server_clock_behind_ms)}
    )
    clock = FakeClock()
    assert wait(script, clock)['data_count'] == 1200 and clock.sleeps == []


def test_timeout_without_any_record():
    with pytest.raises(RomaWaitTimeoutError) as caught:
        wait(Script([{}]), FakeClock(), timeout=2)
    assert caught.value.message.endswith('last status seen: no monitor record for the task yet.')
    assert caught.value.monitor['execute_status'] is None


def test_backoff_doubles_from_one_second_up_to_ten():
    clock = FakeClock()
    with pytest.raises(RomaWaitTimeoutError):
        wait(Script([{TASK_ID: record('UNSTARTED')}]), clock, timeout=60)
    assert clock.sleeps == [1, 2, 4, 8, 10, 10, 10, 10, 5]
    assert sum(clock.sleeps) == 60


# -- waiting for stopped ----------------------------------------------------------------------------


def test_stopped_waits_until_the_record_says_status_0():
    script = Script(
        [{TASK_ID: record('RUNNING', status=1)}, {TASK_ID: record('CANCELLED', status=1)}, {TASK_ID: record('CANCELLED', status=0, last_execute_time=BEFORE)}],
        logs={TASK_ID: log(execute_status='CANCELLED', position_status='RUNTIME_CANCEL', start_time=BEFORE)},
    )
    clock = FakeClock()
    monitor = wait(script, clock, want='stopped')
    assert clock.sleeps == [1, 2]
    assert monitor['execute_status'] == 'CANCELLED' and monitor['position_status'] == 'RUNTIME_CANCEL'


@pytest.mark.parametrize(
    'records, stopped',
    [
        ({}, True),  # never executed
        ({TASK_ID: record('ERROR', status=None)}, True),
        ({TASK_ID: record('UNSTARTED', status=None)}, True),
        ({TASK_ID: record('RUNNING', status=None)}, False),
        ({TASK_ID: record('WAITING', status=None)}, False),
        ({TASK_ID: record('ERROR', status=1)}, False),
    ],
)
def test_what_counts_as_stopped(records, stopped):
    script = Script([records])
    if stopped:
        wait(script, FakeClock(), want='stopped')
    else:
        with pytest.raises(RomaWaitTimeoutError) as caught:
            wait(script, FakeClock(), want='stopped', timeout=3)
        assert ' to stop (wait_timeout 3)' in caught.value.message


# -- many tasks at once -----------------------------------------------------------------------------


def test_many_tasks_share_one_record_read_per_poll_and_finish_independently():
    tasks = [
        dict(TASK, task_id='t-ok', task_name='ok-task'),
        dict(TASK, task_id='t-bad', task_name='bad-task'),
        dict(TASK, task_id='t-slow', task_name='slow-task'),
    ]
    script = Script(
        [
            {'t-ok': record('WAITING', task_id='t-ok'), 't-bad': record('WAITING', task_id='t-bad'), 't-slow': record('UNSTARTED', task_id='t-slow')},
            {'t-ok': record('RUNNING', task_id='t-ok'), 't-bad': record('ERROR', task_id='t-bad'), 't-slow': record('WAITING', task_id='t-slow')},
        ],
        logs={'t-ok': log(), 't-bad': log(remarks='Source unreachable', position_status='RUNTIME_ERR')},
    )
    clock = FakeClock()
    results = wait_for_many(tasks, 'running', 10, script.read_records, script.read_log, START_MS, clock, clock.sleep)
    assert [result.task_id for result in results] == ['t-ok', 't-bad', 't-slow']
    assert script.record_reads[:2] == [['t-ok', 't-bad', 't-slow'], ['t-ok', 't-bad', 't-slow']]
    assert all(ids == ['t-slow'] for ids in script.record_reads[2:])  # decided tasks are not asked for again
    ok, bad, slow = results
    assert ok.ok and ok.monitor['execute_status'] == 'RUNNING' and ok.task['monitor'] is ok.monitor
    assert isinstance(bad.error, RomaTaskRunError) and '"Source unreachable"' in bad.error.message
    assert isinstance(slow.error, RomaWaitTimeoutError) and 'slow-task' in slow.error.message
    assert script.log_reads == ['t-ok', 't-bad', 't-slow']
    assert sum(clock.sleeps) == 10


def test_per_task_start_times():
    tasks = [dict(TASK, task_id='a'), dict(TASK, task_id='b')]
    script = Script([{'a': record('RUNNING', task_id='a', last_execute_time=1000), 'b': record('RUNNING', task_id='b', last_execute_time=1000)}])
    clock = FakeClock()
    results = wait_for_many(tasks, 'running', 1, script.read_records, script.read_log, {'a': 500, 'b': 10000}, clock, clock.sleep)
    assert results[0].ok and isinstance(results[1].error, RomaWaitTimeoutError)


def test_start_time_and_state_helpers():
    assert now_ms(lambda: 1750000000.1234) == 1750000000123
    assert STATUS_FOR_STATE == {'started': 'running', 'stopped': 'stopped'}


def test_invalid_want_is_a_programming_error():
    with pytest.raises(ValueError):
        wait(Script([{}]), FakeClock(), want='started')


@pytest.mark.parametrize('value, ok', [(1, True), (3600, True), (300, True), (0, False), (3601, False), (True, False), ('5', False)])
def test_validate_wait_timeout(value, ok):
    problems = []
    validate_wait_timeout(value, problems)
    assert problems == ([] if ok else ['wait_timeout must be 1-3600 seconds; got %r' % (value,)])


def test_one_deadline_is_shared_by_the_waits_of_a_run():
    """A deadline already half spent (by the confirmation of a stop) leaves the wait only what remains."""
    clock = FakeClock()
    deadline = Deadline(10, sleep=clock.sleep, clock=clock)
    deadline.sleep(6)
    script = Script([{TASK_ID: record('WAITING')}])
    result = wait_for_many([TASK], 'running', deadline, script.read_records, script.read_log, START_MS)[0]
    assert isinstance(result.error, RomaWaitTimeoutError) and 'wait_timeout 10' in result.error.message
    assert sum(clock.sleeps) == 10


def test_tasks_waited_for_different_states_at_once():
    tasks = [dict(TASK, task_id='up'), dict(TASK, task_id='down')]
    script = Script([{'up': record('RUNNING', task_id='up'), 'down': record('CANCELLED', task_id='down', status=0)}], logs={'up': log()})
    clock = FakeClock()
    results = wait_for_many(tasks, {'up': 'running', 'down': 'stopped'}, 10, script.read_records, script.read_log, START_MS, clock, clock.sleep)
    assert [result.ok for result in results] == [True, True] and clock.sleeps == []


# -- the monitor dict -------------------------------------------------------------------------------


def test_normalize_monitor_takes_position_from_the_record_and_figures_from_the_log():
    raw = record('running', position='writer', last_execute_time=str(AFTER))
    entry = log(data_count='17', dirty_data_count=0, spend_time=12.0, remarks='line one\nline two')
    assert normalize_monitor(raw, entry) == dict(
        execute_status='RUNNING',
        position='WRITER',
        position_status='NORMAL',
        last_execute_time=AFTER,
        data_count=17,
        dirty_data_count=0,
        spend_time=12,
        remarks='line one line two',
    )
    assert normalize_monitor(None, None) == dict.fromkeys(
        ('execute_status', 'position', 'position_status', 'last_execute_time', 'data_count', 'dirty_data_count', 'spend_time', 'remarks')
    )


def test_failing_step_prefers_an_error_step_in_step_order():
    assert failing_step(log(detail_logs=[READER_STEP, DENIED_STEP]))['stage'] == 'rdbwriter'
    reader_last = [dict(READER_STEP, step_begin_time=AFTER + 900), dict(DENIED_STEP, position_status='NODE_END')]
    assert failing_step(log(detail_logs=reader_last))['stage'] == 'mysqlreader'
    assert failing_step(log()) is None and failing_step(None) is None


# -- the API calls ----------------------------------------------------------------------------------

MONITORS = api_url('task-monitors')
LOGS = api_url('tasks', TASK_ID, 'monitor-logs')


def monitors(query, entities, total=None):
    return Call('GET', MONITORS, query=dict(query, limit=999), headers=TOKEN_HEADERS).reply(200, json=page(entities, total))


def logs(entities, total=None, **query):
    return Call('GET', LOGS, query=dict(query, limit=999), headers=TOKEN_HEADERS).reply(200, json=page(entities, total))


def records(first, count):
    return [record('RUNNING', task_id='t%05d' % number) for number in range(first, first + count)]


@pytest.fixture
def api():
    return FdiMonitorApi(token_client(), INSTANCE_ID)


def test_one_named_task_is_one_filtered_page(http, api):
    http.expect(monitors({'task_name': NAME}, [record('RUNNING', task_id='other'), record('RUNNING')]))
    assert api.monitor_records([TASK_ID], task_name=NAME) == {TASK_ID: record('RUNNING')}


def test_a_name_filter_that_misses_falls_back_to_the_full_list(http, api):
    http.expect(monitors({'task_name': NAME}, []), monitors({}, [record('RUNNING', task_id='other'), record('RUNNING')]))
    assert api.monitor_records([TASK_ID], task_name=NAME) == {TASK_ID: record('RUNNING')}


def test_paging_with_a_record_offset_counted_from_0(http, api):
    http.expect(monitors({}, records(0, 999), total=1500), monitors({'offset': 999}, records(999, 501), total=1500))
    found = api.monitor_records()
    assert len(found) == 1500 and list(found)[-1] == 't01499'


def test_paging_with_a_record_offset_counted_from_1_repeats_one_record(http, api):
    http.expect(monitors({}, records(0, 999), total=1500), monitors({'offset': 999}, records(998, 502), total=1500))
    assert len(api.monitor_records()) == 1500


def test_paging_with_a_page_number_offset(http, api):
    http.expect(
        monitors({}, records(0, 999), total=2100),
        monitors({'offset': 999}, [], total=2100),
        monitors({'offset': 2}, records(999, 999), total=2100),
        monitors({'offset': 3}, records(1998, 102), total=2100),
    )
    assert len(api.monitor_records()) == 2100


def test_paging_stops_once_every_wanted_task_is_found(http, api):
    http.expect(monitors({}, records(0, 999), total=5000))
    assert list(api.monitor_records(['t00007', 't00500'])) == ['t00007', 't00500']


def test_a_server_that_ignores_offset_stops_the_paging(http, api):
    http.expect(monitors({}, records(0, 999), total=1500), monitors({'offset': 999}, records(0, 999), total=1500))
    with pytest.raises(RomaResponseError) as caught:
        api.monitor_records(['t01200'])
    assert 'no new monitor records for offset 999' in caught.value.message


def test_a_list_without_entities_is_an_error(http, api):
    http.expect(Call('GET', MONITORS, query={'limit': 999}).reply(200, json={'total': 0}))
    with pytest.raises(RomaResponseError):
        api.monitor_records()


def test_latest_log_is_picked_by_start_time(http, api):
    http.expect(logs([log(start_time=AFTER, remarks='middle'), log(start_time=AFTER + 10, remarks='newest'), log(start_time=BEFORE, remarks='old')]))
    assert api.latest_log(TASK_ID)['remarks'] == 'newest'


def test_latest_log_of_many_logs_narrows_with_begin_time(http, api):
    oldest_first = [log(start_time=BEFORE + number, remarks=str(number)) for number in range(999)]
    http.expect(
        logs(oldest_first, total=1200),
        logs([log(start_time=BEFORE + number, remarks=str(number)) for number in range(998, 1200)], total=202, begin_time=BEFORE + 998),
    )
    assert api.latest_log(TASK_ID)['remarks'] == '1199'


@pytest.mark.parametrize(
    'reply',
    [
        dict(status=200, json=page([])),
        dict(status=400, json=fdi_error('FDI.3021', 'One or more tasks do not exist.')),
    ],
)
def test_no_log_or_no_task_is_none(http, api, reply):
    http.expect(Call('GET', LOGS, query={'limit': 999}).reply(**reply))
    assert api.latest_log(TASK_ID) is None


def test_other_log_errors_are_raised(http, api):
    http.expect(Call('GET', LOGS, query={'limit': 999}).reply(403, json=fdi_error('APIG.0302', 'Forbidden')))
    with pytest.raises(RomaApiError):
        api.latest_log(TASK_ID)


def test_add_monitors_reads_one_list_page_and_one_log_per_task(http, api):
    tasks = [dict(TASK), dict(TASK, task_id='idle-1', task_name='idle-task')]
    http.expect(
        monitors({}, [record('RUNNING')]),
        logs([log()]),
        Call('GET', api_url('tasks', 'idle-1', 'monitor-logs'), query={'limit': 999}).reply(200, json=page([])),
    )
    api.add_monitors(tasks)
    assert tasks[0]['monitor']['dirty_data_count'] == 3 and tasks[0]['monitor']['execute_status'] == 'RUNNING'
    assert tasks[1]['monitor'] == normalize_monitor(None, None)


def test_wait_through_the_api(http, api):
    http.expect(monitors({'task_name': NAME}, [record('WAITING')]), monitors({'task_name': NAME}, [record('RUNNING')]), logs([log()]))
    clock = FakeClock()
    monitor = api.wait_for_many([TASK], 'running', 30, START_MS, clock=clock, sleep=clock.sleep)[0].monitor
    assert monitor['execute_status'] == 'RUNNING' and clock.sleeps == [1]


@pytest.mark.parametrize('value, expected', [('42', 42), (' -7 ', -7), ('\u00b2', '\u00b2'), ('--5', '--5'), ('4.5', '4.5'), (3.0, 3), (True, True)])
def test_numbers_as_reported_and_anything_else_as_it_is(value, expected):
    assert _number(value) == expected
