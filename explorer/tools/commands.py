"""The commands of the tools that prepare content (`build.py import | add | tasks |
lineage`): each prints what it wrote and what a person should review."""
from __future__ import annotations

from pathlib import Path

from .. import site as pipeline
from ..errors import ContentError, ContentErrors
from .add import add as add_texts
from .importer import Catalogue, import_source as run_import, write_drafts
from .lineage import lineage_yaml, reviewed_lineage
from .taskfiles import collection_yaml, extract_collection


def import_source(args, root: Path) -> int:
    result = run_import(Path(args.source).resolve(), Catalogue.load(root / "data"), root)
    written = write_drafts(result, Path(args.out), root)
    print(f"imported {len(written)} documents from {args.source} into {args.out}")
    for what, n in sorted(result.report.counts.items()):
        print(f"  {what}: {n}")
    for note in result.report.notes:
        print(f"  note: {note}")
    return 0


def add(args, root: Path) -> int:
    """Bring documents into the project: read, register, import, propose registry entries;
    the project must still build, else nothing of the add is kept."""
    if args.title and len(args.paths) != 1:
        raise ContentErrors([ContentError("build.py add", None, "--title names the title of one file; add it alone")])
    paths = [f for p in map(Path, args.paths) for f in (_files_in(p) if p.is_dir() else [p])]
    report = add_texts(paths, root, title=args.title)
    print(f"added {len(paths)} file(s)")
    print("\n".join(report.lines()))
    print("the project builds: run `make site`")
    return 0


def _files_in(folder: Path) -> list[Path]:
    """The documents in a folder a maintainer gathered: its files, hidden ones left out."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def tasks(args, root: Path) -> int:
    """Write data/tasks/<collection>.yaml from the reviewed documents."""
    site = pipeline.load(root, parts=("documents", "collections"))
    out = root / "data" / "tasks"
    out.mkdir(exist_ok=True)
    for collection in site.collections.values():
        rows = extract_collection(site, collection)
        (out / f"{collection.id}.yaml").write_text(collection_yaml(collection, rows), encoding="utf-8")
        print(f"{collection.id}: {len(rows)} tasks -> data/tasks/{collection.id}.yaml")
    return 0


def lineage(args, root: Path) -> int:
    """Write data/lineage.yaml: proposed derived_from links, to review."""
    # the lineage file itself is not loaded: it is what this command rewrites
    site = pipeline.load(root, parts=("documents", "agencies", "collections", "tasks"))
    path = root / "data" / "lineage.yaml"
    reviewed = {} if args.fresh else reviewed_lineage(path, root)
    path.write_text(lineage_yaml(site, reviewed), encoding="utf-8")
    print("proposed lineage -> data/lineage.yaml")
    return 0
