"""Hostile input stays cheap: alias bombs, deep nesting, huge numbers and files, 40,000
repeated article numbers, 20,000 rows numbered alike, a diamond lineage, runaway table
spans, a 100,000-character query. Each runs as its own process, measured with wait4:
its peak memory must stay under 500 MB, and it must end well inside a generous limit
(the figures are in `make bench`; this is not a timer)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT, copy_project

SMALL = ROOT / "tests" / "fixtures" / "small"
MEMORY_LIMIT_KB = 500 * 1024
TIME_LIMIT_S = 60          # generous: each case takes a few seconds at most on two cores


def _document(doc_id: str, body: str) -> str:
    return (f"---\nid: {doc_id}\ntitle: 宁波市人民政府关于{doc_id}的通知\ntype: 通知\nsource: sample.txt\n---\n\n"
            + body + "\n")


def _write(project: Path, rel: str, text: str) -> None:
    (project / rel).write_text(text, encoding="utf-8")


def alias_bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    return "\n".join(lines)


def lay_agencies_alias_bomb(project: Path) -> None:
    text = (project / "data" / "agencies.yaml").read_text(encoding="utf-8")
    bomb = "\n".join("    " + line for line in alias_bomb(10).split("\n"))
    _write(project, "data/agencies.yaml", text + "- id: bomb\n  name: 炸弹\n  category: 其他\n  notes:\n" + bomb + "\n")


def lay_front_matter_alias_bomb(project: Path) -> None:
    _write(project, "content/documents/yzf-2021-92.md",
           _document("yzf-2021-92", "正文。").replace("type: 通知\n", "type: 通知\nsource_lines: &i [&h [&g [&f [1, 2], *f, *f], *g, *g], *h, *h]\n"))


def lay_deep_nesting(project: Path) -> None:
    _write(project, "content/documents/yzf-2021-92.md",
           _document("yzf-2021-92", "正文。").replace("type: 通知\n", "type: 通知\nsource_lines: " + "[" * 100_000 + "]" * 100_000 + "\n"))


def lay_huge_integer(project: Path) -> None:
    _write(project, "content/documents/yzf-2021-92.md",
           _document("yzf-2021-92", "正文。").replace("type: 通知\n", "type: 通知\ngazette_page: " + "7" * 100_000 + "\n"))


def lay_sparse(rel: str, size: int):
    def lay(project: Path) -> None:
        with open(project / rel, "wb") as handle:
            handle.truncate(size)
    return lay


def lay_repeated_articles(project: Path) -> None:
    body = "\n\n".join(f"第一条 第{n}段条文，内容相同的编号。" for n in range(40_000))
    _write(project, "content/documents/yzf-2021-92.md", _document("yzf-2021-92", body))


def lay_rows_numbered_alike(project: Path) -> None:
    body = "| 序号 | 任务内容 |\n| --- | --- |\n" + "\n".join(f"| 1 | 第{n}行任务。 |" for n in range(20_000))
    _write(project, "content/documents/yzf-2021-92.md", _document("yzf-2021-92", body))


def lay_diamond_lineage(project: Path) -> None:
    """45 tasks, each derived from the next two: 2^22 paths through 88 links."""
    count = 45
    tasks = ["collection: sample-tasks", "tasks:"]
    for n in range(1, count + 1):
        tasks += [f"- number: {n}", "  domain: 示例领域", f"  text: 任务{n}。", "  lead: [市商务局]"]
    _write(project, "data/tasks/sample-tasks.yaml", "\n".join(tasks) + "\n")
    lineage = [f"sample-tasks-{n}: [sample-tasks-{n + 1}, sample-tasks-{n + 2}]" for n in range(1, count - 1)]
    _write(project, "data/lineage.yaml", "\n".join(lineage) + "\n")


def lay_table_span(attribute: str):
    def lay(project: Path) -> None:
        shutil.copy(ROOT / "data" / "doc_prefixes.yaml", project / "data")
        _write(project, "content/sources/span.txt", "宁波市人民政府关于表格的通知\n\n甬政发〔2021〕99号\n\n"
               f'专栏1 表格\t<table><tr><td {attribute}>x</td></tr><tr><td>y</td></tr></table>\n')
    return lay


BUILD = ("build",)
CASES = {
    # name: (lay the input, command, the message a failed run prints, or None: it builds)
    "agencies-alias-bomb": (lay_agencies_alias_bomb, BUILD, "YAML anchors are not allowed (&a0)"),
    "front-matter-alias-bomb": (lay_front_matter_alias_bomb, BUILD, "YAML anchors are not allowed (&i)"),
    "nesting-100000-deep": (lay_deep_nesting, BUILD, "nested more than 32 levels deep"),
    "integer-100000-digits": (lay_huge_integer, BUILD, "is too long (100000 digits)"),
    "document-50-mb": (lay_sparse("content/documents/yzf-2021-91.md", 50 * 2**20), BUILD, "the limit is 10,485,760"),
    "source-2-gb": (lay_sparse("content/sources/sample.txt", 2 * 2**30), BUILD, "the limit is 10,485,760"),
    "40000-articles-numbered-alike": (lay_repeated_articles, BUILD, None),
    "20000-rows-numbered-alike": (lay_rows_numbered_alike, BUILD, None),
    "diamond-lineage": (lay_diamond_lineage, BUILD, None),
    "colspan-50000000": (lay_table_span('colspan="50000000"'), ("import", "content/sources/span.txt", "--out", "drafts"),
                         "colspan='50000000' is out of range (1–1000)"),
    "rowspan-30000000": (lay_table_span('rowspan="30000000"'), ("import", "content/sources/span.txt", "--out", "drafts"),
                         "rowspan='30000000' is out of range (0–65534)"),
}


def measured(command: list[str], cwd: Path) -> tuple[int, float, int, str]:
    """(exit status, seconds, peak resident KB, stderr) of one process, from wait4."""
    started = time.monotonic()
    with open(cwd / ".stderr", "w+", encoding="utf-8") as stderr:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = started + TIME_LIMIT_S
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"{command} still running after {TIME_LIMIT_S} s")
            time.sleep(0.01)
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        return process.returncode, time.monotonic() - started, usage.ru_maxrss, stderr.read()


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input_is_handled_in_bounded_time_and_memory(name, tmp_path):
    lay, command, message = CASES[name]
    project = copy_project(tmp_path / "project", content_from=SMALL)
    lay(project)
    status, seconds, peak_kb, stderr = measured([sys.executable, "build.py", *command], project)
    if message is None:
        assert status == 0, stderr
    else:
        assert status == 1 and message in stderr and "Traceback" not in stderr, stderr
    assert peak_kb < MEMORY_LIMIT_KB, f"{name}: {peak_kb / 1024:.0f} MB"
    print(f"{name}: {seconds:.2f} s, {peak_kb / 1024:.0f} MB")


def test_a_query_of_100000_characters_is_answered_at_once(built_site, tmp_path):
    query = ("跨境电商" * 25_000)[:100_000]
    queries = tmp_path / "queries.json"
    queries.write_text(json.dumps([{"query": query}], ensure_ascii=False), encoding="utf-8")
    with open(queries, encoding="utf-8") as stdin:
        started = time.monotonic()
        result = subprocess.run(["node", str(ROOT / "tests" / "js" / "search_cli.js"), "search", str(built_site)],
                                stdin=stdin, capture_output=True, text=True, timeout=TIME_LIMIT_S)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0], "the query's first hundred characters still find results"
    print(f"100,000-character query: {time.monotonic() - started:.2f} s")
