"""Task monitoring: task-monitors and monitor-logs, the WAITING -> RUNNING start delay, outcomes set through /_sim/outcomes, stop."""

from __future__ import annotations

import pytest
from sim_helpers import INSTANCE_ID, api_path, assert_model

MYSQL_ID, DWS_ID = 'a5e1b0d2c3f4e5a6b7c8d9e0f1a2b3c4', 'b6f2c1e3d4a5f6b7c8d9e0f1a2b3c4d5'
INFO_KEYS = (
    'task_id',
    'task_name',
    'task_type',
    'status',
    'last_execute_time',
    'position',
    'execute_status',
    'source_app_id',
    'source_app_name',
    'source_instance_id',
    'target_app_id',
    'target_app_name',
    'target_instance_id',
    'ext_type',
    'enterprise_project_id',
    'task_tag',
)
LOG_KEYS = (
    'id',
    'start_time',
    'dispatch_time',
    'end_time',
    'execute_status',
    'position',
    'position_status',
    'status',
    'dirty_data_count',
    'data_count',
    'data_size',
    'data_size_unit',
    'spend_time',
    'write_spend_time',
    'remarks',
    'detail_logs',
)
STEP_KEYS = (
    'id',
    'status',
    'position',
    'position_status',
    'stage',
    'dirty_data_count',
    'data_count',
    'data_size',
    'data_size_unit',
    'spend_time',
    'remarks',
    'step_begin_time',
    'step_end_time',
)
REASON = "Failed to read from the source: Access denied for user 'fdi_reader'@'%' (using password: YES)"


def invalid_parameter(field):
    return {'error_code': 'FDI.3033', 'error_msg': 'Invalid parameter [%s].' % field}


def monitors(client, **query):
    response = client.request('GET', api_path('task-monitors'), query=query or None)
    assert response.status == 200, response.body
    document = response.json()
    assert_model(document, 'ListMonitorInfosResponse', required=('total', 'size', 'entities'))
    for entity in document['entities']:
        assert set(entity) == set(INFO_KEYS)
    return document


def record(client, task_id):
    return next(entity for entity in monitors(client, limit=999)['entities'] if entity['task_id'] == task_id)


def logs(client, task_id, **query):
    response = client.request('GET', api_path('tasks', task_id, 'monitor-logs'), query=query or None)
    assert response.status == 200, response.body
    document = response.json()
    assert_model(document, 'ListMonitorLogResponse', required=('total', 'size', 'entities'))
    for entity in document['entities']:
        assert set(entity) == set(LOG_KEYS) and all(set(step) == set(STEP_KEYS) for step in entity['detail_logs'])
    return document


def clock(client, seconds):
    """Move the simulator clock: now = real time + ``seconds``."""
    client.control('POST', 'config', {'clock_offset_seconds': seconds})


def start(client, task_id):
    response = client.request('POST', api_path('batch-operation', 'tasks'), {'action_id': 'start', 'list': [{'task_id': task_id}]})
    assert response.json()['success_count'] == 1


def stop(client, task_id):
    response = client.request('POST', api_path('batch-operation', 'tasks'), {'action_id': 'stop', 'list': [{'task_id': task_id}]})
    assert response.json()['success_count'] == 1


@pytest.fixture
def task_id(client):
    """A task with the demo data sources (MySQL -> DWS) and their same-named tables mapped."""
    client.control('POST', 'datasources', {'instance_id': INSTANCE_ID, 'demo': True})
    body = {'task_id': 'orders-to-dws', 'source_datasource_id': MYSQL_ID, 'target_datasource_id': DWS_ID, 'ext_info': {'server_id': '1'}, 'auto_mapping': True}
    assert client.request('POST', api_path('multi-tasks', 'init'), body).status == 200
    return client.create('orders-to-dws', task_id='orders-to-dws', task_tag='sync-1')


