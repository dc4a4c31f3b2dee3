"""End to end in headless Chromium, opened from file:// with no server."""
import re

import pytest

from .polling import until


@pytest.fixture
def page(browser, built_site):
    context = browser.new_context()
    page = context.new_page()
    page.errors, page.requests = [], []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.requests.append(r.url))
    yield page
    context.close()


def _outside(page, site):
    root = site.as_uri()
    return [u for u in page.requests if not u.startswith(root + "/") and not u.startswith("data:")]


def test_reader_goes_from_home_to_a_document_and_back(page, built_site):
    page.goto((built_site / "index.html").as_uri())
    assert page.title().startswith("宁波政策文件库")
    page.get_by_role("link", name="浏览全部文件").click()
    page.wait_for_url("**/documents.html")
    page.get_by_role("link", name="宁波市人民政府办公厅关于加快推进新型离岸国际贸易发展的实施意见").click()
    page.wait_for_url("**/documents/yzbf-2021-79.html")
    assert page.locator("h1").inner_text() == "宁波市人民政府办公厅关于加快推进新型离岸国际贸易发展的实施意见"
    assert "甬政办发〔2021〕79号" in page.locator(".doc-meta").inner_text()
    page.go_back()
    page.wait_for_url("**/documents.html")
    page.locator("h1").wait_for()
    assert page.errors == []
    assert _outside(page, built_site) == []


def test_document_index_filters_by_type_and_keeps_it_in_the_url(page, built_site):
    page.goto((built_site / "documents.html").as_uri())
    page.select_option("select[name=type]", "任免")
    assert page.locator("#doc-count").inner_text() == "10"
    assert page.locator("#doc-table tbody tr:not([hidden])").count() == 10
    assert "type=%E4%BB%BB%E5%85%8D" in page.url
    page.goto((built_site / "documents.html").as_uri() + "?q=甬政发〔2021〕58号")
    assert page.locator("#doc-count").inner_text() == "1"
    assert page.errors == []


def test_gazette_contents_link_to_items_and_anchors_resolve(page, built_site):
    page.goto((built_site / "documents" / "gazette-2022-01.html").as_uri())
    page.locator(".doc-body").get_by_role("link", name="宁波市政府非税收入管理实施规定 (政府令260号)").click()
    page.wait_for_url("**/zfl-260.html")
    page.goto((built_site / "documents" / "zfl-260.html").as_uri() + "#article-8")
    assert page.locator("#article-8").is_visible()
    assert page.errors == [] and _outside(page, built_site) == []


