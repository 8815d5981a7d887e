# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.roma.fdi_composite_task run through main(): every branch, in normal and check mode, as exact request sequences.

Each scenario lists the requests a real run sends.  In check mode the module must
send only the GETs of that list and still return the same ``changed`` and ``task``.
"""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.client import HttpTransport
from ansible_collections.hwcloud.roma.plugins.modules import fdi_composite_task
from ansible_collections.hwcloud.roma.tests.unit.plugins import fake_http
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import Call, verify_signature
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    GENERATED_TASK_ID,
    IAM,
    NAME,
    NOT_FOUND_FORMS,
    PROJECT_ID,
    REGION,
    TASK_ID,
    TOKEN,
    api_path,
    api_url,
    batch,
    create,
    delete,
    fdi_error,
    iam_login,
    list_tasks,
    listed_by_id,
    module_view,
    password_body,
    server_task,
    show,
    show_document,
    show_missing,
    update,
)

STOPPED = server_task()
RUNNING = server_task(running=True)
OPS = ['INSERT', 'UPDATE']
PRESENT = dict(name=NAME, operation_types=OPS)
FULL = dict(PRESENT, description='Replicate orders', tag='sales-sync', source_app_id='app-source', target_app_id='app-target')
MASK = '********'


@pytest.fixture
def run_module(capsys):
    """``run_module(options, check_mode=.., diff=.., connection=..)`` -> the module's result."""
    return ModuleRunner(capsys, fdi_composite_task.main)


def created(task_id=TASK_ID, **fields):
    """The task a create returns: what was sent, with "" for empty text and None for unset app ids."""
    task = dict(
        task_id=task_id,
        task_name=NAME,
        task_type='REALTIME',
        description='',
        task_tag='',
        operation_types=OPS,
        source_app_id=None,
        target_app_id=None,
        status='stopped',
    )
    task.update(fields)
    return task


def brief(task, **fields):
    """The task as found through the list API only (no show request): no description, no operation types."""
    return dict(module_view(task), description=None, operation_types=None, **fields)


def switched(view, status):
    """``view`` after a start or stop: the new status, and no execute_status (it was read before the switch)."""
    view = dict(view, status=status)
    view.pop('execute_status', None)
    return view


def poll(task):
    """A show sent after a stop, to wait until the task reports stopped: part of the writes, so never sent in check mode."""
    call = show(task)
    call.after_write = True
    return call


def sent_in(calls, check_mode):
    """The requests of ``calls`` that a run sends: all of them, or in check mode the reads before the first write."""
    return [call for call in calls if not check_mode or (call.is_read and not getattr(call, 'after_write', False))]


def create_body(**fields):
    """A create without task_id sends the generated one (see conftest.py)."""
    body = dict(task_name=NAME, task_id=GENERATED_TASK_ID, task_type='REALTIME', operation_types=OPS)
    body.update(fields)
    return body


def full_body(**fields):
    body = dict(
        task_name=NAME,
        task_id=GENERATED_TASK_ID,
        task_type='REALTIME',
        description='Replicate orders',
        task_tag='sales-sync',
        operation_types=OPS,
        source_app_id='app-source',
        target_app_id='app-target',
    )
    body.update(fields)
    return body


def put_body(**fields):
    body = dict(description='Replicate orders', task_tag='sales-sync', operation_types=OPS, repulling_snapshot=False)
    body.update(fields)
    return body


class Scenario:
    """Options, the requests of a real run, and the result both modes must return."""

    def __init__(self, args, calls, changed, task, check_task=None):
        self.args = args
        self.calls = calls
        self.changed = changed
        self.task = task
        self.check_task = task if check_task is None else check_task


