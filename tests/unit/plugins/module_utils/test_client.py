# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""RomaClient on the wire: headers, retries and backoff, transport failures, body decoding, paging."""

from __future__ import annotations

import email.utils
import http.client as http_client
import ssl

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.auth import TokenAuth
from ansible_collections.hwcloud.roma.plugins.module_utils.client import RetryPolicy, RomaClient, TransportFailure, parse_retry_after
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaApiError, RomaResponseError, RomaTransportError
from ansible_collections.hwcloud.roma.plugins.module_utils.version import COLLECTION_VERSION
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import ANY, Call, connect_timeout, read_timeout, refused, reset, tls_failure
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    IAM,
    PROJECT_ID,
    ROMA,
    TOKEN,
    TOKEN_HEADERS,
    api_path,
    api_url,
    fdi_error,
    password_body,
)

TASKS_URL = api_url('tasks')
TASKS_PATH = api_path('tasks')
# waits of RetryPolicy() with the test suite's fixed jitter of 0.5: three quarters of 0.5 s * 2^n, capped at 8 s
BACKOFF = [0.375, 0.75, 1.5, 3.0, 6.0, 6.0]


def make_client(retries=3, endpoint=ROMA, **kwargs):
    return RomaClient(endpoint, TokenAuth(TOKEN), project_id=PROJECT_ID, iam_endpoint=IAM, retry_policy=RetryPolicy(retries=retries), **kwargs)


# A write here is a real operation with a valid body: FakeHttp checks every request against api_contract.py.
WRITES = {
    'POST': ('batch-operation/tasks', {'action_id': 'start', 'list': [{'task_id': 't1'}]}),
    'PUT': ('multi-tasks/t1', {'operation_types': ['INSERT'], 'repulling_snapshot': False}),
}


def request_call(method, url=None, **kwargs):
    route, body = WRITES.get(method, ('tasks', ANY))
    kwargs.setdefault('json', body)
    return Call(method, url or api_url(route), headers=TOKEN_HEADERS, **kwargs)


def send(client, method, path=None, **kwargs):
    route, body = WRITES.get(method, ('tasks', None))
    return client.call(method, path or api_path(route), body=body, **kwargs)


def certificate_error():
    return tls_failure(ssl.SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)'))


TRANSIENT_STATUSES = [429, 500, 502, 503, 504]
TRANSIENT_EXCEPTIONS = [pytest.param(reset, id='reset'), pytest.param(read_timeout, id='read-timeout'), pytest.param(refused, id='refused')]


