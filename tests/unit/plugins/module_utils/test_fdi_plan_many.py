# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""apply_plans: many plans at once, start/stop in batches of 10, writes concurrently, each plan's failure kept to itself.

The batch and ordering tests run with parallelism 1 against the scripted network
(exact requests, in order); the concurrency test uses recording fakes.
"""

from __future__ import annotations

import threading
import time

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaApiError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_apply import apply_plan, apply_plans
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_mappings import FdiMappingApi
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_plan import Desired, plan_task
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_task_state import TaskApis
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import FdiTaskApi
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    INSTANCE_ID,
    TOKEN_HEADERS,
    api_url,
    delete,
    fdi_error,
    server_task,
    show,
    token_client,
    update,
)


def current(index, running=True):
    return dict(
        task_id='task-%02d' % index,
        task_name='sync-%02d' % index,
        task_type='REALTIME',
        description='d',
        task_tag='sales-sync',
        operation_types=['INSERT'],
        source_app_id=None,
        target_app_id=None,
        status='running' if running else 'stopped',
    )


def apis():
    client = token_client()
    return TaskApis(FdiTaskApi(client, INSTANCE_ID), FdiMappingApi(client, INSTANCE_ID))


def batch_call(action, task_ids, failures=()):
    """POST batch-operation/tasks for several tasks; ``failures``: {task_id: (code, message)} reported in the answer."""
    failures = dict(failures)
    answer = {
        'success_count': len(task_ids) - len(failures),
        'failure_count': len(failures),
        'success': [{'task_id': task_id} for task_id in task_ids if task_id not in failures],
        'failure': [{'task_id': task_id, 'error_code': code, 'error_msg': message} for task_id, (code, message) in failures.items()],
    }
    return Call(
        'POST', api_url('batch-operation', 'tasks'), json={'action_id': action, 'list': [{'task_id': task_id} for task_id in task_ids]}, headers=TOKEN_HEADERS
    ).reply(200, json=answer)


def shown_stopped(index):
    return show(server_task(task_id='task-%02d' % index, task_name='sync-%02d' % index, running=False))


def put(index, **fields):
    body = dict(description='new', task_tag='sales-sync', operation_types=['INSERT'], repulling_snapshot=False)
    body.update(fields)
    return update('task-%02d' % index, body)


def update_plans(count):
    return [plan_task(Desired(dict(name='sync-%02d' % index, description='new')), current(index)) for index in range(count)]


class TestBatches:
    def test_twelve_running_tasks_stop_in_two_batches_change_and_start_in_two_batches(self, http):
        ids = ['task-%02d' % index for index in range(12)]
        http.expect(
            batch_call('stop', ids[:10]),
            batch_call('stop', ids[10:]),
            [shown_stopped(index) for index in range(12)],
            [put(index) for index in range(12)],
            batch_call('start', ids[:10]),
            batch_call('start', ids[10:]),
        )
        results = apply_plans(apis(), update_plans(12), parallelism=1)
        assert [result.error for result in results] == [None] * 12
        assert all([action.kind for action in result.done] == ['stop', 'update', 'start'] for result in results)
        assert results[3].after['description'] == 'new' and results[3].after['task_id'] == 'task-03'

    def test_a_batch_failure_fails_only_its_task_and_a_failed_change_is_restarted_with_the_others(self, http):
        ids = ['task-%02d' % index for index in range(3)]
        http.expect(
            batch_call('stop', ids, failures={'task-01': ('FDI.3120', 'The task is being started.')}),
            shown_stopped(0),
            shown_stopped(2),
            put(0).reply(400, json=fdi_error('FDI.3033', 'Invalid parameter [description].')),
            put(2),
            batch_call('start', ['task-02', 'task-00']),
        )
        results = apply_plans(apis(), update_plans(3), parallelism=1)
        assert results[1].error.message == ("ROMA Connect could not stop composite task 'sync-01' (task_id task-01): FDI.3120 The task is being started.")
        assert results[1].done == [] and results[1].error.details['error_code'] == 'FDI.3120'
        assert 'FDI.3033' in results[0].error.message and 'the task was started again' in results[0].error.message
        assert results[0].error.details['restarted'] is True and results[0].error.details['done'] == ['stop']
        assert results[2].error is None and [action.kind for action in results[2].done] == ['stop', 'update', 'start']

    def test_a_task_gone_from_a_batch_counts_as_done_and_its_delete_too(self, http):
        plans = [plan_task(Desired(dict(name='sync-%02d' % index), absent=True), current(index)) for index in range(2)]
        http.expect(
            batch_call('stop', ['task-00', 'task-01'], failures={'task-01': ('FDI.3021', 'One or more tasks do not exist.')}),
            shown_stopped(0),
            Call('GET', api_url('tasks', 'task-01'), headers=TOKEN_HEADERS).reply(400, json=fdi_error('FDI.3021', 'One or more tasks do not exist.')),
            delete('task-00'),
            Call('DELETE', api_url('tasks', 'task-01'), headers=TOKEN_HEADERS).reply(400, json=fdi_error('FDI.3021', 'One or more tasks do not exist.')),
        )
        results = apply_plans(apis(), plans, parallelism=1)
        assert [[action.kind for action in result.done] for result in results] == [['stop', 'delete'], ['stop', 'delete']]
        assert [result.error for result in results] == [None, None] and results[0].after is None

    def test_a_refused_batch_request_fails_every_task_in_it(self, http):
        plans = [plan_task(Desired(dict(name='sync-%02d' % index), status='stopped'), current(index)) for index in range(2)]
        http.expect(
            Call('POST', api_url('batch-operation', 'tasks'), json={'action_id': 'stop', 'list': [{'task_id': 'task-00'}, {'task_id': 'task-01'}]}).reply(
                403, json=fdi_error('APIG.0302', 'The IAM user is forbidden.')
            )
        )
        results = apply_plans(apis(), plans, parallelism=1)
        assert all('APIG.0302' in result.error.message and result.done == [] for result in results)

    def test_starts_of_created_tasks_go_in_one_batch(self, http):
        plans = [
            plan_task(
                Desired(dict(name='new-%d' % index, operation_types=['INSERT']), status='running'),
                None,
                generate_task_id=lambda index=index: 'new-id-%d' % index,
            )
            for index in range(2)
        ]
        creates = [
            Call(
                'POST',
                api_url('multi-tasks'),
                json={'task_name': 'new-%d' % index, 'task_id': 'new-id-%d' % index, 'task_type': 'REALTIME', 'operation_types': ['INSERT']},
            ).reply(200, json={'task_id': 'new-id-%d' % index})
            for index in range(2)
        ]
        http.expect(creates, batch_call('start', ['new-id-0', 'new-id-1']))
        batches = []
        results = apply_plans(apis(), plans, parallelism=1, on_batch=lambda action, ids: batches.append((action, ids)))
        assert batches == [('start', ['new-id-0', 'new-id-1'])]
        assert [result.after['status'] for result in results] == ['running', 'running']


class TestOnePlan:
    def test_apply_plan_sends_what_apply_plans_sends_for_one_plan(self, http):
        http.expect(batch_call('stop', ['task-00']), shown_stopped(0), put(0), batch_call('start', ['task-00']))
        after = apply_plan(apis(), update_plans(1)[0])
        assert after['description'] == 'new'

    def test_a_failed_wait_restarts_the_task(self, http):
        http.expect(
            batch_call('stop', ['task-00']),
            Call('GET', api_url('tasks', 'task-00')).reply(403, json=fdi_error('APIG.0302', 'Forbidden.')),
            batch_call('start', ['task-00']),
        )
        results = apply_plans(apis(), update_plans(1))
        assert results[0].error.details['restarted'] is True and 'APIG.0302' in results[0].error.message


class Recording:
    """Task and mapping APIs that record how many calls overlap."""

    def __init__(self, fail_for=()):
        self.lock = threading.Lock()
        self.active = self.most = 0
        self.calls = []
        self.fail_for = set(fail_for)
        self.client = self
        self.instance_id = INSTANCE_ID

    def _enter(self, name, task_id):
        with self.lock:
            self.active += 1
            self.most = max(self.most, self.active)
            self.calls.append((name, task_id))
        time.sleep(0.02)
        with self.lock:
            self.active -= 1
        if task_id in self.fail_for:
            raise RomaApiError(400, 'FDI.3033', 'Invalid parameter [description].')

    def update_task(self, task_id, body):
        self._enter('update', task_id)
        return True

    def wait_until_stopped(self, task):
        self._enter('wait', task['task_id'])

    def set_running(self, task, running):
        self._enter('start' if running else 'stop', task['task_id'])
        return True


class TestConcurrency:
    def test_writes_overlap_up_to_parallelism_and_failures_stay_per_plan(self):
        fake = Recording(fail_for={'task-03'})
        plans = [plan_task(Desired(dict(name='sync-%02d' % index, description='new')), current(index, running=False)) for index in range(8)]
        results = apply_plans(TaskApis(fake, None), plans, parallelism=4)
        assert fake.most == 4
        assert [index for index, result in enumerate(results) if result.error] == [3]
        assert sorted(call for call in fake.calls) == sorted(('update', 'task-%02d' % index) for index in range(8))
