"""The benchmark script still runs (quickly, on the seed corpus, without the peers)."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_script_runs_on_the_seed_corpus(tmp_path):
    report = tmp_path / "REPORT.md"
    result = subprocess.run([sys.executable, "bench/run.py", "--corpora", "1", "--runs", "1", "--no-peers",
                             "--no-browser", "--report", str(report)], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    text = report.read_text(encoding="utf-8")
    assert re.search(r"\| 1× \| 26 \| \d+ \|", text)
    assert "seed corpus build ≤ 2 s wall" in text and "what every search loads first (gzip)" in text
    assert "| corpus | load | resolve | copy | render | index | check links | publish |" in text
    assert "| corpus | a document's body | an agency's alias | the base template |" in text
    assert re.search(r"1× serve: the base template ≤ the render stage of a full build — \d+\.\d+ s vs \d+\.\d+ s", text)
    assert re.search(r"1× serve: an alias ≤ the index stage of a full build — \d+\.\d+ s vs \d+\.\d+ s", text)
    assert "--full" not in text and "incremental" not in text
    assert "## Hostile input: checks that must stay linear" in text and "lineage cycle check" in text
