"""Checks a written site: every internal link and anchor resolves to a file (never a
directory), no link is absolute, nothing is fetched from outside the site."""
from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import ContentError

_LINK_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
               ("iframe", "src"), ("source", "src"), ("form", "action")}


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str, str]] = []  # line, tag, url

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if (tag, name) in _LINK_ATTRS and value is not None:
                self.links.append((self.getpos()[0], tag, value))


def parse_page(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def check_site(out: Path) -> list[ContentError]:
    """Every problem with the links of the HTML files under out."""
    pages = {p.relative_to(out).as_posix(): parse_page(p) for p in sorted(out.rglob("*.html"))}
    problems: list[ContentError] = []
    for page_url, parsed in pages.items():
        for line, tag, link in parsed.links:
            problem = _check_link(out, pages, page_url, tag, link)
            if problem:
                problems.append(ContentError(f"site/{page_url}", line, f"<{tag}> {problem}"))
    return problems


def _check_link(out: Path, pages: dict, page_url: str, tag: str, link: str) -> str | None:
    parts = urlsplit(link)
    if parts.scheme in ("http", "https", "mailto", "tel"):
        # a reader may follow a link away; the site itself never fetches from outside
        return None if tag == "a" else f"loads an external resource '{link}'"
    if parts.scheme or parts.netloc:
        return f"link with scheme '{link}'"
    if parts.path.startswith("/"):
        return f"absolute path '{link}' (links must be relative)"
    if not parts.path:
        target = page_url
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page_url), unquote(parts.path)))
        if target.startswith(".."):
            return f"link '{link}' leaves the site"
        if link.endswith("/") or (out / target).is_dir():
            return f"link to a directory '{link}'"
        if not (out / target).is_file():
            return f"broken link '{link}'"
    if parts.fragment and target.endswith(".html"):
        if target not in pages or unquote(parts.fragment) not in pages[target].ids:
            return f"broken anchor '{link}'"
    return None

