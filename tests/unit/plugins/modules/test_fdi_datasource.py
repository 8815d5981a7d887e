# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.roma.fdi_datasource: the exact requests of each case, normal and check mode, and no secret in any output."""

from __future__ import annotations

import itertools
import json

import pytest

from ansible_collections.hwcloud.roma.plugins.modules import fdi_datasource
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import NO_BODY, Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner, warning_texts
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_utils.test_fdi_datasources import (
    DB_PASSWORD,
    DS_ID,
    DS_NAME,
    datasource_entity,
    datasource_missing,
    list_datasources,
    show_datasource,
)
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    TOKEN_HEADERS,
    api_url,
    batch,
    composite_evidence,
    fdi_error,
    list_entity,
    list_tasks,
    server_task,
    show,
)

NEW_PASSWORD = 'Rotated-Passw0rd-2027!'
CONNECTION = dict(mode='default', host='192.168.0.10', port=3306, database_name='orders', user_name='replicator', password=DB_PASSWORD)
WANTED = dict(name=DS_NAME, type='MYSQL', app_id='app-source', description='Orders database', connection=CONNECTION)
# what the API answers (its default: no secret in an answer)
STORED = datasource_entity(
    content={'host': '192.168.0.10', 'port': '3306', 'database_name': 'orders', 'user_name': 'replicator', 'mode': 'default', 'ssl_enable': False}
)
FULL_CONTENT = dict(STORED['content'], password=DB_PASSWORD)


@pytest.fixture
def run_module(capsys):
    return ModuleRunner(capsys, fdi_datasource.main)


def by_name(*entities):
    return list_datasources(list(entities), name=DS_NAME)


def create(body, answer):
    return Call('POST', api_url('datasources'), json=body, headers=TOKEN_HEADERS).reply(201, json=answer)


def put(body, answer):
    return Call('PUT', api_url('datasources', DS_ID), json=body, headers=TOKEN_HEADERS).reply(200, json=answer)


def users(source=(), target=()):
    """The two task lists that say who uses the data source: as source, then as target."""
    return [list_tasks(None, list(source), source_datasource_id=DS_ID), list_tasks(None, list(target), target_datasource_id=DS_ID)]


def body(content, description='Orders database'):
    document = {'datasource_name': DS_NAME, 'datasource_type': 'MYSQL', 'app_id': 'app-source', 'content': content}
    if description:
        document['description'] = description
    return document


def test_create_sends_every_setting_once_and_returns_none_of_the_secrets(http, run_module):
    sent = body(dict(CONNECTION, port='3306'))
    http.expect(by_name(), create(sent, dict(STORED, content=dict(STORED['content'], password=DB_PASSWORD))))
    result = run_module(WANTED, diff=True)
    assert result['changed'] is True and result['datasource']['datasource_id'] == DS_ID
    assert 'password' not in result['datasource']['content']
    assert result['diff']['after']['content']['password'] == '********'  # sent, never shown
    assert DB_PASSWORD not in run_module.output


def test_check_mode_of_a_create_sends_only_the_lookup(http, run_module):
    http.expect(by_name())
    result = run_module(WANTED, check_mode=True, diff=True)
    assert result['changed'] is True and result['datasource']['datasource_name'] == DS_NAME and http.methods == ['GET']
    assert result['datasource']['content']['port'] == '3306' and 'password' not in result['datasource']['content']


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
def test_equal_is_one_list_request_and_a_password_alone_changes_nothing(http, run_module, check_mode):
    http.expect(by_name(STORED))
    result = run_module(WANTED, check_mode=check_mode)
    assert result['changed'] is False and 'used_by' not in result
    assert DB_PASSWORD not in run_module.output


def test_a_port_change_is_one_put_that_carries_the_password(http, run_module):
    changed = dict(FULL_CONTENT, port='3307')
    http.expect(by_name(STORED), *users(), put(body(changed), dict(STORED, content=dict(STORED['content'], port='3307'))))
    result = run_module(dict(WANTED, connection=dict(CONNECTION, port=3307)), diff=True)
    assert result['changed'] is True and result['used_by'] == []
    assert result['diff']['before']['content']['port'] == '3306' and result['diff']['after']['content']['port'] == '3307'
    assert DB_PASSWORD not in run_module.output


