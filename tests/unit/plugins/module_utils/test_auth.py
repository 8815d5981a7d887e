# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Credential selection, AK/SK signing on the wire, the IAM password login and re-login, env fallbacks."""

from __future__ import annotations

import email.utils
import re
import threading
import time

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.hwcloud.roma.plugins.module_utils.auth import TokenAuth, select_auth
from ansible_collections.hwcloud.roma.plugins.module_utils.auth_aksk import AkSkAuth
from ansible_collections.hwcloud.roma.plugins.module_utils.auth_password import PasswordAuth
from ansible_collections.hwcloud.roma.plugins.module_utils.client import RetryPolicy, RomaClient
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaApiError, RomaError, RomaInputError, RomaResponseError
from ansible_collections.hwcloud.roma.plugins.module_utils.module import RomaModule, connection_argument_spec
from ansible_collections.hwcloud.roma.tests.unit.plugins import fake_http
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import Call, verify_signature
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    IAM,
    PROJECT_ID,
    REGION,
    ROMA,
    TOKEN,
    api_path,
    api_url,
    fdi_error,
    iam_login,
    password_body,
)

AK, SK, STS = 'AKEXAMPLE0123456789', 'SKEXAMPLEsecret0123456789', 'sts-security-token'
PASSWORD = dict(user_name='robot', password='pa55-word', domain_name='acme')
AKSK = dict(access_key=AK, secret_key=SK)
TASKS_PATH = api_path('tasks')


class TestSelection:
    @pytest.mark.parametrize(
        'params, kind',
        [
            (dict(auth_token=TOKEN), TokenAuth),
            (dict(auth_token=TOKEN, region=REGION, **dict(AKSK, **PASSWORD)), TokenAuth),
            (dict(region=REGION, **dict(AKSK, **PASSWORD)), AkSkAuth),
            (dict(AKSK), AkSkAuth),
            (dict(PASSWORD, region=REGION), PasswordAuth),
            (dict(PASSWORD, project_id=PROJECT_ID), PasswordAuth),
            (dict(auth_token='', region=REGION, **PASSWORD), PasswordAuth),  # an empty option counts as unset
        ],
    )
    def test_precedence(self, params, kind):
        assert type(select_auth(params)) is kind  # pylint: disable=unidiomatic-typecheck

    def test_token_and_keys_are_kept(self):
        assert select_auth(dict(auth_token=TOKEN)).token == TOKEN
        auth = select_auth(dict(AKSK, security_token=STS))
        assert (auth.access_key, auth.secret_key, auth.security_token) == (AK, SK, STS)

    @pytest.mark.parametrize(
        'params, scope',
        [
            (dict(PASSWORD, region=REGION), {'name': REGION}),
            (dict(PASSWORD, region=REGION, project_id=PROJECT_ID), {'id': PROJECT_ID}),
        ],
    )
    def test_password_scope(self, params, scope):
        assert select_auth(params).request_body() == password_body(scope=scope)

    @pytest.mark.parametrize(
        'params, message',
        [
            (dict(access_key=AK), 'access_key and secret_key must be given together; secret_key is missing'),
            (dict(secret_key=SK), 'access_key and secret_key must be given together; access_key is missing'),
            (dict(PASSWORD, access_key=AK, region=REGION), 'secret_key is missing'),
            (dict(security_token=STS), 'security_token is only used with access_key and secret_key'),
            (dict(PASSWORD, security_token=STS, region=REGION), 'security_token is only used with access_key and secret_key'),
            (dict(PASSWORD), 'Password login needs project_id or region to scope the IAM token.'),
            (dict(user_name='robot', password='x'), 'Password login needs user_name, password and domain_name; missing: domain_name.'),
            (dict(domain_name='acme'), 'missing: user_name, password.'),
        ],
    )
    def test_unusable_credentials(self, params, message):
        with pytest.raises(RomaInputError) as caught:
            select_auth(params)
        assert message in caught.value.message

    def test_no_credentials_names_every_option_and_variable(self):
        with pytest.raises(RomaInputError) as caught:
            select_auth({'region': REGION, 'auth_token': None})
        for name in (
            'auth_token',
            'HUAWEICLOUD_AUTH_TOKEN',
            'access_key',
            'secret_key',
            'HUAWEICLOUD_SDK_AK',
            'HUAWEICLOUD_SDK_SK',
            'user_name',
            'password',
            'domain_name',
            'HW_USER_NAME',
            'HW_PASSWORD',
            'HW_DOMAIN_NAME',
        ):
            assert name in caught.value.message
        assert caught.value.message.startswith('No credentials: ')


