# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fault matrix of docs/troubleshooting.md, built from what the integration tests observed.

As Jinja filters (the targets set ANSIBLE_FILTER_PLUGINS to this directory):

- ``roma_request_summary``: the simulator's request log as short entries such as ``list 503`` or
  ``create (done) dropped``, which the cases' expectations are written in;
- ``roma_fault_label``: a case's injected faults and simulator settings, in words;
- ``roma_outcome``: the module result (ok/changed, or the failure message with run-specific values
  such as ports, request IDs and times replaced), plus the number of tasks left where it matters.

As a script, it turns the rows a target wrote into a Markdown table and checks (or updates) the
table between the markers ``<!-- BEGIN fault-matrix NAME -->`` and ``<!-- END fault-matrix NAME -->``
in a document, so the table in the docs is always the outcome of the last test run::

    python roma_matrix.py check ROWS.json DOC.md NAME [--out RENDERED.md]
    python roma_matrix.py update ROWS.json DOC.md NAME
"""

from __future__ import annotations

import difflib
import json
import re
import sys

ROUTES = {
    'list_tasks': 'list',
    'show_task': 'show',
    'create_multi_task': 'create',
    'update_multi_task': 'update',
    'delete_task': 'delete',
    'batch_tasks': 'start/stop',
    'iam_token': 'IAM login',
    'run_task': 'run',
    'stop_task': 'terminate',
    'unknown': 'unknown',
}
METHODS = {
    'list_tasks': 'GET',
    'show_task': 'GET',
    'create_multi_task': 'POST',
    'update_multi_task': 'PUT',
    'delete_task': 'DELETE',
    'batch_tasks': 'POST',
    'iam_token': 'POST',
}
SECTIONS = {
    'transient': 'Transient faults (GET, PUT, DELETE and the idempotent start/stop POST are retried)',
    'create': 'Create safety (POST multi-tasks is never re-sent blindly; every case is run twice)',
    'permanent': 'Errors that are never retried, and "not found" (only 400 FDI.3021 and 404 FDI.3081 mean absent)',
    'malformed': 'Non-JSON and malformed responses',
    'auth': 'Authentication faults',
    'tls': 'TLS',
}


def request_summary(entries):
    """``[{route, status, fault, ...}]`` from ``/_sim/requests`` -> ``['list 503', 'list 200']``."""
    summary = []
    for entry in entries:
        fault, status = entry.get('fault'), entry.get('status')
        what = {
            'reset': 'reset',
            'timeout': 'no answer',
            'process_then_drop': '(done) dropped',
            'process_then_respond': '%s (done)' % status,
            'truncate': '%s truncated' % status,
            'empty': '%s empty' % status,
            'delay': '%s (late)' % status,
        }.get(fault, str(status))
        summary.append('%s %s' % (ROUTES.get(entry.get('route'), entry.get('route')), what))
    return summary


def _one_fault(fault):
    action = fault.get('action', 'respond')
    status = fault.get('status', 500)
    if action == 'respond':
        body = fault.get('body')
        text = str(status)
        if fault.get('echo_request'):
            text += ' echoing the request'
        elif isinstance(body, str) and 'html' in (fault.get('content_type') or ''):
            text += ' HTML page'
        elif status < 400 and body is not None:
            text += ' with unexpected JSON'
        retry_after = (fault.get('headers') or {}).get('Retry-After')
        if retry_after is not None:
            text += ' + Retry-After: %s' % retry_after
    elif action == 'reset':
        text = 'connection reset'
    elif action == 'timeout':
        text = 'no answer for %s s' % fault.get('delay', 30)
    elif action == 'process_then_drop':
        text = 'processed, connection dropped' + (' after %s s' % fault['delay'] if fault.get('delay') else '')
    elif action == 'process_then_respond':
        text = 'processed, answered %s' % status
    elif action == 'truncate':
        text = 'truncated body' + (' (full Content-Length)' if fault.get('declare_full_length') else '')
    elif action == 'empty':
        text = 'empty 200'
    elif action == 'delay':
        text = 'processed, answered after %s s' % fault.get('delay', 30)
    else:
        text = action
    count = fault.get('count', 1)
    if count > 1:
        text += ' ×%d' % count
    return '%s on %s' % (text, ROUTES.get(fault.get('route'), fault.get('route') or 'any request'))


def fault_label(case):
    """The faults and simulator settings of one case, in words."""
    parts = [_one_fault(fault) for fault in case.get('faults') or []]
    config = case.get('config') or {}
    if 'clock_offset_seconds' in config:
        parts.append('gateway clock %+d min' % round(config['clock_offset_seconds'] / 60.0))
    if 'token_lifetime' in config:
        parts.append('tokens expire after %s s' % config['token_lifetime'])
    if case.get('label'):
        parts.append(case['label'])
    return '; '.join(parts) or 'none'


def normalize(message, sim_url=None, api_prefix=None):
    """A failure message without the values that change from run to run."""
    text = message or ''
    if sim_url:
        text = text.replace(sim_url, '{endpoint}')
    if api_prefix:
        text = text.replace(api_prefix, '…')
    text = re.sub(r'/v2/[0-9a-f]{32}/fdi/instances/[A-Za-z0-9_-]+', '…', text)
    text = re.sub(r'https?://127\.0\.0\.1:\d+', '{endpoint}', text)
    text = re.sub(r'\b[0-9a-f]{32}\b', '…', text)
    text = re.sub(r'\b\d{8}T\d{6}Z\b', '{time}', text)
    text = re.sub(r'\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z', '{time}', text)
    text = re.sub(r'\b[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\b', '{date}', text)
    text = re.sub(r'/tmp/[^\s,;:)\'"]+', '{tmp}', text)
    return text


def outcome(result, sim_url=None, api_prefix=None, tasks=None, rerun=None):
    """``ok, changed`` / ``fails: `message``` plus what the simulator holds afterwards."""
    if result.get('failed'):
        text = 'fails: `%s`' % normalize(result.get('msg'), sim_url, api_prefix).replace('`', "'")
    else:
        text = 'ok, %s' % ('changed' if result.get('changed') else 'unchanged')
    if rerun is not None:
        text += '; re-run: %s' % ('fails' if rerun.get('failed') else 'changed' if rerun.get('changed') else 'unchanged')
    if tasks is not None:
        text += '; %d task%s in the simulator' % (tasks, '' if tasks == 1 else 's')
    return text


def gaps(entries):
    """Seconds between consecutive requests of the log."""
    times = [entry['time'] for entry in entries]
    return [round(later - earlier, 3) for earlier, later in zip(times, times[1:])]


def gap_violations(observed, minimum=None, maximum=None):
    """Each gap outside its [minimum, maximum] (None: no bound), as text; [] when all are inside."""
    problems = []
    for bounds, compare, word in ((minimum or [], lambda gap, bound: gap >= bound, 'shorter'), (maximum or [], lambda gap, bound: gap <= bound, 'longer')):
        for index, bound in enumerate(bounds):
            if bound is None:
                continue
            if index >= len(observed):
                problems.append('no gap #%d' % (index + 1))
            elif not compare(observed[index], bound):
                problems.append('gap #%d of %.3f s is %s than %s s' % (index + 1, observed[index], word, bound))
    return problems


def sim_faults(case, late=False):
    """The simulator faults of a case: ROMA faults scoped to the case's instance (posted up front), or IAM ones (``late``)."""
    faults = []
    for fault in case.get('faults') or []:
        route = fault.get('route')
        if (route == 'iam_token') != bool(late):
            continue
        spec = dict((key, value) for key, value in fault.items() if key != 'route')
        spec['match'] = {'route': route} if route == 'iam_token' else {'route': route, 'path_contains': '/instances/%s/' % case['id']}
        faults.append(spec)
    return faults


