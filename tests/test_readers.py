"""What readers and officials do, in headless Chromium from file://: the documents library
(facets with counts, every form of a document number, the sort kept in the URL), task
lists that work on a phone and on paper (cards, a summary of the filter, a CSV of the
rows shown, an empty result that says so), long documents on a phone (a contents button,
back to the top), and what a page tells machines (description, icon, feed)."""
import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from .conftest import ROOT
from .test_browser import _outside, page  # noqa: F401  (the fixture)

PHONE = {"width": 390, "height": 844}


def _documents(built_site):
    return json.loads((built_site / "data" / "documents.json").read_text(encoding="utf-8"))


def _shown_ids(page):
    return page.eval_on_selector_all("#doc-table tbody tr:not([hidden]) a",
                                     "links => links.map(a => a.getAttribute('href').split('/').pop().replace('.html', ''))")


def test_document_facets_count_what_the_other_filters_leave(page, built_site):
    records = _documents(built_site)
    page.goto((built_site / "documents.html").as_uri() + "?year=2021")
    in_2021 = [r for r in records if r["date"] and r["date"].startswith("2021")]
    assert page.locator("#doc-count").inner_text() == str(len(in_2021))
    # each type counts its documents of 2021, not of every year
    for kind in {r["type"] for r in records}:
        n = sum(1 for r in in_2021 if r["type"] == kind)
        assert page.locator(f"select[name=type] option[value='{kind}']").inner_text() == f"{kind}（{n}）"
    # a joint issuer is two options, each counting the document
    joint = next(r for r in records if r["issuer"] and "、" in r["issuer"])
    page.goto((built_site / "documents.html").as_uri() + "?issuer=宁波市商务局")
    assert joint["id"] in _shown_ids(page)
    assert page.errors == [] and _outside(page, built_site) == []


@pytest.mark.parametrize("typed", ["甬政办发[2021]79号", "甬政办发（2021）79号", "2021年79号", "甬政办发〔2021〕第79号",
                                   "甬政办发2021年79号", "(2021)79号"])
def test_the_number_box_reads_every_form_of_a_document_number(page, built_site, typed):
    page.goto((built_site / "documents.html").as_uri())
    page.fill("#doc-filters input[name=q]", typed)
    assert _shown_ids(page) == ["yzbf-2021-79"]


def test_the_number_box_finds_a_sequence_number_alone_and_titles_still(page, built_site):
    page.goto((built_site / "documents.html").as_uri() + "?q=第260号")
    assert _shown_ids(page) == ["zfl-260"]
    page.fill("#doc-filters input[name=q]", "离岸国际贸易")
    assert "yzbf-2021-79" in _shown_ids(page)


ORDERED = """order => Array.from(document.querySelectorAll('#doc-table tbody tr'), r => r.dataset.title)
    .every((t, i, all) => i === 0 || order * all[i - 1].localeCompare(t, 'zh-CN') <= 0)"""


def test_the_sort_is_kept_in_the_url_and_restored_from_it(page, built_site):
    page.goto((built_site / "documents.html").as_uri())
    page.click("th button[data-sort=title]")
    assert "sort=title-asc" in page.url and page.evaluate(ORDERED, 1)
    page.goto((built_site / "documents.html").as_uri() + "?sort=title-desc&type=任免")
    assert page.locator("th:has(button[data-sort=title])").get_attribute("aria-sort") == "descending"
    assert page.evaluate(ORDERED, -1)
    assert "type=" in page.url and "sort=title-desc" in page.url


def test_every_filter_and_the_sort_in_the_url_reproduce_the_view(page, built_site):
    records = _documents(built_site)
    wanted = sorted((r for r in records if r["date"] and r["date"].startswith("2021") and r["issuer"] == "宁波市人民政府"
                     and r["type"] == "规定" and (r["status"] or {}).get("code") == "in_force"), key=lambda r: r["title"])
    assert wanted
    page.goto((built_site / "documents.html").as_uri()
              + "?year=2021&issuer=宁波市人民政府&type=规定&status=in_force&sort=title-asc")
    assert sorted(_shown_ids(page)) == sorted(r["id"] for r in wanted)
    for name, value in (("year", "2021"), ("issuer", "宁波市人民政府"), ("type", "规定"), ("status", "in_force")):
        assert page.locator(f"#doc-filters [name={name}]").input_value() == value
    assert page.locator("th:has(button[data-sort=title])").get_attribute("aria-sort") == "ascending"