def client_for(auth, endpoint=ROMA, project_id=PROJECT_ID, iam_endpoint=IAM, retries=3):
    return RomaClient(endpoint, auth, project_id=project_id, iam_endpoint=iam_endpoint, retry_policy=RetryPolicy(retries=retries))


def signed(method, url, query=None, json=None, security_token=None, project_id=PROJECT_ID):
    """A request that must be correctly signed with AK/SK and carry the AK/SK headers."""

    def check(request):
        names = verify_signature(request, AK, SK)
        assert re.match(r'^\d{8}T\d{6}Z$', request.headers['X-Sdk-Date'])
        assert 'x-sdk-date' in names and 'host' in names
        if security_token:
            assert 'x-security-token' in names
        if project_id:
            assert 'x-project-id' in names

    kwargs = {} if json is None else {'json': json}
    headers = {'X-Project-Id': project_id, 'X-Security-Token': security_token, 'X-Auth-Token': None}
    return Call(method, url, query=query, headers=headers, check=check, **kwargs)


class TestAkSk:
    def test_get_with_a_query_is_signed(self, http):
        query = {'name': 'cdc test~1', 'offset': 0, 'limit': 999}
        http.expect(signed('GET', api_url('tasks'), query=query).reply(200, json={'total': 0, 'size': 0, 'entities': []}))
        client_for(AkSkAuth(AK, SK)).call('GET', TASKS_PATH, query)
        assert http.requests[0].raw_query == 'limit=999&name=cdc%20test~1&offset=0'

    def test_post_with_a_security_token_is_signed(self, http):
        body = {'task_name': 'cdctest1', 'operation_types': ['INSERT']}
        http.expect(signed('POST', api_url('multi-tasks'), json=body, security_token=STS).reply(200, json={'task_id': 't1'}))
        client_for(AkSkAuth(AK, SK, STS)).call('POST', api_path('multi-tasks'), body=body)

    @pytest.mark.parametrize('endpoint', ['http://127.0.0.1:8080', 'https://gw.example.com:8443/roma', 'https://gw.example.com/a/b/'])
    def test_port_and_base_path_are_part_of_the_signature(self, http, endpoint):
        base = endpoint.rstrip('/')
        http.expect(signed('DELETE', api_url('tasks', 't1', base=base)).reply(204))
        client_for(AkSkAuth(AK, SK), endpoint=endpoint).call('DELETE', api_path('tasks', 't1'))

    def test_every_retry_is_signed_again(self, http, sleeps):
        http.expect(signed('GET', api_url('tasks', 't1')).reply(503, json={}), signed('GET', api_url('tasks', 't1')).reply(200, json={'task': {}}))
        client_for(AkSkAuth(AK, SK)).call('GET', api_path('tasks', 't1'))
        assert sleeps == [0.375]

    @pytest.mark.parametrize('security_token, extra', [(None, None), (STS, 'security_token is the current one')])
    def test_rejected_signature_explains_itself_without_leaking_it(self, http, security_token, extra):
        http.expect(
            signed('GET', api_url('tasks', 't1'), security_token=security_token).reply(
                401, json=fdi_error('APIG.0301', 'Incorrect IAM authentication information: verify aksk signature fail'), headers={'X-Request-Id': 'r401'}
            )
        )
        with pytest.raises(RomaApiError) as caught:
            client_for(AkSkAuth(AK, SK, security_token)).call('GET', api_path('tasks', 't1'))
        message = caught.value.message
        assert message.startswith(
            'ROMA Connect API error 401 APIG.0301: Incorrect IAM authentication information: verify aksk signature '
            'fail (GET %s, request id r401). The gateway rejected the AK/SK signature: ' % api_path('tasks', 't1')
        )
        assert (extra or 'AK/SK') in message
        signature = http.requests[0].headers['Authorization'].rsplit('=', 1)[1]
        for secret in (SK, signature, STS):
            assert secret not in message

    def test_clock_skew_hint(self, http):
        http.expect(
            signed('GET', api_url('tasks', 't1')).reply(
                403, json=fdi_error('APIG.0303', 'Incorrect app authentication information: the X-Sdk-Date header is out of range')
            )
        )
        with pytest.raises(RomaApiError) as caught:
            client_for(AkSkAuth(AK, SK)).call('GET', api_path('tasks', 't1'))
        assert caught.value.message.endswith("means this machine's clock is off by more than 15 minutes.")