def request_label(case):
    """``GET list``: the request a case is about (its first fault's), unless the case names it."""
    if case.get('request'):
        return case['request']
    route = next((fault.get('route') for fault in case.get('faults') or []), None)
    return '%s %s' % (METHODS.get(route, ''), ROUTES.get(route, route or '')) if route else ''


def case_views(cases, runs, reruns, log, tasks, rerun_seq, windows):
    """Everything observed about each case: ``{case, result, rerun, log, tasks}``.

    ``runs``/``reruns`` are registered loop results (each with its case as ``case``, the loop variable).  A case's
    requests are those of its own instance (before ``rerun_seq``: its first run), or, for cases
    run one at a time, those whose sequence number is in its window (including IAM logins).
    """
    results = dict((run['case']['id'], run) for run in runs)
    rerun_results = dict((run['case']['id'], run) for run in reruns)
    views = []
    for case in cases:
        marker = '/instances/%s/' % case['id']
        if case['id'] in windows:
            start, end = windows[case['id']]
            entries = [entry for entry in log if start < entry['seq'] <= end]
        else:
            entries = [entry for entry in log if marker in entry['path'] and entry['seq'] <= rerun_seq]
        views.append(
            {
                'case': case,
                'result': results.get(case['id'], {}),
                'rerun': rerun_results.get(case['id']),
                'log': entries,
                'tasks': [task for task in tasks if task.get('instance_id') == case['id']],
            }
        )
    return views


