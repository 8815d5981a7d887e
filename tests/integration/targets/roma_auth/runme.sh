#!/usr/bin/env bash
# Every authentication mode against the simulator, which verifies tokens and AK/SK signatures itself.
set -euo pipefail
source ../setup_roma_simulator/simulator.sh
start_roma_simulator
run_playbook playbook.yml "$@"
