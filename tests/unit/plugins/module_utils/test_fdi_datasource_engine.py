# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The data-source plan (pure): create, no-op, change, a secret alone under both update_password values, fixed fields, secrets needed."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaInputError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_datasource_engine import WantedDatasource, plan_datasource
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_datasources import StoredDatasource
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_plan import PlanError

SETTINGS = {'mode': 'default', 'host': 'db.example', 'port': '3306', 'database_name': 'orders', 'user_name': 'replicator'}


def stored(**content):
    entity = {
        'datasource_id': 'ds-1',
        'datasource_name': 'orders-mysql',
        'datasource_type': 'MYSQL',
        'app_id': 'app-1',
        'description': 'Orders',
        'content': dict(SETTINGS, **content),
    }
    return StoredDatasource(entity)


def wanted(connection=None, update_password='on_create', state='present', **options):
    params = dict(
        instance_id='inst-1',
        name='orders-mysql',
        datasource_id=None,
        type='MYSQL',
        app_id='app-1',
        description=None,
        connection=connection,
        update_password=update_password,
        state=state,
    )
    params.update(options)
    return WantedDatasource(params)


FULL = dict(SETTINGS, port=3306, password='Secret-1')


def test_create_sends_what_the_task_gives():
    plan = plan_datasource(wanted(FULL, description='Orders'), None)
    assert plan.action == 'create'
    assert plan.body == {
        'datasource_name': 'orders-mysql',
        'datasource_type': 'MYSQL',
        'app_id': 'app-1',
        'content': dict(FULL, port='3306'),
        'description': 'Orders',
    }
    assert 'password' not in plan.after['content'] and plan.secrets_sent == ['password']


@pytest.mark.parametrize('missing', ['name', 'type', 'app_id', 'connection'])
def test_create_needs_name_type_application_and_connection(missing):
    with pytest.raises(PlanError, match='to create it, set %s' % missing):
        plan_datasource(wanted(FULL if missing != 'connection' else None, **{missing: None} if missing != 'connection' else {}), None)


# (given connection, update_password, content reported by the API) -> (action, changes)
CASES = {
    'equal': (FULL, 'on_create', {}, None, []),
    'equal, unset fields not compared': ({'host': 'db.example'}, 'on_create', {}, None, []),
    'a secret alone, on_create': ({'password': 'New-Secret'}, 'on_create', {}, None, []),
    'a secret alone, always': (dict(FULL, password='New-Secret'), 'always', {}, 'update', ['connection.password']),
    'the port': (dict(FULL, port=3307), 'on_create', {}, 'update', ['connection.port']),
    'the port, always': (dict(FULL, port=3307), 'always', {}, 'update', ['connection.port', 'connection.password']),
    'a boolean': (dict(FULL, ssl_enable=True), 'on_create', {'ssl_enable': False}, 'update', ['connection.ssl_enable']),
    'an int against the string the API reports': (dict(FULL, mysql_timeout=30), 'on_create', {'mysql_timeout': '30'}, None, []),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_what_changes(case):
    connection, update_password, reported, action, changes = CASES[case]
    plan = plan_datasource(wanted(connection, update_password), stored(**reported))
    assert plan.action == action and plan.changes == changes
    if action == 'update':
        assert plan.body['content']['password'] == connection['password']  # the whole content: the secret goes with it


def test_an_update_keeps_the_settings_read_back_and_never_sends_a_masked_secret():
    plan = plan_datasource(wanted(dict(port=3307, password='Secret-1')), stored(password='******', encoding='utf8'))
    assert plan.body['content'] == dict(SETTINGS, port='3307', encoding='utf8', password='Secret-1')


@pytest.mark.parametrize('reported', [{}, {'password': '******'}], ids=['omitted', 'masked'])
def test_an_update_without_the_secret_it_needs_is_refused(reported):
    with pytest.raises(RomaInputError, match='connection.password is needed'):
        plan_datasource(wanted({'port': 3307}), stored(**reported))


def test_a_secret_the_data_source_has_is_needed_even_when_the_type_does_not_need_it():
    with pytest.raises(RomaInputError, match='connection.ssl_password is needed'):
        plan_datasource(wanted(dict(FULL, port=3307)), stored(ssl_password='******'))


@pytest.mark.parametrize('option, value', [('type', 'POSTGRESQL'), ('app_id', 'app-2')])
def test_fixed_fields_are_conflicts(option, value):
    with pytest.raises(PlanError) as caught:
        plan_datasource(wanted(FULL, **{option: value}), stored())
    assert caught.value.details['conflicts'] == {option: {'current': 'MYSQL' if option == 'type' else 'app-1', 'wanted': value}}


def test_absent():
    assert plan_datasource(wanted(state='absent'), stored()).action == 'delete'
    assert plan_datasource(wanted(state='absent'), None).action is None


@pytest.mark.parametrize('mode, needed', [('default', 'connection.database_name'), ('professional', 'connection.url')])
def test_what_a_type_needs_is_checked_on_what_would_be_sent(mode, needed):
    with pytest.raises(RomaInputError, match='a MYSQL data source in mode %s needs .*%s' % (mode, needed)):
        plan_datasource(wanted({'mode': mode, 'host': 'db', 'port': 1, 'user_name': 'user', 'password': 'Secret-1'}), None)
