"""Loading content/ and data/: YAML and front matter read with their line numbers,
every field checked, every problem collected as a ContentError."""
from __future__ import annotations

import re
from pathlib import Path

from . import cjk, validity
from .errors import ContentError, ContentErrors, did_you_mean, display_path
from .model import DOCUMENT_ROLES, Document, DocType, OriginalFile, Site, SourceText
from .schema import Field, check_fields, checked_entries, parse_date
from .sourcefiles import check_file, check_tree, list_files, read_text
from .yamllines import load_collected, load_list, load_with_lines

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
SOURCE_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}")


# --- front matter ----------------------------------------------------------------------

FIELDS: dict[str, Field] = {   # in the order the importer writes them
    "id": Field(str, required=True),
    "title": Field(str, required=True),
    "doc_number": Field(str),
    "issuer": Field(str),
    "date": Field(str),            # YYYY-MM-DD, parsed by schema.parse_date
    "published": Field(str),
    "type": Field(str, required=True),
    "masthead": Field(str),
    "topic": Field(str),           # 主题分类, as the gov.cn policy library states it
    "index_number": Field(str),    # 索引号
    "normative_code": Field(str),
    "gazette": Field(str),
    "gazette_page": Field(int),
    "source": Field(str, required=True),
    "source_lines": Field(list, items=int),
    "issue": Field(int),
    "issue_total": Field(int),
    "year": Field(int),
    "effective": Field(str),       # 施行日期, YYYY-MM-DD
    "valid_until": Field(str),     # 有效期至, YYYY-MM-DD
    **{kind: Field(list, items=str) for kind in validity.RELATION_KINDS},   # document numbers or 《titles》
    "title_checked": Field(bool),  # a person confirmed a title the build would question (too long, <, http)
}
DATE_FIELDS = ("date", "published", "effective", "valid_until")
AS_WRITTEN = ("issuer", "masthead", "topic", "index_number", "normative_code", "gazette", "gazette_page", "issue",
              "issue_total", "year")   # the fields a Document takes as they are
MAX_TITLE = 80   # characters: a longer title is most often a page or a paragraph read as one


def title_problem(title: str) -> str | None:
    """Why a title is most likely not a document's title (a page or a paragraph read as
    one): too long, markup, an address. The build and the importer ask alike."""
    if re.search(r"<[a-zA-Z/!][^>]*>|&[a-z]+;", title):
        return "title holds markup (an HTML tag or entity)"
    if re.search(r"https?://|www\.", title):
        return "title holds a web address"
    if len(title) > MAX_TITLE:
        return f"title is {len(title):,} characters long (over {MAX_TITLE})"
    return None


