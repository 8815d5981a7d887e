# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The FDI task resource: one normalised task shape, comparison, validation, and the task API calls."""

from __future__ import annotations

import json

import pytest
import requests

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaApiError, RomaError, RomaInputError, RomaResponseError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import (
    FdiTaskApi,
    canonical_operation_types,
    comparable_view,
    compare_task,
    describe_conflicts,
    normalize_status,
    normalize_task,
    parse_task_detail,
    validate_task_options,
)
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    INSTANCE_ID,
    NAME,
    TASK_ID,
    TOKEN_HEADERS,
    api_url,
    batch,
    create,
    delete,
    fdi_error,
    list_entity,
    list_tasks,
    module_view,
    server_task,
    show,
    show_document,
    show_missing,
    token_client,
)

BODY = {'task_name': NAME, 'task_type': 'REALTIME', 'operation_types': ['INSERT', 'UPDATE']}


class TestNormalize:

    @pytest.mark.parametrize('running, status', [(False, 'stopped'), (True, 'running')])
    def test_list_entity(self, running, status):
        entity = list_entity(server_task(running=running))
        assert normalize_task(entity) == {
            'task_id': TASK_ID, 'task_name': NAME, 'task_type': 'REALTIME', 'description': None, 'task_tag': 'sales-sync',
            'operation_types': None, 'source_app_id': 'app-source', 'target_app_id': 'app-target', 'status': status,
            'execute_status': 'RUNNING' if running else 'UNSTARTED',
        }

    @pytest.mark.parametrize('running, status', [(False, 'stopped'), (True, 'running')])
    def test_show_response(self, running, status):
        task = server_task(running=running, operation_types=['UPDATE', 'INSERT', 'DELETE'])
        assert normalize_task(shown=show_document(task)) == {
            'task_id': TASK_ID, 'task_name': NAME, 'task_type': 'REALTIME', 'description': 'Replicate orders', 'task_tag': 'sales-sync',
            'operation_types': ['INSERT', 'UPDATE', 'DELETE'], 'source_app_id': 'app-source', 'target_app_id': 'app-target',
            'status': status,
        }

    def test_show_omits_empty_description_and_tag(self):
        shown = show_document(server_task(description='', task_tag=''))
        assert 'description' not in shown['task'] and 'task_tag' not in shown['task']
        task = normalize_task(shown=shown)
        assert (task['description'], task['task_tag']) == ('', '')

    @pytest.mark.parametrize('detail, operation_types', [
        (json.dumps({'operation_types': ['DELETE', 'insert']}), ['INSERT', 'DELETE']),
        (json.dumps({'a': {'b': [{'c': {'operation_types': ['UPDATE']}}]}}), ['UPDATE']),
        ({'operation_types': ['INSERT']}, ['INSERT']),
        (json.dumps({'mappings': []}), None),
        (json.dumps(['INSERT']), None),
        ('{"operation_types": ["INS', None),
        ('not json at all', None),
        ('', None),
        (None, None),
        (json.dumps({'operation_types': 'INSERT'}), None),
        (json.dumps({'a': {'b': {'c': {'d': {'e': {'f': {'operation_types': ['INSERT']}}}}}}}), ['INSERT']),
        (json.dumps({'a': {'b': {'c': {'d': {'e': {'f': {'g': {'operation_types': ['INSERT']}}}}}}}}), None),  # too deep to trust
    ])
    def test_task_detail(self, detail, operation_types):
        shown = {'task': {'task_id': 't1', 'task_name': 'abc', 'task_type': 'realtime', 'status': 'stop'}, 'task_detail': detail}
        assert normalize_task(shown=shown)['operation_types'] == operation_types

    def test_detail_fills_what_the_task_object_lacks(self):
        detail = json.dumps({'description': 'from detail', 'source_app_id': 'app-9', 'task_name': 'ignored'})
        shown = {'task': {'task_id': 't1', 'task_name': 'abc', 'status': 'running'}, 'task_detail': detail}
        task = normalize_task(shown=shown)
        assert (task['task_name'], task['description'], task['source_app_id'], task['task_type']) == ('abc', 'from detail', 'app-9', None)

    def test_list_and_show_merge_with_show_winning(self):
        task = server_task(running=True)
        shown = show_document(dict(task, description='fresh'))
        merged = normalize_task(list_entity(task), shown)
        assert merged == dict(module_view(task), description='fresh')

    def test_unknown_values_are_kept(self):
        entity = dict(list_entity(server_task()), status=2, task_type='streaming', execute_status='PAUSED')
        shown = {'task': {'status': 'Paused'}, 'task_detail': json.dumps({'operation_types': ['TRUNCATE', 'INSERT', 'MERGE']})}
        task = normalize_task(entity, shown)
        assert (task['status'], task['task_type'], task['execute_status']) == ('paused', 'STREAMING', 'PAUSED')
        assert task['operation_types'] == ['INSERT', 'MERGE', 'TRUNCATE']

    def test_empty_app_ids_are_none(self):
        task = normalize_task(dict(list_entity(server_task()), source_app_id='', target_app_id=None))
        assert (task['source_app_id'], task['target_app_id']) == (None, None)

    @pytest.mark.parametrize('value, expected', [
        (0, 'stopped'), (1, 'running'), ('0', 'stopped'), ('1', 'running'), ('stop', 'stopped'), ('STOPPED', 'stopped'),
        ('running', 'running'), (' Running ', 'running'), ('UNSTARTED', 'stopped'), (None, None), ('error', 'error'), (7, '7'),
    ])
    def test_status(self, value, expected):
        assert normalize_status(value) == expected

    @pytest.mark.parametrize('values, expected', [
        (None, None),
        ([], []),
        (['DELETE', 'UPDATE', 'INSERT'], ['INSERT', 'UPDATE', 'DELETE']),
        (['update', 'Insert', 'UPDATE'], ['INSERT', 'UPDATE']),
        (['ZAP', 'DELETE', 'ALTER'], ['DELETE', 'ALTER', 'ZAP']),
    ])
    def test_canonical_operation_types(self, values, expected):
        assert canonical_operation_types(values) == expected

    @pytest.mark.parametrize('detail, expected', [
        ('{"a": 1}', {'a': 1}), ({'a': 1}, {'a': 1}), ('[1]', {}), ('x', {}), ('  ', {}), (None, {}), (42, {}),
    ])
    def test_parse_task_detail(self, detail, expected):
        assert parse_task_detail(detail) == expected


