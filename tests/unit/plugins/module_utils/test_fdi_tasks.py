# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The FDI task resource: one normalised task shape, comparison, validation, and the task API calls."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaApiError, RomaError, RomaInputError, RomaResponseError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_start_stop import FdiStartStopApi
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import (
    FdiTaskApi,
    canonical_operation_types,
    compare_task,
    describe_conflicts,
    describe_unreadable,
    is_not_found,
    new_task_id,
    normalize_status,
    normalize_task,
    parse_task_detail,
    unreadable_fields,
    validate_task_options,
)
from ansible_collections.hwcloud.roma.tests.unit.plugins import fake_http
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import (
    INSTANCE_ID,
    NAME,
    NOT_FOUND_FORMS,
    TASK_ID,
    TOKEN_HEADERS,
    api_url,
    batch,
    composite_evidence,
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
            'task_id': TASK_ID,
            'task_name': NAME,
            'task_type': 'REALTIME',
            'description': None,
            'task_tag': 'sales-sync',
            'operation_types': None,
            'source_app_id': 'app-source',
            'target_app_id': 'app-target',
            'status': status,
            'execute_status': 'RUNNING' if running else 'UNSTARTED',
        }

    @pytest.mark.parametrize('running, status', [(False, 'stopped'), (True, 'running')])
    def test_show_response(self, running, status):
        task = server_task(running=running, operation_types=['UPDATE', 'INSERT', 'DELETE'])
        assert normalize_task(shown=show_document(task)) == {
            'task_id': TASK_ID,
            'task_name': NAME,
            'task_type': 'REALTIME',
            'description': 'Replicate orders',
            'task_tag': 'sales-sync',
            'operation_types': ['INSERT', 'UPDATE', 'DELETE'],
            'source_app_id': 'app-source',
            'target_app_id': 'app-target',
            'status': status,
        }

    def test_show_omits_empty_description_and_tag(self):
        shown = show_document(server_task(description='', task_tag=''))
        assert 'description' not in shown['task'] and 'task_tag' not in shown['task']
        task = normalize_task(shown=shown)
        assert (task['description'], task['task_tag']) == ('', '')

    @pytest.mark.parametrize(
        'detail, operation_types',
        [
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
        ],
    )
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

    @pytest.mark.parametrize(
        'value, expected',
        [
            (0, 'stopped'),
            (1, 'running'),
            ('0', 'stopped'),
            ('1', 'running'),
            ('stop', 'stopped'),
            ('STOPPED', 'stopped'),
            ('running', 'running'),
            (' Running ', 'running'),
            ('UNSTARTED', 'stopped'),
            (None, None),
            ('error', 'error'),
            (7, '7'),
        ],
    )
    def test_status(self, value, expected):
        assert normalize_status(value) == expected

    @pytest.mark.parametrize(
        'values, expected',
        [
            (None, None),
            ([], []),
            (['DELETE', 'UPDATE', 'INSERT'], ['INSERT', 'UPDATE', 'DELETE']),
            (['update', 'Insert', 'UPDATE'], ['INSERT', 'UPDATE']),
            (['ZAP', 'DELETE', 'ALTER'], ['DELETE', 'ALTER', 'ZAP']),
        ],
    )
    def test_canonical_operation_types(self, values, expected):
        assert canonical_operation_types(values) == expected

    @pytest.mark.parametrize(
        'detail, expected',
        [
            ('{"a": 1}', {'a': 1}),
            ({'a': 1}, {'a': 1}),
            ('[1]', {}),
            ('x', {}),
            ('  ', {}),
            (None, {}),
            (42, {}),
        ],
    )
    def test_parse_task_detail(self, detail, expected):
        assert parse_task_detail(detail) == expected


CURRENT = module_view(server_task(), listed=False)


def wanted(**fields):
    return dict(dict.fromkeys(('task_name', 'task_type', 'description', 'task_tag', 'operation_types', 'source_app_id', 'target_app_id')), **fields)


