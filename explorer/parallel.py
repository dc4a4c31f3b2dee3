"""The one place the build starts processes: work split between this process and
copies of it forked on the spot, which read the model where it lies (nothing is sent
to them; each sends back what its part returned)."""
from __future__ import annotations

import gc
import os
import pickle
import signal
import traceback
from typing import Callable, Sequence, TypeVar

Part = TypeVar("Part")
Result = TypeVar("Result")


def worker_count(size: int, threshold: int) -> int:
    """Processes to share work of this size: one below threshold (forking would cost
    more than it saves), else two at most (the bench shows no gain past the second core)."""
    return min(2, os.cpu_count() or 1) if size >= threshold and hasattr(os, "fork") else 1


def forked_map(work: Callable[[Part], Result], parts: Sequence[Part]) -> list[Result]:
    """work(part) for each part, in order: the first here, each other in a forked copy of
    this process. An exception in a copy is raised here; so is an interrupt, once the
    copies are stopped."""
    children: list[tuple[int, int]] = []
    frozen = gc.get_freeze_count() > 0   # by the caller (the build freezes its resolved model): left so
    try:
        gc.freeze()   # the collectors here and in the copies leave the objects there were (and their pages) alone
        for part in parts[1:]:
            children.append(_fork(work, part))
        results = [work(parts[0])] if parts else []
        for pid, pipe in children:
            with os.fdopen(pipe, "rb") as reading:
                try:
                    failed, value = pickle.load(reading)   # read as it comes: no copy of the whole reply
                except (EOFError, pickle.UnpicklingError):   # nothing, or a reply cut short
                    failed, value = None, None
            os.waitpid(pid, 0)
            if failed is None:
                raise RuntimeError(f"a worker process ({pid}) stopped before it finished")
            if failed:
                raise RuntimeError(f"a worker process failed:\n{value}")
            results.append(value)
        children = []
        return results
    finally:
        if not frozen:
            gc.unfreeze()
        for pid, _ in children:   # stopped before they finished: interrupted, or another failed
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass


def _fork(work: Callable, part) -> tuple[int, int]:
    reading, writing = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writing)
        return pid, reading
    os.close(reading)
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C reaches the group: the parent stops the copies
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            reply = (False, work(part))
        except Exception:
            reply = (True, traceback.format_exc())
        with os.fdopen(writing, "wb") as out:
            pickle.dump(reply, out, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    finally:
        os._exit(code)
