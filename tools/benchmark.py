#!/usr/bin/env python
"""`make bench`: hwcloud.roma against what a user would write instead, side by side, in one run per comparison.

Copies the collection to build/bench/collections (so a concurrent `make tree` cannot swap it),
starts the bundled simulator, runs ONE ansible-playbook for the task measurements (both sides:
same process model, inventory, connection and interpreter) and then reads the simulator's
request log:

* one task (issue 23): N looped creates and idempotent re-runs (no-ops) of
  hwcloud.roma.fdi_composite_task against N looped ansible.builtin.uri POSTs, in rounds whose
  order alternates; a task's time is (last item done - task start) / N as the roma_bench_timings
  callback saw it; ms are medians over the rounds, ratios the median of each round's ratio to
  that round's uri POST;
* HTTP requests and TCP connections per module run, per operation and auth method, from the
  simulator log (each request is attributed to the task whose time window holds it; its client
  port tells the connection), against the minimum of the interface's request budget;
* a lookup by name with 10 and with 10,000 tasks in the instance (requests and time);
* inside one module process (tools/bench_payload.py): the kept AnsiballZ payloads of a create,
  a no-op and the uri POST run directly: wall time, time to the first request, import time per
  module_utils file and third-party package, payload size;
* a data-source password rotation under 50 running tasks (issue 17.6, tools/bench_rotation.py):
  one hwcloud.roma.fdi_datasource task against the loop a user writes today;
* with --many, hwcloud.roma.fdi_composite_tasks against a loop (issue 11, tools/benchmark_many.py;
  about 5 minutes more).

Prints tables, writes everything to --output (JSON), with --update-docs the result tables into
docs/performance.md, and exits 1 when a request-count or connection target (deterministic) is
missed or a task failed.  Time ratios are only reported.  docs/performance.md explains the method.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_payload  # noqa: E402  pylint: disable=wrong-import-position
import bench_rotation  # noqa: E402  pylint: disable=wrong-import-position
import benchmark_many  # noqa: E402  pylint: disable=wrong-import-position
from bench_common import (  # noqa: E402  pylint: disable=wrong-import-position
    PROJECT_ID,
    ansible_env,
    control,
    requests_in,
    run_playbook,
    snapshot_collection,
    tail,
    write_inventory,
)
from simulator_process import REPO_ROOT, SimulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

# The simulator's built-in account (tests/simulator/README.md, "Default accounts").
USER_NAME, PASSWORD, DOMAIN_NAME = 'demo-user', 'Demo-Passw0rd!', 'demo-account'
ACCESS_KEY, SECRET_KEY = 'AKEXAMPLE0123456789', 'SKEXAMPLEsecret0123456789'
TIMING_INSTANCE = 'bench-timing'
COUNT_INSTANCE = 'bench-counts'
LOOKUP_SIZES = (10, 10000)
MODULE = 'hwcloud.roma.fdi_composite_task'

# Targets (issue 23): one task costs what the uri POST costs, within 3%.  Requests: the interface's request budget,
# with token auth; password adds 1 (IAM).
CREATE_RATIO_TARGET = 1.03
RERUN_RATIO_TARGET = 1.03
LOOKUP_RATIO_TARGET = 1.20
# A write to a task found by its ID adds one list request: the show does not say whether a task is composite, its
# list entry does (tests/integration/targets/fdi_composite_task_request_budget).
MINIMUM_REQUESTS = {
    ('task_id', 'create'): 2,
    ('task_id', 're-run'): 1,
    ('task_id', 'update'): 3,
    ('task_id', 'delete'): 3,
    ('task_id', 'delete running'): 5,  # show, list, stop, one show until it reports stopped (the simulator stops at once), DELETE
    ('name', 'create'): 2,
    ('name', 're-run'): 2,
    ('name', 'update'): 3,
    ('name', 'delete'): 2,
    ('name', 'delete running'): 4,
}
AUTH_EXTRA_REQUESTS = {'token': 0, 'password': 1, 'aksk': 0}
DOC_MARKERS = {  # docs/performance.md: the tables --update-docs writes
    'one-task': ('<!-- one-task results: begin (written by tools/benchmark.py --update-docs) -->', '<!-- one-task results: end -->'),
    'one-process': ('<!-- one-process results: begin (written by tools/benchmark.py --update-docs) -->', '<!-- one-process results: end -->'),
}


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
    return {
        'description': description,
        'tag': 'bench-tag',
        'operation_types': ['INSERT', 'UPDATE'],
        'source_app_id': 'app-source',
        'target_app_id': 'app-target',
    }


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
            steps = [
                ('create', dict(base, **task_fields('first'))),
                ('re-run', dict(by_key, **task_fields('first'))),
                ('update', dict(by_key, **task_fields('second'))),
                ('delete', dict(by_key, state='absent')),
            ]
            if auth == 'token':
                steps += [('setup: create running', dict(base, state='started', **task_fields('first'))), ('delete running', dict(by_key, state='absent'))]
            for operation, args in steps:
                tasks.append(module_task('count|%s|%s|%s' % (auth, identity, operation), args))
    tasks.append({'name': 'count|uri|-|POST', 'ansible.builtin.uri': uri_post_args('cnt-uri', ca_path)})
    return {'name': 'Requests per module run', 'hosts': 'bench', 'gather_facts': False, 'tasks': tasks}


def lookup_play(rounds, n, ca_path):
    tasks = []
    for number in range(rounds):
        for size in LOOKUP_SIZES if number % 2 == 0 else tuple(reversed(LOOKUP_SIZES)):
            args = dict(
                connection_args('token', ca_path),
                instance_id='bench-lookup-%d' % size,
                name="{{ 'seeded-task-%05d' % (item % 10) }}",
                operation_types=['INSERT'],
            )
            tasks.append(module_task('lookup|%d|%d' % (number, size), args, loop='{{ range(%d) | list }}' % n))
    # Informational worst case: a name that is a substring of every task's name needs every list page.
    args = dict(connection_args('token', ca_path), instance_id='bench-lookup-%d' % LOOKUP_SIZES[-1], name='seeded-task-0', operation_types=['INSERT'])
    tasks.append(module_task('lookup-all-pages|%d' % LOOKUP_SIZES[-1], args, check_mode=True))
    return {'name': 'Lookup by name', 'hosts': 'bench', 'gather_facts': False, 'tasks': tasks}


def uri_post_args(name_expression, ca_path, task_id_expression=None):
    body = {
        'task_name': name_expression,
        'task_type': 'REALTIME',
        'description': 'first',
        'task_tag': 'bench-tag',
        'operation_types': ['INSERT', 'UPDATE'],
        'source_app_id': 'app-source',
        'target_app_id': 'app-target',
    }
    if task_id_expression:
        body['task_id'] = task_id_expression
    args = {
        'url': '{{ roma_url }}/v2/%s/fdi/instances/%s/multi-tasks' % (PROJECT_ID, COUNT_INSTANCE if not task_id_expression else TIMING_INSTANCE),
        'method': 'POST',
        'headers': {'X-Auth-Token': '{{ roma_token }}'},
        'body_format': 'json',
        'body': body,
    }
    if ca_path:
        args['ca_path'] = ca_path
    return args


def uri_delete_args(task_id, ca_path):
    args = {
        'url': '{{ roma_url }}/v2/%s/fdi/instances/%s/tasks/%s' % (PROJECT_ID, TIMING_INSTANCE, task_id),
        'method': 'DELETE',
        'headers': {'X-Auth-Token': '{{ roma_token }}'},
        'status_code': [204],
    }
    if ca_path:
        args['ca_path'] = ca_path
    return args


TIMED_PHASES = ('module create', 'uri POST', 'module re-run')


def timing_play(rounds, n, ca_path):
    """A warm-up round, then ``rounds`` rounds of create, uri POST and re-run (no-op) with N items each.

    Odd rounds run create, uri POST, re-run; even rounds re-run, uri POST, create: each module phase runs
    before the uri POST in half the rounds and after it in the other half, so a drift in the machine's load
    favours neither side.  A re-run is a no-op on the tasks of the latest create.
    """

    def phase_task(label, number, created, items):
        name, loop = 'time|%d|%s' % (number, label), '{{ range(%d) | list }}' % items
        if label == 'uri POST':
            return {
                'name': name,
                'loop': loop,
                'ansible.builtin.uri': uri_post_args('uri-%d-{{ item }}' % number, ca_path, task_id_expression='u%d-{{ item }}' % number),
            }
        args = dict(
            connection_args('token', ca_path),
            instance_id=TIMING_INSTANCE,
            task_id='b%d-{{ item }}' % created,
            name='bench-%d-{{ item }}' % created,
            **task_fields('first'),
        )
        return module_task(name, args, loop=loop)

    # Warm-up (round 0, not reported): the first run of each module pays one-off costs on the controller.
    tasks = [phase_task(label, 0, 0, 2) for label in TIMED_PHASES]
    created = 0
    for number in range(1, rounds + 1):
        for label in TIMED_PHASES if number % 2 else tuple(reversed(TIMED_PHASES)):
            if label == 'module create':
                created = number
            tasks.append(phase_task(label, number, created, n))
    return {'name': 'Wall time per task', 'hosts': 'bench', 'gather_facts': False, 'tasks': tasks}


def payload_play(ca_path):
    """One run of each side to keep (bench_payload.KEPT, in order): create, no-op, uri POST, and the deletes that undo the creates."""
    create = dict(connection_args('token', ca_path), instance_id=TIMING_INSTANCE, task_id='pay-create', name='pay-create', **task_fields('first'))
    noop = dict(connection_args('token', ca_path), instance_id=TIMING_INSTANCE, task_id='b1-0', name='bench-1-0', **task_fields('first'))
    tasks = {
        'module create': module_task('payload|module create', create),
        'module no-op': module_task('payload|module no-op', noop),
        'uri POST': {'name': 'payload|uri POST', 'ansible.builtin.uri': uri_post_args('uri-payload', ca_path, task_id_expression='upay-0')},
        'module delete': module_task('payload|module delete', dict(create, state='absent')),
        'uri DELETE': {'name': 'payload|uri DELETE', 'ansible.builtin.uri': uri_delete_args('upay-0', ca_path)},
    }
    return {'name': 'Keep the AnsiballZ payload of each side', 'hosts': 'bench', 'gather_facts': False, 'tasks': [tasks[label] for label in bench_payload.KEPT]}


# -- analysis ---------------------------------------------------------------------------------------------


def ms(seconds):
    return round(seconds * 1000.0, 1)


def analyse_counts(tasks, log):
    rows, problems = [], []
    for task in tasks:
        parts = task['name'].split('|')
        if parts[0] != 'count' or parts[3].startswith('setup'):
            continue
        auth, identity, operation = parts[1:]
        entries = requests_in(log, task['start'], task['end'])
        connections = len(set(entry['client'] for entry in entries))
        if auth == 'uri':
            minimum = 1
        else:
            minimum = MINIMUM_REQUESTS[(identity, operation)] + AUTH_EXTRA_REQUESTS[auth]
        row = {
            'auth': auth,
            'identity': identity,
            'operation': operation,
            'requests': len(entries),
            'minimum': minimum,
            'routes': [entry['route'] for entry in entries],
            'connections': connections,
        }
        row['met'] = len(entries) <= minimum and connections == 1 and not task['failed']
        if task['failed']:
            problems.append('%s failed: %s' % (task['name'], task.get('message', '')))
        elif len(entries) > minimum:
            problems.append(
                '%s %s by %s sent %d requests (%s), the minimum is %d' % (operation, auth, identity, len(entries), ', '.join(row['routes']), minimum)
            )
        if connections != 1:
            problems.append('%s %s by %s used %d TCP connections, not 1' % (operation, auth, identity, connections))
        rows.append(row)
    return rows, problems


def per_task_seconds(task, n):
    return (task['end'] - task['start']) / n


def item_seconds(task):
    """How long each loop item took: from the task's start (the first) or the previous item's end to the item's end."""
    ends = [task['start']] + list(task['items'])
    return [later - earlier for earlier, later in zip(ends, ends[1:])]