def password_auth(**kwargs):
    return PasswordAuth('robot', 'pa55-word', 'acme', **kwargs)


def get_tasks(token='MIIE-fresh-iam-token', status=200, project_id=PROJECT_ID):
    call = Call('GET', api_url('tasks', project_id=project_id), headers={'X-Auth-Token': token, 'X-Sdk-Date': None, 'Authorization': None})
    if status == 200:
        return call.reply(200, json={'total': 0, 'size': 0, 'entities': []})
    return call.reply(status, json=fdi_error('APIG.0301', 'Incorrect IAM authentication information: token expires'), headers={'X-Request-Id': 'r-%s' % token})


class TestPassword:
    def test_reading_the_project_id_never_logs_in(self, http):
        """Authentication is an explicit step (RomaClient.authenticate), never a side effect of building a path."""
        client = client_for(password_auth(project_name=REGION), project_id=None)
        with pytest.raises(RomaError, match='No project_id is known yet'):
            client.project_id  # pylint: disable=pointless-statement
        assert http.requests == []

    def test_login_then_project_id_from_the_token(self, http):
        other_project = 'f' * 32
        http.expect(
            iam_login(password_body(scope={'name': REGION}), project_id=other_project), get_tasks(project_id=other_project), get_tasks(project_id=other_project)
        )
        client = client_for(password_auth(project_name=REGION), project_id=None)
        client.authenticate()
        assert client.project_id == other_project
        path = '/v2/%s/fdi/instances/inst-1/tasks' % client.project_id
        client.call('GET', path)
        client.call('GET', path)
        assert client.auth.expires_at == '2030-01-02T00:00:00.000000Z'

    @pytest.mark.parametrize('header', ['x-subject-token', 'X-SUBJECT-TOKEN'])
    def test_the_token_header_name_is_case_insensitive(self, http, header):
        login = iam_login(password_body(), token='unused')
        login.response_headers = {header: 'MIIE-lower-case', 'Content-Type': 'application/json'}
        http.expect(login, get_tasks('MIIE-lower-case'))
        client_for(password_auth(project_name=REGION)).call('GET', TASKS_PATH)

    def test_scoped_by_project_id_when_given(self, http):
        http.expect(iam_login(password_body(scope={'id': PROJECT_ID}), project_id=PROJECT_ID), get_tasks())
        client_for(password_auth(project_id=PROJECT_ID)).call('GET', TASKS_PATH)

    def test_one_relogin_on_401_then_success(self, http):
        # the second login is scoped by the project id the first token reported
        http.expect(
            iam_login(password_body(), token='old'),
            get_tasks('old', status=401),
            iam_login(password_body(scope={'id': PROJECT_ID}), token='new'),
            get_tasks('new'),
        )
        client_for(password_auth(project_name=REGION)).call('GET', TASKS_PATH)

    def test_a_second_401_fails_with_the_auth_hint(self, http):
        http.expect(
            iam_login(password_body(), token='old'),
            get_tasks('old', status=401),
            iam_login(password_body(scope={'id': PROJECT_ID}), token='new'),
            get_tasks('new', status=401),
        )
        with pytest.raises(RomaApiError) as caught:
            client_for(password_auth(project_name=REGION)).call('GET', TASKS_PATH)
        assert caught.value.status == 401 and caught.value.request_id == 'r-new'
        assert (
            'The gateway rejected the token from the password login of user_name %r even after a fresh login: check that the user '
            'may use ROMA Connect in project %s.' % ('robot', PROJECT_ID)
        ) in caught.value.message
        assert 'pa55-word' not in caught.value.message

    def test_token_auth_never_logs_in_again(self, http):
        http.expect(
            Call('GET', api_url('tasks'), headers={'X-Auth-Token': TOKEN}).reply(
                401, json=fdi_error('APIG.0301', 'Incorrect IAM authentication information: decrypt token fail')
            )
        )
        with pytest.raises(RomaApiError) as caught:
            client_for(TokenAuth(TOKEN)).call('GET', TASKS_PATH)
        assert caught.value.message.endswith(
            'The gateway rejected auth_token: the token is invalid, expired, or was issued for another '
            'region or project. Get a new one (for example with hwcloud.roma.iam_token) and check project_id.'
        )
        assert TOKEN not in caught.value.message

    def test_wrong_password(self, http):
        http.expect(
            Call('POST', IAM + '/v3/auth/tokens', query={'nocatalog': 'true'}, json=password_body()).reply(
                401,
                json={'error': {'code': 401, 'message': 'The username or password is wrong.', 'title': 'Unauthorized'}},
                headers={'X-IAM-Trace-Id': 'iam-trace'},
            )
        )
        with pytest.raises(RomaApiError) as caught:
            client_for(password_auth(project_name=REGION)).call('GET', TASKS_PATH)
        assert caught.value.message == (
            'IAM API error 401 Unauthorized: The username or password is wrong. (POST /v3/auth/tokens, request id iam-trace). '
            "IAM refused the password login of user_name 'robot' in domain_name 'acme': check user_name, password and "
            'domain_name (the account name), and that the user is not locked or required to use MFA.'
        )

    def test_iam_transient_failures_are_retried(self, http, sleeps):
        http.expect(
            Call('POST', IAM + '/v3/auth/tokens', query={'nocatalog': 'true'}, json=password_body()).reply(503, body=b''),
            iam_login(password_body()),
            get_tasks(),
        )
        client_for(password_auth(project_name=REGION)).call('GET', TASKS_PATH)
        assert sleeps == [0.375]

    def test_iam_connection_failures_are_retried(self, http, sleeps):
        http.expect(
            Call('POST', IAM + '/v3/auth/tokens', query={'nocatalog': 'true'}, json=password_body()).fail(fake_http.reset()),
            iam_login(password_body()),
            get_tasks(),
        )
        client_for(password_auth(project_name=REGION)).call('GET', TASKS_PATH)
        assert sleeps == [0.375]

    def test_iam_failing_for_good(self, http, sleeps):
        http.expect(
            [
                Call('POST', IAM + '/v3/auth/tokens', query={'nocatalog': 'true'}, json=password_body()).reply(
                    500, json={'error': {'code': 500, 'message': 'Internal error.', 'title': 'Internal Server Error'}}
                )
                for dummy in range(2)
            ]
        )
        with pytest.raises(RomaApiError) as caught:
            client_for(password_auth(project_name=REGION), retries=1).call('GET', TASKS_PATH)
        assert caught.value.message == ('IAM API error 500 Internal Server Error: Internal error. (POST /v3/auth/tokens, after 2 attempts)')

    @pytest.mark.parametrize(
        'headers, document, message',
        [
            ({}, {'token': {'project': {'id': PROJECT_ID}}}, 'IAM answered the password login without a token'),
            ({'X-Subject-Token': 'tok'}, {'nothing': 1}, 'IAM answered the password login without a token'),
            ({'X-Subject-Token': 'tok'}, {'token': {'domain': {'id': 'd'}}}, 'IAM issued a token that is not scoped to a project: set project_id.'),
        ],
    )
    def test_unusable_login_answers(self, http, headers, document, message):
        http.expect(Call('POST', IAM + '/v3/auth/tokens', query={'nocatalog': 'true'}, json=password_body()).reply(201, json=document, headers=headers))
        with pytest.raises(RomaResponseError) as caught:
            client_for(password_auth(project_name=REGION), project_id=None).call('GET', TASKS_PATH)
        assert caught.value.message.startswith(message)

    @pytest.mark.parametrize('endpoint', [None, 'https://gw.example.com/roma'])
    def test_garbled_login_answer_names_iam(self, http, endpoint):
        """Also without a ROMA endpoint at all, as hwcloud.roma.iam_token runs."""
        http.expect(
            Call('POST', IAM + '/v3/auth/tokens', query={'nocatalog': 'true'}, json=password_body()).reply(
                201, body=b'<html>login portal</html>', headers={'X-Subject-Token': 'tok'}
            )
        )
        client = client_for(password_auth(project_name=REGION), endpoint=endpoint)
        with pytest.raises(RomaResponseError) as caught:
            client.auth.authenticate(client)
        assert caught.value.message == (
            "IAM answered POST /v3/auth/tokens with status 201 but the body is not valid JSON (truncated, or not an API response): 'login portal'"
        )

    def test_no_iam_endpoint(self, http):
        with pytest.raises(RomaResponseError, match='Password login needs iam_endpoint or region.'):
            client_for(password_auth(project_name=REGION), iam_endpoint=None).call('GET', TASKS_PATH)


