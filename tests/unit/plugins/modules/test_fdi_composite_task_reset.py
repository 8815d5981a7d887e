# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.roma.fdi_composite_task_reset: the exact requests of a replay, for a running and a stopped task, and when it fails."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.roma.plugins.modules import fdi_composite_task_reset
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner, warning_texts
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    NAME,
    NOT_FOUND_FORMS,
    TASK_ID,
    TOKEN_HEADERS,
    api_path,
    api_url,
    batch,
    composite_evidence,
    fdi_error,
    list_entity,
    list_tasks,
    listed_by_id,
    server_task,
    show,
    show_missing,
)

POSITION = '2026-11-30T02:00:00+08:00'
POSITION_MS = 1795975200000
STOPPED, RUNNING = server_task(), server_task(running=True)


@pytest.fixture
def run_module(capsys):
    return ModuleRunner(capsys, fdi_composite_task_reset.main)


def reset(status=200, document=None):
    call = Call('POST', api_url('multi-tasks', TASK_ID, 'reset'), json={'date_from': POSITION_MS}, headers=TOKEN_HEADERS)
    return call.reply(status, json=document if document is not None else {'message': 'Reset Success'})


def confirm_stopped():
    return show(STOPPED)


def test_a_running_task_is_stopped_confirmed_reset_and_started_in_that_order(http, run_module):
    http.expect(list_tasks(NAME, [RUNNING]), show(RUNNING), batch('stop', TASK_ID), confirm_stopped(), reset(), batch('start', TASK_ID))
    result = run_module(dict(name=NAME, position_time=POSITION))
    assert result['changed'] is True and result['restarted'] is True
    assert result['reset_to'] == {'epoch_ms': POSITION_MS, 'iso': '2026-11-29T18:00:00.000Z'}
    assert result['task']['status'] == 'running' and result['task']['task_id'] == TASK_ID
    assert [command['path'] for command in result['commands']] == [
        api_path('batch-operation', 'tasks'),
        api_path('multi-tasks', TASK_ID, 'reset'),
        api_path('batch-operation', 'tasks'),
    ]


def test_a_stopped_task_is_only_reset_and_stays_stopped(http, run_module):
    http.expect(list_tasks(NAME, [STOPPED]), show(STOPPED), reset())
    result = run_module(dict(name=NAME, position_time=POSITION_MS))
    assert result['changed'] is True and result['restarted'] is False and result['task']['status'] == 'stopped'
    # the whole task, as fdi_composite_task returns it: the list API alone lacks these two
    assert (result['task']['description'], result['task']['operation_types']) == ('Replicate orders', ['INSERT', 'UPDATE'])


def test_a_task_deleted_between_its_lookup_and_its_details_is_not_reset(http, run_module):
    http.expect(list_tasks(NAME, [STOPPED]), show_missing(TASK_ID))
    result = run_module(dict(name=NAME, position_time=POSITION_MS))
    assert result['failed'] and 'was deleted by someone else while it was looked up: nothing was reset' in result['msg']
    assert http.methods == ['GET', 'GET']


def test_by_task_id_the_list_filter_finds_it_and_its_kind(http, run_module):
    http.expect(listed_by_id(TASK_ID, [STOPPED]), show(STOPPED), reset())
    assert run_module(dict(task_id=TASK_ID, position_time=str(POSITION_MS)))['changed'] is True


@pytest.mark.parametrize('running', [False, True], ids=['stopped', 'running'])
def test_check_mode_sends_no_write_and_returns_the_requests(http, run_module, running):
    http.expect(list_tasks(NAME, [RUNNING if running else STOPPED]), show(RUNNING if running else STOPPED))
    result = run_module(dict(name=NAME, position_time=POSITION), check_mode=True)
    assert result['changed'] is True and result['restarted'] is running
    assert [command['method'] for command in result['commands']] == (['POST'] * 3 if running else ['POST'])
    assert {'date_from': POSITION_MS} in [command.get('body') for command in result['commands']]


