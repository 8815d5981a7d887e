#!/usr/bin/env bash
# The lifecycle as a user runs it: each phase once in check mode, once for real, and once more
# (which must change nothing), logging in to IAM exactly once per play.
set -euo pipefail
source ../setup_roma_simulator/simulator.sh
start_roma_simulator

for phase in up stop down; do
    run_playbook lifecycle.yml -e phase=$phase -e expect_changed=true --check "$@"
    run_playbook lifecycle.yml -e phase=$phase -e expect_changed=true "$@"
    run_playbook lifecycle.yml -e phase=$phase -e expect_changed=false "$@"
    run_playbook lifecycle.yml -e phase=$phase -e expect_changed=false --check "$@"
done
