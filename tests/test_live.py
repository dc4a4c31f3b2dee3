"""What `serve` holds (LiveSite): after any sequence of edits, each brought in with the
least work it allows, the served site is byte-identical to a clean build of the same
project."""
from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

import pytest

from explorer import site as pipeline
from explorer.errors import ContentErrors
from explorer.serve import LiveSite, template_uses

from .conftest import ROOT, copy_project
from .test_misuse import tree

SMALL = ROOT / "tests" / "fixtures" / "small"
RELATED = """---
id: yzf-2021-92
title: 宁波市人民政府关于废止示例通知的决定
doc_number: 甬政发〔2021〕92号
issuer: 宁波市人民政府
date: '2021-12-30'
type: 通知
source: sample.txt
repeals:
- 《宁波市人民政府关于示例任务的通知》（甬政发〔2021〕91号）
based_on:
- 《宁波市人民政府关于示例事项的通知》（甬政发〔2021〕90号）
---

各区县（市）人民政府：

经研究，决定废止甬政发〔2021〕91号文件，由市商务局负责解释。

## 一、工作要求

请认真贯彻执行。
"""


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _edits(project: Path, rng: random.Random):
    """Edits of every kind, each a (name, what the LiveSite should do, function)."""
    documents = project / "content" / "documents"
    counter = iter(range(10_000))

    def body(doc: str):
        def edit():
            with open(documents / doc, "a", encoding="utf-8") as handle:
                handle.write(f"\n补充说明{next(counter)}：请各单位认真落实。\n")
        return edit

    def heading():
        with open(documents / "yzf-2021-90.md", "a", encoding="utf-8") as handle:
            handle.write(f"\n## 补充{next(counter)}\n\n新增一节。\n")

    def title():
        path = documents / "yzf-2021-91.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^title: (.*)$", lambda m: f"title: {m.group(1)}（修订{next(counter)}）",
                               text, count=1, flags=re.M), encoding="utf-8")

    def agency():
        with open(project / "data" / "agencies.yaml", "a", encoding="utf-8") as handle:
            handle.write(f"- id: office-{next(counter)}\n  name: 示例办公室{next(counter)}\n  category: 市政府部门\n")

    spellings = ["示例管理", "工作目标", "专栏正文", "示例任务", "甬商务", "规范"]
    aliases = itertools.cycle(spellings)

    def alias():   # an alias of 市商务局 replaced by the next, most of them words of the bodies
        path = project / "data" / "agencies.yaml"
        text = re.sub(rf"(?m)^  aliases: \[({'|'.join(spellings)})\]\n", "", path.read_text(encoding="utf-8"))
        path.write_text(text.replace("  full_name: 宁波市商务局\n", f"  full_name: 宁波市商务局\n  aliases: [{next(aliases)}]\n", 1),
                        encoding="utf-8")

    def template():
        _replace(project / "templates" / "_footer.html", "</footer>", f"<!-- {next(counter)} --></footer>")

    def page_template():
        _replace(project / "templates" / "task.html", "{% block main %}", f"{{% block main %}}<!-- {next(counter)} -->")

    def static():
        with open(project / "static" / "css" / "site.css", "a", encoding="utf-8") as handle:
            handle.write(f"/* {next(counter)} */\n")

    def added():
        n = next(counter)
        (documents / f"yzf-2021-{200 + n}.md").write_text(
            RELATED.replace("yzf-2021-92", f"yzf-2021-{200 + n}").replace("〔2021〕92号", f"〔2021〕{200 + n}号"),
            encoding="utf-8")

    return [
        ("body", "rebuilt documents/yzf-2021-90.html", body("yzf-2021-90.md")),
        ("body with relations", "rebuilt documents/yzf-2021-92.html", body("yzf-2021-92.md")),
        ("body of the task document", "rebuilt documents/yzf-2021-91.html", body("yzf-2021-91.md")),
        ("a heading", "built", heading),
        ("title", "built", title),
        ("agency added", "built", agency),
        ("alias", "rebuilt", alias),
        ("shared template", "rebuilt", template),
        ("page template", "rebuilt", page_template),
        ("static", "copied static/", static),
        ("document added", "built", added),
    ]


