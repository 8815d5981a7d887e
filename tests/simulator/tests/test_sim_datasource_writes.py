"""Data-source management: create, update, delete, test-connect, secrets in answers, and the declared databases behind them."""

from __future__ import annotations

import json
import re

import pytest
from sim_helpers import DWS_ID, INSTANCE_ID, MYSQL_ID, ORDERS_MAPPING, SimClient, SimulatorProcess, api_path, assert_model

HEX32 = re.compile(r'[0-9a-f]{32}')
INVALID = {'error_code': 'FDI.3002', 'error_msg': 'Invalid parameters.'}
IN_USE = {'error_code': 'FDI.3208', 'error_msg': 'The data source is used by one or more tasks.'}
APP_ID = 'e9c5f4b6a7d8e9f0a1b2c3d4e5f6a7b8'
SHOP = {
    'host': '10.1.0.5',
    'port': '3306',
    'database_name': 'shop',
    'users': {'fdi_reader': 'S3cret-one'},
    'tables': {
        'orders': [{'field_name': 'id', 'field_type': 'bigint', 'field_length': 20}, {'field_name': 'note', 'field_type': 'varchar'}],
        'refunds': [{'field_name': 'id', 'field_type': 'bigint', 'field_length': '20'}],
    },
}
CONTENT = {'host': '10.1.0.5', 'port': '3306', 'database_name': 'shop', 'user_name': 'fdi_reader', 'password': 'S3cret-one', 'mode': 'default'}


def invalid_parameter(field):
    return {'error_code': 'FDI.3033', 'error_msg': 'Invalid parameter [%s].' % field}


def connectivity(reason):
    return {'error_code': 'FDI.3016', 'error_msg': 'Failed to test the connectivity. %s' % reason}


def info(name='shop-mysql', kind='MYSQL', content=None, **fields):
    return dict({'datasource_name': name, 'datasource_type': kind, 'app_id': APP_ID, 'content': dict(CONTENT) if content is None else content}, **fields)


def call(client, method, *parts, **kwargs):
    response = client.request(method, api_path(*parts), kwargs.get('body'), query=kwargs.get('query'))
    return response.status, (response.json() if response.body else None)


def create(client, body):
    status, answer = call(client, 'POST', 'datasources', body=body)
    assert status == 201, answer
    return answer


@pytest.fixture
def shop(client):
    """The shop database declared (10.1.0.5:3306)."""
    client.control('POST', 'databases', SHOP)
    return client


# -- create -------------------------------------------------------------------------------------------------------


def test_create_answers_201_with_the_stored_data_source_and_its_tables_come_from_the_database(shop):
    answer = create(shop, info(description='The shop database'))
    assert_model(answer, 'CreateDatasourceInfoResponse')
    assert HEX32.fullmatch(answer['datasource_id']) and answer['create_time'] == answer['update_time'] > 1600000000000
    assert {key: value for key, value in answer.items() if key not in ('datasource_id', 'create_time', 'update_time')} == {
        'datasource_name': 'shop-mysql',
        'datasource_type': 'MYSQL',
        'app_id': APP_ID,
        'app_name': '',
        'instance_id': INSTANCE_ID,
        'vpc_id': '',
        'custom_plugin_id': '',
        'description': 'The shop database',
        'app_permission': ['read', 'access', 'delete', 'modify'],
        'content': {'host': '10.1.0.5', 'port': '3306', 'database_name': 'shop', 'user_name': 'fdi_reader', 'mode': 'default'},
    }
    datasource_id = answer['datasource_id']
    assert call(shop, 'GET', 'datasources', datasource_id) == (200, answer)
    assert call(shop, 'GET', 'datasources', datasource_id, 'tables') == (200, {'tables': ['orders', 'refunds']})
    status, columns = call(shop, 'GET', 'datasources', datasource_id, 'columns', query={'table_name': 'orders'})
    assert status == 200 and [(column['field_name'], column['field_length']) for column in columns['columns']] == [('id', '20'), ('note', '')]
    stored = shop.control('GET', 'datasources')['datasources'][0]
    assert stored['content']['password'] == 'S3cret-one' and sorted(stored['tables']) == ['orders', 'refunds']


