"""Incremental builds: a rebuild after an edit writes only what the edit changed.

After each build its state is kept in `.cache/build/`: a hash of every input file (the
project's content and data, the templates, static files and code), the resolved model,
the search postings, and the build folder it was published as. The next build compares
the input files with that state:

- nothing changed: the published site stands;
- only the bodies of existing documents changed, and each keeps what other pages read
  from it (front matter, headings, anchors, articles, the documents and agencies it
  links to or mentions): the new build folder is the last one hard-linked, with those
  documents' pages, their search fragments, the shards of the tokens they gained or
  lost and the search manifest written anew, and only the rewritten pages' links
  checked;
- anything else (a title, data, a template, code, a document added or removed): a full
  build, which keeps a new state.

Either way the site is byte-identical to a clean build's (tests compare them over a
sequence of edits). The state is kept only after a build was published; a state that
cannot be read, or that describes another build than the one published, is ignored.
What decides between the three, the input hashes and the documents' files, is kept in a
small head file beside the state, so that a full build never loads the state.
"""
from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
import pickle
import secrets
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .citations import Linker
from .content import parse_document
from .errors import ContentError, ContentErrors, display_path
from .linkcheck import check_links, page_links
from .model import Document, Site
from .parallel import frozen_heap, in_child, reap
from .publish import MARKER, Staging, builds_folder, has_spare, tidy
from .render import document_spec, make_environment, render_page
from .search import SearchIndex
from .sourcefiles import MAX_FILE_BYTES
from .site import resolve_body

STATE_FORMAT = 7
JOURNAL_LIMIT = 64 * 1024 * 1024   # past this, an incremental build keeps a whole new state
INPUT_FOLDERS = ("content", "data", "templates", "static", "explorer")


@dataclass
class State:
    inputs: Inputs             # every input file's hash
    site: Site
    search: SearchIndex
    folder: str                # the build folder this describes
    site_url: str | None
    files: set[str] = field(default_factory=set)   # every file of that build
    python: str = sys.version
    base: str = ""             # the kept state this was read from (its journal names it)


@dataclass
class Rebuilt:
    """What an incremental build did."""
    pages: list[str]
    files: int
    timings: dict[str, float]
    warnings: list[str] = field(default_factory=list)


def state_path(root: Path, out: Path) -> Path:
    key = hashlib.sha256(os.path.abspath(out).encode("utf-8")).hexdigest()[:16]
    return root / ".cache" / "build" / f"{key}.pickle"


RACY_NS = 2_000_000_000   # a file changed this close to its hashing is hashed again next time


@dataclass
class Inputs:
    hashes: dict[str, str]                        # input file (relative to the project) -> sha256
    stats: dict[str, tuple[int, int, int, int]]   # -> (size, mtime, ctime, inode) when it was hashed
    taken: int                                    # when the hashing began (ns)


@dataclass
class Head:
    """What decides whether a rebuild can be incremental, kept beside the state in a file
    of its own (`<key>.head`): a build that must be full knows it without loading the
    model (at 100x, 1.4 s and half a gigabyte)."""
    token: str                 # the state this describes (a state with another is not it)
    python: str
    site_url: str | None
    folder: str                # the build folder published
    inputs: Inputs
    documents: set[str]        # each document's file, relative to the project
    theme: Path | None


def input_hashes(root: Path, theme: Path | None = None, previous: Inputs | None = None) -> Inputs:
    """sha256 of every file a build reads, by its path relative to the project. A file
    whose size, times and inode are those it had when previous hashed it takes that hash
    again (as git's index does), unless it changed too close to that hashing to tell. A
    link or a file that cannot be read gets a mark instead, which no state matches: the
    full build that follows reports it."""
    taken = time.time_ns()
    hashes: dict[str, str] = {}
    stats: dict[str, tuple[int, int, int, int]] = {}
    for base in dict.fromkeys([root, theme or root]):
        paths = [(str(base / "build.py"), _relative(base / "build.py", root))]
        for name in INPUT_FOLDERS:
            for folder, dirs, files in os.walk(base / name):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                prefix = _relative(folder, root)
                links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
                paths.extend((os.path.join(folder, f), os.path.join(prefix, f)) for f in [*sorted(files), *links])
        for path, key in paths:
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                hashes[key] = f"unreadable: {exc.strerror}"
                continue
            if stat.S_ISLNK(info.st_mode):
                hashes[key] = "a symbolic link"
                continue
            stamp = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
            if previous is not None and previous.stats.get(key) == stamp and key in previous.hashes and \
                    max(info.st_mtime_ns, info.st_ctime_ns) < previous.taken - RACY_NS:
                hashes[key], stats[key] = previous.hashes[key], stamp
                continue
            try:
                hashes[key] = _file_hash(Path(path))
                stats[key] = stamp
            except FileNotFoundError:
                continue
            except OSError as exc:
                hashes[key] = f"unreadable: {exc.strerror}"
    return Inputs(hashes, stats, taken)


