# shellcheck shell=bash
# Sourced by the runme.sh of every integration target that needs ROMA Connect:
#   source ../setup_roma_simulator/simulator.sh
#   start_roma_simulator [simulator options...]      # exports ROMA_SIM_URL, stops it when the script exits
#   run_playbook playbook.yml [ansible-playbook options...]
#   run_fault_matrix cases.yml NAME [options...]     # fault_matrix.yml with these cases, then the table NAME of docs/troubleshooting.md
#   side_by_side LABEL=URL... -- COMMAND...          # COMMAND against each simulator at once (ROMA_SIM_URL, ROMA_SIM_LABEL)
# ansible-test copies only the target (and its needs/target/ dependencies) to a temporary
# directory, so the simulator is found through the collection that ansible-test put on
# ANSIBLE_COLLECTIONS_PATH.

ROMA_COLLECTION_ROOT="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/hwcloud/roma"
ROMA_SETUP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROMA_SIM_DIR="$(mktemp -d)"
ROMA_SIM_PIDS=()
# lookup('roma_sim', ...): the simulator's control API from the controller (lookup_plugins/roma_sim.py)
export ANSIBLE_LOOKUP_PLUGINS="$ROMA_SETUP_DIR/lookup_plugins"

stop_roma_simulators() {
    local pid
    for pid in "${ROMA_SIM_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$ROMA_SIM_DIR"
}
trap stop_roma_simulators EXIT

# start_roma_simulator [--https ...]: starts one simulator; its URL is in ROMA_SIM_URL.
start_roma_simulator() {
    local url_file="$ROMA_SIM_DIR/url-${#ROMA_SIM_PIDS[@]}"
    python "$ROMA_COLLECTION_ROOT/tests/simulator/run_simulator.py" --port 0 --url-file "$url_file" "$@" \
        >"$url_file.log" 2>&1 &
    ROMA_SIM_PIDS+=("$!")
    local waited=0
    until [ -s "$url_file" ]; do
        if ! kill -0 "${ROMA_SIM_PIDS[-1]}" 2>/dev/null || [ "$waited" -ge 400 ]; then
            echo "The ROMA simulator did not start:" >&2
            cat "$url_file.log" >&2
            return 1
        fi
        sleep 0.05
        waited=$((waited + 1))
    done
    ROMA_SIM_URL="$(cat "$url_file")"
    export ROMA_SIM_URL
}

# run_playbook FILE [options]: against the ansible-test inventory, with the simulator's URL.
run_playbook() {
    local playbook="$1"
    shift
    ansible-playbook -i "$INVENTORY_PATH" "$playbook" -e "roma_sim_url=$ROMA_SIM_URL" "$@"
}

# run_fault_matrix CASES_FILE NAME [ansible-playbook options]: run the cases through fault_matrix.yml,
# then check that the table NAME in docs/troubleshooting.md is what they observed.  The rows and the
# rendered table are kept in tests/output/fault-matrix/ of the collection, to update the docs from
# (see filter_plugins/roma_matrix.py).
run_fault_matrix() {
    local cases="$1" name="$2"
    shift 2
    local out_dir="$ROMA_COLLECTION_ROOT/tests/output/fault-matrix"
    mkdir -p "$out_dir"
    ANSIBLE_FILTER_PLUGINS="$ROMA_SETUP_DIR/filter_plugins" run_playbook "$ROMA_SETUP_DIR/fault_matrix.yml" \
        -e "@$cases" -e "matrix_file=$out_dir/$name.json" "$@"
    python "$ROMA_SETUP_DIR/filter_plugins/roma_matrix.py" check "$out_dir/$name.json" \
        "$ROMA_COLLECTION_ROOT/docs/troubleshooting.md" "$name" --out "$out_dir/$name.md"
}

# side_by_side LABEL=URL... -- COMMAND [ARGS...]: runs COMMAND (a function of the runme.sh, say) once per simulator,
# all at once, each in a subshell with ROMA_SIM_URL set to its URL and ROMA_SIM_LABEL to its label.  Runs that are
# the same test against differently configured simulators need not wait for each other: most of their time is
# ansible-playbook starting and the simulator's clocks.  Each run's output is printed (prefixed with its label) once
# it has ended; fails if any run failed.
side_by_side() {
    local runs=() pids=() run status=0 i
    while [ "$1" != -- ]; do
        runs+=("$1")
        shift
    done
    shift
    for run in "${runs[@]}"; do
        (
            ROMA_SIM_LABEL="${run%%=*}"
            ROMA_SIM_URL="${run#*=}"
            export ROMA_SIM_LABEL ROMA_SIM_URL
            "$@"
        ) >"$ROMA_SIM_DIR/side-by-side-${run%%=*}.out" 2>&1 &
        pids+=("$!")
    done
    for i in "${!runs[@]}"; do
        wait "${pids[$i]}" || status=1
        sed "s/^/[${runs[$i]%%=*}] /" "$ROMA_SIM_DIR/side-by-side-${runs[$i]%%=*}.out"
    done
    return "$status"
}