def test_tables_follow_the_declared_database(client):
    datasource_id = create(client, info())['datasource_id']
    assert call(client, 'GET', 'datasources', datasource_id, 'tables') == (200, {'tables': []})  # nothing declared at that address
    client.control('POST', 'databases', SHOP)
    assert call(client, 'GET', 'datasources', datasource_id, 'tables')[1] == {'tables': ['orders', 'refunds']}
    client.control('POST', 'databases', dict(SHOP, tables={'invoices': [{'field_name': 'id', 'field_type': 'int'}]}))
    assert call(client, 'GET', 'datasources', datasource_id, 'tables')[1] == {'tables': ['invoices']}
    other = create(client, info('other-db', content=dict(CONTENT, database_name='archive')))['datasource_id']
    assert call(client, 'GET', 'datasources', other, 'tables')[1] == {'tables': []}  # a database the server does not have


def test_a_port_given_as_an_integer_is_kept_as_a_string_and_unknown_content_fields_are_dropped(shop):
    answer = create(shop, info(content=dict(CONTENT, port=3306, colour='red', encoding='utf8mb4', mysql_timeout=30, ssl_enable=False)))
    assert answer['content'] == {
        'host': '10.1.0.5',
        'port': '3306',
        'database_name': 'shop',
        'user_name': 'fdi_reader',
        'mode': 'default',
        'encoding': 'utf8mb4',
        'mysql_timeout': 30,
        'ssl_enable': False,
    }


def test_the_app_name_is_that_of_another_data_source_of_the_same_application(shop):
    shop.control('POST', 'datasources', {'instance_id': INSTANCE_ID, 'demo': True})
    answer = create(shop, info(app_id='c7a3d2f4e5b6a7c8d9e0f1a2b3c4d5e6'))
    assert answer['app_name'] == 'orders-app'


@pytest.mark.parametrize(
    'body,error',
    [
        ([], INVALID),
        ('text', INVALID),
        ({'datasource_type': 'MYSQL', 'app_id': APP_ID, 'content': CONTENT}, INVALID),
        (info(datasource_name=''), INVALID),
        (info(datasource_type=None), INVALID),
        (info(app_id=''), INVALID),
        (info(content={}), INVALID),
        (dict(info(), content=None), INVALID),
        (info('orders (copy)'), invalid_parameter('datasource_name')),
        (info('a&b'), invalid_parameter('datasource_name')),
        (info('say "hi"'), invalid_parameter('datasource_name')),
        (info('x' * 256), invalid_parameter('datasource_name')),
        (info(datasource_name=5), invalid_parameter('datasource_name')),
        (info(kind='mysql'), invalid_parameter('datasource_type')),
        (info(kind='CLICKHOUSE'), invalid_parameter('datasource_type')),
        (info(app_id=7), invalid_parameter('app_id')),
        (info(app_id='a' * 256), invalid_parameter('app_id')),
        (info(content='host=1'), invalid_parameter('content')),
        (info(description='abc'), invalid_parameter('description')),
        (info(description='d' * 1025), invalid_parameter('description')),
        (info(content=dict(CONTENT, port='65536')), invalid_parameter('content.port')),
        (info(content=dict(CONTENT, port='33o6')), invalid_parameter('content.port')),
        (info(content=dict(CONTENT, port=True)), invalid_parameter('content.port')),
        (info(content=dict(CONTENT, host=10)), invalid_parameter('content.host')),
        (info(content=dict(CONTENT, ssl_enable='yes')), invalid_parameter('content.ssl_enable')),
        (info(content=dict(CONTENT, mysql_timeout='30')), invalid_parameter('content.mysql_timeout')),
        (info(content=dict(CONTENT, mode='fast')), invalid_parameter('content.mode')),
        (info(content=dict(CONTENT, mode='multiAddress')), invalid_parameter('content.mode')),  # ORACLE only
        (info(kind='DWS', content=dict(CONTENT, mode='professional')), invalid_parameter('content.mode')),
        (info(content=dict(CONTENT, host='')), invalid_parameter('content.host')),
        (info(content={key: value for key, value in CONTENT.items() if key != 'port'}), invalid_parameter('content.port')),
        (info(content={key: value for key, value in CONTENT.items() if key != 'database_name'}), invalid_parameter('content.database_name')),
        (info(content={key: value for key, value in CONTENT.items() if key != 'password'}), invalid_parameter('content.password')),
        (info(content={'mode': 'professional', 'user_name': 'u'}), invalid_parameter('content.url')),
        (
            info(kind='ORACLE', content={'mode': 'multiAddress', 'multi_oracle_address': [], 'user_name': 'u', 'password': 'p'}),
            invalid_parameter('content.multi_oracle_address'),
        ),
        (info(kind='API', content={'url': 'https://api.example.com', 'api_auth_detail': 'basic'}), invalid_parameter('content.api_auth_detail')),
        (info(kind='CUSTOMIZED', content={'connector_params': [1]}), invalid_parameter('content.connector_params')),
    ],
)
def test_create_validation(client, body, error):
    assert call(client, 'POST', 'datasources', body=body) == (400, error)
    assert client.control('GET', 'datasources')['datasources'] == []


