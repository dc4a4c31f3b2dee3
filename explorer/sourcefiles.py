"""Reading the project's files strictly: regular files inside the project, no symbolic
links, at most MAX_FILE_BYTES, UTF-8; anything else is a ContentError naming the file."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import ContentError, ContentErrors, display_path

MAX_FILE_BYTES = 10 * 1024 * 1024


def _refusal(path: Path, root: Path | None, mode: int, size: int) -> ContentError | None:
    shown = display_path(path, root)
    if stat.S_ISLNK(mode):
        return ContentError(shown, None, f"symbolic link (to {os.readlink(path)}): links are not followed; "
                                         "put the file itself in the project")
    if stat.S_ISDIR(mode):
        return ContentError(shown, None, "is a folder; expected a file")
    if not stat.S_ISREG(mode):
        return ContentError(shown, None, "not a regular file")
    if size > MAX_FILE_BYTES:
        return ContentError(shown, None, f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    return None


def check_file(path: Path, root: Path | None = None) -> ContentError | None:
    """Why path may not be read or published (missing, a link, a folder, too large), or None."""
    try:
        info = path.lstat()
    except OSError as exc:
        return ContentError(display_path(path, root), None, f"cannot read file: {exc.strerror}")
    problem = _refusal(path, root, info.st_mode, info.st_size)
    if problem is None and not os.access(path, os.R_OK):
        return ContentError(display_path(path, root), None, "cannot read file: Permission denied")
    return problem


def read_bytes(path: Path, root: Path | None = None) -> bytes:
    shown = display_path(path, root)
    try:
        # O_NOFOLLOW: a link put in place after the tree was checked is still refused
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        problem = check_file(path, root)
        raise ContentErrors([problem or ContentError(shown, None, f"cannot read file: {exc.strerror}")]) from None
    info = os.fstat(fd)
    problem = _refusal(path, root, info.st_mode, info.st_size)
    if problem:
        os.close(fd)
        raise ContentErrors([problem])
    with os.fdopen(fd, "rb") as handle:
        try:
            return handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise ContentErrors([ContentError(shown, None, f"cannot read file: {exc.strerror}")]) from None


def read_text(path: Path, root: Path | None = None) -> str:
    shown = display_path(path, root)
    data = read_bytes(path, root)
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ContentErrors([ContentError(shown, line, "binary file (NUL byte); expected UTF-8 text")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentErrors([ContentError(
            shown, line, f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})")]) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def check_tree(folder: Path, root: Path, required: bool = True) -> list[ContentError]:
    """Every symbolic link and unreadable folder under folder (nothing outside the project
    is ever read or published), and the folder itself missing when required."""
    shown = display_path(folder, root)
    try:
        info = folder.lstat()
    except FileNotFoundError:
        return [ContentError(shown, None, "folder is missing")] if required else []
    except OSError as exc:
        return [ContentError(shown, None, f"cannot read folder: {exc.strerror}")]
    if stat.S_ISLNK(info.st_mode):
        return [_refusal(folder, root, info.st_mode, 0)]
    if not stat.S_ISDIR(info.st_mode):
        return [ContentError(shown, None, "is a file; expected a folder")]
    errors: list[ContentError] = []

    def unreadable(exc: OSError) -> None:
        errors.append(ContentError(display_path(Path(exc.filename), root), None,
                                   f"cannot read folder: {exc.strerror}"))

    for here, dirs, files in os.walk(folder, onerror=unreadable):
        for name in sorted(dirs + files):
            path = Path(here) / name
            if path.is_symlink():
                errors.append(_refusal(path, root, stat.S_IFLNK, 0))
        dirs[:] = sorted(d for d in dirs if not (Path(here) / d).is_symlink())
    return errors


def list_files(folder: Path, root: Path) -> tuple[list[Path], list[ContentError]]:
    """The files directly in folder, sorted (hidden ones left out)."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if not entry.name.startswith("."))
    except OSError as exc:
        return [], [ContentError(display_path(folder, root), None, f"cannot read folder: {exc.strerror}")]
    return [folder / name for name in names], []