CURRENT = module_view(server_task(), listed=False)


def wanted(**fields):
    return dict(dict.fromkeys(('task_name', 'task_type', 'description', 'task_tag', 'operation_types', 'source_app_id', 'target_app_id')),
                **fields)


class TestCompare:

    @pytest.mark.parametrize('fields', [
        {},
        dict(task_name=NAME, task_type='REALTIME', description='Replicate orders', task_tag='sales-sync',
             operation_types=['UPDATE', 'INSERT'], source_app_id='app-source', target_app_id='app-target'),
        dict(operation_types=['INSERT', 'UPDATE']),
    ])
    def test_equal(self, fields):
        assert compare_task(wanted(**fields), CURRENT) == ({}, {})

    @pytest.mark.parametrize('current, fields', [
        (dict(CURRENT, description=''), dict(description='')),
        (dict(CURRENT, description=None), dict(description='')),
        (dict(CURRENT, task_tag=None), dict(task_tag='')),
        (dict(CURRENT, task_type=None), dict(task_type='TIMING')),   # the API did not say: nothing to compare against
    ])
    def test_missing_and_empty_are_the_same(self, current, fields):
        assert compare_task(wanted(**fields), current) == ({}, {})

    def test_mutable_changes(self):
        changes, conflicts = compare_task(wanted(description='New', task_tag='ops-team', operation_types=['INSERT']), CURRENT)
        assert changes == {'description': ('Replicate orders', 'New'), 'task_tag': ('sales-sync', 'ops-team'),
                           'operation_types': (['INSERT', 'UPDATE'], ['INSERT'])}
        assert conflicts == {}

    def test_unknown_current_operation_types_count_as_a_change(self):
        assert compare_task(wanted(operation_types=['INSERT']), dict(CURRENT, operation_types=None)) == (
            {'operation_types': (None, ['INSERT'])}, {})

    def test_immutable_conflicts(self):
        changes, conflicts = compare_task(wanted(task_name='other-name', task_type='TIMING', source_app_id='s2', target_app_id='t2',
                                                 description='New'), CURRENT)
        assert changes == {'description': ('Replicate orders', 'New')}
        assert conflicts == {'task_name': (NAME, 'other-name'), 'task_type': ('REALTIME', 'TIMING'),
                             'source_app_id': ('app-source', 's2'), 'target_app_id': ('app-target', 't2')}
        assert describe_conflicts(CURRENT, conflicts) == (
            "Cannot change composite task 'orders-sync' (task_id a9fe65f41c6a5d646477c5): source_app_id is 'app-source' but 's2' was "
            "requested; target_app_id is 'app-target' but 't2' was requested; task_name is 'orders-sync' but 'other-name' was requested; "
            "task_type is 'REALTIME' but 'TIMING' was requested. These fields can only be set when the task is created; delete the task "
            "and create it again to change them. Nothing was changed.")

    def test_long_values_are_shortened_in_the_message(self):
        message = describe_conflicts(CURRENT, {'source_app_id': ('a' * 100, 'b')})
        assert "source_app_id is '" + 'a' * 55 + "...' but 'b' was requested" in message

    def test_comparable_view(self):
        assert comparable_view(None) == {} and comparable_view({}) == {}
        expected = dict(CURRENT)
        del expected['task_id']
        assert comparable_view(dict(CURRENT, execute_status='RUNNING')) == expected