def test_other_types_and_modes_need_what_their_mode_needs(client):
    assert (
        create(
            client,
            info('by-url', content={'mode': 'professional', 'url': 'jdbc:mysql://10.1.0.5:3306/shop', 'user_name': 'fdi_reader', 'password': 'S3cret-one'}),
        )['content']['url']
        == 'jdbc:mysql://10.1.0.5:3306/shop'
    )
    oracle = create(
        client,
        info(
            'oracle-rac',
            'ORACLE',
            {
                'mode': 'multiAddress',
                'oracle_service_name': 'orcl',
                'user_name': 'u',
                'password': 'p',
                'multi_oracle_address': [{'oracle_address': '10.1.0.7', 'oracle_port': 1521}],
            },
        ),
    )
    assert oracle['content']['multi_oracle_address'] == [{'oracle_address': '10.1.0.7', 'oracle_port': '1521'}]
    kafka = create(
        client, info('events', 'KAFKA', {'broker': '10.1.0.9:9092,10.1.0.10:9092', 'ssl_enable': True, 'ssl_username': 'app-key', 'ssl_password': 'app-secret'})
    )
    assert kafka['content'] == {'broker': '10.1.0.9:9092,10.1.0.10:9092', 'ssl_enable': True, 'ssl_username': 'app-key'}
    assert_model(kafka, 'CreateDatasourceInfoResponse')


def test_a_name_is_unique_in_its_instance(shop):
    create(shop, info())
    assert call(shop, 'POST', 'datasources', body=info(content=dict(CONTENT, database_name='other'))) == (400, invalid_parameter('datasource_name'))
    assert create(shop, info('Shop-MySQL'))['datasource_name'] == 'Shop-MySQL'  # case-sensitive
    response = shop.request('POST', api_path('datasources', instance_id='inst-2'), info())
    assert response.status == 201  # another instance


# -- secrets in answers ------------------------------------------------------------------------------------------

SECRET_CONTENT = {
    'url': 'https://api.example.com/orders',
    'api_method': 'GET',
    'password': 'p-1',
    'sk': 'sk-1',
    'ssl_password': 'sp-1',
    'trust_store_password': 'tsp-1',
    'key_store_password': 'ksp-1',
    'key_store_key_password': 'kskp-1',
    'snmp_community': 'public',
    'config_file_content': 'UEsDBA==',
    'key_store': 'KS',
    'trust_store': 'TS',
    'connector_params': {'token': 't-1'},
    'api_auth_detail': {
        'auth_method': 'oauth2.0',
        'user_name': 'api-user',
        'password': 'ap-1',
        'app_key': 'key-1',
        'app_secret': 'as-1',
        'secret': 's-1',
        'client_id': 'client-1',
        'client_secret': 'cs-1',
        'authorization': 'Bearer x',
        'grant_type': 'client_credentials',
    },
    'user_name': 'u-1',
    'ak': 'ak-1',
}
SECRETS = (
    'password',
    'sk',
    'ssl_password',
    'trust_store_password',
    'key_store_password',
    'key_store_key_password',
    'snmp_community',
    'config_file_content',
    'key_store',
    'trust_store',
    'connector_params',
)
API_SECRETS = ('password', 'app_secret', 'secret', 'client_secret', 'authorization')