class TestRequests:
    def test_get_sends_json_headers_token_timeout_and_no_redirects(self, http):
        http.expect(
            Call(
                'GET',
                TASKS_URL,
                query={'offset': 0, 'limit': 2},
                headers={'X-Auth-Token': TOKEN, 'Content-Type': 'application/json', 'Accept': 'application/json'},
            ).reply(200, json={'ok': True})
        )
        client = make_client(timeout=12.5)
        assert client.call('GET', TASKS_PATH, {'offset': 0, 'limit': 2}) == {'ok': True}
        sent = http.requests[0]
        assert sent.raw_query == 'limit=2&offset=0'
        assert (sent.timeout, sent.verify) == (12.5, True)
        assert sent.headers['User-Agent'].startswith('hwcloud.roma/%s ansible-core/' % COLLECTION_VERSION)

    def test_post_sends_compact_utf8_json(self, http):
        http.expect(
            Call(
                'POST',
                api_url('multi-tasks'),
                json={'task_name': 'cafe', 'description': 'caf\u00e9', 'operation_types': ['INSERT']},
                headers={'Content-Type': 'application/json;charset=UTF-8'},
            ).reply(200, json={'task_id': 't1'})
        )
        assert make_client().call('POST', api_path('multi-tasks'), body={'task_name': 'cafe', 'description': 'caf\u00e9', 'operation_types': ['INSERT']}) == {
            'task_id': 't1'
        }
        assert http.requests[0].body == b'{"task_name":"cafe","description":"caf\\u00e9","operation_types":["INSERT"]}'

    @pytest.mark.parametrize(
        'validate_certs, ca_path, verify',
        [
            (True, None, True),
            (False, None, False),
            (True, '/etc/pki/private-ca.pem', '/etc/pki/private-ca.pem'),
            (False, '/etc/pki/private-ca.pem', False),
        ],
    )
    def test_tls_verification_settings(self, http, validate_certs, ca_path, verify):
        http.expect(request_call('GET').reply(200, json={}))
        make_client(validate_certs=validate_certs, ca_path=ca_path).call('GET', TASKS_PATH)
        assert http.requests[0].verify == verify

    @pytest.mark.parametrize(
        'validate_certs, ca_path, verify',
        [
            (True, None, '/etc/ssl/from-environment.pem'),
            (False, None, False),
            (True, '/etc/pki/private-ca.pem', '/etc/pki/private-ca.pem'),
        ],
    )
    @pytest.mark.parametrize('variable', ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])
    def test_tls_options_beat_the_ca_bundle_environment_variables(self, http, monkeypatch, variable, validate_certs, ca_path, verify):
        """REQUESTS_CA_BUNDLE (or CURL_CA_BUNDLE) names the CA bundle when nothing else does; validate_certs and ca_path win."""
        monkeypatch.setenv(variable, '/etc/ssl/from-environment.pem')
        http.expect(request_call('GET').reply(200, json={}))
        make_client(validate_certs=validate_certs, ca_path=ca_path).call('GET', TASKS_PATH)
        assert http.requests[0].verify == verify

    def test_endpoint_with_port_and_base_path(self, http):
        base = 'http://127.0.0.1:8080/gateway/roma'
        http.expect(
            Call('GET', api_url('tasks', 't1', base=base), headers=TOKEN_HEADERS).reply(400, json=fdi_error('FDI.3033', 'Invalid parameter [task_id].'))
        )
        client = make_client(endpoint=base + '/')
        assert client.host_header() == '127.0.0.1:8080'
        with pytest.raises(RomaApiError) as caught:
            client.call('GET', api_path('tasks', 't1'))
        assert caught.value.path == '/gateway/roma' + api_path('tasks', 't1')


