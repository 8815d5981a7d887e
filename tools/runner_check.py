#!/usr/bin/env python
"""`make runner-check`: run a hwcloud.roma job the way AWX / Automation Controller runs a job template.

``python tools/runner_check.py --tarball build/dist/hwcloud-roma-X.Y.Z.tar.gz [--keep DIR]``

AWX runs a job with ansible-runner in a private data directory.  This lays one out the way the
controller does, from what docs/guide.md ("Running in AWX / Automation Controller") tells a user
to configure, so the guide and this check cannot drift apart:

- ``project/``: tools/awx_project/roma_job.yml, the data sources' passwords in a vaulted
  ``group_vars/all/vault.yml``, and the collection installed from the BUILT TARBALL with
  ``ansible-galaxy collection install`` (as a project sync installs ``collections/requirements.yml``);
- ``inventory/``: the guide's inventory;
- ``env/extravars``: the guide's job template ``extra_vars``;
- ``env/envvars`` and a ``-e @file`` of extra vars: the guide's credential-type injectors, rendered
  as AWX renders them (a Jinja2 sandbox over the credential's non-empty inputs; extra vars written to
  a file in ``env/`` that the command line names), for a credential made up for this run;
- ``env/cmdline`` (``--vault-id roma@prompt``) and ``env/passwords`` (the answer to the vault
  prompt), as the controller passes a vault credential.

It runs the job with ``ansible_runner.run()`` (process isolation off: no container runtime) against
the bundled simulator, started with an account, access key and database users made up for the run,
and checks the runner status and return code, the job events (every task of the playbook reported,
with the expected ``changed``), the simulator's request log (the writes were made, with the expected
credentials) and that no secret (the database passwords, the IAM password, the secret key, the vault
password, every IAM token the simulator issued) is in any file under ``artifacts/``, byte for byte.
Then it runs the same job with a fault injected into the start request (the simulator refuses it and
echoes the request, token included, in its error): the job must fail, report the refusal in the
failed task's event, still clean up, and still leave no secret in its artifacts.

Exit status 0 when every check passes; 1 with the failed checks listed otherwise.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import secrets
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request

import ansible_runner
import yaml
from ansible.parsing.vault import VaultLib, VaultSecret
from jinja2.sandbox import ImmutableSandboxedEnvironment

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from run_demo import installed_collection  # noqa: E402  pylint: disable=wrong-import-position
from simulator_process import REPO_ROOT, SimulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

GUIDE = os.path.join(REPO_ROOT, 'docs', 'guide.md')
GUIDE_SECTION = '## Running in AWX / Automation Controller'
PROJECT = os.path.join(REPO_ROOT, 'tools', 'awx_project')
PLAYBOOK = 'roma_job.yml'
VAULT_ID = 'roma'
REGION = 'cn-north-4'
YAML_BLOCK = re.compile(r'^```ya?ml[ \t]*\n(.*?)^```[ \t]*$', re.MULTILINE | re.DOTALL)

# What every task of the playbook reports (runner_on_ok), by task name: changed or not.
LOGIN_TASK = "Log in to IAM once (user and account from the credential's environment variables)"
EXPECTED_OK = {
    LOGIN_TASK: False,
    'Create the source data source': True,
    'Create the target data source': True,
    'Create the composite task with its table mappings': True,
    'Assert the composite task again (nothing to do)': False,
    'Start the composite task and wait until it runs': True,
    'Read the composite task back with its mappings': False,
    'Check the composite task runs with its three mappings': False,
    'Delete the composite task (stopped first)': True,
    'Delete the source data source': True,
    'Delete the target data source': True,
    'Look for data sources of the job left, signing with the access key (secret key from the credential)': False,
    'Look for the composite task of the job left, signing with the access key': False,
    'Check nothing of the job is left': False,
}
# The faulted job: the start fails; the rest of the block is skipped, its `always` cleans up, and the play ends there.
FAILING_TASK = 'Start the composite task and wait until it runs'
NOT_OK_WHEN_THE_START_FAILS = (
    FAILING_TASK,
    'Read the composite task back with its mappings',
    'Check the composite task runs with its three mappings',
    'Look for data sources of the job left, signing with the access key (secret key from the credential)',
    'Look for the composite task of the job left, signing with the access key',
    'Check nothing of the job is left',
)
EXPECTED_OK_FAULTED = dict((name, changed) for name, changed in EXPECTED_OK.items() if name not in NOT_OK_WHEN_THE_START_FAILS)
FAULT_ERROR_CODE = 'SIM.ECHO'  # the simulator's code for a fault that echoes the request

# The simulator's write requests a successful job makes (route: count), all answered 2xx.
# batch_tasks: ROMA Connect's start and stop (the start, then the stop before the delete).
EXPECTED_WRITES = {'create_datasource': 2, 'test_datasource': 2, 'create_multi_task': 1, 'batch_tasks': 2, 'delete_task': 1, 'delete_datasource': 2}
EXPECTED_WRITES_FAULTED = {'create_datasource': 2, 'test_datasource': 2, 'create_multi_task': 1, 'batch_tasks': 0, 'delete_task': 1, 'delete_datasource': 2}


class Checks:
    """Collects failed checks instead of stopping at the first, and says what passed."""

    def __init__(self):
        self.failed = []
        self.passed = 0

    def check(self, condition, what):
        if condition:
            self.passed += 1
        else:
            self.failed.append(what)
            print(f'  FAILED: {what}', flush=True)
        return condition


def made_up(prefix):
    """A secret made up for this run: letters and digits only, so it reads the same raw, JSON-escaped or quoted."""
    return prefix + secrets.token_hex(16)


def guide_configuration():
    """The YAML blocks of the guide's AWX section: credential inputs and injectors, inventory, job template."""
    with open(GUIDE, encoding='utf-8') as handle:
        text = handle.read()
    start = text.index(GUIDE_SECTION)
    end = text.find('\n## ', start + len(GUIDE_SECTION))
    blocks = [yaml.safe_load(block) for block in YAML_BLOCK.findall(text[start : end if end != -1 else len(text)])]
    mappings = [block for block in blocks if isinstance(block, dict)]

    def one(what, test):
        found = [block for block in mappings if test(block)]
        if len(found) != 1:
            raise SystemExit(f'{GUIDE}: expected one {what} block in "{GUIDE_SECTION[3:]}", found {len(found)}')
        return found[0]

    return {
        'inputs': one('credential input configuration', lambda block: 'fields' in block),
        'injectors': one('credential injector configuration', lambda block: 'env' in block),
        'inventory': one('inventory', lambda block: 'all' in block),
        'job_template': one('job template', lambda block: 'playbook' in block and 'extra_vars' in block),
    }


