"""The test-control API under ``/_sim/``: request log, fault injection, seeding, tokens, configuration.

Tests observe the exact requests a module sent (``/_sim/requests``) and make the
next requests fail in controlled ways (``/_sim/faults``); nothing here needs auth.
"""

from __future__ import annotations

import json
import threading
import time

from .auth import iam_time
from .databases import demo_databases
from .datasources import SECRET_MODES, demo_datasources

FAULT_ACTIONS = ('respond', 'reset', 'timeout', 'process_then_drop', 'process_then_respond', 'truncate', 'empty', 'delay')
PROCESSING_FAULTS = ('process_then_drop', 'process_then_respond', 'truncate', 'delay')
WAITING_FAULTS = ('timeout', 'delay')  # actions whose point is the wait: their delay defaults to DEFAULT_TIMEOUT_DELAY
FAULT_KEYS = ('count', 'match', 'status', 'headers', 'body', 'content_type', 'delay', 'action', 'declare_full_length', 'echo_request')
MATCH_KEYS = ('method', 'route', 'path_contains', 'body_contains')
OUTCOME_KEYS = ('result', 'fail_after', 'position', 'stage', 'remarks', 'detail', 'data_count', 'dirty_data_count')
CONFIG_KEYS = (
    'token_lifetime',
    'clock_offset_seconds',
    'known_instances',
    'max_limit',
    'not_found',
    'start_delay_seconds',
    'latency_ms',
    'datasource_secrets',
    'composite_ext_type',
    'show_stopped_status',
)
NOT_FOUND_FORMS = ('FDI.3021', 'FDI.3081')
EXT_TYPES = ('CDC', 'MULTI', '', None)  # what a composite task's ext_type can be made to say
STOPPED_STATUSES = ('stop', 'stopped')
DEFAULT_TIMEOUT_DELAY = 30.0
LOG_LIMIT = 100000  # oldest entries are dropped beyond this; seq keeps counting


class ControlError(Exception):
    """A bad control request: answered 400 ``{"error": message}``."""


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def normalize_fault(raw):
    """Validate one fault and fill in its defaults, so a typo fails loudly instead of never matching."""
    if not isinstance(raw, dict):
        raise ControlError('a fault must be a JSON object')
    unknown = sorted(set(raw) - set(FAULT_KEYS))
    if unknown:
        raise ControlError('unknown fault field(s): %s' % ', '.join(unknown))
    fault = {
        'action': raw.get('action', 'respond'),
        'count': raw.get('count', 1),
        'match': raw.get('match') or {},
        'status': raw.get('status', 500),
        'headers': raw.get('headers') or {},
        'body': raw.get('body'),
        'content_type': raw.get('content_type'),
        'declare_full_length': bool(raw.get('declare_full_length')),
        'echo_request': bool(raw.get('echo_request')),
    }
    fault['delay'] = raw.get('delay', DEFAULT_TIMEOUT_DELAY if fault['action'] in WAITING_FAULTS else 0)
    if fault['action'] not in FAULT_ACTIONS:
        raise ControlError('action must be one of %s' % ', '.join(FAULT_ACTIONS))
    if not isinstance(fault['count'], int) or isinstance(fault['count'], bool) or fault['count'] < 1:
        raise ControlError('count must be an integer >= 1')
    if not isinstance(fault['match'], dict) or set(fault['match']) - set(MATCH_KEYS) or not all(isinstance(v, str) for v in fault['match'].values()):
        raise ControlError('match must be an object with string values for %s' % ', '.join(MATCH_KEYS))
    if not isinstance(fault['status'], int) or not 100 <= fault['status'] <= 599:
        raise ControlError('status must be an HTTP status code')
    if not _is_number(fault['delay']) or fault['delay'] < 0:
        raise ControlError('delay must be a number of seconds >= 0')
    if not isinstance(fault['headers'], dict):
        raise ControlError('headers must be an object')
    fault['headers'] = dict((str(name), str(value)) for name, value in fault['headers'].items())
    return fault


