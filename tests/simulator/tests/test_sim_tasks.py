"""The ROMA FDI routes: create/update composite tasks, list, show, delete, batch start/stop, run, terminate."""

from __future__ import annotations

import json
import re

import pytest
from sim_helpers import INSTANCE_ID, PROJECT_ID, api_path

HEX32 = re.compile(r'[0-9a-f]{32}')
NOT_FOUND = {'error_code': 'FDI.3021', 'error_msg': 'One or more tasks do not exist.'}
RUNNING = {'error_code': 'FDI.3023', 'error_msg': 'One or more tasks are running.'}
INVALID = {'error_code': 'FDI.3002', 'error_msg': 'Invalid parameters.'}
BRIEF_KEYS = {
    'task_id',
    'task_name',
    'task_type',
    'status',
    'created_date',
    'version',
    'last_modified_time',
    'execute_status',
    'source_app_id',
    'target_app_id',
    'source_instance_id',
    'target_instance_id',
    'ext_type',
    'enterprise_project_id',
    'task_tag',
}
VALID = {'task_name': 'orders-sync', 'operation_types': ['INSERT']}


def invalid_parameter(field):
    return {'error_code': 'FDI.3033', 'error_msg': 'Invalid parameter [%s].' % field}


def stored(client, task_id):
    return next(task for task in client.control('GET', 'tasks')['tasks'] if task['task_id'] == task_id)


def listing(client, **query):
    response = client.request('GET', api_path('tasks'), query=query)
    assert response.status == 200, response.body
    return response.json()


def batch(client, action, *task_ids):
    return client.request('POST', api_path('batch-operation', 'tasks'), {'action_id': action, 'list': [{'task_id': task_id} for task_id in task_ids]})


# -- create --------------------------------------------------------------------------------------------


def test_create_returns_generated_id_and_stores_a_stopped_task(client):
    response = client.request(
        'POST', api_path('multi-tasks'), dict(VALID, description='d', task_tag='tag-1', source_app_id='app-a', target_app_id='app-b', task_type='REALTIME')
    )
    assert response.status == 200 and list(response.json()) == ['task_id'] and HEX32.fullmatch(response.json()['task_id'])
    assert HEX32.fullmatch(response.request_id)
    task = stored(client, response.json()['task_id'])
    assert {
        key: task[key]
        for key in (
            'task_name',
            'task_type',
            'description',
            'task_tag',
            'operation_types',
            'source_app_id',
            'target_app_id',
            'status',
            'execute_status',
            'ext_type',
            'version',
            'source_instance_id',
            'project_id',
            'instance_id',
        )
    } == {
        'task_name': 'orders-sync',
        'task_type': 'REALTIME',
        'description': 'd',
        'task_tag': 'tag-1',
        'operation_types': ['INSERT'],
        'source_app_id': 'app-a',
        'target_app_id': 'app-b',
        'status': 0,
        'execute_status': 'UNSTARTED',
        'ext_type': 'CDC',
        'version': '1',
        'source_instance_id': '',
        'project_id': PROJECT_ID,
        'instance_id': INSTANCE_ID,
    }
    assert task['created_date'] == task['last_modified_time'] > 1600000000000 and task['repulling_snapshot'] is None


def test_create_with_given_task_id_and_plain_json_content_type(client):
    raw = json.dumps(dict(VALID, task_id='my-task-001')).encode()
    response = client.request('POST', api_path('multi-tasks'), raw=raw, headers={'Content-Type': 'application/json'})
    assert response.status == 200 and response.json() == {'task_id': 'my-task-001'}
    assert client.create('n' * 100, ('INSERT', 'UPDATE', 'DELETE'), description='x' * 1024, task_tag='t' * 64, source_app_id='s' * 64)


