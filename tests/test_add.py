"""`build.py add` on documents the seeds do not have (tests/fixtures/import/, written in
the style of real ones): in a copy of the project, every text is added in one command,
the site builds with no other edit, each document's metadata and tasks are as the
document says, its text is on its page, and adding again changes nothing."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml


from .conftest import ROOT, content_tree, copy_project
from .sitetext import missing_windows

FIXTURES = ROOT / "tests" / "fixtures" / "import"
EXPECTED = yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))
TEXTS = sorted(FIXTURES.glob("*.txt"))


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("add") / "project")
    before = content_tree(project)
    run = [sys.executable, "build.py"]
    first = subprocess.run(run + ["add", *map(str, TEXTS)], cwd=project, capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    after = content_tree(project)
    again = subprocess.run(run + ["add", *map(str, TEXTS)], cwd=project, capture_output=True, text=True)
    build = subprocess.run(run + ["build"], cwd=project, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    site = project / "site"
    return {"project": project, "before": before, "after": after, "first": first, "again": again,
            "site": site,
            "documents": {d["source"].removeprefix("sources/"): d
                          for d in json.loads((site / "data" / "documents.json").read_text(encoding="utf-8"))},
            "tasks": json.loads((site / "data" / "tasks.json").read_text(encoding="utf-8")),
            "agencies": {a["id"]: a for a in json.loads((site / "data" / "agencies.json").read_text(encoding="utf-8"))}}


def test_there_are_a_dozen_fixture_documents_each_with_its_expectations():
    assert len(TEXTS) >= 12
    assert sorted(EXPECTED) == [p.name for p in TEXTS]


def test_add_changes_only_what_it_reports_and_a_second_add_changes_nothing(added):
    changed = sorted(k for k in added["after"] if added["before"].get(k) != added["after"][k])
    assert all(k.startswith(("content/sources/", "content/documents/", "data/")) for k in changed)
    assert {f"content/sources/{p.name}" for p in TEXTS} <= set(changed)
    seed_documents = {k for k in added["before"] if k.startswith("content/documents/")}
    assert not seed_documents & set(changed), "the seed documents are untouched"
    assert "nothing to do: already added" in added["again"].stdout, added["again"].stdout
    assert content_tree(added["project"]) == added["after"]
    assert "to review:" in added["first"].stdout and "the project builds" in added["first"].stdout


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_document_has_the_metadata_its_text_states(added, name):
    expected, record = EXPECTED[name], added["documents"][name]
    for field in ("id", "title", "doc_number", "issuer", "type"):
        assert record[field] == expected[field], field
    assert record["written"] == expected["date"]
    if "published" in expected:
        assert record["published"] == expected["published"]
    front = (added["project"] / "content" / "documents" / f"{expected['id']}.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(front.split("---\n")[1])
    assert meta.get("masthead") == expected.get("masthead")
    for field in ("effective", "valid_until", "repeals", "amends", "based_on"):   # proposed from the text
        assert meta.get(field) == expected.get(field), field


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_responsibility_clauses_become_tasks_with_their_roles(added, name):
    expected = EXPECTED[name]
    names = {a: added["agencies"][a]["name"] for a in added["agencies"]}
    tasks = [t for t in added["tasks"] if t["document"] == expected["id"]]
    assert len(tasks) == len(expected["tasks"])
    for task, want in zip(tasks, expected["tasks"]):
        for role in ("lead", "support", "guide"):
            assert [names[a] for a in task[role]] == want.get(role, []), (task["number"], role)
        if "text" in want:
            assert task["text"] == want["text"]
        if "domain" in want:
            assert task["domain"] == want["domain"]
        assert (added["site"] / task["url"]).is_file()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_source_is_on_its_page(added, name):
    expected = EXPECTED[name]
    page = added["site"] / "documents" / f"{expected['id']}.html"
    lines = (FIXTURES / name).read_text(encoding="utf-8-sig").replace("&nbsp;", "").splitlines()
    missing, windows = missing_windows(page, lines)
    assert windows and len(missing) / windows <= 0.005, missing[:5]
    for heading in expected.get("headings", []):
        assert f">{heading}<" in page.read_text(encoding="utf-8").replace('<a class="permalink"', "<"), heading


def test_items_of_an_article_are_not_headings(added):
    page = (added["site"] / "documents" / "zfl-275.html").read_text(encoding="utf-8")
    assert page.count('class="article"') == EXPECTED["12-regulation-with-items.txt"]["articles"]
    assert "<h3" not in page.split('id="article-3"')[1].split('id="article-4"')[0]


def test_proposed_entries_are_marked_for_review(added):
    data = added["project"] / "data"
    prefixes = yaml.safe_load((data / "doc_prefixes.yaml").read_text(encoding="utf-8"))
    assert prefixes["国办发明电"] == {"slug": "gbfmd", "issuer": "国务院办公厅", "review": True}
    agencies = {a["name"]: a for a in yaml.safe_load((data / "agencies.yaml").read_text(encoding="utf-8"))}
    assert agencies["人力资源社会保障部"]["review"] is True and agencies["试点城市政府"]["category"] == "group"
    assert "review" not in agencies["市商务局"]
    collections = {c["id"]: c for c in yaml.safe_load((data / "collections.yaml").read_text(encoding="utf-8"))}
    assert collections["gf-2027-4"] == {"id": "gf-2027-4", "title": EXPECTED["01-state-council-opinion.txt"]["title"],
                                        "document": "gf-2027-4", "reader": "clauses", "review": True}
    assert "计划" in (data / "document_types.yaml").read_text(encoding="utf-8")


def test_a_text_with_a_chinese_file_name_gets_an_ascii_one_and_bad_text_is_refused(tmp_path):
    project = copy_project(tmp_path / "project")
    named = tmp_path / "国务院办公厅关于节假日安排的通知.txt"
    named.write_bytes((FIXTURES / "04-holiday-notice.txt").read_bytes())
    broken = tmp_path / "broken.txt"
    broken.write_bytes("宁波市人民政府关于示例的通知\n\n正文。\xff\n".encode("utf-8", "surrogateescape")
                       .replace(b"\xc3\xbf", b"\xff"))
    run = [sys.executable, "build.py", "add"]
    result = subprocess.run(run + [str(broken)], cwd=project, capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{broken.as_posix()}:3: invalid UTF-8 (byte 0xff at offset " in result.stderr
    assert not (project / "content" / "sources" / "broken.txt").exists()
    result = subprocess.run(run + [str(named)], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    copied = [p.name for p in (project / "content" / "sources").iterdir() if p.name.startswith("gwybgtgy")]
    assert len(copied) == 1 and copied[0].endswith(".txt") and copied[0].isascii()
    assert f"- file: {copied[0]}" in (project / "data" / "sources.yaml").read_text(encoding="utf-8")
