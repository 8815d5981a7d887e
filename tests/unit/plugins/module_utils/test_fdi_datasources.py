# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The FDI data-source resource: secret removal, normalisation, validation, and the exact data-source API calls.

The builders at the top (a data source as the API reports it, and the requests that read it)
are shared with the module's tests.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.hwcloud.roma.plugins.module_utils import errors as errors_module
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaApiError, RomaInputError, RomaResponseError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_datasources import (
    FdiDatasourceApi,
    is_secret_field,
    matches_filters,
    normalize_datasource,
    redact_secrets_in,
    validate_datasource_options,
)
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    INSTANCE_ID,
    PAGE_SIZE,
    PROJECT_ID,
    TOKEN_HEADERS,
    api_url,
    fdi_error,
    page,
    token_client,
)

DS_ID = '6a1d2e3f4b5c4d6e8f90a1b2c3d4e5f6'
DS_NAME = 'orders-mysql'
DB_PASSWORD = 'Db-Passw0rd-of-orders!'
SASL_PASSWORD = 'sasl-secret-value-42'
SSL_KEY = '-----BEGIN PRIVATE KEY-----MIIEvQIBADANBg'
ACCESS_KEY = 'AKIDEXAMPLEDATASOURCE1'
SECRET_KEY = 'SKdatasourceEXAMPLEsecret99'

# -- a data source as the API reports it, and the requests that read it ------------------------------


def datasource_entity(datasource_id=DS_ID, datasource_name=DS_NAME, datasource_type='MYSQL', app_id='app-source', **overrides):
    """DataSourceRsp: the connection settings in ``content`` include the database password."""
    entity = {
        'datasource_id': datasource_id,
        'datasource_name': datasource_name,
        'datasource_type': datasource_type,
        'vpc_id': 'vpc-1',
        'app_id': app_id,
        'app_name': 'sales',
        'instance_id': INSTANCE_ID,
        'create_time': 1704067200000,
        'update_time': 1704153600000,
        'custom_plugin_id': None,
        'description': 'Orders database',
        'app_permission': ['read', 'access'],
        'content': {
            'host': '192.168.0.10',
            'port': '3306',
            'database_name': 'orders',
            'user_name': 'replicator',
            'password': DB_PASSWORD,
            'mode': 'default',
            'ssl_enable': False,
        },
    }
    entity.update(overrides)
    return entity


def module_view(entity, **extra):
    """The dict the module returns for a data source: the documented fields, content without its secrets."""
    view = dict(
        (field, entity[field])
        for field in ('datasource_id', 'datasource_name', 'datasource_type', 'app_id', 'app_name', 'description', 'create_time', 'update_time')
    )
    view['datasource_type'] = view['datasource_type'].upper()
    view['content'] = dict((key, value) for key, value in entity['content'].items() if key != 'password')
    view.update(extra)
    return view


def list_datasources(entities=(), offset=0, total=None, **filters):
    """GET .../datasources?offset=..&limit=999[&name&datasource_type&app_id] answering one page of ``entities``."""
    query = dict(filters, offset=offset, limit=PAGE_SIZE)
    return Call('GET', api_url('datasources'), query=query, headers=TOKEN_HEADERS).reply(200, json=page(entities, total))


def show_datasource(entity):
    return Call('GET', api_url('datasources', entity['datasource_id']), query={}, headers=TOKEN_HEADERS).reply(200, json=entity)


def datasource_missing(*parts, **query):
    """A data source that does not exist: 400 FDI.3033 naming datasource_id, as the simulator answers it."""
    return Call('GET', api_url('datasources', *parts), query=query, headers=TOKEN_HEADERS).reply(
        400, json=fdi_error('FDI.3033', 'Invalid parameter [datasource_id].'), headers={'X-Request-Id': 'req-ds'}
    )


def list_tables(datasource_id, tables, position='SOURCE'):
    """GET .../datasources/{id}/tables?position=.. answering ``{"tables": [...]}``."""
    return Call('GET', api_url('datasources', datasource_id, 'tables'), query={'position': position}, headers=TOKEN_HEADERS).reply(
        200, json={'tables': list(tables)}
    )


def list_columns(datasource_id, table, columns, position='SOURCE'):
    """GET .../datasources/{id}/columns?position=..&table_name=.. answering ``{"columns": [ColumnInfo]}``."""
    return Call('GET', api_url('datasources', datasource_id, 'columns'), query={'position': position, 'table_name': table}, headers=TOKEN_HEADERS).reply(
        200, json={'columns': [{'field_name': name, 'field_type': 'varchar', 'field_length': '64'} for name in columns]}
    )


