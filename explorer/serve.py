"""`build.py serve`: serve site/ on localhost, bring it up to date as content changes,
and reload the open pages whose bytes changed (docs/architecture.md, serve).

LiveSite holds the last good build in memory and brings each change in with the least
work that gives what a clean build would (a test proves it); anything it cannot place
is a full build, and a failed one keeps the last good site served. Live reload is added
by the server to the pages it serves (server-sent events), never written into the site.
"""
from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import re
import shutil
import sys
import threading
import time
import traceback
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import watchfiles

from . import cjk, site as pipeline, urls
from .citations import Linker
from .content import parse_document
from .errors import ContentErrors
from .linkcheck import LinkTable
from .relations import derive_back_references
from .render import CompiledTemplates, agency_record, agency_spec, document_spec, render_page
from .search import SearchIndex
from .sourcefiles import read_text
from .taskdata import AGENCY_FIELDS, load_agencies

WATCHED = ("content", "data", "templates", "static")
DEBOUNCE_MS = 300   # edits saved together (an editor's write-and-rename) make one rebuild
LIVE = "/__live/"
KEEP_ALIVE_S = 15
RELOAD_JS = (Path(__file__).parent / "live-reload.js").read_bytes()   # added by the server, never to the site


class LiveState:
    """What the server served (page -> hash of its bytes) and the outcome of each build."""

    def __init__(self):
        self.changed = threading.Condition()
        self.generation = 0
        self.failure: str | None = None
        self.served: dict[str, bytes] = {}   # page -> the digest of what was served

    def build_done(self, failure: str | None) -> None:
        with self.changed:
            self.generation += 1
            self.failure = failure
            self.changed.notify_all()


class _Handler(http.server.SimpleHTTPRequestHandler):
    live: LiveState

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):   # noqa: A002 - the base class's name
        pass   # the terminal is for build reports

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == LIVE + "reload.js":
            return self._send(RELOAD_JS, "text/javascript; charset=utf-8")
        if path == LIVE + "events":
            return self._events(parse_qs(urlsplit(self.path).query).get("page", ["/"])[0])
        file = Path(self.translate_path(path))
        if file.is_dir():
            file = file / "index.html"
        if file.suffix == ".html" and file.is_file():
            data = file.read_bytes()
            self.live.served[self._page(path)] = hashlib.sha256(data).digest()
            script = f'<script src="{LIVE}reload.js"></script>'.encode("ascii")
            at = data.rfind(b"</body>")
            return self._send(data[:at] + script + data[at:] if at >= 0 else data + script, "text/html; charset=utf-8")
        return super().do_GET()

    @staticmethod
    def _page(path: str) -> str:
        path = unquote(path)
        return path + "index.html" if path.endswith("/") else path

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self, page: str) -> None:
        """Server-sent events for one open page until it goes away."""
        page = self._page(page)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        live = self.live
        seen = live.generation
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                with live.changed:
                    live.changed.wait_for(lambda: live.generation != seen, timeout=KEEP_ALIVE_S)
                    generation, failure = live.generation, live.failure
                if generation == seen:
                    self.wfile.write(b": still here\n\n")
                elif failure is not None:
                    self.wfile.write(b"event: failed\ndata: " + json.dumps({"message": failure}).encode() + b"\n\n")
                elif self._rewritten(page):
                    self.wfile.write(b"event: reload\ndata: {}\n\n")
                else:
                    self.wfile.write(b"event: built\ndata: {}\n\n")
                seen = generation
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass   # the page was closed or reloaded

    def _rewritten(self, page: str) -> bool:
        file = Path(self.translate_path(page))
        try:
            current = hashlib.sha256(file.read_bytes()).digest()
        except OSError:
            return True   # gone: reloading shows the 404 page
        return self.live.served.get(page) != current


