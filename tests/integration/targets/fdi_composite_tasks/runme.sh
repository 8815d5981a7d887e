#!/usr/bin/env bash
# fdi_composite_tasks through ansible-playbook against the simulator, asserting on its request log, one file per state
# (tests/: rendered, merged, gathered, round_trip, replaced, overridden, deleted), plus a partial failure and wait.
# Each file starts from the same instance (tests/_populate.yml) and leaves it empty (tests/_remove.yml), so any one of
# them can be run on its own: ./runme.sh -e roma_states=replaced
set -euo pipefail
source ../setup_roma_simulator/simulator.sh
start_roma_simulator
run_playbook playbook.yml "$@"
