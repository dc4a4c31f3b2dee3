"""`build.py add PATH...`: a maintainer's raw text into the project, with no hand edits.

For each text: copy it into content/sources/ (an ASCII name derived if its own is not
one), register it in data/sources.yaml, import its documents into content/documents/,
then propose what the registries lack, each entry marked `review: true`:
- a 发文字号 代字 missing from data/doc_prefixes.yaml, with its slug and issuer;
- a document type missing from data/document_types.yaml;
- for a document with responsibility clauses, a task collection in
  data/collections.yaml and its task file data/tasks/<id>.yaml;
- the agencies those tasks name that data/agencies.yaml does not know.
Proposals are appended as text, so the files' comments and order stay as they are.
Every step looks first: running `add` again on the same text changes nothing.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import cjk
from ..content import SOURCE_NAME_RE
from ..errors import ContentError, ContentErrors, display_path
from ..sourcefiles import read_bytes, read_text
from ..yamllines import load_yaml
from . import ids
from .importer import Catalogue, import_source, write_drafts
from .taskfiles import clause_tasks, collection_yaml, extract_collection

REVIEW = "  review: true   # proposed by `build.py add`: check, then remove this line\n"


@dataclass
class AddReport:
    done: list[str] = field(default_factory=list)      # what was written
    review: list[str] = field(default_factory=list)    # what a person should check

    def lines(self) -> list[str]:
        out = [f"  {line}" for line in self.done] or ["  nothing to do: already added"]
        if self.review:
            out += ["to review:"] + [f"  {line}" for line in self.review]
        return out


def add(paths: list[Path], root: Path) -> AddReport:
    report = AddReport()
    for path in paths:
        name = _copy_source(path, root, report)
        _register_source(name, root, report)
        _import(root / "content" / "sources" / name, root, report)
    return report


def _source_name(path: Path, data: bytes) -> str:
    """The text's own file name if it is plain ASCII, else one derived from it."""
    name = path.name if path.suffix.lower() == ".txt" else f"{path.name}.txt"
    if SOURCE_NAME_RE.fullmatch(name):
        return name
    return f"{ids.initials(path.stem)[:40] or 'source'}-{hashlib.sha256(data).hexdigest()[:8]}.txt"


def _copy_source(path: Path, root: Path, report: AddReport) -> str:
    data = read_bytes(path, None)
    read_text(path, None)   # UTF-8 text, or an error naming the file and line
    name = _source_name(path, data)
    target = root / "content" / "sources" / name
    if target.exists():
        if target.read_bytes() != data:
            raise ContentErrors([ContentError(display_path(target, root), None, f"already holds another text; "
                                              f"rename {path.name} or remove the old source first")])
        return name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    report.done.append(f"copied {path} -> content/sources/{name}")
    return name


def _append(path: Path, text: str) -> None:
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if existing and not existing.endswith("\n"):
        existing += "\n"
    path.write_text(existing + text, encoding="utf-8")


def _register_source(name: str, root: Path, report: AddReport) -> None:
    path = root / "data" / "sources.yaml"
    entries = (load_yaml(path, root) or []) if path.exists() else []
    if any(isinstance(e, dict) and str(e.get("file", "")).split("#")[0] == name for e in entries):
        return
    _append(path, f"- file: {name}\n")
    report.done.append(f"registered content/sources/{name} in data/sources.yaml")


def _import(source: Path, root: Path, report: AddReport) -> None:
    data = root / "data"
    catalogue = Catalogue.load(data)
    result = import_source(source, catalogue, root)
    documents = root / "content" / "documents"
    before = {d.meta["id"]: _read_or_none(documents / f"{d.meta['id']}.md") for d in result.drafts}
    write_drafts(result, documents, root)
    for draft in result.drafts:
        doc_id = draft.meta["id"]
        if before[doc_id] != _read_or_none(documents / f"{doc_id}.md"):
            report.done.append(f"imported {draft.meta['title']} -> content/documents/{doc_id}.md")
        for note in result.report.notes:
            report.review.append(f"content/documents/{doc_id}.md: {note}")
        _propose_prefix(draft.meta, catalogue, root, report)
        _propose_type(draft.meta["type"], root, report)
        body = (documents / f"{doc_id}.md").read_text(encoding="utf-8")
        if clause_tasks(body):
            _propose_collection(draft.meta, root, report)