def test_secrets_are_omitted_masked_or_shown_as_configured(client):
    created = create(client, info('orders-api', 'API', SECRET_CONTENT))
    datasource_id = created['datasource_id']
    assert_model(created, 'CreateDatasourceInfoResponse')
    plain = {'url': 'https://api.example.com/orders', 'api_method': 'GET', 'user_name': 'u-1', 'ak': 'ak-1'}
    plain_auth = {'auth_method': 'oauth2.0', 'user_name': 'api-user', 'app_key': 'key-1', 'client_id': 'client-1', 'grant_type': 'client_credentials'}
    assert created['content'] == dict(plain, api_auth_detail=plain_auth)
    for mode in ('omit', 'mask', 'clear'):
        client.control('POST', 'config', {'datasource_secrets': mode})
        shown = call(client, 'GET', 'datasources', datasource_id)[1]
        listed = call(client, 'GET', 'datasources')[1]['entities'][0]
        assert shown == listed, mode
        assert_model(shown, 'ShowDataourceDetailResponse')
        content = shown['content']
        if mode == 'omit':
            assert content == dict(plain, api_auth_detail=plain_auth)
        elif mode == 'mask':
            assert content == dict(
                plain, api_auth_detail=dict(plain_auth, **dict((field, '******') for field in API_SECRETS)), **dict((field, '******') for field in SECRETS)
            )
        else:
            assert content == SECRET_CONTENT
    assert client.control('GET', 'datasources')['datasources'][0]['content'] == SECRET_CONTENT  # the control API shows what is stored
    client.control('POST', 'config', {'datasource_secrets': 'mask'})
    updated = call(client, 'PUT', 'datasources', datasource_id, body=info('orders-api', 'API', SECRET_CONTENT))[1]
    assert updated['content']['password'] == '******' and updated['content']['api_auth_detail']['secret'] == '******'
    assert client.request('POST', '/_sim/config', {'datasource_secrets': 'show'}).status == 400


# -- update ------------------------------------------------------------------------------------------------------


def test_update_replaces_name_content_and_description_and_bumps_update_time(shop):
    created = create(shop, info(description='First version', content=dict(CONTENT, encoding='utf8')))
    datasource_id = created['datasource_id']
    body = info('shop-primary', content={'host': '10.1.0.5', 'port': 3306, 'database_name': 'shop', 'user_name': 'fdi_reader', 'password': 'New-Passw0rd'})
    status, updated = call(shop, 'PUT', 'datasources', datasource_id, body=body)
    assert status == 200
    assert_model(updated, 'UpdateDatasourceInfoResponse')
    assert (updated['datasource_id'], updated['datasource_name'], updated['description'], updated['create_time']) == (
        datasource_id,
        'shop-primary',
        '',
        created['create_time'],
    )
    assert updated['update_time'] > created['update_time']
    assert updated['content'] == {'host': '10.1.0.5', 'port': '3306', 'database_name': 'shop', 'user_name': 'fdi_reader'}  # encoding gone
    assert call(shop, 'GET', 'datasources', datasource_id) == (200, updated)
    assert shop.control('GET', 'datasources')['datasources'][0]['content']['password'] == 'New-Passw0rd'
    without_password = dict(body, content={key: value for key, value in body['content'].items() if key != 'password'})
    assert call(shop, 'PUT', 'datasources', datasource_id, body=without_password) == (400, invalid_parameter('content.password'))
    kafka = create(shop, info('events', 'KAFKA', {'broker': '10.1.0.9:9092', 'ssl_enable': True, 'ssl_username': 'k', 'ssl_password': 's'}))
    status, changed = call(shop, 'PUT', 'datasources', kafka['datasource_id'], body=info('events', 'KAFKA', {'broker': '10.1.0.9:9093'}))
    assert status == 200 and changed['content'] == {'broker': '10.1.0.9:9093'}
    stored = next(entry for entry in shop.control('GET', 'datasources')['datasources'] if entry['datasource_name'] == 'events')
    assert stored['content'] == {'broker': '10.1.0.9:9093'}  # a secret the update left out is gone


