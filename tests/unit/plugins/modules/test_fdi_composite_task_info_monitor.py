# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.roma.fdi_composite_task_info include_monitor: the monitor reads it adds, as exact request sequences."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.roma.plugins.modules import fdi_composite_task_info
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    NAME,
    TASK_ID,
    TOKEN_HEADERS,
    api_url,
    list_tasks,
    listed_by_id,
    module_view,
    page,
    server_task,
    show,
)

RUNNING = server_task(running=True)
FAILED = server_task(task_id='failed-1', task_name=NAME + '-eu', running=True)
NEVER_RUN = server_task(task_id='idle-1', task_name=NAME + '-idle')
STARTED_MS = 1764628800000


def monitor_record(task, execute_status, position):
    return {
        'task_id': task['task_id'],
        'task_name': task['task_name'],
        'task_type': 'REALTIME',
        'status': 1 if task['running'] else 0,
        'last_execute_time': STARTED_MS,
        'position': position,
        'execute_status': execute_status,
        'source_app_id': task['source_app_id'],
        'target_app_id': task['target_app_id'],
        'ext_type': 'CDC',
        'task_tag': task['task_tag'],
    }


def monitor_log(execute_status, position_status, data_count, dirty_data_count, remarks, start_time=STARTED_MS):
    return {
        'id': 'trace-%d' % start_time,
        'start_time': start_time,
        'end_time': None,
        'execute_status': execute_status,
        'position': 'WRITER',
        'position_status': position_status,
        'status': 502,
        'data_count': data_count,
        'dirty_data_count': dirty_data_count,
        'data_size': 3.5,
        'data_size_unit': 'KB',
        'spend_time': 61000,
        'write_spend_time': 60000,
        'remarks': remarks,
        'detail_logs': [],
    }


def monitors(entities, **query):
    return Call('GET', api_url('task-monitors'), query=dict(query, limit=999), headers=TOKEN_HEADERS).reply(200, json=page(entities))


def logs(task, entities):
    return Call('GET', api_url('tasks', task['task_id'], 'monitor-logs'), query={'limit': 999}, headers=TOKEN_HEADERS).reply(200, json=page(entities))


@pytest.fixture
def run_module(capsys):
    return ModuleRunner(capsys, fdi_composite_task_info.main)


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
def test_one_task_reads_one_filtered_monitor_page_and_its_newest_log(http, run_module, check_mode):
    http.expect(
        list_tasks(NAME, [RUNNING]),
        show(RUNNING),
        monitors([monitor_record(RUNNING, 'RUNNING', 'WRITER')], task_name=NAME),
        logs(
            RUNNING,
            [
                monitor_log('CANCELLED', 'RUNTIME_CANCEL', 50, 9, 'The task was stopped.', start_time=STARTED_MS - 86400000),
                monitor_log('RUNNING', 'NORMAL', 1200, 0, 'The task is running.'),
            ],
        ),
    )
    result = run_module(dict(name=NAME, include_monitor=True), check_mode=check_mode)
    assert result['changed'] is False
    assert result['tasks'] == [
        dict(
            module_view(RUNNING),
            monitor={
                'execute_status': 'RUNNING',
                'position': 'WRITER',
                'position_status': 'NORMAL',
                'last_execute_time': STARTED_MS,
                'data_count': 1200,
                'dirty_data_count': 0,
                'spend_time': 61000,
                'remarks': 'The task is running.',
            },
        )
    ]


def test_many_tasks_share_the_monitor_list_and_read_one_log_each(http, run_module):
    http.expect(
        list_tasks(None, [RUNNING, FAILED, NEVER_RUN]),
        monitors([monitor_record(RUNNING, 'RUNNING', 'WRITER'), monitor_record(FAILED, 'ERROR', 'READER')]),
        logs(RUNNING, [monitor_log('RUNNING', 'NORMAL', 1200, 0, 'The task is running.')]),
        logs(FAILED, [monitor_log('ERROR', 'RUNTIME_ERR', 10, 4, 'Failed to read from the source.')]),
        logs(NEVER_RUN, []),
    )
    tasks = run_module(dict(details=False, include_monitor=True))['tasks']
    assert [task['monitor']['execute_status'] for task in tasks] == ['RUNNING', 'ERROR', None]
    assert tasks[1]['monitor'] == {
        'execute_status': 'ERROR',
        'position': 'READER',
        'position_status': 'RUNTIME_ERR',
        'last_execute_time': STARTED_MS,
        'data_count': 10,
        'dirty_data_count': 4,
        'spend_time': 61000,
        'remarks': 'Failed to read from the source.',
    }
    assert tasks[2]['monitor'] == dict.fromkeys(
        ('execute_status', 'position', 'position_status', 'last_execute_time', 'data_count', 'dirty_data_count', 'spend_time', 'remarks')
    )


def test_by_task_id_uses_the_name_the_show_api_reported(http, run_module):
    http.expect(listed_by_id(TASK_ID, [RUNNING]), show(RUNNING), monitors([monitor_record(RUNNING, 'WAITING', 'ADAPTER')], task_name=NAME), logs(RUNNING, []))
    [task] = run_module(dict(task_id=TASK_ID, include_monitor=True))['tasks']
    assert task['monitor']['execute_status'] == 'WAITING' and task['monitor']['position'] == 'ADAPTER'
    assert task['monitor']['data_count'] is None


def test_no_matching_task_reads_no_monitor(http, run_module):
    http.expect(list_tasks(NAME, []))
    assert run_module(dict(name=NAME, include_monitor=True))['tasks'] == []


def test_without_include_monitor_there_is_no_monitor_read_and_no_monitor_key(http, run_module):
    http.expect(list_tasks(NAME, [RUNNING]), show(RUNNING))
    [task] = run_module(dict(name=NAME))['tasks']
    assert 'monitor' not in task


def test_a_failed_monitor_read_fails_the_module_with_the_api_error(http, run_module):
    http.expect(
        list_tasks(NAME, [RUNNING]),
        show(RUNNING),
        Call('GET', api_url('task-monitors'), query={'task_name': NAME, 'limit': 999}).reply(
            403, json={'error_code': 'APIG.0302', 'error_msg': 'The IAM user is not authorized to access the API.'}
        ),
    )
    result = run_module(dict(name=NAME, include_monitor=True))
    assert result['failed'] and result['error_code'] == 'APIG.0302' and result['path'].endswith('/task-monitors')