def test_a_change_without_the_password_is_refused_before_any_write(http, run_module):
    http.expect(by_name(STORED))
    result = run_module(dict(name=DS_NAME, connection=dict(port=3307)))
    assert result['failed'] and 'connection.password is needed: an update replaces every connection setting' in result['msg']
    assert result['msg'].count('connection.password') == 1 and len(result['invalid_options']) == 1  # named once
    assert http.methods == ['GET']


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
def test_update_password_always_sends_the_secret_on_every_run(http, run_module, check_mode):
    calls = [by_name(STORED), *users()]
    if not check_mode:
        calls.append(put(body(dict(FULL_CONTENT, password=NEW_PASSWORD)), STORED))
    http.expect(calls)
    result = run_module(dict(WANTED, connection=dict(CONNECTION, password=NEW_PASSWORD), update_password='always'), check_mode=check_mode)
    assert result['changed'] is True
    assert NEW_PASSWORD not in run_module.output


def test_a_different_type_or_application_is_refused_naming_both(http, run_module):
    http.expect(by_name(STORED))
    result = run_module(dict(WANTED, type='POSTGRESQL', app_id='app-other'))
    assert result['failed'] and result['conflicts'] == {
        'type': {'current': 'MYSQL', 'wanted': 'POSTGRESQL'},
        'app_id': {'current': 'app-source', 'wanted': 'app-other'},
    }
    assert http.methods == ['GET']


def test_datasource_id_and_name_must_name_the_same_data_source(http, run_module):
    http.expect(show_datasource(STORED))
    result = run_module(dict(datasource_id=DS_ID, name='another-name', connection=dict(port=3307)))
    assert result['failed'] and "is named 'orders-mysql', not 'another-name'" in result['msg'] and http.methods == ['GET']


RUNNING_USER = server_task(task_id='run-1', task_name='orders-sync', running=True)
STOPPED_USER = server_task(task_id='idle-1', task_name='orders-archive')
ROTATED = body(dict(FULL_CONTENT, password=NEW_PASSWORD))
ROTATION = dict(WANTED, connection=dict(CONNECTION, password=NEW_PASSWORD), update_password='always')


def test_without_restart_running_users_are_named_in_a_warning(http, run_module):
    http.expect(by_name(STORED), *users(source=[RUNNING_USER], target=[STOPPED_USER]), put(ROTATED, STORED))
    result = run_module(ROTATION)
    assert result['changed'] and [user['task_id'] for user in result['used_by']] == ['run-1', 'idle-1']
    assert [user['role'] for user in result['used_by']] == ['source', 'target']
    assert "keep its old settings until they are restarted: task 'orders-sync' (run-1, source)" in warning_texts(result)[0]
    assert 'restarted_tasks' not in result


def test_a_rotation_restarts_exactly_the_running_tasks(http, run_module):
    second = server_task(task_id='run-2', task_name='customers-sync', running=True)
    http.expect(
        by_name(STORED),
        *users(source=[RUNNING_USER, STOPPED_USER], target=[second]),
        Call('POST', api_url('batch-operation', 'tasks'), json={'action_id': 'stop', 'list': [{'task_id': 'run-1'}, {'task_id': 'run-2'}]}).reply(
            200, json={'success': [{'task_id': 'run-1'}, {'task_id': 'run-2'}], 'failure': []}
        ),
        show(dict(RUNNING_USER, running=False)),
        show(dict(second, running=False)),
        put(ROTATED, STORED),
        Call('POST', api_url('batch-operation', 'tasks'), json={'action_id': 'start', 'list': [{'task_id': 'run-1'}, {'task_id': 'run-2'}]}).reply(
            200, json={'success': [{'task_id': 'run-1'}, {'task_id': 'run-2'}], 'failure': []}
        ),
    )
    result = run_module(dict(ROTATION, restart_tasks=True))
    assert result['changed'] is True and result['restarted_tasks'] == ['run-1', 'run-2']
    assert NEW_PASSWORD not in run_module.output


def test_a_refused_update_still_starts_the_tasks_it_stopped(http, run_module):
    http.expect(
        by_name(STORED),
        *users(source=[RUNNING_USER]),
        batch('stop', 'run-1'),
        show(dict(RUNNING_USER, running=False)),
        Call('PUT', api_url('datasources', DS_ID), json=ROTATED).reply(400, json=fdi_error('FDI.3033', 'Invalid parameter [content].')),
        batch('start', 'run-1'),
    )
    result = run_module(dict(ROTATION, restart_tasks=True))
    assert result['failed'] and result['restarted_tasks'] == ['run-1']
    assert 'The data source was not changed; the 1 tasks stopped for the update were started again: run-1' in result['msg']