class TestCompare:
    @pytest.mark.parametrize(
        'fields',
        [
            {},
            dict(
                task_name=NAME,
                task_type='REALTIME',
                description='Replicate orders',
                task_tag='sales-sync',
                operation_types=['UPDATE', 'INSERT'],
                source_app_id='app-source',
                target_app_id='app-target',
            ),
            dict(operation_types=['INSERT', 'UPDATE']),
        ],
    )
    def test_equal(self, fields):
        assert compare_task(wanted(**fields), CURRENT) == ({}, {})

    @pytest.mark.parametrize(
        'current, fields',
        [
            (dict(CURRENT, description=''), dict(description='')),
            (dict(CURRENT, description=None), dict(description='')),
            (dict(CURRENT, task_tag=None), dict(task_tag='')),
            (dict(CURRENT, task_type=None), dict(task_type='TIMING')),  # the API did not say: nothing to compare against
        ],
    )
    def test_missing_and_empty_are_the_same(self, current, fields):
        assert compare_task(wanted(**fields), current) == ({}, {})

    def test_mutable_changes(self):
        changes, conflicts = compare_task(wanted(description='New', task_tag='ops-team', operation_types=['INSERT']), CURRENT)
        assert changes == {
            'description': ('Replicate orders', 'New'),
            'task_tag': ('sales-sync', 'ops-team'),
            'operation_types': (['INSERT', 'UPDATE'], ['INSERT']),
        }
        assert conflicts == {}

    def test_unknown_current_operation_types_count_as_a_change(self):
        assert compare_task(wanted(operation_types=['INSERT']), dict(CURRENT, operation_types=None)) == ({'operation_types': (None, ['INSERT'])}, {})

    def test_immutable_conflicts(self):
        changes, conflicts = compare_task(
            wanted(task_name='other-name', task_type='TIMING', source_app_id='s2', target_app_id='t2', description='New'), CURRENT
        )
        assert changes == {'description': ('Replicate orders', 'New')}
        assert conflicts == {
            'task_name': (NAME, 'other-name'),
            'task_type': ('REALTIME', 'TIMING'),
            'source_app_id': ('app-source', 's2'),
            'target_app_id': ('app-target', 't2'),
        }
        assert describe_conflicts(CURRENT, conflicts) == (
            "Cannot change composite task 'orders-sync' (task_id a9fe65f41c6a5d646477c5): source_app_id is 'app-source' but 's2' was "
            "requested; target_app_id is 'app-target' but 't2' was requested; task_name is 'orders-sync' but 'other-name' was requested; "
            "task_type is 'REALTIME' but 'TIMING' was requested. These fields can only be set when the task is created; set recreate: "
            'true to delete the task and create it as asked (its sync position is lost and its data synchronised again). Nothing was '
            'changed.'
        )

    def test_long_values_are_shortened_in_the_message(self):
        message = describe_conflicts(CURRENT, {'source_app_id': ('a' * 100, 'b')})
        assert "source_app_id is '" + 'a' * 55 + "...' (100 characters) but 'b' was requested" in message


class TestValidate:
    def test_valid(self):
        validate_task_options(
            dict(
                instance_id=INSTANCE_ID,
                project_id='p1',
                task_id='abc',
                name='a.b_c-d',
                tag='sales_sync-1',
                description='x' * 1024,
                operation_types=['INSERT', 'UPDATE', 'DELETE'],
                source_app_id='s',
                target_app_id='t',
            )
        )
        validate_task_options({})

    @pytest.mark.parametrize(
        'option, value, rule',
        [
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
        ],
    )
    def test_invalid(self, option, value, rule):
        with pytest.raises(RomaInputError) as caught:
            validate_task_options({option: value})
        assert caught.value.message.startswith('Invalid options: ' + rule)

    @pytest.mark.parametrize(
        'option, value', [('name', 'orders\n'), ('task_id', 'abc\n'), ('tag', 'sales\n'), ('instance_id', 'i\n'), ('source_app_id', 'app\n')]
    )
    def test_a_trailing_newline_is_not_part_of_a_valid_value(self, option, value):
        with pytest.raises(RomaInputError, match='^Invalid options: %s must be ' % option):
            validate_task_options({option: value})

    def test_every_problem_is_listed(self):
        with pytest.raises(RomaInputError) as caught:
            validate_task_options(dict(name='x', tag='y'))
        assert caught.value.details['invalid_options'] == [
            'name must be 3-100 characters: letters, digits, ".", "_" and "-", starting with a letter or digit; got \'x\'',
            'tag must be 4-64 characters: letters, digits, "-" and "_"; got \'y\'',
        ]


def api(retries=3):
    return FdiTaskApi(token_client(retries=retries), INSTANCE_ID)


def switch():
    return FdiStartStopApi(api())


def named(name, number):
    return server_task(task_id='id-%04d' % number, task_name=name)


