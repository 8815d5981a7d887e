#!/usr/bin/env python
"""Instructions per task: fdi_composite_task (create, no-op) against the ansible.builtin.uri POST, counted, not timed.

Wall time on a shared machine moves with whatever else runs on it; the number of instructions a
task executes does not.  This runs each side's looped task in ``ansible-playbook`` under valgrind
(``cachegrind --cache-sim=no``, every child process traced), twice: with 1 and with 5 loop items.
Each module process is counted on its own (6 per side); the controller's count (the difference of
the two runs, divided by 4: what one more item costs it) is kept in the JSON but not compared, because
it includes the controller polling for results while a module runs, which grows with how long the
run takes under valgrind.  The simulator is not counted (it answers both sides).

Opt-in (about 5 minutes, needs valgrind): ``build/venv/bin/python tools/bench_instructions.py``;
docs/performance.md shows its table.  Same items as `make bench` (tools/benchmark.py).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_common import control, snapshot_collection, write_inventory  # noqa: E402  pylint: disable=wrong-import-position
from benchmark import TIMING_INSTANCE, connection_args, module_task, task_fields, uri_post_args  # noqa: E402  pylint: disable=wrong-import-position
from simulator_process import REPO_ROOT, SimulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

SIDES = ('uri POST', 'module create', 'module no-op')
ITEMS = (1, 5)


def side_task(side, run, items):
    loop = '{{ range(%d) | list }}' % items
    if side == 'uri POST':
        return {'name': side, 'loop': loop, 'ansible.builtin.uri': uri_post_args('uri-i%d-{{ item }}' % run, None, task_id_expression='ui%d-{{ item }}' % run)}
    # the no-op runs on the tasks the larger create made (SIDES runs the creates first)
    number = run if side == 'module create' else len(ITEMS)
    args = dict(
        connection_args('token', None),
        instance_id=TIMING_INSTANCE,
        task_id='bi%d-{{ item }}' % number,
        name='bench-i%d-{{ item }}' % number,
        **task_fields('first'),
    )
    return module_task(side, args, loop=loop)


def count(workdir, env, inventory, url, token, task):
    """Instructions of one ansible-playbook run, by process: {'module': [per module process], 'controller': n, 'commands': n}."""
    out_dir = os.path.join(workdir, 'cachegrind')
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    playbook = os.path.join(workdir, 'instructions.json')
    with open(playbook, 'w', encoding='utf-8') as handle:
        json.dump([{'name': 'Instructions', 'hosts': 'bench', 'gather_facts': False, 'tasks': [task]}], handle)
    command = [
        'valgrind',
        '--tool=cachegrind',
        '--cache-sim=no',
        '--trace-children=yes',
        '--cachegrind-out-file=%s' % os.path.join(out_dir, 'cg.%p'),
        sys.executable,
        shutil.which('ansible-playbook', path=os.path.dirname(sys.executable)) or 'ansible-playbook',
        '-i',
        inventory,
        playbook,
        '-e',
        'roma_url=%s' % url,
        '-e',
        'roma_token=%s' % token,
    ]
    done = subprocess.run(command, env=dict(env, PYTHONHASHSEED='0'), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError('ansible-playbook under valgrind failed: %s' % done.stdout[-2000:])
    found = {'module': [], 'controller': 0, 'commands': 0}
    for path in glob.glob(os.path.join(out_dir, 'cg.*')):
        with open(path, encoding='utf-8', errors='replace') as handle:
            text = handle.read()
        total = re.search(r'^summary:\s+(\d+)', text, re.M)
        cmd = re.search(r'^cmd:\s+(.*)$', text, re.M)
        if not total or not cmd:
            continue
        program = os.path.basename(cmd.group(1).split()[0])
        if 'AnsiballZ_' in cmd.group(1) and program.startswith('python'):
            found['module'].append(int(total.group(1)))
        elif 'ansible-playbook' in cmd.group(1) and program.startswith('python'):
            found['controller'] += int(total.group(1))  # the controller and its forked workers
        else:
            found['commands'] += int(total.group(1))  # /bin/sh, mkdir, rm: the local connection's commands
    return found


def measure(workdir, env, inventory):
    with SimulatorProcess() as url:
        token = control(url, 'POST', '/_sim/tokens', {})['token']
        runs = {}
        for side in SIDES:
            for run, items in enumerate(ITEMS, 1):
                print('Instructions: %s, %d item(s) under valgrind ...' % (side, items), flush=True)
                runs[(side, items)] = count(workdir, env, inventory, url, token, side_task(side, run, items))
    low, high = ITEMS
    report = {'items': list(ITEMS), 'sides': {}, 'runs': dict(('%s|%d' % key, value) for key, value in runs.items())}
    for side in SIDES:
        small, large = runs[(side, low)], runs[(side, high)]
        module = large['module'] + small['module']
        per_item = {
            'controller': (large['controller'] - small['controller']) / (high - low),
            'commands': (large['commands'] - small['commands']) / (high - low),
            'module': sum(module) / len(module),
        }
        per_item['total'] = sum(per_item.values())
        report['sides'][side] = dict((key, round(value / 1e6, 1)) for key, value in per_item.items())
    return report


def markdown(report):
    """The module process only: the controller's count includes its polling while it waits for a module run, so it grows
    with the time a run takes under valgrind rather than with the work done (it is in the JSON, not compared here)."""
    base = report['sides']['uri POST']['module']
    lines = ['| one module process (valgrind, mean of %d runs) | millions of instructions | / uri POST |' % sum(report['items']), '|---|---:|---:|']
    names = {'uri POST': '`ansible.builtin.uri` POST', 'module create': '`fdi_composite_task` create', 'module no-op': '`fdi_composite_task` no-op'}
    for side in SIDES:
        row = report['sides'][side]
        lines.append('| %s | %.0f | %.3f |' % (names[side], row['module'], row['module'] / base))
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--output', default=os.path.join(REPO_ROOT, 'build', 'bench', 'instructions.json'), help='JSON results file')
    args = parser.parse_args()
    if not shutil.which('valgrind'):
        parser.error('valgrind is not installed (apt-get install valgrind)')
    output = os.path.abspath(args.output)
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='roma-bench-instructions-') as workdir:
        collections_path = snapshot_collection(os.path.join(workdir, 'collections'))
        env = dict(
            os.environ,
            ANSIBLE_COLLECTIONS_PATH=collections_path,
            ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
            ANSIBLE_NOCOLOR='1',
            ANSIBLE_HOST_KEY_CHECKING='false',
            ANSIBLE_RETRY_FILES_ENABLED='false',
        )
        report = measure(workdir, env, write_inventory(os.path.join(workdir, 'inventory.ini')))
    with open(output, 'w', encoding='utf-8') as handle:
        json.dump(report, handle, indent=1)
    print(markdown(report))
    return 0


if __name__ == '__main__':
    sys.exit(main())
