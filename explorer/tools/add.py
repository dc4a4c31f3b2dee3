"""`build.py add PATH...`: a maintainer's document into the project, with no hand edits.

For each file: read it in its form (a PDF, a .docx, a saved web page, a text in any
encoding Chinese texts are saved in: forms/), write its text into content/sources/ (an
ASCII name derived if its own is not one) with the file itself beside it when the text
is not its bytes, register it in data/sources.yaml, import its documents into content/documents/,
then propose what the registries lack, each entry marked `review: true`:
- a 发文字号 代字 missing from data/doc_prefixes.yaml, with its slug and issuer;
- a document type missing from data/document_types.yaml;
- for a document with responsibility clauses, a task collection in
  data/collections.yaml and its task file data/tasks/<id>.yaml;
- the agencies those tasks name that data/agencies.yaml does not know.
Proposals are appended as text, so the files' comments and order stay as they are.
Every step looks first: running `add` again on the same text changes nothing. A failed
add leaves content/ and data/ exactly as they were.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import cjk, site as pipeline   # the build's loader: the project as it stands
from ..content import SOURCE_NAME_RE
from ..errors import ContentError, ContentErrors, display_path
from ..sourcefiles import read_bytes
from ..yamllines import load_yaml
from . import ids
from .forms import FormProblem, read_document
from .importer import Catalogue, import_source, write_drafts
from .taskfiles import clause_tasks, collection_yaml, extract_collection, table_tasks

REVIEW = "  review: true   # proposed by `build.py add`: check, then remove this line\n"


@dataclass
class FileReport:
    path: Path
    form: str = ""
    encoding: str | None = None
    done: list[str] = field(default_factory=list)      # what was written
    review: list[str] = field(default_factory=list)    # what a person should check
    original: str | None = None                        # the file kept beside its text


@dataclass
class AddReport:
    files: list[FileReport] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        for f in self.files:
            out.append(f"{f.path}: {f.form}, {f'encoding {f.encoding}' if f.encoding else 'no text encoding (read by layout)'}")
            out += [f"  {line}" for line in f.done] or ["  nothing to do: already added"]
            if f.review:
                out += ["  to review:"] + [f"    {line}" for line in f.review]
        return out


class ProjectSnapshot:
    """content/ and data/ as they were, put back exactly if an add fails part way."""

    FOLDERS = ("content", "data")

    def __init__(self, root: Path):
        self.root = root
        self.files = {p: p.read_bytes() for p in self._files()}
        self.folders = {p for folder in self.FOLDERS for p in (root / folder).rglob("*") if p.is_dir()}

    def _files(self) -> list[Path]:
        return [p for folder in self.FOLDERS for p in (self.root / folder).rglob("*") if p.is_file()]

    def restore(self) -> None:
        for path in self._files():
            if path not in self.files:
                path.unlink()
        for path, data in self.files.items():
            if not path.is_file() or path.read_bytes() != data:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        for folder in sorted((p for f in self.FOLDERS for p in (self.root / f).rglob("*") if p.is_dir()),
                             key=lambda p: len(p.parts), reverse=True):
            if folder not in self.folders and not any(folder.iterdir()):
                folder.rmdir()


def add(paths: list[Path], root: Path, title: str | None = None) -> AddReport:
    """Each file brought in, registered and imported, then the project checked as the
    build checks it; on any failure content/ and data/ are put back as they were."""
    report = AddReport()
    snapshot = ProjectSnapshot(root)
    try:
        for path in paths:
            file = FileReport(path)
            report.files.append(file)
            name = _bring_in(path, root, file)
            _register_source(name, root, file, title)
            _import(root / "content" / "sources" / name, root, file)
        problems = pipeline.resolve(pipeline.load(root))
        if problems:
            raise ContentErrors(problems)
    except BaseException:
        snapshot.restore()
        raise
    return report


def _stem(path: Path, data: bytes) -> str:
    """The file's own name without its ending if it is plain ASCII, else one derived from it."""
    stem = path.name[:-len(path.suffix)] if path.suffix else path.name
    if SOURCE_NAME_RE.fullmatch(f"{stem}.txt") and not stem.endswith("."):
        return stem
    return f"{ids.initials(stem)[:40] or 'source'}-{hashlib.sha256(data).hexdigest()[:8]}"


_ENDINGS = {"PDF": ".pdf", "Word (.docx)": ".docx"}


