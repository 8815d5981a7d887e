"""FDI data sources as ROMA Connect reports them: seeding (control API, state file, demo pair), API shapes, queries.

A composite task reads from one source data source and writes to one target data source.
The simulator cannot create data sources through the API (a real one needs a reachable
database); tests seed them instead, each with its connection settings (``content``,
password included, as the real API returns it) and its tables with their columns.
"""

from __future__ import annotations

import secrets

from .errors import invalid

# DataSourceRsp.datasource_type values listed by the official SDK
DATASOURCE_TYPES = ('DWS', 'MYSQL', 'KAFKA', 'API', 'OBS', 'SAP', 'MRSHBASE', 'MRSHDFS', 'MRSHIVE', 'WEBSOCKET', 'SQLSERVER', 'ORACLE',
                    'POSTGRESQL', 'REDIS', 'MONGODB', 'DIS', 'HL7', 'RABBITMQ', 'SNMP', 'IBMMQ', 'CUSTOMIZED', 'ACTIVEMQ', 'ARTEMISMQ', 'FTP',
                    'HIVE', 'HANA', 'FIKAFKA', 'MRSKAFKA', 'FIHDFS', 'FIHIVE', 'GAUSS200', 'GAUSS100', 'LDAP', 'DB2', 'TAURUS')
POSITIONS = ('SOURCE', 'TARGET')
COLUMN_TEXT_FIELDS = ('null_able', 'primary', 'unique', 'decimal_digits')


def _column(table, raw):
    """One ColumnInfo: ``field_name`` and ``field_type`` required, ``field_length`` kept as a string (the API's type)."""
    if not isinstance(raw, dict) or not isinstance(raw.get('field_name'), str) or not raw['field_name']:
        raise ValueError('every column of table %s needs a field_name' % table)
    if not isinstance(raw.get('field_type'), str) or not raw['field_type']:
        raise ValueError('column %s.%s needs a field_type' % (table, raw['field_name']))
    length = raw.get('field_length', '')
    column = {'field_name': raw['field_name'], 'field_type': raw['field_type'], 'field_length': '' if length is None else str(length),
              'null_able': '1', 'is_partition': False, 'primary': '0', 'unique': '0', 'decimal_digits': None}
    for field in COLUMN_TEXT_FIELDS:
        if raw.get(field) is not None:
            column[field] = str(raw[field])
    if 'is_partition' in raw:
        column['is_partition'] = bool(raw['is_partition'])
    return column


