"""`make bench`, inside one module process: where the time of one task goes in its AnsiballZ payload (issue 23).

tools/benchmark.py runs a short playbook with ANSIBLE_KEEP_REMOTE_FILES=1, so the payloads the
controller really sent stay on disk: a create and a no-op of hwcloud.roma.fdi_composite_task,
and the ansible.builtin.uri POST a user would write instead (each create is followed by a kept
delete, so it can be run again).  This module runs those payloads directly, as the controller
does (``python AnsiballZ_x.py``: the module and its module_utils imported from the zip, compiled
from source on every run), alternating the sides, and reports per side:

* wall time of the process, and the time from its start to its first request (simulator log);
* import time (``python -X importtime``), per collection module_utils file and per third-party
  package; a standard-library module counts for the file or package that imported it first,
  so each row is what that import adds to a module run;
* the payload: the AnsiballZ file the controller writes per task, and the files in its zip.

Import rows are the fastest of the runs (other work on the machine only ever adds time);
wall and first-request times are medians.
"""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_common import control  # noqa: E402  pylint: disable=wrong-import-position

SIDES = ('module create', 'module no-op', 'uri POST')
CLEANUP = {'module create': 'module delete', 'uri POST': 'uri DELETE'}  # run after each run of the side, untimed
KEPT = SIDES + tuple(CLEANUP.values())
IMPORTTIME_LINE = re.compile(r'^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( *)(\S+)')
OWN_PREFIX = 'ansible_collections.hwcloud.roma.plugins.module_utils.'
THIRD_PARTY = ('requests', 'urllib3', 'charset_normalizer', 'chardet', 'idna', 'certifi', 'simplejson', 'cryptography', 'cffi', '_cffi_backend')
CORE = 'ansible-core: basic.py and what it imports'
WRAPPER = 'standard library, first imported by the AnsiballZ wrapper or a run'


def keep_payloads(env, inventory, workdir, url, token, play):
    """Run ``play`` (one task per entry of KEPT, in that order, named ``payload|<label>``) keeping its payloads; {label: path}."""
    payload_dir = os.path.join(workdir, 'payloads')
    shutil.rmtree(payload_dir, ignore_errors=True)
    playbook = os.path.join(workdir, 'payload-playbook.json')
    with open(playbook, 'w', encoding='utf-8') as handle:
        json.dump([play], handle, indent=1)
    keep_env = dict(env, ANSIBLE_KEEP_REMOTE_FILES='1', ANSIBLE_REMOTE_TMP=payload_dir, ROMA_BENCH_TIMINGS=os.path.join(workdir, 'payload-timings.json'))
    with open(os.path.join(workdir, 'payload-playbook.log'), 'w', encoding='utf-8') as log_handle:
        returncode = subprocess.call(
            ['ansible-playbook', '-i', inventory, playbook, '-e', 'roma_url=%s' % url, '-e', 'roma_token=%s' % token],
            env=keep_env,
            stdout=log_handle,
            stderr=subprocess.STDOUT,
        )
    # one ansible-tmp-<time>-... directory per task, in the order the tasks ran
    runs = sorted(os.listdir(payload_dir), key=lambda name: float(name.split('-')[2])) if os.path.isdir(payload_dir) else []
    if returncode != 0 or len(runs) != len(KEPT):
        raise RuntimeError(
            'keeping the payloads failed (exit status %d, %d payloads); see %s' % (returncode, len(runs), os.path.join(workdir, 'payload-playbook.log'))
        )
    found = {}
    for label, run in zip(KEPT, runs):
        names = [name for name in os.listdir(os.path.join(payload_dir, run)) if name.startswith('AnsiballZ_')]
        found[label] = os.path.join(payload_dir, run, names[0])
    return found


