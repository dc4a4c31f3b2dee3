"""Validity and relations: effective dates, validity periods and repeals read from front
matter (and proposed from the text by the importer), each document's status on the
site's as_of date, the relations linked both ways, and bad input named by file and line."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from explorer import site as pipeline
from explorer import validity
from explorer.tools.proposals import propose
from explorer.errors import ContentErrors

from .conftest import ROOT, copy_project

SMALL = ROOT / "tests" / "fixtures" / "small"


def _document(doc_id: str, number: str, title: str, body: str, **fields) -> str:
    lines = [f"id: {doc_id}", f"title: {title}", f"doc_number: {number}", "issuer: 宁波市人民政府",
             "date: '2020-06-01'", "type: 通知", "source: sample.txt"]
    for name, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{name}:")
            lines.extend(f"- {item}" for item in value)
        else:
            lines.append(f"{name}: '{value}'")
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


# A corpus of notices of our own making: one repeals another (in the corpus) and one
# outside it; one is not yet in force; one has expired; one is repealed by a document
# whose repeal takes effect only after as_of.
DOCUMENTS = {
    "yzf-2023-10": _document("yzf-2023-10", "甬政发〔2023〕10号", "宁波市人民政府关于公共自行车管理的通知",
                             "本通知自2023年3月1日起施行。", effective="2023-03-01",
                             repeals=["甬政发[2020]5号", "甬政发〔2019〕1号"], based_on=["《宁波市示例管理条例》"]),
    "yzf-2020-5": _document("yzf-2020-5", "甬政发〔2020〕5号", "宁波市人民政府关于公共自行车租用的通知",
                            "各区县（市）人民政府：现就公共自行车租用通知如下。"),
    "yzf-2026-40": _document("yzf-2026-40", "甬政发〔2026〕40号", "宁波市人民政府关于停车收费的通知",
                             "本通知自2027年1月1日起施行。", effective="2027-01-01"),
    "yzf-2021-20": _document("yzf-2021-20", "甬政发〔2021〕20号", "宁波市人民政府关于临时交通管制的通知",
                             "本通知有效期至2025年12月31日。", valid_until="2025-12-31"),
    "yzf-2022-30": _document("yzf-2022-30", "甬政发〔2022〕30号", "宁波市人民政府关于夜间施工的通知",
                             "各区县（市）人民政府：现就夜间施工通知如下。"),
    "yzf-2026-41": _document("yzf-2026-41", "甬政发〔2026〕41号", "宁波市人民政府关于施工噪声的通知",
                             "本通知自2027年2月1日起施行。", effective="2027-02-01", repeals=["甬政发〔2022〕30号"]),
}


def _project(tmp_path, as_of="2026-12-01", documents=DOCUMENTS):
    project = copy_project(tmp_path / "project", SMALL)
    for doc_id, text in documents.items():
        (project / "content" / "documents" / f"{doc_id}.md").write_text(text, encoding="utf-8")
    (project / "data" / "site.yaml").write_text(f"title: 示例文件库\nas_of: '{as_of}'\n", encoding="utf-8")
    return project


def _built(project):
    return pipeline.build(project, project / "site").site, project / "site"


def _statuses(out):
    records = json.loads((out / "data" / "documents.json").read_text(encoding="utf-8"))
    return {r["id"]: (r["status"] or {}).get("code") for r in records}, {r["id"]: r for r in records}


def test_statuses_on_the_as_of_date(tmp_path):
    _, out = _built(_project(tmp_path))
    statuses, records = _statuses(out)
    assert statuses["yzf-2023-10"] == "in_force"
    assert statuses["yzf-2020-5"] == "repealed"
    assert statuses["yzf-2026-40"] == "pending"
    assert statuses["yzf-2021-20"] == "expired"
    assert statuses["yzf-2022-30"] == "in_force"   # its repeal takes effect after as_of
    assert statuses["yzf-2021-91"] == "in_force"   # a fixture document with no validity stated
    assert records["yzf-2020-5"]["status"]["repealed_by"] == ["yzf-2023-10"]
    assert records["yzf-2020-5"]["status"]["as_of"] == "2026-12-01"
    assert records["yzf-2023-10"]["effective"] == "2023-03-01"
    assert records["yzf-2021-20"]["valid_until"] == "2025-12-31"
    relations = records["yzf-2023-10"]["relations"]
    assert [(r["kind"], r["number"], r["document"]) for r in relations] == [
        ("repeals", "甬政发〔2020〕5号", "yzf-2020-5"), ("repeals", "甬政发〔2019〕1号", None),
        ("based_on", None, None)]
    assert records["yzf-2020-5"]["related_by"] == [{"kind": "repeals", "document": "yzf-2023-10"}]


def test_a_later_as_of_moves_the_statuses(tmp_path):
    _, out = _built(_project(tmp_path, as_of="2027-03-01"))
    statuses, _ = _statuses(out)
    assert statuses["yzf-2026-40"] == "in_force"
    assert statuses["yzf-2022-30"] == "repealed"


def test_an_as_of_before_the_validity_ends_keeps_the_document_in_force(tmp_path):
    _, out = _built(_project(tmp_path, as_of="2025-06-01"))
    statuses, _ = _statuses(out)
    assert statuses["yzf-2021-20"] == "in_force"   # valid until 2025-12-31


def test_the_documents_list_filters_by_status(browser, tmp_path):
    _, out = _built(_project(tmp_path))
    page = browser.new_page()
    page.goto((out / "documents.html").as_uri() + "?status=repealed")
    links = page.eval_on_selector_all("#doc-table tbody tr:not([hidden]) a", "links => links.map(a => a.textContent)")
    assert links == ["宁波市人民政府关于公共自行车租用的通知"]
    assert page.locator("#doc-table tbody tr:not([hidden]) .status").inner_text() == "已废止"
    page.close()


def test_without_as_of_no_status_is_claimed(tmp_path):
    project = _project(tmp_path)
    (project / "data" / "site.yaml").write_text("title: 示例文件库\n", encoding="utf-8")
    _, out = _built(project)
    statuses, _ = _statuses(out)
    assert set(statuses.values()) == {None}
    page = (out / "documents" / "yzf-2020-5.html").read_text(encoding="utf-8")
    assert '<dt>时效性</dt><dd><span class="status status-unknown">未标注</span></dd>' in page
    assert not any(name in page for name in validity.STATUS_NAMES.values())


def test_pages_show_the_status_and_link_the_relations_both_ways(tmp_path):
    _, out = _built(_project(tmp_path))
    repealed = (out / "documents" / "yzf-2020-5.html").read_text(encoding="utf-8")
    assert '<span class="status status-repealed">已废止</span>（由<a href="yzf-2023-10.html">甬政发〔2023〕10号</a>废止）' in repealed
    assert "截至2026年12月1日" in repealed
    assert '<h2 id="repeals-by-title">被以下文件废止</h2>' in repealed
    repealing = (out / "documents" / "yzf-2023-10.html").read_text(encoding="utf-8")
    assert '<dt>施行日期</dt><dd><time datetime="2023-03-01">2023年3月1日</time></dd>' in repealing
    assert '<li><a href="yzf-2020-5.html">宁波市人民政府关于公共自行车租用的通知</a>（甬政发〔2020〕5号）</li>' in repealing
    assert '<li>甬政发〔2019〕1号<span class="not-here">（本库未收录）</span></li>' in repealing
    assert '<li>《宁波市示例管理条例》<span class="not-here">（本库未收录）</span></li>' in repealing
    listing = (out / "documents.html").read_text(encoding="utf-8")
    for option in ('<option value="in_force">现行有效（4）</option>', '<option value="pending">尚未施行（2）</option>',
                   '<option value="expired">已失效（1）</option>', '<option value="repealed">已废止（1）</option>'):
        assert option in listing
    assert 'data-status="repealed"' in listing


@pytest.mark.parametrize("fields, line, message", [
    ({"repeals": ["随便写的文字"]}, 10, "'repeals': '随便写的文字' is neither a document number like 甬政发〔2016〕72号 nor a 《title》"),
    ({"effective": "2024-05-01", "valid_until": "2024-04-30"}, 10,
     "field 'valid_until' (2024-04-30) is before the document takes effect ('effective': 2024-05-01)"),
    ({"effective": "2024-13-01"}, 9, "field 'effective' is not a date (YYYY-MM-DD): '2024-13-01'"),
    ({"amends": ["甬政发〔2022〕30号"]}, 10, "'amends': '甬政发〔2022〕30号' is this document itself"),
])
def test_bad_validity_is_named_by_file_and_line(tmp_path, fields, line, message):
    documents = {"yzf-2022-30": _document("yzf-2022-30", "甬政发〔2022〕30号", "宁波市人民政府关于夜间施工的通知",
                                          "正文。", **fields)}
    project = _project(tmp_path, documents=documents)
    result = subprocess.run([sys.executable, "build.py", "build"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 1
    assert f"content/documents/yzf-2022-30.md:{line}: {message}" in result.stderr
    assert not (project / "site").exists()


def test_a_bad_as_of_is_named_by_line(tmp_path):
    project = _project(tmp_path)
    (project / "data" / "site.yaml").write_text("title: 示例文件库\nas_of: 2026年12月1日\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        pipeline.load(project)
    assert [str(e) for e in caught.value.errors] == [
        "data/site.yaml:2: field 'as_of' is not a date (YYYY-MM-DD): '2026年12月1日'"]


@pytest.mark.parametrize("text, title, issued, expected", [
    ("本办法自2023年5月1日起施行，有效期至2028年4月30日。", "", None,
     {"effective": "2023-05-01", "valid_until": "2028-04-30"}),
    ("本意见自2024年7月1日起实施，有效期5年。", "", None, {"effective": "2024-07-01", "valid_until": "2029-06-30"}),
    ("本通知自印发之日起施行，有效期为三年。", "", dt.date(2022, 3, 15), {"effective": "2022-03-15", "valid_until": "2025-03-14"}),
    ("临时通行证有效期6个月。", "", dt.date(2022, 3, 15), {}),   # a period of something else, not of the document
    ("本规定自2022年1月1日起施行。原《宁波市示例补助办法》（甬政办发[2018]12号）同时废止。", "", None,
     {"effective": "2022-01-01", "repeals": ["《宁波市示例补助办法》（甬政办发〔2018〕12号）"]}),
    ("2015年3月2日发布的《宁波市示例办法》（市政府令第150号）同时废止。", "", None,
     {"repeals": ["《宁波市示例办法》（市政府令第150号）"]}),
    ("根据《宁波市示例条例》和《浙江省示例办法》（浙政发〔2019〕3号），结合实际，制定本办法。", "", None,
     {"based_on": ["《宁波市示例条例》", "《浙江省示例办法》（浙政发〔2019〕3号）"]}),
    ("根据《示例工作方案》（以下简称《方案》），制定本清单。", "", None, {"based_on": ["《示例工作方案》"]}),
    ("各地按照《示例办法》办理。", "", None, {}),
    ("现将修改后的条文公布如下。", "宁波市人民政府关于修改《宁波市示例办法》的决定", None,
     {"amends": ["《宁波市示例办法》"]}),
    ("宁波市人民政府关于废止《宁波市示例规则》等3件规章的决定", "", None, {}),   # a list's entry, not a repeal
    ("根据《宁波市示例办法》，制定本实施细则。", "宁波市人民政府关于印发《宁波市示例办法》的通知", None, {}),   # itself
])
def test_the_text_proposes_validity_and_relations(text, title, issued, expected):
    assert propose(text, title, issued).front_matter() == expected


def test_proposals_name_their_lines():
    found = propose("各区县（市）：\n\n本办法自2023年5月1日起施行。\n《示例》（甬政发〔2010〕1号）同时废止。", first_line=20)
    assert found.lines == {"effective": 22, "repeals": 23}


def test_every_proposed_relation_reads_back_as_front_matter():
    for text in ("《宁波市示例补助办法》（甬政办发〔2018〕12号）", "《宁波市示例办法》（市政府令第150号）", "甬政发〔2016〕72号",
                 "《国务院关于〈示例方案〉的批复》（国函〔2025〕39号）"):
        number, title = validity.parse_relation(text)
        assert number is not None or title is not None, text


@pytest.mark.parametrize("title, end", [
    ("宁波市人民政府办公厅关于印发宁波市推进产业基础高级化实施方案(2021-2025年)的通知", "2025-12-31"),
    ("关于印发《宁波市商务发展“十四五”规划》的通知", "2025-12-31"),
    ("宁波市数字经济发展规划（2026—2030年）", "2030-12-31"),
    ("宁波市“十三五”时期示例规划", "2020-12-31"),
    ("“十三五”回顾和“十四五”展望", None),   # two periods: none proposed
    ("宁波市人民政府关于示例事项的通知", None),
])
def test_a_plan_s_period_in_its_title_proposes_its_validity(title, end):
    from explorer.tools.proposals import plan_period_end
    assert (plan_period_end(title).isoformat() if plan_period_end(title) else None) == end
    assert propose("本方案自印发之日起施行。", title, dt.date(2021, 6, 1)).front_matter().get("valid_until") == end