def test_update_validation_type_application_and_name(shop):
    first = create(shop, info())['datasource_id']
    create(shop, info('taken-name'))
    checks = [
        (info(kind='POSTGRESQL'), invalid_parameter('datasource_type')),
        (info(app_id='another-app'), invalid_parameter('app_id')),
        (info('taken-name'), invalid_parameter('datasource_name')),
        ({'datasource_name': 'shop-mysql', 'datasource_type': 'MYSQL', 'app_id': APP_ID}, INVALID),  # content is mandatory
        (info(content=dict(CONTENT, port='x')), invalid_parameter('content.port')),
        ({'content': CONTENT}, INVALID),
    ]
    for body, error in checks:
        assert call(shop, 'PUT', 'datasources', first, body=body) == (400, error), body
    assert call(shop, 'PUT', 'datasources', 'no-such-ds', body=info()) == (400, invalid_parameter('datasource_id'))
    assert call(shop, 'PUT', 'datasources', 'no-such-ds', body={}) == (400, INVALID)  # the body is checked first
    assert call(shop, 'PUT', 'datasources', first, body=info())[0] == 200  # its own name is fine


def test_a_seeded_data_source_keeps_its_tables_when_updated(client):
    client.control('POST', 'datasources', {'instance_id': INSTANCE_ID, 'demo': True})
    body = info('mysql-orders', content=dict(CONTENT, host='10.9.9.9'), app_id='c7a3d2f4e5b6a7c8d9e0f1a2b3c4d5e6')
    assert call(client, 'PUT', 'datasources', MYSQL_ID, body=body)[0] == 200
    assert call(client, 'GET', 'datasources', MYSQL_ID, 'tables')[1] == {'tables': ['orders', 'order_items', 'customers']}


# -- delete ------------------------------------------------------------------------------------------------------


def test_delete(shop):
    datasource_id = create(shop, info())['datasource_id']
    response = shop.request('DELETE', api_path('datasources', datasource_id))
    assert (response.status, response.body) == (204, b'') and 'Content-Type' not in response.headers
    assert call(shop, 'GET', 'datasources', datasource_id) == (400, invalid_parameter('datasource_id'))
    assert call(shop, 'DELETE', 'datasources', datasource_id) == (400, invalid_parameter('datasource_id'))
    assert create(shop, info())['datasource_name'] == 'shop-mysql'  # the name is free again


@pytest.mark.parametrize('form', ['FDI.3021', 'FDI.3081'])
def test_a_data_source_in_use_cannot_be_deleted(client, form):
    client.control('POST', 'config', {'not_found': form, 'start_delay_seconds': 0})
    client.control('POST', 'datasources', {'instance_id': INSTANCE_ID, 'demo': True})
    init = {'task_id': 'only-initialised', 'source_datasource_id': MYSQL_ID, 'ext_info': {'server_id': '1'}}
    assert client.request('POST', api_path('multi-tasks', 'init'), init).status == 200
    assert call(client, 'DELETE', 'datasources', MYSQL_ID) == (400, IN_USE)  # an initialised task ID uses it
    client.create('only-initialised-task', task_id='only-initialised')
    assert call(client, 'DELETE', 'datasources', MYSQL_ID) == (400, IN_USE)  # a stopped task
    task_id = client.create('target-user')
    assert client.request('POST', api_path('multi-tasks', task_id, 'mappings'), ORDERS_MAPPING).status == 200
    assert call(client, 'POST', 'tasks', task_id, 'run')[0] == 200
    assert call(client, 'DELETE', 'datasources', DWS_ID) == (400, IN_USE)  # a running task
    for user in (task_id, 'only-initialised'):
        call(client, 'POST', 'tasks', user, 'terminate')
        assert call(client, 'DELETE', 'tasks', user)[0] == 204
    assert call(client, 'DELETE', 'datasources', DWS_ID)[0] == 204
    assert call(client, 'DELETE', 'datasources', MYSQL_ID)[0] == 204


