# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The request contract (api_contract.py) accepts what the API documents and refuses what it would refuse.

Every other unit test relies on it through FakeHttp, so a contract that accepted anything
would let a module send bodies the API refuses without a single test failing.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.client import HttpTransport
from ansible_collections.hwcloud.roma.tests.unit.plugins.api_contract import ROUTES, check_request, route_of
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import ANY, Call, FakeHttp

FDI = '/v2/0123456789abcdef0123456789abcdef/fdi/instances/inst-1'
TASK = FDI + '/multi-tasks/a9fe65f41c6a5d646477c5'

CREATE = {
    'task_name': 'cdctest1',
    'task_id': 'a9fe65f41c6a5d646477c5',
    'task_type': 'REALTIME',
    'description': 'orders',
    'task_tag': 'combinationaa',
    'operation_types': ['INSERT', 'UPDATE', 'DELETE'],
    'source_app_id': 'app-1',
    'target_app_id': 'app-2',
}
UPDATE = {'description': 'test', 'task_tag': 'combinationaa', 'operation_types': ['INSERT', 'UPDATE'], 'repulling_snapshot': True}
BATCH = {'action_id': 'start', 'list': [{'task_id': '49460e99d597464d885f871dd6acc894'}]}
MAPPING = {
    'source_datasource_id': '30969b205e8f4392a25fb321112d1753',
    'target_datasource_id': '30969b205e8f4392a25fb321112d1753',
    'ext_info': {'server_id': '1111'},
    'source_table': 'Schema.Table1',
    'target_table': 'Schema.Table2',
    'source_columns': [{'field_name': 'ID', 'field_type': 'VARCHAR', 'field_length': '100'}],
    'target_columns': [{'field_name': 'ID', 'field_type': 'VARCHAR', 'field_length': '100'}],
    'mapping_columns': [
        {
            'source_column': 'ID',
            'source_column_type': 'VARCHAR',
            'source_column_length': '100',
            'target_column': 'ID',
            'target_column_type': 'VARCHAR',
            'target_column_length': '100',
        }
    ],
}
INIT = {'ext_info': {'server_id': '1111'}, 'source_datasource_id': 'ds-1', 'target_datasource_id': 'ds-2', 'task_id': 'abc', 'auto_mapping': True}
LOGIN = {
    'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {'name': 'demo-user', 'password': 'Demo-Passw0rd!', 'domain': {'name': 'demo-account'}}}},
        'scope': {'project': {'name': 'cn-north-4'}},
    }
}


def with_(document, **changes):
    """A copy of ``document`` with top-level fields changed; a value of ``...`` removes the field."""
    copy = json.loads(json.dumps(document))
    for key, value in changes.items():
        if value is Ellipsis:
            copy.pop(key, None)
        else:
            copy[key] = value
    return copy


def check(method, path, document):
    return check_request(method, path, json.dumps(document).encode('utf-8'))


@pytest.mark.parametrize(
    'method, path, document',
    [
        pytest.param('POST', FDI + '/multi-tasks', CREATE, id='create, every field'),
        pytest.param('POST', FDI + '/multi-tasks', {'task_name': 'abc', 'operation_types': ['DELETE']}, id='create, required only'),
        pytest.param('PUT', TASK, UPDATE, id='update (the documented example)'),
        pytest.param('PUT', TASK, {'operation_types': ['INSERT'], 'repulling_snapshot': False}, id='update, required only'),
        pytest.param('POST', FDI + '/multi-tasks/init', INIT, id='init'),
        pytest.param('POST', FDI + '/multi-tasks/init', {}, id='init, empty'),
        pytest.param('POST', TASK + '/reset', {'date_from': 1630052714000}, id='reset (the documented example)'),
        pytest.param('POST', TASK + '/mappings', MAPPING, id='create mapping'),
        pytest.param('PUT', TASK + '/mappings/15366328208d4d77b76532fe9f4006a6', MAPPING, id='modify mapping'),
        pytest.param('POST', FDI + '/batch-operation/tasks', BATCH, id='batch (the documented example)'),
        pytest.param('POST', FDI + '/batch-operation/tasks', {'action_id': 'stop', 'list': [{'task_id': 't%d' % n} for n in range(10)]}, id='batch of 10'),
        pytest.param('POST', '/v3/auth/tokens', LOGIN, id='IAM login by project name'),
        pytest.param('POST', '/v3/auth/tokens', dict(LOGIN, auth=dict(LOGIN['auth'], scope={'project': {'id': 'f' * 32}})), id='IAM login by project id'),
        pytest.param('POST', '/gateway/roma' + FDI + '/multi-tasks', CREATE, id='below an endpoint base path'),
    ],
)
def test_documented_bodies_comply(method, path, document):
    assert check(method, path, document) == []