def _relative(path, root: Path) -> str:
    """path relative to root (os.path.relpath makes both absolute each time: thousands of
    documents' paths took a tenth of a second)."""
    text, prefix = os.fspath(path), os.fspath(root) + os.sep
    return text[len(prefix):] if text.startswith(prefix) else os.path.relpath(text, root)


def _file_hash(path: Path) -> str:
    """sha256 read in pieces; a file past the size a build reads is marked, not read."""
    if path.stat().st_size > MAX_FILE_BYTES:
        return f"too large: {path.stat().st_size}"
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while piece := handle.read(1 << 20):
            digest.update(piece)
    return digest.hexdigest()


class Keeper:
    """The state of a full build, kept in two steps: the model while the pages are being
    rendered (this process only waits for its workers then, and the model's pickle is
    made before the search's postings take their memory), the rest once the build is
    published. Nothing replaces the kept state unless the build was published."""

    def __init__(self, root: Path, out: Path, site: Site, inputs: Inputs):
        self.root, self.out, self.site, self.inputs = root, out, site, inputs
        self.path = state_path(root, out)
        self.partial = self.path.with_suffix(f".{os.getpid()}.partial")
        self.problem: OSError | None = None
        self.started = False
        self.token = secrets.token_hex(8)
        self.child: int | None = None   # the forked process writing the model's pickle

    def keep_model(self) -> None:
        """The model's pickle, made by a forked child where the system forks (the child's
        pickle memo, a hundred megabytes at 100x, is never this process's memory); the
        build goes on meanwhile."""
        self.started = True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.child = in_child(self._write_model)
        except OSError as exc:   # the folder, or the pickle written here where nothing forks
            self.problem = exc

    def _write_model(self) -> None:
        with open(self.partial, "wb") as handle:
            _dump_model(handle, self.site, self.token)

    def _wait(self) -> None:
        """The child's work done; its failure is a problem like any other."""
        if self.child is not None:
            code, self.child = reap(self.child), None
            if code != 0 and self.problem is None:
                self.problem = OSError(f"the process keeping the model stopped (exit code {code})")

    def finish(self, search: SearchIndex, files: set[str]) -> str | None:
        """Keep the state of the build just published (every file of it in files); a
        warning when it cannot be."""
        if not self.started:
            self.keep_model()
        self._wait()
        folder = _published_folder(self.out)
        if folder is None:
            self.discard()
            return None
        state = State(inputs=self.inputs, site=self.site, search=search, folder=folder.name,
                      site_url=self.site.site_url, files=files)
        try:
            if self.problem is not None:
                raise self.problem
            with open(self.partial, "ab") as handle:
                _dump_rest(handle, state)
            _journal(self.path).unlink(missing_ok=True)
            os.replace(self.partial, self.path)
            _write_head(self.root, self.path, self.token, state)
        except OSError as exc:
            self.discard()
            forget(self.root, self.out)
            return _cannot_keep(self.root, exc)
        return None

    def discard(self) -> None:
        """A build that failed: the state it began to keep goes; the last one stays."""
        if self.child is not None:
            reap(self.child, kill=True)
            self.child = None
        try:
            self.partial.unlink(missing_ok=True)
        except OSError:
            pass


def forget(root: Path, out: Path) -> None:
    for path in (_head(state_path(root, out)), state_path(root, out), _journal(state_path(root, out))):
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass   # nothing there to mislead the next build


def _read_head(root: Path, out: Path) -> Head | None:
    try:
        with open(_head(state_path(root, out)), "rb") as handle:
            version, head = pickle.load(handle)
    except Exception:   # absent, unreadable, torn, or from another version of the code
        return None
    return head if version == STATE_FORMAT and isinstance(head, Head) and head.python == sys.version else None


