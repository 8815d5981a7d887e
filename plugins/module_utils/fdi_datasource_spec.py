# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options of a data source, written once: every connection setting of the API, which are secret, and the rules per type.

The ``connection`` option takes the API's ``content`` fields under their API names (the 67
fields of the SDK's ``Content`` model), so a user can copy them from the API documentation.
The secret ones are ``no_log``.  The rules per data-source type (which fields a MySQL
source in ``default`` mode needs, say) are checked before any request.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_datasources import (  # noqa: F401 (SECRET_*: part of the spec's names)
    DATASOURCE_TYPES,
    SECRET_AUTH_DETAIL_FIELDS,
    SECRET_CONTENT_FIELDS,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

UPDATE_PASSWORD_CHOICES = ['on_create', 'always']

# content field -> argument spec type; secret fields are listed in SECRET_CONTENT_FIELDS (no_log)
CONTENT_TYPES = dict(
    gauss100_version='str',
    host='str',
    port='raw',
    database_name='str',
    redis_database='str',
    user_name='str',
    password='str',
    mode='str',
    cdc_mode='str',
    multi_oracle_address='list',
    oracle_service_name='str',
    ftp_connect_mode='str',
    ftp_protocol='str',
    address='str',
    ak='str',
    sk='str',
    bucket_name='str',
    https='bool',
    url='str',
    api_method='str',
    auth_method='str',
    api_auth_detail='dict',
    broker='str',
    ssl='bool',
    ssl_enable='bool',
    ssl_username='str',
    ssl_password='str',
    mongodb_auth_source='str',
    mongodb_cluster_enable='bool',
    mongodb_replica_set='str',
    encoding='str',
    mysql_timeout='int',
    trust_store_password='str',
    trust_store='str',
    trust_store_file_type='str',
    ssl_auth_method='str',
    key_store='str',
    key_store_file_type='str',
    key_store_password='str',
    key_store_key_password='str',
    dis_tunnel_name='str',
    dis_data_type='str',
    dis_setting_type='str',
    dis_endpoint='str',
    dis_region='str',
    dis_source_project_id='str',
    hl7_position='str',
    hl7_whitelist_enable='bool',
    hl7_whitelist='str',
    ldap_security_auth_type='str',
    rabbitmq_virtual_host='str',
    rabbitmq_ssl_protocol='str',
    sap_client='str',
    sap_sysnr='str',
    snmp_network_protocol='str',
    snmp_version='int',
    snmp_community='str',
    ibmmq_ccs_id='str',
    ibmmq_queue_manager='str',
    ibmmq_channel='str',
    ibmmq_cipher_suite='str',
    hdfs_path='str',
    principal_name='str',
    config_file_name='str',
    config_file_content='str',
    connection_instance_id='str',
    connector_params='dict',
)
API_AUTH_DETAIL_FIELDS = (
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

# Per type and mode: the fields a data source needs (the SDK's "needed for X" docstrings).  Types not listed are not checked.
DATABASE = ('host', 'port', 'database_name', 'user_name', 'password')
PROFESSIONAL = ('url', 'user_name', 'password')
MODES = ('default', 'professional', 'multiAddress')
REQUIRED_CONTENT = {
    'MYSQL': {'default': DATABASE, 'professional': PROFESSIONAL},
    'ORACLE': {
        'default': DATABASE,
        'professional': PROFESSIONAL,
        'multiAddress': ('multi_oracle_address', 'oracle_service_name', 'database_name', 'user_name', 'password'),
    },
    'POSTGRESQL': {'default': DATABASE, 'professional': PROFESSIONAL},
    'SQLSERVER': {'default': DATABASE, 'professional': PROFESSIONAL},
    'DB2': {'default': DATABASE, 'professional': PROFESSIONAL},
    'GAUSS200': {'default': DATABASE, 'professional': PROFESSIONAL},
    'GAUSS100': {'default': DATABASE, 'professional': PROFESSIONAL},
    'TAURUS': {'default': DATABASE, 'professional': PROFESSIONAL},
    'HIVE': {'default': DATABASE, 'professional': PROFESSIONAL},
    'DWS': {'default': DATABASE},
    'HANA': {'default': DATABASE},
    'MONGODB': {'default': ('address', 'user_name', 'password')},
    'REDIS': {'default': ('address',)},
    'KAFKA': {None: ('broker',)},
    'ACTIVEMQ': {None: ('broker', 'user_name', 'password')},
    'OBS': {None: ('address', 'ak', 'sk', 'bucket_name')},
    'API': {None: ('url',)},
    'WEBSOCKET': {None: ('url',)},
    'LDAP': {None: ('url',)},
}
MODES_OF = dict((kind, [mode for mode in modes if mode]) for kind, modes in REQUIRED_CONTENT.items())

PORT_RE = re.compile(r'^[0-9]{1,5}$')
CHOICES = {
    'mode': MODES,
    'cdc_mode': ('xstream', 'logminer'),
    'ftp_connect_mode': ('active', 'passive'),
    'ftp_protocol': ('sftp', 'ftp'),
    'ssl_auth_method': ('one-way', 'two-way'),
    'trust_store_file_type': ('jks', 'ts'),
    'key_store_file_type': ('ks', 'jks'),
    'ldap_security_auth_type': ('no', 'simple'),
    'snmp_network_protocol': ('udp', 'tcp'),
    'hl7_position': ('source', 'target'),
    'gauss100_version': ('V100R003C20', 'V300R001C00'),
}
LENGTHS = {
    'host': (4, 255),
    'database_name': (4, 255),
    'user_name': (4, 255),
    'password': (4, 255),
    'url': (1, 256),
    'oracle_service_name': (4, 64),
}  # the API's limits (OAS); a longer value is refused there anyway


def connection_argument_spec() -> dict[str, dict[str, Any]]:
    """Suboptions of ``connection``: every ``content`` field under its API name, the secret ones no_log."""
    spec = {}
    for field, kind in CONTENT_TYPES.items():
        spec[field] = dict(type=kind)
        if field in SECRET_CONTENT_FIELDS:
            spec[field]['no_log'] = True
        if field in CHOICES:
            spec[field]['choices'] = list(CHOICES[field])
    spec['multi_oracle_address'].update(
        elements='dict', options=dict(oracle_address=dict(type='str', required=True), oracle_port=dict(type='raw', required=True))
    )
    spec['api_auth_detail']['options'] = dict((field, dict(type='str', no_log=field in SECRET_AUTH_DETAIL_FIELDS)) for field in API_AUTH_DETAIL_FIELDS)
    return spec


def datasource_argument_spec() -> dict[str, dict[str, Any]]:
    """fdi_datasource."""
    return dict(
        instance_id=dict(type='str', required=True),
        name=dict(type='str', aliases=['datasource_name']),
        datasource_id=dict(type='str'),
        type=dict(type='str', aliases=['datasource_type'], choices=list(DATASOURCE_TYPES)),
        app_id=dict(type='str'),
        description=dict(type='str'),
        connection=dict(type='dict', options=connection_argument_spec()),
        update_password=dict(type='str', choices=UPDATE_PASSWORD_CHOICES, default='on_create', no_log=False),
        test_connection=dict(type='bool', default=False),
        restart_tasks=dict(type='bool', default=False),
        wait=dict(type='bool', default=False),
        wait_timeout=dict(type='int', default=300),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
    )


def given_settings(connection: Mapping[str, Any] | None) -> dict[str, Any]:
    """The connection options the task sets (None means not set), in the API's shape: a port is a string."""
    settings = {}
    for field, value in (connection or {}).items():
        if value is None:
            continue
        if field == 'port' or field == 'redis_database':
            value = str(value)
        elif field == 'multi_oracle_address':
            value = [dict(oracle_address=item['oracle_address'], oracle_port=str(item['oracle_port'])) for item in value]
        elif field == 'api_auth_detail':
            value = dict((key, item) for key, item in value.items() if item is not None)
        settings[field] = value
    return settings


def secret_fields(settings: Mapping[str, Any]) -> list[str]:
    """The secret fields among ``settings`` (api_auth_detail's secret subfields as ``api_auth_detail.<name>``)."""
    found = [field for field in settings if field in SECRET_CONTENT_FIELDS]
    found += ['api_auth_detail.%s' % field for field in (settings.get('api_auth_detail') or {}) if field in SECRET_AUTH_DETAIL_FIELDS]
    return sorted(found)


def content_problems(kind: str | None, settings: Mapping[str, Any], prefix: str = 'connection.') -> list[str]:
    """Every rule that ``settings`` (the whole content a create or an update sends) breaks for a data source of ``kind``."""
    problems = []
    for field, choices in CHOICES.items():
        if settings.get(field) is not None and settings[field] not in choices:
            problems.append('%s%s must be one of %s; got %r' % (prefix, field, ', '.join(choices), settings[field]))
    port = settings.get('port')
    if port is not None and not (PORT_RE.fullmatch(port) and int(port) <= 65535):
        problems.append('%sport must be a port number 0-65535; got %r' % (prefix, port))
    for field, (low, high) in LENGTHS.items():
        value = settings.get(field)
        if isinstance(value, str) and not low <= len(value) <= high:
            problems.append('%s%s must be %d-%d characters; got %d' % (prefix, field, low, high, len(value)))
    timeout = settings.get('mysql_timeout')
    if timeout is not None and not 1 <= timeout <= 20000:
        problems.append('%smysql_timeout must be 1-20000 seconds; got %r' % (prefix, timeout))
    rules = REQUIRED_CONTENT.get(kind)
    if rules:
        mode = settings.get('mode') or 'default'
        if None not in rules and mode not in rules:
            problems.append('%smode must be %s for a %s data source; got %r' % (prefix, ' or '.join(MODES_OF[kind]), kind, mode))
        else:
            missing = [field for field in rules.get(None, rules.get(mode, ())) if settings.get(field) in (None, '', [])]
            if missing:
                what = '%s data source' % kind if None in rules else '%s data source in mode %s' % (kind, mode)
                problems.append('a %s needs %s' % (what, ', '.join(prefix + field for field in missing)))
    return problems
