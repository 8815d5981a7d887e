"""The official Python SDK (huaweicloudsdkroma, AK/SK signing; pinned in tools/requirements-dev.txt) driven against the simulator.

If the simulator's routes, JSON shapes or signature check differed from what the real
client produces and expects, these calls would fail or deserialise wrongly.
"""

from __future__ import annotations

import json

import pytest
from huaweicloudsdkcore.auth import credentials as credentials_module
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkroma import v2 as roma
from roma_sim.datasources import demo_datasources
from sim_helpers import AK, INSTANCE_ID, PROJECT_ID, SK, api_path, assert_model, model_fields_seen


def sdk_client(url, secret=SK):
    credentials = credentials_module.BasicCredentials(AK, secret, PROJECT_ID)
    return roma.RomaClient.new_builder().with_credentials(credentials).with_endpoints([url]).build()


def test_official_sdk_full_lifecycle(server, sim):
    client = sdk_client(server.url)
    body = roma.MultiTaskRequestBody(
        task_name='sdk-task',
        task_type='REALTIME',
        description='made by the SDK',
        task_tag='sdk-tag',
        operation_types=['INSERT', 'UPDATE'],
        source_app_id='app-src',
        target_app_id='app-dst',
    )
    created = client.create_multi_tasks(roma.CreateMultiTasksRequest(instance_id=INSTANCE_ID, body=body))
    task_id = created.task_id
    assert created.status_code == 200 and len(task_id) == 32

    listed = client.list_tasks(roma.ListTasksRequest(instance_id=INSTANCE_ID, name='sdk', limit=999, offset=0))
    assert (listed.total, listed.size, len(listed.entities)) == (1, 1, 1)
    entity = listed.entities[0]
    assert (entity.task_id, entity.task_name, entity.task_type, entity.status, entity.ext_type) == (task_id, 'sdk-task', 'REALTIME', 0, 'CDC')
    assert entity.created_date is not None and entity.last_modified_time > 0

    shown = client.show_task(roma.ShowTaskRequest(instance_id=INSTANCE_ID, task_id=task_id))
    assert (shown.task.task_type, shown.task.status, shown.task.description, shown.task.task_tag) == ('realtime', 'stop', 'made by the SDK', 'sdk-tag')
    assert json.loads(shown.task_detail)['operation_types'] == ['INSERT', 'UPDATE']

    update = roma.MultiTaskUpdateBody(description='changed', task_tag='sdk-tag-2', operation_types=['DELETE'], repulling_snapshot=True)
    updated = client.update_multi_tasks(roma.UpdateMultiTasksRequest(instance_id=INSTANCE_ID, task_id=task_id, body=update))
    assert updated.task_id == task_id
    shown = client.show_task(roma.ShowTaskRequest(instance_id=INSTANCE_ID, task_id=task_id))
    assert shown.task.description == 'changed' and json.loads(shown.task_detail)['operation_types'] == ['DELETE']

    def batch(action):
        request = roma.BatchStartOrStopTasksRequest(instance_id=INSTANCE_ID, body=roma.OperateTasksBean(action_id=action, list=[roma.TaskBean(task_id)]))
        return client.batch_start_or_stop_tasks(request)

    started = batch('start')
    assert (started.success_count, started.failure_count, started.success[0].task_name) == (1, 0, 'sdk-task')
    assert client.show_task(roma.ShowTaskRequest(instance_id=INSTANCE_ID, task_id=task_id)).task.status == 'running'
    with pytest.raises(exceptions.ClientRequestException) as refused:
        client.delete_task(roma.DeleteTaskRequest(instance_id=INSTANCE_ID, task_id=task_id))
    assert (refused.value.status_code, refused.value.error_code, refused.value.error_msg) == (400, 'FDI.3023', 'One or more tasks are running.')
    assert refused.value.request_id and len(refused.value.request_id) == 32
    assert batch('stop').success_count == 1

    deleted = client.delete_task(roma.DeleteTaskRequest(instance_id=INSTANCE_ID, task_id=task_id))
    assert deleted.status_code == 204
    with pytest.raises(exceptions.ClientRequestException) as missing:
        client.show_task(roma.ShowTaskRequest(instance_id=INSTANCE_ID, task_id=task_id))
    assert (missing.value.status_code, missing.value.error_code) == (400, 'FDI.3021')

    log = sim.log.since(0)
    assert {entry['auth'] for entry in log} == {'aksk'}
    assert all('x-sdk-date' in entry['headers'] and entry['headers']['x-project-id'] == PROJECT_ID for entry in log)
    assert [entry['route'] for entry in log] == [
        'create_multi_task',
        'list_tasks',
        'show_task',
        'update_multi_task',
        'show_task',
        'batch_tasks',
        'show_task',
        'delete_task',
        'batch_tasks',
        'delete_task',
        'show_task',
    ]


