# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""RomaModule: the AnsibleModule every hwcloud.roma module is built on.

It adds the shared connection options (documented once in the ``connection`` doc
fragment), builds one :class:`RomaClient` from them, and is the one place that
turns a :class:`RomaError` into ``fail_json``.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.hwcloud.roma.plugins.module_utils.auth import select_auth
from ansible_collections.hwcloud.roma.plugins.module_utils.client import RetryPolicy, RomaClient
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError, RomaInputError
from ansible_collections.hwcloud.roma.plugins.module_utils.rules import PATH_ID_RULE, check_rule

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any, NoReturn

MAX_RETRIES = 10
MAX_TIMEOUT = 86400.0  # a day; far larger values overflow the socket layer
REGION_RE = re.compile(r'^[a-z0-9]+(?:-[a-z0-9]+)*$')
HOST_LABEL = r'[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?'
HOST_NAME_RE = re.compile(r'^%s(?:\.%s)*\.?$' % (HOST_LABEL, HOST_LABEL))
URL_PATH_RE = re.compile(r"^(?:/(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})*)*$")


# Credential options and their environment variables (first set wins).  Their values from the environment are resolved
# here, after AnsibleModule, and not through ``fallback``: the choice of credentials must know which values were set in
# the task (or module_defaults), because those always win over the environment (see auth.select_auth).
CREDENTIAL_ENVIRONMENT = dict(
    auth_token=('HUAWEICLOUD_AUTH_TOKEN',),
    access_key=('HUAWEICLOUD_SDK_AK', 'HW_ACCESS_KEY'),
    secret_key=('HUAWEICLOUD_SDK_SK', 'HW_SECRET_KEY'),
    security_token=('HUAWEICLOUD_SDK_SECURITY_TOKEN',),
    user_name=('HW_USER_NAME',),
    password=('HW_PASSWORD',),
    domain_name=('HW_DOMAIN_NAME',),
)


def connection_argument_spec() -> dict[str, dict[str, Any]]:
    """The options in the ``hwcloud.roma.connection`` doc fragment; the credentials' environment variables are read later."""

    def env(*names: str) -> tuple[Callable[..., Any], list[str]]:
        return (env_fallback, list(names))

    return dict(
        region=dict(type='str', fallback=env('HUAWEICLOUD_REGION', 'HW_REGION_NAME')),
        project_id=dict(type='str', fallback=env('HUAWEICLOUD_SDK_PROJECT_ID', 'HW_PROJECT_ID')),
        endpoint=dict(type='str', fallback=env('HUAWEICLOUD_ROMA_ENDPOINT')),
        iam_endpoint=dict(type='str', fallback=env('HUAWEICLOUD_SDK_IAM_ENDPOINT')),
        auth_token=dict(type='str', no_log=True),
        access_key=dict(type='str', no_log=True),
        secret_key=dict(type='str', no_log=True),
        security_token=dict(type='str', no_log=True),
        user_name=dict(type='str'),
        password=dict(type='str', no_log=True),
        domain_name=dict(type='str'),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='float', default=30.0),
        retries=dict(type='int', default=3),
    )


def credentials_from_environment(params: dict[str, Any], environ: Mapping[str, str] | None = None) -> list[str]:
    """Fill the credential options left unset from their environment variables; return the names filled that way."""
    environ = os.environ if environ is None else environ
    filled = []
    for option, names in CREDENTIAL_ENVIRONMENT.items():
        if params.get(option) is not None:
            continue
        value = next((environ[name] for name in names if environ.get(name)), None)
        if value is not None:
            params[option] = value
            filled.append(option)
    return filled


def _valid_host(netloc: str) -> bool:
    """host[:port] of a base URL: a DNS name, an IPv4 address or a bracketed IPv6 address (no user info)."""
    host, port = netloc, None
    if netloc.startswith('['):
        host, bracket, rest = netloc[1:].partition(']')
        if not bracket or (rest and not rest.startswith(':')):
            return False
        port = rest[1:] if rest else None
        try:
            return ipaddress.ip_address(host).version == 6 and _valid_port(port)
        except ValueError:
            return False
    if ':' in netloc:
        host, port = netloc.rsplit(':', 1)
    return len(host) <= 253 and bool(HOST_NAME_RE.fullmatch(host)) and _valid_port(port)


def _valid_port(port: str | None) -> bool:
    return port is None or port == '' or (port.isdigit() and port.isascii() and 1 <= int(port) <= 65535)


def _check_url(option: str, value: str) -> str:
    """Return the base URL without a trailing slash; RomaInputError unless it is a plain http(s)://host[:port][/path]."""
    rule = '%s must be an http:// or https:// base URL such as https://roma.cn-north-4.myhuaweicloud.com (host and optional port and path, no query)' % option
    if not value.isascii() or re.search(r'[\s\x00-\x1f\x7f?#]', value):
        raise RomaInputError('%s; got %r' % (rule, value))
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. "Invalid IPv6 URL" for an unclosed "["
        raise RomaInputError('%s; got %r' % (rule, value)) from None
    if parts.scheme.lower() not in ('http', 'https') or not value.lower().startswith(parts.scheme.lower() + '://'):
        raise RomaInputError('%s; got %r' % (rule, value))
    if '@' in parts.netloc:
        raise RomaInputError('%s must not contain a user name or password; put credentials in the credential options' % option)
    if not _valid_host(parts.netloc) or not URL_PATH_RE.fullmatch(parts.path):
        port = parts.netloc.rpartition(':')[2] if ':' in parts.netloc.rpartition(']')[2] else None
        if port is not None and not _valid_port(port):
            raise RomaInputError('%s has an invalid port; got %r (a port is 1-65535)' % (option, value))
        raise RomaInputError('%s; got %r' % (rule, value))
    return value.rstrip('/')


