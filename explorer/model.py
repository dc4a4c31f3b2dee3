"""The site model: what is loaded from content/ and data/, resolved, then rendered."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .cjk import DocNumber


# what an agency is, in the order the agency index lists them (data/agencies.yaml `category`)
AGENCY_CATEGORIES = ("市委部门", "市政府部门", "中央和省驻甬单位", "区县/开发园区管委会", "国有企业", "其他", "group")
# what a document type may be for the site (data/document_types.yaml `role`)
DOCUMENT_ROLES = {
    "issue": "a gazette issue: lists the documents it carries, dated by publication",
    "contents": "a list of documents issued: its links to them are not citations",
    "record": "a record of events or appointments (记事, 任免): never in force or out of it",
}


@dataclass
class DocType:
    name: str          # 文种 as written in front matter: 规章, 通知 …
    order: int
    role: str | None = None   # a key of DOCUMENT_ROLES


@dataclass
class OriginalFile:
    """The file a source text was read from, published beside it for a reader to check."""
    file: str

    @property
    def form(self) -> str:
        return {"pdf": "PDF", "docx": "Word", "html": "网页", "htm": "网页", "mhtml": "网页", "mht": "网页",
                "txt": "文本", "md": "Markdown"}.get(self.file.rsplit(".", 1)[-1].lower(), "原件")


@dataclass
class SourceText:
    file: str          # name in content/sources/
    path: Path
    original: OriginalFile | None = None   # the file it was read from (a PDF, a .docx, a page)


@dataclass
class TocEntry:
    level: int
    text: str
    anchor: str


@dataclass(eq=False)  # identity: objects of the model are linked to each other
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
    topic: str | None = None        # 主题分类
    index_number: str | None = None  # 索引号
    normative_code: str | None = None
    gazette: str | None = None
    gazette_page: int | None = None
    source_lines: tuple[int, int] | None = None
    issue: int | None = None
    issue_total: int | None = None
    year: int | None = None
    effective: dt.date | None = None     # 施行日期
    valid_until: dt.date | None = None   # 有效期至
    relations: list = field(default_factory=list)   # validity.Relation: what it repeals, amends, issues, is based on
    field_lines: dict[str, int] = field(default_factory=dict, repr=False)   # front matter field -> file line
    front_matter: str = field(default="", repr=False)   # as written: all its loaded fields come from it
    # filled when the body is rendered
    html: str = ""
    toc: list[TocEntry] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    links_to: set[str] = field(default_factory=set)                     # document ids
    mentions: set[str] = field(default_factory=set)                     # agency ids named in the text
    sections: list = field(default_factory=list, repr=False)   # text per section, for search
    articles: list = field(default_factory=list, repr=False)   # (anchor, 第八条, text), for search
    # derived from the forward references of every document (relations.py)
    cited_by: list["Document"] = field(default_factory=list, repr=False)
    related_by: list[tuple[str, "Document"]] = field(default_factory=list, repr=False)   # (kind, the document relating)
    status: object = None   # validity.Status on the site's as_of date, or None

    @property
    def sort_date(self) -> dt.date | None:
        return self.date or self.published


@dataclass(eq=False)  # identity: objects of the model are linked to each other
class Agency:
    id: str
    name: str
    category: str
    full_name: str | None = None
    aliases: list[str] = field(default_factory=list)
    predecessor: str | None = None
    successor: str | None = None
    review: bool = False        # proposed by `build.py add`, not yet checked by a person
    # derived from the tasks (relations.py)
    lead: list["Task"] = field(default_factory=list, repr=False)
    support: list["Task"] = field(default_factory=list, repr=False)
    guide: list["Task"] = field(default_factory=list, repr=False)
    mentioned_in: list[Document] = field(default_factory=list, repr=False)

    @property
    def is_group(self) -> bool:
        return self.category == "group"

    @property
    def spellings(self) -> list[str]:
        return [self.name] + [a for a in self.aliases if a != self.name]


@dataclass(frozen=True)
class Coverage:
    """Which tasks of a collection's parent apply to it, and so should be in it."""
    title: str                            # the page's title: 九城市任务在宁波的落实
    place: str                            # who the child collection is for: 宁波
    scope_prefix: str | None = None       # a parent task applies when its scope starts with this (*)
    scope_names: tuple[str, ...] = ()     # … or names one of these (宁波)

    def applies_to(self, task: "Task") -> bool:
        scope = task.scope or ""
        return bool(self.scope_prefix and scope.startswith(self.scope_prefix)) or any(n in scope for n in self.scope_names)


@dataclass(eq=False)  # identity: objects of the model are linked to each other
class Collection:
    id: str
    title: str
    document: str
    reader: str
    label: str = ""                       # short name beside a task number: 九城市清单 第57项
    parent: str | None = None
    default_scope: str | None = None
    scope_note: str | None = None         # what a mark in the scope column means, where the list does not say
    coverage: Coverage | None = None
    line: int | None = None               # in data/collections.yaml
    tasks: list["Task"] = field(default_factory=list, repr=False)
    gaps: list[int] = field(default_factory=list)

    def domains(self) -> list[str]:
        return list(dict.fromkeys(task.domain for task in self.tasks))


@dataclass(eq=False)  # identity: objects of the model are linked to each other
class Task:
    collection: str
    number: int
    text: str
    domain: str
    anchor: str | None = None             # row or paragraph anchor in the source document
    leader: str | None = None
    flagged: bool = False
    scope: str | None = None
    section: str | None = None
    line: int | None = None                # line in data/tasks/<collection>.yaml
    # resolved: who leads (牵头), supports (配合, 参与) and guides (指导) it
    lead: list[Agency] = field(default_factory=list, repr=False)
    support: list[Agency] = field(default_factory=list, repr=False)
    guide: list[Agency] = field(default_factory=list, repr=False)
    derived_from: list["Task"] = field(default_factory=list, repr=False)
    implemented_by: list["Task"] = field(default_factory=list, repr=False)

    @property
    def id(self) -> str:
        return f"{self.collection}-{self.number}"


@dataclass
class Site:
    root: Path
    documents: dict[str, Document]
    types: dict[str, DocType]
    sources: dict[str, SourceText]
    agencies: dict[str, Agency] = field(default_factory=dict)
    collections: dict[str, Collection] = field(default_factory=dict)
    theme: Path | None = None       # folder with templates/ and static/; the root by default
    site_url: str | None = None     # where it is published (for sitemap.xml); links stay relative
    title: str = "宁波政策文件库"
    as_of: dt.date | None = None    # the date documents' statuses are computed against (data/site.yaml)
    description: str = ""

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

    def role(self, doc: Document) -> str | None:
        """What the document's type is for (DOCUMENT_ROLES), if anything."""
        doc_type = self.types.get(doc.type)
        return doc_type.role if doc_type else None

    def all_tasks(self) -> list[Task]:
        return [t for c in self.collections.values() for t in c.tasks]

    def collections_reading(self, doc_id: str) -> list[Collection]:
        """The task collections read from a document (one per task table)."""
        return [c for c in self.collections.values() if c.document == doc_id]

