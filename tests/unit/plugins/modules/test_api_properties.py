# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Property-based tests of what comes back from the API: new enum values, missing or mistyped fields, odd pages
and task_detail documents never crash a module.  A run either succeeds or fails with one line (never a traceback),
and the returned tasks keep their documented shape.  Against a server that keeps state, what must always hold:
check mode sends only GETs and foretells the real run, and a second identical run changes and writes nothing.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.hwcloud.roma.plugins.module_utils.client import HttpTransport, Response
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import TASK_FIELDS, normalize_task
from ansible_collections.hwcloud.roma.plugins.modules import fdi_composite_task, fdi_composite_task_info
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    INSTANCE_ID,
    NAME,
    TASK_ID,
    fdi_error,
    list_entity,
    page,
    server_task,
    show_document,
)

# derandomize: see test_input_properties.py
PURE = settings(max_examples=200, deadline=None, derandomize=True)
MODULE_RUNS = settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2, 2**63), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
JSON = st.recursive(
    SCALARS, lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)), max_leaves=8
)
# values the API documents, values it may add one day, and anything else
VALUES = st.one_of(
    JSON,
    st.sampled_from(
        [
            'REALTIME',
            'realtime',
            'TIMING',
            'STREAMING',
            '',
            'running',
            'stop',
            'stopped',
            'paused',
            0,
            1,
            7,
            -1,
            'INSERT',
            ['INSERT', 'MERGE'],
            ['insert'],
            {'INSERT': True},
        ]
    ),
)
TASK_KEYS = [
    'task_id',
    'task_name',
    'task_type',
    'status',
    'execute_status',
    'description',
    'task_tag',
    'operation_types',
    'source_app_id',
    'target_app_id',
    'ext_type',
    'created_date',
    'brand_new_field',
]


def task_object():
    """A list entity or a show ``task``: any subset of the known keys (and a new one), with any values; often our task."""
    return st.builds(
        lambda fields, name, task_id: dict(fields, **name, **task_id),
        st.dictionaries(st.sampled_from(TASK_KEYS), VALUES, max_size=len(TASK_KEYS)),
        st.sampled_from([{}, {'task_name': NAME}]),
        st.sampled_from([{}, {'task_id': TASK_ID}]),
    )


TASK_DETAIL = st.one_of(VALUES, JSON.map(json.dumps), st.builds(lambda ops: json.dumps({'multi_task': {'operation_types': ops}}), VALUES), st.just('{not json'))


def mostly(documented, anything):
    """Three in four draws are shaped as documented (so runs get past the first answer), the others anything."""
    return st.one_of(documented, documented, documented, anything)


SHOW = mostly(st.fixed_dictionaries({'task': task_object()}, optional={'task_detail': TASK_DETAIL}), JSON)
PAGE = mostly(st.fixed_dictionaries({'entities': st.lists(mostly(task_object(), VALUES), max_size=3)}, optional={'total': VALUES, 'size': VALUES}), JSON)
WRITE = st.one_of(st.just({'task_id': TASK_ID}), JSON)
BATCH = st.one_of(st.just({'success_count': 1, 'failure_count': 0, 'success': [], 'failure': []}), st.fixed_dictionaries({'failure': VALUES}), JSON)


@PURE
@given(entity=st.one_of(st.none(), task_object()), shown=st.one_of(st.none(), SHOW.filter(lambda value: isinstance(value, dict))))
def test_normalize_task_keeps_the_documented_shape(entity, shown):
    task = normalize_task(entity, shown)
    assert set(TASK_FIELDS) <= set(task)
    for field in TASK_FIELDS:
        if field == 'operation_types':
            assert task[field] is None or all(isinstance(item, str) for item in task[field])
        else:
            assert task[field] is None or isinstance(task[field], str), (field, task[field])


class Server:
    """ROMA Connect answering with drawn documents: list pages, show documents, write answers."""

    def __init__(self, page, shown, write, batch, status):
        self.page, self.shown, self.write, self.batch, self.status = page, shown, write, batch, status
        self.requests = 0

    def as_transport_method(self):
        """A function to put in place of ``HttpTransport.request``."""

        def request(transport, method, url, body=None, headers=None):
            return self(transport, method, url, body)

        return request

    def __call__(self, transport, method, url, body=None):  # pylint: disable=unused-argument
        self.requests += 1
        assert self.requests < 50, 'the module keeps sending requests'
        if method == 'GET' and url.split('?')[0].endswith('/tasks'):
            status, document = 200, self.page
        elif method == 'GET':
            status, document = self.status, self.shown
        elif '/batch-operation/' in url:
            status, document = 200, self.batch
        else:
            status, document = 200 if method != 'DELETE' else 204, self.write
        return Response(status, {'Content-Type': 'application/json'}, json.dumps(document).encode('utf-8') if status != 204 else b'')