def test_start_waits_then_runs_and_stop_cancels(client, task_id):
    before = record(client, task_id)
    assert (before['execute_status'], before['status'], before['last_execute_time'], before['position']) == ('UNSTARTED', 0, None, None)
    assert logs(client, task_id) == {'total': 0, 'size': 0, 'entities': []}
    client.control('POST', 'outcomes', {'instance_id': INSTANCE_ID, 'task_id': task_id, 'data_count': 120, 'dirty_data_count': 3})
    start(client, task_id)
    waiting = record(client, task_id)
    assert (waiting['execute_status'], waiting['status'], waiting['position']) == ('WAITING', 1, 'ADAPTER')
    assert (waiting['source_app_name'], waiting['target_app_name'], waiting['task_tag']) == ('orders-app', 'warehouse-app', 'sync-1')
    started = waiting['last_execute_time']
    assert started > 1600000000000
    log = logs(client, task_id)['entities'][0]
    summary = (log['execute_status'], log['position'], log['position_status'], log['status'], log['end_time'])
    assert summary == ('WAITING', 'ADAPTER', 'NORMAL', 99, None)
    assert (log['data_count'], [step['stage'] for step in log['detail_logs']]) == (0, ['adapter'])
    assert client.request('GET', api_path('tasks'), query={'execute_status': 'WAITING'}).json()['total'] == 1

    clock(client, 1.5)  # past the default start delay of 1 s
    running = record(client, task_id)
    assert (running['execute_status'], running['position'], running['last_execute_time']) == ('RUNNING', 'WRITER', started)
    log = logs(client, task_id)['entities'][0]
    assert (log['execute_status'], log['position_status'], log['status'], log['data_count'], log['dirty_data_count']) == ('RUNNING', 'NORMAL', 502, 120, 3)
    assert [(step['stage'], step['position'], step['position_status']) for step in log['detail_logs']] == [
        ('adapter', 'ADAPTER', 'NODE_END'),
        ('mysqlreader', 'READER', 'NORMAL'),
        ('dwswriter', 'WRITER', 'NORMAL'),
    ]
    assert log['data_size'] == 30.0 and log['data_size_unit'] == 'KB' and log['spend_time'] >= 1500
    listed = client.request('GET', api_path('tasks'), query={'execute_status': 'RUNNING'}).json()
    assert [entity['task_id'] for entity in listed['entities']] == [task_id]

    stop(client, task_id)
    stopped = record(client, task_id)
    assert (stopped['execute_status'], stopped['status']) == ('CANCELLED', 0)
    log = logs(client, task_id)['entities'][0]
    assert (log['execute_status'], log['position_status'], log['status']) == ('CANCELLED', 'RUNTIME_CANCEL', 16) and log['end_time'] >= started

    clock(client, 10)
    start(client, task_id)
    restarted = logs(client, task_id)
    assert restarted['total'] == 2 and restarted['entities'][0]['execute_status'] == 'WAITING'  # newest first
    assert restarted['entities'][1]['execute_status'] == 'CANCELLED'
    assert record(client, task_id)['last_execute_time'] == restarted['entities'][0]['start_time'] > started


def test_an_outcome_set_before_the_task_exists_makes_it_fail_with_the_reason(client):
    client.control('POST', 'config', {'start_delay_seconds': 0.5})
    outcome = client.control(
        'POST',
        'outcomes',
        {
            'instance_id': INSTANCE_ID,
            'task_name': 'doomed-task',
            'result': 'error',
            'fail_after': 3,
            'position': 'READER',
            'remarks': REASON,
            'stage': 'mysqlreader',
            'detail': 'java.sql.SQLException: Access denied',
            'data_count': 7,
        },
    )
    assert outcome['result'] == 'error' and outcome['task_name'] == 'doomed-task'
    task_id = client.create_runnable('doomed-task')
    start(client, task_id)
    clock(client, 1)
    assert record(client, task_id)['execute_status'] == 'RUNNING'
    clock(client, 3)
    failed = record(client, task_id)
    assert (failed['execute_status'], failed['status'], failed['position']) == ('ERROR', 1, 'READER')
    log = logs(client, task_id)['entities'][0]
    summary = (log['execute_status'], log['position'], log['position_status'], log['status'], log['remarks'])
    assert summary == ('ERROR', 'READER', 'RUNTIME_ERR', 103, REASON)
    assert log['end_time'] == log['start_time'] + 3000 and log['spend_time'] == 3000
    failing = log['detail_logs'][-1]
    assert (failing['stage'], failing['position_status'], failing['remarks'], failing['status']) == (
        'mysqlreader',
        'RUNTIME_ERR',
        'java.sql.SQLException: Access denied',
        103,
    )
    assert [step['stage'] for step in log['detail_logs']] == ['adapter', 'mysqlreader']
    assert client.request('GET', api_path('tasks'), query={'execute_status': 'ERROR'}).json()['total'] == 1
    assert monitors(client, execute_status='ERROR')['total'] == 1
    start(client, task_id)  # still "running" (status 1): nothing new starts
    assert logs(client, task_id)['total'] == 1
    stop(client, task_id)
    assert record(client, task_id)['execute_status'] == 'CANCELLED'
    assert logs(client, task_id)['entities'][0]['execute_status'] == 'ERROR'  # what happened stays in the log


