"""Deterministic corpora for the benchmarks: the seed project repeated N times.

Copy k (k >= 2) of every document gets a new id (`<id>-k<k>`), a document number of its
own (the year moved by 10*k), its paragraphs reshuffled (a fixed seed per copy), and its
gazette links renamed; every task collection, agency and lineage entry is copied the
same way, so the copies link among themselves like the original. The result is a
project folder (content/, data/) that build.py builds like the real one.
"""
from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
_DOC_LINK = re.compile(r"\(doc:([a-z0-9-]+)(#[^)]*)?\)")
_NUMBER_YEAR = re.compile(r"〔(\d{4})〕")


def _split_front_matter(text: str) -> tuple[str, str]:
    _, front, body = text.split("---\n", 2)
    return front, body


def _shuffled(body: str, rng: random.Random) -> str:
    """Paragraphs between headings reshuffled; headings, tables and boxes stay in place."""
    blocks = body.split("\n\n")
    out, run = [], []
    for block in blocks:
        movable = block and not block.startswith(("#", "|", ":::", "- ")) and "\n" not in block
        if movable:
            run.append(block)
            continue
        rng.shuffle(run)
        out.extend(run)
        run = []
        out.append(block)
    rng.shuffle(run)
    out.extend(run)
    return "\n\n".join(out)


def _copy_documents(src: Path, dst: Path, k: int) -> None:
    rng = random.Random(k)
    for path in sorted(src.glob("*.md")):
        front, body = _split_front_matter(path.read_text(encoding="utf-8"))
        meta = yaml.safe_load(front)
        meta["id"] = f"{meta['id']}-k{k}"
        if meta.get("doc_number"):
            meta["doc_number"] = _NUMBER_YEAR.sub(lambda m: f"〔{int(m[1]) + 10 * k}〕", meta["doc_number"])
            if "〔" not in meta["doc_number"]:  # 政府令第260号
                meta["doc_number"] = meta["doc_number"].replace("第", f"第{k}", 1)
        if meta.get("gazette"):
            meta["gazette"] = f"{meta['gazette']}-k{k}"
        body = _DOC_LINK.sub(lambda m: f"(doc:{m[1]}-k{k}{m[2] or ''})", _shuffled(body, rng))
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
        (dst / f"{meta['id']}.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")


def _copy_data(src: Path, dst: Path, k: int) -> None:
    collections = yaml.safe_load((src / "collections.yaml").read_text(encoding="utf-8"))
    extra = [{**c, "id": f"{c['id']}-k{k}", "title": f"{c['title']}（{k}）", "document": f"{c['document']}-k{k}",
              **({"parent": f"{c['parent']}-k{k}"} if c.get("parent") else {})} for c in collections]
    with open(dst / "collections.yaml", "a", encoding="utf-8") as out:
        out.write(yaml.safe_dump(extra, allow_unicode=True, sort_keys=False, width=1000))
    for collection in collections:
        data = yaml.safe_load((src / "tasks" / f"{collection['id']}.yaml").read_text(encoding="utf-8"))
        data["collection"] = f"{collection['id']}-k{k}"
        for task in data["tasks"]:
            for role in ("lead", "support"):
                if task.get(role):
                    task[role] = [f"{name}{k}" for name in task[role]]
        (dst / "tasks" / f"{collection['id']}-k{k}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    agencies = yaml.safe_load((src / "agencies.yaml").read_text(encoding="utf-8"))
    copies = []
    for agency in agencies:
        copy = {**agency, "id": f"{agency['id']}-k{k}", "name": f"{agency['name']}{k}",
                "aliases": [f"{a}{k}" for a in agency.get("aliases") or []]}
        copy.pop("full_name", None)
        for relation in ("predecessor", "successor"):
            if agency.get(relation):
                copy[relation] = f"{agency[relation]}-k{k}"
        copies.append(copy)
    with open(dst / "agencies.yaml", "a", encoding="utf-8") as out:
        out.write(yaml.safe_dump(copies, allow_unicode=True, sort_keys=False, width=1000))
    lineage = yaml.safe_load((src / "lineage.yaml").read_text(encoding="utf-8")) or {}
    renamed = {_task_id(child, k): [_task_id(p, k) for p in parents] for child, parents in lineage.items()}
    with open(dst / "lineage.yaml", "a", encoding="utf-8") as out:
        out.write(yaml.safe_dump(renamed, allow_unicode=True, sort_keys=False, width=1000))


def _task_id(task_id: str, k: int) -> str:
    collection, number = task_id.rsplit("-", 1)
    return f"{collection}-k{k}-{number}"


def make_corpus(factor: int, out: Path, root: Path = ROOT) -> Path:
    """A project folder with the seed corpus `factor` times; returns it."""
    shutil.rmtree(out, ignore_errors=True)
    for folder in ("content", "data"):
        shutil.copytree(root / folder, out / folder)
    for k in range(2, factor + 1):
        _copy_documents(root / "content" / "documents", out / "content" / "documents", k)
        _copy_data(root / "data", out / "data", k)
    return out


def export_markdown(project: Path, out: Path, front: str = "hugo") -> int:
    """The documents as plain Markdown with front matter, one file each (for the peers)."""
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted((project / "content" / "documents").glob("*.md")):
        head, body = _split_front_matter(path.read_text(encoding="utf-8"))
        meta = yaml.safe_load(head)
        body = _DOC_LINK.sub(lambda m: f"({m[1]}{'.md' if front == 'mkdocs' else '/'}{m[2] or ''})", body)
        matter = {"title": meta["title"]}
        date = meta.get("date") or meta.get("published")
        if date:
            matter["date"] = str(date)
        text = "---\n" + yaml.safe_dump(matter, allow_unicode=True, sort_keys=False) + "---\n" + body
        (out / path.name).write_text(text, encoding="utf-8")
        count += 1
    return count
