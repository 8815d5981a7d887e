#!/usr/bin/env bash
# The lifecycle as a user runs it: each phase once in check mode, once for real, and once more
# (which must change nothing), logging in to IAM exactly once per play.  The whole lifecycle runs
# against a simulator that answers an unknown task with each documented form: 400 FDI.3021, 404 FDI.3081
# (the two simulators side by side).
set -euo pipefail
source ../setup_roma_simulator/simulator.sh

lifecycle() {
    local phase
    for phase in up stop down; do
        run_playbook lifecycle.yml -e phase=$phase -e expect_changed=true --check "$@"
        run_playbook lifecycle.yml -e phase=$phase -e expect_changed=true "$@"
        run_playbook lifecycle.yml -e phase=$phase -e expect_changed=false "$@"
        run_playbook lifecycle.yml -e phase=$phase -e expect_changed=false --check "$@"
    done
}

simulators=()
for not_found in FDI.3021 FDI.3081; do
    start_roma_simulator --not-found "$not_found"
    simulators+=("$not_found=$ROMA_SIM_URL")
done
side_by_side "${simulators[@]}" -- lifecycle "$@"
