# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The scripted network must reject what it was not told to expect, or every other test could pass vacuously."""

from __future__ import annotations

import json

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.client import HttpTransport, TransportFailure
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import ANY, Call, FakeHttp, read_timeout

URL = 'https://roma.example.com/v2/p/tasks'


def send(fake, method='GET', url=URL + '?limit=999&offset=0', body=None, headers=None):
    return fake(HttpTransport(timeout=30), method, url, body, headers or {})


def expecting(**kwargs):
    kwargs.setdefault('query', {'offset': 0, 'limit': 999})
    return FakeHttp().expect(Call(kwargs.pop('method', 'GET'), kwargs.pop('url', URL), **kwargs).reply(200, json={'ok': True}))


def test_a_matching_request_gets_the_scripted_response():
    fake = expecting(headers={'X-Auth-Token': 't'})
    response = send(fake, headers={'X-Auth-Token': 't'})
    assert (response.status, json.loads(response.content)) == (200, {'ok': True})
    fake.verify_done()


@pytest.mark.parametrize(
    'fake, kwargs, complaint',
    [
        (expecting(), dict(method='POST'), 'method POST != GET'),
        (expecting(), dict(url='https://roma.example.com/v2/p/task?limit=999&offset=0'), 'url '),
        (expecting(), dict(url=URL + '?limit=999&offset=1'), 'query '),
        (expecting(), dict(url=URL + '?limit=999&offset=0&name=x'), 'query '),
        (expecting(), dict(body=b'{}'), 'unexpected body'),
        (expecting(json={'a': 1}), dict(body=b'{"a":2}'), 'body '),
        (expecting(headers={'X-Auth-Token': 't'}), dict(), 'header X-Auth-Token'),
        (expecting(headers={'Authorization': None}), dict(headers={'Authorization': 'x'}), 'header Authorization'),
    ],
)
def test_a_mismatch_fails(fake, kwargs, complaint):
    with pytest.raises(AssertionError, match='does not match') as caught:
        send(fake, **kwargs)
    assert complaint in str(caught.value)
    with pytest.raises(AssertionError):
        fake.verify_done()


def test_an_extra_request_fails():
    fake = FakeHttp()
    with pytest.raises(AssertionError, match='was not expected'):
        send(fake)


def test_a_missing_request_fails():
    with pytest.raises(AssertionError, match='never sent'):
        expecting().verify_done()


def test_any_skips_the_check_and_exceptions_are_raised():
    url = 'https://roma.example.com/v2/p/fdi/instances/i/multi-tasks/t1'  # a body must suit its route (api_contract.py)
    fake = FakeHttp().expect(Call('PUT', url, query=ANY, json=ANY).fail(read_timeout()))
    with pytest.raises(TransportFailure):
        send(fake, method='PUT', url=url + '?x=1', body=b'{"operation_types":["DELETE"],"repulling_snapshot":false}')
    fake.verify_done()


def test_a_failing_check_is_a_mismatch():
    def check(request):
        assert request.timeout == 5, 'timeout %s' % request.timeout

    fake = expecting(check=check)
    with pytest.raises(AssertionError, match='check failed: timeout 30'):
        send(fake)