# -- secrets ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'name',
    [
        'password',
        'PASSWORD',
        'passwd',
        'pwd',
        'db_pass',
        'sasl_password',
        'saslpassword',
        'sslPassword',
        'SASL_PASSWORD',
        'ssl_password',
        'trust_store_password',
        'key_store_password',
        'key_store_key_password',
        'ssl_key',
        'key_store',
        'access_key',
        'accessKeyId',
        'accesskey',
        'secret_key',
        'secretKey',
        'secret',
        'app_secret',
        'client_secret',
        'app_key',
        'api-key',
        'x-api-key',
        'ak',
        'sk',
        'AK',
        'token',
        'access_token',
        'access_token_url',
        'credentials',
        'credential_file',
        'authorization',
        'private_key',
        'privatekey',
        'passphrase',
        'keytab',
        'config_file_content',
        'snmp_community',
        'cookie',
        'trust_store',  # the content of a trust store file: a secret of the API's Content model, whatever its name says
    ],
)
def test_secret_field_names(name):
    assert is_secret_field(name)


@pytest.mark.parametrize(
    'name',
    [
        'host',
        'port',
        'database_name',
        'database',
        'user_name',
        'user',
        'username',
        'mode',
        'cdc_mode',
        'ssl_enable',
        'ssl',
        'key_store_file_type',
        'trust_store_file_type',
        'auth_method',
        'ssl_auth_method',
        'app_auth_type',
        'grant_type',
        'keyspace',
        'broker',
        'encoding',
        'disk',
        'task',
        'bucket_name',
        'url',
        'address',
        'oracle_service_name',
        'client_id',
        'principal_name',
        'config_file_name',
        'mysql_timeout',
        '',
    ],
)
def test_harmless_field_names(name):
    assert not is_secret_field(name)


def test_nested_secrets_are_removed_at_any_depth_and_listed():
    content = {
        'host': 'kafka.example',
        'port': 9093,
        'user_name': 'replicator',
        'ssl_enable': True,
        'sasl': {'mechanism': 'PLAIN', 'sasl_password': SASL_PASSWORD, 'sslKey': SSL_KEY},
        'api_auth_detail': {'auth_method': 'oauth2.0', 'client_id': 'shop', 'client_secret': 'oauth-client-secret'},
        'brokers': [{'host': 'b1', 'credentials': {'access_key': ACCESS_KEY, 'secret_key': SECRET_KEY}}, {'host': 'b2'}],
        'connector_params': {'pin': 1234, 'db_password': 987654, 'ssl_key_enabled': True, 'password': None},
    }
    redacted, found = redact_secrets_in(content)
    assert redacted == {
        'host': 'kafka.example',
        'port': 9093,
        'user_name': 'replicator',
        'ssl_enable': True,
        'sasl': {'mechanism': 'PLAIN'},
        'api_auth_detail': {'auth_method': 'oauth2.0', 'client_id': 'shop'},
        'brokers': [{'host': 'b1'}, {'host': 'b2'}],
        'connector_params': {'pin': 1234, 'ssl_key_enabled': True, 'password': None},
    }
    assert sorted(found) == sorted([SASL_PASSWORD, SSL_KEY, 'oauth-client-secret', ACCESS_KEY, SECRET_KEY, '987654'])
    assert content['sasl']['sasl_password'] == SASL_PASSWORD, 'the input must not be changed'


@pytest.mark.parametrize(
    'text, masked, secret',
    [
        ('jdbc:mysql://replicator:%s@db.example:3306/orders' % DB_PASSWORD, 'jdbc:mysql://replicator:********@db.example:3306/orders', DB_PASSWORD),
        (
            'jdbc:mysql://db.example:3306/orders?user=replicator&password=%s&useSSL=true' % DB_PASSWORD,
            'jdbc:mysql://db.example:3306/orders?user=replicator&password=********&useSSL=true',
            DB_PASSWORD,
        ),
        ('sasl.jaas.config=x; sasl_password="%s" tail' % SASL_PASSWORD, 'sasl.jaas.config=x; sasl_password="********" tail', SASL_PASSWORD),
        ('{"user": "u", "secret_key": "%s"}' % SECRET_KEY, '{"user": "u", "secret_key": "********"}', SECRET_KEY),
        ('jdbc:oracle:thin:replicator/%s@db.example:1521:orcl' % DB_PASSWORD, 'jdbc:oracle:thin:replicator/********@db.example:1521:orcl', DB_PASSWORD),
        ('replicator/%s@//db.example:1521/orcl' % DB_PASSWORD, 'replicator/********@//db.example:1521/orcl', DB_PASSWORD),
    ],
)
def test_credentials_inside_text_are_masked(text, masked, secret):
    assert redact_secrets_in({'url': text}) == ({'url': masked}, [secret])


