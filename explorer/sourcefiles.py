"""Reading text files strictly: UTF-8 or a ContentError naming the file and line."""
from __future__ import annotations

from pathlib import Path

from .errors import ContentError, ContentErrors, display_path

MAX_FILE_BYTES = 10 * 1024 * 1024


def read_text(path: Path, root: Path | None = None) -> str:
    shown = display_path(path, root)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ContentErrors([ContentError(shown, None,
                                              f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")])
        data = path.read_bytes()
    except OSError as exc:
        raise ContentErrors([ContentError(shown, None, f"cannot read file: {exc.strerror}")]) from exc
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ContentErrors([ContentError(shown, line, "binary file (NUL byte); expected UTF-8 text")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentErrors([ContentError(
            shown, line, f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})")]) from exc
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def read_lines(path: Path, root: Path | None = None):
    from .rawtext import Line
    text = read_text(path, root)
    return [Line(n, t) for n, t in enumerate(text.split("\n"), start=1)]