# -- test-connect and the declared databases ---------------------------------------------------------------------


def try_connect(client, body, datasource_id):
    return call(client, 'POST', 'datasources', datasource_id, 'test-connect', body=body)


def test_test_connect_tests_the_settings_in_the_body(shop):
    datasource_id = create(shop, info())['datasource_id']
    status, answer = try_connect(shop, info(), datasource_id)
    assert (status, answer) == (200, {'result': True})
    assert_model(answer, 'StartTestDatasourceResponse', required=('result',))
    cases = [
        (dict(CONTENT, password='wrong'), "Access denied for user 'fdi_reader' (using password: YES)"),
        (dict(CONTENT, user_name='root'), "Access denied for user 'root' (using password: YES)"),
        (dict(CONTENT, password='', user_name='fdi_reader'), None),  # password missing: refused by the body check
        (dict(CONTENT, database_name='crm'), "Unknown database 'crm'"),
        (dict(CONTENT, host='10.0.0.9'), 'cannot connect to 10.0.0.9:3306'),
        (dict(CONTENT, port='3307'), 'cannot connect to 10.1.0.5:3307'),
    ]
    for content, reason in cases:
        status, answer = try_connect(shop, info(content=content), datasource_id)
        if reason is None:
            assert (status, answer) == (400, invalid_parameter('content.password'))
        else:
            assert (status, answer) == (400, connectivity(reason)), content
    stored = shop.control('GET', 'datasources')['datasources'][0]
    assert stored['content']['password'] == 'S3cret-one'  # testing changes nothing


@pytest.mark.parametrize(
    'kind,content',
    [
        ('MYSQL', {'mode': 'professional', 'url': 'jdbc:mysql://10.1.0.5:3306/shop?useSSL=false', 'user_name': 'fdi_reader', 'password': 'S3cret-one'}),
        ('POSTGRESQL', {'mode': 'professional', 'url': 'jdbc:postgresql://10.1.0.5:3306/shop', 'user_name': 'fdi_reader', 'password': 'S3cret-one'}),
        ('ORACLE', {'mode': 'professional', 'url': 'jdbc:oracle:thin:@10.1.0.5:3306:shop', 'user_name': 'fdi_reader', 'password': 'S3cret-one'}),
        ('ORACLE', {'mode': 'professional', 'url': 'jdbc:oracle:thin:fdi_reader/S3cret-one@10.1.0.5:3306:shop'}),
        ('SQLSERVER', {'mode': 'professional', 'url': 'jdbc:sqlserver://10.1.0.5:3306;databaseName=shop', 'user_name': 'fdi_reader', 'password': 'S3cret-one'}),
        ('KAFKA', {'broker': '10.1.0.5:3306,10.1.0.6:3306', 'user_name': 'fdi_reader', 'password': 'S3cret-one'}),
        ('MONGODB', {'address': '10.1.0.5:3306', 'database_name': 'shop', 'user_name': 'fdi_reader', 'password': 'S3cret-one'}),
    ],
)
def test_test_connect_reads_the_address_from_a_url_or_an_address_list(shop, kind, content):
    datasource_id = create(shop, info())['datasource_id']
    assert try_connect(shop, info(kind=kind, content=content), datasource_id) == (200, {'result': True})
    if 'url' in content:
        wrong = dict(content, url=content['url'].replace('S3cret-one', 'nope').replace('/shop', '/crm').replace(':shop', ':crm').replace('=shop', '=crm'))
        status, answer = try_connect(shop, info(kind=kind, content=wrong), datasource_id)
        assert status == 400 and answer['error_code'] == 'FDI.3016'


