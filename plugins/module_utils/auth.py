# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The three ways to authenticate to ROMA Connect, and the rule that picks one.

Each strategy turns a request's headers into authenticated headers.  Only the
password strategy talks to IAM itself, once per module run (and once more if the
gateway says its token expired), so a play that passes a token through
``module_defaults`` never logs in at all.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaApiError, RomaInputError, RomaResponseError, register_secret
from ansible_collections.hwcloud.roma.plugins.module_utils.http_dates import seconds_from_now
from ansible_collections.hwcloud.roma.plugins.module_utils.signer import sign_request

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.client import RomaClient
    from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError

CREDENTIAL_SOURCES = (
    'auth_token (HUAWEICLOUD_AUTH_TOKEN)',
    'access_key and secret_key (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK)',
    'user_name, password and domain_name (HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME)',
)

SIGNATURE_WINDOW_SECONDS = 15 * 60  # the gateway rejects an AK/SK signature whose X-Sdk-Date is further off than this
_REQUEST_TIME_WORDS = re.compile(r'x-sdk-date|request time|time ?skew|clock|timestamp|request (?:has )?expired', re.IGNORECASE)


def _duration(seconds: float) -> str:
    minutes = int(round(seconds / 60.0))
    if minutes < 120:
        return '%d minute%s' % (minutes, '' if minutes == 1 else 's')
    return '%.1f hours' % (seconds / 3600.0)


def clock_skew_hint(error_msg: str | None, server_date: str | None = None, now: float | None = None) -> str | None:
    """Explain a rejected AK/SK signature as clock skew, when the gateway's message or its Date header say so; else None."""
    offset = seconds_from_now(server_date, now)  # how far the gateway's clock is ahead of this machine's
    skewed = offset is not None and abs(offset) > SIGNATURE_WINDOW_SECONDS
    if not skewed and not (error_msg and _REQUEST_TIME_WORDS.search(error_msg)):
        return None
    hint = "The gateway rejected the request's time, not necessarily the keys: it accepts an AK/SK signature only within 15 minutes of its own clock"
    if skewed:
        hint += ", and this machine's clock is %s %s the gateway's (its Date header says %s)" % (
            _duration(abs(offset)),
            'behind' if offset > 0 else 'ahead of',
            server_date,
        )
    return hint + (
        ". Synchronise this machine's clock (for example with NTP) and run again; a message about X-Sdk-Date or the "
        "request time means this machine's clock is off by more than 15 minutes."
    )


class TokenAuth:
    """An IAM token the user already has, sent as ``X-Auth-Token``."""

    description = 'auth_token (X-Auth-Token)'
    rejected_hint = (
        'The gateway rejected auth_token: the token is invalid, expired, or was issued for another '
        'region or project. Get a new one (for example with hwcloud.roma.iam_token) and check project_id.'
    )
    can_reauthenticate = False

    def __init__(self, token: str) -> None:
        self.token = token
        register_secret(token)

    def authenticate(self, client: RomaClient) -> None:
        """Nothing to do: the token is ready to use."""

    def credential_in_use(self) -> None:
        """What a 401 would be about: None, since a given token cannot be renewed."""
        return None

    def explain_rejection(self, status: int, error_msg: str | None, server_date: str | None) -> str | None:  # pylint: disable=unused-argument
        """Advice for a 401/403 answer (None: the gateway's message says it all)."""
        return self.rejected_hint if status == 401 else None

    def sign(self, client: RomaClient, method: str, path: str, query: Mapping[str, Any] | None, headers: dict[str, str], body: bytes) -> dict[str, str]:
        headers['X-Auth-Token'] = self.token
        return headers


