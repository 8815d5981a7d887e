#!/usr/bin/env bash
# stage.sh LOG_DIR NAME COMMAND...: one stage of `make test`.  `make test` runs its stages side by side (make -j),
# so each stage writes its output to LOG_DIR/NAME.log instead of the terminal, where the stages' lines would be
# interleaved; the terminal gets one line when it starts and one when it ends, with its time.  A failing stage
# prints the end of its log.  LOG_DIR/times.tsv collects "name, seconds, status" for the breakdown at the end.
set -uo pipefail
log_dir="$1" name="$2"
shift 2
mkdir -p "$log_dir"
log="$log_dir/$name.log"
echo "[stage] $name: started (log: $log)"
start=$(date +%s)
"$@" >"$log" 2>&1
status=$?
seconds=$(($(date +%s) - start))
if [ "$status" -eq 0 ]; then
    printf '%s\t%s\tok\n' "$name" "$seconds" >>"$log_dir/times.tsv"
    echo "[stage] $name: passed in ${seconds} s"
else
    printf '%s\t%s\tFAILED\n' "$name" "$seconds" >>"$log_dir/times.tsv"
    echo "[stage] $name: FAILED after ${seconds} s (exit $status); the end of $log:"
    tail -n 60 "$log" | sed "s/^/[$name] /"
fi
exit "$status"