@pytest.mark.parametrize("width", [375, 390])
def test_phone_width_does_not_scroll_sideways(browser, built_site, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for name in ("index.html", "documents.html", "documents/yzbf-2026-11.html", "documents/yzbf-2021-82.html",
                 "documents/gazette-2022-01.html", "tasks/ningbo-pilot.html", "tasks/ningbo-pilot/54.html",
                 "agencies.html", "agencies/commerce.html", "tasks/ningbo-pilot/coverage.html",
                 "documents/years/2021.html", "data.html", "search.html", "tasks/nine-cities.html"):
        page.goto((built_site / name).as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    context.close()


def test_task_filters_work_from_file_url_and_stay_in_the_url(page, built_site):
    import json
    tasks = json.loads((built_site / "data" / "tasks.json").read_text(encoding="utf-8"))
    leads = [t for t in tasks if t["collection"] == "ningbo-pilot" and "commerce" in t["lead"]]
    page.goto((built_site / "tasks" / "ningbo-pilot.html").as_uri() + "?agency=commerce&role=lead")
    assert page.locator("#task-count").inner_text() == str(len(leads))
    assert page.locator(".task-table tbody tr:not([hidden])").count() == len(leads)
    page.select_option("select[name=role]", "support")
    supports = [t for t in tasks if t["collection"] == "ningbo-pilot" and "commerce" in t["support"]]
    assert page.locator("#task-count").inner_text() == str(len(supports))
    assert "agency=commerce" in page.url and "role=support" in page.url
    page.check("input[name=flagged]")
    page.select_option("select[name=agency]", "")
    page.select_option("select[name=role]", "")
    assert page.locator("#task-count").inner_text() == "7"
    assert page.errors == [] and _outside(page, built_site) == []


def _results(page):
    """The result links, without the ?hl= that asks the opened page to highlight the query."""
    page.wait_for_selector("#search-results[data-ready=true]")
    links = page.eval_on_selector_all("#search-results a.result", "links => links.map(a => a.getAttribute('href'))")
    return [re.sub(r"\?hl=[^#]*", "", link) for link in links]


@pytest.mark.parametrize("query, expected, top", [
    ("跨境电商", "tasks/ningbo-pilot/51.html", 10),
    ("甬政发（2021）58号", "documents/yzf-2021-58.html", 1),
    ("esg", "tasks/ningbo-pilot/34.html", 10),
    ("发改委", "agencies/development-reform.html", 3),
])
def test_search_page_from_file_url(page, built_site, query, expected, top):
    from urllib.parse import quote
    page.goto((built_site / "search.html").as_uri() + "?q=" + quote(query))
    links = _results(page)
    assert expected in [link.split("#")[0] for link in links[:top]], links[:10]
    assert page.errors == [] and _outside(page, built_site) == []


def test_search_page_collection_filter_from_the_url_and_the_select(page, built_site):
    """The filter's options arrive with the search (not in the page): a collection in the
    URL is selected and applied to the first results, and choosing another one works."""
    page.goto((built_site / "search.html").as_uri() + "?q=%E8%B7%A8%E5%A2%83%E7%94%B5%E5%95%86&collection=national")
    links = _results(page)
    assert links and all(link.startswith("tasks/national/") for link in links), links
    until(page, "document.querySelector('select[name=collection]').value === 'national'")
    options = page.eval_on_selector_all("select[name=collection] option", "o => o.map(x => x.value)")
    assert options == ["", "ningbo-pilot", "nine-cities", "national", "offshore-trade", "manufacturing-renewal",
                       "industrial-foundation"]
    page.evaluate("document.getElementById('search-results').dataset.ready = ''")
    page.select_option("select[name=collection]", "ningbo-pilot")
    links = _results(page)
    assert links and all(link.startswith("tasks/ningbo-pilot/") for link in links), links
    assert "collection=ningbo-pilot" in page.url
    assert page.errors == []


def test_search_for_an_agency_also_lists_its_tasks(page, built_site):
    page.goto((built_site / "search.html").as_uri() + "?q=%E5%8F%91%E6%94%B9%E5%A7%94")
    first = _results(page)
    assert len(first) == 10 and "显示前 10 条" in page.locator("#search-count").inner_text()
    page.click("#search-more")   # the next page of results, loaded on demand
    until(page, "document.querySelectorAll('#search-results a.result').length > 10")
    links = _results(page)
    assert links[:10] == first and len(links) == 20 and len(set(links)) == 20
    assert sum(1 for link in links if link.startswith("tasks/")) >= 10
    badges = page.eval_on_selector_all("#search-results .badge", "b => b.map(x => x.textContent)")
    assert "单位" in badges and "任务" in badges
    assert page.locator("#search-results mark").first.inner_text() == "发改委"


def test_header_box_shows_results_without_leaving_the_page(page, built_site):
    task_page = (built_site / "tasks" / "ningbo-pilot" / "54.html").as_uri()
    page.goto(task_page)
    page.keyboard.press("/")
    page.keyboard.type("保税维修")
    page.wait_for_selector("#search-suggestions a.result")
    assert page.url == task_page
    first = page.locator("#search-suggestions a.result").first
    assert first.get_attribute("href").startswith("../../")
    page.keyboard.press("ArrowDown")
    assert first.get_attribute("aria-selected") == "true"
    target = first.get_attribute("href")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.split("#")[0].endswith(target.split("#")[0].replace("../", ""))
    assert "?hl=%E4%BF%9D%E7%A8%8E%E7%BB%B4%E4%BF%AE" in page.url
    assert page.errors == [] and _outside(page, built_site) == []


def test_the_header_box_waits_for_an_input_method_and_closes_on_escape_or_a_click_outside(page, built_site):
    page.goto((built_site / "documents" / "zfl-260.html").as_uri())
    box = page.locator("#search-suggestions")
    page.focus("#site-search-input")
    # an input method composing 跨境 from kuajing: the Latin letters are not a query
    page.evaluate("""() => {
      const input = document.getElementById("site-search-input");
      input.dispatchEvent(new CompositionEvent("compositionstart"));
      input.value = "kuajing";
      input.dispatchEvent(new InputEvent("input", {isComposing: true, data: "kuajing"}));
    }""")
    page.wait_for_timeout(300)
    assert box.is_hidden()
    page.evaluate("""() => {
      const input = document.getElementById("site-search-input");
      input.value = "跨境";
      input.dispatchEvent(new CompositionEvent("compositionend", {data: "跨境"}));
    }""")
    page.wait_for_selector("#search-suggestions a.result")
    assert "没有找到结果" not in box.inner_text()
    page.keyboard.press("Escape")
    assert box.is_hidden()
    page.keyboard.type("电商")
    page.wait_for_selector("#search-suggestions a.result")
    for _ in range(12):   # past the last item: the selected one is scrolled into view
        page.keyboard.press("ArrowDown")
    selected = page.locator("#search-suggestions [aria-selected=true]")
    assert selected.count() == 1 and selected.evaluate(
        "a => { const r = a.getBoundingClientRect(), b = a.parentElement.getBoundingClientRect();"
        " return r.top >= b.top - 1 && r.bottom <= b.bottom + 1; }")
    page.locator("h1").click()
    assert box.is_hidden()
    assert page.errors == []


def test_a_result_opens_its_page_with_the_words_highlighted_and_a_way_to_clear_them(page, built_site):
    page.goto((built_site / "search.html").as_uri() + "?q=" + "%E7%AC%AC%E5%85%AB%E6%9D%A1")   # 第八条
    links = _results(page)
    assert links[0] == "documents/zfl-260.html#article-8"
    page.locator("#search-results a.result").first.click()
    page.wait_for_url("**/zfl-260.html?hl=*#article-8")
    marks = page.locator("main mark.search-hit")
    assert marks.count() >= 1 and marks.first.inner_text() == "第八条"
    assert page.locator("#article-8").is_visible()
    page.get_by_role("button", name="清除高亮").click()
    assert page.locator("main mark.search-hit").count() == 0 and "hl=" not in page.url
    assert page.url.endswith("zfl-260.html#article-8")
    assert page.errors == [] and _outside(page, built_site) == []


def test_a_typo_offers_the_name_one_character_off(page, built_site):
    page.goto((built_site / "search.html").as_uri() + "?q=%E5%B8%82%E4%BA%BA%E8%AE%BE%E5%B1%80")   # 市人设局
    _results(page)
    hint = page.locator(".did-you-mean a")
    assert hint.first.inner_text() == "市人社局"
    hint.first.click()
    links = _results(page)
    assert links[0] == "agencies/human-resources.html"
    assert page.errors == []


def test_print_layout_hides_navigation_and_keeps_tables_whole(browser, built_site):
    context = browser.new_context()
    page = context.new_page()
    page.emulate_media(media="print")
    page.goto((built_site / "documents" / "yzbf-2026-11.html").as_uri())
    hidden = page.evaluate("""() => ['.site-header', '.breadcrumbs', '.toc-column', '.site-footer']
        .map(s => getComputedStyle(document.querySelector(s)).display)""")
    assert hidden == ["none"] * 4
    assert page.evaluate("getComputedStyle(document.querySelector('.doc-body .table-wrap')).overflowX") == "visible"
    assert page.evaluate("getComputedStyle(document.querySelector('.doc-body tr')).breakInside") == "avoid"
    context.close()
