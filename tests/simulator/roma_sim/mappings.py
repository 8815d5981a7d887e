"""Table mappings of composite tasks: request-body checks, automatic mapping, and the API shapes.

A mapping sends one source table to one target table, column by column.  Its identity
in a task is the pair (source_table, target_table): one source table may feed several
target tables, but the same pair twice is refused (400 FDI.3037).  Body limits follow the
official OpenAPI definition of CreateMultiTaskMappings; the rest are the simulator's
choices, listed in docs/api.md.
"""

from __future__ import annotations

from .errors import invalid, invalid_parameters

MAX_ID = 64
MAX_TABLE = 256
MAX_FIELD = 256
MAX_SERVER_ID = 20
MAX_ITEMS = 9999
COLUMN_INFO_FIELDS = ('field_name', 'field_type', 'field_length')
MAPPING_INFO_FIELDS = ('source_column', 'source_column_type', 'source_column_length', 'target_column', 'target_column_type', 'target_column_length')


def _blank(value):
    return value is None or value == '' or value == []


def required_text(body, field, limit):
    """A required string of 1..limit characters: missing is FDI.3002, wrong is FDI.3033 [field]."""
    value = body.get(field)
    if _blank(value):
        raise invalid_parameters()
    if not isinstance(value, str) or len(value) > limit:
        raise invalid(field)
    return value


def optional_text(value, field, limit):
    """An optional string: None/"" mean not given (returned as None)."""
    if value is None or value == '':
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise invalid(field)
    return value


def _length(value, field):
    """A length is a string in the API; an integer is accepted and kept as its string (a Java JSON binder coerces it)."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or len(value) > MAX_FIELD:
        raise invalid(field)
    return value


def ext_info(value):
    """``ext_info`` ({server_id: 1-20 characters}) as stored: ``{}`` or ``{"server_id": ...}``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid('ext_info')
    server_id = value.get('server_id')
    if server_id in (None, ''):
        return {}
    if not isinstance(server_id, str) or len(server_id) > MAX_SERVER_ID:
        raise invalid('ext_info.server_id')
    return {'server_id': server_id}


def _items(value, field):
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_ITEMS or not all(isinstance(item, dict) for item in value):
        raise invalid(field)
    return value


def column_list(value, field):
    """``source_columns``/``target_columns``: None (derive from the data source) or 1-9999 ``{field_name, field_type, field_length}``."""
    if value is None:
        return None
    columns = []
    for item in _items(value, field):
        name = item.get('field_name')
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_FIELD:
            raise invalid(field)
        kind = optional_text(item.get('field_type'), field, MAX_FIELD)
        columns.append({'field_name': name, 'field_type': kind or '', 'field_length': _length(item.get('field_length'), field) or ''})
    return columns


def mapping_columns(value):
    """``mapping_columns``: None (map same-named columns) or 1-9999 MappingInfo; each target column at most once."""
    if value is None:
        return None
    mapped = []
    for item in _items(value, 'mapping_columns'):
        entry = {}
        for side in ('source', 'target'):
            name = item.get('%s_column' % side)
            if not isinstance(name, str) or not 1 <= len(name) <= MAX_FIELD:
                raise invalid('mapping_columns')
            entry['%s_column' % side] = name
            entry['%s_column_type' % side] = optional_text(item.get('%s_column_type' % side), 'mapping_columns', MAX_FIELD)
            entry['%s_column_length' % side] = _length(item.get('%s_column_length' % side), 'mapping_columns')
        mapped.append(entry)
    targets = [entry['target_column'] for entry in mapped]
    if len(set(targets)) != len(targets):
        raise invalid('mapping_columns')
    return mapped


