"""Reading on a phone, at a desk and on paper, in headless Chromium from file:// (390 px
and 1366 px wide, light and dark): what a person sees, measured from the laid-out page
(element boxes, counts, text), not only the DOM."""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from .polling import until

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}
SCHEMES = ["light", "dark"]


@pytest.fixture
def view(browser, request):
    """A page at the width and colour scheme the test is parametrised with."""
    viewport, scheme = request.param
    context = browser.new_context(viewport=viewport, color_scheme=scheme, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []


def _at(*viewports):
    return pytest.mark.parametrize("view", [(v, s) for v in viewports for s in SCHEMES], indirect=True,
                                   ids=lambda p: f"{p[0]['width']}px-{p[1]}")


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


@_at(PHONE)
@pytest.mark.parametrize("path", ["tasks/ningbo-pilot.html", "agencies/commerce.html", "tasks/offshore-trade.html"])
def test_a_table_caption_stands_above_the_cards_at_their_width(view, built_site, path):
    view.goto((built_site / path).as_uri())
    caption, table = _box(view, "table.task-table caption"), _box(view, "table.task-table")
    first = _box(view, "table.task-table tbody tr")
    assert caption["width"] >= 0.9 * table["width"] and caption["height"] < 80, caption
    assert caption["y"] + caption["height"] <= first["y"] + 1


@_at(DESK)
def test_a_cited_row_comes_to_rest_below_the_sticky_head(view, built_site):
    view.goto((built_site / "tasks" / "ningbo-pilot.html").as_uri() + "#task-51")
    view.wait_for_timeout(200)
    row, head = _box(view, "#task-51"), _box(view, "table.task-table thead th")
    assert head["y"] <= 1   # the head is held at the top of the window
    assert row["y"] >= head["y"] + head["height"] - 1, (row, head)


@_at(PHONE)
def test_printing_a_document_shows_no_contents_button(view, built_site):
    view.goto((built_site / "documents" / "ningbo-commerce-14th-fyp.html").as_uri())
    assert view.locator(".toc-toggle").is_visible()
    view.emulate_media(media="print")
    assert not view.locator(".toc-toggle").is_visible()


@_at(PHONE, DESK)
def test_a_shared_filtered_link_paints_filtered_without_a_layout_shift(view, built_site):
    view.add_init_script("""window.__shift = 0;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; })
        .observe({ type: "layout-shift", buffered: true });""")
    view.goto((built_site / "tasks" / "ningbo-pilot.html").as_uri() + "?agency=commerce&role=lead")
    view.wait_for_timeout(500)
    shown = view.locator("table.task-table tbody tr:not([hidden])").count()
    assert shown == int(view.locator("#task-count").inner_text()) and 0 < shown < 119
    assert view.evaluate("window.__shift") <= 0.1
    assert view.evaluate("document.documentElement.classList.contains('applying')") is False


@_at(PHONE)
def test_back_to_the_search_page_keeps_the_results_shown(view, built_site):
    view.goto((built_site / "search.html").as_uri() + "?q=" + "市商务局")
    view.wait_for_selector("#search-results[data-ready=true]")
    assert view.locator("#search-results li").count() == 10
    view.click("#search-more")
    until(view, "document.querySelectorAll('#search-results li').length === 20")
    chosen = view.locator("#search-results li a").nth(15)
    chosen.scroll_into_view_if_needed()
    before = view.evaluate("window.scrollY")
    assert before > 0
    chosen.click()
    view.wait_for_load_state("load")
    view.go_back()
    until(view, "document.querySelectorAll('#search-results li').length === 20")
    assert view.locator("#search-more").is_visible()
    until(view, f"Math.abs(window.scrollY - {before}) <= 40")   # back where the reader left off


@_at(PHONE, DESK)
def test_the_documents_box_leads_on_to_the_full_text_search(view, built_site):
    view.goto((built_site / "documents.html").as_uri())
    assert not view.locator("#doc-fulltext").is_visible()
    view.fill("#doc-filters input[name=q]", "跨境电商")
    link = view.locator("#doc-fulltext a")
    assert link.is_visible() and link.inner_text() == "在全文中检索「跨境电商」"
    assert parse_qs(urlsplit(link.get_attribute("href")).query) == {"q": ["跨境电商"]}
    link.click()
    view.wait_for_selector("#search-results[data-ready=true]")
    assert view.locator("#search-results li").count() >= 1


@_at(PHONE, DESK)
def test_a_search_with_no_result_offers_ways_on(view, built_site):
    view.goto((built_site / "search.html").as_uri() + "?q=" + "量子引力卫星计划")
    view.wait_for_selector("#search-results[data-ready=true]", state="attached")
    assert view.locator("#search-results li").count() == 0
    ways = view.locator("#search-empty a")
    texts = [ways.nth(i).inner_text() for i in range(ways.count())]
    assert texts[0] == "在文件列表中按标题或文号查找「量子引力卫星计划」"
    assert "检索更宽的词「量子引力」" in texts and "浏览全部文件" in texts
    assert view.locator("#search-empty").is_visible()


@_at(PHONE)
def test_on_a_phone_a_task_card_opens_its_task_and_its_number_is_a_finger_wide(view, built_site):
    view.goto((built_site / "tasks" / "ningbo-pilot.html").as_uri())
    number = _box(view, "#task-51 td:first-child a")
    assert number["width"] >= 44 and number["height"] >= 44
    view.locator("#task-51").scroll_into_view_if_needed()
    text = _box(view, "#task-51 td.task-cell")
    view.mouse.click(text["x"] + text["width"] / 2, text["y"] + text["height"] / 2)
    view.wait_for_url(re.compile(r"tasks/ningbo-pilot/51\.html$"))
    view.go_back()
    agency = view.locator("#task-51 td[data-label=牵头单位] a").first
    href = agency.get_attribute("href")
    agency.click()   # an agency's link in the card is its own
    view.wait_for_url(re.compile(re.escape(href.split("/")[-1]) + "$"))


@_at(DESK)
def test_a_long_table_has_a_skip_link_for_the_keyboard(view, built_site):
    view.goto((built_site / "tasks" / "ningbo-pilot.html").as_uri())
    skip = view.locator("a.skip-table").first
    off = skip.bounding_box()
    assert skip.count() == 1 and off["x"] + off["width"] < 0   # off the screen until it has the focus
    skip.focus()
    assert skip.bounding_box()["x"] >= 0 and skip.inner_text() == "跳过此表"
    view.keyboard.press("Enter")
    focused = view.evaluate("document.activeElement.id")
    assert focused.startswith("after-table-")
    below = view.evaluate("""(() => { const wrap = document.querySelector('.table-wrap:has(table.task-table)');
      return document.activeElement.getBoundingClientRect().top >= wrap.getBoundingClientRect().bottom - 1; })()""")
    assert below


@_at(DESK)
def test_the_contents_marks_the_section_being_read(view, built_site):
    view.goto((built_site / "documents" / "ningbo-commerce-14th-fyp.html").as_uri())
    links = view.locator(".toc a[href^='#']")
    first = links.first.get_attribute("href")
    assert view.locator(".toc a[aria-current=true]").get_attribute("href") == first
    # a section further down whose next heading is more than a window below its own
    target = view.evaluate("""(() => {
      const hrefs = [...document.querySelectorAll(".toc a[href^='#']")].map((a) => a.getAttribute("href"));
      const tops = hrefs.map((h) => document.getElementById(h.slice(1)).getBoundingClientRect().top);
      return hrefs.find((h, i) => i > 2 && i + 1 < hrefs.length && tops[i + 1] - tops[i] > innerHeight);
    })()""")
    assert target
    view.evaluate(f"document.getElementById({target[1:]!r}).scrollIntoView()")
    until(view, f"document.querySelector('.toc a[aria-current=true]').getAttribute('href') === {target!r}")
    assert view.locator(".toc a[aria-current=true]").count() == 1


@_at(DESK)
def test_the_filtered_csv_is_the_rows_of_tasks_csv_and_names_its_filter(view, built_site):
    view.goto((built_site / "tasks" / "ningbo-pilot.html").as_uri() + "?agency=commerce&role=lead")
    shown = int(view.locator("#task-count").inner_text())
    with view.expect_download() as download:
        view.click("#task-csv")
    assert download.value.suggested_filename == f"宁波市服务业扩大开放综合试点任务分工表（单位：市商务局（牵头），{shown}项）.csv"
    data = open(download.value.path(), "rb").read()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    whole = list(csv.reader(io.StringIO((built_site / "data" / "tasks.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == whole[0] == ["清单", "序号", "▲专项", "领域", "牵头市领导", "任务内容", "牵头单位", "配合单位",
                                  "指导单位", "适用范围", "来源任务", "编号", "链接"]
    ours = [r for r in whole[1:] if r[11].startswith("ningbo-pilot-") and "市商务局" in r[6].split("、")]
    assert rows[1:] == ours and len(ours) == shown
    assert all(r[2] in ("", "▲") and r[1].isdigit() for r in rows[1:])


def test_every_document_says_its_validity(built_site):
    """A status on every normative document (a plan whose period has ended is no longer in
    force); a record, a list or an issue says it has none."""
    import json
    records = json.loads((built_site / "data" / "documents.json").read_text(encoding="utf-8"))
    for record in records:
        html = (built_site / record["url"]).read_text(encoding="utf-8")
        row = re.search(r'<div class="status-row"><dt>时效性</dt><dd>(.*?)</dd></div>', html)
        assert row, record["id"]
        if record["type"] in ("公报", "目录", "记事", "任免"):
            assert row.group(1) == f"不适用（{record['type']}不是规范性文件）" and record["status"] is None
        else:
            assert record["status"] and record["status"]["name"] in row.group(1), record["id"]
    plans = {r["id"]: r for r in records if re.search(r"十四五|2021-2025年", r["title"])}
    assert len(plans) == 5 and all(r["valid_until"] == "2025-12-31" and r["status"]["code"] == "expired"
                                   for r in plans.values())


@_at(DESK)
def test_a_filtered_list_of_twenty_tasks_prints_on_two_a4_pages_in_dark_links(view, built_site):
    view.goto((built_site / "tasks" / "ningbo-pilot.html").as_uri() + "?agency=commerce&role=lead")
    assert view.locator("table.task-table tbody tr:not([hidden])").count() == 20
    pdf = view.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) <= 2
    view.emulate_media(media="print")
    assert view.evaluate("getComputedStyle(document.querySelector('table.task-table tbody a')).color") == "rgb(5, 80, 174)"
    assert view.evaluate("getComputedStyle(document.body).backgroundColor") in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    assert not view.locator("#task-filters").is_visible()


@_at(PHONE, DESK)
def test_the_charts_of_an_agency_share_one_scale_with_full_legible_labels(view, built_site):
    view.goto((built_site / "agencies" / "commerce.html").as_uri())
    bars = view.evaluate("""[...document.querySelectorAll('.bars li')].map((li) => {
      const svg = li.querySelector('svg').getBoundingClientRect();
      const [lead, support] = li.querySelectorAll('rect');
      const drawn = lead.getBoundingClientRect().width + support.getBoundingClientRect().width;
      const label = li.querySelector('.bar-label');
      return { track: svg.width, drawn, value: li.querySelector('.bar-value').textContent, label: label.textContent,
               size: parseFloat(getComputedStyle(label).fontSize), labelRight: label.getBoundingClientRect().right };
    })""")
    assert len(bars) > 10 and len({round(b["track"]) for b in bars}) == 1   # one track width on the page
    totals = [sum(map(int, re.findall(r"\d+", b["value"]))) for b in bars]
    largest = max(totals)
    for bar, total in zip(bars, totals):
        assert abs(bar["drawn"] - bar["track"] * total / largest) <= 1.5, bar
        assert bar["size"] >= 12 and "…" not in bar["label"] and bar["labelRight"] <= view.viewport_size["width"]


@_at(DESK)
def test_an_agency_lists_every_task_it_leads_supports_or_guides_in_every_collection(view, built_site):
    import json
    tasks = json.loads((built_site / "data" / "tasks.json").read_text(encoding="utf-8"))
    roles = {"lead": "牵头", "support": "配合", "guide": "指导"}
    expected = sorted((roles[role], t["id"]) for t in tasks for role in roles if "commerce" in t[role])
    assert len(expected) > 50
    view.goto((built_site / "agencies" / "commerce.html").as_uri())
    listed = view.evaluate("""[...document.querySelectorAll('.role-tasks tr[data-task]')]
      .map((tr) => [tr.closest('.role-tasks').dataset.role, tr.dataset.task])""")
    assert sorted(map(tuple, listed)) == expected
    with view.expect_download() as download:
        view.click("#agency-csv")
    assert download.value.suggested_filename == f"市商务局的任务（{len(expected)}项）.csv"
    rows = list(csv.reader(io.StringIO(open(download.value.path(), "rb").read().decode("utf-8-sig"))))
    assert rows[0][:3] == ["角色", "清单", "序号"]
    assert sorted((r[0], r[rows[0].index("编号")]) for r in rows[1:]) == expected
    for collection in ("manufacturing-renewal", "industrial-foundation", "offshore-trade"):
        assert any(i.startswith(collection + "-") for _, i in expected), collection


def _commerce_tasks(built_site, role=None, collection=None):
    import json
    tasks = json.loads((built_site / "data" / "tasks.json").read_text(encoding="utf-8"))
    return sorted(t["id"] for t in tasks for r in ("lead", "support", "guide")
                  if "commerce" in t[r] and role in (None, r) and collection in (None, t["collection"]))


@_at(PHONE, DESK)
def test_an_agency_page_opened_with_filters_paints_only_those_tasks_and_counts_each_choice(view, built_site):
    view.add_init_script("""window.__shift = 0;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; })
        .observe({ type: "layout-shift", buffered: true });""")
    expected = _commerce_tasks(built_site, "lead", "ningbo-pilot")
    view.goto((built_site / "agencies" / "commerce.html").as_uri() + "?role=lead&collection=ningbo-pilot")
    view.wait_for_timeout(300)
    shown = view.evaluate("""[...document.querySelectorAll('.role-tasks tr[data-task]')]
      .filter((tr) => tr.getBoundingClientRect().height > 0).map((tr) => tr.dataset.task)""")
    assert sorted(shown) == expected and len(expected) == 20
    assert view.locator("#agency-count").inner_text() == "20"
    assert view.evaluate("window.__shift") <= 0.1
    # the roles and collections left out are not on the page; the one shown is
    assert not view.locator("#support-title").is_visible()
    assert view.locator("#lead-title").is_visible()
    other = view.locator(".agency-set[data-collection='offshore-trade']")
    assert other.count() >= 1 and not any(other.nth(n).is_visible() for n in range(other.count()))
    # each choice counts the tasks it would leave with the other filters as they are
    labels = view.evaluate("[...document.querySelector('select[name=role]').options].map((o) => o.textContent)")
    assert labels == ["全部", "牵头（20）", f"配合（{len(_commerce_tasks(built_site, 'support', 'ningbo-pilot'))}）"]
    assert "牵头" in view.locator("#agency-summary").inner_text() and "显示 20 项" in view.locator("#agency-summary").inner_text()
    # a domain narrows it further, in the address too
    domain = view.evaluate("document.querySelector('select[name=domain] option:nth-child(2)').value")
    view.select_option("select[name=domain]", domain)
    left = view.locator(".role-tasks tr[data-task]:visible").count()
    assert 0 < left < 20 and view.locator("#agency-count").inner_text() == str(left)
    assert parse_qs(urlsplit(view.url).query)["domain"] == [domain]
    view.select_option("select[name=role]", "")
    view.select_option("select[name=collection]", "")
    view.select_option("select[name=domain]", "")
    assert view.locator(".role-tasks tr[data-task]:visible").count() == len(_commerce_tasks(built_site))   # (role, task) pairs


@_at(DESK)
def test_an_agency_csv_holds_the_tasks_its_filters_show(view, built_site):
    expected = _commerce_tasks(built_site, "support")
    view.goto((built_site / "agencies" / "commerce.html").as_uri() + "?role=support")
    assert view.locator("#agency-csv").inner_text() == f"下载所显示的 {len(expected)} 项任务（CSV）"
    with view.expect_download() as download:
        view.click("#agency-csv")
    assert download.value.suggested_filename == f"市商务局的任务（配合，{len(expected)}项）.csv"
    rows = list(csv.reader(io.StringIO(open(download.value.path(), "rb").read().decode("utf-8-sig"))))
    assert {r[0] for r in rows[1:]} == {"配合"}
    assert sorted(r[rows[0].index("编号")] for r in rows[1:]) == expected


@_at(DESK)
def test_an_agency_list_of_twenty_tasks_prints_on_two_a4_pages_without_its_controls(view, built_site):
    view.goto((built_site / "agencies" / "commerce.html").as_uri() + "?role=lead&collection=ningbo-pilot")
    pdf = view.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) <= 2
    view.emulate_media(media="print")
    assert not view.locator("#agency-filters").is_visible() and not view.locator("#agency-csv").is_visible()
    assert view.locator("#agency-summary").is_visible()


@_at(PHONE)
def test_on_a_phone_the_search_page_has_one_box_and_its_results_start_near_the_top(view, built_site):
    view.goto((built_site / "search.html").as_uri() + "?q=" + "跨境电商")
    view.wait_for_selector("#search-results li")
    assert view.locator("input[type=search]:visible").count() == 1
    first = _box(view, "#search-results li")
    assert first["y"] < 400, first
    form = _box(view, "#search-form")
    assert form["x"] + form["width"] <= PHONE["width"]   # nothing off the side


@_at(PHONE, DESK)
def test_search_results_show_date_number_and_status_and_sort_by_date(view, built_site):
    view.goto((built_site / "search.html").as_uri() + "?q=" + "甬政办发")
    view.wait_for_selector("#search-results[data-ready=true]")
    first = view.locator("#search-results li").first
    meta = first.locator(".result-meta")
    assert meta.is_visible() and re.search(r"\d{4}年\d{1,2}月\d{1,2}日", meta.inner_text())
    assert re.search(r"甬政办发〔\d{4}〕\d+号", view.locator("#search-results .result-meta").all_inner_texts().__str__())
    assert any(s in view.locator("#search-results").inner_text() for s in ("现行有效", "已失效"))
    view.select_option("select[name=sort]", "date")
    view.wait_for_function("document.querySelector('#search-results').dataset.ready === 'true' && location.search.includes('sort=date')")
    view.wait_for_timeout(200)
    dates = view.evaluate("""[...document.querySelectorAll('#search-results li')]
      .map((li) => (li.querySelector('.result-meta time') || {}).dateTime || '')""")
    assert len(dates) >= 5 and dates == sorted(dates, reverse=True) and dates[0] > dates[-1], dates
    assert view.locator("#search-count").inner_text() == f"找到 {len(dates)} 条结果"
    assert view.locator("select[name=sort]").input_value() == "date"
    view.reload()
    view.wait_for_selector("#search-results[data-ready=true]")
    assert view.locator("select[name=sort]").input_value() == "date"


@_at(DESK)
@pytest.mark.parametrize("query", ["市商务局", "跨境", "开放"])
def test_the_result_count_never_claims_more_than_there_are(view, built_site, query):
    import json
    import subprocess
    from .conftest import ROOT
    done = subprocess.run(["node", str(ROOT / "tests" / "js" / "search_cli.js"), "search", str(built_site)],
                          input=json.dumps([{"query": query, "limit": 100000}]), capture_output=True, text=True,
                          check=True, timeout=120)
    truth = json.loads(done.stdout)[0]
    assert truth["exact"]
    view.goto((built_site / "search.html").as_uri() + "?q=" + query)
    view.wait_for_selector("#search-results li")
    said = view.locator("#search-count").inner_text()
    number = int(re.search(r"(\d+) 条结果", said).group(1))
    assert number == truth["total"] if "至少" not in said else number <= truth["total"], (said, truth["total"])


@_at(PHONE)
def test_copy_citation_gives_title_number_article_and_link(view, built_site):
    page_url = (built_site / "documents" / "zfl-260.html").as_uri()
    view.goto(page_url + "?hl=非税#article-8")
    view.click(".cite-button")
    # The clipboard answers asynchronously; the status is written when it does.
    until(view, "document.querySelector('.cite-status').textContent !== ''")
    said = view.locator(".cite-status").inner_text()
    assert re.fullmatch(r"(已复制|请复制)：《宁波市政府非税收入管理实施规定》（政府令第260号）第八条 " + re.escape(page_url) + "#article-8",
                        said), said


_CONTROL_COLOURS = """[...document.querySelectorAll('button, select, input')].filter(e => e.offsetParent)
  .map(e => [e.tagName, getComputedStyle(e).backgroundColor, getComputedStyle(e).color])"""


def _luminance(rgb: str) -> float:
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(n) for n in re.findall(r"\d+", rgb)[:3])
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@_at(PHONE, DESK)
def test_smaller_defects_the_issue_lists_once_agencies_link_and_controls_follow_the_scheme(view, built_site):
    """The gazette issue names each item once and no caption of a printed QR code; 市外办
    links in its row of the Ningbo plan's table; in dark mode no control keeps the light
    scheme's face, and each reads at 4.5:1 or more."""
    view.goto((built_site / "documents" / "gazette-2022-01.html").as_uri())
    assert view.locator('main a[href="zfl-260.html"]').count() == 1
    assert "二维码" not in view.locator("main").inner_text()
    view.goto((built_site / "documents" / "yzbf-2026-11.html").as_uri())
    row = view.locator("tr", has=view.locator("td", has_text="打造国际化消费环境"))
    assert row.locator("a.ref-agency", has_text="市外办").get_attribute("href") == "../agencies/foreign-affairs.html"
    dark = view.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    for path, query in (("tasks/ningbo-pilot.html", ""), ("search.html", "?q=跨境电商")):
        view.goto((built_site / path).as_uri() + query)
        controls = view.evaluate(_CONTROL_COLOURS)
        assert controls, path
        for tag, face, ink in controls:
            if "rgba(0, 0, 0, 0)" in face:
                continue   # a bare control shows the page behind it
            lighter, darker = sorted((_luminance(face), _luminance(ink)), reverse=True)
            assert (lighter + 0.05) / (darker + 0.05) >= 4.5, (path, tag, face, ink)
            if dark:   # the light scheme's native face, or white
                assert face not in ("rgb(239, 239, 239)", "rgb(255, 255, 255)"), (path, tag, face)


def _glyphs(word: str) -> int:
    """Characters in a word of PDF text: a CJK glyph without a font to map it reads (cid:0)."""
    return word.count("(cid:0)") + len(word.replace("(cid:0)", ""))


@_at(DESK)
@pytest.mark.parametrize("path", ["agencies/commerce.html", "agencies/commerce.html?role=support",
                                  "agencies/development-reform.html"])
def test_a_printed_work_list_leaves_no_table_head_or_heading_alone_at_a_page_foot(view, built_site, path):
    """The last line of each printed page but the last is never a table's head row or a
    heading: they go over with the rows they introduce (line shapes, not glyphs, are
    compared, so no CJK font is needed)."""
    import pdfplumber
    page, _, query = path.partition("?")
    view.goto((built_site / page).as_uri() + (f"?{query}" if query else ""))
    heads = {tuple(len(c.strip()) for c in row) for row in view.evaluate(
        "[...document.querySelectorAll('main thead tr')].map((tr) => [...tr.cells].map((c) => c.innerText))")}
    headings = {(len(t.strip()),) for t in view.locator("main h2:visible, main h3:visible").all_inner_texts()}
    assert heads and headings
    with pdfplumber.open(io.BytesIO(view.pdf(format="A4"))) as pdf:
        assert len(pdf.pages) >= 2
        feet = [(n, tuple(map(_glyphs, ((p.extract_text() or "").splitlines() or [""])[-1].split())))
                for n, p in enumerate(pdf.pages[:-1], start=1)]
    assert [(n, foot) for n, foot in feet if foot in heads | headings] == []
