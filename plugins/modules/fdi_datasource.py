#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fdi_datasource
short_description: Manage ROMA Connect FDI data sources, their secrets, and password rotations that keep jobs running
version_added: 0.3.0
description:
  - Ensures that one data source of a ROMA Connect instance (the source or target database, queue or service a composite
    task replicates between) exists with the given connection settings, or is gone.
  - The data source is identified by O(datasource_id) when it is set, otherwise by its exact O(name) within O(instance_id).
  - Connection settings are given in O(connection) under the API's own field names (the C(content) of the API). Settings
    that are not given are not compared. The secret ones (passwords, secret keys, key stores) are C(no_log), are never
    returned, and cannot be compared, because ROMA Connect does not return them; O(update_password) says when they are sent.
  - ROMA Connect replaces all connection settings on an update, so an update sends the settings it read back, with those
    given here on top, and the secrets given here. An update that needs a secret the task does not give (the data source
    has one, or its type requires one) fails before any write, naming it.
  - A change of the settings of a data source that running composite tasks use reaches them only when they restart.
    With O(restart_tasks=true) the module stops exactly those tasks, updates the data source, and starts exactly those
    tasks again, also when the update fails, and also when the run is interrupted (Ctrl-C, or SIGTERM).
author:
  - hwcloud.roma maintainers (@hwcloud)
extends_documentation_fragment:
  - hwcloud.roma.connection
  - hwcloud.roma.attributes
  - hwcloud.roma.attributes.actions
