"""SDK-HMAC-SHA256 verification, proven against two fixed test vectors computed independently."""

from __future__ import annotations

import calendar
import hashlib
import hmac
import http.client
import time

import pytest
from roma_sim.auth import Accounts, AuthError, verify_signature
from sim_helpers import (
    AK,
    OTHER_PROJECT_ID,
    PROJECT_ID,
    SECURITY_TOKEN,
    SK,
    TEMP_AK,
    TEMP_SK,
    api_path,
    reference_canonical_request,
    reference_sign,
    signed_request,
)

VECTOR_HOST = 'roma.cn-north-4.myhuaweicloud.com'
VECTOR_DATE = '20240101T000000Z'
VECTOR_EPOCH = calendar.timegm((2024, 1, 1, 0, 0, 0))
POST_BODY = b'{"task_name":"cdctest1","operation_types":["INSERT"]}'
POST_HEADERS = {'Content-Type': 'application/json;charset=UTF-8', 'Host': VECTOR_HOST, 'X-Project-Id': PROJECT_ID, 'X-Sdk-Date': VECTOR_DATE}
GET_HEADERS = {'Content-Type': 'application/json', 'Host': VECTOR_HOST, 'X-Sdk-Date': VECTOR_DATE}
GET_QUERY = [('offset', '0'), ('limit', '10'), ('name', 'cdc test')]
POST_PATH = api_path('multi-tasks')
GET_PATH = api_path('tasks')


def message(headers):
    """Headers as the server sees them: a case-insensitive http.client.HTTPMessage."""
    received = http.client.HTTPMessage()
    for name, value in headers.items():
        received[name] = value
    return received


def apig_401(response, message_text):
    assert response.status == 401, response.body
    assert response.json() == {
        'error_code': 'APIG.0301',
        'error_msg': 'Incorrect IAM authentication information: ' + message_text,
        'request_id': response.request_id,
    }


def test_reference_post_vector_is_reproduced_independently():
    assert hashlib.sha256(POST_BODY).hexdigest() == 'c260b732bf3fb1024721e6d9ca36611b08f887913707c5cbf00db53187b10231'
    signature, authorization, _canonical = reference_sign('POST', POST_PATH, [], POST_HEADERS, POST_BODY)
    assert signature == '22faa6b513ae58ea17c39ef32f5559fc7ba843e79b1aca3f87a4dd07e8a2c194'
    assert authorization == 'SDK-HMAC-SHA256 Access=%s, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=%s' % (AK, signature)


def test_reference_get_vector_is_reproduced_independently():
    canonical, signed = reference_canonical_request('GET', GET_PATH, GET_QUERY, GET_HEADERS, b'')
    assert canonical.split('\n')[2] == 'limit=10&name=cdc%20test&offset=0'
    assert signed == ['content-type', 'host', 'x-sdk-date']
    assert hashlib.sha256(canonical.encode()).hexdigest() == 'b4eb3c48b18410e7035833a96d725d8ff5f1a3a21e4a9c1bc9b6fe9c5fb3bb63'
    assert reference_sign('GET', GET_PATH, GET_QUERY, GET_HEADERS, b'')[0] == '53a4b9cd9c49a2b49bb41022aae46726ad9b39af52f72fccf60248eb847435f7'


