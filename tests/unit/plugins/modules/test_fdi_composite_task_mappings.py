# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.roma.fdi_composite_task with data sources and mappings: the exact requests of each case, normal and check mode."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.roma.plugins.modules import fdi_composite_task
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import NO_BODY, Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_utils.test_fdi_datasources import (
    datasource_entity,
    list_columns,
    list_tables,
    show_datasource,
)
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_utils.test_fdi_mappings import element, mapping_page
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    GENERATED_TASK_ID,
    NAME,
    REGION,
    TASK_ID,
    TOKEN_HEADERS,
    api_url,
    batch,
    fdi_error,
    list_tasks,
    server_task,
    show,
)

SRC, DST = 'ds-mysql', 'ds-dws'
TASK = server_task(source_datasource_id=SRC, target_datasource_id=DST, server_id='1')
RUNNING = server_task(source_datasource_id=SRC, target_datasource_id=DST, server_id='1', running=True)
JOB = dict(name=NAME, operation_types=['INSERT', 'UPDATE'], source_datasource_id=SRC, target_datasource_id=DST, server_id='1')
ORDERS = {'source_table': 'orders'}
CUSTOMERS = {'source_table': 'customers', 'columns': [{'source': 'id'}, {'source': 'nm', 'target': 'name'}]}


@pytest.fixture
def run_module(capsys):
    return ModuleRunner(capsys, fdi_composite_task.main)


def mapping_body(table, columns=None):
    body = {'source_datasource_id': SRC, 'target_datasource_id': DST, 'ext_info': {'server_id': '1'}, 'source_table': table, 'target_table': table}
    if columns:
        body['mapping_columns'] = [{'source_column': source, 'target_column': target} for source, target in columns]
    return body


def list_mappings(task_id, elements):
    return Call('GET', api_url('multi-tasks', task_id, 'mappings'), query={'offset': 0, 'limit': 1000}, headers=TOKEN_HEADERS).reply(
        200, json=mapping_page(elements)
    )


def create_mapping(task_id, body, mapping_id):
    return Call('POST', api_url('multi-tasks', task_id, 'mappings'), json=body, headers=TOKEN_HEADERS).reply(200, json={'mapping_id': mapping_id})


def update_mapping(task_id, mapping_id, body):
    return Call('PUT', api_url('multi-tasks', task_id, 'mappings', mapping_id), json=body, headers=TOKEN_HEADERS).reply(200, json={'mapping_id': mapping_id})


def delete_mapping(task_id, mapping_id):
    return Call('DELETE', api_url('multi-tasks', task_id, 'mappings', mapping_id), json=NO_BODY, headers=TOKEN_HEADERS).reply(
        200, json={'mapping_id': mapping_id}
    )


def show_with_status(task, status):
    return show(dict(task, running=status == 'running'))


# The data sources as the checks before any write read them: the source's type (MySQL needs server_id), the tables of each end,
# and the columns of the tables whose columns a mapping lists.
SOURCE_SHOWN = show_datasource(datasource_entity(datasource_id=SRC, datasource_type='MYSQL'))
TABLES = ['orders', 'customers', 'audit']


def tables_read():
    return [list_tables(SRC, TABLES), list_tables(DST, TABLES, position='TARGET')]


def customer_columns_read():
    return [list_columns(SRC, 'customers', ['id', 'nm', 'email']), list_columns(DST, 'customers', ['id', 'name', 'email'], position='TARGET')]