class TestFind:
    def test_exact_name_across_pages_of_fuzzy_matches(self, http):
        first = [named('%s-%d' % (NAME, n), n) for n in range(999)]
        target = server_task(running=True)
        http.expect(list_tasks(NAME, first, total=1001), list_tasks(NAME, [named('x' + NAME, 999), target], offset=999, total=1001))
        # the list API knows neither the description nor the operation types
        assert api().find_task_by_name(NAME) == dict(module_view(target), description=None, operation_types=None)

    def test_no_exact_match(self, http):
        http.expect(list_tasks(NAME, [named(NAME + '-old', 1), named(NAME.upper(), 2)]))
        assert api().find_task_by_name(NAME) is None

    @pytest.mark.parametrize('form', sorted(NOT_FOUND_FORMS))
    @pytest.mark.parametrize('ext_type', ['', None, '  '])
    def test_an_ordinary_task_of_that_name_is_refused(self, http, ext_type, form):
        # an empty ext_type proves nothing: the composite-only mapping route decides, and answers "not found" for an ordinary task
        ordinary = dict(list_entity(server_task()), ext_type=ext_type)
        http.expect(list_tasks(NAME, [ordinary]), composite_evidence(TASK_ID, form=form))
        with pytest.raises(RomaError) as caught:
            api().find_task_by_name(NAME)
        assert caught.value.message == (
            "Task 'orders-sync' (task_id a9fe65f41c6a5d646477c5) in instance inst-1 is not a composite task "
            '(it is an ordinary FDI task), so this module does not change, reset or delete it.'
        )

    @pytest.mark.parametrize('ext_type', ['', None])
    def test_a_composite_task_listed_without_ext_type_is_recognised_by_its_mapping_route(self, http, ext_type):
        listed = dict(list_entity(server_task()), ext_type=ext_type)
        http.expect(list_tasks(NAME, [listed]), composite_evidence(TASK_ID))
        assert api().find_task_by_name(NAME)['task_id'] == TASK_ID

    @pytest.mark.parametrize('ext_type', ['CDC', 'MULTI', 'anything'])
    def test_a_non_empty_ext_type_costs_no_request(self, http, ext_type):
        http.expect(list_tasks(NAME, [dict(list_entity(server_task()), ext_type=ext_type)]))
        assert api().find_task_by_name(NAME)['task_id'] == TASK_ID

    def test_an_ordinary_twin_of_a_composite_task_is_left_out(self, http):
        ordinary = dict(list_entity(server_task(task_id='plain-1')), ext_type='')
        http.expect(list_tasks(NAME, [ordinary, server_task()]), composite_evidence('plain-1', form='3021'))
        assert api().find_task_by_name(NAME)['task_id'] == TASK_ID

    def test_by_task_id_the_list_filter_establishes_the_kind(self, http):
        http.expect(list_tasks(None, [server_task()], task_id=TASK_ID))
        assert api().find_listed(task_id=TASK_ID).composite is True

    def test_by_task_id_an_ordinary_task_is_refused(self, http):
        http.expect(list_tasks(None, [dict(list_entity(server_task()), ext_type=None)], task_id=TASK_ID), composite_evidence(TASK_ID, form='3081'))
        with pytest.raises(RomaError, match='is not a composite task'):
            api().find_listed(task_id=TASK_ID)

    def test_a_listed_task_without_an_id_cannot_be_managed(self, http):
        http.expect(list_tasks(NAME, [{'task_name': NAME, 'task_type': 'REALTIME', 'status': 0, 'ext_type': 'multi'}]))
        with pytest.raises(RomaResponseError) as caught:
            api().find_task_by_name(NAME)
        assert caught.value.message == (
            "ROMA Connect listed the task named 'orders-sync' in instance inst-1 without a task_id, so it cannot be read or changed."
        )

    def test_details_of_a_listed_task_without_an_id_are_not_requested(self, http):
        brief = {'task_id': None, 'task_name': NAME}
        assert api().add_detail(brief) is brief

    def test_duplicate_exact_names(self, http):
        http.expect(list_tasks(NAME, [named(NAME, 1), named(NAME + '2', 2), named(NAME, 3)]))
        with pytest.raises(RomaError) as caught:
            api().find_task_by_name(NAME)
        assert caught.value.message == (
            "More than one task in instance inst-1 is named 'orders-sync' (task ids id-0001, id-0003): set task_id to say which one."
        )

    def test_by_name_with_detail_merges_list_and_show(self, http):
        task = server_task(description='', running=True)
        http.expect(list_tasks(NAME, [task]), show(task))
        assert api().add_detail(api().find_task_by_name(NAME)) == module_view(task)

    def test_by_id_is_one_show(self, http):
        task = server_task()
        http.expect(show(task))
        assert api().get_task(TASK_ID) == module_view(task, listed=False)

    @pytest.mark.parametrize('form', sorted(NOT_FOUND_FORMS))
    def test_by_id_not_found(self, http, form):
        status, body = NOT_FOUND_FORMS[form]
        http.expect(Call('GET', api_url('tasks', 'gone-1'), headers=TOKEN_HEADERS).reply(status, json=body))
        assert api().get_task('gone-1') is None

    @pytest.mark.parametrize(
        'status, body',
        [
            pytest.param(404, {}, id='404-empty-json'),
            pytest.param(404, None, id='404-no-body'),
            pytest.param(404, fdi_error('APIG.0101', 'The API does not exist or has not been published in the environment.'), id='apig'),
        ],
    )
    def test_a_404_without_an_fdi_code_is_a_wrong_endpoint_not_an_absent_task(self, http, status, body):
        """A wrong base path answers 404 on every route: taking it for "absent" would let state=absent "succeed"."""
        call = Call('GET', api_url('tasks', 'bad-1'))
        http.expect(call.reply(status, json=body) if body is not None else call.reply(status, body=b'<html>Not Found</html>'))
        with pytest.raises(RomaApiError) as caught:
            api().get_task('bad-1')
        assert caught.value.status == 404
        assert caught.value.message.endswith('No ROMA Connect API answered at this path: check endpoint (scheme, host, port and base path) and region.')

    @pytest.mark.parametrize(
        'status, code, absent',
        [
            (400, 'FDI.3021', True),
            (404, 'FDI.3081', True),
            (404, 'FDI.3021', True),
            (400, 'FDI.3081', True),
            (404, None, False),
            (404, 'APIG.0101', False),
            (404, 'APIC.7302', False),
            (400, 'FDI.3033', False),
            (500, 'FDI.3021', False),
            (500, None, False),
        ],
    )
    def test_is_not_found(self, status, code, absent):
        assert is_not_found(RomaApiError(status, code)) is absent
        assert is_not_found(RomaError('FDI.3021')) is False

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
        assert api().add_detail(api().find_task_by_name(NAME)) is None

    def test_list_filters_are_sent(self, http):
        http.expect(list_tasks(None, [server_task()], status=1, task_tag='sales-sync'))
        assert len(list(api().iter_listed(status=1, task_tag='sales-sync', source_app_id=None))) == 1