def matrix_row(view, sim_url, auth_labels):
    """The row of the fault matrix for one of ``case_views``; ``auth_labels`` names each ``auth`` of the cases."""
    case = view['case']
    auth = case.get('auth', 'token')
    return {
        'section': case['section'],
        'case': case['id'],
        'request': request_label(case),
        'auth': auth_labels.get(auth, auth),
        'fault': fault_label(case),
        'requests': request_summary(view['log']),
        'outcome': outcome(view['result'], sim_url, tasks=len(view['tasks']) if 'tasks' in case.get('expect', {}) else None, rerun=view.get('rerun')),
    }


class FilterModule:
    """Jinja filters for the fault-matrix targets."""

    def filters(self):
        return {
            'roma_request_summary': request_summary,
            'roma_fault_label': fault_label,
            'roma_outcome': outcome,
            'roma_gaps': gaps,
            'roma_gap_violations': gap_violations,
            'roma_sim_faults': sim_faults,
            'roma_request_label': request_label,
            'roma_case_views': case_views,
            'roma_matrix_row': matrix_row,
        }


# -- the Markdown table ---------------------------------------------------------------------------------


def _cell(text):
    return str(text).replace('|', '\\|').replace('\n', ' ')


def render(rows):
    """The Markdown of the matrix: one table per section, in the order the rows came."""
    lines = []
    sections = []
    for row in rows:
        if row['section'] not in sections:
            sections.append(row['section'])
    for section in sections:
        if lines:
            lines.append('')
        lines.append('**%s**' % SECTIONS.get(section, section))
        lines.append('')
        lines.append('| case | request | auth | fault | requests the simulator saw | outcome |')
        lines.append('|---|---|---|---|---|---|')
        for row in rows:
            if row['section'] == section:
                lines.append(
                    '| %s |'
                    % ' | '.join(
                        _cell(value)
                        for value in ('`%s`' % row['case'], row['request'], row['auth'], row['fault'], ' → '.join(row['requests']) or 'none', row['outcome'])
                    )
                )
    return '\n'.join(lines) + '\n'


def _markers(name):
    return ('<!-- BEGIN fault-matrix %s: generated by the %s integration test, do not edit -->' % (name, name), '<!-- END fault-matrix %s -->' % name)


def _split(document, name):
    begin, end = _markers(name)
    start, stop = document.find(begin), document.find(end)
    if start < 0 or stop < start:
        raise SystemExit('%s and %s are not in the document' % (begin, end))
    return document[: start + len(begin)] + '\n\n', document[start + len(begin) : stop].strip('\n') + '\n', '\n' + document[stop:]


def main(argv):
    if len(argv) < 4 or argv[0] not in ('check', 'update'):
        raise SystemExit(__doc__)
    command, rows_file, doc_file, name = argv[:4]
    with open(rows_file, encoding='utf-8') as handle:
        rendered = render(json.load(handle))
    if '--out' in argv:
        with open(argv[argv.index('--out') + 1], 'w', encoding='utf-8') as handle:
            handle.write(rendered)
    with open(doc_file, encoding='utf-8') as handle:
        document = handle.read()
    head, current, tail = _split(document, name)
    if current == rendered:
        print('The fault matrix %s in %s matches what the test observed (%d lines).' % (name, doc_file, rendered.count('\n')))
        return 0
    if command == 'update':
        with open(doc_file, 'w', encoding='utf-8') as handle:
            handle.write(head + rendered + tail)
        print('Updated the fault matrix %s in %s.' % (name, doc_file))
        return 0
    sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), rendered.splitlines(True), 'documented', 'observed'))
    print(
        '\nThe fault matrix %s in %s differs from what the test observed (diff above). If the new behaviour is right, run\n'
        '  python tests/integration/targets/setup_roma_simulator/filter_plugins/roma_matrix.py update %s docs/troubleshooting.md %s\n'
        'from the repository root.' % (name, doc_file, rows_file, name)
    )
    return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
