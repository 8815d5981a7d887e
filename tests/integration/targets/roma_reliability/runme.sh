#!/usr/bin/env bash
# The fault matrix: transient faults, create safety, malformed answers and authentication faults,
# injected by the simulator, each checked against the module result and the simulator's request log.
# The observed outcomes must be the table roma_reliability of docs/troubleshooting.md.
set -euo pipefail
source ../setup_roma_simulator/simulator.sh
start_roma_simulator
run_fault_matrix cases.yml roma_reliability "$@"
