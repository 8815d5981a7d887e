"""multi-tasks/init, table mappings (create, list, modify, delete), multi-tasks/{id}/reset, and what show reports about them."""

from __future__ import annotations

import json
import re

import pytest
from sim_helpers import INSTANCE_ID, api_path, assert_model

HEX32 = re.compile(r'[0-9a-f]{32}')
MYSQL_ID, DWS_ID = 'a5e1b0d2c3f4e5a6b7c8d9e0f1a2b3c4', 'b6f2c1e3d4a5f6b7c8d9e0f1a2b3c4d5'
NOT_FOUND = {'error_code': 'FDI.3021', 'error_msg': 'One or more tasks do not exist.'}
NOT_FOUND_3081 = {'error_code': 'FDI.3081', 'error_msg': 'The task does not exist.'}
RUNNING = {'error_code': 'FDI.3023', 'error_msg': 'One or more tasks are running.'}
INVALID = {'error_code': 'FDI.3002', 'error_msg': 'Invalid parameters.'}
MISMATCH = {'error_code': 'FDI.3037', 'error_msg': 'The parameter in mapping information is invalid or does not match the task.'}
SERVER = {'server_id': '1001'}
ELEMENT_KEYS = {
    'ext_info',
    'task_id',
    'source_datasource_id',
    'target_datasource_id',
    'source_group',
    'target_group',
    'source_ds_id',
    'target_ds_id',
    'source_instance_id',
    'target_instance_id',
    'source_app_id',
    'target_app_id',
    'source_datasource_name',
    'target_datasource_name',
    'source_datasource_type',
    'target_datasource_type',
    'mappings',
    'mappings_total_count',
}
MAPPING_KEYS = ('id', 'source_table', 'target_table', 'status', 'source_columns', 'target_columns', 'mapping', 'updated_time', 'mapping_percent')


def invalid_parameter(field):
    return {'error_code': 'FDI.3033', 'error_msg': 'Invalid parameter [%s].' % field}


def call(client, method, *parts, **kwargs):
    response = client.request(method, api_path(*parts), kwargs.get('body'), query=kwargs.get('query'))
    return response.status, (response.json() if response.body else None)


def init(client, **body):
    return call(client, 'POST', 'multi-tasks', 'init', body=body)


def mapping_body(source_table='orders', target_table='orders', **fields):
    return dict(
        {'source_datasource_id': MYSQL_ID, 'target_datasource_id': DWS_ID, 'ext_info': SERVER, 'source_table': source_table, 'target_table': target_table},
        **fields,
    )


def mappings_of(client, task_id, **query):
    status, document = call(client, 'GET', 'multi-tasks', task_id, 'mappings', query=dict({'limit': 1000}, **query))
    assert status == 200, document
    assert_model(document, 'MultiTaskInitElement', required=ELEMENT_KEYS)
    return document


@pytest.fixture
def demo(client):
    client.control('POST', 'datasources', {'instance_id': INSTANCE_ID, 'demo': True})
    return client


@pytest.fixture
def task_id(demo):
    """A created task with the demo data sources and no mappings yet."""
    status, answer = init(demo, task_id='orders-to-dws', source_datasource_id=MYSQL_ID, target_datasource_id=DWS_ID, ext_info=SERVER)
    assert status == 200, answer
    assert demo.create('orders-to-dws', task_id='orders-to-dws') == 'orders-to-dws'
    return 'orders-to-dws'


# -- init -------------------------------------------------------------------------------------------------------


