"""The one place that knows the URL scheme. Every URL is a path relative to the site
root ending in .html (or a file name); pages link to each other with relative_url(),
so the site works from file:// and under any sub-path."""
from __future__ import annotations

import re

from .errors import ContentError, ContentErrors
from .model import Agency, Collection, Document, OriginalFile, SourceText, Task

HOME = "index.html"
DOCUMENTS = "documents.html"
AGENCIES = "agencies.html"
SEARCH = "search.html"
DATA = "data.html"
NOT_FOUND = "404.html"
SEARCH_INDEX = "data/search/index.js"
DOCUMENTS_JSON = "data/documents.json"
TASKS_JSON = "data/tasks.json"
TASKS_CSV = "data/tasks.csv"
AGENCIES_JSON = "data/agencies.json"
FEED = "feed.xml"
DOCUMENTS_LIST = "data/documents-list.js"   # the documents list's rows beyond its first page, for site.js
FAVICON = "static/favicon.svg"
EARLY_SCRIPT = "static/js/early.js"   # the one script that runs before the page paints
TEXT_RULES = "data/text-rules.js"   # explorer/cjk.py's TEXT_RULES, for static/js/text.js
# the page's scripts, in the order they run (deferred: each sees what the ones before it defined)
SCRIPTS = ("static/js/text.js", "static/js/site.js", "static/js/search-index.js", "static/js/search-rank.js",
           "static/js/search-box.js", "static/js/search-page.js")


def url_for(target) -> str:
    """Site-root-relative URL of a model object."""
    if isinstance(target, Document):
        return f"documents/{target.id}.html"
    if isinstance(target, (SourceText, OriginalFile)):
        return f"sources/{target.file}"
    if isinstance(target, Task):
        return f"tasks/{target.collection}/{target.number}.html"
    if isinstance(target, Collection):
        return f"tasks/{target.id}.html"
    if isinstance(target, Agency):
        return f"agencies/{target.id}.html"
    raise TypeError(f"no URL for {type(target).__name__}")


def document_url(doc_id: str) -> str:
    return f"documents/{doc_id}.html"


def relative_url(from_page: str, to: str, anchor: str | None = None) -> str:
    """Link from the page at from_page to the site path to (both site-root-relative and
    normalised, as every URL here is). The same as posixpath.relpath from the page's
    folder, without its trips to the file system (it is called for every link)."""
    here = from_page.split("/")[:-1]
    there = to.split("/")
    shared = 0
    while shared < len(here) and shared < len(there) - 1 and here[shared] == there[shared]:
        shared += 1
    rel = "/".join([".."] * (len(here) - shared) + there[shared:])
    return f"{rel}#{anchor}" if anchor else rel


def coverage_url(collection: Collection) -> str:
    """Page of the parent tasks a collection should cover (model.Coverage)."""
    return f"tasks/{collection.id}/coverage.html"


def category_url(index: int) -> str:
    """Every agency of the index-th (1-based) category of AGENCY_CATEGORIES (an agency id
    never holds a slash)."""
    return f"agencies/categories/{index}.html"


def year_url(year: int) -> str:
    """The documents of one year (a document id never holds a slash)."""
    return f"documents/years/{year}.html"


def task_csv_url(collection_id: str) -> str:
    """The CSV rows of a collection's tasks, for a task list's download of the rows it shows."""
    return f"data/tasks-csv/{collection_id}.js"


def domain_url(collection: Collection, index: int) -> str:
    """Page of the index-th (1-based) domain of a collection."""
    return f"tasks/{collection.id}/domain-{index}.html"


SITE_URL_RE = re.compile(r"https?://[^\s<>\"'\\]+")


def published_url(value: str | None) -> str | None:
    """SITE_URL as https://host/sub-path/ (ending in /), or None when not configured."""
    value = (value or "").strip()
    if not value:
        return None
    if not SITE_URL_RE.fullmatch(value):
        raise ContentErrors([ContentError("SITE_URL", None, f"must be an http:// or https:// address without spaces "
                                                            f"or quotes, not {value!r}")])
    return value.rstrip("/") + "/"
