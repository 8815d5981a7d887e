# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What runme.sh needs to interrupt a run at a known step, with the standard library only.

python interrupt_tools.py token URL                     print a token of the simulator's first project (no IAM request)
python interrupt_tools.py hold URL ROUTE SECONDS        clear the request log, then hold the answer to the next ROUTE request
                                                        for SECONDS (the simulator makes the change at once: the run that
                                                        sent it is then mid-change)
python interrupt_tools.py wait-held URL ROUTE TIMEOUT   wait until the simulator has processed that held request
python interrupt_tools.py tree PID                      PID and every process below it (ansible-playbook, its worker, the
                                                        shell and the module it runs), one a line
python interrupt_tools.py wait-gone TIMEOUT PID...      wait until none of them runs any more (a zombie counts as gone)

Each exits 1 with a message when it times out.
"""

from __future__ import annotations

import json
import os
import sys
import time
from urllib.request import Request, urlopen


def _control(url, path, body=None, method=None):
    data = None if body is None else json.dumps(body).encode('utf-8')
    request = Request(url + '/_sim/' + path, data=data, method=method or ('GET' if body is None else 'POST'), headers={'Content-Type': 'application/json'})
    with urlopen(request, timeout=10) as response:  # nosec - the local simulator
        return json.loads(response.read().decode('utf-8'))


def token(url):
    print(_control(url, 'tokens', {})['token'])
    return 0


def hold(url, route, seconds):
    _control(url, 'requests', method='DELETE')
    _control(url, 'faults', {'action': 'delay', 'delay': float(seconds), 'match': {'route': route}})
    return 0


def wait_held(url, route, timeout):
    deadline = time.monotonic() + float(timeout)
    while time.monotonic() < deadline:
        if any(entry['route'] == route and entry.get('fault') == 'delay' and 'processed_status' in entry for entry in _control(url, 'requests')['requests']):
            return 0
        time.sleep(0.05)
    print('no %s request was held by the simulator within %s s' % (route, timeout), file=sys.stderr)
    return 1


def _processes():
    """{pid: (parent pid, state)} of every process, from /proc."""
    found = {}
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % name, encoding='utf-8', errors='replace') as handle:
                fields = handle.read().rsplit(')', 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        found[int(name)] = (int(fields[1]), fields[0])
    return found


def tree(pid):
    processes = _processes()
    pids, index = [int(pid)], 0
    while index < len(pids):
        pids.extend(child for child, (parent, _state) in sorted(processes.items()) if parent == pids[index])
        index += 1
    print('\n'.join(str(each) for each in pids))
    return 0


def wait_gone(timeout, *pids):
    deadline = time.monotonic() + float(timeout)
    wanted = set(int(pid) for pid in pids)
    while True:
        running = sorted(pid for pid, (_parent, state) in _processes().items() if pid in wanted and state != 'Z')
        if not running:
            return 0
        if time.monotonic() >= deadline:
            print('still running after %s s: %s' % (timeout, ' '.join(map(str, running))), file=sys.stderr)
            return 1
        time.sleep(0.05)


COMMANDS = {'token': token, 'hold': hold, 'wait-held': wait_held, 'tree': tree, 'wait-gone': wait_gone}

if __name__ == '__main__':
    sys.exit(COMMANDS[sys.argv[1]](*sys.argv[2:]) or 0)