def fault_body(fault, request_id, request=None):
    """(body bytes, content type) a ``respond``/``process_then_respond`` fault sends.

    With ``echo_request`` the body is an error document quoting the request's headers and body, as
    a debugging proxy might send: tests use it to check that credentials never reach the output.
    """
    body = fault['body']
    if fault['echo_request'] and request is not None:
        echoed = {'headers': dict(request['headers'].items()), 'body': request['body'].decode('utf-8', 'replace')}
        body = {
            'error_code': 'SIM.ECHO',
            'error_msg': 'Request echoed by the ROMA simulator: %s' % json.dumps(echoed),
            'request_id': request_id,
            'request': echoed,
        }
    if body is None:
        if fault['status'] < 400:
            return b'', fault['content_type']
        body = {'error_code': 'SIM.FAULT', 'error_msg': 'Fault injected by the ROMA simulator.', 'request_id': request_id}
    if isinstance(body, str):
        return body.encode('utf-8'), fault['content_type'] or 'text/plain;charset=UTF-8'
    return json.dumps(body).encode('utf-8'), fault['content_type'] or 'application/json;charset=UTF-8'


class FaultQueue:
    """Faults in arrival order; each applies to the next ``count`` requests it matches."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []

    def add(self, faults):
        with self._lock:
            self._faults.extend(faults)

    def snapshot(self):
        with self._lock:
            return [dict(fault) for fault in self._faults]

    def clear(self):
        with self._lock:
            self._faults = []

    def take(self, method, route, path, body=b''):
        """The first fault matching this request (its count consumed), or None.

        ``body_contains`` is looked for in the request body as sent (UTF-8 text), so a test can fault the
        start batch but not the stop batch of the same route.
        """
        text = (body or b'').decode('utf-8', 'replace') if isinstance(body, bytes) else str(body or '')
        with self._lock:
            for fault in self._faults:
                match = fault['match']
                if (
                    match.get('method', method).upper() == method.upper()
                    and match.get('route', route) == route
                    and match.get('path_contains', '') in path
                    and match.get('body_contains', '') in text
                ):
                    fault['count'] -= 1
                    if fault['count'] == 0:
                        self._faults.remove(fault)
                    return dict(fault)
        return None


class RequestLog:
    """Every non-control request, in arrival order; entries are completed (status) before the response is sent."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries = []
        self._seq = 0

    def record(self, entry):
        with self._lock:
            self._seq += 1
            entry.update(seq=self._seq, time=time.time())
            self._entries.append(entry)
            if len(self._entries) > LOG_LIMIT:
                del self._entries[: len(self._entries) - LOG_LIMIT]
        return entry

    def update(self, entry, **fields):
        """Complete an entry (status, fault) under the lock, so a concurrent reader copies it whole."""
        with self._lock:
            entry.update(fields)

    def since(self, seq):
        with self._lock:
            return [dict(entry) for entry in self._entries if entry['seq'] > seq]

    def take(self):
        """Empty the log and return what it held, in one step: a test reads the requests of one step and starts the next
        with an empty log, without a request slipping in between the read and the clear."""
        with self._lock:
            taken, self._entries = self._entries, []
        return [dict(entry) for entry in taken]


def _config_update(body):
    if not isinstance(body, dict) or set(body) - set(CONFIG_KEYS):
        raise ControlError('config accepts only %s' % ', '.join(CONFIG_KEYS))
    if 'token_lifetime' in body and (not _is_number(body['token_lifetime']) or body['token_lifetime'] <= 0):
        raise ControlError('token_lifetime must be a number of seconds > 0')
    if 'clock_offset_seconds' in body and not _is_number(body['clock_offset_seconds']):
        raise ControlError('clock_offset_seconds must be a number')
    known = body.get('known_instances')
    if known is not None and (not isinstance(known, list) or not all(isinstance(item, str) for item in known)):
        raise ControlError('known_instances must be a list of instance IDs or null')
    if 'max_limit' in body and (not isinstance(body['max_limit'], int) or body['max_limit'] < 1):
        raise ControlError('max_limit must be an integer >= 1')
    if 'not_found' in body and body['not_found'] not in NOT_FOUND_FORMS:
        raise ControlError('not_found must be one of %s' % ', '.join(NOT_FOUND_FORMS))
    if 'start_delay_seconds' in body and (not _is_number(body['start_delay_seconds']) or body['start_delay_seconds'] < 0):
        raise ControlError('start_delay_seconds must be a number >= 0')
    if 'latency_ms' in body and (not _is_number(body['latency_ms']) or not 0 <= body['latency_ms'] <= 60000):
        raise ControlError('latency_ms must be a number of milliseconds from 0 to 60000')
    if 'datasource_secrets' in body and body['datasource_secrets'] not in SECRET_MODES:
        raise ControlError('datasource_secrets must be one of %s' % ', '.join(SECRET_MODES))
    if 'composite_ext_type' in body and body['composite_ext_type'] not in EXT_TYPES:
        raise ControlError('composite_ext_type must be "CDC", "MULTI", "" or null')
    if 'show_stopped_status' in body and body['show_stopped_status'] not in STOPPED_STATUSES:
        raise ControlError('show_stopped_status must be one of %s' % ', '.join(STOPPED_STATUSES))
    return body


