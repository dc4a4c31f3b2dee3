"""Incremental builds: after each edit of a sequence, `build.py build` gives the same
site, byte for byte, as a clean build of the same project; an edit of a body alone is
built incrementally, anything reaching further fully."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, copy_project

SMALL = ROOT / "tests" / "fixtures" / "small"
NEW_DOCUMENT = """---
id: yzf-2021-92
title: 宁波市人民政府关于另一示例事项的通知
doc_number: 甬政发〔2021〕92号
issuer: 宁波市人民政府
date: '2021-12-29'
published: null
type: 通知
source: sample.txt
---

各区县（市）人民政府：

现就另一示例事项通知如下。

## 一、工作安排

（一）推进数字贸易。市商务局负责。
"""


def _build(project: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "build.py", "build", *args], cwd=project, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def project(tmp_path):
    project = copy_project(tmp_path / "project", content_from=SMALL)
    assert "a full build" in _build(project)
    return project


def _document(project: Path, name: str = "yzf-2021-90") -> Path:
    return project / "content" / "documents" / f"{name}.md"


EDITS = [
    # (what, how, built incrementally)
    ("a sentence in a body", lambda p: _edit(_document(p), "基本完成示例任务。", "基本完成示例任务，并总结经验。"), True),
    ("a paragraph added", lambda p: _edit(_document(p), "专栏正文。", "专栏正文。\n\n新增的一段：推进跨境电商发展。"), True),
    ("an article's text", lambda p: _edit(_document(p), "制定本规定。", "制定本规定（修订）。"), True),
    ("a title", lambda p: _edit(_document(p), "title: 宁波市人民政府关于示例事项的通知",
                                "title: 宁波市人民政府关于示例事项的补充通知"), False),
    ("a heading", lambda p: _edit(_document(p), "## 一、总体要求", "## 一、总体目标"), False),
    ("another link to a document it cites", lambda p: _edit(_document(p), "专栏正文。", "专栏正文，见[通知](doc:yzf-2021-91)。"),
     True),
    ("an agency's alias", lambda p: _edit(p / "data" / "agencies.yaml", "aliases: [市发展改革委]",
                                          "aliases: [市发展改革委, 市发展和改革委]"), False),
    ("a task's lead", lambda p: _edit(next((p / "data" / "tasks").glob("*.yaml")), "  lead:\n  - 市商务局",
                                      "  lead:\n  - 市发改委"), False),
    ("a template", lambda p: _edit(p / "templates" / "base.html", "<body ", "<body data-edited=\"1\" "), False),
    ("a document added", lambda p: _document(p, "yzf-2021-92").write_text(NEW_DOCUMENT, encoding="utf-8"), False),
    ("the added document's body", lambda p: _edit(_document(p, "yzf-2021-92"), "推进数字贸易。", "推进数字贸易和服务贸易。"), True),
    ("a link to the added document", lambda p: _edit(_document(p), "专栏正文，", "专栏正文（另见[另一通知](doc:yzf-2021-92)），"),
     False),
    ("a body keeping that link", lambda p: _edit(_document(p), "（另见", "（请另见"), True),
    ("the link removed", lambda p: _edit(_document(p), "（请另见[另一通知](doc:yzf-2021-92)）", ""), False),
    ("a document deleted", lambda p: _document(p, "yzf-2021-92").unlink(), False),
    ("a body after the deletion", lambda p: _edit(_document(p), "现将有关事项通知如下", "现将有关事项再次通知如下"), True),
]


def test_every_edit_builds_the_site_a_clean_build_gives(project, tmp_path):
    clean = tmp_path / "clean"
    for n, (what, edit, incremental) in enumerate(EDITS):
        edit(project)
        output = _build(project)
        assert ("incrementally" in output) == incremental, (what, output)
        _build(project, "--full", "--out", str(clean))
        assert _tree(project / "site") == _tree(clean), what


def test_nothing_changed_leaves_the_site_as_it_is(project):
    before = (project / "site").resolve()
    assert "nothing changed" in _build(project)
    assert (project / "site").resolve() == before


def test_an_incremental_build_writes_the_page_and_the_search_files_it_changes(tmp_path):
    seed = copy_project(tmp_path / "seed")
    _build(seed)
    document = seed / "content" / "documents" / "yzf-2021-59.md"
    text = document.read_text(encoding="utf-8")
    paragraph = text.index("\n\n", text.index("---\n", 4) + 300)
    document.write_text(text[:paragraph] + "另行开展跨境电商试点。" + text[paragraph:], encoding="utf-8")
    output = _build(seed)
    match = re.search(r"built 1 page incrementally \((\S+); (\d+) files written\)", output)
    assert match and match.group(1) == "documents/yzf-2021-59.html"
    search_files = sum(1 for p in (seed / "site" / "data" / "search").rglob("*.js"))
    # the page, the fragment of the changed entry, the shards of its tokens, the manifest
    assert 4 <= int(match.group(2)) < search_files / 2
    assert "另行开展跨境电商试点。" in (seed / "site" / "documents" / "yzf-2021-59.html").read_text(encoding="utf-8")
    _build(seed, "--full", "--out", str(tmp_path / "clean"))
    assert _tree(seed / "site") == _tree(tmp_path / "clean")


def test_a_broken_state_means_a_full_build(project):
    for state in (project / ".cache" / "build").glob("*.pickle"):
        state.write_bytes(b"not a state")
    _edit(_document(project), "基本完成示例任务。", "基本完成示例任务，并总结经验。")
    assert "a full build: no state of the last build" in _build(project)
    assert "基本完成示例任务，并总结经验。" in (project / "site" / "documents" / "yzf-2021-90.html").read_text(encoding="utf-8")


def test_a_failed_incremental_build_leaves_the_site_and_the_state(project, tmp_path):
    before = _tree(project / "site")
    _edit(_document(project), "另见[附表](doc:yzf-2021-91#row-2)", "另见[附表](doc:yzf-2021-91#row-99)")
    done = subprocess.run([sys.executable, "build.py", "build"], cwd=project, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "row-99" in done.stderr
    assert _tree(project / "site") == before
    _edit(_document(project), "#row-99)", "#row-2)")
    _edit(_document(project), "基本完成示例任务。", "基本完成示例任务，并总结经验。")
    assert "incrementally" in _build(project)
    _build(project, "--full", "--out", str(tmp_path / "clean"))
    assert _tree(project / "site") == _tree(tmp_path / "clean")


def test_input_hashes_reuse_a_file_s_hash_only_while_its_size_times_and_inode_stay(tmp_path, monkeypatch):
    from explorer import incremental
    project = copy_project(tmp_path / "project")
    monkeypatch.setattr(incremental, "RACY_NS", 0)   # no file is too recent to trust here
    first = incremental.input_hashes(project)
    hashed = []
    real = incremental._file_hash
    monkeypatch.setattr(incremental, "_file_hash", lambda path: hashed.append(path.name) or real(path))
    again = incremental.input_hashes(project, previous=first)
    assert again.hashes == first.hashes and hashed == []
    document = sorted((project / "content" / "documents").glob("*.md"))[0]
    text = document.read_text(encoding="utf-8")
    document.write_text(text.replace("。", "，", 1), encoding="utf-8")   # same size in UTF-8
    edited = incremental.input_hashes(project, previous=again)
    assert hashed == [document.name]
    assert edited.hashes[f"content/documents/{document.name}"] != first.hashes[f"content/documents/{document.name}"]
    monkeypatch.setattr(incremental, "RACY_NS", 10**18)   # everything changed "just now": hashed again
    hashed.clear()
    incremental.input_hashes(project, previous=edited)
    assert len(hashed) == len(edited.hashes)


def _builds(project: Path) -> list[str]:
    return sorted(p.name for p in (project / ".site.builds").iterdir() if not p.name.endswith(".lock"))


def test_an_incremental_build_keeps_the_build_it_replaced_as_the_next_one_s_folder(project, tmp_path):
    _edit(_document(project), "基本完成示例任务。", "基本完成示例任务，并总结经验。")
    assert "incrementally" in _build(project)
    published = (project / "site").resolve().name
    spare = next(p for p in (project / ".site.builds").glob("*.spare"))
    behind, *lagging = spare.with_name(spare.name + ".lag").read_text(encoding="utf-8").splitlines()
    assert behind == published and "documents/yzf-2021-90.html" in lagging
    assert _builds(project) == sorted([published, spare.name, spare.name + ".lag"])
    untouched = "documents/yzf-2021-91.html"   # one inode in both: the spare costs no copy of it
    assert (spare / untouched).stat().st_ino == (project / "site" / untouched).stat().st_ino

    spare_folder = spare.stat().st_ino
    _edit(_document(project), "专栏正文。", "专栏正文。\n\n新增的一段：推进跨境电商发展。")
    assert "incrementally" in _build(project)
    # the spare was taken (renamed: the same folder), brought up to date and published
    assert not spare.exists() and (project / "site").resolve().stat().st_ino == spare_folder
    _build(project, "--full", "--out", str(tmp_path / "clean"))
    assert _tree(project / "site") == _tree(tmp_path / "clean")
    assert len(list((project / ".site.builds").glob("*.spare"))) == 1

    assert "a full build" in _build(project, "--full")
    assert not list((project / ".site.builds").glob("*.spare*"))   # a full build keeps no spare


def test_a_full_build_recycles_the_files_of_the_build_before_the_last(project, tmp_path):
    """The build a full build replaced waits in the trash; the next full build moves its
    files in and overwrites them rather than creating new ones, and the site is a clean
    build's: pages that grew, shrank, appeared or went away included."""
    builds = project / ".site.builds"
    trash = lambda: sorted(builds.glob(".trash-*"))   # noqa: E731
    page = "documents/yzf-2021-90.html"
    first = (project / "site").resolve()
    recycled = (first / page).stat().st_ino
    _document(project, "yzf-2021-92").write_text(NEW_DOCUMENT, encoding="utf-8")
    assert "a full build" in _build(project, "--full")
    assert not first.exists() and len(trash()) == 1   # the build it replaced, kept to be recycled
    assert (trash()[0] / page).stat().st_ino == recycled
    _edit(_document(project), "基本完成示例任务。", "基本完成示例任务，并总结经验，形成可复制的做法。")
    _edit(_document(project, "yzf-2021-91"), "title: ", "title: 改")
    _document(project, "yzf-2021-92").unlink()
    assert "a full build" in _build(project, "--full")
    assert (project / "site" / page).stat().st_ino == recycled   # moved in and overwritten
    assert (project / "site" / page).stat().st_nlink == 1
    _build(project, "--full", "--out", str(tmp_path / "clean"))
    assert _tree(project / "site") == _tree(tmp_path / "clean")
    assert "nothing changed" in _build(project)
    assert len(trash()) == 1   # what the recycled folder still held is gone; the newest is kept
    assert _builds(project) == sorted([(project / "site").resolve().name, trash()[0].name])


