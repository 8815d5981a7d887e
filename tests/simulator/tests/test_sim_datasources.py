"""Data sources: seeding (control API, demo pair, state file) and the list/show/tables/columns routes."""

from __future__ import annotations

import json

import pytest
from sim_helpers import INSTANCE_ID, PROJECT_ID, SimClient, SimulatorProcess, api_path, assert_model

MYSQL_ID, DWS_ID = 'a5e1b0d2c3f4e5a6b7c8d9e0f1a2b3c4', 'b6f2c1e3d4a5f6b7c8d9e0f1a2b3c4d5'
RSP_KEYS = {
    'datasource_id',
    'datasource_name',
    'datasource_type',
    'vpc_id',
    'app_id',
    'app_name',
    'instance_id',
    'create_time',
    'update_time',
    'custom_plugin_id',
    'content',
    'description',
    'app_permission',
}


def get(client, *parts, **query):
    response = client.request('GET', api_path(*parts), query=query or None)
    return response.status, response.json()


def invalid_parameter(field):
    return {'error_code': 'FDI.3033', 'error_msg': 'Invalid parameter [%s].' % field}


@pytest.fixture
def demo(client):
    assert client.control('POST', 'datasources', {'instance_id': INSTANCE_ID, 'demo': True}) == {'created': 2, 'datasource_ids': [MYSQL_ID, DWS_ID]}
    return client


def test_demo_pair_listed_with_connection_settings_but_no_secrets_and_sdk_shape(demo):
    status, document = get(demo, 'datasources')
    assert status == 200 and (document['total'], document['size']) == (2, 2)
    assert_model(document, 'ListDatasourcesResponse', required=('total', 'size', 'entities'))
    mysql, dws = document['entities']
    assert set(mysql) == RSP_KEYS and 'tables' not in mysql
    assert (mysql['datasource_id'], mysql['datasource_name'], mysql['datasource_type'], mysql['app_name']) == (MYSQL_ID, 'mysql-orders', 'MYSQL', 'orders-app')
    assert mysql['content'] == {
        'host': '192.168.0.10',
        'port': '3306',
        'database_name': 'shop',
        'user_name': 'fdi_reader',
        'mode': 'default',
        'encoding': 'utf8',
    }  # datasource_secrets "omit" (the default): no password
    assert (dws['datasource_name'], dws['datasource_type'], dws['instance_id']) == ('dws-warehouse', 'DWS', INSTANCE_ID)
    assert mysql['create_time'] > 1600000000000
    status, shown = get(demo, 'datasources', DWS_ID)
    assert status == 200 and shown == dws
    assert_model(shown, 'ShowDataourceDetailResponse', required=RSP_KEYS)


def test_list_filters_paging_and_sorting(demo):
    demo.control(
        'POST',
        'datasources',
        {
            'instance_id': INSTANCE_ID,
            'datasources': [
                {'datasource_id': 'ds-pg', 'datasource_name': 'pg-ORDERS-copy', 'datasource_type': 'POSTGRESQL', 'app_id': 'app-2', 'create_time': 1}
            ],
        },
    )

    def names(**query):
        return [entity['datasource_name'] for entity in get(demo, 'datasources', **query)[1]['entities']]

    assert names() == ['pg-ORDERS-copy', 'mysql-orders', 'dws-warehouse']  # creation time order
    assert names(sort_type='DESC') == ['dws-warehouse', 'mysql-orders', 'pg-ORDERS-copy']
    assert names(name='orders') == ['mysql-orders']  # a case-sensitive substring
    assert names(name='ORDERS') == ['pg-ORDERS-copy']
    assert names(datasource_type='DWS') == ['dws-warehouse'] and names(app_id='app-2') == ['pg-ORDERS-copy']
    assert names(limit=1, offset=1) == ['mysql-orders'] and get(demo, 'datasources', limit=1)[1]['total'] == 3
    assert names(offset=-5, limit=2) == ['pg-ORDERS-copy', 'mysql-orders']
    assert len(names(limit=5000)) == 3
    assert names(instance_id='x') == names()  # query parameters the simulator does not know are ignored
    assert get(demo, 'datasources', instance_id=None)[0] == 200