class AkSkAuth:
    """Permanent or temporary access keys; every request is signed (SDK-HMAC-SHA256)."""

    description = 'access_key/secret_key (SDK-HMAC-SHA256 signature)'
    can_reauthenticate = False

    def __init__(self, access_key: str, secret_key: str, security_token: str | None = None) -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.security_token = security_token
        for secret in (secret_key, security_token):
            register_secret(secret)

    @property
    def rejected_hint(self) -> str:
        hint = 'The gateway rejected the AK/SK signature: check that access_key and secret_key belong together and are enabled'
        if self.security_token:
            hint += ', and that security_token is the current one issued with these temporary keys'
        return hint + ". A message about X-Sdk-Date or the request time means this machine's clock is off by more than 15 minutes."

    def authenticate(self, client: RomaClient) -> None:
        """Nothing to do: keys sign each request."""

    def credential_in_use(self) -> None:
        return None

    def explain_rejection(self, status: int, error_msg: str | None, server_date: str | None) -> str | None:
        """Advice for a 401/403 answer: clock skew, or a project the keys cannot use, when the gateway says so; else the keys."""
        skew = clock_skew_hint(error_msg, server_date if status == 401 else None)
        if skew:
            return skew
        if error_msg and _SCOPE_REFUSAL.search(error_msg):
            return (
                'The gateway accepted the signature but not the project: check project_id (and region), it must be a project of the '
                'account that owns access_key.'
            )
        return self.rejected_hint if status == 401 else None

    def sign(self, client: RomaClient, method: str, path: str, query: Mapping[str, Any] | None, headers: dict[str, str], body: bytes) -> dict[str, str]:
        headers['Host'] = client.host_header()
        if client.known_project_id:
            headers['X-Project-Id'] = client.known_project_id
        if self.security_token:
            headers['X-Security-Token'] = self.security_token
        return sign_request(method, path, query, headers, body, self.access_key, self.secret_key)


class PasswordAuth:
    """IAM password login: one ``POST /v3/auth/tokens`` per module run, scoped to the project."""

    can_reauthenticate = True

    def __init__(self, user_name: str, password: str, domain_name: str, project_id: str | None = None, project_name: str | None = None) -> None:
        self.user_name = user_name
        self.password = password
        self.domain_name = domain_name
        self.project_id = project_id
        self.project_name = project_name
        self.token = None
        self.expires_at = None
        self._login_lock = threading.Lock()  # worker threads that meet an expired token log in once, not once each
        register_secret(password)

    @property
    def description(self) -> str:
        return "password login of user_name '%s' in domain_name '%s'" % (self.user_name, self.domain_name)

    @property
    def rejected_hint(self) -> str:
        return (
            'The gateway rejected the token from the password login of user_name %r even after a fresh login: '
            'check that the user may use ROMA Connect in project %s.' % (self.user_name, self.project_id or self.project_name)
        )

    def explain_rejection(self, status: int, error_msg: str | None, server_date: str | None) -> str | None:  # pylint: disable=unused-argument
        """Advice for a 401/403 answer that a fresh login did not cure."""
        return self.rejected_hint if status == 401 else None

    @property
    def scope_description(self) -> str:
        """The project the token is asked for, as the user set it."""
        if self.project_id:
            return 'project_id %s' % self.project_id
        return 'the project of region %s' % self.project_name

    def request_body(self) -> dict[str, Any]:
        """The IAM password body, scoped by project id when known, else by project (region) name."""
        scope = {'id': self.project_id} if self.project_id else {'name': self.project_name}
        return {
            'auth': {
                'identity': {
                    'methods': ['password'],
                    'password': {'user': {'name': self.user_name, 'password': self.password, 'domain': {'name': self.domain_name}}},
                },
                'scope': {'project': scope},
            }
        }

    def authenticate(self, client: RomaClient) -> None:
        """Log in unless a token from this run is already held."""
        if self.token:
            return
        with self._login_lock:
            if not self.token:  # another thread may have logged in while this one waited
                self._login(client)

    def credential_in_use(self) -> str | None:
        """The token requests are signed with now: a 401 is about this token, and a re-login replaces only this one."""
        return self.token

    def reauthenticate(self, client: RomaClient, rejected_token: str | None) -> None:
        """Log in again after a 401, once for every thread that met the same expired token.

        Under a lock, and only if the token the gateway refused is still the current one:
        a thread that waited for the lock finds the new token and simply uses it.
        """
        with self._login_lock:
            if self.token == rejected_token:
                self._login(client)

    def _login(self, client: RomaClient) -> None:
        headers, document = client.iam_login(self.request_body(), self.description, self.scope_description)
        token = headers.get('X-Subject-Token')  # the client's response headers ignore case, as HTTP does
        details = document.get('token') if isinstance(document, dict) else None
        if not token or not isinstance(details, dict):
            raise RomaResponseError(
                'IAM answered the password login without a token (no X-Subject-Token header or no "token" in the body): check iam_endpoint points at IAM.'
            )
        register_secret(token)
        self.expires_at = details.get('expires_at')
        project = details.get('project') or {}
        if not self.project_id:
            self.project_id = project.get('id')
        if not self.project_id:
            raise RomaResponseError('IAM issued a token that is not scoped to a project: set project_id.')
        client.known_project_id = self.project_id
        self.token = token

    def sign(self, client: RomaClient, method: str, path: str, query: Mapping[str, Any] | None, headers: dict[str, str], body: bytes) -> dict[str, str]:
        headers['X-Auth-Token'] = self.token
        return headers