@pytest.mark.parametrize(
    'method, path',
    [
        ('GET', FDI + '/tasks'),
        ('GET', FDI + '/tasks/t1'),
        ('DELETE', FDI + '/tasks/t1'),
        ('POST', FDI + '/tasks/t1/run'),
        ('POST', FDI + '/tasks/t1/terminate'),
        ('GET', TASK + '/mappings'),
        ('DELETE', TASK + '/mappings/m1'),
        ('GET', '/v2/p/anything/not/modelled'),
    ],
)
def test_requests_without_a_body_comply(method, path):
    assert check_request(method, path, b'') == []
    assert check_request(method, path, None) == []


@pytest.mark.parametrize(
    'method, path, document, complaint',
    [
        # CreateMultiTasks
        ('POST', FDI + '/multi-tasks', with_(CREATE, task_name=...), 'body.task_name is required'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, operation_types=...), 'body.operation_types is required'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, task_name='ab'), 'body.task_name must be 3-100 characters; got 2'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, task_name='a' * 101), 'body.task_name must be 3-100 characters; got 101'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, task_name='-orders'), 'body.task_name must match'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, task_name='caf\u00e9'), 'body.task_name must match'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, task_id='ab'), 'body.task_id must be 3-50 characters'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, task_id='a' * 51), 'body.task_id must be 3-50 characters'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, task_type='realtime'), 'body.task_type must be one of REALTIME, TIMING'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, description=''), 'body.description must be 1-1024 characters; got 0'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, description='d' * 1025), 'body.description must be 1-1024 characters; got 1025'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, task_tag='abc'), 'body.task_tag must be 4-64 characters'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, task_tag='sales.sync'), 'body.task_tag must match'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, operation_types=[]), 'body.operation_types must have at least 1 item(s)'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, operation_types=['INSERT', 'INSERT']), 'body.operation_types[1] repeats an earlier item'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, operation_types=['insert']), 'body.operation_types[0] must be one of INSERT, UPDATE, DELETE'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, operation_types='INSERT'), 'body.operation_types must be an array; got str'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, source_app_id=''), 'body.source_app_id must be 1-64 characters'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, target_app_id=7), 'body.target_app_id must be a string; got int'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, description=None), 'body.description is null; omit the field instead'),
        ('POST', FDI + '/multi-tasks', with_(CREATE, state='started'), 'body.state is not a field of this operation'),
        # UpdateMultiTasks: the fields that cannot change are not in the model
        ('PUT', TASK, with_(UPDATE, repulling_snapshot=...), 'body.repulling_snapshot is required'),
        ('PUT', TASK, with_(UPDATE, repulling_snapshot='true'), 'body.repulling_snapshot must be a boolean; got str'),
        ('PUT', TASK, with_(UPDATE, operation_types=...), 'body.operation_types is required'),
        ('PUT', TASK, with_(UPDATE, description=''), 'UpdateMultiTasks: body.description must be 1-1024 characters; got 0'),
        ('PUT', TASK, with_(UPDATE, task_name='orders'), 'body.task_name is not a field of this operation'),
        ('PUT', TASK, with_(UPDATE, source_app_id='app-1'), 'body.source_app_id is not a field of this operation'),
        # BatchStartOrStopTasks: at most 10 tasks a request
        ('POST', FDI + '/batch-operation/tasks', with_(BATCH, action_id='restart'), 'body.action_id must be one of start, stop'),
        ('POST', FDI + '/batch-operation/tasks', with_(BATCH, action_id=...), 'body.action_id is required'),
        ('POST', FDI + '/batch-operation/tasks', with_(BATCH, list=[]), 'body.list must have at least 1 item(s); got 0'),
        (
            'POST',
            FDI + '/batch-operation/tasks',
            with_(BATCH, list=[{'task_id': 't%d' % n} for n in range(11)]),
            'body.list must have at most 10 item(s); got 11',
        ),
        ('POST', FDI + '/batch-operation/tasks', with_(BATCH, list=[{'task_id': 't1'}, {'task_id': 't1'}]), 'body.list[1] repeats an earlier item'),
        ('POST', FDI + '/batch-operation/tasks', with_(BATCH, list=[{}]), 'body.list[0].task_id is required'),
        ('POST', FDI + '/batch-operation/tasks', with_(BATCH, list=[{'task_id': 'x' * 65}]), 'body.list[0].task_id must be 1-64 characters'),
        # InstallMultiTasks, ResetMultiTaskOffset
        ('POST', FDI + '/multi-tasks/init', with_(INIT, auto_mapping=1), 'body.auto_mapping must be a boolean; got int'),
        ('POST', FDI + '/multi-tasks/init', with_(INIT, ext_info={'server_id': '1' * 21}), 'body.ext_info.server_id must be 1-20 characters'),
        ('POST', FDI + '/multi-tasks/init', with_(INIT, task_id='ab'), 'body.task_id must be 3-50 characters'),
        ('POST', TASK + '/reset', {'date_from': '1630052714000'}, 'body.date_from must be an integer; got str'),
        ('POST', TASK + '/reset', {'date_from': True}, 'body.date_from must be an integer; got bool'),
        ('POST', TASK + '/reset', {'date_from': 0}, 'body.date_from must be 1-9999999999999999999; got 0'),
        # mappings
        ('POST', TASK + '/mappings', with_(MAPPING, source_datasource_id=...), 'body.source_datasource_id is required'),
        ('PUT', TASK + '/mappings/m1', with_(MAPPING, target_datasource_id=...), 'body.target_datasource_id is required'),
        ('POST', TASK + '/mappings', with_(MAPPING, source_table='t' * 257), 'body.source_table must be 1-256 characters; got 257'),
        ('POST', TASK + '/mappings', with_(MAPPING, mapping_columns=[]), 'body.mapping_columns must have at least 1 item(s)'),
        ('POST', TASK + '/mappings', with_(MAPPING, mapping_columns=[{'source_column': ''}]), 'body.mapping_columns[0].source_column must be 1-256'),
        (
            'POST',
            TASK + '/mappings',
            with_(MAPPING, mapping_columns=[{'source_column_length': 20}]),
            'body.mapping_columns[0].source_column_length must be a string; got int',
        ),
        (
            'POST',
            TASK + '/mappings',
            with_(MAPPING, source_columns=[{'field_name': 'ID', 'name': 'x'}]),
            'body.source_columns[0].name is not a field of this operation',
        ),
        # IAM password login
        ('POST', '/v3/auth/tokens', {'auth': {'identity': LOGIN['auth']['identity']}}, 'body.auth.scope is required'),
        (
            'POST',
            '/v3/auth/tokens',
            dict(LOGIN, auth=dict(LOGIN['auth'], scope={'project': {'id': 'p', 'name': 'cn-north-4'}})),
            'body.auth.scope.project must have exactly one of id, name; got id, name',
        ),
        ('POST', '/v3/auth/tokens', dict(LOGIN, auth=dict(LOGIN['auth'], scope={'project': {}})), 'must have exactly one of id, name; got none'),
        (
            'POST',
            '/v3/auth/tokens',
            dict(LOGIN, auth=dict(LOGIN['auth'], identity=dict(LOGIN['auth']['identity'], methods=['token']))),
            'body.auth.identity.methods[0] must be one of password, totp',
        ),
    ],
)
def test_violations_are_named(method, path, document, complaint):
    problems = check(method, path, document)
    assert any(complaint in problem for problem in problems), problems


