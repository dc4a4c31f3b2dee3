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


def _corpus(tmp_path):
    """The seed corpus three times over, with this project's code: past every threshold."""
    project = make_corpus(3, tmp_path / "corpus")
    for name in CODE:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, project / name)
    return project


def _build(project, out):
    site = pipeline.load(project)
    assert pipeline.resolve(site) == []
    pipeline.write(site, out)
    return _tree(out), len(search.entries(site))


def test_forked_and_single_process_builds_are_identical(tmp_path, monkeypatch):
    project = _corpus(tmp_path)
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


def test_errors_found_in_forked_workers_name_the_file_and_line_as_one_process_does(tmp_path, monkeypatch):
    project = _corpus(tmp_path)
    broken = sorted((project / "content" / "documents").glob("*.md"))[-1]
    broken.write_text(broken.read_text(encoding="utf-8") + "\n见[另一份文件](doc:no-such-document)。\n", encoding="utf-8")
    line = broken.read_text(encoding="utf-8").count("\n")
    forked = pipeline.resolve(pipeline.load(project))
    monkeypatch.setattr(parallel, "worker_count", lambda workers: 1)
    single = pipeline.resolve(pipeline.load(project))
    assert forked == single
    assert [(e.path, e.line) for e in forked] == [(f"content/documents/{broken.name}", line)]
    assert "no-such-document" in forked[0].message