def test_a_full_build_never_writes_through_a_file_another_folder_links(project, tmp_path):
    """A folder in the trash may hold hard links to files of other builds (an incremental
    build's copy is made of them): a full build recycles none of those, or the other
    build would change with it."""
    assert "a full build" in _build(project, "--full")
    page = "documents/yzf-2021-90.html"
    (pool,) = (project / ".site.builds").glob(".trash-*")
    witness = tmp_path / "linked.html"
    os.link(pool / page, witness)   # as another build's folder would hold it
    before = witness.read_bytes()
    _edit(_document(project), "基本完成示例任务。", "基本完成示例任务，并总结经验。")
    assert "a full build" in _build(project, "--full")
    assert witness.read_bytes() == before
    assert (project / "site" / page).stat().st_ino != witness.stat().st_ino
    _build(project, "--full", "--out", str(tmp_path / "clean"))
    assert _tree(project / "site") == _tree(tmp_path / "clean")


def test_a_build_that_must_be_full_knows_it_from_the_head_without_the_state(project):
    for state in (project / ".cache" / "build").glob("*.pickle"):
        state.write_bytes(b"not a state")   # were it read, the reason would be "no state"
    _edit(project / "data" / "agencies.yaml", "aliases: [市发展改革委]", "aliases: [市发展改革委, 市发展和改革委]")
    assert "a full build: data/agencies.yaml changed" in _build(project)
    assert "nothing changed" in _build(project)


@pytest.mark.parametrize("name", ["zfl-260.md", "yzf-2021-58.md"])
def test_a_body_edit_of_a_document_with_relations_is_incremental(tmp_path, name):
    """repeals / based_on in front matter: unchanged by a body edit, so the edit is the
    body's alone (they were compared as loaded objects, Relation by identity)."""
    seed = copy_project(tmp_path / "seed")
    _build(seed)
    document = seed / "content" / "documents" / name
    text = document.read_text(encoding="utf-8")
    assert any(f"\n{kind}:" in text.split("---\n")[1] for kind in ("repeals", "amends", "issues", "based_on"))
    paragraph = text.index("\n\n", text.index("---\n", 4) + 200)
    document.write_text(text[:paragraph] + "另行开展试点。" + text[paragraph:], encoding="utf-8")
    output = _build(seed)
    assert f"built 1 page incrementally (documents/{name[:-3]}.html;" in output, output
    _build(seed, "--full", "--out", str(tmp_path / "clean"))
    assert _tree(seed / "site") == _tree(tmp_path / "clean")