# The three kinds of credentials in order of precedence, each with the options that start it and its companions.
CREDENTIAL_KINDS = (
    ('token', ('auth_token',), ()),
    ('aksk', ('access_key', 'secret_key'), ('security_token',)),
    ('password', ('user_name', 'password'), ('domain_name',)),
)
CREDENTIAL_OPTIONS = tuple(name for dummy, primary, companions in CREDENTIAL_KINDS for name in primary + companions)


def select_auth(params: Mapping[str, Any], from_environment: Iterable[str] = ()) -> TokenAuth | AkSkAuth | PasswordAuth:
    """Pick the credentials to use.

    Credentials set in the task (or through ``module_defaults``) always win over
    credentials found in environment variables, whatever their kind: a stale token in
    the environment must never override keys written in the playbook.  Among
    credentials of the same origin the order is auth_token, then
    access_key+secret_key, then user_name+password+domain_name.
    ``from_environment`` names the options whose value came from an environment
    variable; a kind set in the task may take a missing companion (a secret key, a
    domain name) from the environment.

    A half-given AK/SK pair is an error even when a password is also given: it
    is almost always a typo in an environment variable, and silently using
    another identity would be worse.
    """
    from_environment = set(from_environment)

    def started(origin_is_task: bool) -> list[str]:
        return [
            kind for kind, primary, dummy in CREDENTIAL_KINDS if any(params.get(name) and (name not in from_environment) is origin_is_task for name in primary)
        ]

    kinds = started(True) or started(False)
    if 'token' in kinds:
        return TokenAuth(params['auth_token'])
    access_key, secret_key = params.get('access_key'), params.get('secret_key')
    if 'aksk' in kinds:
        if not (access_key and secret_key):
            missing = 'secret_key' if access_key else 'access_key'
            raise RomaInputError(
                'access_key and secret_key must be given together; %s is missing (or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK).' % missing
            )
        return AkSkAuth(access_key, secret_key, params.get('security_token'))
    if params.get('security_token') and 'security_token' not in from_environment:
        raise RomaInputError('security_token is only used with access_key and secret_key (temporary AK/SK).')
    password_fields = ('user_name', 'password', 'domain_name')
    given = [name for name in password_fields if params.get(name)]
    if 'password' in kinds and len(given) == len(password_fields):
        if not (params.get('project_id') or params.get('region')):
            raise RomaInputError('Password login needs project_id or region to scope the IAM token.')
        return PasswordAuth(
            params['user_name'], params['password'], params['domain_name'], project_id=params.get('project_id'), project_name=params.get('region')
        )
    if 'password' in kinds or (given and not kinds):
        missing = ', '.join(name for name in password_fields if name not in given)
        raise RomaInputError('Password login needs user_name, password and domain_name; missing: %s.' % missing)
    if params.get('security_token'):
        raise RomaInputError('security_token is only used with access_key and secret_key (temporary AK/SK).')
    raise RomaInputError('No credentials: set one of %s.' % '; or '.join(CREDENTIAL_SOURCES))


# Words of an IAM refusal that is about the scope (the project or region the token is asked for), not about the password.
_SCOPE_REFUSAL = re.compile(r'project|scope|region', re.IGNORECASE)


def iam_error_hint(error: RomaError, description: str, scope: str | None = None) -> str | None:
    """Explain a failed IAM login in terms of the options the user set: the scope (region/project_id) or the identity."""
    if not (isinstance(error, RomaApiError) and error.status in (400, 401, 403)):
        return None
    if error.error_msg and _SCOPE_REFUSAL.search(error.error_msg):
        return (
            'IAM refused to scope the token to %s: that project does not exist or the user of the %s is not a member of it. '
            'Check region (it names the project when project_id is not set) and project_id; a wrong password is reported '
            'differently.' % (scope or 'the project asked for', description)
        )
    return (
        'IAM refused the %s: check user_name, password and domain_name (the account name), and that the '
        'user is not locked or required to use MFA.' % description
    )
