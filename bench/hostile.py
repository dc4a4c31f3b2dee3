"""The checks that hostile input used to make quadratic or exponential, timed at 1×, 10×
and 100× the input: anchor naming (paragraphs and table rows that repeat one number) and
the lineage cycle check (a chain of diamonds: each task derived from the next two)."""
from __future__ import annotations

import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explorer import markdown  # noqa: E402
from explorer.markdown import RenderEnv, render_body  # noqa: E402
from explorer.model import Collection, Site, Task  # noqa: E402
from explorer.taskdata import _cycles  # noqa: E402
from explorer.yamllines import LineDict  # noqa: E402


def _anchor_rule_seconds(body: str) -> float:
    """Time spent in the anchor rule alone (Markdown parsing itself is markdown-it-py's)."""
    ruler = markdown._MD.core.ruler
    real, spent = next(r.fn for r in ruler.__rules__ if r.name == "anchors"), []

    def timed(state):
        started = time.perf_counter()
        real(state)
        spent.append(time.perf_counter() - started)
    ruler.at("anchors", timed)
    try:
        render_body(body, RenderEnv(source="bench", line_offset=0, resolve=lambda *_: None))
    finally:
        ruler.at("anchors", real)
    return sum(spent)


def articles(n: int) -> float:
    return _anchor_rule_seconds("\n\n".join(f"第一条 第{i}段条文。" for i in range(n)))


def rows(n: int) -> float:
    return _anchor_rule_seconds("| 序号 | 任务内容 |\n| --- | --- |\n" + "\n".join(f"| 1 | 第{i}行。 |" for i in range(n)))


def diamond(n: int) -> float:
    tasks = [Task(collection="chain", number=i, text="", domain="") for i in range(1, n + 1)]
    for i, task in enumerate(tasks):
        task.derived_from = tasks[i + 1:i + 3]
    site = Site(root=ROOT, documents={}, types={}, sources={},
                collections={"chain": Collection(id="chain", title="", document="", reader="table", tasks=tasks)})
    data = LineDict()
    started = time.perf_counter()
    assert _cycles(site, "bench", data) == []
    return time.perf_counter() - started


CHECKS = {   # name: (function, input size at 1×, what one unit is)
    "anchor naming, repeated 第一条": (articles, 400, "paragraph"),
    "anchor naming, rows numbered alike": (rows, 200, "row"),
    "lineage cycle check, diamond chain": (diamond, 45, "task"),
}


def measure(runs: int = 3) -> dict:
    """{check: [(size, median seconds, median seconds with the garbage collector paused)]}
    at 1×, 10× and 100×. Python's cyclic collector makes passes that grow with the whole
    heap, so both are given: the paused figure is the algorithm's own cost."""
    results = {}
    for name, (check, base, _) in CHECKS.items():
        points = []
        for factor in (1, 10, 100):
            n = base * factor
            with_gc = statistics.median(check(n) for _ in range(runs))
            paused = []
            for _ in range(runs):
                gc.collect()
                gc.disable()
                try:
                    paused.append(check(n))
                finally:
                    gc.enable()
            points.append((n, with_gc, statistics.median(paused)))
        results[name] = points
    return results


def report_lines(results: dict) -> list[str]:
    lines = ["| check | unit | 1× | 10× | 100× | per unit at 1× / 100× (collector paused) | per unit at 1× / 100× |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, points in results.items():
        unit = CHECKS[name][2]
        cells = [f"{n:,} {unit}s: {t * 1000:.1f} ms" for n, t, _ in points]
        paused = [p / n * 1e6 for n, _, p in points]
        on = [t / n * 1e6 for n, t, _ in points]
        lines.append(f"| {name} | {unit} | " + " | ".join(cells) +
                     f" | {paused[0]:.1f} / {paused[-1]:.1f} µs | {on[0]:.1f} / {on[-1]:.1f} µs |")
    return lines


def linear(results: dict) -> bool:
    """Per-unit cost (collector paused) at 100× within 1.5× of that at 1×."""
    return all(points[-1][2] / points[-1][0] <= 1.5 * max(points[0][2] / points[0][0], 1e-7)
               for points in results.values())


if __name__ == "__main__":
    print("\n".join(report_lines(measure())))