@pytest.mark.parametrize(
    'method, path, body, complaint',
    [
        ('POST', FDI + '/tasks', b'{"task_name": "abc"}', 'no operation with a body is known for that route'),
        ('PUT', FDI + '/tasks/t1', b'{"task_name": "abc"}', 'no operation with a body is known for that route'),
        ('POST', FDI + '/multi-tasks/t1', b'{}', 'no operation with a body is known for that route'),
        ('GET', FDI + '/tasks', b'{}', 'ListTasks takes no request body'),
        ('DELETE', FDI + '/tasks/t1', b'{"force": true}', 'DeleteTask takes no request body'),
        ('POST', FDI + '/tasks/t1/run', b'{}', 'RunTask takes no request body'),
        ('POST', FDI + '/multi-tasks', b'', 'CreateMultiTasks needs a JSON request body; none was sent'),
        ('PUT', TASK, b'task_name=abc', 'UpdateMultiTasks: the request body is not JSON'),
        ('POST', FDI + '/multi-tasks', b'[]', 'body must be an object; got list'),
        ('GET', '/v2/%s/fdi/instances/inst-1/tasks' % ('p' * 65), None, 'ListTasks: path project_id must be 1-64 characters'),
        ('DELETE', FDI + '/tasks/%s' % ('t' * 65), None, 'DeleteTask: path task_id must be 1-64 characters'),
    ],
)
def test_route_level_violations(method, path, body, complaint):
    problems = check_request(method, path, body)
    assert any(complaint in problem for problem in problems), problems