def analyse_timing(tasks, log, n):
    """Per phase: ms per task and the ratio to the uri POST, two ways.

    * ``ratio_to_uri_post`` (the one held to the target): the median time of one item over every item of every
      round, module / uri.  A burst of other work on the machine slows a few items of either side; the median
      of some hundred items does not move with them.
    * ``round_ratio_median``: each round's phase time (task duration / N) over that round's uri POST, the median
      of those ratios.  Pairing the phases of one round keeps a slow drift of the load out of it, but one burst
      in a round moves that round's ratio.
    """
    phases = dict((label, {}) for label in TIMED_PHASES)
    items = dict((label, []) for label in TIMED_PHASES)
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
        items[parts[2]].extend(item_seconds(task))
        entries = requests_in(log, task['start'], task['end'])
        per_run[parts[2]].append((len(entries) / n, len(set(entry['client'] for entry in entries)) / n))
    result = {}
    baseline, baseline_items = phases['uri POST'], items['uri POST']
    for label, by_round in phases.items():
        if not by_round:
            continue
        ratios = [value / baseline[number] for number, value in sorted(by_round.items()) if number in baseline]
        median_item = statistics.median(items[label])
        result[label] = {
            'per_task_ms': ms(median_item),
            'items': len(items[label]),
            'phase_ms': ms(statistics.median(by_round.values())),
            'rounds_ms': [ms(by_round[number]) for number in sorted(by_round)],
            'ratio_to_uri_post': round(median_item / statistics.median(baseline_items), 3) if baseline_items else None,
            'round_ratio_median': round(statistics.median(ratios), 3) if ratios else None,
            'round_ratios': [round(ratio, 3) for ratio in ratios],
            'requests_per_task': statistics.median(item[0] for item in per_run[label]),
            'connections_per_task': statistics.median(item[1] for item in per_run[label]),
        }
    targets = {'module create': CREATE_RATIO_TARGET, 'module re-run': RERUN_RATIO_TARGET}
    for label, target in targets.items():
        if label in result:
            result[label]['target'] = target
            result[label]['met'] = result[label]['ratio_to_uri_post'] <= target
    expected = {'module create': 2, 'module re-run': 1, 'uri POST': 1}
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
            sizes[size]['requests'].append(len(requests_in(log, task['start'], task['end'])) / n)
        elif parts[0] == 'lookup-all-pages':
            entries = requests_in(log, task['start'], task['end'])
            all_pages = {'requests': len(entries), 'routes': [entry['route'] for entry in entries], 'total_tasks': int(parts[1])}
    result = {}
    for size, values in sizes.items():
        if values['times']:
            result[size] = {
                'per_task_ms': ms(statistics.median(values['times'])),
                'rounds_ms': [ms(value) for value in values['times']],
                'requests_per_task': statistics.median(values['requests']),
            }
    small, large = (result.get(size) for size in LOOKUP_SIZES)
    summary = {'sizes': result, 'all_pages_worst_case': all_pages}
    if small and large:
        summary['time_ratio'] = round(large['per_task_ms'] / small['per_task_ms'], 3)
        summary['target'] = LOOKUP_RATIO_TARGET
        summary['met'] = summary['time_ratio'] <= LOOKUP_RATIO_TARGET and large['requests_per_task'] == small['requests_per_task']
        if large['requests_per_task'] != small['requests_per_task']:
            problems.append(
                'a lookup by name sent %s requests with %d tasks but %s with %d'
                % (large['requests_per_task'], LOOKUP_SIZES[1], small['requests_per_task'], LOOKUP_SIZES[0])
            )
        if small['requests_per_task'] > MINIMUM_REQUESTS[('name', 're-run')]:
            problems.append('a lookup by name sent %s requests, the minimum is 2' % small['requests_per_task'])
    return summary, problems


