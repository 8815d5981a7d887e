"""FDI data sources as ROMA Connect keeps them: the DatasourceInfo checks, seeding, API shapes, secrets, queries.

A composite task reads from one source data source and writes to one target data source.
Data sources are created, changed, deleted and tested through the API (the checks of the
request body are here), or seeded by tests (control API, state file, demo pair) with
their tables.  A data source created through the API has the tables of the declared
database it points at (roma_sim.databases).  Which connection settings are secrets, and
how answers show them (``datasource_secrets``: omit, mask, clear), is decided here too.
"""

from __future__ import annotations

import re
import secrets

from .errors import invalid, invalid_parameters

# DataSourceRsp.datasource_type values listed by the official SDK
DATASOURCE_TYPES = (
    'DWS',
    'MYSQL',
    'KAFKA',
    'API',
    'OBS',
    'SAP',
    'MRSHBASE',
    'MRSHDFS',
    'MRSHIVE',
    'WEBSOCKET',
    'SQLSERVER',
    'ORACLE',
    'POSTGRESQL',
    'REDIS',
    'MONGODB',
    'DIS',
    'HL7',
    'RABBITMQ',
    'SNMP',
    'IBMMQ',
    'CUSTOMIZED',
    'ACTIVEMQ',
    'ARTEMISMQ',
    'FTP',
    'HIVE',
    'HANA',
    'FIKAFKA',
    'MRSKAFKA',
    'FIHDFS',
    'FIHIVE',
    'GAUSS200',
    'GAUSS100',
    'LDAP',
    'DB2',
    'TAURUS',
)
POSITIONS = ('SOURCE', 'TARGET')
COLUMN_TEXT_FIELDS = ('null_able', 'primary', 'unique', 'decimal_digits')


def column_list(table, raws):
    """The ColumnInfo list of one seeded or declared table; ValueError names a bad column."""
    return [_column(table, raw) for raw in raws]


def _column(table, raw):
    """One ColumnInfo: ``field_name`` and ``field_type`` required, ``field_length`` kept as a string (the API's type)."""
    if not isinstance(raw, dict) or not isinstance(raw.get('field_name'), str) or not raw['field_name']:
        raise ValueError('every column of table %s needs a field_name' % table)
    if not isinstance(raw.get('field_type'), str) or not raw['field_type']:
        raise ValueError('column %s.%s needs a field_type' % (table, raw['field_name']))
    length = raw.get('field_length', '')
    column = {
        'field_name': raw['field_name'],
        'field_type': raw['field_type'],
        'field_length': '' if length is None else str(length),
        'null_able': '1',
        'is_partition': False,
        'primary': '0',
        'unique': '0',
        'decimal_digits': None,
    }
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
        'datasource_id': datasource_id,
        'datasource_name': name,
        'datasource_type': kind,
        'app_id': raw.get('app_id') or '',
        'app_name': raw.get('app_name') or '',
        'description': raw.get('description') or '',
        'vpc_id': raw.get('vpc_id') or '',
        'custom_plugin_id': raw.get('custom_plugin_id') or '',
        'app_permission': list(raw.get('app_permission') or ['read', 'access', 'delete', 'modify']),
        'content': dict(content),
        'project_id': project_id,
        'instance_id': instance_id,
        'create_time': int(raw.get('create_time') or now_ms),
        'update_time': int(raw.get('update_time') or raw.get('create_time') or now_ms),
        'tables': dict((str(table), column_list(table, columns)) for table, columns in tables.items()),
        'origin': 'api' if raw.get('origin') == 'api' else 'seed',
    }


SECRET_MODES = ('omit', 'mask', 'clear')
MASK = '******'
# connection settings that are secrets (passwords, keys, key stores, credentials inside objects)
SECRET_FIELDS = (
    'password',
    'sk',
    'ssl_password',
    'trust_store_password',
    'key_store_password',
    'key_store_key_password',
    'snmp_community',
    'config_file_content',
    'key_store',
    'trust_store',
    'connector_params',
)
API_AUTH_SECRET_FIELDS = ('password', 'app_secret', 'secret', 'client_secret', 'authorization')


def _hide(values, fields, mode):
    for field in fields:
        if field in values:
            if mode == 'omit':
                del values[field]
            else:
                values[field] = MASK


