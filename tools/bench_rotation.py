#!/usr/bin/env python
"""`make bench`, issue 17.6: rotating the password of a data source that 50 running composite tasks use.

One simulator and ONE ansible-playbook hold both sides, on the same data source and the same 50 tasks:

* **module**: ONE ``hwcloud.roma.fdi_datasource`` task (``update_password: always``,
  ``restart_tasks: true``): it lists the tasks that use the data source, stops the running ones
  in batches of 10, reads each until it reports stopped, updates the data source once and starts
  exactly those tasks again in batches;
* **loop**: what a user writes today: 50 x ``fdi_composite_task`` ``state: stopped``, the
  ``fdi_datasource`` update, 50 x ``fdi_composite_task`` ``state: started``.

Setup, untimed: through the simulator's control API, the demo data-source pair (MySQL source
``mysql-orders`` and DWS target) with their two database servers, and a start delay of 0.2 s
(a restarted job waits that long before it runs); then the 50 tasks (both data sources, one
mapping each, running) by one ``fdi_composite_tasks`` task, because ``/_sim/seed`` makes tasks
without data sources; and one check-mode run of each module, so that neither side pays for the
controller building its payload.  Before each side the MySQL server is declared again with the new password
(control API), so the jobs started with it connect, as after a real rotation.

Order: module, loop, module; the module's time is the mean of its two runs.  Requests come from
the simulator's log (the requests inside each side's time window) and must not exceed the budget
(the benchmark fails above it); times are only reported.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

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

TASKS = 50
BATCH_SIZE = 10  # tasks per start/stop batch request (plugins/module_utils/fdi_start_stop.py)
INSTANCE = 'bench-rotation'
DATASOURCE = 'mysql-orders'  # the demo pair (docs/api.md, "The demo pair")
SOURCE_ID, TARGET_ID = 'a5e1b0d2c3f4e5a6b7c8d9e0f1a2b3c4', 'b6f2c1e3d4a5f6b7c8d9e0f1a2b3c4d5'
MYSQL_SERVER = ('192.168.0.10', '3306')
START_DELAY_SECONDS = 0.2
RATIO_TARGET = 20.0
ORDER = ('module', 'loop', 'module')
DOC_MARKERS = ('<!-- rotation results: begin (written by tools/benchmark.py --update-docs) -->', '<!-- rotation results: end -->')


def budget(side):
    """The minimum number of requests of each side, with token auth and the data source found by name.

    module: one list page of data sources (by name; it carries the settings) + the task list's source and target
    filters (two lists) + a stop batch per 10 tasks + one show per task until it reports stopped (the simulator stops
    at once) + one update + a start batch per 10 tasks.
    loop: per task one list page by name and one batch request, to stop and to start; the data-source update finds it
    (1), lists its users (2) and updates it (1).
    """
    batches = math.ceil(TASKS / BATCH_SIZE)
    if side == 'module':
        return 1 + 2 + batches + TASKS + 1 + batches
    return 2 * TASKS + (1 + 2 + 1) + 2 * TASKS


def task_names():
    return ['rotation-task-%02d' % number for number in range(TASKS)]


def password(number):
    return 'Rotated-Passw0rd-%d!' % number


def connection():
    return {'endpoint': '{{ roma_url }}', 'project_id': PROJECT_ID, 'auth_token': '{{ roma_token }}', 'instance_id': INSTANCE}


def rotation_play(mysql_server):
    """The setup, then module, loop, module, each after the MySQL server is declared again with the new password."""
    setup = {
        'name': 'setup|tasks',
        'hwcloud.roma.fdi_composite_tasks': dict(
            connection(),
            state='merged',
            parallelism=8,
            config=[
                {
                    'name': name,
                    'source_datasource_id': SOURCE_ID,
                    'target_datasource_id': TARGET_ID,
                    'server_id': '1',
                    'operation_types': ['INSERT'],
                    'mappings': [{'source_table': 'orders', 'target_table': 'orders'}],
                    'status': 'running',
                }
                for name in task_names()
            ],
        ),
    }
    # Warm-up: the controller builds each module's AnsiballZ payload once, on its first use; neither side pays for it.
    warm_up = [
        {'name': 'setup|warm-up datasource', 'check_mode': True, 'hwcloud.roma.fdi_datasource': dict(connection(), name=DATASOURCE)},
        {'name': 'setup|warm-up task', 'check_mode': True, 'hwcloud.roma.fdi_composite_task': dict(connection(), name=task_names()[0], state='started')},
    ]
    tasks = [setup] + warm_up
    for number, side in enumerate(ORDER, 1):
        new_password = password(number)
        server = dict(mysql_server, users=dict((user, new_password) for user in mysql_server.get('users') or {'fdi_reader': None}))
        tasks.append(
            {
                'name': 'setup|password %d' % number,
                'no_log': True,
                'ansible.builtin.uri': {'url': '{{ roma_url }}/_sim/databases', 'method': 'POST', 'body_format': 'json', 'body': server},
            }
        )
        rotate = dict(connection(), name=DATASOURCE, connection={'password': new_password}, update_password='always')
        if side == 'module':
            tasks.append({'name': 'rotation|%d|module' % number, 'hwcloud.roma.fdi_datasource': dict(rotate, restart_tasks=True)})
            continue
        loop = {'loop': '{{ rotation_tasks }}'}
        tasks.append(
            dict(loop, name='rotation|%d|loop|stop' % number, **{'hwcloud.roma.fdi_composite_task': dict(connection(), name='{{ item }}', state='stopped')})
        )
        tasks.append({'name': 'rotation|%d|loop|update' % number, 'hwcloud.roma.fdi_datasource': rotate})
        tasks.append(
            dict(loop, name='rotation|%d|loop|start' % number, **{'hwcloud.roma.fdi_composite_task': dict(connection(), name='{{ item }}', state='started')})
        )
    return {
        'name': 'Rotate a data source password under %d running tasks' % TASKS,
        'hosts': 'bench',
        'gather_facts': False,
        'vars': {'rotation_tasks': task_names()},
        'tasks': tasks,
    }


def analyse(tasks, log):
    """One row per side run: seconds, requests (by route), the budget; and the problems."""
    problems = [('%s failed: %s' % (task['name'], task.get('message', ''))) for task in tasks if task['failed']]
    by_number = {}
    for task in tasks:
        parts = task['name'].split('|')
        if parts[0] == 'rotation':
            by_number.setdefault(int(parts[1]), []).append(task)
    rows = []
    for number, side in enumerate(ORDER, 1):
        found = by_number.get(number) or []
        if not found:
            problems.append('the %s run %d left no timing' % (side, number))
            continue
        start, end = min(task['start'] for task in found), max(task['end'] for task in found)
        entries = requests_in(log, start, end)
        routes = {}
        for entry in entries:
            routes[entry['route']] = routes.get(entry['route'], 0) + 1
        row = {'run': number, 'side': side, 'seconds': round(end - start, 2), 'requests': len(entries), 'budget': budget(side), 'routes': routes}
        if side == 'loop':
            row['steps_s'] = dict((task['name'].split('|')[3], round(task['end'] - task['start'], 2)) for task in found)
        if row['requests'] > row['budget']:
            problems.append('the %s rotation (run %d) sent %d requests (%s); the budget is %d' % (side, number, row['requests'], routes, row['budget']))
        rows.append(row)
    return rows, problems


def summary(rows):
    module = [row['seconds'] for row in rows if row['side'] == 'module']
    loop = [row['seconds'] for row in rows if row['side'] == 'loop']
    if not module or not loop:
        return {}
    ratio = statistics.mean(loop) / statistics.mean(module)
    return {
        'module_s': round(statistics.mean(module), 2),
        'loop_s': round(statistics.mean(loop), 2),
        'ratio': round(ratio, 1),
        'target': RATIO_TARGET,
        'met': ratio >= RATIO_TARGET,
    }


def check_state(url):
    """After the run: every task runs again and the data source holds the last password; the problems."""
    problems = []
    tasks = [task for task in control(url, 'GET', '/_sim/tasks?instance_id=%s' % INSTANCE)['tasks'] if task['task_name'] in task_names()]
    stopped = [task['task_name'] for task in tasks if task.get('status') != 1]
    if len(tasks) != TASKS or stopped:
        problems.append('after the rotations %d of %d tasks exist and these are stopped: %s' % (len(tasks), TASKS, ', '.join(stopped) or 'none'))
    stored = [source for source in control(url, 'GET', '/_sim/datasources?instance_id=%s' % INSTANCE)['datasources'] if source['datasource_id'] == SOURCE_ID]
    if not stored or stored[0].get('content', {}).get('password') != password(len(ORDER)):
        problems.append('the data source does not hold the last password after the rotations')
    return problems


def run(workdir, env, inventory):
    """The comparison on a simulator of its own; returns (report, problems)."""
    print('Data-source rotation: %d running tasks, ONE fdi_datasource task against the loop of today (%s) ...' % (TASKS, ', '.join(ORDER)), flush=True)
    env = dict(env, ROMA_BENCH_TIMINGS=os.path.join(workdir, 'rotation-timings.json'))
    log_path = os.path.join(workdir, 'rotation.log')
    with SimulatorProcess() as url:
        token = control(url, 'POST', '/_sim/tokens', {})['token']
        control(url, 'POST', '/_sim/config', {'start_delay_seconds': START_DELAY_SECONDS})
        control(url, 'POST', '/_sim/datasources', {'instance_id': INSTANCE, 'demo': True})
        servers = control(url, 'GET', '/_sim/databases')['databases']
        mysql_server = next(server for server in servers if (server['host'], str(server['port'])) == MYSQL_SERVER)
        control(url, 'DELETE', '/_sim/requests')
        returncode, tasks = run_playbook([rotation_play(mysql_server)], os.path.join(workdir, 'rotation.json'), inventory, env, log_path, url, token)
        log = control(url, 'GET', '/_sim/requests')['requests']
        problems = [] if returncode == 0 else ['the rotation playbook exited with status %d (see %s):\n%s' % (returncode, log_path, tail(log_path, 12))]
        problems += check_state(url)
    if tasks is None:
        return {}, problems + ['the rotation playbook recorded no timings (see %s)' % log_path]
    rows, found = analyse(tasks, log)
    report = {
        'tasks': TASKS,
        'batch_size': BATCH_SIZE,
        'start_delay_s': START_DELAY_SECONDS,
        'rows': rows,
        'summary': summary(rows),
        'budget': {'module': budget('module'), 'loop': budget('loop')},
    }
    return report, problems + found


def markdown(report, environment=None):
    lines = []
    if environment:
        lines += [
            '`make bench` on %s, ansible-core %s, Python %s, simulator over HTTP on the same machine, load average %.1f at the '
            'start and %.1f at the end of the whole run:'
            % (
                environment['machine'],
                environment['ansible_core'],
                environment['python'],
                environment['load_average_1min'][0],
                environment['load_average_1min'][1],
            ),
            '',
        ]
    lines += ['| run | side | time | requests | budget | requests by route |', '|---:|---|---:|---:|---:|---|']
    for row in report['rows']:
        side = (
            'one `fdi_datasource` task (`restart_tasks: true`)'
            if row['side'] == 'module'
            else 'loop: %d x stop, the update, %d x start' % (report['tasks'], report['tasks'])
        )
        routes = ', '.join('%s %d' % item for item in sorted(row['routes'].items(), key=lambda item: -item[1]))
        lines.append('| %d | %s | %.1f s | %d | %d | %s |' % (row['run'], side, row['seconds'], row['requests'], row['budget'], routes))
    result = report.get('summary')
    if result:
        lines += [
            '',
            'Loop / module: **%.1fx** (%.1f s against %.1f s, the mean of the two module runs; expected >= %.0fx: %s).'
            % (result['ratio'], result['loop_s'], result['module_s'], result['target'], 'met' if result['met'] else 'MISSED'),
        ]
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--output', default=os.path.join(REPO_ROOT, 'build', 'bench', 'rotation.json'), help='JSON results file')
    args = parser.parse_args()
    output = os.path.abspath(args.output)
    workdir = os.path.dirname(output)
    os.makedirs(workdir, exist_ok=True)
    env = ansible_env(snapshot_collection(os.path.join(workdir, 'collections')), os.path.join(workdir, 'rotation-timings.json'))
    report, problems = run(workdir, env, write_inventory(os.path.join(workdir, 'inventory.ini')))
    with open(output, 'w', encoding='utf-8') as handle:
        json.dump(dict(report, problems=problems), handle, indent=1)
    if report:
        print(markdown(report))
    for problem in problems:
        print('PROBLEM: %s' % problem)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