# The contract in interface.md, written out rather than read from the code.
ENVIRONMENT = [
    ('region', ['HUAWEICLOUD_REGION', 'HW_REGION_NAME']),
    ('project_id', ['HUAWEICLOUD_SDK_PROJECT_ID', 'HW_PROJECT_ID']),
    ('endpoint', ['HUAWEICLOUD_ROMA_ENDPOINT']),
    ('iam_endpoint', ['HUAWEICLOUD_SDK_IAM_ENDPOINT']),
    ('auth_token', ['HUAWEICLOUD_AUTH_TOKEN']),
    ('access_key', ['HUAWEICLOUD_SDK_AK', 'HW_ACCESS_KEY']),
    ('secret_key', ['HUAWEICLOUD_SDK_SK', 'HW_SECRET_KEY']),
    ('security_token', ['HUAWEICLOUD_SDK_SECURITY_TOKEN']),
    ('user_name', ['HW_USER_NAME']),
    ('password', ['HW_PASSWORD']),
    ('domain_name', ['HW_DOMAIN_NAME']),
]


def module_params(args=None):
    with patch_module_args(args or {}):
        return RomaModule(argument_spec={}).params


class TestEnvironment:
    @pytest.mark.parametrize('option, names', ENVIRONMENT)
    def test_each_variable_alone(self, monkeypatch, option, names):
        for name in names:
            monkeypatch.setenv(name, 'from-' + name)
            assert module_params()[option] == 'from-' + name
            monkeypatch.delenv(name)

    @pytest.mark.parametrize('option, names', [entry for entry in ENVIRONMENT if len(entry[1]) > 1])
    def test_first_set_wins(self, monkeypatch, option, names):
        for name in names:
            monkeypatch.setenv(name, 'from-' + name)
        assert module_params()[option] == 'from-' + names[0]

    @pytest.mark.parametrize('option, names', ENVIRONMENT)
    def test_the_option_beats_the_environment(self, monkeypatch, option, names):
        monkeypatch.setenv(names[0], 'from-env')
        assert module_params({option: 'explicit'})[option] == 'explicit'

    def test_nothing_set(self):
        params = module_params()
        assert all(params[option] is None for option, dummy in ENVIRONMENT)
        assert (params['validate_certs'], params['timeout'], params['retries'], params['ca_path']) == (True, 30.0, 3, None)

    def test_secrets_are_no_log(self):
        spec = connection_argument_spec()
        assert sorted(name for name, option in spec.items() if option.get('no_log')) == ['access_key', 'auth_token', 'password', 'secret_key', 'security_token']


