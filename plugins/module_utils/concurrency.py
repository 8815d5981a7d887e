# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Threads, deadlines and interruptions: the collection's one thread pool, one deadline per run, Ctrl-C and SIGTERM.

A change that stops a sync job must start it again however the run ends: an API error,
a bug, the user's Ctrl-C (SIGINT) or a job runner's timeout (AWX and ansible-runner send
SIGTERM).  Python turns SIGINT into ``KeyboardInterrupt``, but SIGTERM kills the process
without running any ``finally``; :func:`interruptible` turns it into :class:`Terminated`
so that the apply step's ``finally`` restarts what it stopped, and :func:`shielded`
holds both signals back while that restart runs.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from types import FrameType
    from typing import NoReturn, TypeVar

    _T = TypeVar('_T')
    _R = TypeVar('_R')


class Terminated(BaseException):
    """SIGTERM arrived (a job runner's timeout or cancel).  A BaseException, like KeyboardInterrupt: no ``except Exception`` eats it."""


INTERRUPTIONS = (KeyboardInterrupt, Terminated)


def describe_interruption(interruption: BaseException) -> str:
    return 'SIGTERM (the job was cancelled or timed out)' if isinstance(interruption, Terminated) else 'Ctrl-C (SIGINT)'


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _raise_terminated(signum: int, frame: FrameType | None) -> NoReturn:  # pylint: disable=unused-argument
    raise Terminated()


@contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` in the main thread, as SIGINT raises KeyboardInterrupt."""
    if not _in_main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def shielded() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back until the block has run (a restart must not be cut short); then raise the first one held."""
    if not _in_main_thread():
        yield
        return
    held = []

    def hold(signum: int, frame: FrameType | None) -> None:  # pylint: disable=unused-argument
        held.append(signum)

    previous = dict((signum, signal.signal(signum, hold)) for signum in (signal.SIGINT, signal.SIGTERM))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if held:
        raise Terminated() if held[0] == signal.SIGTERM else KeyboardInterrupt()


def run_concurrently(work: Callable[[_T], _R], items: Iterable[_T], parallelism: int, cancel: threading.Event | None = None) -> list[_R]:
    """``[work(item) for item in items]``, with up to ``parallelism`` calls at once; results in the order of ``items``.

    Inline when there is nothing to overlap, so a one-task run never starts a thread (nor
    imports the pool).  When the main thread is interrupted while waiting, ``cancel`` (a
    ``threading.Event`` the work may check between its requests) is set, the calls not
    started yet are cancelled and the running ones are waited for (each request is bounded
    by the timeout), so that the caller's ``finally`` sees every request that was made.
    """
    items = list(items)
    if parallelism <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor  # imported here: only a run with work to overlap pays for it

    pool = ThreadPoolExecutor(max_workers=min(parallelism, len(items)))
    futures = [pool.submit(work, item) for item in items]
    try:
        return [future.result() for future in futures]
    except BaseException:
        if cancel is not None:
            cancel.set()
        for future in futures:
            future.cancel()
        raise
    finally:
        pool.shutdown(wait=True)


class Deadline:
    """One deadline for a whole run: ``wait_timeout`` bounds the confirmation of stops and the wait for the tasks' state together.

    Time spent is the larger of the clock's reading and the sum of the sleeps, so that a
    test whose ``sleep`` only records the delays still sees time pass (and a real run,
    where the clock runs at least as fast as the sleeps, is measured by the clock).
    A sleep never goes past the deadline.
    """

    def __init__(self, seconds: float, sleep: Callable[[float], object] | None = None, clock: Callable[[], float] | None = None) -> None:
        self.seconds = seconds
        self._sleep = sleep or time.sleep
        self._clock = clock or time.monotonic
        self._start = self._clock()
        self._slept = 0.0

    def elapsed(self) -> float:
        return max(self._clock() - self._start, self._slept)

    def remaining(self) -> float:
        return self.seconds - self.elapsed()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def sleep(self, delay: float) -> None:
        delay = max(0.0, min(delay, self.remaining()))
        self._sleep(delay)
        self._slept += delay
