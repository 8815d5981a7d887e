# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Error bodies of FDI, the API gateway, IAM and proxies, and the one-line message users see."""

from __future__ import annotations

import json

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import (
    RomaApiError,
    RomaError,
    RomaResponseError,
    RomaTransportError,
    api_error_from_response,
    redact_secrets,
    register_secret,
    safe_snippet,
)

PATH = '/v2/0123456789abcdef0123456789abcdef/fdi/instances/inst-1/multi-tasks'
NGINX_502 = (
    b'<html>\r\n<head><title>502 Bad Gateway</title><style>body { color: red }</style></head>\r\n'
    b'<body><script>alert("x")</script><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>'
)


def parse(status, body, headers=None, method='POST', path=PATH, **kwargs):
    if not isinstance(body, bytes):
        body = json.dumps(body).encode('utf-8')
    return api_error_from_response(status, headers or {}, body, method, path, **kwargs)


def fields(error):
    return (error.status, error.error_code, error.error_msg, error.request_id)


def test_the_documented_one_line_message():
    error = parse(400, {'error_code': 'FDI.3033', 'error_msg': 'Invalid parameter [task_name].'}, {'X-Request-Id': '5f2c1e0d9a8b47c6b5a4d3c2e1f00123'})
    assert (
        error.message
        == str(error)
        == (
            'ROMA Connect API error 400 FDI.3033: Invalid parameter [task_name]. '
            '(POST /v2/0123456789abcdef0123456789abcdef/fdi/instances/inst-1/multi-tasks, request id 5f2c1e0d9a8b47c6b5a4d3c2e1f00123)'
        )
    )
    assert error.details == {
        'status': 400,
        'error_code': 'FDI.3033',
        'error_msg': 'Invalid parameter [task_name].',
        'request_id': '5f2c1e0d9a8b47c6b5a4d3c2e1f00123',
        'method': 'POST',
        'path': PATH,
    }


@pytest.mark.parametrize(
    'status, body, headers, expected',
    [
        pytest.param(
            400,
            {'error_code': 'FDI.3021', 'error_msg': 'One or more tasks do not exist.'},
            {'x-request-id': 'r1'},
            (400, 'FDI.3021', 'One or more tasks do not exist.', 'r1'),
            id='fdi',
        ),
        pytest.param(
            401,
            {'error_code': 'APIG.0301', 'error_msg': 'Incorrect IAM authentication information: decrypt token fail', 'request_id': 'body-id'},
            {},
            (401, 'APIG.0301', 'Incorrect IAM authentication information: decrypt token fail', 'body-id'),
            id='apig-request-id-in-body',
        ),
        pytest.param(
            429,
            {'error_code': 'APIG.0308', 'error_msg': 'The throttling threshold has been reached.', 'request_id': 'body-id'},
            {'X-Request-Id': 'header-id'},
            (429, 'APIG.0308', 'The throttling threshold has been reached.', 'header-id'),
            id='header-id-wins',
        ),
        pytest.param(
            500,
            {'errorCode': 'ROMA.00110002', 'errorMsg': 'The instance does not exist.'},
            {},
            (500, 'ROMA.00110002', 'The instance does not exist.', None),
            id='camel-case',
        ),
        pytest.param(404, {'code': 'APIC.7302', 'message': 'Instance not found'}, {}, (404, 'APIC.7302', 'Instance not found', None), id='code-message'),
        pytest.param(
            400,
            {'result': {'error': {'error_code': 'FDI.3002', 'error_msg': 'Invalid parameters.'}}},
            {},
            (400, 'FDI.3002', 'Invalid parameters.', None),
            id='nested',
        ),
        pytest.param(400, {'error_code': 'FDI.3150'}, {}, (400, 'FDI.3150', None, None), id='code-only'),
        pytest.param(400, {'error_msg': 'Something is wrong.'}, {}, (400, None, 'Something is wrong.', None), id='message-only'),
    ],
)
def test_error_bodies(status, body, headers, expected):
    assert fields(parse(status, body, headers)) == expected


def test_iam_keystone_body_uses_the_title_and_the_trace_id():
    body = {'error': {'code': 401, 'message': 'The username or password is wrong.', 'title': 'Unauthorized'}}
    error = parse(401, body, {'X-IAM-Trace-Id': 'trace-1'}, path='/v3/auth/tokens', service='IAM')
    assert fields(error) == (401, 'Unauthorized', 'The username or password is wrong.', 'trace-1')
    assert error.message == 'IAM API error 401 Unauthorized: The username or password is wrong. (POST /v3/auth/tokens, request id trace-1)'