SCENARIOS = {
    # absent -> create
    'create-by-name': Scenario(
        dict(FULL, operation_types=['UPDATE', 'INSERT']),
        [list_tasks(NAME, []), create(full_body(), task_id=GENERATED_TASK_ID)],
        True,
        created(GENERATED_TASK_ID, description='Replicate orders', task_tag='sales-sync', source_app_id='app-source', target_app_id='app-target'),
    ),
    'create-minimal': Scenario(
        PRESENT,
        [list_tasks(NAME, [server_task(task_name=NAME + '-2', task_id='other')]), create(create_body(), task_id=GENERATED_TASK_ID)],
        True,
        created(GENERATED_TASK_ID),
    ),
    'create-with-empty-description-leaves-it-out': Scenario(
        dict(PRESENT, description=''), [list_tasks(NAME, []), create(create_body(), task_id=GENERATED_TASK_ID)], True, created(GENERATED_TASK_ID)
    ),
    'create-by-task-id': Scenario(
        dict(PRESENT, task_id='my-task-01'),
        [
            show_missing('my-task-01'),
            create({'task_name': NAME, 'task_id': 'my-task-01', 'task_type': 'REALTIME', 'operation_types': OPS}, task_id='my-task-01'),
        ],
        True,
        created('my-task-01'),
    ),
    'create-started': Scenario(
        dict(PRESENT, state='started'),
        [list_tasks(NAME, []), create(create_body(), task_id=GENERATED_TASK_ID), batch('start', GENERATED_TASK_ID)],
        True,
        created(GENERATED_TASK_ID, status='running'),
    ),
    'create-stopped': Scenario(
        dict(PRESENT, state='stopped', task_id='my-task-02'),
        [
            show_missing('my-task-02'),
            create({'task_name': NAME, 'task_id': 'my-task-02', 'task_type': 'REALTIME', 'operation_types': OPS}, task_id='my-task-02'),
        ],
        True,
        created('my-task-02'),
    ),
    # present and equal
    'noop-by-name': Scenario(FULL, [list_tasks(NAME, [STOPPED]), show(STOPPED)], False, module_view(STOPPED)),
    'noop-by-name-running': Scenario(PRESENT, [list_tasks(NAME, [RUNNING]), show(RUNNING)], False, module_view(RUNNING)),
    'noop-by-aliases': Scenario(
        dict(task_name=NAME, task_tag='sales-sync', operation_types=OPS), [list_tasks(NAME, [STOPPED]), show(STOPPED)], False, module_view(STOPPED)
    ),
    'noop-by-task-id': Scenario(dict(FULL, task_id=TASK_ID), [show(STOPPED)], False, module_view(STOPPED, listed=False)),
    'noop-unset-options-not-compared': Scenario(
        dict(PRESENT, operation_types=['UPDATE', 'INSERT']),
        [list_tasks(NAME, [server_task(description='', task_tag='')]), show(server_task(description='', task_tag=''))],
        False,
        module_view(server_task(description='', task_tag='')),
    ),
    'noop-empty-description-equals-missing': Scenario(
        dict(PRESENT, description=''),
        [list_tasks(NAME, [server_task(description='')]), show(server_task(description=''))],
        False,
        module_view(server_task(description='')),
    ),
    # mutable changes
    'update-description-keeps-tag': Scenario(
        dict(PRESENT, description='New text'),
        [list_tasks(NAME, [STOPPED]), show(STOPPED), update(TASK_ID, put_body(description='New text'))],
        True,
        module_view(server_task(description='New text')),
    ),
    'update-operation-types-with-repulling': Scenario(
        dict(name=NAME, operation_types=['DELETE', 'INSERT', 'UPDATE'], repulling_snapshot=True),
        [list_tasks(NAME, [STOPPED]), show(STOPPED), update(TASK_ID, put_body(operation_types=['INSERT', 'UPDATE', 'DELETE'], repulling_snapshot=True))],
        True,
        module_view(server_task(operation_types=['INSERT', 'UPDATE', 'DELETE'])),
    ),
    'update-description-without-operation-types': Scenario(
        dict(task_id=TASK_ID, description='Only this changes'),
        [show(STOPPED), listed_by_id(TASK_ID, [STOPPED]), update(TASK_ID, put_body(description='Only this changes'))],
        True,
        module_view(server_task(description='Only this changes'), listed=False),
    ),
    'update-description-by-name-without-operation-types': Scenario(
        dict(name=NAME, description='Only this changes'),
        [list_tasks(NAME, [STOPPED]), show(STOPPED), update(TASK_ID, put_body(description='Only this changes'))],
        True,
        module_view(server_task(description='Only this changes')),
    ),
    'update-without-tag-sends-none': Scenario(
        dict(PRESENT, description='x'),
        [
            list_tasks(NAME, [server_task(task_tag='')]),
            show(server_task(task_tag='')),
            update(TASK_ID, {'description': 'x', 'operation_types': OPS, 'repulling_snapshot': False}),
        ],
        True,
        module_view(server_task(task_tag='', description='x')),
    ),
    'update-by-task-id': Scenario(
        dict(PRESENT, task_id=TASK_ID, tag='ops-team'),
        [show(STOPPED), listed_by_id(TASK_ID, [STOPPED]), update(TASK_ID, put_body(task_tag='ops-team'))],
        True,
        module_view(server_task(task_tag='ops-team'), listed=False),
    ),
    'update-running-restarts': Scenario(
        dict(PRESENT, tag='ops-team'),
        [
            list_tasks(NAME, [RUNNING]),
            show(RUNNING),
            batch('stop', TASK_ID),
            poll(STOPPED),
            update(TASK_ID, put_body(task_tag='ops-team')),
            batch('start', TASK_ID),
        ],
        True,
        switched(module_view(server_task(running=True, task_tag='ops-team')), 'running'),
    ),
    'update-running-and-stop': Scenario(
        dict(PRESENT, tag='ops-team', state='stopped'),
        [list_tasks(NAME, [RUNNING]), show(RUNNING), batch('stop', TASK_ID), poll(STOPPED), update(TASK_ID, put_body(task_tag='ops-team'))],
        True,
        switched(module_view(server_task(running=True, task_tag='ops-team')), 'stopped'),
    ),
    'update-tag-and-start-reads-detail-for-the-body': Scenario(
        dict(name=NAME, tag='ops-team', state='started'),
        [list_tasks(NAME, [STOPPED]), show(STOPPED), update(TASK_ID, put_body(task_tag='ops-team')), batch('start', TASK_ID)],
        True,
        switched(module_view(server_task(task_tag='ops-team')), 'running'),
    ),
    # state absent
    'absent-deletes': Scenario(dict(name=NAME, state='absent'), [list_tasks(NAME, [STOPPED]), delete(TASK_ID)], True, {}),
    'absent-stops-then-deletes': Scenario(
        dict(name=NAME, state='absent'), [list_tasks(NAME, [RUNNING]), batch('stop', TASK_ID), poll(STOPPED), delete(TASK_ID)], True, {}
    ),
    'absent-waits-until-a-slow-stop-shows': Scenario(
        dict(name=NAME, state='absent'),
        [list_tasks(NAME, [RUNNING]), batch('stop', TASK_ID), poll(RUNNING), poll(RUNNING), poll(STOPPED), delete(TASK_ID)],
        True,
        {},
    ),
    'absent-by-task-id-and-matching-name': Scenario(
        dict(task_id=TASK_ID, name=NAME, state='absent'), [show(STOPPED), listed_by_id(TASK_ID, [STOPPED]), delete(TASK_ID)], True, {}
    ),
    'absent-by-task-id': Scenario(dict(task_id=TASK_ID, state='absent'), [show(STOPPED), listed_by_id(TASK_ID, [STOPPED]), delete(TASK_ID)], True, {}),
    'absent-ignores-other-options': Scenario(dict(FULL, state='absent', source_app_id='another-app'), [list_tasks(NAME, [STOPPED]), delete(TASK_ID)], True, {}),
    'already-absent': Scenario(dict(name=NAME, state='absent'), [list_tasks(NAME, [server_task(task_name=NAME + 'x')])], False, {}),
    'already-absent-by-task-id': Scenario(dict(task_id=TASK_ID, state='absent'), [show_missing(TASK_ID)], False, {}),
    'already-absent-by-task-id-404-form': Scenario(dict(task_id=TASK_ID, state='absent'), [show_missing(TASK_ID, form='3081')], False, {}),
    'create-by-task-id-after-404-form': Scenario(
        dict(PRESENT, task_id='my-task-04'),
        [show_missing('my-task-04', form='3081'), create(create_body(task_id='my-task-04'), task_id='my-task-04')],
        True,
        created('my-task-04'),
    ),
    # started / stopped
    'start': Scenario(dict(name=NAME, state='started'), [list_tasks(NAME, [STOPPED]), batch('start', TASK_ID)], True, switched(brief(STOPPED), 'running')),
    'start-by-task-id': Scenario(
        dict(task_id=TASK_ID, state='started'),
        [show(STOPPED), listed_by_id(TASK_ID, [STOPPED]), batch('start', TASK_ID)],
        True,
        dict(module_view(STOPPED, listed=False), status='running'),
    ),
    'already-started': Scenario(dict(name=NAME, state='started'), [list_tasks(NAME, [RUNNING])], False, brief(RUNNING)),
    'stop': Scenario(
        dict(PRESENT, state='stopped'), [list_tasks(NAME, [RUNNING]), show(RUNNING), batch('stop', TASK_ID)], True, switched(module_view(RUNNING), 'stopped')
    ),
    'already-stopped': Scenario(dict(task_id=TASK_ID, state='stopped'), [show(STOPPED)], False, module_view(STOPPED, listed=False)),
}


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
@pytest.mark.parametrize('name', sorted(SCENARIOS))
def test_scenario(http, run_module, sleeps, name, check_mode):
    scenario = SCENARIOS[name]
    http.expect(sent_in(scenario.calls, check_mode))
    result = run_module(scenario.args, check_mode=check_mode)
    assert result['changed'] is scenario.changed
    assert result['task'] == (scenario.check_task if check_mode else scenario.task)
    assert 'diff' not in result


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
def test_immutable_change_fails_naming_each_field_and_writes_nothing(http, run_module, check_mode):
    http.expect(list_tasks(NAME, [STOPPED]), show(STOPPED))
    result = run_module(dict(FULL, task_type='TIMING', source_app_id='other-app', description='changed too'), check_mode=check_mode)
    assert result['failed'] is True
    assert result['msg'] == (
        "Cannot change composite task 'orders-sync' (task_id a9fe65f41c6a5d646477c5): source_app_id is 'app-source' but 'other-app' was "
        "requested; task_type is 'REALTIME' but 'TIMING' was requested. These fields can only be set when the task is created; set "
        'recreate: true to delete the task and create it as asked (its sync position is lost and its data synchronised again). '
        'Nothing was changed.'
    )
    assert result['conflicts'] == {'source_app_id': {'current': 'app-source', 'wanted': 'other-app'}, 'task_type': {'current': 'REALTIME', 'wanted': 'TIMING'}}
    assert result['task'] == module_view(STOPPED)
    assert 'exception' not in result