def split_front_matter(text: str, shown: str) -> tuple[str, str, int]:
    """(front matter, body, line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentErrors([ContentError(shown, 1, "no front matter: the file must start with a line '---'")])
    for n in range(1, len(lines)):
        if lines[n].strip() == "---":
            return "\n".join(lines[1:n]), "\n".join(lines[n + 1:]), n + 2
    raise ContentErrors([ContentError(shown, 1, "front matter is not closed: no second line '---'")])


def parse_document(path: Path, root: Path) -> Document:
    shown = display_path(path, root)
    text = read_text(path, root)
    if not text.strip():
        raise ContentErrors([ContentError(shown, 1, "empty file")])
    front, body, body_line = split_front_matter(text, shown)
    meta = load_with_lines(front, shown, line_offset=1)
    if not isinstance(meta, dict):
        raise ContentErrors([ContentError(shown, 2, "front matter must be a mapping of field: value")])
    errors = check_fields(meta, FIELDS, shown, 1, what="front matter")
    if errors:
        raise ContentErrors(errors)
    lines = meta.key_lines
    if not ID_RE.fullmatch(meta["id"]):
        errors.append(ContentError(shown, lines.get("id"),
                                   f"id '{meta['id']}' must be lower-case ASCII letters, digits and '-'"))
    elif path.stem != meta["id"]:
        errors.append(ContentError(shown, lines.get("id"), f"id '{meta['id']}' does not match the file name '{path.name}'"))
    questioned = None if meta.get("title_checked") else title_problem(meta["title"].strip())
    if questioned:
        errors.append(ContentError(shown, lines.get("title"), f"{questioned}; if it is the title as written, "
                                   "add 'title_checked: true' to the front matter"))
    number = None
    if meta.get("doc_number"):
        number = cjk.parse_doc_number(meta["doc_number"])
        if number is None:
            errors.append(ContentError(shown, lines.get("doc_number"),
                                       f"'{meta['doc_number']}' is not a document number like 甬政办发〔2021〕79号"))
    dates = {name: parse_date(meta.get(name), shown, lines.get(name), name, errors) for name in DATE_FIELDS}
    effective, valid_until = dates["effective"], dates["valid_until"]
    if effective and valid_until and valid_until < effective:
        errors.append(ContentError(shown, lines.get("valid_until"), f"field 'valid_until' ({valid_until}) is before "
                                   f"the document takes effect ('effective': {effective})"))
    relations = _relations(meta, shown, errors)
    source_lines = meta.get("source_lines")
    if source_lines is not None and not (len(source_lines) == 2 and 1 <= source_lines[0] <= source_lines[1]):
        errors.append(ContentError(shown, lines.get("source_lines"), "field 'source_lines' must be "
                                   f"[first line, last line] of the source, not {list(source_lines)}"))
    if errors:
        raise ContentErrors(errors)
    return Document(id=meta["id"], title=meta["title"].strip(), type=meta["type"], source=meta["source"], path=path,
                    body=body, body_line=body_line, doc_number=number, relations=relations, field_lines=dict(lines),
                    source_lines=tuple(source_lines) if source_lines else None, front_matter=front, **dates,
                    **{name: meta.get(name) for name in AS_WRITTEN})


def _relations(meta, shown: str, errors: list[ContentError]) -> list[validity.Relation]:
    """repeals, amends, issues, based_on: each item a document number or a 《title》."""
    out = []
    for kind in validity.RELATION_KINDS:
        items = meta.get(kind) or []
        item_lines = getattr(items, "item_lines", [meta.key_lines.get(kind)] * len(items))
        for text, line in zip(items, item_lines):
            number, title = validity.parse_relation(text)
            if number is None and title is None:
                errors.append(ContentError(shown, line, f"'{kind}': '{text}' is neither a document number like "
                                                        "甬政发〔2016〕72号 nor a 《title》"))
                continue
            out.append(validity.Relation(kind, text.strip(), number, title, line))
    return out


# --- the whole site ----------------------------------------------------------------------

SOURCE_FIELDS = {"file": Field(str, required=True), "id": Field(str), "about": Field(str),
                 "title": Field(str),      # the title of its document, where the text does not start with it
                 "original": Field(str)}   # the file the text was read from (PDF, .docx, a web page)
INPUT_FOLDERS = ("content", "data")       # a project's own; templates/ and static/ are the theme's
THEME_FOLDERS = ("templates", "static")


def load_site(root: Path, theme: Path | None = None) -> Site:
    """Everything under content/ and data/, checked; raises ContentErrors listing every problem."""
    errors: list[ContentError] = []
    for folder in INPUT_FOLDERS:
        errors.extend(check_tree(root / folder, root))
    for folder in THEME_FOLDERS:
        errors.extend(check_tree((theme or root) / folder, theme or root))
    if errors:   # nothing is read through a link, nor from a folder that cannot be listed
        raise ContentErrors(sorted(set(errors)))
    data = root / "data"
    types = _load_types(data / "document_types.yaml", root, errors)
    sources = _load_sources(data / "sources.yaml", root, errors)
    documents = _load_documents(root / "content" / "documents", root, errors)
    for doc in documents.values():
        shown = display_path(doc.path, root)
        if types and doc.type not in types:
            errors.append(ContentError(shown, doc.field_lines.get("type"),
                                       f"unknown document type '{doc.type}'{did_you_mean(doc.type, types)}"))
        if doc.source not in sources:
            errors.append(ContentError(shown, doc.field_lines.get("source"),
                                       f"unknown source '{doc.source}'{did_you_mean(doc.source, sources)}"))
        if doc.gazette and doc.gazette not in documents:
            errors.append(ContentError(shown, doc.field_lines.get("gazette"),
                                       f"unknown gazette issue '{doc.gazette}'{did_you_mean(doc.gazette, documents)}"))
    settings = _load_settings(data / "site.yaml", root, errors)
    if errors:
        raise ContentErrors(sorted(set(errors)))
    return Site(root=root, documents=documents, types=types, sources=sources, theme=theme, **settings)


SETTINGS_FIELDS = {"title": Field(str), "description": Field(str), "as_of": Field(str)}


def _load_settings(path: Path, root: Path, errors: list[ContentError]) -> dict:
    """data/site.yaml (optional): the site's title and description, and as_of, the date
    the documents' statuses (现行有效, 已废止 …) are computed against."""
    if not path.is_file():
        return {}
    shown = display_path(path, root)
    meta = load_collected(path, root, errors)
    if meta is None:
        return {}
    problems = check_fields(meta, SETTINGS_FIELDS, shown, 1, what="data/site.yaml")
    if problems:
        errors.extend(problems)
        return {}
    settings = {name: meta[name].strip() for name in ("title", "description") if meta.get(name)}
    as_of = parse_date(meta.get("as_of"), shown, meta.key_lines.get("as_of"), "as_of", errors)
    if as_of:
        settings["as_of"] = as_of
    return settings


