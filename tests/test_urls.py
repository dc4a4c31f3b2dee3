import posixpath

import pytest

from explorer.urls import relative_url

PATHS = ["index.html", "documents.html", "documents/a.html", "tasks/ningbo-pilot.html", "tasks/ningbo-pilot/54.html",
         "tasks/ningbo-pilot/domain-1.html", "tasks/national/3.html", "agencies/commerce.html", "data/tasks.json",
         "static/vendor/lunr-2.3.9/lunr.min.js", "sources/000_e95b9a552e043220.txt"]


@pytest.mark.parametrize("page", [p for p in PATHS if p.endswith(".html")])
def test_relative_url_is_relpath_from_the_page_folder(page):
    for target in PATHS:
        assert relative_url(page, target) == posixpath.relpath(target, posixpath.dirname(page) or ".")


def test_relative_url_keeps_the_anchor():
    assert relative_url("tasks/ningbo-pilot/54.html", "documents/yzbf-2026-11.html", "row-54") == \
        "../../documents/yzbf-2026-11.html#row-54"