def test_a_name_change_by_task_id_is_a_conflict(http, run_module):
    http.expect(show(STOPPED))
    result = run_module(dict(PRESENT, task_id=TASK_ID, name='renamed-task'))
    assert result['failed'] and "task_name is 'orders-sync' but 'renamed-task' was requested" in result['msg']


def test_a_task_deleted_while_reading_its_detail(http, run_module):
    # deleted between the list and the show: it is absent now, so it would be created, which needs operation_types
    http.expect(list_tasks(NAME, [STOPPED]), show_missing(TASK_ID))
    result = run_module(dict(name=NAME, tag='ops-team', state='started'))
    assert result['failed'] and result['msg'] == 'Task orders-sync does not exist; to create it, set operation_types.'


def test_creating_for_started_needs_operation_types(http, run_module):
    http.expect(show_missing('my-task-03'))
    result = run_module(dict(task_id='my-task-03', state='started'))
    assert result['failed'] and result['msg'] == 'Task my-task-03 does not exist; to create it, set name and operation_types.'


HEADERS = {'before_header': 'composite task orders-sync', 'after_header': 'composite task orders-sync'}


class TestDiff:
    """The diff shows the task as a config item (the option names the playbook uses), and the actions say what happens."""

    @pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
    def test_update(self, http, run_module, check_mode):
        calls = [
            list_tasks(NAME, [RUNNING]),
            show(RUNNING),
            batch('stop', TASK_ID),
            poll(STOPPED),
            update(TASK_ID, put_body(description='New')),
            batch('start', TASK_ID),
        ]
        http.expect(sent_in(calls, check_mode))
        result = run_module(dict(PRESENT, description='New'), check_mode=check_mode, diff=True)
        before = dict(
            name=NAME,
            task_id=TASK_ID,
            task_type='REALTIME',
            description='Replicate orders',
            tag='sales-sync',
            operation_types=OPS,
            source_app_id='app-source',
            target_app_id='app-target',
            status='running',
        )
        assert result['diff'] == dict(HEADERS, before=before, after=dict(before, description='New'))
        assert result['actions'] == ['updated']

    @pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
    def test_create(self, http, run_module, check_mode):
        http.expect(sent_in([list_tasks(NAME, []), create(create_body(), task_id=GENERATED_TASK_ID)], check_mode))
        result = run_module(PRESENT, diff=True, check_mode=check_mode)
        after = dict(name=NAME, task_id=GENERATED_TASK_ID, task_type='REALTIME', operation_types=OPS, status='stopped')
        assert result['diff'] == dict(HEADERS, before={}, after=after)
        assert result['actions'] == ['created']

    def test_delete(self, http, run_module):
        http.expect(list_tasks(NAME, [STOPPED]), delete(TASK_ID))
        result = run_module(dict(name=NAME, state='absent'), diff=True)
        assert result['diff']['after'] == {} and result['actions'] == ['deleted']
        assert result['diff']['before'] == dict(
            name=NAME, task_id=TASK_ID, task_type='REALTIME', tag='sales-sync', source_app_id='app-source', target_app_id='app-target', status='stopped'
        )  # no field that was not read

    def test_no_change(self, http, run_module):
        http.expect(list_tasks(NAME, [STOPPED]), show(STOPPED))
        result = run_module(PRESENT, diff=True)
        assert result['diff']['before'] == result['diff']['after'] != {}
        assert result['actions'] == []


