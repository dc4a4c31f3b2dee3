"""Content is data, never code: injected markup is shown as text and nothing executes."""
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from explorer import site as pipeline

from .conftest import copy_project

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = {
    "title": '<script>window.__pwned="title"</script>示例',
    "body": '<img src=x onerror="window.__pwned=\'body\'"> 见[点我](javascript:window.__pwned=1)。<script>window.__pwned="raw"</script>',
    "task": '<img src=x onerror=window.__pwned="task">任务一。',
    "agency": '<svg onload=window.__pwned="agency">市商务局</svg>',
}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    project = tmp_path_factory.mktemp("hostile") / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "small", project)
    doc = project / "content" / "documents" / "yzf-2021-90.md"
    text = doc.read_text(encoding="utf-8")
    # a person confirmed it: the build questions a title with markup in it, and shows it as text
    text = text.replace("title: 宁波市人民政府关于示例事项的通知", f"title: '{PAYLOADS['title']}'\ntitle_checked: true")
    doc.write_text(text + "\n" + PAYLOADS["body"] + "\n", encoding="utf-8")
    tasks = project / "data" / "tasks" / "sample-tasks.yaml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("text: 任务一。", f"text: '{PAYLOADS['task']}'"),
                     encoding="utf-8")
    agencies = project / "data" / "agencies.yaml"
    agencies.write_text(agencies.read_text(encoding="utf-8").replace(
        "  name: 市商务局\n", f"  name: '{PAYLOADS['agency']}'\n  aliases: [市商务局]\n"), encoding="utf-8")
    out = project / "site"
    pipeline.build(project, out, theme=ROOT)
    return out


class _Elements(HTMLParser):
    """Every element of a page with its attributes, and the text of inline scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.inline_scripts, self.text = [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.inline_scripts if self._in_script and data.strip() else self.text).append(data)


def test_injected_markup_is_shown_as_text_and_never_becomes_markup(hostile_site):
    for page in sorted(hostile_site.rglob("*.html")):
        parsed = _Elements()
        parsed.feed(page.read_text(encoding="utf-8"))
        name = page.relative_to(hostile_site)
        assert parsed.inline_scripts == [], name
        for tag, attrs in parsed.elements:
            assert tag not in ("img", "iframe", "object", "embed"), (name, tag)
            if tag == "svg":   # a chart's bar: its numbers are in the text beside it
                assert attrs.get("class") == "bar" and attrs.get("aria-hidden") == "true", name
            assert not [a for a in attrs if a.startswith("on")], (name, tag, attrs)
            for attr in ("href", "src", "action"):
                assert not (attrs.get(attr) or "").strip().lower().startswith("javascript:"), (name, attrs)
            if tag == "script":
                assert attrs.get("src"), name
    document = _Elements()
    document.feed((hostile_site / "documents" / "yzf-2021-90.html").read_text(encoding="utf-8"))
    text = "".join(document.text)
    assert PAYLOADS["title"] in text                      # the title, exactly as written, as text
    assert "<script>window.__pwned=\"raw\"</script>" in text
    agency = _Elements()
    agency.feed((hostile_site / "agencies" / "commerce.html").read_text(encoding="utf-8"))
    assert PAYLOADS["agency"] in "".join(agency.text)


def test_nothing_executes_in_the_browser(browser, hostile_site):
    context = browser.new_context()
    dialogs = []
    context.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page = context.new_page()
    pages = ["index.html", "documents.html", "documents/yzf-2021-90.html", "documents/yzf-2021-91.html",
             "tasks/sample-tasks.html", "tasks/sample-tasks/1.html", "agencies.html", "agencies/commerce.html",
             "search.html?q=" + quote("任务一"), "search.html?q=" + quote("示例")]
    for name in pages:
        page.goto(hostile_site.as_uri() + "/" + name)
        if name.startswith("search"):
            page.wait_for_selector("#search-results[data-ready=true]", state="attached")
        assert page.evaluate("() => window.__pwned") is None, name
    page.goto(hostile_site.as_uri() + "/documents/yzf-2021-90.html")
    page.focus("#site-search-input")
    page.keyboard.type("onerror")
    page.wait_for_selector("#search-suggestions a")
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#search-suggestions img, #search-suggestions svg, #search-results img").count() == 0
    assert dialogs == []
    context.close()


def test_pages_declare_a_content_security_policy_of_their_own_files(built_site):
    page = (built_site / "index.html").read_text(encoding="utf-8")
    assert ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; base-uri 'none'; form-action 'self'") in page


def test_two_builds_in_separate_clones_are_byte_identical(tmp_path):
    outputs = []
    for name in ("first-clone", "second"):
        project = copy_project(tmp_path / name / "policy-explorer")
        subprocess.run([sys.executable, "build.py", "build"], cwd=project, check=True, capture_output=True)
        outputs.append(project / "site")
    first = {p.relative_to(outputs[0]): p.read_bytes() for p in outputs[0].rglob("*") if p.is_file()}
    second = {p.relative_to(outputs[1]): p.read_bytes() for p in outputs[1].rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_strict_build_fails_on_a_broken_link_and_no_strict_warns(tmp_path):
    project = copy_project(tmp_path / "project", content_from=ROOT / "tests" / "fixtures" / "small")
    footer = project / "templates" / "_footer.html"
    footer.write_text(footer.read_text(encoding="utf-8") + '<a href="{{ url("nowhere.html") }}">x</a>\n',
                      encoding="utf-8")
    strict = subprocess.run([sys.executable, "build.py", "build", "--strict"], cwd=project, capture_output=True, text=True)
    assert strict.returncode == 1
    assert "site/index.html:" in strict.stderr and "<a> broken link 'nowhere.html'" in strict.stderr
    assert not (project / "site").exists()
    lenient = subprocess.run([sys.executable, "build.py", "build", "--no-strict"], cwd=project, capture_output=True, text=True)
    assert lenient.returncode == 0 and "warning: <a> broken link 'nowhere.html'" in lenient.stderr
