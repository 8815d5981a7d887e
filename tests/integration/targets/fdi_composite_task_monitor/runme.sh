#!/usr/bin/env bash
# Is the pipeline really running? fdi_composite_task_info include_monitor against the simulator's task monitor
# (start delay, per-task outcomes, stop), asserting on the monitor figures and on the requests sent.
set -euo pipefail
source ../setup_roma_simulator/simulator.sh
start_roma_simulator --demo-datasources it-instance  # a started task needs data sources and a mapping to run
run_playbook playbook.yml "$@"
run_playbook wait.yml "$@"