def assert_clean(result, output):
    assert 'Traceback' not in output and 'exception' not in result, output
    if result.get('failed'):
        assert isinstance(result['msg'], str) and result['msg'] and '\n' not in result['msg'], result['msg']
    for task in ([result['task']] if 'task' in result else []) + result.get('tasks', []):
        assert isinstance(task, dict)
        for field in set(TASK_FIELDS) & set(task):
            value = task[field]
            assert value is None or isinstance(value, (list, str)), (field, value)


SERVERS = st.builds(Server, PAGE, SHOW, WRITE, BATCH, st.sampled_from([200, 200, 200, 200, 200, 400, 404]))
TASK_ARGS = st.fixed_dictionaries(
    {'state': st.sampled_from(['present', 'absent', 'started', 'stopped'])},
    optional={
        'name': st.just(NAME),
        'task_id': st.just(TASK_ID),
        'description': st.sampled_from(['', 'changed']),
        'operation_types': st.sampled_from([['INSERT'], ['INSERT', 'UPDATE', 'DELETE']]),
        'tag': st.just('sales-sync'),
        'source_app_id': st.just('app-source'),
        'task_type': st.sampled_from(['REALTIME', 'TIMING']),
    },
).filter(lambda args: 'name' in args or 'task_id' in args)


@MODULE_RUNS
@given(server=SERVERS, args=TASK_ARGS, check_mode=st.booleans(), diff=st.booleans())
def test_fdi_composite_task_survives_any_answer(capsys, monkeypatch, server, args, check_mode, diff):
    monkeypatch.setattr(HttpTransport, 'request', server.as_transport_method())
    if args['state'] != 'absent':
        args.setdefault('name', NAME)
        args.setdefault('operation_types', ['INSERT'])
    run = ModuleRunner(capsys, fdi_composite_task.main)
    result = run(dict(args, retries=0), check_mode=check_mode, diff=diff)
    assert_clean(result, run.output)


INFO_ARGS = st.fixed_dictionaries(
    {},
    optional={
        'name': st.just(NAME),
        'task_id': st.just(TASK_ID),
        'status': st.sampled_from(['running', 'stopped']),
        'tag': st.just('sales-sync'),
        'details': st.booleans(),
        'source_app_id': st.just('app-source'),
    },
)


@MODULE_RUNS
@given(server=SERVERS, args=INFO_ARGS)
def test_fdi_composite_task_info_survives_any_answer(capsys, monkeypatch, server, args):
    monkeypatch.setattr(HttpTransport, 'request', server.as_transport_method())
    run = ModuleRunner(capsys, fdi_composite_task_info.main)
    result = run(dict(args, retries=0))
    assert_clean(result, run.output)


# -- what must always hold against a server that keeps state (issue 14 item 15) -------------------------------------


class StatefulRoma:
    """A small ROMA Connect that remembers its tasks: list (paged, fuzzy name), show, create, update, delete, start/stop.

    It refuses to change or delete a running task (FDI.3023) and answers an unknown task with 400 FDI.3021, as the
    service does, so a run that forgets to stop a task or sends a wrong request fails here.
    """

    def __init__(self, tasks):
        self.tasks = dict((task['task_id'], dict(task)) for task in tasks)
        self.methods = []

    def as_transport_method(self):
        def request(transport, method, url, body=None, headers=None):
            return self(transport, method, url, body)

        return request

    def __call__(self, transport, method, url, data=None):  # pylint: disable=unused-argument
        self.methods.append(method)
        assert len(self.methods) < 60, 'the module keeps sending requests'
        parts = urlsplit(url)
        path = parts.path.split('/fdi/instances/%s/' % INSTANCE_ID, 1)[1]
        body = json.loads(data.decode('utf-8')) if data else None
        status, document = self.answer(method, path.split('/'), dict(parse_qsl(parts.query)), body)
        return Response(status, {'Content-Type': 'application/json'}, json.dumps(document).encode('utf-8') if document is not None else b'')

    def answer(self, method, route, query, body):
        missing = (400, fdi_error('FDI.3021', 'One or more tasks do not exist.'))
        running = (400, fdi_error('FDI.3023', 'One or more tasks are running.'))
        if method == 'GET' and route == ['tasks']:
            matching = [task for task in self.tasks.values() if query.get('name', '') in task['task_name']]
            offset, limit = int(query.get('offset', 0)), int(query.get('limit', 10))
            return 200, page([list_entity(task) for task in matching[offset : offset + limit]], total=len(matching))
        if route[0] == 'tasks' and len(route) == 2:
            task = self.tasks.get(route[1])
            if task is None:
                return missing
            if method == 'GET':
                return 200, show_document(task)
            if task['running']:
                return running
            del self.tasks[route[1]]
            return 204, None
        if method == 'POST' and route == ['multi-tasks']:
            assert body['task_id'] not in self.tasks, 'a second create of task %s' % body['task_id']
            self.tasks[body['task_id']] = server_task(
                task_id=body['task_id'],
                task_name=body['task_name'],
                task_type=body['task_type'],
                description=body.get('description', ''),
                task_tag=body.get('task_tag', ''),
                operation_types=body['operation_types'],
                source_app_id=body.get('source_app_id'),
                target_app_id=body.get('target_app_id'),
            )
            return 200, {'task_id': body['task_id']}
        if method == 'PUT' and route[0] == 'multi-tasks':
            task = self.tasks.get(route[1])
            if task is None:
                return missing
            if task['running']:
                return running
            assert body.get('description', 'x') and body.get('task_tag', 'xxxx'), 'an empty text the API refuses: %s' % body
            task.update((field, body[field]) for field in ('description', 'task_tag', 'operation_types') if field in body)
            return 200, {'task_id': task['task_id']}
        if method == 'POST' and route == ['batch-operation', 'tasks']:
            task = self.tasks.get(body['list'][0]['task_id'])
            if task is None:
                return missing
            task['running'] = body['action_id'] == 'start'
            return 200, {'success_count': 1, 'failure_count': 0, 'success': [{'task_id': task['task_id']}], 'failure': []}
        raise AssertionError('unexpected request %s %s' % (method, '/'.join(route)))