class TestClockSkew:
    def rejected(self, http, message, date):
        http.expect(signed('GET', api_url('tasks', 't1')).reply(401, json=fdi_error('APIG.0301', message), headers={'Date': date}))
        with pytest.raises(RomaApiError) as caught:
            client_for(AkSkAuth(AK, SK)).call('GET', api_path('tasks', 't1'))
        return caught.value.message

    @pytest.mark.parametrize('offset, words', [(3600, '60 minutes behind'), (-5400, '90 minutes ahead of'), (-3 * 86400, '72.0 hours ahead of')])
    def test_the_gateway_date_measures_the_skew(self, http, offset, words):
        date = email.utils.formatdate(time.time() + offset, usegmt=True)
        message = self.rejected(http, 'Incorrect IAM authentication information: verify aksk signature fail', date)
        assert (
            "The gateway rejected the request's time, not necessarily the keys: it accepts an AK/SK signature only within 15 "
            "minutes of its own clock, and this machine's clock is %s the gateway's (its Date header says %s). Synchronise this "
            "machine's clock" % (words, date)
        ) in message

    def test_the_message_alone_is_enough(self, http):
        message = self.rejected(http, 'Incorrect IAM authentication information: the request time is out of range', 'not a date')
        assert "The gateway rejected the request's time, not necessarily the keys" in message and 'Date header' not in message

    def test_a_clock_within_the_window_is_not_blamed(self, http):
        message = self.rejected(
            http, 'Incorrect IAM authentication information: verify aksk signature fail', email.utils.formatdate(time.time() + 600, usegmt=True)
        )
        assert 'The gateway rejected the AK/SK signature: check that access_key and secret_key belong together' in message
        assert 'not necessarily the keys' not in message

    def test_token_auth_never_blames_the_clock(self, http):
        expired = fdi_error('APIG.0301', 'Incorrect IAM authentication information: token expires, expires_at: x')
        skewed = {'Date': email.utils.formatdate(time.time() + 7200, usegmt=True)}
        http.expect(Call('GET', api_url('tasks')).reply(401, json=expired, headers=skewed))
        with pytest.raises(RomaApiError) as caught:
            client_for(TokenAuth(TOKEN)).call('GET', TASKS_PATH)
        assert 'clock' not in caught.value.message and 'The gateway rejected auth_token' in caught.value.message