INVALID = {
    'name-too-short': (dict(name='ab', operation_types=OPS), 'name must be 3-100 characters'),
    'name-characters': (dict(name='bad name!', operation_types=OPS), 'name must be 3-100 characters'),
    'tag-too-short': (dict(PRESENT, tag='abc'), 'tag must be 4-64 characters'),
    'tag-characters': (dict(PRESENT, tag='with space'), 'tag must be 4-64 characters'),
    'task-id': (dict(PRESENT, task_id='x'), 'task_id must be 3-50 characters'),
    'description-length': (dict(PRESENT, description='d' * 1025), 'description must be at most 1024 characters; got 1025'),
    'operation-types-repeated': (dict(name=NAME, operation_types=['INSERT', 'INSERT']), 'operation_types must not repeat an item'),
    'operation-types-empty': (dict(name=NAME, operation_types=[]), 'operation_types must list 1-3 of INSERT, UPDATE, DELETE'),
    'operation-types-choice': (dict(name=NAME, operation_types=['MERGE']), 'value of operation_types must be one or more of: INSERT, UPDATE, DELETE'),
    'app-id-length': (dict(PRESENT, source_app_id='a' * 65), 'source_app_id must be 1-64 characters'),
    'instance-id': (dict(PRESENT, instance_id='inst/1'), 'instance_id must be 1-64 characters'),
    'task-type-choice': (dict(PRESENT, task_type='STREAM'), 'value of task_type must be one of: REALTIME, TIMING'),
    'state-choice': (dict(PRESENT, state='restarted'), 'value of state must be one of: present, absent, started, stopped'),
    'identity-needed': (dict(operation_types=OPS, state='started'), 'one of the following is required: name, task_id'),
    'endpoint-url': (dict(PRESENT, endpoint='roma.example.com'), 'endpoint must be an http:// or https:// base URL'),
    'endpoint-port': (dict(PRESENT, endpoint='https://roma.example.com:70000'), 'endpoint has an invalid port'),
    'retries-too-many': (dict(PRESENT, retries=11), 'retries must be between 0 and 10; got 11'),
    'retries-negative': (dict(PRESENT, retries=-1), 'retries must be between 0 and 10; got -1'),
    'timeout': (dict(PRESENT, timeout=0), 'timeout must be a number of seconds greater than 0'),
    'region': (dict(PRESENT, region='CN-NORTH-4'), 'region must be a region ID'),
    'project-id-missing': (dict(PRESENT, project_id=None), 'project_id (or HUAWEICLOUD_SDK_PROJECT_ID) is required with auth_token'),
    'no-credentials': (dict(PRESENT, auth_token=None), 'No credentials: set one of auth_token'),
    'half-aksk': (dict(PRESENT, auth_token=None, access_key='AK-only'), 'access_key and secret_key must be given together; secret_key is missing'),
    'name-newline': (dict(PRESENT, name=NAME + '\n'), 'name must be 3-100 characters'),
    'tag-newline': (dict(PRESENT, tag='sales-sync\n'), 'tag must be 4-64 characters'),
    'region-unicode': (dict(PRESENT, region='cn-n\u00f6rth-4'), 'region must be a region ID'),
    'region-newline': (dict(PRESENT, region='cn-north-4\n'), 'region must be a region ID'),
    'endpoint-user': (dict(PRESENT, endpoint='https://user:pw@roma.example.com'), 'endpoint must not contain a user name or password'),
    'endpoint-ipv6': (dict(PRESENT, endpoint='https://[::1'), 'endpoint must be an http:// or https:// base URL'),
    'endpoint-space': (dict(PRESENT, endpoint='https://roma.example.com/a b'), 'endpoint must be an http:// or https:// base URL'),
    'timeout-inf': (dict(PRESENT, timeout=float('inf')), 'timeout must be a number of seconds of at most 86400; got inf'),
    'ca-path-missing': (
        dict(PRESENT, ca_path='/nonexistent/ca.pem'),
        "ca_path must be a CA bundle file (PEM) or a directory of CA certificates; '/nonexistent/ca.pem' does not exist",
    ),
}


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
@pytest.mark.parametrize('case', sorted(INVALID))
def test_invalid_input_fails_before_any_request(http, run_module, case, check_mode):
    args, message = INVALID[case]
    result = run_module(args, check_mode=check_mode)
    assert result['failed'] is True
    assert message in result['msg']
    assert 'exception' not in result
    assert http.requests == []


CREATE_BODY = {'task_name': NAME, 'task_id': GENERATED_TASK_ID, 'task_type': 'REALTIME', 'operation_types': OPS}
CREATE_PATH = api_path('multi-tasks')
API_FAILURES = [
    pytest.param(
        Call('POST', api_url('multi-tasks'), json=CREATE_BODY).reply(
            400, json=fdi_error('FDI.3033', 'Invalid parameter [task_name].'), headers={'X-Request-Id': '5f2c1e0d9a8b'}
        ),
        dict(status=400, error_code='FDI.3033', error_msg='Invalid parameter [task_name].', request_id='5f2c1e0d9a8b', method='POST', path=CREATE_PATH),
        # the lookup found no task of that name and the create says the name is taken: another run created it meanwhile
        'ROMA Connect API error 400 FDI.3033: Invalid parameter [task_name]. (POST %s, request id 5f2c1e0d9a8b). A task with this '
        "task_name ('orders-sync') was created by another run or by someone else after this run looked for it and before its create: "
        'nothing was created twice. Run the module again and it adopts that task.' % CREATE_PATH,
        id='fdi-error',
    ),
    pytest.param(
        Call('POST', api_url('multi-tasks'), json=CREATE_BODY).reply(403, body=b'<html><h1>403 Forbidden</h1></html>', headers={'Content-Type': 'text/html'}),
        dict(status=403, error_msg='unexpected text/html response: 403 Forbidden'),
        'ROMA Connect API error 403: unexpected text/html response: 403 Forbidden (POST %s)' % CREATE_PATH,
        id='html',
    ),
]


@pytest.mark.parametrize('failure, fields, message', API_FAILURES)
def test_api_error_fails_with_structured_fields(http, run_module, failure, fields, message):
    http.expect(list_tasks(NAME, []), failure)
    result = run_module(PRESENT)
    assert result['failed'] is True
    assert result['msg'] == message
    for key, value in fields.items():
        assert result[key] == value
    assert 'exception' not in result and 'changed' not in result


def test_a_failed_list_fails_cleanly_after_retries(http, run_module, sleeps):
    http.expect([list_tasks(NAME, []).reply(503, body=b'') for dummy in range(3)])
    result = run_module(dict(PRESENT, retries=2))
    assert result['msg'] == 'ROMA Connect API error 503: empty response body (GET %s, after 3 attempts)' % api_path('tasks')
    assert (result['status'], result['attempts']) == (503, 3)
    assert len(sleeps) == 2


def test_a_garbled_answer_fails_cleanly(http, run_module):
    http.expect(list_tasks(NAME, []).reply(200, body=b'{"total": 1, "enti'))
    result = run_module(PRESENT)
    assert result['failed'] and 'the body is not valid JSON' in result['msg'] and 'exception' not in result


def test_a_batch_failure_entry_fails_the_task(http, run_module):
    http.expect(list_tasks(NAME, [STOPPED]), batch('start', TASK_ID, failure=('FDI.3026', 'Failed to manually start the task.')))
    result = run_module(dict(name=NAME, state='started'))
    assert result['failed'] and result['error_code'] == 'FDI.3026'


def test_a_duplicate_name_fails(http, run_module):
    http.expect(list_tasks(NAME, [server_task(task_id='id-1'), server_task(task_id='id-2')]))
    result = run_module(PRESENT)
    assert result['msg'] == "More than one task in instance inst-1 is named 'orders-sync' (task ids id-1, id-2): set task_id to say which one."


