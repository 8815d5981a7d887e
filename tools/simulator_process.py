"""Start the bundled ROMA Connect simulator as a child process for the demo and the benchmark.

The simulator prints its URL only once it accepts connections and writes it to
``--url-file``; waiting for that file (instead of sleeping) keeps start-up both
fast and race-free.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIMULATOR = os.path.join(REPO_ROOT, 'tests', 'simulator', 'run_simulator.py')


class SimulatorProcess:
    """``with SimulatorProcess(...) as url:`` runs the simulator for the block and stops it afterwards."""

    def __init__(self, *extra_args, python=sys.executable, startup_timeout=20.0, host='127.0.0.1', port=0):
        self.extra_args = ['--host', host] + list(extra_args)
        self.port = port  # 0: a free port, so parallel runs never collide
        self.python = python
        self.startup_timeout = startup_timeout
        self.process = None
        self.url = None
        self._workdir = None

    def __enter__(self):
        self._workdir = tempfile.TemporaryDirectory(prefix='roma-sim-')
        url_file = os.path.join(self._workdir.name, 'url')
        command = [self.python, SIMULATOR, '--port', str(self.port), '--url-file', url_file] + self.extra_args
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # pylint: disable=consider-using-with
        deadline = time.monotonic() + self.startup_timeout
        while not os.path.exists(url_file):
            if self.process.poll() is not None:
                raise RuntimeError(f'the simulator exited with status {self.process.returncode}: {" ".join(command)}')
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f'the simulator did not start within {self.startup_timeout}s')
            time.sleep(0.02)
        with open(url_file, encoding='utf-8') as handle:
            self.url = handle.read().strip()
        return self.url

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __exit__(self, *exc_info):
        self.stop()
        if self._workdir:
            self._workdir.cleanup()
