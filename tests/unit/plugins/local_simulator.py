# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The bundled simulator, run in this process for the unit tests that need a real server (property round trips, paging).

The integration targets run the modules through ansible-playbook; these tests run ``main()`` in
the test process against the same simulator over a real socket, for properties that need many runs.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import urllib.request

import pytest

SIMULATOR_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, 'simulator')
sys.path.insert(0, os.path.normpath(SIMULATOR_DIR))

from roma_sim.auth import Accounts  # noqa: E402  pylint: disable=wrong-import-position
from roma_sim.server import Simulator, SimulatorServer  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.hwcloud.roma.plugins.module_utils.client import HttpTransport  # noqa: E402  pylint: disable=wrong-import-position

REAL_REQUEST = HttpTransport.request  # the unit tests' no_network fixture replaces it; these tests talk to a real (local) server
PROJECT_ID = '0123456789abcdef0123456789abcdef'
INSTANCE_ID = 'inst-1'  # the instance ModuleRunner passes


@pytest.fixture(scope='module')
def server():
    simulator_server = SimulatorServer(Simulator(Accounts.default()), '127.0.0.1', 0)
    thread = threading.Thread(target=simulator_server.serve_forever, kwargs={'poll_interval': 0.1}, daemon=True)
    thread.start()
    yield simulator_server
    simulator_server.shutdown()
    simulator_server.server_close()


@pytest.fixture
def real_network(monkeypatch):
    """Requests reach the local simulator (the autouse no_network fixture refuses them otherwise)."""
    monkeypatch.setattr(HttpTransport, 'request', REAL_REQUEST)


def control(server, method, path, body=None):
    """A request to the simulator's test controls (``/_sim/...``)."""
    request = urllib.request.Request(
        server.url + '/_sim/' + path,
        method=method,
        headers={'Content-Type': 'application/json'},
        data=None if body is None else json.dumps(body).encode('utf-8'),
    )
    with urllib.request.urlopen(request) as answer:  # nosec - the local simulator
        content = answer.read()
    return json.loads(content) if content else None


def connection_to(server):
    """Token-auth connection options for the modules, after a reset of the simulator."""
    server.simulator.reset()
    return dict(endpoint=server.url, project_id=PROJECT_ID, auth_token=control(server, 'POST', 'tokens', {})['token'])
