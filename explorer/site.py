"""The pipeline: load everything, resolve and check, then render and write.

Nothing is written until every document has been loaded and checked; the output is
built in a staging folder beside site/ and swapped in only when the build succeeded.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import time
from collections import Counter
from xml.sax.saxutils import escape
from dataclasses import dataclass, field
from pathlib import Path

from . import urls
from .citations import Linker
from .content import load_site
from .errors import ContentError, ContentErrors, display_path
from .linkcheck import check_site
from .markdown import RenderEnv, render_body
from .model import Site
from .search import search_script
from .render import agency_record, document_record, make_environment, render_pages, task_record
from .taskdata import check_task_anchors, load_agencies, load_collections, load_lineage, load_tasks


@dataclass
class BuildResult:
    pages: Counter = field(default_factory=Counter)
    warnings: list[ContentError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def load(root: Path, theme: Path | None = None) -> Site:
    """Documents, agencies, task collections and lineage, all checked."""
    site = load_site(root, theme)
    errors: list[ContentError] = []
    if (root / "data" / "agencies.yaml").is_file():
        site.agencies, problems = load_agencies(root)
        errors.extend(problems)
    if (root / "data" / "collections.yaml").is_file():
        site.collections, problems = load_collections(root)
        errors.extend(problems)
        errors.extend(load_tasks(site))
        errors.extend(load_lineage(site))
    if errors:
        raise ContentErrors(sorted(set(errors)))
    return site


def resolve(site: Site) -> list[ContentError]:
    """Render every body (anchors, contents, doc: links) and check cross-references."""
    problems: list[ContentError] = []
    anchor_refs: list[tuple[str, int, str, str]] = []
    linker = Linker(site)
    for doc in site.documents_sorted():
        page = urls.url_for(doc)

        def resolve_link(target: str, anchor: str | None, page=page) -> str | None:
            if target not in site.documents:
                return None
            return urls.relative_url(page, urls.document_url(target), anchor)

        def autolink(text: str, page=page, doc=doc):
            refs = []
            for ref in linker.find(text, doc):
                target = site.documents[ref.target] if ref.kind == "document" else site.agencies[ref.target]
                refs.append((ref.start, ref.end, urls.relative_url(page, urls.url_for(target)), ref.kind, ref.target))
            return refs

        shown = display_path(doc.path, site.root)
        env = RenderEnv(source=shown, line_offset=doc.body_line, resolve=resolve_link, autolink=autolink)
        doc.html = render_body(doc.body, env)
        doc.toc, doc.anchors, doc.links_to, doc.counts = env.toc, env.anchors, env.links_to, env.counts
        for agency_id in sorted(env.mentions):
            site.agencies[agency_id].mentioned_in.append(doc)
        problems.extend(env.errors)
        anchor_refs.extend((shown, line, target, anchor) for line, target, anchor in env.anchor_refs)
    for shown, line, target, anchor in anchor_refs:
        if anchor not in site.documents[target].anchors:
            problems.append(ContentError(shown, line, f"link to unknown anchor '{target}#{anchor}'"))
    problems.extend(check_task_anchors(site))
    for doc in site.documents_sorted():
        for target in sorted(doc.links_to):
            if site.documents[doc.id].type not in ("公报", "目录"):   # contents lists are not citations
                site.documents[target].cited_by.append(doc)
    return problems


def write(site: Site, out: Path, strict: bool = True) -> BuildResult:
    """Render and write the site to out, atomically. Raises ContentErrors (and leaves out
    untouched) when the written pages have broken links and strict is on."""
    result = BuildResult()
    started = time.perf_counter()
    env = make_environment(site.theme_dir / "templates")
    pages = render_pages(site, env)
    result.timings["render"] = time.perf_counter() - started

    started = time.perf_counter()
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        for url, html in pages:
            target = staging / url
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
            result.pages[url.split("/")[0] if "/" in url else "top-level"] += 1
        shutil.copytree(site.theme_dir / "static", staging / "static")
        (staging / "sources").mkdir()
        for source in sorted(site.sources.values(), key=lambda s: s.file):
            shutil.copyfile(source.path, staging / "sources" / source.file)
        (staging / "data").mkdir()
        _write_json(staging / urls.DOCUMENTS_JSON, [document_record(d) for d in site.documents_sorted()])
        if site.collections:
            tasks = [task_record(t, site) for t in site.all_tasks()]
            _write_json(staging / urls.TASKS_JSON, tasks)
            (staging / urls.TASKS_CSV).write_text(tasks_csv(site), encoding="utf-8-sig", newline="")
        if site.agencies:
            _write_json(staging / urls.AGENCIES_JSON, [agency_record(a) for a in site.agencies.values()])
        started_index = time.perf_counter()
        (staging / urls.SEARCH_INDEX).write_text(search_script(site), encoding="utf-8")
        result.timings["index"] = time.perf_counter() - started_index
        (staging / ".nojekyll").write_text("", encoding="utf-8")
        (staging / "robots.txt").write_text(robots_txt(site.site_url), encoding="utf-8")
        if site.site_url:
            (staging / "sitemap.xml").write_text(sitemap_xml(site.site_url, [u for u, _ in pages]), encoding="utf-8")
        result.timings["write"] = time.perf_counter() - started

        started = time.perf_counter()
        problems = check_site(staging)
        result.timings["check links"] = time.perf_counter() - started
        if problems and strict:
            raise ContentErrors(problems)
        result.warnings.extend(ContentError(p.path, p.line, p.message, warning=True) for p in problems)
        _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def robots_txt(site_url: str | None) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {site_url}sitemap.xml")
    return "\n".join(lines) + "\n"


def sitemap_xml(site_url: str, page_urls: list[str]) -> str:
    """Every page but the 404, with absolute URLs under site_url (which ends in /)."""
    entries = "".join(f"<url><loc>{escape(site_url + u)}</loc></url>\n"
                      for u in sorted(page_urls) if u != urls.NOT_FOUND)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n")


def _write_json(path: Path, records: list[dict]) -> None:
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def tasks_csv(site: Site) -> str:
    """One row per task; agencies joined with 、 (written with a BOM so Excel reads UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["id", "collection", "number", "domain", "leader", "flagged", "text", "lead", "support",
                     "scope", "derived_from", "url"])
    for task in site.all_tasks():
        writer.writerow([task.id, task.collection, task.number, task.domain, task.leader or "",
                         "▲" if task.flagged else "", task.text, "、".join(a.name for a in task.lead),
                         "、".join(a.name for a in task.support), task.scope or "",
                         " ".join(p.id for p in task.derived_from), urls.url_for(task)])
    return buffer.getvalue()


def _swap(staging: Path, out: Path) -> None:
    """Replace out with staging; the old site is removed only after the rename."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