def _label(name):
    """The row an imported module counts for, or None when it counts for whoever imported it."""
    if name.startswith(OWN_PREFIX):
        return 'module_utils/%s.py' % name[len(OWN_PREFIX) :]
    if name.startswith('ansible_collections'):
        return 'collection packages (__init__)'
    if name == 'ansible.module_utils.urls':
        return name
    top = name.split('.')[0]
    if top in THIRD_PARTY:
        return top
    if top == 'ansible':
        return CORE
    return None


def import_rows(stderr):
    """{row: microseconds} from one ``-X importtime`` run: each module's own time, counted for its row or its importer's."""
    entries = [
        (int(self_us), len(indent), name)
        for self_us, _cumulative, indent, name in (match.groups() for match in map(IMPORTTIME_LINE.match, stderr.splitlines()) if match)
    ]
    rows, stack = collections.Counter(), []
    for self_us, depth, name in reversed(entries):  # importtime prints children first: reversed, parents come first
        while stack and stack[-1][0] >= depth:
            stack.pop()
        label = _label(name) or (stack[-1][1] if stack else WRAPPER)
        stack.append((depth, label))
        rows[label] += self_us
    return rows


def _run(python, path, url, importtime=False):
    """Run one payload; (seconds, seconds to its first request or None, requests, result, -X importtime output)."""
    control(url, 'DELETE', '/_sim/requests')
    command = [python] + (['-X', 'importtime'] if importtime else []) + [path]
    started = time.time()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.time() - started
    log = [entry for entry in control(url, 'GET', '/_sim/requests')['requests'] if not entry['path'].startswith('/_sim')]
    try:
        result = json.loads(done.stdout)
    except ValueError:
        result = {'failed': True, 'msg': 'no JSON result: %s %s' % (done.stdout[-300:], done.stderr[-300:])}
    first = log[0]['time'] - started if log else None
    return seconds, first, len(log), result, done.stderr if importtime else ''


def payload_size(python, path):
    """The AnsiballZ file (what the controller writes per task) and the files of its zip (explode)."""
    subprocess.run([python, path, 'explode'], capture_output=True, check=True)
    debug_dir = os.path.join(os.path.dirname(path), 'debug_dir')
    files, total, own, own_files = 0, 0, 0, 0
    for root, _dirs, names in os.walk(debug_dir):
        for name in names:
            if not name.endswith('.py'):
                continue
            size = os.path.getsize(os.path.join(root, name))
            files += 1
            total += size
            if os.sep + 'ansible_collections' + os.sep in root + os.sep:
                own += size
                own_files += 1
    return {
        'ansiballz_kb': round(os.path.getsize(path) / 1024.0, 1),
        'files': files,
        'unzipped_kb': round(total / 1024.0, 1),
        'collection_files': own_files,
        'collection_kb': round(own / 1024.0, 1),
    }