@pytest.mark.parametrize('form', sorted(NOT_FOUND_FORMS))
def test_a_failed_reset_still_starts_the_task_again(http, run_module, form):
    http.expect(
        list_tasks(NAME, [RUNNING]),
        show(RUNNING),
        batch('stop', TASK_ID),
        confirm_stopped(),
        reset(400, fdi_error('FDI.3033', 'Invalid parameter [date_from].')),
        batch('start', TASK_ID),
    )
    result = run_module(dict(name=NAME, position_time=POSITION))
    assert result['failed'] is True and result['restarted'] is True and result['reset'] is False
    assert 'FDI.3033' in result['msg'] and 'the task was started again' in result['msg']
    assert result['msg'].endswith('The task was not reset: run the reset again once the cause is fixed.')
    assert result['done'] == ['stop'] and result['changed'] is True


def test_a_reset_whose_start_fails_says_the_reset_went_through(http, run_module):
    http.expect(
        list_tasks(NAME, [RUNNING]),
        show(RUNNING),
        batch('stop', TASK_ID),
        confirm_stopped(),
        reset(),
        batch('start', TASK_ID, failure=('FDI.3060', 'The task failed to start.')),
    )
    result = run_module(dict(name=NAME, position_time=POSITION))
    assert result['failed'] is True and result['reset'] is True and result['restarted'] is False
    assert 'The task failed to start.' in result['msg'] and 'is stopped' in result['msg']
    assert result['msg'].endswith('The reset to 2026-11-29T18:00:00.000Z went through: the task reads its source from there.')


def test_a_task_deleted_before_its_reset(http, run_module):
    http.expect(list_tasks(NAME, [STOPPED]), show(STOPPED), reset(*NOT_FOUND_FORMS['3081']))
    result = run_module(dict(name=NAME, position_time=POSITION))
    assert result['failed'] and 'was deleted by someone else before it could be reset' in result['msg']


def test_a_running_task_without_restart_fails_with_advice_and_no_write(http, run_module):
    http.expect(list_tasks(NAME, [RUNNING]))
    result = run_module(dict(name=NAME, position_time=POSITION, restart=False))
    assert result['failed'] and 'set restart: true' in result['msg'] and http.methods == ['GET']


@pytest.mark.parametrize('form', sorted(NOT_FOUND_FORMS))
def test_an_ordinary_task_is_refused(http, run_module, form):
    http.expect(list_tasks(NAME, [dict(list_entity(STOPPED), ext_type=None)]), composite_evidence(TASK_ID, form=form))
    result = run_module(dict(name=NAME, position_time=POSITION))
    assert result['failed'] and 'is not a composite task' in result['msg'] and http.methods == ['GET', 'GET']


def test_a_task_that_does_not_exist(http, run_module):
    http.expect(list_tasks(NAME, []))
    result = run_module(dict(name=NAME, position_time=POSITION))
    assert result['failed'] and result['msg'] == 'Composite task orders-sync does not exist in instance inst-1: nothing was reset.'


def test_task_id_and_name_must_name_the_same_task(http, run_module):
    http.expect(listed_by_id(TASK_ID, [STOPPED]))
    result = run_module(dict(task_id=TASK_ID, name='another-task', position_time=POSITION))
    assert result['failed'] and "is named 'orders-sync', not 'another-task'" in result['msg'] and http.methods == ['GET']


@pytest.mark.parametrize(
    'position, rule',
    [
        ('2026-11-30T02:00:00', 'has no time zone'),
        ('2999-01-01T00:00:00Z', 'is in the future'),
        (1795975200, 'looks like seconds'),
    ],
)
def test_an_unusable_position_sends_nothing(http, run_module, position, rule):
    result = run_module(dict(name=NAME, position_time=position))
    assert result['failed'] and rule in result['msg'] and http.requests == []


def test_wait_on_a_stopped_task_is_ignored_with_a_warning(http, run_module):
    http.expect(list_tasks(NAME, [STOPPED]), show(STOPPED), reset())
    result = run_module(dict(name=NAME, position_time=POSITION_MS, wait=True))
    assert result['changed'] is True and result['restarted'] is False
    assert warning_texts(result) == ['wait is ignored: task %s was not running, so it is reset and stays stopped (nothing to wait for).' % TASK_ID]
