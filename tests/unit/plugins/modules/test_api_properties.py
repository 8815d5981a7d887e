# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Property-based tests of what comes back from the API: new enum values, missing or mistyped fields, odd pages
and task_detail documents never crash a module.  A run either succeeds or fails with one line (never a traceback),
and the returned tasks keep their documented shape.
"""

from __future__ import annotations

import json

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import TASK_FIELDS, normalize_task
from ansible_collections.hwcloud.roma.plugins.modules import fdi_composite_task, fdi_composite_task_info
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import NAME, TASK_ID

# derandomize: see test_input_properties.py
PURE = settings(max_examples=200, deadline=None, derandomize=True)
MODULE_RUNS = settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2, 2 ** 63), st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=12))
JSON = st.recursive(SCALARS, lambda children: st.one_of(st.lists(children, max_size=3),
                                                        st.dictionaries(st.text(max_size=8), children, max_size=3)), max_leaves=8)
# values the API documents, values it may add one day, and anything else
VALUES = st.one_of(JSON, st.sampled_from(['REALTIME', 'realtime', 'TIMING', 'STREAMING', '', 'running', 'stop', 'stopped', 'paused',
                                          0, 1, 7, -1, 'INSERT', ['INSERT', 'MERGE'], ['insert'], {'INSERT': True}]))
TASK_KEYS = ['task_id', 'task_name', 'task_type', 'status', 'execute_status', 'description', 'task_tag', 'operation_types',
             'source_app_id', 'target_app_id', 'ext_type', 'created_date', 'brand_new_field']


def task_object():
    """A list entity or a show ``task``: any subset of the known keys (and a new one), with any values; often our task."""
    return st.builds(lambda fields, name, task_id: dict(fields, **name, **task_id),
                     st.dictionaries(st.sampled_from(TASK_KEYS), VALUES, max_size=len(TASK_KEYS)),
                     st.sampled_from([{}, {'task_name': NAME}]), st.sampled_from([{}, {'task_id': TASK_ID}]))


TASK_DETAIL = st.one_of(VALUES, JSON.map(json.dumps), st.builds(lambda ops: json.dumps({'multi_task': {'operation_types': ops}}), VALUES),
                        st.just('{not json'))


def mostly(documented, anything):
    """Three in four draws are shaped as documented (so runs get past the first answer), the others anything."""
    return st.one_of(documented, documented, documented, anything)


SHOW = mostly(st.fixed_dictionaries({'task': task_object()}, optional={'task_detail': TASK_DETAIL}), JSON)
PAGE = mostly(st.fixed_dictionaries({'entities': st.lists(mostly(task_object(), VALUES), max_size=3)},
                                    optional={'total': VALUES, 'size': VALUES}), JSON)
WRITE = st.one_of(st.just({'task_id': TASK_ID}), JSON)
BATCH = st.one_of(st.just({'success_count': 1, 'failure_count': 0, 'success': [], 'failure': []}),
                  st.fixed_dictionaries({'failure': VALUES}), JSON)


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

    def as_session_method(self):
        """A function to put in place of ``requests.Session.request``."""
        def request(session, method, url, **kwargs):
            return self(session, method, url, **kwargs)
        return request

    def __call__(self, session, method, url, **kwargs):  # pylint: disable=unused-argument
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
        response = requests.Response()
        response.status_code = status
        response.headers['Content-Type'] = 'application/json'
        response._content = json.dumps(document).encode('utf-8') if status != 204 else b''  # pylint: disable=protected-access
        response.url = url
        return response


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
TASK_ARGS = st.fixed_dictionaries({'state': st.sampled_from(['present', 'absent', 'started', 'stopped'])}, optional={
    'name': st.just(NAME), 'task_id': st.just(TASK_ID), 'description': st.sampled_from(['', 'changed']),
    'operation_types': st.sampled_from([['INSERT'], ['INSERT', 'UPDATE', 'DELETE']]), 'tag': st.just('sales-sync'),
    'source_app_id': st.just('app-source'), 'task_type': st.sampled_from(['REALTIME', 'TIMING']),
}).filter(lambda args: 'name' in args or 'task_id' in args)


@MODULE_RUNS
@given(server=SERVERS, args=TASK_ARGS, check_mode=st.booleans(), diff=st.booleans())
def test_fdi_composite_task_survives_any_answer(capsys, monkeypatch, server, args, check_mode, diff):
    monkeypatch.setattr(requests.Session, 'request', server.as_session_method())
    if args['state'] != 'absent':
        args.setdefault('name', NAME)
        args.setdefault('operation_types', ['INSERT'])
    run = ModuleRunner(capsys, fdi_composite_task.main)
    result = run(dict(args, retries=0), check_mode=check_mode, diff=diff)
    assert_clean(result, run.output)


INFO_ARGS = st.fixed_dictionaries({}, optional={
    'name': st.just(NAME), 'task_id': st.just(TASK_ID), 'status': st.sampled_from(['running', 'stopped']),
    'tag': st.just('sales-sync'), 'details': st.booleans(), 'source_app_id': st.just('app-source'),
})


@MODULE_RUNS
@given(server=SERVERS, args=INFO_ARGS)
def test_fdi_composite_task_info_survives_any_answer(capsys, monkeypatch, server, args):
    monkeypatch.setattr(requests.Session, 'request', server.as_session_method())
    run = ModuleRunner(capsys, fdi_composite_task_info.main)
    result = run(dict(args, retries=0))
    assert_clean(result, run.output)
