#!/usr/bin/env python
"""`make simulator`: run the bundled ROMA Connect simulator in the foreground for your own playbooks.

    python tools/serve_simulator.py [--port 8774] [--state-file FILE] [--log-requests] [--check]

Starts tests/simulator/run_simulator.py on 127.0.0.1 and a fixed port (so the exports below stay
valid across restarts), then prints its URL, the demo account and ready-to-paste ``export`` lines
for the environment variables the modules read.  Before printing them it runs
``hwcloud.roma.fdi_composite_task_info`` once with exactly those variables (AK/SK, then the password),
so the instructions it prints are known to work.  It serves until Ctrl-C.  ``--check`` stops right
after printing (`make test` uses it, so the instructions in README.md cannot rot).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from simulator_process import REPO_ROOT, SimulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

DEFAULT_PORT = 8774
# The simulator's built-in demo account (tests/simulator/README.md, "Default accounts"): test values, never real ones.
REGION = 'cn-north-4'
PROJECT_ID = '0123456789abcdef0123456789abcdef'  # the project of cn-north-4 in the demo account
ACCESS_KEY = 'AKEXAMPLE0123456789'
SECRET_KEY = 'SKEXAMPLEsecret0123456789'
USER_NAME, PASSWORD, DOMAIN_NAME = 'demo-user', 'Demo-Passw0rd!', 'demo-account'
# Any instance ID of 1-64 letters, digits, "-" and "_" exists in the simulator; this one also gets the demo data sources.
INSTANCE_ID = 'demo-instance'


def exports(url: str) -> list[tuple[str, str]]:
    """The environment for AK/SK authentication against the simulator at ``url``."""
    return [
        ('HUAWEICLOUD_ROMA_ENDPOINT', url),
        ('HUAWEICLOUD_SDK_IAM_ENDPOINT', url),
        ('HUAWEICLOUD_REGION', REGION),
        ('HUAWEICLOUD_SDK_PROJECT_ID', PROJECT_ID),
        ('HUAWEICLOUD_SDK_AK', ACCESS_KEY),
        ('HUAWEICLOUD_SDK_SK', SECRET_KEY),
    ]


PASSWORD_EXPORTS = [('HW_USER_NAME', USER_NAME), ('HW_PASSWORD', PASSWORD), ('HW_DOMAIN_NAME', DOMAIN_NAME)]


def export_lines(pairs):
    return ['export %s=%s' % (name, shlex.quote(value)) for name, value in pairs]


def shown_path(path: str) -> str:
    """``path`` relative to the checkout when it is inside it, else absolute."""
    relative = os.path.relpath(path, REPO_ROOT)
    return path if relative.startswith(os.pardir) else relative


def banner(url: str, collections_path: str, ansible_bin: str, state_file: str) -> str:
    lines = [
        '',
        'ROMA Connect + IAM simulator listening on %s (Ctrl-C stops it)' % url,
        '',
        'Demo account (tests/simulator/README.md; test values only):',
        '  account (domain) %s, IAM user %s, password %s' % (DOMAIN_NAME, USER_NAME, PASSWORD),
        '  AK/SK %s / %s' % (ACCESS_KEY, SECRET_KEY),
        '  region %s, project_id %s' % (REGION, PROJECT_ID),
        '  instance_id: %s (any ID of 1-64 letters, digits, "-" and "_" exists; this one has demo data sources)' % INSTANCE_ID,
        '  tasks are kept in %s (delete it for an empty instance)' % shown_path(state_file),
        '',
        'In another shell, paste these lines, then run your playbook with ansible-playbook (instance_id: %s):' % INSTANCE_ID,
        '',
    ]
    lines += ['  ' + line for line in export_lines(exports(url))]
    lines += [
        '  # to log in with the IAM password instead of AK/SK:',
        '  #   unset HUAWEICLOUD_SDK_AK HUAWEICLOUD_SDK_SK',
        '  #   export ' + ' '.join(line[len('export ') :] for line in export_lines(PASSWORD_EXPORTS)),
        '  # the collection from this checkout and the ansible-core make installed (to try a built tarball instead,',
        '  # unset ANSIBLE_COLLECTIONS_PATH first: while it names this checkout, ansible-galaxy collection install',
        '  # finds hwcloud.roma there and says "Nothing to do", and playbooks keep using the checkout):',
        '  ' + export_lines([('ANSIBLE_COLLECTIONS_PATH', collections_path)])[0],
        '  export PATH=%s:"$PATH"' % shlex.quote(ansible_bin),
        '',
        'For example:',
        '  ansible localhost -m hwcloud.roma.fdi_composite_task_info -a instance_id=%s' % INSTANCE_ID,
        '',
    ]
    return '\n'.join(lines)


def check_exports(url: str, collections_path: str, ansible_bin: str) -> None:
    """Run one info module call with the printed AK/SK variables and one with the password variables."""
    base = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=collections_path,
        PATH=ansible_bin + os.pathsep + os.environ.get('PATH', ''),
        ANSIBLE_LOCALHOST_WARNING='false',
        ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
        ANSIBLE_NOCOLOR='1',
    )
    for name in [name for name in base if name.startswith(('HUAWEICLOUD_', 'HW_'))]:
        del base[name]  # only what is printed may count
    ak_sk = dict(base, **dict(exports(url)))
    password = dict(ak_sk, **dict(PASSWORD_EXPORTS))
    del password['HUAWEICLOUD_SDK_AK'], password['HUAWEICLOUD_SDK_SK']
    for label, env in (('AK/SK', ak_sk), ('password', password)):
        command = [os.path.join(ansible_bin, 'ansible'), 'localhost', '-o', '-m', 'hwcloud.roma.fdi_composite_task_info', '-a', 'instance_id=%s' % INSTANCE_ID]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0 or 'SUCCESS' not in result.stdout:
            raise SystemExit(
                'The printed %s variables do not work against the simulator (%s exited %d):\n%s%s'
                % (label, ' '.join(command), result.returncode, result.stdout, result.stderr)
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--port', type=int, default=DEFAULT_PORT, help='port on 127.0.0.1 (default: %(default)s; 0 picks a free one)')
    parser.add_argument(
        '--state-file',
        default=os.path.join(REPO_ROOT, 'build', 'simulator-state.json'),
        help='where the simulator keeps its tasks between runs (default: build/simulator-state.json)',
    )
    parser.add_argument(
        '--collections-path',
        default=os.path.join(REPO_ROOT, 'build', 'collections'),
        help='the collections path holding hwcloud.roma (default: the tree `make tree` builds)',
    )
    parser.add_argument('--ansible-bin', default=os.path.dirname(sys.executable), help="directory with ansible and ansible-playbook (default: this Python's)")
    parser.add_argument('--log-requests', action='store_true', help='print one access-log line per request')
    parser.add_argument('--check', action='store_true', help='stop after checking and printing the instructions')
    args = parser.parse_args()
    if not 0 <= args.port <= 65535:
        parser.error('--port must be 0-65535')
    state_file = os.path.abspath(args.state_file)
    args.ansible_bin = os.path.abspath(args.ansible_bin)
    os.makedirs(os.path.dirname(state_file), exist_ok=True)
    sim_args = ['--state-file', state_file, '--demo-datasources', INSTANCE_ID] + (['--log-requests'] if args.log_requests else [])
    simulator = SimulatorProcess(*sim_args, port=args.port)
    try:
        # not a with-statement: a start that fails is reported here, with the port to change
        url = simulator.__enter__()  # pylint: disable=unnecessary-dunder-call
    except RuntimeError as error:
        simulator.__exit__(None, None, None)
        print(
            'Cannot start the simulator on 127.0.0.1:%d: %s (its message is above; another port: make simulator PORT=...)' % (args.port, error), file=sys.stderr
        )
        return 2
    try:
        check_exports(url, os.path.abspath(args.collections_path), args.ansible_bin)
        print(banner(url, os.path.abspath(args.collections_path), args.ansible_bin, state_file), flush=True)
        if args.check:
            print('Checked: hwcloud.roma.fdi_composite_task_info works with these variables (AK/SK and password).')
            return 0
        try:
            return simulator.process.wait()
        except KeyboardInterrupt:
            print('\nStopping the simulator.')
            return 0
    finally:
        simulator.__exit__(None, None, None)


if __name__ == '__main__':
    sys.exit(main())
