# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan (pure: desired + current -> writes) and its apply step, without any network."""

from __future__ import annotations

import itertools

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaApiError, RomaError, RomaInputError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_apply import ApplyError, apply_plan
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_mappings import MappingList
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_plan import Desired, PlanError, plan_task, reads_needed, validate_desired
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_task_state import TaskApis

TASK_ID = 'a9fe65f41c6a5d646477c5'
NEW_ID = '0123456789abcdef0123456789abcdef'
SRC, DST = 'ds-mysql', 'ds-dws'


def current_task(status='stopped', **fields):
    task = dict(
        task_id=TASK_ID,
        task_name='orders-sync',
        task_type='REALTIME',
        description='d',
        task_tag='sales-sync',
        operation_types=['INSERT', 'UPDATE'],
        source_app_id='app-s',
        target_app_id='app-t',
        status=status,
        source_datasource_id=SRC,
        target_datasource_id=DST,
    )
    task.update(fields)
    return task


def mapping(source, target=None, mapping_id=None, columns=None):
    return {
        'mapping_id': mapping_id or 'm-%s-%s' % (source, target or source),
        'source_table': source,
        'target_table': target or source,
        'columns': columns or [],
        'status': 'USING',
    }


def col(source, target=None, **details):
    column = {'source': source, 'target': target or source, 'source_type': None, 'source_length': None, 'target_type': None, 'target_length': None}
    column.update(details)
    return column


def desired(status=None, absent=False, purge=False, recreate=False, **options):
    base = dict(name='orders-sync', source_datasource_id=SRC, target_datasource_id=DST)
    base.update(options)
    return Desired(base, status=status, absent=absent, purge_mappings=purge, recreate=recreate)


def kinds(plan):
    return [action.kind for action in plan.actions]


def requests_of(plan, task_id=TASK_ID):
    return [action.request('inst-1', 'proj', task_id) for action in plan.actions]


class TestCreate:
    def test_task_without_data_sources_is_one_post_with_a_generated_id(self):
        plan = plan_task(Desired(dict(name='orders-sync', operation_types=['UPDATE', 'INSERT'])), None, generate_task_id=lambda: NEW_ID)
        assert requests_of(plan, NEW_ID) == [
            {
                'method': 'POST',
                'path': '/v2/proj/fdi/instances/inst-1/multi-tasks',
                'body': {'task_name': 'orders-sync', 'task_id': NEW_ID, 'task_type': 'REALTIME', 'operation_types': ['INSERT', 'UPDATE']},
            }
        ]
        assert plan.task_id == NEW_ID and plan.outcomes == ['created'] and plan.changed
        assert plan.after['status'] == 'stopped' and plan.after['description'] == ''

    def test_given_task_id_is_used(self):
        plan = plan_task(Desired(dict(task_id='my-task', name='orders-sync', operation_types=['INSERT'])), None)
        assert plan.task_id == 'my-task' and plan.actions[0].body['task_id'] == 'my-task'

    def test_with_data_sources_mappings_and_start(self):
        wanted = desired(
            status='running',
            operation_types=['INSERT'],
            server_id='1',
            auto_mapping=False,
            mappings=[
                {'source_table': 'orders'},
                {'source_table': 'customers', 'target_table': 'dim_customers', 'columns': [{'source': 'id'}, {'source': 'nm', 'target': 'name'}]},
            ],
        )
        plan = plan_task(wanted, None, generate_task_id=lambda: NEW_ID)
        assert kinds(plan) == ['init', 'create', 'create_mapping', 'create_mapping', 'start']
        sent = requests_of(plan, NEW_ID)
        assert sent[0] == {
            'method': 'POST',
            'path': '/v2/proj/fdi/instances/inst-1/multi-tasks/init',
            'body': {'task_id': NEW_ID, 'source_datasource_id': SRC, 'target_datasource_id': DST, 'auto_mapping': False, 'ext_info': {'server_id': '1'}},
        }
        assert sent[2]['path'].endswith('/multi-tasks/%s/mappings' % NEW_ID)
        assert sent[3]['body'] == {
            'source_datasource_id': SRC,
            'target_datasource_id': DST,
            'ext_info': {'server_id': '1'},
            'source_table': 'customers',
            'target_table': 'dim_customers',
            'mapping_columns': [{'source_column': 'id', 'target_column': 'id'}, {'source_column': 'nm', 'target_column': 'name'}],
        }
        assert sent[2]['body'] == {
            'source_datasource_id': SRC,
            'target_datasource_id': DST,
            'ext_info': {'server_id': '1'},
            'source_table': 'orders',
            'target_table': 'orders',
        }
        assert sent[4] == {
            'method': 'POST',
            'path': '/v2/proj/fdi/instances/inst-1/batch-operation/tasks',
            'body': {'action_id': 'start', 'list': [{'task_id': NEW_ID}]},
        }
        assert plan.outcomes == ['created', 'started']
        assert plan.after['status'] == 'running' and [m['target_table'] for m in plan.after['mappings']] == ['dim_customers', 'orders']

    def test_rendered_without_ids_keeps_placeholders(self):
        plan = plan_task(desired(operation_types=['INSERT'], mappings=[{'source_table': 'orders'}]), None)
        rendered = [action.request('inst-1') for action in plan.actions]
        assert rendered[1]['path'] == '/v2/{project_id}/fdi/instances/inst-1/multi-tasks'
        assert rendered[2]['path'] == '/v2/{project_id}/fdi/instances/inst-1/multi-tasks/{task_id}/mappings'

    @pytest.mark.parametrize(
        'options, missing',
        [
            (dict(task_id='abc-1', operation_types=['INSERT']), 'name'),
            (dict(name='orders-sync'), 'operation_types'),
            (dict(task_id='abc-1'), 'name and operation_types'),
        ],
    )
    def test_create_needs_name_and_operation_types(self, options, missing):
        with pytest.raises(PlanError, match='does not exist; to create it, set %s' % missing):
            plan_task(Desired(options), None)