def test_official_sdk_with_a_wrong_secret_is_rejected(server, sim):
    client = sdk_client(server.url, secret='wrong-secret')
    with pytest.raises(exceptions.ClientRequestException) as rejected:
        client.list_tasks(roma.ListTasksRequest(instance_id=INSTANCE_ID))
    assert (rejected.value.status_code, rejected.value.error_code) == (401, 'APIG.0301')
    assert rejected.value.error_msg == 'Incorrect IAM authentication information: verify aksk signature fail'


MYSQL_ID, DWS_ID = 'a5e1b0d2c3f4e5a6b7c8d9e0f1a2b3c4', 'b6f2c1e3d4a5f6b7c8d9e0f1a2b3c4d5'


def test_official_sdk_data_sources_init_mappings_reset_and_monitoring(server, sim):
    sim.store.seed_datasources(PROJECT_ID, INSTANCE_ID, demo_datasources(), sim.now_ms())
    sim.config['start_delay_seconds'] = 0
    client = sdk_client(server.url)

    listed = client.list_datasources(roma.ListDatasourcesRequest(instance_id=INSTANCE_ID, name='orders', datasource_type='MYSQL', limit=999, offset=0))
    assert (listed.total, listed.size, listed.entities[0].datasource_id, listed.entities[0].content.port) == (1, 1, MYSQL_ID, '3306')
    shown = client.show_dataource_detail(roma.ShowDataourceDetailRequest(instance_id=INSTANCE_ID, datasource_id=DWS_ID))
    assert (shown.datasource_name, shown.datasource_type, shown.content.user_name, shown.content.password) == (
        'dws-warehouse',
        'DWS',
        'fdi_writer',
        None,
    )  # secrets are left out
    tables = client.list_datasource_tables(roma.ListDatasourceTablesRequest(instance_id=INSTANCE_ID, datasource_id=DWS_ID, position='TARGET', filter='order'))
    assert tables.tables == ['orders', 'order_items', 'orders_history']
    columns = client.list_datasource_columns(
        roma.ListDatasourceColumnsRequest(instance_id=INSTANCE_ID, datasource_id=MYSQL_ID, position='SOURCE', table_name='customers')
    )
    first_two = [(column.field_name, column.field_type, column.field_length) for column in columns.columns][:2]
    assert first_two == [('id', 'bigint', '20'), ('name', 'varchar', '128')]

    body = roma.MultiTaskInitBody(
        ext_info=roma.MultiTaskInitBodyExtInfo(server_id='1001'),
        source_datasource_id=MYSQL_ID,
        target_datasource_id=DWS_ID,
        task_id='sdk-composite',
        auto_mapping=True,
    )
    initialised = client.install_multi_tasks(roma.InstallMultiTasksRequest(instance_id=INSTANCE_ID, body=body))
    element = initialised.body[0]
    assert (element.task_id, element.mappings_total_count, element.source_datasource_name, element.ext_info.server_id) == (
        'sdk-composite',
        3,
        'mysql-orders',
        '1001',
    )
    assert element.mappings[0].mapping[0].target_column_type == 'int8' and element.mappings[0].status == 'AUTO'
    created = client.create_multi_tasks(
        roma.CreateMultiTasksRequest(
            instance_id=INSTANCE_ID,
            body=roma.MultiTaskRequestBody(task_name='sdk-composite-task', task_id='sdk-composite', operation_types=['INSERT', 'UPDATE']),
        )
    )
    assert created.task_id == 'sdk-composite'
    task = client.show_task(roma.ShowTaskRequest(instance_id=INSTANCE_ID, task_id='sdk-composite')).task
    assert (task.source_datasource_id, task.target_datasource_name) == (MYSQL_ID, 'dws-warehouse')

    mapping = roma.MultiTaskMappingCreateBody(
        ext_info=roma.MultiTaskInitElementExtInfo(server_id='1001'),
        source_datasource_id=MYSQL_ID,
        target_datasource_id=DWS_ID,
        source_table='orders',
        target_table='orders_history',
        mapping_columns=[roma.MappingInfo(source_column='id', target_column='id'), roma.MappingInfo(source_column='status', target_column='status')],
    )
    made = client.create_multi_task_mappings(roma.CreateMultiTaskMappingsRequest(instance_id=INSTANCE_ID, task_id='sdk-composite', body=mapping))
    assert len(made.mapping_id) == 32
    deleted = client.delete_multi_task_mapping(roma.DeleteMultiTaskMappingRequest(instance_id=INSTANCE_ID, task_id='sdk-composite', mapping_id=made.mapping_id))
    assert (deleted.status_code, deleted.mapping_id) == (200, made.mapping_id)
    with pytest.raises(exceptions.ClientRequestException) as missing:
        client.delete_multi_task_mapping(roma.DeleteMultiTaskMappingRequest(instance_id=INSTANCE_ID, task_id='sdk-composite', mapping_id=made.mapping_id))
    assert (missing.value.status_code, missing.value.error_code) == (400, 'FDI.3021')
    reset = client.reset_multi_task_offset(
        roma.ResetMultiTaskOffsetRequest(instance_id=INSTANCE_ID, task_id='sdk-composite', body=roma.MultiTaskResetBody(date_from=1630052714000))
    )
    assert reset.message == 'Reset Success'

    client.run_task(roma.RunTaskRequest(instance_id=INSTANCE_ID, task_id='sdk-composite'))
    infos = client.list_monitor_infos(roma.ListMonitorInfosRequest(instance_id=INSTANCE_ID, task_name='sdk', execute_status='RUNNING', limit=999))
    assert (infos.total, infos.entities[0].task_id, infos.entities[0].position, infos.entities[0].status) == (1, 'sdk-composite', 'WRITER', 1)
    logs = client.list_monitor_log(roma.ListMonitorLogRequest(instance_id=INSTANCE_ID, task_id='sdk-composite', limit=10, offset=0))
    assert logs.total == 1 and logs.entities[0].execute_status == 'RUNNING'
    assert [step.stage for step in logs.entities[0].detail_logs] == ['adapter', 'mysqlreader', 'dwswriter']
    assert [entry['route'] for entry in sim.log.since(0)] == [
        'list_datasources',
        'show_datasource',
        'list_datasource_tables',
        'list_datasource_columns',
        'init_multi_task',
        'create_multi_task',
        'show_task',
        'create_mapping',
        'delete_mapping',
        'delete_mapping',
        'reset_multi_task',
        'run_task',
        'list_task_monitors',
        'list_monitor_logs',
    ]
    assert all(entry['auth'] == 'aksk' for entry in sim.log.since(0))


