# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The table mappings of a composite task: validation, one normalised shape, comparison, API calls.

A mapping says which source table feeds which target table, column by column.  Its
identity is the pair (source_table, target_table): one source table may feed
several target tables, so the source table alone is not a key.  The API reports
a mapping as ``MultiTaskMappingElement`` (``id``, ``mapping[]`` of column pairs);
everything above this file sees only the dict built by :func:`normalize_mapping`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError, RomaResponseError, absent_when, safe_snippet
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import is_not_found
from ansible_collections.hwcloud.roma.plugins.module_utils.rules import raise_for_problems

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.client import RomaClient

MAPPING_PAGE_SIZE = 1000  # the largest page the mapping list API returns
NAME_MAX_LENGTH = 256  # tables, columns and types: the official definitions allow 1-256 (older prose said 64)
COLUMN_DETAILS = ('source_type', 'source_length', 'target_type', 'target_length')
# column option -> MappingInfo field of the API
_COLUMN_API_FIELDS = (
    ('source', 'source_column'),
    ('target', 'target_column'),
    ('source_type', 'source_column_type'),
    ('source_length', 'source_column_length'),
    ('target_type', 'target_column_type'),
    ('target_length', 'target_column_length'),
)


def mapping_key(mapping: Mapping[str, Any]) -> tuple[str, str]:
    """The identity of a mapping: (source table, target table)."""
    return (mapping['source_table'], mapping['target_table'])


def describe_key(key: tuple[str, str]) -> str:
    return '%s -> %s' % key


