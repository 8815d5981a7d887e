"""Rules across tasks and data sources: what a start needs, the list's data-source filters, ordinary tasks, ext_type, app IDs, show's status."""

from __future__ import annotations

import json

import pytest
from sim_helpers import DWS_ID, INSTANCE_ID, MYSQL_ID, ORDERS_MAPPING, SimClient, SimulatorProcess, api_path, assert_model

NOT_FOUND = {'error_code': 'FDI.3021', 'error_msg': 'One or more tasks do not exist.'}
NOT_FOUND_3081 = {'error_code': 'FDI.3081', 'error_msg': 'The task does not exist.'}
DEMO_APPS = ('c7a3d2f4e5b6a7c8d9e0f1a2b3c4d5e6', 'd8b4e3a5f6c7b8d9e0f1a2b3c4d5e6f7')
NOTHING = 'The task has no table mappings: there is nothing to replicate.'
NO_DATASOURCES = 'The task has no source or target data source: there is nothing to replicate.'


def call(client, method, *parts, **kwargs):
    response = client.request(method, api_path(*parts), kwargs.get('body'), query=kwargs.get('query'))
    return response.status, (response.json() if response.body else None)


def start(client, task_id):
    status, answer = call(client, 'POST', 'batch-operation', 'tasks', body={'action_id': 'start', 'list': [{'task_id': task_id}]})
    assert (status, answer['success_count']) == (200, 1), answer


def stop(client, task_id):
    status, answer = call(client, 'POST', 'batch-operation', 'tasks', body={'action_id': 'stop', 'list': [{'task_id': task_id}]})
    assert (status, answer['success_count']) == (200, 1), answer


def latest_log(client, task_id):
    status, answer = call(client, 'GET', 'tasks', task_id, 'monitor-logs')
    assert status == 200, answer
    return answer['entities'][0]


def stored(client, task_id):
    return next(task for task in client.control('GET', 'tasks')['tasks'] if task['task_id'] == task_id)


@pytest.fixture
def demo(client):
    client.control('POST', 'datasources', {'instance_id': INSTANCE_ID, 'demo': True})
    client.control('POST', 'config', {'start_delay_seconds': 0})
    return client


# -- a task that replicates nothing cannot run ---------------------------------------------------------------------


def test_a_task_without_data_sources_fails_at_once_in_the_adapter(demo):
    task_id = demo.create('bare-task')
    start(demo, task_id)
    log = latest_log(demo, task_id)
    assert (log['execute_status'], log['position'], log['position_status'], log['status'], log['remarks']) == (
        'ERROR',
        'ADAPTER',
        'RUNTIME_ERR',
        911,
        NO_DATASOURCES,
    )
    assert log['end_time'] == log['start_time'] and [(step['stage'], step['remarks']) for step in log['detail_logs']] == [('adapter', NO_DATASOURCES)]
    task = stored(demo, task_id)
    assert (task['status'], task['execute_status']) == (1, 'ERROR')  # started, like every failed execution
    assert call(demo, 'GET', 'tasks', task_id)[1]['task']['status'] == 'running'


def test_a_task_with_data_sources_but_no_mappings_fails_too_even_with_an_outcome(demo):
    demo.control('POST', 'outcomes', {'instance_id': INSTANCE_ID, 'task_name': 'no-mappings', 'result': 'running', 'data_count': 10})
    init = {'task_id': 'no-mappings', 'source_datasource_id': MYSQL_ID, 'target_datasource_id': DWS_ID, 'ext_info': {'server_id': '1'}}
    assert call(demo, 'POST', 'multi-tasks', 'init', body=init)[0] == 200
    demo.create('no-mappings', task_id='no-mappings')
    assert call(demo, 'POST', 'tasks', 'no-mappings', 'run')[0] == 200
    log = latest_log(demo, 'no-mappings')
    assert (log['execute_status'], log['position'], log['remarks'], log['data_count']) == ('ERROR', 'ADAPTER', NOTHING, 0)
    stop(demo, 'no-mappings')
    assert call(demo, 'POST', 'multi-tasks', 'no-mappings', 'mappings', body=ORDERS_MAPPING)[0] == 200
    start(demo, 'no-mappings')
    log = latest_log(demo, 'no-mappings')
    assert (log['execute_status'], log['data_count']) == ('RUNNING', 10)


def test_with_a_start_delay_the_failure_is_immediate_too(client):
    task_id = client.create('bare-task')
    start(client, task_id)
    log = latest_log(client, task_id)
    assert (log['execute_status'], log['position'], log['status']) == ('ERROR', 'ADAPTER', 911)


