#!/usr/bin/env bash
# Nothing is lost when a run is interrupted in the middle of a change.  A column change of both mappings of a running
# composite task (stop, confirm stopped, two mapping PUTs, start) is interrupted while the simulator holds the answer to
# the first PUT (a delay fault: the change is made, the answer is late), so the signal lands at a known step:
# - INT: SIGINT to ansible-playbook's process group, as a terminal's Ctrl-C;
# - TERM: SIGTERM to it, as `kill`, systemd or a CI job's timeout stops a command;
#   ansible-playbook passes either on to its worker, which passes it to the module: the module starts the task again in
#   its finally (SIGTERM is turned into an exception while it applies);
# - KILL: SIGKILL to every process of the run at once: nothing can clean up, the task stays stopped;
# - KILL-GROUP: SIGKILL to ansible-playbook's process group only, as ansible-runner (AWX) ends a cancelled or timed-out
#   job: Ansible runs each worker in a session of its own, so the module is not hit and completes the change.
# After each: the task runs again (after KILL, once a re-run with state: started has run), there is no duplicate, and a
# re-run converges (the change complete, then nothing more to do).
set -euo pipefail
source ../setup_roma_simulator/simulator.sh
start_roma_simulator --demo-datasources it-instance --start-delay 0
ROMA_TOKEN="$(python interrupt_tools.py token "$ROMA_SIM_URL")"

# Job control: each background job gets a process group of its own (and SIGINT is not ignored in it), as a shell in a
# terminal runs a command, so a signal can go to ansible-playbook's group as Ctrl-C sends it.
set -m

# interrupt CASE COLUMNS HELD_SECONDS [ansible-playbook options]: change.yml towards COLUMNS, the first mapping PUT's
# answer held for HELD_SECONDS, interrupted there as CASE says; then verify.yml.
interrupt() {
    local case="$1" columns="$2" held="$3" pid rc=0
    local -a pids
    shift 3
    python interrupt_tools.py hold "$ROMA_SIM_URL" update_mapping "$held"
    ansible-playbook -i "$INVENTORY_PATH" change.yml -e "roma_sim_url=$ROMA_SIM_URL roma_token=$ROMA_TOKEN columns=$columns" "$@" \
        >"$ROMA_SIM_DIR/change-$case.log" 2>&1 &
    pid=$!
    if ! python interrupt_tools.py wait-held "$ROMA_SIM_URL" update_mapping 30; then
        cat "$ROMA_SIM_DIR/change-$case.log" >&2
        return 1
    fi
    # every process of the run, taken before the signal: the worker and the module outlive ansible-playbook
    mapfile -t pids < <(python interrupt_tools.py tree "$pid")
    echo "$case mid-change; the run's processes: ${pids[*]}"
    case "$case" in
        INT | TERM) kill "-$case" -- "-$pid" ;;
        KILL) kill -KILL "${pids[@]}" 2>/dev/null || true ;;
        KILL-GROUP) kill -KILL -- "-$pid" ;;
    esac
    wait "$pid" || rc=$?
    echo "ansible-playbook exited $rc; its output:"
    cat "$ROMA_SIM_DIR/change-$case.log"
    if [ "$rc" -eq 0 ]; then
        echo "ansible-playbook exited 0 after $case: the signal came too late" >&2
        return 1
    fi
    # the module finishes after ansible-playbook has gone: wait for it before looking
    python interrupt_tools.py wait-gone 30 "${pids[@]}"
    run_playbook verify.yml -e "roma_token=$ROMA_TOKEN case=$case columns=$columns" "$@"
}

run_playbook setup.yml -e "roma_token=$ROMA_TOKEN" "$@"
# held long enough that only the signal ends the wait (the simulator stops waiting when it stops)
interrupt INT narrow 20 "$@"
interrupt TERM wide 20 "$@"
interrupt KILL narrow 20 "$@"
# the module is not interrupted here: it gets the answer after 3 s and goes on
interrupt KILL-GROUP wide 3 "$@"