def test_init_with_auto_mapping_maps_same_named_tables_and_columns(demo):
    status, answer = init(demo, source_datasource_id=MYSQL_ID, target_datasource_id=DWS_ID, ext_info=SERVER, auto_mapping=True)
    assert status == 200 and isinstance(answer, list) and len(answer) == 1
    assert_model(answer, 'list[MultiTaskInitElement]')
    element = answer[0]
    assert set(element) == ELEMENT_KEYS and HEX32.fullmatch(element['task_id'])
    assert {
        key: element[key]
        for key in (
            'ext_info',
            'source_datasource_id',
            'target_datasource_id',
            'source_datasource_name',
            'target_datasource_name',
            'source_datasource_type',
            'target_datasource_type',
            'source_app_id',
            'source_ds_id',
            'source_instance_id',
            'mappings_total_count',
        )
    } == {
        'ext_info': SERVER,
        'source_datasource_id': MYSQL_ID,
        'target_datasource_id': DWS_ID,
        'source_datasource_name': 'mysql-orders',
        'target_datasource_name': 'dws-warehouse',
        'source_datasource_type': 'MYSQL',
        'target_datasource_type': 'DWS',
        'source_app_id': 'c7a3d2f4e5b6a7c8d9e0f1a2b3c4d5e6',
        'source_ds_id': MYSQL_ID,
        'source_instance_id': INSTANCE_ID,
        'mappings_total_count': 3,
    }
    assert [(m['source_table'], m['target_table'], m['status']) for m in element['mappings']] == [
        ('orders', 'orders', 'AUTO'),
        ('order_items', 'order_items', 'AUTO'),
        ('customers', 'customers', 'AUTO'),
    ]
    orders = element['mappings'][0]
    assert set(orders) == set(MAPPING_KEYS) and HEX32.fullmatch(orders['id']) and orders['mapping_percent'] == 100
    assert orders['mapping'][0] == {
        'source_column': 'id',
        'source_column_type': 'bigint',
        'source_column_length': '20',
        'target_column': 'id',
        'target_column_type': 'int8',
        'target_column_length': '19',
    }
    assert [column['field_name'] for column in orders['source_columns']] == ['id', 'customer_id', 'status', 'total_amount', 'created_at']
    assert orders['source_columns'][0] == {'field_name': 'id', 'field_type': 'bigint', 'field_length': '20'}
    assert demo.control('GET', 'inits')['inits'][0]['task_id'] == element['task_id']
    assert demo.request('GET', api_path('tasks', element['task_id'])).status == 400  # initialised is not created


def test_init_without_auto_mapping_or_body(demo):
    status, answer = init(demo, task_id='my-task-01', source_datasource_id=MYSQL_ID, target_datasource_id=DWS_ID, ext_info=SERVER)
    assert status == 200 and answer[0]['task_id'] == 'my-task-01' and answer[0]['mappings'] == [] and answer[0]['mappings_total_count'] == 0
    response = demo.request('POST', api_path('multi-tasks', 'init'), raw=b'')
    assert response.status == 200 and HEX32.fullmatch(response.json()[0]['task_id']) and response.json()[0]['source_datasource_id'] == ''


def test_init_again_replaces_and_init_of_an_existing_task_is_refused(demo):
    init(demo, task_id='retried', source_datasource_id=MYSQL_ID, target_datasource_id=DWS_ID, ext_info=SERVER, auto_mapping=True)
    status, answer = init(demo, task_id='retried', source_datasource_id=MYSQL_ID, target_datasource_id=DWS_ID, ext_info={'server_id': '7'}, auto_mapping=True)
    assert status == 200 and answer[0]['mappings_total_count'] == 3 and answer[0]['ext_info'] == {'server_id': '7'}
    assert len(demo.control('GET', 'mappings?task_id=retried')['mappings']) == 3  # replaced, not doubled
    assert [pending['task_id'] for pending in demo.control('GET', 'inits')['inits']] == ['retried']
    demo.create('retried-task', task_id='retried')
    assert init(demo, task_id='retried', source_datasource_id=MYSQL_ID) == (400, invalid_parameter('task_id'))
    assert demo.control('GET', 'inits')['inits'] == []


