"""Work shared with forked processes gives the site one process gives (a corpus past
every threshold of forking: resolve, render and the search index)."""
import shutil
import sys

from explorer import parallel, search
from explorer import site as pipeline

from .conftest import CODE, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from corpus import make_corpus  # noqa: E402


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(project, out):
    site = pipeline.load(project)
    assert pipeline.resolve(site) == []
    pipeline.write(site, out)
    return _tree(out), len(search.entries(site))


def test_forked_and_single_process_builds_are_identical(tmp_path, monkeypatch):
    project = make_corpus(3, tmp_path / "corpus")
    for name in CODE:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, project / name)
    documents = len(list((project / "content" / "documents").glob("*.md")))
    assert documents >= pipeline.PARALLEL_RESOLVE_FROM
    forked, entries = _build(project, tmp_path / "forked")
    assert sum(name.endswith(".html") for name in forked) >= pipeline.PARALLEL_FROM
    assert entries >= search.PARALLEL_FROM
    monkeypatch.setattr(parallel, "worker_count", lambda workers: 1)
    single, _ = _build(project, tmp_path / "single")
    assert forked.keys() == single.keys()
    assert [name for name in forked if forked[name] != single[name]] == []


def test_balanced_parts_cover_every_index_once_with_close_costs():
    costs = [50, 1, 1, 30, 20, 7, 7, 7, 1]
    parts = parallel.balanced(costs, 2)
    assert sorted(i for part in parts for i in part) == list(range(len(costs)))
    totals = [sum(costs[i] for i in part) for part in parts]
    assert abs(totals[0] - totals[1]) <= max(costs) and all(part == sorted(part) for part in parts)
