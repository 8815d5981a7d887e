#!/usr/bin/env python
"""`make demo`: run docs/demo.yml (or ``--playbook``) against the bundled ROMA Connect simulator, then stop it.

The simulator keeps its tasks in build/demo-state.json, so what the demo leaves
behind (nothing, when it finishes) survives between runs like a real instance.

``--collections-path PATH`` runs the demo from an installed collection instead
(`make package-test`: the built tarball, installed into PATH): Ansible then finds
hwcloud.roma only there, and the playbook is that collection's docs/demo.yml.
Other arguments are passed to ansible-playbook.

The simulator declares its demo database servers (``--demo-databases``), and no data
source: the playbooks create theirs with hwcloud.roma.fdi_datasource, so a connection
test passes.  Their passwords reach the playbooks as Ansible Vault would bring real
ones: the simulator's demo database passwords, encrypted with ``ansible-vault
encrypt_string`` into an extra-vars file (``vault_mysql_password``,
``vault_dws_password``) with a throw-away vault password (both in build/demo-vault/).

The playbook finds the simulator through ``ROMA_ENDPOINT``/``ROMA_IAM_ENDPOINT``,
and the simulator's demo account through ``HW_USER_NAME``/``HW_PASSWORD``/
``HW_DOMAIN_NAME`` (the collection's own environment fallbacks), so a docs
example runs unchanged against the simulator and, with real values, against
Huawei Cloud.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from simulator_process import REPO_ROOT, SimulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

# The simulator's built-in demo account (tests/simulator/README.md), never a real one.
DEMO_INSTANCE_ID = 'demo-instance'
SIMULATOR_DEMO_ACCOUNT = {'HW_USER_NAME': 'demo-user', 'HW_PASSWORD': 'Demo-Passw0rd!', 'HW_DOMAIN_NAME': 'demo-account'}
# The passwords of the simulator's demo database servers (docs/api.md, "The demo pair"), as vault variables.
SIMULATOR_DEMO_DATABASE_PASSWORDS = {'vault_mysql_password': 'Demo-MySQL-Passw0rd!', 'vault_dws_password': 'Demo-DWS-Passw0rd!'}


def vault_arguments(directory: str, env: dict) -> list:
    """ansible-playbook arguments that bring the demo database passwords as Ansible Vault does: encrypted variables."""
    os.makedirs(directory, exist_ok=True)
    password_file = os.path.join(directory, 'vault-password')
    with open(os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w', encoding='utf-8') as handle:
        handle.write(secrets.token_urlsafe(24) + '\n')
    encrypted = [
        subprocess.run(
            ['ansible-vault', 'encrypt_string', '--vault-password-file', password_file, '--name', name, value],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for name, value in SIMULATOR_DEMO_DATABASE_PASSWORDS.items()
    ]
    variables_file = os.path.join(directory, 'vault.yml')
    with open(variables_file, 'w', encoding='utf-8') as handle:
        handle.write('---\n' + ''.join(encrypted))
    return ['--vault-password-file', password_file, '-e', '@' + variables_file]


def installed_collection(collections_path: str, env: dict) -> str:
    """The root of hwcloud.roma in an installed collections path, after checking it is the only one Ansible sees."""
    root = os.path.join(collections_path, 'ansible_collections', 'hwcloud', 'roma')
    if not os.path.isfile(os.path.join(root, 'MANIFEST.json')):
        raise SystemExit(f'hwcloud.roma is not installed from a tarball in {collections_path} (no MANIFEST.json)')
    listing = subprocess.run(
        ['ansible-galaxy', 'collection', 'list', 'hwcloud.roma', '--format', 'json'], env=env, check=True, capture_output=True, text=True
    ).stdout
    seen = sorted(path for path, collections in json.loads(listing).items() if 'hwcloud.roma' in collections)
    if seen != [os.path.join(collections_path, 'ansible_collections')]:
        raise SystemExit(f'Ansible would not use (only) the hwcloud.roma installed in {collections_path}: it sees {seen}')
    return root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--collections-path', help='run the demo from hwcloud.roma installed in this collections path')
    parser.add_argument(
        '--playbook', default=os.path.join('docs', 'demo.yml'), help='playbook to run, relative to the collection root (default: docs/demo.yml)'
    )
    parser.add_argument('--state-file', default=os.path.join(REPO_ROOT, 'build', 'demo-state.json'), help='where the simulator keeps its tasks between runs')
    args, playbook_args = parser.parse_known_args()
    state_file = os.path.abspath(args.state_file)
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK='default', ANSIBLE_NOCOLOR='1')
    env.setdefault('ANSIBLE_LOCALHOST_WARNING', 'false')
    env.setdefault('ANSIBLE_INVENTORY_UNPARSED_WARNING', 'false')
    playbook = os.path.join(REPO_ROOT, args.playbook)
    if args.collections_path:
        collections_path = os.path.abspath(args.collections_path)
        env.update(ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false')
        collection = installed_collection(collections_path, env)
        playbook = os.path.join(collection, args.playbook)
        print(f'Running the demo from the installed collection {collection}', flush=True)
    os.makedirs(os.path.dirname(state_file), exist_ok=True)
    # the database servers of the demo pair (MySQL source, DWS target), which docs/demo.yml creates data sources for
    vault = vault_arguments(os.path.join(os.path.dirname(state_file), 'demo-vault'), env)
    with SimulatorProcess('--state-file', state_file, '--demo-databases') as url:
        print(f'ROMA Connect simulator running at {url} (state in {os.path.relpath(state_file, REPO_ROOT)})', flush=True)
        # ROMA_ENDPOINT for the playbooks that set endpoint themselves; the collection's own variables for those that leave
        # the connection to the environment (docs/replicate.yml), as `make simulator`'s export lines do
        env.update(
            ROMA_ENDPOINT=url,
            ROMA_IAM_ENDPOINT=url,
            HUAWEICLOUD_ROMA_ENDPOINT=url,
            HUAWEICLOUD_SDK_IAM_ENDPOINT=url,
            HUAWEICLOUD_REGION='cn-north-4',
            **SIMULATOR_DEMO_ACCOUNT,
        )
        returncode = subprocess.call(['ansible-playbook', playbook] + vault + playbook_args, env=env)
    print('Simulator stopped.' if returncode == 0 else f'Demo failed (ansible-playbook exit status {returncode}).')
    return returncode


if __name__ == '__main__':
    sys.exit(main())
