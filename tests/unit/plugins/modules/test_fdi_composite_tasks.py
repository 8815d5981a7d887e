# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.roma.fdi_composite_tasks run through main(): every state as exact request scripts, in normal and check mode.

The scenarios run with ``parallelism: 1`` so that the order of the requests is fixed.
In check mode the module must send only the reads of the list (never the reads that
wait for a stop, which belong to the apply step) and return the same ``changed``
and ``task_results``.
"""

from __future__ import annotations

import re

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils import fdi_plan
from ansible_collections.hwcloud.roma.plugins.module_utils.client import HttpTransport
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import new_task_id
from ansible_collections.hwcloud.roma.plugins.modules import fdi_composite_tasks
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import ANY, NO_BODY, Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner, warning_texts
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    GENERATED_TASK_ID,
    INSTANCE_ID,
    PROJECT_ID,
    TOKEN_HEADERS,
    api_path,
    api_url,
    composite_evidence,
    delete,
    fdi_error,
    list_entity,
    list_tasks,
    server_task,
    show,
    update,
)

OPS = ['INSERT', 'UPDATE']
SRC, DST = 'ds-mysql', 'ds-dws'


def task(number, running=False, tag='sales-sync', **fields):
    """A composite task on the server: task-0N named sync-0N."""
    return server_task(task_id='task-%02d' % number, task_name='sync-%02d' % number, running=running, task_tag=tag, **fields)


def entity(server, ext_type='MULTI'):
    listed = list_entity(server)
    listed['ext_type'] = ext_type
    return listed


def list_all(*servers, **kwargs):
    """The one list of every task of the instance (no filter), as entities."""
    return list_tasks(None, [entity(server) if 'running' in server else server for server in servers], **kwargs)


def during_apply(call):
    """Mark a read that belongs to the apply step (waiting for a stop): check mode never sends it."""
    call.during_apply = True
    return call


def shown_stopped(server):
    return during_apply(show(dict(server, running=False)))


def batch(action, *task_ids, failure=None):
    answer = {'success_count': len(task_ids), 'failure_count': 0, 'success': [{'task_id': task_id} for task_id in task_ids], 'failure': []}
    if failure:
        answer['failure'] = [{'task_id': failure[0], 'error_code': failure[1], 'error_msg': failure[2]}]
        answer['success'] = [item for item in answer['success'] if item['task_id'] != failure[0]]
    return Call(
        'POST', api_url('batch-operation', 'tasks'), json={'action_id': action, 'list': [{'task_id': task_id} for task_id in task_ids]}, headers=TOKEN_HEADERS
    ).reply(200, json=answer)


def put(server, **fields):
    body = dict(description=server['description'], task_tag=server['task_tag'], operation_types=server['operation_types'], repulling_snapshot=False)
    body.update(fields)
    return update(server['task_id'], body)


def create(body):
    return Call('POST', api_url('multi-tasks'), json=body, headers=TOKEN_HEADERS).reply(200, json={'task_id': body['task_id']})


def element(mapping_id, source, target=None, columns=()):
    return {
        'id': mapping_id,
        'source_table': source,
        'target_table': target or source,
        'status': 'USING',
        'mapping': [{'source_column': column, 'target_column': column} for column in columns],
    }


def mappings_of(server, *elements):
    return Call('GET', api_url('multi-tasks', server['task_id'], 'mappings'), query={'offset': 0, 'limit': 1000}, headers=TOKEN_HEADERS).reply(
        200,
        json={
            'task_id': server['task_id'],
            'source_datasource_id': SRC,
            'target_datasource_id': DST,
            'ext_info': {'server_id': '1'},
            'mappings': list(elements),
            'mappings_total_count': len(elements),
        },
    )


def delete_mapping(server, mapping_id):
    return Call('DELETE', api_url('multi-tasks', server['task_id'], 'mappings', mapping_id), headers=TOKEN_HEADERS).reply(200, json={'mapping_id': mapping_id})


def sent_in(calls, check_mode):
    """What a run sends: all of ``calls``, or in check mode only the reads that planning needs."""
    if not check_mode:
        return calls
    return [call for call in calls if call.method == 'GET' and not getattr(call, 'during_apply', False)]


@pytest.fixture
def run_module(capsys):
    return ModuleRunner(capsys, fdi_composite_tasks.main)


def actions(result):
    return [entry['actions'] for entry in result['task_results']]


STOPPED, RUNNING = task(1), task(2, running=True)


class Scenario:
    def __init__(self, args, calls, changed, expected_actions):
        self.args = dict(args, parallelism=1)
        self.calls = calls
        self.changed = changed
        self.actions = expected_actions


SCENARIOS = {
    'merged-create-start-and-no-op': Scenario(
        dict(
            config=[
                dict(name='sync-01', status='running'),
                dict(task_id='new-task-01', name='new-one', operation_types=['UPDATE', 'INSERT']),
                dict(name='sync-02', tag='sales-sync'),
            ]
        ),
        [
            list_all(STOPPED, RUNNING),
            create({'task_name': 'new-one', 'task_id': 'new-task-01', 'task_type': 'REALTIME', 'operation_types': OPS}),
            batch('start', 'task-01'),
        ],
        True,
        [['started'], ['created'], []],
    ),
    'merged-no-op-reads-details-only-where-compared': Scenario(
        dict(config=[dict(name='sync-01', description='Replicate orders'), dict(task_id='task-02', status='running')]),
        [list_all(STOPPED, RUNNING), show(STOPPED)],
        False,
        [[], []],
    ),
    'merged-update-of-running-tasks-stops-and-starts-in-batches': Scenario(
        dict(config=[dict(name='sync-02', description='new'), dict(name='sync-03', operation_types=['INSERT'])]),
        [
            list_all(RUNNING, task(3, running=True)),
            show(RUNNING),
            show(task(3, running=True)),
            batch('stop', 'task-02', 'task-03'),
            shown_stopped(RUNNING),
            shown_stopped(task(3)),
            put(RUNNING, description='new'),
            put(task(3), operation_types=['INSERT']),
            batch('start', 'task-02', 'task-03'),
        ],
        True,
        [['updated'], ['updated']],
    ),
    'merged-tag-change-reads-detail-for-the-update-body': Scenario(
        dict(config=[dict(name='sync-01', tag='ops-team')]), [list_all(STOPPED), show(STOPPED), put(STOPPED, task_tag='ops-team')], True, [['updated']]
    ),
    'merged-stop': Scenario(dict(config=[dict(name='sync-02', status='stopped')]), [list_all(RUNNING), batch('stop', 'task-02')], True, [['stopped']]),
    'replaced-purges-mappings-of-a-running-task': Scenario(
        dict(
            state='replaced',
            config=[
                dict(name='sync-02', source_datasource_id=SRC, target_datasource_id=DST, mappings=[dict(source_table='orders', columns=[dict(source='id')])])
            ],
        ),
        [
            list_all(RUNNING),
            mappings_of(RUNNING, element('m-1', 'orders', columns=['id']), element('m-2', 'audit')),
            batch('stop', 'task-02'),
            shown_stopped(RUNNING),
            delete_mapping(RUNNING, 'm-2'),
            batch('start', 'task-02'),
        ],
        True,
        [['mappings_changed']],
    ),
    'merged-keeps-unlisted-mappings': Scenario(
        dict(config=[dict(name='sync-02', source_datasource_id=SRC, target_datasource_id=DST, mappings=[dict(source_table='orders')])]),
        [list_all(RUNNING), mappings_of(RUNNING, element('m-1', 'orders', columns=['id']), element('m-2', 'audit'))],
        False,
        [[]],
    ),
    'overridden-deletes-unlisted-tasks-in-scope-only': Scenario(
        dict(state='overridden', scope_tag='sales-sync', config=[dict(name='sync-01')]),
        [
            list_all(STOPPED, RUNNING, task(3, tag='other-team'), entity(task(4), ext_type='')),
            composite_evidence('task-04', form='3021'),
            batch('stop', 'task-02'),
            shown_stopped(RUNNING),
            delete('task-02'),
        ],
        True,
        [[], ['deleted']],
    ),
    'overridden-every-composite-task': Scenario(
        dict(state='overridden', scope_tag='*', config=[dict(name='sync-01')]),
        [list_all(STOPPED, task(3, tag='other-team'), entity(task(4), ext_type=None)), composite_evidence('task-04', form='3081'), delete('task-03')],
        True,
        [[], ['deleted']],
    ),
    'overridden-creates-with-the-scope-tag': Scenario(
        dict(state='overridden', scope_tag='sales-sync', config=[dict(task_id='new-task-02', name='new-two', operation_types=['INSERT'])]),
        [
            list_all(),
            create({'task_name': 'new-two', 'task_id': 'new-task-02', 'task_type': 'REALTIME', 'task_tag': 'sales-sync', 'operation_types': ['INSERT']}),
        ],
        True,
        [['created']],
    ),
    'deleted-listed': Scenario(
        dict(state='deleted', config=[dict(name='sync-02'), dict(task_id='task-01'), dict(name='not-there')]),
        [list_all(STOPPED, RUNNING), batch('stop', 'task-02'), shown_stopped(RUNNING), delete('task-02'), delete('task-01')],
        True,
        [['deleted'], ['deleted'], []],
    ),
    'deleted-scope': Scenario(
        dict(state='deleted', scope_tag='sales-sync'),
        [list_all(STOPPED, task(3, tag='other-team'), entity(task(4), ext_type='')), composite_evidence('task-04', form='3021'), delete('task-01')],
        True,
        [['deleted']],
    ),
    'deleted-nothing-there': Scenario(dict(state='deleted', config=[dict(name='sync-09')]), [list_all(STOPPED)], False, [[]]),
}


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
@pytest.mark.parametrize('name', sorted(SCENARIOS))
def test_scenario(http, run_module, name, check_mode):
    scenario = SCENARIOS[name]
    http.expect(sent_in(scenario.calls, check_mode))
    result = run_module(scenario.args, check_mode=check_mode)
    assert result['changed'] is scenario.changed, result
    assert actions(result) == scenario.actions
    writes = [call for call in scenario.calls if call.method != 'GET']
    assert [(command['method'], command['path']) for command in result['commands']] == [
        (call.method, call.url[len('https://roma.cn-north-4.myhuaweicloud.com') :]) for call in writes
    ]
    assert [command.get('body') for command in result['commands']] == [None if call.json is NO_BODY else call.json for call in writes]
    assert ('after' in result) is scenario.changed


def test_commands_carry_the_bodies(http, run_module):
    http.expect(list_all(RUNNING), show(RUNNING), batch('stop', 'task-02'), shown_stopped(RUNNING), put(RUNNING, description='new'), batch('start', 'task-02'))
    result = run_module(dict(config=[dict(name='sync-02', description='new')], parallelism=1))
    assert result['commands'] == [
        {'method': 'POST', 'path': api_path('batch-operation', 'tasks'), 'body': {'action_id': 'stop', 'list': [{'task_id': 'task-02'}]}},
        {
            'method': 'PUT',
            'path': api_path('multi-tasks', 'task-02'),
            'body': {'description': 'new', 'task_tag': 'sales-sync', 'operation_types': OPS, 'repulling_snapshot': False},
        },
        {'method': 'POST', 'path': api_path('batch-operation', 'tasks'), 'body': {'action_id': 'start', 'list': [{'task_id': 'task-02'}]}},
    ]
    assert result['before'] == [
        {
            'name': 'sync-02',
            'task_id': 'task-02',
            'task_type': 'REALTIME',
            'description': 'Replicate orders',
            'tag': 'sales-sync',
            'operation_types': OPS,
            'source_app_id': 'app-source',
            'target_app_id': 'app-target',
            'status': 'running',
        }
    ]
    assert result['after'] == [dict(result['before'][0], description='new')]
    assert result['task_results'] == [{'index': 0, 'name': 'sync-02', 'task_id': 'task-02', 'actions': ['updated']}]


def test_a_create_without_task_id_sends_one_derived_from_the_name_and_check_mode_shows_it(http, run_module, monkeypatch):
    monkeypatch.setattr(fdi_plan, 'new_task_id', new_task_id)  # the real one, not the test sequence of conftest.py
    generated = []

    def check(request):
        assert re.fullmatch(r'[0-9a-f]{32}', request.json['task_id'])
        generated.append(request.json['task_id'])

    http.expect(list_all(), Call('POST', api_url('multi-tasks'), json=ANY, check=check).reply(200, json={'task_id': 'ignored-id'}))
    result = run_module(dict(config=[dict(name='new-one', operation_types=['INSERT'])]))
    assert result['task_results'][0]['task_id'] == 'ignored-id' or result['task_results'][0]['task_id'] == generated[0]
    assert generated == [new_task_id(INSTANCE_ID, 'new-one')]
    http.expect(list_all())
    checked = run_module(dict(config=[dict(name='new-one', operation_types=['INSERT'])]), check_mode=True)
    assert checked['task_results'] == [{'index': 0, 'name': 'new-one', 'task_id': generated[0], 'actions': ['created']}]
    assert checked['commands'][0]['body']['task_id'] == generated[0]


def test_eleven_starts_go_in_two_batches(http, run_module):
    tasks = [task(number) for number in range(11)]
    http.expect(list_all(*tasks), batch('start', *['task-%02d' % number for number in range(10)]), batch('start', 'task-10'))
    result = run_module(dict(config=[dict(task_id=server['task_id'], status='running') for server in tasks]))
    assert result['changed'] and actions(result) == [['started']] * 11
    assert [len(command['body']['list']) for command in result['commands']] == [10, 1]


class TestPartialFailure:
    def test_every_item_is_attempted_then_the_failed_ones_are_named(self, http, run_module):
        servers = [task(number) for number in range(3)]
        http.expect(
            list_all(*servers),
            [show(server) for server in servers],
            put(servers[0], description='new'),
            put(servers[1], description='new').reply(400, json=fdi_error('FDI.3033', 'Invalid parameter [description].')),
            put(servers[2], description='new'),
        )
        result = run_module(dict(config=[dict(name=server['task_name'], description='new') for server in servers], parallelism=1))
        assert result['failed'] is True and result['changed'] is True
        assert result['msg'].startswith('1 of 3 items failed: config[1] (sync-01): ROMA Connect API error 400 FDI.3033')
        assert actions(result) == [['updated'], [], ['updated']]
        assert result['task_results'][1]['failed'] is True and 'FDI.3033' in result['task_results'][1]['msg']
        assert [entry['index'] for entry in result['failed_items']] == [1]
        assert [entry['description'] for entry in result['after']] == ['new', 'Replicate orders', 'new']

    def test_the_diff_of_a_failed_item_shows_no_change_that_did_not_happen(self, http, run_module):
        servers = [task(number) for number in range(2)]
        http.expect(
            list_all(*servers),
            [show(server) for server in servers],
            put(servers[0], description='new').reply(400, json=fdi_error('FDI.3033', 'Invalid parameter [description].')),
            put(servers[1], description='new'),
        )
        result = run_module(dict(config=[dict(name=server['task_name'], description='new') for server in servers], parallelism=1), diff=True)
        assert [entry['after']['description'] for entry in result['diff']] == ['Replicate orders', 'new']

    def test_a_failed_change_of_a_running_task_restarts_it_in_the_start_batch(self, http, run_module):
        servers = [task(1, running=True), task(2, running=True)]
        # the tag change needs each task's details (show) for the update body
        http.expect(
            list_all(*servers),
            show(servers[0]),
            show(servers[1]),
            batch('stop', 'task-01', 'task-02'),
            shown_stopped(servers[0]),
            shown_stopped(servers[1]),
            put(servers[0], task_tag='ops-team').reply(400, json=fdi_error('FDI.3033', 'Invalid parameter [task_tag].')),
            put(servers[1], task_tag='ops-team'),
            batch('start', 'task-02', 'task-01'),
        )
        result = run_module(dict(config=[dict(task_id='task-01', tag='ops-team'), dict(task_id='task-02', tag='ops-team')], parallelism=1))
        assert result['failed'] and 'the task was started again' in result['task_results'][0]['msg']
        assert actions(result) == [[], ['updated']]

    def test_a_task_that_cannot_be_started_again_is_reported_stopped(self, http, run_module):
        server = task(1, running=True)
        http.expect(
            list_all(server),
            show(server),
            batch('stop', 'task-01'),
            shown_stopped(server),
            put(server, description='new').reply(400, json=fdi_error('FDI.3033', 'Invalid parameter [description].')),
            batch('start', 'task-01', failure=('task-01', 'FDI.3120', 'The task is busy.')),
        )
        result = run_module(dict(config=[dict(task_id='task-01', description='new')]))
        assert result['failed'] and result['changed'] and 'could not be started again and is stopped' in result['msg']
        assert result['after'][0]['status'] == 'stopped' and result['after'][0]['description'] == 'Replicate orders'

    def test_a_failed_stop_in_a_batch_fails_only_that_task(self, http, run_module):
        http.expect(
            list_all(task(1, running=True), task(2, running=True)), batch('stop', 'task-01', 'task-02', failure=('task-01', 'FDI.3120', 'The task is busy.'))
        )
        result = run_module(dict(config=[dict(task_id='task-01', status='stopped'), dict(task_id='task-02', status='stopped')]))
        assert result['failed'] and result['changed']
        assert result['msg'] == (
            "1 of 2 items failed: config[0] (sync-01): ROMA Connect could not stop composite task 'sync-01' (task_id task-01): FDI.3120 The task is busy."
        )
        assert actions(result) == [[], ['stopped']]

    def test_a_read_error_fails_its_item_and_the_others_are_applied(self, http, run_module):
        http.expect(
            list_all(task(1), task(2)),
            Call('GET', api_url('tasks', 'task-01')).reply(403, json=fdi_error('APIG.0302', 'Forbidden.')),
            show(task(2)),
            put(task(2), description='new'),
        )
        result = run_module(dict(config=[dict(task_id='task-01', description='new'), dict(task_id='task-02', description='new')], parallelism=1))
        assert result['failed'] and result['changed'] and actions(result) == [[], ['updated']]
        assert 'APIG.0302' in result['msg'] and result['msg'].startswith('1 of 2 items failed: config[0] (sync-01)')


class TestPlanningErrorsWriteNothing:
    def test_an_immutable_difference_fails_every_item_before_any_write(self, http, run_module):
        http.expect(list_all(task(1), task(2)))
        result = run_module(dict(config=[dict(name='sync-01', source_app_id='other-app'), dict(name='sync-02', status='running'), dict(name='new-one')]))
        assert result['failed'] and 'changed' not in result or not result['changed']
        assert result['msg'].startswith('Nothing was changed: config[0] (sync-01): Cannot change composite task')
        assert 'config[2] (new-one): Task new-one does not exist; to create it, set operation_types.' in result['msg']
        assert len(result['invalid_items']) == 2

    def test_a_task_that_is_not_composite_is_never_changed(self, http, run_module):
        http.expect(list_all(entity(task(1), ext_type='')), composite_evidence('task-01', form='3021'))
        result = run_module(dict(state='deleted', config=[dict(name='sync-01')]))
        assert result['failed'] and "Task 'sync-01' (task_id task-01) in instance inst-1 is not a composite task" in result['msg']
        assert result['invalid_items'] == [
            "config[0] (sync-01): Task 'sync-01' (task_id task-01) in instance inst-1 is not a composite task "
            '(it is an ordinary FDI task), so this module does not change, reset or delete it.'
        ]

    def test_every_problem_is_listed_at_once_and_none_is_false(self, http, run_module):
        """A duplicate item, a create without operation_types and a task outside the scope, in one run; no "does not exist" for
        the task outside the scope (it exists), and nothing written."""
        http.expect(list_all(task(1), task(3, tag='other-team')))
        result = run_module(
            dict(
                state='overridden',
                scope_tag='sales-sync',
                config=[dict(name='sync-01'), dict(name='sync-01', status='running'), dict(name='new-one'), dict(name='sync-03', tag='sales-sync')],
            )
        )
        assert result['failed'] and result['invalid_items'] == [
            "config[1]: the task name 'sync-01' is already listed as config[0]; list each task once",
            "config[3] (sync-03): task task-03 carries tag 'other-team', outside scope_tag 'sales-sync'",
            'config[2] (new-one): Task new-one does not exist; to create it, set operation_types.',
        ]
        assert http.methods == ['GET']

    def test_a_new_task_with_mappings_needs_its_data_sources(self, http, run_module):
        http.expect(list_all())
        result = run_module(dict(config=[dict(name='new-one', operation_types=OPS, mappings=[dict(source_table='orders')])]))
        assert (
            result['failed']
            and ('config[0] (new-one): Task new-one has no source_datasource_id and target_datasource_id, and mappings need both data sources') in result['msg']
        )

    def test_two_items_for_one_task_found_by_id_and_name(self, http, run_module):
        http.expect(list_all(task(1)))
        result = run_module(dict(config=[dict(name='sync-01'), dict(task_id='task-01', status='running')]))
        assert result['failed'] and 'names the same task (task-01) as config[0]' in result['msg']

    def test_a_task_outside_the_scope(self, http, run_module):
        http.expect(list_all(task(1, tag='other-team')))
        result = run_module(dict(state='overridden', scope_tag='sales-sync', config=[dict(name='sync-01')]))
        assert result['failed'] and "config[0] (sync-01): task task-01 carries tag 'other-team', outside scope_tag 'sales-sync'" in result['msg']

    def test_emptying_a_description(self, http, run_module):
        http.expect(list_all(task(1)), show(task(1)))
        result = run_module(dict(config=[dict(name='sync-01', description='')]))
        assert result['failed'] and 'description cannot be emptied' in result['msg']


INVALID = {
    'overridden-needs-scope': (dict(state='overridden', config=[dict(name='sync-01')]), 'scope_tag is required with state overridden'),
    'deleted-empty-needs-scope': (dict(state='deleted', config=[]), 'scope_tag is required with state deleted and an empty config'),
    'deleted-omitted-needs-scope': (dict(state='deleted'), 'scope_tag is required with state deleted and an empty config'),
    'merged-needs-config': (dict(config=[]), 'config must list at least one task with state merged'),
    'replaced-needs-config': (dict(state='replaced'), 'config must list at least one task with state replaced'),
    'rendered-needs-config': (dict(state='rendered', config=[]), 'config must list at least one task with state rendered'),
    'gathered-takes-no-config': (dict(state='gathered', config=[dict(name='sync-01')]), 'config is not used with state gathered'),
    'scope-tag-rule': (dict(state='deleted', scope_tag='a b'), "scope_tag must be '*' (every composite task) or a tag: 4-64 characters"),
    'parallelism-range': (dict(config=[dict(name='sync-01')], parallelism=33), 'parallelism must be between 1 and 32; got 33'),
    'parallelism-zero': (dict(config=[dict(name='sync-01')], parallelism=0), 'parallelism must be between 1 and 32; got 0'),
    'wait-timeout': (dict(config=[dict(name='sync-01')], wait_timeout=0), 'wait_timeout must be 1-3600 seconds; got 0'),
    'identity': (dict(config=[dict(operation_types=OPS)]), 'config[0]: set task_id or name to say which task it is'),
    'deleted-only-identity': (
        dict(state='deleted', config=[dict(name='sync-01', mappings=[])]),
        'config[0] (sync-01): with state deleted an item may carry only task_id and name (it deletes the whole task); remove mappings',
    ),
    'item-tag': (dict(config=[dict(name='sync-01', tag='abc')]), 'config[0] (sync-01): tag must be 4-64 characters'),
    'item-name': (dict(config=[dict(name='x')]), 'config[0] (x): name must be 3-100 characters'),
    'item-auto-mapping-without-data-sources': (
        dict(config=[dict(name='sync-01', auto_mapping=True)]),
        'config[0] (sync-01): source_datasource_id and target_datasource_id are required with auto_mapping',
    ),
    'item-mapping-pair-twice': (
        dict(config=[dict(name='sync-01', source_datasource_id=SRC, target_datasource_id=DST, mappings=[dict(source_table='a'), dict(source_table='a')])]),
        r'config[0] (sync-01): mappings[1]: the pair a -> a is already listed as mappings[0]',
    ),
    'overridden-item-tag': (
        dict(state='overridden', scope_tag='sales-sync', config=[dict(name='sync-01', tag='other-team')]),
        "config[0] (sync-01): tag 'other-team' is outside scope_tag 'sales-sync'",
    ),
    'auto-mapping-purged': (
        dict(state='replaced', config=[dict(name='sync-01', source_datasource_id=SRC, target_datasource_id=DST, auto_mapping=True, mappings=[])]),
        'config[0] (sync-01): auto_mapping cannot be used with mappings under state replaced',
    ),
    'status-choice': (dict(config=[dict(name='sync-01', status='paused')]), 'value of status must be one of: running, stopped'),
    'state-parsed': (dict(state='parsed', config=[dict(name='sync-01')]), 'value of state must be one of: merged, replaced'),
}


@pytest.mark.parametrize('name', sorted(INVALID))
def test_invalid_input_fails_before_any_request(http, run_module, name):
    args, message = INVALID[name]
    result = run_module(args)
    assert result['failed'] is True
    assert message in result['msg'], result['msg']
    assert http.requests == []


class TestGathered:
    def test_tasks_in_scope_with_details_and_mappings(self, http, run_module):
        listed = [task(1, running=True), task(2, description=''), task(3, tag='other-team'), entity(task(4), ext_type='')]
        http.expect(
            list_all(*listed),
            composite_evidence('task-04', form='3021'),
            show(listed[0]),
            mappings_of(listed[0], element('m-1', 'orders', columns=['id', 'total'])),
            show(listed[1]),
            mappings_of(listed[1]),
        )
        result = run_module(dict(state='gathered', scope_tag='sales-sync', parallelism=1))
        common = dict(
            task_type='REALTIME',
            tag='sales-sync',
            operation_types=OPS,
            source_app_id='app-source',
            target_app_id='app-target',
            source_datasource_id=SRC,
            target_datasource_id=DST,
            server_id='1',
        )
        assert result == dict(
            result,
            changed=False,
            gathered=[
                dict(
                    common,
                    name='sync-01',
                    task_id='task-01',
                    description='Replicate orders',
                    status='running',
                    mappings=[
                        {
                            'source_table': 'orders',
                            'target_table': 'orders',
                            'columns': [{'source': 'id', 'target': 'id'}, {'source': 'total', 'target': 'total'}],
                        }
                    ],
                ),
                dict(common, name='sync-02', task_id='task-02', status='stopped', mappings=[]),
            ],
        )

    def test_default_scope_is_every_composite_task(self, http, run_module):
        http.expect(
            list_all(task(1, tag=''), entity(task(2), ext_type='')), composite_evidence('task-02', form='3021'), show(task(1, tag='')), mappings_of(task(1))
        )
        result = run_module(dict(state='gathered'))
        assert [item['name'] for item in result['gathered']] == ['sync-01'] and 'tag' not in result['gathered'][0]

    def test_gathered_fed_back_with_merged_reads_the_same_and_writes_nothing(self, http, run_module):
        servers = [task(1, running=True), task(2)]
        reads = [
            list_all(*servers),
            show(servers[0]),
            mappings_of(servers[0], element('m-1', 'orders', columns=['id'])),
            show(servers[1]),
            mappings_of(servers[1]),
        ]
        http.expect(reads)
        gathered = run_module(dict(state='gathered', parallelism=1))['gathered']
        http.expect(
            [list_all(*servers), show(servers[0]), mappings_of(servers[0], element('m-1', 'orders', columns=['id'])), show(servers[1]), mappings_of(servers[1])]
        )
        result = run_module(dict(state='overridden', scope_tag='*', config=gathered, parallelism=1))
        assert result['changed'] is False and result['commands'] == [] and actions(result) == [[], []]


class TestRendered:
    def test_no_request_and_no_credentials(self, http, run_module):
        config = [
            dict(
                name='orders-sync',
                operation_types=['INSERT'],
                source_datasource_id=SRC,
                target_datasource_id=DST,
                mappings=[dict(source_table='orders')],
                status='running',
            ),
            dict(task_id='my-task-01', name='other-one', operation_types=['DELETE']),
        ]
        result = run_module(dict(state='rendered', config=config), connection={})
        base = '/v2/{project_id}/fdi/instances/%s/' % INSTANCE_ID
        assert result['changed'] is False
        assert result['rendered'] == [
            {
                'method': 'POST',
                'path': base + 'multi-tasks/init',
                'body': {'task_id': GENERATED_TASK_ID, 'source_datasource_id': SRC, 'target_datasource_id': DST, 'auto_mapping': False},
            },
            {
                'method': 'POST',
                'path': base + 'multi-tasks',
                'body': {'task_name': 'orders-sync', 'task_id': GENERATED_TASK_ID, 'task_type': 'REALTIME', 'operation_types': ['INSERT']},
            },
            {
                'method': 'POST',
                'path': base + 'multi-tasks/%s/mappings' % GENERATED_TASK_ID,
                'body': {'source_datasource_id': SRC, 'target_datasource_id': DST, 'source_table': 'orders', 'target_table': 'orders'},
            },
            {'method': 'POST', 'path': base + 'batch-operation/tasks', 'body': {'action_id': 'start', 'list': [{'task_id': GENERATED_TASK_ID}]}},
            {
                'method': 'POST',
                'path': base + 'multi-tasks',
                'body': {'task_name': 'other-one', 'task_id': 'my-task-01', 'task_type': 'REALTIME', 'operation_types': ['DELETE']},
            },
        ]
        assert http.requests == []

    def test_project_id_is_used_when_given_and_an_item_that_cannot_be_created_fails(self, http, run_module):
        result = run_module(dict(state='rendered', config=[dict(name='orders-sync', operation_types=['INSERT'])]), connection={'project_id': PROJECT_ID})
        assert result['rendered'][0]['path'] == '/v2/%s/fdi/instances/%s/multi-tasks' % (PROJECT_ID, INSTANCE_ID)
        failed = run_module(dict(state='rendered', config=[dict(name='orders-sync')]), connection={})
        assert failed['failed'] and 'config[0] (orders-sync): Task orders-sync does not exist; to create it, set operation_types' in failed['msg']
        assert http.requests == []


def test_diff_is_one_entry_per_changed_task(http, run_module):
    http.expect(list_all(task(1), task(2)), batch('start', 'task-01'))
    result = run_module(dict(config=[dict(name='sync-01', status='running'), dict(name='sync-02')]), diff=True)
    assert len(result['diff']) == 1
    entry = result['diff'][0]
    assert entry['before_header'] == entry['after_header'] == 'composite task sync-01'
    assert entry['before']['status'] == 'stopped' and entry['after']['status'] == 'running'


def test_the_connection_pool_is_sized_to_parallelism(http, run_module, monkeypatch):
    sizes = []
    original = HttpTransport.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        sizes.append(self.pool_size)

    monkeypatch.setattr(HttpTransport, '__init__', init)  # the client's option: one kept connection per request in flight
    http.expect(list_all(task(1)))
    run_module(dict(config=[dict(name='sync-01')], parallelism=20))
    assert sizes == [20]


FUTURE_MS = 4102444800000  # a monitor record written after the start request (not stale)


def monitor_record(server, execute_status, position='WRITER'):
    return {
        'task_id': server['task_id'],
        'task_name': server['task_name'],
        'task_type': 'REALTIME',
        'status': 1,
        'last_execute_time': FUTURE_MS,
        'position': position,
        'execute_status': execute_status,
        'ext_type': 'CDC',
    }


def monitor_log(server, execute_status, position_status, remarks):
    return Call('GET', api_url('tasks', server['task_id'], 'monitor-logs'), query={'limit': 999}, headers=TOKEN_HEADERS).reply(
        200,
        json={
            'total': 1,
            'size': 1,
            'entities': [
                {
                    'id': 'trace-1',
                    'start_time': FUTURE_MS,
                    'execute_status': execute_status,
                    'position': 'WRITER',
                    'position_status': position_status,
                    'status': 502,
                    'data_count': 10,
                    'dirty_data_count': 0,
                    'spend_time': 1000,
                    'remarks': remarks,
                }
            ],
        },
    )


def test_wait_polls_one_monitor_list_for_every_started_task_and_fails_the_ones_that_do_not_run(http, run_module):
    http.expect(
        list_all(task(1), task(2)),
        batch('start', 'task-01', 'task-02'),
        Call('GET', api_url('task-monitors'), query={'limit': 999}, headers=TOKEN_HEADERS).reply(
            200, json={'total': 2, 'size': 2, 'entities': [monitor_record(task(1), 'RUNNING'), monitor_record(task(2), 'ERROR', 'READER')]}
        ),
        monitor_log(task(1), 'RUNNING', 'NORMAL', 'The task is running.'),
        monitor_log(task(2), 'ERROR', 'RUNTIME_ERR', 'Access denied for user root.'),
    )
    result = run_module(dict(config=[dict(name='sync-01', status='running'), dict(name='sync-02', status='running')], wait=True))
    assert result['failed'] and result['changed'] and actions(result) == [['started'], ['started']]
    assert result['task_results'][0]['monitor']['execute_status'] == 'RUNNING' and 'failed' not in result['task_results'][0]
    assert result['msg'].startswith('1 of 2 items failed: config[1] (sync-02): ')
    assert 'Access denied for user root.' in result['msg']


def test_wait_is_never_done_in_check_mode(http, run_module):
    http.expect(list_all(task(1)))
    result = run_module(dict(config=[dict(name='sync-01', status='running')], wait=True), check_mode=True)
    assert result['changed'] and actions(result) == [['started']]


class TestMessagesOfTheRarePaths:
    """The paths of issue 18.13 that had no test: each says what is wrong and what to do, and writes nothing."""

    def test_two_tasks_of_one_name_ask_for_task_id(self, http, run_module):
        http.expect(list_all(task(1), dict(task(5), task_name='sync-01')))
        result = run_module(dict(config=[dict(name='sync-01', description='new')]))
        assert result['failed'] and result['invalid_items'] == [
            "config[0] (sync-01): more than one task is named 'sync-01' (task ids task-01, task-05): set task_id to say which one"
        ]
        assert http.methods == ['GET']

    def test_a_task_in_scope_that_cannot_be_read_fails_gathered_naming_it(self, http, run_module):
        http.expect(
            list_all(task(1), task(2)),
            show(task(1)),
            mappings_of(task(1)),
            Call('GET', api_url('tasks', 'task-02')).reply(403, json=fdi_error('APIG.0302', 'Forbidden.')),
        )
        result = run_module(dict(state='gathered', scope_tag='sales-sync', parallelism=1))
        assert result['failed'] and result['msg'].startswith('Could not read 1 of the 2 tasks in scope: sync-02: ')
        assert 'APIG.0302' in result['msg'] and result['error_code'] == 'APIG.0302' and 'gathered' not in result

    def test_rendered_with_nothing_to_render_says_so(self, http, run_module):
        result = run_module(dict(state='rendered', config=[dict(name='orders-sync')]), connection={})
        assert result['failed'] and result['msg'].startswith('Nothing to render')
        assert result['invalid_items'] == ['config[0] (orders-sync): Task orders-sync does not exist; to create it, set operation_types.']
        assert http.requests == []

    def test_wait_with_a_state_that_starts_nothing_is_ignored_with_a_warning(self, http, run_module):
        http.expect(list_all(task(1)), delete('task-01'))
        result = run_module(dict(state='deleted', config=[dict(name='sync-01')], wait=True))
        assert result['changed'] and actions(result) == [['deleted']]
        assert 'wait is ignored with state deleted.' in warning_texts(result)