def inject_credential(inputs_config, injectors, credential, private_data_dir):
    """(env, extra-vars file) of a credential, rendered as AWX's inject_credential renders a custom type's injectors."""
    fields = [field['id'] for field in inputs_config['fields']]
    unknown = sorted(set(credential) - set(fields))
    if unknown:
        raise SystemExit(f"the guide's credential type has no field(s) {', '.join(unknown)}")
    missing = [name for name in inputs_config.get('required', []) if not credential.get(name)]
    if missing:
        raise SystemExit(f'the credential lacks the required field(s) {", ".join(missing)}')
    namespace = dict((name, value) for name, value in credential.items() if value)
    sandbox = ImmutableSandboxedEnvironment()
    env = dict((name, sandbox.from_string(template).render(**namespace)) for name, template in injectors.get('env', {}).items())
    extra_vars = dict((name, sandbox.from_string(template).render(**namespace)) for name, template in injectors.get('extra_vars', {}).items())
    path = None
    if extra_vars:
        handle, path = tempfile.mkstemp(dir=os.path.join(private_data_dir, 'env'))
        with os.fdopen(handle, 'w', encoding='utf-8') as stream:
            stream.write(yaml.safe_dump(extra_vars))
        os.chmod(path, stat.S_IRUSR)
    return env, path


