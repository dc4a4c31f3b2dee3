"""Checks the pages a build writes: every internal link and anchor resolves to a file
(never a directory), no link is absolute, nothing is fetched from outside the site.

The pages are the build's own output, whose attributes are always double-quoted, so a
regular expression reads them exactly and about ten times faster than an HTML parser.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .errors import ContentError

_TAG = re.compile(r"<(a|link|script|img|iframe|source|form)\b([^>]*)>")
_URL_ATTR = re.compile(r'\s(href|src|action)="([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')


@dataclass
class PageLinks:
    """What the check needs of a page, compact: the build holds one per page until every
    page is written (at 60,000 pages, tuples of their own took a gigabyte)."""
    ids: set[str]
    refs: tuple[tuple[str, str], ...]   # (tag, url) of each distinct link, in the page's order, shared between pages


def page_links(html: str, shared: dict | None = None) -> PageLinks:
    """The page's ids and distinct links; `shared` (one per batch of pages) makes pages
    hold the same objects for the same strings and links (the navigation, an agency)."""
    shared = {} if shared is None else shared
    refs: dict[tuple[str, str], tuple[str, str]] = {}
    for tag, attrs in _TAG.findall(html):
        for _, url in _URL_ATTR.findall(attrs):
            ref = (tag, _unescape(url))
            if ref not in refs:
                refs[ref] = shared.setdefault(ref, ref)
    ids = {shared.setdefault(i, i) for i in map(_unescape, _ID.findall(html))}
    return PageLinks(ids, tuple(refs.values()))


def link_offset(html: str, tag: str, url: str) -> int:
    """Where the first <tag> linking to url starts in the page (for the line of a problem)."""
    for found in _TAG.finditer(html):
        if found.group(1) == tag and any(_unescape(u) == url for _, u in _URL_ATTR.findall(found.group(2))):
            return found.start()
    return 0


def interned(page: PageLinks, shared: dict) -> PageLinks:
    """The page, holding the objects `shared` holds for equal ids and links (pages whose
    links were read apart, made to share them again)."""
    page.ids = {shared.setdefault(i, i) for i in page.ids}
    page.refs = tuple(shared.setdefault(ref, ref) for ref in page.refs)
    return page


def split_links(pages: dict[str, PageLinks], folder: str) -> tuple[dict[str, PageLinks], dict[str, PageLinks]]:
    """The pages with no link into folder, and those with one: the build checks the first
    while that folder is still being written."""
    now, later = {}, {}
    for url, page in pages.items():
        into = any(folder in link and _leads_into(url, link, folder) for _, link in page.refs)
        (later if into else now)[url] = page
    return now, later


def _leads_into(page_url: str, link: str, folder: str) -> bool:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:
        return False
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page_url), unquote(parts.path)))
    return target.startswith(folder + "/")


def _unescape(value: str) -> str:
    if "&" not in value:
        return value
    return value.replace("&amp;", "&").replace("&#34;", '"').replace("&quot;", '"').replace("&#39;", "'")


def check_links(pages: dict[str, PageLinks], files: set[str], html_of=None, ids_of=None) -> list[ContentError]:
    """Problems with the links of every page; `files` holds every path the build wrote,
    `html_of(url)` the page text, for line numbers in messages, and `ids_of(url)` the ids
    of a page not among `pages` (an incremental build checks the pages it rewrote)."""
    problems: list[ContentError] = []
    known = dict(pages)
    if ids_of is not None:
        known = _WithIds(pages, ids_of)
    # a link means the same from every page of a folder (the navigation, an agency's
    # page): each is resolved once per folder, which is most of the work at 10^4 pages
    checked: dict[tuple[str, str, str], str | None] = {}
    for page_url, page in pages.items():
        folder = posixpath.dirname(page_url)
        for tag, link in page.refs:
            key = (page_url if _within_page(link) else folder, tag, link)
            if key in checked:
                problem = checked[key]
            else:
                problem = checked[key] = _check_link(known, files, page_url, tag, link)
            if problem:
                if html_of:
                    html = html_of(page_url)
                    line = html.count("\n", 0, link_offset(html, tag, link)) + 1
                else:
                    line = None
                problems.append(ContentError(f"site/{page_url}", line, f"<{tag}> {problem}"))
    return problems


def _within_page(link: str) -> bool:
    """Whether the link names no path ("#anchor", "?query"): it leads to its own page."""
    return not link.split("#", 1)[0].split("?", 1)[0]


class _WithIds(dict):
    """The pages checked, and any other page's ids read when a link needs them."""

    def __init__(self, pages: dict[str, PageLinks], ids_of):
        super().__init__(pages)
        self.ids_of = ids_of

    def __missing__(self, url: str) -> PageLinks:
        self[url] = PageLinks(self.ids_of(url), ())
        return self[url]

    def __contains__(self, url) -> bool:
        return dict.__contains__(self, url) or url.endswith(".html")


def _check_link(pages: dict, files: set[str], page_url: str, tag: str, link: str) -> str | None:
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
        if link.endswith("/") or (target not in files and any(f.startswith(target + "/") for f in files)):
            return f"link to a directory '{link}'"
        if target not in files:
            return f"broken link '{link}'"
    if parts.fragment and target.endswith(".html"):
        if target not in pages or unquote(parts.fragment) not in pages[target].ids:
            return f"broken anchor '{link}'"
    return None
