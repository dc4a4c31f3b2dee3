"""tests/fixtures/invalid/<case>/: one bad input per folder, laid over the small fixture
site. Each build fails with the exact `path:line: message` in expected.txt, exits
non-zero, and leaves the previously built site byte-identical."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from explorer import site as pipeline
from explorer.errors import ContentErrors
from explorer.publish import builds_folder

from .conftest import copy_project

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted(p for p in (ROOT / "tests" / "fixtures" / "invalid").iterdir() if p.is_dir())


def _apply(case: Path, project: Path) -> None:
    """Lay the case's bad input over the project: its files, then the changes that a
    committed file cannot carry (actions.yaml: remove, folder, symlink, sparse)."""
    actions = case / "actions.yaml"
    for action in (yaml.safe_load(actions.read_text(encoding="utf-8")) if actions.is_file() else []):
        if "remove" in action:
            (project / action["remove"]).unlink()
        elif "folder" in action:
            (project / action["folder"]).mkdir()
        elif "symlink" in action:
            (project / action["symlink"]).symlink_to(action["to"])
        elif "sparse" in action:
            with open(project / action["sparse"], "wb") as handle:
                handle.truncate(action["bytes"])   # quick to make, as large as said
    if (case / "files").is_dir():
        shutil.copytree(case / "files", project, dirs_exist_ok=True)


def _snapshot(tree: Path) -> dict:
    """Each file's bytes (a huge generated one: its size and time), each link's target."""
    found = {}
    for path in tree.rglob("*"):
        if path.is_symlink():
            found[path.relative_to(tree)] = os.readlink(path)
        elif path.is_file():
            info = path.stat()
            found[path.relative_to(tree)] = (info.st_size, info.st_mtime_ns) if info.st_size > 2**24 else path.read_bytes()
    return found


def test_there_are_at_least_twenty_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_invalid_input_is_reported_with_file_and_line(case, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "small", project)
    out = tmp_path / "site"
    pipeline.build(project, out, theme=ROOT)
    before = _snapshot(out)

    _apply(case, project)
    project_before = _snapshot(project)
    builds_before = sorted(p.name for p in builds_folder(out).iterdir())
    expected = (case / "expected.txt").read_text(encoding="utf-8").strip()
    with pytest.raises(ContentErrors) as caught:
        pipeline.build(project, out, theme=ROOT)
    assert [str(e) for e in caught.value.errors] == [expected]
    assert _snapshot(out) == before
    # and nothing else written or removed: not in the project, not beside the site
    assert _snapshot(project) == project_before
    assert sorted(p.name for p in builds_folder(out).iterdir()) == builds_before


def test_command_line_exits_non_zero_without_a_traceback(tmp_path):
    project = copy_project(tmp_path / "project", content_from=ROOT / "tests" / "fixtures" / "small")
    _apply(CASES[0], project)
    result = subprocess.run([sys.executable, "build.py", "build"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (CASES[0] / "expected.txt").read_text(encoding="utf-8").strip()
    assert "Traceback" not in result.stderr
    assert not (project / "site").exists()