def test_create_recovers_from_a_lost_answer_without_a_second_post(http, run_module, sleeps):
    """The create carried the generated task_id: one show by it, after a wait, tells that the lost POST did create the task."""
    http.expect(
        list_tasks(NAME, []),
        Call('POST', api_url('multi-tasks'), json=CREATE_BODY).reply(504, body=b'Gateway Timeout'),
        show(server_task(task_id=GENERATED_TASK_ID)),
    )
    result = run_module(PRESENT)
    assert result['changed'] is True and result['task']['task_id'] == GENERATED_TASK_ID
    assert len(sleeps) == 1


@pytest.mark.parametrize('answer', [b'', b'{}', b'<html>ok</html>'], ids=['empty', 'no-task-id', 'html'])
def test_a_create_answered_2xx_is_never_sent_twice(http, run_module, sleeps, answer):
    http.expect(
        list_tasks(NAME, []), Call('POST', api_url('multi-tasks'), json=CREATE_BODY).reply(200, body=answer), show(server_task(task_id=GENERATED_TASK_ID))
    )
    result = run_module(PRESENT)
    assert result['changed'] is True and result['task']['task_id'] == GENERATED_TASK_ID
    assert http.methods.count('POST') == 1 and not sleeps


# -- other credentials and where they come from ----------------------------------------------------

AK, SK, STS = 'AKEXAMPLE0123456789', 'SKEXAMPLEsecret0123456789', 'sts-token-value'


def signed_by(access_key, secret_key, security_token=None):
    """Turn a scripted token-auth call into one that must be AK/SK signed instead."""

    def convert(call):
        call.headers = {'X-Auth-Token': None, 'X-Project-Id': PROJECT_ID, 'X-Security-Token': security_token}
        call.check = lambda request: verify_signature(request, access_key, secret_key)
        return call

    return convert


def test_aksk_signs_every_request(http, run_module):
    sign = signed_by(AK, SK, STS)
    http.expect(
        sign(list_tasks(NAME, [RUNNING])),
        sign(show(RUNNING)),
        sign(batch('stop', TASK_ID)),
        sign(poll(STOPPED)),
        sign(update(TASK_ID, put_body(task_tag='ops-team'))),
        sign(batch('start', TASK_ID)),
    )
    connection = dict(region=REGION, project_id=PROJECT_ID, access_key=AK, secret_key=SK, security_token=STS)
    result = run_module(dict(PRESENT, tag='ops-team'), connection=connection)
    assert result['changed'] is True


def test_password_login_adds_exactly_one_iam_call(http, run_module):
    token = 'MIIE-password-run-token'
    headers = {'X-Auth-Token': token}
    http.expect(iam_login(password_body(), token=token), list_tasks(NAME, [STOPPED], headers=headers), delete(TASK_ID, headers=headers))
    connection = dict(region=REGION, user_name='robot', password='pa55-word', domain_name='acme')
    result = run_module(dict(name=NAME, state='absent'), connection=connection)
    assert result['changed'] is True


def test_password_relogin_on_an_expired_token(http, run_module):
    expired = fdi_error('APIG.0301', 'Incorrect IAM authentication information: token expires')
    http.expect(
        iam_login(password_body(), token='t1'),
        list_tasks(NAME, [STOPPED], headers={'X-Auth-Token': 't1'}).reply(401, json=expired),
        iam_login(password_body(scope={'id': PROJECT_ID}), token='t2'),
        list_tasks(NAME, [STOPPED], headers={'X-Auth-Token': 't2'}),
    )
    connection = dict(region=REGION, user_name='robot', password='pa55-word', domain_name='acme')
    result = run_module(dict(name=NAME, state='started'), connection=connection, check_mode=True)
    assert result['changed'] is True


def test_connection_from_the_environment(http, run_module, monkeypatch):
    for name, value in [
        ('HUAWEICLOUD_REGION', REGION),
        ('HUAWEICLOUD_SDK_PROJECT_ID', PROJECT_ID),
        ('HW_PROJECT_ID', 'not-this-one'),
        ('HUAWEICLOUD_AUTH_TOKEN', TOKEN),
    ]:
        monkeypatch.setenv(name, value)
    http.expect(list_tasks(NAME, [RUNNING]))
    result = run_module(dict(name=NAME, state='started'), connection={})
    assert result['changed'] is False


def test_first_set_access_key_variable_wins(http, run_module, monkeypatch):
    for name, value in [
        ('HW_REGION_NAME', REGION),
        ('HW_PROJECT_ID', PROJECT_ID),
        ('HUAWEICLOUD_SDK_AK', AK),
        ('HW_ACCESS_KEY', 'AK-OTHER'),
        ('HW_SECRET_KEY', SK),
    ]:
        monkeypatch.setenv(name, value)
    http.expect(signed_by(AK, SK)(list_tasks(NAME, [RUNNING])))
    result = run_module(dict(name=NAME, state='started'), connection={})
    assert result['changed'] is False


def test_endpoint_with_port_and_base_path(http, run_module):
    base = 'http://127.0.0.1:8080/roma'
    http.expect(Call('GET', api_url('tasks', TASK_ID, base=base)).reply(200, json={'task': {'task_id': TASK_ID, 'status': 'running'}}))
    result = run_module(dict(task_id=TASK_ID, state='started', endpoint=base))
    assert result['changed'] is False


@pytest.mark.parametrize(
    'tls, verify',
    [
        (dict(), '/etc/ssl/machine-bundle.pem'),
        (dict(validate_certs=False), False),
        (dict(ca_path='{tmp}/roma-ca.pem'), '{tmp}/roma-ca.pem'),
    ],
)
def test_tls_options_reach_the_wire(http, run_module, monkeypatch, tmp_path, tls, verify):
    # ca_path must exist (it is checked before any request): the placeholder {tmp} is a directory of this test
    tls = dict((key, value.format(tmp=tmp_path) if isinstance(value, str) else value) for key, value in tls.items())
    verify = verify.format(tmp=tmp_path) if isinstance(verify, str) else verify
    (tmp_path / 'roma-ca.pem').write_text('-----BEGIN CERTIFICATE-----\n')
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/etc/ssl/machine-bundle.pem')
    http.expect(list_tasks(NAME, [RUNNING]))
    run_module(dict(name=NAME, state='started', timeout=4.5, **tls))
    assert (http.requests[0].verify, http.requests[0].timeout) == (verify, 4.5)


# -- secrets never reach the output ------------------------------------------------------------------

