# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Property: what ``state: gathered`` returns, fed back with ``merged`` or ``overridden``, changes nothing.

Over generated task sets (tags, descriptions, operation types, running or stopped,
with and without data sources and table mappings, with and without column lists),
against the bundled simulator run in this process: the tasks are created with the
module itself, gathered, and fed back; the simulator's request log must show no
write at all, and the module must report ``changed: false``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.hwcloud.roma.plugins.modules import fdi_composite_tasks
from ansible_collections.hwcloud.roma.tests.unit.plugins.local_simulator import (  # noqa: F401  pylint: disable=unused-import
    INSTANCE_ID,
    connection_to,
    control,
    real_network,
    server,
)
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner

# tables of the simulator's demo data sources, with columns both sides have
TABLES = {'orders': ['id', 'customer_id', 'status'], 'customers': ['id', 'name', 'email'], 'order_items': ['id', 'order_id']}
TAGS = ['sales-sync', 'ops-team']


@pytest.fixture
def run_module(capsys, real_network):  # pylint: disable=redefined-outer-name,unused-argument
    return ModuleRunner(capsys, fdi_composite_tasks.main)


def mapping_strategy():
    def build(table, columns):
        mapping = {'source_table': table}
        if columns:
            mapping['columns'] = [{'source': column} for column in columns]
        return mapping

    return st.sampled_from(sorted(TABLES)).flatmap(
        lambda table: st.builds(build, st.just(table), st.one_of(st.none(), st.lists(st.sampled_from(TABLES[table]), min_size=1, unique=True)))
    )


def task_strategy():
    return st.fixed_dictionaries(
        {
            'tag': st.one_of(st.none(), st.sampled_from(TAGS)),
            'description': st.one_of(st.none(), st.text(alphabet='abc xyz-', min_size=1, max_size=20)),
            'operation_types': st.lists(st.sampled_from(['INSERT', 'UPDATE', 'DELETE']), min_size=1, max_size=3, unique=True),
            'status': st.sampled_from(['running', 'stopped']),
            'mappings': st.one_of(st.none(), st.lists(mapping_strategy(), max_size=3, unique_by=lambda mapping: mapping['source_table'])),
        }
    )


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tasks=st.lists(task_strategy(), min_size=1, max_size=6), scope=st.sampled_from(['*'] + TAGS))
def test_gathered_fed_back_is_a_no_op(server, run_module, tasks, scope):
    connection = connection_to(server)
    datasources = control(server, 'POST', 'datasources', {'instance_id': INSTANCE_ID, 'demo': True})['datasource_ids']
    config = []
    for number, wanted in enumerate(tasks):
        item = dict((key, value) for key, value in wanted.items() if value is not None and key != 'mappings')
        item['name'] = 'task-%02d' % number
        if wanted['mappings'] is not None:
            item.update(source_datasource_id=datasources[0], target_datasource_id=datasources[1], server_id='1', mappings=wanted['mappings'])
        config.append(item)
    created = run_module(dict(config=config, parallelism=4), connection=connection)
    assert created['changed'] is True and not created.get('failed'), created.get('msg')

    gathered = run_module(dict(state='gathered', scope_tag=scope), connection=connection)['gathered']
    in_scope = [item['name'] for item in config if scope == '*' or item.get('tag') == scope]
    assert sorted(item['name'] for item in gathered) == sorted(in_scope)
    if not gathered:
        return
    before = control(server, 'GET', 'requests')['requests'][-1]['seq']
    for state in ('merged', 'overridden'):
        result = run_module(dict(state=state, scope_tag=scope, config=gathered), connection=connection)
        assert result['changed'] is False, (state, result['task_results'], result.get('msg'))
        assert result['commands'] == [] and all(entry['actions'] == [] for entry in result['task_results'])
    sent = control(server, 'GET', 'requests?since=%d' % before)['requests']
    assert [entry for entry in sent if entry['method'] != 'GET'] == []
