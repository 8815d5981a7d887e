# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Nothing lost: however a change ends (an API error, a bug, Ctrl-C, SIGTERM), a task stopped for it runs again, and what the
module reports is what is true, never a change that did not happen."""

from __future__ import annotations

import os
import signal

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.concurrency import Terminated
from ansible_collections.hwcloud.roma.plugins.modules import fdi_composite_task, fdi_composite_tasks
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner, warning_texts
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_utils.test_fdi_datasources import (
    datasource_entity,
    list_columns,
    list_tables,
    show_datasource,
)
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_utils.test_fdi_mappings import element
from ansible_collections.hwcloud.roma.tests.unit.plugins.modules.test_fdi_composite_task_mappings import (
    SOURCE_SHOWN,
    create_mapping,
    list_mappings,
    mapping_body,
    tables_read,
)
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    NAME,
    TASK_ID,
    api_url,
    batch,
    delete,
    fdi_error,
    list_tasks,
    server_task,
    show,
    show_missing,
    update,
)

SRC, DST = 'ds-mysql', 'ds-dws'
RUNNING = server_task(running=True)
STOPPED = server_task()
PUT_TAG = dict(description='Replicate orders', task_tag='ops-team', operation_types=['INSERT', 'UPDATE'], repulling_snapshot=False)


@pytest.fixture
def run_module(capsys):
    return ModuleRunner(capsys, fdi_composite_task.main)


@pytest.fixture
def run_many(capsys):
    return ModuleRunner(capsys, fdi_composite_tasks.main)


def put_fails_with(exception):
    return Call('PUT', api_url('multi-tasks', TASK_ID), json=PUT_TAG).fail(exception)


class SigtermOnSend(Exception):
    """Marks the request during which the test sends this process a real SIGTERM (what a job runner's timeout does)."""


@pytest.mark.parametrize(
    'interruption, said', [(KeyboardInterrupt(), 'Ctrl-C (SIGINT)'), (Terminated(), 'SIGTERM (the job was cancelled or timed out)')], ids=['ctrl-c', 'sigterm']
)
def test_an_interrupted_change_starts_the_task_again(http, run_module, interruption, said):
    http.expect(list_tasks(NAME, [RUNNING]), show(RUNNING), batch('stop', TASK_ID), show(STOPPED), put_fails_with(interruption), batch('start', TASK_ID))
    result = run_module(dict(name=NAME, tag='ops-team'))
    assert result['failed'] is True and result['restarted'] is True
    assert result['msg'].startswith('Interrupted by %s: nothing more was sent. The tasks stopped for the change were started again: orders-sync.' % said)
    assert result['task']['status'] == 'running'


def test_a_real_sigterm_during_the_change_is_caught_and_the_task_started_again(http, run_module, monkeypatch):
    """The module turns SIGTERM into an exception while it applies (Python's default would kill it without any finally)."""
    http.expect(list_tasks(NAME, [RUNNING]), show(RUNNING), batch('stop', TASK_ID), show(STOPPED), update(TASK_ID, PUT_TAG), batch('start', TASK_ID))
    answer = type(http).__call__

    def sigterm_while_the_put_is_answered(self, transport, method, url, body=None, headers=None):
        response = answer(self, transport, method, url, body, headers)
        if method == 'PUT':
            os.kill(os.getpid(), signal.SIGTERM)  # a job runner's timeout, before the answer is read
        return response

    monkeypatch.setattr(type(http), '__call__', sigterm_while_the_put_is_answered)
    result = run_module(dict(name=NAME, tag='ops-team'))
    assert result['failed'] and 'Interrupted by SIGTERM' in result['msg'] and result['restarted'] is True
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the module put the default handler back


def test_a_bug_during_the_change_still_starts_the_task_again(http, run_module):
    http.expect(
        list_tasks(NAME, [RUNNING]), show(RUNNING), batch('stop', TASK_ID), show(STOPPED), put_fails_with(ZeroDivisionError('bug')), batch('start', TASK_ID)
    )
    with pytest.raises(ZeroDivisionError):
        run_module(dict(name=NAME, tag='ops-team'))


def test_a_failed_delete_after_the_stop_starts_the_task_again(http, run_module):
    http.expect(
        list_tasks(NAME, [RUNNING]),
        batch('stop', TASK_ID),
        show(STOPPED),
        Call('DELETE', api_url('tasks', TASK_ID)).reply(400, json=fdi_error('FDI.3028', 'Failed to delete the task.')),
        batch('start', TASK_ID),
    )
    result = run_module(dict(name=NAME, state='absent'))
    assert result['failed'] and result['restarted'] is True and result['task']['status'] == 'running'
    assert result['actions'] == [] and 'the task was started again, as it ran before the change' in result['msg']


def test_the_wait_and_the_stop_confirmation_share_one_deadline(http, run_many, sleeps):
    """A stop that never shows holds a wait_timeout: 10 run for 10 seconds, not for 120 and then again for the wait."""
    http.expect(list_tasks(None, [RUNNING]), show(RUNNING), batch('stop', TASK_ID), *[show(RUNNING) for dummy in range(5)], batch('start', TASK_ID))
    result = run_many(dict(config=[dict(name=NAME, tag='ops-team', status='running')], wait=True, wait_timeout=10))
    assert result['failed'] and sum(sleeps) == 10 and 'still reports status running 10 seconds after' in result['msg']


RECREATE = dict(
    name=NAME,
    operation_types=['INSERT', 'UPDATE'],
    source_datasource_id=SRC,
    target_datasource_id=DST,
    server_id='2',
    mappings=[{'source_table': 'orders'}],
    recreate=True,
)
OLD = server_task(running=True, source_datasource_id=SRC, target_datasource_id=DST, server_id='1')
INIT = {'task_id': TASK_ID, 'source_datasource_id': SRC, 'target_datasource_id': DST, 'auto_mapping': False, 'ext_info': {'server_id': '2'}}
CREATE = {'task_name': NAME, 'task_id': TASK_ID, 'task_type': 'REALTIME', 'operation_types': ['INSERT', 'UPDATE']}


def recreate_reads():
    return [list_tasks(NAME, [OLD]), show(OLD), list_mappings(TASK_ID, [element('orders', mapping_id='m-1')]), SOURCE_SHOWN, *tables_read()]


def test_a_recreate_is_visible_in_check_mode_as_a_delete_and_a_create(http, run_module):
    http.expect(recreate_reads())
    result = run_module(RECREATE, check_mode=True, diff=True)
    assert result['changed'] and result['actions'] == ['recreated']
    assert len(result['diff']) == 2 and result['diff'][0]['after'] == {} and result['diff'][1]['before'] == {}
    assert result['diff'][0]['before']['server_id'] == '1' and result['diff'][1]['after']['server_id'] == '2'
    assert any('sync position is lost' in text for text in warning_texts(result))


def test_a_recreate_that_fails_after_its_create_says_so_and_starts_the_new_task(http, run_module):
    """The old task ran: the new one, created but with its mappings incomplete, runs too, and the message says what is true."""
    http.expect(
        recreate_reads(),
        batch('stop', TASK_ID),
        show(dict(OLD, running=False)),
        delete(TASK_ID),
        Call('POST', api_url('multi-tasks', 'init'), json=INIT).reply(200, json=[{'task_id': TASK_ID}]),
        Call('POST', api_url('multi-tasks'), json=CREATE).reply(200, json={'task_id': TASK_ID}),
        Call('POST', api_url('multi-tasks', TASK_ID, 'mappings'), json=dict(mapping_body('orders'), ext_info={'server_id': '2'})).reply(
            400, json=fdi_error('FDI.3037', 'The parameter in mapping information is invalid or does not match the task.')
        ),
        batch('start', TASK_ID),
    )
    result = run_module(RECREATE)
    assert result['failed'] and result['changed'] and 'deleted' not in result and result['restarted'] is True
    assert 'The task was recreated (task_id %s) but not completed; run again to complete it' % TASK_ID in result['msg']
    assert result['actions'] == ['recreated'] and result['task']['server_id'] == '2' and result['task']['status'] == 'running'


def test_a_recreate_whose_create_fails_is_reported_deleted_and_not_running(http, run_many):
    http.expect(
        list_tasks(None, [OLD]),
        show(OLD),
        list_mappings(TASK_ID, [element('orders', mapping_id='m-1')]),
        SOURCE_SHOWN,
        *tables_read(),
        batch('stop', TASK_ID),
        show(dict(OLD, running=False)),
        delete(TASK_ID),
        Call('POST', api_url('multi-tasks', 'init'), json=INIT).reply(400, json=fdi_error('FDI.3002', 'Invalid parameters.')),
    )
    item = dict(RECREATE)
    del item['recreate']
    result = run_many(dict(config=[item], recreate=True), diff=True)
    entry = result['task_results'][0]
    assert result['failed'] and entry['deleted'] is True and entry['actions'] == ['deleted']
    assert result['after'] == [] and result['diff'][0]['after'] == {}  # the old task is gone: never shown running


def test_the_after_of_a_failed_start_after_stop_and_put_is_the_truth(http, run_many):
    http.expect(
        list_tasks(None, [RUNNING]),
        show(RUNNING),
        batch('stop', TASK_ID),
        show(STOPPED),
        update(TASK_ID, PUT_TAG),
        batch('start', TASK_ID, failure=('FDI.3026', 'Failed to manually start the task.')),
    )
    result = run_many(dict(config=[dict(name=NAME, tag='ops-team')]), diff=True)
    assert result['failed'] and result['after'][0]['tag'] == 'ops-team' and result['after'][0]['status'] == 'stopped'
    assert result['diff'][0]['after']['tag'] == 'ops-team' and result['diff'][0]['after']['status'] == 'stopped'
    assert result['task_results'][0]['actions'] == ['updated']


def test_a_mapping_to_a_missing_table_or_column_fails_before_any_write_naming_close_matches(http, run_module):
    http.expect(
        list_tasks(NAME, [server_task(source_datasource_id=SRC, target_datasource_id=DST, server_id='1')]),
        list_mappings(TASK_ID, []),
        list_tables(SRC, ['orders', 'customers']),
        SOURCE_SHOWN,
        list_tables(DST, ['orders', 'customers'], position='TARGET'),
        show_datasource(datasource_entity(datasource_id=DST, datasource_name='dws-warehouse', datasource_type='DWS')),
        list_columns(SRC, 'customers', ['id', 'name', 'email']),
        list_columns(DST, 'customers', ['id', 'name', 'email'], position='TARGET'),
    )
    result = run_module(dict(name=NAME, mappings=[{'source_table': 'order'}, {'source_table': 'customers', 'columns': [{'source': 'emial'}]}]), check_mode=True)
    assert result['failed'] and http.methods == ['GET'] * 8  # each data source's name is read to name it in the message
    assert "mappings[0]: source table 'order' does not exist in the source data source 'orders-mysql' (ds-mysql)" in result['msg']
    assert "mappings[0]: target table 'order' does not exist in the target data source 'dws-warehouse' (ds-dws) (close matches: orders)" in result['msg']
    assert "mappings[1]: source column 'emial' does not exist in table 'customers' (close matches: email)" in result['msg']


def test_a_mysql_source_without_server_id_names_the_option(http, run_module):
    http.expect(list_tasks(NAME, []), SOURCE_SHOWN)
    result = run_module(dict(name=NAME, operation_types=['INSERT'], source_datasource_id=SRC, target_datasource_id=DST, mappings=[]))
    assert result['failed'] and "server_id is required: the source data source 'orders-mysql' (ds-mysql) is MySQL" in result['msg']
    assert 'ext_info' not in result['msg']


def test_application_ids_that_contradict_the_data_sources_are_refused_naming_both(http, run_module):
    http.expect(list_tasks(NAME, []), SOURCE_SHOWN, show_datasource(datasource_entity(datasource_id=DST, datasource_type='DWS', app_id='app-dws')))
    result = run_module(
        dict(
            name=NAME,
            operation_types=['INSERT'],
            source_datasource_id=SRC,
            target_datasource_id=DST,
            server_id='1',
            source_app_id='app-source',
            target_app_id='app-other',
        )
    )
    assert (
        result['failed']
        and ("target_app_id 'app-other' contradicts the target data source 'orders-mysql' (ds-dws), which belongs to application 'app-dws'") in result['msg']
    )


def test_changing_only_the_mappings_of_a_task_takes_its_data_sources_from_it(http, run_module):
    task = server_task(source_datasource_id=SRC, target_datasource_id=DST, server_id='1')
    http.expect(list_tasks(NAME, [task]), list_mappings(TASK_ID, []), *tables_read(), create_mapping(TASK_ID, mapping_body('orders'), 'm-1'))
    result = run_module(dict(name=NAME, mappings=[{'source_table': 'orders'}]))
    assert result['changed'] and result['actions'] == ['mappings_changed']


def test_a_mapping_list_answering_not_found_makes_the_task_absent_in_both_modules(http, run_module):
    task = server_task(source_datasource_id=SRC, target_datasource_id=DST, server_id='1')
    gone = Call('GET', api_url('multi-tasks', TASK_ID, 'mappings'), query={'offset': 0, 'limit': 1000}).reply(
        400, json=fdi_error('FDI.3021', 'One or more tasks do not exist.')
    )
    http.expect(list_tasks(NAME, [task]), gone)
    result = run_module(dict(name=NAME, mappings=[{'source_table': 'orders'}]))
    assert result['failed'] and result['msg'] == 'Task orders-sync does not exist; to create it, set operation_types.'


def test_auto_mapping_with_an_empty_list_reports_what_roma_connect_mapped(http, run_module):
    init = dict(INIT, task_id=TASK_ID, auto_mapping=True, ext_info={'server_id': '1'})
    http.expect(
        show_missing(TASK_ID),
        SOURCE_SHOWN,
        Call('POST', api_url('multi-tasks', 'init'), json=init).reply(200, json=[{'task_id': TASK_ID}]),
        Call('POST', api_url('multi-tasks'), json=dict(CREATE, operation_types=['INSERT'])).reply(200, json={'task_id': TASK_ID}),
        list_mappings(TASK_ID, [element('orders', mapping_id='auto-1'), element('customers', mapping_id='auto-2')]),
    )
    result = run_module(
        dict(
            name=NAME,
            task_id=TASK_ID,
            operation_types=['INSERT'],
            source_datasource_id=SRC,
            target_datasource_id=DST,
            server_id='1',
            auto_mapping=True,
            mappings=[],
        )
    )
    assert [mapping['mapping_id'] for mapping in result['task']['mappings']] == ['auto-2', 'auto-1']


def test_a_started_task_without_mappings_is_warned_about(http, run_module):
    http.expect(list_tasks(NAME, [STOPPED]), batch('start', TASK_ID))
    result = run_module(dict(name=NAME, state='started'))
    assert result['changed'] is True and warning_texts(result) == []  # what it replicates was not read: nothing to say


def test_a_new_task_started_without_data_sources_is_warned_about(http, run_module):
    created = {'task_name': NAME, 'task_id': TASK_ID, 'task_type': 'REALTIME', 'operation_types': ['INSERT']}
    http.expect(show_missing(TASK_ID), Call('POST', api_url('multi-tasks'), json=created).reply(200, json={'task_id': TASK_ID}), batch('start', TASK_ID))
    result = run_module(dict(name=NAME, task_id=TASK_ID, operation_types=['INSERT'], state='started'))
    assert warning_texts(result) == [
        "Composite task 'orders-sync' is started but it has no source_datasource_id and no target_datasource_id, "
        'so it replicates nothing: ROMA Connect will report its sync job as failed. Set its data sources and '
        'mappings (or auto_mapping) first.'
    ]


@pytest.mark.parametrize('value, warned', [(83, True), ('0123', False)])
def test_a_numeric_server_id_is_sent_as_text_with_a_warning(http, run_module, value, warned):
    http.expect(list_tasks(NAME, []))
    result = run_module(dict(name=NAME, operation_types=['INSERT'], server_id=value), check_mode=True)
    assert result['task']['server_id'] == str(value) if 'server_id' in result['task'] else True
    assert any('YAML reads a number with a leading zero as octal' in text for text in warning_texts(result)) is warned