SECRET_CONNECTIONS = [
    pytest.param(dict(region=REGION, project_id=PROJECT_ID, auth_token='tok-SECRET-1'), ['tok-SECRET-1'], id='token'),
    pytest.param(
        dict(region=REGION, project_id=PROJECT_ID, access_key=AK, secret_key='sk-SECRET-2', security_token='sts-SECRET-3'),
        ['sk-SECRET-2', 'sts-SECRET-3'],
        id='aksk',
    ),
    pytest.param(
        dict(region=REGION, user_name='robot', password='pw-SECRET-4', domain_name='acme', iam_endpoint=IAM),
        ['pw-SECRET-4', 'MIIE-fresh-iam-token'],
        id='password',
    ),
]


def any_auth(call):
    call.headers = {}
    return call


def script(connection, calls):
    if 'password' in connection:
        body = password_body(password=connection['password'])
        return [iam_login(body)] + [any_auth(call) for call in calls]
    return [any_auth(call) for call in calls]


@pytest.mark.parametrize('connection, secrets', SECRET_CONNECTIONS)
@pytest.mark.parametrize('outcome', ['success', 'api-error', 'conflict', 'transport-error'])
def test_secrets_never_appear_in_the_output(http, run_module, connection, secrets, outcome):
    rejected = fdi_error('APIG.0301', 'Incorrect IAM authentication information: decrypt token fail')
    calls = {
        'success': [
            list_tasks(NAME, [RUNNING]),
            show(RUNNING),
            batch('stop', TASK_ID),
            poll(STOPPED),
            update(TASK_ID, put_body(task_tag='ops-team')),
            batch('start', TASK_ID),
        ],
        'api-error': [list_tasks(NAME, []).reply(401, json=rejected)],
        'conflict': [list_tasks(NAME, [STOPPED]), show(STOPPED)],
        'transport-error': [list_tasks(NAME, []).fail(fake_http.refused())],
    }[outcome]
    if outcome == 'api-error' and 'password' in connection:  # one fresh login, rejected again
        calls = calls + [iam_login(password_body(password=connection['password'], scope={'id': PROJECT_ID}))] + calls
    args = dict(PRESENT, tag='ops-team', retries=0)
    if outcome == 'conflict':
        args['source_app_id'] = 'different'
    http.expect(script(connection, calls))
    result = run_module(args, connection=connection)
    output = run_module.output
    assert result.get('failed', False) is (outcome != 'success')
    for secret in secrets:
        assert secret not in output
    assert MASK not in output, 'the module tried to return a secret (it was masked): %s' % output


def echo_of(request):
    """What a debugging proxy answers: the request it got, headers and body, in its error."""
    return {'error_code': 'PROXY.ECHO', 'error_msg': 'you sent %s' % json.dumps({'headers': dict(request.headers), 'body': request.body.decode('utf-8')})}


@pytest.mark.parametrize('connection, secrets', SECRET_CONNECTIONS)
@pytest.mark.parametrize('answer', ['json', 'html'])
def test_secrets_echoed_by_a_proxy_never_appear_in_the_output(http, run_module, monkeypatch, connection, secrets, answer):
    """The IAM token of a password login is no option Ansible knows to mask: the module masks it itself."""
    http.expect(script(connection, [list_tasks(NAME, []).reply(502, json={})]))
    original = http.__call__

    def echoing(transport, method, url, body=None, headers=None):
        response = original(transport, method, url, body, headers)
        if response.status == 502:
            document = echo_of(http.requests[-1])
            response.content = (json.dumps(document) if answer == 'json' else '<html><pre>%s</pre></html>' % document['error_msg']).encode()
            response.headers['Content-Type'] = 'application/json' if answer == 'json' else 'text/html'
        return response

    monkeypatch.setattr(HttpTransport, 'request', echoing)
    result = run_module(dict(PRESENT, retries=0), connection=connection)
    assert result['failed'] and result['status'] == 502 and 'you sent' in result['msg']
    for secret in secrets:
        assert secret[:12] not in run_module.output


def test_a_rejected_update_of_a_running_task_starts_it_again(http, run_module):
    """The task was stopped only to be modified; when the PUT fails it must not stay stopped."""
    rejected = Call('PUT', api_url('multi-tasks', TASK_ID), json=put_body(task_tag='ops-team')).reply(
        400, json=fdi_error('FDI.3033', 'Invalid parameter [task_tag].')
    )
    http.expect(list_tasks(NAME, [RUNNING]), show(RUNNING), batch('stop', TASK_ID), poll(STOPPED), rejected, batch('start', TASK_ID))
    result = run_module(dict(PRESENT, tag='ops-team'))
    assert result['failed'] and result['error_code'] == 'FDI.3033'


def test_an_update_without_known_operation_types_fails_before_writing(http, run_module):
    """Neither the user nor the show API gives operation_types, which the PUT body requires."""
    undocumented = show(STOPPED)
    undocumented.reply(200, json=dict(show_document_without_detail(STOPPED)))
    http.expect(list_tasks(NAME, [STOPPED]), undocumented)
    result = run_module(dict(name=NAME, tag='ops-team', state='started'))
    assert result['failed'] and result['msg'] == (
        "ROMA Connect did not report the operation types of task 'orders-sync' and the update must send them: set operation_types."
    )


def show_document_without_detail(task):
    document = show_document(task)
    document['task_detail'] = '{}'
    return document


def test_a_rejected_update_under_state_stopped_leaves_the_task_stopped(http, run_module):
    rejected = Call('PUT', api_url('multi-tasks', TASK_ID), json=put_body(task_tag='ops-team')).reply(
        400, json=fdi_error('FDI.3033', 'Invalid parameter [task_tag].')
    )
    http.expect(list_tasks(NAME, [RUNNING]), show(RUNNING), batch('stop', TASK_ID), poll(STOPPED), rejected)
    result = run_module(dict(PRESENT, tag='ops-team', state='stopped'))
    assert result['failed'] and result['error_code'] == 'FDI.3033'


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
def test_task_type_left_out_is_not_compared(http, run_module, check_mode):
    """Unset means "don't care": an existing TIMING task is not a conflict when task_type is not given."""
    timing = server_task(task_type='TIMING')
    http.expect(list_tasks(NAME, [timing]), show(timing))
    result = run_module(PRESENT, check_mode=check_mode)
    assert result['changed'] is False and result['task']['task_type'] == 'TIMING'


def test_a_task_found_by_task_id_is_read_once(http, run_module):
    """The show request that found the task has all it has: no second show before deciding the update."""
    undocumented = show(STOPPED)
    undocumented.reply(200, json=show_document_without_detail(STOPPED))
    http.expect(undocumented)
    result = run_module(dict(task_id=TASK_ID, tag='ops-team', state='started'))
    assert result['failed'] and 'did not report the operation types' in result['msg']