def test_documents_are_cards_on_a_phone(browser, built_site):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto((built_site / "documents.html").as_uri())
    cell = page.locator("#doc-table tbody tr").first.locator("td[data-label=发文机关]")
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    box = cell.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    context.close()


def test_the_seed_shows_its_effective_dates_and_repeals(built_site):
    page = lambda name: (built_site / "documents" / f"{name}.html").read_text(encoding="utf-8")   # noqa: E731
    for name, effective in (("yzbf-2021-78", "2022年1月24日"), ("yzf-2021-58", "2022年1月1日"), ("zfl-260", "2022年3月1日")):
        assert '<dt>施行日期</dt><dd><time datetime="' in page(name) and f">{effective}</time>" in page(name), name
    assert "（甬政发〔2016〕72号）<span class=\"not-here\">（本库未收录）</span>" in page("yzf-2021-58")
    assert "（市政府令第188号）<span class=\"not-here\">（本库未收录）</span>" in page("zfl-260")
    records = {r["id"]: r for r in _documents(built_site)}
    assert [r["number"] for r in records["zfl-260"]["relations"] if r["kind"] == "repeals"] == ["市政府令第188号"]


def test_a_filter_that_leaves_nothing_says_so_and_offers_a_way_back(page, built_site):
    page.goto((built_site / "documents.html").as_uri() + "?q=没有这样的文件")
    assert page.locator("#doc-count").inner_text() == "0"
    assert page.get_by_text("没有符合条件的文件。").is_visible()
    page.get_by_role("button", name="清除筛选").click()
    assert page.locator("#doc-count").inner_text() == str(len(_documents(built_site)))
    assert "q=" not in page.url
    tasks = [t for t in json.loads((built_site / "data" / "tasks.json").read_text(encoding="utf-8"))
             if t["collection"] == "ningbo-pilot"]
    domain = next(d for d in dict.fromkeys(t["domain"] for t in tasks)
                  if not any(t["domain"] == d and "commerce" in t["lead"] for t in tasks))
    page.goto((built_site / "tasks" / "ningbo-pilot.html").as_uri() + f"?agency=commerce&role=lead&domain={domain}")
    assert page.locator("#task-count").inner_text() == "0"
    assert page.get_by_text("没有符合条件的任务。").is_visible()
    page.get_by_role("button", name="清除筛选").click()
    assert page.locator("#task-count").inner_text() == "119"


def test_a_filtered_task_list_says_what_it_shows_on_screen_and_in_print(page, built_site):
    page.goto((built_site / "tasks" / "ningbo-pilot.html").as_uri() + "?agency=commerce&role=lead")
    shown = page.locator("#task-count").inner_text()
    summary = page.locator("#task-summary").inner_text()
    assert "单位：市商务局（牵头）" in summary and f"显示 {shown} 项，共 119 项" in summary
    page.emulate_media(media="print")
    assert page.locator("#task-summary").is_visible()
    assert not page.locator("#task-filters").is_visible()
    # whole task texts, never cut
    tasks = json.loads((built_site / "data" / "tasks.json").read_text(encoding="utf-8"))
    led = [t for t in tasks if t["collection"] == "ningbo-pilot" and "commerce" in t["lead"]]
    assert str(len(led)) == shown
    longest = max(led, key=lambda t: len(t["text"]))
    assert len(longest["text"]) > 70
    assert longest["text"] in page.locator(".task-table").inner_text()


def test_the_rows_shown_download_as_csv(page, built_site):
    page.goto((built_site / "tasks" / "ningbo-pilot.html").as_uri() + "?agency=commerce&role=lead")
    shown = int(page.locator("#task-count").inner_text())
    button = page.locator("#task-csv")
    assert button.inner_text() == f"下载所显示的 {shown} 项任务（CSV）"
    with page.expect_download() as download:
        button.click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["清单", "序号", "▲专项"] and len(rows) == shown + 1
    assert all("市商务局" in row[rows[0].index("牵头单位")] for row in rows[1:])