def _bring_in(path: Path, root: Path, file: FileReport) -> str:
    """The file read in its form; its text into content/sources/<stem>.txt, and the file
    itself beside it when the text is not its bytes (a PDF, a .docx, a page, GB18030)."""
    shown = display_path(path, None)
    data = read_bytes(path, None)
    try:
        extracted = read_document(data, path.name)
    except FormProblem as exc:
        raise ContentErrors([ContentError(shown, exc.line, str(exc))]) from None
    file.form, file.encoding = extracted.form, extracted.encoding
    file.review.extend(extracted.notes)
    stem = _stem(path, data)
    name = f"{stem}.txt"
    writes = [(name, extracted.text.encode("utf-8") if extracted.original else data)]
    if extracted.original:
        ending = path.suffix.lower() if path.suffix and path.suffix.isascii() else _ENDINGS.get(extracted.form, ".html")
        writes.append((f"{stem}.original{ending}" if ending == ".txt" else f"{stem}{ending}", data))
    for target_name, content in writes:
        target = root / "content" / "sources" / target_name
        if target.exists():
            if target.read_bytes() != content:
                raise ContentErrors([ContentError(display_path(target, root), None, f"already holds another text; "
                                                  f"rename {path.name} or remove the old source first")])
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        file.done.append(f"{'extracted the text of' if extracted.original and target_name == name else 'copied'} "
                         f"{path.name} -> content/sources/{target_name}")
    file.original = writes[1][0] if len(writes) > 1 else None
    return name


def _append(path: Path, text: str) -> None:
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if existing and not existing.endswith("\n"):
        existing += "\n"
    path.write_text(existing + text, encoding="utf-8")


def _register_source(name: str, root: Path, report: FileReport, title: str | None) -> None:
    path = root / "data" / "sources.yaml"
    entries = (load_yaml(path, root) or []) if path.exists() else []
    if any(isinstance(e, dict) and str(e.get("file", "")).split("#")[0] == name for e in entries):
        return
    entry = {"file": name}
    if report.original:
        entry["original"] = report.original
    if title:
        entry["title"] = title
    _append(path, yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=1000))
    report.done.append(f"registered content/sources/{name} in data/sources.yaml")


def _import(source: Path, root: Path, report: FileReport) -> None:
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
            _propose_collection(draft.meta, root, report, "clauses")
        elif table_tasks(body):
            _propose_collection(draft.meta, root, report, "table")


def _read_or_none(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def _propose_prefix(meta: dict, catalogue: Catalogue, root: Path, report: FileReport) -> None:
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


def _propose_type(doc_type: str, root: Path, report: FileReport) -> None:
    path = root / "data" / "document_types.yaml"
    known = [e if isinstance(e, str) else e.get("name") for e in (load_yaml(path, root) or [])] if path.exists() else []
    if doc_type in known:
        return
    _append(path, f"- {doc_type}   # proposed by `build.py add`: check the document's type\n")
    report.done.append(f"proposed document type {doc_type} in data/document_types.yaml")
    report.review.append(f"data/document_types.yaml: {doc_type}: a type of its own, or the document's type misread")


def _propose_collection(meta: dict, root: Path, report: FileReport, reader: str) -> None:
    """A collection of the document's tasks (its responsibility clauses, or its task
    table), its task file, and the agencies they name that the registry lacks."""
    path = root / "data" / "collections.yaml"
    entries = (load_yaml(path, root) or []) if path.exists() else []
    if any(isinstance(e, dict) and e.get("document") == meta["id"] for e in entries):
        return
    taken = {e.get("id") for e in entries if isinstance(e, dict)}
    collection_id = meta["id"] if meta["id"] not in taken else f"{meta['id']}-tasks"
    entry = yaml.safe_dump([{"id": collection_id, "title": meta["title"], "document": meta["id"], "reader": reader}],
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


def _propose_agencies(names: list[str], root: Path, report: FileReport) -> None:
    path = root / "data" / "agencies.yaml"
    entries = (load_yaml(path, root) or []) if path.exists() else []
    known = {cjk.name_key(s) for e in entries if isinstance(e, dict)
             for s in [e.get("name") or ""] + list(e.get("aliases") or [])}
    taken = {e.get("id") for e in entries if isinstance(e, dict)}
    added = []
    for name in dict.fromkeys(names):
        if cjk.name_key(name) in known:
            continue
        agency_id = ids.agency_id(name, taken)
        taken.add(agency_id)
        known.add(cjk.name_key(name))
        category = "group" if _GROUP_NAME.search(name) and not name.endswith(("人民政府", "办公厅")) else "其他"
        added.append(yaml.safe_dump([{"id": agency_id, "name": name, "category": category}], allow_unicode=True,
                                    sort_keys=False) + REVIEW)
        report.review.append(f"data/agencies.yaml: {name} ({agency_id}): its full name, category and aliases")
    if added:
        _append(path, "".join(added))
        report.done.append(f"proposed {len(added)} agencies in data/agencies.yaml")
