# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Access keys (permanent, or temporary with a security token): every request is signed, nothing logs in.

Loaded by ``auth.select_auth`` only when the keys are the credentials picked.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.auth import SCOPE_REFUSAL_WORDS
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import register_secret
from ansible_collections.hwcloud.roma.plugins.module_utils.http_dates import seconds_from_now
from ansible_collections.hwcloud.roma.plugins.module_utils.signer import sign_request

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.client import RomaClient

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


class AkSkAuth:
    """Permanent or temporary access keys; every request is signed (SDK-HMAC-SHA256)."""

    description = 'access_key/secret_key (SDK-HMAC-SHA256 signature)'
    can_reauthenticate = False
    logs_in = False  # no IAM login: project_id must be given

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
        if error_msg and re.search(SCOPE_REFUSAL_WORDS, error_msg, re.IGNORECASE):
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