def test_official_sdk_manages_data_sources_lists_by_data_source_pages_monitors_and_resets(server, sim):
    sim.config['start_delay_seconds'] = 0
    sim.store.declare_databases(
        [
            {
                'host': '10.1.0.5',
                'port': '3306',
                'database_name': 'shop',
                'users': {'fdi_reader': 'S3cret-one'},
                'tables': {'orders': [{'field_name': 'id', 'field_type': 'bigint', 'field_length': '20'}]},
            }
        ]
    )
    sim.store.seed_datasources(PROJECT_ID, INSTANCE_ID, demo_datasources(), sim.now_ms())
    client = sdk_client(server.url)

    def info(name, password, port='3306'):
        content = roma.Content(host='10.1.0.5', port=port, database_name='shop', user_name='fdi_reader', password=password, mode='default')
        return roma.DatasourceInfo(datasource_name=name, datasource_type='MYSQL', app_id='app-shop', content=content, description='The shop')

    created = client.create_datasource_info(roma.CreateDatasourceInfoRequest(instance_id=INSTANCE_ID, body=info('shop-db', 'S3cret-one')))
    assert created.status_code == 201 and len(created.datasource_id) == 32
    assert (created.datasource_name, created.content.port, created.content.password, created.description) == ('shop-db', '3306', None, 'The shop')
    datasource_id = created.datasource_id
    with pytest.raises(exceptions.ClientRequestException) as duplicate:
        client.create_datasource_info(roma.CreateDatasourceInfoRequest(instance_id=INSTANCE_ID, body=info('shop-db', 'x-1234')))
    assert (duplicate.value.status_code, duplicate.value.error_code, duplicate.value.error_msg) == (400, 'FDI.3033', 'Invalid parameter [datasource_name].')

    shown = client.show_dataource_detail(roma.ShowDataourceDetailRequest(instance_id=INSTANCE_ID, datasource_id=datasource_id))
    assert (shown.datasource_id, shown.content.user_name, shown.content.password) == (datasource_id, 'fdi_reader', None)
    tested = client.start_test_datasource(
        roma.StartTestDatasourceRequest(instance_id=INSTANCE_ID, datasource_id=datasource_id, body=info('shop-db', 'S3cret-one'))
    )
    assert tested.result is True
    with pytest.raises(exceptions.ClientRequestException) as refused:
        client.start_test_datasource(roma.StartTestDatasourceRequest(instance_id=INSTANCE_ID, datasource_id=datasource_id, body=info('shop-db', 'wrong')))
    assert (refused.value.status_code, refused.value.error_code, refused.value.error_msg) == (
        400,
        'FDI.3016',
        "Failed to test the connectivity. Access denied for user 'fdi_reader' (using password: YES)",
    )
    updated = client.update_datasource_info(
        roma.UpdateDatasourceInfoRequest(instance_id=INSTANCE_ID, datasource_id=datasource_id, body=info('shop-primary', 'S3cret-one', port='3306'))
    )
    assert (updated.datasource_name, updated.create_time) == ('shop-primary', created.create_time) and updated.update_time > created.update_time
    listed = client.list_datasources(roma.ListDatasourcesRequest(instance_id=INSTANCE_ID, app_id='app-shop', limit=10, offset=0))
    assert (listed.total, listed.entities[0].datasource_name, listed.entities[0].content.password) == (1, 'shop-primary', None)

    def composite(name, source, table):
        task_id = client.create_multi_tasks(
            roma.CreateMultiTasksRequest(
                instance_id=INSTANCE_ID, body=roma.MultiTaskRequestBody(task_name=name, operation_types=['INSERT'], source_app_id='sent-app')
            )
        ).task_id
        mapping = roma.MultiTaskMappingCreateBody(
            ext_info=roma.MultiTaskInitElementExtInfo(server_id='1'),
            source_datasource_id=source,
            target_datasource_id=DWS_ID,
            source_table=table,
            target_table=table,
        )
        client.create_multi_task_mappings(roma.CreateMultiTaskMappingsRequest(instance_id=INSTANCE_ID, task_id=task_id, body=mapping))
        return task_id

    from_shop = composite('from-shop', datasource_id, 'orders')
    from_demo = composite('from-demo', MYSQL_ID, 'customers')
    by_source = client.list_tasks(roma.ListTasksRequest(instance_id=INSTANCE_ID, source_datasource_id=datasource_id))
    assert [(entity.task_id, entity.source_app_id, entity.ext_type) for entity in by_source.entities] == [(from_shop, 'app-shop', 'CDC')]
    by_target = client.list_tasks(roma.ListTasksRequest(instance_id=INSTANCE_ID, target_datasource_id=DWS_ID, limit=0))
    assert [entity.task_id for entity in by_target.entities] == [from_shop, from_demo]
    with pytest.raises(exceptions.ClientRequestException) as in_use:
        client.delete_datasource_info_by_id(roma.DeleteDatasourceInfoByIdRequest(instance_id=INSTANCE_ID, datasource_id=datasource_id))
    assert (in_use.value.status_code, in_use.value.error_code) == (400, 'FDI.3208')

    reset = client.reset_multi_task_offset(
        roma.ResetMultiTaskOffsetRequest(instance_id=INSTANCE_ID, task_id=from_shop, body=roma.MultiTaskResetBody(date_from=1630052714000))
    )
    assert reset.message == 'Reset Success'
    assert [entry['date_from'] for entry in sim.store.get(PROJECT_ID, INSTANCE_ID, from_shop)['resets']] == [1630052714000]
    client.batch_start_or_stop_tasks(
        roma.BatchStartOrStopTasksRequest(
            instance_id=INSTANCE_ID, body=roma.OperateTasksBean(action_id='start', list=[roma.TaskBean(from_shop), roma.TaskBean(from_demo)])
        )
    )
    with pytest.raises(exceptions.ClientRequestException) as running:
        client.reset_multi_task_offset(roma.ResetMultiTaskOffsetRequest(instance_id=INSTANCE_ID, task_id=from_shop))
    assert (running.value.status_code, running.value.error_code) == (400, 'FDI.3023')

    pages = [client.list_monitor_infos(roma.ListMonitorInfosRequest(instance_id=INSTANCE_ID, offset=offset, limit=1)) for offset in (1, 2, 3)]
    assert [[entity.task_id for entity in page.entities] for page in pages] == [[from_shop], [from_demo], []]
    assert all(page.total == 2 for page in pages) and pages[0].entities[0].execute_status == 'RUNNING'
    logs = client.list_monitor_log(roma.ListMonitorLogRequest(instance_id=INSTANCE_ID, task_id=from_shop, offset=1, limit=10))
    assert logs.total == 1 and logs.entities[0].execute_status == 'RUNNING'

    client.batch_start_or_stop_tasks(
        roma.BatchStartOrStopTasksRequest(instance_id=INSTANCE_ID, body=roma.OperateTasksBean(action_id='stop', list=[roma.TaskBean(from_shop)]))
    )
    client.delete_task(roma.DeleteTaskRequest(instance_id=INSTANCE_ID, task_id=from_shop))
    deleted = client.delete_datasource_info_by_id(roma.DeleteDatasourceInfoByIdRequest(instance_id=INSTANCE_ID, datasource_id=datasource_id))
    assert deleted.status_code == 204
    with pytest.raises(exceptions.ClientRequestException) as missing:
        client.show_dataource_detail(roma.ShowDataourceDetailRequest(instance_id=INSTANCE_ID, datasource_id=datasource_id))
    assert (missing.value.status_code, missing.value.error_msg) == (400, 'Invalid parameter [datasource_id].')
    assert all(entry['auth'] == 'aksk' for entry in sim.log.since(0))
    assert [entry['route'] for entry in sim.log.since(0)][:7] == [
        'create_datasource',
        'create_datasource',
        'show_datasource',
        'test_datasource',
        'test_datasource',
        'update_datasource',
        'list_datasources',
    ]