class TestValidate:

    def test_valid(self):
        validate_task_options(dict(instance_id=INSTANCE_ID, project_id='p1', task_id='abc', name='a.b_c-d', tag='sales_sync-1',
                                   description='x' * 1024, operation_types=['INSERT', 'UPDATE', 'DELETE'], source_app_id='s',
                                   target_app_id='t'))
        validate_task_options({})

    @pytest.mark.parametrize('option, value, rule', [
        ('name', 'ab', 'name must be 3-100 characters'),
        ('name', '-orders', 'name must be 3-100 characters'),
        ('name', 'orders sync', 'name must be 3-100 characters'),
        ('name', 'x' * 101, 'name must be 3-100 characters'),
        ('task_id', 'ab', 'task_id must be 3-50 characters'),
        ('task_id', 'a' * 51, 'task_id must be 3-50 characters'),
        ('task_id', 'id/../x', 'task_id must be 3-50 characters'),
        ('tag', 'abc', 'tag must be 4-64 characters: letters, digits, "-" and "_"'),
        ('tag', 'sales.sync', 'tag must be 4-64 characters'),
        ('tag', 't' * 65, 'tag must be 4-64 characters'),
        ('instance_id', 'inst 1', 'instance_id must be 1-64 characters'),
        ('source_app_id', '', 'source_app_id must be 1-64 characters'),
        ('target_app_id', 'a' * 65, 'target_app_id must be 1-64 characters'),
        ('description', 'd' * 1025, 'description must be at most 1024 characters; got 1025'),
        ('operation_types', [], 'operation_types must list 1-3 of INSERT, UPDATE, DELETE; got an empty list'),
        ('operation_types', ['INSERT', 'INSERT'], 'operation_types must not repeat an item; got INSERT, INSERT'),
    ])
    def test_invalid(self, option, value, rule):
        with pytest.raises(RomaInputError) as caught:
            validate_task_options({option: value})
        assert caught.value.message.startswith('Invalid options: ' + rule)

    @pytest.mark.parametrize('option, value', [('name', 'orders\n'), ('task_id', 'abc\n'), ('tag', 'sales\n'), ('instance_id', 'i\n'),
                                               ('source_app_id', 'app\n')])
    def test_a_trailing_newline_is_not_part_of_a_valid_value(self, option, value):
        with pytest.raises(RomaInputError, match='^Invalid options: %s must be ' % option):
            validate_task_options({option: value})

    def test_every_problem_is_listed(self):
        with pytest.raises(RomaInputError) as caught:
            validate_task_options(dict(name='x', tag='y'))
        assert caught.value.details['invalid_options'] == [
            "name must be 3-100 characters: letters, digits, \".\", \"_\" and \"-\", starting with a letter or digit; got 'x'",
            "tag must be 4-64 characters: letters, digits, \"-\" and \"_\"; got 'y'",
        ]


def api(retries=3):
    return FdiTaskApi(token_client(retries=retries), INSTANCE_ID)


def named(name, number):
    return server_task(task_id='id-%04d' % number, task_name=name)


