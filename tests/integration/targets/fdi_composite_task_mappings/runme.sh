#!/usr/bin/env bash
# A composite task as code: data sources and table mappings through ansible-playbook against the simulator, asserting on
# what it received: create with mappings, re-run (zero writes), add/change/purge, one source table to two target tables,
# a change on a running task, recreate, and a failure injected at each step of a create (then a re-run converges).
# Run twice, side by side: with the documented 400 FDI.3021 and with the 404 FDI.3081 form of "no such task".
set -euo pipefail
source ../setup_roma_simulator/simulator.sh

mappings() {
    run_playbook playbook.yml -e "not_found_form=$ROMA_SIM_LABEL" "$@"
    run_playbook faults.yml "$@"
}

simulators=()
for not_found in FDI.3021 FDI.3081; do
    start_roma_simulator --demo-datasources it-instance --not-found "$not_found" --start-delay 0
    simulators+=("$not_found=$ROMA_SIM_URL")
done
side_by_side "${simulators[@]}" -- mappings "$@"
