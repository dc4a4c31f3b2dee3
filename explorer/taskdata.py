"""Task collections and agencies: data/collections.yaml, data/tasks/*.yaml,
data/agencies.yaml, data/lineage.yaml, as reviewed (tools/ writes the proposals).

The build loads them, resolves every lead/support name to an agency or group, and
reports what it cannot as `file:line: message`.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from . import cjk
from .errors import ContentError, did_you_mean, display_path
from .model import AGENCY_CATEGORIES, Agency, Collection, Coverage, Site, Task
from .schema import Field, check_fields, checked_entries
from .yamllines import load_collected

COLLECTION_FIELDS = {
    "id": Field(str, required=True), "title": Field(str, required=True), "document": Field(str, required=True),
    "label": Field(str), "reader": Field(str), "parent": Field(str), "default_scope": Field(str),
    "scope_note": Field(str), "coverage": Field(dict), "review": Field(bool),
}
COVERAGE_FIELDS = {"title": Field(str, required=True), "place": Field(str, required=True),
                   "scope_prefix": Field(str), "scope_names": Field(list, items=str)}
AGENCY_FIELDS = {
    "id": Field(str, required=True), "name": Field(str, required=True), "category": Field(str, required=True),
    "full_name": Field(str), "aliases": Field(list, items=str), "predecessor": Field(str), "successor": Field(str),
    "review": Field(bool),
}
TASK_FILE_FIELDS = {"collection": Field(str, required=True), "tasks": Field(list, required=True)}
TASK_FIELDS = {
    "number": Field(int, required=True), "missing": Field(bool), "text": Field(str), "domain": Field(str),
    "leader": Field(str), "section": Field(str), "flagged": Field(bool), "scope": Field(str),
    "anchor": Field(str), "lead": Field(list, items=str), "support": Field(list, items=str),
    "guide": Field(list, items=str),
}
ROLES = ("lead", "support", "guide")
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")


def load_collections(root: Path, errors: list[ContentError]) -> dict[str, Collection]:
    path = root / "data" / "collections.yaml"
    shown = display_path(path, root)
    collections: dict[str, Collection] = {}
    for entry, line in checked_entries(path, root, COLLECTION_FIELDS, "a collection", "- id: …", errors):
        if not _ID.fullmatch(entry["id"]):
            errors.append(ContentError(shown, line, f"collection id '{entry['id']}' must be lower-case ASCII"))
            continue
        if entry["id"] in collections:
            errors.append(ContentError(shown, line, f"duplicate collection id '{entry['id']}'"))
            continue
        if entry.get("reader", "table") not in ("table", "clauses"):
            errors.append(ContentError(shown, entry.key_lines.get("reader", line),
                                       f"unknown reader '{entry['reader']}' (table or clauses)"))
        coverage = entry.get("coverage")
        if coverage is not None:
            problems = check_fields(coverage, COVERAGE_FIELDS, shown, coverage.line, what="coverage")
            if problems:
                errors.extend(problems)
                continue
            coverage = Coverage(title=coverage["title"], place=coverage["place"],
                                scope_prefix=coverage.get("scope_prefix"),
                                scope_names=tuple(coverage.get("scope_names") or ()))
        collections[entry["id"]] = Collection(
            id=entry["id"], title=entry["title"], document=entry["document"], reader=entry.get("reader") or "table",
            label=entry.get("label") or entry["title"], parent=entry.get("parent"),
            default_scope=entry.get("default_scope"), scope_note=entry.get("scope_note"), coverage=coverage,
            line=line)
    for collection in collections.values():
        if collection.parent and collection.parent not in collections:
            errors.append(ContentError(shown, collection.line, f"unknown parent collection '{collection.parent}'"))
        elif collection.coverage and not collection.parent:
            errors.append(ContentError(shown, collection.line,
                                       f"collection '{collection.id}' has coverage but no parent collection to cover"))
    return collections


def load_agencies(root: Path, errors: list[ContentError]) -> dict[str, Agency]:
    path = root / "data" / "agencies.yaml"
    shown = display_path(path, root)
    agencies: dict[str, Agency] = {}
    spelled: dict[str, str] = {}
    entries = []
    for entry, line in checked_entries(path, root, AGENCY_FIELDS, "an agency", "- id: …", errors):
        entries.append(entry)
        if not _ID.fullmatch(entry["id"]):
            errors.append(ContentError(shown, line, f"agency id '{entry['id']}' must be lower-case ASCII"))
            continue
        if entry["id"] in agencies:
            errors.append(ContentError(shown, line, f"duplicate agency id '{entry['id']}'"))
            continue
        if entry["category"] not in AGENCY_CATEGORIES:
            errors.append(ContentError(shown, entry.key_lines.get("category", line), f"unknown category "
                                       f"'{entry['category']}'{did_you_mean(entry['category'], AGENCY_CATEGORIES)}"))
        agency = Agency(id=entry["id"], name=entry["name"].strip(), category=entry["category"],
                        full_name=entry.get("full_name") or None, aliases=list(entry.get("aliases") or []),
                        predecessor=entry.get("predecessor"), successor=entry.get("successor"),
                        review=bool(entry.get("review")))
        for spelling in agency.spellings:
            key = cjk.name_key(spelling)
            if key in spelled and spelled[key] != agency.id:
                errors.append(ContentError(shown, line, f"spelling '{spelling}' is used by '{spelled[key]}' too"))
            spelled[key] = agency.id
        agencies[agency.id] = agency
    for entry in entries:
        for relation in ("predecessor", "successor"):
            target = entry.get(relation) if isinstance(entry, dict) else None
            if isinstance(target, str) and target not in agencies:
                errors.append(ContentError(shown, entry.key_lines.get(relation),
                                           f"unknown {relation} '{target}'{did_you_mean(target, agencies)}"))
    return agencies


def agency_index(agencies: dict[str, Agency]) -> dict[str, Agency]:
    """Every spelling (whitespace ignored) -> its agency."""
    return {cjk.name_key(s): a for a in agencies.values() for s in a.spellings}


def load_tasks(site: Site, errors: list[ContentError]) -> None:
    """Read data/tasks/<collection>.yaml for every collection and resolve agencies."""
    spellings = agency_index(site.agencies)
    names = [s for a in site.agencies.values() for s in a.spellings]
    for collection in site.collections.values():
        path = site.root / "data" / "tasks" / f"{collection.id}.yaml"
        shown = display_path(path, site.root)
        if collection.document not in site.documents:
            errors.append(ContentError(display_path(site.root / "data" / "collections.yaml", site.root), collection.line,
                                       f"collection '{collection.id}' names unknown document '{collection.document}'"
                                       f"{did_you_mean(collection.document, site.documents)}"))
            continue
        if not os.path.lexists(path):
            errors.append(ContentError(shown, None, "missing task file; run `build.py tasks`"))
            continue
        found = len(errors)
        data = load_collected(path, site.root, errors)
        if len(errors) > found:   # unreadable or not YAML: reported
            continue
        problems = check_fields(data, TASK_FILE_FIELDS, shown, 1, what="a task file")
        if problems:
            errors.extend(problems)
            continue
        if data["collection"] != collection.id:
            errors.append(ContentError(shown, data.key_lines["collection"],
                                       f"the file must start with 'collection: {collection.id}'"))
            continue
        seen: set[int] = set()
        for item, line in zip(data["tasks"], data["tasks"].item_lines):
            problems = check_fields(item, TASK_FIELDS, shown, line, what="a task")
            if problems:
                errors.extend(problems)
                continue
            number = item["number"]
            if number in seen:
                errors.append(ContentError(shown, line, f"duplicate task number {number}"))
                continue
            seen.add(number)
            if item.get("missing"):
                collection.gaps.append(number)
                continue
            if not (item.get("text") or "").strip():
                errors.append(ContentError(shown, line, f"task {number} has no text"))
                continue
            task = Task(collection=collection.id, number=number, text=item["text"], domain=item.get("domain") or "",
                        anchor=item.get("anchor"), leader=item.get("leader"), flagged=bool(item.get("flagged")),
                        scope=item.get("scope"), section=item.get("section"),
                        line=item.key_lines.get("anchor", line) if item.get("anchor") else line)
            for role in ROLES:
                values = item.get(role) or []
                lines = getattr(values, "item_lines", [line] * len(values))
                for name, name_line in zip(values, lines):
                    agency = spellings.get(cjk.name_key(str(name)))
                    if agency is None:
                        errors.append(ContentError(shown, name_line,
                                                   f"unknown agency '{name}'{did_you_mean(str(name), names)}"))
                    elif agency not in getattr(task, role):
                        getattr(task, role).append(agency)
            collection.tasks.append(task)
        collection.tasks.sort(key=lambda t: t.number)


def check_task_anchors(site: Site) -> list[ContentError]:
    """After bodies are rendered: every task's anchor exists in its document."""
    errors = []
    for collection in site.collections.values():
        doc = site.documents.get(collection.document)
        if doc is None:
            continue
        shown = display_path(site.root / "data" / "tasks" / f"{collection.id}.yaml", site.root)
        for task in collection.tasks:
            if task.anchor and task.anchor not in doc.anchors:
                errors.append(ContentError(shown, task.line, f"task {task.number}: anchor '{task.anchor}' not found in {doc.id}"))
    return errors


