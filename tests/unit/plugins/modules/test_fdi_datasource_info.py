# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.roma.fdi_datasource_info: filters, paging, tables and secrets, as exact request sequences."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.roma.plugins.modules import fdi_datasource_info
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_utils.test_fdi_datasources import (
    ACCESS_KEY,
    DB_PASSWORD,
    DS_ID,
    DS_NAME,
    SASL_PASSWORD,
    SECRET_KEY,
    SSL_KEY,
    datasource_entity,
    datasource_missing,
    list_datasources,
    list_tables,
    module_view,
    show_datasource,
)
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import PAGE_SIZE, TOKEN, api_url, fdi_error

SOURCE = datasource_entity()
# the API's name filter is fuzzy: these contain the name, one differs only in case
ARCHIVE = datasource_entity(datasource_id='ds-archive', datasource_name=DS_NAME + '-archive', app_id='app-archive')
SHOUTING = datasource_entity(datasource_id='ds-loud', datasource_name=DS_NAME.upper())
TARGET = datasource_entity(
    datasource_id='ds-dws',
    datasource_name='warehouse-dws',
    datasource_type='DWS',
    app_id='app-target',
    content={'host': 'dws.example', 'port': '8000', 'database_name': 'dw', 'user_name': 'loader', 'password': 'Dws-Passw0rd-secret'},
)


@pytest.fixture
def run_module(capsys):
    return ModuleRunner(capsys, fdi_datasource_info.main)


def target_view(**extra):
    view = module_view(TARGET, **extra)
    view['content'] = {'host': 'dws.example', 'port': '8000', 'database_name': 'dw', 'user_name': 'loader'}
    return view


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
def test_exact_name_among_the_fuzzy_matches(http, run_module, check_mode):
    http.expect(list_datasources([ARCHIVE, SHOUTING, SOURCE], name=DS_NAME))
    result = run_module(dict(name=DS_NAME), check_mode=check_mode)
    assert result == dict(result, changed=False, datasources=[module_view(SOURCE)])
    assert DB_PASSWORD not in run_module.output


def test_datasource_name_is_an_alias_of_name(http, run_module):
    http.expect(list_datasources([SOURCE], name=DS_NAME))
    assert run_module(dict(datasource_name=DS_NAME))['datasources'] == [module_view(SOURCE)]


def test_exact_name_is_looked_for_on_every_page(http, run_module):
    # 999 near misses on the first page: the one exact match is on the second
    near = [datasource_entity(datasource_id='near-%04d' % number, datasource_name='%s-%04d' % (DS_NAME, number)) for number in range(PAGE_SIZE)]
    http.expect(list_datasources(near, total=PAGE_SIZE + 1, name=DS_NAME), list_datasources([SOURCE], offset=PAGE_SIZE, total=PAGE_SIZE + 1, name=DS_NAME))
    assert run_module(dict(name=DS_NAME))['datasources'] == [module_view(SOURCE)]


def test_every_data_source_across_pages(http, run_module):
    entities = [datasource_entity(datasource_id='ds-%04d' % number, datasource_name='source-%04d' % number) for number in range(1200)]
    http.expect(list_datasources(entities[:PAGE_SIZE], total=1200), list_datasources(entities[PAGE_SIZE:], offset=PAGE_SIZE, total=1200))
    result = run_module({})
    assert [datasource['datasource_id'] for datasource in result['datasources']] == ['ds-%04d' % number for number in range(1200)]
    assert DB_PASSWORD not in run_module.output


def test_name_contains_is_case_sensitive_whatever_the_server_matches(http, run_module):
    http.expect(list_datasources([SHOUTING, SOURCE, ARCHIVE], name='mysql'))
    result = run_module(dict(name_contains='mysql'))
    assert result['datasources'] == [module_view(SOURCE), module_view(ARCHIVE)]


def test_type_and_application_are_sent_and_applied_again(http, run_module):
    # the server returns more than asked for: only the exact matches are kept; the type is sent upper-case
    http.expect(list_datasources([SOURCE, TARGET, ARCHIVE], datasource_type='DWS', app_id='app-target'))
    result = run_module(dict(datasource_type='dws', app_id='app-target'))
    assert result['datasources'] == [target_view()]


@pytest.mark.parametrize('position', ['SOURCE', 'TARGET'])
def test_include_tables(http, run_module, position):
    http.expect(
        list_datasources([SOURCE, TARGET], name='o'),
        list_tables(DS_ID, ['orders', 'order_items', 'customers'], position=position),
        list_tables('ds-dws', [], position=position),
    )
    args = dict(name_contains='o', include_tables=True)
    if position == 'TARGET':
        args['tables_position'] = 'TARGET'
    result = run_module(args)
    assert result['datasources'] == [module_view(SOURCE, tables=['orders', 'order_items', 'customers']), target_view(tables=[])]


def test_a_data_source_deleted_before_its_tables_are_read_is_left_out(http, run_module):
    http.expect(list_datasources([SOURCE, TARGET]), datasource_missing(DS_ID, 'tables', position='SOURCE'), list_tables('ds-dws', ['facts']))
    assert run_module(dict(include_tables=True))['datasources'] == [target_view(tables=['facts'])]


def test_without_include_tables_there_is_no_tables_key_and_no_tables_request(http, run_module):
    http.expect(list_datasources([TARGET]))
    assert 'tables' not in run_module(dict(tables_position='TARGET'))['datasources'][0]


@pytest.mark.parametrize('found', [True, False])
def test_by_datasource_id_is_one_show(http, run_module, found):
    http.expect(show_datasource(SOURCE) if found else datasource_missing(DS_ID))
    result = run_module(dict(datasource_id=DS_ID))
    assert result == dict(result, changed=False, datasources=[module_view(SOURCE)] if found else [])