class TestOneReloginForAllThreads:
    """Worker threads that meet the same expired token log in once, under a lock, not once each."""

    class CountingClient:
        def __init__(self):
            self.logins = 0
            self.known_project_id = None
            self.lock = threading.Lock()

        def iam_login(self, body):  # pylint: disable=unused-argument
            with self.lock:
                self.logins += 1
                number = self.logins
            time.sleep(0.01)  # long enough for the other threads to queue behind the lock
            return {'X-Subject-Token': 'token-%d' % number}, {'token': {'project': {'id': PROJECT_ID}, 'expires_at': 'later'}}

    def test_sixteen_threads_with_one_expired_token_make_one_login(self):
        client = self.CountingClient()
        auth = password_auth(project_name=REGION)
        auth.authenticate(client)
        expired = auth.credential_in_use()
        threads = [threading.Thread(target=auth.reauthenticate, args=(client, expired)) for dummy in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert client.logins == 2 and auth.credential_in_use() == 'token-2'  # the first login, and one re-login

    def test_a_thread_whose_token_was_already_replaced_does_not_log_in(self):
        client = self.CountingClient()
        auth = password_auth(project_name=REGION)
        auth.authenticate(client)
        auth.reauthenticate(client, 'token-0-from-long-ago')
        assert client.logins == 1


def test_an_aksk_project_refusal_points_at_project_id_not_at_the_keys(http):
    refused = fdi_error('APIG.0301', 'Incorrect IAM authentication information: project 0123 is not a project of the account that owns the access key')
    http.expect(Call('GET', api_url('tasks')).reply(401, json=refused))
    with pytest.raises(RomaApiError) as caught:
        client_for(AkSkAuth('AK-1', 'SK-secret-1')).call('GET', TASKS_PATH)
    assert caught.value.message.endswith(
        'The gateway accepted the signature but not the project: check project_id (and region), it must be a project of the account that owns access_key.'
    )
    assert 'belong together' not in caught.value.message
