"""`build.py add` on documents in the forms they arrive in: saved web pages, Word's HTML,
GB18030 and UTF-16 texts, a law-database export, law-collection Markdown, PDFs and .docx
files (tests/fixtures/forms/ and tests/formfixtures.py, written in the style of real
ones). All are added in one command from one folder; the site builds with no other edit;
each document has the metadata and tasks it states and its text on its page; the file it
came in is kept beside its text and linked from its page."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from explorer import cjk
from explorer.tools.forms import METADATA_LINE

from . import formfixtures
from .conftest import ROOT, content_tree, copy_project
from .sitetext import missing_windows, page_text

FIXTURES = ROOT / "tests" / "fixtures" / "forms"
EXPECTED = yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))
GENERATED = {**formfixtures.PDFS, **formfixtures.DOCXS}


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    base = tmp_path_factory.mktemp("forms")
    folder = base / "incoming"    # a maintainer's folder of documents, of every form
    formfixtures.write_all(folder)
    for name in EXPECTED:
        if name not in GENERATED:
            shutil.copy(FIXTURES / name, folder / name)
    project = copy_project(base / "project")
    run = [sys.executable, "build.py"]
    # as `make add FILES=incoming/` runs it: the folder, every file in it
    first = subprocess.run(run + ["add", str(folder)], cwd=project, capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    after = content_tree(project)
    again = subprocess.run(run + ["add", *sorted(map(str, folder.iterdir()))], cwd=project, capture_output=True,
                           text=True)
    build = subprocess.run(run + ["build"], cwd=project, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    site = project / "site"
    read = lambda name: json.loads((site / "data" / name).read_text(encoding="utf-8"))
    return {"project": project, "folder": folder, "first": first, "again": again, "after": after, "site": site,
            "documents": {d["id"]: d for d in read("documents.json")}, "tasks": read("tasks.json"),
            "agencies": {a["id"]: a["name"] for a in read("agencies.json")}}


def test_every_form_has_a_fixture():
    forms = {e["form"] for e in EXPECTED.values()}
    assert {"网页 (HTML)", "Word 网页 (HTML)", "PDF", "Word (.docx)", "text", "Markdown", "法律数据库导出 (text)"} <= forms
    assert sum(1 for n in EXPECTED if n.endswith((".html", ".htm"))) >= 3
    assert len(formfixtures.PDFS) >= 3 and len(formfixtures.DOCXS) >= 2
    assert {e["encoding"] for e in EXPECTED.values()} >= {"GB18030", "UTF-16 with BOM"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_add_says_the_form_and_encoding_it_found(added, name):
    expected = EXPECTED[name]
    encoding = f"encoding {expected['encoding']}" if expected["encoding"] else "no text encoding (read by layout)"
    assert f"{added['folder'] / name}: {expected['form']}, {encoding}\n" in added["first"].stdout


def test_adding_again_changes_nothing(added):
    assert added["again"].returncode == 0, added["again"].stderr
    assert added["again"].stdout.count("nothing to do: already added") == len(EXPECTED)
    assert content_tree(added["project"]) == added["after"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_document_has_the_metadata_it_states(added, name):
    expected = EXPECTED[name]
    record = added["documents"][expected["id"]]
    for field in ("title", "doc_number", "issuer", "type", "published", "topic", "index_number", "effective"):
        assert record[field] == expected.get(field), field
    assert record["written"] == expected["date"]
    front = (added["project"] / "content" / "documents" / f"{expected['id']}.md").read_text(encoding="utf-8")
    assert yaml.safe_load(front.split("---\n")[1]).get("masthead") == expected.get("masthead")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_tasks_have_the_roles_as_written(added, name):
    expected = EXPECTED[name]
    tasks = [t for t in added["tasks"] if t["document"] == expected["id"]]
    assert len(tasks) == len(expected["tasks"])
    for task, want in zip(tasks, expected["tasks"]):
        for role in ("lead", "support", "guide"):
            assert [added["agencies"][a] for a in task[role]] == want.get(role, []), (task["number"], role)
        for field in ("text", "domain"):
            if field in want:
                assert task[field] == want[field]


def _document_lines(name: str) -> list[str]:
    """The document's own lines, as its form holds them."""
    how = EXPECTED[name]["text"]
    if how == "generated":
        return formfixtures.text_lines(GENERATED[name])
    if "spec" in how:   # a committed file made from a spec of formfixtures by another program
        return formfixtures.text_lines(getattr(formfixtures, how["spec"]))
    if "encoding" in how:
        text = (FIXTURES / name).read_bytes().decode(how["encoding"])
        return [line for line in text.splitlines() if not METADATA_LINE.match(line) and "<!--" not in line]
    from lxml import html
    root = html.document_fromstring((FIXTURES / name).read_bytes())
    container = root.xpath(how["xpath"])[0]
    return [block.text_content() for block in container.iter("p", "tr")]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_document_text_is_on_its_page(added, name):
    expected = EXPECTED[name]
    page = added["site"] / "documents" / f"{expected['id']}.html"
    missing, windows = missing_windows(page, _document_lines(name))
    assert windows and len(missing) / windows <= 0.005, missing[:5]
    text = cjk.squeeze(page_text(page))
    body = page.read_text(encoding="utf-8")
    for chrome in expected.get("chrome", []) + expected.get("not_on_page", []):
        assert cjk.squeeze(chrome) not in text, chrome
    headings = [cjk.squeeze(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<h[2-6][^>]*>(.*?)</h[2-6]>", body)]
    for heading in expected.get("headings", []):
        assert cjk.squeeze(heading) in headings, heading
    if "articles" in expected:
        assert body.count('class="article"') == expected["articles"]
    if "tables" in expected:
        assert body.count("<table") - body.count('class="doc-table') >= expected["tables"]
    paragraphs = [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<p>(.*?)</p>", body)]
    for line in expected.get("lines", []):
        assert line in paragraphs, line   # a paragraph of its own, its full-width spaces kept


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if EXPECTED[n].get("original")))
def test_the_original_file_is_kept_published_and_linked(added, name):
    expected = EXPECTED[name]
    original = expected["original"]
    kept = added["project"] / "content" / "sources" / original
    source = added["folder"] / name
    assert kept.read_bytes() == source.read_bytes()
    assert (added["site"] / "sources" / original).read_bytes() == source.read_bytes()
    page = (added["site"] / "documents" / f"{expected['id']}.html").read_text(encoding="utf-8")
    assert f'href="../sources/{original}"' in page
    sources = yaml.safe_load((added["project"] / "data" / "sources.yaml").read_text(encoding="utf-8"))
    assert {"file": Path(original.replace(".original", "")).with_suffix(".txt").name, "original": original} in sources


def test_the_topic_is_a_facet_of_the_documents_list(added):
    page = (added["site"] / "documents.html").read_text(encoding="utf-8")
    assert '<select name="topic" data-filter="topic"' in page
    assert "城乡建设、环境保护\\城市规划（1）" in page


def _zip(names: dict[str, bytes]) -> bytes:
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


LONG_FIRST_LINE = "宁波市人民政府关于" + "进一步推进服务业扩大开放综合试点工作" * 5 + "的通知"
REFUSALS = {
    "scan.pdf": (formfixtures.make_scanned_pdf, None, "a PDF with no text layer (1 page(s), 1 image(s), no text): it "
                 "is a scan; run it through OCR (or find the document's text) and add that"),
    "locked.pdf": (formfixtures.make_encrypted_pdf, None, "an encrypted PDF that needs a password to open: open it "
                   "with the password and save or print a copy without one, then add that"),
    "cut-short.pdf": (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", None,
                      "a damaged PDF that cannot be read (PSEOF: Unexpected EOF): download or export it again"),
    "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), None, "a Word 97–2003 .doc (or another old Office "
                "file): open it and save it as .docx, then add that"),
    "bundle.zip": (_zip({"a.txt": "宁波".encode()}), None, "a ZIP archive that is not a Word .docx: unpack it and add "
                   "the documents in it"),
    "photo.png": (b"\x89PNG\r\n\x1a\n" + bytes(64), None, "a PNG image (a scan?): there is no text to read; add its "
                  "text or a PDF with a text layer"),
    "notice.rtf": (b"{\\rtf1\\ansi\\ansicpg936 }", None, "an RTF file: open it and save it as .docx, then add that"),
    "empty.txt": (b"", None, "the file is empty"),
    "noise.bin": (bytes(range(256)) * 8, 2, "invalid UTF-8 (byte 0x80 at offset 128), and not GB18030, Big5 or "
                  "UTF-16 either: save the text again as UTF-8, or add the document as PDF or .docx"),
    "frame.html": (b"<html><head><title>Loading</title></head><body><div id='app'></div></body></html>", None,
                   "an HTML page with no Chinese text in it (a frame or a page that loads its text by script?): "
                   "save the document's own page, or its text"),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_a_file_add_cannot_read_is_refused_with_why_and_nothing_changes(tmp_path, name):
    make, line, message = REFUSALS[name]
    path = tmp_path / name
    make(path) if callable(make) else path.write_bytes(make)
    project = copy_project(tmp_path / "project")
    good = tmp_path / "good.txt"   # added in the same command, before the bad one: not kept either
    good.write_bytes((ROOT / "tests" / "fixtures" / "import" / "04-holiday-notice.txt").read_bytes())
    before = content_tree(project)
    result = subprocess.run([sys.executable, "build.py", "add", str(good), str(path)], cwd=project,
                            capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    where = f"{path.as_posix()}:{line}" if line else path.as_posix()
    assert result.stderr.splitlines()[0] == f"{where}: {message}"
    assert content_tree(project) == before


def test_a_text_that_does_not_start_with_its_title_is_refused_and_can_be_given_its_title(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(f"{LONG_FIRST_LINE}\n\n甬政发〔2027〕3号\n\n各区（县、市）人民政府：\n\n现将有关事项通知如下。\n",
                    encoding="utf-8")
    project = copy_project(tmp_path / "project")
    before = content_tree(project)
    run = [sys.executable, "build.py", "add"]
    result = subprocess.run(run + [str(path)], cwd=project, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"notice.txt:1: title is {len(LONG_FIRST_LINE)} characters long (over 80): "
        f"'{LONG_FIRST_LINE[:40]}…'; the text does not start with its title (a page's chrome? two documents in "
        "one file?). If it is the title, give it: build.py add --title TITLE FILE")
    assert content_tree(project) == before
    result = subprocess.run(run + ["--title", "宁波市人民政府关于推进综合试点工作的通知", str(path)], cwd=project,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    sources = yaml.safe_load((project / "data" / "sources.yaml").read_text(encoding="utf-8"))
    assert {"file": "notice.txt", "title": "宁波市人民政府关于推进综合试点工作的通知"} in sources
    front = (project / "content" / "documents" / "yzf-2027-3.md").read_text(encoding="utf-8")
    assert "title: 宁波市人民政府关于推进综合试点工作的通知\n" in front


def test_reimporting_the_texts_add_wrote_gives_the_same_documents(added, tmp_path):
    """The text of every form is the importer's own: `build.py import` of it (as `make
    import` runs) writes what `add` wrote, so review edits show as diffs."""
    project = added["project"]
    for name, expected in EXPECTED.items():
        text = next(e["file"] for e in yaml.safe_load((project / "data" / "sources.yaml").read_text(encoding="utf-8"))
                    if e.get("original") == expected.get("original", "-") or e["file"] == Path(name).stem + ".txt")
        out = tmp_path / Path(name).stem
        result = subprocess.run([sys.executable, "build.py", "import", f"content/sources/{text}", "--out", str(out)],
                                cwd=project, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        written = out / f"{expected['id']}.md"
        assert written.read_text(encoding="utf-8") == \
            (project / "content" / "documents" / written.name).read_text(encoding="utf-8")


def test_a_local_regulation_shows_its_issuer_number_and_promulgation_date(added):
    page = (added["site"] / "documents" / "nbsrmdbdhcwwyhgg-12.html").read_text(encoding="utf-8")
    meta = page.split('<dl class="doc-meta">')[1].split("</dl>")[0]
    assert "<dt>发文字号</dt><dd>宁波市人民代表大会常务委员会公告第12号</dd>" in meta
    assert "<dt>发文机关</dt><dd>宁波市人民代表大会常务委员会</dd>" in meta
    assert '<dt>公布日期</dt><dd><time datetime="2027-06-05">' in meta
    assert '<dt>施行日期</dt><dd><time datetime="2027-09-01">' in meta
