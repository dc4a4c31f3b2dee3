"""Loading content/ and data/: YAML and front matter read with their line numbers,
every field checked, every problem collected as a ContentError."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from . import cjk
from .errors import ContentError, ContentErrors, did_you_mean, display_path
from .model import Document, DocType, Site, SourceText
from .sourcefiles import read_text

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
SOURCE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


# libyaml's parser when PyYAML was built with it (the wheels are); same results, faster
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeys:
    """A loader that rejects a key written twice in one mapping."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}' (first at line {seen[key] + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


def _yaml_error(shown: str, exc: yaml.YAMLError, line_offset: int) -> ContentError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 + line_offset if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if "found character '\\t'" in problem:
        problem, context = "tab character used for indentation; use spaces", None
    first = re.search(r"first at line (\d+)", problem)
    if first:  # the loader counts lines within the YAML text; report them in the file
        problem = problem.replace(first.group(0), f"first at line {int(first.group(1)) + line_offset}")
    context_mark = getattr(exc, "context_mark", None)
    message = f"invalid YAML: {problem}"
    if context and "duplicate" not in problem:
        started = f" started at line {context_mark.line + 1 + line_offset}" if context_mark else ""
        message += f" ({context}{started})"
    return ContentError(shown, line, message)


class _FastLoader(_UniqueKeys, _BaseLoader):
    pass


class _ClearLoader(_UniqueKeys, yaml.SafeLoader):
    """The pure-Python parser: slower, but its error messages are the clearer ones."""


def parse_yaml(text: str, shown: str, line_offset: int = 0):
    try:
        return yaml.load(text, Loader=_FastLoader)
    except yaml.YAMLError:
        pass
    try:
        return yaml.load(text, Loader=_ClearLoader)
    except yaml.YAMLError as exc:
        raise ContentErrors([_yaml_error(shown, exc, line_offset)]) from exc


def key_lines(text: str, line_offset: int = 0) -> dict[str, int]:
    """Line of each top-level key of a YAML mapping, for error messages."""
    try:
        node = yaml.compose(text, Loader=_BaseLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: k.start_mark.line + 1 + line_offset for k, _ in node.value
            if isinstance(k, yaml.ScalarNode)}


def load_yaml(path: Path, root: Path | None = None):
    return parse_yaml(read_text(path, root), display_path(path, root))


# --- front matter ----------------------------------------------------------------------

FIELDS: dict[str, tuple[type | tuple, bool]] = {
    # name: (accepted types, required)
    "id": (str, True),
    "title": (str, True),
    "type": (str, True),
    "source": (str, True),
    "doc_number": ((str, type(None)), False),
    "issuer": ((str, type(None)), False),
    "date": ((dt.date, str, type(None)), False),
    "published": ((dt.date, str, type(None)), False),
    "masthead": ((str, type(None)), False),
    "normative_code": ((str, type(None)), False),
    "gazette": ((str, type(None)), False),
    "gazette_page": ((int, type(None)), False),
    "source_lines": ((list, type(None)), False),
    "issue": ((int, type(None)), False),
    "issue_total": ((int, type(None)), False),
    "year": ((int, type(None)), False),
}


