"""Errors are values: collected with the file and line they concern, printed together.

The convention across the stages: a loader appends what it finds to an `errors` list it
is given and returns what it loaded; a check returns its list of problems; a stage that
cannot go on (load, write) raises ContentErrors with every problem found so far."""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class ContentError:
    path: str
    line: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        kind = "warning: " if self.warning else ""
        return f"{where}: {kind}{self.message}"


class ContentErrors(Exception):
    """Raised by a stage that cannot go on; carries every problem found so far."""

    def __init__(self, errors: list[ContentError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def display_path(path: Path, root: Path | None) -> str:
    """A path as the user should read it: relative to the project root when inside it."""
    if root is not None:
        # abspath, not resolve: a symbolic link is named as itself, not as its target
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
        except ValueError:
            pass
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):
            pass
    return path.as_posix()


def did_you_mean(name: str, candidates) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""