# -- a running sync job uses its data sources' stored settings -----------------------------------------------------


def test_a_start_fails_when_a_declared_database_refuses_the_stored_settings(demo):
    task_id = demo.create_runnable('orders-sync')
    demo.control('POST', 'databases', {'host': '192.168.0.10', 'port': 3306, 'database_name': 'shop', 'users': {'fdi_reader': 'Rotated-2'}})
    start(demo, task_id)
    log = latest_log(demo, task_id)
    reason = "Failed to connect to the source: Access denied for user 'fdi_reader' (using password: YES)"
    assert (log['execute_status'], log['position'], log['position_status'], log['remarks']) == ('ERROR', 'ADAPTER', 'RUNTIME_ERR', reason)
    stop(demo, task_id)
    body = {
        'datasource_name': 'mysql-orders',
        'datasource_type': 'MYSQL',
        'app_id': DEMO_APPS[0],
        'content': {'host': '192.168.0.10', 'port': '3306', 'database_name': 'shop', 'user_name': 'fdi_reader', 'password': 'Rotated-2'},
    }
    assert call(demo, 'PUT', 'datasources', MYSQL_ID, body=body)[0] == 200
    start(demo, task_id)
    assert latest_log(demo, task_id)['execute_status'] == 'RUNNING'
    stop(demo, task_id)
    demo.control('POST', 'databases', {'host': '192.168.0.20', 'port': 8000, 'database_name': 'dwh', 'users': {'fdi_writer': 'Demo-DWS-Passw0rd!'}})
    start(demo, task_id)
    assert latest_log(demo, task_id)['remarks'] == "Failed to connect to the target: Unknown database 'warehouse'"


def test_undeclared_hosts_are_not_checked_and_a_running_task_keeps_its_connections(demo):
    task_id = demo.create_runnable('orders-sync')
    demo.control('DELETE', 'databases')
    start(demo, task_id)  # nothing declared at the demo addresses: not checked
    assert latest_log(demo, task_id)['execute_status'] == 'RUNNING'
    demo.control('POST', 'databases', {'demo': True})
    body = {
        'datasource_name': 'mysql-orders',
        'datasource_type': 'MYSQL',
        'app_id': DEMO_APPS[0],
        'content': {'host': '192.168.0.10', 'port': '3306', 'database_name': 'shop', 'user_name': 'fdi_reader', 'password': 'wrong'},
    }
    assert call(demo, 'PUT', 'datasources', MYSQL_ID, body=body)[0] == 200
    assert latest_log(demo, task_id)['execute_status'] == 'RUNNING'  # already connected
    assert stored(demo, task_id)['execute_status'] == 'RUNNING'
    stop(demo, task_id)
    start(demo, task_id)
    assert latest_log(demo, task_id)['execute_status'] == 'ERROR'


# -- list filters by data source -----------------------------------------------------------------------------------


def test_list_filters_by_data_source(demo):
    demo.control(
        'POST',
        'datasources',
        {
            'instance_id': INSTANCE_ID,
            'datasources': [
                {
                    'datasource_id': 'pg-1',
                    'datasource_name': 'pg-orders',
                    'datasource_type': 'POSTGRESQL',
                    'app_id': 'app-pg',
                    'tables': {'orders': [{'field_name': 'id', 'field_type': 'int8'}]},
                }
            ],
        },
    )
    forward = demo.create_runnable('mysql-to-dws')
    reverse = demo.create('dws-to-pg')
    body = {'source_datasource_id': DWS_ID, 'target_datasource_id': 'pg-1', 'source_table': 'orders', 'target_table': 'orders'}
    assert call(demo, 'POST', 'multi-tasks', reverse, 'mappings', body=body)[0] == 200
    demo.create('no-data-sources')
    init = {'task_id': 'pg-initialised', 'source_datasource_id': 'pg-1'}
    assert call(demo, 'POST', 'multi-tasks', 'init', body=init)[0] == 200
    demo.create('pg-source', task_id='pg-initialised')

    def names(**query):
        status, answer = call(demo, 'GET', 'tasks', query=query)
        assert status == 200, answer
        return [entity['task_name'] for entity in answer['entities']]

    assert names(source_datasource_id=MYSQL_ID) == ['mysql-to-dws'] and names(target_datasource_id=DWS_ID) == ['mysql-to-dws']
    assert names(source_datasource_id=DWS_ID) == ['dws-to-pg'] and names(target_datasource_id='pg-1') == ['dws-to-pg']
    assert names(datasource_id=DWS_ID) == ['mysql-to-dws', 'dws-to-pg'] and names(datasource_id='pg-1') == ['dws-to-pg', 'pg-source']
    assert names(datasource_id=MYSQL_ID, source_datasource_id=DWS_ID) == [] and names(source_datasource_id='pg-1') == ['pg-source']
    assert names(datasource_id='nope') == [] and len(names(datasource_id='')) == 4  # an empty value is no filter
    assert forward and names(source_datasource_id=MYSQL_ID, target_datasource_id=DWS_ID, status=0) == ['mysql-to-dws']


