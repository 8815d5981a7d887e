# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Before any write: a plan held against what its data sources really have.

ROMA Connect refuses a mapping to a table or column that does not exist only when the
mapping is written (400 FDI.3037, naming neither), which is half-way through a create;
a MySQL source without ``server_id`` fails the same way, and app IDs that contradict the
data sources are silently replaced by the service (so every later run would report a
conflict).  The data sources' tables and columns can be read, so the plan is checked
here, in check mode as in a real run, and every problem is named at once: the item,
the option, the missing name and the closest names that do exist.

Reads are cached per run and limited to what a plan touches: the data sources of a
create, and the tables (and, where columns are listed, the columns) of the mappings
the plan writes.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_datasources import FdiDatasourceApi

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.client import RomaClient
    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_plan import Action, Desired, TaskPlan

SIDES = (('source', 'SOURCE'), ('target', 'TARGET'))


class DatasourceCatalog:
    """The data sources, tables and columns a run's plans use, each read once."""

    def __init__(self, client: RomaClient, instance_id: str) -> None:
        self.api = FdiDatasourceApi(client, instance_id)
        self._datasources, self._tables, self._columns = {}, {}, {}

    def datasource(self, datasource_id: str) -> dict[str, Any] | None:
        if datasource_id not in self._datasources:
            self._datasources[datasource_id] = self.api.get_datasource(datasource_id)
        return self._datasources[datasource_id]

    def tables(self, datasource_id: str, position: str) -> list[str] | None:
        key = (datasource_id, position)
        if key not in self._tables:
            self._tables[key] = self.api.list_tables(datasource_id, position)
        return self._tables[key]

    def columns(self, datasource_id: str, table: str, position: str) -> list[str] | None:
        key = (datasource_id, table, position)
        if key not in self._columns:
            self._columns[key] = self.api.list_columns(datasource_id, table, position)
        return self._columns[key]


def _close(name: str, names: list[str] | None) -> str:
    matches = difflib.get_close_matches(name, names or [], n=3, cutoff=0.6)
    return ' (close matches: %s)' % ', '.join(matches) if matches else ''


def _describe(datasource: Mapping[str, Any] | None, datasource_id: str) -> str:
    name = (datasource or {}).get('datasource_name')
    return 'data source %r (%s)' % (name, datasource_id) if name else 'data source %s' % datasource_id


def preflight_problems(plan: TaskPlan, catalog: DatasourceCatalog, prefix: str = '') -> list[str]:
    """Every problem of ``plan`` that its data sources reveal, as messages naming the option (with ``prefix``); [] when fine."""
    if not plan.uses_datasources:
        return []
    desired, task = plan.desired, plan.after or {}
    kinds = [action.kind for action in plan.actions]
    mapping_writes = [action for action in plan.actions if action.kind in ('create_mapping', 'update_mapping')]
    problems = []
    sources = dict((side, task.get('%s_datasource_id' % side)) for side, _position in SIDES)
    if 'create' in kinds and 'init' in kinds:
        problems.extend(_datasource_problems(desired, task, sources, catalog, prefix))
        if problems:
            return problems  # a data source that is missing has no tables to check
    for action in mapping_writes:
        problems.extend(_mapping_problems(desired, action, sources, catalog, prefix))
    return problems


def _datasource_problems(desired: Desired, task: Mapping[str, Any], sources: Mapping[str, Any], catalog: DatasourceCatalog, prefix: str) -> list[str]:
    """The data sources of a new task exist, a MySQL source has its server_id, and given app IDs are theirs."""
    problems = []
    for side, _position in SIDES:
        datasource_id = sources[side]
        app_option = '%s_app_id' % side
        needs_read = side == 'source' or desired.fields[app_option]
        if not datasource_id or not needs_read:
            continue
        datasource = catalog.datasource(datasource_id)
        if datasource is None:
            problems.append('%s%s_datasource_id %r is not a data source of instance %s' % (prefix, side, datasource_id, catalog.api.instance_id))
            continue
        if side == 'source' and (datasource.get('datasource_type') or '').upper() == 'MYSQL' and not task.get('server_id'):
            problems.append(
                '%sserver_id is required: the source %s is MySQL, and change data capture from MySQL needs the server ID '
                '(the MySQL server_id of that database)' % (prefix, _describe(datasource, datasource_id))
            )
        wanted_app = desired.fields[app_option]
        if wanted_app and datasource.get('app_id') and wanted_app != datasource['app_id']:
            problems.append(
                "%s%s %r contradicts the %s %s, which belongs to application %r: a task's applications are those of its "
                'data sources, so leave %s unset or set it to %r'
                % (prefix, app_option, wanted_app, side, _describe(datasource, datasource_id), datasource['app_id'], app_option, datasource['app_id'])
            )
    return problems


def _mapping_problems(desired: Desired, action: Action, sources: Mapping[str, Any], catalog: DatasourceCatalog, prefix: str) -> list[str]:
    """The tables of a mapping the plan writes exist (for a new mapping), and the columns it lists exist in them."""
    index = desired.mapping_index(action.key)
    where = '%smappings[%s]' % (prefix, index if index is not None else '?')
    tables = dict(zip(('source', 'target'), action.key))
    problems = []
    for side, position in SIDES:
        if action.kind != 'create_mapping':
            break  # a modified mapping's tables are the ones it already maps
        names = catalog.tables(sources[side], position)
        if names is not None and tables[side] not in names:
            problems.append(
                '%s: %s table %r does not exist in the %s %s%s'
                % (where, side, tables[side], side, _describe(catalog.datasource(sources[side]), sources[side]), _close(tables[side], names))
            )
    if problems:
        return problems
    listed = (action.mapping or {}).get('columns') or []
    for side, position in SIDES:
        wanted = [column.get(side) for column in listed if column.get(side)]
        if not wanted:
            continue
        names = catalog.columns(sources[side], tables[side], position)
        if names is None:
            problems.append('%s: %s table %r does not exist in the %s data source %s' % (where, side, tables[side], side, sources[side]))
            continue
        for column in wanted:
            if column not in names:
                problems.append('%s: %s column %r does not exist in table %r%s' % (where, side, column, tables[side], _close(column, names)))
    return problems