class TestRetries:
    @pytest.mark.parametrize('method', ['GET', 'PUT', 'DELETE'])
    @pytest.mark.parametrize('status', TRANSIENT_STATUSES)
    def test_idempotent_methods_are_retried_on_transient_statuses(self, http, sleeps, method, status):
        http.expect(request_call(method).reply(status, json=fdi_error('APIG.0308', 'busy')), request_call(method).reply(200, json={'done': True}))
        assert send(make_client(), method) == {'done': True}
        assert sleeps == BACKOFF[:1]

    @pytest.mark.parametrize('method', ['GET', 'PUT', 'DELETE'])
    @pytest.mark.parametrize('failure', TRANSIENT_EXCEPTIONS)
    def test_idempotent_methods_are_retried_on_connection_failures(self, http, sleeps, method, failure):
        http.expect(request_call(method).fail(failure()), request_call(method).fail(failure()), request_call(method).reply(200, json={}))
        assert send(make_client(), method) == {}
        assert sleeps == BACKOFF[:2]

    def test_backoff_grows_and_exhaustion_reports_every_attempt(self, http, sleeps):
        http.expect(
            [request_call('GET').reply(503, json=fdi_error('APIG.0201', 'Backend unavailable.'), headers={'X-Request-Id': 'r%d' % n}) for n in range(6)]
        )
        with pytest.raises(RomaApiError) as caught:
            make_client(retries=5).call('GET', TASKS_PATH)
        assert sleeps == BACKOFF[:5]
        assert caught.value.message == ('ROMA Connect API error 503 APIG.0201: Backend unavailable. (GET %s, request id r5, after 6 attempts)' % TASKS_PATH)
        assert caught.value.details['attempts'] == 6

    def test_transport_exhaustion_reports_every_attempt(self, http, sleeps):
        http.expect([request_call('GET').fail(read_timeout()) for dummy in range(4)])
        with pytest.raises(RomaTransportError) as caught:
            make_client(timeout=7).call('GET', TASKS_PATH)
        assert caught.value.message == ('No response from %s within the timeout of 7s (GET %s) (gave up after 4 attempts)' % (ROMA, TASKS_PATH))
        assert caught.value.details == {'method': 'GET', 'path': TASKS_PATH, 'attempts': 4}
        assert sleeps == BACKOFF[:3]

    @pytest.mark.parametrize(
        'retry_after, waited',
        [
            ('2', 2.0),
            ('0.5', 0.5),
            ('3600', 30.0),  # bounded
            ('Wed, 21 Oct 2099 07:28:00 GMT', 30.0),  # a far future date is bounded too
            ('Wed, 21 Oct 2015 07:28:00 GMT', 0.0),  # a past date: retry now
            ('soon', 0.375),  # unreadable: normal backoff
        ],
    )
    def test_429_honours_retry_after(self, http, sleeps, retry_after, waited):
        throttled = fdi_error('APIG.0308', 'The throttling threshold has been reached.')
        http.expect(request_call('GET').reply(429, json=throttled, headers={'Retry-After': retry_after}), request_call('GET').reply(200, json={}))
        make_client().call('GET', TASKS_PATH)
        assert sleeps == [waited]

    def test_429_without_retry_after_uses_backoff(self, http, sleeps):
        http.expect([request_call('GET').reply(429, json=fdi_error('APIG.0308', 'throttled')) for dummy in range(3)], request_call('GET').reply(200, json={}))
        make_client().call('GET', TASKS_PATH)
        assert sleeps == BACKOFF[:3]

    @pytest.mark.parametrize('status', [500, 502, 503, 504])
    def test_post_is_never_resent_on_a_server_error(self, http, sleeps, status):
        http.expect(request_call('POST').reply(status, json=fdi_error('FDI.9999', 'Internal error.')))
        with pytest.raises(RomaApiError) as caught:
            send(make_client(), 'POST')
        assert caught.value.may_have_been_processed
        assert sleeps == []

    @pytest.mark.parametrize('failure, ambiguous', [(reset, True), (read_timeout, True), (refused, False)])
    def test_post_is_never_resent_after_a_connection_failure(self, http, sleeps, failure, ambiguous):
        http.expect(request_call('POST').fail(failure()))
        with pytest.raises(RomaTransportError) as caught:
            send(make_client(), 'POST')
        assert caught.value.may_have_been_processed is ambiguous
        assert sleeps == []

    def test_post_is_resent_on_429_because_the_gateway_did_not_pass_it_on(self, http, sleeps):
        http.expect(
            request_call('POST').reply(429, json=fdi_error('APIG.0308', 'throttled'), headers={'Retry-After': '1'}),
            request_call('POST').reply(200, json={'task_id': 't1'}),
        )
        assert send(make_client(), 'POST') == {'task_id': 't1'}
        assert sleeps == [1.0]

    def test_post_declared_idempotent_is_retried(self, http, sleeps):
        http.expect(request_call('POST').reply(503, json={}), request_call('POST').reply(200, json={'ok': 1}))
        assert send(make_client(), 'POST', idempotent=True) == {'ok': 1}

    @pytest.mark.parametrize('status', [400, 401, 403, 404, 409])
    def test_client_errors_are_not_retried(self, http, sleeps, status):
        http.expect(request_call('GET').reply(status, json=fdi_error('FDI.3002', 'Invalid parameters.')))
        with pytest.raises(RomaApiError) as caught:
            make_client().call('GET', TASKS_PATH)
        assert caught.value.status == status and caught.value.attempts == 1
        assert sleeps == []

    def test_retries_zero_sends_once(self, http, sleeps):
        http.expect(request_call('GET').reply(503, json=fdi_error('APIG.0201', 'Backend unavailable.')))
        with pytest.raises(RomaApiError) as caught:
            make_client(retries=0).call('GET', TASKS_PATH)
        assert 'attempts' not in caught.value.message
        assert sleeps == []

    def test_retries_zero_sends_once_on_transport_failure(self, http, sleeps):
        http.expect(request_call('GET').fail(reset()))
        with pytest.raises(RomaTransportError) as caught:
            make_client(retries=0).call('GET', TASKS_PATH)
        assert caught.value.message == 'Connection to %s failed (GET %s): Connection reset by peer' % (ROMA, TASKS_PATH)
        assert sleeps == []