@pytest.mark.parametrize(
    'body,error',
    [
        ({'operation_types': ['INSERT']}, INVALID),
        ({'task_name': '', 'operation_types': ['INSERT']}, INVALID),
        ({'task_name': 'abc'}, INVALID),
        ({'task_name': 'abc', 'operation_types': []}, INVALID),
        ({'task_name': 'abc', 'operation_types': None}, INVALID),
        (dict(VALID, task_name='ab'), invalid_parameter('task_name')),
        (dict(VALID, task_name='-abc'), invalid_parameter('task_name')),
        (dict(VALID, task_name='a' * 101), invalid_parameter('task_name')),
        (dict(VALID, task_name='abc def'), invalid_parameter('task_name')),
        (dict(VALID, task_name='abc\n'), invalid_parameter('task_name')),
        (dict(VALID, task_name=1234), invalid_parameter('task_name')),
        (dict(VALID, task_id='ab'), invalid_parameter('task_id')),
        (dict(VALID, task_id='a' * 51), invalid_parameter('task_id')),
        (dict(VALID, task_id='a/b/c'), invalid_parameter('task_id')),
        (dict(VALID, task_type='TIMING'), invalid_parameter('task_type')),
        (dict(VALID, task_type='realtime'), invalid_parameter('task_type')),
        (dict(VALID, description='x' * 1025), invalid_parameter('description')),
        (dict(VALID, description=5), invalid_parameter('description')),
        (dict(VALID, task_tag='abc'), invalid_parameter('task_tag')),
        (dict(VALID, task_tag='ab cd'), invalid_parameter('task_tag')),
        (dict(VALID, task_tag='t' * 65), invalid_parameter('task_tag')),
        (dict(VALID, operation_types=['INSERT', 'INSERT']), invalid_parameter('operation_types')),
        (dict(VALID, operation_types=['UPSERT']), invalid_parameter('operation_types')),
        (dict(VALID, operation_types=['INSERT', 'UPDATE', 'DELETE', 'INSERT']), invalid_parameter('operation_types')),
        (dict(VALID, operation_types='INSERT'), invalid_parameter('operation_types')),
        (dict(VALID, operation_types=['insert']), invalid_parameter('operation_types')),
        (dict(VALID, source_app_id='s' * 65), invalid_parameter('source_app_id')),
        (dict(VALID, target_app_id=['x']), invalid_parameter('target_app_id')),
    ],
)
def test_create_validation(client, body, error):
    response = client.request('POST', api_path('multi-tasks'), body)
    assert (response.status, response.json()) == (400, error)
    assert client.control('GET', 'tasks')['tasks'] == []


@pytest.mark.parametrize('raw', [b'', b'not json', b'[1, 2]', b'"text"', b'\xff\xfe'])
def test_create_with_a_body_that_is_not_a_json_object(client, raw):
    response = client.request('POST', api_path('multi-tasks'), raw=raw or None, headers={'Content-Type': 'application/json;charset=UTF-8'})
    assert (response.status, response.json()) == (400, INVALID)


def test_duplicate_name_and_id(client):
    client.create('orders-sync', task_id='task-one')
    response = client.request('POST', api_path('multi-tasks'), VALID)
    assert (response.status, response.json()) == (400, invalid_parameter('task_name'))
    response = client.request('POST', api_path('multi-tasks'), dict(VALID, task_name='other', task_id='task-one'))
    assert (response.status, response.json()) == (400, invalid_parameter('task_id'))
    other_instance = client.request('POST', api_path('multi-tasks', instance_id='inst-2'), dict(VALID, task_id='task-one'))
    assert other_instance.status == 200


# -- update --------------------------------------------------------------------------------------------


def test_update_changes_mutable_fields_and_records_repulling_snapshot(client):
    task_id = client.create('orders-sync', description='old', task_tag='tag-old', source_app_id='app-a')
    before = stored(client, task_id)
    body = {
        'description': 'new',
        'task_tag': 'tag-new',
        'operation_types': ['UPDATE', 'DELETE'],
        'repulling_snapshot': True,
        'task_name': 'renamed',
        'task_type': 'TIMING',
        'source_app_id': 'app-z',
    }  # the last three are not in the update model: ignored
    response = client.request('PUT', api_path('multi-tasks', task_id), body)
    assert (response.status, response.json()) == (200, {'task_id': task_id})
    after = stored(client, task_id)
    assert (after['description'], after['task_tag'], after['operation_types'], after['repulling_snapshot']) == ('new', 'tag-new', ['UPDATE', 'DELETE'], True)
    assert (after['task_name'], after['task_type'], after['source_app_id']) == ('orders-sync', 'REALTIME', 'app-a')
    assert after['version'] == '2' and after['last_modified_time'] >= before['last_modified_time']
    detail = json.loads(client.request('GET', api_path('tasks', task_id)).json()['task_detail'])
    assert detail['operation_types'] == ['UPDATE', 'DELETE'] and detail['repulling_snapshot'] is True