MAPPING_CASES = {
    # name: (current mappings, wanted mappings, purge, expected mapping action kinds)
    'missing': ([], [{'source_table': 'orders'}], False, ['create_mapping']),
    'equal': ([mapping('orders', columns=[col('id')])], [{'source_table': 'orders', 'columns': [{'source': 'id'}]}], False, []),
    'equal, columns unset': ([mapping('orders', columns=[col('id')])], [{'source_table': 'orders'}], False, []),
    'different columns': (
        [mapping('orders', columns=[col('id')])],
        [{'source_table': 'orders', 'columns': [{'source': 'id'}, {'source': 'total'}]}],
        False,
        ['update_mapping'],
    ),
    'different type': (
        [mapping('orders', columns=[col('id', target_type='int')])],
        [{'source_table': 'orders', 'columns': [{'source': 'id', 'target_type': 'bigint'}]}],
        False,
        ['update_mapping'],
    ),
    'type not given is not compared': (
        [mapping('orders', columns=[col('id', target_type='int')])],
        [{'source_table': 'orders', 'columns': [{'source': 'id'}]}],
        False,
        [],
    ),
    'extra, kept': ([mapping('orders'), mapping('audit')], [{'source_table': 'orders'}], False, []),
    'extra, purged': ([mapping('orders'), mapping('audit')], [{'source_table': 'orders'}], True, ['delete_mapping']),
    'empty list purges all': ([mapping('orders'), mapping('audit')], [], True, ['delete_mapping', 'delete_mapping']),
    'one source, two targets': (
        [mapping('orders', 'orders_a')],
        [{'source_table': 'orders', 'target_table': 'orders_a'}, {'source_table': 'orders', 'target_table': 'orders_b'}],
        False,
        ['create_mapping'],
    ),
}


