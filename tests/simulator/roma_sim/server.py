"""The HTTP front end: routing, gateway checks (auth, project, instance), the ROMA FDI and IAM handlers, faults.

One ``ThreadingHTTPServer`` speaks HTTP/1.1 with exact ``Content-Length`` so a client
keeps one connection alive across requests, serves IAM (``/v3``), ROMA (``/v2``) and
the test controls (``/_sim``), and optionally TLS.  The order of checks mirrors the
real gateway: route, then auth, then project header, then instance, then the handler.
"""

from __future__ import annotations

import json
import re
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from .auth import AuthError, TokenRegistry, iam_time, same_secret, verify_signature
from .control import PROCESSING_FAULTS, FaultQueue, RequestLog, fault_body, handle_control
from .databases import demo_databases
from .datasources import demo_datasources
from .errors import NOT_FOUND_CODE, FdiError, invalid_parameters
from .store import TaskStore

JSON_TYPE = 'application/json;charset=UTF-8'
MAX_BODY_BYTES = 10 * 1024 * 1024
INSTANCE_ID_RE = re.compile(r'[A-Za-z0-9_-]{1,64}')
_INSTANCE = r'/v2/(?P<project_id>[^/]+)/fdi/instances/(?P<instance_id>[^/]+)'
_TASK = r'(?P<task_id>[^/]+)'
_DATASOURCE = r'/datasources/(?P<datasource_id>[^/]+)'
_MAPPINGS = r'/multi-tasks/' + _TASK + r'/mappings'
ROUTES = [
    (method, re.compile(pattern), name)
    for method, pattern, name in (
        ('POST', r'/v3/auth/tokens', 'iam_token'),
        ('POST', _INSTANCE + r'/multi-tasks', 'create_multi_task'),
        ('POST', _INSTANCE + r'/multi-tasks/init', 'init_multi_task'),
        ('POST', _INSTANCE + r'/multi-tasks/' + _TASK + r'/reset', 'reset_multi_task'),
        ('POST', _INSTANCE + _MAPPINGS, 'create_mapping'),
        ('GET', _INSTANCE + _MAPPINGS, 'list_mappings'),
        ('PUT', _INSTANCE + _MAPPINGS + r'/(?P<mapping_id>[^/]+)', 'update_mapping'),
        ('DELETE', _INSTANCE + _MAPPINGS + r'/(?P<mapping_id>[^/]+)', 'delete_mapping'),
        ('PUT', _INSTANCE + r'/multi-tasks/' + _TASK, 'update_multi_task'),
        ('GET', _INSTANCE + r'/tasks', 'list_tasks'),
        ('GET', _INSTANCE + r'/tasks/' + _TASK, 'show_task'),
        ('DELETE', _INSTANCE + r'/tasks/' + _TASK, 'delete_task'),
        ('POST', _INSTANCE + r'/batch-operation/tasks', 'batch_tasks'),
        ('POST', _INSTANCE + r'/tasks/' + _TASK + r'/run', 'run_task'),
        ('POST', _INSTANCE + r'/tasks/' + _TASK + r'/terminate', 'stop_task'),
        ('GET', _INSTANCE + r'/task-monitors', 'list_task_monitors'),
        ('GET', _INSTANCE + r'/tasks/' + _TASK + r'/monitor-logs', 'list_monitor_logs'),
        ('GET', _INSTANCE + r'/datasources', 'list_datasources'),
        ('POST', _INSTANCE + r'/datasources', 'create_datasource'),
        ('GET', _INSTANCE + _DATASOURCE, 'show_datasource'),
        ('PUT', _INSTANCE + _DATASOURCE, 'update_datasource'),
        ('DELETE', _INSTANCE + _DATASOURCE, 'delete_datasource'),
        ('POST', _INSTANCE + _DATASOURCE + r'/test-connect', 'test_datasource'),
        ('GET', _INSTANCE + _DATASOURCE + r'/tables', 'list_datasource_tables'),
        ('GET', _INSTANCE + _DATASOURCE + r'/columns', 'list_datasource_columns'),
    )
]