def _changed(project: Path, before: dict[str, bytes]) -> set[Path]:
    after = _inputs(project)
    return {project / p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def _inputs(project: Path) -> dict[str, bytes]:
    return {p.relative_to(project).as_posix(): p.read_bytes()
            for folder in ("content", "data", "templates", "static") for p in (project / folder).rglob("*")
            if p.is_file()}


@pytest.mark.parametrize("seed", [1, 2])
def test_after_any_sequence_of_edits_serve_holds_what_a_clean_build_gives(tmp_path, seed):
    project = copy_project(tmp_path / "project", content_from=SMALL)
    (project / "content" / "documents" / "yzf-2021-92.md").write_text(RELATED, encoding="utf-8")
    live = LiveSite(project, project / "site")
    live.full_build()
    assert [r.target.id for r in live.built.site.documents["yzf-2021-92"].relations] == ["yzf-2021-91", "yzf-2021-90"]
    rng = random.Random(seed)
    edits = _edits(project, rng)
    sequence = edits + [rng.choice(edits) for _ in range(8)]
    rng.shuffle(sequence)
    for n, (name, expected, edit) in enumerate(sequence):
        before, shards = _inputs(project), live.built.index.shards
        edit()
        report = live.apply(_changed(project, before))
        # a body's edit is a full build only when the search's shards grew or shrank in number
        crossed = report.startswith("built") and live.built.index.shards != shards
        assert report.startswith(expected) or (expected.startswith("rebuilt documents") and crossed), (name, report)
        clean = tmp_path / f"clean-{n}"
        fresh = pipeline.build(project, clean).index.postings
        assert tree(project / "site") == tree(clean), f"after {[s[0] for s in sequence[:n + 1]]}"
        held = live.built.index.postings   # what the number of shards is worked out from, kept by each edit
        assert (held.numbers, held.token_count) == (fresh.numbers, fresh.token_count), name


def test_a_template_edit_after_a_body_edit_renders_the_page_of_the_edited_body(tmp_path):
    """The page's description is the body's opening: a template edit after the body's
    must not bring the old one back."""
    project = copy_project(tmp_path / "project", content_from=SMALL)
    live = LiveSite(project, project / "site")
    live.full_build()
    _replace(project / "content" / "documents" / "yzf-2021-90.md", "现将有关事项通知如下", "现将新的事项通知如下")
    assert live.apply({project / "content" / "documents" / "yzf-2021-90.md"}).startswith("rebuilt documents/")
    _replace(project / "templates" / "_footer.html", "</footer>", "<!-- edited --></footer>")
    assert live.apply({project / "templates" / "_footer.html"}).startswith("rebuilt")
    assert "现将新的事项通知如下" in (project / "site" / "documents" / "yzf-2021-90.html").read_text(encoding="utf-8")
    pipeline.build(project, tmp_path / "clean")
    assert tree(project / "site") == tree(tmp_path / "clean")


def test_an_alias_removed_that_a_task_names_is_reported_at_the_task(tmp_path):
    project = copy_project(tmp_path / "project", content_from=SMALL)
    agencies, tasks = project / "data" / "agencies.yaml", project / "data" / "tasks" / "sample-tasks.yaml"
    _replace(agencies, "  full_name: 宁波市商务局\n", "  full_name: 宁波市商务局\n  aliases: [市商务委]\n")
    _replace(tasks, "  lead:\n  - 市商务局\n", "  lead:\n  - 市 商务委\n")
    live = LiveSite(project, project / "site")
    live.full_build()
    good = tree(project / "site")
    _replace(agencies, "  aliases: [市商务委]\n", "")
    with pytest.raises(ContentErrors) as caught:
        live.apply({agencies})
    assert [(e.path, e.line) for e in caught.value.errors] == [("data/tasks/sample-tasks.yaml", 8)]
    assert "unknown agency '市 商务委'" in caught.value.errors[0].message
    assert tree(project / "site") == good


def test_a_failed_edit_keeps_the_last_good_site_and_the_next_good_one_builds(tmp_path):
    project = copy_project(tmp_path / "project", content_from=SMALL)
    live = LiveSite(project, project / "site")
    live.full_build()
    good = tree(project / "site")
    document = project / "content" / "documents" / "yzf-2021-90.md"
    text = document.read_text(encoding="utf-8")
    document.write_text(text + "\n见[未收录的文件](doc:no-such-doc)。\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        live.apply({document})
    assert "link to unknown document or anchor 'no-such-doc'" in str(caught.value.errors[0])
    assert tree(project / "site") == good
    document.write_text(text + "\n补充一句。\n", encoding="utf-8")
    assert live.apply({document}).startswith("built")   # after a failure, a full build
    assert live.apply({document}).startswith("rebuilt documents/yzf-2021-90.html")
    pipeline.build(project, tmp_path / "clean")
    assert tree(project / "site") == tree(tmp_path / "clean")


def test_a_template_edit_touches_the_pages_whose_templates_use_it():
    uses = template_uses(ROOT / "templates")
    pages = lambda name: sorted(k for k, v in uses.items() if name in v and not k.startswith("_"))   # noqa: E731
    assert pages("_task_table.html") == ["agency.html", "domain.html", "tasks.html"]
    assert pages("_document_table.html") == ["documents.html", "documents_year.html"]
    assert len(pages("_footer.html")) == len([k for k in uses if not k.startswith("_")])   # every page has the footer
