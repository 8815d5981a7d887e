#!/usr/bin/env bash
# fdi_datasource_info against the simulator: lookups by ID, exact name, substring, type and application, tables, paging,
# and secrets.  The data sources are seeded here (not in the playbook, whose -vvv output is scanned) with connection
# settings full of passwords and keys, nested ones included; the playbook runs at -vvv and nothing it prints (stdout and
# stderr) may contain any of them, nor 12 characters in a row of one.
set -euo pipefail
source ../setup_roma_simulator/simulator.sh
# every secret in the answers, as the SDK's model allows: what the module must never print (the default leaves them out)
start_roma_simulator --datasource-secrets clear

output="$ROMA_SIM_DIR/output.txt"
secrets="$ROMA_SIM_DIR/secrets.txt"
seeded="$ROMA_SIM_DIR/seeded.json"

# Seed the demo pair (MySQL source, DWS target), three more with secrets in every shape, and 1000 so that listing every
# data source needs two pages of 999.  Writes the secret values (one per line) and the seeded IDs (extra vars).
python - "$ROMA_SIM_URL" "$secrets" "$seeded" <<'PYTHON'
import json, sys, urllib.request

url, secrets_file, seeded_file = sys.argv[1:]
project, instance = '0123456789abcdef0123456789abcdef', 'it-instance'
columns = [{'field_name': 'id', 'field_type': 'bigint', 'field_length': '20'}]


def control(path, body=None):
    request = urllib.request.Request(url + path, data=None if body is None else json.dumps(body).encode(), method='GET' if body is None else 'POST',
                                     headers={'Content-Type': 'application/json'})
    return json.load(urllib.request.urlopen(request))


secret_values = ['Archive-Passw0rd-4242', 'Jdbc-Url-Passw0rd-77', 'Kafka-Ssl-Passw0rd-31', 'KeyStore-Private-Blob-9876',
                 'KeyStore-Passw0rd-55', 'Sasl-Nested-Passw0rd-19', 'AKNESTEDDATASOURCE01', 'SK-nested-datasource-secret-02',
                 'Upper-Case-Passw0rd-8', 'Bulk-Shared-Passw0rd-0']
extra = [
    {'datasource_id': 'ds-archive-0001', 'datasource_name': 'mysql-orders-archive', 'datasource_type': 'MYSQL', 'app_id': 'app-archive',
     'app_name': 'archive', 'description': 'Old orders',
     'content': {'host': '10.0.0.5', 'port': '3306', 'database_name': 'archive', 'user_name': 'archiver', 'password': secret_values[0],
                 'url': 'jdbc:mysql://archiver:%s@10.0.0.5:3306/archive' % secret_values[1]},
     'tables': {'orders_2020': columns}},
    {'datasource_id': 'ds-kafka-0001', 'datasource_name': 'kafka-orders-events', 'datasource_type': 'KAFKA', 'app_id': 'app-events',
     'content': {'broker': 'kafka.example:9093', 'ssl_enable': True, 'ssl_username': 'shop', 'ssl_password': secret_values[2],
                 'key_store': secret_values[3], 'key_store_password': secret_values[4], 'key_store_file_type': 'JKS',
                 'connector_params': {'sasl': {'sasl_password': secret_values[5], 'mechanism': 'PLAIN'},
                                      'cloud': [{'access_key': secret_values[6], 'secret_key': secret_values[7], 'region': 'cn-north-4'}]}},
     'tables': {'order-events': columns}},
    {'datasource_id': 'ds-upper-0001', 'datasource_name': 'MYSQL-ORDERS', 'datasource_type': 'MYSQL', 'app_id': 'app-archive',
     'content': {'host': '10.0.0.6', 'port': '3306', 'user_name': 'loud', 'password': secret_values[8]}},
]
bulk = [{'datasource_id': 'ds-bulk-%04d' % number, 'datasource_name': 'bulk-%04d' % number, 'datasource_type': 'POSTGRESQL',
         'app_id': 'app-bulk', 'content': {'host': 'pg.example', 'port': '5432', 'user_name': 'bulk', 'password': secret_values[9]}}
        for number in range(1000)]
demo = control('/_sim/datasources', {'project_id': project, 'instance_id': instance, 'demo': True})['datasource_ids']
control('/_sim/datasources', {'project_id': project, 'instance_id': instance, 'datasources': extra})
control('/_sim/datasources', {'project_id': project, 'instance_id': instance, 'datasources': bulk})

stored = control('/_sim/datasources?project_id=%s&instance_id=%s' % (project, instance))['datasources']
assert len(stored) == 1005, len(stored)
demo_passwords = [datasource['content']['password'] for datasource in stored if datasource['datasource_id'] in demo]
assert len(demo_passwords) == 2 and all(demo_passwords), 'the demo data sources have no password to look for'
with open(secrets_file, 'w', encoding='utf-8') as handle:
    handle.write('\n'.join(secret_values + demo_passwords) + '\n')
with open(seeded_file, 'w', encoding='utf-8') as handle:
    json.dump({'mysql_datasource_id': demo[0], 'dws_datasource_id': demo[1]}, handle)
PYTHON

mkdir -p "$ROMA_COLLECTION_ROOT/tests/output"
status=0
run_playbook playbook.yml -vvv -e "@$seeded" -e "secrets_file=$secrets" "$@" >"$output" 2>&1 || status=$?
cp "$output" "$ROMA_COLLECTION_ROOT/tests/output/fdi_datasource_info-output.txt"
if [ "$status" -ne 0 ]; then
    grep -v -e '^<' -e 'EXEC' "$output" | tail -n 60
    echo 'playbook.yml failed; its output (without the connection lines) is above, all of it in tests/output/fdi_datasource_info-output.txt' >&2
fi

# Scanned whether the playbook passed or not, so that a failed assertion cannot hide a leak.
# Any 12 characters in a row of a secret count (a message cut short would hold only part of one).
leaked=0
python "$ROMA_SETUP_DIR/scan_secrets.py" "$secrets" "$output" tests/output/fdi_datasource_info-output.txt || leaked=1
[ "$status" -eq 0 ] && [ "$leaked" -eq 0 ] || exit 1

# The scan must have been able to find something: -vvv output holding the data sources' other settings, masked values.
grep -q '> EXEC /bin/sh' "$output" || { echo 'the output is not -vvv output' >&2; exit 1; }
grep -q 'fdi_reader' "$output" || { echo 'no data source settings reached the output' >&2; exit 1; }
grep -qF '********' "$output" || { echo 'nothing was masked' >&2; exit 1; }
