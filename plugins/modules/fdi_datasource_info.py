#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fdi_datasource_info
short_description: Look up ROMA Connect FDI data sources
version_added: 0.2.0
description:
  - Returns the data sources of a ROMA Connect instance that match every filter given, reading all pages of the list API.
  - Its purpose is to find data source IDs by name for the O(hwcloud.roma.fdi_composite_task#module:source_datasource_id)
    and O(hwcloud.roma.fdi_composite_task#module:target_datasource_id) options of M(hwcloud.roma.fdi_composite_task),
    and to see which tables a data source offers.
  - Connection settings are returned without their secrets; see RV(datasources[].content).
author:
  - hwcloud.roma maintainers (@hwcloud)
extends_documentation_fragment:
  - hwcloud.roma.connection
  - hwcloud.roma.attributes
  - hwcloud.roma.attributes.info_module
options:
  instance_id:
    description:
      - ID of the ROMA Connect instance.
    type: str
    required: true
  datasource_id:
    description:
      - Return only the data source with this ID (one request).
      - An ID that does not exist returns an empty RV(datasources) list. ROMA Connect documents no code for a missing
        data source; the module takes its C(400 FDI.3033 Invalid parameter [datasource_id].) answer to mean one
        (the ID is well-formed, which the module checks first). Any other error fails the task.
    type: str
  name:
    description:
      - Return only the data sources whose name is exactly this (case-sensitive).
      - 1 to 255 characters, without V(&), V(<), V(>), V("), V('), V((), V(\)) (the API's rule for data source names).
    type: str
    aliases: [datasource_name]
  name_contains:
    description:
      - Return the data sources whose name contains this text (case-sensitive), 1 to 255 characters.
      - Sent to the list API as its name filter and checked again on each data source returned.
    type: str
  datasource_type:
    description:
      - Return only the data sources of this type, for example V(MYSQL), V(DWS), V(ORACLE), V(POSTGRESQL), V(SQLSERVER),
        V(KAFKA), V(MONGODB), V(REDIS) or V(MRSHIVE). Case-insensitive.
    type: str
  app_id:
    description:
      - Return only the data sources of this integration application.
    type: str
  include_tables:
    description:
      - Add to each data source the names of its tables, RV(datasources[].tables) (one request per data source).
      - ROMA Connect connects to the database to list them, so this needs the data source to be reachable.
    type: bool
    default: false
  tables_position:
    description:
      - Which end of a composite task the tables are listed for, when O(include_tables=true).
      - V(SOURCE) lists the tables a task can read from, V(TARGET) the tables it can write to.
    type: str
    choices: [SOURCE, TARGET]
    default: SOURCE
  include_usage:
    description:
      - Add RV(datasources[].used_by) to each data source, the tasks that read from it or write to it.
      - Costs two task list requests per data source (the list's C(source_datasource_id) and C(target_datasource_id) filters).
    type: bool
    default: false
    version_added: 0.3.0
notes:
  - The list API's name filter matches substrings; O(name) is matched exactly on the client side, across every page.
  - All filters are applied again to every data source the API returns, so the result never holds a data source that
    does not match.
  - Every field of the connection settings whose name holds a word such as V(password), V(passwd), V(pwd), V(secret),
    V(key), V(token), V(credential), V(sk), V(ak) or V(authorization) (at any depth; C(sslPassword), C(sasl_password) and
    C(access_key) alike) is removed, unless its value is a boolean or its name ends in a word that only describes
    the secret (such as C(key_store_file_type)). Credentials written inside other text, such as the password of a
    C(jdbc:mysql://user:password@host) URL or a C(password=...) parameter, are replaced with C(********).
  - The values removed are also masked, as with C(no_log), wherever else they would appear in the module's output and
    in its log. A very short password can therefore mask unrelated text of the result too.
seealso:
  - module: hwcloud.roma.fdi_composite_task
  - module: hwcloud.roma.fdi_composite_task_info
"""

EXAMPLES = r"""
- name: Look up the source data source by name
  hwcloud.roma.fdi_datasource_info:
    region: cn-north-4
    project_id: "{{ roma_project_id }}"
    auth_token: "{{ roma_token }}"
    instance_id: "{{ roma_instance_id }}"
    name: orders-mysql
  register: source_datasource

- name: Look up the target data source by name
  hwcloud.roma.fdi_datasource_info:
    region: cn-north-4
    project_id: "{{ roma_project_id }}"
    auth_token: "{{ roma_token }}"
    instance_id: "{{ roma_instance_id }}"
    name: warehouse-dws
    datasource_type: DWS
  register: target_datasource

- name: Stop unless each name found exactly one data source
  ansible.builtin.assert:
    that:
      - source_datasource.datasources | length == 1
      - target_datasource.datasources | length == 1
    fail_msg: Create the data sources orders-mysql and warehouse-dws in ROMA Connect first (or make their names unique).

- name: Replicate the orders table from MySQL to DWS
  hwcloud.roma.fdi_composite_task:
    region: cn-north-4
    project_id: "{{ roma_project_id }}"
    auth_token: "{{ roma_token }}"
    instance_id: "{{ roma_instance_id }}"
    name: orders-to-warehouse
    operation_types: [INSERT, UPDATE, DELETE]
    source_app_id: "{{ source_datasource.datasources[0].app_id }}"
    target_app_id: "{{ target_datasource.datasources[0].app_id }}"
    source_datasource_id: "{{ source_datasource.datasources[0].datasource_id }}"
    target_datasource_id: "{{ target_datasource.datasources[0].datasource_id }}"
    server_id: "1001"
    mappings:
      - source_table: orders
    state: started

- name: List the MySQL data sources whose name contains "orders", with the tables a task can read
  hwcloud.roma.fdi_datasource_info:
    region: cn-north-4
    instance_id: "{{ roma_instance_id }}"
    name_contains: orders
    datasource_type: MYSQL
    include_tables: true
  register: orders_datasources

- name: Show each data source's tables
  ansible.builtin.debug:
    msg: "{{ orders_datasources.datasources | items2dict(key_name='datasource_name', value_name='tables') }}"
"""

RETURN = r"""
datasources:
  description: The matching data sources, in the order the API lists them. Empty when none match.
  returned: always
  type: list
  elements: dict
  contains:
    datasource_id:
      description: Data source ID, for O(hwcloud.roma.fdi_composite_task#module:source_datasource_id) and
        O(hwcloud.roma.fdi_composite_task#module:target_datasource_id).
      type: str
      sample: 6a1d2e3f4b5c4d6e8f90a1b2c3d4e5f6
    datasource_name:
      description: Data source name.
      type: str
      sample: orders-mysql
    datasource_type:
      description: Data source type, upper-case.
      type: str
      sample: MYSQL
    app_id:
      description: ID of the integration application the data source belongs to.
      type: str
      sample: d5afd9af-a8fe-47f6-a98c-edbcba11a0da
    app_name:
      description: Name of that integration application.
      type: str
      sample: sales
    description:
      description: Description (V(null) when the API reports none).
      type: str
      sample: Orders database of the web shop
    create_time:
      description: When the data source was created, in milliseconds since 1970-01-01 UTC.
      type: int
      sample: 1704067200000
    update_time:
      description: When the data source was last changed, in milliseconds since 1970-01-01 UTC.
      type: int
      sample: 1704067200000
    content:
      description:
        - The connection settings, as the API reports them for the data source's type, with every secret removed
          (see the notes).
        - V(null) when the API reports none, or reports them in a form whose fields cannot be told apart.
      type: dict
      sample: {host: 192.168.0.10, port: "3306", database_name: orders, user_name: replicator, mode: default}
    used_by:
      description: The tasks that use the data source, one entry per end (C(role) V(source) or V(target)), ordinary tasks included.
      type: list
      elements: dict
      returned: when O(include_usage=true)
      version_added: 0.3.0
      sample: [{"task_id": "9d2a8c8e5b0f4a7e9a0c6f3d1b2e4c5a", "task_name": "orders-to-warehouse", "status": "running", "role": "source"}]
    tables:
      description: Names of the data source's tables, at the end of a task that O(tables_position) names.
      type: list
      elements: str
      returned: when O(include_tables=true)
      sample: [orders, order_items, customers]
status:
  description: HTTP status of the failed API call.
  returned: on API failure
  type: int
  sample: 400
error_code:
  description: Error code from ROMA Connect, its API gateway or IAM.
  returned: on API failure, when the service sent one
  type: str
  sample: FDI.3002
error_msg:
  description: Error message from the service.
  returned: on API failure
  type: str
  sample: Invalid parameters.
request_id:
  description: C(X-Request-Id) of the failed call, for Huawei Cloud support.
  returned: on API failure, when the service sent one
  type: str
  sample: 5f2c1e0d9a8b47c6b5a4d3c2e1f00123
method:
  description: HTTP method of the request that failed.
  returned: on API or connection failure
  type: str
  sample: GET
path:
  description: Path of the request that failed, without the query string.
  returned: on API or connection failure
  type: str
  sample: /v2/0123456789abcdef0123456789abcdef/fdi/instances/demo-instance/datasources
attempts:
  description: How many times the request was sent, when transient failures made the module retry it.
  returned: on failure after retries
  type: int
  sample: 4
invalid_options:
  description: One message per invalid option (each names the option and the rule), when options are invalid.
  returned: when the options are invalid; nothing was sent
  type: list
  elements: str
  sample:
    - "datasource_type must be 1-64 letters, digits and \"_\", such as MYSQL or DWS; got 'my sql'"
"""

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaResponseError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_datasources import (
    FdiDatasourceApi,
    matches_filters,
    validate_datasource_options,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.module import RomaModule


def read_datasources(module):
    params = module.params
    validate_datasource_options(params)
    api = FdiDatasourceApi(module.client, params['instance_id'], secret_sink=module.no_log_values.add)
    if params['datasource_id']:
        found = api.get_datasource(params['datasource_id'])
        candidates = [found] if found else []
    else:
        candidates = api.iter_datasources(name=params['name'] or params['name_contains'], datasource_type=params['datasource_type'], app_id=params['app_id'])
    matching = [
        datasource
        for datasource in candidates
        if matches_filters(
            datasource, name=params['name'], name_contains=params['name_contains'], datasource_type=params['datasource_type'], app_id=params['app_id']
        )
    ]
    if params['include_usage']:
        from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_datasources import datasource_users, public_users
        from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import FdiTaskApi

        tasks = FdiTaskApi(module.client, params['instance_id'])
        matching = [
            dict(datasource, used_by=public_users(datasource_users(tasks, datasource['datasource_id'])))
            for datasource in matching
            if datasource['datasource_id']
        ]
    if params['include_tables']:
        with_tables = []
        for datasource in matching:
            if not datasource['datasource_id']:
                raise RomaResponseError(
                    'ROMA Connect listed the data source named %r without a datasource_id, so its tables cannot be read.' % datasource['datasource_name']
                )
            tables = api.list_tables(datasource['datasource_id'], params['tables_position'])
            if tables is not None:  # None: deleted since it was listed
                with_tables.append(dict(datasource, tables=tables))
        matching = with_tables
    return {'changed': False, 'datasources': matching}


def main():
    module = RomaModule(
        argument_spec=dict(
            instance_id=dict(type='str', required=True),
            datasource_id=dict(type='str'),
            name=dict(type='str', aliases=['datasource_name']),
            name_contains=dict(type='str'),
            datasource_type=dict(type='str'),
            app_id=dict(type='str'),
            include_tables=dict(type='bool', default=False),
            include_usage=dict(type='bool', default=False),
            tables_position=dict(type='str', choices=['SOURCE', 'TARGET'], default='SOURCE'),
        ),
        mutually_exclusive=[('name', 'name_contains')],
        supports_check_mode=True,
    )
    module.run(read_datasources)


if __name__ == '__main__':
    main()
