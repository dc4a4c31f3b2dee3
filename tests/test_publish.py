"""Publishing: the site works under any sub-path over HTTP and from file://, fetches nothing
from outside itself, and carries what GitHub Pages needs."""
import functools
import http.server
import re
import shutil
import threading
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import urlopen

import pytest
import yaml

from explorer.publish import write_file
from explorer import site as pipeline

ROOT = Path(__file__).resolve().parent.parent
SUB_PATH = "/policy-explorer/"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) and tag != "base":
                self.links.append(attrs[name])


def crawl(start: str, fetch) -> tuple[int, list[str]]:
    """Breadth-first over every page reachable from start; returns (pages, problems)."""
    seen, problems, queue, parsed = set(), [], deque([start]), {}
    prefix = start.rsplit("/", 1)[0] + "/"
    anchors = []
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        body = fetch(url)
        if body is None:
            problems.append(f"missing: {url}")
            continue
        if not url.endswith(".html"):
            continue
        page = _Links()
        page.feed(body.decode("utf-8"))
        parsed[url] = page
        for link in page.links:
            target, fragment = urldefrag(urljoin(url, link))
            if urlsplit(target).scheme in ("http", "https", "file") and not target.startswith(prefix):
                if link.startswith(("http://", "https://")):
                    continue  # a reader may follow a link away; checked in the browser test
                problems.append(f"outside the site: {link} on {url}")
                continue
            target = target.split("?")[0]
            if target.endswith("/"):
                problems.append(f"directory link: {link} on {url}")
                continue
            if fragment:
                anchors.append((url, target, fragment))
            queue.append(target)
    for source, target, fragment in anchors:
        if target in parsed and fragment not in parsed[target].ids:
            problems.append(f"broken anchor: {target}#{fragment} on {source}")
    return len(parsed), problems


@pytest.fixture(scope="module")
def served(built_site, tmp_path_factory):
    """site/ served over HTTP under a sub-path, as GitHub Pages serves a project site."""
    docroot = tmp_path_factory.mktemp("http")
    shutil.copytree(built_site, docroot / SUB_PATH.strip("/"))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(docroot))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    server.shutdown()


def _http_fetch(url):
    try:
        with urlopen(url, timeout=10) as response:
            return response.read()
    except HTTPError:
        return None


def test_every_page_and_asset_resolves_under_a_sub_path_over_http(served, built_site):
    pages, problems = crawl(served + "index.html", _http_fetch)
    print(f"crawled {pages} pages under {SUB_PATH} over HTTP")
    assert problems == []
    assert pages == len(list(built_site.rglob("*.html"))) - 1   # every page but the 404 is reachable


def test_every_page_and_asset_resolves_from_file_urls(built_site):
    def fetch(url):
        path = Path(urlsplit(url).path)
        return path.read_bytes() if path.is_file() else None
    pages, problems = crawl(built_site.as_uri() + "/index.html", fetch)
    print(f"crawled {pages} pages from file://")
    assert problems == [] and pages == len(list(built_site.rglob("*.html"))) - 1


def test_no_page_requests_anything_outside_the_site(browser, served):
    context = browser.new_context()
    requests = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    for name in ("index.html", "documents/yzbf-2026-11.html", "tasks/ningbo-pilot.html?agency=commerce",
                 "agencies/commerce.html", "search.html?q=%E8%B7%A8%E5%A2%83"):
        page.goto(served + name)
        page.wait_for_load_state("networkidle")
    page.goto(served + "index.html")   # the search page has its own box; every other page the header's
    page.focus("#site-search-input")
    page.keyboard.type("海关")
    page.wait_for_selector("#search-suggestions a.result")
    context.close()
    outside = [u for u in requests if not u.startswith(served)]
    print(f"{len(requests)} requests, {len(outside)} outside the site")
    assert outside == [] and len(requests) > 10


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """As GitHub Pages serves a project site: a missing path gets the site's 404.html."""

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / SUB_PATH.strip("/") / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_404_page_works_two_folders_below_the_site_root(browser, root, tmp_path):
    docroot = tmp_path / "pages"
    docroot.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_PagesHandler, directory=str(docroot)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    try:
        pipeline.build(root, docroot / SUB_PATH.strip("/"), site_url=base)
        page = browser.new_page()
        messages, failures = [], []
        page.on("console", lambda m: messages.append(m.text))
        page.on("response", lambda r: failures.append(r.url) if r.status >= 400 else None)
        response = page.goto(base + "documents/no-such/page.html")
        page.wait_for_load_state("networkidle")
        assert response.status == 404
        assert page.locator("h1").inner_text() == "页面不存在"
        # the site's stylesheet applied: the header is laid out by it, not by the browser's defaults
        assert page.evaluate("[...document.styleSheets].some(s => s.href && s.href.endsWith('static/css/site.css') "
                             "&& s.cssRules.length > 10)")
        home = page.locator("main a", has_text="返回首页")
        assert home.evaluate("a => a.href") == base + "index.html"
        home.click()
        page.wait_for_load_state()
        assert page.url == base + "index.html" and page.title().startswith("宁波政策文件库")
        assert not [m for m in messages if "Refused" in m or "Content Security Policy" in m], messages
        # nothing failed but the missing page itself (and the browser's own favicon guess)
        assert [u for u in failures if not u.endswith("/favicon.ico")] == [base + "documents/no-such/page.html"]
        page.close()
    finally:
        server.shutdown()