@pytest.mark.parametrize(
    'query,field',
    [
        ({'limit': 0}, 'limit'),
        ({'limit': 'ten'}, 'limit'),
        ({'offset': 'x'}, 'offset'),
        ({'datasource_type': 'mysql'}, 'datasource_type'),
        ({'sort_type': 'UP'}, 'sort_type'),
        ({'sort_field': 'NAME'}, 'sort_field'),
    ],
)
def test_list_validation(demo, query, field):
    assert get(demo, 'datasources', **query) == (400, invalid_parameter(field))


def test_tables_and_columns(demo):
    status, document = get(demo, 'datasources', MYSQL_ID, 'tables', position='SOURCE')
    assert (status, document) == (200, {'tables': ['orders', 'order_items', 'customers']})
    assert_model(document, 'ListDatasourceTablesResponse', required=('tables',))
    assert get(demo, 'datasources', DWS_ID, 'tables', position='TARGET', filter='orders')[1] == {'tables': ['orders', 'orders_history']}
    assert get(demo, 'datasources', DWS_ID, 'tables')[1]['tables'] == ['orders', 'order_items', 'customers', 'orders_history']
    status, document = get(demo, 'datasources', MYSQL_ID, 'columns', position='SOURCE', table_name='orders')
    assert status == 200 and [column['field_name'] for column in document['columns']] == ['id', 'customer_id', 'status', 'total_amount', 'created_at']
    assert_model(document, 'ListDatasourceColumnsResponse', required=('columns',))
    assert document['columns'][0] == {
        'field_name': 'id',
        'field_type': 'bigint',
        'field_length': '20',
        'null_able': '0',
        'is_partition': False,
        'primary': '1',
        'unique': '1',
        'decimal_digits': '0',
    }
    assert document['columns'][3]['decimal_digits'] == '2' and document['columns'][2]['decimal_digits'] is None
    assert get(demo, 'datasources', MYSQL_ID, 'columns', table_name='nope') == (400, invalid_parameter('table_name'))
    assert get(demo, 'datasources', MYSQL_ID, 'columns') == (400, invalid_parameter('table_name'))
    assert get(demo, 'datasources', MYSQL_ID, 'tables', position='MIDDLE') == (400, invalid_parameter('position'))


@pytest.mark.parametrize('parts', [('datasources', 'no-such-ds'), ('datasources', 'no-such-ds', 'tables'), ('datasources', 'no-such-ds', 'columns')])
def test_unknown_data_source_is_invalid_datasource_id(demo, parts):
    assert get(demo, *parts, table_name='orders') == (400, invalid_parameter('datasource_id'))


def test_data_sources_are_per_instance(demo):
    assert get(demo, 'datasources', instance_id=None)[1]['total'] == 2
    response = demo.request('GET', api_path('datasources', instance_id='inst-2'))
    assert response.json() == {'total': 0, 'size': 0, 'entities': []}
    assert demo.request('GET', api_path('datasources', MYSQL_ID, instance_id='inst-2')).status == 400