TYPE_FIELDS = {"name": Field(str, required=True), "role": Field(str)}


def _load_types(path: Path, root: Path, errors: list[ContentError]) -> dict[str, DocType]:
    """data/document_types.yaml: each type a name (- 通知), or a name with the role it
    plays on the site (- name: 公报 / role: issue)."""
    shown = display_path(path, root)
    entries = load_list(path, root, "- 通知, or - name: 公报 with role: issue", errors)
    types: dict[str, DocType] = {}
    for entry, line in zip(entries, entries.item_lines):
        if isinstance(entry, dict):
            problems = check_fields(entry, TYPE_FIELDS, shown, line, what="a document type")
            if problems:
                errors.extend(problems)
                continue
            name, role = entry["name"], entry.get("role")
            if role is not None and role not in DOCUMENT_ROLES:
                errors.append(ContentError(shown, entry.key_lines["role"], f"unknown role '{role}' "
                                           f"({', '.join(DOCUMENT_ROLES)}){did_you_mean(role, DOCUMENT_ROLES)}"))
                continue
        elif isinstance(entry, str) and entry.strip():
            name, role = entry, None
        else:
            errors.append(ContentError(shown, line, f"a document type must be text, not {entry!r}"))
            continue
        if name in types:
            errors.append(ContentError(shown, line, f"document type '{name}' is listed twice"))
        else:
            types[name] = DocType(name, len(types), role)
    return types


def _load_sources(path: Path, root: Path, errors: list[ContentError]) -> dict[str, SourceText]:
    """data/sources.yaml: each raw text, checked as a file that can be published as it is."""
    shown = display_path(path, root)
    sources: dict[str, SourceText] = {}
    for entry, line in checked_entries(path, root, SOURCE_FIELDS, "a source", "- file: NAME.txt", errors):
        file, _, part = entry["file"].partition("#")
        if not SOURCE_NAME_RE.fullmatch(file):
            errors.append(ContentError(shown, line, f"source '{file}' must be a plain file name in content/sources/"))
            continue
        if file in sources or part:
            continue
        source_path = root / "content" / "sources" / file
        problem = check_file(source_path, root)
        if problem:   # reported once here; documents citing the source are not blamed too
            errors.append(problem)
        original = entry.get("original")
        if original is not None:
            if not SOURCE_NAME_RE.fullmatch(original) or original == file:
                errors.append(ContentError(shown, entry.key_lines.get("original", line), f"original '{original}' must "
                                           "be a plain file name in content/sources/, other than the text's"))
                original = None
            else:
                problem = check_file(root / "content" / "sources" / original, root)
                if problem:
                    errors.append(ContentError(shown, entry.key_lines.get("original", line),
                                               f"original '{original}': {problem.message}"))
                    original = None
        sources[file] = SourceText(file, source_path, OriginalFile(original) if original else None)
    return sources


def _load_documents(folder: Path, root: Path, errors: list[ContentError]) -> dict[str, Document]:
    paths, problems = list_files(folder, root)
    errors.extend(problems)
    documents: dict[str, Document] = {}
    for path in paths:
        shown = display_path(path, root)
        if path.suffix != ".md":
            hint = f"; rename it {path.stem}.md" if path.suffix.lower() == ".md" else ""
            errors.append(ContentError(shown, None, f"not a document: documents are Markdown files ending in .md{hint}"))
            continue
        try:
            doc = parse_document(path, root)
        except ContentErrors as exc:
            errors.extend(exc.errors)
            continue
        if doc.id in documents:
            errors.append(ContentError(shown, 2, f"duplicate document id '{doc.id}' (also {display_path(documents[doc.id].path, root)})"))
            continue
        documents[doc.id] = doc
    if not paths and not problems:
        errors.append(ContentError(display_path(folder, root), None, "no documents (*.md) found"))
    return documents