class LiveSite:
    """The site serve holds: the last good build, brought up to date by each change with
    the least work that gives what a clean build would."""

    def __init__(self, root: Path, out: Path):
        self.root, self.out = root, out
        self.built: pipeline.Built | None = None
        self.linker: Linker | None = None
        self.compiled = CompiledTemplates()

    def full_build(self) -> str:
        self.built, self.linker = None, None   # until it succeeds: the next change builds again
        started = time.perf_counter()
        built = pipeline.build(self.root, self.out, compiled=self.compiled)
        for warning in built.warnings:
            print(warning, file=sys.stderr)
        self.built = built
        return built.summary(time.perf_counter() - started)

    def apply(self, changed: set[Path]) -> str:
        """Bring the served site up to date with the changed files; what was done. Raises
        ContentErrors (the last good site stays) like a build."""
        started = time.perf_counter()
        done = None
        if self.built is not None:
            try:
                done = self._edit(changed)
            except ContentErrors:
                done = None   # a full build reports the problem with the rest of the checks
        if done is None:
            return self.full_build()
        return f"{done} in {time.perf_counter() - started:.2f}s"

    def _edit(self, changed: set[Path]) -> str | None:
        """An edit that touches a few pages, done; None when a full build is needed."""
        kinds = {self._kind(path) for path in changed}
        if kinds == {"body"}:
            return self._bodies(sorted(changed))
        if kinds == {"template"}:
            return self._templates({path.name for path in changed})
        if kinds == {"agencies"}:
            return self._aliases()
        if kinds == {"static"}:
            folder = self.out.resolve()
            shutil.rmtree(folder / "static")
            shutil.copytree(self.built.site.theme_dir / "static", folder / "static")
            return "copied static/"
        return None

    def _kind(self, path: Path) -> str:
        site = self.built.site
        if path.suffix == ".md" and path.parent == self.root / "content" / "documents" and \
                path in {d.path for d in site.documents.values()} and path.is_file():
            return "body"
        if path.parent == site.theme_dir / "templates" and path.suffix == ".html" and path.is_file():
            return "template"
        if site.theme_dir / "static" in path.parents:
            return "static"
        return "agencies" if path == self.root / "data" / "agencies.yaml" else "other"

    def _bodies(self, paths: list[Path]) -> str | None:
        """Documents whose bodies changed and nothing else: their pages and search files."""
        built = self.built
        site = built.site
        by_path = {d.path: d for d in site.documents.values()}
        self.linker = self.linker or Linker(site)
        fresh = []
        for path in paths:
            doc, edited = by_path[path], parse_document(path, self.root)
            if edited.front_matter != doc.front_matter:
                return None
            env = pipeline.resolve_body(site, edited, self.linker)
            if not _keeps_its_reach(site, doc, env):
                return None
            fresh.append((doc, edited.body, env))
        for doc, body, env in fresh:
            doc.body = body
            pipeline.adopt_body(doc, env)
        search_files = built.index.update(site, [doc for doc, _, _ in fresh])
        if search_files is None:
            return None
        pages = self._render([document_spec(site, doc) for doc, _, _ in fresh])
        self._publish_pages(pages, dict(search_files))
        return f"rebuilt {', '.join(pages)} and {len(search_files)} search files"

    def _aliases(self) -> str | None:
        """Agencies whose aliases alone changed, none of them one a task file may use: the
        pages of those agencies, of the documents naming an alias and of the agencies
        whose mentions moved, agencies.json, and the search files that differ (an alias
        is in a boosted field, whose weights all move)."""
        built = self.built
        site, errors = built.site, []
        fresh = load_agencies(self.root, errors)
        facts = [name for name in AGENCY_FIELDS if name not in ("id", "aliases")]
        if errors or list(fresh) != list(site.agencies) or any(
                getattr(a, fact) != getattr(fresh[a.id], fact) for a in site.agencies.values() for fact in facts):
            return None
        changed = [a for a in site.agencies.values() if a.aliases != fresh[a.id].aliases]
        spellings = {s for a in changed for s in set(a.aliases) ^ set(fresh[a.id].aliases)}
        tasks = cjk.name_key("".join(read_text(p, self.root) for p in (self.root / "data" / "tasks").glob("*.yaml")))
        if any(cjk.name_key(s) in tasks for a in changed for s in set(a.aliases) - set(fresh[a.id].aliases)):
            return None   # a task may name it: a full build reports where
        for agency in changed:
            agency.aliases = fresh[agency.id].aliases
        self.linker = Linker(site)
        mentioned = {a.id: [d.id for d in a.mentioned_in] for a in site.agencies.values()}
        named = [d for d in site.documents_sorted() if any(s in d.body or s in d.html for s in spellings)]
        for doc in named:
            env = pipeline.resolve_body(site, doc, self.linker)
            if env.errors or set(env.links_to) != doc.links_to:   # a name took a title's place
                return None
            pipeline.adopt_body(doc, env)
        derive_back_references(site)
        agencies = {a.id: a for a in changed} | {a.id: a for a in site.agencies.values()
                                                if [d.id for d in a.mentioned_in] != mentioned[a.id]}
        specs = [document_spec(site, d) for d in named] + [agency_spec(site, a) for a in agencies.values()]
        index = SearchIndex(site)
        search_files = index.changed_files(built.index)
        if search_files is None:
            return None
        built.index = index
        pages = self._render(specs)
        records = "".join(pipeline.json_list(agency_record(a) for a in site.agencies.values()))
        self._publish_pages(pages, {**dict(search_files), urls.AGENCIES_JSON: records})
        return f"rebuilt {len(pages)} pages naming {', '.join(sorted(spellings))} and {len(search_files)} search files"

    def _templates(self, names: set[str]) -> str | None:
        """Templates changed: the pages whose templates use them, rendered anew."""
        built = self.built
        env = pipeline.templates(built.site, self.compiled)
        uses = template_uses(built.site.theme_dir / "templates")
        specs = [s for s in built.specs if uses.get(s.template, {s.template}) & names]
        folder = self.out.resolve()
        links = pipeline.render_pages(env, built.site, specs, folder)
        self._check(links)
        built.env = env
        return f"rebuilt {len(specs)} pages using {', '.join(sorted(names))}"

    def _render(self, specs: list) -> dict[str, str]:
        """These pages rendered, their specs held in place of the old ones (a later template
        edit renders them again)."""
        fresh = {spec.page.url: spec for spec in specs}
        self.built.specs = [fresh.get(spec.page.url, spec) for spec in self.built.specs]
        return {spec.page.url: render_page(self.built.env, self.built.site, spec) for spec in specs}

    def _publish_pages(self, pages: dict[str, str], other: dict[str, str]) -> None:
        links = LinkTable()
        for url, html in pages.items():
            links.add(url, html)
        self._check(links, pages)
        folder = self.out.resolve()
        for path, text in {**pages, **other}.items():
            partial = folder / f"{path}.partial"
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, folder / path)

    def _check(self, links: LinkTable, pages: dict[str, str] | None = None) -> None:
        """The links of the pages rendered anew, against the site served; the pages' ids
        become the site's."""
        built = self.built
        ids = {**built.links.ids, **links.ids}
        links.ids = ids
        problems = links.check(built.files, self.out.resolve(), pages)
        if problems:
            raise ContentErrors(problems)
        built.links.ids = ids


