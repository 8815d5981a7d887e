# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SDK-HMAC-SHA256 against the reference test vectors (roma-fdi-api.md section 6) and the encoding rules."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils import signer
from ansible_collections.hwcloud.roma.tests.unit.plugins import fake_http

AK = 'AKEXAMPLE0123456789'
SK = 'SKEXAMPLEsecret0123456789'
DATE = '20240101T000000Z'
HOST = 'roma.cn-north-4.myhuaweicloud.com'
PROJECT = '0123456789abcdef0123456789abcdef'
PREFIX = '/v2/%s/fdi/instances/inst-1' % PROJECT

POST_BODY = b'{"task_name":"cdctest1","operation_types":["INSERT"]}'
POST_HEADERS = {'Content-Type': 'application/json;charset=UTF-8', 'X-Project-Id': PROJECT, 'Host': HOST}
POST_BODY_SHA256 = 'c260b732bf3fb1024721e6d9ca36611b08f887913707c5cbf00db53187b10231'
POST_SIGNATURE = '22faa6b513ae58ea17c39ef32f5559fc7ba843e79b1aca3f87a4dd07e8a2c194'

GET_QUERY = {'offset': 0, 'limit': 10, 'name': 'cdc test'}
GET_HEADERS = {'Content-Type': 'application/json', 'Host': HOST}
GET_CANONICAL_SHA256 = 'b4eb3c48b18410e7035833a96d725d8ff5f1a3a21e4a9c1bc9b6fe9c5fb3bb63'
GET_SIGNATURE = '53a4b9cd9c49a2b49bb41022aae46726ad9b39af52f72fccf60248eb847435f7'
EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'


def authorization(signed_headers, signature):
    return 'SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s' % (AK, signed_headers, signature)


class TestReferenceVectors:
    def test_post_payload_hash(self):
        assert signer.payload_sha256(POST_BODY) == POST_BODY_SHA256

    def test_post_signed_headers_and_signature(self):
        headers = signer.sign_request('POST', PREFIX + '/multi-tasks', None, POST_HEADERS, POST_BODY, AK, SK, sdk_date=DATE)
        assert headers['X-Sdk-Date'] == DATE
        assert headers['Authorization'] == authorization('content-type;host;x-project-id;x-sdk-date', POST_SIGNATURE)

    def test_post_canonical_request_ends_with_the_payload_hash(self):
        headers = dict(POST_HEADERS, **{'X-Sdk-Date': DATE})
        text, names = signer.canonical_request('POST', PREFIX + '/multi-tasks', None, headers, POST_BODY)
        assert names == ['content-type', 'host', 'x-project-id', 'x-sdk-date']
        assert text.splitlines()[:3] == ['POST', PREFIX + '/multi-tasks/', '']
        assert text.endswith('\n\ncontent-type;host;x-project-id;x-sdk-date\n' + POST_BODY_SHA256)

    def test_get_canonical_request(self):
        headers = dict(GET_HEADERS, **{'X-Sdk-Date': DATE})
        text, names = signer.canonical_request('GET', PREFIX + '/tasks', GET_QUERY, headers, b'')
        assert text == '\n'.join(
            [
                'GET',
                PREFIX + '/tasks/',
                'limit=10&name=cdc%20test&offset=0',
                'content-type:application/json',
                'host:' + HOST,
                'x-sdk-date:' + DATE,
                '',
                'content-type;host;x-sdk-date',
                EMPTY_SHA256,
            ]
        )
        assert hashlib.sha256(text.encode('utf-8')).hexdigest() == GET_CANONICAL_SHA256
        assert names == ['content-type', 'host', 'x-sdk-date']

    def test_get_string_to_sign_and_signature(self):
        headers = dict(GET_HEADERS, **{'X-Sdk-Date': DATE})
        text, dummy = signer.canonical_request('GET', PREFIX + '/tasks', GET_QUERY, headers, b'')
        to_sign = signer.string_to_sign(DATE, text)
        assert to_sign == 'SDK-HMAC-SHA256\n%s\n%s' % (DATE, GET_CANONICAL_SHA256)
        assert signer.signature(SK, to_sign) == GET_SIGNATURE

    def test_get_sign_request(self):
        headers = signer.sign_request('GET', PREFIX + '/tasks', GET_QUERY, GET_HEADERS, b'', AK, SK, sdk_date=DATE)
        assert headers['Authorization'] == authorization('content-type;host;x-sdk-date', GET_SIGNATURE)

    def test_an_existing_x_sdk_date_header_is_used_whatever_its_case(self):
        headers = signer.sign_request('GET', PREFIX + '/tasks', GET_QUERY, dict(GET_HEADERS, **{'x-sdk-date': DATE}), b'', AK, SK, sdk_date='20991231T235959Z')
        assert 'X-Sdk-Date' not in headers
        assert headers['Authorization'] == authorization('content-type;host;x-sdk-date', GET_SIGNATURE)

    @pytest.mark.parametrize(
        'method, path, query, headers, body, signature',
        [
            ('POST', PREFIX + '/multi-tasks', {}, POST_HEADERS, POST_BODY, POST_SIGNATURE),
            ('GET', PREFIX + '/tasks', GET_QUERY, GET_HEADERS, b'', GET_SIGNATURE),
        ],
    )
    def test_the_test_suites_gateway_verifier_agrees_with_the_vectors(self, method, path, query, headers, body, signature):
        """The fake gateway used by the client and module tests is itself checked against the reference."""
        headers = dict(headers, **{'X-Sdk-Date': DATE})
        names = sorted(name.lower() for name in headers)
        canonical = fake_http.gateway_canonical_request(method, path, [(k, str(v)) for k, v in query.items()], headers, names, body)
        assert fake_http.gateway_signature(SK, DATE, canonical) == signature