@pytest.mark.parametrize(
    'body,error',
    [
        ({'task_id': 'ab'}, invalid_parameter('task_id')),
        ({'task_id': 'a' * 51}, invalid_parameter('task_id')),
        ({'source_datasource_id': 'no-such-ds'}, invalid_parameter('source_datasource_id')),
        ({'source_datasource_id': DWS_ID, 'target_datasource_id': 'x' * 65}, invalid_parameter('target_datasource_id')),
        ({'source_datasource_id': MYSQL_ID, 'target_datasource_id': DWS_ID}, invalid_parameter('ext_info.server_id')),
        ({'source_datasource_id': MYSQL_ID, 'ext_info': {'server_id': 'x' * 21}}, invalid_parameter('ext_info.server_id')),
        ({'ext_info': 'server-1'}, invalid_parameter('ext_info')),
        ({'auto_mapping': True, 'source_datasource_id': MYSQL_ID, 'ext_info': SERVER}, INVALID),
        ({'auto_mapping': 'yes'}, invalid_parameter('auto_mapping')),
        ([], INVALID),
    ],
)
def test_init_validation(demo, body, error):
    status, answer = call(demo, 'POST', 'multi-tasks', 'init', body=body)
    assert (status, answer) == (400, error)
    assert demo.control('GET', 'inits')['inits'] == []


def test_create_adopts_the_initialised_task(demo):
    init(demo, task_id='adopted', source_datasource_id=MYSQL_ID, target_datasource_id=DWS_ID, ext_info=SERVER, auto_mapping=True)
    assert demo.create('adopted-task', task_id='adopted') == 'adopted'
    assert demo.control('GET', 'inits')['inits'] == []
    shown = demo.request('GET', api_path('tasks', 'adopted')).json()
    assert_model(shown, 'ShowTaskResponse')
    assert {key: shown['task'][key] for key in ('source_datasource_id', 'target_datasource_id', 'source_datasource_name', 'target_datasource_name')} == {
        'source_datasource_id': MYSQL_ID,
        'target_datasource_id': DWS_ID,
        'source_datasource_name': 'mysql-orders',
        'target_datasource_name': 'dws-warehouse',
    }
    detail = json.loads(shown['task_detail'])
    assert (detail['source_datasource_id'], detail['target_datasource_id'], detail['ext_info']) == (MYSQL_ID, DWS_ID, SERVER)
    document = mappings_of(demo, 'adopted')
    assert document['task_id'] == 'adopted' and document['mappings_total_count'] == 3 and len(document['mappings']) == 3
    plain = demo.create('plain-task')  # no init: no data sources, as before
    assert 'source_datasource_id' not in demo.request('GET', api_path('tasks', plain)).json()['task']


def test_mappings_made_on_an_initialised_task_move_with_it(demo):
    init(demo, task_id='console-flow', source_datasource_id=MYSQL_ID, target_datasource_id=DWS_ID, ext_info=SERVER)
    status, created = call(demo, 'POST', 'multi-tasks', 'console-flow', 'mappings', body=mapping_body())
    assert status == 200 and HEX32.fullmatch(created['mapping_id'])
    demo.create('console-flow-task', task_id='console-flow')
    assert [mapping['id'] for mapping in mappings_of(demo, 'console-flow')['mappings']] == [created['mapping_id']]


# -- mappings ---------------------------------------------------------------------------------------------------


def test_create_with_columns_and_list(task_id, demo):
    columns = [
        {'source_column': 'id', 'target_column': 'id'},
        {
            'source_column': 'total_amount',
            'source_column_type': 'decimal',
            'source_column_length': 14,
            'target_column': 'total_amount',
            'target_column_type': 'numeric',
            'target_column_length': '14',
        },
    ]
    status, created = call(demo, 'POST', 'multi-tasks', task_id, 'mappings', body=mapping_body(mapping_columns=columns))
    assert status == 200 and set(created) == {'mapping_id'}
    assert_model(created, 'CreateMultiTaskMappingsResponse', required=('mapping_id',))
    document = mappings_of(demo, task_id)
    assert document['mappings_total_count'] == 1 and document['source_datasource_name'] == 'mysql-orders'
    mapping = document['mappings'][0]
    assert (mapping['id'], mapping['status'], mapping['mapping_percent']) == (created['mapping_id'], 'MANUAL', 40)
    assert mapping['mapping'] == [
        {
            'source_column': 'id',
            'source_column_type': 'bigint',
            'source_column_length': '20',
            'target_column': 'id',
            'target_column_type': 'int8',
            'target_column_length': '19',
        },
        {
            'source_column': 'total_amount',
            'source_column_type': 'decimal',
            'source_column_length': '14',
            'target_column': 'total_amount',
            'target_column_type': 'numeric',
            'target_column_length': '14',
        },
    ]
    assert mapping['updated_time'] > 1600000000000