def test_task_rows_are_cards_on_a_phone(browser, built_site):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto((built_site / "tasks" / "ningbo-pilot.html").as_uri())
    assert page.evaluate("getComputedStyle(document.querySelector('.task-table td')).display") == "block"
    row = page.locator("#task-51")
    for label in ("牵头单位", "配合单位"):
        cell = row.locator(f"td[data-label={label}]")
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], label
    # the task table of the document the tasks come from, too
    page.goto((built_site / "documents" / "yzbf-2026-11.html").as_uri() + "#row-51")
    for label in ("牵头单位", "配合单位"):
        box = page.locator(f"#row-51 td[data-label={label}]").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], label
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.goto((built_site / "tasks" / "ningbo-pilot.html").as_uri())
    assert not page.locator("#task-filters").is_visible()   # folded away until asked for
    page.locator(".filter-panel summary").click()
    assert page.locator("#task-filters").is_visible()
    label = page.locator("label.check").bounding_box()
    assert label["width"] < PHONE["width"] / 2 and 44 <= label["height"] < 60   # a finger's height, one line
    context.close()


def test_a_long_document_on_a_phone_has_a_contents_button_and_a_way_back_up(browser, built_site):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto((built_site / "documents" / "ningbo-commerce-14th-fyp.html").as_uri())
    assert not page.locator(".toc").is_visible()
    toggle = page.get_by_role("button", name="目录")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert page.locator(".toc").is_visible()
    entry = page.locator(".toc a").nth(3)
    target = entry.get_attribute("href")
    entry.click()
    assert not page.locator(".toc").is_visible() and page.url.endswith(target)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    back = page.get_by_role("link", name="↑ 回到顶部")
    back.wait_for(state="visible")
    back.click()
    page.wait_for_function("window.scrollY === 0")
    context.close()