class TestCreate:
    def test_init_create_mappings_start_in_order(self, http, run_module):
        init = {'task_id': GENERATED_TASK_ID, 'source_datasource_id': SRC, 'target_datasource_id': DST, 'auto_mapping': False, 'ext_info': {'server_id': '1'}}
        create = {'task_name': NAME, 'task_id': GENERATED_TASK_ID, 'task_type': 'REALTIME', 'operation_types': ['INSERT', 'UPDATE']}
        http.expect(
            list_tasks(NAME, []),
            SOURCE_SHOWN,
            *tables_read(),
            *customer_columns_read(),
            Call('POST', api_url('multi-tasks', 'init'), json=init).reply(200, json=[{'task_id': GENERATED_TASK_ID}]),
            Call('POST', api_url('multi-tasks'), json=create).reply(200, json={'task_id': GENERATED_TASK_ID}),
            create_mapping(GENERATED_TASK_ID, mapping_body('orders'), 'm-1'),
            create_mapping(GENERATED_TASK_ID, mapping_body('customers', [('id', 'id'), ('nm', 'name')]), 'm-2'),
            batch('start', GENERATED_TASK_ID),
        )
        result = run_module(dict(JOB, mappings=[ORDERS, CUSTOMERS], state='started'))
        assert result['changed'] is True
        assert result['task']['status'] == 'running' and result['task']['task_id'] == GENERATED_TASK_ID
        # the same keys as a mapping read from ROMA Connect; what it reports of a new mapping (status, match) is not known yet
        assert result['task']['mappings'] == [
            {
                'source_table': 'customers',
                'target_table': 'customers',
                'mapping_id': 'm-2',
                'columns': [{'source': 'id', 'target': 'id'}, {'source': 'nm', 'target': 'name'}],
                'status': None,
                'mapping_percent': None,
            },
            {'source_table': 'orders', 'target_table': 'orders', 'mapping_id': 'm-1', 'columns': [], 'status': None, 'mapping_percent': None},
        ]

    def test_check_mode_reads_only_and_returns_the_same_task(self, http, run_module):
        http.expect(list_tasks(NAME, []), SOURCE_SHOWN, *tables_read(), *customer_columns_read())
        result = run_module(dict(JOB, mappings=[ORDERS, CUSTOMERS], state='started'), check_mode=True, diff=True)
        assert result['changed'] is True and result['task']['task_id'] == GENERATED_TASK_ID
        assert [m['source_table'] for m in result['task']['mappings']] == ['customers', 'orders']
        assert result['diff']['before'] == {} and len(result['diff']['after']['mappings']) == 2