def match_route(method, path):
    """(route name, decoded path parameters); (None, {}) for an unknown path or a wrong method."""
    for route_method, pattern, name in ROUTES:
        found = pattern.fullmatch(path)
        if found and route_method == method:
            return name, dict((key, unquote(value)) for key, value in found.groupdict().items())
    return None, {}


class BodyTooLarge(ValueError):
    """The request body exceeds MAX_BODY_BYTES (answered 413 APIG.0201, like the gateway)."""


class Reply:
    """A response to send: status, JSON ``document`` or ``raw`` bytes, extra headers."""

    def __init__(self, status, document=None, headers=None, raw=None, content_type=None):
        self.status = status
        self.document = document
        self.headers = dict(headers or {})
        self.raw = raw
        self.content_type = content_type or (JSON_TYPE if document is not None else None)

    def payload(self):
        if self.raw is not None:
            return self.raw
        return b'' if self.document is None else json.dumps(self.document).encode('utf-8')


def gateway_error(status, code, message, request_id):
    """APIG-style error: unlike FDI errors it carries ``request_id``."""
    return Reply(status, {'error_code': code, 'error_msg': message, 'request_id': request_id})


def keystone_error(status, message, title):
    return Reply(status, {'error': {'code': status, 'message': message, 'title': title}})


def json_body(body):
    """The request body as JSON; FDI.3002 when it is empty or not JSON."""
    try:
        return json.loads(body.decode('utf-8'))
    except ValueError:
        raise invalid_parameters()


def optional_json_body(body):
    """Like :func:`json_body`, but an empty body (all fields optional) is None."""
    return json_body(body) if body.strip() else None