def test_update_empty_description_clears_absent_keeps(client):
    task_id = client.create('orders-sync', description='keep me', task_tag='tag-1')
    assert client.request('PUT', api_path('multi-tasks', task_id), {'operation_types': ['INSERT'], 'repulling_snapshot': False}).status == 200
    assert (stored(client, task_id)['description'], stored(client, task_id)['task_tag']) == ('keep me', 'tag-1')
    body = {'operation_types': ['INSERT'], 'repulling_snapshot': False, 'description': '', 'task_tag': ''}
    assert client.request('PUT', api_path('multi-tasks', task_id), body).status == 200
    shown = client.request('GET', api_path('tasks', task_id)).json()['task']
    assert 'description' not in shown and 'task_tag' not in shown
    assert stored(client, task_id)['repulling_snapshot'] is False


@pytest.mark.parametrize(
    'body,error',
    [
        ({'repulling_snapshot': False}, INVALID),
        ({'operation_types': [], 'repulling_snapshot': False}, INVALID),
        ({'operation_types': ['INSERT']}, INVALID),
        ({'operation_types': ['INSERT'], 'repulling_snapshot': 'yes'}, invalid_parameter('repulling_snapshot')),
        ({'operation_types': ['NOPE'], 'repulling_snapshot': True}, invalid_parameter('operation_types')),
        ({'operation_types': ['INSERT'], 'repulling_snapshot': True, 'task_tag': 'x'}, invalid_parameter('task_tag')),
        ({'operation_types': ['INSERT'], 'repulling_snapshot': True, 'description': 'd' * 1025}, invalid_parameter('description')),
    ],
)
def test_update_validation(client, body, error):
    task_id = client.create('orders-sync')
    response = client.request('PUT', api_path('multi-tasks', task_id), body)
    assert (response.status, response.json()) == (400, error)


def test_update_unknown_and_running(client):
    body = {'operation_types': ['INSERT'], 'repulling_snapshot': False}
    response = client.request('PUT', api_path('multi-tasks', 'no-such-task'), body)
    assert (response.status, response.json()) == (400, NOT_FOUND)
    task_id = client.create('orders-sync')
    assert batch(client, 'start', task_id).status == 200
    response = client.request('PUT', api_path('multi-tasks', task_id), body)
    assert (response.status, response.json()) == (400, RUNNING)


# -- show ----------------------------------------------------------------------------------------------


def test_show_shape(client):
    task_id = client.create('orders-sync', ('UPDATE', 'INSERT'), description='desc', task_tag='tag-1', source_app_id='app-a', target_app_id='app-b')
    response = client.request('GET', api_path('tasks', task_id))
    assert response.status == 200
    document = response.json()
    assert set(document) == {'task', 'task_detail'} and isinstance(document['task_detail'], str)
    task = document['task']
    created = stored(client, task_id)['created_date']
    assert task == {
        'task_id': task_id,
        'task_name': 'orders-sync',
        'task_type': 'realtime',
        'status': 'stop',
        'project_id': PROJECT_ID,
        'source_app_id': 'app-a',
        'target_app_id': 'app-b',
        'created_date': created,
        'last_modified_date': created,
        'description': 'desc',
        'task_tag': 'tag-1',
    }
    assert json.loads(document['task_detail']) == {
        'task_id': task_id,
        'task_name': 'orders-sync',
        'task_type': 'REALTIME',
        'ext_type': 'CDC',
        'description': 'desc',
        'task_tag': 'tag-1',
        'operation_types': ['UPDATE', 'INSERT'],
        'source_app_id': 'app-a',
        'target_app_id': 'app-b',
        'repulling_snapshot': False,
        'source_datasource_id': '',
        'target_datasource_id': '',
        'ext_info': {},
    }
    bare = client.request('GET', api_path('tasks', client.create('bare-task'))).json()['task']
    assert 'description' not in bare and 'task_tag' not in bare
    batch(client, 'start', task_id)
    assert client.request('GET', api_path('tasks', task_id)).json()['task']['status'] == 'running'


def test_show_unknown(client):
    response = client.request('GET', api_path('tasks', 'no-such-task'))
    assert (response.status, response.json()) == (400, NOT_FOUND)
    task_id = client.create('orders-sync')
    assert client.request('GET', api_path('tasks', task_id, instance_id='inst-2')).status == 400  # tasks are per instance


# -- list ----------------------------------------------------------------------------------------------