# --- lineage (proposed by tools/lineage.py, reviewed by hand) ---------------------------

def load_lineage(site: Site, errors: list[ContentError]) -> None:
    path = site.root / "data" / "lineage.yaml"
    shown = display_path(path, site.root)
    if not os.path.lexists(path):
        return
    data = load_collected(path, site.root, errors)
    if data is None:
        return
    if not isinstance(data, dict):
        errors.append(ContentError(shown, getattr(data, "line", 1), "must be a mapping of task id: [parent task ids]"))
        return
    tasks = {t.id: t for t in site.all_tasks()}
    for child_id, parent_ids in data.items():
        line = data.key_lines.get(child_id)
        child = tasks.get(child_id)
        if child is None:
            errors.append(ContentError(shown, line, f"unknown task '{child_id}'{did_you_mean(child_id, tasks)}"))
            continue
        if parent_ids is None:
            continue
        if not isinstance(parent_ids, list) or not all(isinstance(p, str) for p in parent_ids):
            errors.append(ContentError(shown, line, f"'{child_id}' must name a list of task ids: [a-1, b-2]"))
            continue
        for parent_id in parent_ids:
            parent = tasks.get(parent_id)
            if parent is None:
                errors.append(ContentError(shown, line, f"unknown task '{parent_id}'{did_you_mean(parent_id, tasks)}"))
                continue
            child.derived_from.append(parent)
    errors.extend(_cycles(site, shown, data))


def _cycles(site: Site, shown: str, data) -> list[ContentError]:
    """Every derived_from cycle, reported once at the line of its first task. A depth-first
    walk that visits each task once (linear in tasks plus links, even on diamonds)."""
    errors: list[ContentError] = []
    state: dict[str, int] = {}          # 1: on the current path, 2: done
    for start in site.all_tasks():
        if start.id in state:
            continue
        path: list[Task] = [start]
        position = {start.id: 0}
        pending = [iter(start.derived_from)]
        state[start.id] = 1
        while pending:
            parent = next(pending[-1], None)
            if parent is None:
                done = path.pop()
                del position[done.id]
                state[done.id] = 2
                pending.pop()
            elif state.get(parent.id) == 1:
                cycle = [t.id for t in path[position[parent.id]:]] + [parent.id]
                errors.append(ContentError(shown, data.key_lines.get(cycle[0]), f"circular lineage: {' -> '.join(cycle)}"))
            elif parent.id not in state:
                state[parent.id] = 1
                position[parent.id] = len(path)
                path.append(parent)
                pending.append(iter(parent.derived_from))
    return errors