# -- output -----------------------------------------------------------------------------------------------


def mark(met):
    return 'met' if met else 'MISSED'


TIMING_NAMES = {
    'uri POST': '`ansible.builtin.uri` POST (baseline)',
    'module create': '`fdi_composite_task` create (identity `task_id`)',
    'module re-run': '`fdi_composite_task` no-op re-run (identity `task_id`)',
}


def timing_markdown(report):
    info, timing = report['environment'], report['timing']
    lines = [
        '`make bench` on %s, ansible-core %s, Python %s, simulator over %s on the same machine, N=%d items per timed task, '
        '%d rounds, load average %.1f at the start and %.1f at the end of the run:'
        % (
            info['machine'],
            info['ansible_core'],
            info['python'],
            info['scheme'].upper(),
            info['n'],
            info['rounds'],
            info['load_average_1min'][0],
            info['load_average_1min'][1],
        ),
        '',
        "| task (token auth) | ms per item (median of %d) | module / uri POST | each round's ratio (median) | requests | target | |"
        % timing.get('uri POST', {}).get('items', 0),
        '|---|---:|---:|---|---:|---:|---|',
    ]
    for label in ('uri POST', 'module create', 'module re-run'):
        row = timing.get(label)
        if not row:
            continue
        target = '<= %.2f' % row['target'] if 'target' in row else ''
        lines.append(
            '| %s | %.1f | %.2f | %s (%.2f) | %g | %s | %s |'
            % (
                TIMING_NAMES[label],
                row['per_task_ms'],
                row['ratio_to_uri_post'],
                ', '.join('%.2f' % ratio for ratio in row['round_ratios']),
                row['round_ratio_median'],
                row['requests_per_task'],
                target,
                mark(row['met']) if 'met' in row else '',
            )
        )
    return '\n'.join(lines)