class TestMappings:
    @pytest.mark.parametrize('case, running, state', list(itertools.product(sorted(MAPPING_CASES), (False, True), (None, 'running', 'stopped'))))
    def test_every_combination(self, case, running, state):
        current_mappings, wanted, purge, expected = MAPPING_CASES[case]
        task = current_task('running' if running else 'stopped')
        plan = plan_task(desired(status=state, purge=purge, mappings=wanted), task, MappingList(current_mappings, SRC, DST))
        should_run = running if state is None else state == 'running'
        prefix = ['stop'] if running and (expected or not should_run) else []
        suffix = ['start'] if should_run and (not running or expected) else []
        assert kinds(plan) == prefix + expected + suffix
        assert plan.changed == bool(prefix + expected + suffix)
        assert ('mappings_changed' in plan.outcomes) == bool(expected)
        assert plan.after['status'] == ('running' if should_run else 'stopped')
        wanted_keys = set((m['source_table'], m.get('target_table') or m['source_table']) for m in wanted)
        after_keys = set((m['source_table'], m['target_table']) for m in plan.after['mappings'])
        current_keys = set((m['source_table'], m['target_table']) for m in current_mappings)
        assert after_keys == (wanted_keys if purge else wanted_keys | current_keys)

    def test_update_targets_the_mapping_id_with_the_full_body(self):
        current = [mapping('orders', mapping_id='m-1', columns=[col('id')])]
        columns = [{'source': 'id'}, {'source': 'amt', 'target': 'amount', 'target_length': 12}]
        plan = plan_task(desired(mappings=[{'source_table': 'orders', 'columns': columns}]), current_task(), MappingList(current, SRC, DST))
        assert requests_of(plan) == [
            {
                'method': 'PUT',
                'path': '/v2/proj/fdi/instances/inst-1/multi-tasks/%s/mappings/m-1' % TASK_ID,
                'body': {
                    'source_datasource_id': SRC,
                    'target_datasource_id': DST,
                    'source_table': 'orders',
                    'target_table': 'orders',
                    'mapping_columns': [
                        {'source_column': 'id', 'target_column': 'id'},
                        {'source_column': 'amt', 'target_column': 'amount', 'target_column_length': '12'},
                    ],
                },
            }
        ]

    def test_mappings_not_read_are_not_compared(self):
        plan = plan_task(desired(mappings=[{'source_table': 'orders'}]), current_task(), None)
        assert plan.actions == []

    def test_data_source_differs_is_a_conflict(self):
        with pytest.raises(PlanError, match="source_datasource_id is 'ds-mysql' but 'ds-other' was requested") as caught:
            plan_task(desired(source_datasource_id='ds-other', mappings=[]), current_task(), MappingList([], SRC, DST))
        assert caught.value.details['conflicts'] == {'source_datasource_id': {'current': SRC, 'wanted': 'ds-other'}}

    def test_data_sources_from_the_mapping_list_when_show_lacks_them(self):
        task = current_task(source_datasource_id=None, target_datasource_id=None)
        with pytest.raises(PlanError, match='target_datasource_id'):
            plan_task(desired(target_datasource_id='ds-x', mappings=[]), task, MappingList([], SRC, DST))

    def test_a_task_without_data_sources_gets_them_with_its_mappings(self):
        task = current_task(source_datasource_id=None, target_datasource_id=None)
        plan = plan_task(desired(mappings=[{'source_table': 'orders'}]), task, MappingList([], None, None))
        assert kinds(plan) == ['create_mapping'] and plan.after['source_datasource_id'] == SRC


class TestTaskFields:
    def test_equal_is_no_write(self):
        plan = plan_task(desired(description='d', operation_types=['UPDATE', 'INSERT'], status='stopped'), current_task())
        assert plan.actions == [] and not plan.changed and plan.outcomes == []

    @pytest.mark.parametrize(
        'running, state, expected',
        [
            (False, None, ['update']),
            (True, None, ['stop', 'update', 'start']),
            (True, 'stopped', ['stop', 'update']),
            (False, 'running', ['update', 'start']),
        ],
    )
    def test_update_and_the_stop_change_start_rule(self, running, state, expected):
        plan = plan_task(desired(status=state, description='new', repulling_snapshot=True), current_task('running' if running else 'stopped'))
        assert kinds(plan) == expected
        update = [action for action in plan.actions if action.kind == 'update'][0]
        assert update.body == {'description': 'new', 'task_tag': 'sales-sync', 'operation_types': ['INSERT', 'UPDATE'], 'repulling_snapshot': True}

    def test_status_only(self):
        assert kinds(plan_task(desired(status='running'), current_task())) == ['start']
        assert kinds(plan_task(desired(status='stopped'), current_task('running'))) == ['stop']

    def test_immutable_difference_fails_naming_fields(self):
        with pytest.raises(PlanError) as caught:
            plan_task(desired(source_app_id='app-x', task_type='TIMING'), current_task())
        assert set(caught.value.details['conflicts']) == {'source_app_id', 'task_type'}
        assert 'recreate: true' in caught.value.message

    @pytest.mark.parametrize(
        'absent, message',
        [(False, "task_name is 'orders-sync' but 'other-name' was requested"), (True, "named 'orders-sync', not 'other-name'.*Nothing was deleted")],
    )
    def test_name_mismatch_with_task_id_fails_for_every_state(self, absent, message):
        with pytest.raises(PlanError, match=message) as caught:
            plan_task(desired(task_id=TASK_ID, name='other-name', absent=absent), current_task('running'))
        assert caught.value.details['conflicts'] == {'task_name': {'current': 'orders-sync', 'wanted': 'other-name'}}


