# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""HttpTransport over real sockets: keep-alive, a connection the server closed, failures by stage, TLS, proxies.

The other unit tests replace ``HttpTransport.request`` with a scripted network; these run the real one against
small local servers, and the integration targets run it against the simulator (roma_tls, roma_reliability).
"""

from __future__ import annotations

import base64
import http.server
import os
import select
import socket
import socketserver
import ssl
import sys
import threading

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.client import HttpTransport, TransportFailure, _bypasses_proxy

REAL_REQUEST = HttpTransport.request  # the no_network fixture replaces it; these tests talk to local servers


@pytest.fixture(autouse=True)
def real_network(monkeypatch, no_network):  # pylint: disable=unused-argument
    monkeypatch.setattr(HttpTransport, 'request', REAL_REQUEST)


SIMULATOR_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, os.pardir, 'simulator'))


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers every request with a small JSON body; the test server decides the details."""

    protocol_version = 'HTTP/1.1'  # keep-alive unless told otherwise

    def setup(self):
        super().setup()
        self.server.connections += 1

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def _answer(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        self.server.seen.append((self.command, self.path, dict(self.headers), body))
        behaviour = self.server.behaviour
        if behaviour == 'silent':
            self.server.release.wait(5)
            return
        status, content = (302, b'') if behaviour == 'redirect' else (200, b'{"ok": true}')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('X-Request-Id', 'r1')
        self.send_header('Set-Cookie', 'a=1')
        self.send_header('Set-Cookie', 'b=2')
        if behaviour == 'redirect':
            self.send_header('Location', 'https://console.example/login')
        if behaviour == 'close':
            self.send_header('Connection', 'close')
            self.close_connection = True
        self.send_header('Content-Length', str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_DELETE = _answer


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, behaviour='ok', context=None):
        super().__init__(('127.0.0.1', 0), Handler)
        self.behaviour = behaviour
        self.context = context
        self.connections = 0
        self.seen = []
        self.release = threading.Event()
        threading.Thread(target=self.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True).start()

    def get_request(self):
        connection, address = super().get_request()
        if self.context is not None:
            connection = self.context.wrap_socket(connection, server_side=True)
        return connection, address

    def handle_error(self, request, client_address):
        pass  # a client that gave up on TLS, or a connection the test cut

    @property
    def url(self):
        return '%s://127.0.0.1:%d' % ('https' if self.context else 'http', self.server_address[1])

    def stop(self):
        self.release.set()
        self.shutdown()
        self.server_close()


def kept_connections(transport):
    """The idle connections the transport keeps for the next request (all to one server in these tests)."""
    return [connection for idle in transport._idle.values() for connection in idle]  # pylint: disable=protected-access


@pytest.fixture
def server():
    servers = []

    def start(behaviour='ok', context=None):
        servers.append(Server(behaviour, context))
        return servers[-1]

    yield start
    for each in servers:
        each.stop()


def test_one_connection_serves_every_request_of_a_run(server):
    served = server()
    transport = HttpTransport(timeout=5)
    for method, body in (('GET', None), ('POST', b'{"a":1}'), ('DELETE', None)):
        response = transport.request(method, served.url + '/v2/p/tasks?limit=1', body, {'Content-Type': 'application/json'})
        assert (response.status, response.content) == (200, b'{"ok": true}')
    assert served.connections == 1
    assert [(method, path, body) for method, path, dummy, body in served.seen] == [
        ('GET', '/v2/p/tasks?limit=1', b''),
        ('POST', '/v2/p/tasks?limit=1', b'{"a":1}'),
        ('DELETE', '/v2/p/tasks?limit=1', b''),
    ]
    headers = served.seen[0][2]
    assert headers['User-Agent'].startswith('hwcloud.roma/') and headers['Accept'] == 'application/json'


def test_headers_ignore_case_and_a_repeated_header_keeps_every_value(server):
    response = HttpTransport(timeout=5).request('GET', server().url + '/', None, {})
    assert response.header('x-request-id') == response.headers['X-REQUEST-ID'] == 'r1'
    assert response.header('Set-Cookie') == 'a=1, b=2' and 'content-type' in response.headers


def test_a_connection_the_server_closed_while_idle_is_replaced(server):
    served = server()
    transport = HttpTransport(timeout=5)
    transport.request('GET', served.url + '/', None, {})
    (idle,) = kept_connections(transport)
    idle.sock.shutdown(socket.SHUT_RDWR)  # as a server's keep-alive timeout does: the next read is EOF
    assert transport.request('GET', served.url + '/', None, {}).status == 200
    assert served.connections == 2


def test_a_connection_the_server_says_it_closes_is_not_kept(server):
    served = server('close')
    transport = HttpTransport(timeout=5)
    for dummy in range(2):
        assert transport.request('GET', served.url + '/', None, {}).status == 200
    assert served.connections == 2 and not kept_connections(transport)


def test_requests_in_flight_at_once_each_have_a_connection_and_pool_size_of_them_stay(server):
    served = server()
    transport = HttpTransport(timeout=5, pool_size=2)
    key_parts = served.url + '/'
    first = transport._take(*_key(transport, key_parts))  # pylint: disable=protected-access
    second = transport._take(*_key(transport, key_parts))  # pylint: disable=protected-access
    third = transport._take(*_key(transport, key_parts))  # pylint: disable=protected-access
    assert len({id(first), id(second), id(third)}) == 3
    for connection in (first, second, third):
        transport._give_back(_key(transport, key_parts)[0], connection)  # pylint: disable=protected-access
    kept = kept_connections(transport)
    assert len(kept) == 2 and third.sock is None  # the third was closed, not kept


def _key(transport, url):  # pylint: disable=unused-argument
    from urllib.parse import urlsplit  # pylint: disable=import-outside-toplevel

    parts = urlsplit(url)
    return (parts.scheme, parts.netloc, None), parts, None, None


def test_a_redirect_is_returned_not_followed(server):
    response = HttpTransport(timeout=5).request('GET', server('redirect').url + '/', None, {})
    assert (response.status, response.header('Location')) == (302, 'https://console.example/login')


def test_nothing_listening_is_a_failure_to_connect():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    with pytest.raises(TransportFailure) as caught:
        HttpTransport(timeout=5).request('GET', 'http://127.0.0.1:%d/' % port, None, {})
    assert caught.value.stage == 'connect' and isinstance(caught.value.cause, ConnectionRefusedError) and not caught.value.timed_out


def test_an_unknown_host_is_a_failure_to_connect():
    with pytest.raises(TransportFailure) as caught:
        HttpTransport(timeout=5).request('GET', 'http://roma.invalid/', None, {})
    assert caught.value.stage == 'connect'


def test_no_answer_in_time_is_a_timeout_after_sending(server):
    with pytest.raises(TransportFailure) as caught:
        HttpTransport(timeout=0.3).request('PUT', server('silent').url + '/', b'{}', {})
    assert caught.value.stage == 'exchange' and caught.value.timed_out


# -- TLS, with the simulator's throwaway CA ---------------------------------------------------------------------------


@pytest.fixture(scope='module')
def certificates(tmp_path_factory):
    sys.path.insert(0, SIMULATOR_DIR)
    try:
        from roma_sim.certs import generate_certificates  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.remove(SIMULATOR_DIR)
    return generate_certificates(str(tmp_path_factory.mktemp('certs')))


@pytest.fixture
def tls_server(server, certificates):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates[1], certificates[2])
    return server(context=context)


