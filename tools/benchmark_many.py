#!/usr/bin/env python
"""`make bench`, many tasks: hwcloud.roma.fdi_composite_tasks against a loop of hwcloud.roma.fdi_composite_task (issue 11).

For each simulator latency (0 ms, and 20 ms per request to stand for a real region), one simulator
and ONE ansible-playbook run hold both sides, side by side in the same play, on the same data:

* create: 200 tasks (name, description, tag, operation types) in an instance that holds 800 others,
  so that it holds 1,000 afterwards;
* idempotent re-run: the same 200 tasks again, in that instance of 1,000.

The loop is ``loop:`` over the same list with ``hwcloud.roma.fdi_composite_task``; the resource
module takes the list as ``config``.  Each side has an instance of its own.  Times come from the
roma_bench_timings callback (task start to task end); requests from the simulator's request log
(the requests inside each task's time window).

The minimum number of requests (what the benchmark fails on; times are only reported):

* resource module: the list pages of the instance (999 tasks a page: 1 page for the 800 tasks
  before the create, 2 for the 1,000 of the re-run), plus, per task, one POST for a create and one
  show for a re-run (each item compares description and operation_types, which only the show API
  reports); nothing else;
* loop: per task, one list page by name plus one POST (create) or one show (re-run).

Memory: the module process (run directly, as its AnsiballZ payload runs it, without the wrapper)
creating, re-running and gathering 200 tasks with 50 table mappings each must stay under 150 MB
of maximum resident set size.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_common import PROJECT_ID, ansible_env, control, snapshot_collection, write_inventory  # noqa: E402  pylint: disable=wrong-import-position
from simulator_process import REPO_ROOT, SimulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

TASKS = 200
INSTANCE_SIZE = 1000
LATENCIES_MS = (0, 20)
LIST_PAGE = 999
MAPPINGS_PER_TASK = 50
MEMORY_LIMIT_MB = 150
NOOP_RATIO_TARGET = 40.0
CREATE_RATIO_TARGET = 20.0
MODULE_PATH = os.path.join('ansible_collections', 'hwcloud', 'roma', 'plugins', 'modules', 'fdi_composite_tasks.py')
DOC_BEGIN = '<!-- many-tasks results: begin (written by tools/benchmark_many.py --update-docs) -->'
DOC_END = '<!-- many-tasks results: end -->'


def task_config(side):
    return [
        {'name': '%s-%03d' % (side, number), 'description': 'Replicate schema %03d' % number, 'tag': 'bench-many', 'operation_types': ['INSERT', 'UPDATE']}
        for number in range(TASKS)
    ]


def connection():
    return {'endpoint': '{{ roma_url }}', 'project_id': PROJECT_ID, 'auth_token': '{{ roma_token }}'}


def comparison_play(latency):
    """One play: loop and resource module, create then re-run, alternating which side goes first."""
    loop_args = dict(
        connection(),
        instance_id='loop-%d' % latency,
        name='{{ item.name }}',
        description='{{ item.description }}',
        tag='{{ item.tag }}',
        operation_types='{{ item.operation_types }}',
    )
    many_args = dict(connection(), instance_id='many-%d' % latency, config='{{ many_config }}')

    def loop_task(operation):
        return {
            'name': 'many|%d|loop|%s' % (latency, operation),
            'hwcloud.roma.fdi_composite_task': loop_args,
            'loop': '{{ loop_config }}',
            'loop_control': {'label': '{{ item.name }}'},
        }

    def many_task(operation):
        return {
            'name': 'many|%d|module|%s' % (latency, operation),
            'hwcloud.roma.fdi_composite_tasks': many_args,
            'register': 'many_' + operation.replace('-', '_'),
        }

    tasks = [
        loop_task('create'),
        many_task('create'),
        many_task('re-run'),
        loop_task('re-run'),
        {'name': 'check|%d' % latency, 'ansible.builtin.assert': {'that': ['many_create is changed', 'many_re_run is not changed']}},
    ]
    return {
        'name': 'Many tasks at %d ms' % latency,
        'hosts': 'bench',
        'gather_facts': False,
        'vars': {'loop_config': task_config('loop'), 'many_config': task_config('many')},
        'tasks': tasks,
    }


def minimum_requests(side, operation):
    if side == 'loop':
        return 2 * TASKS
    tasks_listed = INSTANCE_SIZE - TASKS if operation == 'create' else INSTANCE_SIZE
    return math.ceil(tasks_listed / LIST_PAGE) + TASKS


def run_comparison(latency, workdir, env, inventory):
    """One simulator at ``latency`` ms, one ansible-playbook; returns the rows and the problems."""
    timings = os.path.join(workdir, 'many-timings-%d.json' % latency)
    if os.path.exists(timings):
        os.remove(timings)
    run_env = dict(env, ROMA_BENCH_TIMINGS=timings)
    with SimulatorProcess('--latency-ms', str(latency)) as url:
        token = control(url, 'POST', '/_sim/tokens', {})['token']
        for side in ('loop', 'many'):
            control(url, 'POST', '/_sim/seed', {'instance_id': '%s-%d' % (side, latency), 'count': INSTANCE_SIZE - TASKS, 'name_prefix': 'filler-'})
        control(url, 'DELETE', '/_sim/requests')
        playbook = os.path.join(workdir, 'many-%d.json' % latency)
        with open(playbook, 'w', encoding='utf-8') as handle:
            json.dump([comparison_play(latency)], handle, indent=1)
        log_path = os.path.join(workdir, 'many-%d.log' % latency)
        with open(log_path, 'w', encoding='utf-8') as log_handle:
            returncode = subprocess.call(
                ['ansible-playbook', '-i', inventory, playbook, '-e', 'roma_url=%s' % url, '-e', 'roma_token=%s' % token],
                env=run_env,
                stdout=log_handle,
                stderr=subprocess.STDOUT,
            )
        log = control(url, 'GET', '/_sim/requests')['requests']
    problems = [] if returncode == 0 else ['ansible-playbook at %d ms exited with status %d (see %s)' % (latency, returncode, log_path)]
    if not os.path.exists(timings):
        return [], problems + ['no timings were recorded at %d ms' % latency]
    with open(timings, encoding='utf-8') as handle:
        tasks = [task for task in json.load(handle)['tasks'] if task['name'].startswith('many|') and task['end'] is not None]
    rows = []
    for task in tasks:
        side, operation = task['name'].split('|')[2:]
        entries = [entry for entry in log if task['start'] <= entry['time'] <= task['end']]
        writes = [entry for entry in entries if entry['method'] != 'GET']
        row = {
            'latency_ms': latency,
            'side': side,
            'operation': operation,
            'seconds': round(task['end'] - task['start'], 3),
            'requests': len(entries),
            'writes': len(writes),
            'minimum': minimum_requests(side, operation),
            'routes': dict((route, sum(1 for entry in entries if entry['route'] == route)) for route in sorted(set(e['route'] for e in entries))),
            'failed': task['failed'],
        }
        if task['failed']:
            problems.append('%s failed: %s' % (task['name'], task.get('message', '')))
        if row['requests'] > row['minimum']:
            problems.append(
                '%s %s at %d ms sent %d requests (%s); the minimum is %d' % (side, operation, latency, row['requests'], row['routes'], row['minimum'])
            )
        rows.append(row)
    return rows, problems


def ratios(rows):
    """loop seconds / module seconds per (latency, operation)."""
    found = {}
    for row in rows:
        found.setdefault((row['latency_ms'], row['operation']), {})[row['side']] = row['seconds']
    return dict(
        ('%d ms %s' % key, round(sides['loop'] / sides['module'], 1)) for key, sides in sorted(found.items()) if sides.get('loop') and sides.get('module')
    )


# -- memory ----------------------------------------------------------------------------------------------


def run_module_measured(python, collections_path, args, workdir, label):
    """Run the module directly in a child process; return (result, max RSS of that child in MB)."""
    args_file = os.path.join(workdir, 'many-memory-%s.json' % label)
    with open(args_file, 'w', encoding='utf-8') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': args}, handle)
    probe = (
        'import json, resource, subprocess, sys\n'
        'done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n'
        'print(json.dumps({"stdout": done.stdout, "stderr": done.stderr[-2000:], '
        '"maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n'
    )
    env = dict(os.environ, PYTHONPATH=collections_path)
    outcome = json.loads(
        subprocess.run(
            [python, '-c', probe, python, os.path.join(collections_path, MODULE_PATH), args_file], check=True, capture_output=True, text=True, env=env
        ).stdout
    )
    try:
        result = json.loads(outcome['stdout'])
    except ValueError:
        result = {'failed': True, 'msg': 'no JSON result: %s %s' % (outcome['stdout'][-500:], outcome['stderr'])}
    return result, round(outcome['maxrss_kb'] / 1024.0, 1)


def run_memory(python, collections_path, workdir):
    tables = dict(
        (
            'table_%02d' % number,
            [{'field_name': 'id', 'field_type': 'bigint', 'field_length': '20'}, {'field_name': 'payload', 'field_type': 'varchar', 'field_length': '256'}],
        )
        for number in range(MAPPINGS_PER_TASK)
    )
    rows, problems = [], []
    with SimulatorProcess() as url:
        token = control(url, 'POST', '/_sim/tokens', {})['token']
        control(
            url,
            'POST',
            '/_sim/datasources',
            {
                'instance_id': 'memory',
                'datasources': [
                    {'datasource_id': 'bench-source', 'datasource_name': 'bench-source', 'datasource_type': 'MYSQL', 'tables': tables},
                    {'datasource_id': 'bench-target', 'datasource_name': 'bench-target', 'datasource_type': 'DWS', 'tables': tables},
                ],
            },
        )
        config = [
            {
                'name': 'mapped-%03d' % number,
                'operation_types': ['INSERT'],
                'tag': 'bench-many',
                'source_datasource_id': 'bench-source',
                'target_datasource_id': 'bench-target',
                'server_id': '1',
                'mappings': [{'source_table': table, 'columns': [{'source': 'id'}, {'source': 'payload'}]} for table in sorted(tables)],
            }
            for number in range(TASKS)
        ]
        base = {'endpoint': url, 'project_id': PROJECT_ID, 'auth_token': token, 'instance_id': 'memory'}
        for label, args, want_changed in (
            ('create', dict(base, config=config), True),
            ('re-run', dict(base, config=config), False),
            ('gathered', dict(base, state='gathered'), False),
        ):
            started = time.monotonic()
            result, megabytes = run_module_measured(python, collections_path, args, workdir, label)
            row = {
                'run': label,
                'max_rss_mb': megabytes,
                'seconds': round(time.monotonic() - started, 1),
                'changed': result.get('changed'),
                'failed': bool(result.get('failed')),
            }
            if label == 'gathered':
                row['mappings'] = sum(len(item.get('mappings') or []) for item in result.get('gathered') or [])
            rows.append(row)
            if result.get('failed') or result.get('changed') is not want_changed:
                problems.append('memory run %s: failed or wrong changed (%s)' % (label, str(result.get('msg'))[:300]))
            if megabytes >= MEMORY_LIMIT_MB:
                problems.append('memory run %s: the module process used %.1f MB (limit %d MB)' % (label, megabytes, MEMORY_LIMIT_MB))
    return rows, problems


# -- report ----------------------------------------------------------------------------------------------


def markdown(report):
    lines = [
        '| latency | operation | loop of `fdi_composite_task` | `fdi_composite_tasks` | ratio | target | requests: loop | requests: module (minimum) |',
        '|---:|---|---:|---:|---:|---:|---:|---:|',
    ]
    by_key = {}
    for row in report['rows']:
        by_key[(row['latency_ms'], row['operation'], row['side'])] = row
    for latency in LATENCIES_MS:
        for operation in ('re-run', 'create'):
            loop, module = by_key.get((latency, operation, 'loop')), by_key.get((latency, operation, 'module'))
            if not loop or not module:
                continue
            ratio = loop['seconds'] / module['seconds']
            target = NOOP_RATIO_TARGET if operation == 're-run' else CREATE_RATIO_TARGET
            lines.append(
                '| %d ms | %s | %.1f s | %.2f s | %.1fx | >= %.0fx%s | %d | %d (%d) |'
                % (
                    latency,
                    'idempotent re-run' if operation == 're-run' else operation,
                    loop['seconds'],
                    module['seconds'],
                    ratio,
                    target,
                    '' if ratio >= target else ' (missed)',
                    loop['requests'],
                    module['requests'],
                    module['minimum'],
                )
            )
    lines.append('')
    lines.append('| module process, 200 tasks x 50 mappings | max RSS | time | limit |')
    lines.append('|---|---:|---:|---:|')
    for row in report['memory']:
        lines.append('| %s | %.1f MB | %.1f s | < %d MB |' % (row['run'], row['max_rss_mb'], row['seconds'], MEMORY_LIMIT_MB))
    return '\n'.join(lines)


def update_docs(text):
    path = os.path.join(REPO_ROOT, 'docs', 'performance.md')
    with open(path, encoding='utf-8') as handle:
        content = handle.read()
    pattern = re.compile(re.escape(DOC_BEGIN) + '.*?' + re.escape(DOC_END), re.S)
    if not pattern.search(content):
        return False
    content = pattern.sub(lambda _match: DOC_BEGIN + '\n' + text + '\n' + DOC_END, content)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(content)
    return True


def run(workdir, env, inventory, collections_path, python=sys.executable, update=False):
    """Run the comparison and the memory check; print the tables; return (report, problems)."""
    rows, problems = [], []
    for latency in LATENCIES_MS:
        print('Many tasks: %d tasks in an instance of %d, simulator latency %d ms ...' % (TASKS, INSTANCE_SIZE, latency), flush=True)
        found, trouble = run_comparison(latency, workdir, env, inventory)
        rows += found
        problems += trouble
    print('Many tasks: memory of the module process, %d tasks x %d mappings ...' % (TASKS, MAPPINGS_PER_TASK), flush=True)
    memory, trouble = run_memory(python, collections_path, workdir)
    problems += trouble
    report = {
        'rows': rows,
        'ratios': ratios(rows),
        'memory': memory,
        'problems': problems,
        'targets': {'noop_ratio': NOOP_RATIO_TARGET, 'create_ratio': CREATE_RATIO_TARGET, 'memory_mb': MEMORY_LIMIT_MB},
    }
    text = markdown(report)
    print()
    print('fdi_composite_tasks vs a loop of fdi_composite_task (%d tasks, instance of %d; times are wall time of the task):' % (TASKS, INSTANCE_SIZE))
    print(text)
    for problem in problems:
        print('PROBLEM: %s' % problem)
    if update and not problems:
        print('docs/performance.md updated.' if update_docs(text) else 'docs/performance.md has no many-tasks markers: not updated.')
    return report, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--output', default=os.path.join(REPO_ROOT, 'build', 'bench', 'many.json'), help='JSON results file')
    parser.add_argument('--update-docs', action='store_true', help='write the result tables into docs/performance.md')
    args = parser.parse_args()
    workdir = os.path.dirname(os.path.abspath(args.output))
    os.makedirs(workdir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='roma-bench-many-') as scratch:
        collections_path = snapshot_collection(os.path.join(scratch, 'collections'))
        env = ansible_env(collections_path, os.path.join(workdir, 'many-timings.json'))
        inventory = write_inventory(os.path.join(workdir, 'many-inventory.ini'))
        report, problems = run(workdir, env, inventory, collections_path, update=args.update_docs)
    with open(args.output, 'w', encoding='utf-8') as handle:
        json.dump(report, handle, indent=1)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