def test_by_datasource_id_with_tables(http, run_module):
    http.expect(show_datasource(TARGET), list_tables('ds-dws', ['facts'], position='TARGET'))
    result = run_module(dict(datasource_id='ds-dws', include_tables=True, tables_position='TARGET'))
    assert result['datasources'] == [target_view(tables=['facts'])]


@pytest.mark.parametrize('args', [dict(name='warehouse'), dict(datasource_type='MYSQL'), dict(app_id='app-source')])
def test_by_datasource_id_other_filters_still_apply(http, run_module, args):
    http.expect(show_datasource(TARGET))
    assert run_module(dict(args, datasource_id='ds-dws'))['datasources'] == []


def test_nested_secrets_never_reach_the_output(http, run_module):
    kafka = datasource_entity(
        datasource_id='ds-kafka',
        datasource_name='orders-kafka',
        datasource_type='KAFKA',
        description='Orders events (ask the DBA for %s)' % DB_PASSWORD,
        content={
            'broker': 'kafka.example:9093',
            'ssl_enable': True,
            'ssl_username': 'shop',
            'ssl_password': SASL_PASSWORD,
            'key_store': SSL_KEY,
            'key_store_file_type': 'JKS',
            'sk': SECRET_KEY,
            'connector_params': {
                'sasl': {'sasl_password': SASL_PASSWORD + '-2', 'mechanism': 'PLAIN'},
                'cloud': [{'access_key': ACCESS_KEY, 'region': 'cn-north-4'}],
            },
            'url': 'jdbc:kafka://shop:%s@kafka.example:9093' % DB_PASSWORD,
        },
    )
    http.expect(list_datasources([kafka], name='orders-kafka'), list_tables('ds-kafka', ['topic-orders']))
    result = run_module(dict(name='orders-kafka', include_tables=True))
    assert result['datasources'][0]['content'] == {
        'broker': 'kafka.example:9093',
        'ssl_enable': True,
        'ssl_username': 'shop',
        'key_store_file_type': 'JKS',
        'connector_params': {'sasl': {'mechanism': 'PLAIN'}, 'cloud': [{'region': 'cn-north-4'}]},
        'url': 'jdbc:kafka://shop:********@kafka.example:9093',
    }
    # the password written in the description is masked too: every removed value is a no_log value of the run
    assert result['datasources'][0]['description'] == 'Orders events (ask the DBA for ********)'
    for secret in (DB_PASSWORD, SASL_PASSWORD, SSL_KEY, SECRET_KEY, ACCESS_KEY, TOKEN):
        assert secret not in run_module.output


def test_a_failure_after_reading_a_data_source_does_not_echo_its_password(http, run_module):
    # a proxy that echoes what it knows into its error, after the module has read the data source
    http.expect(
        list_datasources([SOURCE], name=DS_NAME),
        Call('GET', api_url('datasources', DS_ID, 'tables'), query={'position': 'SOURCE'}).reply(
            400, json=fdi_error('FDI.3016', 'Failed to test the connectivity with %s' % DB_PASSWORD)
        ),
    )
    result = run_module(dict(name=DS_NAME, include_tables=True))
    assert result['failed'] and result['error_code'] == 'FDI.3016' and result['status'] == 400
    assert DB_PASSWORD not in run_module.output


def test_api_errors_fail_with_their_fields(http, run_module):
    http.expect(
        Call('GET', api_url('datasources'), query={'offset': 0, 'limit': PAGE_SIZE}).reply(
            400, json=fdi_error('FDI.3002', 'Invalid parameters.'), headers={'X-Request-Id': 'req-list'}
        )
    )
    result = run_module({})
    assert result['failed']
    assert (result['status'], result['error_code'], result['request_id'], result['method']) == (400, 'FDI.3002', 'req-list', 'GET')
    assert result['msg'].startswith('ROMA Connect API error 400 FDI.3002: Invalid parameters. (GET /v2/')


def test_a_bare_404_is_an_error_not_absence(http, run_module):
    http.expect(Call('GET', api_url('datasources', DS_ID), query={}).reply(404, body=b'<html>Not Found</html>'))
    result = run_module(dict(datasource_id=DS_ID))
    assert result['failed'] and result['status'] == 404


def test_a_listed_data_source_without_an_id_cannot_have_its_tables_read(http, run_module):
    http.expect(list_datasources([dict(SOURCE, datasource_id=None)]))
    result = run_module(dict(include_tables=True))
    assert result['failed'] and 'without a datasource_id' in result['msg']


@pytest.mark.parametrize(
    'args, message',
    [
        (dict(name=DS_NAME, name_contains='orders'), 'parameters are mutually exclusive: name|name_contains'),
        (dict(name='orders (old)'), 'name must be 1-255 characters without &, <, >'),
        (dict(name_contains='o' * 256), 'name_contains must be 1-255 characters'),
        (dict(datasource_id='a/b'), 'datasource_id must be 1-64 characters'),
        (dict(datasource_type='my sql'), 'datasource_type must be 1-64 letters, digits and "_"'),
        (dict(app_id='x' * 65), 'app_id must be 1-64 characters'),
        (dict(tables_position='BOTH'), 'value of tables_position must be one of: SOURCE, TARGET'),
        (dict(include_tables='maybe'), 'include_tables'),
        (dict(instance_id='bad/instance'), 'instance_id must be 1-64 characters'),
        (dict(project_id='bad/project'), 'project_id must be 1-64 characters'),
    ],
)
def test_invalid_input_fails_before_any_request(http, run_module, args, message):
    result = run_module(args)
    assert result['failed'] and message in result['msg']
    assert http.requests == []