class TestReadsNeeded:
    LISTED = {'task_id': TASK_ID, 'task_name': 'orders-sync', 'task_tag': 'sales-sync', 'status': 'stopped'}

    @pytest.mark.parametrize(
        'options, needed',
        [
            (dict(name='orders-sync'), (False, False)),
            (dict(name='orders-sync', tag='sales-sync'), (False, False)),
            (dict(name='orders-sync', tag='other-tag'), (True, False)),  # the update must send the current operation types
            (dict(name='orders-sync', description='x'), (True, False)),
            (dict(name='orders-sync', source_datasource_id=SRC), (True, False)),  # compared from the show API
            (dict(name='orders-sync', server_id='1'), (True, False)),
            (dict(name='orders-sync', source_datasource_id=SRC, target_datasource_id=DST, mappings=[]), (False, True)),
        ],
    )
    def test_only_what_the_comparison_needs(self, options, needed):
        assert reads_needed(Desired(options), self.LISTED) == needed

    def test_recreate_reads_the_details_then_the_mappings_once_a_conflict_is_certain(self):
        wanted = Desired(dict(name='orders-sync', task_type='TIMING'), recreate=True)
        assert reads_needed(wanted, dict(self.LISTED, task_type='REALTIME')) == (True, False)
        assert reads_needed(wanted, dict(self.LISTED, task_type='REALTIME'), detailed=True) == (True, True)
        assert reads_needed(wanted, dict(self.LISTED, task_type='TIMING'), detailed=True) == (False, False)

    def test_absent_or_missing_needs_nothing(self):
        assert reads_needed(Desired(dict(name='orders-sync', description='x'), absent=True), self.LISTED) == (False, False)
        assert reads_needed(Desired(dict(name='orders-sync', description='x')), None) == (False, False)


class TestAbsent:
    def test_running_is_stopped_then_deleted(self):
        plan = plan_task(desired(absent=True), current_task('running'))
        assert kinds(plan) == ['stop', 'delete'] and plan.after is None and plan.outcomes == ['deleted']
        assert requests_of(plan)[1] == {'method': 'DELETE', 'path': '/v2/proj/fdi/instances/inst-1/tasks/%s' % TASK_ID}

    def test_missing_is_nothing(self):
        plan = plan_task(desired(absent=True), None)
        assert plan.actions == [] and not plan.changed


class TestRecreate:
    def test_fixed_field_change_deletes_and_creates_from_the_options_alone(self):
        current = current_task('running')
        plan = plan_task(
            desired(recreate=True, source_app_id='app-new', operation_types=['INSERT'], mappings=[{'source_table': 'orders'}]),
            current,
            MappingList([mapping('orders')], SRC, DST),
        )
        assert kinds(plan) == ['stop', 'delete', 'init', 'create', 'create_mapping', 'start']
        create = plan.actions[3].body
        # nothing is taken over from the old task (its description 'd'): a re-run after a failed create makes the same task
        assert create == {'task_name': 'orders-sync', 'task_id': TASK_ID, 'task_type': 'REALTIME', 'operation_types': ['INSERT'], 'source_app_id': 'app-new'}
        assert plan.outcomes == ['recreated']

    def test_stays_stopped_when_asked(self):
        plan = plan_task(
            desired(recreate=True, status='stopped', task_type='TIMING', operation_types=['INSERT'], mappings=[]),
            current_task('running'),
            MappingList([], SRC, DST),
        )
        assert kinds(plan) == ['stop', 'delete', 'init', 'create']

    def test_needs_mappings_when_the_old_task_had_some(self):
        with pytest.raises(PlanError, match='replicates nothing'):
            plan_task(desired(recreate=True, source_app_id='app-new', operation_types=['INSERT']), dict(current_task(), mappings=[mapping('orders')]))

    def test_needs_what_a_create_needs(self):
        with pytest.raises(PlanError, match='a create needs operation_types: set operation_types'):
            plan_task(desired(recreate=True, source_app_id='app-new', mappings=[]), current_task(), MappingList([], SRC, DST))

    def test_a_name_mismatch_by_task_id_is_never_recreated(self):
        with pytest.raises(PlanError, match="named 'orders-sync', not 'new-name'.*Nothing was deleted"):
            plan_task(
                desired(task_id=TASK_ID, name='new-name', recreate=True, operation_types=['INSERT'], mappings=[]), current_task(), MappingList([], SRC, DST)
            )