class TestFind:

    def test_exact_name_across_pages_of_fuzzy_matches(self, http):
        first = [named('%s-%d' % (NAME, n), n) for n in range(999)]
        target = server_task(running=True)
        http.expect(list_tasks(NAME, first, total=1001), list_tasks(NAME, [named('x' + NAME, 999), target], offset=999, total=1001))
        # the list API knows neither the description nor the operation types
        assert api().find_task(name=NAME, detail=False) == dict(module_view(target), description=None, operation_types=None)

    def test_no_exact_match(self, http):
        http.expect(list_tasks(NAME, [named(NAME + '-old', 1), named(NAME.upper(), 2)]))
        assert api().find_task(name=NAME) is None

    def test_a_listed_task_without_an_id_cannot_be_managed(self, http):
        http.expect(list_tasks(NAME, [{'task_name': NAME, 'task_type': 'REALTIME', 'status': 0}]))
        with pytest.raises(RomaResponseError) as caught:
            api().find_task(name=NAME)
        assert caught.value.message == ("ROMA Connect listed the task named 'orders-sync' in instance inst-1 without a task_id, so it "
                                        "cannot be read or changed.")

    def test_details_of_a_listed_task_without_an_id_are_not_requested(self, http):
        brief = {'task_id': None, 'task_name': NAME}
        assert api().add_detail(brief) is brief

    def test_duplicate_exact_names(self, http):
        http.expect(list_tasks(NAME, [named(NAME, 1), named(NAME + '2', 2), named(NAME, 3)]))
        with pytest.raises(RomaError) as caught:
            api().find_task_by_name(NAME)
        assert caught.value.message == ("More than one task in instance inst-1 is named 'orders-sync' (task ids id-0001, id-0003): "
                                        "set task_id to say which one.")

    def test_by_name_with_detail_merges_list_and_show(self, http):
        task = server_task(description='', running=True)
        http.expect(list_tasks(NAME, [task]), show(task))
        assert api().find_task(name=NAME) == module_view(task)

    def test_by_id_is_one_show(self, http):
        task = server_task()
        http.expect(show(task))
        assert api().find_task(task_id=TASK_ID, name='ignored') == module_view(task, listed=False)

    @pytest.mark.parametrize('status, body', [(400, fdi_error('FDI.3021', 'One or more tasks do not exist.')), (404, {})])
    def test_by_id_not_found(self, http, status, body):
        http.expect(Call('GET', api_url('tasks', 'gone-1'), headers=TOKEN_HEADERS).reply(status, json=body))
        assert api().find_task(task_id='gone-1') is None

    def test_by_id_other_errors_are_raised(self, http):
        http.expect(Call('GET', api_url('tasks', 'bad-1')).reply(404, json=fdi_error('APIG.0101', 'The API does not exist.')))
        with pytest.raises(RomaApiError, match='APIG.0101'):
            api().find_task(task_id='bad-1')

    def test_the_show_id_falls_back_to_the_requested_one(self, http):
        http.expect(Call('GET', api_url('tasks', 't-77')).reply(200, json={'task': {'task_name': 'abc', 'status': 'stop'}}))
        assert api().get_task('t-77')['task_id'] == 't-77'

    @pytest.mark.parametrize('document', [{'task_detail': '{}'}, {'task': 'x'}, []])
    def test_show_without_a_task_object(self, http, document):
        http.expect(Call('GET', api_url('tasks', 't-77')).reply(200, json=document))
        with pytest.raises(RomaResponseError, match='without a "task" object'):
            api().get_task('t-77')

    def test_detail_of_a_task_deleted_meanwhile(self, http):
        http.expect(list_tasks(NAME, [server_task()]), show_missing(TASK_ID))
        assert api().find_task(name=NAME) is None

    def test_list_filters_are_sent(self, http):
        http.expect(list_tasks(None, [server_task()], status=1, task_tag='sales-sync'))
        assert len(list(api().iter_tasks(status=1, task_tag='sales-sync', source_app_id=None))) == 1


def post_fails(exception=None, status=None, body=None):
    call = Call('POST', api_url('multi-tasks'), json=body or BODY, headers=TOKEN_HEADERS)
    if exception is not None:
        return call.fail(exception)
    return call.reply(status, json=fdi_error('FDI.9999', 'Internal error.'))


AMBIGUOUS = [
    pytest.param(lambda: post_fails(requests.exceptions.ReadTimeout('read timed out')), id='read-timeout'),
    pytest.param(lambda: post_fails(requests.exceptions.ConnectionError('Connection aborted.')), id='reset'),
    pytest.param(lambda: post_fails(status=502), id='502'),
    pytest.param(lambda: Call('POST', api_url('multi-tasks'), json=BODY).reply(200, body=b'<html>proxy</html>'), id='garbled-200'),
]