class TestEncoding:
    @pytest.mark.parametrize(
        'path, expected',
        [
            ('/v2/p/tasks', '/v2/p/tasks/'),
            ('/v2/p/tasks/', '/v2/p/tasks/'),
            ('/', '/'),
            ('', '/'),
            ('/a b/c', '/a%20b/c/'),
            ('/a%20b/c', '/a%20b/c/'),  # decoded first, so an encoded path is not encoded twice
            ('/x~y/x.y_z-w', '/x~y/x.y_z-w/'),  # unreserved characters stay as they are
            ('/a:b/c@d/e+f', '/a%3Ab/c%40d/e%2Bf/'),
            ('/t\u00e4sk', '/t%C3%A4sk/'),
        ],
    )
    def test_canonical_uri(self, path, expected):
        assert signer.canonical_uri(path) == expected

    @pytest.mark.parametrize(
        'query, expected',
        [
            (None, ''),
            ({}, ''),
            ({'name': 'cdc test'}, 'name=cdc%20test'),
            ({'name': 'a~b'}, 'name=a~b'),
            ({'name': 'a+b/c=d&e'}, 'name=a%2Bb%2Fc%3Dd%26e'),
            ({'b': 1, 'a': 2, 'c': 'x'}, 'a=2&b=1&c=x'),
            ({'enabled': True, 'deleted': False}, 'deleted=false&enabled=true'),
            ({'id': ['b', 'a', 'c'], 'x': 1}, 'id=a&id=b&id=c&x=1'),
            ({'id': ('z', 'y')}, 'id=y&id=z'),
            ({'name': None, 'limit': 999}, 'limit=999'),
            ({'my key': 'v'}, 'my%20key=v'),
            ({'offset': 0}, 'offset=0'),
        ],
    )
    def test_canonical_query_string(self, query, expected):
        assert signer.canonical_query_string(query) == expected

    @pytest.mark.parametrize('body', [b'', None])
    def test_empty_body_hash(self, body):
        assert signer.payload_sha256(body) == EMPTY_SHA256 == signer.EMPTY_BODY_SHA256

    def test_signed_headers_are_lower_cased_sorted_and_skip_underscores(self):
        headers = {'X-Sdk-Date': DATE, 'Host': HOST, 'Content-Type': 'application/json', 'X_Custom': '1', 'Accept': '*/*'}
        assert signer.signed_header_names(headers) == ['accept', 'content-type', 'host', 'x-sdk-date']

    def test_header_values_are_trimmed(self):
        padded = signer.canonical_request('GET', '/p', None, {'Host': '  %s ' % HOST, 'X-Sdk-Date': DATE}, b'')
        plain = signer.canonical_request('GET', '/p', None, {'Host': HOST, 'X-Sdk-Date': DATE}, b'')
        assert padded == plain

    def test_format_sdk_date(self):
        moment = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
        assert signer.format_sdk_date(moment) == '20240102T030405Z'
        assert re.match(r'^\d{8}T\d{6}Z$', signer.format_sdk_date())

    def test_sign_request_adds_the_current_date_and_leaves_the_input_alone(self):
        headers = dict(GET_HEADERS)
        signed = signer.sign_request('GET', '/p', None, headers, b'', AK, SK)
        assert headers == GET_HEADERS
        assert re.match(r'^\d{8}T\d{6}Z$', signed['X-Sdk-Date'])
        names = ['content-type', 'host', 'x-sdk-date']
        canonical = fake_http.gateway_canonical_request('GET', '/p', [], signed, names, b'')
        assert signed['Authorization'] == authorization(';'.join(names), fake_http.gateway_signature(SK, signed['X-Sdk-Date'], canonical))

    def test_a_different_secret_or_body_changes_the_signature(self):
        base = signer.sign_request('POST', '/p', None, POST_HEADERS, POST_BODY, AK, SK, sdk_date=DATE)['Authorization']
        other_key = signer.sign_request('POST', '/p', None, POST_HEADERS, POST_BODY, AK, SK + 'x', sdk_date=DATE)['Authorization']
        other_body = signer.sign_request('POST', '/p', None, POST_HEADERS, POST_BODY + b' ', AK, SK, sdk_date=DATE)['Authorization']
        assert len({base, other_key, other_body}) == 3
