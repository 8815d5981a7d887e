# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.roma.iam_token: exactly one IAM request, the token returned, the password never."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.roma.plugins.modules import iam_token
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import IAM, PROJECT_ID, REGION, TOKEN, iam_login, password_body

LOGIN = dict(region=REGION, user_name='robot', password='pa55-word', domain_name='acme')


@pytest.fixture
def run_module(capsys):
    return ModuleRunner(capsys, iam_token.main)


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
def test_login(http, run_module, check_mode):
    http.expect(iam_login(password_body(), token='MIIE-issued'))
    result = run_module({}, connection=LOGIN, instance_id=None, check_mode=check_mode)
    assert (result['changed'], result['token'], result['project_id']) == (False, 'MIIE-issued', PROJECT_ID)
    assert result['expires_at'] == '2030-01-02T00:00:00.000000Z'
    assert 'pa55-word' not in run_module.output


def test_password_is_used_even_with_a_token_from_module_defaults(http, run_module):
    http.expect(iam_login(password_body(scope={'id': PROJECT_ID}), token='MIIE-issued'))
    connection = dict(LOGIN, project_id=PROJECT_ID, auth_token=TOKEN, access_key='ak', secret_key='sk')
    assert run_module({}, connection=connection, instance_id=None)['token'] == 'MIIE-issued'


def test_explicit_iam_endpoint(http, run_module):
    base = 'http://127.0.0.1:9001/iam'
    login = iam_login(password_body())
    login.url = base + '/v3/auth/tokens'
    http.expect(login)
    assert run_module({}, connection=dict(LOGIN, iam_endpoint=base + '/'), instance_id=None)['project_id'] == PROJECT_ID


@pytest.mark.parametrize('missing', ['user_name', 'password', 'domain_name'])
def test_missing_login_option_fails_before_any_request(http, run_module, missing):
    connection = dict(LOGIN)
    del connection[missing]
    result = run_module({}, connection=connection, instance_id=None)
    assert result['failed'] and 'iam_token logs in with user_name, password and domain_name; missing: %s' % missing in result['msg']
    assert http.requests == []


def test_refused_login(http, run_module):
    http.expect(
        Call('POST', IAM + '/v3/auth/tokens', query={'nocatalog': 'true'}, json=password_body()).reply(
            401, json={'error': {'code': 401, 'message': 'The username or password is wrong.', 'title': 'Unauthorized'}}
        )
    )
    result = run_module({}, connection=LOGIN, instance_id=None)
    assert result['failed'] and result['status'] == 401 and result['error_code'] == 'Unauthorized'
    assert result['msg'].startswith('IAM API error 401 Unauthorized: The username or password is wrong. (POST /v3/auth/tokens). IAM refused')
    assert 'pa55-word' not in run_module.output and '********' not in run_module.output