NEW_ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0'
BODY = dict(BODY, task_id=NEW_ID)


def post_fails(exception=None, status=None, body=None):
    call = Call('POST', api_url('multi-tasks'), json=body or BODY, headers=TOKEN_HEADERS)
    if exception is not None:
        return call.fail(exception)
    return call.reply(status, json=fdi_error('FDI.9999', 'Internal error.'))


def show_new(task_id=NEW_ID):
    return show(server_task(task_id=task_id))


AMBIGUOUS = [
    pytest.param(lambda: post_fails(fake_http.read_timeout()), id='read-timeout'),
    pytest.param(lambda: post_fails(fake_http.reset()), id='reset'),
    pytest.param(lambda: post_fails(status=502), id='502'),
]
# a 2xx whose body says nothing usable: the server accepted the create
ACCEPTED_UNREADABLE = [
    pytest.param(lambda: Call('POST', api_url('multi-tasks'), json=BODY).reply(200, body=b'<html>proxy</html>'), id='garbled-200'),
    pytest.param(lambda: Call('POST', api_url('multi-tasks'), json=BODY).reply(200, body=b''), id='empty-200'),
    pytest.param(lambda: Call('POST', api_url('multi-tasks'), json=BODY).reply(201, json={}), id='no-task-id'),
    pytest.param(lambda: Call('POST', api_url('multi-tasks'), json=BODY).reply(200, json={'task_id': ''}), id='empty-task-id'),
]


class TestNewTaskId:
    def test_shaped_like_the_service_ids_and_derived_from_instance_and_name(self):
        ids = {new_task_id(INSTANCE_ID, 'task-%d' % number) for number in range(50)}
        assert len(ids) == 50
        assert new_task_id(INSTANCE_ID, NAME) == new_task_id(INSTANCE_ID, NAME) != new_task_id('inst-2', NAME)
        assert all(len(task_id) == 32 and set(task_id) <= set('0123456789abcdef') for task_id in ids)
        assert all(validate_task_options({'task_id': task_id}) is None for task_id in ids)