class TestTransportErrors:
    def test_tls_failure_is_not_retried_and_explains_the_certificate_options(self, http, sleeps):
        http.expect(request_call('GET').fail(certificate_error()))
        with pytest.raises(RomaTransportError) as caught:
            make_client().call('GET', TASKS_PATH)
        message = caught.value.message
        assert message.startswith('TLS failure talking to %s: ' % ROMA)
        assert 'certificate verify failed: self-signed certificate' in message
        assert 'Set ca_path' in message and 'validate_certs: false' in message
        assert 'TransportFailure' not in message and 'tls:' not in message
        assert not caught.value.retryable and sleeps == []

    def test_connection_refused_names_the_endpoint_and_the_cause(self, http):
        http.expect(request_call('GET').fail(refused()))
        with pytest.raises(RomaTransportError) as caught:
            make_client(retries=0).call('GET', TASKS_PATH)
        assert caught.value.message == (
            'Connection to %s failed (GET %s): Connection refused. Nothing answered there: check endpoint '
            '(its host name and port, port 443 (the https default)) and that the service is reachable from '
            'this machine.' % (ROMA, TASKS_PATH)
        )

    def test_a_refused_iam_connection_names_iam_endpoint_and_its_port(self, http):
        iam = 'http://127.0.0.1:35357'
        http.expect(Call('POST', iam + '/v3/auth/tokens', query={'nocatalog': 'true'}, json=password_body()).fail(refused()))
        client = RomaClient(ROMA, TokenAuth(TOKEN), project_id=PROJECT_ID, iam_endpoint=iam, retry_policy=RetryPolicy(retries=0))
        with pytest.raises(RomaTransportError) as caught:
            client.iam_login(password_body())
        assert caught.value.message.endswith(
            'Nothing answered there: check iam_endpoint (its host name and port, port 35357) and that the service is reachable from this machine.'
        )

    @pytest.mark.parametrize('method', ['GET', 'DELETE'])
    def test_a_permanent_server_error_is_not_retried(self, http, sleeps, method):
        """ROMA Connect reports an unknown instance as HTTP 500 ROMA.00110002: repeating the request cannot help."""
        http.expect(request_call(method).reply(500, json={'error_code': 'ROMA.00110002', 'error_msg': 'The instance does not exist.'}))
        with pytest.raises(RomaApiError) as caught:
            make_client(retries=3).call(method, TASKS_PATH)
        assert caught.value.attempts == 1 and sleeps == []
        assert caught.value.message.endswith('check instance_id and region (and project_id).')

    @pytest.mark.parametrize('body', [b'', b'{}', b'<html>404 Not Found</html>', b'{"error_code": "APIG.0101", "error_msg": "x"}'])
    def test_a_404_from_no_api_says_to_check_the_endpoint(self, http, body):
        http.expect(request_call('GET').reply(404, body=body))
        with pytest.raises(RomaApiError) as caught:
            make_client().call('GET', TASKS_PATH)
        assert caught.value.message.endswith('No ROMA Connect API answered at this path: check endpoint (scheme, host, port and base path) and region.')

    def test_a_404_with_a_service_code_gets_no_endpoint_advice(self, http):
        http.expect(request_call('GET').reply(404, json={'error_code': 'FDI.3081', 'error_msg': 'The task does not exist.'}))
        with pytest.raises(RomaApiError) as caught:
            make_client().call('GET', TASKS_PATH)
        assert 'check endpoint' not in caught.value.message

    def test_connect_timeout(self, http):
        http.expect(request_call('GET').fail(connect_timeout()))
        with pytest.raises(RomaTransportError) as caught:
            make_client(retries=0, timeout=3).call('GET', TASKS_PATH)
        assert caught.value.message == 'Timed out connecting to %s after 3s (GET %s): timed out' % (ROMA, TASKS_PATH)
        assert not caught.value.may_have_been_processed

    def test_a_request_that_cannot_be_written_is_not_retried_and_quotes_nothing(self, http, sleeps):
        refused = TransportFailure('request', ValueError('a header value holds a line break or another control character'))
        http.expect(request_call('GET').fail(refused))
        with pytest.raises(RomaTransportError) as caught:
            make_client(retries=3).call('GET', TASKS_PATH)
        assert caught.value.message == (
            'Cannot send the request to %s (GET %s): a header value holds a line break or another control character.' % (ROMA, TASKS_PATH)
        )
        assert not caught.value.retryable and not caught.value.may_have_been_processed and sleeps == []

    def test_a_proxy_that_cannot_be_reached_is_named_instead_of_the_endpoint(self, http):
        http.expect(request_call('GET').fail(TransportFailure('connect', ConnectionRefusedError(111, 'Connection refused'), '10.0.0.8:3128')))
        with pytest.raises(RomaTransportError) as caught:
            make_client(retries=0).call('GET', TASKS_PATH)
        assert caught.value.message == (
            'Connection to %s through the proxy 10.0.0.8:3128 failed (GET %s): Connection refused. Check the proxy the http_proxy, '
            'https_proxy or all_proxy environment variable names (or list the host in no_proxy) and that it can reach the service.' % (ROMA, TASKS_PATH)
        )
        assert not caught.value.may_have_been_processed

    def test_a_connection_cut_after_sending_may_have_been_processed(self, http):
        cut = TransportFailure('exchange', http_client.RemoteDisconnected('Remote end closed connection without response'))
        http.expect(request_call('GET').fail(cut))
        with pytest.raises(RomaTransportError) as caught:
            make_client(retries=0).call('GET', TASKS_PATH)
        assert caught.value.message == 'Connection to %s failed (GET %s): Remote end closed connection without response' % (ROMA, TASKS_PATH)
        assert caught.value.may_have_been_processed


