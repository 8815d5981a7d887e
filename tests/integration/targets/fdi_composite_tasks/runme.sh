#!/usr/bin/env bash
# fdi_composite_tasks through ansible-playbook against the simulator, asserting on its request log:
# every state (rendered without credentials, merged, gathered, replaced, overridden, deleted), check mode,
# start/stop batches, a partial failure injected on one item, the scope_tag guards, and wait on the task monitor.
set -euo pipefail
source ../setup_roma_simulator/simulator.sh
start_roma_simulator
run_playbook playbook.yml "$@"