def _write_head(root: Path, path: Path, token: str, state: State) -> None:
    head = Head(token=token, python=state.python, site_url=state.site_url, folder=state.folder, inputs=state.inputs,
                documents={_relative(d.path, root) for d in state.site.documents.values()},
                theme=state.site.theme)
    partial = _head(path).with_suffix(f".head.{os.getpid()}.partial")
    with open(partial, "wb") as handle:
        pickle.dump((STATE_FORMAT, head), handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, _head(path))


def _head(path: Path) -> Path:
    return path.with_suffix(".head")


def _load(root: Path, out: Path, head: Head) -> State | None:
    """The state head describes, with the edits of the incremental builds since it was
    kept applied."""
    path = state_path(root, out)
    collecting = gc.isenabled()
    gc.disable()   # unpickling makes many objects and frees none: the collector's passes are waste
    try:
        with open(path, "rb") as handle:
            version, base, site = pickle.load(handle)
            if version == STATE_FORMAT:
                state = pickle.load(handle)
                state.site, state.search = site, pickle.load(handle)
        edits = []
        if _journal(path).exists():
            with open(_journal(path), "rb") as handle:
                while handle.peek(1):
                    edits.append(pickle.load(handle))
    except Exception:   # absent, unreadable, torn, or from another version of the code
        return None
    finally:
        if collecting:
            gc.enable()
    if version != STATE_FORMAT or not isinstance(state, State) or base != head.token:
        return None
    for edit_base, edit in edits:
        if edit_base != base:
            return None
        _apply(state, edit)
    state.base = base
    return state if state.folder == head.folder else None


def _apply(state: State, edit: dict) -> None:
    state.inputs, state.folder = edit["inputs"], edit["folder"]
    for doc_id, (body, html, sections, articles) in edit["documents"].items():
        doc = state.site.documents[doc_id]
        doc.body, doc.html, doc.sections, doc.articles = body, html, sections, articles
    state.search.apply(edit["postings"], edit["used"], edit["entries"])


def _journal(path: Path) -> Path:
    return path.with_suffix(".journal")


def _published_folder(out: Path) -> Path | None:
    """The build folder out links to, when it is one of its builds."""
    if not out.is_symlink():
        return None
    folder = (out.parent / os.readlink(out)).resolve()
    return folder if folder.parent == builds_folder(out).resolve() and (folder / MARKER).is_file() else None


def rebuild(root: Path, out: Path, site_url: str | None, strict: bool = True) -> Rebuilt | str:
    """An incremental build when the changes since the last build allow one; else why a
    full build is needed (known from the state's head, before the state is loaded).
    Raises ContentErrors (site/ untouched) on broken links."""
    started = time.perf_counter()
    head = _read_head(root, out)
    folder = _published_folder(out)
    if head is None or folder is None or folder.name != head.folder:
        return "no state of the last build"
    if head.site_url != site_url:
        return "another site URL"
    current = input_hashes(root, head.theme, previous=head.inputs)
    timings = {"hash inputs": time.perf_counter() - started}
    inputs, before = current.hashes, head.inputs.hashes
    changed = {p for p in inputs.keys() | before.keys() if inputs.get(p) != before.get(p)}
    if not changed:
        tidy(out)
        return Rebuilt([], 0, timings)
    beyond = sorted(p for p in changed if p not in head.documents or p not in inputs)
    if beyond:
        return f"{beyond[0]} changed" + (f" (and {len(beyond) - 1} more)" if len(beyond) > 1 else "")
    copy = _Copy(out)   # made meanwhile
    try:
        mark = time.perf_counter()
        state = _load(root, out, head)
        if state is None:
            return "no state of the last build"
        timings["load"] = time.perf_counter() - mark
        # the state is millions of objects that live as long as this build: left out of the
        # cyclic collector's passes, which would walk all of them each time (0.4 s at 100×)
        with frozen_heap():
            return _rebuild(root, out, strict, state, current, changed, copy, timings)
    finally:
        copy.drop()


