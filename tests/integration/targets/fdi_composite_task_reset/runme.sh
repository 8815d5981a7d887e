#!/usr/bin/env bash
# fdi_composite_task_reset (issue 20) against the simulator, asserting on its request log and on the resets it recorded
# (/_sim/tasks): a running task is stopped, confirmed stopped, reset and started; a stopped one is only reset; a fault on
# the reset still starts the task again; invalid positions send nothing; check mode only reads; an ordinary task is refused.
set -euo pipefail
source ../setup_roma_simulator/simulator.sh
start_roma_simulator --demo-datasources it-instance --start-delay 0
run_playbook playbook.yml "$@"