# -- app IDs follow the data sources -----------------------------------------------------------------------------


def test_app_ids_are_those_of_the_data_sources_once_the_task_has_them(demo):
    task_id = demo.create('app-task', source_app_id='sent-source', target_app_id='sent-target')

    def everywhere():
        listed = call(demo, 'GET', 'tasks', query={'task_id': task_id})[1]['entities'][0]
        shown = call(demo, 'GET', 'tasks', task_id)[1]
        monitored = call(demo, 'GET', 'task-monitors', query={'task_name': 'app-task'})[1]['entities'][0]
        detail = json.loads(shown['task_detail'])
        views = [(entry['source_app_id'], entry['target_app_id']) for entry in (listed, shown['task'], detail, monitored, stored(demo, task_id))]
        assert len(set(views)) == 1, views
        return views[0]

    assert everywhere() == ('sent-source', 'sent-target')  # no data sources yet: what create sent
    assert call(demo, 'POST', 'multi-tasks', task_id, 'mappings', body=ORDERS_MAPPING)[0] == 200
    assert everywhere() == DEMO_APPS
    assert [entity['task_name'] for entity in call(demo, 'GET', 'tasks', query={'source_app_id': DEMO_APPS[0]})[1]['entities']] == ['app-task']
    assert call(demo, 'GET', 'tasks', query={'source_app_id': 'sent-source'})[1]['total'] == 0
    init = {'task_id': 'half', 'source_datasource_id': DWS_ID}
    assert call(demo, 'POST', 'multi-tasks', 'init', body=init)[0] == 200
    demo.create('half-task', task_id='half', target_app_id='sent-target')
    half = call(demo, 'GET', 'tasks', 'half')[1]['task']
    assert (half['source_app_id'], half['target_app_id']) == (DEMO_APPS[1], 'sent-target')


# -- ordinary tasks and ext_type --------------------------------------------------------------------------------------


def test_ordinary_tasks_are_tasks_but_not_composite_tasks(demo):
    seeded = demo.control('POST', 'seed', {'instance_id': INSTANCE_ID, 'count': 2, 'name_prefix': 'ordinary-', 'kind': 'ordinary'})
    ordinary = seeded['task_ids'][0]
    composite = demo.create_runnable('composite-task')
    listed = call(demo, 'GET', 'tasks')[1]['entities']
    assert [(entity['task_name'], entity['ext_type']) for entity in listed] == [('ordinary-00000', None), ('ordinary-00001', None), ('composite-task', 'CDC')]
    assert json.loads(call(demo, 'GET', 'tasks', ordinary)[1]['task_detail'])['ext_type'] is None
    assert stored(demo, ordinary)['kind'] == 'ordinary' and stored(demo, composite)['kind'] == 'composite'
    assert [entity['ext_type'] for entity in call(demo, 'GET', 'task-monitors')[1]['entities']] == [None, None, 'CDC']
    start(demo, ordinary)  # ordinary tasks are not held to the composite rules
    assert latest_log(demo, ordinary)['execute_status'] == 'RUNNING'
    stop(demo, ordinary)
    assert call(demo, 'DELETE', 'tasks', ordinary)[0] == 204
    assert demo.request('POST', '/_sim/seed', {'instance_id': INSTANCE_ID, 'count': 1, 'kind': 'other'}).status == 400