def shown_content(content, mode='omit'):
    """``content`` as an answer shows it: secrets left out (``omit``), replaced by ``******`` (``mask``) or as stored (``clear``)."""
    shown = dict(content)
    if isinstance(shown.get('api_auth_detail'), dict):
        shown['api_auth_detail'] = dict(shown['api_auth_detail'])
        if mode != 'clear':
            _hide(shown['api_auth_detail'], API_AUTH_SECRET_FIELDS, mode)
    if isinstance(shown.get('multi_oracle_address'), list):
        shown['multi_oracle_address'] = [dict(item) for item in shown['multi_oracle_address']]
    if mode != 'clear':
        _hide(shown, SECRET_FIELDS, mode)
    return shown


def response(datasource, secrets_mode='clear'):
    """DataSourceRsp (create, show, update, list entities): everything but the tables, secrets as ``secrets_mode`` says."""
    shown = dict((key, value) for key, value in datasource.items() if key not in ('tables', 'project_id', 'origin'))
    shown['content'] = shown_content(datasource['content'], secrets_mode)
    shown['app_permission'] = list(datasource['app_permission'])
    return shown


def table_columns(tables, table):
    """The columns of one table of ``tables`` (name -> ColumnInfo list); None when there is no such table."""
    columns = tables.get(table)
    return None if columns is None else [dict(column) for column in columns]


# -- the DatasourceInfo body of create, update and test-connect ----------------------------------------------

NAME_FORBIDDEN = re.compile('[&<>"\'()]')
MAX_NAME = 255
MAX_APP_ID = 255
# the SDK's Content model: every field and its type (all optional at schema level)
CONTENT_BOOLS = ('https', 'ssl', 'ssl_enable', 'mongodb_cluster_enable', 'hl7_whitelist_enable')
CONTENT_INTS = ('mysql_timeout', 'snmp_version')
CONTENT_OBJECTS = ('api_auth_detail', 'connector_params')
CONTENT_STRINGS = (
    'gauss100_version',
    'host',
    'port',
    'database_name',
    'redis_database',
    'user_name',
    'password',
    'mode',
    'cdc_mode',
    'oracle_service_name',
    'ftp_connect_mode',
    'ftp_protocol',
    'address',
    'ak',
    'sk',
    'bucket_name',
    'url',
    'api_method',
    'auth_method',
    'broker',
    'ssl_username',
    'ssl_password',
    'mongodb_auth_source',
    'mongodb_replica_set',
    'encoding',
    'trust_store_password',
    'trust_store',
    'trust_store_file_type',
    'ssl_auth_method',
    'key_store',
    'key_store_file_type',
    'key_store_password',
    'key_store_key_password',
    'dis_tunnel_name',
    'dis_data_type',
    'dis_setting_type',
    'dis_endpoint',
    'dis_region',
    'dis_source_project_id',
    'hl7_position',
    'hl7_whitelist',
    'ldap_security_auth_type',
    'rabbitmq_virtual_host',
    'rabbitmq_ssl_protocol',
    'sap_client',
    'sap_sysnr',
    'snmp_network_protocol',
    'snmp_community',
    'ibmmq_ccs_id',
    'ibmmq_queue_manager',
    'ibmmq_channel',
    'ibmmq_cipher_suite',
    'hdfs_path',
    'principal_name',
    'config_file_name',
    'config_file_content',
    'connection_instance_id',
)
API_AUTH_FIELDS = (
    'auth_method',
    'app_auth_type',
    'user_name',
    'password',
    'app_key',
    'app_secret',
    'secret',
    'alt_ip',
    'access_token_url',
    'client_id',
    'client_secret',
    'scope',
    'authorization',
    'grant_type',
)
MODES = ('default', 'professional', 'multiAddress')
# relational types whose connection the SDK describes by mode: the modes each allows (the first is the default)
DATABASE_MODES = {
    'MYSQL': ('default', 'professional'),
    'SQLSERVER': ('default', 'professional'),
    'DB2': ('default', 'professional'),
    'GAUSS200': ('default', 'professional'),
    'GAUSS100': ('default', 'professional'),
    'TAURUS': ('default', 'professional'),
    'POSTGRESQL': ('default', 'professional'),
    'ORACLE': ('default', 'professional', 'multiAddress'),
    'DWS': ('default',),
    'HANA': ('default',),
}
# what each mode needs in content, checked in this order
MODE_NEEDS = {
    'default': ('host', 'port', 'database_name', 'user_name', 'password'),
    'professional': ('url',),
    'multiAddress': ('multi_oracle_address', 'user_name', 'password'),
}