def test_text_without_credentials_is_unchanged():
    text = 'https://db.example:443/path?user=replicator&mode=default; key_store_file_type=JKS'
    assert redact_secrets_in([text, 3306, None, True]) == ([text, 3306, None, True], [])


def test_key_and_trust_stores_are_removed():
    content = {
        'ssl_enable': True,
        'trust_store': 'MIIC-trusted-ca-content',
        'key_store': 'MIIE-private-key-store',
        'trust_store_file_type': 'jks',
        'key_store_file_type': 'jks',
    }
    redacted, found = redact_secrets_in(content)
    assert redacted == {'ssl_enable': True, 'trust_store_file_type': 'jks', 'key_store_file_type': 'jks'}
    assert sorted(found) == ['MIIC-trusted-ca-content', 'MIIE-private-key-store']


def test_a_password_inside_connector_params_is_removed_wherever_it_is_written():
    content = {'connector_params': {'options': 'user=etl password=Cp-Secret-1 (pool)', 'login': {'pwd': 'Cp-Secret-2'}}}
    redacted, found = redact_secrets_in(content)
    assert redacted == {'connector_params': {'options': 'user=etl password=******** (pool)', 'login': {}}}
    assert sorted(found) == ['Cp-Secret-1', 'Cp-Secret-2']


# -- the same, as properties over generated connection settings -------------------------------------------

# Field names chosen by the test (not by the rule under test): what database and message-queue settings hold.
SECRET_NAMES = [
    'password',
    'sasl_password',
    'sslKey',
    'ssl_key',
    'access_key',
    'secret_key',
    'token',
    'sk',
    'credentials',
    'keyStorePassword',
    'client_secret',
    'trust_store_password',
    'api-key',
    'PWD',
]
HARMLESS_NAMES = ['host', 'port', 'user_name', 'database_name', 'mode', 'ssl_enable', 'broker', 'region', 'brokers', 'options']
PLAIN_TEXT = st.text(alphabet='abcdefghijklmnopqrstuvwxyz0123456789._-', max_size=10)
LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), PLAIN_TEXT)
PURE = settings(max_examples=300, deadline=None, derandomize=True)


def settings_documents(names):
    return st.recursive(
        LEAVES, lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.sampled_from(names), children, max_size=4)), max_leaves=12
    )


def plant_secrets(document, planted, under_secret=False):
    """Replace every text and number under a secret field with a unique marker; list the markers planted."""
    if isinstance(document, dict):
        return dict((key, plant_secrets(value, planted, under_secret or key in SECRET_NAMES)) for key, value in document.items())
    if isinstance(document, list):
        return [plant_secrets(value, planted, under_secret) for value in document]
    if under_secret and document is not None and not isinstance(document, bool):
        planted.append('Planted-Secret-%04d' % len(planted))
        return planted[-1]
    return document


@PURE
@given(settings_documents(SECRET_NAMES + HARMLESS_NAMES))
def test_no_planted_secret_survives_and_each_is_reported(document):
    planted = []
    document = plant_secrets(document, planted)
    redacted, found = redact_secrets_in(document)
    text = json.dumps(redacted)
    assert [secret for secret in planted if secret in text] == []
    assert sorted(found) == sorted(planted)


@PURE
@given(settings_documents(HARMLESS_NAMES))
def test_harmless_settings_come_back_unchanged(document):
    assert redact_secrets_in(document) == (document, [])


