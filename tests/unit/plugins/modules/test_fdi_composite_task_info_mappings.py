# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.roma.fdi_composite_task_info include_mappings: one mapping page per 1000 mappings per task."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.roma.plugins.modules import fdi_composite_task_info
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_utils.test_fdi_mappings import element, mapping_page
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import NAME, TOKEN_HEADERS, api_url, fdi_error, list_tasks, server_task

TASK = server_task()
OTHER = server_task(task_id='other-1', task_name=NAME + '-2')


@pytest.fixture
def run_module(capsys):
    return ModuleRunner(capsys, fdi_composite_task_info.main)


def mappings_of(task, elements, offset=0, total=None):
    return Call('GET', api_url('multi-tasks', task['task_id'], 'mappings'), query={'offset': offset, 'limit': 1000}, headers=TOKEN_HEADERS).reply(
        200, json=mapping_page(elements, total)
    )


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
def test_each_task_gets_its_mappings_and_data_sources(http, run_module, check_mode):
    http.expect(
        list_tasks(NAME, [TASK, OTHER]),
        mappings_of(TASK, [element('orders', mapping_id='m-2'), element('customers', 'dim_customers', mapping_id='m-1')]),
        mappings_of(OTHER, []),
    )
    result = run_module(dict(name_contains=NAME, details=False, include_mappings=True), check_mode=check_mode)
    first, second = result['tasks']
    assert result['changed'] is False
    assert first['mappings'] == [
        {
            'mapping_id': 'm-1',
            'source_table': 'customers',
            'target_table': 'dim_customers',
            'status': 'USING',
            'mapping_percent': 100,
            'columns': [{'source': 'id', 'target': 'id', 'source_type': 'int', 'source_length': '11', 'target_type': 'int4', 'target_length': '11'}],
        },
        {
            'mapping_id': 'm-2',
            'source_table': 'orders',
            'target_table': 'orders',
            'status': 'USING',
            'mapping_percent': 100,
            'columns': [{'source': 'id', 'target': 'id', 'source_type': 'int', 'source_length': '11', 'target_type': 'int4', 'target_length': '11'}],
        },
    ]
    assert (first['source_datasource_id'], first['target_datasource_id']) == ('ds-mysql', 'ds-dws')
    assert second['mappings'] == []


def test_pages_of_1000_mappings(http, run_module):
    page = [element('t%04d' % number, mapping_id='m%04d' % number) for number in range(1000)]
    http.expect(list_tasks(NAME, [TASK]), mappings_of(TASK, page, total=1001), mappings_of(TASK, [element('zz', mapping_id='m-last')], offset=1000, total=1001))
    result = run_module(dict(name=NAME, details=False, include_mappings=True))
    assert len(result['tasks'][0]['mappings']) == 1001


@pytest.mark.parametrize('status, code', [(400, 'FDI.3021'), (404, 'FDI.3081')])
def test_a_task_deleted_meanwhile_has_no_mappings(http, run_module, status, code):
    gone = Call('GET', api_url('multi-tasks', TASK['task_id'], 'mappings'), query={'offset': 0, 'limit': 1000}).reply(status, json=fdi_error(code, 'gone'))
    http.expect(list_tasks(NAME, [TASK]), gone)
    result = run_module(dict(name=NAME, details=False, include_mappings=True))
    assert result['tasks'][0]['mappings'] == []


def test_without_include_mappings_nothing_more_is_read(http, run_module):
    http.expect(list_tasks(NAME, [TASK]))
    assert 'mappings' not in run_module(dict(name=NAME, details=False))['tasks'][0]
