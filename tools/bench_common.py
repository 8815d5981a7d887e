"""What the `make bench` scripts share: the collection snapshot, the simulator's control API, one ansible-playbook run.

The imports among the tools run one way, so there is no cycle:

    benchmark.py (`make bench`: one task against ansible.builtin.uri, issue 23)
      -> bench_payload.py (inside one module process), bench_rotation.py (issue 17.6),
         benchmark_many.py (issue 11, with --many), bench_common.py
    bench_instructions.py (opt-in) -> benchmark.py (its playbook helpers), bench_common.py
    bench_payload.py, bench_rotation.py, benchmark_many.py -> bench_common.py
    bench_common.py -> simulator_process.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from simulator_process import REPO_ROOT  # noqa: E402  pylint: disable=wrong-import-position

# The simulator's built-in account (tests/simulator/README.md, "Default accounts"): test values, never real ones.
PROJECT_ID = '0123456789abcdef0123456789abcdef'
CALLBACK_DIR = os.path.join(REPO_ROOT, 'tools', 'benchmark_callback')
SNAPSHOT_PARTS = ('galaxy.yml', 'meta', 'plugins')


def snapshot_collection(collections_path, source=REPO_ROOT):
    """Copy the collection's runtime files to ``collections_path``, so a concurrent `make tree` cannot swap them mid-run."""
    root = os.path.join(collections_path, 'ansible_collections', 'hwcloud', 'roma')
    shutil.rmtree(collections_path, ignore_errors=True)
    os.makedirs(root)
    for part in SNAPSHOT_PARTS:
        path = os.path.join(source, part)
        if os.path.isdir(path):
            shutil.copytree(path, os.path.join(root, part), ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
        else:
            shutil.copy2(path, os.path.join(root, part))
    return collections_path


def control(url, method, path, body=None, context=None, timeout=300):
    """Call the simulator's control API (``/_sim/...``, no auth); the decoded JSON answer, or None for an empty one."""
    data = json.dumps(body).encode('utf-8') if body is not None else None
    request = urllib.request.Request(url + path, data=data, method=method, headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=timeout, context=context) as response:  # noqa: S310 - the local simulator
        content = response.read()
    return json.loads(content.decode('utf-8')) if content else None


def ansible_env(collections_path, timings_path, base=None):
    """The environment of a benchmark's ansible-playbook: the snapshot, the timing callback, nothing from the user's setup."""
    env = dict(os.environ if base is None else base)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=collections_path,
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
        ANSIBLE_CALLBACK_PLUGINS=CALLBACK_DIR,
        ANSIBLE_CALLBACKS_ENABLED='roma_bench_timings',
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_STDOUT_CALLBACK='default',
        ANSIBLE_HOST_KEY_CHECKING='false',
        ANSIBLE_RETRY_FILES_ENABLED='false',
        ROMA_BENCH_TIMINGS=timings_path,
    )
    return env


def write_inventory(path, python=sys.executable):
    """``localhost`` over the local connection, with this interpreter for the modules: the same for every side."""
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('[bench]\nlocalhost ansible_connection=local ansible_python_interpreter=%s\n' % python)
    return path


def run_playbook(plays, playbook_path, inventory, env, log_path, url, token):
    """Write ``plays`` (JSON is YAML) and run them in ONE ansible-playbook; returns (exit status, the timed tasks).

    The tasks are those the roma_bench_timings callback saw end: ``{"name", "start", "end", "items", "failed"}``.
    """
    with open(playbook_path, 'w', encoding='utf-8') as handle:
        json.dump(plays, handle, indent=1)
    timings = env['ROMA_BENCH_TIMINGS']
    if os.path.exists(timings):
        os.remove(timings)
    with open(log_path, 'w', encoding='utf-8') as log_handle:
        returncode = subprocess.call(
            ['ansible-playbook', '-i', inventory, playbook_path, '-e', 'roma_url=%s' % url, '-e', 'roma_token=%s' % token],
            env=env,
            stdout=log_handle,
            stderr=subprocess.STDOUT,
        )
    if not os.path.exists(timings):
        return returncode, None
    with open(timings, encoding='utf-8') as handle:
        return returncode, [task for task in json.load(handle)['tasks'] if task['end'] is not None]


def requests_in(log, start, end):
    """The API requests of the simulator's log sent between ``start`` and ``end`` (wall clock, as the callback stamps tasks)."""
    return [entry for entry in log if start <= entry['time'] <= end and not entry['path'].startswith('/_sim')]


def tail(path, lines=30):
    with open(path, encoding='utf-8') as handle:
        return ''.join(handle.readlines()[-lines:])
