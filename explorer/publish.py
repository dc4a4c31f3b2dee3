"""Where a build goes, and how it replaces the last one.

The output (site/) is a symbolic link to a build folder in `.site.builds/` beside it. A
build writes a new folder there, makes a new link to it and renames that link over
site/: one rename, so a reader (a browser, `serve`, a Pages upload) sees the old site or
the new one, never none and never half. Each build folder has a lock file that its
build holds while it runs; the next build removes every folder that is not the current
one and whose lock nobody holds, so a killed build leaves nothing behind for long.

Removing a build of tens of thousands of files takes seconds of system calls, so no
build waits for it: under the builds folder's lock a build that is done with is renamed
into the trash (`.trash-<time>-<random>`, one rename). The newest folder of the trash is
kept for the next full build to recycle; the rest is emptied without the lock: after
publishing, while the build keeps its state (stopped when the build ends), and by the
next full build from its start, at the lowest priority, in the time its own processes
leave (it waits for that at its end).

Recycling: a full build takes the newest trash folder as its pool (`<name>.pool`), and
writes each file the pool has at the same path by moving it in and overwriting it, not
by creating a new one (creating a file costs several times more system time than
rewriting one, up to 0.8 ms a file on some disks: seconds at 20,000 files). A file
linked from another folder (an incremental build's copy) is never written through: it
is left in the pool. What the pool still holds when the build publishes (the pages of
documents since removed) goes back to the trash. Nothing reads a trash folder: the site
has not linked to it since the build before the last.

An incremental build changes a few files of tens of thousands. Rather than hard-link a
whole new folder and remove the old one each time, it keeps the build it replaced as a
spare (`<name>.spare`, with `<name>.spare.lag` naming the build it lags behind and the
files it lacks): the next incremental build takes the spare, brings those files up to
date, writes its own and publishes it. A full build removes any spare.

The output may only be absent, an empty folder, a link into its builds folder, or a
folder that carries the MARKER of a build: never the project, an ancestor of it, one of
its input folders, or a folder holding anything else.
"""
from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import stat
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import ContentError, display_path
from .parallel import in_child, reap

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


SPARE = ".spare"
TRASH = ".trash-"
POOL = ".pool"


