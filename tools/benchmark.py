#!/usr/bin/env python
"""`make bench`: hwcloud.roma.fdi_composite_task against a hand-written ansible.builtin.uri, side by side, in one run.

Copies the collection to build/bench/collections (so a concurrent `make tree` cannot swap it),
starts the bundled simulator, runs ONE ansible-playbook for every measurement (both sides: same
process model, inventory, connection and interpreter) and then reads the simulator's request log:

* wall time per task: N looped creates, idempotent re-runs and updates with the module
  against N looped ansible.builtin.uri POSTs (and GETs, for reference), in several rounds
  whose order alternates; a task's time is (last item done - task start) / N, as the
  roma_bench_timings callback saw it; ms are medians over the rounds, ratios the median of
  each round's ratio to that round's uri POST;
* HTTP requests and TCP connections per module run, per operation and auth method, from the
  simulator log (each request is attributed to the task whose time window holds it; its client
  port tells the connection), against the minimum of the interface's request budget;
* a lookup by name with 10 and with 10,000 tasks in the instance (requests and time);
* the module's cold-start import time (python -X importtime), next to ansible.builtin.uri's,
  and, from a second short run that keeps one AnsiballZ payload of each side, the payloads'
  own wall and import times.

Prints tables, writes everything to --output (JSON) and exits 1 when a request-count or
connection target (deterministic) is missed or a task failed.  Time ratios are only reported.
docs/performance.md explains the method and the results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchmark_many  # noqa: E402  pylint: disable=wrong-import-position
from simulator_process import REPO_ROOT, SimulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

# The simulator's built-in account (tests/simulator/roma_sim/auth.py DEFAULT_ACCOUNTS).
PROJECT_ID = '0123456789abcdef0123456789abcdef'
USER_NAME, PASSWORD, DOMAIN_NAME = 'demo-user', 'Demo-Passw0rd!', 'demo-account'
ACCESS_KEY, SECRET_KEY = 'AKEXAMPLE0123456789', 'SKEXAMPLEsecret0123456789'
TIMING_INSTANCE = 'bench-timing'
COUNT_INSTANCE = 'bench-counts'
LOOKUP_SIZES = (10, 10000)
MODULE = 'hwcloud.roma.fdi_composite_task'
CALLBACK_DIR = os.path.join(REPO_ROOT, 'tools', 'benchmark_callback')

# Targets (issue 6).  Requests: the interface's request budget, with token auth; password adds 1 (IAM).
CREATE_RATIO_TARGET = 1.10
RERUN_RATIO_TARGET = 1.00
LOOKUP_RATIO_TARGET = 1.20
MINIMUM_REQUESTS = {
    ('task_id', 'create'): 2, ('task_id', 're-run'): 1, ('task_id', 'update'): 2, ('task_id', 'delete'): 2,
    ('task_id', 'delete running'): 4,  # show, stop, one show until it reports stopped (the simulator stops at once), DELETE
    ('name', 'create'): 2, ('name', 're-run'): 2, ('name', 'update'): 3, ('name', 'delete'): 2,
    ('name', 'delete running'): 4,
}
AUTH_EXTRA_REQUESTS = {'token': 0, 'password': 1, 'aksk': 0}
MODULE_IMPORT = 'ansible_collections.hwcloud.roma.plugins.modules.fdi_composite_task'
URI_IMPORT = 'ansible.modules.uri'


# -- the collection under test ----------------------------------------------------------------------------

SNAPSHOT_PARTS = ('galaxy.yml', 'meta', 'plugins')


def snapshot_collection(collections_path):
    """Copy the collection's runtime files to ``collections_path``, so a concurrent `make tree` cannot swap them mid-run."""
    root = os.path.join(collections_path, 'ansible_collections', 'hwcloud', 'roma')
    shutil.rmtree(collections_path, ignore_errors=True)
    os.makedirs(root)
    for part in SNAPSHOT_PARTS:
        source = os.path.join(REPO_ROOT, part)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(root, part), ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
        else:
            shutil.copy2(source, os.path.join(root, part))
    return collections_path


# -- the simulator's control API ----------------------------------------------------------------------

