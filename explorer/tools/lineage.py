"""`build.py lineage`: which task of the parent collection each task derives from,
proposed by text similarity into data/lineage.yaml for a person to review. Decisions
already reviewed are kept."""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import ContentError, ContentErrors, display_path
from ..model import Site, Task
from ..yamllines import load_yaml
from . import GENERATED

_NOISE = re.compile(r"（适用范围：.*?）$|[\s，。、；：“”‘’（）()《》〈〉*▲,.;:\"']")


def _bigrams(text: str) -> set[str]:
    text = _NOISE.sub("", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


def containment(child: str, parent: str) -> float:
    """Share of the child's character bigrams found in the parent."""
    a, b = _bigrams(child), _bigrams(parent)
    return len(a & b) / len(a) if a else 0.0


LINK_THRESHOLD = 0.6      # a parent must hold at least this share of the child's wording
SECOND_PARENT = 0.25      # a further parent must add this share of wording the first lacks


def propose_parents(child: Task, parents: list[Task]) -> list[tuple[Task, float]]:
    """The parent holding most of the child's wording, and any parent that holds a
    further part of it (a child that merges several parents)."""
    words = _bigrams(child.text)
    if not words:
        return []
    scored = sorted(((p, containment(child.text, p.text)) for p in parents), key=lambda x: (-x[1], x[0].number))
    if not scored or scored[0][1] < LINK_THRESHOLD:
        return []
    found = [scored[0]]
    covered = words & _bigrams(scored[0][0].text)
    for parent, score in scored[1:8]:
        extra = (words & _bigrams(parent.text)) - covered
        if len(extra) / len(words) >= SECOND_PARENT:
            found.append((parent, score))
            covered |= extra
    return found


def lineage_yaml(site: Site, reviewed: dict[str, list[str]] | None = None) -> str:
    """Proposals for every task with a parent collection; decisions already in
    `reviewed` (the current data/lineage.yaml) are kept as they are."""
    reviewed = reviewed or {}
    lines = [GENERATED.format(command="lineage", source="data/tasks/*.yaml").rstrip("\n"),
             "# child task id: [parent task ids]; the score is the share of the child's wording",
             "# (character bigrams) found in the parent. Edit the decisions, not the scores.", ""]
    for collection in site.collections.values():
        parent = site.collections.get(collection.parent) if collection.parent else None
        if parent is None:
            continue
        lines.append(f"# {collection.id} -> {parent.id}")
        by_id = {t.id: t for t in parent.tasks}
        for task in collection.tasks:
            if task.id in reviewed:
                chosen = [(by_id[i], containment(task.text, by_id[i].text)) for i in reviewed[task.id] if i in by_id]
                note = "reviewed"
            else:
                chosen, note = propose_parents(task, parent.tasks), "proposed"
            ids = ", ".join(p.id for p, _ in chosen)
            scores = " ".join(f"{s:.2f}" for _, s in chosen)
            lines.append(f"{task.id}: [{ids}]  # {note}" + (f" {scores}" if scores else ""))
        lines.append("")
    return "\n".join(lines)


def reviewed_lineage(path: Path, root: Path) -> dict[str, list[str]]:
    """The decisions in the current data/lineage.yaml (any task ids: those no longer in
    the collections are dropped when the file is written again)."""
    if not path.exists():
        return {}
    data = load_yaml(path, root)
    if not isinstance(data, dict):
        raise ContentErrors([ContentError(display_path(path, root), 1, "must be a mapping of task id: [parent task ids]")])
    return {child: [p for p in parents if isinstance(p, str)] for child, parents in data.items()
            if isinstance(parents, list)}