def test_failure_at_once_in_the_adapter_and_default_reasons(client):
    client.control('POST', 'outcomes', {'instance_id': INSTANCE_ID, 'task_name': 'bad-target', 'result': 'error', 'position': 'WRITER'})
    client.control('POST', 'outcomes', {'instance_id': INSTANCE_ID, 'task_name': 'bad-network', 'result': 'error', 'position': 'ADAPTER'})
    writer, adapter = client.create_runnable('bad-target'), client.create_runnable('bad-network')
    start(client, writer)
    start(client, adapter)
    log = logs(client, writer)['entities'][0]
    assert (log['execute_status'], log['status'], log['remarks']) == ('ERROR', 503, 'Failed to write to the target: relation "orders" does not exist.')
    assert [step['stage'] for step in log['detail_logs']] == ['adapter', 'dwswriter']
    log = logs(client, adapter)['entities'][0]
    assert (log['position'], log['status'], [step['position_status'] for step in log['detail_logs']]) == ('ADAPTER', 911, ['RUNTIME_ERR'])


def test_an_outcome_set_while_running_applies_to_the_running_execution(client, task_id):
    client.control('POST', 'config', {'start_delay_seconds': 0})
    start(client, task_id)
    assert record(client, task_id)['execute_status'] == 'RUNNING'
    client.control('POST', 'outcomes', {'instance_id': INSTANCE_ID, 'task_id': task_id, 'result': 'error', 'fail_after': 0})
    assert record(client, task_id)['execute_status'] == 'ERROR'
    assert len(client.control('GET', 'outcomes')['outcomes']) == 1
    client.control('DELETE', 'outcomes')
    assert client.control('GET', 'outcomes') == {'outcomes': []}


def test_monitor_list_filters_paging_and_seeded_tasks(client):
    client.control('POST', 'seed', {'instance_id': INSTANCE_ID, 'count': 3, 'name_prefix': 'busy-', 'status': 1})
    client.control('POST', 'seed', {'instance_id': INSTANCE_ID, 'count': 2, 'name_prefix': 'idle-'})
    document = monitors(client)
    assert (document['total'], document['size']) == (5, 5)
    busy = monitors(client, task_name='busy')
    assert busy['total'] == 3 and all(entity['execute_status'] == 'RUNNING' and entity['position'] == 'WRITER' for entity in busy['entities'])
    assert busy['entities'][0]['last_execute_time'] > 0
    assert [entity['task_name'] for entity in monitors(client, execute_status='UNSTARTED')['entities']] == ['idle-00000', 'idle-00001']
    assert monitors(client, task_name='BUSY')['total'] == 0  # case-sensitive
    page = monitors(client, offset=2, limit=2)  # a 1-based record index: the second record first
    assert [entity['task_name'] for entity in page['entities']] == ['busy-00001', 'busy-00002'] and page['total'] == 5
    assert monitors(client, limit=5000)['size'] == 5
    for query, field in (({'limit': 0}, 'limit'), ({'offset': 'one'}, 'offset'), ({'execute_status': 'running'}, 'execute_status')):
        response = client.request('GET', api_path('task-monitors'), query=query)
        assert (response.status, response.json()) == (400, invalid_parameter(field))


def test_monitor_log_time_window_paging_and_errors(client, task_id):
    for offset in (0, 100, 200):
        clock(client, offset)
        start(client, task_id)
        stop(client, task_id)
    starts = [entity['start_time'] for entity in logs(client, task_id)['entities']]
    assert len(starts) == 3 and starts == sorted(starts, reverse=True)
    assert [entity['start_time'] for entity in logs(client, task_id, begin_time=starts[1])['entities']] == starts[:2]
    assert [entity['start_time'] for entity in logs(client, task_id, end_time=starts[1])['entities']] == starts[1:]
    assert [entity['start_time'] for entity in logs(client, task_id, begin_time=starts[1], end_time=starts[1])['entities']] == [starts[1]]
    page = logs(client, task_id, offset=2, limit=1)  # a 1-based record index
    assert (page['total'], page['size'], page['entities'][0]['start_time']) == (3, 1, starts[1])
    for query, field in (({'begin_time': 'yesterday'}, 'begin_time'), ({'end_time': '1.5'}, 'end_time'), ({'limit': -1}, 'limit')):
        response = client.request('GET', api_path('tasks', task_id, 'monitor-logs'), query=query)
        assert (response.status, response.json()) == (400, invalid_parameter(field))


