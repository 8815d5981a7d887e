# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""RomaClient: the one HTTP client every module uses.

It owns the ``requests`` session (one keep-alive connection per host for a whole
module run), TLS settings, authentication, the retry policy and the translation
of every HTTP, TLS, timeout and JSON failure into the errors in ``errors.py``.
Modules and the resource layer above it never see ``requests``.
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
import traceback
import warnings
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_CORE_VERSION

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import (
    RomaError,
    RomaRedirectError,
    RomaResponseError,
    RomaTransportError,
    api_error_from_response,
    safe_snippet,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.http_dates import seconds_from_now
from ansible_collections.hwcloud.roma.plugins.module_utils.signer import canonical_query_string
from ansible_collections.hwcloud.roma.plugins.module_utils.version import COLLECTION_VERSION

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from types import ModuleType
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.auth import TokenAuth
    from ansible_collections.hwcloud.roma.plugins.module_utils.auth_aksk import AkSkAuth
    from ansible_collections.hwcloud.roma.plugins.module_utils.auth_password import PasswordAuth

# Optional modules requests imports that this client never uses: a character-set detector, for Response.text and
# Response.apparent_encoding, and simplejson (where installed), for Response.json().  The client reads Response.content
# and decodes JSON itself.
UNUSED_BY_REQUESTS = ('charset_normalizer', 'chardet', 'simplejson')


def _import_requests() -> ModuleType:
    """``import requests`` without UNUSED_BY_REQUESTS: about 7 ms less per module run (docs/performance.md).

    requests handles a missing detector (and a missing simplejson); the modules are kept out only while requests is
    imported, so anything else in the process can still import them.
    """
    kept_out = [name for name in UNUSED_BY_REQUESTS if name not in sys.modules]
    for name in kept_out:
        sys.modules[name] = None  # "import name" raises ImportError
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')  # requests warns that it found no character-set detector
            import requests as module  # pylint: disable=import-outside-toplevel
    except ImportError:
        if not kept_out:
            raise
        # requests is missing, or needs one of them after all: import it as it is (ImportError again if missing)
        for name in [name for name in sys.modules if name == 'requests' or name.startswith('requests.')] + kept_out:
            del sys.modules[name]
        kept_out = []
        import requests as module  # pylint: disable=import-outside-toplevel
    finally:
        for name in kept_out:
            del sys.modules[name]
    return module


try:
    requests = _import_requests()
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the modules' missing_required_lib path
    requests = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

JSON_BODY_CONTENT_TYPE = 'application/json;charset=UTF-8'
JSON_CONTENT_TYPE = 'application/json'
IDEMPOTENT_METHODS = frozenset(('GET', 'HEAD', 'PUT', 'DELETE'))
LIST_PAGE_SIZE = 999  # the largest page the list API returns
# Codes of a 404 from the API gateway itself: no API is published at that path (a wrong endpoint or base path).
NO_SUCH_API_CODES = frozenset(('APIG.0101',))


class RetryPolicy:
    """Exponential backoff with jitter for transient failures, honouring ``Retry-After``.

    ``retries`` counts re-sends, so a request is sent at most ``retries + 1`` times.
    """

    RETRYABLE_STATUSES = frozenset((429, 500, 502, 503, 504))

    def __init__(
        self,
        retries: int = 3,
        base_delay: float = 0.5,
        max_delay: float = 8.0,
        max_retry_after: float = 30.0,
        sleep: Callable[[float], object] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.retries = retries
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after
        self.sleep = sleep
        self.jitter = jitter

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        backoff = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return backoff / 2 + self.jitter() * backoff / 2

    def wait(self, attempt: int, retry_after: float | None = None) -> None:
        self.sleep(self.delay(attempt, retry_after))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if re.match(r'^\d+(\.\d+)?$', value):
        return float(value)
    seconds = seconds_from_now(value, now)
    return None if seconds is None else max(0.0, seconds)


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost exception behind a requests/urllib3 error, for a message without wrapper noise."""
    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = getattr(exc, 'reason', None) or exc.__cause__ or exc.__context__
        if inner is None and exc.args and isinstance(exc.args[0], BaseException):
            inner = exc.args[0]
        if not isinstance(inner, BaseException):
            break
        exc = inner
    return exc


def _describe(exc: BaseException) -> str:
    root = _root_cause(exc)
    text = str(root)
    text = re.sub(r'<[^>]+>:\s*', '', text)  # "<urllib3.connection.HTTPConnection object at 0x..>: "
    errno_match = re.search(r'\[Errno -?\d+\]\s*([^\'")]+)', text)
    if errno_match:
        text = errno_match.group(1).strip()
    text = re.sub(r'\s*\(_ssl\.c:\d+\)', '', text)  # OpenSSL's source location: noise for the user
    return text or root.__class__.__name__


def _port_of(base_url: str) -> str:
    """The port a base URL connects to, said so that a missing port is noticed: "port 8443" or "port 443 (the https default)"."""
    parts = urlsplit(base_url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if port:
        return 'port %d' % port
    return 'port %d (the %s default)' % (443 if parts.scheme == 'https' else 80, parts.scheme)


def tls_advice(description: str, verify: bool | str) -> str:
    """What to do about a TLS failure, from OpenSSL's reason and the verification setting in use."""
    text = description.lower()
    if any(reason in text for reason in ('wrong version number', 'record layer failure', 'unknown protocol', 'packet length too long', 'http request')):
        return (
            'The server does not speak TLS on that port: check whether the endpoint is http:// or https:// and its port '
            '(validate_certs and ca_path cannot help here).'
        )
    if 'hostname mismatch' in text or "doesn't match" in text or 'ip address mismatch' in text:
        return 'The certificate is not issued for that host name: use the host name the certificate names in the endpoint.'
    if 'certificate has expired' in text or 'not yet valid' in text:
        return "The server's certificate is outside its validity period (or this machine's clock is wrong)."
    if isinstance(verify, str) and ('no certificate or crl found' in text or 'pem lib' in text or 'x509' in text):
        return "ca_path %s holds no usable PEM certificate: point it at the CA bundle (PEM) that signed the endpoint's certificate." % verify
    if isinstance(verify, str):
        return (
            "The certificate is not signed by a CA in ca_path %s: set ca_path to the CA bundle that signed the endpoint's "
            'certificate, or validate_certs: false only for testing.' % verify
        )
    return (
        'The certificate is not signed by a CA this machine trusts (validate_certs is true by default). Set ca_path to the CA '
        "bundle that signed the endpoint's certificate, or validate_certs: false only for testing."
    )


class Response:
    """The parts of an HTTP response the client needs, decoupled from ``requests``; ``headers`` ignore case."""

    def __init__(self, status: int, headers: Mapping[str, str], content: bytes) -> None:
        self.status = status
        self.headers = headers
        self.content = content

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


class RomaClient:
    """Authenticated, retrying JSON client for one ROMA Connect endpoint (and its IAM endpoint)."""

    def __init__(
        self,
        endpoint: str | None,
        auth: TokenAuth | AkSkAuth | PasswordAuth,
        project_id: str | None = None,
        iam_endpoint: str | None = None,
        timeout: float = 30.0,
        validate_certs: bool = True,
        ca_path: str | None = None,
        retry_policy: RetryPolicy | None = None,
        session: requests.Session | None = None,
        pool_size: int | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip('/') if endpoint else None
        self.iam_endpoint = iam_endpoint.rstrip('/') if iam_endpoint else None
        self.auth = auth
        self.known_project_id = project_id
        self.timeout = timeout
        self.retry_policy = retry_policy or RetryPolicy()
        self.session = session or requests.Session()
        if pool_size and pool_size > 1:
            # one keep-alive connection per request in flight (a module's parallelism), instead of requests' default of 10
            adapter = requests.adapters.HTTPAdapter(pool_connections=2, pool_maxsize=pool_size)
            self.session.mount('https://', adapter)
            self.session.mount('http://', adapter)
        # Passed with every request too: requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE replace a session's
        # verify setting, which would silently override validate_certs: false and ca_path.
        self.verify = ca_path if (ca_path and validate_certs) else bool(validate_certs)
        self.session.verify = self.verify
        self.session.headers.update(
            {
                'User-Agent': 'hwcloud.roma/%s ansible-core/%s python-requests/%s'
                % (COLLECTION_VERSION, ANSIBLE_CORE_VERSION, getattr(requests, '__version__', 'unknown')),
                'Accept': JSON_CONTENT_TYPE,
            }
        )

    @property
    def retries(self) -> int:
        return self.retry_policy.retries

    @property
    def project_id(self) -> str:
        """The project in every API path: the user's, or the one a password login found (call :meth:`authenticate` first).

        Reading it never logs in: a path builder must not be where authentication happens.
        """
        if not self.known_project_id:
            raise RomaError('No project_id is known yet: set project_id, or log in first (a password login finds it).')
        return self.known_project_id

    def authenticate(self) -> None:
        """Get ready to send requests: log in with a password (one IAM call per run), nothing for a token or keys.

        An explicit step, taken once by the module before it builds any path, so that
        the one IAM call of a run is easy to see and to count.
        """
        self.auth.authenticate(self)

    # -- public calls -------------------------------------------------------------------------------

    def call(
        self, method: str, path: str, query: Mapping[str, Any] | None = None, body: Any = None, idempotent: bool | None = None, expect_body: bool | None = None
    ) -> Any:
        """Send an authenticated ROMA Connect request and return its decoded JSON (None for an empty 2xx).

        GET/PUT/DELETE are retried on transient failures.  POST is sent once unless
        ``idempotent=True`` says repeating it is harmless; callers that create things
        recover from ambiguous failures themselves (see ``FdiTaskApi.create_task``).
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        if expect_body is None:
            expect_body = method != 'DELETE'
        self.auth.authenticate(self)
        credential = self.auth.credential_in_use()
        response, attempts = self._exchange(self.endpoint, method, path, query, body, True, idempotent)
        if response.status == 401 and self.auth.can_reauthenticate:
            # The token expired (or was revoked): log in again (once for all threads that met it), then repeat the request.
            self.auth.reauthenticate(self, credential)
            response, more_attempts = self._exchange(self.endpoint, method, path, query, body, True, idempotent)
            attempts += more_attempts
        where = self._display_path(path)
        if 300 <= response.status < 400:
            raise RomaRedirectError(
                'ROMA Connect redirected %s %s (status %s) to %s: set endpoint to the URL of the API itself.'
                % (method, where, response.status, response.header('Location') or 'an unnamed location'),
                status=response.status,
                method=method,
                path=where,
            )
        if response.status < 400:
            return self._decode(response, method, where, expect_body)
        error = api_error_from_response(response.status, response.headers, response.content, method, where)
        if response.status == 404 and (not error.error_code or error.error_code in NO_SUCH_API_CODES):
            # No service behind this path said anything: the request did not reach the API (a resource the API does not
            # know always comes with the service's own error code).
            error = error.with_hint('No ROMA Connect API answered at this path: check endpoint (scheme, host, port and base path) and region.')
        if response.status in (401, 403):
            hint = self.auth.explain_rejection(response.status, error.error_msg, response.header('Date'))
            if hint:
                error = error.with_hint(hint)
        raise error.with_attempts(attempts)

    def paginate(self, path: str, query: Mapping[str, Any] | None = None, page_size: int = LIST_PAGE_SIZE) -> Iterator[Any]:
        """Yield every entity of a ``{total, size, entities}`` list, page by page (offset/limit)."""
        offset = 0
        previous_page = None
        while True:
            page_query = dict(query or {}, offset=offset, limit=page_size)
            page = self.call('GET', path, page_query)
            entities = page.get('entities') if isinstance(page, dict) else None
            if not isinstance(entities, list):
                raise RomaResponseError(
                    'ROMA Connect returned a list response without "entities" (GET %s): %s' % (self._display_path(path), safe_snippet(json.dumps(page)))
                )
            if entities and entities == previous_page:
                raise RomaResponseError(
                    'ROMA Connect returned the same page of results for offset %d as for the previous offset '
                    '(GET %s): the list API ignored "offset", so paging stopped.' % (offset, self._display_path(path))
                )
            previous_page = entities
            yield from entities
            offset += len(entities)
            total = page.get('total')
            if not entities or (isinstance(total, int) and offset >= total) or (not isinstance(total, int) and len(entities) < page_size):
                return

    def iam_login(self, body: Mapping[str, Any]) -> tuple[Mapping[str, str], Any]:
        """POST the password body to IAM; return (response headers, decoded body).  Retried like a GET: a login creates nothing."""
        if not self.iam_endpoint:
            raise RomaResponseError('Password login needs iam_endpoint or region.')
        path = '/v3/auth/tokens'
        response, attempts = self._exchange(self.iam_endpoint, 'POST', path, {'nocatalog': 'true'}, body, False, True)
        if response.status < 400:
            return response.headers, self._decode(response, 'POST', path, expect_body=True, service='IAM')
        raise api_error_from_response(response.status, response.headers, response.content, 'POST', path, service='IAM').with_attempts(attempts)

    def host_header(self) -> str:
        """The Host value AK/SK signing covers: the endpoint's host[:port] exactly as in the URL."""
        return urlsplit(self.endpoint).netloc

    def base_path(self) -> str:
        return urlsplit(self.endpoint).path.rstrip('/')

    # -- transport ---------------------------------------------------------------------------------

    def _display_path(self, path: str) -> str:
        return self.base_path() + path

    def _exchange(
        self, base_url: str, method: str, path: str, query: Mapping[str, Any] | None, body: Any, sign: bool, idempotent: bool
    ) -> tuple[Response, int]:
        """Send until the answer is not a transient failure, or the retries are used up; return (response, attempts).

        Only repeatable requests are re-sent; a 429 is re-sent whatever the method,
        because the gateway throttled it before anything processed it.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._send(base_url, method, path, query, body, sign)
            except RomaTransportError as error:
                if idempotent and error.retryable and attempt <= self.retries:
                    self.retry_policy.wait(attempt)
                    continue
                raise error.with_attempts(attempt)
            transient = (
                response.status in RetryPolicy.RETRYABLE_STATUSES
                and (idempotent or response.status == 429)
                and not api_error_from_response(response.status, response.headers, response.content).is_permanent
            )
            if transient and attempt <= self.retries:
                self.retry_policy.wait(attempt, parse_retry_after(response.header('Retry-After')))
                continue
            return response, attempt

    def _send(self, base_url: str, method: str, path: str, query: Mapping[str, Any] | None, body: Any, sign: bool) -> Response:
        """One HTTP exchange; transport failures become RomaTransportError, statuses are returned as they are."""
        body_bytes = json.dumps(body, separators=(',', ':')).encode('utf-8') if body is not None else b''
        headers = {'Content-Type': JSON_BODY_CONTENT_TYPE if body is not None else JSON_CONTENT_TYPE}
        full_path = urlsplit(base_url).path.rstrip('/') + path
        if sign:
            headers = self.auth.sign(self, method, full_path, query, headers, body_bytes)
        query_string = canonical_query_string(query)
        url = base_url + path + ('?' + query_string if query_string else '')
        try:
            raw = self.session.request(method, url, data=body_bytes or None, headers=headers, timeout=self.timeout, verify=self.verify, allow_redirects=False)
            return Response(raw.status_code, requests.structures.CaseInsensitiveDict(raw.headers), raw.content)
        except requests.exceptions.SSLError as exc:
            description = _describe(exc)
            advice = tls_advice(description, self.verify)
            raise RomaTransportError(
                'TLS failure talking to %s: %s (%s %s). %s' % (base_url, description, method, full_path, advice), method=method, path=full_path, retryable=False
            )
        except requests.exceptions.ConnectTimeout as exc:
            raise RomaTransportError(
                'Timed out connecting to %s after %ss (%s %s): %s' % (base_url, self.timeout, method, full_path, _describe(exc)), method=method, path=full_path
            )
        except requests.exceptions.Timeout:
            raise RomaTransportError(
                'No response from %s within the timeout of %ss (%s %s)' % (base_url, self.timeout, method, full_path),
                method=method,
                path=full_path,
                may_have_been_processed=True,
            )
        except requests.exceptions.ConnectionError as exc:
            never_connected = 'NewConnectionError' in repr(exc) or 'refused' in str(exc).lower()
            message = 'Connection to %s failed (%s %s): %s' % (base_url, method, full_path, _describe(exc))
            if never_connected:
                option = 'iam_endpoint' if base_url == self.iam_endpoint and base_url != self.endpoint else 'endpoint'
                message = '%s. Nothing answered there: check %s (its host name and port, %s) and that the service is reachable from this machine.' % (
                    message.rstrip('.'),
                    option,
                    _port_of(base_url),
                )
            raise RomaTransportError(message, method=method, path=full_path, may_have_been_processed=not never_connected)
        except requests.exceptions.RequestException as exc:
            raise RomaTransportError(
                'Request to %s failed (%s %s): %s' % (base_url, method, full_path, _describe(exc)), method=method, path=full_path, may_have_been_processed=True
            )
        except (OSError, ValueError) as exc:  # raised before sending, e.g. an unreadable CA bundle from REQUESTS_CA_BUNDLE
            raise RomaTransportError(
                'Cannot send the request to %s (%s %s): %s. Check ca_path and the REQUESTS_CA_BUNDLE and '
                'CURL_CA_BUNDLE environment variables.' % (base_url, method, full_path, _describe(exc)),
                method=method,
                path=full_path,
                retryable=False,
            )

    def _decode(self, response: Response, method: str, display_path: str, expect_body: bool, service: str = 'ROMA Connect') -> Any:
        """Decode a 2xx body.  An empty body is None where the API documents none, an error where it promises JSON."""
        request_id = response.header('X-Request-Id')
        where = '%s %s' % (method, display_path)
        details = dict(status=response.status, request_id=request_id, method=method, path=display_path)
        suffix = ', request id %s' % request_id if request_id else ''
        if response.status == 204 or not response.content.strip():
            if expect_body:
                raise RomaResponseError(
                    '%s answered %s with status %s and an empty body where JSON was expected%s' % (service, where, response.status, suffix), **details
                )
            return None
        try:
            return json.loads(response.content.decode('utf-8'))
        except ValueError:
            raise RomaResponseError(
                '%s answered %s with status %s but the body is not valid JSON (truncated, or not an API '
                'response): %r%s' % (service, where, response.status, safe_snippet(response.content), suffix),
                **details,
            )