class TestConverge:
    @pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
    def test_equal_is_reads_only(self, http, run_module, check_mode):
        http.expect(
            list_tasks(NAME, [TASK]),
            show(TASK),
            list_mappings(TASK_ID, [element('orders', mapping_id='m-1'), element('customers', mapping_id='m-2', pairs=(('id', 'id'), ('nm', 'name')))]),
        )
        result = run_module(dict(JOB, mappings=[ORDERS, CUSTOMERS]), check_mode=check_mode)
        assert result['changed'] is False

    def test_missing_changed_and_purged_pairs_one_write_each(self, http, run_module):
        http.expect(
            list_tasks(NAME, [TASK]),
            show(TASK),
            list_mappings(TASK_ID, [element('audit', mapping_id='m-9'), element('customers', mapping_id='m-2')]),
            *tables_read(),
            *customer_columns_read(),
            delete_mapping(TASK_ID, 'm-9'),
            create_mapping(TASK_ID, mapping_body('orders'), 'm-1'),
            update_mapping(TASK_ID, 'm-2', mapping_body('customers', [('id', 'id'), ('nm', 'name')])),
        )
        result = run_module(dict(JOB, mappings=[ORDERS, CUSTOMERS], purge_mappings=True), diff=True)
        assert result['changed'] is True
        assert [m['source_table'] for m in result['task']['mappings']] == ['customers', 'orders']
        assert [m['source_table'] for m in result['diff']['before']['mappings']] == ['audit', 'customers']
        assert [m['source_table'] for m in result['diff']['after']['mappings']] == ['customers', 'orders']

    def test_check_mode_of_a_change_sends_only_reads(self, http, run_module):
        http.expect(list_tasks(NAME, [RUNNING]), show(RUNNING), list_mappings(TASK_ID, []), *tables_read())
        result = run_module(dict(JOB, mappings=[ORDERS]), check_mode=True)
        assert result['changed'] is True and result['task']['status'] == 'running'

    def test_a_running_task_is_stopped_waited_for_changed_and_started(self, http, run_module):
        http.expect(
            list_tasks(NAME, [RUNNING]),
            show(RUNNING),
            list_mappings(TASK_ID, []),
            *tables_read(),
            batch('stop', TASK_ID),
            show_with_status(RUNNING, 'stopped'),
            create_mapping(TASK_ID, mapping_body('orders'), 'm-1'),
            batch('start', TASK_ID),
        )
        result = run_module(dict(JOB, mappings=[ORDERS]))
        assert result['changed'] is True and result['task']['status'] == 'running'

    def test_a_refused_mapping_of_a_running_task_restarts_it_and_says_what_was_done(self, http, run_module):
        refused = Call('POST', api_url('multi-tasks', TASK_ID, 'mappings'), json=mapping_body('orders')).reply(
            400, json=fdi_error('FDI.3037', 'The parameter in mapping information is invalid or does not match the task.')
        )
        http.expect(
            list_tasks(NAME, [RUNNING]),
            show(RUNNING),
            list_mappings(TASK_ID, []),
            *tables_read(),
            batch('stop', TASK_ID),
            show_with_status(RUNNING, 'stopped'),
            refused,
            batch('start', TASK_ID),
        )
        result = run_module(dict(JOB, mappings=[ORDERS]))
        assert result['failed'] is True and result['changed'] is True
        assert result['error_code'] == 'FDI.3037' and result['restarted'] is True and result['done'] == ['stop']
        assert 'the task was started again' in result['msg']

    def test_a_different_data_source_is_a_conflict_without_a_write(self, http, run_module):
        http.expect(list_tasks(NAME, [TASK]), show(TASK), list_mappings(TASK_ID, []))
        result = run_module(dict(JOB, source_datasource_id='ds-other', mappings=[]))
        assert result['failed'] is True
        assert result['conflicts'] == {'source_datasource_id': {'current': SRC, 'wanted': 'ds-other'}}
        assert 'recreate: true' in result['msg']

    def test_a_data_source_alone_is_compared_from_the_show_api(self, http, run_module):
        http.expect(list_tasks(NAME, [TASK]), show(TASK))
        result = run_module(dict(name=NAME, target_datasource_id='ds-other'))
        assert result['failed'] is True and 'target_datasource_id' in result['conflicts']

    def test_recreate_deletes_and_creates_with_the_same_id(self, http, run_module):
        init = {'task_id': TASK_ID, 'source_datasource_id': SRC, 'target_datasource_id': DST, 'auto_mapping': False, 'ext_info': {'server_id': '2'}}
        create = {'task_name': NAME, 'task_id': TASK_ID, 'task_type': 'REALTIME', 'operation_types': ['INSERT', 'UPDATE']}
        http.expect(
            list_tasks(NAME, [RUNNING]),
            show(RUNNING),
            list_mappings(TASK_ID, [element('orders', mapping_id='m-1')]),
            SOURCE_SHOWN,
            *tables_read(),
            batch('stop', TASK_ID),
            show_with_status(RUNNING, 'stopped'),
            Call('DELETE', api_url('tasks', TASK_ID), json=NO_BODY).reply(204),
            Call('POST', api_url('multi-tasks', 'init'), json=init).reply(200, json=[{'task_id': TASK_ID}]),
            Call('POST', api_url('multi-tasks'), json=create).reply(200, json={'task_id': TASK_ID}),
            create_mapping(TASK_ID, dict(mapping_body('orders'), ext_info={'server_id': '2'}), 'm-7'),
            batch('start', TASK_ID),
        )
        result = run_module(dict(JOB, server_id='2', mappings=[ORDERS], recreate=True))
        assert result['changed'] is True and result['task']['server_id'] == '2' and result['task']['status'] == 'running'

    def test_recreate_whose_create_fails_says_deleted_and_a_rerun_creates_it(self, http, run_module):
        http.expect(
            list_tasks(NAME, [TASK]),
            show(TASK),
            list_mappings(TASK_ID, []),
            SOURCE_SHOWN,
            Call('DELETE', api_url('tasks', TASK_ID), json=NO_BODY).reply(204),
            Call(
                'POST',
                api_url('multi-tasks', 'init'),
                json={'task_id': TASK_ID, 'source_datasource_id': SRC, 'target_datasource_id': DST, 'auto_mapping': False, 'ext_info': {'server_id': '2'}},
            ).reply(400, json=fdi_error('FDI.3002', 'Invalid parameters.')),
        )
        result = run_module(dict(JOB, server_id='2', mappings=[], recreate=True))
        assert result['failed'] is True and result['deleted'] is True and 'run again to create it' in result['msg']


class TestInput:
    @pytest.mark.parametrize(
        'options, message',
        [
            (dict(mappings=[ORDERS, ORDERS]), 'mappings[1]: the pair orders -> orders is already listed as mappings[0]'),
            (dict(mappings=[{'source_table': ''}]), 'mappings[0]: source_table must be a non-empty string'),
            (dict(source_datasource_id=None, auto_mapping=True), 'source_datasource_id is required with auto_mapping'),
            (dict(auto_mapping=True, purge_mappings=True), 'auto_mapping and purge_mappings cannot both be true'),
            (dict(wait=True, wait_timeout=0), 'wait_timeout'),
        ],
    )
    def test_invalid_input_sends_nothing_not_even_a_login(self, http, run_module, options, message):
        password = dict(region=REGION, user_name='robot', password='pa55-word', domain_name='acme')
        result = run_module(dict(JOB, **options), connection=password)
        assert result['failed'] is True and message in result['msg']
        assert http.requests == []