class TestCreate:
    """A create always carries its task_id, so recovery from any ambiguous answer is one show by that ID."""

    def test_created(self, http):
        http.expect(create(BODY, task_id=NEW_ID))
        assert api().create_task(BODY) == NEW_ID

    def test_the_id_the_server_names_wins(self, http):
        http.expect(create(BODY, task_id='server-made-1'))
        assert api().create_task(BODY) == 'server-made-1'

    @pytest.mark.parametrize('failure', AMBIGUOUS)
    def test_ambiguous_failure_waits_then_one_show_finds_it(self, http, sleeps, failure):
        http.expect(failure(), show_new())
        assert api().create_task(BODY) == NEW_ID
        assert http.methods == ['POST', 'GET'] and sleeps == [0.375]

    @pytest.mark.parametrize('form', sorted(NOT_FOUND_FORMS))
    @pytest.mark.parametrize('failure', AMBIGUOUS)
    def test_ambiguous_failure_then_not_found_sends_the_same_post_again(self, http, sleeps, failure, form):
        http.expect(failure(), show_missing(NEW_ID, form=form), create(BODY, task_id=NEW_ID))
        assert api().create_task(BODY) == NEW_ID
        assert sleeps == [0.375]

    @pytest.mark.parametrize('accepted', ACCEPTED_UNREADABLE)
    def test_an_unreadable_2xx_is_resolved_by_one_show(self, http, sleeps, accepted):
        http.expect(accepted(), show_new())
        assert api().create_task(BODY) == NEW_ID
        assert sleeps == []

    @pytest.mark.parametrize('accepted', ACCEPTED_UNREADABLE)
    def test_an_unreadable_2xx_is_never_followed_by_a_second_post(self, http, sleeps, accepted):
        http.expect(accepted(), show_missing(NEW_ID))
        with pytest.raises(RomaResponseError) as caught:
            api().create_task(BODY)
        assert (
            "no task with the task_id it was sent (%s) exists. The create was not sent again, so that no second task 'orders-sync' can be created" % NEW_ID
        ) in caught.value.message
        assert http.methods == ['POST', 'GET'] and sleeps == []

    def test_a_resent_post_refused_because_the_first_one_created_the_task(self, http, sleeps):
        """The backend was still creating the task at the first show; the second POST finds its ID taken."""
        taken = Call('POST', api_url('multi-tasks'), json=BODY).reply(400, json=fdi_error('FDI.3033', 'Invalid parameter [task_id].'))
        http.expect(post_fails(status=504), show_missing(NEW_ID), taken, show_new())
        assert api().create_task(BODY) == NEW_ID

    def test_a_resent_post_refused_for_another_reason_fails(self, http, sleeps):
        refused = Call('POST', api_url('multi-tasks'), json=BODY).reply(400, json=fdi_error('FDI.3033', 'Invalid parameter [task_name].'))
        http.expect(post_fails(status=504), show_missing(NEW_ID), refused, show_missing(NEW_ID))
        with pytest.raises(RomaApiError, match=r'FDI.3033: Invalid parameter \[task_name\]. .*after 2 attempts'):
            api().create_task(BODY)

    def test_gives_up_after_the_retries(self, http, sleeps):
        http.expect(post_fails(status=503), show_missing(NEW_ID), post_fails(status=503), show_missing(NEW_ID))
        with pytest.raises(RomaApiError, match='^ROMA Connect API error 503 FDI.9999.*after 2 attempts'):
            api(retries=1).create_task(BODY)
        assert sleeps == [0.375, 0.75]

    def test_retries_zero_never_sends_the_post_twice(self, http, sleeps):
        http.expect(post_fails(fake_http.read_timeout()), show_missing(NEW_ID))
        with pytest.raises(RomaError, match='No response from'):
            api(retries=0).create_task(BODY)

    @pytest.mark.parametrize('status', [400, 401, 403, 404, 409])
    def test_a_clear_rejection_is_raised_without_lookup(self, http, status):
        http.expect(Call('POST', api_url('multi-tasks'), json=BODY).reply(status, json=fdi_error('FDI.3033', 'Invalid parameter [task_name].')))
        with pytest.raises(RomaApiError) as caught:
            api().create_task(BODY)
        assert (caught.value.status, caught.value.error_code) == (status, 'FDI.3033')

    def test_a_permanent_server_error_is_neither_retried_nor_looked_up(self, http, sleeps):
        http.expect(
            Call('POST', api_url('multi-tasks'), json=BODY).reply(
                500, json=fdi_error('ROMA.00110002', 'The instance does not exist. project_id: p, instance_id: inst-1')
            )
        )
        with pytest.raises(RomaApiError) as caught:
            api().create_task(BODY)
        assert caught.value.message.endswith('check instance_id and region (and project_id).')
        assert caught.value.attempts == 1 and not sleeps

    def test_a_throttled_create_keeps_its_attempt_count(self, http, sleeps):
        """The gateway throttled every attempt (429 is re-sent: nothing processed it); the count must reach the user."""
        throttled = [Call('POST', api_url('multi-tasks'), json=BODY).reply(429, json=fdi_error('APIG.0308', 'Throttled.')) for dummy in range(4)]
        http.expect(*throttled)
        with pytest.raises(RomaApiError) as caught:
            api().create_task(BODY)
        assert caught.value.attempts == 4 and caught.value.details['attempts'] == 4
        assert 'after 4 attempts' in caught.value.message and len(sleeps) == 3

    def test_connection_refused_is_resent_without_lookup(self, http, sleeps):
        """Nothing reached the server, so sending the POST again cannot create a duplicate."""
        refused = fake_http.refused()
        http.expect(post_fails(refused), Call('POST', api_url('multi-tasks'), json=BODY).reply(200, json={'task_id': NEW_ID}))
        assert api().create_task(BODY) == NEW_ID
        assert len(sleeps) == 1

    def test_connection_refused_every_time_fails_after_the_retries(self, http, sleeps):
        refused = fake_http.refused()
        http.expect(*[post_fails(refused) for _attempt in range(3)])
        with pytest.raises(RomaError, match=r'Connection refused.*gave up after 3 attempts'):
            api(retries=2).create_task(BODY)

    def test_a_redirected_create_is_neither_looked_up_nor_resent(self, http, sleeps):
        """A 3xx means the endpoint is not the API: nothing was created, and repeating it cannot help."""
        http.expect(Call('POST', api_url('multi-tasks'), json=BODY).reply(302, body=b'', headers={'Location': 'https://login.example/'}))
        with pytest.raises(RomaResponseError, match='redirected POST'):
            api().create_task(BODY)
        assert not sleeps


