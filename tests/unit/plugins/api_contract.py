# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The request contract of the ROMA Connect and IAM APIs: one small schema per operation.

Every request the unit tests see goes through :func:`check_request` (``fake_http.FakeHttp``
calls it), so a module that sends a body the API would refuse fails its test even when
the test scripted the body with ``ANY``.  The schemas are written from the official
definitions (the API Explorer OpenAPI exports, the SDK's request models and the API
reference pages), not from the collection's own validation, so they are an independent
check of it:

* ``CreateMultiTasks`` (``MultiTaskRequestBody``), ``UpdateMultiTasks`` (``MultiTaskUpdateBody``),
  ``InstallMultiTasks`` (``MultiTaskInitBody``), ``ResetMultiTaskOffset``,
  ``CreateMultiTaskMappings`` and the mapping update (``MultiTaskMappingCreateBody``),
  ``BatchStartOrStopTasks`` (``OperateTasksBean``) and the IAM password login.
* Where sources disagree, the schema keeps the narrower rule that every source allows when
  that is what a careful client sends (``BatchStartOrStopTasks``: the definition allows up to
  9999 tasks, older docs 10, so a client sends at most 10), and otherwise the definition's.
* Fields a model does not define are violations: the API ignores or refuses them, and a
  module that sends them (for example ``task_name`` in an update) has misread the API.
* Routes without a request body (list, show, delete, run, terminate, the mapping list and
  delete) must be sent without one; a body on a route that has no schema here is a violation
  too, so a new route cannot go unchecked: add its schema.

Path IDs are checked against the prose rule (1-64 characters, no "/"): the definitions
say 32 for project IDs and 36 for instance IDs, but where they and the prose disagree the
collection accepts the wider range and lets the server decide.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

# -- a minimal schema language -------------------------------------------------------------------
# {'type': 'object', 'properties': {...}, 'required': (...), 'exactly_one_of': (...)}   no other keys allowed
# {'type': 'string', 'min': N, 'max': N, 'enum': (...), 'pattern': regex}
# {'type': 'array', 'items': schema, 'min': N, 'max': N, 'unique': True}
# {'type': 'integer', 'minimum': N, 'maximum': N}, {'type': 'boolean'}


def string(min_length=1, max_length=None, enum=None, pattern=None):
    schema = {'type': 'string', 'min': min_length}
    if max_length is not None:
        schema['max'] = max_length
    if enum is not None:
        schema['enum'] = tuple(enum)
    if pattern is not None:
        schema['pattern'] = re.compile(pattern)
    return schema


def array(items, min_items=None, max_items=None, unique=False):
    return {'type': 'array', 'items': items, 'min': min_items, 'max': max_items, 'unique': unique}


def obj(properties, required=(), exactly_one_of=()):
    return {'type': 'object', 'properties': properties, 'required': tuple(required), 'exactly_one_of': tuple(exactly_one_of)}


BOOLEAN = {'type': 'boolean'}

# -- the operations ------------------------------------------------------------------------------

OPERATION_TYPES = array(string(enum=('INSERT', 'UPDATE', 'DELETE')), min_items=1, max_items=3, unique=True)
DESCRIPTION = string(1, 1024)  # an empty description is not valid: the definition's minimum is 1
TASK_TAG = string(4, 64, pattern=r'[A-Za-z0-9_-]+')
DATASOURCE_ID = string(1, 64)
EXT_INFO = obj({'server_id': string(1, 20)})

# CreateMultiTasks: MultiTaskRequestBody
MULTI_TASK_REQUEST_BODY = obj(
    {
        'task_name': string(3, 100, pattern=r'[A-Za-z0-9][A-Za-z0-9._-]*'),
        'task_id': string(3, 50),
        'task_type': string(enum=('REALTIME', 'TIMING')),
        'description': DESCRIPTION,
        'task_tag': TASK_TAG,
        'operation_types': OPERATION_TYPES,
        'source_app_id': string(1, 64),
        'target_app_id': string(1, 64),
    },
    required=('task_name', 'operation_types'),
)

# UpdateMultiTasks: MultiTaskUpdateBody (task_name, task_type and the app IDs cannot be changed)
MULTI_TASK_UPDATE_BODY = obj(
    {
        'description': DESCRIPTION,
        'task_tag': TASK_TAG,
        'operation_types': OPERATION_TYPES,
        'repulling_snapshot': BOOLEAN,
    },
    required=('operation_types', 'repulling_snapshot'),
)

