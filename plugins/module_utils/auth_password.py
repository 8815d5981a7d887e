# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM password login: one ``POST /v3/auth/tokens`` per module run, and what to say when IAM refuses it.

Loaded by ``auth.select_auth`` only when a password is the credential picked.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.auth import SCOPE_REFUSAL_WORDS
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaApiError, RomaResponseError, register_secret

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.client import RomaClient
    from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError


class PasswordAuth:
    """IAM password login: one ``POST /v3/auth/tokens`` per module run, scoped to the project."""

    can_reauthenticate = True
    logs_in = True  # the login finds project_id when it is not given

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
        try:
            headers, document = client.iam_login(self.request_body())
        except RomaApiError as error:
            hint = iam_error_hint(error, self.description, self.scope_description)
            if hint:
                raise error.with_hint(hint) from None
            raise
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


def iam_error_hint(error: RomaError, description: str, scope: str | None = None) -> str | None:
    """Explain a failed IAM login in terms of the options the user set: the scope (region/project_id) or the identity."""
    if not (isinstance(error, RomaApiError) and error.status in (400, 401, 403)):
        return None
    if error.error_msg and re.search(SCOPE_REFUSAL_WORDS, error.error_msg, re.IGNORECASE):
        return (
            'IAM refused to scope the token to %s: that project does not exist or the user of the %s is not a member of it. '
            'Check region (it names the project when project_id is not set) and project_id; a wrong password is reported '
            'differently.' % (scope or 'the project asked for', description)
        )
    return (
        'IAM refused the %s: check user_name, password and domain_name (the account name), and that the '
        'user is not locked or required to use MFA.' % description
    )
