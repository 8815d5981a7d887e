# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.roma.fdi_composite_task_info: filters, paging and details, as exact request sequences."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.roma.plugins.modules import fdi_composite_task_info
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner, warning_texts
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    NAME,
    NOT_FOUND_FORMS,
    TASK_ID,
    api_url,
    composite_evidence,
    list_entity,
    list_tasks,
    listed_by_id,
    module_view,
    server_task,
    show,
    show_missing,
)

STOPPED = server_task()
RUNNING = server_task(task_id='run-1', task_name=NAME + '-live', running=True, task_tag='live-sync')
OTHER = server_task(task_id='other-1', task_name='x' + NAME, source_app_id='app-other')


@pytest.fixture
def run_module(capsys):
    return ModuleRunner(capsys, fdi_composite_task_info.main)


def brief(task):
    return dict(module_view(task), description=None, operation_types=None)


@pytest.mark.parametrize('check_mode', [False, True], ids=['normal', 'check'])
def test_exact_name_with_details(http, run_module, check_mode):
    http.expect(list_tasks(NAME, [OTHER, STOPPED, RUNNING]), show(STOPPED))
    result = run_module(dict(name=NAME), check_mode=check_mode)
    assert result == dict(result, changed=False, tasks=[module_view(STOPPED)])


def test_name_contains_without_details_reads_pages_only(http, run_module):
    http.expect(list_tasks(NAME, [OTHER, STOPPED], total=3), list_tasks(NAME, [RUNNING], offset=2, total=3))
    result = run_module(dict(name_contains=NAME, details=False))
    assert result['tasks'] == [brief(OTHER), brief(STOPPED), brief(RUNNING)]


def test_every_filter_is_sent_and_applied_again(http, run_module):
    # the server returns more than asked for: only the exact matches are kept
    http.expect(list_tasks(None, [STOPPED, RUNNING, OTHER], status=1, task_tag='live-sync', source_app_id='app-source'), show(RUNNING))
    result = run_module(dict(status='running', tag='live-sync', source_app_id='app-source'))
    assert result['tasks'] == [module_view(RUNNING)]


def test_name_contains_is_case_sensitive_whatever_the_server_matches(http, run_module):
    shouting = server_task(task_id='loud-1', task_name=NAME.upper() + '-x')
    http.expect(list_tasks(NAME, [shouting, STOPPED]))
    result = run_module(dict(name_contains=NAME, details=False))
    assert result['tasks'] == [brief(STOPPED)]


@pytest.mark.parametrize('found', [True, False])
def test_by_task_id_is_the_list_filter_then_one_show(http, run_module, found):
    """The list entity is the only answer that says whether a task is composite, so an ID is looked up in the list first."""
    http.expect(listed_by_id(TASK_ID, [STOPPED] if found else []), *([show(STOPPED)] if found else []))
    result = run_module(dict(task_id=TASK_ID))
    assert result['tasks'] == ([module_view(STOPPED)] if found else [])


@pytest.mark.parametrize('form', sorted(NOT_FOUND_FORMS))
def test_an_ordinary_task_by_id_is_no_task_with_a_warning(http, run_module, form):
    http.expect(listed_by_id(TASK_ID, [dict(list_entity(STOPPED), ext_type='')]), composite_evidence(TASK_ID, form=form))
    result = run_module(dict(task_id=TASK_ID))
    assert result['tasks'] == []
    assert warning_texts(result) == [
        "Task a9fe65f41c6a5d646477c5 ('orders-sync') is an ordinary FDI task, not a composite task: this module returns composite tasks only."
    ]


def test_ordinary_tasks_are_left_out_of_a_listing(http, run_module):
    ordinary = dict(list_entity(OTHER), ext_type=None)
    http.expect(list_tasks(None, [STOPPED, ordinary]), composite_evidence(OTHER['task_id'], form='3021'))
    result = run_module(dict(details=False))
    assert result['tasks'] == [brief(STOPPED)] and warning_texts(result) == []


def test_a_composite_task_listed_without_ext_type_is_kept(http, run_module):
    http.expect(list_tasks(None, [dict(list_entity(STOPPED), ext_type='')]), composite_evidence(TASK_ID))
    assert run_module(dict(details=False))['tasks'] == [brief(STOPPED)]


def test_a_task_deleted_between_list_and_show_is_left_out(http, run_module):
    http.expect(list_tasks(None, [STOPPED, OTHER]), show_missing(TASK_ID), show(OTHER))
    assert run_module({})['tasks'] == [module_view(OTHER)]


@pytest.mark.parametrize(
    'args, message',
    [
        (dict(name=NAME, name_contains='orders'), 'parameters are mutually exclusive: name|name_contains'),
        (dict(name_contains='o' * 65), "name_contains must be 1-64 characters (the list API's name filter); got 65"),
        (dict(name='no'), 'name must be 3-100 characters'),
        (dict(status='paused'), 'value of status must be one of: running, stopped'),
    ],
)
def test_invalid_input_fails_before_any_request(http, run_module, args, message):
    result = run_module(args)
    assert result['failed'] and message in result['msg']
    assert http.requests == []


@pytest.mark.parametrize('form', sorted(NOT_FOUND_FORMS))
def test_a_task_listed_by_id_then_gone_in_either_documented_form_is_no_task(http, run_module, form):
    http.expect(listed_by_id('gone-1', [server_task(task_id='gone-1')]), show_missing('gone-1', form=form))
    result = run_module(dict(task_id='gone-1'))
    assert result['changed'] is False and result['tasks'] == []


def test_a_404_without_an_fdi_code_is_an_error_not_an_empty_list(http, run_module):
    """A wrong base path answers 404 everywhere: returning no tasks would hide the misconfiguration."""
    http.expect(Call('GET', api_url('tasks'), query={'task_id': TASK_ID, 'offset': 0, 'limit': 999}).reply(404, body=b''))
    result = run_module(dict(task_id=TASK_ID))
    assert result['failed'] is True and result['status'] == 404 and 'tasks' not in result
    assert result['msg'].endswith('check endpoint (scheme, host, port and base path) and region.')
