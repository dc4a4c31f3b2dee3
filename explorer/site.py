"""The pipeline (build()): load everything, resolve and check, then render and write.

Nothing is written until every document has been loaded and checked; the output is
built in a folder of its own and published only when the build succeeded (publish.py).
"""
from __future__ import annotations

import csv
import gc
import json
import os
import re
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from html import escape   # xml.sax.saxutils's imports urllib, http and email: 20 ms of every build
from pathlib import Path
from typing import Iterator

from jinja2 import Environment

from . import cjk, parallel, urls
from .citations import Linker
from .content import load_site
from .errors import ContentError, ContentErrors, display_path
from .linkcheck import LinkTable
from .markdown import RenderEnv, render_body
from .model import Document, Site
from .progress import Progress
from .publish import Staging, refusal, write_file
from .relations import derive_back_references
from .render import (FEED_ENTRIES, TASK_CSV_HEAD, CompiledTemplates, PageSpec, agency_record, compile_templates, document_list_rows,
                     document_record, make_environment, page_specs, render_page, task_csv_row, task_record, template_error)
from .search import SearchIndex, script_file
from .sourcefiles import read_bytes
from .taskdata import check_task_anchors, load_agencies, load_collections, load_lineage, load_tasks


PARTS = ("documents", "agencies", "collections", "tasks", "lineage")


def load(root: Path, theme: Path | None = None, parts: tuple[str, ...] = PARTS) -> Site:
    """Documents, agencies, task collections, tasks and lineage, all checked (the tools
    load only the parts they read)."""
    site = load_site(root, theme)
    errors: list[ContentError] = []
    if "agencies" in parts and os.path.lexists(root / "data" / "agencies.yaml"):
        site.agencies = load_agencies(root, errors)
    if "collections" in parts and os.path.lexists(root / "data" / "collections.yaml"):
        site.collections = load_collections(root, errors)
    if site.collections and not errors:   # tasks resolve against sound agencies and collections
        if "tasks" in parts:
            load_tasks(site, errors)
        if "lineage" in parts and not errors:
            load_lineage(site, errors)
    if errors:
        raise ContentErrors(sorted(set(errors)))
    return site


def resolve_body(site: Site, doc: Document, linker: Linker) -> RenderEnv:
    """One body rendered (env.html): anchors, contents, doc: links and references in running text."""
    page = urls.url_for(doc)

    def resolve_link(target: str, anchor: str | None) -> str | None:
        if target not in site.documents:
            return None
        return urls.relative_url(page, urls.document_url(target), anchor)

    def autolink(text: str):
        refs = []
        for ref in linker.find(text, doc):
            target = site.documents[ref.target] if ref.kind == "document" else site.agencies[ref.target]
            refs.append((ref.start, ref.end, urls.relative_url(page, urls.url_for(target)), ref.kind, ref.target))
        return refs

    # the rows of a task table link to their tasks' pages (when one collection reads this document)
    read = site.collections_reading(doc.id)
    tasks = {t.number: t for t in read[0].tasks} if len(read) == 1 else {}

    def row_link(number: int) -> str | None:
        return urls.relative_url(page, urls.url_for(tasks[number])) if number in tasks else None

    env = RenderEnv(source=display_path(doc.path, site.root), line_offset=doc.body_line, resolve=resolve_link,
                    autolink=autolink, row_link=row_link)
    env.html = render_body(doc.body, env)
    return env


def adopt_body(doc: Document, env: RenderEnv) -> None:
    """What rendering the body found, kept in the document."""
    doc.html, doc.toc, doc.anchors, doc.sections, doc.articles = env.html, env.toc, env.anchors, env.sections, env.articles
    doc.links_to, doc.mentions = set(env.links_to), set(env.mentions)


def resolve(site: Site) -> list[ContentError]:
    """Render every body, check every cross-reference, then derive the back-references
    from scratch: resolving the same model twice gives the same model."""
    linker = Linker(site)
    bodies = _resolve_bodies(site, linker)
    problems: list[ContentError] = []
    for doc_id, env in bodies.items():
        adopt_body(site.documents[doc_id], env)
        problems.extend(env.errors)
    for env in bodies.values():
        for line, target, anchor in env.anchor_refs:
            if anchor not in site.documents[target].anchors:
                problems.append(ContentError(env.source, line, f"link to unknown anchor '{target}#{anchor}'"))
    problems.extend(check_task_anchors(site))
    problems.extend(resolve_relations(site, linker))
    derive_back_references(site)
    return problems