class TestWrites:
    def test_update(self, http):
        body = {'description': 'x', 'operation_types': ['INSERT'], 'repulling_snapshot': False}
        http.expect(Call('PUT', api_url('multi-tasks', TASK_ID), json=body, headers=TOKEN_HEADERS).reply(200, json={'task_id': TASK_ID}))
        api().update_task(TASK_ID, body)

    def test_delete(self, http):
        http.expect(delete(TASK_ID))
        api().delete_task(TASK_ID)

    @pytest.mark.parametrize('form', sorted(NOT_FOUND_FORMS))
    def test_delete_of_a_task_already_gone(self, http, form):
        status, body = NOT_FOUND_FORMS[form]
        http.expect(Call('DELETE', api_url('tasks', TASK_ID)).reply(status, json=body))
        api().delete_task(TASK_ID)

    def test_delete_answered_404_without_a_code_is_an_error(self, http):
        http.expect(Call('DELETE', api_url('tasks', TASK_ID)).reply(404, body=b''))
        with pytest.raises(RomaApiError, match='check endpoint'):
            api().delete_task(TASK_ID)

    @pytest.mark.parametrize('form', sorted(NOT_FOUND_FORMS))
    def test_update_of_a_task_that_is_gone(self, http, form):
        status, body = NOT_FOUND_FORMS[form]
        put = {'operation_types': ['INSERT'], 'repulling_snapshot': False}
        http.expect(Call('PUT', api_url('multi-tasks', TASK_ID), json=put).reply(status, json=body))
        assert api().update_task(TASK_ID, put) is False

    @pytest.mark.parametrize('form', sorted(NOT_FOUND_FORMS))
    def test_stop_of_a_task_that_is_gone_is_done(self, http, form):
        status, body = NOT_FOUND_FORMS[form]
        http.expect(Call('POST', api_url('batch-operation', 'tasks'), json={'action_id': 'stop', 'list': [{'task_id': TASK_ID}]}).reply(status, json=body))
        assert switch().set_running({'task_id': TASK_ID}, False) is False

    @pytest.mark.parametrize('form', sorted(NOT_FOUND_FORMS))
    def test_start_of_a_task_that_is_gone_is_a_failure(self, http, form):
        """A start that started nothing is not a start (it runs nowhere): unlike a stop, it fails."""
        status, body = NOT_FOUND_FORMS[form]
        http.expect(Call('POST', api_url('batch-operation', 'tasks'), json={'action_id': 'start', 'list': [{'task_id': TASK_ID}]}).reply(status, json=body))
        with pytest.raises(RomaError, match='could not start .*: the task does not exist'):
            switch().set_running({'task_id': TASK_ID}, True)

    @pytest.mark.parametrize('code', ['FDI.3021', 'FDI.3081'])
    def test_start_reported_gone_in_a_failure_entry(self, http, code):
        http.expect(batch('start', TASK_ID, failure=(code, 'The task does not exist.')))
        with pytest.raises(RomaError, match='the task does not exist'):
            switch().set_running({'task_id': TASK_ID}, True)

    @pytest.mark.parametrize('code', ['FDI.3021', 'FDI.3081'])
    def test_stop_reported_gone_in_a_failure_entry(self, http, code):
        http.expect(batch('stop', TASK_ID, failure=(code, 'The task does not exist.')))
        assert switch().set_running({'task_id': TASK_ID}, False) is False

    def test_delete_retried_after_a_lost_answer_finds_it_gone(self, http, sleeps):
        http.expect(
            Call('DELETE', api_url('tasks', TASK_ID)).fail(fake_http.read_timeout()),
            Call('DELETE', api_url('tasks', TASK_ID)).reply(400, json=fdi_error('FDI.3021', 'One or more tasks do not exist.')),
        )
        api().delete_task(TASK_ID)

    def test_delete_of_a_running_task_is_an_error(self, http):
        http.expect(Call('DELETE', api_url('tasks', TASK_ID)).reply(400, json=fdi_error('FDI.3023', 'One or more tasks are running.')))
        with pytest.raises(RomaApiError, match='FDI.3023: One or more tasks are running.'):
            api().delete_task(TASK_ID)

    @pytest.mark.parametrize('running, action', [(True, 'start'), (False, 'stop')])
    def test_start_and_stop(self, http, running, action):
        http.expect(batch(action, TASK_ID))
        switch().set_running({'task_id': TASK_ID, 'task_name': NAME}, running)

    def test_batch_failure_entry(self, http):
        http.expect(batch('start', TASK_ID, failure=('FDI.3026', 'Failed to manually start the task.')))
        with pytest.raises(RomaError) as caught:
            switch().set_running({'task_id': TASK_ID, 'task_name': NAME}, True)
        assert caught.value.message == (
            "ROMA Connect could not start composite task 'orders-sync' (task_id a9fe65f41c6a5d646477c5): FDI.3026 Failed to manually start the task."
        )
        assert caught.value.details == {'error_code': 'FDI.3026', 'error_msg': 'Failed to manually start the task.'}

    def test_batch_failure_without_reason(self, http):
        http.expect(
            Call('POST', api_url('batch-operation', 'tasks'), json={'action_id': 'stop', 'list': [{'task_id': TASK_ID}]}).reply(
                200, json={'success_count': 0, 'failure_count': 1, 'failure': ['?']}
            )
        )
        with pytest.raises(RomaError, match=r'could not stop composite task .*: no reason given$'):
            switch().set_running({'task_id': TASK_ID}, False)

    @pytest.mark.parametrize('document', [['done'], 'done', 1])
    def test_batch_answer_that_is_not_an_object(self, http, document):
        http.expect(Call('POST', api_url('batch-operation', 'tasks'), json={'action_id': 'stop', 'list': [{'task_id': TASK_ID}]}).reply(200, json=document))
        with pytest.raises(RomaResponseError, match='without a result object'):
            switch().set_running({'task_id': TASK_ID}, False)

    def test_batch_failure_given_as_an_object(self, http):
        failure = {'task_id': TASK_ID, 'error_code': 'FDI.3027', 'error_msg': 'Failed to manually stop the task.'}
        http.expect(
            Call('POST', api_url('batch-operation', 'tasks'), json={'action_id': 'stop', 'list': [{'task_id': TASK_ID}]}).reply(
                200, json={'failure_count': 1, 'failure': failure}
            )
        )
        with pytest.raises(RomaError, match='FDI.3027 Failed to manually stop the task.$'):
            switch().set_running({'task_id': TASK_ID}, False)

    def test_batch_is_retried_because_repeating_it_is_harmless(self, http, sleeps):
        http.expect(
            Call('POST', api_url('batch-operation', 'tasks'), json={'action_id': 'start', 'list': [{'task_id': TASK_ID}]}).reply(502, body=b''),
            batch('start', TASK_ID),
        )
        switch().set_running({'task_id': TASK_ID}, True)
        assert sleeps == [0.375]


