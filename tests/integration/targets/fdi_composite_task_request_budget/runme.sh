#!/usr/bin/env bash
# The request budget of docs/performance.md, exactly: for token, password and AK/SK auth and identity by task_id
# and by name, every operation sends the minimum number of requests, over one TCP connection per module run.
# Request counts are deterministic, so this is the fast check `make test` runs; `make bench` measures time.
set -euo pipefail
source ../setup_roma_simulator/simulator.sh
start_roma_simulator
run_playbook playbook.yml "$@"
run_playbook mappings.yml "$@"
