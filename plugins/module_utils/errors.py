# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's error types and the parser for every error body ROMA Connect sends.

Every failure a module reports goes through one of these types, so a module never
formats an API error itself and never lets a traceback reach the user.  Error texts
are built only from what the server sent back plus the method and path: request
headers (tokens, signatures) are never part of a message.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any, ParamSpec, Self, TypeVar

    _D = TypeVar('_D')
    _P = ParamSpec('_P')
    _R = TypeVar('_R')

SNIPPET_LENGTH = 160
ERROR_MSG_LENGTH = 512  # the API documents error_msg as 2-512 characters

# Values that look like credentials, in JSON ("password": "...") or header/query form (X-Auth-Token: ...,
# Signature=...).  A proxy or debugging gateway that echoes the request would otherwise put them in a message.
# Patterns, not compiled ones: re compiles (and caches) them on first use, so only a run that reports an error pays.
_SECRET_NAMES = (
    r'(?:x-auth-token|x-subject-token|x-security-token|security[_-]?token|auth[_-]?token|token|authorization|'
    r'password|passwd|secret[_-]?key|secret|signature|credentials?)'
)
_SECRET_JSON = r'("%s"\s*:\s*")(?:[^"\\]|\\.)*(")' % _SECRET_NAMES
_SECRET_AUTHORIZATION = r'(\bauthorization\b["\']?\s*[:=]\s*["\']?)[^"\'\r\n]+'
# The value ends at white space, a quote, a separator or a closing bracket: "(using password: YES)" keeps its ")".  YES and NO
# after "password:" are MySQL's "was a password used" (Access denied ... (using password: YES)), not a password.
_SECRET_FIELD = r'(\b%s\b["\']?\s*[:=]\s*["\']?)(?!(?:YES|NO)\b)[^\s"\',;&<>)\]}]+' % _SECRET_NAMES
_SECRET_WORDS = ('token', 'authorization', 'passw', 'secret', 'signature', 'credential')  # one is in every name the patterns match
REDACTED = '********'
_KNOWN_SECRETS = set()  # credential values of this run (see register_secret); masked before any text is cut short


def register_secret(value: object) -> None:
    """Remember a credential value (token, secret key, password) so that no error text can show it, whole or in part."""
    if isinstance(value, str) and len(value) >= 4:
        _KNOWN_SECRETS.add(value)


class RomaError(Exception):
    """Base of every error the collection turns into a failed task.

    ``details`` holds the structured fields that are returned beside ``msg``.
    ``may_have_been_processed`` tells a caller that sent a POST whether the server
    may have acted on it although no success reached us.
    """

    may_have_been_processed = False
    attempts = 1

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.summary = message
        self.message = message
        self.details = {key: value for key, value in details.items() if value is not None}

    def __str__(self) -> str:
        return self.message

    def _format(self) -> str:
        """The message for the current fields; subclasses that build their message from fields override it."""
        if self.attempts > 1:
            return '%s (gave up after %d attempts)' % (self.summary, self.attempts)
        return self.summary

    def with_attempts(self, attempts: int) -> Self:
        """Return a copy of this error that says how many times the request was sent in all (said only when more than once).

        A copy, so that an error kept by one caller never changes under it, and one
        implementation for every error type, so that no layer loses the count.
        """
        clone = copy.copy(self)
        clone.details = dict(self.details)
        clone.attempts = attempts
        if attempts > 1:
            clone.details['attempts'] = attempts
        else:
            clone.details.pop('attempts', None)
        clone.message = clone._format()
        clone.args = (clone.message,)
        return clone


class RomaInputError(RomaError):
    """Options that cannot work; raised before any request is sent."""


