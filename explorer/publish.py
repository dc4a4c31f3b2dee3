"""Where a build goes, and how it replaces the last one (docs/architecture.md).

The output (site/) is a symbolic link to a build folder in `.site.builds/` beside it,
replaced by one rename; each build folder is locked by its build while it runs, and a
build that publishes removes every other folder nobody holds. The output may only be
absent, an empty folder, such a link, or a folder that carries a build's MARKER.
"""
from __future__ import annotations

import fcntl
import os
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path

from .errors import ContentError, display_path

MARKER = ".policy-explorer-build"
MARKER_TEXT = "Written by the Ningbo Policy Explorer build; the next build replaces this folder.\n"
PROTECTED = ("content", "data", "templates", "static", ".git")   # never written into


def builds_folder(out: Path) -> Path:
    return out.parent / f".{out.name}.builds"


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))   # without following a link at the end


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def refusal(out: Path, root: Path, theme: Path | None = None) -> ContentError | None:
    """Why the build may not write to out, or None."""
    out, root = _absolute(out), _absolute(root)
    shown = display_path(out, root)
    if _inside(root, out):
        return ContentError(shown, None, "the output folder would replace the project itself; choose a new folder "
                                         "such as site/")
    for base in {root, _absolute(theme or root)}:
        for name in PROTECTED:
            if _inside(out, base / name):
                return ContentError(shown, None, f"the output folder is inside {name}/, which the build reads; "
                                                 "choose a folder of its own such as site/")
    if out.is_symlink():
        target = _absolute(out.parent / os.readlink(out))
        if target.parent != _absolute(builds_folder(out)):
            return ContentError(shown, None, f"is a symbolic link to {os.readlink(out)}, not to a build of this "
                                             "site; remove it or choose another --out")
        return None
    if not out.exists():
        return None
    if not out.is_dir():
        return ContentError(shown, None, "is a file, not a site folder; remove it or choose another --out")
    if any(out.iterdir()) and not (out / MARKER).is_file():
        return ContentError(shown, None, "holds files this build did not write, so it is not replaced; "
                                         "choose an empty or new folder with --out (an old build: remove it)")
    return None


@contextmanager
def _locked(path: Path, blocking: bool = True):
    """An exclusive flock on path, or None when not blocking and someone holds it."""
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield None
            return
        yield handle
    finally:
        handle.close()


class Staging:
    """A new build folder, held (locked) from creation until the build ends."""

    def __init__(self, out: Path):
        self.out = _absolute(out)
        self.builds = builds_folder(self.out)
        self.builds.mkdir(parents=True, exist_ok=True)
        name = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.folder = self.builds / name
        self._lock_path = self.builds / f"{name}.lock"
        with _locked(self.builds / ".lock"):   # no clean-up sees the folder before its lock
            self._lock = open(self._lock_path, "a+")
            fcntl.flock(self._lock, fcntl.LOCK_EX)
            self.folder.mkdir()

    def publish(self) -> None:
        """Point out at this build in one rename, then remove what earlier builds left."""
        (self.folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        with _locked(self.builds / ".lock"):
            if self.out.is_dir() and not self.out.is_symlink():
                # a plain folder (empty, or a build from before builds were linked): moved
                # into the builds folder, where the clean-up below removes it
                self.out.rename(self.builds / f"{self.folder.name}.previous")
            link = self.builds / f".link-{self.folder.name}"
            link.unlink(missing_ok=True)
            link.symlink_to(Path(self.builds.name) / self.folder.name)
            os.replace(link, self.out)
            _remove_leftovers(self.builds, keep=self.folder.name)

    def discard(self) -> None:
        """A failed build: its folder goes; the published site is untouched."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self.close()

    def close(self) -> None:
        if not self._lock.closed:
            self._lock_path.unlink(missing_ok=True)
            self._lock.close()


def _remove_leftovers(builds: Path, keep: str) -> None:
    """Build folders, locks and links of earlier builds that no running build holds."""
    for entry in sorted(builds.iterdir()):
        name = entry.name
        if name in (".lock", keep, f"{keep}.lock"):
            continue
        owner = name.removeprefix(".link-").removesuffix(".lock").removesuffix(".previous")
        lock = builds / f"{owner}.lock"
        if lock.exists():   # the lock of a build killed after it published stays until the next
            with _locked(lock, blocking=False) as held:
                if held is None:
                    continue   # a build that is still running
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def write_file(folder: Path, path: str, text: str) -> None:
    """text, UTF-8, as the file at path (relative to folder, with /). A file already there
    is written over, then cut to length: its blocks are reused, where emptying it first
    would free them (serve's template edit writes every page again, 1.7x faster at 100x)."""
    target = os.path.join(folder, path)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o666)
    except FileNotFoundError:   # its folder is made by the first file written into it
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(text.encode("utf-8"))
        handle.truncate()