def check_body(body):
    """MultiTaskMappingCreateBody (create and modify), checked field by field; returns the normalised fields."""
    if not isinstance(body, dict):
        raise invalid_parameters()
    fields = {
        'source_datasource_id': required_text(body, 'source_datasource_id', MAX_ID),
        'target_datasource_id': required_text(body, 'target_datasource_id', MAX_ID),
        'source_table': required_text(body, 'source_table', MAX_TABLE),
        'target_table': required_text(body, 'target_table', MAX_TABLE),
        'ext_info': ext_info(body.get('ext_info')),
    }
    fields['source_columns'] = column_list(body.get('source_columns'), 'source_columns')
    fields['target_columns'] = column_list(body.get('target_columns'), 'target_columns')
    fields['mapping_columns'] = mapping_columns(body.get('mapping_columns'))
    return fields


def _brief_columns(columns):
    return [dict((field, column.get(field) or '') for field in COLUMN_INFO_FIELDS) for column in columns]


def build(mapping_id, fields, source_columns, target_columns, status, now_ms):
    """A stored mapping (MultiTaskMappingElement) from checked fields and the tables' columns in the data sources.

    ``source_columns``/``target_columns`` are the data sources' ColumnInfo lists; the body's
    own column lists win where given.  Column types and lengths left out of ``mapping_columns``
    are filled in from the data sources, so a reader sees complete MappingInfo entries.
    Raises KeyError naming a column that is not in its table.
    """
    by_name = {
        'source': dict((column['field_name'], column) for column in source_columns),
        'target': dict((column['field_name'], column) for column in target_columns),
    }
    wanted = fields['mapping_columns']
    if wanted is None:
        wanted = [{'source_column': name, 'target_column': name} for name in by_name['source'] if name in by_name['target']]
    mapping = []
    for entry in wanted:
        complete = {}
        for side in ('source', 'target'):
            column = by_name[side][entry['%s_column' % side]]  # KeyError: not a column of the table
            complete['%s_column' % side] = column['field_name']
            complete['%s_column_type' % side] = entry.get('%s_column_type' % side) or column['field_type']
            complete['%s_column_length' % side] = entry.get('%s_column_length' % side) or column['field_length']
        mapping.append(complete)
    shown_targets = fields['target_columns'] or _brief_columns(target_columns)
    return {
        'id': mapping_id,
        'source_table': fields['source_table'],
        'target_table': fields['target_table'],
        'status': status,
        'source_columns': fields['source_columns'] or _brief_columns(source_columns),
        'target_columns': shown_targets,
        'mapping': mapping,
        'updated_time': now_ms,
        'mapping_percent': 100 * len(mapping) // len(shown_targets) if shown_targets else 0,
    }


def element(owner, datasources, mappings, total):
    """MultiTaskInitElement: the init answer and the mapping-list answer (``mappings`` is one page)."""
    document = {'ext_info': dict(owner.get('ext_info') or {}), 'task_id': owner['task_id'], 'source_group': '', 'target_group': ''}
    for side in ('source', 'target'):
        datasource_id = owner.get('%s_datasource_id' % side) or ''
        datasource = datasources.get(datasource_id) or {}
        document.update(
            {
                '%s_datasource_id' % side: datasource_id,
                '%s_ds_id' % side: datasource_id,
                '%s_instance_id' % side: datasource.get('instance_id', ''),
                '%s_app_id' % side: datasource.get('app_id', ''),
                '%s_datasource_name' % side: datasource.get('datasource_name', ''),
                '%s_datasource_type' % side: datasource.get('datasource_type', ''),
            }
        )
    document['mappings'] = [shown(mapping) for mapping in mappings]
    document['mappings_total_count'] = total
    return document


def shown(mapping):
    """A copy of a stored mapping for an answer (the stored one keeps changing)."""
    return {
        'id': mapping['id'],
        'source_table': mapping['source_table'],
        'target_table': mapping['target_table'],
        'status': mapping['status'],
        'source_columns': [dict(column) for column in mapping['source_columns']],
        'target_columns': [dict(column) for column in mapping['target_columns']],
        'mapping': [dict(entry) for entry in mapping['mapping']],
        'updated_time': mapping['updated_time'],
        'mapping_percent': mapping['mapping_percent'],
    }