# -- identity, unreadable fields, what only a create needs (issue 14 items 3, 4, 9) -------------------------------


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
@pytest.mark.parametrize('task', [STOPPED, RUNNING], ids=['stopped', 'running'])
def test_absent_with_task_id_and_another_name_deletes_nothing(http, run_module, check_mode, task):
    """task_id and name both say which task is meant: when they disagree, state=absent fails like present does."""
    http.expect(show(task))
    result = run_module(dict(task_id=TASK_ID, name='other-task', state='absent'), check_mode=check_mode)
    assert result['failed'] is True
    assert result['msg'] == (
        "Task a9fe65f41c6a5d646477c5 is named 'orders-sync', not 'other-task': with task_id and name both set, "
        'they must name the same task. Nothing was deleted.'
    )
    assert result['conflicts'] == {'task_name': {'current': NAME, 'wanted': 'other-task'}}
    assert http.methods == ['GET']


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
@pytest.mark.parametrize('by', ['name', 'task_id'])
def test_operation_types_that_cannot_be_read_are_never_a_change(http, run_module, check_mode, by):
    """Without this, every run would stop the task, PUT and start it again (a full re-sync with repulling_snapshot)."""
    unreadable = show(RUNNING).reply(200, json=show_document_without_detail(RUNNING))
    http.expect([list_tasks(NAME, [RUNNING])] if by == 'name' else [], unreadable)
    result = run_module(dict(PRESENT, task_id=TASK_ID) if by == 'task_id' else PRESENT, check_mode=check_mode)
    assert result['failed'] is True and 'changed' not in result
    assert result['msg'].startswith(
        "ROMA Connect did not report the operation_types of composite task 'orders-sync' (task_id "
        'a9fe65f41c6a5d646477c5), so the module cannot tell whether it differs: nothing was changed.'
    )
    assert result['task']['operation_types'] is None
    assert set(http.methods) == {'GET'}


def realistic_show():
    with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), 'fixtures', 'show_task_realtime.json'), encoding='utf-8') as stream:
        return json.load(stream)


def test_a_realistic_show_response_compares_without_a_change(http, run_module):
    """The show response as ROMA Connect sends it (task_detail a JSON string): the same settings again change nothing."""
    document = realistic_show()
    task_id = document['task']['task_id']
    http.expect(Call('GET', api_url('tasks', task_id)).reply(200, json=document))
    result = run_module(
        dict(
            task_id=task_id,
            name='orders-to-warehouse',
            operation_types=['DELETE', 'INSERT', 'UPDATE'],
            description='Replicate the orders schema to the warehouse',
            state='started',
            repulling_snapshot=True,
        )
    )
    assert result['changed'] is False and result['task']['operation_types'] == ['INSERT', 'UPDATE', 'DELETE']


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
def test_emptying_a_description_is_refused_before_any_write(http, run_module, check_mode):
    """The API takes 1-1024 characters: "" cannot be sent, and sending nothing would keep the old text."""
    http.expect(list_tasks(NAME, [RUNNING]), show(RUNNING))
    result = run_module(dict(PRESENT, description=''), check_mode=check_mode)
    assert result['failed'] is True
    assert result['msg'] == (
        'description cannot be emptied: ROMA Connect accepts only 1-1024 characters and keeps the current '
        "description 'Replicate orders' when none is sent. Leave description unset to keep it, or set a new text. "
        'Nothing was changed.'
    )
    assert http.methods == ['GET', 'GET']


@pytest.mark.parametrize(
    'args, missing',
    [
        (dict(name=NAME), 'operation_types'),
        (dict(name=NAME, description='x', state='started'), 'operation_types'),
    ],
)
def test_only_a_create_needs_operation_types(http, run_module, args, missing):
    http.expect(list_tasks(NAME, []))
    result = run_module(args)
    assert result['msg'] == 'Task orders-sync does not exist; to create it, set %s.' % missing
    assert 'state is present' not in run_module.output


@pytest.mark.parametrize('form', sorted(NOT_FOUND_FORMS))
def test_a_task_deleted_before_the_put(http, run_module, form):
    status, body = NOT_FOUND_FORMS[form]
    http.expect(
        list_tasks(NAME, [STOPPED]), show(STOPPED), Call('PUT', api_url('multi-tasks', TASK_ID), json=put_body(task_tag='ops-team')).reply(status, json=body)
    )
    result = run_module(dict(PRESENT, tag='ops-team'))
    assert result['failed'] and result['msg'] == 'Task orders-sync was deleted by someone else while this task was updating it.'


@pytest.mark.parametrize('form', sorted(NOT_FOUND_FORMS))
def test_a_task_deleted_while_it_stops_counts_as_deleted(http, run_module, form):
    http.expect(list_tasks(NAME, [RUNNING]), batch('stop', TASK_ID), show_missing(TASK_ID, form=form), delete(TASK_ID))
    result = run_module(dict(name=NAME, state='absent'))
    assert result['changed'] is True


@pytest.mark.parametrize('state', ['absent', 'present'])
def test_a_404_without_an_fdi_code_never_means_absent(http, run_module, state):
    """An endpoint with a wrong base path answers 404 everywhere: state=absent must not report ok while the task runs on."""
    http.expect(Call('GET', api_url('tasks', TASK_ID)).reply(404, body=b'<html><body>404 Not Found</body></html>', headers={'Content-Type': 'text/html'}))
    result = run_module(dict(PRESENT, task_id=TASK_ID, state=state))
    assert result['failed'] is True and result['status'] == 404
    assert 'check endpoint (scheme, host, port and base path) and region' in result['msg']


def test_a_stop_that_never_shows_deletes_nothing_and_starts_the_task_again(http, run_module, sleeps):
    http.expect(list_tasks(NAME, [RUNNING]), batch('stop', TASK_ID), *[show(RUNNING) for dummy in range(16)] + [batch('start', TASK_ID)])
    result = run_module(dict(name=NAME, state='absent'))
    assert result['failed'] and 'still reports status running 120 seconds after the request to stop it' in result['msg']
    assert result['restarted'] is True and 'the task was started again' in result['msg']
    assert 'DELETE' not in http.methods and sum(sleeps) == 120  # never a sleep past the deadline


