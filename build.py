#!/usr/bin/env python3
"""Ningbo Policy Explorer: build the static site from content/ and data/.

  python build.py build [--out site] [--no-strict] [--timings]
  python build.py import content/sources/FILE.txt [--out content/documents]
  python build.py add PATH...
  python build.py check
  python build.py tasks | lineage
  python build.py serve [--port 8000]
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import time
from pathlib import Path

from explorer import site as pipeline
from explorer.errors import ContentError, ContentErrors

ROOT = Path(__file__).resolve().parent


def build(args) -> int:
    started = time.perf_counter()
    site = pipeline.load(ROOT)
    site.site_url = normalized_site_url(args.site_url)
    loaded = time.perf_counter()
    problems = pipeline.resolve(site)
    if problems:
        raise ContentErrors(problems)
    resolved = time.perf_counter()
    result = pipeline.write(site, Path(os.path.abspath(args.out)), strict=args.strict)
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    pages = ", ".join(f"{n} {kind}" for kind, n in sorted(result.pages.items()))
    print(f"built {sum(result.pages.values())} pages ({pages}) from {len(site.documents)} documents, "
          f"{len(result.warnings)} warnings, in {time.perf_counter() - started:.2f}s")
    if args.timings:
        stages = {"load": loaded - started, "resolve": resolved - loaded, **result.timings}
        for stage, seconds in stages.items():
            print(f"  {stage:<12} {seconds * 1000:8.1f} ms")
    return 0


SITE_URL_RE = re.compile(r"https?://[^\s<>\"'\\]+")


def normalized_site_url(value: str | None) -> str | None:
    """SITE_URL as https://host/sub-path/ (ending in /), or None when not configured."""
    value = (value or "").strip()
    if not value:
        return None
    if not SITE_URL_RE.fullmatch(value):
        raise ContentErrors([ContentError("SITE_URL", None, f"must be an http:// or https:// address without spaces "
                                                            f"or quotes, not {value!r}")])
    return value.rstrip("/") + "/"


def check(args) -> int:
    problems = pipeline.resolve(pipeline.load(ROOT))
    if problems:
        raise ContentErrors(problems)
    print("content is consistent")
    return 0


def import_source(args) -> int:
    from explorer.tools.importer import Catalogue, import_source as run_import, write_drafts
    result = run_import(Path(args.source).resolve(), Catalogue.load(ROOT / "data"), ROOT)
    written = write_drafts(result, Path(args.out), ROOT)
    print(f"imported {len(written)} documents from {args.source} into {args.out}")
    for what, n in sorted(result.report.counts.items()):
        print(f"  {what}: {n}")
    for note in result.report.notes:
        print(f"  note: {note}")
    return 0


def add(args) -> int:
    """Bring raw texts into the project: copy, register, import, propose registry entries."""
    from explorer.tools.add import add as add_texts
    report = add_texts([Path(p) for p in args.paths], ROOT)
    print(f"added {len(args.paths)} text(s)")
    print("\n".join(report.lines()))
    problems = pipeline.resolve(pipeline.load(ROOT))
    if problems:
        raise ContentErrors(problems)
    print("the project builds: run `make site`")
    return 0


def tasks(args) -> int:
    """Write data/tasks/<collection>.yaml from the reviewed documents."""
    from explorer.tools.taskfiles import collection_yaml, extract_collection
    site = pipeline.load(ROOT, parts=("documents", "collections"))
    out = ROOT / "data" / "tasks"
    out.mkdir(exist_ok=True)
    for collection in site.collections.values():
        rows = extract_collection(site, collection)
        (out / f"{collection.id}.yaml").write_text(collection_yaml(collection, rows), encoding="utf-8")
        print(f"{collection.id}: {len(rows)} tasks -> data/tasks/{collection.id}.yaml")
    return 0


def lineage(args) -> int:
    """Write data/lineage.yaml: proposed derived_from links, to review."""
    from explorer.tools.lineage import lineage_yaml, reviewed_lineage
    # the lineage file itself is not loaded: it is what this command rewrites
    site = pipeline.load(ROOT, parts=("documents", "agencies", "collections", "tasks"))
    path = ROOT / "data" / "lineage.yaml"
    reviewed = {} if args.fresh else reviewed_lineage(path, ROOT)
    path.write_text(lineage_yaml(site, reviewed), encoding="utf-8")
    print("proposed lineage -> data/lineage.yaml")
    return 0


def serve(args) -> int:
    from explorer.serve import serve_and_watch
    return serve_and_watch(ROOT, Path(os.path.abspath(args.out)), args.port, rebuild=lambda: main(["build", "--out", args.out]))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("build", help="build the site")
    p.add_argument("--out", default=str(ROOT / "site"))
    p.add_argument("--strict", action=argparse.BooleanOptionalAction, default=True,
                   help="fail on any broken internal link or anchor (the default); --no-strict: warn instead")
    p.add_argument("--timings", action="store_true", help="print the time of each stage")
    p.add_argument("--site-url", default=os.environ.get("SITE_URL"),
                   help="where the site is published (default: $SITE_URL); used for sitemap.xml only")
    p.set_defaults(run=build)
    p = commands.add_parser("import", help="turn a raw source text into Markdown documents")
    p.add_argument("source")
    p.add_argument("--out", default=str(ROOT / "content" / "documents"))
    p.set_defaults(run=import_source)
    p = commands.add_parser("add", help="add raw texts: copy, register, import and propose registry entries")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(run=add)
    commands.add_parser("check", help="load and cross-check content without writing").set_defaults(run=check)
    commands.add_parser("tasks", help="write data/tasks/*.yaml from the documents").set_defaults(run=tasks)
    p = commands.add_parser("lineage", help="propose task lineage into data/lineage.yaml, keeping reviewed decisions")
    p.add_argument("--fresh", action="store_true", help="discard the reviewed decisions")
    p.set_defaults(run=lineage)
    p = commands.add_parser("serve", help="serve site/ on localhost and rebuild on change")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--out", default=str(ROOT / "site"))
    p.set_defaults(run=serve)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ContentErrors as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"{args.command} failed: {len(exc.errors)} error(s); {_unchanged(args)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"interrupted; {_unchanged(args)}", file=sys.stderr)
        return 130


def _unchanged(args) -> str:
    if args.command in ("build", "serve"):
        return f"{os.path.relpath(os.path.abspath(args.out))}/ left unchanged"
    return "nothing written"


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt   # the same clean stop as Ctrl-C: staging removed, site/ kept


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    sys.exit(main())