class TestBodies:
    @pytest.mark.parametrize('body', [b'<html><body><h1>Maintenance</h1></body></html>', b'{"total": 3, "entit'])
    def test_a_2xx_that_is_not_json_is_a_clear_error_with_a_snippet(self, http, body):
        http.expect(request_call('GET').reply(200, body=body, headers={'X-Request-Id': 'r7'}))
        with pytest.raises(RomaResponseError) as caught:
            make_client().call('GET', TASKS_PATH)
        snippet = 'Maintenance' if body.startswith(b'<') else '{"total": 3, "entit'
        assert caught.value.message == (
            'ROMA Connect answered GET %s with status 200 but the body is not valid JSON (truncated, or '
            "not an API response): '%s', request id r7" % (TASKS_PATH, snippet)
        )
        assert caught.value.details == {'status': 200, 'request_id': 'r7', 'method': 'GET', 'path': TASKS_PATH}

    @pytest.mark.parametrize('status', [200, 201, 204])
    def test_an_empty_2xx_where_json_is_expected_is_an_error(self, http, status):
        http.expect(request_call('GET').reply(status, body=b''))
        with pytest.raises(RomaResponseError) as caught:
            make_client().call('GET', TASKS_PATH)
        assert caught.value.message == ('ROMA Connect answered GET %s with status %s and an empty body where JSON was expected' % (TASKS_PATH, status))

    @pytest.mark.parametrize('status, body', [(204, b''), (200, b''), (200, b'{"message": "success"}')])
    def test_delete_needs_no_body(self, http, status, body):
        http.expect(request_call('DELETE').reply(status, body=body))
        expected = {'message': 'success'} if body else None
        assert make_client().call('DELETE', TASKS_PATH) == expected


def entities(start, count):
    return [{'task_id': 't%04d' % n, 'task_name': 'task-%04d' % n} for n in range(start, start + count)]


