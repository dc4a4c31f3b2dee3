#!/usr/bin/env python3
"""Ningbo Policy Explorer: build the static site from content/ and data/.

  python build.py build [--out site] [--no-strict] [--timings]
  python build.py import content/sources/FILE.txt [--out content/documents]
  python build.py add [--title TITLE] PATH...
  python build.py check
  python build.py tasks | lineage
  python build.py serve [--port 8000]
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path

from explorer import site as pipeline, urls
from explorer.errors import ContentErrors
from explorer.progress import Progress

ROOT = Path(__file__).resolve().parent


def build(args) -> int:
    started = time.perf_counter()
    progress = Progress(quiet=args.quiet)
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, progress.interrupt)
    try:
        built = pipeline.build(ROOT, Path(os.path.abspath(args.out)), urls.published_url(args.site_url),
                               strict=args.strict, progress=progress)
    finally:
        progress.finish()
    for warning in built.warnings:
        print(warning, file=sys.stderr)
    print(built.summary(time.perf_counter() - started))
    if args.timings:
        for stage, seconds in built.timings.items():
            print(f"  {stage:<12} {seconds * 1000:8.1f} ms")
        print("  peak RSS after each stage (MB): " + ", ".join(f"{k} {v / 1024:.0f}" for k, v in built.peaks.items()))
    return 0


def check(args) -> int:
    problems = pipeline.resolve(pipeline.load(ROOT))
    if problems:
        raise ContentErrors(problems)
    print("content is consistent")
    return 0


def commands_of_tools(name: str):
    """A command of explorer/tools/commands.py, imported only when it runs."""
    def run(args) -> int:
        from explorer.tools import commands
        return getattr(commands, name)(args, ROOT)
    return run


def serve(args) -> int:
    from explorer.serve import serve_and_watch
    return serve_and_watch(ROOT, Path(os.path.abspath(args.out)), args.port)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("build", help="build the site")
    p.add_argument("--out", default=str(ROOT / "site"))
    p.add_argument("--strict", action=argparse.BooleanOptionalAction, default=True,
                   help="fail on any broken internal link or anchor (the default); --no-strict: warn instead")
    p.add_argument("--timings", action="store_true", help="print the time of each stage")
    p.add_argument("--quiet", action="store_true", help="no progress lines on long builds")
    p.add_argument("--site-url", default=os.environ.get("SITE_URL"),
                   help="where the site is published (default: $SITE_URL); used for sitemap.xml only")
    p.set_defaults(run=build)
    p = commands.add_parser("import", help="turn a raw source text into Markdown documents")
    p.add_argument("source")
    p.add_argument("--out", default=str(ROOT / "content" / "documents"))
    p.set_defaults(run=commands_of_tools("import_source"))
    p = commands.add_parser("add", help="add documents (text, PDF, .docx, web pages): read, register, import "
                                         "and propose registry entries")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--title", help="the document's title, where its text does not start with it")
    p.set_defaults(run=commands_of_tools("add"))
    commands.add_parser("check", help="load and cross-check content without writing").set_defaults(run=check)
    commands.add_parser("tasks", help="write data/tasks/*.yaml from the documents").set_defaults(
        run=commands_of_tools("tasks"))
    p = commands.add_parser("lineage", help="propose task lineage into data/lineage.yaml, keeping reviewed decisions")
    p.add_argument("--fresh", action="store_true", help="discard the reviewed decisions")
    p.set_defaults(run=commands_of_tools("lineage"))
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
    code = main()
    # Everything is written and closed by now; freeing an archive's model object by
    # object at exit takes seconds.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