def _rebuild(root: Path, out: Path, strict: bool, state: State, current: Inputs, changed: set[str], copy: _Copy,
             timings: dict[str, float]) -> Rebuilt | str:
    documents = {_relative(d.path, root): d for d in state.site.documents.values()}
    site = state.site
    edited = []
    mark = time.perf_counter()
    linker = Linker(site)
    for path in sorted(changed):
        doc = documents[path]
        try:
            fresh = parse_document(root / path, root)
        except ContentErrors:
            return f"{path} has errors"   # the full build reports them
        if fresh.front_matter != doc.front_matter:   # as written: what it loads compares by value alike
            return f"the front matter of {path} changed"
        reach = _body_keeps_its_reach(site, doc, fresh, linker)
        if reach:
            return f"{path}: {reach}"
        edited.append(doc)
    timings["resolve"] = time.perf_counter() - mark
    mark = time.perf_counter()
    search_files = state.search.update(site, edited)
    if search_files is None:
        return "the search entries changed beyond their texts"
    timings["index"] = time.perf_counter() - mark
    mark = time.perf_counter()
    templates = site.theme_dir / "templates"
    env = make_environment(templates, cache=site.theme_dir / ".cache" / "templates")
    pages = {}
    for doc in edited:
        spec = document_spec(site, doc)
        pages[spec.page.url] = render_page(env, site, spec)
    timings["render"] = time.perf_counter() - mark
    mark = time.perf_counter()
    staging = copy.finish(state.folder)
    if staging is None:
        return "another build was published meanwhile"
    try:
        written = {**pages, **dict(search_files)}
        for name, text in written.items():
            _replace(staging.folder / name, text)
        links = {url: page_links(html) for url, html in pages.items()}
        read = lambda url: (staging.folder / url).read_text(encoding="utf-8")   # noqa: E731
        problems = check_links(links, state.files | set(written), read, ids_of=lambda url: page_links(read(url)).ids)
        if problems and strict:
            raise ContentErrors(problems)
        warnings = [str(ContentError(p.path, p.line, p.message, warning=True)) for p in problems]
        timings["write"] = time.perf_counter() - mark
        mark = time.perf_counter()
        staging.publish(spare_lag=sorted(written))
    except BaseException:
        staging.discard()
        raise
    timings["publish"] = time.perf_counter() - mark
    state.inputs, state.folder = current, staging.folder.name
    state.files |= set(written)
    mark = time.perf_counter()
    edit = {"inputs": current, "folder": state.folder,
            "documents": {d.id: (d.body, d.html, d.sections, d.articles) for d in edited},
            "postings": {t: state.search.postings.text.get(t) for t in state.search.touched},
            "used": state.search.used_delta, "entries": state.search.changed_entries}
    try:
        warning = _note(root, out, state, edit)   # while the build before is removed
    finally:
        staging.close()
    timings["keep state"] = time.perf_counter() - mark
    return Rebuilt(sorted(pages), len(written), timings, warnings + ([warning] if warning else []))


def _body_keeps_its_reach(site: Site, doc: Document, fresh: Document, linker: Linker) -> str:
    """Resolve fresh's body. When it leaves what other pages read of doc as it was, doc
    takes the new body (its page and search entries change) and "" is returned; else
    what reaches further."""
    body = resolve_body(site, fresh, linker)
    env = body.env
    if env.errors:
        return "errors in the body"
    if env.anchors != doc.anchors or env.toc != doc.toc:
        return "headings or anchors changed"
    if set(env.links_to) != doc.links_to or set(env.mentions) != doc.mentions:
        return "the documents or agencies it refers to changed"
    if [(a, label) for a, label, _ in env.articles] != [(a, label) for a, label, _ in doc.articles] or \
            [(a, heading) for a, heading, _ in env.sections] != [(a, heading) for a, heading, _ in doc.sections]:
        return "its articles or sections changed"
    if any(anchor not in site.documents[target].anchors for _, target, anchor in env.anchor_refs):
        return "a link to an unknown anchor"
    doc.body, doc.html, doc.sections, doc.articles = fresh.body, body.html, env.sections, env.articles
    return ""