def test_a_refused_stop_withholds_the_update_and_starts_again_the_tasks_it_stopped(http, run_module):
    """The update is what the tasks are stopped for: never sent while one of them may still run (issue 17)."""
    second = server_task(task_id='run-2', task_name='customers-sync', running=True)
    http.expect(
        by_name(STORED),
        *users(source=[RUNNING_USER, second]),
        Call('POST', api_url('batch-operation', 'tasks'), json={'action_id': 'stop', 'list': [{'task_id': 'run-1'}, {'task_id': 'run-2'}]}).reply(
            200, json={'success': [{'task_id': 'run-2'}], 'failure': [{'task_id': 'run-1', 'error_code': 'FDI.3186', 'error_msg': 'The task is busy.'}]}
        ),
        show(dict(second, running=False)),
        batch('start', 'run-2'),
    )  # no PUT
    result = run_module(dict(ROTATION, restart_tasks=True))
    assert result['failed'] and result['changed'] is True and result['failed_tasks'] == ['run-1']
    assert result['restarted_tasks'] == ['run-2'] and 'PUT' not in http.methods
    assert result['msg'].startswith(
        "ROMA Connect could not stop 'orders-sync' (task_id run-1): ROMA Connect could not stop composite task "
        "'orders-sync' (task_id run-1): FDI.3186 The task is busy. The data source was not changed, since a "
        'task that uses it may still run; the 1 tasks stopped for the update were started again: run-2.'
    )
    assert result['msg'].endswith('Run again once the tasks can be stopped.')


def test_a_refused_start_after_the_update_says_how_to_start_the_tasks(http, run_module):
    http.expect(
        by_name(STORED),
        *users(source=[RUNNING_USER]),
        batch('stop', 'run-1'),
        show(dict(RUNNING_USER, running=False)),
        put(ROTATED, STORED),
        Call('POST', api_url('batch-operation', 'tasks'), json={'action_id': 'start', 'list': [{'task_id': 'run-1'}]}).reply(
            400, json=fdi_error('FDI.3186', 'The task is busy.')
        ),
    )  # not sent again
    result = run_module(dict(ROTATION, restart_tasks=True, wait=True))
    assert result['failed'] and result['changed'] is True and result['failed_tasks'] == ['run-1'] and result['restarted_tasks'] == []
    assert result['msg'].startswith(
        "Data source 'orders-mysql' was updated, but ROMA Connect could not start 'orders-sync' (task_id run-1) "
        'again: ROMA Connect API error 400 FDI.3186: The task is busy.'
    )
    assert (
        'These tasks are stopped now: start them with hwcloud.roma.fdi_composite_task (state: started) or hwcloud.roma.fdi_composite_tasks (status: running)'
    ) in result['msg']
    assert 'monitors' not in result  # nothing to wait for


def test_an_ordinary_running_task_is_not_restarted(http, run_module):
    ordinary = dict(list_entity(dict(RUNNING_USER, task_id='plain-1')), ext_type='')
    http.expect(by_name(STORED), *users(source=[ordinary]), composite_evidence('plain-1', form='3021'), put(ROTATED, STORED))
    result = run_module(dict(ROTATION, restart_tasks=True))
    assert result['changed'] and 'restarted_tasks' not in result


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
def test_absent_while_in_use_deletes_nothing_and_names_the_tasks(http, run_module, check_mode):
    http.expect(by_name(STORED), *users(target=[STOPPED_USER]))
    result = run_module(dict(name=DS_NAME, state='absent'), check_mode=check_mode)
    assert result['failed'] and "is used by task 'orders-archive' (idle-1, target)" in result['msg']
    assert http.methods == ['GET', 'GET', 'GET']


def test_absent_deletes_a_data_source_no_task_uses(http, run_module):
    http.expect(by_name(STORED), *users(), Call('DELETE', api_url('datasources', DS_ID), json=NO_BODY).reply(204))
    result = run_module(dict(name=DS_NAME, state='absent'))
    assert result['changed'] is True and result['datasource'] == {}