def resolve_endpoints(params: Mapping[str, Any], needs_roma: bool = True, needs_iam: bool = False) -> tuple[str | None, str | None]:
    """Return (endpoint, iam_endpoint) from the explicit options or from ``region``."""
    region = params.get('region')
    endpoint = params.get('endpoint')
    iam_endpoint = params.get('iam_endpoint')
    if region is not None and not check_region(region):
        raise RomaInputError('region must be a region ID such as cn-north-4 (lower-case letters, digits and "-"); got %r' % region)
    if endpoint:
        endpoint = _check_url('endpoint', endpoint)
    elif needs_roma:
        if not region:
            raise RomaInputError('Set region (or HUAWEICLOUD_REGION) or endpoint (or HUAWEICLOUD_ROMA_ENDPOINT) to say which ROMA Connect to use.')
        endpoint = 'https://roma.%s.myhuaweicloud.com' % region
    if iam_endpoint:
        iam_endpoint = _check_url('iam_endpoint', iam_endpoint)
    elif needs_iam:
        if not region:
            raise RomaInputError('Password login needs iam_endpoint (or HUAWEICLOUD_SDK_IAM_ENDPOINT) or region.')
        iam_endpoint = 'https://iam.%s.myhuaweicloud.com' % region
    return endpoint, iam_endpoint


def check_region(region: object) -> bool:
    return isinstance(region, str) and bool(REGION_RE.fullmatch(region)) and len(region) <= 64


def build_client(params: Mapping[str, Any], needs_roma: bool = True, from_environment: Iterable[str] = (), pool_size: int | None = None) -> RomaClient:
    """Validate the connection options and build the client; nothing is sent yet.

    ``from_environment`` names the credential options whose value came from an environment variable;
    ``pool_size`` is how many requests the module may have in flight at once (its parallelism).
    """
    problems = [check_rule('project_id', params.get('project_id'), PATH_ID_RULE)]
    timeout = params.get('timeout')
    if timeout is not None and not timeout > 0:
        problems.append('timeout must be a number of seconds greater than 0; got %r' % timeout)
    elif timeout is not None and not (math.isfinite(timeout) and timeout <= MAX_TIMEOUT):
        problems.append('timeout must be a number of seconds of at most %d; got %r' % (MAX_TIMEOUT, timeout))
    if params.get('retries') is not None and not 0 <= params['retries'] <= MAX_RETRIES:
        problems.append('retries must be between 0 and %d; got %r' % (MAX_RETRIES, params['retries']))
    ca_path = params.get('ca_path')
    if ca_path and params.get('validate_certs', True) and not os.path.exists(ca_path):
        problems.append('ca_path must be a CA bundle file (PEM) or a directory of CA certificates; %r does not exist' % ca_path)
    problems = [problem for problem in problems if problem]
    if problems:
        raise RomaInputError('Invalid options: %s.' % '; '.join(problems))
    auth = select_auth(params, from_environment)
    if not auth.logs_in and not params.get('project_id'):
        raise RomaInputError(
            'project_id (or HUAWEICLOUD_SDK_PROJECT_ID) is required with %s; only a password login can find it from the token.' % auth.description
        )
    endpoint, iam_endpoint = resolve_endpoints(params, needs_roma=needs_roma, needs_iam=auth.logs_in)
    return RomaClient(
        endpoint,
        auth,
        project_id=params.get('project_id'),
        iam_endpoint=iam_endpoint,
        timeout=params.get('timeout') or 30.0,
        validate_certs=params.get('validate_certs', True),
        ca_path=params.get('ca_path'),
        retry_policy=RetryPolicy(retries=params.get('retries') if params.get('retries') is not None else 3),
        pool_size=pool_size,
    )


class RomaModule(AnsibleModule):
    """AnsibleModule with the connection options, a lazily built client and RomaError reporting."""

    def __init__(self, argument_spec: dict[str, dict[str, Any]], **kwargs: Any) -> None:
        spec = connection_argument_spec()
        spec.update(argument_spec)
        super().__init__(argument_spec=spec, **kwargs)
        self.credentials_from_environment = credentials_from_environment(self.params)
        for option in self.credentials_from_environment:
            if spec[option].get('no_log'):
                self.no_log_values.add(self.params[option])
        self._client = None

    @property
    def client(self) -> RomaClient:
        """The client, built and authenticated on first use (a password login is the run's one IAM call)."""
        if self._client is None:
            client = build_client(self.params, from_environment=self.credentials_from_environment, pool_size=self.params.get('parallelism'))
            client.authenticate()
            self._client = client
        return self._client

    def fail_from_error(self, error: RomaError) -> NoReturn:
        """Fail the task with the error's one-line message and its structured fields (status, error_code, ...).

        The one way out of every module: a token from a password login is a secret Ansible
        does not know about, so it is masked here like the no_log options.
        """
        token = getattr(getattr(self._client, 'auth', None), 'token', None)
        if isinstance(token, str) and token:
            self.no_log_values.add(token)
        self.fail_json(msg=error.message, **error.details)

    def run(self, action: Callable[[RomaModule], dict[str, Any]]) -> NoReturn:
        """Call ``action(self)`` and exit with its result; any RomaError becomes a clean failure."""
        try:
            result = action(self)
        except RomaError as error:
            self.fail_from_error(error)
        self.exit_json(**result)