def test_test_connect_validation_and_unknown_data_source(shop):
    datasource_id = create(shop, info())['datasource_id']
    for body in (
        {'datasource_type': 'MYSQL', 'app_id': APP_ID, 'content': CONTENT},
        {'datasource_name': 'x', 'app_id': APP_ID},
        {'datasource_name': 'x', 'datasource_type': 'MYSQL'},
        [],
    ):
        assert try_connect(shop, body, datasource_id) == (400, INVALID), body
    assert try_connect(shop, info(content=dict(CONTENT, port='x')), datasource_id) == (400, invalid_parameter('content.port'))
    no_content = {'datasource_name': 'x', 'datasource_type': 'KAFKA', 'app_id': APP_ID}
    assert try_connect(shop, no_content, datasource_id) == (400, connectivity('the settings give no host and port, URL or address'))
    assert try_connect(shop, info(), 'no-such-ds') == (400, invalid_parameter('datasource_id'))
    assert shop.request('POST', api_path('datasources', datasource_id, 'test-connect'), raw=b'').status == 400


def test_redeclaring_a_server_rotates_its_password(shop):
    datasource_id = create(shop, info())['datasource_id']
    assert try_connect(shop, info(), datasource_id)[0] == 200
    shop.control('POST', 'databases', dict(SHOP, users={'fdi_reader': 'Rotated-2'}))
    assert try_connect(shop, info(), datasource_id) == (400, connectivity("Access denied for user 'fdi_reader' (using password: YES)"))
    assert try_connect(shop, info(content=dict(CONTENT, password='Rotated-2')), datasource_id) == (200, {'result': True})
    assert len(shop.control('GET', 'databases')['databases']) == 1  # replaced, not added


def test_databases_control_route(client):
    answer = client.control('POST', 'databases', {'databases': [SHOP, dict(SHOP, host='10.1.0.6', port=5432, database_name=['a', 'b'], users={})]})
    addresses = [(server['host'], server['port']) for server in answer['databases']]
    assert answer['declared'] == 2 and addresses == [('10.1.0.5', '3306'), ('10.1.0.6', '5432')]
    assert answer['databases'][1]['database_name'] == ['a', 'b'] and answer['databases'][0]['tables']['orders'][0]['field_length'] == '20'
    assert client.control('POST', 'databases', [dict(SHOP, host='10.1.0.7')])['declared'] == 1
    assert client.control('DELETE', 'databases?host=10.1.0.7') == {'forgotten': 1, 'databases': answer['databases']}
    assert client.control('DELETE', 'databases?host=10.1.0.6&port=1')['forgotten'] == 0
    assert client.control('DELETE', 'databases')['forgotten'] == 2 and client.control('GET', 'databases') == {'databases': []}
    demo = client.control('POST', 'databases', {'demo': True})['databases']
    assert [(server['host'], server['port'], server['database_name'], list(server['users'])) for server in demo] == [
        ('192.168.0.10', '3306', ['shop'], ['fdi_reader']),
        ('192.168.0.20', '8000', ['warehouse'], ['fdi_writer']),
    ]
    for body in (
        {},
        [],
        {'host': 'h'},
        {'host': 'h', 'port': 'x', 'database_name': 'd'},
        {'host': 'h', 'port': 1, 'database_name': []},
        {'host': 'h', 'port': 1, 'database_name': 'd', 'users': ['u']},
        {'host': 'h', 'port': 1, 'database_name': 'd', 'tables': {'t': 'x'}},
        {'host': 'h', 'port': 1, 'database_name': 'd', 'tables': {'t': [{'field_name': 'a'}]}},
        {'host': 'h', 'port': 1, 'database_name': 'd', 'colour': 'red'},
        {'databases': 'x'},
    ):
        response = client.request('POST', '/_sim/databases', body)
        assert response.status == 400 and response.json()['error'], body