def _keeps_its_reach(site, doc, env) -> bool:
    """Whether a body, resolved anew, leaves what other pages read of its document."""
    return (not env.errors and env.anchors == doc.anchors and env.toc == doc.toc
            and set(env.links_to) == doc.links_to and set(env.mentions) == doc.mentions
            and [(a, label) for a, label, _ in env.articles] == [(a, label) for a, label, _ in doc.articles]
            and [(a, heading) for a, heading, _ in env.sections] == [(a, heading) for a, heading, _ in doc.sections]
            and all(anchor in site.documents[target].anchors for _, target, anchor in env.anchor_refs))


_TEMPLATE_NAME = re.compile(r"""["']([\w./-]+\.html)["']""")


def template_uses(folder: Path) -> dict[str, set[str]]:
    """Each template and every template it uses, itself included, by extends, include,
    import or shared() (any quoted name of a template counts: more is only slower)."""
    named = {p.relative_to(folder).as_posix(): set(_TEMPLATE_NAME.findall(p.read_text(encoding="utf-8")))
             for p in folder.rglob("*.html")}
    uses = {}
    for name in named:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(named.get(current, ()))
        uses[name] = seen
    return uses


def _rebuild_safely(rebuild, live: LiveState | None = None) -> None:
    """rebuild() reported; a failure, whatever its cause, keeps the watcher going."""
    failure = None
    try:
        print(rebuild(), flush=True)
    except ContentErrors as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        failure = "\n".join(map(str, exc.errors))
        print(f"rebuild failed: {len(exc.errors)} error(s); still watching, the last good site is served", flush=True)
    except Exception:   # a bug must not stop the watcher: report it and keep going
        failure = traceback.format_exc()
        traceback.print_exc()
        print("rebuild crashed (see above); still watching, the last good site is served", flush=True)
    if live is not None:
        live.build_done(failure)


def watch(root: Path, site: LiveSite, stop: threading.Event, ready: threading.Event, live: LiveState | None = None) -> None:
    """Rebuild after each batch of changes until stop is set; ready is set once the
    operating system watches the folders (an edit before that would be missed)."""
    folders = [root / name for name in WATCHED if (root / name).is_dir()]
    for changes in watchfiles.watch(*folders, debounce=DEBOUNCE_MS, step=50, stop_event=stop, rust_timeout=100,
                                    yield_on_timeout=True, raise_interrupt=False):
        ready.set()
        if not changes:
            continue
        paths = {Path(p) for _, p in changes}
        names = sorted({p.name for p in paths})
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        print(f"changed: {shown}; rebuilding", flush=True)
        _rebuild_safely(lambda: site.apply(paths), live)


def serve_and_watch(root: Path, out: Path, port: int) -> int:
    live, site = LiveState(), LiveSite(root, out)
    _rebuild_safely(site.full_build, live)
    stop, ready = threading.Event(), threading.Event()
    watcher = threading.Thread(target=watch, args=(root, site, stop, ready, live), daemon=True)
    watcher.start()
    ready.wait(timeout=10)
    # the handler serves the folder by its link, so each request sees the newest build
    handler = type("Handler", (_Handler,), {"live": live})
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(out))) as server:
        server.daemon_threads = True   # open event streams do not hold up Ctrl-C
        print(f"serving {out.name}/ at http://127.0.0.1:{server.server_address[1]}/index.html "
              "(Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
    return 0