# InstallMultiTasks: MultiTaskInitBody, every field optional
MULTI_TASK_INIT_BODY = obj(
    {
        'ext_info': EXT_INFO,
        'source_datasource_id': DATASOURCE_ID,
        'target_datasource_id': DATASOURCE_ID,
        'task_id': string(3, 50),
        'auto_mapping': BOOLEAN,
    }
)

# ResetMultiTaskOffset: a UTC timestamp in milliseconds (may be omitted)
RESET_BODY = obj({'date_from': {'type': 'integer', 'minimum': 1, 'maximum': 9999999999999999999}})

# CreateDatasourceInfo, UpdateDatasourceInfo and StartTestDatasource: DatasourceInfo.  Content is the SDK's model field by field
# (67 fields, each of the model's type; port and the other numbers written as strings are strings), and no field outside it.
_CONTENT_STRINGS = (
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
_CONTENT_BOOLEANS = ('https', 'ssl', 'ssl_enable', 'mongodb_cluster_enable', 'hl7_whitelist_enable')
_CONTENT_INTEGERS = ('mysql_timeout', 'snmp_version')
API_AUTH_DETAIL = obj(
    dict(
        (field, string(0))
        for field in (
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
    )
)
CONTENT = obj(
    dict(
        [(field, string(0)) for field in _CONTENT_STRINGS]
        + [(field, BOOLEAN) for field in _CONTENT_BOOLEANS]
        + [(field, {'type': 'integer'}) for field in _CONTENT_INTEGERS]
        + [
            ('multi_oracle_address', array(obj({'oracle_address': string(1), 'oracle_port': string(1)}), 1, 100)),
            ('api_auth_detail', API_AUTH_DETAIL),
            ('connector_params', {'type': 'any'}),
        ]
    )
)
assert len(CONTENT['properties']) == 67
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
DATASOURCE_INFO = obj(
    {
        'datasource_name': string(1, 255, pattern=r'[^&<>"\'()]+'),
        'datasource_type': string(enum=DATASOURCE_TYPES),
        'app_id': string(4, 255),
        'content': CONTENT,
        'description': string(4, 1024),
    },
    required=('datasource_name', 'datasource_type', 'app_id', 'content'),
)

# CreateMultiTaskMappings and the mapping update: MultiTaskMappingCreateBody
COLUMN_INFO = obj({'field_name': string(1, 256), 'field_type': string(1, 256), 'field_length': string(0, 256)})
MAPPING_INFO = obj(
    {
        'source_column': string(1, 256),
        'source_column_type': string(1, 256),
        'source_column_length': string(0, 256),
        'target_column': string(1, 256),
        'target_column_type': string(1, 256),
        'target_column_length': string(0, 256),
    }
)
MAPPING_BODY = obj(
    {
        'source_datasource_id': DATASOURCE_ID,
        'target_datasource_id': DATASOURCE_ID,
        'ext_info': EXT_INFO,
        'source_table': string(1, 256),
        'target_table': string(1, 256),
        'source_columns': array(COLUMN_INFO, 1, 9999),
        'target_columns': array(COLUMN_INFO, 1, 9999),
        'mapping_columns': array(MAPPING_INFO, 1, 9999),
    },
    required=('source_datasource_id', 'target_datasource_id'),
)

# BatchStartOrStopTasks: OperateTasksBean.  At most 10 tasks per request (the older limit, which the
# newer 9999 also allows); a task entry without its task_id would start or stop nothing.
BATCH_BODY = obj(
    {
        'action_id': string(enum=('start', 'stop')),
        'list': array(obj({'task_id': string(1, 64)}, required=('task_id',)), 1, 10, unique=True),
    },
    required=('action_id', 'list'),
)

# IAM KeystoneCreateUserTokenByPassword, scoped to one project (by id or by name)
NAMED = obj({'name': string(1, 255)}, required=('name',))
IAM_PASSWORD_BODY = obj(
    {
        'auth': obj(
            {
                'identity': obj(
                    {
                        'methods': array(string(enum=('password', 'totp')), 1, 2, unique=True),
                        'password': obj(
                            {'user': obj({'name': string(1, 255), 'password': string(1), 'domain': NAMED}, required=('name', 'password', 'domain'))},
                            required=('user',),
                        ),
                    },
                    required=('methods', 'password'),
                ),
                'scope': obj({'project': obj({'id': string(1, 64), 'name': string(1, 64)}, exactly_one_of=('id', 'name'))}, required=('project',)),
            },
            required=('identity', 'scope'),
        )
    },
    required=('auth',),
)

NO_BODY = None

_ID = r'(?P<%s>[^/]+)'
_FDI = r'/v2/' + _ID % 'project_id' + r'/fdi/instances/' + _ID % 'instance_id'
_TASK_ID = _ID % 'task_id'
_MAPPING_ID = _ID % 'mapping_id'

# (method, path pattern below the endpoint's base path, operation, body schema or NO_BODY)
ROUTES = (
    ('POST', '/v3/auth/tokens', 'KeystoneCreateUserTokenByPassword', IAM_PASSWORD_BODY),
    ('POST', _FDI + '/multi-tasks', 'CreateMultiTasks', MULTI_TASK_REQUEST_BODY),
    ('POST', _FDI + '/multi-tasks/init', 'InstallMultiTasks', MULTI_TASK_INIT_BODY),
    ('PUT', _FDI + '/multi-tasks/' + _TASK_ID, 'UpdateMultiTasks', MULTI_TASK_UPDATE_BODY),
    ('POST', _FDI + '/multi-tasks/' + _TASK_ID + '/reset', 'ResetMultiTaskOffset', RESET_BODY),
    ('POST', _FDI + '/multi-tasks/' + _TASK_ID + '/mappings', 'CreateMultiTaskMappings', MAPPING_BODY),
    ('GET', _FDI + '/multi-tasks/' + _TASK_ID + '/mappings', 'ListMultiTaskMappings', NO_BODY),
    ('PUT', _FDI + '/multi-tasks/' + _TASK_ID + '/mappings/' + _MAPPING_ID, 'UpdateMultiTaskMappings', MAPPING_BODY),
    ('DELETE', _FDI + '/multi-tasks/' + _TASK_ID + '/mappings/' + _MAPPING_ID, 'DeleteMultiTaskMappings', NO_BODY),
    ('GET', _FDI + '/tasks', 'ListTasks', NO_BODY),
    ('GET', _FDI + '/tasks/' + _TASK_ID, 'ShowTask', NO_BODY),
    ('DELETE', _FDI + '/tasks/' + _TASK_ID, 'DeleteTask', NO_BODY),
    ('POST', _FDI + '/tasks/' + _TASK_ID + '/run', 'RunTask', NO_BODY),
    ('POST', _FDI + '/tasks/' + _TASK_ID + '/terminate', 'StopTask', NO_BODY),
    ('POST', _FDI + '/batch-operation/tasks', 'BatchStartOrStopTasks', BATCH_BODY),
    ('GET', _FDI + '/datasources', 'ListDatasources', NO_BODY),
    ('POST', _FDI + '/datasources', 'CreateDatasourceInfo', DATASOURCE_INFO),
    ('GET', _FDI + '/datasources/' + _ID % 'datasource_id', 'ShowDataourceDetail', NO_BODY),
    ('PUT', _FDI + '/datasources/' + _ID % 'datasource_id', 'UpdateDatasourceInfo', DATASOURCE_INFO),
    ('DELETE', _FDI + '/datasources/' + _ID % 'datasource_id', 'DeleteDatasourceInfoById', NO_BODY),
    ('POST', _FDI + '/datasources/' + _ID % 'datasource_id' + '/test-connect', 'StartTestDatasource', DATASOURCE_INFO),
    ('GET', _FDI + '/datasources/' + _ID % 'datasource_id' + '/tables', 'ListDatasourceTables', NO_BODY),
    ('GET', _FDI + '/datasources/' + _ID % 'datasource_id' + '/columns', 'ListDatasourceColumns', NO_BODY),
)
# "multi-tasks/init" also matches "multi-tasks/{task_id}" by shape; the first route listed wins.
_COMPILED = tuple((method, re.compile('^(?P<base>.*?)' + pattern + '$'), name, schema) for method, pattern, name, schema in ROUTES)
_PATH_ID = re.compile(r'[^/]{1,64}')


def route_of(method, path):
    """``(operation name, schema, path IDs)`` of the route ``method path`` names, or None for an unknown route."""
    for route_method, pattern, name, schema in _COMPILED:
        match = pattern.match(path)
        if route_method == method and match:
            ids = dict((key, unquote(value)) for key, value in match.groupdict().items() if key != 'base')
            return name, schema, ids
    return None


def check_request(method, path, body):
    """Return the contract violations of one request (an empty list when it complies).

    ``path`` is the URL path as sent, ``body`` the raw request body (bytes or text; empty or
    None for no body).
    """
    route = route_of(method, path)
    has_body = bool(body)
    if route is None:
        return (
            ['%s %s sends a body, but no operation with a body is known for that route: add its schema to api_contract.ROUTES' % (method, path)]
            if has_body
            else []
        )
    name, schema, ids = route
    problems = [
        '%s: path %s must be 1-64 characters without "/"; got %r' % (name, key, value) for key, value in sorted(ids.items()) if not _PATH_ID.fullmatch(value)
    ]
    if schema is NO_BODY:
        if has_body:
            problems.append('%s takes no request body; got %s' % (name, _snippet(body)))
        return problems
    if not has_body:
        return problems + ['%s needs a JSON request body; none was sent' % name]
    try:
        document = json.loads(body.decode('utf-8') if isinstance(body, bytes) else body)
    except ValueError as error:
        return problems + ['%s: the request body is not JSON (%s): %s' % (name, error, _snippet(body))]
    return problems + ['%s: %s' % (name, problem) for problem in validate(schema, document, 'body')]


def validate(schema, value, where):
    """The ways ``value`` breaks ``schema``, each naming the JSON path (``body.list[0].task_id``)."""
    kind = schema['type']
    if kind == 'object':
        return _validate_object(schema, value, where)
    if kind == 'array':
        return _validate_array(schema, value, where)
    if kind == 'string':
        return _validate_string(schema, value, where)
    if kind == 'integer':
        if not isinstance(value, int) or isinstance(value, bool):
            return ['%s must be an integer; got %s' % (where, _kind(value))]
        if not schema.get('minimum', value) <= value <= schema.get('maximum', value):
            return ['%s must be %s-%s; got %d' % (where, schema.get('minimum'), schema.get('maximum'), value)]
        return []
    if kind == 'boolean':
        return [] if isinstance(value, bool) else ['%s must be a boolean; got %s' % (where, _kind(value))]
    if kind == 'any':  # a free-form object of the model (Content.connector_params)
        return []
    raise ValueError('unknown schema type %r at %s' % (kind, where))


def _validate_object(schema, value, where):
    if not isinstance(value, dict):
        return ['%s must be an object; got %s' % (where, _kind(value))]
    problems = ['%s.%s is required' % (where, key) for key in schema['required'] if key not in value]
    problems += ['%s.%s is not a field of this operation' % (where, key) for key in sorted(value) if key not in schema['properties']]
    if schema['exactly_one_of']:
        given = [key for key in schema['exactly_one_of'] if key in value]
        if len(given) != 1:
            problems.append('%s must have exactly one of %s; got %s' % (where, ', '.join(schema['exactly_one_of']), ', '.join(given) or 'none'))
    for key, item in sorted(value.items()):
        if key in schema['properties']:
            # null is not a value of any field: a client omits a field it does not set
            if item is None:
                problems.append('%s.%s is null; omit the field instead' % (where, key))
            else:
                problems += validate(schema['properties'][key], item, '%s.%s' % (where, key))
    return problems


def _validate_array(schema, value, where):
    if not isinstance(value, list):
        return ['%s must be an array; got %s' % (where, _kind(value))]
    problems = []
    if schema['min'] is not None and len(value) < schema['min']:
        problems.append('%s must have at least %d item(s); got %d' % (where, schema['min'], len(value)))
    if schema['max'] is not None and len(value) > schema['max']:
        problems.append('%s must have at most %d item(s); got %d' % (where, schema['max'], len(value)))
    if schema['unique']:
        seen = []
        for index, item in enumerate(value):
            if item in seen:
                problems.append('%s[%d] repeats an earlier item: %s' % (where, index, _snippet(json.dumps(item))))
            seen.append(item)
    for index, item in enumerate(value):
        problems += validate(schema['items'], item, '%s[%d]' % (where, index))
    return problems


def _validate_string(schema, value, where):
    if not isinstance(value, str):
        return ['%s must be a string; got %s' % (where, _kind(value))]
    if 'enum' in schema and value not in schema['enum']:
        return ['%s must be one of %s; got %r' % (where, ', '.join(schema['enum']), value)]
    problems = []
    if len(value) < schema['min'] or ('max' in schema and len(value) > schema['max']):
        problems.append('%s must be %d-%s characters; got %d' % (where, schema['min'], schema.get('max', ''), len(value)))
    if 'pattern' in schema and not schema['pattern'].fullmatch(value):
        problems.append('%s must match %s; got %s' % (where, schema['pattern'].pattern, _snippet(value)))
    return problems


def _kind(value):
    return 'null' if value is None else type(value).__name__


def _snippet(value, limit=120):
    text = value.decode('utf-8', 'replace') if isinstance(value, bytes) else str(value)
    return text if len(text) <= limit else text[:limit] + '...'
