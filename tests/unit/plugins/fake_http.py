# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A scripted stand-in for the network, used by every unit test.

``FakeHttp`` replaces ``HttpTransport.request`` (the one call through which the
collection talks HTTP) and is given the exact, ordered list of requests a test
expects, each with the response (or exception) to produce.  A request that is not
the next expected one, an extra request, or an expected request that never came
fails the test, in the spirit of community.hrobot's ``FetchUrlCall`` lists.

The module is also an independent check of what goes on the wire: it verifies
SDK-HMAC-SHA256 signatures with its own implementation, written from the
reference (not by calling the collection's signer).
"""

from __future__ import annotations

import hashlib
import hmac
import json as jsonlib
import re
import socket
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from ansible_collections.hwcloud.roma.plugins.module_utils.client import Headers, Response, TransportFailure
from ansible_collections.hwcloud.roma.tests.unit.plugins import api_contract

NO_BODY = object()  # the request must have no body
ANY = object()  # do not check this part of the request


class Call:
    """One expected request and what the fake server does with it.

    ``url`` is the full URL without the query.  ``query`` is compared as a dict of
    single values (every value as sent on the wire, so ``limit=999`` and
    ``limit='999'`` both match), ``json`` with the decoded body, ``headers`` as a
    subset (a ``None`` value means "must not be sent").  ``check`` is called with
    the received :class:`Request` for anything more specific.
    """

    def __init__(self, method, url, query=None, json=NO_BODY, headers=None, check=None):
        self.method = method
        self.url = url
        self.query = query
        self.json = json
        self.headers = headers or {}
        self.check = check
        self.status = 200
        self.response_headers = {}
        self.content = b''
        self.exception = None

    def reply(self, status=200, json=NO_BODY, body=None, headers=None):
        """Answer with ``status`` and either a JSON document or raw ``body`` bytes."""
        self.status = status
        self.response_headers = dict(headers or {})
        if json is not NO_BODY:
            self.content = jsonlib.dumps(json).encode('utf-8')
            self.response_headers.setdefault('Content-Type', 'application/json;charset=UTF-8')
        else:
            self.content = body or b''
        return self

    def fail(self, exception):
        """Raise ``exception`` (a TransportFailure: see ``refused()`` and its kin below) from the transport instead of answering."""
        self.exception = exception
        return self

    @property
    def is_read(self):
        return self.method == 'GET'

    def describe(self):
        query = '' if self.query is None else '?' + '&'.join('%s=%s' % item for item in sorted(_stringify(self.query).items()))
        return '%s %s%s' % (self.method, self.url, query)


class Request:
    """What the code under test sent: method, URL parts, wire headers (transport + request), body, TLS verification."""

    def __init__(self, transport, method, url, body=None, headers=None):
        self.method = method
        self.url = url
        parts = urlsplit(url)
        self.base_url = '%s://%s%s' % (parts.scheme, parts.netloc, parts.path)
        self.path = parts.path
        self.raw_query = parts.query
        self.query_pairs = parse_qsl(parts.query, keep_blank_values=True)
        self.query = dict(self.query_pairs)
        self.headers = Headers()
        for name, value in list(transport.headers.items()) + list((headers or {}).items()):
            self.headers[name] = value
        self.body = body or b''
        self.timeout = transport.timeout
        # the TLS verification the transport would really use: False, a CA bundle (ca_path or the environment's), or True (the system's)
        self.verify = transport.verify and (transport.ca_bundle() or True)

    @property
    def json(self):
        return jsonlib.loads(self.body.decode('utf-8')) if self.body else NO_BODY

    def describe(self):
        return '%s %s' % (self.method, self.url)


def _stringify(query):
    def text(value):
        if isinstance(value, bool):
            return 'true' if value else 'false'
        return str(value)

    return dict((key, text(value)) for key, value in query.items())


class FakeHttp:
    """Replays the expected calls in order; see the module docstring."""

    def __init__(self):
        self.expected = []
        self.requests = []
        self.problems = []

    def expect(self, *calls):
        """Append calls (``Call`` objects, or lists of them) to the script."""
        for call in calls:
            if isinstance(call, (list, tuple)):
                self.expect(*call)
            else:
                self.expected.append(call)
        return self

    def __call__(self, transport, method, url, body=None, headers=None):
        request = Request(transport, method, url, body, headers)
        self.requests.append(request)
        index = len(self.requests)
        if not self.expected:
            self._fail('request #%d was not expected: %s' % (index, request.describe()))
        call = self.expected.pop(0)
        mismatches = self._mismatches(call, request)
        if mismatches:
            self._fail(
                'request #%d does not match the script.\n  expected: %s\n  received: %s\n  %s'
                % (index, call.describe(), request.describe(), '\n  '.join(mismatches))
            )
        violations = api_contract.check_request(request.method, request.path, request.body)
        if violations:
            self._fail('request #%d breaks the API contract (api_contract.py): %s\n  %s' % (index, request.describe(), '\n  '.join(violations)))
        if call.exception is not None:
            raise call.exception
        return Response(call.status, Headers(call.response_headers.items()), call.content)

    def _fail(self, message):
        self.problems.append(message)
        raise AssertionError(message)

    @staticmethod
    def _mismatches(call, request):
        found = []
        if request.method != call.method:
            found.append('method %s != %s' % (request.method, call.method))
        if request.base_url != call.url:
            found.append('url %s != %s' % (request.base_url, call.url))
        if call.query is not ANY:
            wanted = _stringify(call.query or {})
            if request.query != wanted or len(request.query_pairs) != len(wanted):
                found.append('query %r != %r' % (request.query_pairs, sorted(wanted.items())))
        if call.json is NO_BODY:
            if request.body:
                found.append('unexpected body %r' % request.body)
        elif call.json is not ANY and request.json != call.json:
            found.append('body %s != %s' % (request.body.decode('utf-8', 'replace'), jsonlib.dumps(call.json)))
        for name, value in call.headers.items():
            if request.headers.get(name) != value:
                found.append('header %s: %r != %r' % (name, request.headers.get(name), value))
        if call.check is not None and not found:
            try:
                call.check(request)
            except AssertionError as error:
                found.append('check failed: %s' % error)
        return found

    def verify_done(self):
        """Fail when an expected request was never sent (or a mismatch was swallowed by the code under test)."""
        assert not self.problems, '\n'.join(self.problems)
        assert not self.expected, 'expected requests that were never sent:\n  ' + '\n  '.join(call.describe() for call in self.expected)

    @property
    def methods(self):
        return [request.method for request in self.requests]


# -- what the transport raises when there is no answer (client.TransportFailure), for Call.fail -------------


def refused():
    """Nothing listens there: the connection was never made."""
    return TransportFailure('connect', ConnectionRefusedError(111, 'Connection refused'))


def connect_timeout():
    return TransportFailure('connect', socket.timeout('timed out'))


def read_timeout():
    """Sent, then no answer in time: the server may have processed the request."""
    return TransportFailure('exchange', socket.timeout('The read operation timed out'))


def reset():
    """Sent, then the connection was cut: the server may have processed the request."""
    return TransportFailure('exchange', ConnectionResetError(104, 'Connection reset by peer'))


def tls_failure(cause):
    return TransportFailure('tls', cause)


# -- an independent SDK-HMAC-SHA256 verifier, as the API gateway would run it ---------------------

AUTHORIZATION = re.compile(r'^SDK-HMAC-SHA256 Access=(?P<access>[^,\s]+), SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<signature>[0-9a-f]{64})$')


def _rfc3986(text):
    return quote(text, safe='~')


def gateway_canonical_request(method, path, query_pairs, headers, signed_names, body):
    uri = '/'.join(_rfc3986(unquote(segment)) for segment in path.split('/'))
    if not uri.endswith('/'):
        uri += '/'
    query = '&'.join('%s=%s' % pair for pair in sorted((_rfc3986(key), _rfc3986(value)) for key, value in query_pairs))
    lowered = dict((name.lower(), str(value).strip()) for name, value in headers.items())
    canonical_headers = ''.join('%s:%s\n' % (name, lowered[name]) for name in signed_names)
    return '%s\n%s\n%s\n%s\n%s\n%s' % (method, uri, query, canonical_headers, ';'.join(signed_names), hashlib.sha256(body).hexdigest())


def gateway_signature(secret_key, sdk_date, canonical):
    to_sign = 'SDK-HMAC-SHA256\n%s\n%s' % (sdk_date, hashlib.sha256(canonical.encode('utf-8')).hexdigest())
    return hmac.new(secret_key.encode('utf-8'), to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def verify_signature(request, access_key, secret_key):
    """Assert that ``request`` carries a valid signature by ``access_key``; return the signed header names."""
    match = AUTHORIZATION.match(request.headers.get('Authorization') or '')
    assert match, 'bad Authorization header %r' % request.headers.get('Authorization')
    assert match.group('access') == access_key, 'signed with access key %s' % match.group('access')
    assert request.headers.get('Host') == urlsplit(request.url).netloc, 'Host %r does not name the URL host' % request.headers.get('Host')
    signed = match.group('signed').split(';')
    assert signed == sorted(signed), 'SignedHeaders not sorted: %s' % signed
    missing = [name for name in signed if name not in request.headers]
    assert not missing, 'signed headers not sent: %s' % missing
    canonical = gateway_canonical_request(request.method, request.path, request.query_pairs, request.headers, signed, request.body)
    expected = gateway_signature(secret_key, request.headers['X-Sdk-Date'], canonical)
    assert match.group('signature') == expected, 'signature %s, the gateway computes %s' % (match.group('signature'), expected)
    return signed
