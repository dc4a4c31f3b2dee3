"""Progress of a long build on stderr: the stage, and pages done of the total; and the
time of each stage and this process's peak memory after it (build.py --timings).

On a terminal, one line rewritten in place (and cleared at the end). Anywhere else (a CI
log, a pipe), a plain line every PLAIN_EVERY seconds once a stage has run that long, so
short builds print nothing extra. Nothing at all when quiet.
"""
from __future__ import annotations

import resource
import sys
import time

REDRAW_S = 0.1
PLAIN_EVERY = 5.0


class Progress:
    def __init__(self, stream=None, quiet: bool = False):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.terminal = not quiet and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.name, self.total, self.done = "", None, 0
        self.started = self.shown = time.monotonic()
        self.interrupted = False
        self.timings: dict[str, float] = {}   # stage -> seconds
        self.peaks: dict[str, int] = {}       # stage -> this process's peak RSS after it (KB)

    def interrupt(self, *_signal) -> None:
        """A signal handler: the build stops at its next stage or count of pages (before it
        publishes). Raising in the handler itself could land where Python drops the
        exception (a fork's callbacks, a finaliser) and the build would go on."""
        self.interrupted = True

    def stage(self, name: str, total: int | None = None) -> None:
        self._ended()
        self.name, self.total, self.done = name, total, 0
        self.started = self.shown = time.monotonic()
        self._show(force=self.terminal)

    def update(self, done: int) -> None:
        self.done = done
        self._show()

    def finish(self) -> None:
        self._ended()
        if self.terminal:
            self._write("\r\033[K")

    def _ended(self) -> None:
        """The stage's time kept; off a terminal, a stage that ran long says so when it ends."""
        elapsed = time.monotonic() - self.started
        if self.name:
            self.timings[self.name], self.peaks[self.name] = elapsed, peak_rss_kb()
            if not self.quiet and not self.terminal and elapsed >= PLAIN_EVERY:
                self._write(f"{self.name}: done in {elapsed:.0f} s" + (f", {self.done:,} pages\n" if self.total else "\n"))
        self.name = ""

    def _show(self, force: bool = False) -> None:
        if self.interrupted:   # at the start of a stage or a count of pages
            raise KeyboardInterrupt
        now = time.monotonic()
        if self.quiet or not (force or now - self.shown >= (REDRAW_S if self.terminal else PLAIN_EVERY)):
            return
        count = f" {self.done:,}/{self.total:,} pages" if self.total else ""
        line = f"{self.name}{count} ({now - self.started:.0f} s)"
        self._write("\r\033[K" + line if self.terminal else line + "\n")
        self.shown = now

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


def peak_rss_kb() -> int:
    """This process's largest resident set so far, in KB (Linux and macOS differ in unit)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak
