"""Tasks and agencies: manifests, fidelity of task text, agency resolution, agency pages."""
import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from explorer import cjk
from explorer import site as pipeline
from explorer.errors import ContentErrors
from explorer.tools.taskfiles import split_agencies

from .conftest import copy_project
from .sitetext import page_text

ROOT = Path(__file__).resolve().parent.parent


def _json(site, name):
    return json.loads((site / "data" / name).read_text(encoding="utf-8"))


def test_tasks_manifest_has_every_row_of_every_collection(built_site):
    tasks = _json(built_site, "tasks.json")
    counts = {c: sum(1 for t in tasks if t["collection"] == c) for c in
              ("ningbo-pilot", "nine-cities", "national", "offshore-trade")}
    assert counts["ningbo-pilot"] == 119 and counts["nine-cities"] == 159 and counts["national"] == 152
    assert counts["offshore-trade"] >= 20
    assert {t["number"] for t in tasks if t["collection"] == "national"} == set(range(1, 156)) - {144, 145, 146}
    agencies = {a["id"] for a in _json(built_site, "agencies.json")}
    ids = {t["id"] for t in tasks}
    for task in tasks:
        assert {"id", "collection", "number", "domain", "text", "lead", "support", "flagged", "scope",
                "derived_from", "document", "url"} <= task.keys()
        assert isinstance(task["number"], int)
        assert (built_site / task["url"]).is_file()
        assert set(task["lead"]) | set(task["support"]) <= agencies
        assert set(task["derived_from"]) <= ids
    assert sum(t["flagged"] for t in tasks) == 7


def test_task_text_is_exactly_the_source_text(built_site, root):
    sources = cjk.squeeze("".join(p.read_text(encoding="utf-8") for p in (root / "content" / "sources").glob("*.txt")))
    for task in _json(built_site, "tasks.json"):
        assert cjk.squeeze(task["text"]) in sources, task["id"]


def test_ningbo_task_fields(built_site):
    by_id = {t["id"]: t for t in _json(built_site, "tasks.json")}
    first = by_id["ningbo-pilot-1"]
    assert first["domain"] == "数字领域开放工作" and first["leader"] == "徐强"
    assert first["lead"] == ["communications"] and first["support"] == ["cyberspace", "investment-promotion"]
    assert by_id["ningbo-pilot-60"]["flagged"] and not by_id["ningbo-pilot-59"]["flagged"]
    assert by_id["ningbo-pilot-18"]["scope"] == "面向宁波等9个城市统筹研究"
    assert by_id["ningbo-pilot-96"]["support"][-2:] == ["investment-promotion", "other-service-authorities"]
    assert by_id["nine-cities-24"]["scope"].startswith("* (面向大连")
    assert by_id["ningbo-pilot-54"]["derived_from"] == ["nine-cities-63"]


def test_offshore_trade_clauses_keep_nested_brackets_and_page_breaks(built_site):
    offshore = [t for t in _json(built_site, "tasks.json") if t["collection"] == "offshore-trade"]
    by_number = {t["number"]: t for t in offshore}
    assert by_number[6]["lead"] == ["port-group"]                  # 宁波舟\n\n山港集团 in the source
    assert by_number[18]["lead"] == ["commerce"]                   # 市商\n\n务局
    assert "district-governments" in by_number[18]["support"]      # 各区县（市）政府
    assert all(t["text"] and t["lead"] for t in offshore)
    assert by_number[1]["domain"] == "（一）建设油气资源和大宗商品配置中心"


def test_raw_lead_and_support_strings_all_resolve(root):
    """Every name in the raw task table and clauses, spelled as printed, is an agency or group."""
    site = pipeline.load(root)
    spellings = {cjk.squeeze(s) for a in site.agencies.values() for s in a.spellings}
    raw = (root / "content" / "sources" / "000_e95b9a552e043220.txt").read_text(encoding="utf-8")
    names = []
    for line in raw.split("\n"):
        cells = line.split("\t")
        if len(cells) == 4 and re.match(r"^▲?\d+$", cells[0]):
            names += split_agencies(cells[2]) + split_agencies(cells[3])
    assert len(names) > 400
    unknown = sorted({n for n in names if cjk.squeeze(n) not in spellings})
    assert unknown == []