def test_html_page_becomes_a_short_text_snippet():
    error = parse(502, NGINX_502, {'Content-Type': 'text/html; charset=utf-8'}, method='GET', path='/v2/p/tasks')
    assert error.error_code is None
    assert error.error_msg == 'unexpected text/html response: 502 Bad Gateway 502 Bad Gateway nginx'
    assert error.message == 'ROMA Connect API error 502: unexpected text/html response: 502 Bad Gateway 502 Bad Gateway nginx (GET /v2/p/tasks)'
    assert '<' not in error.message and 'alert' not in error.message and 'color' not in error.message


def test_long_pages_are_cut():
    error = parse(503, b'<p>' + b'overloaded ' * 100 + b'</p>', {})
    assert error.error_msg.startswith('unexpected no content type response: overloaded overloaded')
    assert error.error_msg.endswith('...')
    assert len(error.error_msg) < 220


def test_no_headers_at_all():
    assert fields(api_error_from_response(502, None, b'', 'GET', '/x')) == (502, None, 'empty response body', None)


@pytest.mark.parametrize('body', [b'', b'   \n'])
def test_empty_body(body):
    error = parse(500, body, {'X-Request-Id': 'r9'}, method='DELETE', path='/v2/p/tasks/t1')
    assert fields(error) == (500, None, 'empty response body', 'r9')
    assert error.message == 'ROMA Connect API error 500: empty response body (DELETE /v2/p/tasks/t1, request id r9)'


@pytest.mark.parametrize(
    'body, snippet',
    [
        pytest.param({'code': 404}, '{"code": 404}', id='code-is-just-the-status'),
        pytest.param(['not', 'an', 'object'], '["not", "an", "object"]', id='json-array'),
        pytest.param(b'{"error_code": "FDI.30', '{"error_code": "FDI.30', id='truncated-json'),
    ],
)
def test_bodies_without_a_usable_code_are_shown_as_a_snippet(body, snippet):
    error = parse(404, body, {'Content-Type': 'application/json'})
    assert fields(error) == (404, None, 'unexpected application/json response: ' + snippet, None)


class TestRomaApiError:
    def test_minimal_message_and_details(self):
        error = RomaApiError(500)
        assert error.message == 'ROMA Connect API error 500'
        assert error.details == {'status': 500}

    def test_hint_and_attempts(self):
        error = RomaApiError(503, 'APIG.0201', 'Backend unavailable.', 'r1', 'GET', '/v2/p/tasks')
        assert error.with_attempts(4).message == (
            'ROMA Connect API error 503 APIG.0201: Backend unavailable. (GET /v2/p/tasks, request id r1, after 4 attempts)'
        )
        assert error.with_attempts(4).details['attempts'] == 4
        assert 'attempts' not in error.with_attempts(1).details
        hinted = error.with_hint('Try later.').with_attempts(2)
        assert hinted.message.endswith('(GET /v2/p/tasks, request id r1, after 2 attempts). Try later.')
        assert (hinted.status, hinted.error_code, hinted.request_id) == (503, 'APIG.0201', 'r1')

    @pytest.mark.parametrize('status, processed', [(400, False), (401, False), (429, False), (500, True), (504, True)])
    def test_may_have_been_processed(self, status, processed):
        assert RomaApiError(status).may_have_been_processed is processed

    def test_a_permanent_server_error_was_not_processed_and_says_what_to_check(self):
        error = parse(500, {'error_code': 'ROMA.00110002', 'error_msg': 'The instance does not exist. project_id: p, instance_id: i'})
        assert error.is_permanent and not error.may_have_been_processed
        assert error.message == (
            'ROMA Connect API error 500 ROMA.00110002: The instance does not exist. project_id: p, instance_id: i '
            '(POST %s). The ROMA Connect instance does not exist in this project: check instance_id and region (and project_id).' % PATH
        )

    @pytest.mark.parametrize('code', [None, 'FDI.9999', 'APIG.0201'])
    def test_other_server_errors_are_transient(self, code):
        assert not RomaApiError(500, code).is_permanent