def test_one_source_table_to_two_targets_but_never_the_same_pair_twice(task_id, demo):
    assert call(demo, 'POST', 'multi-tasks', task_id, 'mappings', body=mapping_body())[0] == 200
    status, created = call(demo, 'POST', 'multi-tasks', task_id, 'mappings', body=mapping_body(target_table='orders_history'))
    assert status == 200
    history = mappings_of(demo, task_id, target_table='orders_history')['mappings'][0]
    assert history['id'] == created['mapping_id'] and [entry['target_column'] for entry in history['mapping']] == [
        'id',
        'customer_id',
        'status',
        'total_amount',
        'created_at',
    ]  # same-named columns; archived_at has no source
    assert history['mapping_percent'] == 83
    assert call(demo, 'POST', 'multi-tasks', task_id, 'mappings', body=mapping_body()) == (400, MISMATCH)
    assert mappings_of(demo, task_id)['mappings_total_count'] == 2


@pytest.mark.parametrize(
    'body,error',
    [
        (mapping_body(source_table='no_such_table'), MISMATCH),
        (mapping_body(target_table='customers', mapping_columns=[{'source_column': 'status', 'target_column': 'status'}]), MISMATCH),
        (mapping_body(mapping_columns=[{'source_column': 'nope', 'target_column': 'id'}]), MISMATCH),
        (mapping_body(source_datasource_id=DWS_ID, target_datasource_id=MYSQL_ID), MISMATCH),
        (mapping_body(ext_info={'server_id': '2'}), MISMATCH),
        (dict(mapping_body(), source_datasource_id=None), INVALID),
        (dict(mapping_body(), target_datasource_id=''), INVALID),
        (dict(mapping_body(), source_table=None), INVALID),
        ({'target_datasource_id': DWS_ID}, INVALID),
        (['not', 'an', 'object'], INVALID),
        (mapping_body(source_datasource_id='x' * 65), invalid_parameter('source_datasource_id')),
        (mapping_body(source_table='t' * 257), invalid_parameter('source_table')),
        (mapping_body(target_table=7), invalid_parameter('target_table')),
        (mapping_body(mapping_columns=[]), invalid_parameter('mapping_columns')),
        (mapping_body(mapping_columns=[{'source_column': 'id'}]), invalid_parameter('mapping_columns')),
        (mapping_body(mapping_columns=[{'source_column': 'id', 'target_column': 'c' * 257}]), invalid_parameter('mapping_columns')),
        (
            mapping_body(mapping_columns=[{'source_column': 'id', 'target_column': 'id'}, {'source_column': 'status', 'target_column': 'id'}]),
            invalid_parameter('mapping_columns'),
        ),
        (mapping_body(mapping_columns=['id']), invalid_parameter('mapping_columns')),
        (mapping_body(source_columns=[{'field_type': 'int'}]), invalid_parameter('source_columns')),
        (mapping_body(target_columns=[]), invalid_parameter('target_columns')),
        (mapping_body(source_columns=[{'field_name': 'id', 'field_length': ['20']}]), invalid_parameter('source_columns')),
        (mapping_body(ext_info={'server_id': 's' * 21}), invalid_parameter('ext_info.server_id')),
    ],
)
def test_mapping_validation(task_id, demo, body, error):
    assert call(demo, 'POST', 'multi-tasks', task_id, 'mappings', body=body) == (400, error)
    assert mappings_of(demo, task_id)['mappings_total_count'] == 0


def test_given_column_lists_are_kept(task_id, demo):
    body = mapping_body(
        source_columns=[{'field_name': 'id', 'field_type': 'bigint', 'field_length': 20}],
        target_columns=[{'field_name': 'id', 'field_type': 'int8', 'field_length': '19'}],
        mapping_columns=[{'source_column': 'id', 'target_column': 'id'}],
    )
    assert call(demo, 'POST', 'multi-tasks', task_id, 'mappings', body=body)[0] == 200
    mapping = mappings_of(demo, task_id)['mappings'][0]
    assert mapping['source_columns'] == [{'field_name': 'id', 'field_type': 'bigint', 'field_length': '20'}] and mapping['mapping_percent'] == 100