def test_aliases_list_the_spellings_found_in_the_sources(built_site):
    agencies = {a["id"]: a for a in _json(built_site, "agencies.json")}
    assert set(agencies["human-resources"]["aliases"]) == {"市人社局", "市人社保局"}
    assert "宁 波高新区管委会" in agencies["ningbo-hi-tech-zone"]["aliases"]
    assert agencies["party-publicity"]["aliases"] == ["市委宣传部（市版权局）"]
    assert agencies["pbc-ningbo"]["predecessor"] == "pbc-ningbo-central-sub-branch"
    groups = {a["name"] for a in agencies.values() if a["category"] == "group"}
    assert {"各区县（市）政府", "开发园区管委会", "各相关金融机构", "各行业主管部门"} <= groups


def _task_links(page: Path) -> set[str]:
    html = page.read_text(encoding="utf-8")
    return set(re.findall(r'href="\.\./tasks/([a-z-]+)/(\d+)\.html"', html))


@pytest.mark.parametrize("agency_id, also", [
    ("human-resources", ()),                              # three spellings
    ("party-finance-office", ("local-finance-regulation",)),  # predecessor's tasks too
    ("pbc-ningbo", ("pbc-ningbo-central-sub-branch",)),
    ("commerce", ()),
    ("district-governments", ()),                         # a group has its page
])
def test_agency_page_lists_every_task_it_leads_or_supports(built_site, agency_id, also):
    tasks = _json(built_site, "tasks.json")
    ids = {agency_id, *also}
    expected = {(t["collection"], str(t["number"])) for t in tasks if ids & set(t["lead"] + t["support"])}
    assert expected
    assert _task_links(built_site / "agencies" / f"{agency_id}.html") >= expected


def test_three_spellings_count_as_one_agency(built_site):
    tasks = _json(built_site, "tasks.json")
    hr = [t for t in tasks if "human-resources" in t["lead"] + t["support"]]
    numbers = {t["number"] for t in hr if t["collection"] == "ningbo-pilot"}
    assert {15, 65, 73, 100, 101} <= numbers   # 市人社局 (15, 65), 市人社保局 (73), 市人力社保局 (100, 101)


def test_unknown_agency_is_reported_with_file_and_line(root, tmp_path):
    project = tmp_path / "project"
    for name in ("content", "data"):
        shutil.copytree(root / name, project / name)
    path = project / "data" / "tasks" / "ningbo-pilot.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - 市人社局\n", "  - 市人社局X\n", 1), encoding="utf-8")
    line = next(n for n, t in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if "市人社局X" in t)
    with pytest.raises(ContentErrors) as caught:
        pipeline.load(project, theme=root)
    assert [str(e) for e in caught.value.errors] == [
        f"data/tasks/ningbo-pilot.yaml:{line}: unknown agency '市人社局X' (did you mean 市人社局?)"]


