"""The build of the real corpus: manifest, pages, links, determinism, failure safety."""
import os
import re
import subprocess
import sys

import pytest

from explorer import site as pipeline
from explorer.linkcheck import LinkTable, page_links

from .conftest import copy_project
from .sitetext import documents

EXPECTED_NUMBERS = {"甬政办发〔2026〕11号", "政府令第260号"} \
    | {f"甬政发〔2021〕{n}号" for n in (56, 57, 58, 59)} \
    | {f"甬政办发〔2021〕{n}号" for n in (78, 79, 80, 82)} \
    | {f"甬政干〔2021〕{n}号" for n in (25, 26, 28, 29, 30, 32, 33, 34, 35, 37)}


def test_manifest_lists_every_document_with_its_fields(built_site):
    records = documents(built_site)
    assert len(records) >= 25
    assert EXPECTED_NUMBERS <= {r["doc_number"] for r in records}
    for record in records:
        assert {"id", "title", "doc_number", "issuer", "date", "type", "url"} <= record.keys()
        assert (built_site / record["url"]).is_file()
        assert record["url"].endswith(".html") and record["url"].isascii()
    gazette = next(r for r in records if r["type"] == "公报")
    assert gazette["date"] == "2022-01-20"


def test_there_are_no_broken_links_anchors_or_directory_links(built_site):
    """The build's own check, run again on the site as written to disk."""
    texts = {p.relative_to(built_site).as_posix(): p.read_text(encoding="utf-8")
             for p in sorted(built_site.rglob("*.html"))}
    files = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*") if p.is_file()}
    assert len(texts) > 600
    table = LinkTable()
    for url, text in texts.items():
        table.add(url, text)
    assert table.check(files, built_site) == []


def test_the_link_table_finds_each_kind_of_broken_link_at_its_page_and_line(tmp_path):
    pages = {
        "index.html": '<p id="top"><a href="documents/a.html#s1">a</a>\n<a href="#top">up</a> <a href="#gone">x</a>\n'
                      '<a href="documents/">dir</a> <a href="/abs.html">abs</a>',
        "documents/a.html": '<h2 id="s1">一</h2><a href="../index.html#nowhere">home</a>\n'
                            '<script src="https://cdn.example/x.js"></script><a href="https://gov.cn/">ok</a>',
        "documents/b.html": '<a href="a.html#s1">a</a><a href="missing.html">m</a>\n<img src="../static">',
    }
    for url, html in pages.items():
        (tmp_path / url).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / url).write_text(html, encoding="utf-8")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "x.css").write_text("", encoding="utf-8")
    table = LinkTable()
    for url in sorted(pages):
        table.add(url, pages[url])
    problems = table.check(set(pages) | {"static/x.css"}, tmp_path)
    assert sorted(str(p) for p in problems) == sorted([
        "site/documents/a.html:1: <a> broken anchor '../index.html#nowhere'",
        "site/documents/a.html:2: <script> loads an external resource 'https://cdn.example/x.js'",
        "site/documents/b.html:1: <a> broken link 'missing.html'",
        "site/documents/b.html:2: <img> link to a directory '../static'",
        "site/index.html:2: <a> broken anchor '#gone'",
        "site/index.html:3: <a> link to a directory 'documents/'",
        "site/index.html:3: <a> absolute path '/abs.html' (links must be relative)",
    ])


def test_every_link_is_relative_and_ends_in_html_or_a_file(built_site):
    for page in built_site.rglob("*.html"):
        for tag, link in page_links(page.read_text(encoding="utf-8"))[1]:
            if link.startswith("#") or (tag == "a" and link.startswith("https://")):
                continue
            path = link.split("#")[0].split("?")[0]
            assert not path.startswith("/") and not path.endswith("/"), (page, link)
            assert path.rsplit(".", 1)[-1] in ("html", "css", "js", "txt", "json", "csv", "svg", "xml"), (page, link)


def test_each_document_links_its_source_text_published_unchanged(built_site, root):
    for record in documents(built_site):
        page = (built_site / record["url"]).read_text(encoding="utf-8")
        assert f'href="../{record["source"]}"' in page
    for source in (root / "content" / "sources").glob("*.txt"):
        assert (built_site / "sources" / source.name).read_bytes() == source.read_bytes()


def test_document_pages_have_anchors_for_headings_articles_and_rows(built_site):
    regulation = (built_site / "documents" / "zfl-260.html").read_text(encoding="utf-8")
    assert 'id="article-1"' in regulation and 'id="article-25"' in regulation
    plan = (built_site / "documents" / "yzbf-2026-11.html").read_text(encoding="utf-8")
    assert all(f'id="row-{n}"' in plan for n in range(1, 120))
    assert plan.count('class="group-row"') == 9
    assert 'class="toc"' in plan


def test_gazette_page_links_each_item(built_site):
    page = (built_site / "documents" / "gazette-2022-01.html").read_text(encoding="utf-8")
    for item in ("zfl-260", "yzf-2021-56", "yzbf-2021-82", "yzg-2021-37", "chronicle-2021-12"):
        assert f'href="{item}.html"' in page