def test_an_unknown_instance_fails_at_once_with_advice(http, run_module, sleeps):
    """ROMA Connect answers an unknown instance with HTTP 500 ROMA.00110002: permanent, so not retried."""
    unknown = fdi_error('ROMA.00110002', 'The instance does not exist. project_id: %s, instance_id: inst-1' % PROJECT_ID)
    http.expect(list_tasks(NAME, []).reply(500, json=unknown))
    result = run_module(PRESENT)
    assert result['failed'] and result['error_code'] == 'ROMA.00110002' and 'attempts' not in result
    assert result['msg'].endswith('check instance_id and region (and project_id).')
    assert sleeps == []


# -- credentials: the task's always beat the environment's (issue 14 item 2) ----------------------------------------

ENV_TOKEN = 'MIIE-stale-token-from-the-environment'


@pytest.mark.parametrize('where', ['task', 'module_defaults'])
def test_keys_in_the_task_beat_a_token_in_the_environment(http, run_module, monkeypatch, where):  # pylint: disable=unused-argument
    """module_defaults reach the module as task options, so both are the same case for the module."""
    monkeypatch.setenv('HUAWEICLOUD_AUTH_TOKEN', ENV_TOKEN)
    http.expect(signed_by(AK, SK)(list_tasks(NAME, [RUNNING])))
    result = run_module(dict(name=NAME, state='started'), connection=dict(region=REGION, project_id=PROJECT_ID, access_key=AK, secret_key=SK))
    assert result['changed'] is False
    assert ENV_TOKEN not in run_module.output


def test_a_password_in_the_task_beats_keys_and_a_token_in_the_environment(http, run_module, monkeypatch):
    for name, value in [('HUAWEICLOUD_AUTH_TOKEN', ENV_TOKEN), ('HUAWEICLOUD_SDK_AK', AK), ('HUAWEICLOUD_SDK_SK', SK)]:
        monkeypatch.setenv(name, value)
    http.expect(iam_login(password_body(), token='MIIE-password-run-token'), list_tasks(NAME, [RUNNING], headers={'X-Auth-Token': 'MIIE-password-run-token'}))
    result = run_module(dict(name=NAME, state='started'), connection=dict(region=REGION, user_name='robot', password='pa55-word', domain_name='acme'))
    assert result['changed'] is False


def test_a_task_credential_may_take_its_companion_from_the_environment(http, run_module, monkeypatch):
    """The secret key is in the environment, the access key in the task: together they are the task's keys."""
    monkeypatch.setenv('HUAWEICLOUD_AUTH_TOKEN', ENV_TOKEN)
    monkeypatch.setenv('HW_SECRET_KEY', SK)
    http.expect(signed_by(AK, SK)(list_tasks(NAME, [RUNNING])))
    result = run_module(dict(name=NAME, state='started'), connection=dict(region=REGION, project_id=PROJECT_ID, access_key=AK))
    assert result['changed'] is False


def test_within_the_environment_a_token_still_comes_first(http, run_module, monkeypatch):
    for name, value in [('HUAWEICLOUD_AUTH_TOKEN', TOKEN), ('HUAWEICLOUD_SDK_AK', AK), ('HUAWEICLOUD_SDK_SK', SK), ('HW_PASSWORD', 'pw-1')]:
        monkeypatch.setenv(name, value)
    http.expect(list_tasks(NAME, [RUNNING]))
    result = run_module(dict(name=NAME, state='started'), connection=dict(region=REGION, project_id=PROJECT_ID))
    assert result['changed'] is False


def test_secrets_from_the_environment_are_masked(http, run_module, monkeypatch):
    monkeypatch.setenv('HUAWEICLOUD_AUTH_TOKEN', 'env-SECRET-token-5')
    rejected = fdi_error('APIG.0301', 'you sent env-SECRET-token-5')
    http.expect(list_tasks(NAME, [], headers={'X-Auth-Token': 'env-SECRET-token-5'}).reply(401, json=rejected))
    result = run_module(dict(PRESENT, retries=0), connection=dict(region=REGION, project_id=PROJECT_ID))
    assert result['failed'] and 'env-SECRET-token-5' not in run_module.output


# -- what a first use hit: messages that say what to check (issue 14 items 10, 11) -----------------------------------


def test_a_login_refused_for_the_project_names_region_and_project_id(http, run_module):
    message = 'The request you have made requires authentication: no such project for this user.'
    refused = iam_login(password_body()).reply(401, json={'error': {'code': 401, 'title': 'Unauthorized', 'message': message}})
    http.expect(refused)
    result = run_module(dict(PRESENT, retries=0), connection=dict(region=REGION, user_name='robot', password='pa55-word', domain_name='acme'))
    assert result['failed'] and result['status'] == 401
    assert (
        'IAM refused to scope the token to the project of region cn-north-4: that project does not exist or the user of the '
        "password login of user_name 'robot' in domain_name 'acme' is not a member of it. Check region"
    ) in result['msg']
    assert 'MFA' not in result['msg']


def test_a_wrong_password_is_still_explained_as_one(http, run_module):
    message = 'The request you have made requires authentication.'
    refused = iam_login(password_body()).reply(401, json={'error': {'code': 401, 'title': 'Unauthorized', 'message': message}})
    http.expect(refused)
    result = run_module(dict(PRESENT, retries=0), connection=dict(region=REGION, user_name='robot', password='pa55-word', domain_name='acme'))
    assert 'check user_name, password and domain_name' in result['msg'] and 'region' not in result['msg'].split('IAM refused')[1]


@pytest.mark.parametrize('endpoint, port', [('http://127.0.0.1:1', 'port 1'), ('https://roma.example.com', 'port 443 (the https default)')])
def test_a_refused_connection_says_to_check_the_endpoint_and_port(http, run_module, endpoint, port):
    refused = fake_http.refused()
    http.expect([Call('GET', api_url('tasks', TASK_ID, base=endpoint)).fail(refused) for dummy in range(2)])
    result = run_module(dict(task_id=TASK_ID, state='absent', endpoint=endpoint, retries=1))
    assert result['failed'] and result['attempts'] == 2
    assert (
        'Connection refused. Nothing answered there: check endpoint (its host name and port, %s) and that the service is reachable from this machine.' % port
    ) in result['msg']


def test_the_diff_of_a_delete_shows_what_was_read_and_no_unread_field_as_null(http, run_module):
    http.expect(list_tasks(NAME, [STOPPED]), delete(TASK_ID))
    result = run_module(dict(name=NAME, state='absent'), diff=True)
    before = result['diff']['before']
    assert result['diff']['after'] == {} and before['name'] == NAME and before['status'] == 'stopped'
    assert None not in before.values() and 'description' not in before  # the list entry has no description: not read, not shown
