"""The links of the written pages, checked from a table filled while they render: every
internal link and anchor resolves to a file (never a directory), no link is absolute,
nothing is fetched from outside the site.

The pages are the build's own output, whose attributes are always double-quoted, so a
regular expression reads them exactly and about ten times faster than an HTML parser.
"""
from __future__ import annotations

import posixpath
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import ContentError

_TAG = re.compile(r"<(a|link|script|img|iframe|source|form)\b([^>]*)>")
_URL_ATTR = re.compile(r'\s(href|src|action)="([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')


def page_links(html: str) -> tuple[set[str], list[tuple[str, str]]]:
    """The page's ids, and the (tag, url) of each distinct link in the page's order."""
    refs = {(tag, _unescape(url)): None for tag, attrs in _TAG.findall(html) for _, url in _URL_ATTR.findall(attrs)}
    return set(map(_unescape, _ID.findall(html))), list(refs)


class LinkTable:
    """Filled as each page is rendered: its ids, each distinct target (path, anchor) it
    links to with the first page that does, and what a link shows on its own (an absolute
    path, an outside script). A link is resolved once per folder it is made from."""

    def __init__(self):
        self.ids: dict[str, frozenset[str]] = {}
        self.targets: dict[tuple[str, str, str], tuple[str, str]] = {}   # (tag, path, anchor) -> (page, link)
        self.problems: list[tuple[str, str, str, str]] = []   # (page, tag, link, problem)
        self._resolved: dict[tuple[str, str], tuple[str, str] | str | None] = {}

    def add(self, url: str, html: str) -> None:
        ids, refs = page_links(html)
        self.ids[url] = frozenset(map(sys.intern, ids))   # most ids recur on every page: one copy each
        folder = posixpath.dirname(url)
        for tag, link in refs:
            if not link.split("#", 1)[0].split("?", 1)[0]:   # "#anchor": this page, checked now
                anchor = unquote(urlsplit(link).fragment)
                if anchor and anchor not in ids:
                    self.problems.append((url, tag, link, f"broken anchor '{link}'"))
                continue
            key = (folder, link)
            if key not in self._resolved:
                self._resolved[key] = _resolve(folder, tag, link)
            found = self._resolved[key]
            if isinstance(found, str):
                self.problems.append((url, tag, link, found))
            elif found is not None:
                self.targets.setdefault((tag, *found), (url, link))

    def merge(self, other: "LinkTable") -> None:
        """other's pages, which come after this table's."""
        self.ids.update(other.ids)
        for key, first in other.targets.items():
            self.targets.setdefault(key, first)
        self.problems.extend(other.problems)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_resolved": {}}   # sent back by a render worker: the cache stays there

    def check(self, files: set[str], folder: Path, texts: dict[str, str] | None = None) -> list[ContentError]:
        """The problems, given every file of the site: each with the page and line of the
        first link that shows it (the page read from folder, or from texts when there)."""
        found = list(self.problems)
        for (tag, target, anchor), (page, link) in self.targets.items():
            if target not in files:
                prefix = target + "/"
                problem = "link to a directory" if any(f.startswith(prefix) for f in files) else "broken link"
                found.append((page, tag, link, f"{problem} '{link}'"))
            elif anchor and target.endswith(".html") and anchor not in self.ids.get(target, ()):
                found.append((page, tag, link, f"broken anchor '{link}'"))
        def line(page: str, tag: str, link: str) -> int | None:
            try:
                html = texts[page] if texts and page in texts else (folder / page).read_text(encoding="utf-8")
            except OSError:
                return None
            return _line(html, tag, link)
        return [ContentError(f"site/{page}", line(page, tag, link), f"<{tag}> {problem}")
                for page, tag, link, problem in sorted(found, key=lambda p: p[0])]


def _resolve(folder: str, tag: str, link: str) -> tuple[str, str] | str | None:
    """(site path, anchor) of a link from a page in folder; a problem as a string; None
    for a link away from the site a reader may follow."""
    parts = urlsplit(link)
    if parts.scheme in ("http", "https", "mailto", "tel"):
        return None if tag == "a" else f"loads an external resource '{link}'"
    if parts.scheme or parts.netloc:
        return f"link with scheme '{link}'"
    if parts.path.startswith("/"):
        return f"absolute path '{link}' (links must be relative)"
    if link.endswith("/"):
        return f"link to a directory '{link}'"
    target = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
    if target.startswith(".."):
        return f"link '{link}' leaves the site"
    return target, unquote(parts.fragment)


def _line(html: str, tag: str, link: str) -> int | None:
    """The line of the first <tag> linking to link in the page."""
    for found in _TAG.finditer(html):
        if found.group(1) == tag and any(_unescape(u) == link for _, u in _URL_ATTR.findall(found.group(2))):
            return html.count("\n", 0, found.start()) + 1
    return None


def _unescape(value: str) -> str:
    if "&" not in value:
        return value
    return value.replace("&amp;", "&").replace("&#34;", '"').replace("&quot;", '"').replace("&#39;", "'")
