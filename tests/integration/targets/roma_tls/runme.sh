#!/usr/bin/env bash
# TLS: an HTTPS simulator with a throwaway CA (what a private endpoint looks like), and a plain-HTTP one
# for an https:// endpoint that does not speak TLS.  The observed outcomes must be the table roma_tls
# of docs/troubleshooting.md.
set -euo pipefail
source ../setup_roma_simulator/simulator.sh
start_roma_simulator
plain_url="$ROMA_SIM_URL"
certs="$ROMA_SIM_DIR/certs"
start_roma_simulator --https --cert-dir "$certs"
printf 'this is not a certificate\n' >"$certs/not-pem.txt"
run_fault_matrix cases.yml roma_tls -e "roma_https_on_plain_url=${plain_url/http:/https:}" -e "roma_certs=$certs" "$@"
