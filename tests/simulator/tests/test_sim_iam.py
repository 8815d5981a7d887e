"""IAM password tokens (POST /v3/auth/tokens) and token authentication on the ROMA routes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sim_helpers import DOMAIN, OTHER_PROJECT_ID, PROJECT_ID, PROJECT_NAME, USER, api_path, password_body

IAM_FORMAT = '%Y-%m-%dT%H:%M:%S.%fZ'
ISO_MICROS = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z')
WRONG_PASSWORD = {'error': {'code': 401, 'message': 'The username or password is wrong.', 'title': 'Unauthorized'}}


def login(client, body, query='nocatalog=true'):
    return client.request('POST', '/v3/auth/tokens', body, query=query)


def apig_401(message, response):
    assert response.status == 401
    document = response.json()
    assert document == {'error_code': 'APIG.0301', 'error_msg': 'Incorrect IAM authentication information: ' + message, 'request_id': response.request_id}
    assert re.fullmatch(r'[0-9a-f]{32}', document['request_id'])


@pytest.mark.parametrize('scope', [{'project': {'name': PROJECT_NAME}}, {'project': {'id': PROJECT_ID}}])
def test_password_login_returns_201_subject_token_and_token_body(anonymous, scope):
    response = login(anonymous, password_body(scope=scope))
    assert response.status == 201
    token = response.headers['X-Subject-Token']
    assert token.startswith('MII') and len(token) > 200
    body = response.json()['token']
    assert ISO_MICROS.fullmatch(body['expires_at']) and ISO_MICROS.fullmatch(body['issued_at'])
    lifetime = datetime.strptime(body['expires_at'], IAM_FORMAT) - datetime.strptime(body['issued_at'], IAM_FORMAT)
    assert lifetime == timedelta(hours=24)
    assert body['methods'] == ['password'] and body['catalog'] == [] and body['roles']
    assert body['project'] == {'id': PROJECT_ID, 'name': PROJECT_NAME, 'domain': {'id': 'd0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0', 'name': DOMAIN}}
    assert body['user']['name'] == USER and body['user']['domain']['name'] == DOMAIN
    listed = anonymous.request('GET', api_path('tasks'), headers={'X-Auth-Token': token})
    assert listed.status == 200 and listed.json() == {'total': 0, 'size': 0, 'entities': []}


def test_login_without_nocatalog_and_second_project(anonymous):
    response = login(anonymous, password_body(scope={'project': {'name': 'cn-east-3'}}), query=None)
    assert response.status == 201 and response.json()['token']['project']['id'] == OTHER_PROJECT_ID
    token = response.headers['X-Subject-Token']
    assert anonymous.request('GET', api_path('tasks', project_id=OTHER_PROJECT_ID), headers={'X-Auth-Token': token}).status == 200
    # scoped to cn-east-3: not valid for cn-north-4
    apig_401('decrypt token fail', anonymous.request('GET', api_path('tasks'), headers={'X-Auth-Token': token}))


def test_domain_scoped_token_is_not_accepted_by_project_routes(anonymous):
    response = login(anonymous, password_body(scope={'domain': {'name': DOMAIN}}))
    assert response.status == 201 and response.json()['token']['domain']['name'] == DOMAIN
    assert 'project' not in response.json()['token']
    apig_401('decrypt token fail', anonymous.request('GET', api_path('tasks'), headers={'X-Auth-Token': response.headers['X-Subject-Token']}))


@pytest.mark.parametrize('overrides', [{'password': 'wrong'}, {'user': 'nobody'}, {'domain': 'other-account'}])
def test_wrong_credentials_are_401_keystone_error(anonymous, overrides):
    response = login(anonymous, password_body(**overrides))
    assert response.status == 401 and response.json() == WRONG_PASSWORD
    assert 'X-Subject-Token' not in response.headers and response.request_id


def test_unknown_project_scope_is_401(anonymous):
    response = login(anonymous, password_body(scope={'project': {'name': 'mars-1'}}))
    assert response.status == 401 and response.json()['error']['code'] == 401


@pytest.mark.parametrize(
    'raw',
    [
        b'not json',
        b'{}',
        b'{"auth": {"identity": {"methods": ["password"]}}}',
        b'{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "demo-user", '
        b'"password": "Demo-Passw0rd!", "domain": {"name": "demo-account"}}}}}}',
    ],
)
def test_malformed_login_body_is_400(anonymous, raw):
    response = anonymous.request('POST', '/v3/auth/tokens', raw=raw, headers={'Content-Type': 'application/json;charset=utf8'})
    assert response.status == 400
    assert response.json() == {'error': {'code': 400, 'message': response.json()['error']['message'], 'title': 'Bad Request'}}


def test_token_expiry_with_short_lifetime(anonymous):
    anonymous.control('POST', 'config', {'token_lifetime': 60})
    response = login(anonymous, password_body())
    token, expires_at = response.headers['X-Subject-Token'], response.json()['token']['expires_at']
    assert anonymous.request('GET', api_path('tasks'), headers={'X-Auth-Token': token}).status == 200
    anonymous.control('POST', 'config', {'clock_offset_seconds': 61})
    apig_401('token expires, expires_at: %s' % expires_at, anonymous.request('GET', api_path('tasks'), headers={'X-Auth-Token': token}))


def test_minted_expired_token(anonymous):
    minted = anonymous.control('POST', 'tokens', {'project_name': PROJECT_NAME, 'lifetime': -1})
    assert minted['project_id'] == PROJECT_ID
    apig_401('token expires, expires_at: %s' % minted['expires_at'], anonymous.request('GET', api_path('tasks'), headers={'X-Auth-Token': minted['token']}))


def test_missing_and_unknown_tokens(anonymous):
    apig_401('x-auth-token not found', anonymous.request('GET', api_path('tasks')))
    apig_401('decrypt token fail', anonymous.request('GET', api_path('tasks'), headers={'X-Auth-Token': 'MIIforged'}))
    apig_401('x-auth-token not found', anonymous.request('DELETE', api_path('tasks', 'abc')))


def test_reset_forgets_tokens(client):
    assert client.request('GET', api_path('tasks')).status == 200
    client.control('POST', 'reset')
    apig_401('decrypt token fail', client.request('GET', api_path('tasks')))


def test_auth_is_checked_after_routing(anonymous):
    response = anonymous.request('GET', '/v2/%s/fdi/instances/inst-1/no-such-thing' % PROJECT_ID)
    assert response.status == 404 and response.json()['error_code'] == 'APIG.0101'