class TestCreate:

    def test_created(self, http):
        http.expect(create(BODY, task_id='new-1'))
        assert api().create_task(BODY) == 'new-1'

    @pytest.mark.parametrize('failure', AMBIGUOUS)
    def test_ambiguous_failure_then_found_means_created(self, http, sleeps, failure):
        http.expect(failure(), list_tasks(NAME, [named(NAME, 5)]))
        assert api().create_task(BODY) == 'id-0005'
        assert http.methods == ['POST', 'GET'] and sleeps == []

    def test_ambiguous_failure_with_a_task_id_looks_it_up_by_id(self, http):
        body = dict(BODY, task_id='my-task-1')
        http.expect(post_fails(status=504, body=body), show(server_task(task_id='my-task-1')))
        assert api().create_task(body) == 'my-task-1'

    @pytest.mark.parametrize('failure', AMBIGUOUS)
    def test_ambiguous_failure_then_not_found_sends_the_post_again(self, http, sleeps, failure):
        http.expect(failure(), list_tasks(NAME, []), create(BODY, task_id='new-2'))
        assert api().create_task(BODY) == 'new-2'
        assert sleeps == [0.375]

    def test_gives_up_after_the_retries(self, http, sleeps):
        http.expect(post_fails(status=503), list_tasks(NAME, []), post_fails(status=503), list_tasks(NAME, []))
        with pytest.raises(RomaApiError, match='^ROMA Connect API error 503 FDI.9999'):
            api(retries=1).create_task(BODY)
        assert sleeps == [0.375]

    def test_retries_zero_never_sends_the_post_twice(self, http, sleeps):
        http.expect(post_fails(requests.exceptions.ReadTimeout('slow')), list_tasks(NAME, []))
        with pytest.raises(RomaError, match='No response from'):
            api(retries=0).create_task(BODY)

    @pytest.mark.parametrize('status', [400, 401, 403, 404, 409])
    def test_a_clear_rejection_is_raised_without_lookup(self, http, status):
        http.expect(Call('POST', api_url('multi-tasks'), json=BODY).reply(status, json=fdi_error('FDI.3033', 'Invalid parameter [task_name].')))
        with pytest.raises(RomaApiError) as caught:
            api().create_task(BODY)
        assert (caught.value.status, caught.value.error_code) == (status, 'FDI.3033')

    def test_connection_refused_is_resent_without_lookup(self, http, sleeps):
        """Nothing reached the server, so sending the POST again cannot create a duplicate."""
        refused = requests.exceptions.ConnectionError('Failed to establish a new connection: [Errno 111] Connection refused')
        http.expect(post_fails(refused), Call('POST', api_url('multi-tasks'), json=BODY).reply(200, json={'task_id': 'id-new'}))
        assert api().create_task(BODY) == 'id-new'
        assert len(sleeps) == 1

    def test_connection_refused_every_time_fails_after_the_retries(self, http, sleeps):
        refused = requests.exceptions.ConnectionError('Failed to establish a new connection: [Errno 111] Connection refused')
        http.expect(*[post_fails(refused) for _attempt in range(3)])
        with pytest.raises(RomaError, match=r'Connection refused.*gave up after 3 attempts'):
            api(retries=2).create_task(BODY)

    def test_a_redirected_create_is_neither_looked_up_nor_resent(self, http, sleeps):
        """A 3xx means the endpoint is not the API: nothing was created, and repeating it cannot help."""
        http.expect(Call('POST', api_url('multi-tasks'), json=BODY).reply(302, body=b'', headers={'Location': 'https://login.example/'}))
        with pytest.raises(RomaResponseError, match='redirected POST'):
            api().create_task(BODY)
        assert not sleeps

    def test_answer_without_task_id_is_resolved_by_name(self, http):
        http.expect(Call('POST', api_url('multi-tasks'), json=BODY).reply(200, json={'task_id': ''}), list_tasks(NAME, [named(NAME, 8)]))
        assert api().create_task(BODY) == 'id-0008'

    def test_answer_without_task_id_and_no_task(self, http):
        http.expect(Call('POST', api_url('multi-tasks'), json=BODY).reply(200, json={}), list_tasks(NAME, []))
        with pytest.raises(RomaError) as caught:
            api().create_task(BODY)
        assert caught.value.message == "ROMA Connect accepted the create request for 'orders-sync' but returned no task_id and the task cannot be found."


