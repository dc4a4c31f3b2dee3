"""The one place that knows the URL scheme. Every URL is a path relative to the site
root ending in .html (or a file name); pages link to each other with relative_url(),
so the site works from file:// and under any sub-path."""
from __future__ import annotations

import posixpath

from .model import Document, SourceText

HOME = "index.html"
DOCUMENTS = "documents.html"
DOCUMENTS_JSON = "data/documents.json"
STYLESHEET = "static/css/site.css"
SCRIPT = "static/js/site.js"


def url_for(target) -> str:
    """Site-root-relative URL of a model object."""
    if isinstance(target, Document):
        return f"documents/{target.id}.html"
    if isinstance(target, SourceText):
        return f"sources/{target.file}"
    raise TypeError(f"no URL for {type(target).__name__}")


def document_url(doc_id: str) -> str:
    return f"documents/{doc_id}.html"


def relative_url(from_page: str, to: str, anchor: str | None = None) -> str:
    """Link from the page at from_page to the site path to (both site-root-relative)."""
    base = posixpath.dirname(from_page) or "."
    rel = posixpath.relpath(to, base)
    return f"{rel}#{anchor}" if anchor else rel