def _read_or_none(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def _propose_prefix(meta: dict, catalogue: Catalogue, root: Path, report: AddReport) -> None:
    number = cjk.parse_doc_number(meta["doc_number"]) if meta.get("doc_number") else None
    if number is None or number.prefix in catalogue.prefixes:
        return
    issuer = meta.get("issuer")
    entry = yaml.safe_dump({number.prefix: {"slug": catalogue.slug(number.prefix), "issuer": issuer}},
                           allow_unicode=True, sort_keys=False)
    _append(root / "data" / "doc_prefixes.yaml", entry + REVIEW)
    catalogue.prefixes[number.prefix] = {"slug": catalogue.slug(number.prefix), "issuer": issuer}
    report.done.append(f"proposed 代字 {number.prefix} (slug {catalogue.slug(number.prefix)}) in data/doc_prefixes.yaml")
    report.review.append(f"data/doc_prefixes.yaml: {number.prefix}: the slug and the issuer ({issuer or 'none found'})")


def _propose_type(doc_type: str, root: Path, report: AddReport) -> None:
    path = root / "data" / "document_types.yaml"
    known = [e if isinstance(e, str) else e.get("name") for e in (load_yaml(path, root) or [])] if path.exists() else []
    if doc_type in known:
        return
    _append(path, f"- {doc_type}   # proposed by `build.py add`: check the document's type\n")
    report.done.append(f"proposed document type {doc_type} in data/document_types.yaml")
    report.review.append(f"data/document_types.yaml: {doc_type}: a type of its own, or the document's type misread")


def _propose_collection(meta: dict, root: Path, report: AddReport) -> None:
    """A collection of the document's responsibility clauses, its task file, and the
    agencies they name that the registry lacks."""
    from .. import site as pipeline   # the build's loader: the project as it stands
    path = root / "data" / "collections.yaml"
    entries = (load_yaml(path, root) or []) if path.exists() else []
    if any(isinstance(e, dict) and e.get("document") == meta["id"] for e in entries):
        return
    taken = {e.get("id") for e in entries if isinstance(e, dict)}
    collection_id = meta["id"] if meta["id"] not in taken else f"{meta['id']}-tasks"
    entry = yaml.safe_dump([{"id": collection_id, "title": meta["title"], "document": meta["id"], "reader": "clauses"}],
                           allow_unicode=True, sort_keys=False, width=1000)
    _append(path, entry + REVIEW)
    site = pipeline.load(root, parts=("documents", "collections"))
    collection = site.collections[collection_id]
    rows = extract_collection(site, collection)
    tasks_path = root / "data" / "tasks" / f"{collection_id}.yaml"
    tasks_path.parent.mkdir(parents=True, exist_ok=True)
    tasks_path.write_text(collection_yaml(collection, rows), encoding="utf-8")
    report.done.append(f"proposed task collection {collection_id} ({len(rows)} tasks) in data/collections.yaml "
                       f"and data/tasks/{collection_id}.yaml")
    report.review.append(f"data/tasks/{collection_id}.yaml: each task's text and its lead, support and guide")
    _propose_agencies([n for row in rows for n in row.lead + row.support + row.guide], root, report)


_GROUP_NAME = re.compile(r"^(各|有关|相关|试点)|等$|政府$")


def _propose_agencies(names: list[str], root: Path, report: AddReport) -> None:
    path = root / "data" / "agencies.yaml"
    entries = (load_yaml(path, root) or []) if path.exists() else []
    known = {cjk.squeeze(s) for e in entries if isinstance(e, dict)
             for s in [e.get("name") or ""] + list(e.get("aliases") or [])}
    taken = {e.get("id") for e in entries if isinstance(e, dict)}
    added = []
    for name in dict.fromkeys(names):
        if cjk.squeeze(name) in known:
            continue
        agency_id = ids.agency_id(name, taken)
        taken.add(agency_id)
        known.add(cjk.squeeze(name))
        category = "group" if _GROUP_NAME.search(name) and not name.endswith(("人民政府", "办公厅")) else "其他"
        added.append(yaml.safe_dump([{"id": agency_id, "name": name, "category": category}], allow_unicode=True,
                                    sort_keys=False) + REVIEW)
        report.review.append(f"data/agencies.yaml: {name} ({agency_id}): its full name, category and aliases")
    if added:
        _append(path, "".join(added))
        report.done.append(f"proposed {len(added)} agencies in data/agencies.yaml")