@pytest.mark.parametrize('form,status,error', [('FDI.3021', 400, NOT_FOUND), ('FDI.3081', 404, NOT_FOUND_3081)])
def test_composite_only_routes_do_not_see_ordinary_tasks(demo, form, status, error):
    demo.control('POST', 'config', {'not_found': form})
    ordinary = demo.control('POST', 'seed', {'instance_id': INSTANCE_ID, 'count': 1, 'name_prefix': 'ordinary-', 'kind': 'ordinary'})['task_ids'][0]
    requests = [
        ('PUT', ('multi-tasks', ordinary), {'operation_types': ['INSERT'], 'repulling_snapshot': False}),
        ('GET', ('multi-tasks', ordinary, 'mappings'), None),
        ('POST', ('multi-tasks', ordinary, 'mappings'), ORDERS_MAPPING),
        ('PUT', ('multi-tasks', ordinary, 'mappings', 'm-1'), ORDERS_MAPPING),
        ('DELETE', ('multi-tasks', ordinary, 'mappings', 'm-1'), None),
        ('POST', ('multi-tasks', ordinary, 'reset'), {'date_from': 1}),
    ]
    for method, parts, body in requests:
        assert call(demo, method, *parts, body=body, query={'limit': 1} if method == 'GET' else None) == (status, error), (method, parts)
    assert call(demo, 'GET', 'tasks', ordinary)[0] == 200
    taken = {'error_code': 'FDI.3033', 'error_msg': 'Invalid parameter [task_id].'}
    assert call(demo, 'POST', 'multi-tasks', 'init', body={'task_id': ordinary}) == (400, taken)


@pytest.mark.parametrize('ext_type', ['CDC', 'MULTI', '', None])
def test_composite_ext_type_is_switchable_and_mappings_tell_the_kinds_apart(demo, ext_type):
    demo.control('POST', 'config', {'composite_ext_type': ext_type})
    ordinary = demo.control('POST', 'seed', {'instance_id': INSTANCE_ID, 'count': 1, 'name_prefix': 'ordinary-', 'kind': 'ordinary'})['task_ids'][0]
    composite = demo.create('composite-task')
    listed = dict((entity['task_id'], entity['ext_type']) for entity in call(demo, 'GET', 'tasks')[1]['entities'])
    assert listed == {ordinary: None, composite: ext_type}
    assert json.loads(call(demo, 'GET', 'tasks', composite)[1]['task_detail'])['ext_type'] == ext_type
    assert call(demo, 'GET', 'task-monitors', query={'task_name': 'composite'})[1]['entities'][0]['ext_type'] == ext_type
    assert stored(demo, composite)['ext_type'] == ext_type
    # the second evidence: only a composite task has a mapping list
    assert call(demo, 'GET', 'multi-tasks', composite, 'mappings', query={'limit': 1})[0] == 200
    assert call(demo, 'GET', 'multi-tasks', ordinary, 'mappings', query={'limit': 1}) == (400, NOT_FOUND)


def test_config_validation_of_the_new_switches(client):
    for body in ({'composite_ext_type': 'multi'}, {'composite_ext_type': 5}, {'show_stopped_status': 'STOP'}, {'datasource_secrets': None}):
        assert client.request('POST', '/_sim/config', body).status == 400, body


# -- show's status of a stopped task ----------------------------------------------------------------------------------


def test_show_status_of_a_stopped_task_is_switchable(demo):
    task_id = demo.create_runnable('orders-sync')
    assert call(demo, 'GET', 'tasks', task_id)[1]['task']['status'] == 'stop'
    demo.control('POST', 'config', {'show_stopped_status': 'stopped'})
    shown = call(demo, 'GET', 'tasks', task_id)[1]
    assert shown['task']['status'] == 'stopped'
    assert_model(shown, 'ShowTaskResponse')
    start(demo, task_id)
    assert call(demo, 'GET', 'tasks', task_id)[1]['task']['status'] == 'running'
    assert call(demo, 'GET', 'tasks')[1]['entities'][0]['status'] == 1  # the list keeps its integer


def test_command_line_switches(tmp_path):
    simulator = SimulatorProcess('--composite-ext-type', 'null', '--show-stopped-status', 'stopped', '--datasource-secrets', 'clear').start()
    try:
        client = SimClient(simulator.url)
        client.token = client.control('POST', 'tokens', {})['token']
        config = client.control('GET', 'config')
        assert (config['composite_ext_type'], config['show_stopped_status'], config['datasource_secrets']) == (None, 'stopped', 'clear')
        task_id = client.create('flagged-task')
        assert call(client, 'GET', 'tasks')[1]['entities'][0]['ext_type'] is None
        assert call(client, 'GET', 'tasks', task_id)[1]['task']['status'] == 'stopped'
        client.control('POST', 'config', {'composite_ext_type': 'CDC'})
        client.control('POST', 'reset')
        assert client.control('GET', 'config')['composite_ext_type'] is None  # the start-up value
        client.close()
    finally:
        assert simulator.stop() == 0
    for value, expected in (('empty', ''), ('MULTI', 'MULTI')):
        simulator = SimulatorProcess('--composite-ext-type', value).start()
        try:
            assert SimClient(simulator.url).control('GET', 'config')['composite_ext_type'] == expected
        finally:
            assert simulator.stop() == 0