def test_every_route_with_a_body_has_a_named_operation():
    """init must not be taken for a task ID, and every route is reachable by its own example path."""
    assert route_of('POST', FDI + '/multi-tasks/init')[0] == 'InstallMultiTasks'
    assert route_of('PUT', FDI + '/multi-tasks/init')[0] == 'UpdateMultiTasks'  # a task ID that reads "init"
    names = [name for _method, _pattern, name, _schema in ROUTES]
    assert len(names) == len(set(names))
    assert route_of('GET', FDI + '/tasks/t%2F1')[2] == {'project_id': '0123456789abcdef0123456789abcdef', 'instance_id': 'inst-1', 'task_id': 't/1'}


def test_fake_http_fails_a_request_that_breaks_the_contract():
    """A script that accepts any body (json=ANY) still fails the test when the body breaks the contract."""
    url = 'https://roma.example.com' + TASK
    fake = FakeHttp().expect(Call('PUT', url, json=ANY).reply(200, json={'task_id': 't1'}))
    with pytest.raises(AssertionError, match='breaks the API contract') as caught:
        fake(HttpTransport(), 'PUT', url, json.dumps(with_(UPDATE, description='')).encode('utf-8'), {})
    assert 'body.description must be 1-1024 characters; got 0' in str(caught.value)
    with pytest.raises(AssertionError, match='breaks the API contract'):
        fake.verify_done()


def test_fake_http_passes_a_compliant_request():
    url = 'https://roma.example.com' + FDI + '/batch-operation/tasks'
    fake = FakeHttp().expect(Call('POST', url, json=BATCH).reply(200, json={'success_count': 1, 'failure_count': 0, 'success': [], 'failure': []}))
    assert fake(HttpTransport(), 'POST', url, json.dumps(BATCH).encode('utf-8'), {}).status == 200
    fake.verify_done()