class TestNormalize:
    def test_documented_fields_and_content_without_the_password(self):
        sink = []
        entity = datasource_entity(datasource_type='mysql')
        assert normalize_datasource(entity, sink.append) == module_view(entity)
        assert sink == [DB_PASSWORD]
        assert DB_PASSWORD in errors_module._KNOWN_SECRETS  # masked in any error text too
        assert entity['content']['password'] == DB_PASSWORD

    def test_content_serialised_as_a_json_string(self):
        entity = datasource_entity(content=json.dumps({'host': 'h', 'password': DB_PASSWORD}))
        sink = []
        assert normalize_datasource(entity, sink.append)['content'] == {'host': 'h'}
        assert sink == [DB_PASSWORD]

    @pytest.mark.parametrize('content', ['host=h password is %s' % DB_PASSWORD, ['a', DB_PASSWORD]])
    def test_content_that_is_not_an_object_is_left_out_whole(self, content):
        sink = []
        assert normalize_datasource(datasource_entity(content=content), sink.append)['content'] is None
        assert any(DB_PASSWORD in value for value in sink)

    def test_secrets_outside_content_are_collected_and_never_returned(self):
        sink = []
        entity = datasource_entity(password='top-level-secret', description='see password=%s' % DB_PASSWORD)
        datasource = normalize_datasource(entity, sink.append)
        assert 'password' not in datasource
        assert datasource['description'] == 'see password=********'
        assert sorted(sink) == sorted(['top-level-secret', DB_PASSWORD, DB_PASSWORD])

    def test_identity_fields_are_never_masked(self):
        sink = []
        entity = datasource_entity(datasource_name='etl-key=2', app_id='token=x')
        datasource = normalize_datasource(entity, sink.append)
        assert (datasource['datasource_name'], datasource['app_id']) == ('etl-key=2', 'token=x')
        assert sink == [DB_PASSWORD]

    def test_missing_fields_are_none(self):
        assert normalize_datasource({'datasource_id': 12}) == dict(
            datasource_id='12',
            datasource_name=None,
            datasource_type=None,
            app_id=None,
            app_name=None,
            description=None,
            create_time=None,
            update_time=None,
            content=None,
        )


@pytest.mark.parametrize(
    'filters, matching',
    [
        (dict(name=DS_NAME), True),
        (dict(name=DS_NAME.upper()), False),
        (dict(name='orders'), False),
        (dict(name_contains='mysql'), True),
        (dict(name_contains='MYSQL'), False),
        (dict(datasource_type='mysql'), True),
        (dict(datasource_type='DWS'), False),
        (dict(app_id='app-source'), True),
        (dict(app_id='app-source-2'), False),
        ({}, True),
    ],
)
def test_filters_are_exact_on_the_client(filters, matching):
    assert matches_filters(normalize_datasource(datasource_entity()), **filters) is matching


class TestValidation:
    @pytest.mark.parametrize(
        'option, value, rule',
        [
            ('instance_id', 'a/b', 'instance_id must be 1-64 characters'),
            ('datasource_id', '../x', 'datasource_id must be 1-64 characters: letters, digits, "-" and "_"'),
            ('datasource_id', 'x' * 65, 'datasource_id must be 1-64 characters'),
            ('datasource_id', DS_ID + '\n', 'datasource_id must be 1-64 characters'),
            ('name', 'orders (old)', 'name must be 1-255 characters without &, <, >'),
            ('name', '', 'name must be 1-255 characters'),
            ('name', 'n' * 256, 'name must be 1-255 characters'),
            ('name_contains', 'a&b', 'name_contains must be 1-255 characters'),
            ('datasource_type', 'my sql', 'datasource_type must be 1-64 letters, digits and "_"'),
            ('app_id', 'a' * 65, 'app_id must be 1-64 characters'),
            ('tables_position', 'BOTH', 'tables_position must be SOURCE or TARGET'),
        ],
    )
    def test_each_rule_names_the_option(self, option, value, rule):
        with pytest.raises(RomaInputError) as caught:
            validate_datasource_options({option: value})
        assert rule in caught.value.message
        assert caught.value.details['invalid_options'] == [caught.value.message[len('Invalid options: ') : -1]]

    def test_every_problem_is_listed(self):
        with pytest.raises(RomaInputError) as caught:
            validate_datasource_options(dict(datasource_id='a b', app_id='', datasource_type='-'))
        assert len(caught.value.details['invalid_options']) == 3

    def test_valid_options_pass(self):
        validate_datasource_options(
            dict(
                instance_id=INSTANCE_ID,
                project_id=PROJECT_ID,
                datasource_id=DS_ID,
                name='订单 mysql.v2',
                name_contains='mysql',
                datasource_type='mysql',
                app_id='app.1',
                tables_position='TARGET',
            )
        )


# -- the API calls ---------------------------------------------------------------------------------------