class RomaApiError(RomaError):
    """ROMA Connect, its API gateway or IAM answered with an HTTP error status."""

    def __init__(
        self,
        status: int,
        error_code: str | None = None,
        error_msg: str | None = None,
        request_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        attempts: int = 1,
        hint: str | None = None,
        service: str = 'ROMA Connect',
    ) -> None:
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.method = method
        self.path = path
        self.attempts = attempts
        self.hint = hint
        self.service = service
        super().__init__(
            self._format(),
            status=status,
            error_code=error_code,
            error_msg=error_msg,
            request_id=request_id,
            method=method,
            path=path,
            attempts=attempts if attempts > 1 else None,
        )

    def _format(self) -> str:
        head = '%s API error %s' % (self.service, self.status)
        if self.error_code:
            head += ' %s' % self.error_code
        if self.error_msg:
            head += ': %s' % self.error_msg
        where = []
        if self.method and self.path:
            where.append('%s %s' % (self.method, self.path))
        if self.request_id:
            where.append('request id %s' % self.request_id)
        if self.attempts > 1:
            where.append('after %d attempts' % self.attempts)
        if where:
            head += ' (%s)' % ', '.join(where)
        if self.hint:
            head += '. %s' % self.hint
        return head

    def with_hint(self, hint: str | None) -> Self:
        """Return a copy of this error that ends with advice for the user."""
        clone = copy.copy(self)
        clone.details = dict(self.details)
        clone.hint = hint
        clone.message = clone._format()
        clone.args = (clone.message,)
        return clone

    @property
    def is_permanent(self) -> bool:
        """A server error whose code states a condition that repeating the request cannot change."""
        return self.error_code in PERMANENT_ERROR_ADVICE

    @property
    def may_have_been_processed(self) -> bool:
        """A 5xx can come after the service did the work (a gateway timing out a slow backend), unless its code says why not."""
        return self.status >= 500 and not self.is_permanent


# Error codes that ROMA Connect sends with a 5xx status although nothing transient happened, with what to do about them.
# Such an answer is never retried (it would only be repeated) and says that nothing was processed.
PERMANENT_ERROR_ADVICE = {
    'ROMA.00110002': 'The ROMA Connect instance does not exist in this project: check instance_id and region (and project_id).',
}


class RomaTransportError(RomaError):
    """No usable HTTP response: connection refused or reset, timeout, TLS failure.

    ``may_have_been_processed`` is False only when the request cannot have
    reached the server (the connection was never made).
    """

    def __init__(self, message: str, method: str | None = None, path: str | None = None, retryable: bool = True, may_have_been_processed: bool = False) -> None:
        self.method = method
        self.path = path
        self.retryable = retryable
        self.may_have_been_processed = may_have_been_processed
        super().__init__(message, method=method, path=path)


class RomaResponseError(RomaError):
    """A success status whose body is not what the API documents (HTML, truncated or empty JSON)."""

    may_have_been_processed = True


class RomaRedirectError(RomaResponseError):
    """A 3xx answer: the endpoint points at something other than the API, which acted on nothing."""

    may_have_been_processed = False


def absent_when(is_absent: Callable[[RomaApiError], bool], result: _D | None = None) -> Callable[[Callable[_P, _R]], Callable[_P, _R | _D | None]]:
    """Decorate an API call that may meet a resource that does not exist: the call then returns ``result``.

    "Not found" is declared once per call, beside the call, with the predicate of its
    resource (its documented not-found forms), as amazon.aws declares its error handlers;
    every other error is raised as it is.
    """

    def decorate(call: Callable[_P, _R]) -> Callable[_P, _R | _D | None]:
        @functools.wraps(call)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R | _D | None:
            try:
                return call(*args, **kwargs)
            except RomaApiError as error:
                if is_absent(error):
                    return result
                raise

        return wrapper

    return decorate


def safe_snippet(body: str | bytes | None, limit: int = SNIPPET_LENGTH) -> str:
    """Return a short single-line excerpt of a response body that is safe to show.

    HTML pages from proxies and gateways are reduced to their text, control
    characters are dropped and the result is cut to ``limit`` characters.
    """
    if body is None:
        return ''
    if isinstance(body, bytes):
        body = body.decode('utf-8', 'replace')
    text = re.sub(r'(?is)<(script|style)\b.*?</\1>', ' ', redact_secrets(body))
    text = re.sub(r'<[^>]*>', ' ', text)
    text = re.sub(r'[\x00-\x1f\x7f]+', ' ', text)
    text = re.sub(r'\s+', ' ', text).strip()
    if len(text) > limit:
        text = text[: limit - 3].rstrip() + '...'
    return text