class TestValidation:
    @pytest.mark.parametrize(
        'options, message',
        [
            (dict(auto_mapping=True, source_datasource_id=SRC), 'target_datasource_id is required with auto_mapping'),
            (dict(source_datasource_id='', target_datasource_id=DST, mappings=[]), 'source_datasource_id must be 1-64'),
            (dict(server_id='x' * 21), 'server_id must be 1-20'),
            (
                dict(source_datasource_id=SRC, target_datasource_id=DST, mappings=[{'source_table': 'a'}, {'source_table': 'a'}]),
                r'mappings\[1\]: the pair a -> a is already listed as mappings\[0\]',
            ),
            (
                dict(source_datasource_id=SRC, target_datasource_id=DST, mappings=[{'source_table': ''}]),
                r'mappings\[0\]: source_table must be a non-empty string',
            ),
            (
                dict(source_datasource_id=SRC, target_datasource_id=DST, mappings=[{'source_table': 't' * 257}]),
                r'mappings\[0\]: source_table must be at most 256 characters',
            ),
            (
                dict(source_datasource_id=SRC, target_datasource_id=DST, mappings=[{'source_table': 'a', 'columns': []}]),
                r'mappings\[0\]: columns must list at least one column',
            ),
            (
                dict(
                    source_datasource_id=SRC,
                    target_datasource_id=DST,
                    mappings=[{'source_table': 'a', 'columns': [{'source': 'x', 'target': 'y'}, {'source': 'y'}]}],
                ),
                r"mappings\[0\]\.columns\[1\]: target column 'y' is already mapped by mappings\[0\]\.columns\[0\]",
            ),
        ],
    )
    def test_invalid_options_name_the_item_and_rule(self, options, message):
        with pytest.raises(RomaInputError, match=message):
            validate_desired(dict(options, instance_id='inst-1'))

    def test_mappings_without_data_sources_are_valid_input(self):
        """An existing task's data sources are fixed and known: changing only its mappings does not repeat them."""
        validate_desired(dict(name='orders-sync', mappings=[{'source_table': 'orders'}], instance_id='inst-1'))

    def test_a_create_with_mappings_needs_both_data_sources(self):
        with pytest.raises(PlanError, match='Task orders-sync has no source_datasource_id and target_datasource_id, and mappings need both'):
            plan_task(Desired(dict(name='orders-sync', operation_types=['INSERT'], mappings=[{'source_table': 'orders'}])), None)

    def test_mappings_of_an_existing_task_are_written_with_its_data_sources(self):
        plan = plan_task(Desired(dict(name='orders-sync', mappings=[{'source_table': 'orders'}])), current_task(), MappingList([], SRC, DST))
        assert [action.body['source_datasource_id'] for action in plan.actions] == [SRC]
        assert plan.actions[0].body['target_datasource_id'] == DST


class FakeTasks:
    """Records the calls of the apply step; ``fail`` maps a call name to the error it raises."""

    def __init__(self, log, fail):
        self.log, self.fail = log, fail

    def _record(self, name, *args):
        self.log.append((name,) + args)
        if name in self.fail:
            raise self.fail.pop(name)

    def set_running(self, task, running):
        self._record('start' if running else 'stop', task['task_id'])

    def set_running_many(self, tasks, running):
        errors = {}
        for task in tasks:
            try:
                self.set_running(task, running)
            except RomaError as error:
                errors[task['task_id']] = error
        return errors

    def wait_until_stopped(self, task, deadline=None):  # pylint: disable=unused-argument
        self._record('wait_stopped', task['task_id'])

    def delete_task(self, task_id):
        self._record('delete', task_id)

    def create_task(self, body):
        self._record('create', body['task_id'])
        return body['task_id']

    def update_task(self, task_id, body):
        self._record('update', task_id)
        return True