def test_already_absent(http, run_module):
    http.expect(datasource_missing(DS_ID))
    assert run_module(dict(datasource_id=DS_ID, state='absent'))['changed'] is False


def test_a_passing_connection_test_on_a_no_op(http, run_module):
    http.expect(by_name(STORED), Call('POST', api_url('datasources', DS_ID, 'test-connect'), json=body(FULL_CONTENT)).reply(200, json={'result': True}))
    result = run_module(dict(WANTED, test_connection=True))
    assert result['changed'] is False and result['connection_test']['result'] is True


def test_a_failed_connection_test_fails_saying_the_data_source_was_saved(http, run_module):
    http.expect(
        by_name(),
        create(body(dict(CONNECTION, port='3306')), STORED),
        Call('POST', api_url('datasources', DS_ID, 'test-connect'), json=body(dict(CONNECTION, port='3306'))).reply(
            400, json=fdi_error('FDI.3016', "Failed to test the connectivity. Access denied for user 'replicator'")
        ),
    )
    result = run_module(dict(WANTED, test_connection=True))
    assert result['failed'] and result['changed'] is True and result['connection_test']['result'] is False
    assert result['msg'] == (
        "The connection test of data source 'orders-mysql' failed: FDI.3016 Failed to test the connectivity. "
        "Access denied for user 'replicator'. The data source itself was created."
    )
    # the refusal is reported like any API failure (RETURN: error_code, error_msg, status), the data source beside it
    assert (result['error_code'], result['status'], result['method']) == ('FDI.3016', 400, 'POST')
    assert result['error_msg'].startswith('Failed to test the connectivity.') and result['datasource']['datasource_id'] == DS_ID
    assert 'error' not in result['connection_test']


def test_a_connection_test_needs_the_secrets(http, run_module):
    http.expect(by_name(STORED))
    result = run_module(dict(name=DS_NAME, test_connection=True))
    assert result['failed'] and 'test_connection needs connection.password' in result['msg'] and http.methods == ['GET']


@pytest.mark.parametrize(
    'args, rule',
    [
        (dict(WANTED, connection=dict(CONNECTION, port=70000)), "connection.port must be a port number 0-65535; got '70000'"),
        (dict(WANTED, connection=dict(CONNECTION, mode='cluster')), 'value of mode must be one of: default, professional, multiAddress'),
        (dict(WANTED, description='abc'), 'description must be 4-1024 characters; got 3'),
        (dict(WANTED, name='orders (old)'), 'name must be 1-255 characters without &'),
        (dict(WANTED, type='NOSQL'), 'value of type must be one of'),
        (dict(name=DS_NAME, state='absent', connection=CONNECTION), 'with state absent only name or datasource_id say which data source'),
        (dict(WANTED, wait=True, wait_timeout=0), 'wait_timeout must be 1-3600 seconds'),
    ],
)
def test_bad_input_sends_nothing(http, run_module, args, rule):
    result = run_module(args)
    assert result['failed'] and rule in result['msg'] and http.requests == []


def test_a_create_checks_what_its_type_needs_before_any_write(http, run_module):
    http.expect(by_name())
    result = run_module(dict(WANTED, connection=dict(host='db.example', port=3306, user_name='replicator', password=DB_PASSWORD)))
    assert result['failed'] and 'a MYSQL data source in mode default needs connection.database_name' in result['msg']
    assert http.methods == ['GET']


def test_whatever_the_api_returns_no_secret_reaches_the_output(http, run_module):
    """The service may return secrets in clear (its documentation does not say): they are removed, and masked everywhere else."""
    leaky = datasource_entity(content=dict(FULL_CONTENT, url='jdbc:mysql://replicator:%s@db:3306/orders' % DB_PASSWORD))
    http.expect(by_name(leaky), *users(), put(body(dict(FULL_CONTENT, port='3307', url=leaky['content']['url'])), leaky))
    result = run_module(dict(WANTED, connection=dict(CONNECTION, port=3307)), diff=True)
    assert result['changed'] and DB_PASSWORD not in run_module.output
    assert json.dumps(result).count('********') >= 1