def test_counts_of_headings_tables_and_boxes(root):
    site = pipeline.load(root)
    assert pipeline.resolve(site) == []
    html = "".join(d.html for d in site.documents.values())
    total = {
        "headings": len(re.findall(r'<h[2-6] id="sec-|<tr id="sec-[^"]*" class="group-row"', html)),
        "tables": html.count("<table"),
        "boxes": html.count('<aside class="box"'),
        "articles": html.count('class="article"'),
    }
    print("counts:", total)
    assert total["articles"] == 25      # 政府令第260号, 第一条 to 第二十五条
    assert total["tables"] == 8         # task lists (3), indicator tables (4), industrial parks (1)
    assert total["boxes"] == 35         # 专栏: 9 in the commerce plan, 17 in 甬政办发〔2021〕80号, 9 in 82号
    assert total["headings"] == 240      # (三) of the nine-cities list and (八) of 第八条 are not headings


def test_resolving_twice_gives_the_same_model(root):
    site = pipeline.load(root)
    assert pipeline.resolve(site) == []

    def facts():
        return (
            {d.id: (d.html, sorted(d.links_to), sorted(d.mentions), [c.id for c in d.cited_by])
             for d in site.documents.values()},
            {a.id: ([t.id for t in a.lead], [t.id for t in a.support], [d.id for d in a.mentioned_in])
             for a in site.agencies.values()},
            {t.id: ([p.id for p in t.derived_from], [c.id for c in t.implemented_by]) for t in site.all_tasks()},
        )
    once = facts()
    assert sum(len(v[3]) for v in once[0].values()) > 0 and sum(len(v[2]) for v in once[1].values()) > 100
    assert pipeline.resolve(site) == []
    assert facts() == once


def test_two_builds_are_byte_identical(root, tmp_path):
    outs = []
    for name in ("one", "two"):
        pipeline.build(root, tmp_path / name)
        outs.append(tmp_path / name)
    files = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(outs[1]) for p in outs[1].rglob("*") if p.is_file())
    for rel in files:
        assert (outs[0] / rel).read_bytes() == (outs[1] / rel).read_bytes(), rel


def test_malformed_front_matter_fails_with_path_and_line_and_keeps_the_previous_site(root, tmp_path):
    project = copy_project(tmp_path / "project")
    run = lambda: subprocess.run([sys.executable, "build.py", "build"], cwd=project,
                                 capture_output=True, text=True)
    assert run().returncode == 0
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    doc = project / "content" / "documents" / "yzg-2021-25.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("type: 任免", "type: [任免"), encoding="utf-8")
    result = run()
    assert result.returncode == 1
    assert ("content/documents/yzg-2021-25.md:9: invalid YAML: expected ',' or ']', but got ':' "
            "(while parsing a flow sequence started at line 8)") in result.stderr
    assert "Traceback" not in result.stderr
    after = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    assert after == before


def test_broken_doc_link_is_reported_with_its_line(root, tmp_path):
    project = copy_project(tmp_path / "project")
    doc = project / "content" / "documents" / "yzg-2021-25.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n见[另一文件](doc:no-such-doc)。\n", encoding="utf-8")
    site = pipeline.load(project)
    problems = [str(p) for p in pipeline.resolve(site)]
    lines = doc.read_text(encoding="utf-8").split("\n")
    line = next(n for n, t in enumerate(lines, 1) if "no-such-doc" in t)
    assert problems == [f"content/documents/yzg-2021-25.md:{line}: link to unknown document or anchor 'no-such-doc'"]


def test_build_prints_a_summary(root, tmp_path):
    result = subprocess.run([sys.executable, "build.py", "build", "--out", str(tmp_path / "out"), "--timings"],
                            cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert re.search(r"built \d+ pages \(78 agencies, 26 documents, 581 tasks, \d top-level\)", result.stdout)
    assert "0 warnings" in result.stdout
    stages = re.findall(r"^  ([a-z ]+?) +[0-9.]+ ms$", result.stdout, re.M)
    assert stages == ["load", "resolve", "copy", "render", "index", "check links", "publish"]
    assert re.search(r"peak RSS after each stage \(MB\): load \d+, resolve \d+, .*, publish \d+$", result.stdout, re.M)


def test_seed_import_defects_are_gone(built_site):
    """A sentence cut by a page break inside a list item is not a heading; the items of
    an article are not headings; documents that state no issuer, date or number say so."""
    nine = (built_site / "documents" / "nine-cities-task-list.html").read_text(encoding="utf-8")
    assert "(三)支持厦门市融入和服务福建全方位推动高质量发展,发挥地方特色优势" in nine
    assert not re.search(r"<h\d[^>]*>\(三\)支持厦门市", nine)
    regulation = (built_site / "documents" / "zfl-260.html").read_text(encoding="utf-8")
    article = regulation.split('id="article-8"')[1].split('id="article-9"')[0]
    assert "(八)执行政府非税收入管理的其他有关规定。" in article and "<h3" not in article
    for doc_id in ("national-pilot-work-plan", "nine-cities-task-list"):
        page = (built_site / "documents" / f"{doc_id}.html").read_text(encoding="utf-8")
        assert "<dd>原文未载明发文字号、发文机关、成文日期</dd>" in page


def _part_that_fails(n: int) -> int:
    if n == 1:
        raise ValueError("part one is broken")
    if n == 2:
        os._exit(3)   # a copy killed before it replied
    return n * 10


def test_forked_map_returns_parts_in_order_and_reports_a_copy_that_failed_or_died():
    from explorer import parallel
    assert parallel.forked_map(lambda n: [n] * n, [0, 1, 2, 3]) == [[], [1], [2, 2], [3, 3, 3]]
    with pytest.raises(RuntimeError, match="ValueError: part one is broken"):
        parallel.forked_map(_part_that_fails, [0, 1])
    with pytest.raises(RuntimeError, match="stopped before it finished"):
        parallel.forked_map(_part_that_fails, [0, 2])
