"""The importer on the real sources: it reproduces the committed content exactly."""
import re
from pathlib import Path

import pytest

from explorer.tools.importer import Catalogue, draft_markdown, import_source

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "content" / "sources").glob("*.txt"))


@pytest.fixture(scope="module")
def imported():
    catalogue = Catalogue.load(ROOT / "data")
    return {path.name: import_source(path, catalogue, ROOT) for path in SOURCES}


@pytest.mark.parametrize("source", [p.name for p in SOURCES])
def test_reimport_reproduces_the_committed_documents(imported, source):
    for draft in imported[source].drafts:
        committed = ROOT / "content" / "documents" / f"{draft.meta['id']}.md"
        assert committed.read_text(encoding="utf-8") == draft_markdown(draft), committed.name


def test_sources_are_the_verbatim_seeds():
    seeds = ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    for path in SOURCES:
        assert path.read_bytes() == (seeds / path.name).read_bytes(), path.name


def test_gazette_issue_is_split_into_its_items(imported):
    drafts = imported["004_7b9a746ae4c8e0db.txt"].drafts
    numbers = {d.meta["doc_number"] for d in drafts}
    expected = {"政府令第260号"} | {f"甬政发〔2021〕{n}号" for n in (56, 57, 58, 59)} \
        | {f"甬政办发〔2021〕{n}号" for n in (78, 79, 80, 82)} \
        | {f"甬政干〔2021〕{n}号" for n in (25, 26, 28, 29, 30, 32, 33, 34, 35, 37)}
    assert expected <= numbers
    types = [d.meta["type"] for d in drafts]
    assert types.count("公报") == 1 and types.count("记事") == 1 and types.count("目录") == 1
    assert types.count("任免") == 10
    assert len(drafts) == 1 + 1 + 4 + 4 + 10 + 2


def test_gazette_issue_metadata(imported):
    issue = imported["004_7b9a746ae4c8e0db.txt"].drafts[0]
    assert issue.meta["type"] == "公报"
    assert (issue.meta["year"], issue.meta["issue"], issue.meta["issue_total"]) == (2022, 1, 455)
    assert issue.meta["published"] == "2022-01-20"
    text = draft_markdown(issue)
    assert "[宁波市政府非税收入管理实施规定 (政府令260号)](doc:zfl-260) (3)" in text
    assert "- 副总编：孙杰 孙亚红" in text          # names spaced out in print, rejoined one by one
    assert "宁海县行政服务中心 (宁海市桃源街道金水东路5号)" in text


def test_items_carry_issuer_dates_and_normative_code(imported):
    by_id = {d.meta["id"]: d.meta for d in imported["004_7b9a746ae4c8e0db.txt"].drafts}
    assert by_id["yzf-2021-57"]["normative_code"] == "ZJBC00—2021—0009"
    assert by_id["yzbf-2021-79"]["issuer"] == "宁波市人民政府办公厅"
    assert by_id["yzbf-2021-79"]["date"] == "2021-12-27"
    assert by_id["zfl-260"]["type"] == "规章" and by_id["zfl-260"]["date"] == "2021-12-23"
    assert by_id["yzf-2021-59"]["type"] == "方案"


def test_document_list_links_items_in_the_corpus_only(imported):
    doc_list = next(d for d in imported["004_7b9a746ae4c8e0db.txt"].drafts if d.meta["type"] == "目录")
    text = draft_markdown(doc_list)
    assert "[甬政办发〔2021〕79号 宁波市人民政府办公厅关于加快推进新型离岸国际贸易发展的实施意见](doc:yzbf-2021-79)" in text
    assert "- 甬政办发〔2021〕81号 宁波市人民政府办公厅" in text   # not in the corpus: plain text
    assert len(re.findall(r"\]\(doc:", text)) == 9


def test_single_documents_have_their_metadata(imported):
    plan = imported["000_e95b9a552e043220.txt"].drafts[0].meta
    assert plan["doc_number"] == "甬政办发〔2026〕11号" and plan["published"] == "2026-05-08"
    assert plan["masthead"] == "宁波市人民政府办公厅文件"
    commerce = imported["001_028b0ab762920143.txt"].drafts[0].meta
    assert commerce["issuer"] == "宁波市发展和改革委员会、宁波市商务局" and commerce["date"] == "2021-06-09"
    national = imported["002_e688f04ce005bf43.txt"].drafts[0].meta
    assert national["title"] == "加快推进服务业扩大开放综合试点工作方案"


def test_ningbo_task_table_keeps_119_rows_and_nine_domains(imported):
    text = draft_markdown(imported["000_e95b9a552e043220.txt"].drafts[0])
    numbers = re.findall(r"^\| ▲?(\d+) \|", text, re.M)
    assert [int(n) for n in numbers] == list(range(1, 120))
    assert len(re.findall(r"^\| [一二三四五六七八九]、", text, re.M)) == 9
    assert text.count("| 序号 | 任务内容 | 牵头单位 | 配合单位 |") == 1   # repeated headers dropped


def test_national_list_keeps_the_gap_of_rows_144_to_146(imported):
    text = draft_markdown(imported["002_e688f04ce005bf43.txt"].drafts[0])
    numbers = [int(n) for n in re.findall(r"^\| (\d+) \|", text, re.M)]
    assert numbers == [n for n in range(1, 156) if n not in (144, 145, 146)]


def test_import_report_counts_the_repairs(imported):
    counts = sum((r.report.counts for r in imported.values()), start=type(imported[SOURCES[0].name].report.counts)())
    assert counts["page breaks repaired"] >= 50
    assert counts["repeated table headers dropped"] >= 30
    assert counts["HTML fragments converted"] >= 40