def test_csv_opens_in_excel_with_one_row_per_task(built_site):
    data = (built_site / "data" / "tasks.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == len(_json(built_site, "tasks.json"))
    first = next(r for r in rows if r["编号"] == "ningbo-pilot-1")
    assert first["配合单位"] == "市委网信办、市投资促进局" and first["链接"] == "tasks/ningbo-pilot/1.html"
    assert {r["▲专项"] for r in rows} == {"", "▲"} and all(r["序号"].isdigit() for r in rows)


def test_national_index_shows_the_missing_rows_as_gaps(built_site):
    html = (built_site / "tasks" / "national.html").read_text(encoding="utf-8")
    for n in (144, 145, 146):
        assert f'<tr id="task-{n}" class="gap-row" data-gap="1">' in html
        assert not (built_site / "tasks" / "national" / f"{n}.html").exists()
    assert "来源文本中缺少此项" in page_text(built_site / "tasks" / "national.html")


def test_task_page_shows_lineage_with_wording_diff_and_links_to_the_row(built_site):
    page = (built_site / "tasks" / "ningbo-pilot" / "54.html").read_text(encoding="utf-8")
    assert 'href="../nine-cities/63.html"' in page
    assert "<del>，开设海运危险货物申报绿色通道</del>" in page.replace(",", "，")
    assert 'href="../../documents/yzbf-2026-11.html#row-54"' in page
    nine = (built_site / "tasks" / "nine-cities" / "63.html").read_text(encoding="utf-8")
    assert 'href="../ningbo-pilot/54.html"' in nine and 'href="../ningbo-pilot/55.html"' in nine


def test_coverage_page_counts_applicable_nine_city_tasks(built_site):
    tasks = _json(built_site, "tasks.json")
    applicable = {t["id"] for t in tasks if t["collection"] == "nine-cities"
                  and ((t["scope"] or "").startswith("*") or "宁波" in (t["scope"] or ""))}
    covered = {p for t in tasks if t["collection"] == "ningbo-pilot" for p in t["derived_from"]} & applicable
    text = cjk.squeeze(page_text(built_site / "tasks" / "ningbo-pilot" / "coverage.html"))
    match = re.search(r"共(\d+)项，其中(\d+)项已列入宁波市", text)
    assert (int(match[1]), int(match[2])) == (len(applicable), len(covered)) == (110, 110)


def test_documents_link_cited_documents_and_list_cited_by(built_site):
    plan = (built_site / "documents" / "yzbf-2026-11.html").read_text(encoding="utf-8")
    assert '<a href="national-pilot-work-plan.html" class="ref-doc">〈加快推进服务业扩大开放综合试点工作方案〉</a>' in plan
    national = (built_site / "documents" / "national-pilot-work-plan.html").read_text(encoding="utf-8")
    assert 'id="cited-by-title"' in national and 'href="yzbf-2026-11.html"' in national
    assert 'class="ref-agency">宁波舟山港集团</a>' in plan


def test_a_new_collection_with_a_parent_needs_only_data(root, tmp_path):
    """A district list derived from the sample list: a document, a collection entry, its
    task file (made by `build.py tasks`) and lineage; no code names it."""
    project = copy_project(tmp_path / "project", content_from=root / "tests" / "fixtures" / "small")
    (project / "content" / "documents" / "yzf-2021-92.md").write_text(
        "---\nid: yzf-2021-92\ntitle: 宁波市人民政府关于区级示例任务的通知\ndoc_number: 甬政发〔2021〕92号\n"
        "type: 通知\nsource: sample.txt\n---\n\n"
        "| 序号 | 任务内容 | 牵头单位 | 配合单位 | 适用范围 |\n| --- | --- | --- | --- | --- |\n"
        "| 一、区级领域 |   |   |   |   |\n| 1 | 区级任务一。 | 市商务局 |   | 海曙区 |\n", encoding="utf-8")
    with open(project / "data" / "collections.yaml", "a", encoding="utf-8") as collections:
        collections.write("- id: district-tasks\n  title: 区级示例任务清单\n  label: 区级清单\n  document: yzf-2021-92\n"
                          "  reader: table\n  parent: sample-tasks\n")
    text = (project / "data" / "collections.yaml").read_text(encoding="utf-8")
    text = text.replace("- id: sample-tasks\n", "- id: sample-tasks\n  label: 示例清单\n", 1)
    (project / "data" / "collections.yaml").write_text(text, encoding="utf-8")
    run = [sys.executable, "build.py"]
    assert subprocess.run(run + ["tasks"], cwd=project, capture_output=True).returncode == 0
    (project / "data" / "lineage.yaml").write_text("district-tasks-1: [sample-tasks-1]\n", encoding="utf-8")
    result = subprocess.run(run + ["build"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    child = page_text(site / "tasks" / "district-tasks" / "1.html")
    assert "示例清单 第1项" in child and "区级任务一。" in child
    parent = page_text(site / "tasks" / "sample-tasks" / "1.html")
    assert "区级清单 第1项" in parent
    assert "区级示例任务清单" in page_text(site / "index.html")
    tasks = {t["id"]: t for t in _json(site, "tasks.json")}
    assert tasks["district-tasks-1"]["derived_from"] == ["sample-tasks-1"]
    assert tasks["district-tasks-1"]["scope"] == "海曙区"