def redact_secrets(text: str) -> str:
    """Mask the registered credential values in ``text``, and anything labelled as one (token, password, secret key, signature)."""
    for secret in sorted(_KNOWN_SECRETS, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    folded = text.casefold()
    if not any(word in folded for word in _SECRET_WORDS):
        return text  # nothing is labelled as a secret (a "not found" answer, say): the patterns cannot match
    text = re.sub(_SECRET_JSON, r'\1%s\2' % REDACTED, text, flags=re.IGNORECASE)
    text = re.sub(_SECRET_AUTHORIZATION, r'\1%s' % REDACTED, text, flags=re.IGNORECASE)
    return re.sub(_SECRET_FIELD, r'\1%s' % REDACTED, text, flags=re.IGNORECASE)


def one_line(text: str, limit: int = ERROR_MSG_LENGTH) -> str:
    """A server-supplied message as one line of at most ``limit`` characters, credentials masked."""
    text = re.sub(r'\s+', ' ', re.sub(r'[\x00-\x1f\x7f]+', ' ', redact_secrets(text))).strip()
    if len(text) > limit:
        text = text[: limit - 3].rstrip() + '...'
    return text


_CODE_MESSAGE_KEYS = (('error_code', 'error_msg'), ('errorCode', 'errorMsg'), ('code', 'message'))


def _find_code_and_message(document: object) -> tuple[str | None, str | None]:
    """Find an error code/message pair the way the official SDK does: known key pairs first, then nested dicts."""
    if not isinstance(document, dict):
        return None, None
    for code_key, message_key in _CODE_MESSAGE_KEYS:
        if code_key in document or message_key in document:
            code, message = document.get(code_key), document.get(message_key)
            if code is not None or message is not None:
                return (str(code) if code is not None else None), (str(message) if message is not None else None)
    for value in document.values():
        if isinstance(value, dict):
            code, message = _find_code_and_message(value)
            if code is not None or message is not None:
                return code, message
    return None, None


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def api_error_from_response(
    status: int, headers: Mapping[str, str] | None, body: bytes | str | None, method: str | None = None, path: str | None = None, service: str = 'ROMA Connect'
) -> RomaApiError:
    """Build a :class:`RomaApiError` from any error response: FDI, APIG gateway, IAM or a non-JSON page."""
    request_id = _header(headers, 'x-request-id') or _header(headers, 'x-iam-trace-id')
    text = body.decode('utf-8', 'replace') if isinstance(body, bytes) else (body or '')
    error_code = error_msg = None
    try:
        document = json.loads(text) if text.strip() else None
    except ValueError:
        document = None
    if isinstance(document, dict):
        error_code, error_msg = _find_code_and_message(document)
        request_id = request_id or document.get('request_id')
        if error_code is not None and error_code == str(status) and not error_msg:
            error_code = None
        if error_msg is not None:
            error_msg = one_line(error_msg)
        if error_code is not None:
            error_code = one_line(error_code, 64)
    if error_code is None and error_msg is None:
        content_type = _header(headers, 'content-type') or 'no content type'
        snippet = safe_snippet(text)
        if snippet:
            error_msg = 'unexpected %s response: %s' % (content_type.split(';')[0], snippet)
        else:
            error_msg = 'empty response body'
    elif error_code is not None and error_code.isdigit() and document and 'error' in document:
        # Keystone-style IAM bodies carry the HTTP status as "code"; the title says more.
        title = document['error'].get('title') if isinstance(document.get('error'), dict) else None
        error_code = title or None
    return RomaApiError(status, error_code, error_msg, request_id, method, path, hint=PERMANENT_ERROR_ADVICE.get(error_code), service=service)