@pytest.fixture
def api():
    found = []
    datasource_api = FdiDatasourceApi(token_client(retries=0), INSTANCE_ID, secret_sink=found.append)
    datasource_api.found = found
    return datasource_api


class TestApi:
    def test_every_page_is_read_with_the_filters(self, http, api):
        first = [datasource_entity(datasource_id='ds-%04d' % number, datasource_name='orders-%04d' % number) for number in range(PAGE_SIZE)]
        last = [datasource_entity(datasource_id='ds-last', datasource_name='orders-last')]
        http.expect(
            list_datasources(first, total=PAGE_SIZE + 1, name='orders', datasource_type='MYSQL', app_id='app-source'),
            list_datasources(last, offset=PAGE_SIZE, total=PAGE_SIZE + 1, name='orders', datasource_type='MYSQL', app_id='app-source'),
        )
        listed = list(api.iter_datasources(name='orders', datasource_type='mysql', app_id='app-source'))
        assert [datasource['datasource_id'] for datasource in listed] == ['ds-%04d' % number for number in range(PAGE_SIZE)] + ['ds-last']
        assert api.found == [DB_PASSWORD] * (PAGE_SIZE + 1)
        assert all('password' not in datasource['content'] for datasource in listed)

    def test_a_data_source_listed_again_on_the_next_page_is_returned_once(self, http, api):
        one, two = datasource_entity(datasource_id='ds-1'), datasource_entity(datasource_id='ds-2')
        http.expect(list_datasources([one, two], total=3), list_datasources([two], offset=2, total=3))
        assert [datasource['datasource_id'] for datasource in api.iter_datasources()] == ['ds-1', 'ds-2']

    def test_show(self, http, api):
        http.expect(show_datasource(datasource_entity()))
        assert api.get_datasource(DS_ID) == module_view(datasource_entity())
        assert api.found == [DB_PASSWORD]

    def test_show_of_a_missing_data_source_is_none(self, http, api):
        http.expect(datasource_missing('gone'))
        assert api.get_datasource('gone') is None

    @pytest.mark.parametrize(
        'status, body',
        [
            (404, {'error_code': 'APIG.0101', 'error_msg': 'The API does not exist or has not been published in the environment.'}),
            (404, None),
            (400, fdi_error('FDI.3002', 'Invalid parameters.')),
            (400, fdi_error('FDI.3033', 'Invalid parameter [position].')),
            (500, fdi_error('FDI.3033', 'Invalid parameter [datasource_id].')),
            # the task not-found forms do not name a data source
            (400, fdi_error('FDI.3021', 'One or more tasks do not exist.')),
            (404, fdi_error('FDI.3081', 'The task does not exist.')),
        ],
    )
    def test_other_errors_are_not_absence(self, http, api, status, body):
        call = Call('GET', api_url('datasources', DS_ID), query={})
        http.expect(call.reply(status, json=body) if body else call.reply(status, body=b'<html>Not Found</html>'))
        with pytest.raises(RomaApiError) as caught:
            api.get_datasource(DS_ID)
        assert caught.value.status == status

    @pytest.mark.parametrize('answer', [[], {}, 'x'])
    def test_show_without_an_object_is_a_response_error(self, http, api, answer):
        http.expect(Call('GET', api_url('datasources', DS_ID), query={}).reply(200, json=answer))
        with pytest.raises(RomaResponseError, match='without a data source object'):
            api.get_datasource(DS_ID)

    @pytest.mark.parametrize('position', ['SOURCE', 'TARGET'])
    def test_tables(self, http, api, position):
        http.expect(list_tables(DS_ID, ['orders', 'order_items'], position=position))
        assert api.list_tables(DS_ID, position) == ['orders', 'order_items']

    def test_tables_of_a_missing_data_source_are_none(self, http, api):
        http.expect(datasource_missing(DS_ID, 'tables', position='SOURCE'))
        assert api.list_tables(DS_ID) is None

    @pytest.mark.parametrize('answer', [{}, {'tables': 'orders'}, {'tables': [{'name': 'orders'}]}, []])
    def test_tables_answer_without_a_list_of_names_is_a_response_error(self, http, api, answer):
        http.expect(Call('GET', api_url('datasources', DS_ID, 'tables'), query={'position': 'SOURCE'}).reply(200, json=answer))
        with pytest.raises(RomaResponseError, match='without a "tables" list of names'):
            api.list_tables(DS_ID)