def list_page(offset, items, total='count', limit=999, **query):
    document = {'size': len(items), 'entities': items}
    if total is not None:
        document['total'] = len(items) if total == 'count' else total
    return Call('GET', TASKS_URL, query=dict(query, offset=offset, limit=limit), headers=TOKEN_HEADERS).reply(200, json=document)


class TestPaging:
    def test_pages_are_read_with_offset_and_limit_999_until_total(self, http):
        http.expect(
            list_page(0, entities(0, 999), total=2001, name='orders'),
            list_page(999, entities(999, 999), total=2001, name='orders'),
            list_page(1998, entities(1998, 3), total=2001, name='orders'),
        )
        found = list(make_client().paginate(TASKS_PATH, {'name': 'orders'}))
        assert [item['task_id'] for item in found] == ['t%04d' % n for n in range(2001)]

    def test_one_request_when_total_is_reached(self, http):
        http.expect(list_page(0, entities(0, 3), total=3))
        assert len(list(make_client().paginate(TASKS_PATH))) == 3

    def test_a_full_page_reaching_total_ends_the_listing(self, http):
        http.expect(list_page(0, entities(0, 999), total=999))
        assert len(list(make_client().paginate(TASKS_PATH))) == 999

    def test_without_total_a_short_page_ends_the_listing(self, http):
        http.expect(list_page(0, entities(0, 999), total=None), list_page(999, entities(999, 5), total=None))
        assert len(list(make_client().paginate(TASKS_PATH))) == 1004

    def test_an_empty_page_ends_the_listing_even_if_total_says_more(self, http):
        http.expect(list_page(0, entities(0, 999), total=5000), list_page(999, [], total=5000))
        assert len(list(make_client().paginate(TASKS_PATH))) == 999

    def test_empty_list(self, http):
        http.expect(list_page(0, [], total=0))
        assert not list(make_client().paginate(TASKS_PATH))

    def test_custom_page_size(self, http):
        http.expect(list_page(0, entities(0, 2), total=3, limit=2), list_page(2, entities(2, 1), total=3, limit=2))
        assert len(list(make_client().paginate(TASKS_PATH, page_size=2))) == 3

    @pytest.mark.parametrize('document', [{'total': 1, 'tasks': [{'task_id': 't1'}]}, {'total': 1, 'entities': None}, ['t1']])
    def test_a_list_response_without_entities_is_an_error(self, http, document):
        http.expect(Call('GET', TASKS_URL, query={'offset': 0, 'limit': 999}, headers=TOKEN_HEADERS).reply(200, json=document))
        with pytest.raises(RomaResponseError) as caught:
            list(make_client().paginate(TASKS_PATH))
        assert caught.value.message.startswith('ROMA Connect returned a list response without "entities" (GET %s): ' % TASKS_PATH)

    def test_a_server_that_ignores_offset_cannot_make_paging_loop_forever(self, http):
        http.expect(list_page(0, entities(0, 999), total=None), list_page(999, entities(0, 999), total=None))
        with pytest.raises(RomaResponseError, match='the list API ignored "offset", so paging stopped'):
            list(make_client().paginate(TASKS_PATH))

    def test_a_failing_page_is_retried_like_any_get(self, http, sleeps):
        http.expect(
            list_page(0, entities(0, 999), total=1000),
            Call('GET', TASKS_URL, query={'offset': 999, 'limit': 999}).fail(reset()),
            list_page(999, entities(999, 1), total=1000),
        )
        assert len(list(make_client().paginate(TASKS_PATH))) == 1000
        assert sleeps == BACKOFF[:1]