def test_list_envelope_and_entity_shape(client):
    task_id = client.create('orders-sync', ('INSERT', 'DELETE'), description='not listed', task_tag='tag-1', source_app_id='app-a')
    document = listing(client)
    assert document['total'] == 1 and document['size'] == 1 and set(document) == {'total', 'size', 'entities'}
    entity = document['entities'][0]
    assert set(entity) == BRIEF_KEYS
    record = stored(client, task_id)
    assert entity['task_id'] == task_id and entity['task_type'] == 'REALTIME' and entity['status'] == 0 and entity['execute_status'] == 'UNSTARTED'
    assert entity['ext_type'] == 'CDC' and entity['task_tag'] == 'tag-1' and entity['source_app_id'] == 'app-a' and entity['target_app_id'] == ''
    assert entity['last_modified_time'] == record['last_modified_time'] and entity['version'] == '1'
    assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z', entity['created_date'])


def test_paging_and_limits(client):
    client.control('POST', 'seed', {'instance_id': INSTANCE_ID, 'count': 25, 'name_prefix': 'page-'})
    assert [len(listing(client, offset=offset)['entities']) for offset in (0, 10, 20, 25, 99)] == [10, 10, 5, 0, 0]
    page = listing(client, offset=20, limit=10)
    assert (page['total'], page['size'], [e['task_name'] for e in page['entities']]) == (25, 5, ['page-%05d' % n for n in range(20, 25)])
    assert listing(client, offset=-5, limit=3)['entities'][0]['task_name'] == 'page-00000'
    assert (listing(client, limit=0)['size'], listing(client, limit=0, offset=20)['size']) == (10, 5)  # 0 is "not given" (older docs: 0-1000)
    for query, field in (({'limit': 'ten'}, 'limit'), ({'offset': 'x'}, 'offset'), ({'limit': -1}, 'limit')):
        response = client.request('GET', api_path('tasks'), query=query)
        assert (response.status, response.json()) == (400, invalid_parameter(field))


def test_limit_is_clamped_to_999_and_configurable(client):
    client.control('POST', 'seed', {'instance_id': INSTANCE_ID, 'count': 1200, 'name_prefix': 'many-'})
    page = listing(client, limit=5000)
    assert (page['total'], page['size']) == (1200, 999)
    assert listing(client, limit=999, offset=999)['size'] == 201
    client.control('POST', 'config', {'max_limit': 50})
    assert listing(client, limit=999)['size'] == 50


def test_filters(client):
    first = client.create('Orders-sync', task_tag='tag-a', source_app_id='app-1', target_app_id='app-2')
    second = client.create('orders-archive', task_tag='tag-b', source_app_id='app-1')
    third = client.create('customers', task_tag='tag-a')
    client.control('POST', 'config', {'start_delay_seconds': 0})
    batch(client, 'start', second)  # no data sources, no mappings: its job fails at once (ERROR), the task stays started

    def names(**query):
        return [entity['task_name'] for entity in listing(client, **query)['entities']]

    assert names(name='orders') == ['orders-archive']  # case-sensitive substring
    assert names(task_name='rders') == ['Orders-sync', 'orders-archive']  # the docs' alias
    assert names(task_id=third) == ['customers'] and names(task_id='nope') == []
    assert names(status=1) == ['orders-archive'] and names(status=0) == ['Orders-sync', 'customers']
    assert names(task_type='realtime') == ['Orders-sync', 'orders-archive', 'customers'] and names(task_type='timing') == []
    assert names(source_app_id='app-1') == ['Orders-sync', 'orders-archive'] and names(target_app_id='app-2') == ['Orders-sync']
    assert names(task_tag='tag-a') == ['Orders-sync', 'customers'] and names(task_tag='tag') == []
    assert names(execute_status='ERROR') == ['orders-archive'] and names(execute_status='RUNNING') == []
    assert names(execute_status='UNSTARTED', name='s') == ['Orders-sync', 'customers']
    assert names(name='') == names() and first
    for query, field in (
        ({'status': 2}, 'status'),
        ({'task_type': 'REALTIME'}, 'task_type'),
        ({'execute_status': 'DONE'}, 'execute_status'),
        ({'sort_field': 'NAME'}, 'sort_field'),
        ({'sort_type': 'asc'}, 'sort_type'),
    ):
        response = client.request('GET', api_path('tasks'), query=query)
        assert (response.status, response.json()) == (400, invalid_parameter(field))


