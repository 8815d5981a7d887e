# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""RomaClient: the one HTTP client every module uses.

It owns the connections (one keep-alive connection per host and request in flight for a
whole module run, over the standard library's ``http.client``), TLS settings, proxies from
the environment, authentication, the retry policy and the translation of every HTTP, TLS,
timeout and JSON failure into the errors in ``errors.py``.  Modules and the resource layer
above it never see a socket.  The standard library serves because the client needs little
of an HTTP library (JSON bodies, no redirects, no cookies), and importing one costs every
module run more than it sends (docs/performance.md).
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import random
import re
import select
import socket
import ssl
import sys
import threading
import time
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

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
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.auth import TokenAuth
    from ansible_collections.hwcloud.roma.plugins.module_utils.auth_aksk import AkSkAuth
    from ansible_collections.hwcloud.roma.plugins.module_utils.auth_password import PasswordAuth

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


def _describe(exc: BaseException) -> str:
    """The standard library's reason, without what only its authors need: "[Errno 111] " and OpenSSL's source location."""
    text = str(exc)
    errno_match = re.search(r'\[Errno -?\d+\]\s*([^\'")]+)', text)
    if errno_match:
        text = errno_match.group(1).strip()
    text = re.sub(r'\s*\(_ssl\.c:\d+\)', '', text)  # OpenSSL's source location: noise for the user
    return text or exc.__class__.__name__


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


class Headers(dict):
    """Response headers whose names ignore case, as HTTP's do (a repeated header's values joined by ", ")."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__()
        for name, value in pairs:
            key = name.lower()
            self[key] = '%s, %s' % (self[key], value) if key in self else value

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __setitem__(self, name: str, value: str) -> None:
        super().__setitem__(name.lower(), value)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())

    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name.lower(), default)


class Response:
    """The parts of an HTTP response the client needs; ``headers`` ignore case."""

    def __init__(self, status: int, headers: Mapping[str, str], content: bytes) -> None:
        self.status = status
        self.headers = headers if isinstance(headers, Headers) else Headers(headers.items())
        self.content = content

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


class TransportFailure(Exception):
    """An exchange that produced no HTTP response, and how far it got: ``stage`` is one of

    * ``'ca_bundle'``: the CA bundle to verify certificates with cannot be read (nothing was sent);
    * ``'request'``: the request cannot be written as HTTP (a header value with a control character, or a proxy
      setting that is no URL): nothing was sent, and sending again cannot help;
    * ``'tls'``: the TLS set-up or handshake failed (a certificate, a CA bundle, a port that speaks no TLS);
    * ``'connect'``: no connection was made (refused, unknown host, unreachable, a proxy that refused the tunnel);
    * ``'exchange'``: connected, then the request or its answer was cut off or timed out, so the server may have
      processed it.

    ``cause`` is the standard library's exception (for ``'request'`` one written here, since the library's would
    quote the offending value, a credential perhaps); ``proxy`` is the proxy's ``host:port`` when the connection
    went through one.  :class:`RomaClient` turns them into a RomaTransportError.
    """

    def __init__(self, stage: str, cause: BaseException, proxy: str | None = None) -> None:
        super().__init__('%s: %s' % (stage, cause))
        self.stage = stage
        self.cause = cause
        self.proxy = proxy

    @property
    def timed_out(self) -> bool:
        return isinstance(self.cause, (socket.timeout, TimeoutError))


def _proxy_for(scheme: str, host: str, port: int) -> str | None:
    """The proxy URL the environment names for ``scheme`` and ``host`` (http_proxy, https_proxy, all_proxy), unless no_proxy lists the host."""
    if not {name.lower() for name in os.environ} & {'http_proxy', 'https_proxy', 'all_proxy'}:
        return None
    import urllib.request  # pylint: disable=import-outside-toplevel  # only a run behind a proxy reads its settings

    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(scheme) or proxies.get('all')
    if not proxy or _bypasses_proxy(host, port, proxies.get('no', '')):
        return None
    return proxy if '://' in proxy else 'http://' + proxy


def _bypasses_proxy(host: str, port: int, no_proxy: str) -> bool:
    """Whether no_proxy lists the host, as requests reads it: ``*``, a host or domain (``.example.com`` or
    ``example.com`` also covers its subdomains), ``host:port``, an IP address or an address range (``10.0.0.0/8``)."""
    import ipaddress  # pylint: disable=import-outside-toplevel  # only a run behind a proxy

    host = host.lower().strip('[]')
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for entry in (part.strip().lower() for part in no_proxy.split(',')):
        if not entry:
            continue
        if entry == '*':
            return True
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry.strip('[]'), strict=False):
                    return True
            except ValueError:
                pass
        name, dummy, entry_port = entry.rpartition(':') if entry.count(':') == 1 else (entry, '', '')
        if entry_port and entry_port != str(port):
            continue
        name = name.lstrip('.')
        if host == name or host.endswith('.' + name):
            return True
    return False


def _is_dropped(connection: http.client.HTTPConnection) -> bool:
    """Whether an idle keep-alive connection was closed by the server: an idle connection has nothing to read."""
    if connection.sock is None:
        return True
    try:
        readable, dummy_writable, dummy_errored = select.select([connection.sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class HttpTransport:
    """Keep-alive HTTP(S) connections for one module run, over ``http.client``: the one place that touches a socket.

    A connection is kept per (scheme, host, port) and reused by the next request, so a
    module run talks over one connection (one TLS handshake); requests in flight at once
    (a module's parallelism) each take a connection of their own, and up to ``pool_size``
    of them stay open.  :meth:`request` returns a :class:`Response` for every HTTP answer
    (redirects are not followed) and raises :class:`TransportFailure` when there is none.
    """

    def __init__(self, timeout: float = 30.0, verify: bool | str = True, pool_size: int | None = None) -> None:
        self.timeout = timeout
        self.verify = verify
        self.pool_size = max(1, pool_size or 1)
        self.headers = {
            'User-Agent': 'hwcloud.roma/%s ansible-core/%s python/%d.%d' % (COLLECTION_VERSION, ANSIBLE_CORE_VERSION, sys.version_info[0], sys.version_info[1]),
            'Accept': JSON_CONTENT_TYPE,
        }
        self._idle: dict[tuple[str, str, str | None], list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._tls_context: ssl.SSLContext | None = None

    def ca_bundle(self) -> str | None:
        """The CA bundle (file or directory) certificates are checked against; None for the system's trust store.

        ``ca_path`` when set; else REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE, which earlier versions
        (built on requests) honoured, so an environment set up for them keeps working; else the
        system's (OpenSSL's default paths, which SSL_CERT_FILE and SSL_CERT_DIR move).
        """
        if isinstance(self.verify, str):
            return self.verify
        if self.verify:
            return os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or None
        return None

    def tls_context(self) -> ssl.SSLContext:
        """Made once per run, on the first HTTPS connection: loading a CA bundle takes milliseconds."""
        if self._tls_context is None:
            if not self.verify:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            else:
                bundle = self.ca_bundle()
                if bundle and os.path.isdir(bundle):
                    context = ssl.create_default_context(capath=bundle)
                else:
                    context = ssl.create_default_context(cafile=bundle)
            self._tls_context = context
        return self._tls_context

    def request(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str]) -> Response:
        """Send one request and read its whole answer."""
        parts = urlsplit(url)
        try:
            port = parts.port or (443 if parts.scheme == 'https' else 80)
        except ValueError as exc:
            raise TransportFailure('connect', exc) from None
        proxy = _proxy_for(parts.scheme, parts.hostname or '', port)
        via = _proxy_address(proxy) if proxy else None
        key = (parts.scheme, parts.netloc, proxy)
        wire_headers = dict(self.headers)
        wire_headers.update(headers)
        if via and parts.scheme == 'http':
            wire_headers.update(_proxy_authorization(proxy))
        if any(_not_a_header_value(value) for value in wire_headers.values()):
            raise TransportFailure('request', ValueError('a header value holds a line break or another control character'))
        connection = self._take(key, parts, proxy, via)
        target = url if (via and parts.scheme == 'http') else (parts.path or '/') + ('?' + parts.query if parts.query else '')
        try:
            try:
                connection.request(method, target, body=body, headers=wire_headers)
            except (BrokenPipeError, ConnectionResetError) as send_error:
                # A server may answer before it has read the whole body (413, or 400 with Connection: close) and close:
                # that answer is the outcome, and the request was refused, not lost.
                try:
                    answer = connection.getresponse()
                except (OSError, http.client.HTTPException):
                    raise send_error from None
            else:
                answer = connection.getresponse()
            content = answer.read()
        except UnicodeEncodeError:
            connection.close()
            raise TransportFailure('request', ValueError('a header value holds a character HTTP headers cannot carry (outside Latin-1)')) from None
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            raise TransportFailure('exchange', exc, via) from None
        response = Response(answer.status, Headers(answer.getheaders()), content)
        if answer.will_close:
            connection.close()
        else:
            self._give_back(key, connection)
        return response

    def _take(self, key: tuple[str, str, str | None], parts: Any, proxy: str | None, via: str | None) -> http.client.HTTPConnection:
        with self._lock:
            idle = self._idle.get(key) or []
            while idle:
                connection = idle.pop()
                if not _is_dropped(connection):
                    return connection
                connection.close()
        return self._connect(parts, proxy, via)

    def _give_back(self, key: tuple[str, str, str | None], connection: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < self.pool_size:
                idle.append(connection)
                return
        connection.close()

    def _connect(self, parts: Any, proxy: str | None, via: str | None) -> http.client.HTTPConnection:
        """A new connection, connected now, so that a failure to connect is told apart from a failure after sending."""
        port = parts.port
        host = parts.hostname or ''
        if via is not None and ':' in host and parts.scheme == 'https' and sys.version_info < (3, 13):
            # http.client before Python 3.13 writes "CONNECT ::1:443", which no proxy understands
            raise TransportFailure(
                'request', ValueError('an IPv6 address endpoint cannot be reached through a proxy with Python before 3.13: list it in no_proxy'), via
            )
        address = _split_address(via) if via is not None else (host, port)
        context = None
        if parts.scheme == 'https':
            try:
                context = self.tls_context()
            except ssl.SSLError as exc:  # a CA bundle that holds no certificate
                raise TransportFailure('tls', exc) from None
            except (OSError, ValueError) as exc:  # a CA bundle that cannot be read
                raise TransportFailure('ca_bundle', exc) from None
        try:
            if context is not None:
                connection = http.client.HTTPSConnection(address[0], address[1], timeout=self.timeout, context=context)
                if via is not None:
                    connection.set_tunnel(host, port or 443, headers=_proxy_authorization(proxy))
            else:
                connection = http.client.HTTPConnection(address[0], address[1], timeout=self.timeout)
            connection.connect()
        except (ssl.SSLError, ssl.CertificateError) as exc:
            raise TransportFailure('tls', exc, via) from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise TransportFailure('connect', exc, via) from None
        return connection


def _not_a_header_value(value: str) -> bool:
    """A line break or another control character would end the header (http.client refuses it, quoting the value)."""
    return not value.isprintable()


def _proxy_authority(proxy: str) -> tuple[str, str]:
    """(user:password, host:port) of an ``http://`` proxy URL, else ('', '').  Split by hand, at the last "@" before the
    path: urlsplit would split a password at its "?" or "#", and send the proxy only part of it."""
    scheme, dummy, rest = proxy.partition('://')
    if scheme.lower() != 'http':
        return '', ''
    userinfo, dummy, netloc = rest.split('/', 1)[0].rpartition('@')
    return userinfo, netloc


def _proxy_address(proxy: str) -> str:
    """The proxy's ``host:port`` from its URL; a URL that is not ``http://host[:port]`` fails without quoting it (it may hold a password)."""
    netloc = _proxy_authority(proxy)[1]
    try:
        parts = urlsplit('http://' + netloc)
        port = parts.port or 80
    except ValueError:
        parts, port = None, None
    if not netloc or parts is None or not parts.hostname:
        raise TransportFailure(
            'request',
            ValueError(
                'the proxy that http_proxy, https_proxy or all_proxy names is not an http:// URL with a host (and port): only http:// '
                'proxies are supported, and a password with "/", "?", "#" or "@" must be percent-encoded'
            ),
        )
    return '%s:%d' % (parts.hostname if ':' not in parts.hostname else '[%s]' % parts.hostname, port)