class TestWithAttempts:
    """One implementation for every error type, returning a copy: no layer can lose or change another's count."""

    @pytest.mark.parametrize(
        'error',
        [
            RomaError('Something failed'),
            RomaApiError(429, 'APIG.0308', 'Throttled.', method='POST', path='/v2/p/multi-tasks'),
            RomaTransportError('Connection to x failed', method='GET', path='/p'),
            RomaResponseError('Garbled', status=200),
        ],
        ids=['base', 'api', 'transport', 'response'],
    )
    def test_returns_a_copy_with_the_count(self, error):
        counted = error.with_attempts(4)
        assert counted is not error and type(counted) is type(error)
        assert counted.attempts == 4 and counted.details['attempts'] == 4 and str(counted) == counted.message
        assert '4 attempts' in counted.message
        assert error.attempts == 1 and 'attempts' not in error.details and '4 attempts' not in error.message

    def test_a_count_survives_being_passed_on(self):
        throttled = RomaApiError(429, 'APIG.0308', 'Throttled.').with_attempts(4)
        assert throttled.with_hint('Slow down.').attempts == 4
        assert throttled.with_attempts(5).message.count('attempts') == 1

    def test_once_says_nothing(self):
        error = RomaError('Failed').with_attempts(3).with_attempts(1)
        assert error.message == 'Failed' and 'attempts' not in error.details


@pytest.mark.parametrize(
    'body, expected',
    [
        (None, ''),
        (b'plain', 'plain'),
        ('tab\there\x00and\nnew line', 'tab here and new line'),
        ('<b>bold</b> text', 'bold text'),
        (b'\xff\xfebroken', '\ufffd\ufffdbroken'),
    ],
)
def test_safe_snippet(body, expected):
    assert safe_snippet(body) == expected


# -- credentials in what the server sends back (a proxy or gateway echoing the request) ------------------------------


@pytest.mark.parametrize(
    'text, expected',
    [
        pytest.param('{"X-Auth-Token": "MIIabc", "Host": "h"}', '{"X-Auth-Token": "********", "Host": "h"}', id='json-header'),
        pytest.param('{"password": "p\\"w", "name": "u"}', '{"password": "********", "name": "u"}', id='json-escaped-quote'),
        pytest.param(
            'Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abc\nNext: 1', 'Authorization: ********\nNext: 1', id='authorization-line'
        ),
        pytest.param('x-security-token=STS123&limit=1', 'x-security-token=********&limit=1', id='query'),
        pytest.param("secret_key: 'SK1'", "secret_key: '********'", id='quoted-value'),
        pytest.param(
            'Incorrect IAM authentication information: x-auth-token not found',
            'Incorrect IAM authentication information: x-auth-token not found',
            id='a-name-is-not-a-value',
        ),
        pytest.param('token expires, expires_at: 2024-01-01T00:00:00Z', 'token expires, expires_at: 2024-01-01T00:00:00Z', id='no-value'),
    ],
)
def test_labelled_credentials_are_masked(text, expected):
    assert redact_secrets(text) == expected


def test_registered_secrets_are_masked_before_a_message_is_cut_short():
    token = 'MIIsecret' + 'x' * 600
    register_secret(token)
    error = parse(502, {'error_code': 'PROXY.ECHO', 'error_msg': 'you sent token %s and more' % token})
    assert error.error_msg == 'you sent token ******** and more'
    snippet = safe_snippet(('<p>echo %s</p>' % token).encode('utf-8'))
    assert snippet == 'echo ********'
    assert 'MIIsecret' not in error.message


def test_short_values_are_not_registered():
    register_secret('abc')
    assert redact_secrets('abc abcd') == 'abc abcd'


def test_a_server_message_is_one_line_of_at_most_512_characters():
    error = parse(500, {'error_code': 'FDI.9\n9', 'error_msg': 'first line\r\nsecond\tline ' + 'x' * 900})
    assert error.error_code == 'FDI.9 9'
    assert error.error_msg.startswith('first line second line x') and error.error_msg.endswith('...')
    assert len(error.error_msg) == 512 and '\n' not in error.message


def test_mysql_s_using_password_phrase_keeps_its_words_and_its_parenthesis():
    """ "(using password: YES)" says whether a password was sent, not what it was; its ")" is not part of a value either."""
    from ansible_collections.hwcloud.roma.plugins.module_utils.errors import redact_secrets

    assert redact_secrets("Access denied for user 'fdi_reader'@'%' (using password: YES)") == "Access denied for user 'fdi_reader'@'%' (using password: YES)"
    assert redact_secrets('login failed (password: Hunter2-secret)') == 'login failed (password: ********)'