def stop_and_wait(task):
    """What a change or delete of a running task does first: the stop request, then the reads until it reports stopped."""
    tasks = switch()
    return tasks.wait_until_stopped(task) if tasks.set_running(task, False) else None


class TestStopAndWait:
    """A change or delete follows a stop only once the task reports stopped (ROMA Connect may stop it asynchronously)."""

    def test_a_stop_that_is_immediate_costs_one_read(self, http, sleeps):
        http.expect(batch('stop', TASK_ID), show(server_task()))
        assert stop_and_wait(module_view(server_task(running=True)))['status'] == 'stopped'
        assert sleeps == []

    def test_polls_with_growing_delays_until_stopped(self, http, sleeps):
        running = server_task(running=True)
        http.expect(batch('stop', TASK_ID), show(running), show(running), show(running), show(server_task()))
        assert stop_and_wait(module_view(running))['status'] == 'stopped'
        assert sleeps == [1.0, 2.0, 4.0]

    def test_gives_up_when_the_task_keeps_running(self, http, sleeps):
        running = server_task(running=True)
        delays = [1.0, 2.0, 4.0, 8.0] + [10.0] * 10 + [5.0]  # 120 seconds, STOP_WAIT_SECONDS: never a sleep past the deadline
        http.expect(batch('stop', TASK_ID), *[show(running) for dummy in range(len(delays) + 1)])
        with pytest.raises(RomaError) as caught:
            stop_and_wait(module_view(running))
        assert caught.value.message == (
            "Composite task 'orders-sync' (task_id a9fe65f41c6a5d646477c5) still reports status running 120 "
            'seconds after the request to stop it, so it was neither changed nor deleted. Check the task in '
            'the ROMA Connect console, then run again.'
        )
        assert sleeps == delays

    @pytest.mark.parametrize('form', sorted(NOT_FOUND_FORMS))
    def test_a_task_deleted_meanwhile(self, http, form):
        http.expect(batch('stop', TASK_ID), show_missing(TASK_ID, form=form))
        assert stop_and_wait(module_view(server_task(running=True))) is None

    def test_a_task_gone_before_the_stop_is_not_read(self, http):
        http.expect(batch('stop', TASK_ID, failure=('FDI.3021', 'One or more tasks do not exist.')))
        assert stop_and_wait(module_view(server_task(running=True))) is None