def test_a_task_made_without_init_takes_the_data_sources_of_its_first_mapping(demo):
    plain = demo.create('plain-task')
    assert call(demo, 'POST', 'multi-tasks', plain, 'mappings', body=dict(mapping_body(), ext_info=None)) == (
        400,
        invalid_parameter('ext_info.server_id'),
    )  # the MySQL source needs the server ID somewhere
    assert call(demo, 'POST', 'multi-tasks', plain, 'mappings', body=mapping_body(source_datasource_id='no-such-ds')) == (
        400,
        invalid_parameter('source_datasource_id'),
    )
    assert call(demo, 'POST', 'multi-tasks', plain, 'mappings', body=mapping_body())[0] == 200
    task = demo.request('GET', api_path('tasks', plain)).json()['task']
    assert (task['source_datasource_id'], task['target_datasource_name']) == (MYSQL_ID, 'dws-warehouse')
    assert json.loads(demo.request('GET', api_path('tasks', plain)).json()['task_detail'])['ext_info'] == SERVER
    status, answer = call(demo, 'POST', 'multi-tasks', plain, 'mappings', body=dict(mapping_body('customers', 'customers'), ext_info=None))
    assert status == 200, answer  # from now on the task's server ID serves


def test_modify_and_delete(task_id, demo):
    first = call(demo, 'POST', 'multi-tasks', task_id, 'mappings', body=mapping_body())[1]['mapping_id']
    second = call(demo, 'POST', 'multi-tasks', task_id, 'mappings', body=mapping_body('customers', 'customers'))[1]['mapping_id']
    status, answer = call(
        demo, 'PUT', 'multi-tasks', task_id, 'mappings', first, body=mapping_body(mapping_columns=[{'source_column': 'status', 'target_column': 'status'}])
    )
    assert (status, answer) == (200, {'mapping_id': first})
    mapping = mappings_of(demo, task_id, source_table='orders')['mappings'][0]
    assert (mapping['status'], [entry['target_column'] for entry in mapping['mapping']]) == ('UPDATE', ['status'])
    assert call(demo, 'PUT', 'multi-tasks', task_id, 'mappings', first, body=mapping_body('customers', 'customers')) == (400, MISMATCH)
    assert call(demo, 'PUT', 'multi-tasks', task_id, 'mappings', first, body=mapping_body('orders', 'orders_history'))[0] == 200
    assert call(demo, 'DELETE', 'multi-tasks', task_id, 'mappings', second) == (200, {'mapping_id': second})
    assert [m['target_table'] for m in mappings_of(demo, task_id)['mappings']] == ['orders_history']
    assert call(demo, 'DELETE', 'multi-tasks', task_id, 'mappings', second) == (400, NOT_FOUND)


def test_list_paging_filters_and_limits(task_id, demo):
    for source, target in (('orders', 'orders'), ('orders', 'orders_history'), ('order_items', 'order_items'), ('customers', 'customers')):
        assert call(demo, 'POST', 'multi-tasks', task_id, 'mappings', body=mapping_body(source, target))[0] == 200

    def pairs(**query):
        return [(m['source_table'], m['target_table']) for m in mappings_of(demo, task_id, **query)['mappings']]

    assert len(pairs()) == 4
    default_page = call(demo, 'GET', 'multi-tasks', task_id, 'mappings')[1]
    assert (len(default_page['mappings']), default_page['mappings_total_count']) == (4, 4)
    page = mappings_of(demo, task_id, limit=2, offset=1)
    assert [(m['source_table'], m['target_table']) for m in page['mappings']] == [('orders', 'orders_history'), ('order_items', 'order_items')]
    assert page['mappings_total_count'] == 4
    assert pairs(source_table='orders') == [('orders', 'orders'), ('orders', 'orders_history')]
    assert pairs(target_table='orders') == [('orders', 'orders')]
    assert pairs(table_name='order') == [('orders', 'orders'), ('orders', 'orders_history'), ('order_items', 'order_items')]
    assert pairs(table_name='history') == [('orders', 'orders_history')]
    assert pairs(source_datasource_id=MYSQL_ID, target_datasource_id=DWS_ID) == pairs()
    filtered = mappings_of(demo, task_id, source_datasource_id=DWS_ID)
    assert (filtered['mappings'], filtered['mappings_total_count'], filtered['source_datasource_id']) == ([], 0, MYSQL_ID)
    for query in ({'limit': 0}, {'limit': 1001}, {'limit': 'all'}, {'offset': -1}, {'offset': 'x'}):
        field = 'limit' if 'limit' in query else 'offset'
        assert call(demo, 'GET', 'multi-tasks', task_id, 'mappings', query=query) == (400, invalid_parameter(field))


