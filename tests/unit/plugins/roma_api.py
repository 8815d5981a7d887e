# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ROMA Connect FDI test data: a task as the server holds it, its three API shapes, and request builders.

Builders return :class:`fake_http.Call` objects for the exact request the
collection should send (URL, query, body, auth header) with the documented
response, so a test reads as the conversation it expects.
"""

from __future__ import annotations

import json

from ansible_collections.hwcloud.roma.plugins.module_utils.auth import TokenAuth
from ansible_collections.hwcloud.roma.plugins.module_utils.client import RetryPolicy, RomaClient
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import NO_BODY, Call

REGION = 'cn-north-4'
ROMA = 'https://roma.cn-north-4.myhuaweicloud.com'
IAM = 'https://iam.cn-north-4.myhuaweicloud.com'
PROJECT_ID = '0123456789abcdef0123456789abcdef'
INSTANCE_ID = 'inst-1'
TOKEN = 'MIIE-token-that-must-never-be-printed'
TASK_ID = 'a9fe65f41c6a5d646477c5'
# the task_id fdi_composite_task generates for a create without one, in every unit test (see conftest.py)
GENERATED_TASK_ID = '5d0c3f1e9a8b4c7d8e6f5a4b3c2d1e0f'
NAME = 'orders-sync'
PAGE_SIZE = 999

TOKEN_HEADERS = {'X-Auth-Token': TOKEN}

# the connection options of a run with token auth
CONNECTION = dict(region=REGION, project_id=PROJECT_ID, auth_token=TOKEN)


def token_client(retries=3, **kwargs):
    """A client with token auth for the default region and project."""
    return RomaClient(ROMA, TokenAuth(TOKEN), project_id=PROJECT_ID, iam_endpoint=IAM, retry_policy=RetryPolicy(retries=retries), **kwargs)


def api_url(*parts, **kwargs):
    """``{base}/v2/{project}/fdi/instances/{instance}/{parts}``."""
    return '%s/v2/%s/fdi/instances/%s/%s' % (kwargs.get('base', ROMA), kwargs.get('project_id', PROJECT_ID), INSTANCE_ID, '/'.join(parts))


def api_path(*parts):
    return api_url(*parts, base='')


# -- a task on the server and its API representations -------------------------------------------


def server_task(**overrides):
    """A composite task as the simulator would store it (module-level field names)."""
    task = dict(
        task_id=TASK_ID,
        task_name=NAME,
        task_type='REALTIME',
        description='Replicate orders',
        task_tag='sales-sync',
        operation_types=['INSERT', 'UPDATE'],
        source_app_id='app-source',
        target_app_id='app-target',
        running=False,
    )
    task.update(overrides)
    return task


def list_entity(task):
    """BriefTaskRespBean: upper-case task_type, integer status, no description or operation types."""
    return {
        'task_id': task['task_id'],
        'task_name': task['task_name'],
        'task_type': task['task_type'],
        'status': 1 if task['running'] else 0,
        'execute_status': 'RUNNING' if task['running'] else 'UNSTARTED',
        'created_date': '2024-01-01T00:00:00Z',
        'version': '1',
        'last_modified_time': 1704067200000,
        'source_app_id': task['source_app_id'],
        'target_app_id': task['target_app_id'],
        'source_instance_id': INSTANCE_ID,
        'target_instance_id': INSTANCE_ID,
        'ext_type': 'multi',
        'enterprise_project_id': '0',
        'task_tag': task['task_tag'],
    }


def show_document(task):
    """ShowTaskResponse: lower-case task_type, "stop"/"running", empty description/tag omitted, task_detail a JSON string."""
    shown = {
        'task_id': task['task_id'],
        'task_name': task['task_name'],
        'task_type': task['task_type'].lower(),
        'status': 'running' if task['running'] else 'stop',
        'project_id': PROJECT_ID,
        'source_app_id': task['source_app_id'],
        'target_app_id': task['target_app_id'],
        'created_date': 1704067200000,
        'last_modified_date': 1704067200000,
    }
    for field in ('description', 'task_tag', 'source_datasource_id', 'target_datasource_id'):
        if task.get(field):
            shown[field] = task[field]
    detail = {'task_id': task['task_id'], 'multi_task': {'operation_types': task['operation_types'], 'mappings': []}}
    if task.get('server_id'):
        detail['ext_info'] = {'server_id': task['server_id']}
    return {'task': shown, 'task_detail': json.dumps(detail)}


def module_view(task, listed=True):
    """The ``task`` dict the module returns for a task it read (``listed``: found through the list API)."""
    view = {
        'task_id': task['task_id'],
        'task_name': task['task_name'],
        'task_type': task['task_type'],
        'description': task['description'],
        'task_tag': task['task_tag'],
        'operation_types': [op for op in ('INSERT', 'UPDATE', 'DELETE') if op in task['operation_types']],
        'source_app_id': task['source_app_id'],
        'target_app_id': task['target_app_id'],
        'status': 'running' if task['running'] else 'stopped',
    }
    if listed:
        view['execute_status'] = 'RUNNING' if task['running'] else 'UNSTARTED'
    for field in ('source_datasource_id', 'target_datasource_id', 'server_id'):
        if task.get(field):
            view[field] = task[field]
    return view


def page(entities, total=None):
    return {'total': len(entities) if total is None else total, 'size': len(entities), 'entities': list(entities)}


def fdi_error(code, message):
    return {'error_code': code, 'error_msg': message}


# -- expected requests ---------------------------------------------------------------------------


def list_tasks(name, tasks=(), offset=0, total=None, headers=None, **filters):
    """GET .../tasks?name=..&offset=..&limit=999 answering one page of ``tasks`` (server tasks or raw entities)."""
    query = dict(filters, offset=offset, limit=PAGE_SIZE)
    if name is not None:
        query['name'] = name
    entities = [list_entity(task) if 'running' in task else task for task in tasks]
    return Call('GET', api_url('tasks'), query=query, headers=headers or TOKEN_HEADERS).reply(200, json=page(entities, total))


def show(task, headers=None):
    """GET .../tasks/{id} answering with the show document."""
    return Call('GET', api_url('tasks', task['task_id']), headers=headers or TOKEN_HEADERS).reply(200, json=show_document(task))


# The two documented forms of "no such task": the FDI error-code table's and the OpenAPI definitions'.
NOT_FOUND_FORMS = {
    '3021': (400, fdi_error('FDI.3021', 'One or more tasks do not exist.')),
    '3081': (404, fdi_error('FDI.3081', 'The task does not exist.')),
}


def listed_by_id(task_id, tasks=(), headers=None):
    """GET .../tasks?task_id=.. : how the kind of a task found by its ID is established before a write (its list entity)."""
    return list_tasks(None, tasks, headers=headers, task_id=task_id)


def composite_evidence(task_id, form=None):
    """The composite-only read that settles the kind of a task listed without ext_type: an answer, or "not found" (ordinary)."""
    call = Call('GET', api_url('multi-tasks', task_id, 'mappings'), query={'offset': 0, 'limit': 1}, headers=TOKEN_HEADERS)
    if form is None:
        return call.reply(200, json={'task_id': task_id, 'mappings': [], 'mappings_total_count': 0})
    status, document = NOT_FOUND_FORMS[form]
    return call.reply(status, json=document)


def show_missing(task_id, headers=None, form='3021'):
    """GET .../tasks/{id} for a task that does not exist: 400 FDI.3021 (``form='3081'``: 404 FDI.3081)."""
    status, document = NOT_FOUND_FORMS[form]
    return Call('GET', api_url('tasks', task_id), headers=headers or TOKEN_HEADERS).reply(status, json=document, headers={'X-Request-Id': 'req-show'})


def create(body, task_id=TASK_ID, headers=None):
    return Call('POST', api_url('multi-tasks'), json=body, headers=headers or TOKEN_HEADERS).reply(200, json={'task_id': task_id})


def update(task_id, body, headers=None):
    return Call('PUT', api_url('multi-tasks', task_id), json=body, headers=headers or TOKEN_HEADERS).reply(200, json={'task_id': task_id})


def delete(task_id, headers=None):
    return Call('DELETE', api_url('tasks', task_id), json=NO_BODY, headers=headers or TOKEN_HEADERS).reply(204)


def batch(action, task_id, failure=None, headers=None):
    """POST .../batch-operation/tasks for one task; ``failure`` = (error_code, error_msg) reports it in the body."""
    result = {'success_count': 1, 'failure_count': 0, 'success': [{'task_id': task_id, 'task_name': NAME}], 'failure': []}
    if failure:
        result = {
            'success_count': 0,
            'failure_count': 1,
            'success': [],
            'failure': [{'task_id': task_id, 'task_name': NAME, 'error_code': failure[0], 'error_msg': failure[1]}],
        }
    return Call(
        'POST', api_url('batch-operation', 'tasks'), json={'action_id': action, 'list': [{'task_id': task_id}]}, headers=headers or TOKEN_HEADERS
    ).reply(200, json=result)


def iam_login(body, token='MIIE-fresh-iam-token', project_id=PROJECT_ID, status=201):
    """POST {iam}/v3/auth/tokens?nocatalog=true answering 201 with X-Subject-Token and the token body."""
    document = {
        'token': {
            'expires_at': '2030-01-02T00:00:00.000000Z',
            'methods': ['password'],
            'project': {'id': project_id, 'name': REGION, 'domain': {'id': 'dom-1', 'name': 'acme'}},
            'user': {'id': 'user-1', 'name': 'robot', 'domain': {'id': 'dom-1', 'name': 'acme'}},
        }
    }
    return Call('POST', IAM + '/v3/auth/tokens', query={'nocatalog': 'true'}, json=body, headers={'X-Auth-Token': None}).reply(
        status, json=document, headers={'X-Subject-Token': token}
    )


def password_body(user='robot', password='pa55-word', domain='acme', scope=None):
    return {
        'auth': {
            'identity': {'methods': ['password'], 'password': {'user': {'name': user, 'password': password, 'domain': {'name': domain}}}},
            'scope': {'project': scope or {'name': REGION}},
        }
    }