def control(url, method, path, body=None, context=None):
    data = json.dumps(body).encode('utf-8') if body is not None else None
    request = urllib.request.Request(url + path, data=data, method=method, headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=120, context=context) as response:  # noqa: S310 - the local simulator
        return json.loads(response.read().decode('utf-8'))


# -- the playbook -----------------------------------------------------------------------------------------

def module_task(name, args, loop=None, **extra):
    task = {'name': name, MODULE: args}
    if loop is not None:
        task['loop'] = loop
    task.update(extra)
    return task


def connection_args(auth, ca_path):
    args = {'endpoint': '{{ roma_url }}', 'project_id': PROJECT_ID}
    if auth == 'token':
        args['auth_token'] = '{{ roma_token }}'
    elif auth == 'password':
        args.update(user_name=USER_NAME, password=PASSWORD, domain_name=DOMAIN_NAME, iam_endpoint='{{ roma_url }}')
    elif auth == 'aksk':
        args.update(access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    if ca_path:
        args['ca_path'] = ca_path
    return args


def task_fields(description):
    return {'description': description, 'tag': 'bench-tag', 'operation_types': ['INSERT', 'UPDATE'],
            'source_app_id': 'app-source', 'target_app_id': 'app-target'}


def counts_play(ca_path):
    """One task per module run, so each run's requests are exactly those inside its task's time window."""
    tasks = []
    for auth in ('token', 'password', 'aksk'):
        for identity in ('task_id', 'name'):
            ident = {'name': 'cnt-%s-%s' % (auth, identity.replace('_', ''))}
            if identity == 'task_id':
                ident['task_id'] = 'cnt-%s-id' % auth
            base = dict(connection_args(auth, ca_path), instance_id=COUNT_INSTANCE, **ident)
            by_key = dict(base)
            if identity == 'name':
                by_key.pop('task_id', None)
            steps = [('create', dict(base, **task_fields('first'))),
                     ('re-run', dict(by_key, **task_fields('first'))),
                     ('update', dict(by_key, **task_fields('second'))),
                     ('delete', dict(by_key, state='absent'))]
            if auth == 'token':
                steps += [('setup: create running', dict(base, state='started', **task_fields('first'))),
                          ('delete running', dict(by_key, state='absent'))]
            for operation, args in steps:
                tasks.append(module_task('count|%s|%s|%s' % (auth, identity, operation), args))
    tasks.append({'name': 'count|uri|-|POST', 'ansible.builtin.uri': uri_post_args('cnt-uri', ca_path)})
    return {'name': 'Requests per module run', 'hosts': 'bench', 'gather_facts': False, 'tasks': tasks}


def lookup_play(rounds, n, ca_path):
    tasks = []
    for number in range(rounds):
        for size in (LOOKUP_SIZES if number % 2 == 0 else tuple(reversed(LOOKUP_SIZES))):
            args = dict(connection_args('token', ca_path), instance_id='bench-lookup-%d' % size,
                        name="{{ 'seeded-task-%05d' % (item % 10) }}", operation_types=['INSERT'])
            tasks.append(module_task('lookup|%d|%d' % (number, size), args, loop='{{ range(%d) | list }}' % n))
    # Informational worst case: a name that is a substring of every task's name needs every list page.
    args = dict(connection_args('token', ca_path), instance_id='bench-lookup-%d' % LOOKUP_SIZES[-1], name='seeded-task-0',
                operation_types=['INSERT'])
    tasks.append(module_task('lookup-all-pages|%d' % LOOKUP_SIZES[-1], args, check_mode=True))
    return {'name': 'Lookup by name', 'hosts': 'bench', 'gather_facts': False, 'tasks': tasks}


def uri_post_args(name_expression, ca_path, task_id_expression=None):
    body = {'task_name': name_expression, 'task_type': 'REALTIME', 'description': 'first', 'task_tag': 'bench-tag',
            'operation_types': ['INSERT', 'UPDATE'], 'source_app_id': 'app-source', 'target_app_id': 'app-target'}
    if task_id_expression:
        body['task_id'] = task_id_expression
    args = {'url': '{{ roma_url }}/v2/%s/fdi/instances/%s/multi-tasks' % (PROJECT_ID, COUNT_INSTANCE if not task_id_expression else TIMING_INSTANCE),
            'method': 'POST', 'headers': {'X-Auth-Token': '{{ roma_token }}'}, 'body_format': 'json', 'body': body}
    if ca_path:
        args['ca_path'] = ca_path
    return args


def uri_get_args(task_id_expression, ca_path):
    args = {'url': '{{ roma_url }}/v2/%s/fdi/instances/%s/tasks/%s' % (PROJECT_ID, TIMING_INSTANCE, task_id_expression),
            'headers': {'X-Auth-Token': '{{ roma_token }}'}}
    if ca_path:
        args['ca_path'] = ca_path
    return args


TIMED_PHASES = ('module create', 'uri POST', 'module re-run', 'uri GET', 'module update')


def timing_play(rounds, n, ca_path):
    loop = '{{ range(%d) | list }}' % n

    def phase_task(label, number, loop_expression):
        task_id = 'b%d-{{ item }}' % number
        module_args = dict(connection_args('token', ca_path), instance_id=TIMING_INSTANCE, task_id=task_id, name='bench-%d-{{ item }}' % number)
        if label in ('module create', 'module re-run'):
            return module_task('time|%d|%s' % (number, label), dict(module_args, **task_fields('first')), loop=loop_expression)
        if label == 'module update':
            return module_task('time|%d|%s' % (number, label), dict(module_args, **task_fields('second')), loop=loop_expression)
        if label == 'uri POST':
            return {'name': 'time|%d|%s' % (number, label), 'loop': loop_expression,
                    'ansible.builtin.uri': uri_post_args('uri-%d-{{ item }}' % number, ca_path, task_id_expression='u%d-{{ item }}' % number)}
        return {'name': 'time|%d|%s' % (number, label), 'loop': loop_expression,
                'ansible.builtin.uri': uri_get_args('u%d-{{ item }}' % number, ca_path)}

    # Warm-up (round 0, not reported): the first run of each module pays one-off costs on the controller.
    tasks = [phase_task(label, 0, '{{ range(2) | list }}') for label in TIMED_PHASES]
    for number in range(1, rounds + 1):
        # Alternate which side goes first, so a drift in machine load does not favour one of them.
        order = TIMED_PHASES if number % 2 else ('uri POST', 'module create', 'uri GET', 'module re-run', 'module update')
        tasks.extend(phase_task(label, number, loop) for label in order)
    return {'name': 'Wall time per task', 'hosts': 'bench', 'gather_facts': False, 'tasks': tasks}


def payload_play(ca_path):
    """One read-only run of each side (re-run of a timed task, GET of a uri-created one), kept on disk to time the payloads."""
    module_args = dict(connection_args('token', ca_path), instance_id=TIMING_INSTANCE, task_id='b1-0', name='bench-1-0', **task_fields('second'))
    return {'name': 'Keep one AnsiballZ payload of each side', 'hosts': 'bench', 'gather_facts': False,
            'tasks': [module_task('payload|module', module_args), {'name': 'payload|uri', 'ansible.builtin.uri': uri_get_args('u1-0', ca_path)}]}


# -- analysis ---------------------------------------------------------------------------------------------

def requests_in(log, task):
    return [entry for entry in log if task['start'] <= entry['time'] <= task['end']]


def ms(seconds):
    return round(seconds * 1000.0, 1)


def analyse_counts(tasks, log):
    rows, problems = [], []
    for task in tasks:
        parts = task['name'].split('|')
        if parts[0] != 'count' or parts[3].startswith('setup'):
            continue
        auth, identity, operation = parts[1:]
        entries = requests_in(log, task)
        connections = len(set(entry['client'] for entry in entries))
        if auth == 'uri':
            minimum = 1
        else:
            minimum = MINIMUM_REQUESTS[(identity, operation)] + AUTH_EXTRA_REQUESTS[auth]
        row = {'auth': auth, 'identity': identity, 'operation': operation, 'requests': len(entries), 'minimum': minimum,
               'routes': [entry['route'] for entry in entries], 'connections': connections}
        row['met'] = len(entries) <= minimum and connections == 1 and not task['failed']
        if task['failed']:
            problems.append('%s failed: %s' % (task['name'], task.get('message', '')))
        elif len(entries) > minimum:
            problems.append('%s %s by %s sent %d requests (%s), the minimum is %d' % (
                operation, auth, identity, len(entries), ', '.join(row['routes']), minimum))
        if connections != 1:
            problems.append('%s %s by %s used %d TCP connections, not 1' % (operation, auth, identity, connections))
        rows.append(row)
    return rows, problems


def per_task_seconds(task, n):
    return (task['end'] - task['start']) / n


def analyse_timing(tasks, log, n):
    """Per phase: ms per task (median over rounds) and the ratio to the uri POST of the same round (median of those ratios).

    Pairing each round's module phase with that round's uri phase, which ran minutes apart at most, keeps a drift in
    the machine's load out of the ratio better than dividing the two medians would.
    """
    phases = dict((label, {}) for label in TIMED_PHASES)
    per_run = dict((label, []) for label in TIMED_PHASES)
    problems = []
    for task in tasks:
        parts = task['name'].split('|')
        if parts[0] != 'time' or parts[1] == '0':
            continue
        if task['failed']:
            problems.append('%s failed: %s' % (task['name'], task.get('message', '')))
            continue
        phases[parts[2]][int(parts[1])] = per_task_seconds(task, n)
        entries = requests_in(log, task)
        per_run[parts[2]].append((len(entries) / n, len(set(entry['client'] for entry in entries)) / n))
    result = {}
    baseline = phases['uri POST']
    for label, by_round in phases.items():
        if not by_round:
            continue
        ratios = [value / baseline[number] for number, value in by_round.items() if number in baseline]
        result[label] = {'per_task_ms': ms(statistics.median(by_round.values())), 'rounds_ms': [ms(by_round[number]) for number in sorted(by_round)],
                         'ratio_to_uri_post': round(statistics.median(ratios), 3) if ratios else None,
                         'round_ratios': [round(ratio, 3) for ratio in ratios],
                         'requests_per_task': statistics.median(item[0] for item in per_run[label]),
                         'connections_per_task': statistics.median(item[1] for item in per_run[label])}
    targets = {'module create': CREATE_RATIO_TARGET, 'module re-run': RERUN_RATIO_TARGET}
    for label, target in targets.items():
        if label in result:
            result[label]['target'] = target
            result[label]['met'] = result[label]['ratio_to_uri_post'] <= target
    expected = {'module create': 2, 'module re-run': 1, 'module update': 2, 'uri POST': 1, 'uri GET': 1}
    for label, row in result.items():
        if row['requests_per_task'] > expected[label]:
            problems.append('timed %s sent %.2f requests per task, the minimum is %d' % (label, row['requests_per_task'], expected[label]))
        if row['connections_per_task'] > 1:
            problems.append('timed %s opened %.2f connections per task, not 1' % (label, row['connections_per_task']))
    return result, problems


def analyse_lookup(tasks, log, n):
    sizes = dict((size, {'times': [], 'requests': []}) for size in LOOKUP_SIZES)
    problems, all_pages = [], None
    for task in tasks:
        parts = task['name'].split('|')
        if task['failed'] and parts[0].startswith('lookup'):
            problems.append('%s failed: %s' % (task['name'], task.get('message', '')))
            continue
        if parts[0] == 'lookup':
            size = int(parts[2])
            sizes[size]['times'].append(per_task_seconds(task, n))
            sizes[size]['requests'].append(len(requests_in(log, task)) / n)
        elif parts[0] == 'lookup-all-pages':
            entries = requests_in(log, task)
            all_pages = {'requests': len(entries), 'routes': [entry['route'] for entry in entries], 'total_tasks': int(parts[1])}
    result = {}
    for size, values in sizes.items():
        if values['times']:
            result[size] = {'per_task_ms': ms(statistics.median(values['times'])), 'rounds_ms': [ms(value) for value in values['times']],
                            'requests_per_task': statistics.median(values['requests'])}
    small, large = (result.get(size) for size in LOOKUP_SIZES)
    summary = {'sizes': result, 'all_pages_worst_case': all_pages}
    if small and large:
        summary['time_ratio'] = round(large['per_task_ms'] / small['per_task_ms'], 3)
        summary['target'] = LOOKUP_RATIO_TARGET
        summary['met'] = summary['time_ratio'] <= LOOKUP_RATIO_TARGET and large['requests_per_task'] == small['requests_per_task']
        if large['requests_per_task'] != small['requests_per_task']:
            problems.append('a lookup by name sent %s requests with %d tasks but %s with %d' % (
                large['requests_per_task'], LOOKUP_SIZES[1], small['requests_per_task'], LOOKUP_SIZES[0]))
        if small['requests_per_task'] > MINIMUM_REQUESTS[('name', 're-run')]:
            problems.append('a lookup by name sent %s requests, the minimum is 2' % small['requests_per_task'])
    return summary, problems


IMPORTTIME_LINE = re.compile(r'^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)')
NOTABLE_IMPORTS = ('ansible.module_utils.basic', 'requests', 'ansible.module_utils.urls', 'cryptography.x509')


def import_times(python, module, own_prefix, env, repeat):
    """Median cumulative import time of ``module`` in a fresh interpreter, of its notable imports and of its own code (self time)."""
    totals, notable, own = [], dict((name, []) for name in NOTABLE_IMPORTS), []
    for _run in range(repeat):
        output = subprocess.run([python, '-X', 'importtime', '-c', 'import %s' % module], env=env, check=True,
                                capture_output=True, text=True).stderr
        entries = [match.groups() for match in map(IMPORTTIME_LINE.match, output.splitlines()) if match]
        totals.append(next(int(cumulative) for _self, cumulative, _indent, name in reversed(entries) if name == module))
        for _self, cumulative, _indent, name in entries:
            if name in notable:
                notable[name].append(int(cumulative))
        own.append(sum(int(self_time) for self_time, _cumulative, _indent, name in entries if name.startswith(own_prefix)))

    def median_ms(values):
        return round(statistics.median(values) / 1000.0, 1)

    return {'total_ms': median_ms(totals), 'runs_ms': [round(value / 1000.0, 1) for value in totals], 'own_code_ms': median_ms(own),
            'notable_ms': dict((name, median_ms(values)) for name, values in notable.items() if values)}


PAYLOAD_FILES = {'AnsiballZ_fdi_composite_task.py': 'module', 'AnsiballZ_uri.py': 'uri'}


def top_level_import_ms(output):
    """Total import time of a ``-X importtime`` run: the sum of its top-level imports, in milliseconds."""
    entries = [match.groups() for match in map(IMPORTTIME_LINE.match, output.splitlines()) if match]
    return sum(int(cumulative) for _self, cumulative, indent, _name in entries if len(indent) == 1) / 1000.0


def time_payloads(python, payload_dir, repeat):
    """Run each kept AnsiballZ payload directly (what the controller executes per task): wall time and import time, medians."""
    files = {}
    for root, _dirs, names in os.walk(payload_dir):
        files.update((PAYLOAD_FILES[name], os.path.join(root, name)) for name in names if name in PAYLOAD_FILES)
    walls, imports, bare = dict((side, []) for side in files), dict((side, []) for side in files), []
    for _run in range(repeat):
        start = time.perf_counter()
        subprocess.run([python, '-c', 'pass'], check=True)
        bare.append(time.perf_counter() - start)
        for side, path in sorted(files.items()):
            start = time.perf_counter()
            subprocess.run([python, path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            walls[side].append(time.perf_counter() - start)
            run = subprocess.run([python, '-X', 'importtime', path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
            imports[side].append(top_level_import_ms(run.stderr))
    result = dict((side, {'wall_ms': ms(statistics.median(walls[side])), 'imports_ms': round(statistics.median(imports[side]), 1)})
                  for side in files)
    result['python_startup_ms'] = ms(statistics.median(bare))
    result['repeat'] = repeat
    return result


# -- output -----------------------------------------------------------------------------------------------

def mark(met):
    return 'met' if met else 'MISSED'


def print_report(report):
    info = report['environment']
    print()
    print('hwcloud.roma benchmark: %s, ansible-core %s, Python %s, N=%d per task, %d rounds (median), simulator over %s'
          % (info['machine'], info['ansible_core'], info['python'], info['n'], info['rounds'], info['scheme']))
    print('Load average (1 min) at start and end: %.2f, %.2f; other work on the machine makes the rounds scatter '
          '(see rounds_ms in the JSON; --rounds 5 steadies the medians).' % tuple(info['load_average_1min']))
    print()
    print('1. Wall time per task (one ansible-playbook, loop of N items per task; time = task duration / N;')
    print('   module/uri = median over the rounds of the ratio to the same round\'s uri POST)')
    print('   %-38s %9s %12s %9s %8s  %s' % ('task', 'ms/task', 'module/uri', 'requests', 'target', ''))
    names = {'uri POST': 'ansible.builtin.uri POST (baseline)', 'uri GET': 'ansible.builtin.uri GET (reference)',
             'module create': 'fdi_composite_task create', 'module re-run': 'fdi_composite_task idempotent re-run',
             'module update': 'fdi_composite_task update'}
    for label in ('uri POST', 'uri GET', 'module create', 'module re-run', 'module update'):
        row = report['timing'].get(label)
        if not row:
            continue
        target = '<= %.2f' % row['target'] if 'target' in row else ''
        verdict = mark(row['met']) if 'met' in row else ''
        print('   %-38s %9.1f %12.2f %9g %8s  %s' % (names[label], row['per_task_ms'], row['ratio_to_uri_post'], row['requests_per_task'], target, verdict))
    print()
    print('2. HTTP requests per module run (simulator request log; minimum = the interface\'s request budget)')
    print('   %-9s %-8s %-15s %8s %8s %5s  %-7s %s' % ('auth', 'identity', 'operation', 'requests', 'minimum', 'conns', '', 'routes'))
    for row in report['requests']:
        fields = (row['auth'], row['identity'], row['operation'], row['requests'], row['minimum'], row['connections'], mark(row['met']),
                  ' '.join(row['routes']))
        print('   %-9s %-8s %-15s %8d %8d %5d  %-7s %s' % fields)
    print()
    lookup = report['lookup']
    print('3. Lookup by name: an idempotent re-run identified by name (list + show), token auth')
    baseline = report['timing'].get('uri POST', {}).get('per_task_ms')
    for size, row in sorted(lookup['sizes'].items()):
        versus = ' (%.2f x uri POST)' % (row['per_task_ms'] / baseline) if baseline else ''
        print('   %6d tasks in the instance: %7.1f ms/task%s, %g requests' % (size, row['per_task_ms'], versus, row['requests_per_task']))
    if 'time_ratio' in lookup:
        print('   10,000 / 10: %.2f (target <= %.2f, requests independent of the total): %s'
              % (lookup['time_ratio'], lookup['target'], mark(lookup['met'])))
    if lookup.get('all_pages_worst_case'):
        worst = lookup['all_pages_worst_case']
        print('   worst case, a name contained in all %d names (check mode): %d list pages of 999'
              % (worst['total_tasks'], worst['routes'].count('list_tasks')))
    print()
    imports = report['imports']
    print('4. Cold-start import time (python -X importtime -c "import ...", collection code compiled from source as in AnsiballZ; median of %d)'
          % imports['repeat'])
    for label in ('module', 'uri'):
        row = imports[label]
        notable = ', '.join('%s %.1f' % item for item in row['notable_ms'].items())
        print('   %-32s %6.1f ms  (own code %.1f; of which %s)' % (row['name'], row['total_ms'], row['own_code_ms'], notable))
    payloads = report.get('payloads') or {}
    if 'module' in payloads and 'uri' in payloads:
        print('5. One module process (the kept AnsiballZ payload run directly, median of %d; bare interpreter start %.1f ms)'
              % (payloads['repeat'], payloads['python_startup_ms']))
        for side, name in (('module', MODULE), ('uri', 'ansible.builtin.uri')):
            print('   %-32s %6.1f ms wall, of which imports %.1f ms' % (name, payloads[side]['wall_ms'], payloads[side]['imports_ms']))
    print()
    if report['problems']:
        print('Request-count targets MISSED or tasks failed:')
        for problem in report['problems']:
            print('  - ' + problem)
    else:
        print('Every request-count and connection target is met.')
    print('Results: %s' % report['output'])


def keep_and_time_payloads(env, inventory, workdir, url, token, ca_path, repeat):
    """A second, short ansible-playbook run that keeps its AnsiballZ files, then time those files directly."""
    payload_dir = os.path.join(workdir, 'payloads')
    shutil.rmtree(payload_dir, ignore_errors=True)
    playbook = os.path.join(workdir, 'payload-playbook.json')
    with open(playbook, 'w', encoding='utf-8') as handle:
        json.dump([payload_play(ca_path)], handle, indent=1)
    keep_env = dict(env, ANSIBLE_KEEP_REMOTE_FILES='1', ANSIBLE_REMOTE_TMP=payload_dir, ROMA_BENCH_TIMINGS=os.path.join(workdir, 'payload-timings.json'))
    with open(os.path.join(workdir, 'payload-playbook.log'), 'w', encoding='utf-8') as log_handle:
        subprocess.call(['ansible-playbook', '-i', inventory, playbook, '-e', 'roma_url=%s' % url, '-e', 'roma_token=%s' % token],
                        env=keep_env, stdout=log_handle, stderr=subprocess.STDOUT)
    return time_payloads(sys.executable, payload_dir, repeat)


# -- main -------------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-n', type=int, default=30, help='items per timed task (default: %(default)s)')
    parser.add_argument('--rounds', type=int, default=3, help='timed rounds; the median is reported (default: %(default)s)')
    parser.add_argument('--lookup-n', type=int, default=10, help='items per lookup task (default: %(default)s)')
    parser.add_argument('--import-repeat', type=int, default=7, help='python -X importtime runs per module (default: %(default)s)')
    parser.add_argument('--payload-repeat', type=int, default=15, help='direct runs of each kept AnsiballZ payload (default: %(default)s)')
    parser.add_argument('--https', action='store_true', help='serve the simulator over TLS (its own CA, passed as ca_path)')
    parser.add_argument('--output', default=os.path.join(REPO_ROOT, 'build', 'bench', 'results.json'), help='JSON results file')
    parser.add_argument('--skip-many', action='store_true', help='leave out the fdi_composite_tasks vs loop comparison (tools/benchmark_many.py)')
    parser.add_argument('--update-docs', action='store_true', help='write the many-tasks result tables into docs/performance.md')
    args = parser.parse_args()

    output = os.path.abspath(args.output)
    workdir = os.path.dirname(output)
    os.makedirs(workdir, exist_ok=True)
    env = dict(os.environ)
    env.update(ANSIBLE_COLLECTIONS_PATH=snapshot_collection(os.path.join(workdir, 'collections')), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
               ANSIBLE_CALLBACK_PLUGINS=CALLBACK_DIR, ANSIBLE_CALLBACKS_ENABLED='roma_bench_timings', ANSIBLE_NOCOLOR='1',
               ANSIBLE_STDOUT_CALLBACK='default', ANSIBLE_HOST_KEY_CHECKING='false', ANSIBLE_RETRY_FILES_ENABLED='false',
               ROMA_BENCH_TIMINGS=os.path.join(workdir, 'timings.json'))
    if os.path.exists(env['ROMA_BENCH_TIMINGS']):
        os.remove(env['ROMA_BENCH_TIMINGS'])
    if args.rounds < 1 or args.n < 1 or args.lookup_n < 1:
        parser.error('-n, --rounds and --lookup-n must be at least 1')
    started, load_at_start = time.monotonic(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix='roma-bench-') as scratch:
        sim_args = ['--https', '--cert-dir', scratch] if args.https else []
        ca_path = os.path.join(scratch, 'ca.pem') if args.https else None
        with SimulatorProcess(*sim_args) as url:
            import ssl  # pylint: disable=import-outside-toplevel
            context = ssl.create_default_context(cafile=ca_path) if args.https else None
            token = control(url, 'POST', '/_sim/tokens', {}, context)['token']
            for size in LOOKUP_SIZES:
                control(url, 'POST', '/_sim/seed', {'instance_id': 'bench-lookup-%d' % size, 'count': size}, context)
            control(url, 'DELETE', '/_sim/requests', None, context)
            inventory = os.path.join(workdir, 'inventory.ini')
            with open(inventory, 'w', encoding='utf-8') as handle:
                handle.write('[bench]\nlocalhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
            playbook = os.path.join(workdir, 'playbook.json')  # JSON is YAML: ansible-playbook reads it as it is
            with open(playbook, 'w', encoding='utf-8') as handle:
                json.dump([counts_play(ca_path), lookup_play(args.rounds, args.lookup_n, ca_path), timing_play(args.rounds, args.n, ca_path)],
                          handle, indent=1)
            log_path = os.path.join(workdir, 'ansible-playbook.log')
            print('Simulator at %s; running %s (output in %s) ...' % (url, os.path.relpath(playbook, REPO_ROOT), os.path.relpath(log_path, REPO_ROOT)),
                  flush=True)
            with open(log_path, 'w', encoding='utf-8') as log_handle:
                returncode = subprocess.call(['ansible-playbook', '-i', inventory, playbook, '-e', 'roma_url=%s' % url, '-e', 'roma_token=%s' % token],
                                             env=env, stdout=log_handle, stderr=subprocess.STDOUT)
            log = control(url, 'GET', '/_sim/requests', None, context)['requests']
            payloads = keep_and_time_payloads(env, inventory, workdir, url, token, ca_path, args.payload_repeat)
    if not os.path.exists(env['ROMA_BENCH_TIMINGS']):
        with open(log_path, encoding='utf-8') as handle:
            sys.stdout.write(''.join(handle.readlines()[-30:]))
        print('ansible-playbook (exit status %d) recorded no timings; its output is in %s' % (returncode, log_path))
        return 1
    with open(env['ROMA_BENCH_TIMINGS'], encoding='utf-8') as handle:
        tasks = json.load(handle)['tasks']
    tasks = [task for task in tasks if task['end'] is not None]

    counts, count_problems = analyse_counts(tasks, log)
    timing, timing_problems = analyse_timing(tasks, log, args.n)
    lookup, lookup_problems = analyse_lookup(tasks, log, args.lookup_n)
    # Like AnsiballZ, which compiles the collection's code from the zip on every run: no bytecode cache for it.
    import_env = dict(env, PYTHONPATH=env['ANSIBLE_COLLECTIONS_PATH'], PYTHONDONTWRITEBYTECODE='1')
    imports = {'repeat': args.import_repeat,
               'module': dict(import_times(sys.executable, MODULE_IMPORT, 'ansible_collections.hwcloud.roma', import_env, args.import_repeat),
                              name=MODULE),
               'uri': dict(import_times(sys.executable, URI_IMPORT, URI_IMPORT, import_env, args.import_repeat), name='ansible.builtin.uri')}
    problems = count_problems + timing_problems + lookup_problems
    if returncode != 0:
        problems.insert(0, 'ansible-playbook exited with status %d (see %s)' % (returncode, log_path))
    core_version = subprocess.run([sys.executable, '-c', 'import ansible.release; print(ansible.release.__version__)'],
                                  check=True, capture_output=True, text=True).stdout.strip()
    # issue 11: fdi_composite_tasks against a loop of fdi_composite_task (tools/benchmark_many.py)
    many, many_problems = {}, []
    if not args.skip_many:
        many, many_problems = benchmark_many.run(workdir, env, inventory, env['ANSIBLE_COLLECTIONS_PATH'], update=args.update_docs)
    problems += many_problems
    report = {
        'environment': {'machine': '%s, %d CPUs' % (platform.machine(), os.cpu_count() or 0), 'ansible_core': core_version,
                        'python': platform.python_version(), 'n': args.n, 'rounds': args.rounds, 'lookup_n': args.lookup_n,
                        'scheme': 'https' if args.https else 'http',
                        'load_average_1min': [round(load_at_start, 2), round(os.getloadavg()[0], 2)],
                        'duration_s': round(time.monotonic() - started, 1)},
        'timing': timing, 'requests': counts, 'lookup': lookup, 'imports': imports, 'payloads': payloads, 'many': many, 'problems': problems,
        'output': output,
    }
    with open(output, 'w', encoding='utf-8') as handle:
        json.dump(report, handle, indent=1)
    print_report(report)
    print('Took %.0f s.' % report['environment']['duration_s'])
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