def _seed(sim, body):
    if not isinstance(body, dict) or not body.get('instance_id'):
        raise ControlError('seed needs at least {"instance_id", "count"}')
    count = body.get('count', 1)
    if not isinstance(count, int) or not 1 <= count <= 1000000:
        raise ControlError('count must be an integer from 1 to 1000000')
    try:
        task_ids = sim.store.seed(
            body.get('project_id') or sim.default_project_id,
            body['instance_id'],
            count,
            body.get('name_prefix', 'seeded-task-'),
            body.get('operation_types') or ['INSERT'],
            1 if body.get('status') in (1, 'running') else 0,
            sim.now_ms(),
            start=int(body.get('start', 0)),
            kind=body.get('kind', 'composite'),
        )
    except ValueError as error:
        raise ControlError(str(error))
    return {'created': len(task_ids), 'task_ids': task_ids}


def _seed_datasources(sim, body):
    """``{"instance_id", "project_id"?, "datasources": [...]}`` or ``{"instance_id", "demo": true}`` (the demo pair and its databases)."""
    if not isinstance(body, dict) or not isinstance(body.get('instance_id'), str) or not body['instance_id']:
        raise ControlError('seeding data sources needs {"instance_id", "datasources": [...]} or {"instance_id", "demo": true}')
    raws = demo_datasources() if body.get('demo') else body.get('datasources')
    if not isinstance(raws, list) or not raws:
        raise ControlError('datasources must be a non-empty list (or give "demo": true)')
    try:
        ids = sim.store.seed_datasources(body.get('project_id') or sim.default_project_id, body['instance_id'], raws, sim.now_ms())
    except ValueError as error:
        raise ControlError(str(error))
    if body.get('demo'):
        sim.store.declare_databases(demo_databases())
    return {'created': len(ids), 'datasource_ids': ids}


def _declare_databases(sim, body):
    """One server ``{host, port, database_name, users?, tables?}``, a list of them, ``{"databases": [...]}`` or ``{"demo": true}``."""
    if isinstance(body, dict) and body.get('demo') is True and set(body) == {'demo'}:
        raws = demo_databases()
    elif isinstance(body, dict) and 'databases' in body:
        raws = body['databases']
    else:
        raws = body if isinstance(body, list) else [body]
    if not isinstance(raws, list) or not raws:
        raise ControlError('give a database server {"host", "port", "database_name", "users", "tables"}, a non-empty list of them, or {"demo": true}')
    try:
        servers = sim.store.declare_databases(raws)
    except ValueError as error:
        raise ControlError(str(error))
    return {'declared': len(servers), 'databases': sim.store.all_databases()}


def _set_outcome(sim, body):
    """``{"instance_id", "project_id"?, "task_id" or "task_name", outcome fields...}``."""
    if not isinstance(body, dict) or not isinstance(body.get('instance_id'), str) or not body['instance_id']:
        raise ControlError('an outcome needs {"instance_id", "task_id" or "task_name", ...}')
    keys = [key for key in ('task_id', 'task_name') if body.get(key)]
    if len(keys) != 1 or not isinstance(body[keys[0]], str):
        raise ControlError('give exactly one of task_id and task_name')
    unknown = sorted(set(body) - {'instance_id', 'project_id', 'task_id', 'task_name'} - set(OUTCOME_KEYS))
    if unknown:
        raise ControlError('unknown outcome field(s): %s' % ', '.join(unknown))
    fields = dict((key, value) for key, value in body.items() if key in OUTCOME_KEYS)
    try:
        checked = sim.store.set_outcome(body.get('project_id') or sim.default_project_id, body['instance_id'], keys[0], body[keys[0]], fields, sim.now_ms())
    except ValueError as error:
        raise ControlError(str(error))
    return dict(checked, instance_id=body['instance_id'], **{keys[0]: body[keys[0]]})