def test_sitemap_and_robots_use_the_configured_site_url(root, tmp_path):
    pipeline.build(root, tmp_path / "site", site_url="https://example.github.io/policy-explorer/")
    sitemap = (tmp_path / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.github.io/policy-explorer/documents/zfl-260.html</loc>" in sitemap
    assert "404.html" not in sitemap
    robots = (tmp_path / "site" / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://example.github.io/policy-explorer/sitemap.xml" in robots
    not_found = (tmp_path / "site" / "404.html").read_text(encoding="utf-8")
    assert '<base href="https://example.github.io/policy-explorer/">' in not_found


def test_without_a_site_url_the_site_stays_relative(built_site):
    assert not (built_site / "sitemap.xml").exists()
    assert "Sitemap" not in (built_site / "robots.txt").read_text(encoding="utf-8")
    assert (built_site / ".nojekyll").exists() and (built_site / "404.html").exists()
    assert "<base" not in (built_site / "404.html").read_text(encoding="utf-8")


def test_pages_workflow_builds_with_make_site_and_deploys_with_the_official_actions(root):
    workflow = yaml.safe_load((root / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps + workflow["jobs"]["deploy"]["steps"]]
    assert {"actions/upload-pages-artifact", "actions/deploy-pages", "actions/configure-pages"} <= set(uses)
    assert any(s.get("run") == "make site" for s in steps)
    assert next(s for s in steps if "upload-pages-artifact" in s.get("uses", ""))["with"]["path"] == "site"


def test_pages_workflow_pins_actions_by_commit_and_grants_each_job_only_what_it_uses(root):
    text = (root / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert all("run" not in step for step in jobs["deploy"]["steps"])
    for line in text.splitlines():
        if line.strip().startswith(("uses:", "- uses:")):
            assert re.search(r"uses: [\w-]+/[\w-]+@[0-9a-f]{40}  # v\d+\.\d+\.\d+$", line), line
    checkout = next(s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False


def test_requirements_are_installed_by_hash(root):
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    for name in ("requirements.txt", "requirements-dev.txt"):
        assert f"--require-hashes -r {name}" in makefile
        pinned = (root / name).read_text(encoding="utf-8")
        packages = re.findall(r"^([a-z0-9_.-]+)==[^ ]+ \\$", pinned, re.M | re.I)
        assert packages and len(packages) == len(re.findall(r"^[^ #\n]", pinned, re.M))
        for block in re.split(r"\n(?=[a-z])", pinned, flags=re.I)[1:]:
            assert "--hash=sha256:" in block, block.splitlines()[0]


def test_a_build_publishing_leaves_the_folder_of_a_build_still_running_and_the_next_removes_it(tmp_path):
    from explorer import publish
    out = tmp_path / "site"
    early, late = publish.Staging(out), publish.Staging(out)
    (late.folder / "page.html").write_text("B", encoding="utf-8")
    early.publish()
    assert late.folder.is_dir()   # still running: its folder is left alone
    late.publish()
    early.close()
    late.close()
    assert out.resolve() == late.folder and (out / "page.html").read_text(encoding="utf-8") == "B"
    assert early.folder.is_dir()   # published before, and held then: the next build removes it
    third = publish.Staging(out)
    third.publish()
    third.close()
    assert sorted(p.name for p in publish.builds_folder(out).iterdir()) == [".lock", third.folder.name]


def test_a_file_written_over_holds_the_new_text_alone(tmp_path):
    write_file(tmp_path, "documents/a.html", "旧的很长的页面" * 100)
    write_file(tmp_path, "documents/a.html", "新页")
    assert (tmp_path / "documents" / "a.html").read_bytes() == "新页".encode("utf-8")