@pytest.mark.parametrize('form,status,code', [('FDI.3021', 400, 'FDI.3021'), ('FDI.3081', 404, 'FDI.3081')])
def test_monitor_logs_of_an_unknown_task(client, form, status, code):
    client.control('POST', 'config', {'not_found': form})
    response = client.request('GET', api_path('tasks', 'no-such-task', 'monitor-logs'))
    assert (response.status, response.json()['error_code']) == (status, code)


@pytest.mark.parametrize(
    'body',
    [
        {'task_id': 'x'},
        {'instance_id': INSTANCE_ID},
        {'instance_id': INSTANCE_ID, 'task_id': 'x', 'task_name': 'y'},
        {'instance_id': INSTANCE_ID, 'task_id': 'x', 'result': 'crash'},
        {'instance_id': INSTANCE_ID, 'task_id': 'x', 'fail_after': -1},
        {'instance_id': INSTANCE_ID, 'task_id': 'x', 'position': 'MIDDLE'},
        {'instance_id': INSTANCE_ID, 'task_id': 'x', 'data_count': -1},
        {'instance_id': INSTANCE_ID, 'task_id': 'x', 'remarks': 5},
        {'instance_id': INSTANCE_ID, 'task_id': 'x', 'colour': 'red'},
    ],
)
def test_outcome_validation(client, body):
    response = client.request('POST', '/_sim/outcomes', body)
    assert response.status == 400 and response.json()['error']


def test_a_success_outcome_ends_the_execution_on_its_own(client):
    client.control('POST', 'config', {'start_delay_seconds': 0})
    client.control('POST', 'outcomes', {'instance_id': INSTANCE_ID, 'task_name': 'short-lived', 'result': 'success', 'fail_after': 2, 'data_count': 10})
    task_id = client.create_runnable('short-lived')
    start(client, task_id)
    assert record(client, task_id)['execute_status'] == 'RUNNING'
    clock(client, 2)
    assert (record(client, task_id)['execute_status'], record(client, task_id)['status']) == ('SUCCESS', 1)
    log = logs(client, task_id)['entities'][0]
    summary = (log['execute_status'], log['position'], log['position_status'], log['status'], log['data_count'])
    assert summary == ('SUCCESS', 'WRITER', 'TASK_END', 901, 10)
    assert [(step['position_status'], step['status']) for step in log['detail_logs']] == [('NODE_END', 99), ('NODE_END', 101), ('TASK_END', 501)]
    assert log['end_time'] == log['start_time'] + 2000


def test_monitor_offset_is_a_1_based_record_index(client):
    client.control('POST', 'seed', {'instance_id': INSTANCE_ID, 'count': 5, 'name_prefix': 'task-'})

    def names(**query):
        return [entity['task_name'] for entity in monitors(client, **query)['entities']]

    everything = ['task-%05d' % number for number in range(5)]
    assert names() == names(offset=1) == names(offset=0) == names(offset=-3) == everything  # from 1; 0 (and below) behave like 1
    assert names(offset=1, limit=2) == everything[:2] and names(offset=3, limit=2) == everything[2:4] and names(offset=5, limit=2) == everything[4:]
    assert names(offset=6) == [] and monitors(client, offset=6)['total'] == 5


def test_monitor_log_offset_is_a_1_based_record_index(client, task_id):
    for offset in (0, 100, 200):
        clock(client, offset)
        start(client, task_id)
        stop(client, task_id)
    starts = [entity['start_time'] for entity in logs(client, task_id)['entities']]
    assert [[entity['start_time'] for entity in logs(client, task_id, offset=offset, limit=1)['entities']] for offset in (0, 1, 2, 3, 4)] == [
        starts[:1],
        starts[:1],
        starts[1:2],
        starts[2:],
        [],
    ]