def test_verifier_accepts_both_vectors_and_rejects_any_change():
    accounts = Accounts.default()
    post = dict(POST_HEADERS, Authorization=reference_sign('POST', POST_PATH, [], POST_HEADERS, POST_BODY)[1])
    assert verify_signature(accounts, 'POST', POST_PATH, '', message(post), POST_BODY, VECTOR_EPOCH)['access'] == AK
    get = dict(GET_HEADERS, Authorization=reference_sign('GET', GET_PATH, GET_QUERY, GET_HEADERS, b'')[1])
    assert verify_signature(accounts, 'GET', GET_PATH, 'offset=0&limit=10&name=cdc%20test', message(get), b'', VECTOR_EPOCH + 60)
    changes = [
        ('PUT', POST_PATH, '', post, POST_BODY),
        ('POST', POST_PATH + 'x', '', post, POST_BODY),
        ('POST', POST_PATH, 'a=1', post, POST_BODY),
        ('POST', POST_PATH, '', dict(post, Host='evil.example.com'), POST_BODY),
        ('POST', POST_PATH, '', post, POST_BODY + b' '),
        ('GET', GET_PATH, 'offset=0&limit=11&name=cdc%20test', get, b''),
    ]
    for method, path, query, headers, body in changes:
        with pytest.raises(AuthError, match='verify aksk signature fail'):
            verify_signature(accounts, method, path, query, message(headers), body, VECTOR_EPOCH)


def test_reference_vectors_over_http(client):
    """The exact vector requests, sent with the simulator's clock set to the vector's date, are accepted."""
    client.control('POST', 'config', {'clock_offset_seconds': VECTOR_EPOCH + 5 - time.time()})
    post = dict(POST_HEADERS, Authorization=reference_sign('POST', POST_PATH, [], POST_HEADERS, POST_BODY)[1])
    created = client.request('POST', POST_PATH, raw=POST_BODY, headers=post, auth=False)
    assert created.status == 200, created.body
    get = dict(GET_HEADERS, Authorization=reference_sign('GET', GET_PATH, GET_QUERY, GET_HEADERS, b'')[1])
    listed = client.request('GET', GET_PATH, headers=get, query='offset=0&limit=10&name=cdc%20test', auth=False)
    assert listed.status == 200 and listed.json() == {'total': 0, 'size': 0, 'entities': []}
    # same signature, reordered raw query: canonicalisation sorts it
    listed = client.request('GET', GET_PATH, headers=get, query='name=cdc%20test&limit=10&offset=0', auth=False)
    assert listed.status == 200
    log = client.requests_log()
    assert [(entry['route'], entry['auth'], entry['status']) for entry in log] == [
        ('create_multi_task', 'aksk', 200),
        ('list_tasks', 'aksk', 200),
        ('list_tasks', 'aksk', 200),
    ]
    assert log[0]['headers']['host'] == VECTOR_HOST and log[0]['body'] == {'task_name': 'cdctest1', 'operation_types': ['INSERT']}


def test_signed_requests_with_fresh_dates(client):
    assert signed_request(client, 'POST', api_path('multi-tasks'), body={'task_name': 'signed-1', 'operation_types': ['INSERT']}).status == 200
    response = signed_request(client, 'GET', api_path('tasks'), [('name', 'signed 1'), ('limit', '5')])
    assert response.status == 200 and response.json()['total'] == 0
    response = signed_request(client, 'GET', api_path('tasks'), [('name', 'signed-'), ('task_tag', '')])
    assert response.status == 200 and response.json()['total'] == 1


def test_bad_signature_and_unknown_ak(client):
    response = signed_request(client, 'GET', api_path('tasks'), sk='not-the-secret')
    apig_401(response, 'verify aksk signature fail')
    apig_401(signed_request(client, 'GET', api_path('tasks'), ak='AKUNKNOWN'), 'Get secretKey failed,ak:******,err:ak not exist')
    garbage = client.request('GET', api_path('tasks'), headers={'Authorization': 'SDK-HMAC-SHA256 garbage'}, auth=False)
    apig_401(garbage, 'verify aksk signature fail')


def sign_only(headers_to_sign, sdk_date, secret=SK):
    """A correct signature over just ``headers_to_sign`` (to prove the rule, not the arithmetic, rejects it)."""
    canonical, signed = reference_canonical_request('GET', api_path('tasks'), [], headers_to_sign, b'')
    string_to_sign = 'SDK-HMAC-SHA256\n%s\n%s' % (sdk_date, hashlib.sha256(canonical.encode()).hexdigest())
    signature = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    return 'SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s' % (AK, ';'.join(signed), signature)