def resolve_relations(site: Site, linker: Linker) -> list[ContentError]:
    """Each relation's target in the corpus, by its number or else its title (one outside
    the corpus is listed as written); a document relating to itself is an error."""
    problems = []
    for doc in site.documents_sorted():
        for relation in doc.relations:
            target = linker.numbers.get(str(relation.number)) if relation.number else None
            if target is None and relation.title:
                target = linker.titles.get(cjk.squeeze(relation.title))
            relation.target = site.documents[target] if target else None
            quoted = re.search(r"〈([^〈〉]+)〉", relation.title or "") if target is None else None
            inner = linker.titles.get(cjk.squeeze(quoted.group(1))) if quoted else None
            relation.inner = site.documents[inner] if inner and inner != doc.id else None
            if target == doc.id:
                problems.append(ContentError(display_path(doc.path, site.root), relation.line,
                                             f"'{relation.kind}': '{relation.text}' is this document itself"))
                relation.target = None
    return problems


PARALLEL_FROM = 60   # documents, or pages/entries by the same measure: below this, forking costs more than it saves


def _resolve_bodies(site: Site, linker: Linker) -> dict[str, RenderEnv]:
    """Every body resolved, in document order (shared with a forked copy when there are enough)."""
    documents = site.documents_sorted()
    workers = parallel.worker_count(len(documents), PARALLEL_FROM)

    def part(n: int) -> list[tuple[str, RenderEnv]]:
        out = []
        for doc in documents[n::workers]:
            env = resolve_body(site, doc, linker)
            env.resolve = env.autolink = env.row_link = None   # closures over the model stay here
            out.append((doc.id, env))
        return out
    resolved = dict(pair for done in parallel.forked_map(part, range(workers)) for pair in done)
    return {doc.id: resolved[doc.id] for doc in documents}


@dataclass
class Built:
    """What a build made: the model, its pages and search, what it wrote, and how long each stage took."""
    site: Site
    env: Environment
    specs: list[PageSpec]
    index: SearchIndex
    links: LinkTable
    files: set[str]                 # every file written, relative to the site
    warnings: list[ContentError]
    timings: dict[str, float] = field(default_factory=dict)
    peaks: dict[str, int] = field(default_factory=dict)   # stage -> this process's peak RSS after it (KB)

    def summary(self, seconds: float) -> str:
        """What was built: pages by folder (the lists of documents by year and of agencies
        by category with the top-level ones), in how long."""
        counts = Counter(s.page.url.split("/")[0] if "/" in s.page.url and s.page.kind not in ("documents", "agencies")
                         else "top-level" for s in self.specs)
        pages = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        return (f"built {sum(counts.values())} pages ({pages}) from {len(self.site.documents)} documents, "
                f"{len(self.warnings)} warnings, in {seconds:.2f}s")


def build(root: Path, out: Path, site_url: str | None = None, strict: bool = True,
          progress: Progress | None = None, theme: Path | None = None, compiled: CompiledTemplates | None = None) -> Built:
    """The site of the project at root (with the templates and static files of theme,
    when given), published at out: load, resolve and check, render, index, check the
    links, publish. Raises ContentErrors, and leaves out as it was, when a stage finds a
    problem (broken links only when strict; else they are warnings)."""
    progress = progress or Progress(quiet=True)
    progress.stage("load")
    site = load(root, theme)
    site.site_url = site_url
    problem = refusal(out, root, site.theme)
    if problem:
        raise ContentErrors([problem])
    progress.stage("resolve")
    problems = resolve(site)
    if problems:
        raise ContentErrors(problems)
    gc.freeze()   # the resolved model lives to the end: the collector's passes leave it alone
    try:
        env = templates(site, compiled)
        specs = page_specs(site)
        try:
            staging = Staging(out)
        except OSError as exc:
            raise ContentErrors([_write_error(exc, root)]) from None
        try:
            folder = staging.folder
            progress.stage("copy")
            copy_files(site, folder)
            write_data(site, specs, folder, env)
            progress.stage("render", total=len(specs))
            links = render_pages(env, site, specs, folder, progress)
            progress.stage("index")
            index = SearchIndex(site)
            index.write(folder)
            progress.stage("check links")
            files = written_files(folder)
            problems = links.check(files, folder)
            if problems and strict:
                raise ContentErrors(problems)
            progress.stage("publish")
            staging.publish()
            progress.finish()
        except BaseException as exc:
            staging.discard()
            if isinstance(exc, OSError):
                raise ContentErrors([_write_error(exc, root)]) from None
            raise
        finally:
            staging.close()
    finally:
        gc.unfreeze()
    warnings = [ContentError(p.path, p.line, p.message, warning=True) for p in problems]
    return Built(site, env, specs, index, links, files, warnings, progress.timings, progress.peaks)