class Staging:
    """A new build folder, held (locked) from creation to publication. With take_spare,
    the spare of the published build when there is one (then `lag` lists the files it
    lacks, which the build must bring up to date from the published build). With
    recycle, the newest trash folder becomes its `pool` (None when the trash is empty),
    for an Output to take files from."""

    def __init__(self, out: Path, take_spare: bool = False, recycle: bool = False):
        self.out = _absolute(out)
        self.builds = builds_folder(self.out)
        self.builds.mkdir(parents=True, exist_ok=True)
        name = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.folder = self.builds / name
        self._lock_path = self.builds / f"{name}.lock"
        self._clearing: threading.Thread | None = None
        self._stop_clearing = threading.Event()
        self._lock = None
        self.lag: list[str] | None = None
        self.pool: Path | None = None
        try:
            with _locked(self.builds / ".lock"):   # so no clean-up sees the folder before its lock
                self._lock = open(self._lock_path, "a+")
                fcntl.flock(self._lock, fcntl.LOCK_EX)
                if not (take_spare and self._take_spare()):
                    self.folder.mkdir()
                trash = _trash(self.builds) if recycle else []
                if trash:
                    self.pool = self.builds / f"{name}{POOL}"
                    trash[-1].rename(self.pool)
        except BaseException:   # interrupted here, even as the lock is let go: leave nothing behind
            shutil.rmtree(self.folder, ignore_errors=True)
            if self.pool is not None and self.pool.is_dir():
                self.pool.rename(self.builds / _trash_name())
            self._lock_path.unlink(missing_ok=True)
            if self._lock is not None:
                self._lock.close()
            raise

    def _take_spare(self) -> bool:
        """The spare becomes this build's folder when it lags behind the published build
        (a spare of another build is left to the clean-up)."""
        found = _spare_of(self.out)
        if found is None:
            return False
        spare, files = found
        spare.rename(self.folder)
        spare.with_name(spare.name + ".lag").unlink()
        (self.folder / MARKER).unlink(missing_ok=True)   # complete again only when published
        self.lag = files
        return True

    def publish(self, spare_lag: list[str] | None = None) -> None:
        """Point out at this build, in one rename; then remove what earlier builds left,
        in a thread while the build goes on (keeping its state): removing ten thousand
        files is system calls, which leave the interpreter free. close() waits for it.
        With spare_lag (the files this build wrote anew), the build it replaces is kept
        as the spare; else every spare goes."""
        (self.folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        keep_spare = spare_lag is not None
        with _locked(self.builds / ".lock"):
            previous = os.readlink(self.out).split("/")[-1] if self.out.is_symlink() else None
            if self.out.is_dir() and not self.out.is_symlink():
                # a plain folder (empty, or a build from before builds were linked): moved
                # into the builds folder, where the clean-up below removes it
                self.out.rename(self.builds / f"{self.folder.name}.previous")
                keep_spare = False
            link = self.builds / f".link-{self.folder.name}"
            link.unlink(missing_ok=True)
            link.symlink_to(Path(self.builds.name) / self.folder.name)
            os.replace(link, self.out)
            self._return_pool()   # before the build replaced goes to the trash: that one is the newest
            if keep_spare and previous and (self.builds / previous).is_dir():
                _discard_spares(self.builds)
                spare = self.builds / f"{previous}{SPARE}"
                (self.builds / previous).rename(spare)
                lag_file = spare.with_name(spare.name + ".lag")
                lag_file.write_text("\n".join([self.folder.name, *spare_lag]) + "\n", encoding="utf-8")
        self._clearing = threading.Thread(target=self._clear, args=(keep_spare,), name="remove earlier builds")
        self._clearing.start()

    def _clear(self, keep_spare: bool) -> None:
        with _locked(self.builds / ".lock"):
            # the build published now, which may be another's that published after this one
            published = os.readlink(self.out).split("/")[-1] if self.out.is_symlink() else self.folder.name
            _discard_leftovers(self.builds, keep={self.folder.name, published}, spares=keep_spare)
        empty_trash(self.builds, self._stop_clearing)

    def _return_pool(self) -> None:
        if self.pool is not None:
            _discard(self.pool)
            self.pool = None

    def discard(self) -> None:
        """A failed build: its folder goes; the published site is untouched."""
        shutil.rmtree(self.folder, ignore_errors=True)
        with _locked(self.builds / ".lock"):
            self._return_pool()
        self.close()

    def close(self) -> None:
        """Ends the clean-up this build started (the rest of the trash is the next full
        build's) and lets go of the build's lock."""
        if self._clearing is not None:
            self._stop_clearing.set()
            self._clearing.join()
            self._clearing = None
        if not self._lock.closed:
            self._lock_path.unlink(missing_ok=True)
            self._lock.close()


class Output:
    """Writes a build's files into its folder, taking each from the pool when the pool has
    a file of its own at that path (see Recycling above); the folders it makes are
    remembered (a forked worker remembers in its own copy)."""

    def __init__(self, folder: Path, pool: Path | None = None):
        self.folder, self.pool = str(folder), (str(pool) if pool is not None else None)
        self._folders: set[str] = set()

    def write(self, path: str, text: str) -> None:
        """text, UTF-8, as the file at path (relative to the folder, with /)."""
        target = os.path.join(self.folder, path)
        parent = os.path.dirname(target)
        if parent not in self._folders:
            os.makedirs(parent, exist_ok=True)
            self._folders.add(parent)
        data = text.encode("utf-8")
        flags = os.O_WRONLY | os.O_CLOEXEC
        if not self._recycled(path, target):
            flags |= os.O_CREAT | os.O_TRUNC
        fd = os.open(target, flags, 0o666)
        try:
            done = os.write(fd, data)
            while done < len(data):
                done += os.write(fd, data[done:])
            os.ftruncate(fd, len(data))   # a recycled file may have been longer
        finally:
            os.close(fd)

    def _recycled(self, path: str, target: str) -> bool:
        """Whether the pool's file at path, a file no other folder links, is now target."""
        if self.pool is None:
            return False
        source = os.path.join(self.pool, path)
        try:
            found = os.lstat(source)
            if not stat.S_ISREG(found.st_mode) or found.st_nlink != 1:
                return False
            os.rename(source, target)
        except OSError:   # none there (or another build's clean-up took it): a new file
            return False
        return True


def tidy(out: Path) -> None:
    """What earlier builds left beside the published one (a build that changes nothing
    publishes nothing, but still clears up)."""
    out = _absolute(out)
    builds = builds_folder(out)
    if out.is_symlink() and builds.is_dir():
        with _locked(builds / ".lock"):
            _discard_leftovers(builds, keep={Path(os.readlink(out)).name}, spares=True)
        empty_trash(builds)


class TrashEmptying:
    """`with TrashEmptying(out):` the trash of earlier builds emptied by a forked process
    while the block works, at the lowest priority, so it takes the time the build's own
    processes leave (in a thread it would wait for the interpreter after every file); the
    block's end waits for it, unless the block failed (then it is stopped and the rest
    left for later)."""

    def __init__(self, out: Path):
        self._builds = builds_folder(_absolute(out))
        self._pid: int | None = None

    def __enter__(self) -> "TrashEmptying":
        if self._builds.is_dir() and len(_trash(self._builds)) > 1:
            self._pid = in_child(self._empty)
        return self

    def _empty(self) -> None:
        os.nice(19)   # the build's own workers first: the removal takes the time they leave
        empty_trash(self._builds)

    def __exit__(self, kind, error, trace) -> None:
        if self._pid is not None:
            reap(self._pid, kill=kind is not None)


def has_spare(out: Path) -> bool:
    """Whether a spare lags behind the build published at out (an incremental build would
    take it)."""
    return _spare_of(_absolute(out)) is not None


def _spare_of(out: Path) -> tuple[Path, list[str]] | None:
    """The spare that lags behind the build published at out, and the files it lacks."""
    if not out.is_symlink():
        return None
    published = os.readlink(out).split("/")[-1]
    for spare in builds_folder(out).glob(f"*{SPARE}"):
        try:
            behind, *files = spare.with_name(spare.name + ".lag").read_text(encoding="utf-8").splitlines()
        except (OSError, ValueError):
            continue
        if behind == published and spare.is_dir() and not spare.is_symlink():
            return spare, files
    return None


def _discard_spares(builds: Path) -> None:
    for spare in builds.glob(f"*{SPARE}"):
        _discard(spare.with_name(spare.name + ".lag"))
        _discard(spare)


def _trash_name() -> str:
    """A name in the trash that sorts after every earlier one (the time in hex, fixed width)."""
    return f"{TRASH}{time.time_ns():016x}-{secrets.token_hex(3)}"


def _trash(builds: Path) -> list[Path]:
    """The trash folders, oldest first."""
    return sorted(builds.glob(f"{TRASH}*"))   # none when there is no builds folder


def _discard(entry: Path) -> None:
    """A folder into the trash (one rename); anything else removed."""
    if entry.is_dir() and not entry.is_symlink():
        entry.rename(entry.with_name(_trash_name()))
    else:
        entry.unlink(missing_ok=True)


def empty_trash(builds: Path, stop: threading.Event | None = None) -> bool:
    """Every folder in the trash removed but the newest (the next full build recycles
    it), unless stop is set first (then False). Builds may empty it at once: a file
    another removed first is no error."""
    for entry in _trash(builds)[:-1]:
        for base, folders, files in os.walk(entry, topdown=False):
            for name in files + [f for f in folders if os.path.islink(os.path.join(base, f))]:
                if stop is not None and stop.is_set():
                    return False
                try:
                    os.unlink(os.path.join(base, name))
                except OSError:
                    pass
            try:
                os.rmdir(base)
            except OSError:
                pass
    return True


def _discard_leftovers(builds: Path, keep: set[str], spares: bool = False) -> None:
    """Build folders (into the trash), locks and links of earlier builds that no running
    build holds; the spare and its list too, unless spares."""
    for entry in sorted(builds.iterdir()):
        name = entry.name
        if name == ".lock" or name in keep or name.startswith(TRASH):
            continue
        if name.endswith((SPARE, f"{SPARE}.lag")):
            if not spares:
                _discard(entry)
            continue
        if name.startswith(".link-"):
            owner = name[len(".link-"):]
        elif name.endswith(".lock"):
            owner = name[: -len(".lock")]
        else:
            owner = name.removesuffix(".previous").removesuffix(POOL)
        lock = builds / f"{owner}.lock"
        if lock.exists():   # the published build's lock too: it outlives a build killed after publishing
            with _locked(lock, blocking=False) as held:
                if held is None:
                    continue          # a build that is still running
        _discard(entry)
