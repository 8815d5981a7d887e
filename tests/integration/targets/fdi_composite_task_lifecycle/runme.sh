#!/usr/bin/env bash
# The lifecycle as a user runs it: each phase once in check mode, once for real, and once more
# (which must change nothing), logging in to IAM exactly once per play.  The whole lifecycle runs
# against a simulator that answers an unknown task with each documented form: 400 FDI.3021, 404 FDI.3081
# (the two simulators side by side).
set -euo pipefail
source ../setup_roma_simulator/simulator.sh

lifecycle() {
    run_playbook phases.yml "$@"  # every phase, each a play of its own (check mode, real, again, again in check mode)
    # and the last phase once as a user runs it from the command line, with --check (the task is gone: nothing to do)
    run_playbook lifecycle.yml -e phase=down -e expect_changed=false --check "$@"
}

simulators=()
for not_found in FDI.3021 FDI.3081; do
    start_roma_simulator --not-found "$not_found"
    simulators+=("$not_found=$ROMA_SIM_URL")
done
side_by_side "${simulators[@]}" -- lifecycle "$@"
