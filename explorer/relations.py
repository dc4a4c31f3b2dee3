"""Facts that follow from the resolved model: every back-reference, derived afresh from
the forward ones (so resolving twice gives the same model), and the domain rules the
pages show (an agency's tasks under its predecessors' names, the chart of its domains,
the wording diff of a task against its parent, which parent tasks a collection covers)."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from .model import Agency, Collection, Site, Task
from .validity import status_of


def derive_back_references(site: Site) -> None:
    """cited_by, related_by (and so each document's status), mentioned_in, an agency's
    lead/support tasks and a task's implemented_by, from links_to, relations, mentions, a
    task's lead/support and derived_from."""
    for doc in site.documents.values():
        doc.cited_by, doc.related_by = [], []
    for agency in site.agencies.values():
        agency.lead, agency.support, agency.guide, agency.mentioned_in = [], [], [], []
    tasks = site.all_tasks()
    for task in tasks:
        task.implemented_by = []
    for doc in site.documents_sorted():
        if site.role(doc) not in ("issue", "contents"):   # an issue's contents are not citations
            for target in sorted(doc.links_to):
                site.documents[target].cited_by.append(doc)
        for agency_id in sorted(doc.mentions):
            site.agencies[agency_id].mentioned_in.append(doc)
        for relation in doc.relations:
            if relation.target is not None:
                relation.target.related_by.append((relation.kind, doc))
    for doc in site.documents.values():
        doc.status = status_of(doc, site.as_of, site.role(doc))
    for task in tasks:
        for role in ("lead", "support", "guide"):
            for agency in getattr(task, role):
                getattr(agency, role).append(task)
        for parent in task.derived_from:
            parent.implemented_by.append(task)


def predecessors(agency: Agency, agencies: dict[str, Agency]) -> list[Agency]:
    """The agency and its predecessors, nearest first (a successor inherits their tasks)."""
    chain, seen = [agency], {agency.id}
    while chain[-1].predecessor and chain[-1].predecessor not in seen:
        chain.append(agencies[chain[-1].predecessor])
        seen.add(chain[-1].id)
    return chain


def agency_tasks(agency: Agency, agencies: dict[str, Agency]) -> tuple[list[Task], list[Task], list[Task]]:
    """Every task the agency leads, supports and guides, under its own name or a predecessor's."""
    lead, support, guide = [], [], []
    for member in predecessors(agency, agencies):
        lead += [t for t in member.lead if t not in lead]
        support += [t for t in member.support if t not in support]
        guide += [t for t in member.guide if t not in guide]
    return lead, support, guide


def domain_chart(lead: list[Task], support: list[Task], collections: dict[str, Collection]) -> list[dict]:
    """Bars for the agency chart: tasks per (collection, domain), lead and support."""
    counts: dict[tuple[str, str], list[int]] = {}
    for role, tasks in ((0, lead), (1, support)):
        for task in tasks:
            counts.setdefault((task.collection, task.domain), [0, 0])[role] += 1
    order = {c: n for n, c in enumerate(collections)}
    bars = sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 99), -sum(kv[1]), kv[0][1]))
    return [{"collection": c, "domain": d, "lead": n[0], "support": n[1], "total": sum(n)} for (c, d), n in bars]


_FOLD_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def wording_diff(parent: str, child: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Character diff of two wordings: (parent segments, child segments), each a list of
    (kind, text) with kind "same", "removed" (parent only) or "added" (child only)."""
    # full- and half-width punctuation are the same wording: compare them folded
    matcher = difflib.SequenceMatcher(None, parent.translate(_FOLD_WIDTH), child.translate(_FOLD_WIDTH),
                                      autojunk=False)
    left: list[tuple[str, str]] = []
    right: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            left.append(("same", parent[a1:a2]))
            right.append(("same", child[b1:b2]))
            continue
        if a2 > a1:
            left.append(("removed", parent[a1:a2]))
        if b2 > b1:
            right.append(("added", child[b1:b2]))
    return left, right


@dataclass
class CoverageReport:
    """The parent tasks that apply to a collection, and those it has taken up."""
    collection: Collection          # the one that should cover (宁波任务)
    parent: Collection              # the one covered (九城市清单)
    applicable: list[Task]
    covered: list[Task]


def coverage_reports(site: Site) -> list[CoverageReport]:
    reports = []
    for collection in site.collections.values():
        if collection.coverage is None or collection.parent not in site.collections:
            continue
        parent = site.collections[collection.parent]
        applicable = [t for t in parent.tasks if collection.coverage.applies_to(t)]
        covered = [t for t in applicable if any(c.collection == collection.id for c in t.implemented_by)]
        reports.append(CoverageReport(collection, parent, applicable, covered))
    return reports
