#!/usr/bin/env bash
# Secrets: every credential mode, given as options and through the environment variables, in successful
# and failing runs (including a proxy that echoes the request into its error), at -vvv.  Nothing that
# ansible-playbook prints (stdout and stderr) may contain a password, secret key, security token or token.
set -euo pipefail
source ../setup_roma_simulator/simulator.sh
start_roma_simulator

closed_url="http://127.0.0.1:$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
output="$ROMA_SIM_DIR/output.txt"
secrets="$ROMA_SIM_DIR/secrets.txt"
: >"$output"
: >"$secrets"

# run_secrets NAME [options]: secrets.yml at -vvv, everything it prints appended to $output
run_secrets() {
    local name="$1"
    shift
    if ! run_playbook secrets.yml -vvv -e "roma_closed_url=$closed_url" -e "secrets_file=$secrets.$name" -e "run_name=$name" "$@" >>"$output" 2>&1; then
        tail -n 80 "$output"
        echo "secrets.yml ($name) failed; its output is above" >&2
        return 1
    fi
    cat "$secrets.$name" >>"$secrets"
}

mint_token() {
    python - "$ROMA_SIM_URL" <<'PYTHON'
import json, sys, urllib.request
request = urllib.request.Request(sys.argv[1] + '/_sim/tokens', data=b'{}', method='POST')
print(json.load(urllib.request.urlopen(request))['token'])
PYTHON
}

# As options (module_defaults), every mode; then each credential set exported to ansible-playbook itself, the way
# the environment variable fallbacks are meant to be used (a task's environment: keyword is printed at -vvv).
run_secrets options
project=0123456789abcdef0123456789abcdef
HUAWEICLOUD_AUTH_TOKEN="$(mint_token)" HUAWEICLOUD_SDK_PROJECT_ID=$project \
    run_secrets env-token -e credentials_from_environment=true
HUAWEICLOUD_SDK_AK=AKTEMPEXAMPLE0000001 HUAWEICLOUD_SDK_SK=SKTEMPEXAMPLEsecret0000001 \
    HUAWEICLOUD_SDK_SECURITY_TOKEN=STSEXAMPLEsecuritytoken0123456789 HUAWEICLOUD_SDK_PROJECT_ID=$project \
    run_secrets env-temporary-keys -e credentials_from_environment=true
HW_USER_NAME=demo-user HW_PASSWORD='Demo-Passw0rd!' HW_DOMAIN_NAME=demo-account HW_REGION_NAME=cn-north-4 \
    run_secrets env-password -e credentials_from_environment=true

sort -u -o "$secrets" "$secrets"
mkdir -p "$ROMA_COLLECTION_ROOT/tests/output"
cp "$output" "$ROMA_COLLECTION_ROOT/tests/output/roma_secrets-output.txt"

# The scan must be able to find something: -vvv output, echoed requests and masked values are all there.
grep -q '> EXEC /bin/sh' "$output" || { echo 'the output is not -vvv output' >&2; exit 1; }
grep -q 'SIM.ECHO' "$output" || { echo 'no echoed request reached the output' >&2; exit 1; }
grep -q 'demo-user' "$output" || { echo 'no echoed IAM login reached the output' >&2; exit 1; }
grep -qF '********' "$output" || { echo 'nothing was masked' >&2; exit 1; }
[ "$(wc -l <"$secrets")" -ge 6 ] || { echo "only $(wc -l <"$secrets") secret values were collected" >&2; exit 1; }

# Any 12 characters in a row of a secret count (a message cut short would hold only part of a token).
python "$ROMA_SETUP_DIR/scan_secrets.py" "$secrets" "$output" tests/output/roma_secrets-output.txt