def write(path, text, mode=0o600):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(text)
    os.chmod(path, mode)


def sim(url, method, path, body=None):
    """A request to the simulator's control API (/_sim/...): the decoded JSON answer."""
    data = None if body is None else json.dumps(body).encode('utf-8')
    request = urllib.request.Request(url + path, data=data, method=method, headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=10) as answer:  # nosec: the local simulator
        return json.loads(answer.read() or b'null')


def accounts_file(path, account):
    """The simulator's accounts (--accounts): one domain, project, IAM user and access key, all made up for this run."""
    write(
        path,
        json.dumps(
            {
                'domains': [
                    {
                        'id': secrets.token_hex(16),
                        'name': account['domain_name'],
                        'projects': [{'id': account['project_id'], 'name': REGION}],
                        'users': [{'id': secrets.token_hex(16), 'name': account['user_name'], 'password': account['password']}],
                        'access_keys': [{'access': account['access_key'], 'secret': account['secret_key'], 'user': account['user_name']}],
                    }
                ]
            }
        ),
    )


def declare_databases(url, passwords):
    """The demo database servers (--demo-databases), their users' passwords replaced by those made up for this run."""
    servers = sim(url, 'GET', '/_sim/databases')['databases']
    users = {'fdi_reader': passwords['vault_source_password'], 'fdi_writer': passwords['vault_target_password']}
    for server in servers:
        server['users'] = dict((name, users[name]) for name in server['users'])
    sim(url, 'POST', '/_sim/databases', {'databases': servers})