def _check_name(problems: list[str], where: str, option: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        problems.append('%s: %s must be a non-empty string; got %r' % (where, option, value))
    elif len(value) > NAME_MAX_LENGTH:
        problems.append('%s: %s must be at most %d characters; got %d' % (where, option, NAME_MAX_LENGTH, len(value)))


def _length_text(value: object) -> object:
    """Column lengths are strings in the API; accept 20 as well as "20"."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    return value


def normalize_wanted_mappings(options: Iterable[Any] | None, option_name: str = 'mappings') -> list[dict[str, Any]] | None:
    """Validate the ``mappings`` option and return it normalised (defaults filled in), or None when unset.

    Raises RomaInputError naming every invalid item, before any request is sent.
    """
    if options is None:
        return None
    problems = []
    result, seen = [], {}
    for index, item in enumerate(options):
        where = '%s[%d]' % (option_name, index)
        if not isinstance(item, dict):
            problems.append('%s must be a dict with source_table; got %r' % (where, item))
            continue
        source_table = item.get('source_table')
        target_table = item.get('target_table') if item.get('target_table') is not None else source_table
        _check_name(problems, where, 'source_table', source_table)
        _check_name(problems, where, 'target_table', target_table)
        mapping = {'source_table': source_table, 'target_table': target_table, 'columns': None}
        if isinstance(source_table, str) and isinstance(target_table, str):
            key = mapping_key(mapping)
            if key in seen:
                problems.append('%s: the pair %s is already listed as %s[%d]; list each pair once' % (where, describe_key(key), option_name, seen[key]))
            seen[key] = index
        columns = item.get('columns')
        if columns is not None:
            mapping['columns'] = _normalize_columns(problems, where, columns)
        result.append(mapping)
    raise_for_problems(problems, 'Invalid %s' % option_name)
    return result


def _normalize_columns(problems: list[str], where: str, columns: Iterable[Any]) -> list[dict[str, Any]]:
    if not columns:
        problems.append('%s: columns must list at least one column, or be omitted to map same-named columns' % where)
        return []
    normalized, targets = [], {}
    for position, column in enumerate(columns):
        here = '%s.columns[%d]' % (where, position)
        if not isinstance(column, dict):
            problems.append('%s must be a dict with source; got %r' % (here, column))
            continue
        source = column.get('source')
        target = column.get('target') if column.get('target') is not None else source
        _check_name(problems, here, 'source', source)
        _check_name(problems, here, 'target', target)
        entry = {'source': source, 'target': target}
        for detail in COLUMN_DETAILS:
            value = _length_text(column.get(detail))
            if value is None:
                continue
            if detail.endswith('_length') and not (isinstance(value, str) and value.strip() and len(value) <= NAME_MAX_LENGTH):
                problems.append('%s: %s must be a length such as 20 or "10,2"; got %r' % (here, detail, column.get(detail)))
                continue
            _check_name(problems, here, detail, value)
            entry[detail] = value
        if isinstance(target, str):
            if target in targets:
                problems.append(
                    '%s: target column %r is already mapped by %s.columns[%d]; each target column takes one source' % (here, target, where, targets[target])
                )
            targets[target] = position
        normalized.append(entry)
    return normalized


def normalize_mapping(element: Mapping[str, Any]) -> dict[str, Any]:
    """The collection's mapping dict from a ``MultiTaskMappingElement``."""
    columns = []
    for pair in element.get('mapping') or []:
        if not isinstance(pair, dict):
            continue
        column = {}
        for option, field in _COLUMN_API_FIELDS:
            value = pair.get(field)
            column[option] = None if value is None else str(value)
        columns.append(column)
    columns.sort(key=lambda column: (column['target'] or '', column['source'] or ''))
    return {
        'mapping_id': None if element.get('id') is None else str(element['id']),
        'source_table': element.get('source_table'),
        'target_table': element.get('target_table'),
        'columns': columns,
        'status': element.get('status'),
        'mapping_percent': element.get('mapping_percent'),
    }


def columns_differ(wanted: Iterable[Mapping[str, Any]] | None, current: Iterable[Mapping[str, Any]] | None) -> bool:
    """Whether the columns the user listed differ from the mapping's, keyed by target column.

    Types and lengths count only where the user gave them; ``wanted`` None is "don't care".
    """
    if wanted is None:
        return False
    current_by_target = dict((column.get('target'), column) for column in current or [])
    if set(current_by_target) != set(column['target'] for column in wanted):
        return True
    for column in wanted:
        existing = current_by_target[column['target']]
        if existing.get('source') != column['source']:
            return True
        if any(column[detail] != existing.get(detail) for detail in COLUMN_DETAILS if detail in column):
            return True
    return False


def merged_columns(wanted: Iterable[Mapping[str, Any]], current: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """A modified mapping's columns as ROMA Connect will report them: the listed ones, with what was known of them."""
    current_by_target = dict((column.get('target'), column) for column in current or [])
    merged = []
    for column in wanted:
        known = current_by_target.get(column['target'], {})
        if known.get('source') != column['source']:
            known = {}
        merged.append(dict(dict((key, known.get(key)) for key in known), **column))
    return merged


def mapping_body(mapping: Mapping[str, Any], source_datasource_id: str, target_datasource_id: str, server_id: str | None = None) -> dict[str, Any]:
    """The create/modify body of one mapping.  Without ``columns``, ROMA Connect maps same-named columns."""
    body = {'source_datasource_id': source_datasource_id, 'target_datasource_id': target_datasource_id}
    if server_id:
        body['ext_info'] = {'server_id': server_id}
    body['source_table'] = mapping['source_table']
    body['target_table'] = mapping['target_table']
    if mapping.get('columns'):
        body['mapping_columns'] = [
            dict((field, column[option]) for option, field in _COLUMN_API_FIELDS if column.get(option) is not None) for column in mapping['columns']
        ]
    return body


def mapping_view(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """A mapping as the modules return it: the same keys whether it was just written or read (null where not known yet).

    ``columns`` is [] for a new mapping of same-named columns (ROMA Connect chooses them); ``status`` and ``mapping_percent``
    are what ROMA Connect reports (never compared), null right after the module wrote the mapping.
    """
    view = {
        'mapping_id': mapping.get('mapping_id'),
        'source_table': mapping['source_table'],
        'target_table': mapping['target_table'],
        'columns': [
            dict((key, value) for key, value in column.items() if value is not None)
            for column in sorted(mapping.get('columns') or [], key=lambda column: column['target'])
        ],
    }
    for key in ('status', 'mapping_percent'):
        view[key] = mapping.get(key)
    return view


class MappingList:
    """A task's mappings as read from the list API, with the task-level fields that the list repeats."""

    def __init__(
        self, mappings: list[dict[str, Any]], source_datasource_id: str | None = None, target_datasource_id: str | None = None, server_id: str | None = None
    ) -> None:
        self.mappings = mappings
        self.source_datasource_id = source_datasource_id
        self.target_datasource_id = target_datasource_id
        self.server_id = server_id

    def by_key(self) -> dict[tuple[str, str], dict[str, Any]]:
        return dict((mapping_key(mapping), mapping) for mapping in self.mappings)


class FdiMappingApi:
    """Calls for the mappings of the composite tasks of one ROMA Connect instance."""

    def __init__(self, client: RomaClient, instance_id: str) -> None:
        self.client = client
        self.instance_id = instance_id

    def _path(self, task_id: str, *parts: str) -> str:
        return '/v2/%s/fdi/instances/%s/multi-tasks/%s' % (self.client.project_id, self.instance_id, '/'.join((task_id,) + parts))

    @absent_when(is_not_found)
    def list_mappings(self, task_id: str, **filters: str | None) -> MappingList:
        """Every mapping of the task, one request per 1000; None when the task does not exist."""
        path = self._path(task_id, 'mappings')
        mappings, header, offset = [], {}, 0
        while True:
            query = dict((key, value) for key, value in filters.items() if value is not None)
            query.update(offset=offset, limit=MAPPING_PAGE_SIZE)
            page = self.client.call('GET', path, query)
            if not isinstance(page, dict) or not isinstance(page.get('mappings', []), list):
                raise RomaResponseError('ROMA Connect answered GET %s without a "mappings" list: %s' % (path, safe_snippet(json.dumps(page))))
            header = header or page
            elements = [element for element in page.get('mappings') or [] if isinstance(element, dict)]
            mappings.extend(normalize_mapping(element) for element in elements)
            offset += len(elements)
            total = page.get('mappings_total_count')
            if not elements or not isinstance(total, int) or offset >= total:
                break
        ext_info = header.get('ext_info') if isinstance(header.get('ext_info'), dict) else {}
        return MappingList(
            mappings,
            header.get('source_datasource_id') or None,
            header.get('target_datasource_id') or None,
            None if ext_info.get('server_id') in (None, '') else str(ext_info['server_id']),
        )

    def add_mappings(self, tasks: Iterable[dict[str, Any]]) -> None:
        """Add ``mappings`` (and the data sources the mapping list reports) to each task dict; a task gone meanwhile gets []."""
        for task in tasks:
            found = self.list_mappings(task['task_id'])
            task['mappings'] = [mapping_view(mapping) for mapping in sorted(found.mappings, key=mapping_key)] if found else []
            for field in ('source_datasource_id', 'target_datasource_id'):
                if found and getattr(found, field) and not task.get(field):
                    task[field] = getattr(found, field)

    def find_mapping(self, task_id: str, source_table: str, target_table: str) -> dict[str, Any] | None:
        """The mapping of this pair, or None: how an ambiguous create is recovered without a duplicate."""
        found = self.list_mappings(task_id, source_table=source_table, target_table=target_table)
        for mapping in found.mappings if found else []:
            if mapping_key(mapping) == (source_table, target_table):
                return mapping
        return None

    def create_mapping(self, task_id: str, body: Mapping[str, Any]) -> str:
        """POST a mapping and return its ID, never creating the pair twice.

        POST is not idempotent: after a failure the server may have acted on
        (or a 2xx without an ID), the pair is looked up before anything is re-sent.
        """
        try:
            response = self.client.call('POST', self._path(task_id, 'mappings'), body=body)
        except RomaError as error:
            if not error.may_have_been_processed:
                raise
            existing = self.find_mapping(task_id, body['source_table'], body['target_table'])
            if existing is None:
                raise
            return existing['mapping_id']
        mapping_id = response.get('mapping_id') if isinstance(response, dict) else None
        if mapping_id:
            return str(mapping_id)
        existing = self.find_mapping(task_id, body['source_table'], body['target_table'])
        if existing is None:
            raise RomaResponseError(
                'ROMA Connect accepted the mapping %s but returned no mapping_id and it cannot be found.'
                % describe_key((body['source_table'], body['target_table']))
            )
        return existing['mapping_id']

    def update_mapping(self, task_id: str, mapping_id: str, body: Mapping[str, Any]) -> None:
        self.client.call('PUT', self._path(task_id, 'mappings', mapping_id), body=body)

    @absent_when(is_not_found)
    def delete_mapping(self, task_id: str, mapping_id: str) -> None:
        """Delete a mapping; one that is already gone (a retried DELETE) counts as deleted."""
        self.client.call('DELETE', self._path(task_id, 'mappings', mapping_id), expect_body=False)

    def init_task(self, body: Mapping[str, Any]) -> str:
        """``POST multi-tasks/init``: returns the task ID ROMA Connect assigned (or accepted).

        Initialising creates no task that the list API shows, so re-sending it is harmless.
        """
        path = '/v2/%s/fdi/instances/%s/multi-tasks/init' % (self.client.project_id, self.instance_id)
        response = self.client.call('POST', path, body=body, idempotent=True)
        elements = response if isinstance(response, list) else (response or {}).get('init_result') if isinstance(response, dict) else None
        element = elements[0] if isinstance(elements, list) and elements and isinstance(elements[0], dict) else {}
        task_id = element.get('task_id') or body.get('task_id')
        if not task_id:
            raise RomaResponseError('ROMA Connect answered POST %s without a task_id: %s' % (path, safe_snippet(json.dumps(response))))
        return str(task_id)
