#!/usr/bin/env bash
# Lookups and filters of fdi_composite_task_info, across pages, against the simulator.
set -euo pipefail
source ../setup_roma_simulator/simulator.sh
start_roma_simulator
run_playbook playbook.yml "$@"