def test_pages_describe_themselves_and_the_feed_lists_the_newest_documents(page, built_site):
    page.goto((built_site / "documents" / "yzf-2021-58.html").as_uri())
    description = page.locator("meta[name=description]").get_attribute("content")
    assert description.startswith("甬政发〔2021〕58号，宁波市人民政府，2021年12月29日。现将")
    assert page.locator("meta[property='og:title']").get_attribute("content") == page.locator("h1").inner_text()
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert (built_site / "documents" / icon).resolve().is_file()
    feed = ET.parse(built_site / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.tag == f"{atom}feed"
    for element in (feed, *feed.findall(f"{atom}entry")):   # what RFC 4287 requires of a feed and of each entry
        for required in ("id", "title", "updated"):
            assert (element.findtext(f"{atom}{required}") or "").strip(), (element, required)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", element.findtext(f"{atom}updated"))
    assert feed.find(f"{atom}author/{atom}name").text and feed.find(f"{atom}link[@rel='self']") is not None
    entries = feed.findall(f"{atom}entry")
    issued = sorted((r for r in _documents(built_site) if r["published"] or r["written"]),
                    key=lambda r: (r["published"] or r["written"], r["id"]), reverse=True)
    assert len(entries) == min(50, len(issued))
    assert entries[0].find(f"{atom}link").get("href") == issued[0]["url"]
    for name in ("index.html", "documents/yzf-2021-58.html", "tasks/ningbo-pilot/51.html"):
        html = (built_site / name).read_text(encoding="utf-8")
        assert re.search(r'<link rel="alternate" type="application/atom\+xml" href="(\.\./)*feed\.xml"', html), name
    footer = page.locator(".site-footer")
    for name in ("文件（JSON）", "任务（CSV）", "订阅新收录文件（Atom）"):
        assert footer.get_by_role("link", name=name).count() == 1
    assert page.errors == [] and _outside(page, built_site) == []


def test_a_row_number_in_a_document_opens_its_task_and_a_task_shows_its_whole_chain(built_site):
    html = (built_site / "documents" / "yzbf-2026-11.html").read_text(encoding="utf-8")
    assert re.search(r'<tr id="row-51">\s*<td data-label="序号"><a href="\.\./tasks/ningbo-pilot/51\.html" class="row-task">51</a>', html)
    task = (built_site / "tasks" / "ningbo-pilot" / "51.html").read_text(encoding="utf-8")
    chain = task[task.index('<h2 id="chain-title">'):task.index("</ol>", task.index('<h2 id="chain-title">'))]
    heads = re.findall(r'<p class="chain-head">(?:<a href="[^"]+">)?([^<]+)', chain)
    assert heads == ["宁波任务 第51项（本项）", "九城市清单 第57项", "国家清单 第66项"]
    tasks = {(t["collection"], t["number"]): t for t in json.loads((built_site / "data" / "tasks.json").read_text(encoding="utf-8"))}
    assert f'<p class="chain-text">{tasks[("national", 66)]["text"]}</p>' in chain


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The small fixture site with 240 notices more (of our own making), dated over five
    years: more documents than documents.html lists itself."""
    from explorer import site as pipeline

    from .conftest import copy_project
    project = copy_project(tmp_path_factory.mktemp("archive") / "project", ROOT / "tests" / "fixtures" / "small")
    for n in range(1, 241):
        year, day = 2019 + n % 5, 1 + n % 28
        (project / "content" / "documents" / f"yzbf-{year}-{n}.md").write_text(
            f"---\nid: yzbf-{year}-{n}\ntitle: 宁波市人民政府办公厅关于第{n}项示例工作的通知\n"
            f"doc_number: 甬政办发〔{year}〕{n}号\nissuer: 宁波市人民政府办公厅\ndate: '{year}-03-{day:02d}'\n"
            f"type: 通知\nsource: sample.txt\n---\n\n各区县（市）人民政府：现就第{n}项示例工作通知如下。\n", encoding="utf-8")
    with open(project / "data" / "agencies.yaml", "a", encoding="utf-8") as agencies:
        for n in range(1, 61):
            agencies.write(f"- id: office-{n}\n  name: 示例第{n}办公室\n  category: 市政府部门\n")
    pipeline.build(project, project / "site")
    return project / "site"


def test_a_long_documents_list_pages_and_its_filters_reach_every_document(browser, archive):
    html = (archive / "documents.html").read_text(encoding="utf-8")
    assert html.count("<tr data-type=") == 200   # the rest is data/documents-list.js
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((archive / "documents.html").as_uri())
    page.wait_for_function("document.querySelectorAll('#doc-table tbody tr').length === 242")
    assert page.locator("#doc-count").inner_text() == "242"
    assert page.locator("#doc-table tbody tr:not([hidden])").count() == 200
    more = page.locator("#doc-more")
    assert more.inner_text() == "显示更多（还有 42 篇）"
    more.click()
    assert page.locator("#doc-table tbody tr:not([hidden])").count() == 242 and more.is_hidden()
    # the oldest documents are not in the page's HTML, but the filters find them
    page.goto((archive / "documents.html").as_uri() + "?year=2019")
    page.wait_for_function("document.querySelectorAll('#doc-table tbody tr').length === 242")
    assert page.locator("#doc-count").inner_text() == "48"
    page.fill("#doc-filters input[name=q]", "2019年5号")
    assert _shown_ids(page) == ["yzbf-2019-5"]
    page.goto((archive / "documents.html").as_uri() + "?sort=title-asc")
    page.wait_for_function("document.querySelectorAll('#doc-table tbody tr').length === 242")
    assert page.evaluate(ORDERED, 1)
    assert errors == []
    page.close()
    year = (archive / "documents" / "years" / "2019.html").read_text(encoding="utf-8")
    assert year.count("<tr data-type=") == 48


def test_a_long_category_of_agencies_has_a_page_of_its_own(archive):
    index = (archive / "agencies.html").read_text(encoding="utf-8")
    section = index[index.index(">市政府部门</h2>"):]
    section = section[:section.index("</section>")]
    assert section.count("<tr data-name=") == 50
    assert '<a href="agencies/categories/2.html">全部 62 个市政府部门</a>' in section
    whole = (archive / "agencies" / "categories" / "2.html").read_text(encoding="utf-8")
    assert whole.count("<tr data-name=") == 62
    assert not (archive / "agencies" / "categories" / "7.html").exists()   # a short category is listed whole


def test_the_data_page_lists_every_file_with_its_count(built_site):
    html = (built_site / "data.html").read_text(encoding="utf-8")
    for name in ("documents", "tasks", "agencies"):
        records = json.loads((built_site / "data" / f"{name}.json").read_text(encoding="utf-8"))
        section = html[html.index(f'<a href="data/{name}.json">'):]
        assert f"共 {len(records)} 条" in section[:section.index("</p>")], name
    assert '<a href="data/tasks.csv">' in html and '<a href="feed.xml">' in html
    assert "<code>status</code>" in html and "<code>valid_until</code>" in html


def test_table_heads_stay_in_view_on_a_wide_screen(browser, built_site):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto((built_site / "tasks" / "ningbo-pilot.html").as_uri())
    page.evaluate("window.scrollTo(0, 3000)")
    assert page.evaluate("document.querySelector('.task-table thead th').getBoundingClientRect().top") == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.close()
