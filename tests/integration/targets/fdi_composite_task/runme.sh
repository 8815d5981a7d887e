#!/usr/bin/env bash
# create, idempotent re-run, check mode, diff mode, update, immutable refusal, absent twice and
# API error display, asserting on what the simulator received as well as on module results.
set -euo pipefail
source ../setup_roma_simulator/simulator.sh
start_roma_simulator
# the User-Agent names the collection's version, as galaxy.yml says it
run_playbook playbook.yml -e "roma_collection_version=$(sed -n 's/^version: *//p' "$ROMA_COLLECTION_ROOT/galaxy.yml")" "$@"
