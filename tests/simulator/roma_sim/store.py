"""FDI composite tasks as ROMA Connect keeps them: validation, the API shapes of a task, listing, persistence.

Tasks live per (project_id, instance_id) in insertion-ordered dicts, so "created order"
is free and a name or ID lookup is O(1).  Listing is one pass over the instance's
tasks, which keeps a 10,000-task instance at a few milliseconds per request.
Every rule here either follows the official API (SDK, docs, OpenAPI definitions) or is
one of our choices; docs/api.md lists which is which.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import threading
import time

from . import databases as dbs
from . import datasources as ds
from . import mappings as mp
from . import monitor
from .errors import (
    FdiError,
    choice_query,
    int_query,
    invalid,
    invalid_parameters,
    mapping_mismatch,
    monitor_page_bounds,
    page_bounds,
    task_missing,
    task_running,
)

TASK_NAME_RE = re.compile(r'[A-Za-z0-9][A-Za-z0-9._-]{2,99}')
TASK_ID_RE = re.compile(r'[A-Za-z0-9_-]{3,50}')
TASK_TAG_RE = re.compile(r'[A-Za-z0-9_-]{4,64}')
APP_ID_RE = re.compile(r'.{1,64}', re.DOTALL)
OPERATION_TYPES = ('INSERT', 'UPDATE', 'DELETE')
EXECUTE_STATUSES = ('UNSTARTED', 'WAITING', 'RUNNING', 'SUCCESS', 'CANCELLED', 'ERROR')
DEFAULT_EXT_TYPE = 'CDC'  # the ext_type of a composite task, as the SDK documents it ("CDC for a CDC composite task"); configurable
KINDS = ('composite', 'ordinary')
DEFAULT_LIMIT = 10
MAX_MAPPING_LIMIT = 1000
MAX_DATE_FROM = 9999999999999999999
MAX_BATCH = 10
STATE_FORMAT = 1
DATASOURCE_IN_USE = 'FDI.3208'  # our code: none is documented for deleting a data source that a task uses
NOTHING_TO_REPLICATE = {
    'datasources': 'The task has no source or target data source: there is nothing to replicate.',
    'mappings': 'The task has no table mappings: there is nothing to replicate.',
}


def iso_time(epoch_ms):
    """``2024-01-01T00:00:00.000Z``: the list API's created_date (its format is undocumented)."""
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(epoch_ms // 1000)) + '.%03dZ' % (epoch_ms % 1000)


def _blank(value):
    return value is None or value == '' or value == []


def _text(value, field, pattern):
    """An optional string field: None/"" mean "not given" (returned as ""), anything else must match."""
    if _blank(value):
        return ''
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise invalid(field)
    return value


def _description(value):
    if _blank(value):
        return ''
    if not isinstance(value, str) or len(value) > 1024:
        raise invalid('description')
    return value


def _operation_types(value):
    if (
        not isinstance(value, list)
        or len(value) > 3
        or not all(isinstance(item, str) and item in OPERATION_TYPES for item in value)
        or len(set(value)) != len(value)
    ):
        raise invalid('operation_types')
    return list(value)


def execute_status(task, now_ms):
    """The task's execute_status now: a started task's comes from its latest execution (WAITING, RUNNING, ERROR)."""
    if task['status'] and task.get('executions') and now_ms is not None:
        return monitor.state(task['executions'][-1], now_ms)['execute_status']
    return task['execute_status']


def brief(task, now_ms=None):
    """BriefTaskRespBean (list API) of a task's view (TaskStore.view): upper-case task_type, integer status, no description or operation types."""
    return {
        'task_id': task['task_id'],
        'task_name': task['task_name'],
        'task_type': task['task_type'],
        'status': task['status'],
        'created_date': iso_time(task['created_date']),
        'version': task['version'],
        'last_modified_time': task['last_modified_time'],
        'execute_status': execute_status(task, now_ms),
        'source_app_id': task['source_app_id'],
        'target_app_id': task['target_app_id'],
        'source_instance_id': task['source_instance_id'],
        'target_instance_id': task['target_instance_id'],
        'ext_type': task['ext_type'],
        'enterprise_project_id': task['enterprise_project_id'],
        'task_tag': task['task_tag'],
    }


def detail(task):
    """The show API's ``task_detail`` document of a task's view (serialised to a string by :func:`show`)."""
    return {
        'task_id': task['task_id'],
        'task_name': task['task_name'],
        'task_type': task['task_type'],
        'ext_type': task['ext_type'],
        'description': task['description'],
        'task_tag': task['task_tag'],
        'operation_types': list(task['operation_types']),
        'source_app_id': task['source_app_id'],
        'target_app_id': task['target_app_id'],
        'repulling_snapshot': bool(task['repulling_snapshot']),
        'source_datasource_id': task.get('source_datasource_id', ''),
        'target_datasource_id': task.get('target_datasource_id', ''),
        'ext_info': dict(task.get('ext_info') or {}),
    }


def show(task, datasources=None, stopped_status='stop'):
    """ShowTaskResponse of a task's view: TaskBasicRsp (lower-case task_type, "stop"/"running", empty description/tag omitted) + task_detail.

    A task with data sources also reports their IDs and names (``datasources``: ID -> data source).
    ``stopped_status`` is what a stopped task's ``status`` says (``stop``, or ``stopped`` as the English docs write it).
    """
    shown = {
        'task_id': task['task_id'],
        'task_name': task['task_name'],
        'task_type': task['task_type'].lower(),
        'status': 'running' if task['status'] else stopped_status,
        'project_id': task['project_id'],
        'source_app_id': task['source_app_id'],
        'target_app_id': task['target_app_id'],
        'created_date': task['created_date'],
        'last_modified_date': task['last_modified_time'],
    }
    for field in ('description', 'task_tag'):
        if task[field]:
            shown[field] = task[field]
    for side in ('source', 'target'):
        datasource_id = task.get('%s_datasource_id' % side)
        if datasource_id:
            shown['%s_datasource_id' % side] = datasource_id
            shown['%s_datasource_name' % side] = (datasources or {}).get(datasource_id, {}).get('datasource_name', '')
    return {'task': shown, 'task_detail': json.dumps(detail(task), separators=(',', ':'))}


class TaskStore:
    """Every task of every (project, instance); thread-safe; optionally mirrored to a JSON state file."""

    def __init__(self, state_file=None, default_project_id='', config=None):
        self.state_file = state_file
        self.default_project_id = default_project_id  # for state-file data sources that name no project
        self.config = {} if config is None else config  # the simulator's live config (ext_type, secrets, show status switches)
        self._lock = threading.RLock()
        self._scopes = {}  # (project_id, instance_id) -> {task_id: task}, in creation order
        self._names = {}  # (project_id, instance_id) -> {task_name: task_id}
        self._datasources = {}  # (project_id, instance_id) -> {datasource_id: data source}, in seeding order
        self._pending = {}  # (project_id, instance_id) -> {task_id: initialised task (multi-tasks/init) not created yet}
        self._mappings = {}  # (project_id, instance_id, task_id) -> {mapping_id: mapping}, in creation order
        self._outcomes = {}  # (project_id, instance_id) -> {("task_id" or "task_name", value): outcome} (/_sim/outcomes)
        self._databases = {}  # (host, port) -> declared database server (/_sim/databases): what test-connect and a start reach
        self._seq = 0

    # -- persistence ----------------------------------------------------------------------------

    def load(self):
        """Read the state file if it exists (a missing file is an empty store)."""
        if not self.state_file or not os.path.exists(self.state_file):
            return
        with open(self.state_file, encoding='utf-8') as handle:
            document = json.load(handle)
        with self._lock:
            self._clear()
            for task in sorted(document.get('tasks', []), key=lambda item: item['seq']):
                self._insert(task)
            self._seq = max([self._seq] + [task['seq'] for task in document.get('tasks', [])])
            for raw in document.get('datasources', []):
                project_id, instance_id = raw.get('project_id') or self.default_project_id, raw['instance_id']
                self._put_datasource(ds.normalize(raw, project_id, instance_id, int(time.time() * 1000)))
            for pending in document.get('pending_tasks', []):
                self._pending.setdefault((pending['project_id'], pending['instance_id']), {})[pending['task_id']] = pending
            for mapping in document.get('mappings', []):
                key = (mapping.pop('project_id'), mapping.pop('instance_id'), mapping.pop('task_id'))
                self._mappings.setdefault(key, {})[mapping['id']] = mapping
            for raw in document.get('databases', []):
                self._put_database(dbs.normalize(raw))

    def save(self):
        """Atomically rewrite the state file (temp file + rename), so a crash never leaves half a file."""
        if not self.state_file:
            return
        with self._lock:
            document = {
                'format': STATE_FORMAT,
                'tasks': self.all_tasks(resolved=False),
                'datasources': self.all_datasources(),
                'pending_tasks': self.all_pending(),
                'mappings': self.all_mappings(),
                'databases': self.all_databases(),
            }
            directory = os.path.dirname(os.path.abspath(self.state_file))
            os.makedirs(directory, exist_ok=True)
            handle, temp_path = tempfile.mkstemp(prefix='.roma-sim-state-', dir=directory)
            with os.fdopen(handle, 'w', encoding='utf-8') as stream:
                json.dump(document, stream)
            os.replace(temp_path, self.state_file)

    # -- internals --------------------------------------------------------------------------------

    def _clear(self):
        self._scopes.clear()
        self._names.clear()
        self._datasources.clear()
        self._pending.clear()
        self._mappings.clear()
        self._outcomes.clear()
        self._databases.clear()

    def reset(self):
        with self._lock:
            self._clear()
            self.save()

    def _insert(self, task):
        scope = (task['project_id'], task['instance_id'])
        self._scopes.setdefault(scope, {})[task['task_id']] = task
        self._names.setdefault(scope, {})[task['task_name']] = task['task_id']

    def _new_task(self, project_id, instance_id, fields, now_ms):
        self._seq += 1
        task = {
            'task_id': fields.get('task_id') or self._fresh_id(project_id, instance_id),
            'task_name': fields['task_name'],
            'task_type': 'REALTIME',
            'description': fields.get('description', ''),
            'task_tag': fields.get('task_tag', ''),
            'operation_types': fields['operation_types'],
            'source_app_id': fields.get('source_app_id', ''),
            'target_app_id': fields.get('target_app_id', ''),
            'source_instance_id': '',
            'target_instance_id': '',
            'kind': fields.get('kind', 'composite'),
            'enterprise_project_id': '0',
            'project_id': project_id,
            'instance_id': instance_id,
            'status': fields.get('status', 0),
            'execute_status': 'RUNNING' if fields.get('status') else 'UNSTARTED',
            'created_date': now_ms,
            'last_modified_time': now_ms,
            'version': '1',
            'repulling_snapshot': None,
            'seq': self._seq,
            'source_datasource_id': fields.get('source_datasource_id', ''),
            'target_datasource_id': fields.get('target_datasource_id', ''),
            'ext_info': dict(fields.get('ext_info') or {}),
            'reset_date_from': None,
            'reset_time': None,
            'resets': [],
            'executions': [],
        }
        self._insert(task)
        return task

    def ext_type(self, task):
        """``ext_type`` of a task: the configured ``composite_ext_type`` (CDC by default) for a composite task, null for an ordinary one."""
        if task.get('kind', 'composite') != 'composite':
            return None
        return self.config.get('composite_ext_type', DEFAULT_EXT_TYPE)

    def view(self, task):
        """A task as every answer shows it: its ``ext_type``, and the app IDs of its data sources.

        A task's ``source_app_id``/``target_app_id`` are the applications of its data sources
        once it has them (the IDs its create sent are kept only for a side without one).
        """
        found = self._datasources.get((task['project_id'], task['instance_id']), {})
        shown = dict(task, ext_type=self.ext_type(task))
        shown.pop('kind', None)
        for side in ('source', 'target'):
            datasource = found.get(task.get('%s_datasource_id' % side) or '')
            if datasource is not None:
                shown['%s_app_id' % side] = datasource['app_id']
        return shown

    def _fresh_id(self, project_id, instance_id):
        tasks, pending = self._scopes.get((project_id, instance_id), {}), self._pending.get((project_id, instance_id), {})
        while True:
            task_id = secrets.token_hex(16)
            if task_id not in tasks and task_id not in pending:
                return task_id

    def _find(self, project_id, instance_id, task_id, composite=False):
        """The task (any kind; ``composite``: a composite task only, an ordinary one is "not found")."""
        task = self._scopes.get((project_id, instance_id), {}).get(task_id)
        if task is None or composite and task.get('kind', 'composite') != 'composite':
            raise task_missing()
        return task

    def all_tasks(self, project_id=None, instance_id=None, now_ms=None, resolved=True):
        """Full internal records (``/_sim/tasks``, the state file), in creation order; with ``now_ms`` the current execute_status.

        ``resolved``: as answers show them (ext_type, app IDs of the data sources, ``kind``); else as stored.
        """
        with self._lock:
            tasks = [
                dict(
                    self.view(task) if resolved else task,
                    kind=task.get('kind', 'composite'),
                    operation_types=list(task['operation_types']),
                    execute_status=execute_status(task, now_ms),
                    resets=[dict(reset) for reset in task.get('resets') or []],
                    executions=[dict(execution) for execution in task.get('executions', [])],
                )
                for (project, instance), scope in self._scopes.items()
                if project_id in (None, project) and instance_id in (None, instance)
                for task in scope.values()
            ]
        return sorted(tasks, key=lambda task: task['seq'])

    # -- the API ------------------------------------------------------------------------------------

    def create(self, project_id, instance_id, body, now_ms):
        """POST .../multi-tasks (MultiTaskRequestBody); returns the new task."""
        if not isinstance(body, dict) or _blank(body.get('task_name')) or _blank(body.get('operation_types')):
            raise invalid_parameters()
        fields = {'task_name': _text(body['task_name'], 'task_name', TASK_NAME_RE), 'task_id': _text(body.get('task_id'), 'task_id', TASK_ID_RE)}
        if body.get('task_type') not in (None, '', 'REALTIME'):  # composite tasks are real-time only
            raise invalid('task_type')
        fields['description'] = _description(body.get('description'))
        fields['task_tag'] = _text(body.get('task_tag'), 'task_tag', TASK_TAG_RE)
        fields['operation_types'] = _operation_types(body['operation_types'])
        for field in ('source_app_id', 'target_app_id'):
            fields[field] = _text(body.get(field), field, APP_ID_RE)
        with self._lock:
            scope = (project_id, instance_id)
            if fields['task_name'] in self._names.get(scope, {}):
                raise invalid('task_name')
            if fields['task_id'] in self._scopes.get(scope, {}):
                raise invalid('task_id')
            initialised = self._pending.get(scope, {}).pop(fields['task_id'], None) if fields['task_id'] else None
            if initialised is None:  # a task that was not initialised starts without data sources or mappings
                self._mappings.pop((project_id, instance_id, fields['task_id']), None)
            else:  # adopt what multi-tasks/init prepared: data sources, ext_info and the mappings made since
                fields.update((key, initialised[key]) for key in ('source_datasource_id', 'target_datasource_id', 'ext_info'))
            task = self._new_task(project_id, instance_id, fields, now_ms)
            self.save()
            return dict(task)

    def update(self, project_id, instance_id, task_id, body, now_ms):
        """PUT .../multi-tasks/{task_id} (MultiTaskUpdateBody); other fields in the body are ignored."""
        if not isinstance(body, dict) or _blank(body.get('operation_types')) or body.get('repulling_snapshot') is None:
            raise invalid_parameters()
        operation_types = _operation_types(body['operation_types'])
        if not isinstance(body['repulling_snapshot'], bool):
            raise invalid('repulling_snapshot')
        changes = {'operation_types': operation_types, 'repulling_snapshot': body['repulling_snapshot']}
        if body.get('description') is not None:  # absent: unchanged; "": cleared
            changes['description'] = _description(body['description'])
        if body.get('task_tag') is not None:
            changes['task_tag'] = _text(body['task_tag'], 'task_tag', TASK_TAG_RE)
        with self._lock:
            task = self._find(project_id, instance_id, task_id, composite=True)
            if task['status']:
                raise task_running()
            task.update(changes)
            task['version'] = str(int(task['version']) + 1)
            task['last_modified_time'] = now_ms
            self.save()
            return dict(task)

    def get(self, project_id, instance_id, task_id):
        with self._lock:
            return dict(self._find(project_id, instance_id, task_id))

    def show_task(self, project_id, instance_id, task_id):
        """GET .../tasks/{task_id}: ShowTaskResponse, with the names of the task's data sources."""
        with self._lock:
            return show(
                self.view(self._find(project_id, instance_id, task_id)),
                self._datasources.get((project_id, instance_id), {}),
                self.config.get('show_stopped_status', 'stop'),
            )

    def delete(self, project_id, instance_id, task_id):
        with self._lock:
            task = self._find(project_id, instance_id, task_id)
            if task['status']:
                raise task_running()
            del self._scopes[(project_id, instance_id)][task_id]
            del self._names[(project_id, instance_id)][task['task_name']]
            self._mappings.pop((project_id, instance_id, task_id), None)
            self.save()

    def set_running(self, project_id, instance_id, task_id, running, now_ms, delay_ms=0):
        """Start (status 1, a new execution: WAITING for ``delay_ms``, then RUNNING) or stop (status 0, CANCELLED).

        A no-op when the task already is there: starting a running task (even one whose
        execution failed) starts nothing new.
        """
        with self._lock:
            task = self._find(project_id, instance_id, task_id)
            if bool(task['status']) != running:
                executions = task.setdefault('executions', [])
                if running:
                    failure = self._start_failure(task)
                    if failure is None:
                        outcome = self._outcome_for(task)
                    else:  # the job fails at once in the adapter, whatever outcome the tests set
                        outcome = monitor.outcome({'result': 'error', 'position': 'ADAPTER', 'remarks': failure})
                    executions.append(monitor.new_execution(now_ms, delay_ms, outcome, *self._stages(task)))
                    del executions[: -monitor.MAX_EXECUTIONS]
                elif executions:
                    monitor.cancel(executions[-1], now_ms)
                task['status'] = 1 if running else 0
                task['execute_status'] = ('WAITING' if delay_ms > 0 else 'RUNNING') if running else 'CANCELLED'
                task['last_modified_time'] = now_ms
                self.save()
            return dict(task)

    def _start_failure(self, task):
        """Why a start of ``task`` fails at once in the adapter (a reason for ``remarks``), or None when its job can run.

        A composite task needs a source, a target and at least one mapping: otherwise there is
        nothing to replicate.  Then each data source is connected to with its stored settings,
        as the sync job would: a declared database server that refuses them fails the start
        (addresses nobody declared are not checked).
        """
        if task.get('kind', 'composite') == 'composite':
            if not (task.get('source_datasource_id') and task.get('target_datasource_id')):
                return NOTHING_TO_REPLICATE['datasources']
            if not self._mappings.get((task['project_id'], task['instance_id'], task['task_id'])):
                return NOTHING_TO_REPLICATE['mappings']
        found = self._datasources.get((task['project_id'], task['instance_id']), {})
        for side in ('source', 'target'):
            datasource = found.get(task.get('%s_datasource_id' % side) or '')
            if datasource is None:
                continue
            try:
                dbs.check(self._databases, datasource['content'], unknown_host_ok=True)
            except dbs.Unreachable as error:
                return 'Failed to connect to the %s: %s' % (side, error)
        return None

    def batch(self, project_id, instance_id, body, now_ms, delay_ms=0):
        """POST .../batch-operation/tasks: start or stop up to 10 tasks, reporting each one."""
        if not isinstance(body, dict):
            raise invalid_parameters()
        action = body.get('action_id')
        if action not in ('start', 'stop'):
            raise invalid('action_id')
        items = body.get('list')
        if _blank(items):
            raise FdiError('FDI.3150', 'The task list is empty.')
        if not isinstance(items, list) or len(items) > MAX_BATCH or not all(isinstance(item, dict) for item in items):
            raise invalid('list')
        task_ids = [item.get('task_id') for item in items]
        if any(_blank(task_id) for task_id in task_ids):
            raise FdiError('FDI.3022', 'One or more tasks have empty task IDs.')
        if not all(isinstance(task_id, str) for task_id in task_ids):
            raise invalid('list')
        result = {'success_count': 0, 'failure_count': 0, 'success': [], 'failure': []}
        with self._lock:
            for task_id in task_ids:
                try:
                    task = self.set_running(project_id, instance_id, task_id, action == 'start', now_ms, delay_ms)
                except FdiError as error:
                    result['failure'].append({'task_id': task_id, 'task_name': '', 'error_code': error.code, 'error_msg': error.message})
                else:
                    result['success'].append({'task_id': task_id, 'task_name': task['task_name']})
        result['success_count'], result['failure_count'] = len(result['success']), len(result['failure'])
        return result

    def list_page(self, project_id, instance_id, query, max_limit, now_ms=None):
        """GET .../tasks: filters, sorting and record-offset paging; returns ``{total, size, entities}``.

        ``limit=0`` is "not given" (older docs allow 0): the default page of 10.
        """
        offset = max(int_query(query, 'offset', 0), 0)
        limit = int_query(query, 'limit', DEFAULT_LIMIT) or DEFAULT_LIMIT
        if limit < 1:
            raise invalid('limit')
        limit = min(limit, max_limit)
        exact = {}
        status = choice_query(query, 'status', ('0', '1'))
        if status is not None:
            exact['status'] = int(status)
        task_type = choice_query(query, 'task_type', ('realtime', 'timing'))
        if task_type is not None:
            exact['task_type'] = task_type.upper()
        exact.update((name, query[name]) for name in ('task_id', 'task_tag', 'source_datasource_id', 'target_datasource_id') if query.get(name))
        apps = dict((name, query[name]) for name in ('source_app_id', 'target_app_id') if query.get(name))
        either_datasource = query.get('datasource_id') or None
        wanted_status = choice_query(query, 'execute_status', EXECUTE_STATUSES)
        sort_field = choice_query(query, 'sort_field', ('CREATED_DATE', 'STATUS'))
        sort_type = choice_query(query, 'sort_type', ('ASC', 'DESC'))
        name = query.get('name') or query.get('task_name') or None
        with self._lock:
            scope = self._scopes.get((project_id, instance_id), {})
            if 'task_id' in exact:
                matches = [scope[exact['task_id']]] if exact['task_id'] in scope else []
            else:
                matches = list(scope.values())
            if name is not None:
                matches = [task for task in matches if name in task['task_name']]
            for key, value in exact.items():  # one cheap pass per filter keeps 10,000 tasks at about a millisecond
                matches = [task for task in matches if task.get(key, '') == value]
            if either_datasource is not None:
                matches = [task for task in matches if either_datasource in (task.get('source_datasource_id'), task.get('target_datasource_id'))]
            if apps:  # the app IDs a task shows: its data sources' applications
                matches = [task for task in matches if all(self.view(task)[key] == value for key, value in apps.items())]
            if wanted_status is not None:
                matches = [task for task in matches if execute_status(task, now_ms) == wanted_status]
            if sort_type == 'DESC':
                matches.reverse()
            if sort_field == 'STATUS':  # stable: creation order (reversed for DESC) within each status
                matches.sort(key=lambda task: task['status'], reverse=sort_type == 'DESC')
            entities = [brief(self.view(task), now_ms) for task in matches[offset : offset + limit]]
        return {'total': len(matches), 'size': len(entities), 'entities': entities}

    def seed(self, project_id, instance_id, count, name_prefix, operation_types, status, now_ms, start=0, kind='composite'):
        """Bulk-create ``count`` tasks named ``{name_prefix}{n:05d}`` for n from ``start`` (test setup: names must be free).

        ``kind``: ``composite`` (FDI composite tasks, as ``POST multi-tasks`` makes them) or ``ordinary`` (tasks of
        other kinds, ext_type null: the composite-only routes do not see them).
        """
        if kind not in KINDS:
            raise ValueError('kind must be one of %s' % ', '.join(KINDS))
        names = ['%s%05d' % (name_prefix, number) for number in range(start, start + count)]
        with self._lock:
            taken = self._names.get((project_id, instance_id), {})
            clash = next((name for name in names if name in taken), None)
            if clash is not None:
                raise ValueError('task name %s already exists in instance %s' % (clash, instance_id))
            created = [
                self._new_task(
                    project_id, instance_id, {'task_name': name, 'operation_types': list(operation_types), 'status': status, 'kind': kind}, now_ms + index
                )['task_id']
                for index, name in enumerate(names)
            ]
            self.save()
        return created

    # -- data sources ---------------------------------------------------------------------------------

    def _put_datasource(self, datasource):
        self._datasources.setdefault((datasource['project_id'], datasource['instance_id']), {})[datasource['datasource_id']] = datasource

    def seed_datasources(self, project_id, instance_id, raws, now_ms):
        """Add data sources (test setup); one with an ID that exists replaces it.  ValueError names a bad field."""
        normalized = [ds.normalize(raw, project_id, instance_id, now_ms) for raw in raws]
        with self._lock:
            for datasource in normalized:
                self._put_datasource(datasource)
            self.save()
        return [datasource['datasource_id'] for datasource in normalized]

    def all_datasources(self, project_id=None, instance_id=None):
        """Full internal records, tables included (``/_sim/datasources``, the state file)."""
        with self._lock:
            return [
                json.loads(json.dumps(dict(datasource, tables=self.tables(datasource))))
                for (project, instance), scope in self._datasources.items()
                if project_id in (None, project) and instance_id in (None, instance)
                for datasource in scope.values()
            ]

    def tables(self, datasource):
        """name -> columns: a seeded data source's own tables; one created through the API has those of the declared database it points at."""
        if datasource.get('origin') == 'api':
            return dbs.tables_at(self._databases, datasource['content'])
        return datasource['tables']

    def _datasource(self, project_id, instance_id, datasource_id, field='datasource_id'):
        """The data source, or 400 FDI.3033 naming ``field`` (no "data source not found" code is documented)."""
        datasource = self._datasources.get((project_id, instance_id), {}).get(datasource_id)
        if datasource is None:
            raise invalid(field)
        return datasource

    def _secrets_mode(self):
        return self.config.get('datasource_secrets', 'omit')

    def list_datasources(self, project_id, instance_id, query, max_limit):
        """GET .../datasources: ``name`` substring, exact ``datasource_type``/``app_id``/``custom_plugin_id``, record-offset paging."""
        offset, limit = page_bounds(query, max_limit)
        kind = choice_query(query, 'datasource_type', ds.DATASOURCE_TYPES)
        choice_query(query, 'sort_field', ('CREATED_DATE',))
        descending = choice_query(query, 'sort_type', ('ASC', 'DESC')) == 'DESC'
        name = query.get('name') or None
        exact = dict((field, query[field]) for field in ('app_id', 'custom_plugin_id') if query.get(field))
        if kind is not None:
            exact['datasource_type'] = kind
        with self._lock:
            matches = [
                datasource
                for datasource in self._datasources.get((project_id, instance_id), {}).values()
                if (name is None or name in datasource['datasource_name']) and all(datasource[field] == value for field, value in exact.items())
            ]
            matches.sort(key=lambda datasource: datasource['create_time'])  # stable: seeding order within one time
            if descending:
                matches.reverse()
            entities = [ds.response(datasource, self._secrets_mode()) for datasource in matches[offset : offset + limit]]
        return {'total': len(matches), 'size': len(entities), 'entities': entities}

    def show_datasource(self, project_id, instance_id, datasource_id):
        with self._lock:
            return ds.response(self._datasource(project_id, instance_id, datasource_id), self._secrets_mode())

    def _name_taken(self, project_id, instance_id, name, other_than=None):
        return any(
            datasource['datasource_name'] == name and datasource['datasource_id'] != other_than
            for datasource in self._datasources.get((project_id, instance_id), {}).values()
        )

    def create_datasource(self, project_id, instance_id, body, now_ms):
        """POST .../datasources (DatasourceInfo): the new DataSourceRsp; a name taken in the instance is FDI.3033 [datasource_name]."""
        fields = ds.check_info(body)
        with self._lock:
            if self._name_taken(project_id, instance_id, fields['datasource_name']):
                raise invalid('datasource_name')
            scope = self._datasources.get((project_id, instance_id), {})
            app_name = next((other['app_name'] for other in scope.values() if other['app_id'] == fields['app_id'] and other['app_name']), '')
            datasource_id = secrets.token_hex(16)
            while datasource_id in scope:
                datasource_id = secrets.token_hex(16)
            datasource = ds.normalize(
                dict(fields, datasource_id=datasource_id, app_name=app_name, origin='api', create_time=now_ms), project_id, instance_id, now_ms
            )
            self._put_datasource(datasource)
            self.save()
            return ds.response(datasource, self._secrets_mode())

    def update_datasource(self, project_id, instance_id, datasource_id, body, now_ms):
        """PUT .../datasources/{id} (DatasourceInfo): name, content (replaced whole) and description; type and application stay."""
        fields = ds.check_info(body)
        with self._lock:
            datasource = self._datasource(project_id, instance_id, datasource_id)
            for field in ('datasource_type', 'app_id'):
                if fields[field] != datasource[field]:
                    raise invalid(field)
            if self._name_taken(project_id, instance_id, fields['datasource_name'], other_than=datasource_id):
                raise invalid('datasource_name')
            datasource.update(
                datasource_name=fields['datasource_name'],
                content=fields['content'],
                description=fields['description'],
                update_time=max(now_ms, datasource['update_time'] + 1),
            )
            self.save()
            return ds.response(datasource, self._secrets_mode())

    def _users_of(self, project_id, instance_id, datasource_id):
        """IDs of the tasks and initialised task IDs whose source or target is the data source."""
        owners = list(self._scopes.get((project_id, instance_id), {}).values()) + list(self._pending.get((project_id, instance_id), {}).values())
        return [owner['task_id'] for owner in owners if datasource_id in (owner.get('source_datasource_id'), owner.get('target_datasource_id'))]

    def delete_datasource(self, project_id, instance_id, datasource_id):
        """DELETE .../datasources/{id}: refused (400 FDI.3208) while any task, running or not, or initialised task ID uses it."""
        with self._lock:
            self._datasource(project_id, instance_id, datasource_id)
            if self._users_of(project_id, instance_id, datasource_id):
                raise FdiError(DATASOURCE_IN_USE, 'The data source is used by one or more tasks.')
            del self._datasources[(project_id, instance_id)][datasource_id]
            self.save()

    def test_datasource(self, project_id, instance_id, datasource_id, body):
        """POST .../datasources/{id}/test-connect (DatasourceInfo): connect with the settings *in the body* to the declared servers.

        ``{"result": true}``, or 400 FDI.3016 "Failed to test the connectivity. <reason>".
        """
        fields = ds.check_info(body, content_required=False)
        with self._lock:
            self._datasource(project_id, instance_id, datasource_id)
            try:
                dbs.check(self._databases, fields['content'])
            except dbs.Unreachable as error:
                raise FdiError('FDI.3016', 'Failed to test the connectivity. %s' % error)
        return {'result': True}

    def datasource_tables(self, project_id, instance_id, datasource_id, query):
        """GET .../datasources/{id}/tables: ``{"tables": [names]}``, ``filter`` a case-sensitive substring."""
        ds.check_position(query)
        wanted = query.get('filter') or ''
        with self._lock:
            tables = list(self.tables(self._datasource(project_id, instance_id, datasource_id)))
        return {'tables': [table for table in tables if wanted in table]}

    def datasource_columns(self, project_id, instance_id, datasource_id, query):
        """GET .../datasources/{id}/columns?table_name=: ``{"columns": [ColumnInfo]}``; an unknown table is FDI.3033 [table_name]."""
        ds.check_position(query)
        with self._lock:
            columns = ds.table_columns(self.tables(self._datasource(project_id, instance_id, datasource_id)), query.get('table_name') or '')
        if columns is None:
            raise invalid('table_name')
        return {'columns': columns}

    # -- declared database servers (/_sim/databases) ---------------------------------------------------------

    def _put_database(self, server):
        self._databases[(server['host'], server['port'])] = server

    def declare_databases(self, raws):
        """Declare database servers; one at a host and port already declared is replaced.  ValueError names a bad field."""
        servers = [dbs.normalize(raw) for raw in raws]
        with self._lock:
            for server in servers:
                self._put_database(server)
            self.save()
        return servers

    def all_databases(self):
        with self._lock:
            return json.loads(json.dumps(list(self._databases.values())))

    def forget_databases(self, host=None, port=None):
        """Drop every declared server, or those at ``host`` (and ``port``); returns how many."""
        with self._lock:
            gone = [key for key in self._databases if host in (None, key[0]) and port in (None, key[1])]
            for key in gone:
                del self._databases[key]
            self.save()
        return len(gone)

    # -- multi-tasks/init, mappings, reset ------------------------------------------------------------

    def all_pending(self, project_id=None, instance_id=None):
        """Initialised task IDs not created yet (``/_sim/inits``, the state file)."""
        with self._lock:
            return [
                dict(pending, ext_info=dict(pending['ext_info']))
                for (project, instance), scope in self._pending.items()
                if project_id in (None, project) and instance_id in (None, instance)
                for pending in scope.values()
            ]

    def all_mappings(self, project_id=None, instance_id=None, task_id=None):
        """Every mapping, flat, each with its project_id, instance_id and task_id (``/_sim/mappings``, the state file)."""
        with self._lock:
            return [
                dict(mp.shown(mapping), project_id=project, instance_id=instance, task_id=task)
                for (project, instance, task), scope in self._mappings.items()
                if project_id in (None, project) and instance_id in (None, instance) and task_id in (None, task)
                for mapping in scope.values()
            ]

    def _owner(self, project_id, instance_id, task_id):
        """The task, or the initialised (not yet created) task, that mappings belong to; not found otherwise."""
        scope = (project_id, instance_id)
        owner = self._scopes.get(scope, {}).get(task_id) or self._pending.get(scope, {}).get(task_id)
        if owner is None or owner.get('kind', 'composite') != 'composite':  # an ordinary task has no mappings to see
            raise task_missing()
        return owner

    def init(self, project_id, instance_id, body, now_ms):
        """POST .../multi-tasks/init (MultiTaskInitBody): prepare a task ID, its data sources and (auto_mapping) its mappings.

        The result is kept as an *initialised* task ID until ``POST multi-tasks`` with that
        ``task_id`` adopts it.  Initialising an ID again replaces what the first call prepared
        (a retried init is harmless); an ID that already is a task is refused (FDI.3033 [task_id]).
        """
        body = {} if body is None else body
        if not isinstance(body, dict):
            raise invalid_parameters()
        task_id = _text(body.get('task_id'), 'task_id', TASK_ID_RE)
        fields = {}
        for side in ('source', 'target'):
            field = '%s_datasource_id' % side
            fields[field] = mp.optional_text(body.get(field), field, mp.MAX_ID) or ''
        fields['ext_info'] = mp.ext_info(body.get('ext_info'))
        auto_mapping = body.get('auto_mapping')
        if auto_mapping is not None and not isinstance(auto_mapping, bool):
            raise invalid('auto_mapping')
        if auto_mapping and not (fields['source_datasource_id'] and fields['target_datasource_id']):
            raise invalid_parameters()
        with self._lock:
            scope = (project_id, instance_id)
            if task_id in self._scopes.get(scope, {}):
                raise invalid('task_id')
            found = dict(
                (side, self._datasource(project_id, instance_id, fields['%s_datasource_id' % side], '%s_datasource_id' % side))
                for side in ('source', 'target')
                if fields['%s_datasource_id' % side]
            )
            if 'source' in found and found['source']['datasource_type'] == 'MYSQL' and not fields['ext_info']:
                raise invalid('ext_info.server_id')  # change data capture from MySQL needs the server ID
            task_id = task_id or self._fresh_id(project_id, instance_id)
            pending = dict(fields, task_id=task_id, project_id=project_id, instance_id=instance_id, created_time=now_ms)
            self._pending.setdefault(scope, {})[task_id] = pending
            mappings = self._mappings[(project_id, instance_id, task_id)] = {}
            if auto_mapping:
                source_tables, target_tables = self.tables(found['source']), self.tables(found['target'])
                for table, columns in source_tables.items():
                    if table in target_tables:
                        mapping_fields = {'source_table': table, 'target_table': table, 'source_columns': None, 'target_columns': None, 'mapping_columns': None}
                        mapping = mp.build(self._fresh_mapping_id(), mapping_fields, columns, target_tables[table], 'AUTO', now_ms)
                        mappings[mapping['id']] = mapping
            self.save()
            return [self._element(pending, list(mappings.values())[:DEFAULT_LIMIT], len(mappings))]

    def _fresh_mapping_id(self):
        return secrets.token_hex(16)

    def _element(self, owner, mappings, total):
        return mp.element(owner, self._datasources.get((owner['project_id'], owner['instance_id']), {}), mappings, total)

    def _mapping_context(self, project_id, instance_id, task_id, fields):
        """(owner, source data source, target data source) for a mapping write, after the task and data-source checks."""
        owner = self._owner(project_id, instance_id, task_id)
        if owner.get('status'):
            raise task_running()
        for side in ('source', 'target'):
            field = '%s_datasource_id' % side
            if owner.get(field) and owner[field] != fields[field]:
                raise mapping_mismatch()  # a task has one source and one target data source
        if fields['ext_info'] and owner.get('ext_info') and fields['ext_info'] != owner['ext_info']:
            raise mapping_mismatch()
        source = self._datasource(project_id, instance_id, fields['source_datasource_id'], 'source_datasource_id')
        target = self._datasource(project_id, instance_id, fields['target_datasource_id'], 'target_datasource_id')
        if source['datasource_type'] == 'MYSQL' and not (fields['ext_info'] or owner.get('ext_info')):
            raise invalid('ext_info.server_id')
        if fields['source_table'] not in self.tables(source) or fields['target_table'] not in self.tables(target):
            raise mapping_mismatch()
        return owner, source, target

    def _write_mapping(self, project_id, instance_id, task_id, mapping_id, body, now_ms):
        """Create (``mapping_id`` None) or modify one mapping; returns its ID."""
        fields = mp.check_body(body)
        with self._lock:
            owner, source, target = self._mapping_context(project_id, instance_id, task_id, fields)
            mappings = self._mappings.setdefault((project_id, instance_id, task_id), {})
            if mapping_id is not None and mapping_id not in mappings:
                raise task_missing()
            pair = (fields['source_table'], fields['target_table'])
            if any((other['source_table'], other['target_table']) == pair for other in mappings.values() if other['id'] != mapping_id):
                raise mapping_mismatch()  # the pair is a mapping's identity in its task
            try:
                mapping = mp.build(
                    mapping_id or self._fresh_mapping_id(),
                    fields,
                    self.tables(source)[fields['source_table']],
                    self.tables(target)[fields['target_table']],
                    'MANUAL' if mapping_id is None else 'UPDATE',
                    now_ms,
                )
            except KeyError:  # a mapped column that is not in its table
                raise mapping_mismatch()
            mappings[mapping['id']] = mapping
            for side in ('source', 'target'):  # a task made without init takes the data sources of its first mapping
                owner['%s_datasource_id' % side] = fields['%s_datasource_id' % side]
            if fields['ext_info'] and not owner.get('ext_info'):
                owner['ext_info'] = dict(fields['ext_info'])
            self.save()
            return mapping['id']

    def create_mapping(self, project_id, instance_id, task_id, body, now_ms):
        """POST .../multi-tasks/{task_id}/mappings: ``{"mapping_id"}``."""
        return {'mapping_id': self._write_mapping(project_id, instance_id, task_id, None, body, now_ms)}

    def update_mapping(self, project_id, instance_id, task_id, mapping_id, body, now_ms):
        """PUT .../multi-tasks/{task_id}/mappings/{mapping_id}: ``{"mapping_id"}``."""
        return {'mapping_id': self._write_mapping(project_id, instance_id, task_id, mapping_id, body, now_ms)}

    def delete_mapping(self, project_id, instance_id, task_id, mapping_id):
        """DELETE .../multi-tasks/{task_id}/mappings/{mapping_id}: 200 ``{"mapping_id"}``."""
        with self._lock:
            owner = self._owner(project_id, instance_id, task_id)
            if owner.get('status'):
                raise task_running()
            mappings = self._mappings.get((project_id, instance_id, task_id), {})
            if mapping_id not in mappings:
                raise task_missing()
            del mappings[mapping_id]
            self.save()
        return {'mapping_id': mapping_id}

    def list_mappings(self, project_id, instance_id, task_id, query):
        """GET .../multi-tasks/{task_id}/mappings: the init-element shape with one page of ``mappings`` and their total."""
        offset, limit = int_query(query, 'offset', 0), int_query(query, 'limit', DEFAULT_LIMIT)
        if offset < 0:
            raise invalid('offset')
        if not 1 <= limit <= MAX_MAPPING_LIMIT:
            raise invalid('limit')
        exact_tables = dict((field, query[field]) for field in ('source_table', 'target_table') if query.get(field))
        table_name = query.get('table_name') or ''
        with self._lock:
            owner = self._owner(project_id, instance_id, task_id)
            mappings = list(self._mappings.get((project_id, instance_id, task_id), {}).values())
            for field in ('source_datasource_id', 'target_datasource_id'):
                if query.get(field) and query[field] != owner.get(field):
                    mappings = []  # every mapping of a task has the task's data sources
            matches = [
                mapping
                for mapping in mappings
                if all(mapping[field] == value for field, value in exact_tables.items())
                and (table_name in mapping['source_table'] or table_name in mapping['target_table'])
            ]
            return self._element(owner, matches[offset : offset + limit], len(matches))

    def reset_offset(self, project_id, instance_id, task_id, body, now_ms):
        """POST .../multi-tasks/{task_id}/reset {date_from?}: ``{"message": "Reset Success"}``; recorded on the task.

        Only a composite task can be reset (an ordinary task or an initialised ID is "not found"),
        and only while stopped (400 FDI.3023).  Every reset is kept in the task's ``resets``.
        """
        body = {} if body is None else body
        if not isinstance(body, dict):
            raise invalid_parameters()
        date_from = body.get('date_from')
        if date_from is not None and (not isinstance(date_from, int) or isinstance(date_from, bool) or not 1 <= date_from <= MAX_DATE_FROM):
            raise invalid('date_from')
        with self._lock:
            task = self._find(project_id, instance_id, task_id, composite=True)
            if task['status']:
                raise task_running()
            task['reset_date_from'] = date_from
            task['reset_time'] = now_ms
            task.setdefault('resets', []).append({'date_from': date_from, 'time': now_ms})
            self.save()
        return {'message': 'Reset Success'}

    # -- monitoring ---------------------------------------------------------------------------------------

    def _stages(self, task):
        """(reader stage, writer stage) plug-in names from the task's data-source types, e.g. mysqlreader, dwswriter."""
        found = self._datasources.get((task['project_id'], task['instance_id']), {})
        kinds = [found.get(task.get('%s_datasource_id' % side) or '', {}).get('datasource_type') for side in ('source', 'target')]
        return ('%sreader' % kinds[0].lower()) if kinds[0] else 'rdbreader', ('%swriter' % kinds[1].lower()) if kinds[1] else 'rdbwriter'

    def _outcome_for(self, task):
        outcomes = self._outcomes.get((task['project_id'], task['instance_id']), {})
        return outcomes.get(('task_id', task['task_id'])) or outcomes.get(('task_name', task['task_name']))

    def set_outcome(self, project_id, instance_id, key, value, raw, now_ms):
        """What the executions of a task (by ``task_id`` or ``task_name``, existing or not yet) do; also the running one.

        ValueError names a bad field.
        """
        checked = monitor.outcome(raw)
        with self._lock:
            self._outcomes.setdefault((project_id, instance_id), {})[(key, value)] = checked
            scope = self._scopes.get((project_id, instance_id), {})
            task = scope.get(value) if key == 'task_id' else scope.get(self._names.get((project_id, instance_id), {}).get(value))
            if task is not None and task['status'] and task.get('executions') and monitor.is_active(task['executions'][-1], now_ms):
                task['executions'][-1]['outcome'] = dict(checked)
                self.save()
        return checked

    def all_outcomes(self):
        with self._lock:
            return [
                dict(outcome, project_id=project, instance_id=instance, **{key: value})
                for (project, instance), outcomes in self._outcomes.items()
                for (key, value), outcome in outcomes.items()
            ]

    def clear_outcomes(self):
        with self._lock:
            self._outcomes.clear()

    def _monitor_info(self, task, now_ms):
        """TaskMonitorInfo of one task (its app IDs and ext_type as every answer shows them)."""
        shown = self.view(task)
        executions = task.get('executions') or []
        if task['status'] and executions:
            current = monitor.state(executions[-1], now_ms)
            status, position = current['execute_status'], current['position']
        elif executions:
            status, position = task['execute_status'], monitor.state(executions[-1], now_ms)['position']
        else:  # never started, or seeded as running
            status, position = task['execute_status'], 'WRITER' if task['status'] else None
        started = executions[-1]['start_time'] if executions else (task['created_date'] if task['status'] else None)
        found = self._datasources.get((task['project_id'], task['instance_id']), {})
        app_names = [found.get(task.get('%s_datasource_id' % side) or '', {}).get('app_name', '') for side in ('source', 'target')]
        return {
            'task_id': task['task_id'],
            'task_name': task['task_name'],
            'task_type': task['task_type'],
            'status': task['status'],
            'last_execute_time': started,
            'position': position,
            'execute_status': status,
            'source_app_id': shown['source_app_id'],
            'source_app_name': app_names[0],
            'source_instance_id': task['source_instance_id'],
            'target_app_id': shown['target_app_id'],
            'target_app_name': app_names[1],
            'target_instance_id': task['target_instance_id'],
            'ext_type': shown['ext_type'],
            'enterprise_project_id': task['enterprise_project_id'],
            'task_tag': task['task_tag'],
        }

    def monitor_infos(self, project_id, instance_id, query, max_limit, now_ms):
        """GET .../task-monitors: ``task_name`` substring, ``execute_status``, 1-based record paging, creation order."""
        offset, limit = monitor_page_bounds(query, max_limit)
        wanted_status = choice_query(query, 'execute_status', EXECUTE_STATUSES)
        name = query.get('task_name') or ''
        with self._lock:
            matches = [task for task in self._scopes.get((project_id, instance_id), {}).values() if name in task['task_name']]
            if wanted_status is not None:
                matches = [task for task in matches if execute_status(task, now_ms) == wanted_status]
            entities = [self._monitor_info(task, now_ms) for task in matches[offset : offset + limit]]
        return {'total': len(matches), 'size': len(entities), 'entities': entities}

    def monitor_logs(self, project_id, instance_id, task_id, query, max_limit, now_ms):
        """GET .../tasks/{task_id}/monitor-logs: one TaskMonitorLog per start, newest first; begin_time/end_time bound start_time."""
        offset, limit = monitor_page_bounds(query, max_limit)
        begin, end = int_query(query, 'begin_time', None), int_query(query, 'end_time', None)
        with self._lock:
            executions = list(self._find(project_id, instance_id, task_id).get('executions') or [])
            executions = [
                execution
                for execution in reversed(executions)
                if (begin is None or execution['start_time'] >= begin) and (end is None or execution['start_time'] <= end)
            ]
            entities = [monitor.log(execution, now_ms) for execution in executions[offset : offset + limit]]
        return {'total': len(executions), 'size': len(entities), 'entities': entities}