class TestRetryPolicy:
    def test_delays_double_up_to_the_cap_with_jitter_on_the_upper_half(self):
        low = RetryPolicy(base_delay=1, max_delay=5, jitter=lambda: 0.0)
        high = RetryPolicy(base_delay=1, max_delay=5, jitter=lambda: 1.0)
        assert [low.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 2.5, 2.5]
        assert [high.delay(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]

    def test_retry_after_wins_but_is_bounded(self):
        policy = RetryPolicy(max_retry_after=10, jitter=lambda: 0.0)
        assert policy.delay(1, retry_after=4) == 4
        assert policy.delay(5, retry_after=0) == 0
        assert policy.delay(1, retry_after=99) == 10

    def test_wait_uses_the_injected_sleep(self):
        slept = []
        RetryPolicy(sleep=slept.append, jitter=lambda: 0.0).wait(2)
        assert slept == [0.5]

    @pytest.mark.parametrize(
        'value, expected',
        [
            (None, None),
            ('7', 7.0),
            (' 1.5 ', 1.5),
            ('-3', None),
            ('tomorrow', None),
            (email.utils.formatdate(1000060, usegmt=True), 60.0),
            (email.utils.formatdate(999000, usegmt=True), 0.0),
        ],
    )
    def test_parse_retry_after(self, value, expected):
        assert parse_retry_after(value, now=1000000) == expected


@pytest.mark.parametrize('status', [301, 302, 307])
def test_a_redirect_names_its_target_instead_of_a_json_error(http, status):
    http.expect(Call('GET', TASKS_URL, headers=TOKEN_HEADERS).reply(status, body=b'', headers={'Location': 'https://console.example/login'}))
    with pytest.raises(RomaResponseError) as caught:
        make_client().call('GET', TASKS_PATH)
    assert caught.value.message == (
        'ROMA Connect redirected GET %s (status %d) to https://console.example/login: set endpoint to the URL of the API itself.' % (TASKS_PATH, status)
    )


# -- TLS: what to do, from OpenSSL's reason and the settings in use ---------------------------------------------------


def ssl_failure(reason):
    return tls_failure(ssl.SSLError(1, reason))


@pytest.mark.parametrize(
    'reason, ca_path, advice',
    [
        (
            '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)',
            None,
            'The certificate is not signed by a CA this machine trusts (validate_certs is true by default). Set ca_path',
        ),
        (
            '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)',
            '/etc/ca.pem',
            'The certificate is not signed by a CA in ca_path /etc/ca.pem: set ca_path to the CA bundle',
        ),
        ('[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found (_ssl.c:4154)', '/etc/ca.pem', 'ca_path /etc/ca.pem holds no usable PEM certificate'),
        ('[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)', None, 'The server does not speak TLS on that port'),
        (
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'x'. (_ssl.c:1006)",
            None,
            'The certificate is not issued for that host name',
        ),
        (
            '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)',
            None,
            "The server's certificate is outside its validity period",
        ),
    ],
)
def test_tls_failures_say_what_to_do(http, monkeypatch, tmp_path, reason, ca_path, advice):
    http.expect(request_call('GET').fail(ssl_failure(reason)))
    with pytest.raises(RomaTransportError) as caught:
        make_client(ca_path=ca_path).call('GET', TASKS_PATH)
    message = caught.value.message
    assert message.startswith('TLS failure talking to %s: ' % ROMA) and '(GET %s). ' % TASKS_PATH in message
    assert advice in message and '_ssl.c' not in message and not caught.value.retryable


def test_an_unusable_ca_bundle_from_the_environment_is_an_error_not_a_traceback(http):
    http.expect(request_call('GET').fail(TransportFailure('ca_bundle', FileNotFoundError(2, 'No such file or directory'))))
    with pytest.raises(RomaTransportError) as caught:
        make_client().call('GET', TASKS_PATH)
    assert caught.value.message == (
        'Cannot send the request to %s (GET %s): No such file or directory. Check ca_path and the REQUESTS_CA_BUNDLE and '
        'CURL_CA_BUNDLE environment variables.' % (ROMA, TASKS_PATH)
    )
    assert not caught.value.retryable


def test_a_403_that_is_not_about_time_gets_no_hint(http):
    http.expect(
        request_call('GET').reply(
            403, json=fdi_error('APIG.1005', 'No permissions to request this method.'), headers={'Date': email.utils.formatdate(usegmt=True)}
        )
    )
    with pytest.raises(RomaApiError) as caught:
        make_client().call('GET', TASKS_PATH)
    assert caught.value.message == 'ROMA Connect API error 403 APIG.1005: No permissions to request this method. (GET %s)' % TASKS_PATH