EXISTING = st.one_of(
    st.just([]),
    st.builds(
        lambda running, description, tag, operation_types, task_type: [
            server_task(running=running, description=description, task_tag=tag, operation_types=operation_types, task_type=task_type)
        ],
        st.booleans(),
        st.sampled_from(['', 'Replicate orders', 'other text']),
        st.sampled_from(['', 'sales-sync']),
        st.sampled_from([['INSERT'], ['INSERT', 'UPDATE'], ['DELETE', 'UPDATE', 'INSERT']]),
        st.sampled_from(['REALTIME', 'TIMING']),
    ),
)
WANTED = st.fixed_dictionaries(
    {'state': st.sampled_from(['present', 'absent', 'started', 'stopped'])},
    optional={
        'name': st.sampled_from([NAME, 'other-task']),
        'task_id': st.sampled_from([TASK_ID, 'my-own-id']),
        'description': st.sampled_from(['', 'Replicate orders', 'changed']),
        'tag': st.sampled_from(['sales-sync', 'ops-team']),
        'operation_types': st.sampled_from([['INSERT'], ['UPDATE', 'INSERT'], ['INSERT', 'UPDATE', 'DELETE']]),
        'task_type': st.sampled_from(['REALTIME', 'TIMING']),
        'repulling_snapshot': st.booleans(),
    },
).filter(lambda args: 'name' in args or 'task_id' in args)


def run_against(capsys, monkeypatch, server, args, check_mode=False):
    monkeypatch.setattr(HttpTransport, 'request', server.as_transport_method())
    run = ModuleRunner(capsys, fdi_composite_task.main)
    result = run(dict(args, retries=0), check_mode=check_mode)
    assert_clean(result, run.output)
    return result


@MODULE_RUNS
@given(existing=EXISTING, args=WANTED)
def test_check_mode_only_reads_and_foretells_the_real_run(capsys, monkeypatch, existing, args):
    checked = StatefulRoma(existing)
    preview = run_against(capsys, monkeypatch, checked, args, check_mode=True)
    assert set(checked.methods) <= {'GET'}, checked.methods
    assert checked.tasks == StatefulRoma(existing).tasks
    real = StatefulRoma(existing)
    outcome = run_against(capsys, monkeypatch, real, args)
    assert preview.get('failed', False) == outcome.get('failed', False), (preview, outcome)
    if not outcome.get('failed'):
        assert preview['changed'] == outcome['changed']
        assert preview['task'] == outcome['task']  # the ID of a task to create too: it is derived from its name


@MODULE_RUNS
@given(existing=EXISTING, args=WANTED)
def test_a_second_identical_run_changes_nothing_and_writes_nothing(capsys, monkeypatch, existing, args):
    """The first run leaves the server as asked; the second reports no change and sends only GETs."""
    server = StatefulRoma(existing)
    first = run_against(capsys, monkeypatch, server, args)
    if first.get('failed'):
        return  # refused (a conflict, a create without what it needs): nothing to converge to
    held = [
        task
        for task in server.tasks.values()
        if task['task_id'] == args.get('task_id', task['task_id']) and task['task_name'] == args.get('name', task['task_name'])
    ]
    if args['state'] == 'absent':
        assert held == []
    else:
        assert len(held) == 1, server.tasks
        for option, field in (('description', 'description'), ('tag', 'task_tag')):
            assert args.get(option) is None or held[0][field] == args[option]
        assert args.get('operation_types') is None or set(held[0]['operation_types']) == set(args['operation_types'])
        assert args['state'] not in ('started', 'stopped') or held[0]['running'] is (args['state'] == 'started')
    server.methods = []
    second = run_against(capsys, monkeypatch, server, args)
    assert second.get('failed', False) is False and second['changed'] is False, (first, second)
    assert set(server.methods) <= {'GET'}, server.methods
