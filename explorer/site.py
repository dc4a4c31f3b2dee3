"""The pipeline: load everything, resolve and check, then render and write.

Nothing is written until every document has been loaded and checked; the output is
built in a folder of its own and published only when the build succeeded (publish.py).
"""
from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import shutil
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from . import urls
from .citations import Linker
from .content import load_site
from .errors import ContentError, ContentErrors, display_path
from .linkcheck import PageLinks, check_links, page_links
from .markdown import RenderEnv, render_body
from .model import Site
from .publish import Staging, refusal
from .render import (agency_record, compile_templates, document_record, make_environment, page_specs, render_page,
                     task_record, template_error)
from .search import search_script
from .sourcefiles import read_bytes
from .taskdata import check_task_anchors, load_agencies, load_collections, load_lineage, load_tasks


@dataclass
class BuildResult:
    pages: Counter = field(default_factory=Counter)
    warnings: list[ContentError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


PARTS = ("documents", "agencies", "collections", "tasks", "lineage")


def load(root: Path, theme: Path | None = None, parts: tuple[str, ...] = PARTS) -> Site:
    """Documents, agencies, task collections, tasks and lineage, all checked (the tools
    load only the parts they read)."""
    site = load_site(root, theme)
    errors: list[ContentError] = []
    if "agencies" in parts and os.path.lexists(root / "data" / "agencies.yaml"):
        site.agencies, problems = load_agencies(root)
        errors.extend(problems)
    if "collections" in parts and os.path.lexists(root / "data" / "collections.yaml"):
        site.collections, problems = load_collections(root)
        errors.extend(problems)
    if site.collections and not errors:   # tasks resolve against sound agencies and collections
        if "tasks" in parts:
            errors.extend(load_tasks(site))
        if "lineage" in parts and not errors:
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
        doc.sections = env.sections
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


PARALLEL_FROM = 300   # pages; below this, forking a second process costs more than it saves


def write(site: Site, out: Path, strict: bool = True, workers: int | None = None) -> BuildResult:
    """Render and write the site to out, atomically. Raises ContentErrors (and leaves out
    untouched) when the written pages have broken links and strict is on."""
    result = BuildResult()
    problem = refusal(out, site.root, site.theme)
    if problem:
        raise ContentErrors([problem])
    specs = page_specs(site)
    try:
        staging = Staging(out)
    except OSError as exc:
        raise ContentErrors([_write_error(exc, site.root)]) from None
    try:
        folder = staging.folder
        started = time.perf_counter()
        links = _render_and_write(site, specs, folder, workers, result.warnings)
        result.timings["render"] = time.perf_counter() - started
        for spec in specs:
            url = spec.page.url
            result.pages[url.split("/")[0] if "/" in url else "top-level"] += 1

        started = time.perf_counter()
        shutil.copytree(site.theme_dir / "static", folder / "static")
        (folder / "sources").mkdir()
        for source in sorted(site.sources.values(), key=lambda s: s.file):
            (folder / "sources" / source.file).write_bytes(read_bytes(source.path, site.root))
        (folder / "data").mkdir()
        _write_json(folder / urls.DOCUMENTS_JSON, [document_record(d) for d in site.documents_sorted()])
        if site.collections:
            tasks = [task_record(t, site) for t in site.all_tasks()]
            _write_json(folder / urls.TASKS_JSON, tasks)
            (folder / urls.TASKS_CSV).write_text(tasks_csv(site), encoding="utf-8-sig", newline="")
        if site.agencies:
            _write_json(folder / urls.AGENCIES_JSON, [agency_record(a) for a in site.agencies.values()])
        (folder / ".nojekyll").write_text("", encoding="utf-8")
        (folder / "robots.txt").write_text(robots_txt(site.site_url), encoding="utf-8")
        if site.site_url:
            (folder / "sitemap.xml").write_text(sitemap_xml(site.site_url, [s.page.url for s in specs]),
                                                encoding="utf-8")
        result.timings["write"] = time.perf_counter() - started

        started = time.perf_counter()
        (folder / urls.SEARCH_INDEX).write_text(search_script(site), encoding="utf-8")
        result.timings["index"] = time.perf_counter() - started

        started = time.perf_counter()
        files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        problems = check_links(links, files, lambda url: (folder / url).read_text(encoding="utf-8"))
        result.timings["check links"] = time.perf_counter() - started
        if problems and strict:
            raise ContentErrors(problems)
        result.warnings.extend(ContentError(p.path, p.line, p.message, warning=True) for p in problems)
        staging.publish()
    except OSError as exc:
        staging.discard()
        raise ContentErrors([_write_error(exc, site.root)]) from None
    except BaseException:
        staging.discard()
        raise
    staging.close()
    return result


def _write_error(exc: OSError, root: Path) -> ContentError:
    where = display_path(Path(exc.filename), root) if exc.filename else "site"
    return ContentError(where, None, f"cannot write the site: {exc.strerror or exc}")


def _render_and_write(site: Site, specs: list, folder: Path, workers: int | None,
                      warnings: list[ContentError]) -> dict[str, PageLinks]:
    """Render every page into folder; returns the links of each page. With enough pages
    and cores, two processes forked from this one share the work (the model is inherited,
    not copied through a pipe; only the links and any template error come back)."""
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    templates = site.theme_dir / "templates"
    env = make_environment(templates, cache=_template_cache(site, warnings))
    problems = compile_templates(env, templates)
    if problems:
        raise ContentErrors(problems)
    if workers < 2 or len(specs) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        parts = [_render_slice(env, site, specs, folder, range(len(specs)))]
    else:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_remember, initargs=(env, site, specs, folder)) as pool:
            parts = pool.map(_render_in_worker, [range(i, len(specs), workers) for i in range(workers)])
    links: dict[str, PageLinks] = {}
    errors: list[ContentError] = []
    for part_links, part_errors in parts:
        links.update(part_links)
        errors.extend(part_errors)
    if errors:
        raise ContentErrors(sorted(set(errors)))
    return dict(sorted(links.items()))


def _template_cache(site: Site, warnings: list[ContentError]) -> Path | None:
    """.cache/templates, or None (and a warning) where it cannot be made: the build goes on
    compiling every template afresh."""
    cache = site.theme_dir / ".cache" / "templates"
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        warnings.append(ContentError(display_path(cache, site.theme_dir), None,
                                     f"cannot keep compiled templates here ({exc.strerror}); "
                                     "building without the cache", warning=True))
        return None
    return cache


def _render_slice(env, site: Site, specs: list, folder: Path, indices) -> tuple[dict[str, PageLinks], list[ContentError]]:
    links = {}
    for i in indices:
        spec = specs[i]
        try:
            html = render_page(env, site, spec)
        except Exception as exc:
            problem = template_error(exc, site.theme_dir / "templates", spec.page.url)
            if problem is None:
                raise
            return links, [problem]   # the build fails; one error per template fault is enough
        target = folder / spec.page.url
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        links[spec.page.url] = page_links(html)
    return links, []


_WORK: tuple = ()   # what a forked render worker was given (set once in that process)


def _remember(env, site: Site, specs: list, folder: Path) -> None:
    global _WORK
    _WORK = (env, site, specs, folder)
    # Ctrl-C reaches the whole process group: the parent stops the pool and cleans up
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _render_in_worker(indices) -> tuple[dict[str, PageLinks], list[ContentError]]:
    return _render_slice(*_WORK, indices)


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