def test_demo_databases_let_a_playbook_create_the_demo_data_sources_itself(client):
    client.control('POST', 'databases', {'demo': True})
    source = create(
        client,
        {
            'datasource_name': 'orders-db',
            'datasource_type': 'MYSQL',
            'app_id': 'app-orders',
            'content': {
                'host': '192.168.0.10',
                'port': '3306',
                'database_name': 'shop',
                'user_name': 'fdi_reader',
                'password': 'Demo-MySQL-Passw0rd!',
                'mode': 'default',
            },
        },
    )
    target = create(
        client,
        {
            'datasource_name': 'warehouse-db',
            'datasource_type': 'DWS',
            'app_id': 'app-warehouse',
            'content': {'host': '192.168.0.20', 'port': '8000', 'database_name': 'warehouse', 'user_name': 'fdi_writer', 'password': 'Demo-DWS-Passw0rd!'},
        },
    )
    assert call(client, 'GET', 'datasources', target['datasource_id'], 'tables')[1] == {'tables': ['orders', 'order_items', 'customers', 'orders_history']}
    body = {
        'task_id': 'api-made',
        'source_datasource_id': source['datasource_id'],
        'target_datasource_id': target['datasource_id'],
        'ext_info': {'server_id': '1'},
        'auto_mapping': True,
    }
    status, answer = call(client, 'POST', 'multi-tasks', 'init', body=body)
    assert status == 200 and answer[0]['mappings_total_count'] == 3
    settings = {'host': '192.168.0.20', 'port': '8000', 'database_name': 'warehouse', 'user_name': 'fdi_writer', 'password': 'Demo-DWS-Passw0rd!'}
    assert try_connect(client, dict(target, content=settings), target['datasource_id']) == (200, {'result': True})


def test_reset_command_line_flags_and_state_file(tmp_path):
    state_file = tmp_path / 'state.json'
    simulator = SimulatorProcess('--demo-databases', '--datasource-secrets', 'mask', '--state-file', str(state_file)).start()
    try:
        client = SimClient(simulator.url)
        client.token = client.control('POST', 'tokens', {})['token']
        assert len(client.control('GET', 'databases')['databases']) == 2 and client.control('GET', 'config')['datasource_secrets'] == 'mask'
        assert client.request('GET', api_path('datasources')).json()['total'] == 0  # only the databases
        client.control('POST', 'databases', SHOP)
        created = create(client, info())
        assert created['content']['password'] == '******'
        saved = json.loads(state_file.read_text(encoding='utf-8'))
        assert len(saved['databases']) == 3 and saved['datasources'][0]['content']['password'] == 'S3cret-one'
        assert saved['datasources'][0]['origin'] == 'api'
        client.control('POST', 'reset')
        assert [server['host'] for server in client.control('GET', 'databases')['databases']] == ['192.168.0.10', '192.168.0.20']
        client.close()
    finally:
        assert simulator.stop() == 0
    simulator = SimulatorProcess('--demo-datasources', INSTANCE_ID).start()
    try:
        client = SimClient(simulator.url)
        assert len(client.control('GET', 'databases')['databases']) == 2 and len(client.control('GET', 'datasources')['datasources']) == 2
        client.close()
    finally:
        assert simulator.stop() == 0


def test_created_data_sources_and_declared_databases_survive_a_restart(tmp_path):
    state_file = tmp_path / 'state.json'
    simulator = SimulatorProcess('--state-file', str(state_file)).start()
    try:
        client = SimClient(simulator.url)
        client.token = client.control('POST', 'tokens', {})['token']
        client.control('POST', 'databases', SHOP)
        datasource_id = create(client, info())['datasource_id']
        client.close()
    finally:
        assert simulator.stop() == 0
    simulator = SimulatorProcess('--state-file', str(state_file)).start()
    try:
        client = SimClient(simulator.url)
        client.token = client.control('POST', 'tokens', {})['token']
        assert call(client, 'GET', 'datasources', datasource_id, 'tables')[1] == {'tables': ['orders', 'refunds']}
        assert try_connect(client, info(), datasource_id) == (200, {'result': True})
        client.close()
    finally:
        assert simulator.stop() == 0