def templates(site: Site, compiled: CompiledTemplates | None = None) -> Environment:
    """The theme's templates, every one compiled (a syntax error is reported at its line
    before any page renders), or taken from compiled when its source is the same."""
    folder = site.theme_dir / "templates"
    env = make_environment(folder, compiled)
    problems = compile_templates(env, folder)
    if problems:
        raise ContentErrors(problems)
    return env


def render_pages(env: Environment, site: Site, specs: list[PageSpec], folder: Path,
                 progress: Progress | None = None) -> LinkTable:
    """Every page rendered and written into folder (every other page by a forked copy,
    when there are enough); what the link check needs, collected meanwhile."""
    workers = parallel.worker_count(len(specs), 5 * PARALLEL_FROM)

    def part(n: int) -> tuple[LinkTable, list[ContentError]]:
        table = LinkTable()
        for done, spec in enumerate(specs[n::workers], start=1):
            try:
                html = render_page(env, site, spec)
            except Exception as exc:
                problem = template_error(exc, site.theme_dir / "templates", spec.page.url)
                if problem is None:
                    raise
                return table, [problem]   # the build fails; one error per template fault is enough
            write_file(folder, spec.page.url, html)
            table.add(spec.page.url, html)
            if n == 0 and done % 50 == 0 and progress:
                progress.update(min(done * workers, len(specs)))
        return table, []
    links = LinkTable()
    for table, problems in parallel.forked_map(part, range(workers)):
        if problems:
            raise ContentErrors(problems)
        links.merge(table)
    return links


def copy_files(site: Site, folder: Path) -> None:
    """The theme's static files, and the raw sources as they are (provenance)."""
    shutil.copytree(site.theme_dir / "static", folder / "static")
    (folder / "sources").mkdir()
    for source in sorted(site.sources.values(), key=lambda s: s.file):
        (folder / "sources" / source.file).write_bytes(read_bytes(source.path, site.root))
        if source.original:
            original = source.path.with_name(source.original.file)
            (folder / "sources" / source.original.file).write_bytes(read_bytes(original, site.root))


def write_data(site: Site, specs: list[PageSpec], folder: Path, env: Environment) -> None:
    """The published data (JSON, CSV) and what hosts read: .nojekyll, robots.txt, sitemap.xml."""
    (folder / "data").mkdir()
    _write_json(folder / urls.DOCUMENTS_JSON, (document_record(d) for d in site.documents_sorted()))
    if site.collections:
        _write_json(folder / urls.TASKS_JSON, (task_record(t, site) for t in site.all_tasks()))
        with open(folder / urls.TASKS_CSV, "w", encoding="utf-8-sig", newline="") as handle:
            write_tasks_csv(site, handle)
        for collection in site.collections.values():   # what a list's download of the rows it shows reads
            rows = {task.id: task_csv_row(task, site) for task in collection.tasks}
            write_file(folder, urls.task_csv_url(collection.id), script_file(
                f"tasks-csv/{collection.id}", json.dumps({"head": TASK_CSV_HEAD, "rows": rows}, ensure_ascii=False,
                                                         separators=(",", ":")), holder="PolicyLists"))
    if site.agencies:
        _write_json(folder / urls.AGENCIES_JSON, (agency_record(a) for a in site.agencies.values()))
    (folder / urls.FEED).write_text(atom_feed(site), encoding="utf-8")
    listed = next(s.page for s in specs if s.page.url == urls.DOCUMENTS)
    rows = json.dumps({"rows": document_list_rows(env, site, listed)}, ensure_ascii=False, separators=(",", ":"))
    (folder / urls.DOCUMENTS_LIST).write_text(script_file("documents", rows, holder="PolicyLists"), encoding="utf-8")
    (folder / urls.TEXT_RULES).write_text(script_file("text", json.dumps(cjk.TEXT_RULES, ensure_ascii=False),
                                                      holder="PolicyRules"), encoding="utf-8")
    (folder / ".nojekyll").write_text("", encoding="utf-8")
    (folder / "robots.txt").write_text(robots_txt(site.site_url), encoding="utf-8")
    if site.site_url:
        (folder / "sitemap.xml").write_text(sitemap_xml(site.site_url, [s.page.url for s in specs]), encoding="utf-8")


