# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""module.py: endpoints from region or explicit URLs, and building the client from the connection options."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.auth import TokenAuth
from ansible_collections.hwcloud.roma.plugins.module_utils.auth_aksk import AkSkAuth
from ansible_collections.hwcloud.roma.plugins.module_utils.auth_password import PasswordAuth
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaInputError
from ansible_collections.hwcloud.roma.plugins.module_utils.module import build_client, check_region, resolve_endpoints
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import IAM, PROJECT_ID, ROMA, TOKEN


class TestEndpoints:
    @pytest.mark.parametrize(
        'params, needs_iam, expected',
        [
            (dict(region='cn-north-4'), False, (ROMA, None)),
            (dict(region='cn-north-4'), True, (ROMA, IAM)),
            (dict(region='ap-southeast-3'), True, ('https://roma.ap-southeast-3.myhuaweicloud.com', 'https://iam.ap-southeast-3.myhuaweicloud.com')),
            (dict(region='cn-north-4', endpoint='http://127.0.0.1:8080'), False, ('http://127.0.0.1:8080', None)),
            (dict(endpoint='https://roma.internal:8443/gateway/'), False, ('https://roma.internal:8443/gateway', None)),
            (dict(endpoint='http://[::1]:8080'), False, ('http://[::1]:8080', None)),
            (dict(endpoint='http://sim:9000', iam_endpoint='http://sim:9001/iam/'), True, ('http://sim:9000', 'http://sim:9001/iam')),
            (dict(region='cn-north-4', iam_endpoint='https://iam.myhuaweicloud.com'), True, (ROMA, 'https://iam.myhuaweicloud.com')),
            (dict(region='cn-north-4', iam_endpoint='https://iam.myhuaweicloud.com'), False, (ROMA, 'https://iam.myhuaweicloud.com')),
        ],
    )
    def test_resolved(self, params, needs_iam, expected):
        assert resolve_endpoints(params, needs_iam=needs_iam) == expected

    @pytest.mark.parametrize(
        'option, value',
        [
            ('endpoint', 'roma.cn-north-4.myhuaweicloud.com'),
            ('endpoint', 'ftp://roma.example.com'),
            ('endpoint', 'https://'),
            ('endpoint', 'https://roma.example.com/?debug=1'),
            ('endpoint', 'https://roma.example.com/#top'),
            ('iam_endpoint', 'iam.example.com:443'),
            ('iam_endpoint', 'https:///v3'),
        ],
    )
    def test_invalid_url(self, option, value):
        with pytest.raises(RomaInputError) as caught:
            resolve_endpoints({'region': 'cn-north-4', option: value}, needs_iam=True)
        assert caught.value.message == (
            '%s must be an http:// or https:// base URL such as https://roma.cn-north-4.myhuaweicloud.com '
            '(host and optional port and path, no query); got %r' % (option, value)
        )

    @pytest.mark.parametrize('value', ['https://roma.example.com:99999', 'http://roma.example.com:port'])
    def test_invalid_port(self, value):
        with pytest.raises(RomaInputError, match='^endpoint has an invalid port; got'):
            resolve_endpoints({'endpoint': value})

    @pytest.mark.parametrize('region', ['CN-north-4', 'cn_north_4', 'cn north 4', 'cn-north-4/', ''])
    def test_invalid_region(self, region):
        assert not check_region(region)
        if region:
            with pytest.raises(RomaInputError, match='^region must be a region ID such as cn-north-4'):
                resolve_endpoints({'region': region, 'endpoint': ROMA})

    def test_region_or_endpoint_is_needed(self):
        with pytest.raises(RomaInputError) as caught:
            resolve_endpoints({})
        assert caught.value.message == ('Set region (or HUAWEICLOUD_REGION) or endpoint (or HUAWEICLOUD_ROMA_ENDPOINT) to say which ROMA Connect to use.')

    def test_password_login_needs_an_iam_endpoint(self):
        with pytest.raises(RomaInputError, match=r'^Password login needs iam_endpoint \(or HUAWEICLOUD_SDK_IAM_ENDPOINT\) or region.'):
            resolve_endpoints({'endpoint': ROMA}, needs_iam=True)


def params(**overrides):
    values = dict(region='cn-north-4', project_id=PROJECT_ID, auth_token=TOKEN, validate_certs=True, timeout=30.0, retries=3)
    values.update(overrides)
    return values


class TestBuildClient:
    def test_token_client(self, http):
        client = build_client(params(timeout=9.5, retries=0, validate_certs=False))
        assert isinstance(client.auth, TokenAuth)
        assert (client.endpoint, client.iam_endpoint, client.known_project_id) == (ROMA, None, PROJECT_ID)
        assert (client.timeout, client.retries, client.transport.verify, client.transport.timeout) == (9.5, 0, False, 9.5)
        assert http.requests == []

    def test_aksk_client_with_ca_path(self, tmp_path):
        ca_path = tmp_path / 'ca.pem'
        ca_path.write_text('-----BEGIN CERTIFICATE-----\n')
        client = build_client(params(auth_token=None, access_key='ak', secret_key='sk', ca_path=str(ca_path)))
        assert isinstance(client.auth, AkSkAuth)
        assert client.transport.verify == client.transport.ca_bundle() == str(ca_path)

    def test_password_client_without_project_id(self):
        client = build_client(params(auth_token=None, project_id=None, user_name='u', password='p', domain_name='d'))
        assert isinstance(client.auth, PasswordAuth)
        assert (client.iam_endpoint, client.known_project_id, client.auth.project_name) == (IAM, None, 'cn-north-4')

    @pytest.mark.parametrize(
        'overrides, message',
        [
            (dict(retries=-1), 'Invalid options: retries must be between 0 and 10; got -1.'),
            (dict(retries=11), 'Invalid options: retries must be between 0 and 10; got 11.'),
            (dict(timeout=0.0), 'Invalid options: timeout must be a number of seconds greater than 0; got 0.0.'),
            (dict(timeout=-5.0, retries=99), 'timeout must be a number of seconds greater than 0; got -5.0; retries must be between 0 and 10'),
            (dict(project_id='bad/project'), 'Invalid options: project_id must be 1-64 characters'),
            (dict(project_id=None), 'project_id (or HUAWEICLOUD_SDK_PROJECT_ID) is required with auth_token (X-Auth-Token)'),
            (
                dict(project_id=None, auth_token=None, access_key='ak', secret_key='sk'),
                'project_id (or HUAWEICLOUD_SDK_PROJECT_ID) is required with access_key/secret_key',
            ),
            (dict(auth_token=None), 'No credentials: set one of auth_token'),
            (dict(region='EU'), 'region must be a region ID'),
        ],
    )
    def test_invalid_connection_options(self, http, overrides, message):
        with pytest.raises(RomaInputError) as caught:
            build_client(params(**overrides))
        assert message in caught.value.message
        assert http.requests == []

    @pytest.mark.parametrize('retries', [0, 10])
    def test_retry_bounds_are_inclusive(self, retries):
        assert build_client(params(retries=retries)).retries == retries