def split_front_matter(text: str, shown: str) -> tuple[str, str, int]:
    """(front matter, body, line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentErrors([ContentError(shown, 1, "no front matter: the file must start with a line '---'")])
    for n in range(1, len(lines)):
        if lines[n].strip() == "---":
            return "\n".join(lines[1:n]), "\n".join(lines[n + 1:]), n + 2
    raise ContentErrors([ContentError(shown, 1, "front matter is not closed: no second line '---'")])


def _as_date(value, shown: str, line: int | None, name: str, errors: list) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(ContentError(shown, line, f"field '{name}' is not a date (YYYY-MM-DD): '{value}'"))
        return None


def parse_document(path: Path, root: Path) -> Document:
    shown = display_path(path, root)
    text = read_text(path, root)
    if not text.strip():
        raise ContentErrors([ContentError(shown, 1, "empty file")])
    front, body, body_line = split_front_matter(text, shown)
    meta = parse_yaml(front, shown, line_offset=1)
    lines = key_lines(front, line_offset=1)
    if not isinstance(meta, dict):
        raise ContentErrors([ContentError(shown, 2, "front matter must be a mapping of field: value")])
    errors: list[ContentError] = []
    for name, value in meta.items():
        if name not in FIELDS:
            errors.append(ContentError(shown, lines.get(name), f"unknown field '{name}'{did_you_mean(name, FIELDS)}"))
            continue
        types, _ = FIELDS[name]
        if not isinstance(value, types) or (isinstance(value, bool) and types is not bool):
            errors.append(ContentError(shown, lines.get(name),
                                       f"field '{name}' has the wrong type ({type(value).__name__})"))
    for name, (_, required) in FIELDS.items():
        if required and not meta.get(name):
            errors.append(ContentError(shown, 1, f"missing required field '{name}'"))
    if errors:
        raise ContentErrors(errors)
    if not ID_RE.match(meta["id"]):
        errors.append(ContentError(shown, lines.get("id"),
                                   f"id '{meta['id']}' must be lower-case ASCII letters, digits and '-'"))
    elif path.stem != meta["id"]:
        errors.append(ContentError(shown, lines.get("id"), f"id '{meta['id']}' does not match the file name '{path.name}'"))
    number = None
    if meta.get("doc_number"):
        number = cjk.parse_doc_number(meta["doc_number"])
        if number is None:
            errors.append(ContentError(shown, lines.get("doc_number"),
                                       f"'{meta['doc_number']}' is not a document number like 甬政办发〔2021〕79号"))
    date = _as_date(meta.get("date"), shown, lines.get("date"), "date", errors)
    published = _as_date(meta.get("published"), shown, lines.get("published"), "published", errors)
    if errors:
        raise ContentErrors(errors)
    source_lines = meta.get("source_lines")
    return Document(
        id=meta["id"], title=meta["title"].strip(), type=meta["type"], source=meta["source"],
        path=path, body=body, body_line=body_line, doc_number=number, issuer=meta.get("issuer"),
        date=date, published=published, masthead=meta.get("masthead"),
        normative_code=meta.get("normative_code"), gazette=meta.get("gazette"),
        gazette_page=meta.get("gazette_page"),
        source_lines=tuple(source_lines) if source_lines else None,
        issue=meta.get("issue"), issue_total=meta.get("issue_total"), year=meta.get("year"),
    )


# --- the whole site ----------------------------------------------------------------------

def load_site(root: Path, theme: Path | None = None) -> Site:
    """Everything under content/ and data/, checked; raises ContentErrors listing every problem."""
    errors: list[ContentError] = []
    types: dict[str, DocType] = {}
    sources: dict[str, SourceText] = {}
    data = root / "data"
    try:
        for n, name in enumerate(load_yaml(data / "document_types.yaml", root) or []):
            types[name] = DocType(name, n)
    except ContentErrors as exc:
        errors.extend(exc.errors)
    try:
        from .yamllines import load_with_lines
        shown = display_path(data / "sources.yaml", root)
        for entry in load_with_lines(read_text(data / "sources.yaml", root), shown) or []:
            file = str(entry.get("file", "")).split("#")[0]
            if not SOURCE_NAME_RE.match(file):
                errors.append(ContentError(shown, getattr(entry, "line", None),
                                           f"source '{file}' must be a plain file name in content/sources/"))
                continue
            if file not in sources and "#" not in entry["file"]:
                sources[file] = SourceText(file, entry.get("about", ""), root / "content" / "sources" / file)
    except ContentErrors as exc:
        errors.extend(exc.errors)

    documents: dict[str, Document] = {}
    doc_dir = root / "content" / "documents"
    paths = sorted(doc_dir.glob("*.md")) if doc_dir.is_dir() else []
    if not paths:
        errors.append(ContentError(display_path(doc_dir, root), None, "no documents (*.md) found"))
    for path in paths:
        try:
            doc = parse_document(path, root)
        except ContentErrors as exc:
            errors.extend(exc.errors)
            continue
        shown = display_path(path, root)
        if doc.id in documents:
            errors.append(ContentError(shown, 2, f"duplicate document id '{doc.id}' (also {display_path(documents[doc.id].path, root)})"))
            continue
        if types and doc.type not in types:
            errors.append(ContentError(shown, _line_of(path, "type"),
                                       f"unknown document type '{doc.type}'{did_you_mean(doc.type, types)}"))
        if doc.source not in sources:
            errors.append(ContentError(shown, _line_of(path, "source"),
                                       f"unknown source '{doc.source}'{did_you_mean(doc.source, sources)}"))
        elif not sources[doc.source].path.is_file():
            errors.append(ContentError(shown, _line_of(path, "source"), f"source file content/sources/{doc.source} is missing"))
        documents[doc.id] = doc
    for doc in documents.values():
        if doc.gazette and doc.gazette not in documents:
            errors.append(ContentError(display_path(doc.path, root), _line_of(doc.path, "gazette"),
                                       f"unknown gazette issue '{doc.gazette}'{did_you_mean(doc.gazette, documents)}"))
    if errors:
        raise ContentErrors(sorted(set(errors)))
    return Site(root=root, documents=documents, types=types, sources=sources, theme=theme)


def _line_of(path: Path, key: str) -> int | None:
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if line.startswith(f"{key}:"):
            return n
    return None