def measure(python, payloads, url, repeat):
    """Run the sides alternately, ``repeat`` times each with and without ``-X importtime``; the report and its problems."""
    walls, firsts, counts = collections.defaultdict(list), collections.defaultdict(list), collections.defaultdict(list)
    imports = dict((side, collections.defaultdict(list)) for side in SIDES)
    totals = collections.defaultdict(list)
    problems = []
    expected = {'module create': (True, 2), 'module no-op': (False, 1), 'uri POST': (False, 1)}  # uri reports no change for a POST
    bare = []
    for number in range(repeat):
        started = time.perf_counter()
        subprocess.run([python, '-c', 'pass'], check=True)
        bare.append(time.perf_counter() - started)
        for side in SIDES if number % 2 == 0 else tuple(reversed(SIDES)):
            for importtime in (False, True):
                seconds, first, requests, result, stderr = _run(python, payloads[side], url, importtime)
                changed, minimum = expected[side]
                if result.get('failed') or bool(result.get('changed')) is not changed:
                    problems.append('payload %s: failed or changed is not %s: %s' % (side, changed, str(result.get('msg'))[:300]))
                if side in CLEANUP:
                    _run(python, payloads[CLEANUP[side]], url)
                if importtime:
                    rows = import_rows(stderr)
                    for label, micros in rows.items():
                        imports[side][label].append(micros / 1000.0)
                    totals[side].append(sum(rows.values()) / 1000.0)
                    continue
                walls[side].append(seconds)
                if first is not None:
                    firsts[side].append(first)
                counts[side].append(requests)
                if requests > minimum:
                    problems.append('payload %s sent %d requests, the minimum is %d' % (side, requests, minimum))
    report = {'repeat': repeat, 'python_startup_ms': round(statistics.median(bare) * 1000.0, 1), 'sides': {}}
    for side in SIDES:
        rows = dict((label, {'min_ms': round(min(values), 2), 'median_ms': round(statistics.median(values), 2)}) for label, values in imports[side].items())
        report['sides'][side] = {
            'wall_ms': round(statistics.median(walls[side]) * 1000.0, 1),
            'wall_min_ms': round(min(walls[side]) * 1000.0, 1),
            'first_request_ms': round(statistics.median(firsts[side]) * 1000.0, 1) if firsts[side] else None,
            'first_request_min_ms': round(min(firsts[side]) * 1000.0, 1) if firsts[side] else None,
            'requests': max(counts[side]),
            'imports_ms': round(statistics.median(totals[side]), 1),
            'imports_min_ms': round(min(totals[side]), 1),
            'import_rows': rows,
            'payload': payload_size(python, payloads[side]),
        }
    return report, problems


def _row_order(label):
    if label.startswith('module_utils/'):
        return (0, label)
    if label == 'collection packages (__init__)':
        return (1, label)
    if label in THIRD_PARTY or label == 'ansible.module_utils.urls':
        return (2, label)
    return (3, label)


def markdown(report):
    """The tables of docs/performance.md's "One task" section."""
    sides = report['sides']
    lines = [
        '| one module process (median of %d runs) | `fdi_composite_task` create | `fdi_composite_task` no-op | `uri` POST |' % report['repeat'],
        '|---|---:|---:|---:|',
    ]

    def row(title, key, unit=' ms'):
        values = [sides[side][key] for side in SIDES]
        lines.append('| %s | %s |' % (title, ' | '.join('%.1f%s' % (value, unit) if value is not None else '-' for value in values)))

    row('wall time of the process', 'wall_ms')
    row('start of the process to its first request', 'first_request_ms')
    row('imports (`-X importtime`, all rows below)', 'imports_ms')
    lines.append('| requests | %s |' % ' | '.join(str(sides[side]['requests']) for side in SIDES))
    lines.append('| payload: AnsiballZ file written per task | %s |' % ' | '.join('%.0f kB' % sides[side]['payload']['ansiballz_kb'] for side in SIDES))
    lines.append(
        "| payload: files in its zip (of which the collection's) | %s |"
        % ' | '.join(
            '%d (%d), %.0f kB (%.0f kB)'
            % (
                sides[side]['payload']['files'],
                sides[side]['payload']['collection_files'],
                sides[side]['payload']['unzipped_kb'],
                sides[side]['payload']['collection_kb'],
            )
            for side in SIDES
        )
    )
    lines += ['', '| import time, fastest of %d runs | create | no-op | `uri` POST |' % report['repeat'], '|---|---:|---:|---:|']
    labels = sorted(set(label for side in SIDES for label in sides[side]['import_rows']), key=_row_order)
    for label in labels:
        values = [sides[side]['import_rows'].get(label, {}).get('min_ms') for side in SIDES]
        if max(value or 0 for value in values) < 0.05:
            continue
        title = '`%s`' % label if not label.startswith(('ansible-core', 'standard library')) else label
        lines.append('| %s | %s |' % (title, ' | '.join('%.1f' % value if value else '-' for value in values)))
    lines.append('| all imports (the fastest run) | %s |' % ' | '.join('%.1f' % sides[side]['imports_min_ms'] for side in SIDES))
    return '\n'.join(lines)