def _port(value, field):
    """A port is a string in the API; an integer is accepted and kept as its string."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.isdigit() or not 0 <= int(value) <= 65535:
        raise invalid(field)
    return str(int(value))


def _oracle_addresses(value):
    field = 'content.multi_oracle_address'
    if not isinstance(value, list) or not 1 <= len(value) <= 100 or not all(isinstance(item, dict) for item in value):
        raise invalid(field)
    addresses = []
    for item in value:
        if not isinstance(item.get('oracle_address'), str) or not item['oracle_address']:
            raise invalid(field)
        addresses.append({'oracle_address': item['oracle_address'], 'oracle_port': _port(item.get('oracle_port'), field)})
    return addresses


def check_content(value, kind):
    """``content`` of a DatasourceInfo: typed like the SDK's Content model, unknown fields dropped, the mode's needs present.

    A wrongly typed field is FDI.3033 ``[content.<field>]``; so is a field the type's
    ``mode`` needs (host, port, database_name, user_name, password for ``default``; url for
    ``professional``) when it is missing.
    """
    if not isinstance(value, dict):
        raise invalid('content')
    content = {}
    for field, item in value.items():
        if item is None:
            continue
        name = 'content.%s' % field
        if field == 'port':
            content[field] = _port(item, name)
        elif field in CONTENT_STRINGS:
            if not isinstance(item, str):
                raise invalid(name)
            content[field] = item
        elif field in CONTENT_BOOLS:
            if not isinstance(item, bool):
                raise invalid(name)
            content[field] = item
        elif field in CONTENT_INTS:
            if not isinstance(item, int) or isinstance(item, bool):
                raise invalid(name)
            content[field] = item
        elif field == 'multi_oracle_address':
            content[field] = _oracle_addresses(item)
        elif field == 'api_auth_detail':
            if not isinstance(item, dict) or not all(isinstance(item[key], str) for key in item if key in API_AUTH_FIELDS and item[key] is not None):
                raise invalid(name)
            content[field] = dict((key, item[key]) for key in API_AUTH_FIELDS if item.get(key) is not None)
        elif field == 'connector_params':
            if not isinstance(item, dict):
                raise invalid(name)
            content[field] = dict(item)
    if 'mode' in content and content['mode'] not in MODES:
        raise invalid('content.mode')
    if kind in DATABASE_MODES:
        mode = content.get('mode') or DATABASE_MODES[kind][0]
        if mode not in DATABASE_MODES[kind]:
            raise invalid('content.mode')
        for field in MODE_NEEDS[mode]:
            if content.get(field) in (None, '', []):
                raise invalid('content.%s' % field)
    return content


def _required_text(body, field, limit):
    value = body.get(field)
    if value is None or value == '':
        raise invalid_parameters()
    if not isinstance(value, str) or len(value) > limit:
        raise invalid(field)
    return value


def check_info(body, content_required=True):
    """DatasourceInfo (create, update, test-connect): the checked fields, in the order of the model.

    ``datasource_name``, ``datasource_type``, ``app_id`` (and ``content`` when
    ``content_required``) missing or empty: FDI.3002; anything else wrong: FDI.3033 naming it.
    """
    if not isinstance(body, dict):
        raise invalid_parameters()
    for field in ('datasource_name', 'datasource_type', 'app_id') + (('content',) if content_required else ()):
        if body.get(field) in (None, '', {}):
            raise invalid_parameters()
    name = _required_text(body, 'datasource_name', MAX_NAME)
    if NAME_FORBIDDEN.search(name):
        raise invalid('datasource_name')
    kind = body['datasource_type']
    if kind not in DATASOURCE_TYPES:
        raise invalid('datasource_type')
    fields = {'datasource_name': name, 'datasource_type': kind, 'app_id': _required_text(body, 'app_id', MAX_APP_ID)}
    fields['content'] = check_content(body.get('content') or {}, kind) if content_required or body.get('content') is not None else {}
    description = body.get('description')
    if description is None or description == '':
        fields['description'] = ''
    elif not isinstance(description, str) or not 4 <= len(description) <= 1024:
        raise invalid('description')
    else:
        fields['description'] = description
    return fields


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


def demo_tables():
    """(MySQL tables, DWS tables) of the demo pair: the same three tables, and ``orders_history`` in the warehouse.

    ``orders_history`` has the orders columns plus ``archived_at``, so one source table can be
    mapped to two target tables.
    """
    mysql_orders = _columns(
        [
            ('id', 'bigint', '20', KEY),
            ('customer_id', 'bigint', '20', NOT_NULL),
            ('status', 'varchar', '16', NOT_NULL),
            ('total_amount', 'decimal', '12', MONEY),
            ('created_at', 'datetime', '0', NOT_NULL),
        ]
    )
    dws_orders = _columns(
        [
            ('id', 'int8', '19', KEY),
            ('customer_id', 'int8', '19', NOT_NULL),
            ('status', 'varchar', '16', NOT_NULL),
            ('total_amount', 'numeric', '12', MONEY),
            ('created_at', 'timestamp', '6', NOT_NULL),
        ]
    )
    mysql = {
        'orders': mysql_orders,
        'order_items': _columns(
            [
                ('id', 'bigint', '20', KEY),
                ('order_id', 'bigint', '20', NOT_NULL),
                ('product_sku', 'varchar', '64', NOT_NULL),
                ('quantity', 'int', '11', NOT_NULL),
                ('unit_price', 'decimal', '12', MONEY),
            ]
        ),
        'customers': _columns(
            [('id', 'bigint', '20', KEY), ('name', 'varchar', '128', NOT_NULL), ('email', 'varchar', '256', {}), ('created_at', 'datetime', '0', NOT_NULL)]
        ),
    }
    dws = {
        'orders': dws_orders,
        'order_items': _columns(
            [
                ('id', 'int8', '19', KEY),
                ('order_id', 'int8', '19', NOT_NULL),
                ('product_sku', 'varchar', '64', NOT_NULL),
                ('quantity', 'int4', '10', NOT_NULL),
                ('unit_price', 'numeric', '12', MONEY),
            ]
        ),
        'customers': _columns(
            [('id', 'int8', '19', KEY), ('name', 'varchar', '128', NOT_NULL), ('email', 'varchar', '256', {}), ('created_at', 'timestamp', '6', NOT_NULL)]
        ),
        'orders_history': dws_orders + _columns([('archived_at', 'timestamp', '6', {})]),
    }
    return mysql, dws


def demo_datasources():
    """The demo pair: a MySQL shop database (source) and a DWS warehouse (target), with the tables of :func:`demo_tables`."""
    mysql_tables, dws_tables = demo_tables()
    return [
        {
            'datasource_id': DEMO_MYSQL_ID,
            'datasource_name': 'mysql-orders',
            'datasource_type': 'MYSQL',
            'app_id': 'c7a3d2f4e5b6a7c8d9e0f1a2b3c4d5e6',
            'app_name': 'orders-app',
            'description': 'Shop orders database (MySQL), the demo source',
            'content': {
                'host': '192.168.0.10',
                'port': '3306',
                'database_name': 'shop',
                'user_name': 'fdi_reader',
                'password': 'Demo-MySQL-Passw0rd!',
                'mode': 'default',
                'encoding': 'utf8',
            },
            'tables': mysql_tables,
        },
        {
            'datasource_id': DEMO_DWS_ID,
            'datasource_name': 'dws-warehouse',
            'datasource_type': 'DWS',
            'app_id': 'd8b4e3a5f6c7b8d9e0f1a2b3c4d5e6f7',
            'app_name': 'warehouse-app',
            'description': 'Analytics warehouse (DWS), the demo target',
            'content': {
                'host': '192.168.0.20',
                'port': '8000',
                'database_name': 'warehouse',
                'user_name': 'fdi_writer',
                'password': 'Demo-DWS-Passw0rd!',
                'mode': 'default',
            },
            'tables': dws_tables,
        },
    ]
