# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The three ways to authenticate to ROMA Connect, and the rule that picks one.

Each strategy turns a request's headers into authenticated headers.  Only the
password strategy talks to IAM itself, once per module run (and once more if the
gateway says its token expired), so a play that passes a token through
``module_defaults`` never logs in at all.  The token strategy lives here; the
AK/SK and password strategies (``auth_aksk.py``, ``auth_password.py``) are
imported by :func:`select_auth` only when picked, so a run compiles the one it uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaInputError, register_secret

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.auth_aksk import AkSkAuth
    from ansible_collections.hwcloud.roma.plugins.module_utils.auth_password import PasswordAuth
    from ansible_collections.hwcloud.roma.plugins.module_utils.client import RomaClient

CREDENTIAL_SOURCES = (
    'auth_token (HUAWEICLOUD_AUTH_TOKEN)',
    'access_key and secret_key (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK)',
    'user_name, password and domain_name (HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME)',
)

# Words of a refusal that is about the scope (the project or region), not about the credentials: a pattern for
# re.search(..., re.IGNORECASE), compiled (and cached by re) only when a refusal is explained.
SCOPE_REFUSAL_WORDS = r'project|scope|region'


class TokenAuth:
    """An IAM token the user already has, sent as ``X-Auth-Token``."""

    description = 'auth_token (X-Auth-Token)'
    rejected_hint = (
        'The gateway rejected auth_token: the token is invalid, expired, or was issued for another '
        'region or project. Get a new one (for example with hwcloud.roma.iam_token) and check project_id.'
    )
    can_reauthenticate = False
    logs_in = False  # no IAM login: project_id must be given

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
        from ansible_collections.hwcloud.roma.plugins.module_utils.auth_aksk import AkSkAuth  # only a run that signs

        return AkSkAuth(access_key, secret_key, params.get('security_token'))
    if params.get('security_token') and 'security_token' not in from_environment:
        raise RomaInputError('security_token is only used with access_key and secret_key (temporary AK/SK).')
    password_fields = ('user_name', 'password', 'domain_name')
    given = [name for name in password_fields if params.get(name)]
    if 'password' in kinds and len(given) == len(password_fields):
        if not (params.get('project_id') or params.get('region')):
            raise RomaInputError('Password login needs project_id or region to scope the IAM token.')
        from ansible_collections.hwcloud.roma.plugins.module_utils.auth_password import PasswordAuth  # only a run that logs in

        return PasswordAuth(
            params['user_name'], params['password'], params['domain_name'], project_id=params.get('project_id'), project_name=params.get('region')
        )
    if 'password' in kinds or (given and not kinds):
        missing = ', '.join(name for name in password_fields if name not in given)
        raise RomaInputError('Password login needs user_name, password and domain_name; missing: %s.' % missing)
    if params.get('security_token'):
        raise RomaInputError('security_token is only used with access_key and secret_key (temporary AK/SK).')
    raise RomaInputError('No credentials: set one of %s.' % '; or '.join(CREDENTIAL_SOURCES))
