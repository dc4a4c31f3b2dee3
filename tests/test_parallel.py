"""Work shared with forked processes gives the site one process gives (a corpus past
every threshold of forking: resolve, render and the search index)."""
import shutil
import sys

import pytest

from explorer import parallel, search
from explorer import site as pipeline
from explorer.errors import ContentErrors

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


def test_the_forked_link_check_reports_what_one_process_reports(tmp_path, monkeypatch):
    """Links into the search's folder are checked once the index is written, the rest
    while it is: both kinds of broken link, and the anchors, as one process finds them."""
    project = _corpus(tmp_path)
    template = project / "templates" / "document.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{% block main %}", '{% block main %}<a href="../data/search/no-such.js">索引</a><a href="../no-such.html">无</a>'
                            '<a href="../data/search/index.js">清单</a><a href="#no-such-anchor">锚点</a>', 1),
        encoding="utf-8")

    def problems(out):
        site = pipeline.load(project)
        pipeline.resolve(site)
        with pytest.raises(ContentErrors) as failed:
            pipeline.write(site, out)
        assert not out.exists()
        return failed.value.errors

    forked = problems(tmp_path / "forked")
    monkeypatch.setattr(parallel, "worker_count", lambda workers: 1)
    single = problems(tmp_path / "single")
    assert forked == single
    documents = len(list((project / "content" / "documents").glob("*.md")))
    assert len(forked) == 3 * documents   # the manifest exists: only the other three links are broken
    assert {e.message.split(" '")[0] for e in forked} == {"<a> broken link", "<a> broken anchor"}
    assert all(e.path.startswith("site/documents/") and e.line for e in forked)
