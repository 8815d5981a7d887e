"""The official Python SDK (huaweicloudsdkroma, AK/SK signing; pinned in tools/requirements-dev.txt) driven against the simulator.

If the simulator's routes, JSON shapes or signature check differed from what the real
client produces and expects, these calls would fail or deserialise wrongly.
"""

from __future__ import annotations

import json

import pytest
from huaweicloudsdkcore.auth import credentials as credentials_module
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkroma import v2 as roma

from sim_helpers import AK, INSTANCE_ID, PROJECT_ID, SK


def sdk_client(url, secret=SK):
    credentials = credentials_module.BasicCredentials(AK, secret, PROJECT_ID)
    return roma.RomaClient.new_builder().with_credentials(credentials).with_endpoints([url]).build()


def test_official_sdk_full_lifecycle(server, sim):
    client = sdk_client(server.url)
    body = roma.MultiTaskRequestBody(task_name='sdk-task', task_type='REALTIME', description='made by the SDK', task_tag='sdk-tag',
                                     operation_types=['INSERT', 'UPDATE'], source_app_id='app-src', target_app_id='app-dst')
    created = client.create_multi_tasks(roma.CreateMultiTasksRequest(instance_id=INSTANCE_ID, body=body))
    task_id = created.task_id
    assert created.status_code == 200 and len(task_id) == 32

    listed = client.list_tasks(roma.ListTasksRequest(instance_id=INSTANCE_ID, name='sdk', limit=999, offset=0))
    assert (listed.total, listed.size, len(listed.entities)) == (1, 1, 1)
    entity = listed.entities[0]
    assert (entity.task_id, entity.task_name, entity.task_type, entity.status, entity.ext_type) == (task_id, 'sdk-task', 'REALTIME', 0, 'MULTI')
    assert entity.created_date is not None and entity.last_modified_time > 0

    shown = client.show_task(roma.ShowTaskRequest(instance_id=INSTANCE_ID, task_id=task_id))
    assert (shown.task.task_type, shown.task.status, shown.task.description, shown.task.task_tag) == ('realtime', 'stop', 'made by the SDK', 'sdk-tag')
    assert json.loads(shown.task_detail)['operation_types'] == ['INSERT', 'UPDATE']

    update = roma.MultiTaskUpdateBody(description='changed', task_tag='sdk-tag-2', operation_types=['DELETE'], repulling_snapshot=True)
    updated = client.update_multi_tasks(roma.UpdateMultiTasksRequest(instance_id=INSTANCE_ID, task_id=task_id, body=update))
    assert updated.task_id == task_id
    shown = client.show_task(roma.ShowTaskRequest(instance_id=INSTANCE_ID, task_id=task_id))
    assert shown.task.description == 'changed' and json.loads(shown.task_detail)['operation_types'] == ['DELETE']

    def batch(action):
        request = roma.BatchStartOrStopTasksRequest(instance_id=INSTANCE_ID, body=roma.OperateTasksBean(action_id=action, list=[roma.TaskBean(task_id)]))
        return client.batch_start_or_stop_tasks(request)

    started = batch('start')
    assert (started.success_count, started.failure_count, started.success[0].task_name) == (1, 0, 'sdk-task')
    assert client.show_task(roma.ShowTaskRequest(instance_id=INSTANCE_ID, task_id=task_id)).task.status == 'running'
    with pytest.raises(exceptions.ClientRequestException) as refused:
        client.delete_task(roma.DeleteTaskRequest(instance_id=INSTANCE_ID, task_id=task_id))
    assert (refused.value.status_code, refused.value.error_code, refused.value.error_msg) == (400, 'FDI.3023', 'One or more tasks are running.')
    assert refused.value.request_id and len(refused.value.request_id) == 32
    assert batch('stop').success_count == 1

    deleted = client.delete_task(roma.DeleteTaskRequest(instance_id=INSTANCE_ID, task_id=task_id))
    assert deleted.status_code == 204
    with pytest.raises(exceptions.ClientRequestException) as missing:
        client.show_task(roma.ShowTaskRequest(instance_id=INSTANCE_ID, task_id=task_id))
    assert (missing.value.status_code, missing.value.error_code) == (400, 'FDI.3021')

    log = sim.log.since(0)
    assert {entry['auth'] for entry in log} == {'aksk'}
    assert all('x-sdk-date' in entry['headers'] and entry['headers']['x-project-id'] == PROJECT_ID for entry in log)
    assert [entry['route'] for entry in log] == ['create_multi_task', 'list_tasks', 'show_task', 'update_multi_task', 'show_task', 'batch_tasks',
                                                 'show_task', 'delete_task', 'batch_tasks', 'delete_task', 'show_task']


def test_official_sdk_with_a_wrong_secret_is_rejected(server, sim):
    client = sdk_client(server.url, secret='wrong-secret')
    with pytest.raises(exceptions.ClientRequestException) as rejected:
        client.list_tasks(roma.ListTasksRequest(instance_id=INSTANCE_ID))
    assert (rejected.value.status_code, rejected.value.error_code) == (401, 'APIG.0301')
    assert rejected.value.error_msg == 'Incorrect IAM authentication information: verify aksk signature fail'
