"""Work shared with processes forked from the build: they inherit the model as it is in
memory (nothing goes through a pipe but what they return), so forking pays from a few
hundred pages or a few thousand search entries on."""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from contextlib import contextmanager
from typing import Callable

_SHARED = None   # what the forked workers read (set in the parent just before forking)


def shared():
    return _SHARED


def worker_count(workers: int | None) -> int:
    """Two at most: the other stages' profiles show no gain past the second core here."""
    return workers if workers is not None else min(2, os.cpu_count() or 1)


def can_fork(workers: int) -> bool:
    return workers >= 2 and "fork" in multiprocessing.get_all_start_methods()


def quiet_worker() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the pool and cleans up
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def frozen_heap():
    """The objects there are now left out of the cyclic collector's passes while the block
    runs (in this process and in workers forked in it): else each pass walks the whole
    model, and in a worker copies every page of memory it touches. Within a block of its
    own (the build freezes the resolved model), the outer block unfreezes."""
    outermost = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if outermost:
            gc.unfreeze()


def in_child(work: Callable[[], None]) -> int | None:
    """work() in a forked process, whose id is returned; None where the system cannot fork
    (work() has then run here). The child leaves with os._exit, without the parent's
    clean-up: exit code 0 when work() returned, 1 when it raised."""
    if not hasattr(os, "fork"):
        work()
        return None
    with frozen_heap():   # the child's collector leaves the inherited model alone
        pid = os.fork()
    if pid == 0:
        code = 1
        try:
            quiet_worker()
            work()
            code = 0
        finally:
            os._exit(code)
    return pid


def reap(pid: int, kill: bool = False) -> int:
    """A forked child's exit code once it has ended (killed first, with kill)."""
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass   # it had ended
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def forked_map(function: Callable, parts: list, state, workers: int) -> list:
    """function(part) for each part, in forked workers that see `state` through shared();
    their results in the order of parts."""
    global _SHARED
    _SHARED = state
    try:
        with frozen_heap(), multiprocessing.get_context("fork").Pool(workers, initializer=quiet_worker) as pool:
            return pool.map(function, parts)
    finally:
        _SHARED = None


class ForkedMap:
    """forked_map started now, its results taken later: this process goes on with other
    work (the workers are forked here, so they see `state` as it is now)."""

    def __init__(self, function: Callable, parts: list, state, workers: int):
        global _SHARED
        _SHARED = state
        try:
            with frozen_heap():
                self._pool = multiprocessing.get_context("fork").Pool(workers, initializer=quiet_worker)
        finally:
            _SHARED = None
        self._pending = self._pool.map_async(function, parts)

    def results(self) -> list:
        """function(part) for each part, in the order of parts, once every worker is done."""
        try:
            return self._pending.get()
        finally:
            self.stop()

    def stop(self) -> None:
        self._pool.terminate()
        self._pool.join()


def balanced(costs: list[int], parts: int) -> list[list[int]]:
    """Indices split into parts of about the same total cost (largest first, each to the
    lightest part so far), each part in ascending order."""
    loads = [[0, []] for _ in range(parts)]
    for i in sorted(range(len(costs)), key=lambda i: -costs[i]):
        lightest = min(loads, key=lambda load: load[0])
        lightest[0] += costs[i]
        lightest[1].append(i)
    return [sorted(indices) for _, indices in loads]