def test_sorting(client):
    ids = [client.create(name) for name in ('task-a', 'task-b', 'task-c', 'task-d')]
    batch(client, 'start', ids[0], ids[2])

    def names(**query):
        return [entity['task_name'] for entity in listing(client, **query)['entities']]

    assert names() == ['task-a', 'task-b', 'task-c', 'task-d']
    assert names(sort_field='CREATED_DATE', sort_type='DESC') == ['task-d', 'task-c', 'task-b', 'task-a']
    assert names(sort_type='DESC') == ['task-d', 'task-c', 'task-b', 'task-a']
    assert names(sort_field='STATUS') == ['task-b', 'task-d', 'task-a', 'task-c']
    assert names(sort_field='STATUS', sort_type='DESC') == ['task-c', 'task-a', 'task-d', 'task-b']


# -- delete, batch, run, terminate ---------------------------------------------------------------------


def test_delete(client):
    task_id = client.create('orders-sync')
    response = client.request('DELETE', api_path('tasks', task_id))
    assert response.status == 204 and response.body == b'' and 'Content-Type' not in response.headers and response.request_id
    assert (client.request('GET', api_path('tasks', task_id)).json()) == NOT_FOUND
    response = client.request('DELETE', api_path('tasks', task_id))
    assert (response.status, response.json()) == (400, NOT_FOUND)
    assert client.create('orders-sync')  # the name is free again


def test_delete_running_task_is_refused(client):
    task_id = client.create('orders-sync')
    batch(client, 'start', task_id)
    response = client.request('DELETE', api_path('tasks', task_id))
    assert (response.status, response.json()) == (400, RUNNING)
    batch(client, 'stop', task_id)
    assert client.request('DELETE', api_path('tasks', task_id)).status == 204


def test_batch_start_and_stop(client):
    first, second = client.create_runnable('task-one'), client.create_runnable('task-two')
    response = batch(client, 'start', first, 'missing-id', second)
    assert response.status == 200
    assert response.json() == {
        'success_count': 2,
        'failure_count': 1,
        'success': [{'task_id': first, 'task_name': 'task-one'}, {'task_id': second, 'task_name': 'task-two'}],
        'failure': [{'task_id': 'missing-id', 'task_name': '', 'error_code': 'FDI.3021', 'error_msg': 'One or more tasks do not exist.'}],
    }
    assert (stored(client, first)['status'], stored(client, first)['execute_status']) == (1, 'WAITING')  # for start_delay_seconds (1)
    assert batch(client, 'start', first).json()['success_count'] == 1  # already running: success, no change
    assert batch(client, 'stop', first, second).json()['success_count'] == 2
    assert (stored(client, first)['status'], stored(client, first)['execute_status']) == (0, 'CANCELLED')
    assert batch(client, 'stop', first).json() == {
        'success_count': 1,
        'failure_count': 0,
        'success': [{'task_id': first, 'task_name': 'task-one'}],
        'failure': [],
    }


@pytest.mark.parametrize(
    'body,error',
    [
        ({'action_id': 'pause', 'list': [{'task_id': 'abc'}]}, invalid_parameter('action_id')),
        ({'list': [{'task_id': 'abc'}]}, invalid_parameter('action_id')),
        ({'action_id': 'start', 'list': [{'task_id': 'id-%d' % n} for n in range(11)]}, invalid_parameter('list')),
        ({'action_id': 'start', 'list': ['abc']}, invalid_parameter('list')),
        ({'action_id': 'start', 'list': []}, {'error_code': 'FDI.3150', 'error_msg': 'The task list is empty.'}),
        ({'action_id': 'start'}, {'error_code': 'FDI.3150', 'error_msg': 'The task list is empty.'}),
        ({'action_id': 'start', 'list': [{'task_id': ''}]}, {'error_code': 'FDI.3022', 'error_msg': 'One or more tasks have empty task IDs.'}),
    ],
)
def test_batch_validation(client, body, error):
    response = client.request('POST', api_path('batch-operation', 'tasks'), body)
    assert (response.status, response.json()) == (400, error)


def test_batch_of_ten_is_allowed(client):
    ids = [client.create('task-%02d' % n) for n in range(10)]
    assert batch(client, 'start', *ids).json()['success_count'] == 10


def test_run_and_terminate(client):
    task_id = client.create('orders-sync')
    run = client.request('POST', api_path('tasks', task_id, 'run'))
    assert (run.status, run.body, run.headers['Content-Length']) == (200, b'', '0')
    assert stored(client, task_id)['status'] == 1
    stop = client.request('POST', api_path('tasks', task_id, 'terminate'))
    assert (stop.status, stop.json()) == (200, {'message': 'success'})
    assert (stored(client, task_id)['status'], stored(client, task_id)['execute_status']) == (0, 'CANCELLED')
    for action in ('run', 'terminate'):
        response = client.request('POST', api_path('tasks', 'no-such-task', action))
        assert (response.status, response.json()) == (400, NOT_FOUND)