def print_report(report):
    info = report['environment']
    print()
    print(
        'hwcloud.roma benchmark: %s, ansible-core %s, Python %s, N=%d per task, %d rounds (median), simulator over %s'
        % (info['machine'], info['ansible_core'], info['python'], info['n'], info['rounds'], info['scheme'])
    )
    print(
        'Load average (1 min) at start and end: %.2f, %.2f; other work on the machine makes the rounds scatter '
        '(see rounds_ms in the JSON; more --rounds steady the medians).' % tuple(info['load_average_1min'])
    )
    print()
    print('1. One task: wall time per loop item (one ansible-playbook, a loop of N items per task and round; module/uri = the')
    print("   median item over every round, module / uri POST; each round: that round's task durations, module / uri POST)")
    print(timing_markdown(report))
    print()
    print("2. HTTP requests per module run (simulator request log; minimum = the interface's request budget)")
    print('   %-9s %-8s %-15s %8s %8s %5s  %-7s %s' % ('auth', 'identity', 'operation', 'requests', 'minimum', 'conns', '', 'routes'))
    for row in report['requests']:
        fields = (
            row['auth'],
            row['identity'],
            row['operation'],
            row['requests'],
            row['minimum'],
            row['connections'],
            mark(row['met']),
            ' '.join(row['routes']),
        )
        print('   %-9s %-8s %-15s %8d %8d %5d  %-7s %s' % fields)
    print()
    lookup = report['lookup']
    print('3. Lookup by name: an idempotent re-run identified by name (list + show), token auth')
    baseline = report['timing'].get('uri POST', {}).get('per_task_ms')
    for size, row in sorted(lookup['sizes'].items()):
        versus = ' (%.2f x uri POST)' % (row['per_task_ms'] / baseline) if baseline else ''
        print('   %6d tasks in the instance: %7.1f ms/task%s, %g requests' % (size, row['per_task_ms'], versus, row['requests_per_task']))
    if 'time_ratio' in lookup:
        print('   10,000 / 10: %.2f (target <= %.2f, requests independent of the total): %s' % (lookup['time_ratio'], lookup['target'], mark(lookup['met'])))
    if lookup.get('all_pages_worst_case'):
        worst = lookup['all_pages_worst_case']
        print(
            '   worst case, a name contained in all %d names (check mode): %d list pages of 999' % (worst['total_tasks'], worst['routes'].count('list_tasks'))
        )
    print()
    if report.get('payloads'):
        print('4. One module process: the kept AnsiballZ payloads run directly (tools/bench_payload.py)')
        print(bench_payload.markdown(report['payloads']))
        print()
    if report.get('rotation'):
        print('5. Data-source password rotation under %d running tasks (tools/bench_rotation.py)' % bench_rotation.TASKS)
        print(bench_rotation.markdown(report['rotation']))
        print()
    if report['problems']:
        print('Request-count targets MISSED or tasks failed:')
        for problem in report['problems']:
            print('  - ' + problem)
    else:
        print('Every request-count and connection target is met.')
    print('Results: %s' % report['output'])