def test_tls_with_ca_path(tls_server, certificates):
    transport = HttpTransport(timeout=5, verify=certificates[0])
    for dummy in range(2):
        assert transport.request('GET', tls_server.url + '/', None, {}).status == 200
    assert tls_server.connections == 1  # one handshake for the run


def test_tls_with_the_ca_bundle_environment_variable(tls_server, certificates, monkeypatch):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', certificates[0])
    assert HttpTransport(timeout=5, verify=True).request('GET', tls_server.url + '/', None, {}).status == 200


def test_tls_without_verification(tls_server):
    assert HttpTransport(timeout=5, verify=False).request('GET', tls_server.url + '/', None, {}).status == 200


def test_a_certificate_no_trusted_ca_signed_is_a_tls_failure(tls_server):
    with pytest.raises(TransportFailure) as caught:
        HttpTransport(timeout=5, verify=True).request('GET', tls_server.url + '/', None, {})
    assert caught.value.stage == 'tls' and 'CERTIFICATE_VERIFY_FAILED' in str(caught.value.cause)


def test_a_ca_bundle_that_cannot_be_read_fails_before_connecting(tls_server, tmp_path):
    with pytest.raises(TransportFailure) as caught:
        HttpTransport(timeout=5, verify=str(tmp_path / 'missing.pem')).request('GET', tls_server.url + '/', None, {})
    assert caught.value.stage == 'ca_bundle' and tls_server.connections == 0
    not_pem = tmp_path / 'not.pem'
    not_pem.write_text('this is not a certificate\n')
    with pytest.raises(TransportFailure) as caught:
        HttpTransport(timeout=5, verify=str(not_pem)).request('GET', tls_server.url + '/', None, {})
    assert caught.value.stage == 'tls'


def test_https_to_a_port_that_speaks_plain_http_is_a_tls_failure(server):
    plain = server()
    with pytest.raises(TransportFailure) as caught:
        HttpTransport(timeout=5, verify=False).request('GET', plain.url.replace('http://', 'https://') + '/', None, {})
    assert caught.value.stage == 'tls'


