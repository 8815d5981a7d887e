"""Fixtures: one in-process simulator for the session, reset before every test, and a token-authenticated client."""

from __future__ import annotations

import os
import sys
import threading

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from roma_sim.auth import Accounts  # noqa: E402  pylint: disable=wrong-import-position
from roma_sim.server import Simulator, SimulatorServer  # noqa: E402  pylint: disable=wrong-import-position
from sim_helpers import SimClient  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope='session')
def server():
    simulator_server = SimulatorServer(Simulator(Accounts.default()), '127.0.0.1', 0)
    thread = threading.Thread(target=simulator_server.serve_forever, kwargs={'poll_interval': 0.1}, daemon=True)
    thread.start()
    yield simulator_server
    simulator_server.shutdown()
    simulator_server.server_close()


@pytest.fixture
def sim(server):
    """The simulator object, reset to its start-up state."""
    server.simulator.reset()
    return server.simulator


@pytest.fixture
def client(server, sim):
    """A keep-alive client holding a live token for the default project."""
    api = SimClient(server.url)
    api.token = api.control('POST', 'tokens', {})['token']
    yield api
    api.close()


@pytest.fixture
def anonymous(server, sim):
    """A client without credentials."""
    api = SimClient(server.url)
    yield api
    api.close()
