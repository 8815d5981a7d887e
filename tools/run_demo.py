#!/usr/bin/env python
"""`make demo`: run docs/demo.yml against the bundled ROMA Connect simulator, then stop it.

The simulator keeps its tasks in build/demo-state.json, so what the demo leaves
behind (nothing, when it finishes) survives between runs like a real instance.
"""

from __future__ import annotations

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from simulator_process import REPO_ROOT, SimulatorProcess  # noqa: E402  pylint: disable=wrong-import-position


def main() -> int:
    state_file = os.path.join(REPO_ROOT, 'build', 'demo-state.json')
    playbook = os.path.join(REPO_ROOT, 'docs', 'demo.yml')
    with SimulatorProcess('--state-file', state_file) as url:
        print(f'ROMA Connect simulator running at {url} (state in {os.path.relpath(state_file, REPO_ROOT)})', flush=True)
        env = dict(os.environ, ROMA_ENDPOINT=url, ANSIBLE_STDOUT_CALLBACK='default', ANSIBLE_NOCOLOR='1')
        env.setdefault('ANSIBLE_LOCALHOST_WARNING', 'false')
        env.setdefault('ANSIBLE_INVENTORY_UNPARSED_WARNING', 'false')
        returncode = subprocess.call(['ansible-playbook', playbook] + sys.argv[1:], env=env)
    print('Simulator stopped.' if returncode == 0 else f'Demo failed (ansible-playbook exit status {returncode}).')
    return returncode


if __name__ == '__main__':
    sys.exit(main())
