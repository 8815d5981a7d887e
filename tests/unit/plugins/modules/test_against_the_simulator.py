# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The modules' readers against the simulator's documented behaviours: monitor paging from 1, an empty ext_type, show's stopped."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.auth import TokenAuth
from ansible_collections.hwcloud.roma.plugins.module_utils.client import RomaClient
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_monitor import FdiMonitorApi
from ansible_collections.hwcloud.roma.plugins.modules import fdi_composite_task, fdi_composite_task_info
from ansible_collections.hwcloud.roma.tests.unit.plugins.local_simulator import (  # noqa: F401  pylint: disable=unused-import
    INSTANCE_ID,
    PROJECT_ID,
    connection_to,
    control,
    real_network,
    server,
)
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner


def test_monitor_records_across_pages_counted_from_1_as_documented(server, real_network):  # pylint: disable=redefined-outer-name
    """The monitor list's offset is a 1-based record index (docs/api.md): 1500 tasks take two pages and none is lost."""
    connection = connection_to(server)
    ids = control(server, 'POST', 'seed', {'instance_id': INSTANCE_ID, 'count': 1500, 'status': 1})['task_ids']
    client = RomaClient(server.url, TokenAuth(connection['auth_token']), project_id=PROJECT_ID)
    records = FdiMonitorApi(client, INSTANCE_ID).monitor_records()
    assert sorted(records) == sorted(ids)
    offsets = [entry['query'].get('offset') for entry in control(server, 'GET', 'requests')['requests'] if entry['route'] == 'list_task_monitors']
    assert offsets == [None, ['999']]  # the first page, then from record 999 on (a 1-based offset repeats one, which is dropped)


@pytest.mark.parametrize('ext_type', ['empty', 'null'])
def test_a_composite_task_listed_without_ext_type_is_still_managed_and_an_ordinary_one_is_not(server, real_network, capsys, ext_type):
    connection = connection_to(server)
    control(server, 'POST', 'config', {'composite_ext_type': '' if ext_type == 'empty' else None})
    control(server, 'POST', 'seed', {'instance_id': INSTANCE_ID, 'count': 1, 'name_prefix': 'composite-'})
    control(server, 'POST', 'seed', {'instance_id': INSTANCE_ID, 'count': 1, 'name_prefix': 'ordinary-', 'kind': 'ordinary'})
    info = ModuleRunner(capsys, fdi_composite_task_info.main)
    assert [task['task_name'] for task in info(dict(details=False), connection=connection)['tasks']] == ['composite-00000']
    task = ModuleRunner(capsys, fdi_composite_task.main)
    changed = task(dict(name='composite-00000', tag='sales-sync'), connection=connection)
    assert changed['changed'] is True and changed['task']['task_tag'] == 'sales-sync'
    refused = task(dict(name='ordinary-00000', tag='sales-sync'), connection=connection)
    assert refused['failed'] and 'is not a composite task' in refused['msg']


@pytest.mark.parametrize('form', ['stop', 'stopped'])
def test_both_forms_of_a_stopped_status(server, real_network, capsys, form):
    connection = connection_to(server)
    control(server, 'POST', 'config', {'show_stopped_status': form})
    task_id = control(server, 'POST', 'seed', {'instance_id': INSTANCE_ID, 'count': 1})['task_ids'][0]
    result = ModuleRunner(capsys, fdi_composite_task.main)(dict(task_id=task_id, state='stopped'), connection=connection)
    assert result['changed'] is False and result['task']['status'] == 'stopped'