def test_host_and_date_must_be_signed(client):
    sdk_date = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    headers = {'Host': '%s:%d' % (client.host, client.port), 'Content-Type': 'application/json', 'X-Sdk-Date': sdk_date}
    for left_out in ('Host', 'X-Sdk-Date'):
        authorization = sign_only(dict((name, value) for name, value in headers.items() if name != left_out), sdk_date)
        response = client.request('GET', api_path('tasks'), headers=dict(headers, Authorization=authorization), auth=False)
        apig_401(response, 'verify aksk signature fail')
    response = client.request('GET', api_path('tasks'), headers=dict(headers, Authorization=sign_only(headers, sdk_date)), auth=False)
    assert response.status == 200
    listed_but_not_sent = sign_only(dict(headers, **{'X-Missing': 'x'}), sdk_date)
    apig_401(client.request('GET', api_path('tasks'), headers=dict(headers, Authorization=listed_but_not_sent), auth=False), 'verify aksk signature fail')


@pytest.mark.parametrize('skew_minutes,accepted', [(-16, False), (-14, True), (14, True), (16, False)])
def test_sdk_date_window_is_15_minutes(client, skew_minutes, accepted):
    sdk_date = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(time.time() + skew_minutes * 60))
    response = signed_request(client, 'GET', api_path('tasks'), sdk_date=sdk_date)
    if accepted:
        assert response.status == 200
    else:
        assert response.status == 401 and response.json()['error_code'] == 'APIG.0301'
        assert response.json()['error_msg'].startswith(
            'Incorrect IAM authentication information: the request time (X-Sdk-Date %s) is more than 15 minutes away from the server time' % sdk_date
        )


def test_clock_offset_moves_the_window(client):
    client.control('POST', 'config', {'clock_offset_seconds': 3600})
    assert signed_request(client, 'GET', api_path('tasks')).status == 401
    late = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(time.time() + 3600))
    assert signed_request(client, 'GET', api_path('tasks'), sdk_date=late).status == 200


def test_malformed_sdk_date(client):
    response = signed_request(client, 'GET', api_path('tasks'), sdk_date='2024-01-01 00:00')
    apig_401(response, "X-Sdk-Date '2024-01-01 00:00' is not in the format YYYYMMDDTHHMMSSZ")


def test_temporary_keys_need_the_security_token(client):
    good = signed_request(client, 'GET', api_path('tasks'), ak=TEMP_AK, sk=TEMP_SK, extra_headers={'X-Security-Token': SECURITY_TOKEN})
    assert good.status == 200
    apig_401(signed_request(client, 'GET', api_path('tasks'), ak=TEMP_AK, sk=TEMP_SK), 'verify security token fail')
    wrong = signed_request(client, 'GET', api_path('tasks'), ak=TEMP_AK, sk=TEMP_SK, extra_headers={'X-Security-Token': 'STSwrong'})
    apig_401(wrong, 'verify security token fail')


def test_project_header_must_match_path(client):
    response = signed_request(client, 'GET', api_path('tasks'), extra_headers={'X-Project-Id': OTHER_PROJECT_ID})
    assert response.status == 400
    assert response.json() == {'error_code': 'FDI.3039', 'error_msg': 'The project ID is empty or does not match the project ID in the URL.'}
    assert client.request('GET', api_path('tasks'), headers={'X-Project-Id': OTHER_PROJECT_ID}).json()['error_code'] == 'FDI.3039'
    # the other project of the account works when header and path agree
    assert signed_request(client, 'GET', api_path('tasks', project_id=OTHER_PROJECT_ID), extra_headers={'X-Project-Id': OTHER_PROJECT_ID}).status == 200


def test_aksk_for_a_foreign_project(client):
    foreign = 'f' * 32
    response = signed_request(client, 'GET', api_path('tasks', project_id=foreign), extra_headers={'X-Project-Id': foreign})
    apig_401(response, 'project %s is not a project of the account that owns the access key' % foreign)