def private_data_dir(root, config, tarball, url, account, vault_password, database_passwords):
    """Lay out the job's private data directory; returns the collections path the job uses."""
    project = os.path.join(root, 'project')
    os.makedirs(project)
    shutil.copy(os.path.join(PROJECT, PLAYBOOK), project)
    vault = VaultLib([(VAULT_ID, VaultSecret(vault_password.encode('utf-8')))])
    encrypted = vault.encrypt(yaml.safe_dump(database_passwords), vault_id=VAULT_ID).decode('ascii')
    write(os.path.join(project, 'group_vars', 'all', 'vault.yml'), encrypted)
    # a project sync: the project's collections/requirements.yml, installed for the job
    write(os.path.join(project, 'collections', 'requirements.yml'), yaml.safe_dump({'collections': [{'name': tarball, 'type': 'file'}]}))
    collections = os.path.join(root, 'requirements_collections')
    subprocess.run(
        ['ansible-galaxy', 'collection', 'install', '--offline', '-r', os.path.join(project, 'collections', 'requirements.yml'), '-p', collections],
        check=True,
        stdout=subprocess.DEVNULL,
        env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections),
    )

    write(os.path.join(root, 'inventory', 'hosts.yml'), yaml.safe_dump(config['inventory']))
    write(os.path.join(root, 'env', 'extravars'), yaml.safe_dump(config['job_template']['extra_vars']))
    credential = dict(
        region=REGION,
        project_id=account['project_id'],
        endpoint=url,
        iam_endpoint=url,
        user_name=account['user_name'],
        password=account['password'],
        domain_name=account['domain_name'],
        access_key=account['access_key'],
        secret_key=account['secret_key'],
    )
    env, extra_vars_file = inject_credential(config['inputs'], config['injectors'], credential, root)
    # what the controller adds for every job: the project's collections, and a job that does not talk about localhost
    env.update(ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false', ANSIBLE_LOCALHOST_WARNING='false')
    write(os.path.join(root, 'env', 'envvars'), yaml.safe_dump(env))
    cmdline = ['--vault-id', f'{VAULT_ID}@prompt'] + (['-e', '@' + extra_vars_file] if extra_vars_file else [])
    write(os.path.join(root, 'env', 'cmdline'), shlex.join(cmdline))
    write(os.path.join(root, 'env', 'passwords'), yaml.safe_dump({r'^Vault password \(%s\):\s*?$' % VAULT_ID: vault_password}))
    return collections


def events(root, ident):
    found = []
    for path in glob.glob(os.path.join(root, 'artifacts', ident, 'job_events', '*.json')):
        with open(path, encoding='utf-8') as handle:
            found.append(json.load(handle))
    return sorted(found, key=lambda event: event.get('counter', 0))


def task_results(job_events, kind):
    """{task name: [result]} of the events of one kind (runner_on_ok, runner_on_failed, ...)."""
    results = {}
    for event in job_events:
        if event.get('event') == kind:
            data = event.get('event_data', {})
            results.setdefault(data.get('task'), []).append(data.get('res', {}))
    return results


def playbook_task_names():
    """Every task name of the playbook (blocks and their `always` included), in order."""
    with open(os.path.join(PROJECT, PLAYBOOK), encoding='utf-8') as handle:
        plays = yaml.safe_load(handle)
    names = []

    def walk(tasks):
        for task in tasks or []:
            if 'block' in task:
                for part in ('block', 'rescue', 'always'):
                    walk(task.get(part))
            else:
                names.append(task['name'])

    for play in plays:
        walk(play.get('tasks'))
    return names


def scan_artifacts(root, secret_values, checks, label):
    """Every file under artifacts/, raw bytes: no secret anywhere."""
    artifacts = os.path.join(root, 'artifacts')
    files = [os.path.join(folder, name) for folder, dummy, names in os.walk(artifacts) for name in names]
    kinds = set(os.path.relpath(path, artifacts).split(os.sep, 1)[-1].split(os.sep)[0] for path in files)
    checks.check(
        {'command', 'stdout', 'job_events', 'status', 'rc'} <= kinds,
        f'{label}: the artifacts hold the command, stdout, job events, status and rc (found {sorted(kinds)})',
    )
    leaks = []
    for path in files:
        with open(path, 'rb') as handle:
            content = handle.read()
        for what, value in secret_values.items():
            # as it is, and as JSON writes it (the same for the made-up secrets, not necessarily for a token)
            if any(form.encode('utf-8') in content for form in (value, json.dumps(value)[1:-1])):
                leaks.append(f'{what} in {os.path.relpath(path, root)}')
    checks.check(not leaks, f'{label}: no secret in the {len(files)} files under artifacts/; found: {", ".join(leaks)}')
    return len(files)


def requests_since(url, seq):
    return sim(url, 'GET', f'/_sim/requests?since={seq}')['requests']


def last_seq(url):
    entries = sim(url, 'GET', '/_sim/requests')['requests']
    return entries[-1]['seq'] if entries else 0


def check_writes(log, expected, checks, label):
    """The job's writes reached the simulator: each expected route as often as expected, answered 2xx."""
    for route, count in expected.items():
        done = [entry for entry in log if entry.get('route') == route and entry.get('status') and entry['status'] < 300]
        checks.check(len(done) == count, f"{label}: {count} successful {route} request(s) in the simulator's log, found {len(done)}")


def show_output(root, ident):
    path = os.path.join(root, 'artifacts', ident, 'stdout')
    if os.path.exists(path):
        with open(path, encoding='utf-8', errors='replace') as handle:
            print(f"--- {ident}: the job's stdout ---\n{handle.read()}--- end of stdout ---", flush=True)


def check_job(root, ident, result, expected_ok, checks, failing_task=None):
    """Status, return code and the job events of one run."""
    label = f'job {ident}'
    if failing_task is None:
        checks.check(result.status == 'successful', f'{label}: runner status successful (got {result.status})')
        checks.check(result.rc == 0, f'{label}: return code 0 (got {result.rc})')
    else:
        checks.check(result.status == 'failed', f'{label}: runner status failed (got {result.status})')
        checks.check(result.rc not in (0, None), f'{label}: a non-zero return code (got {result.rc})')
    job_events = events(root, ident)
    ok = task_results(job_events, 'runner_on_ok')
    failed = task_results(job_events, 'runner_on_failed')
    unreachable = task_results(job_events, 'runner_on_unreachable')
    checks.check(not unreachable, f'{label}: no host unreachable ({sorted(unreachable)})')
    for name, changed in expected_ok.items():
        results = ok.get(name, [])
        if checks.check(len(results) == 1, f'{label}: one runner_on_ok event for "{name}" (found {len(results)})'):
            checks.check(bool(results[0].get('changed')) is changed, f'{label}: "{name}" reports changed={changed} (got {results[0].get("changed")})')
    checks.check(set(ok) == set(expected_ok), f'{label}: runner_on_ok for exactly the expected tasks; unexpected: {sorted(set(ok) - set(expected_ok))}')
    login = ok.get(LOGIN_TASK, [{}])[0]
    checks.check(login.get('censored') is not None, f"{label}: the login task's result is censored (no_log)")
    if failing_task is None:
        checks.check(not failed, f'{label}: no runner_on_failed event (got {sorted(failed)})')
    else:
        checks.check(set(failed) == {failing_task}, f'{label}: runner_on_failed for "{failing_task}" only (got {sorted(failed)})')
        message = str(failed.get(failing_task, [{}])[0].get('msg', ''))
        checks.check(
            FAULT_ERROR_CODE in message and 'Request echoed by the ROMA simulator' in message,
            f"{label}: the failed task's message reports the refusal ({FAULT_ERROR_CODE}); got {message!r}",
        )
    stats = result.stats or {}
    if failing_task is not None:
        checks.check(stats.get('failures', {}).get('localhost') == 1, f'{label}: one failure in the play recap ({stats.get("failures")})')
    return job_events


def run_job(root, ident):
    started = time.monotonic()
    result = ansible_runner.run(private_data_dir=root, playbook=PLAYBOOK, ident=ident, process_isolation=False, quiet=True)
    print(f'Job {ident}: status {result.status}, rc {result.rc} ({time.monotonic() - started:.1f}s)', flush=True)
    return result


def check_left_nothing(url, instance_id, checks, label):
    tasks = sim(url, 'GET', f'/_sim/tasks?instance_id={instance_id}')['tasks']
    datasources = sim(url, 'GET', f'/_sim/datasources?instance_id={instance_id}')['datasources']
    checks.check(
        not tasks and not datasources,
        f'{label}: the job left no task and no data source in the simulator '
        f'({[task.get("task_name") for task in tasks]}, {[ds.get("datasource_name") for ds in datasources]})',
    )


def run_checks(root, tarball):
    checks = Checks()
    config = guide_configuration()
    checks.check(config['job_template']['playbook'] == PLAYBOOK, f"the guide's job template runs {PLAYBOOK} (got {config['job_template']['playbook']})")
    account = dict(
        domain_name='runner-check-account',
        user_name='runner-check-user',
        password=made_up('IamPw'),
        project_id=secrets.token_hex(16),
        access_key='AKRC' + secrets.token_hex(8).upper(),
        secret_key=made_up('SkRc'),
    )
    vault_password = made_up('VaultPw')
    database_passwords = {'vault_source_password': made_up('SrcDbPw'), 'vault_target_password': made_up('TgtDbPw')}
    instance_id = config['job_template']['extra_vars']['roma_instance_id']

    with tempfile.TemporaryDirectory(prefix='runner-check-sim-') as sim_dir:
        accounts = os.path.join(sim_dir, 'accounts.json')
        accounts_file(accounts, account)
        with SimulatorProcess('--accounts', accounts, '--demo-databases', '--start-delay', '0.2') as url:
            declare_databases(url, database_passwords)
            collections = private_data_dir(root, config, tarball, url, account, vault_password, database_passwords)
            installed_collection(collections, dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false'))
            print(f'Private data directory {root}; hwcloud.roma installed from {os.path.relpath(tarball, REPO_ROOT)}; simulator at {url}', flush=True)
            secret_values = dict(database_passwords, iam_password=account['password'], secret_key=account['secret_key'], vault_password=vault_password)

            # 1. the job as it should go
            seq = last_seq(url)
            result = run_job(root, 'job-ok')
            check_job(root, 'job-ok', result, EXPECTED_OK, checks)
            checks.check(
                set(task_results(events(root, 'job-ok'), 'runner_on_ok')) == set(playbook_task_names()),
                'job job-ok: the job events report every task of the playbook',
            )
            log = requests_since(url, seq)
            check_writes(log, EXPECTED_WRITES, checks, 'job job-ok')
            logins = [entry for entry in log if entry.get('route') == 'iam_token']
            checks.check(len(logins) == 1 and 200 <= (logins[0].get('status') or 0) < 300, f'job job-ok: one IAM login ({len(logins)})')
            tokens = sorted(set(entry['headers']['x-auth-token'] for entry in log if entry.get('headers', {}).get('x-auth-token')))
            checks.check(len(tokens) == 1, f'job job-ok: the ROMA requests carry the one IAM token of the login (found {len(tokens)})')
            checks.check(any(entry.get('auth') == 'aksk' for entry in log), 'job job-ok: the last look-ups signed with the access key')
            # the secrets really went through the job: the simulator got them (so their absence from the artifacts means something)
            sent = json.dumps(log)
            checks.check(all(database_passwords[name] in sent for name in database_passwords), 'job job-ok: the data-source passwords reached the simulator')
            for number, token in enumerate(tokens):
                secret_values[f'iam_token_{number}'] = token
            check_left_nothing(url, instance_id, checks, 'job job-ok')
            count = scan_artifacts(root, secret_values, checks, 'job job-ok')
            if checks.failed:
                show_output(root, 'job-ok')

            # 2. the same job, the start refused by the simulator, which quotes the request (token included) in its error
            failed_before = len(checks.failed)
            seq = last_seq(url)
            sim(url, 'POST', '/_sim/faults', {'match': {'route': 'batch_tasks'}, 'count': 1, 'status': 400, 'echo_request': True})
            result = run_job(root, 'job-fault')
            sim(url, 'DELETE', '/_sim/faults')
            check_job(root, 'job-fault', result, EXPECTED_OK_FAULTED, checks, failing_task=FAILING_TASK)
            log = requests_since(url, seq)
            check_writes(log, EXPECTED_WRITES_FAULTED, checks, 'job job-fault')
            refused = [entry for entry in log if entry.get('route') == 'batch_tasks']
            checks.check(
                len(refused) == 1 and refused[0].get('fault') and refused[0].get('status') == 400,
                f'job job-fault: the start request was refused once by the fault ({len(refused)})',
            )
            for entry in log:
                token = entry.get('headers', {}).get('x-auth-token')
                if token and token not in secret_values.values():
                    secret_values[f'iam_token_{len(secret_values)}'] = token
            checks.check(
                bool(refused) and bool(refused[0].get('headers', {}).get('x-auth-token')),
                'job job-fault: the refused start carried the token, so the error echoed it back to the module',
            )
            check_left_nothing(url, instance_id, checks, 'job job-fault')
            count = scan_artifacts(root, secret_values, checks, 'jobs job-ok and job-fault')
            if len(checks.failed) > failed_before:
                show_output(root, 'job-fault')
    print(f'{count} artifact files scanned for {len(secret_values)} secrets.')
    return checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--tarball', required=True, help='the collection tarball `make package` built')
    parser.add_argument('--keep', metavar='DIR', help='use DIR (emptied first) as the private data directory and keep it')
    args = parser.parse_args()
    tarball = os.path.abspath(args.tarball)
    if not os.path.isfile(tarball):
        raise SystemExit(f'{tarball}: no such tarball (make package builds it)')
    started = time.monotonic()
    if args.keep:
        root = os.path.abspath(args.keep)
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        checks = run_checks(root, tarball)
    else:
        with tempfile.TemporaryDirectory(prefix='runner-check-') as root:
            checks = run_checks(root, tarball)
    elapsed = time.monotonic() - started
    if checks.failed:
        print(f'runner-check: {len(checks.failed)} of {checks.passed + len(checks.failed)} checks failed ({elapsed:.0f}s):')
        for what in checks.failed:
            print(f'  - {what}')
        return 1
    print(f'runner-check: all {checks.passed} checks passed ({elapsed:.0f}s)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
