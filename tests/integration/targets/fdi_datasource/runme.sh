#!/usr/bin/env bash
# fdi_datasource through ansible-playbook against the simulator, asserting on its request log, one file per case (tests/):
# create (check mode first), update, update_password, test_connection, rotation (restart_tasks + wait), faults during a
# rotation, absent, bad input, in two halves side by side, each against a simulator of its own.  Beside them, against a
# third, secrets.yml at -vvv, whose output (stdout and stderr) may not hold any password it uses, nor 12 characters in a
# row of one.  One case alone (in both halves): ./runme.sh -e roma_cases=rotation
set -euo pipefail
source ../setup_roma_simulator/simulator.sh
# --demo-databases: the MySQL and DWS servers the data sources point at, so that test-connect and started tasks connect
urls=()
for label in first second secrets; do
    start_roma_simulator --demo-databases --start-delay 0.2
    urls+=("$label=$ROMA_SIM_URL")
done

secrets="$ROMA_SIM_DIR/secrets.txt"
python - "$secrets" <<'PYTHON'
import sys
import yaml
with open('vars.yml', encoding='utf-8') as handle:
    values = yaml.safe_load(handle)
with open(sys.argv[1], 'w', encoding='utf-8') as handle:
    handle.write('\n'.join(values[name] for name in ('mysql_password', 'dws_password', 'new_mysql_password', 'wrong_mysql_password')) + '\n')
PYTHON
mkdir -p "$ROMA_COLLECTION_ROOT/tests/output"

run_secrets() {
    local output="$ROMA_SIM_DIR/secrets-output.txt" status=0 leaked=0
    run_playbook secrets.yml -vvv "$@" >"$output" 2>&1 || status=$?
    cp "$output" "$ROMA_COLLECTION_ROOT/tests/output/fdi_datasource-secrets-output.txt"
    if [ "$status" -ne 0 ]; then
        grep -v -e '^<' -e 'EXEC' "$output" | tail -n 60
        echo 'secrets.yml failed; its output (without the connection lines) is above, all of it in tests/output/fdi_datasource-secrets-output.txt' >&2
    fi
    # Scanned whether the playbook passed or not, so that a failed assertion cannot hide a leak.
    python "$ROMA_SETUP_DIR/scan_secrets.py" "$secrets" "$output" tests/output/fdi_datasource-secrets-output.txt || leaked=1
    [ "$status" -eq 0 ] && [ "$leaked" -eq 0 ] || return 1
    # The scan must have been able to find something: -vvv output with the data source's other settings, and masked values.
    grep -q '> EXEC /bin/sh' "$output" || { echo 'the output is not -vvv output' >&2; return 1; }
    grep -q 'fdi_reader' "$output" || { echo 'no data source settings reached the output' >&2; return 1; }
    grep -qF '********' "$output" || { echo 'nothing was masked' >&2; return 1; }
}

run_target() {
    case "$ROMA_SIM_LABEL" in
        first) run_playbook playbook.yml -e '{"roma_cases": ["create", "update", "update_password", "test_connection", "bad_input"]}' "$@" ;;
        second) run_playbook playbook.yml -e '{"roma_cases": ["rotation", "rotation_faults", "absent"]}' "$@" ;;
        secrets) run_secrets "$@" ;;
    esac
}

side_by_side "${urls[@]}" -- run_target "$@"