# -- proxies from the environment --------------------------------------------------------------------------------------


class ProxyHandler(socketserver.StreamRequestHandler):
    """A forward proxy: absolute-URI requests for http://, CONNECT tunnels for https://."""

    def handle(self):
        request_line = self.rfile.readline().decode('latin-1')
        headers = {}
        while True:
            line = self.rfile.readline().decode('latin-1')
            if line in ('\r\n', '\n', ''):
                break
            name, dummy, value = line.partition(':')
            headers[name.strip().lower()] = value.strip()
        self.server.seen.append((request_line.strip(), headers))
        method, target, dummy = request_line.split(' ', 2)
        if method == 'CONNECT':
            host, port = target.rsplit(':', 1)
            upstream = socket.create_connection((host, int(port)))
            self.wfile.write(b'HTTP/1.1 200 Connection established\r\n\r\n')
            self._pipe(self.connection, upstream)
            return
        from urllib.parse import urlsplit  # pylint: disable=import-outside-toplevel

        parts = urlsplit(target)
        length = int(headers.get('content-length') or 0)
        body = self.rfile.read(length) if length else b''
        upstream = socket.create_connection((parts.hostname, parts.port))
        path = parts.path + ('?' + parts.query if parts.query else '')
        forwarded = ''.join('%s: %s\r\n' % item for item in headers.items() if item[0] not in ('proxy-authorization', 'connection'))
        upstream.sendall(('%s %s HTTP/1.1\r\n%sConnection: close\r\n\r\n' % (method, path, forwarded)).encode('latin-1') + body)
        self._pipe(self.connection, upstream, until_upstream_closes=True)

    @staticmethod
    def _pipe(client, upstream, until_upstream_closes=False):
        with upstream:
            while True:
                readable, dummy_w, dummy_x = select.select([client, upstream], [], [], 5)
                if not readable:
                    return
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is client else client).sendall(data)
                    if until_upstream_closes and source is upstream:
                        continue