class TestUnreadable:
    """A field whose current value could not be read is never reported as changed: the caller fails instead."""

    def test_only_fields_the_user_set_count(self):
        current = dict(CURRENT, operation_types=None)
        assert unreadable_fields(wanted(operation_types=['INSERT']), current) == ['operation_types']
        assert unreadable_fields(wanted(description='x'), current) == []
        assert unreadable_fields(wanted(), dict(current, description=None)) == []

    def test_message_names_the_field_and_what_to_do(self):
        message = describe_unreadable(CURRENT, ['operation_types'])
        assert message.startswith(
            "ROMA Connect did not report the operation_types of composite task 'orders-sync' (task_id "
            'a9fe65f41c6a5d646477c5), so the module cannot tell whether it differs: nothing was changed.'
        )
        assert 'leave operation_types unset' in message


FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'fixtures')


def fixture(name):
    with open(os.path.join(FIXTURES, name), encoding='utf-8') as stream:
        return json.load(stream)


class TestRealisticShow:
    """A show response shaped like ROMA Connect's (sanitised): task_detail is a JSON document inside a string."""

    def test_task_detail_is_a_string_holding_the_operation_types(self):
        document = fixture('show_task_realtime.json')
        assert isinstance(document['task_detail'], str)
        task = normalize_task(shown=document)
        assert task == {
            'task_id': 'c0ffee00c0ffee00c0ffee00c0ffee00',
            'task_name': 'orders-to-warehouse',
            'task_type': 'REALTIME',
            'description': 'Replicate the orders schema to the warehouse',
            'task_tag': '',
            'operation_types': ['INSERT', 'UPDATE', 'DELETE'],
            'source_app_id': 'd5afd9af-a8fe-47f6-a98c-edbcba11a0da',
            'target_app_id': 'd5afd9af-a8fe-47f6-a98c-edbcba11a0da',
            'status': 'running',
            'source_datasource_id': '3f1b7c2a9d6e4f8a8b0c1d2e3f4a5b6c',
            'target_datasource_id': '7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d',
            'server_id': '4021',
        }
        assert unreadable_fields(wanted(operation_types=['INSERT'], description='x'), task) == []
