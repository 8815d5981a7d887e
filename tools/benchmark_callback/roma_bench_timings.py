"""Callback plugin for `make bench`: when each task started and each of its loop items finished.

Enabled only by tools/benchmark.py (ANSIBLE_CALLBACK_PLUGINS + ANSIBLE_CALLBACKS_ENABLED); it
writes ``{"tasks": [{"name", "start", "end", "items": [end, ...], "failed"}]}`` with wall-clock
times (``time.time()``, the clock the simulator stamps its request log with) to the file named by
ROMA_BENCH_TIMINGS.  Both sides of the comparison are timed by the same events, so whatever the
callback itself costs is the same for the module and for ansible.builtin.uri.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'roma_bench_timings'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks = []
        self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.current = {'name': task.get_name(), 'start': time.time(), 'end': None, 'items': [], 'failed': False}
        self.tasks.append(self.current)

    def _item_done(self, result, failed=False):
        if self.current is not None:
            self.current['items'].append(time.time())
            self.current['failed'] = self.current['failed'] or failed

    def v2_runner_item_on_ok(self, result):
        self._item_done(result)

    def v2_runner_item_on_failed(self, result):
        self._item_done(result, failed=True)

    def v2_runner_item_on_skipped(self, result):
        self._item_done(result)

    def _task_done(self, result, failed=False):
        if self.current is not None:
            self.current['end'] = time.time()
            self.current['failed'] = self.current['failed'] or failed
            if failed:
                self.current['message'] = str(result._result.get('msg', ''))[:500]  # pylint: disable=protected-access

    def v2_runner_on_ok(self, result):
        self._task_done(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._task_done(result, failed=True)

    def v2_runner_on_skipped(self, result):
        self._task_done(result)

    def v2_runner_on_unreachable(self, result):
        self._task_done(result, failed=True)

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('ROMA_BENCH_TIMINGS')
        if path:
            with open(path, 'w', encoding='utf-8') as handle:
                json.dump({'tasks': self.tasks}, handle, indent=1)
