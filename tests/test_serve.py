"""`build.py serve`: rebuilds on change, reports a failed rebuild, keeps watching, and
serves the last good site until the next change builds."""
from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

from .conftest import ROOT, copy_project
from .polling import until

SMALL = ROOT / "tests" / "fixtures" / "small"


class Server:
    def __init__(self, project: Path):
        self.process = subprocess.Popen([sys.executable, "-u", "build.py", "serve", "--port", "0"], cwd=project,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        address = self.wait_for(r"serving site/ at (http://127\.0\.0\.1:\d+/)index\.html")
        self.url = re.search(r"(http://127\.0\.0\.1:\d+/)", address).group(1)

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                assert self.process.poll() is None, "the server stopped:\n" + "\n".join(self.seen)
                continue
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        pytest.fail(f"no line matching {pattern!r} within {timeout} s:\n" + "\n".join(self.seen))

    def get(self, path: str) -> str:
        with urlopen(self.url + path, timeout=10) as response:
            return response.read().decode("utf-8")

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def served(tmp_path):
    project = copy_project(tmp_path / "project", content_from=SMALL)
    server = Server(project)   # its first build is done once it serves
    yield project, server
    server.stop()


def _retitle(project: Path, title: str) -> None:
    path = project / "content" / "documents" / "yzf-2021-90.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M), encoding="utf-8")


def test_serve_rebuilds_a_changed_document(served):
    project, server = served
    _retitle(project, "宁波市人民政府关于改过标题的通知")
    server.wait_for(r"^built \d+ pages")
    assert "宁波市人民政府关于改过标题的通知" in server.get("documents/yzf-2021-90.html")


def test_serve_survives_a_template_error_and_recovers_once_it_is_fixed(served):
    project, server = served
    template = project / "templates" / "404.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good.replace("{% block main %}", "{% block main %}{% if %}", 1), encoding="utf-8")
    server.wait_for(r"templates/404\.html:2: template syntax error")
    server.wait_for(r"rebuild failed.*still watching")
    assert "宁波市人民政府" in server.get("documents/yzf-2021-90.html")   # the last good site
    template.write_text(good, encoding="utf-8")
    _retitle(project, "宁波市人民政府关于修好模板后的通知")
    server.wait_for(r"^built \d+ pages")
    assert "修好模板后" in server.get("documents/yzf-2021-90.html")


def test_serve_survives_files_deleted_while_it_builds(served):
    project, server = served
    documents = project / "content" / "documents"
    source = (documents / "yzf-2021-90.md").read_text(encoding="utf-8")
    for round_ in range(5):   # files that appear and vanish under the build's feet
        for n in range(20):
            (documents / f"tmp-{n}.md").write_text(source.replace("id: yzf-2021-90", f"id: tmp-{n}"), encoding="utf-8")
        time.sleep(0.05 * round_)
        for n in range(20):
            (documents / f"tmp-{n}.md").unlink()
    _retitle(project, "宁波市人民政府关于文件删除之后的通知")
    deadline = time.monotonic() + 30
    while "文件删除之后" not in server.get("documents/yzf-2021-90.html"):
        server.wait_for(r"^built \d+ pages|failed", timeout=max(0.1, deadline - time.monotonic()))
    assert server.process.poll() is None
    assert not any("Traceback" in line for line in server.seen), "\n".join(server.seen)


def _edit_body(project: Path, old: str, new: str) -> None:
    path = project / "content" / "documents" / "yzf-2021-90.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_open_page_reloads_itself_and_shows_a_failed_build(served, browser):
    """In Chromium: an edit reloads the page that changed (not one that did not); a
    template error is shown on the page, fixing it clears the message, and the next edit
    reloads again."""
    project, server = served
    context = browser.new_context()
    page, other = context.new_page(), context.new_page()
    errors: list[str] = []
    for p in (page, other):
        p.on("pageerror", lambda e: errors.append(str(e)))
        # the browser's own /favicon.ico request aside: the site has no favicon yet
        p.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and errors.append(r.url))
    page.goto(server.url + "documents/yzf-2021-90.html")
    other.goto(server.url + "documents/yzf-2021-91.html")
    for p in (page, other):
        until(p, "document.querySelector('script[src=\"/__live/reload.js\"]') !== null")
        p.evaluate("window.__before_edit = true")   # gone once the page reloads
    _edit_body(project, "基本完成示例任务。", "基本完成示例任务，页面自动刷新。")
    until(page, "window.__before_edit === undefined && document.readyState === 'complete'")
    assert "页面自动刷新" in page.inner_text("main")
    server.wait_for(r"^rebuilt documents/yzf-2021-90\.html and \d+ search files in ")
    other.wait_for_timeout(500)
    assert other.evaluate("window.__before_edit") is True   # its page did not change
    template = project / "templates" / "document.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good.replace("{% block main %}", "{% block main %}{% if %}", 1), encoding="utf-8")
    page.wait_for_selector("#live-build-error", timeout=30_000)
    assert "template syntax error" in page.inner_text("#live-build-error")
    template.write_text(good, encoding="utf-8")   # the same page as before: the message goes, no reload
    until(page, "document.getElementById('live-build-error') === null")
    page.evaluate("window.__before_fix = true")
    _edit_body(project, "页面自动刷新。", "页面再次自动刷新。")
    until(page, "window.__before_fix === undefined && document.readyState === 'complete'")
    assert "页面再次自动刷新" in page.inner_text("main")
    assert errors == []
    context.close()


def test_the_published_site_has_no_live_reload(served):
    project, server = served
    for path in (project / "site").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js"):
            assert "__live" not in path.read_text(encoding="utf-8"), path
    assert "/__live/reload.js" in server.get("documents/yzf-2021-90.html")