# -- not found: both documented forms, every task route ------------------------------------------------

NOT_FOUND_3081 = {'error_code': 'FDI.3081', 'error_msg': 'The task does not exist.'}
UNKNOWN_TASK_REQUESTS = [
    ('GET', ('tasks', 'no-such-task'), None),
    ('DELETE', ('tasks', 'no-such-task'), None),
    ('PUT', ('multi-tasks', 'no-such-task'), {'operation_types': ['INSERT'], 'repulling_snapshot': False}),
    ('POST', ('tasks', 'no-such-task', 'run'), None),
    ('POST', ('tasks', 'no-such-task', 'terminate'), None),
]


@pytest.mark.parametrize('form,status,error', [('FDI.3021', 400, NOT_FOUND), ('FDI.3081', 404, NOT_FOUND_3081)])
@pytest.mark.parametrize('method,parts,body', UNKNOWN_TASK_REQUESTS)
def test_unknown_task_in_either_not_found_form(client, form, status, error, method, parts, body):
    if form != 'FDI.3021':
        client.control('POST', 'config', {'not_found': form})
    response = client.request(method, api_path(*parts), body)
    assert (response.status, response.json()) == (status, error)


def test_batch_failure_entries_follow_the_not_found_form(client):
    client.control('POST', 'config', {'not_found': 'FDI.3081'})
    task_id = client.create('task-one')
    response = batch(client, 'start', task_id, 'missing-id')
    assert response.status == 200
    assert response.json()['failure'] == [{'task_id': 'missing-id', 'task_name': '', 'error_code': 'FDI.3081', 'error_msg': 'The task does not exist.'}]
    # other errors keep their form: the running task cannot be deleted
    assert client.request('DELETE', api_path('tasks', task_id)).json() == RUNNING


# -- gateway behaviour ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'method,path',
    [
        ('GET', api_path('multi-tasks')),
        ('DELETE', api_path('multi-tasks', 'abc')),
        ('PATCH', api_path('tasks', 'abc')),
        ('GET', api_path('multi-tasks', 'init')),
        ('GET', api_path('tasks') + '/'),
        ('GET', api_path('multi-tasks', 'abc', 'reset')),
        ('PATCH', api_path('multi-tasks', 'abc', 'mappings', 'm1')),
        ('GET', '/'),
        ('GET', '/v3/auth/tokens'),
        ('PUT', api_path('tasks', 'abc')),
        ('GET', '/v2/%s/fdi/instances' % PROJECT_ID),
    ],
)
def test_unknown_route_or_method_is_apig_0101(client, method, path):
    response = client.request(method, path, raw=b'{}')
    assert response.status == 404
    assert response.json() == {
        'error_code': 'APIG.0101',
        'error_msg': 'The API does not exist or has not been published in the environment.',
        'request_id': response.request_id,
    }


def test_unknown_instance(client):
    client.control('POST', 'config', {'known_instances': ['inst-1']})
    assert listing(client)['total'] == 0
    response = client.request('GET', api_path('tasks', instance_id='inst-9'))
    assert response.status == 500  # as ROMA Connect answers it (a permanent condition despite the 5xx)
    assert response.json() == {
        'error_code': 'ROMA.00110002',
        'request_id': response.request_id,
        'error_msg': 'The instance does not exist. project_id: %s, instance_id: inst-9' % PROJECT_ID,
    }
    client.control('POST', 'config', {'known_instances': None})
    assert client.request('GET', api_path('tasks', instance_id='inst-9')).status == 200
    assert client.request('GET', api_path('tasks', instance_id='bad.instance')).json()['error_code'] == 'ROMA.00110002'
    assert client.request('GET', api_path('tasks', instance_id='i' * 65)).status == 500


def test_every_response_has_a_request_id(client):
    responses = [
        client.request('GET', api_path('tasks')),
        client.request('GET', '/nowhere'),
        client.request('POST', '/_sim/reset'),
        client.request('DELETE', api_path('tasks', 'x'), auth=False),
        client.request('POST', '/v3/auth/tokens', raw=b'x'),
    ]
    ids = [response.request_id for response in responses]
    assert all(HEX32.fullmatch(request_id) for request_id in ids) and len(set(ids)) == len(ids)