def test_mapping_changes_on_a_running_task_are_refused(task_id, demo):
    mapping_id = call(demo, 'POST', 'multi-tasks', task_id, 'mappings', body=mapping_body())[1]['mapping_id']
    demo.request('POST', api_path('batch-operation', 'tasks'), {'action_id': 'start', 'list': [{'task_id': task_id}]})
    assert call(demo, 'POST', 'multi-tasks', task_id, 'mappings', body=mapping_body('customers', 'customers')) == (400, RUNNING)
    assert call(demo, 'PUT', 'multi-tasks', task_id, 'mappings', mapping_id, body=mapping_body()) == (400, RUNNING)
    assert call(demo, 'DELETE', 'multi-tasks', task_id, 'mappings', mapping_id) == (400, RUNNING)
    assert mappings_of(demo, task_id)['mappings_total_count'] == 1  # reading is fine


def test_deleting_a_task_deletes_its_mappings(task_id, demo):
    call(demo, 'POST', 'multi-tasks', task_id, 'mappings', body=mapping_body())
    assert demo.request('DELETE', api_path('tasks', task_id)).status == 204
    assert demo.control('GET', 'mappings')['mappings'] == []
    assert demo.create('orders-to-dws', task_id=task_id) == task_id  # the same ID again starts without mappings
    assert call(demo, 'GET', 'multi-tasks', task_id, 'mappings')[1]['mappings'] == []


@pytest.mark.parametrize('form,status,error', [('FDI.3021', 400, NOT_FOUND), ('FDI.3081', 404, NOT_FOUND_3081)])
@pytest.mark.parametrize(
    'method,parts,body',
    [
        ('POST', ('multi-tasks', 'no-such-task', 'mappings'), mapping_body()),
        ('GET', ('multi-tasks', 'no-such-task', 'mappings'), None),
        ('PUT', ('multi-tasks', 'no-such-task', 'mappings', 'm-1'), mapping_body()),
        ('DELETE', ('multi-tasks', 'no-such-task', 'mappings', 'm-1'), None),
        ('PUT', ('multi-tasks', 'orders-to-dws', 'mappings', 'no-such-mapping'), mapping_body()),
        ('DELETE', ('multi-tasks', 'orders-to-dws', 'mappings', 'no-such-mapping'), None),
        ('POST', ('multi-tasks', 'no-such-task', 'reset'), {'date_from': 1630052714000}),
    ],
)
def test_unknown_task_or_mapping_in_either_not_found_form(task_id, demo, form, status, error, method, parts, body):
    demo.control('POST', 'config', {'not_found': form})
    assert call(demo, method, *parts, body=body) == (status, error)


# -- reset ------------------------------------------------------------------------------------------------------


def stored_task(client, task_id):
    return next(task for task in client.control('GET', 'tasks')['tasks'] if task['task_id'] == task_id)