def written_files(folder: Path) -> set[str]:
    """Every file under folder, as a path relative to it ("documents/x.html")."""
    found = set()
    for base, _, names in os.walk(folder):
        prefix = os.path.relpath(base, folder).replace(os.sep, "/")
        found.update(names if prefix == "." else (f"{prefix}/{name}" for name in names))
    return found


def _write_error(exc: OSError, root: Path) -> ContentError:
    where = display_path(Path(exc.filename), root) if exc.filename else "site"
    return ContentError(where, None, f"cannot write the site: {exc.strerror or exc}")


def robots_txt(site_url: str | None) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {site_url}sitemap.xml")
    return "\n".join(lines) + "\n"


def atom_feed(site: Site) -> str:
    """The newest documents as an Atom feed (feed.xml). Links are absolute under the site's
    URL when it is known, else relative to the feed; every date is a document's own, so
    the same inputs give the same feed."""
    issued = lambda doc: doc.published or doc.date   # noqa: E731  (by publication date, as a feed reader shows them)
    dated = sorted((d for d in site.documents.values() if issued(d)), key=lambda d: (-issued(d).toordinal(), d.id))
    dated = dated[:FEED_ENTRIES]
    base = site.site_url or ""

    def stamp(day) -> str:
        return f"{day.isoformat()}T00:00:00+08:00"

    def entry(doc: Document) -> str:
        page = urls.url_for(doc)
        facts = " · ".join(str(f) for f in (doc.doc_number, doc.issuer, doc.type) if f)
        status = f" · {doc.status.name}" if doc.status else ""
        identity = f"{base}{page}" if base else f"urn:policy-explorer:document:{doc.id}"
        return (f"<entry><title>{escape(doc.title)}</title><link href=\"{escape(base + page)}\"/>"
                f"<id>{escape(identity)}</id><updated>{stamp(issued(doc))}</updated>"
                f"<summary>{escape(facts + status)}</summary></entry>\n")
    updated = stamp(issued(dated[0])) if dated else "1970-01-01T00:00:00Z"
    identity = f"{base}{urls.FEED}" if base else "urn:policy-explorer:feed"
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">\n'
            f"<title>{escape(site.title)}：新收录文件</title>\n<link rel=\"self\" href=\"{escape(base + urls.FEED)}\"/>\n"
            f"<link href=\"{escape(base + urls.DOCUMENTS)}\"/>\n<id>{escape(identity)}</id>\n<updated>{updated}</updated>\n"
            f"<author><name>{escape(site.title)}</name></author>\n" + "".join(entry(d) for d in dated) + "</feed>\n")


def sitemap_xml(site_url: str, page_urls: list[str]) -> str:
    """Every page but the 404, with absolute URLs under site_url (which ends in /)."""
    entries = "".join(f"<url><loc>{escape(site_url + u, quote=False)}</loc></url>\n"
                      for u in sorted(page_urls) if u != urls.NOT_FOUND)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n")


def _write_json(path: Path, records) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(json_list(records))


def json_list(records) -> Iterator[str]:
    """A JSON list in parts, one record at a time (at 100× tasks.json is 50,000 of them):
    the text json.dumps(list(records), indent=1) gives, without the whole list in memory."""
    first = True
    for record in records:
        yield ("[\n " if first else ",\n ") + json.dumps(record, ensure_ascii=False, indent=1).replace("\n", "\n ")
        first = False
    yield "[]\n" if first else "\n]\n"


def write_tasks_csv(site: Site, handle) -> None:
    """One row per task (the file is opened with a BOM, so that Excel reads UTF-8)."""
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(TASK_CSV_HEAD)
    writer.writerows(task_csv_row(task, site) for task in site.all_tasks())