def _split_address(address: str) -> tuple[str, int]:
    host, dummy, port = address.rpartition(':')
    return host.strip('[]'), int(port)


def _proxy_authorization(proxy: str) -> dict[str, str]:
    """The Proxy-Authorization header for a proxy URL with user:password (percent-decoded), else none."""
    userinfo = _proxy_authority(proxy)[0]
    if not userinfo:
        return {}
    user, dummy, password = userinfo.partition(':')
    credentials = '%s:%s' % (unquote(user), unquote(password))
    return {'Proxy-Authorization': 'Basic ' + base64.b64encode(credentials.encode('utf-8')).decode('ascii')}


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
        transport: HttpTransport | None = None,
        pool_size: int | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip('/') if endpoint else None
        self.iam_endpoint = iam_endpoint.rstrip('/') if iam_endpoint else None
        self.auth = auth
        self.known_project_id = project_id
        self.timeout = timeout
        self.retry_policy = retry_policy or RetryPolicy()
        self.verify = ca_path if (ca_path and validate_certs) else bool(validate_certs)
        # one keep-alive connection per request in flight (pool_size: a module's parallelism)
        self.transport = transport or HttpTransport(timeout=timeout, verify=self.verify, pool_size=pool_size)

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
            return self.transport.request(method, url, body_bytes or None, headers)
        except TransportFailure as failure:
            raise self._transport_error(failure, base_url, method, full_path) from None

    def _transport_error(self, failure: TransportFailure, base_url: str, method: str, full_path: str) -> RomaTransportError:
        """What went wrong, in terms of the options that decide it, and whether the request may have been processed."""
        description = _describe(failure.cause)
        if failure.stage == 'ca_bundle':
            return RomaTransportError(
                'Cannot send the request to %s (%s %s): %s. Check ca_path and the REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE environment variables.'
                % (base_url, method, full_path, description),
                method=method,
                path=full_path,
                retryable=False,
            )
        if failure.stage == 'request':
            return RomaTransportError(
                'Cannot send the request to %s (%s %s): %s.' % (base_url, method, full_path, description.rstrip('.')),
                method=method,
                path=full_path,
                retryable=False,
            )
        if failure.stage == 'tls':
            advice = tls_advice(description, self.verify)
            return RomaTransportError(
                'TLS failure talking to %s: %s (%s %s). %s' % (base_url, description, method, full_path, advice), method=method, path=full_path, retryable=False
            )
        through = ' through the proxy %s' % failure.proxy if failure.proxy else ''
        if failure.stage == 'connect' and failure.timed_out:
            return RomaTransportError(
                'Timed out connecting to %s%s after %ss (%s %s): %s' % (base_url, through, self.timeout, method, full_path, description),
                method=method,
                path=full_path,
            )
        if failure.stage == 'connect' and failure.proxy:
            return RomaTransportError(
                'Connection to %s%s failed (%s %s): %s. Check the proxy the http_proxy, https_proxy or all_proxy environment variable '
                'names (or list the host in no_proxy) and that it can reach the service.' % (base_url, through, method, full_path, description.rstrip('.')),
                method=method,
                path=full_path,
            )
        if failure.stage == 'connect':
            option = 'iam_endpoint' if base_url == self.iam_endpoint and base_url != self.endpoint else 'endpoint'
            return RomaTransportError(
                'Connection to %s failed (%s %s): %s. Nothing answered there: check %s (its host name and port, %s) and that the service is '
                'reachable from this machine.' % (base_url, method, full_path, description.rstrip('.'), option, _port_of(base_url)),
                method=method,
                path=full_path,
            )
        if failure.timed_out:
            return RomaTransportError(
                'No response from %s within the timeout of %ss (%s %s)' % (base_url, self.timeout, method, full_path),
                method=method,
                path=full_path,
                may_have_been_processed=True,
            )
        return RomaTransportError(
            'Connection to %s%s failed (%s %s): %s' % (base_url, through, method, full_path, description),
            method=method,
            path=full_path,
            may_have_been_processed=True,
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