class FakeMappings(FakeTasks):
    def __init__(self, log, fail, existing=None):
        super().__init__(log, fail)
        self.existing = existing

    def init_task(self, body):
        self._record('init', body['task_id'])
        return body['task_id']

    def list_mappings(self, task_id):
        self._record('list_mappings', task_id)
        return MappingList(self.existing or [], SRC, DST)

    def create_mapping(self, task_id, body):
        self._record('create_mapping', task_id, body['source_table'])
        return 'new-%s' % body['source_table']

    def update_mapping(self, task_id, mapping_id, body):
        self._record('update_mapping', task_id, mapping_id)

    def delete_mapping(self, task_id, mapping_id):
        self._record('delete_mapping', task_id, mapping_id)


def apis(fail=None, existing=None):
    log = []
    fail = fail or {}
    tasks = FakeTasks(log, fail)
    return TaskApis(tasks, FakeMappings(log, fail, existing), start_stop=tasks), log


def error():
    return RomaApiError(400, 'FDI.3037', 'The parameter in mapping information is invalid.')


class TestApply:
    def test_create_sends_in_order_and_returns_ids(self):
        fake, log = apis()
        plan = plan_task(desired(status='running', operation_types=['INSERT'], mappings=[{'source_table': 'orders'}]), None, generate_task_id=lambda: NEW_ID)
        after = apply_plan(fake, plan)
        assert log == [('init', NEW_ID), ('create', NEW_ID), ('create_mapping', NEW_ID, 'orders'), ('start', NEW_ID)]
        assert after['task_id'] == NEW_ID and after['mappings'][0]['mapping_id'] == 'new-orders'

    def test_auto_mapping_reads_once_and_modifies_pairs_it_made(self):
        fake, log = apis(existing=[mapping('orders', mapping_id='auto-1'), mapping('customers', mapping_id='auto-2')])
        wanted = desired(
            auto_mapping=True, operation_types=['INSERT'], mappings=[{'source_table': 'orders', 'columns': [{'source': 'id'}]}, {'source_table': 'extra'}]
        )
        after = apply_plan(fake, plan_task(wanted, None, generate_task_id=lambda: NEW_ID))
        assert log == [
            ('init', NEW_ID),
            ('create', NEW_ID),
            ('list_mappings', NEW_ID),
            ('update_mapping', NEW_ID, 'auto-1'),
            ('create_mapping', NEW_ID, 'extra'),
        ]
        # the pairs ROMA Connect mapped by itself are the task's mappings too
        assert sorted((m['source_table'], m['mapping_id']) for m in after['mappings']) == [
            ('customers', 'auto-2'),
            ('extra', 'new-extra'),
            ('orders', 'auto-1'),
        ]

    def test_a_failed_change_of_a_running_task_restarts_it(self):
        fake, log = apis(fail={'update_mapping': error()})
        plan = plan_task(
            desired(mappings=[{'source_table': 'orders', 'columns': [{'source': 'x'}]}]),
            current_task('running'),
            MappingList([mapping('orders', mapping_id='m-1')], SRC, DST),
        )
        with pytest.raises(ApplyError) as caught:
            apply_plan(fake, plan)
        assert log == [('stop', TASK_ID), ('wait_stopped', TASK_ID), ('update_mapping', TASK_ID, 'm-1'), ('start', TASK_ID)]
        assert caught.value.details['restarted'] is True and caught.value.details['done'] == ['stop']
        assert 'FDI.3037' in caught.value.message and 'started again' in caught.value.message

    def test_a_failed_change_under_state_stopped_does_not_restart(self):
        fake, log = apis(fail={'update': error()})
        plan = plan_task(desired(status='stopped', description='x'), current_task('running'))
        with pytest.raises(ApplyError):
            apply_plan(fake, plan)
        assert log == [('stop', TASK_ID), ('wait_stopped', TASK_ID), ('update', TASK_ID)]

    def test_recreate_whose_create_fails_reports_deleted(self):
        fake, log = apis(fail={'create': error()})
        plan = plan_task(desired(recreate=True, source_app_id='app-new', operation_types=['INSERT'], mappings=[]), current_task(), MappingList([], SRC, DST))
        with pytest.raises(ApplyError) as caught:
            apply_plan(fake, plan)
        assert caught.value.details['deleted'] is True and 'run again to create it' in caught.value.message
        assert log == [('delete', TASK_ID), ('init', TASK_ID), ('create', TASK_ID)]

    def test_a_lone_stop_does_not_wait(self):
        fake, log = apis()
        apply_plan(fake, plan_task(desired(status='stopped'), current_task('running')))
        assert log == [('stop', TASK_ID)]