options:
  instance_id:
    description:
      - ID of the ROMA Connect instance that holds the data source.
    type: str
    required: true
  name:
    description:
      - Data source name, 1 to 255 characters without V(&), V(<), V(>), V("), V('), V((), V(\)).
      - Identifies the data source when O(datasource_id) is not set (an exact match; the list API's name filter is fuzzy).
      - Required to create a data source. With O(datasource_id) it must be that data source's name (a mismatch fails and
        nothing changes), so a data source is never renamed by this module.
    type: str
    aliases: [datasource_name]
  datasource_id:
    description:
      - ID of the data source (1 to 64 letters, digits, V(-) and V(_)). When set, it identifies the data source.
    type: str
  type:
    description:
      - The kind of data source, one of the API's type tokens. Required to create a data source.
      - Fixed once the data source exists. A different value fails, naming both, and nothing changes (this module never
        deletes a data source to create it again, because tasks may use it).
    type: str
    aliases: [datasource_type]
    choices: [DWS, MYSQL, KAFKA, API, OBS, SAP, MRSHBASE, MRSHDFS, MRSHIVE, WEBSOCKET, SQLSERVER, ORACLE, POSTGRESQL, REDIS,
              MONGODB, DIS, HL7, RABBITMQ, SNMP, IBMMQ, CUSTOMIZED, ACTIVEMQ, ARTEMISMQ, FTP, HIVE, HANA, FIKAFKA, MRSKAFKA,
              FIHDFS, FIHIVE, GAUSS200, GAUSS100, LDAP, DB2, TAURUS]
  app_id:
    description:
      - ID of the integration application the data source belongs to. Required to create a data source; fixed once created.
      - A composite task\'s applications are those of its data sources.
    type: str
  description:
    description:
      - Description, 4 to 1024 characters. Not compared when not set.
    type: str
  connection:
    description:
      - The connection settings (the API\'s C(content)), under the API\'s field names. Only the fields given are compared.
      - Required to create a data source. The fields a type needs are checked before anything is written; for example a
        V(MYSQL) data source in O(connection.mode=default) needs O(connection.host), O(connection.port),
        O(connection.database_name), O(connection.user_name) and O(connection.password), and in
        O(connection.mode=professional) O(connection.url), O(connection.user_name) and O(connection.password).
    type: dict
    suboptions:
      gauss100_version:
        description:
          - GAUSS100 version.
        type: str
        choices: ["V100R003C20", "V300R001C00"]
      host:
        description:
          - Host name or IP address of the database or server (DWS, HANA, RABBITMQ, SAP, SNMP, IBMMQ; MYSQL, ORACLE,
            SQLSERVER, DB2, GAUSS200, GAUSS100, TAURUS, ARTEMISMQ, POSTGRESQL and HIVE in O(connection.mode=default)),
            4 to 255 characters.
        type: str
      port:
        description:
          - Port, 0 to 65535 (an integer or a string; sent as the string the API takes).
        type: raw
      database_name:
        description:
          - Database name (with O(connection.host)), at least 4 characters.
        type: str
      redis_database:
        description:
          - REDIS database number.
        type: str
      user_name:
        description:
          - User name the sync job connects as.
        type: str
      password:
        description:
          - 'Password of O(connection.user_name). Never returned, never compared: see O(update_password).'
          - 'Secret: C(no_log), never returned, compared only with O(update_password=always).'
        type: str
      mode:
        description:
          - 'Connection mode: V(default) (host and port), V(professional) (O(connection.url)), or V(multiAddress) (ORACLE only).'
        type: str
        choices: ["default", "professional", "multiAddress"]
      cdc_mode:
        description:
          - Change data capture mode of composite tasks (V(xstream) or V(logminer), ORACLE).
        type: str
        choices: ["xstream", "logminer"]
      multi_oracle_address:
        description:
          - 'ORACLE in O(connection.mode=multiAddress): the addresses of the database, 1 to 100.'
        type: list
        elements: dict
        suboptions:
          oracle_address:
            description: Host of one address.
            type: str
            required: true
          oracle_port:
            description: Port of that address (sent as a string).
            type: raw
            required: true
      oracle_service_name:
        description:
          - ORACLE service name (O(connection.mode=multiAddress)), 4 to 64 characters.
        type: str
      ftp_connect_mode:
        description:
          - FTP connect mode.
        type: str
        choices: ["active", "passive"]
      ftp_protocol:
        description:
          - FTP protocol.
        type: str
        choices: ["sftp", "ftp"]
      address:
        description:
          - OBS endpoint, or the comma-separated C(ip:port) list of MONGODB and REDIS.
        type: str
      ak:
        description:
          - Access key ID (OBS, DIS).
        type: str
      sk:
        description:
          - Secret access key (OBS, DIS).
          - 'Secret: C(no_log), never returned, compared only with O(update_password=always).'
        type: str
      bucket_name:
        description:
          - OBS bucket name.
        type: str
      https:
        description:
          - OBS over HTTPS.
        type: bool
      url:
        description:
          - 'Connection URL: the JDBC URL in O(connection.mode=professional); the URL of API, LDAP and WEBSOCKET data sources.
            Up to 256 characters. Credentials written inside it are masked in every output.'
        type: str
      api_method:
        description:
          - 'API data source: the HTTP method.'
        type: str
      auth_method:
        description:
          - WEBSOCKET authentication method (V(none), V(basicauth)).
        type: str
      api_auth_detail:
        description:
          - 'API data source: how to authenticate.'
        type: dict
        suboptions:
          auth_method:
            description:
              - One of V(none), V(basicauth), V(oauth2.0), V(hmac), V(secret), V(md5), V(apiGateway), V(keyTop), V(hikVision),
                V(huaweiNetworkManagement), V(liHe).
            type: str
          app_auth_type:
            description:
              - V(default), V(secret) or V(jwt).
            type: str
          user_name:
            description:
              - User name.
            type: str
          password:
            description:
              - Password.
              - 'Secret: C(no_log), never returned.'
            type: str
          app_key:
            description:
              - Application key.
            type: str
          app_secret:
            description:
              - Application secret.
              - 'Secret: C(no_log), never returned.'
            type: str
          secret:
            description:
              - Secret.
              - 'Secret: C(no_log), never returned.'
            type: str
          alt_ip:
            description:
              - Alternative IP address.
            type: str
          access_token_url:
            description:
              - URL to get an access token from.
            type: str
          client_id:
            description:
              - OAuth 2.0 client ID.
            type: str
          client_secret:
            description:
              - OAuth 2.0 client secret.
              - 'Secret: C(no_log), never returned.'
            type: str
          scope:
            description:
              - OAuth 2.0 scope.
            type: str
          authorization:
            description:
              - Authorization header value.
              - 'Secret: C(no_log), never returned.'
            type: str
          grant_type:
            description:
              - OAuth 2.0 grant type (V(client_credentials)).
            type: str
      broker:
        description:
          - 'KAFKA and ACTIVEMQ: the comma-separated C(ip:port) list of brokers.'
        type: str
      ssl:
        description:
          - 'MQS: the intranet address with SSL.'
        type: bool
      ssl_enable:
        description:
          - Use SSL (KAFKA, ARTEMISMQ, ACTIVEMQ, RABBITMQ, IBMMQ; HL7 as a source).
        type: bool
      ssl_username:
        description:
          - 'KAFKA with SSL: the application key.'
        type: str
      ssl_password:
        description:
          - 'KAFKA with SSL: the application secret.'
          - 'Secret: C(no_log), never returned, compared only with O(update_password=always).'
        type: str
      mongodb_auth_source:
        description:
          - MONGODB authentication database.
        type: str
      mongodb_cluster_enable:
        description:
          - MONGODB is a cluster.
        type: bool
      mongodb_replica_set:
        description:
          - MONGODB replica set (not a cluster).
        type: str
      encoding:
        description:
          - Character set (MYSQL and TAURUS in O(connection.mode=default); GAUSS200, GAUSS100, POSTGRESQL).
        type: str
      mysql_timeout:
        description:
          - MYSQL connect timeout in seconds, 1 to 20000.
        type: int
      trust_store_password:
        description:
          - Password of the trust store.
          - 'Secret: C(no_log), never returned, compared only with O(update_password=always).'
        type: str
      trust_store:
        description:
          - Content of the trust store file.
          - 'Secret: C(no_log), never returned, compared only with O(update_password=always).'
        type: str
      trust_store_file_type:
        description:
          - Trust store file type.
        type: str
        choices: ["jks", "ts"]
      ssl_auth_method:
        description:
          - 'ACTIVEMQ and ARTEMISMQ with SSL: one-way or two-way authentication.'
        type: str
        choices: ["one-way", "two-way"]
      key_store:
        description:
          - Content of the key store file.
          - 'Secret: C(no_log), never returned, compared only with O(update_password=always).'
        type: str
      key_store_file_type:
        description:
          - Key store file type.
        type: str
        choices: ["ks", "jks"]
      key_store_password:
        description:
          - Password of the key store.
          - 'Secret: C(no_log), never returned, compared only with O(update_password=always).'
        type: str
      key_store_key_password:
        description:
          - Password of the key in the key store.
          - 'Secret: C(no_log), never returned, compared only with O(update_password=always).'
        type: str
      dis_tunnel_name:
        description:
          - DIS stream name.
        type: str
      dis_data_type:
        description:
          - DIS data type (V(JSON)).
        type: str
      dis_setting_type:
        description:
          - DIS setting type (V(basic), V(senior)).
        type: str
      dis_endpoint:
        description:
          - DIS endpoint (V(senior)).
        type: str
      dis_region:
        description:
          - DIS region (V(senior)).
        type: str
      dis_source_project_id:
        description:
          - DIS project ID (V(senior)).
        type: str
      hl7_position:
        description:
          - HL7 end.
        type: str
        choices: ["source", "target"]
      hl7_whitelist_enable:
        description:
          - HL7 white list on.
        type: bool
      hl7_whitelist:
        description:
          - HL7 white list.
        type: str
      ldap_security_auth_type:
        description:
          - LDAP authentication (V(no), V(simple)).
        type: str
        choices: ["no", "simple"]
      rabbitmq_virtual_host:
        description:
          - RABBITMQ virtual host.
        type: str
      rabbitmq_ssl_protocol:
        description:
          - RABBITMQ SSL protocol (V(TLS)).
        type: str
      sap_client:
        description:
          - SAP client.
        type: str
      sap_sysnr:
        description:
          - SAP system number.
        type: str
      snmp_network_protocol:
        description:
          - SNMP network protocol.
        type: str
        choices: ["udp", "tcp"]
      snmp_version:
        description:
          - SNMP version (0, 1 or 3).
        type: int
      snmp_community:
        description:
          - SNMP community string (it acts as a password).
          - 'Secret: C(no_log), never returned, compared only with O(update_password=always).'
        type: str
      ibmmq_ccs_id:
        description:
          - IBMMQ coded character set ID.
        type: str
      ibmmq_queue_manager:
        description:
          - IBMMQ queue manager.
        type: str
      ibmmq_channel:
        description:
          - IBMMQ channel.
        type: str
      ibmmq_cipher_suite:
        description:
          - IBMMQ cipher suite.
        type: str
      hdfs_path:
        description:
          - HDFS path (MRSHIVE, MRSHDFS, FIHDFS, FIHIVE).
        type: str
      principal_name:
        description:
          - Kerberos principal name (MRS and FusionInsight types).
        type: str
      config_file_name:
        description:
          - Name of the authentication configuration file (MRS and FusionInsight types).
        type: str
      config_file_content:
        description:
          - Base64 of the zip of the authentication files (MRS and FusionInsight types).
          - 'Secret: C(no_log), never returned, compared only with O(update_password=always).'
        type: str
      connection_instance_id:
        description:
          - 'CUSTOMIZED: the connector instance.'
        type: str
      connector_params:
        description:
          - 'CUSTOMIZED: the connector parameters (they may hold a password, so the whole value is treated as a secret).'
          - 'Secret: C(no_log), never returned, compared only with O(update_password=always).'
        type: dict

  update_password:
    description:
      - When the secrets of O(connection) are sent, since they cannot be read back and compared.
      - V(on_create) sends them when the data source is created, and with any update that something else makes necessary
        (ROMA Connect replaces all settings on an update). A secret alone never causes an update.
      - V(always) sends them on every run, so the module then always reports C(changed=true). Use it to rotate a password.
      - An update sends every secret again. A secret the type needs (such as a database password), and a secret ROMA Connect
        reports as set (masked or not), must be given, or the update fails before it is sent, naming it. A secret that ROMA
        Connect leaves out of its answers altogether cannot be known; give every secret the data source has whenever you
        change it, or it is gone afterwards.
    type: str
    choices: [on_create, always]
    default: on_create
  test_connection:
    description:
      - After the create or update (or, when nothing changed, with the saved settings and the secrets given here), ask
        ROMA Connect to connect to the data source with these settings (C(POST .../test-connect)).
      - The test needs every setting, secrets included, so the secrets the data source needs must be given.
      - A failed test fails the module with ROMA Connect\'s code (C(FDI.3016)) and reason (also in RV(error_code), RV(error_msg)),
        saying that the data source itself was saved.
      - Never done in check mode.
    type: bool
    default: false
  restart_tasks:
    description:
      - What to do when the data source changes and running composite tasks use it (as source or target).
      - V(false) updates it in place and warns, naming those tasks; they may keep the old settings until they restart.
      - V(true) stops exactly those tasks (in batches of ten), waits until they report stopped, updates the data source,
        and starts exactly those tasks again (in batches), whether the update succeeded or not. RV(restarted_tasks) names them.
      - The update is sent only when every one of those tasks reported stopped. If one cannot be stopped, the module fails
        naming it (RV(failed_tasks)), the data source is not changed, and the tasks that were stopped are started again.
      - If ROMA Connect refuses to start a task again after the update, the module fails naming it (RV(failed_tasks)); the
        task is stopped then. Start it with M(hwcloud.roma.fdi_composite_task) (O(hwcloud.roma.fdi_composite_task#module:state=started))
        or M(hwcloud.roma.fdi_composite_tasks); running this module again does not, as the task no longer runs.
    type: bool
    default: false
  wait:
    description:
      - With O(restart_tasks=true), wait until every restarted task runs again (its monitor reports V(RUNNING)); a task
        whose sync job fails (for example because of a wrong password) fails the module with the reason from its monitor.
        Such a task still counts as running, so once the settings are corrected, a run with O(restart_tasks=true) restarts it.
    type: bool
    default: false
  wait_timeout:
    description:
      - How long O(wait) waits, in seconds, 1 to 3600, the confirmation that the tasks stopped included.
    type: int
    default: 300
  state:
    description:
      - V(present) ensures the data source exists with the given settings.
      - V(absent) deletes it. If any task (running or not, composite or not) uses it, the module fails naming those tasks,
        and deletes nothing.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Which tasks use a data source is read from the task list\'s C(source_datasource_id) and C(target_datasource_id)
    filters (two list requests), only when the data source changes or is deleted.
  - Every field of the returned settings whose name says it holds a secret is removed, and credentials written inside
    other text (C(user:password@) in a URL, C(user/password@host) in an Oracle URL, C(password=...)) are masked; the values
    removed are also masked, as with C(no_log), in the rest of the output.
seealso:
  - module: hwcloud.roma.fdi_datasource_info
  - module: hwcloud.roma.fdi_composite_task
"""

EXAMPLES = r"""
- name: The two ends of a sync job, as code
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/hwcloud.roma.roma:
      region: cn-north-4
      project_id: "{{ roma_project_id }}"
  vars:
    # keep the passwords in Ansible Vault, for example: ansible-vault encrypt_string --name mysql_password
    mysql_password: "{{ vault_mysql_password }}"
    dws_password: "{{ vault_dws_password }}"
  tasks:
    - name: The shop's MySQL database is a data source (its password is sent only when it is created)
      hwcloud.roma.fdi_datasource:
        instance_id: "{{ roma_instance_id }}"
        name: mysql-orders
        type: MYSQL
        app_id: "{{ roma_app_id }}"
        description: Shop orders database
        connection:
          mode: default
          host: 192.168.0.10
          port: 3306
          database_name: shop
          user_name: fdi_reader
          password: "{{ mysql_password }}"
          encoding: utf8
        test_connection: true
      register: source

    - name: The warehouse is the target data source
      hwcloud.roma.fdi_datasource:
        instance_id: "{{ roma_instance_id }}"
        name: dws-warehouse
        type: DWS
        app_id: "{{ roma_app_id }}"
        connection:
          mode: default
          host: 192.168.0.20
          port: 8000
          database_name: warehouse
          user_name: fdi_writer
          password: "{{ dws_password }}"
        test_connection: true
      register: target

    - name: Show the data source IDs for hwcloud.roma.fdi_composite_task
      ansible.builtin.debug:
        msg: "{{ source.datasource.datasource_id }} -> {{ target.datasource.datasource_id }}"

- name: Rotate the MySQL password without leaving a sync job stopped
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Send the new password, restart the tasks that use the data source, and wait until they run again
      hwcloud.roma.fdi_datasource:
        region: cn-north-4
        project_id: "{{ roma_project_id }}"
        instance_id: "{{ roma_instance_id }}"
        name: mysql-orders
        connection:
          password: "{{ vault_new_mysql_password }}"
        update_password: always
        restart_tasks: true
        wait: true
        test_connection: true
      register: rotation

    - name: Show which tasks were restarted
      ansible.builtin.debug:
        var: rotation.restarted_tasks

- name: Delete a data source that no task uses any more
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Delete it (fails, naming them, while tasks use it)
      hwcloud.roma.fdi_datasource:
        region: cn-north-4
        project_id: "{{ roma_project_id }}"
        instance_id: "{{ roma_instance_id }}"
        name: mysql-orders-old
        state: absent
"""

RETURN = r"""
datasource:
  description:
    - The data source after the run (as it would be, in check mode), as M(hwcloud.roma.fdi_datasource_info) returns one,
      its settings without any secret. V({}) when it was deleted or is absent.
  returned: always
  type: dict
  contains:
    datasource_id:
      description: Data source ID (V(null) in check mode for a data source that would be created).
      type: str
      sample: 6a1d2e3f4b5c4d6e8f90a1b2c3d4e5f6
    datasource_name:
      description: Name.
      type: str
      sample: mysql-orders
    datasource_type:
      description: Type, upper-case.
      type: str
      sample: MYSQL
    app_id:
      description: ID of the integration application.
      type: str
      sample: d5afd9af-a8fe-47f6-a98c-edbcba11a0da
    app_name:
      description: Name of that application, when ROMA Connect reports it.
      type: str
      sample: orders-app
    description:
      description: Description.
      type: str
      sample: Shop orders database
    create_time:
      description: When it was created, in milliseconds since 1970-01-01 UTC.
      type: int
      sample: 1704067200000
    update_time:
      description: When it was last changed, in milliseconds since 1970-01-01 UTC.
      type: int
      sample: 1704067200000
    content:
      description: The connection settings without any secret.
      type: dict
      sample: {host: 192.168.0.10, port: "3306", database_name: shop, user_name: fdi_reader, mode: default}
used_by:
  description: The tasks that use the data source, one entry per end (C(role) V(source) or V(target)).
  returned: when the data source changed or was to be deleted
  type: list
  elements: dict
  sample: [{"task_id": "9d2a8c8e5b0f4a7e9a0c6f3d1b2e4c5a", "task_name": "orders-to-warehouse", "status": "running", "role": "source"}]
restarted_tasks:
  description: IDs of the tasks that were stopped for the update and started again.
  returned: when O(restart_tasks=true) restarted tasks
  type: list
  elements: str
  sample: [9d2a8c8e5b0f4a7e9a0c6f3d1b2e4c5a]
monitors:
  description: What each restarted task's monitor reported when O(wait) finished (task ID to monitor record).
  returned: when O(wait) waited for restarted tasks
  type: dict
  sample: {"9d2a8c8e5b0f4a7e9a0c6f3d1b2e4c5a": {"execute_status": "RUNNING", "position": "WRITER"}}
connection_test:
  description: The outcome of O(test_connection).
  returned: when O(test_connection=true), outside check mode
  type: dict
  contains:
    result:
      description: Whether ROMA Connect reached the data source.
      type: bool
      sample: true
    message:
      description: ROMA Connect's reason when it could not, or a short confirmation.
      type: str
      sample: ROMA Connect reached the data source with these settings.
diff:
  description: The data source before and after (no secret; a secret that is sent shows as C(********)), in diff mode.
  returned: when diff mode is on
  type: dict
conflicts:
  description: The fixed fields that differ, each with C(current) and C(wanted); nothing was changed.
  returned: when O(type) or O(app_id) differs from the existing data source
  type: dict
  sample: {"type": {"current": "MYSQL", "wanted": "POSTGRESQL"}}
failed_tasks:
  description: IDs of the tasks that could not be stopped or started around the update.
  returned: when restarting tasks failed for some of them
  sample: [9d2a8c8e5b0f4a7e9a0c6f3d1b2e4c5a]
  type: list
  elements: str
invalid_options:
  description: One message per invalid option (each names the option and the rule).
  returned: when options are invalid; nothing was sent
  type: list
  elements: str
  sample: ["a MYSQL data source in mode default needs connection.database_name"]
status:
  description: HTTP status of the failed API call.
  returned: on API failure
  type: int
  sample: 400
error_code:
  description: Error code from ROMA Connect, its API gateway or IAM.
  returned: on API failure, when the service sent one
  type: str
  sample: FDI.3016
error_msg:
  description: Error message from the service.
  returned: on API failure
  type: str
  sample: Failed to test the connectivity.
request_id:
  description: C(X-Request-Id) of the failed call, for Huawei Cloud support.
  returned: on API failure, when the service sent one
  type: str
  sample: 5f2c1e0d9a8b47c6b5a4d3c2e1f00123
method:
  description: HTTP method of the request that failed.
  returned: on API or connection failure
  type: str
  sample: PUT
path:
  description: Path of the request that failed, without the query string.
  returned: on API or connection failure
  type: str
  sample: /v2/0123456789abcdef0123456789abcdef/fdi/instances/demo-instance/datasources/6a1d2e3f4b5c4d6e8f90a1b2c3d4e5f6
attempts:
  description: How many times the request was sent, when transient failures made the module retry it.
  returned: on failure after retries
  type: int
  sample: 4
"""

from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_datasource_engine import ensure_datasource
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_datasource_spec import datasource_argument_spec
from ansible_collections.hwcloud.roma.plugins.module_utils.module import RomaModule


def main():
    module = RomaModule(argument_spec=datasource_argument_spec(), required_one_of=[('name', 'datasource_id')], supports_check_mode=True)
    module.run(ensure_datasource)


if __name__ == '__main__':
    main()
