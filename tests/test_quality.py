"""Shipping quality: valid HTML (Nu HTML Checker) on every page, 0 WCAG 2.1 AA violations
(axe-core) on one page of every kind in light and dark mode."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "tests" / "vendor" / "axe-core-4.14.1" / "axe.min.js"
PAGES_OF_EVERY_KIND = [
    "index.html", "documents.html", "documents/yzbf-2021-80.html", "documents/gazette-2022-01.html",
    "documents/zfl-260.html", "tasks/ningbo-pilot.html?agency=commerce&role=lead", "tasks/ningbo-pilot/54.html",
    "tasks/ningbo-pilot/domain-1.html", "tasks/ningbo-pilot/coverage.html", "agencies.html",
    "agencies/party-finance-office.html", "search.html?q=%E8%B7%A8%E5%A2%83%E7%94%B5%E5%95%86",
    "documents/years/2021.html", "data.html", "documents.html?status=in_force&sort=title-asc",
    "documents/yzf-2021-58.html", "tasks/ningbo-pilot/51.html",
    "agencies/commerce.html?role=lead&collection=ningbo-pilot", "search.html?q=%E7%94%AC%E6%94%BF%E5%8A%9E%E5%8F%91&sort=date",
]


def test_every_page_is_valid_html(built_site):
    if not VNU.exists() or shutil.which("java") is None:
        pytest.fail("vnu.jar or java is missing: run `make test`, which installs both")
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--skip-non-html", "--format", "gnu",
                             str(built_site)], capture_output=True, text=True, timeout=300)
    errors = [line for line in result.stderr.splitlines() + result.stdout.splitlines() if "error" in line]
    pages = len(list(built_site.rglob("*.html")))
    print(f"Nu HTML Checker: {len(errors)} errors on {pages} pages")
    assert errors == [] and result.returncode == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_of_every_kind_have_no_wcag_aa_violations(browser, built_site, scheme):
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)   # to inject axe
    found = {}
    for name in PAGES_OF_EVERY_KIND:
        page = context.new_page()
        page.goto(built_site.as_uri() + "/" + name)
        if name.startswith("search"):
            page.wait_for_selector("#search-results[data-ready=true]", state="attached")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run({runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        if violations:
            found[name] = violations
        page.close()
    context.close()
    assert found == {}
