"""The pipeline: load everything, resolve and check, then render and write.

Nothing is written until every document has been loaded and checked; the output is
built in a folder of its own and published only when the build succeeded (publish.py).
"""
from __future__ import annotations

import csv
import functools
import json
import multiprocessing
import os
import pickle
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from html import escape   # xml.sax.saxutils's imports urllib, http and email: 20 ms of every build

from . import cjk, parallel, urls
from .citations import Linker
from .content import load_site
from .errors import ContentError, ContentErrors, display_path
from .linkcheck import PageLinks, check_links, interned, page_links, split_links
from .markdown import RenderEnv, render_body
from .model import Document, Site
from .relations import derive_back_references
from .progress import QUIET, Progress
from .publish import Output, Staging, refusal
from .render import (FEED_ENTRIES, LIST_ROW, agency_record, compile_templates, document_list_rows, document_record,
                     make_environment, page_specs, render_page, task_record, template_error)
from .search import SEARCH_DIR, SearchIndex, script_file
from .sourcefiles import read_bytes
from .taskdata import check_task_anchors, load_agencies, load_collections, load_lineage, load_tasks


@dataclass
class BuildResult:
    pages: Counter = field(default_factory=Counter)
    warnings: list[ContentError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    peaks: dict[str, int] = field(default_factory=dict)   # stage -> this process's peak RSS after it (KB)
    faults: dict[str, int] = field(default_factory=dict)  # stage -> minor page faults in it (workers' too)
    search: SearchIndex | None = None   # what an incremental build updates next time
    files: set[str] = field(default_factory=set)   # every file written, relative to the site

    progress: Progress = QUIET

    def step(self, name: str, run, *args, aside: bool = False):
        """Run one step of writing the site and keep its time (one run aside, while
        workers do another step, leaves that step's progress on screen)."""
        if not aside:
            self.progress.stage(name)
        started, faults = time.perf_counter(), minor_faults()
        try:
            return run(*args)
        finally:
            self.timings[name] = time.perf_counter() - started
            self.peaks[name] = peak_rss_kb()
            self.faults[name] = minor_faults() - faults


def peak_rss_kb() -> int:
    """This process's largest resident set so far, in KB (Linux and macOS differ in unit)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def minor_faults() -> int:
    """Page faults served without I/O so far, this process's and its ended workers': each
    page a forked worker copies costs one (on some virtual machines, tens of microseconds)."""
    return sum(resource.getrusage(who).ru_minflt for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


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


@dataclass
class ResolvedBody:
    """What rendering one document's body gave: its HTML and what it links to."""
    env: RenderEnv
    html: str


def resolve_body(site: Site, doc: Document, linker: Linker) -> ResolvedBody:
    """One body rendered: anchors, contents, doc: links and references in running text."""
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
    return ResolvedBody(env, render_body(doc.body, env))


def resolve(site: Site) -> list[ContentError]:
    """Render every body, check every cross-reference, then derive the back-references
    from scratch: resolving the same model twice gives the same model."""
    linker = Linker(site)
    bodies = _resolve_bodies(site, linker)
    problems: list[ContentError] = []
    for doc_id, body in bodies.items():
        doc, env = site.documents[doc_id], body.env
        doc.html, doc.toc, doc.anchors, doc.sections = body.html, env.toc, env.anchors, env.sections
        doc.articles = env.articles
        doc.links_to, doc.mentions = set(env.links_to), set(env.mentions)
        problems.extend(env.errors)
    for body in bodies.values():
        for line, target, anchor in body.env.anchor_refs:
            if anchor not in site.documents[target].anchors:
                problems.append(ContentError(body.env.source, line, f"link to unknown anchor '{target}#{anchor}'"))
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
            if target == doc.id:
                problems.append(ContentError(display_path(doc.path, site.root), relation.line,
                                             f"'{relation.kind}': '{relation.text}' is this document itself"))
                relation.target = None
    return problems


PARALLEL_RESOLVE_FROM = 60   # documents; below this, forking costs more than it saves


def _resolve_bodies(site: Site, linker: Linker, workers: int | None = None) -> dict[str, ResolvedBody]:
    """Every body resolved, shared between forked workers when there are enough."""
    documents = site.documents_sorted()
    workers = parallel.worker_count(workers)
    if not parallel.can_fork(workers) or len(documents) < PARALLEL_RESOLVE_FROM:
        return {doc.id: resolve_body(site, doc, linker) for doc in documents}
    parts = parallel.balanced([len(doc.body) for doc in documents], workers)
    done = parallel.forked_map(_resolve_in_worker, [[documents[i].id for i in part] for part in parts],
                               (site, linker), workers)
    resolved = dict(pair for part in done for pair in part)
    return {doc.id: resolved[doc.id] for doc in documents}


def _resolve_in_worker(doc_ids: list[str]) -> list[tuple[str, ResolvedBody]]:
    site, linker = parallel.shared()
    out = []
    for doc_id in doc_ids:
        body = resolve_body(site, site.documents[doc_id], linker)
        body.env.resolve = body.env.autolink = body.env.row_link = None   # closures over the model stay here
        out.append((doc_id, body))
    return out


PARALLEL_FROM = 300   # pages; below this, forking a second process costs more than it saves
RENDER_RUN = 100      # pages a render worker takes at a time


def write(site: Site, out: Path, strict: bool = True, workers: int | None = None,
          progress: Progress = QUIET, meanwhile=None, then=None) -> BuildResult:
    """Render and write the site to out, in named and timed steps, then publish it in one
    rename. While workers render the pages, workers of the search count its postings and
    this process runs meanwhile(), when given, then copies the static files and writes the
    data (all before rendering, when there are no workers); then(result) runs once the site is published,
    while what earlier builds left is removed. Raises ContentErrors (and leaves out
    untouched) when a step fails, or when the written pages have broken links and strict
    is on."""
    result = BuildResult(progress=progress)
    problem = refusal(out, site.root, site.theme)
    if problem:
        raise ContentErrors([problem])
    specs = page_specs(site)
    records = tempfile.TemporaryDirectory(prefix="policy-explorer-links-")   # the pages' links, out of this process
    try:
        staging = Staging(out, recycle=True)
    except BaseException as exc:
        records.cleanup()
        if isinstance(exc, OSError):
            raise ContentErrors([_write_error(exc, site.root)]) from None
        raise
    checker = index = None
    try:
        folder, output = staging.folder, Output(staging.folder, staging.pool)
        # the link check's process is forked first, while this one is smallest (a forked
        # process's resident set counts the pages it shares: forked after rendering, when
        # this process held the search's postings, it peaked at 946 MB at 100x)
        # one decision for both: workers that render keep the links where the check's process reads them
        forks = len(specs) >= PARALLEL_FROM and parallel.can_fork(parallel.worker_count(workers))
        kept = Path(records.name) if forks else None
        checker = LinkChecker(folder, functools.partial(read_links, kept) if kept else None)
        # the search's postings are counted by workers of their own while the pages render:
        # the cores are kept busy through each stage's slower end
        index = SearchIndex(site, workers, later=True)

        def alongside() -> None:   # in this process, while the workers render
            if meanwhile is not None:
                meanwhile()
            result.step("copy", _copy_files, site, folder, aside=True)
            result.step("data", _write_data, site, specs, folder, aside=True)
        links = result.step("render", _render_and_write, site, specs, output, workers, result.warnings, progress,
                            alongside, kept)
        checker.start(links)
        result.search = result.step("index", _write_index, index, output)
        result.files = written_files(folder)
        problems = result.step("check links", checker.problems, result.files)
        if problems and strict:
            raise ContentErrors(problems)
        result.warnings.extend(ContentError(p.path, p.line, p.message, warning=True) for p in problems)
        result.step("publish", staging.publish)
    except BaseException as exc:
        try:
            for work in (checker, index and index.counting):
                if work is not None:
                    work.stop()
        finally:
            staging.discard()
        if isinstance(exc, OSError):
            raise ContentErrors([_write_error(exc, site.root)]) from None
        raise
    finally:
        records.cleanup()
    try:
        if then is not None:
            result.step("keep state", then, result)
    finally:
        staging.close()
    # pages by folder; the lists of documents by year and of agencies by category with the top-level lists
    result.pages.update(s.page.url.split("/")[0] if "/" in s.page.url and s.page.kind not in ("documents", "agencies")
                        else "top-level" for s in specs)
    return result


def _copy_files(site: Site, folder: Path) -> None:
    """The theme's static files, and the raw sources as they are (provenance)."""
    shutil.copytree(site.theme_dir / "static", folder / "static")
    (folder / "sources").mkdir()
    for source in sorted(site.sources.values(), key=lambda s: s.file):
        (folder / "sources" / source.file).write_bytes(read_bytes(source.path, site.root))
        if source.original:
            original = source.path.with_name(source.original.file)
            (folder / "sources" / source.original.file).write_bytes(read_bytes(original, site.root))


def _write_data(site: Site, specs: list, folder: Path) -> None:
    """The published data (JSON, CSV) and what hosts read: .nojekyll, robots.txt, sitemap.xml."""
    (folder / "data").mkdir()
    _write_json(folder / urls.DOCUMENTS_JSON, (document_record(d) for d in site.documents_sorted()))
    if site.collections:
        _write_json(folder / urls.TASKS_JSON, (task_record(t, site) for t in site.all_tasks()))
        with open(folder / urls.TASKS_CSV, "w", encoding="utf-8-sig", newline="") as handle:
            write_tasks_csv(site, handle)
    if site.agencies:
        _write_json(folder / urls.AGENCIES_JSON, (agency_record(a) for a in site.agencies.values()))
    (folder / urls.FEED).write_text(atom_feed(site), encoding="utf-8")
    rows = json.dumps({"layout": LIST_ROW, "rows": document_list_rows(site.documents_sorted())},
                      ensure_ascii=False, separators=(",", ":"))
    (folder / urls.DOCUMENTS_LIST).write_text(script_file("documents", rows, holder="PolicyLists"), encoding="utf-8")
    (folder / ".nojekyll").write_text("", encoding="utf-8")
    (folder / "robots.txt").write_text(robots_txt(site.site_url), encoding="utf-8")
    if site.site_url:
        (folder / "sitemap.xml").write_text(sitemap_xml(site.site_url, [s.page.url for s in specs]), encoding="utf-8")


def _write_index(index: SearchIndex, output: Output) -> SearchIndex:
    index.finish()
    index.write(output)
    return index


def written_files(folder: Path) -> set[str]:
    """Every file under folder, as a path relative to it ("documents/x.html")."""
    found = set()
    for base, _, names in os.walk(folder):
        prefix = os.path.relpath(base, folder).replace(os.sep, "/")
        found.update(names if prefix == "." else (f"{prefix}/{name}" for name in names))
    return found


def _check_written_links(links: dict[str, PageLinks], files: set[str], folder: Path) -> list[ContentError]:
    return check_links(links, files, lambda url: (folder / url).read_text(encoding="utf-8"))


class LinkChecker:
    """The written pages' links, checked by a forked process (given `read`, what reads
    the links in that process) while the search index is written: once start() says the
    pages are written, it reads the links and checks every link outside the search's
    folder, and those into it once problems() gives it every file written. The build's
    own process then never holds the pages' links. Without `read`, the check runs here."""

    def __init__(self, folder: Path, read: Callable[[], dict[str, PageLinks]] | None = None):
        self.folder, self.links, self.process = folder, read, None
        if read is None:
            return
        context = multiprocessing.get_context("fork")
        self.files_out, files_in = context.Pipe()
        self.problems_in, problems_out = context.Pipe(duplex=False)
        self.process = context.Process(target=self._check, args=(files_in, problems_out), name="check links")
        with parallel.frozen_heap():   # its collector leaves the inherited model alone
            self.process.start()
        files_in.close()
        problems_out.close()

    def start(self, links: Callable[[], dict[str, PageLinks]]) -> None:
        """The pages are written; links() gives their links (when the check runs here)."""
        if self.process is None:
            self.links = links
        else:
            self.files_out.send(None)

    def _check(self, files_in, problems_out) -> None:
        parallel.quiet_worker()
        if files_in.recv() is not None:
            return
        pages = self.links()
        now, later = split_links(pages, SEARCH_DIR)
        read = lambda url: (self.folder / url).read_text(encoding="utf-8")   # noqa: E731
        ids = lambda url: pages[url].ids if url in pages else set()   # noqa: E731
        problems = check_links(now, written_files(self.folder), read, ids_of=ids)
        problems += check_links(later, files_in.recv(), read, ids_of=ids)
        problems_out.send(sorted(problems, key=lambda p: p.path))   # each page's in order, as one check gives

    def problems(self, files: set[str]) -> list[ContentError]:
        if self.process is None:
            return _check_written_links(self.links(), files, self.folder)
        self.files_out.send(files)
        try:
            return self.problems_in.recv()
        except EOFError:
            raise ContentErrors([ContentError("site", None, "the link check stopped "
                                              f"(exit code {self.process.exitcode})")]) from None
        finally:
            self.stop()

    def stop(self) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.process = None


def _write_error(exc: OSError, root: Path) -> ContentError:
    where = display_path(Path(exc.filename), root) if exc.filename else "site"
    return ContentError(where, None, f"cannot write the site: {exc.strerror or exc}")


def _render_and_write(site: Site, specs: list, output: Output, workers: int | None,
                      warnings: list[ContentError], progress: Progress = QUIET,
                      meanwhile=None, records: Path | None = None) -> Callable[[], dict[str, PageLinks]]:
    """Render every page, written by output; returns what gives the links of each page.
    Given records (the build gives them when it has the pages and cores), two processes
    forked from this one share the work (the model is inherited, not copied through a
    pipe), meanwhile() runs here while they do, and they keep the pages' links in files
    under records, for the link check to read: held here, they grew this process by 460 MB
    at 100x. Without records, this process renders them all."""
    workers = parallel.worker_count(workers)
    templates = site.theme_dir / "templates"
    env = make_environment(templates, cache=_template_cache(site, warnings))
    problems = compile_templates(env, templates)
    if problems:
        raise ContentErrors(problems)
    progress.stage("render", total=len(specs))
    if records is None:
        if meanwhile is not None:
            meanwhile()
        links, errors = _render_slice(env, site, specs, output, range(len(specs)), progress.update)
        if errors:
            raise ContentErrors(errors)
        links = dict(sorted(links.items()))
        return lambda: links
    context = multiprocessing.get_context("fork")
    errors: list[ContentError] = []
    with parallel.frozen_heap(), context.Pool(workers, initializer=_remember,
                                              initargs=(env, site, specs, output, records)) as pool:
        # in runs of pages taken by whichever worker is free: pages differ in cost (an
        # agency's page ~0.9 ms, a task's ~0.13 ms), so fixed halves left one worker a
        # second behind the other at 20x
        runs = [range(i, min(i + RENDER_RUN, len(specs))) for i in range(0, len(specs), RENDER_RUN)]
        results = pool.imap_unordered(_render_in_worker, runs)
        if meanwhile is not None:
            meanwhile()
        done = 0
        for rendered, errors in results:
            done += rendered
            progress.update(done)
            if errors:
                break   # the build fails (the pool stops): one template fault reported is enough
    if errors:
        raise ContentErrors(errors)
    progress.update(len(specs))
    return functools.partial(read_links, records)


def read_links(records: Path) -> dict[str, PageLinks]:
    """The links the render workers kept under records, by page, in page order; pages
    read apart are made to share equal strings again."""
    links: dict[str, PageLinks] = {}
    shared: dict = {}
    for path in sorted(records.iterdir()):
        with open(path, "rb") as handle:
            while handle.peek(1):
                links.update((url, interned(page, shared)) for url, page in pickle.load(handle).items())
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


def _render_slice(env, site: Site, specs: list, output: Output, indices,
                  rendered=None) -> tuple[dict[str, PageLinks], list[ContentError]]:
    links, shared = {}, {}
    for n, i in enumerate(indices, start=1):
        spec = specs[i]
        try:
            html = render_page(env, site, spec)
        except Exception as exc:
            problem = template_error(exc, site.theme_dir / "templates", spec.page.url)
            if problem is None:
                raise
            return links, [problem]   # the build fails; one error per template fault is enough
        output.write(spec.page.url, html)
        links[spec.page.url] = page_links(html, shared)
        if rendered is not None and n % 20 == 0:
            rendered(n)
    return links, []


_WORK: tuple = ()   # what a forked render worker was given, and where it keeps links (set once in that process)


def _remember(env, site: Site, specs: list, output: Output, records: Path) -> None:
    global _WORK
    _WORK = (env, site, specs, output), open(records / f"{os.getpid()}.pickle", "ab")
    parallel.quiet_worker()


def _render_in_worker(indices) -> tuple[int, list[ContentError]]:
    """A run of pages rendered: its links appended to this worker's file; how many pages
    and any template error go back."""
    given, handle = _WORK
    links, errors = _render_slice(*given, indices)
    pickle.dump(links, handle, protocol=pickle.HIGHEST_PROTOCOL)
    handle.flush()
    return len(links), errors


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
    """A JSON list, one record at a time (at 100× tasks.json is 50,000 of them): the text
    json.dumps(list(records), indent=1) gives, without the whole list in memory."""
    with open(path, "w", encoding="utf-8") as handle:
        first = True
        for record in records:
            text = json.dumps(record, ensure_ascii=False, indent=1)
            handle.write(("[\n " if first else ",\n ") + text.replace("\n", "\n "))
            first = False
        handle.write("[]\n" if first else "\n]\n")


def write_tasks_csv(site: Site, handle) -> None:
    """One row per task; agencies joined with 、 (the file is opened with a BOM, so that
    Excel reads UTF-8)."""
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(["id", "collection", "number", "domain", "leader", "flagged", "text", "lead", "support", "guide",
                     "scope", "derived_from", "url"])
    for task in site.all_tasks():
        writer.writerow([task.id, task.collection, task.number, task.domain, task.leader or "",
                         "▲" if task.flagged else "", task.text, "、".join(a.name for a in task.lead),
                         "、".join(a.name for a in task.support), "、".join(a.name for a in task.guide), task.scope or "",
                         " ".join(p.id for p in task.derived_from), urls.url_for(task)])