class Simulator:
    """All simulator state (accounts, tokens, tasks, request log, faults, config) and the API semantics."""

    def __init__(
        self,
        accounts,
        token_lifetime=86400,
        state_file=None,
        not_found='FDI.3021',
        demo_instances=(),
        start_delay=1.0,
        latency_ms=0,
        demo_databases=False,
        datasource_secrets='omit',
        composite_ext_type='CDC',
        show_stopped_status='stop',
    ):
        self.accounts = accounts
        self.default_project_id = next(iter(accounts.projects))
        self.startup_config = {
            'token_lifetime': token_lifetime,
            'clock_offset_seconds': 0,
            'known_instances': None,
            'max_limit': 999,
            'not_found': not_found,
            'start_delay_seconds': start_delay,
            'latency_ms': latency_ms,
            'datasource_secrets': datasource_secrets,
            'composite_ext_type': composite_ext_type,
            'show_stopped_status': show_stopped_status,
        }
        self.config = dict(self.startup_config)  # the store keeps this very dict: reset changes it in place
        self.store = TaskStore(state_file, self.default_project_id, self.config)
        self.store.load()
        self.demo_instances = list(demo_instances)  # --demo-datasources: seeded at start and again by every reset
        self.demo_databases = bool(demo_databases or self.demo_instances)  # --demo-databases (implied by --demo-datasources): likewise
        self.tokens = TokenRegistry()
        self.log = RequestLog()
        self.faults = FaultQueue()
        self.stopping = threading.Event()  # set on shutdown: wakes handlers sleeping for a fault's delay
        self.seed_demo()

    def now(self):
        """The simulator's clock: real time plus the configured ``clock_offset_seconds``."""
        return time.time() + self.config['clock_offset_seconds']

    def now_ms(self):
        return int(self.now() * 1000)

    def seed_demo(self):
        """The demo databases (``--demo-databases``) and the demo data-source pair (MySQL source, DWS target) in each
        instance of ``--demo-datasources`` (default project), which also declares the databases."""
        if self.demo_databases:
            self.store.declare_databases(demo_databases())
        for instance_id in self.demo_instances:
            self.store.seed_datasources(self.default_project_id, instance_id, demo_datasources(), self.now_ms())

    def reset(self):
        self.config.clear()
        self.config.update(self.startup_config)
        self.store.reset()
        self.seed_demo()
        self.tokens.clear()
        self.log.take()
        self.faults.clear()

    # -- request processing ------------------------------------------------------------------------

    def process(self, route, params, request, request_id):
        """Answer one API request (``request``: method, path, query_string, query, headers, body)."""
        if route is None:
            return gateway_error(404, 'APIG.0101', 'The API does not exist or has not been published in the environment.', request_id)
        if route == 'iam_token':
            return self.iam_token(request['body'])
        project_id, instance_id = params['project_id'], params['instance_id']
        try:
            self.authenticate(request, project_id)
        except AuthError as error:
            return gateway_error(401, 'APIG.0301', error.message, request_id)
        if request['headers'].get('X-Project-Id') not in (None, project_id):
            return Reply(400, {'error_code': 'FDI.3039', 'error_msg': 'The project ID is empty or does not match the project ID in the URL.'})
        known = self.config['known_instances']
        if not INSTANCE_ID_RE.fullmatch(instance_id) or (known is not None and instance_id not in known):
            return Reply(
                500,
                {
                    'error_code': 'ROMA.00110002',
                    'request_id': request_id,
                    'error_msg': 'The instance does not exist. project_id: %s, instance_id: %s' % (project_id, instance_id),
                },
            )
        try:
            return getattr(self, 'api_' + route)(params, request)
        except FdiError as error:
            error = self.not_found_form(error)
            return Reply(error.status, {'error_code': error.code, 'error_msg': error.message})

    def not_found_form(self, error):
        """An unknown task or mapping in the configured form: 400 FDI.3021 (the default) or 404 FDI.3081.

        The FDI error table documents 400 FDI.3021, the official OpenAPI definitions 404 FDI.3081;
        the switch lets tests prove that a client treats both as "absent".
        """
        if error.code == NOT_FOUND_CODE and self.config['not_found'] == 'FDI.3081':
            return FdiError('FDI.3081', 'The task does not exist.', status=404)
        return error

    def authenticate(self, request, project_id):
        """X-Auth-Token first, then an SDK-HMAC-SHA256 Authorization header; AuthError otherwise."""
        headers = request['headers']
        token = (headers.get('X-Auth-Token') or '').strip()
        if token:
            self.tokens.check(token, project_id, self.now())
            return
        if headers.get('Authorization'):
            key = verify_signature(self.accounts, request['method'], request['path'], request['query_string'], headers, request['body'], self.now())
            if project_id not in key['user']['projects']:
                raise AuthError('project %s is not a project of the account that owns the access key' % project_id)
            return
        raise AuthError('x-auth-token not found')

    def iam_token(self, body):
        """POST /v3/auth/tokens with password identity: 201 + X-Subject-Token, or keystone-style 400/401."""
        try:
            auth = json_body(body)['auth']
            user_ref, scope = auth['identity']['password']['user'], auth['scope']
            if 'password' not in auth['identity']['methods'] or not isinstance(user_ref.get('password'), str) or not isinstance(scope, dict):
                raise ValueError('not a password identity with a scope')
        except (FdiError, ValueError, KeyError, TypeError, AttributeError):
            return keystone_error(400, 'The request body is invalid.', 'Bad Request')
        user = self.accounts.find_user(user_ref)
        if user is None or not same_secret(user_ref['password'], user['password']):
            return keystone_error(401, 'The username or password is wrong.', 'Unauthorized')
        project = None
        if isinstance(scope.get('project'), dict):
            project = self.accounts.find_project(user, scope['project'])
            if project is None:
                return keystone_error(401, 'The request you have made requires authentication: no such project for this user.', 'Unauthorized')
        elif isinstance(scope.get('domain'), dict):
            if scope['domain'].get('id') != user['domain']['id'] and scope['domain'].get('name') != user['domain']['name']:
                return keystone_error(401, "The request you have made requires authentication: the domain in the scope is not the user's.", 'Unauthorized')
        else:
            return keystone_error(400, 'The request body is invalid: scope must name a project or a domain.', 'Bad Request')
        now = self.now()
        token, record = self.tokens.issue(user, project, self.config['token_lifetime'], now)
        document = {
            'expires_at': iam_time(record['expires_at']),
            'issued_at': iam_time(now),
            'methods': ['password'],
            'catalog': [],
            'roles': [{'id': '0', 'name': 'op_service'}, {'id': '1', 'name': 'te_admin'}],
            'user': {'id': user['id'], 'name': user['name'], 'password_expires_at': '', 'domain': user['domain']},
        }
        if project:
            document['project'] = {'id': project['id'], 'name': project['name'], 'domain': project['domain']}
        else:
            document['domain'] = user['domain']
        return Reply(201, {'token': document}, headers={'X-Subject-Token': token})

    # -- ROMA FDI routes (``api_`` + route name) ------------------------------------------------------

    def api_create_multi_task(self, params, request):
        task = self.store.create(params['project_id'], params['instance_id'], json_body(request['body']), self.now_ms())
        return Reply(200, {'task_id': task['task_id']})

    def api_update_multi_task(self, params, request):
        task = self.store.update(params['project_id'], params['instance_id'], params['task_id'], json_body(request['body']), self.now_ms())
        return Reply(200, {'task_id': task['task_id']})

    def start_delay_ms(self):
        return int(self.config['start_delay_seconds'] * 1000)

    def api_list_tasks(self, params, request):
        return Reply(200, self.store.list_page(params['project_id'], params['instance_id'], request['query'], self.config['max_limit'], self.now_ms()))

    def api_show_task(self, params, request):
        return Reply(200, self.store.show_task(params['project_id'], params['instance_id'], params['task_id']))

    def api_delete_task(self, params, request):
        self.store.delete(params['project_id'], params['instance_id'], params['task_id'])
        return Reply(204)

    def api_batch_tasks(self, params, request):
        result = self.store.batch(params['project_id'], params['instance_id'], json_body(request['body']), self.now_ms(), self.start_delay_ms())
        for entry in result['failure']:
            error = self.not_found_form(FdiError(entry['error_code'], entry['error_msg']))
            entry.update(error_code=error.code, error_msg=error.message)
        return Reply(200, result)

    def api_stop_task(self, params, request):
        self.store.set_running(params['project_id'], params['instance_id'], params['task_id'], False, self.now_ms())
        return Reply(200, {'message': 'success'})

    def api_run_task(self, params, request):
        self.store.set_running(params['project_id'], params['instance_id'], params['task_id'], True, self.now_ms(), self.start_delay_ms())
        return Reply(200)

    def api_init_multi_task(self, params, request):
        return Reply(200, self.store.init(params['project_id'], params['instance_id'], optional_json_body(request['body']), self.now_ms()))

    def api_reset_multi_task(self, params, request):
        return Reply(
            200, self.store.reset_offset(params['project_id'], params['instance_id'], params['task_id'], optional_json_body(request['body']), self.now_ms())
        )

    def api_create_mapping(self, params, request):
        return Reply(200, self.store.create_mapping(params['project_id'], params['instance_id'], params['task_id'], json_body(request['body']), self.now_ms()))

    def api_list_mappings(self, params, request):
        return Reply(200, self.store.list_mappings(params['project_id'], params['instance_id'], params['task_id'], request['query']))

    def api_update_mapping(self, params, request):
        return Reply(
            200,
            self.store.update_mapping(
                params['project_id'], params['instance_id'], params['task_id'], params['mapping_id'], json_body(request['body']), self.now_ms()
            ),
        )

    def api_delete_mapping(self, params, request):
        return Reply(200, self.store.delete_mapping(params['project_id'], params['instance_id'], params['task_id'], params['mapping_id']))

    def api_list_task_monitors(self, params, request):
        return Reply(200, self.store.monitor_infos(params['project_id'], params['instance_id'], request['query'], self.config['max_limit'], self.now_ms()))

    def api_list_monitor_logs(self, params, request):
        return Reply(
            200,
            self.store.monitor_logs(params['project_id'], params['instance_id'], params['task_id'], request['query'], self.config['max_limit'], self.now_ms()),
        )

    def api_list_datasources(self, params, request):
        return Reply(200, self.store.list_datasources(params['project_id'], params['instance_id'], request['query'], self.config['max_limit']))

    def api_show_datasource(self, params, request):
        return Reply(200, self.store.show_datasource(params['project_id'], params['instance_id'], params['datasource_id']))

    def api_create_datasource(self, params, request):
        return Reply(201, self.store.create_datasource(params['project_id'], params['instance_id'], json_body(request['body']), self.now_ms()))

    def api_update_datasource(self, params, request):
        return Reply(
            200, self.store.update_datasource(params['project_id'], params['instance_id'], params['datasource_id'], json_body(request['body']), self.now_ms())
        )

    def api_delete_datasource(self, params, request):
        self.store.delete_datasource(params['project_id'], params['instance_id'], params['datasource_id'])
        return Reply(204)

    def api_test_datasource(self, params, request):
        return Reply(200, self.store.test_datasource(params['project_id'], params['instance_id'], params['datasource_id'], json_body(request['body'])))

    def api_list_datasource_tables(self, params, request):
        return Reply(200, self.store.datasource_tables(params['project_id'], params['instance_id'], params['datasource_id'], request['query']))

    def api_list_datasource_columns(self, params, request):
        return Reply(200, self.store.datasource_columns(params['project_id'], params['instance_id'], params['datasource_id'], request['query']))


