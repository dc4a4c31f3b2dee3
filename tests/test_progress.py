"""What a long build prints while it runs: in a log, on a terminal, or nothing; and an interrupt."""
import io
import signal
import types

import pytest

from explorer import progress as progress_module
from explorer.progress import PLAIN_EVERY, Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def clock(monkeypatch):
    """The time Progress reads, set by the test."""
    now = types.SimpleNamespace(value=1000.0)
    monkeypatch.setattr(progress_module, "time", types.SimpleNamespace(monotonic=lambda: now.value))
    return now


def test_a_log_hears_of_a_long_stage_every_few_seconds_and_when_it_ends(clock):
    log = io.StringIO()
    progress = Progress(log)
    progress.stage("load")
    clock.value += 1
    progress.stage("render", total=300)
    clock.value += PLAIN_EVERY + 1
    progress.update(100)
    clock.value += 1
    progress.update(200)   # too soon for another line
    progress.stage("index")
    progress.finish()
    assert log.getvalue() == "render 100/300 pages (6 s)\nrender: done in 7 s, 200 pages\n"
    assert progress.timings == {"load": 1.0, "render": PLAIN_EVERY + 2, "index": 0.0}
    assert set(progress.peaks) == {"load", "render", "index"} and progress.peaks["index"] > 0


def test_a_terminal_line_is_redrawn_in_place_and_cleared_at_the_end(clock):
    screen = Terminal()
    progress = Progress(screen)
    progress.stage("render", total=10)
    clock.value += 0.05
    progress.update(5)      # within the redraw interval: not drawn
    clock.value += 0.2
    progress.update(6)
    progress.finish()
    clear = "\r\033[K"
    assert screen.getvalue() == f"{clear}render 0/10 pages (0 s){clear}render 6/10 pages (0 s){clear}"


def test_quiet_prints_nothing_and_still_times_the_stages(clock):
    screen = Terminal()
    progress = Progress(screen, quiet=True)
    progress.stage("render", total=10)
    clock.value += PLAIN_EVERY * 3
    progress.update(10)
    progress.finish()
    assert screen.getvalue() == "" and progress.timings == {"render": PLAIN_EVERY * 3}


def test_an_interrupt_stops_the_build_at_its_next_count_of_pages_or_stage(clock):
    progress = Progress(io.StringIO())
    progress.stage("render", total=10)
    progress.interrupt(signal.SIGINT, None)   # as the signal handler is called
    with pytest.raises(KeyboardInterrupt):
        progress.update(1)
    with pytest.raises(KeyboardInterrupt):
        progress.stage("index")
    progress.finish()   # what build.py's finally calls: it does not raise again