def test_seed_validation_upsert_and_control_listing(client):
    bad = [
        {},
        {'instance_id': INSTANCE_ID},
        {'instance_id': INSTANCE_ID, 'datasources': []},
        {'instance_id': INSTANCE_ID, 'datasources': [{'datasource_name': 'x', 'datasource_type': 'NOPE'}]},
        {'instance_id': INSTANCE_ID, 'datasources': [{'datasource_name': '', 'datasource_type': 'MYSQL'}]},
        {'instance_id': INSTANCE_ID, 'datasources': [{'datasource_name': 'x', 'datasource_type': 'MYSQL', 'tables': {'t': [{'field_name': 'a'}]}}]},
        {'instance_id': INSTANCE_ID, 'datasources': [{'datasource_name': 'x', 'datasource_type': 'MYSQL', 'content': 'host=1'}]},
    ]
    for body in bad:
        response = client.request('POST', '/_sim/datasources', body)
        assert response.status == 400 and response.json()['error'], body
    created = client.control(
        'POST',
        'datasources',
        {
            'instance_id': INSTANCE_ID,
            'datasources': [
                {'datasource_name': 'kafka-in', 'datasource_type': 'KAFKA', 'tables': {'t1': [{'field_name': 'a', 'field_type': 'string', 'field_length': 10}]}}
            ],
        },
    )
    generated = created['datasource_ids'][0]
    assert len(generated) == 32
    stored = client.control('GET', 'datasources?instance_id=%s' % INSTANCE_ID)['datasources']
    assert stored[0]['tables']['t1'][0]['field_length'] == '10' and stored[0]['project_id'] == PROJECT_ID
    client.control(
        'POST',
        'datasources',
        {'instance_id': INSTANCE_ID, 'datasources': [{'datasource_id': generated, 'datasource_name': 'kafka-renamed', 'datasource_type': 'KAFKA'}]},
    )
    assert [entity['datasource_name'] for entity in get(client, 'datasources')[1]['entities']] == ['kafka-renamed']  # replaced
    assert client.control('GET', 'datasources?instance_id=other') == {'datasources': []}


def test_command_line_demo_flag_state_file_and_reset(tmp_path):
    state_file = tmp_path / 'state.json'
    state_file.write_text(
        json.dumps(
            {
                'format': 1,
                'tasks': [],
                'datasources': [
                    {
                        'instance_id': 'inst-file',
                        'datasource_id': 'ds-file',
                        'datasource_name': 'from-the-file',
                        'datasource_type': 'ORACLE',
                        'content': {'host': 'db', 'user_name': 'u', 'password': 'file-secret'},
                        'tables': {'T1': [{'field_name': 'C1', 'field_type': 'NUMBER'}]},
                    }
                ],
            }
        ),
        encoding='utf-8',
    )
    simulator = SimulatorProcess('--demo-datasources', INSTANCE_ID, '--demo-datasources', 'inst-2', '--state-file', str(state_file)).start()
    try:
        client = SimClient(simulator.url)
        client.token = client.control('POST', 'tokens', {})['token']
        for instance_id in (INSTANCE_ID, 'inst-2'):
            listed = client.request('GET', api_path('datasources', instance_id=instance_id)).json()
            assert [entity['datasource_name'] for entity in listed['entities']] == ['mysql-orders', 'dws-warehouse']
        from_file = client.request('GET', api_path('datasources', 'ds-file', instance_id='inst-file')).json()
        assert from_file['content'] == {'host': 'db', 'user_name': 'u'} and from_file['datasource_type'] == 'ORACLE'
        columns = client.request('GET', api_path('datasources', 'ds-file', 'columns', instance_id='inst-file'), query={'table_name': 'T1'}).json()
        assert columns['columns'][0]['field_name'] == 'C1'
        client.control('POST', 'reset')
        client.token = client.control('POST', 'tokens', {})['token']  # a reset forgets the tokens
        assert client.request('GET', api_path('datasources', instance_id='inst-2')).json()['total'] == 2  # the demo seed survives a reset
        assert client.request('GET', api_path('datasources', instance_id='inst-file')).json()['total'] == 0
        client.close()
    finally:
        assert simulator.stop() == 0
    saved = json.loads(state_file.read_text(encoding='utf-8'))['datasources']
    assert sorted((entry['instance_id'], entry['datasource_name']) for entry in saved) == [
        ('inst-1', 'dws-warehouse'),
        ('inst-1', 'mysql-orders'),
        ('inst-2', 'dws-warehouse'),
        ('inst-2', 'mysql-orders'),
    ]