class _Copy:
    """The new build folder of an incremental build: the published build's spare, brought
    up to date (a few files), or else the published build hard-linked into a new folder
    by a forked child while this process loads the state (each takes about 0.4 s at 20×).
    Dropped when the build turns out to be a full one, or to change nothing."""

    def __init__(self, out: Path):
        self.out = out
        self.source = _published_folder(out)
        self.staging: Staging | None = None
        self.child: int | None = None
        if self.source is None or has_spare(out):
            return
        try:
            self.staging = Staging(out)
            source, folder = self.source, self.staging.folder
            self.child = in_child(lambda: _link_tree(source, folder))
        except OSError:   # finish() tries again; a full build reports what stands in the way
            if self.staging is not None:
                self.staging.discard()
                self.staging = None

    def finish(self, folder: str) -> Staging | None:
        """The new build folder, complete, when it copies the build named folder (the one
        the state describes); raises OSError when the copy failed."""
        if self.source is None or self.source.name != folder:
            return None
        if self.staging is None:
            self.staging = Staging(self.out, take_spare=True)
            if self.staging.lag is not None:
                for name in self.staging.lag:
                    _link_over(self.source / name, self.staging.folder / name)
            else:   # no spare after all (taken meanwhile), and no copy under way
                _link_tree(self.source, self.staging.folder)
        elif self.child is not None:
            code, self.child = reap(self.child), None
            if code != 0:
                raise OSError(f"cannot copy the published build into {self.staging.folder}")
        staging, self.staging = self.staging, None   # the caller publishes or discards it
        return staging

    def drop(self) -> None:
        if self.child is not None:
            reap(self.child, kill=True)
            self.child = None
        if self.staging is not None:
            self.staging.discard()
            self.staging = None


def _link_over(source: Path, target: Path) -> None:
    """target replaced by a hard link to source (never written through)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    os.link(source, partial)
    os.replace(partial, target)


def _link_tree(source: Path, target: Path) -> None:
    """target as a copy of source made of hard links (the files are replaced, never written
    through, so the published build is not touched)."""
    def copy(src: str, dst: str, top: bool) -> None:
        with os.scandir(src) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    os.mkdir(os.path.join(dst, entry.name))
                    copy(entry.path, os.path.join(dst, entry.name), False)
                elif not (top and entry.name == MARKER):
                    os.link(entry.path, os.path.join(dst, entry.name))
    copy(str(source), str(target), True)


def _replace(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def _keep(root: Path, out: Path, state: State) -> str | None:
    """A whole state, written beside and renamed over the last, with no journal; or why not."""
    path = state_path(root, out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        token = state.base = secrets.token_hex(8)
        with open(partial, "wb") as handle:
            _dump_model(handle, state.site, token)
            _dump_rest(handle, state)
        _journal(path).unlink(missing_ok=True)
        os.replace(partial, path)
        _write_head(root, path, token, state)
    except OSError as exc:
        forget(root, out)
        return _cannot_keep(root, exc)
    return None


# A state file is three pickles: (STATE_FORMAT, a token its journal and head name, the
# model); the State without the model and the search; the search. pickle remembers every
# object of a dump until its end: pickles that share nothing need that memory one at a time.
def _dump_model(handle, site: Site, token: str) -> None:
    pickle.dump((STATE_FORMAT, token, site), handle, protocol=pickle.HIGHEST_PROTOCOL)


def _dump_rest(handle, state: State) -> None:
    pickle.dump(dataclasses.replace(state, site=None, search=None), handle, protocol=pickle.HIGHEST_PROTOCOL)
    # the search's postings hold no cycles: pickled without remembering any object
    # (at 100x: 0.4 s instead of 0.7 s, and no memo of millions of entries, ~110 MB)
    search = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
    search.fast = True
    search.dump(state.search)


def _note(root: Path, out: Path, state: State, edit: dict) -> str | None:
    """An incremental build's edit, appended to the journal (a torn append makes the
    next build a full one); a whole state once the journal has grown large."""
    path = state_path(root, out)
    journal = _journal(path)
    try:
        if journal.exists() and journal.stat().st_size > JOURNAL_LIMIT:
            return _keep(root, out, state)
        with open(journal, "ab") as handle:
            pickle.dump((state.base, edit), handle, protocol=pickle.HIGHEST_PROTOCOL)
        _write_head(root, path, state.base, state)   # after the journal: a torn pair is a full build
    except OSError as exc:
        forget(root, out)
        return _cannot_keep(root, exc)
    return None


def _cannot_keep(root: Path, exc: OSError) -> str:
    return (f"{display_path(root / '.cache' / 'build', root)}: warning: cannot keep the build's state here "
            f"({exc.strerror or exc}); the next build is a full one")