def _loggable(body):
    if not body:
        return None
    try:
        return json.loads(body.decode('utf-8'))
    except ValueError:
        return body.decode('utf-8', 'replace')


def _auth_kind(route, headers):
    if route == 'iam_token':
        return 'password'
    if headers.get('X-Auth-Token'):
        return 'token'
    return 'aksk' if headers.get('Authorization') else 'none'


class SimulatorHandler(BaseHTTPRequestHandler):
    """One connection; handles requests until the client closes it (HTTP/1.1 keep-alive)."""

    protocol_version = 'HTTP/1.1'
    server_version = 'ROMA-Simulator/1.0'
    sys_version = ''
    timeout = 300  # idle keep-alive connections are closed after this many seconds
    disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms delayed-ACK stalls

    def version_string(self):
        return self.server_version

    def date_time_string(self, timestamp=None):
        """The Date header from the simulator's clock, so ``clock_offset_seconds`` shows in it as on a skewed gateway."""
        return super().date_time_string(self.server.simulator.now() if timestamp is None else timestamp)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.log_requests:
            super().log_message(format, *args)

    def handle_any_method(self):
        request_id = uuid.uuid4().hex
        try:
            body = self._read_body()
        except BodyTooLarge:
            self.close_connection = True
            self._send(gateway_error(413, 'APIG.0201', 'Request entity too large.', request_id), request_id)
            return
        except ValueError:  # unreadable Content-Length or chunk size
            self.close_connection = True
            self._send(gateway_error(400, 'APIG.0201', 'API request error.', request_id), request_id)
            return
        url = urlsplit(self.path)
        try:
            if url.path == '/_sim' or url.path.startswith('/_sim/'):
                try:
                    document = json.loads(body.decode('utf-8')) if body else None
                except ValueError:
                    self._send(Reply(400, {'error': 'the body is not JSON'}), request_id)
                    return
                query = dict((key, values[-1]) for key, values in parse_qs(url.query, keep_blank_values=True).items())
                try:
                    status, document = handle_control(self.server.simulator, self.command, url.path, query, document)
                except Exception as error:  # e.g. a wrongly typed field: answer instead of dropping the connection
                    traceback.print_exc(file=sys.stderr)
                    status, document = 500, {'error': 'control request failed: %r' % error}
                self._send(Reply(status, document), request_id)
            else:
                self._handle_api(url, body, request_id)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any_method

    def _read_body(self):
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            chunks, size = [], 0
            while True:
                chunk_size = int(self.rfile.readline().split(b';')[0].strip() or b'0', 16)
                if chunk_size == 0:
                    while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                        pass
                    return b''.join(chunks)
                size += chunk_size
                if size > MAX_BODY_BYTES:
                    raise BodyTooLarge()
                chunks.append(self.rfile.read(chunk_size))
                self.rfile.readline()
        length = int(self.headers.get('Content-Length') or 0)
        if length > MAX_BODY_BYTES:
            while length > 0 and self.rfile.read(min(length, 65536)):  # drain it, so the client reads the 413 instead of a broken pipe
                length -= 65536
            raise BodyTooLarge()
        return self.rfile.read(length) if length > 0 else b''

    def _handle_api(self, url, body, request_id):
        sim = self.server.simulator
        query_lists = parse_qs(url.query, keep_blank_values=True)
        request = {
            'method': self.command,
            'path': url.path,
            'query_string': url.query,
            'headers': self.headers,
            'body': body,
            'query': dict((key, values[0]) for key, values in query_lists.items()),
        }
        route, params = match_route(self.command, url.path)
        entry = sim.log.record(
            {
                'method': self.command,
                'path': url.path,
                'query': query_lists,
                'body': _loggable(body),
                'status': None,
                'headers': dict((name.lower(), value) for name, value in self.headers.items()),
                'auth': _auth_kind(route, self.headers),
                'route': route or 'unknown',
                'client': '%s:%s' % self.client_address[:2],
            }
        )
        if sim.config['latency_ms']:  # a region's round trip; each connection's thread waits on its own
            sim.stopping.wait(sim.config['latency_ms'] / 1000.0)
        fault = sim.faults.take(self.command, route or 'unknown', url.path, body)
        action = fault['action'] if fault else None
        reply = None
        if action is None or action in PROCESSING_FAULTS:
            try:
                reply = sim.process(route, params, request, request_id)
            except Exception:  # a simulator bug must be visible, not a hung client
                traceback.print_exc(file=sys.stderr)
                reply = gateway_error(500, 'SIM.0500', 'Internal simulator error (see its stderr).', request_id)
        if fault:
            sim.log.update(entry, fault=action)
            if reply is not None:
                sim.log.update(entry, processed_status=reply.status)
            if fault['delay']:
                sim.stopping.wait(fault['delay'])
            if action in ('reset', 'timeout', 'process_then_drop'):
                self._drop(abort=action == 'reset')
                return
            if action in ('respond', 'process_then_respond'):
                payload, content_type = fault_body(fault, request_id, request)
                reply = Reply(fault['status'], raw=payload, content_type=content_type)
            elif action == 'empty':
                reply = Reply(200, raw=b'', content_type=JSON_TYPE)
            reply.headers.update(fault['headers'])
        sim.log.update(entry, status=reply.status)
        self._send(reply, request_id, truncate=action == 'truncate', declare_full_length=bool(fault and fault['declare_full_length']))

    def _drop(self, abort):
        """Close the connection without a response: with a TCP reset (``abort``) or an orderly FIN."""
        self.close_connection = True
        if abort:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            self.connection.close()

    def _send(self, reply, request_id, truncate=False, declare_full_length=False):
        payload = reply.payload()
        body, length = payload, len(payload)
        if truncate:
            body = payload[: len(payload) // 2]
            length = len(payload) if declare_full_length else len(body)
            self.close_connection = self.close_connection or declare_full_length
        self.send_response(reply.status)
        self.send_header('X-Request-Id', request_id)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        has_body = reply.status >= 200 and reply.status not in (204, 304)
        if has_body:
            if reply.content_type:
                self.send_header('Content-Type', reply.content_type)
            self.send_header('Content-Length', str(length))
        if self.close_connection:
            self.send_header('Connection', 'close')
        self.end_headers()
        if has_body and body and self.command != 'HEAD':
            self.wfile.write(body)


class SimulatorServer(ThreadingHTTPServer):
    """The listening server: one thread per connection, so parallel clients are served in parallel.

    With ``ssl_context`` the TLS handshake runs in the connection's own thread.  The
    listen backlog is large enough for a burst of parallel connections (a module with
    ``parallelism`` 32, or a test firing 50 requests at once) without refused or retried SYNs.
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, simulator, host='127.0.0.1', port=0, ssl_context=None, log_requests=False):
        if ':' in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), SimulatorHandler)
        self.simulator = simulator
        self.ssl_context = ssl_context
        self.log_requests = log_requests
        self.host = host

    @property
    def url(self):
        host = '[%s]' % self.host if ':' in self.host else self.host
        return '%s://%s:%d' % ('https' if self.ssl_context else 'http', host, self.server_address[1])

    def finish_request(self, request, client_address):
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(30)
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            tls.close()

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError, socket.timeout)):
            super().handle_error(request, client_address)

    def shutdown(self):
        self.simulator.stopping.set()
        super().shutdown()
