"""The site model: what is loaded from content/ and data/, resolved, then rendered."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .cjk import DocNumber


@dataclass
class DocType:
    name: str          # 文种 as written in front matter: 规章, 通知 …
    order: int


@dataclass
class SourceText:
    file: str          # name in content/sources/
    about: str
    path: Path


@dataclass
class TocEntry:
    level: int
    text: str
    anchor: str


@dataclass
class Document:
    id: str
    title: str
    type: str
    source: str
    path: Path                      # the Markdown file it was loaded from
    body: str                       # Markdown after the front matter
    body_line: int                  # line of the file where the body starts
    doc_number: DocNumber | None = None
    issuer: str | None = None
    date: dt.date | None = None     # 成文日期
    published: dt.date | None = None  # 印发 / 发布日期
    masthead: str | None = None
    normative_code: str | None = None
    gazette: str | None = None
    gazette_page: int | None = None
    source_lines: tuple[int, int] | None = None
    issue: int | None = None
    issue_total: int | None = None
    year: int | None = None
    # filled when the body is rendered
    html: str = ""
    toc: list[TocEntry] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    links_to: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def sort_date(self) -> dt.date | None:
        return self.date or self.published

    @property
    def kind(self) -> str:
        return "document"


@dataclass
class Site:
    root: Path
    documents: dict[str, Document]
    types: dict[str, DocType]
    sources: dict[str, SourceText]
    theme: Path | None = None       # folder with templates/ and static/; the root by default
    title: str = "宁波政策文件库"

    @property
    def theme_dir(self) -> Path:
        return self.theme or self.root

    def documents_sorted(self) -> list[Document]:
        """Newest first; undated documents last, then by id."""
        return sorted(self.documents.values(),
                      key=lambda d: (d.sort_date is None, -(d.sort_date or dt.date.min).toordinal(), d.id))

    def gazette_items(self, gazette_id: str) -> list[Document]:
        items = [d for d in self.documents.values() if d.gazette == gazette_id]
        return sorted(items, key=lambda d: (d.gazette_page or 0, d.id))