class Proxy(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(('127.0.0.1', 0), ProxyHandler)
        self.seen = []
        threading.Thread(target=self.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True).start()


@pytest.fixture
def proxy():
    running = Proxy()
    yield running
    running.shutdown()
    running.server_close()


def test_an_http_endpoint_goes_through_http_proxy_with_its_credentials(server, proxy, monkeypatch):
    served = server('close')
    monkeypatch.setenv('http_proxy', 'http://robot:p%%40ss@127.0.0.1:%d' % proxy.server_address[1])
    response = HttpTransport(timeout=5).request('GET', served.url + '/v2/p/tasks?limit=1', None, {'X-Auth-Token': 't'})
    assert response.status == 200
    ((request_line, headers),) = proxy.seen
    assert request_line == 'GET %s/v2/p/tasks?limit=1 HTTP/1.1' % served.url
    assert headers['proxy-authorization'] == 'Basic ' + base64.b64encode(b'robot:p@ss').decode('ascii')
    assert served.seen[0][1] == '/v2/p/tasks?limit=1' and {name.lower(): value for name, value in served.seen[0][2].items()}['x-auth-token'] == 't'


def test_an_https_endpoint_is_tunnelled_through_https_proxy(tls_server, certificates, proxy, monkeypatch):
    monkeypatch.setenv('HTTPS_PROXY', 'http://127.0.0.1:%d' % proxy.server_address[1])
    transport = HttpTransport(timeout=5, verify=certificates[0])
    assert transport.request('GET', tls_server.url + '/', None, {}).status == 200
    ((request_line, dummy_headers),) = proxy.seen
    assert request_line.startswith('CONNECT 127.0.0.1:%d HTTP/' % tls_server.server_address[1])


def test_no_proxy_bypasses_the_proxy(server, proxy, monkeypatch):
    served = server()
    monkeypatch.setenv('http_proxy', 'http://127.0.0.1:%d' % proxy.server_address[1])
    monkeypatch.setenv('no_proxy', '127.0.0.1')
    assert HttpTransport(timeout=5).request('GET', served.url + '/', None, {}).status == 200
    assert proxy.seen == [] and served.connections == 1


@pytest.mark.parametrize(
    'proxy',
    [
        'https://user:s3cret@proxy.example:3129',  # a TLS proxy
        'socks5://user:s3cret@proxy.example:1080',
        'http://user:s3/cret@proxy.example:3128',  # "/" in the password, not percent-encoded: the URL splits there
        'http://user:s3cret@proxy.example:99999',
        'http://[::1:3128',
    ],
)
def test_a_proxy_setting_that_cannot_be_used_fails_without_quoting_it(server, monkeypatch, proxy):
    monkeypatch.setenv('http_proxy', proxy)
    served = server()
    with pytest.raises(TransportFailure) as caught:
        HttpTransport(timeout=5).request('GET', served.url + '/', None, {})
    assert caught.value.stage == 'request' and 'only http:// proxies are supported' in str(caught.value.cause)
    assert 's3' not in str(caught.value) and 'cret' not in str(caught.value) and served.connections == 0


def test_a_password_with_reserved_characters_reaches_the_proxy_whole(server, proxy, monkeypatch):
    monkeypatch.setenv('http_proxy', 'http://robot:a?b#c@d@127.0.0.1:%d' % proxy.server_address[1])
    assert HttpTransport(timeout=5).request('GET', server('close').url + '/', None, {}).status == 200
    assert proxy.seen[0][1]['proxy-authorization'] == 'Basic ' + base64.b64encode(b'robot:a?b#c@d').decode('ascii')


def test_a_proxy_that_does_not_answer_is_named_in_the_failure(server, monkeypatch):
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv('HTTP_PROXY', 'http://user:s3cret@127.0.0.1:%d' % port)
    with pytest.raises(TransportFailure) as caught:
        HttpTransport(timeout=5).request('GET', server().url + '/', None, {})
    assert (caught.value.stage, caught.value.proxy) == ('connect', '127.0.0.1:%d' % port)
    assert 's3cret' not in str(caught.value)


@pytest.mark.skipif(sys.version_info >= (3, 13), reason='http.client writes the CONNECT of an IPv6 address right from Python 3.13')
def test_an_ipv6_endpoint_is_not_tunnelled_through_a_proxy_that_would_get_a_malformed_connect(monkeypatch):
    monkeypatch.setenv('https_proxy', 'http://127.0.0.1:3128')
    with pytest.raises(TransportFailure) as caught:
        HttpTransport(timeout=5).request('GET', 'https://[::1]:8443/', None, {})
    assert caught.value.stage == 'request' and 'no_proxy' in str(caught.value.cause)


@pytest.mark.parametrize(
    'host, port, no_proxy, bypass',
    [
        ('roma.example.com', 443, '*', True),
        ('roma.example.com', 443, 'example.com', True),
        ('roma.example.com', 443, '.example.com', True),
        ('roma.example.com', 443, 'other.com, roma.example.com', True),
        ('roma.example.com', 443, 'ample.com', False),
        ('roma.example.com', 8443, 'roma.example.com:8443', True),
        ('roma.example.com', 443, 'roma.example.com:8443', False),
        ('10.1.2.3', 443, '10.0.0.0/8', True),
        ('10.1.2.3', 443, '192.168.0.0/16', False),
        ('10.1.2.3', 443, '10.1.2.3', True),
        ('::1', 443, '::1', True),
        ('fd00::5', 443, 'fd00::/8', True),
        ('roma.example.com', 443, '', False),
    ],
)
def test_no_proxy_is_read_as_requests_reads_it(host, port, no_proxy, bypass):
    assert _bypasses_proxy(host, port, no_proxy) is bypass


@pytest.mark.parametrize('value', ['MIIE-token\n', 'MIIE\r\nX-Injected: 1', 'tok\x00en'])
def test_a_header_value_with_a_control_character_is_refused_without_quoting_it(server, value):
    served = server()
    with pytest.raises(TransportFailure) as caught:
        HttpTransport(timeout=5).request('GET', served.url + '/', None, {'X-Auth-Token': value})
    assert caught.value.stage == 'request' and 'MIIE' not in str(caught.value) and 'tok' not in str(caught.value)
    assert served.connections == 0


def test_a_header_value_outside_latin_1_is_refused_without_quoting_it(server):
    with pytest.raises(TransportFailure) as caught:
        HttpTransport(timeout=5).request('GET', server().url + '/', None, {'X-Auth-Token': 'MIIE-\u20ac'})
    assert caught.value.stage == 'request' and 'MIIE' not in str(caught.value)


class EarlyAnswerHandler(socketserver.StreamRequestHandler):
    """Reads the request line and headers only, answers 413 and closes: as a gateway does with a body too large."""

    def handle(self):
        while self.rfile.readline() not in (b'\r\n', b'\n', b''):
            pass
        body = b'{"error_code": "APIG.0201", "error_msg": "Request entity too large"}'
        self.wfile.write(
            b'HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s' % (len(body), body)
        )
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)


def test_an_answer_sent_before_the_whole_body_was_read_is_the_outcome():
    early = socketserver.ThreadingTCPServer(('127.0.0.1', 0), EarlyAnswerHandler)
    early.daemon_threads = True
    threading.Thread(target=early.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True).start()
    try:
        response = HttpTransport(timeout=5).request('POST', 'http://127.0.0.1:%d/' % early.server_address[1], b'x' * (20 * 1024 * 1024), {})
    finally:
        early.shutdown()
        early.server_close()
    assert response.status == 413 and b'APIG.0201' in response.content
