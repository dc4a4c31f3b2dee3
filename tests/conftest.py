"""Shared fixtures: the project root, a site built once per session into a temp dir,
and a headless Chromium driven by Playwright (Debian's /usr/bin/chromium)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from explorer import site as pipeline

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real corpus built into a fresh folder."""
    out = tmp_path_factory.mktemp("build") / "site"
    pipeline.build(ROOT, out)
    return out


CODE = ("build.py", "explorer", "templates", "static")


def copy_project(dest: Path, content_from: Path = ROOT) -> Path:
    """A runnable project in dest: the code and theme of this one, with the content/ and
    data/ of content_from (this project, or a fixture site)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in CODE:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, dest / name)
    for name in ("content", "data"):
        shutil.copytree(content_from / name, dest / name)
    return dest


def content_tree(project: Path) -> dict[str, bytes]:
    """Every file of a project's content/ and data/, by path: what an edit may change."""
    return {p.relative_to(project).as_posix(): p.read_bytes()
            for folder in ("content", "data") for p in sorted((project / folder).rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()


FAST_MODULES = {"test_add", "test_build", "test_citations", "test_cjk", "test_fidelity", "test_forms", "test_golden",
                "test_importer", "test_intake_rules", "test_invalid", "test_layout", "test_lineage", "test_rawtext",
                "test_search", "test_tasks", "test_urls", "test_validity", "test_progress"}


def pytest_configure(config):
    config.addinivalue_line("markers", "fast: unit, fixture, golden and invalid-input tests (make test-fast)")


def pytest_collection_modifyitems(items):
    """`make test-fast` selects -m fast: the modules of unit, fixture, golden and invalid-
    input tests, less any test that drives the browser."""
    for item in items:
        if item.module.__name__.rsplit(".", 1)[-1] in FAST_MODULES and "browser" not in item.fixturenames:
            item.add_marker(pytest.mark.fast)