def normalize(raw, project_id, instance_id, now_ms):
    """A seeded data source as stored; ValueError (answered 400 by the control API) names what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError('a data source must be a JSON object')
    name, kind = raw.get('datasource_name', raw.get('name')), raw.get('datasource_type', raw.get('type'))
    if not isinstance(name, str) or not 1 <= len(name) <= 255:
        raise ValueError('datasource_name must be a string of 1-255 characters')
    if kind not in DATASOURCE_TYPES:
        raise ValueError('datasource_type must be one of %s' % ', '.join(DATASOURCE_TYPES))
    datasource_id = raw.get('datasource_id') or raw.get('id') or secrets.token_hex(16)
    if not isinstance(datasource_id, str) or not 1 <= len(datasource_id) <= 64 or '/' in datasource_id:
        raise ValueError('datasource_id must be 1-64 characters without "/"')
    content = raw.get('content') or {}
    tables = raw.get('tables') or {}
    if not isinstance(content, dict):
        raise ValueError('content must be an object (the connection settings)')
    if not isinstance(tables, dict) or not all(isinstance(columns, list) for columns in tables.values()):
        raise ValueError('tables must be an object: table name -> list of columns')
    for field in ('app_id', 'app_name', 'description', 'vpc_id', 'custom_plugin_id'):
        if raw.get(field) is not None and not isinstance(raw[field], str):
            raise ValueError('%s must be a string' % field)
    return {
        'datasource_id': datasource_id, 'datasource_name': name, 'datasource_type': kind,
        'app_id': raw.get('app_id') or '', 'app_name': raw.get('app_name') or '', 'description': raw.get('description') or '',
        'vpc_id': raw.get('vpc_id') or '', 'custom_plugin_id': raw.get('custom_plugin_id') or '',
        'app_permission': list(raw.get('app_permission') or ['read', 'access', 'delete', 'modify']),
        'content': dict(content), 'project_id': project_id, 'instance_id': instance_id,
        'create_time': int(raw.get('create_time') or now_ms), 'update_time': int(raw.get('update_time') or raw.get('create_time') or now_ms),
        'tables': dict((str(table), [_column(table, column) for column in columns]) for table, columns in tables.items()),
    }


def response(datasource):
    """DataSourceRsp (list entities and show): everything but the tables, connection settings included."""
    shown = dict((key, value) for key, value in datasource.items() if key not in ('tables', 'project_id'))
    shown['content'] = dict(datasource['content'])
    shown['app_permission'] = list(datasource['app_permission'])
    return shown


def table_columns(datasource, table):
    """The columns of one table (ColumnInfo list); None when the data source has no such table."""
    columns = datasource['tables'].get(table)
    return None if columns is None else [dict(column) for column in columns]


def check_position(query):
    """``position`` of the tables/columns queries: SOURCE (default) or TARGET; both see the same tables."""
    position = query.get('position') or 'SOURCE'
    if position not in POSITIONS:
        raise invalid('position')
    return position


def _columns(spec):
    """Demo columns from (name, type, length, extra) tuples."""
    return [dict({'field_name': name, 'field_type': kind, 'field_length': length}, **extra) for name, kind, length, extra in spec]


KEY = {'primary': '1', 'null_able': '0', 'unique': '1', 'decimal_digits': '0'}
NOT_NULL = {'null_able': '0'}
MONEY = {'null_able': '0', 'decimal_digits': '2'}
DEMO_MYSQL_ID = 'a5e1b0d2c3f4e5a6b7c8d9e0f1a2b3c4'
DEMO_DWS_ID = 'b6f2c1e3d4a5f6b7c8d9e0f1a2b3c4d5'


def demo_datasources():
    """The demo pair: a MySQL shop database (source) and a DWS warehouse (target) with the same three tables.

    The warehouse also has ``orders_history`` (the orders columns plus ``archived_at``), so one
    source table can be mapped to two target tables.
    """
    mysql_orders = _columns([('id', 'bigint', '20', KEY), ('customer_id', 'bigint', '20', NOT_NULL), ('status', 'varchar', '16', NOT_NULL),
                             ('total_amount', 'decimal', '12', MONEY), ('created_at', 'datetime', '0', NOT_NULL)])
    dws_orders = _columns([('id', 'int8', '19', KEY), ('customer_id', 'int8', '19', NOT_NULL), ('status', 'varchar', '16', NOT_NULL),
                           ('total_amount', 'numeric', '12', MONEY), ('created_at', 'timestamp', '6', NOT_NULL)])
    return [
        {'datasource_id': DEMO_MYSQL_ID, 'datasource_name': 'mysql-orders', 'datasource_type': 'MYSQL',
         'app_id': 'c7a3d2f4e5b6a7c8d9e0f1a2b3c4d5e6', 'app_name': 'orders-app', 'description': 'Shop orders database (MySQL), the demo source',
         'content': {'host': '192.168.0.10', 'port': '3306', 'database_name': 'shop', 'user_name': 'fdi_reader',
                     'password': 'Demo-MySQL-Passw0rd!', 'mode': 'default', 'encoding': 'utf8'},
         'tables': {
             'orders': mysql_orders,
             'order_items': _columns([('id', 'bigint', '20', KEY), ('order_id', 'bigint', '20', NOT_NULL), ('product_sku', 'varchar', '64', NOT_NULL),
                                      ('quantity', 'int', '11', NOT_NULL), ('unit_price', 'decimal', '12', MONEY)]),
             'customers': _columns([('id', 'bigint', '20', KEY), ('name', 'varchar', '128', NOT_NULL), ('email', 'varchar', '256', {}),
                                    ('created_at', 'datetime', '0', NOT_NULL)]),
         }},
        {'datasource_id': DEMO_DWS_ID, 'datasource_name': 'dws-warehouse', 'datasource_type': 'DWS',
         'app_id': 'd8b4e3a5f6c7b8d9e0f1a2b3c4d5e6f7', 'app_name': 'warehouse-app', 'description': 'Analytics warehouse (DWS), the demo target',
         'content': {'host': '192.168.0.20', 'port': '8000', 'database_name': 'warehouse', 'user_name': 'fdi_writer',
                     'password': 'Demo-DWS-Passw0rd!', 'mode': 'default'},
         'tables': {
             'orders': dws_orders,
             'order_items': _columns([('id', 'int8', '19', KEY), ('order_id', 'int8', '19', NOT_NULL), ('product_sku', 'varchar', '64', NOT_NULL),
                                      ('quantity', 'int4', '10', NOT_NULL), ('unit_price', 'numeric', '12', MONEY)]),
             'customers': _columns([('id', 'int8', '19', KEY), ('name', 'varchar', '128', NOT_NULL), ('email', 'varchar', '256', {}),
                                    ('created_at', 'timestamp', '6', NOT_NULL)]),
             'orders_history': dws_orders + _columns([('archived_at', 'timestamp', '6', {})]),
         }},
    ]