# Fields of the SDK's response models that the simulator never sends, each for a reason (docs/api.md).
DELIBERATELY_LEFT_OUT = {
    'TaskBasicRsp.source_app_name',
    'TaskBasicRsp.target_app_name',  # app names are not modelled on tasks
    'TaskMonitorInfo.use_quartz_cron',
    'TaskMonitorInfo.cron',
    'TaskMonitorInfo.period',
    'TaskMonitorInfo.dispatch_interval',  # timed tasks only
    'TaskMonitorLog.read_spend_time',  # timed tasks only
    'Content.*',  # connection settings: only what was seeded
}


def test_every_response_matches_the_official_sdk_models(client, sim):
    """Every route, answered with rich data, carries only fields of its SDK model, of the right type, and all the others but a known few."""
    client.control('POST', 'datasources', {'instance_id': INSTANCE_ID, 'demo': True})
    client.control('POST', 'config', {'start_delay_seconds': 0})
    client.control('POST', 'outcomes', {'instance_id': INSTANCE_ID, 'task_name': 'failing-task', 'result': 'error', 'data_count': 5})
    checked = []

    def check(method, path, model, body=None, query=None, status=200):
        response = client.request(method, path, body, query=query)
        assert response.status == status, (path, response.body)
        document = response.json() if response.body else None
        assert_model(document, model)
        checked.append((model, document))
        return document

    init = check(
        'POST',
        api_path('multi-tasks', 'init'),
        'list[MultiTaskInitElement]',
        {'task_id': 'rich-task', 'source_datasource_id': MYSQL_ID, 'target_datasource_id': DWS_ID, 'ext_info': {'server_id': '1'}, 'auto_mapping': True},
    )
    assert init[0]['task_id'] == 'rich-task'
    check(
        'POST',
        api_path('multi-tasks'),
        'CreateMultiTasksResponse',
        {
            'task_name': 'rich-task',
            'task_id': 'rich-task',
            'operation_types': ['INSERT'],
            'description': 'd',
            'task_tag': 'tag-1',
            'source_app_id': 'app-1',
            'target_app_id': 'app-2',
        },
    )
    check('PUT', api_path('multi-tasks', 'rich-task'), 'UpdateMultiTasksResponse', {'operation_types': ['INSERT', 'DELETE'], 'repulling_snapshot': True})
    mapping_id = check(
        'POST',
        api_path('multi-tasks', 'rich-task', 'mappings'),
        'CreateMultiTaskMappingsResponse',
        {'source_datasource_id': MYSQL_ID, 'target_datasource_id': DWS_ID, 'source_table': 'orders', 'target_table': 'orders_history'},
    )['mapping_id']
    check(
        'PUT',
        api_path('multi-tasks', 'rich-task', 'mappings', mapping_id),
        'CreateMultiTaskMappingsResponse',
        {
            'source_datasource_id': MYSQL_ID,
            'target_datasource_id': DWS_ID,
            'source_table': 'orders',
            'target_table': 'orders_history',
            'mapping_columns': [{'source_column': 'id', 'target_column': 'id'}],
        },
    )
    check('GET', api_path('multi-tasks', 'rich-task', 'mappings'), 'MultiTaskInitElement', query={'limit': 1000})
    check('DELETE', api_path('multi-tasks', 'rich-task', 'mappings', mapping_id), 'DeleteMultiTaskMappingResponse')
    check('POST', api_path('multi-tasks', 'rich-task', 'reset'), 'ResetMultiTaskOffsetResponse', {'date_from': 1})
    failing = client.create('failing-task')
    check(
        'POST',
        api_path('batch-operation', 'tasks'),
        'BatchStartOrStopTasksResponse',
        {'action_id': 'start', 'list': [{'task_id': 'rich-task'}, {'task_id': failing}, {'task_id': 'missing'}]},
    )
    check('GET', api_path('tasks'), 'ListTasksResponse', query={'limit': 999})
    check('GET', api_path('tasks'), 'ListTasksResponse', query={'datasource_id': MYSQL_ID, 'target_datasource_id': DWS_ID, 'limit': 0})
    check('GET', api_path('tasks', 'rich-task'), 'ShowTaskResponse')
    check('GET', api_path('task-monitors'), 'ListMonitorInfosResponse', query={'limit': 999})
    check('GET', api_path('task-monitors'), 'ListMonitorInfosResponse', query={'offset': 2, 'limit': 1})
    check('GET', api_path('tasks', 'rich-task', 'monitor-logs'), 'ListMonitorLogResponse')
    check('GET', api_path('tasks', failing, 'monitor-logs'), 'ListMonitorLogResponse')
    check('POST', api_path('tasks', failing, 'terminate'), 'StopTaskResponse')
    check('GET', api_path('datasources'), 'ListDatasourcesResponse', query={'limit': 999})
    check('GET', api_path('datasources', MYSQL_ID), 'ShowDataourceDetailResponse')
    check('GET', api_path('datasources', MYSQL_ID, 'tables'), 'ListDatasourceTablesResponse')
    check('GET', api_path('datasources', MYSQL_ID, 'columns'), 'ListDatasourceColumnsResponse', query={'table_name': 'orders'})
    info = {
        'datasource_name': 'shop-copy',
        'datasource_type': 'MYSQL',
        'app_id': 'app-shop',
        'description': 'A copy',
        'content': {'host': '192.168.0.10', 'port': 3306, 'database_name': 'shop', 'user_name': 'fdi_reader', 'password': 'Demo-MySQL-Passw0rd!'},
    }
    made = check('POST', api_path('datasources'), 'CreateDatasourceInfoResponse', info, status=201)
    check('PUT', api_path('datasources', made['datasource_id']), 'UpdateDatasourceInfoResponse', dict(info, datasource_name='shop-copy-2'))
    check('POST', api_path('datasources', made['datasource_id'], 'test-connect'), 'StartTestDatasourceResponse', info)
    check('DELETE', api_path('datasources', made['datasource_id']), 'DeleteDatasourceInfoByIdResponse', status=204)

    seen = {}
    for model, document in checked:
        model_fields_seen(document, model, seen)
    never_sent = {field for field, carried in seen.items() if not carried and not field.startswith('Content.')} | {'Content.*'}
    assert never_sent == DELIBERATELY_LEFT_OUT