@pytest.mark.parametrize('running, restart, check_mode', list(itertools.product((False, True), repeat=3)))
def test_a_rotation_of_a_data_source_in_use(http, run_module, running, restart, check_mode):
    """In use by one task x running or stopped x restart_tasks x check mode: only a running task is stopped and started, and only
    with restart_tasks; check mode sends the reads alone; the password is never in the output."""
    user = server_task(task_id='user-1', task_name='orders-sync', running=running)
    calls = [by_name(STORED), *users(source=[user])]
    if not check_mode:
        if running and restart:
            calls += [batch('stop', 'user-1'), show(dict(user, running=False)), put(ROTATED, STORED), batch('start', 'user-1')]
        else:
            calls.append(put(ROTATED, STORED))
    http.expect(calls)
    result = run_module(dict(ROTATION, restart_tasks=restart), check_mode=check_mode)
    assert result['changed'] is True and result['used_by'][0]['status'] == ('running' if running else 'stopped')
    assert result.get('restarted_tasks') == (['user-1'] if running and restart else None)  # in check mode: those it would restart
    warned = [text for text in warning_texts(result) if 'keep its old settings' in text]
    assert len(warned) == (1 if running and not restart else 0)
    assert NEW_PASSWORD not in run_module.output


# -- what an independent review of the contract found --------------------------------------------------------------------


def api_entity(auth_detail, url='https://orders.example.com/api'):
    return datasource_entity(datasource_type='API', content={'url': url, 'api_method': 'GET', 'api_auth_detail': auth_detail})


def test_a_secret_of_api_auth_detail_the_service_reports_must_be_given_again(http, run_module):
    """The service says api_auth_detail has a password (masked): an update that does not give it would erase it."""
    stored = api_entity({'auth_method': 'basicauth', 'user_name': 'reader', 'password': '******'})
    http.expect(by_name(stored))
    result = run_module(dict(name=DS_NAME, description='Orders API, new text'))
    assert result['failed'] and 'connection.api_auth_detail.password is needed' in result['msg']
    assert http.methods == ['GET']


def test_non_secret_fields_of_api_auth_detail_are_sent_back_as_read(http, run_module):
    stored = api_entity({'auth_method': 'oauth2.0', 'client_id': 'c-1', 'app_key': 'key-id', 'access_token_url': 'https://idp/token'})
    sent = body(
        {'url': 'https://orders.example.com/api', 'api_method': 'GET', 'api_auth_detail': dict(stored['content']['api_auth_detail'])},
        description='Orders API, new text',
    )
    sent['datasource_type'] = 'API'
    http.expect(by_name(stored), *users(), put(sent, dict(stored, description='Orders API, new text')))
    result = run_module(dict(name=DS_NAME, description='Orders API, new text'))
    assert result['changed'] is True


def test_an_access_key_is_a_setting_compared_like_any_other(http, run_module):
    """ak (OBS, DIS) is an identifier, not a secret: a re-run with the same one writes nothing."""
    stored = datasource_entity(datasource_type='OBS', content={'address': 'obs.example.com', 'ak': 'AKOBS0001', 'bucket_name': 'orders'})
    http.expect(by_name(stored))
    connection = dict(address='obs.example.com', ak='AKOBS0001', sk='obs-secret-key', bucket_name='orders')
    result = run_module(dict(name=DS_NAME, type='OBS', app_id='app-source', connection=connection))
    assert result['changed'] is False and http.methods == ['GET']


def test_a_datasource_id_that_does_not_exist_is_not_created_under_another_id(http, run_module):
    http.expect(datasource_missing(DS_ID))
    result = run_module(dict(WANTED, datasource_id=DS_ID))
    assert result['failed'] and 'ROMA Connect chooses the ID of a new data source' in result['msg']
    assert http.methods == ['GET']


@pytest.mark.parametrize('exists', [True, False], ids=['exists', 'gone'])
def test_check_mode_of_absent_returns_an_empty_data_source_like_a_real_run(http, run_module, exists):
    http.expect(*([by_name(STORED), *users()] if exists else [by_name()]))
    result = run_module(dict(name=DS_NAME, state='absent'), check_mode=True)
    assert result['changed'] is exists and result['datasource'] == {}


def test_connector_params_the_service_masks_are_never_sent_back_as_the_mask(http, run_module):
    stored = datasource_entity(datasource_type='CUSTOMIZED', content={'connection_instance_id': 'conn-1', 'connector_params': '******'})
    http.expect(by_name(stored))
    result = run_module(dict(name=DS_NAME, description='Orders connector, new text'))
    assert result['failed'] and 'connection.connector_params is needed' in result['msg'] and http.methods == ['GET']