class TestWrites:

    def test_update(self, http):
        body = {'description': 'x', 'operation_types': ['INSERT'], 'repulling_snapshot': False}
        http.expect(Call('PUT', api_url('multi-tasks', TASK_ID), json=body, headers=TOKEN_HEADERS).reply(200, json={'task_id': TASK_ID}))
        api().update_task(TASK_ID, body)

    def test_delete(self, http):
        http.expect(delete(TASK_ID))
        api().delete_task(TASK_ID)

    def test_delete_of_a_task_already_gone(self, http):
        http.expect(Call('DELETE', api_url('tasks', TASK_ID)).reply(400, json=fdi_error('FDI.3021', 'One or more tasks do not exist.')))
        api().delete_task(TASK_ID)

    def test_delete_retried_after_a_lost_answer_finds_it_gone(self, http, sleeps):
        http.expect(Call('DELETE', api_url('tasks', TASK_ID)).fail(requests.exceptions.ReadTimeout('slow')),
                    Call('DELETE', api_url('tasks', TASK_ID)).reply(400, json=fdi_error('FDI.3021', 'One or more tasks do not exist.')))
        api().delete_task(TASK_ID)

    def test_delete_of_a_running_task_is_an_error(self, http):
        http.expect(Call('DELETE', api_url('tasks', TASK_ID)).reply(400, json=fdi_error('FDI.3023', 'One or more tasks are running.')))
        with pytest.raises(RomaApiError, match='FDI.3023: One or more tasks are running.'):
            api().delete_task(TASK_ID)

    @pytest.mark.parametrize('running, action', [(True, 'start'), (False, 'stop')])
    def test_start_and_stop(self, http, running, action):
        http.expect(batch(action, TASK_ID))
        api().set_running({'task_id': TASK_ID, 'task_name': NAME}, running)

    def test_batch_failure_entry(self, http):
        http.expect(batch('start', TASK_ID, failure=('FDI.3026', 'Failed to manually start the task.')))
        with pytest.raises(RomaError) as caught:
            api().set_running({'task_id': TASK_ID, 'task_name': NAME}, True)
        assert caught.value.message == ("ROMA Connect could not start composite task 'orders-sync' (task_id a9fe65f41c6a5d646477c5): "
                                        "FDI.3026 Failed to manually start the task.")
        assert caught.value.details == {'error_code': 'FDI.3026', 'error_msg': 'Failed to manually start the task.'}

    def test_batch_failure_without_reason(self, http):
        http.expect(Call('POST', api_url('batch-operation', 'tasks'), json={'action_id': 'stop', 'list': [{'task_id': TASK_ID}]}).reply(
            200, json={'success_count': 0, 'failure_count': 1, 'failure': ['?']}))
        with pytest.raises(RomaError, match=r'could not stop composite task .*: no reason given$'):
            api().set_running({'task_id': TASK_ID}, False)

    @pytest.mark.parametrize('document', [['done'], 'done', 1])
    def test_batch_answer_that_is_not_an_object(self, http, document):
        http.expect(Call('POST', api_url('batch-operation', 'tasks'), json={'action_id': 'stop', 'list': [{'task_id': TASK_ID}]}).reply(
            200, json=document))
        with pytest.raises(RomaResponseError, match='without a result object'):
            api().set_running({'task_id': TASK_ID}, False)

    def test_batch_failure_given_as_an_object(self, http):
        failure = {'task_id': TASK_ID, 'error_code': 'FDI.3027', 'error_msg': 'Failed to manually stop the task.'}
        http.expect(Call('POST', api_url('batch-operation', 'tasks'), json={'action_id': 'stop', 'list': [{'task_id': TASK_ID}]}).reply(
            200, json={'failure_count': 1, 'failure': failure}))
        with pytest.raises(RomaError, match='FDI.3027 Failed to manually stop the task.$'):
            api().set_running({'task_id': TASK_ID}, False)

    def test_batch_is_retried_because_repeating_it_is_harmless(self, http, sleeps):
        http.expect(Call('POST', api_url('batch-operation', 'tasks'), json={'action_id': 'start', 'list': [{'task_id': TASK_ID}]}).reply(
            502, body=b''), batch('start', TASK_ID))
        api().set_running({'task_id': TASK_ID}, True)
        assert sleeps == [0.375]