def test_reset_offset_records_each_reset(task_id, demo):
    assert stored_task(demo, task_id)['resets'] == [] and stored_task(demo, task_id)['reset_date_from'] is None
    status, answer = call(demo, 'POST', 'multi-tasks', task_id, 'reset', body={'date_from': 1630052714000})
    assert (status, answer) == (200, {'message': 'Reset Success'})
    assert_model(answer, 'ResetMultiTaskOffsetResponse', required=('message',))
    task = stored_task(demo, task_id)
    assert task['reset_date_from'] == 1630052714000 and task['reset_time'] > 0
    assert task['resets'] == [{'date_from': 1630052714000, 'time': task['reset_time']}]
    assert demo.request('POST', api_path('multi-tasks', task_id, 'reset'), raw=b'').status == 200  # date_from may be left out
    assert call(demo, 'POST', 'multi-tasks', task_id, 'reset', body={'date_from': 9999999999999999999})[0] == 200
    assert call(demo, 'POST', 'multi-tasks', task_id, 'reset', body={}) == (200, {'message': 'Reset Success'})
    task = stored_task(demo, task_id)
    assert [reset['date_from'] for reset in task['resets']] == [1630052714000, None, 9999999999999999999, None]
    assert task['reset_date_from'] is None and task['reset_time'] == task['resets'][-1]['time']


def test_reset_offset_validation_and_a_running_task(task_id, demo):
    for bad in (0, -5, 'yesterday', 1.5, True, 10**19):
        assert call(demo, 'POST', 'multi-tasks', task_id, 'reset', body={'date_from': bad}) == (400, invalid_parameter('date_from'))
    assert call(demo, 'POST', 'multi-tasks', task_id, 'reset', body=[1]) == (400, INVALID)
    assert call(demo, 'POST', 'batch-operation', 'tasks', body={'action_id': 'start', 'list': [{'task_id': task_id}]})[0] == 200
    assert call(demo, 'POST', 'multi-tasks', task_id, 'reset', body={'date_from': 1}) == (400, RUNNING)
    assert call(demo, 'POST', 'multi-tasks', task_id, 'reset', body={'date_from': 0}) == (400, invalid_parameter('date_from'))  # body first
    assert stored_task(demo, task_id)['resets'] == []
    assert call(demo, 'POST', 'batch-operation', 'tasks', body={'action_id': 'stop', 'list': [{'task_id': task_id}]})[0] == 200
    assert call(demo, 'POST', 'multi-tasks', task_id, 'reset', body={'date_from': 1})[0] == 200


@pytest.mark.parametrize('form,status,error', [('FDI.3021', 400, NOT_FOUND), ('FDI.3081', 404, NOT_FOUND_3081)])
def test_reset_offset_of_what_is_not_a_composite_task(demo, form, status, error):
    demo.control('POST', 'config', {'not_found': form})
    init(demo, task_id='only-initialised')
    ordinary = demo.control('POST', 'seed', {'instance_id': INSTANCE_ID, 'count': 1, 'name_prefix': 'ordinary-', 'kind': 'ordinary'})['task_ids'][0]
    for task_id in ('no-such-task', 'only-initialised', ordinary):
        assert call(demo, 'POST', 'multi-tasks', task_id, 'reset', body={'date_from': 1}) == (status, error), task_id


def test_initialised_tasks_and_mappings_survive_a_restart(tmp_path):
    from roma_sim.auth import Accounts  # pylint: disable=import-outside-toplevel
    from roma_sim.server import Simulator  # pylint: disable=import-outside-toplevel

    state_file = str(tmp_path / 'state.json')
    first = Simulator(Accounts.default(), state_file=state_file, demo_instances=[INSTANCE_ID])
    project = first.default_project_id
    first.store.init(
        project, INSTANCE_ID, {'task_id': 'kept', 'source_datasource_id': MYSQL_ID, 'target_datasource_id': DWS_ID, 'ext_info': SERVER, 'auto_mapping': True}, 1
    )
    first.store.init(project, INSTANCE_ID, {'task_id': 'pending'}, 2)
    first.store.create(project, INSTANCE_ID, {'task_name': 'kept-task', 'task_id': 'kept', 'operation_types': ['INSERT']}, 3)
    second = Simulator(Accounts.default(), state_file=state_file)
    assert second.store.all_mappings() == first.store.all_mappings() and len(second.store.all_mappings()) == 3
    assert [pending['task_id'] for pending in second.store.all_pending()] == ['pending']
    assert second.store.list_mappings(project, INSTANCE_ID, 'kept', {})['source_datasource_name'] == 'mysql-orders'
