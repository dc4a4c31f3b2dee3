"""Reading a built site as a person (or a crawler) would: page text and links."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from explorer.cjk import CJK_PUNCT, HAN

CJK_RUN = re.compile(f"[{HAN}{CJK_PUNCT}]+")


class _Text(HTMLParser):
    def __init__(self, only_class: str | None = None):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._only = only_class
        self._inside = 0 if only_class else 1
        self._depth: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        classes = (dict(attrs).get("class") or "").split()
        if self._only and (self._inside or self._only in classes) and tag not in _VOID:
            self._inside += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if self._only and self._inside and tag not in _VOID:
            self._inside -= 1

    def handle_data(self, data):
        if not self._skip and self._inside:
            self.parts.append(data)


_VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source"}


def page_text(path: Path, only_class: str | None = None) -> str:
    parser = _Text(only_class)
    parser.feed(path.read_text(encoding="utf-8"))
    return "\n".join(parser.parts)


def documents(site: Path) -> list[dict]:
    return json.loads((site / "data" / "documents.json").read_text(encoding="utf-8"))


WINDOW = 12   # characters: a window of a source's line found on its page is text kept


def windows_of(lines: list[str]) -> list[str]:
    """The 12-character windows of the Chinese runs of each line (windows across lines
    are not asked for: a masthead, a number and a title are shown apart from the body)."""
    from explorer.cjk import squeeze
    return [run[i:i + WINDOW] for line in lines for run in CJK_RUN.findall(squeeze(line))
            for i in range(len(run) - WINDOW + 1)]


def missing_windows(page: Path, lines: list[str]) -> tuple[list[str], int]:
    """The windows of lines not on page, and how many windows there were."""
    from explorer.cjk import squeeze
    text = squeeze(page_text(page))
    grams = {text[i:i + WINDOW] for i in range(len(text) - WINDOW + 1)}
    windows = windows_of(lines)
    return [w for w in windows if w not in grams], len(windows)
