# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SDK-HMAC-SHA256 request signing, as Huawei Cloud's API gateway verifies it.

Pure functions with no I/O so that they can be checked against the reference test
vectors byte for byte.  The algorithm follows ``huaweicloudsdkcore.signer.Signer``:
canonical request -> string to sign -> HMAC with the secret key.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

ALGORITHM = 'SDK-HMAC-SHA256'
SDK_DATE_FORMAT = '%Y%m%dT%H%M%SZ'
EMPTY_BODY_SHA256 = hashlib.sha256(b'').hexdigest()


def format_sdk_date(moment: datetime.datetime | None = None) -> str:
    """Return the ``X-Sdk-Date`` value for ``moment`` (UTC now when omitted)."""
    moment = moment or datetime.datetime.now(datetime.timezone.utc)
    return moment.strftime(SDK_DATE_FORMAT)


def _encode(value: str) -> str:
    return quote(value, safe='~')


def canonical_uri(path: str) -> str:
    """Percent-encode every path segment and end with ``/``: the gateway signs the path with a trailing slash."""
    segments = [_encode(unquote(segment)) for segment in path.split('/')]
    uri = '/'.join(segments)
    return uri if uri.endswith('/') else uri + '/'


def _query_value(value: object) -> str:
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def canonical_query_string(query: Mapping[str, Any] | None) -> str:
    """Sort and encode query parameters; a list value yields one ``k=v`` per item.

    The same string is sent on the wire, so what is signed is exactly what the
    gateway receives.
    """
    pairs = []
    for key, value in (query or {}).items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((_encode(str(key)), _encode(_query_value(item))) for item in values)
    return '&'.join('%s=%s' % pair for pair in sorted(pairs))


def payload_sha256(body: bytes | None) -> str:
    """Hex SHA-256 of the exact body bytes (empty body included)."""
    return hashlib.sha256(body or b'').hexdigest()


def signed_header_names(headers: Iterable[str]) -> list[str]:
    """Lower-cased, sorted names of the headers to sign: every header whose name has no ``_``."""
    return sorted(name.lower() for name in headers if '_' not in name)


def canonical_request(method: str, path: str, query: Mapping[str, Any] | None, headers: Mapping[str, object], body: bytes | None) -> tuple[str, list[str]]:
    """Build the canonical request text and return it with the signed-headers list."""
    lowered = {name.lower(): str(value).strip() for name, value in headers.items()}
    names = signed_header_names(headers)
    canonical_headers = ''.join('%s:%s\n' % (name, lowered[name]) for name in names)
    text = '\n'.join(
        (
            method.upper(),
            canonical_uri(path),
            canonical_query_string(query),
            canonical_headers,
            ';'.join(names),
            payload_sha256(body),
        )
    )
    return text, names


def string_to_sign(sdk_date: str, canonical_text: str) -> str:
    """``SDK-HMAC-SHA256\\n<date>\\n<hex sha256 of the canonical request>``."""
    return '%s\n%s\n%s' % (ALGORITHM, sdk_date, hashlib.sha256(canonical_text.encode('utf-8')).hexdigest())


def signature(secret_key: str, text_to_sign: str) -> str:
    """Hex HMAC-SHA256 of the string to sign, keyed with the secret key."""
    return hmac.new(secret_key.encode('utf-8'), text_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def sign_request(
    method: str,
    path: str,
    query: Mapping[str, Any] | None,
    headers: Mapping[str, str],
    body: bytes | None,
    access_key: str,
    secret_key: str,
    sdk_date: str | None = None,
) -> dict[str, str]:
    """Return the headers to add to a request so that the gateway accepts it.

    ``headers`` must already hold every header that should be signed, including
    ``Host``; the returned dict adds ``X-Sdk-Date`` (unless given) and
    ``Authorization``.
    """
    headers = dict(headers)
    if not any(name.lower() == 'x-sdk-date' for name in headers):
        headers['X-Sdk-Date'] = sdk_date or format_sdk_date()
    date = next(value for name, value in headers.items() if name.lower() == 'x-sdk-date')
    text, names = canonical_request(method, path, query, headers, body)
    headers['Authorization'] = '%s Access=%s, SignedHeaders=%s, Signature=%s' % (
        ALGORITHM,
        access_key,
        ';'.join(names),
        signature(secret_key, string_to_sign(date, text)),
    )
    return headers