def _mint_token(sim, body):
    body = body if isinstance(body, dict) else {}
    project = next(
        (project for project in sim.accounts.projects.values() if project['id'] == body.get('project_id') or project['name'] == body.get('project_name')), None
    )
    if project is None and not body.get('project_id') and not body.get('project_name'):
        project = sim.accounts.projects.get(sim.default_project_id)
    user = project and sim.accounts.first_user_of(project['id'])
    if user is None:
        raise ControlError('no user of the configured accounts is a member of that project')
    lifetime = body.get('lifetime', sim.config['token_lifetime'])
    if not _is_number(lifetime):
        raise ControlError('lifetime must be a number of seconds (<= 0 mints an expired token)')
    token, record = sim.tokens.issue(user, project, lifetime, sim.now())
    return {'token': token, 'expires_at': iam_time(record['expires_at']), 'project_id': project['id']}


def handle_control(sim, method, path, query, body):
    """Answer one ``/_sim/...`` request: returns (HTTP status, JSON document)."""
    try:
        route = (method, path.rstrip('/'))
        if route == ('GET', '/_sim/requests'):
            return 200, {'requests': sim.log.since(int(query.get('since', 0)))}
        if route == ('DELETE', '/_sim/requests'):
            return 200, {'requests': sim.log.take()}
        if route == ('GET', '/_sim/faults'):
            return 200, {'faults': sim.faults.snapshot()}
        if route == ('POST', '/_sim/faults'):
            if body == []:
                raise ControlError('give a fault object or a non-empty list of them')
            sim.faults.add([normalize_fault(raw) for raw in (body if isinstance(body, list) else [body])])
            return 200, {'faults': sim.faults.snapshot()}
        if route == ('DELETE', '/_sim/faults'):
            sim.faults.clear()
            return 200, {'faults': []}
        if route == ('POST', '/_sim/seed'):
            return 200, _seed(sim, body)
        if route == ('GET', '/_sim/tasks'):
            return 200, {'tasks': sim.store.all_tasks(query.get('project_id'), query.get('instance_id'), sim.now_ms())}
        if route == ('POST', '/_sim/datasources'):
            return 200, _seed_datasources(sim, body)
        if route == ('GET', '/_sim/datasources'):
            return 200, {'datasources': sim.store.all_datasources(query.get('project_id'), query.get('instance_id'))}
        if route == ('GET', '/_sim/databases'):
            return 200, {'databases': sim.store.all_databases()}
        if route == ('POST', '/_sim/databases'):
            return 200, _declare_databases(sim, body)
        if route == ('DELETE', '/_sim/databases'):
            port = query.get('port')
            forgotten = sim.store.forget_databases(query.get('host') or None, str(int(port)) if port else None)
            return 200, {'forgotten': forgotten, 'databases': sim.store.all_databases()}
        if route == ('GET', '/_sim/mappings'):
            return 200, {'mappings': sim.store.all_mappings(query.get('project_id'), query.get('instance_id'), query.get('task_id'))}
        if route == ('GET', '/_sim/inits'):
            return 200, {'inits': sim.store.all_pending(query.get('project_id'), query.get('instance_id'))}
        if route == ('POST', '/_sim/outcomes'):
            return 200, _set_outcome(sim, body)
        if route == ('GET', '/_sim/outcomes'):
            return 200, {'outcomes': sim.store.all_outcomes()}
        if route == ('DELETE', '/_sim/outcomes'):
            sim.store.clear_outcomes()
            return 200, {'outcomes': []}
        if route == ('POST', '/_sim/reset'):
            sim.reset()
            return 200, {'reset': True}
        if route == ('POST', '/_sim/tokens'):
            return 200, _mint_token(sim, body)
        if route == ('GET', '/_sim/config'):
            return 200, dict(sim.config)
        if route == ('POST', '/_sim/config'):
            sim.config.update(_config_update(body))
            return 200, dict(sim.config)
    except ControlError as error:
        return 400, {'error': str(error)}
    except ValueError as error:
        return 400, {'error': 'bad query parameter: %s' % error}
    return 404, {'error': 'no control route %s %s' % (method, path)}