def update_docs(sections):
    """Replace each marked block of docs/performance.md with its new text; returns the names of the blocks written."""
    path = os.path.join(REPO_ROOT, 'docs', 'performance.md')
    with open(path, encoding='utf-8') as handle:
        content = handle.read()
    written = []
    for (begin, end), text in sections:
        pattern = re.compile(re.escape(begin) + '.*?' + re.escape(end), re.S)
        if pattern.search(content):
            content = pattern.sub(lambda _match, text=text, begin=begin, end=end: begin + '\n' + text + '\n' + end, content)
            written.append(begin)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(content)
    return written


# -- main -------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-n', type=int, default=16, help='items per timed task (default: %(default)s)')
    parser.add_argument('--rounds', type=int, default=7, help='timed rounds; the median is reported (default: %(default)s)')
    parser.add_argument('--lookup-n', type=int, default=10, help='items per lookup task (default: %(default)s)')
    parser.add_argument('--lookup-rounds', type=int, default=2, help='rounds of the lookup comparison (default: %(default)s)')
    parser.add_argument('--payload-repeat', type=int, default=7, help='direct runs of each kept AnsiballZ payload (default: %(default)s)')
    parser.add_argument('--https', action='store_true', help='serve the simulator over TLS (its own CA, passed as ca_path)')
    parser.add_argument('--output', default=os.path.join(REPO_ROOT, 'build', 'bench', 'results.json'), help='JSON results file')
    parser.add_argument('--skip-rotation', action='store_true', help='leave out the data-source rotation (tools/bench_rotation.py)')
    parser.add_argument('--many', action='store_true', help='add fdi_composite_tasks against a loop (tools/benchmark_many.py, ~5 min more)')
    parser.add_argument('--update-docs', action='store_true', help='write the result tables into docs/performance.md')
    parser.add_argument('--collection', default=REPO_ROOT, help="the collection checkout to measure, e.g. an older commit's (default: this one)")
    args = parser.parse_args()
    if args.rounds < 1 or args.n < 1 or args.lookup_n < 1 or args.lookup_rounds < 1 or args.payload_repeat < 1:
        parser.error('-n, --rounds, --lookup-n, --lookup-rounds and --payload-repeat must be at least 1')

    output = os.path.abspath(args.output)
    workdir = os.path.dirname(output)
    os.makedirs(workdir, exist_ok=True)
    collections_path = snapshot_collection(os.path.join(workdir, 'collections'), source=os.path.abspath(args.collection))
    env = ansible_env(collections_path, os.path.join(workdir, 'timings.json'))
    inventory = write_inventory(os.path.join(workdir, 'inventory.ini'))
    started, load_at_start = time.monotonic(), os.getloadavg()[0]
    problems = []
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
            log_path = os.path.join(workdir, 'ansible-playbook.log')
            print(
                'Simulator at %s; one task, requests and lookup: running build/bench/playbook.json (output in %s) ...'
                % (url, os.path.relpath(log_path, REPO_ROOT)),
                flush=True,
            )
            plays = [counts_play(ca_path), lookup_play(args.lookup_rounds, args.lookup_n, ca_path), timing_play(args.rounds, args.n, ca_path)]
            returncode, tasks = run_playbook(plays, os.path.join(workdir, 'playbook.json'), inventory, env, log_path, url, token)
            log = control(url, 'GET', '/_sim/requests', None, context)['requests']
            if tasks is None:
                sys.stdout.write(tail(log_path))
                print('ansible-playbook (exit status %d) recorded no timings; its output is in %s' % (returncode, log_path))
                return 1
            if returncode != 0:
                problems.append('ansible-playbook exited with status %d (see %s)' % (returncode, log_path))
            print('One module process: keeping the payloads and running them %d times each ...' % args.payload_repeat, flush=True)
            payloads = bench_payload.keep_payloads(env, inventory, workdir, url, token, payload_play(ca_path))
            payload_report, payload_problems = bench_payload.measure(sys.executable, payloads, url, args.payload_repeat)
    counts, count_problems = analyse_counts(tasks, log)
    timing, timing_problems = analyse_timing(tasks, log, args.n)
    lookup, lookup_problems = analyse_lookup(tasks, log, args.lookup_n)
    problems += count_problems + timing_problems + lookup_problems + payload_problems
    rotation, many = {}, {}
    if not args.skip_rotation:
        rotation, rotation_problems = bench_rotation.run(workdir, env, inventory)
        problems += rotation_problems
    if args.many:
        many, many_problems = benchmark_many.run(workdir, env, inventory, collections_path, update=args.update_docs)
        problems += many_problems
    core_version = subprocess.run(
        [sys.executable, '-c', 'import ansible.release; print(ansible.release.__version__)'], check=True, capture_output=True, text=True
    ).stdout.strip()
    report = {
        'environment': {
            'machine': '%s, %d CPUs' % (platform.machine(), os.cpu_count() or 0),
            'ansible_core': core_version,
            'python': platform.python_version(),
            'n': args.n,
            'rounds': args.rounds,
            'lookup_n': args.lookup_n,
            'scheme': 'https' if args.https else 'http',
            'load_average_1min': [round(load_at_start, 2), round(os.getloadavg()[0], 2)],
            'duration_s': round(time.monotonic() - started, 1),
        },
        'timing': timing,
        'requests': counts,
        'lookup': lookup,
        'payloads': payload_report,
        'rotation': rotation,
        'many': many,
        'problems': problems,
        'output': output,
    }
    with open(output, 'w', encoding='utf-8') as handle:
        json.dump(report, handle, indent=1)
    print_report(report)
    if args.update_docs:
        sections = [(DOC_MARKERS['one-task'], timing_markdown(report)), (DOC_MARKERS['one-process'], bench_payload.markdown(payload_report))]
        if rotation:
            sections.append((bench_rotation.DOC_MARKERS, bench_rotation.markdown(rotation, report['environment'])))
        print('docs/performance.md: %d result blocks written.' % len(update_docs(sections)))
    print('Took %.0f s.' % report['environment']['duration_s'])
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
