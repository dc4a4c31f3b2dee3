"""`make golden`: rebuild the committed golden output of the small fixture site, on purpose."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from explorer import site as pipeline

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "small"
GOLDEN = ROOT / "tests" / "golden" / "small"
# static/ and sources/ are copies of committed files; the golden tree keeps what the build makes
COMPARED = ("*.html", "data/*.json")


def build_small(out: Path) -> Path:
    pipeline.build(FIXTURE, out, theme=ROOT)
    return out


def compared_files(tree: Path) -> dict[str, bytes]:
    return {p.relative_to(tree).as_posix(): p.read_bytes()
            for pattern in COMPARED for p in sorted(tree.rglob(pattern))}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="golden-") as work:
        built = build_small(Path(work) / "site")
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in compared_files(built).items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    print(f"wrote {len(compared_files(GOLDEN))} golden files to {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
