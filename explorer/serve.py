"""`build.py serve`: serve site/ on localhost and rebuild when content changes."""
from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

WATCHED = ("content", "data", "templates", "static", "explorer")


def _snapshot(root: Path) -> dict[str, float]:
    stamps = {}
    for folder in WATCHED:
        for path in (root / folder).rglob("*"):
            if path.is_file():
                stamps[str(path)] = path.stat().st_mtime
    return stamps


def _watch(root: Path, rebuild, interval: float = 1.0) -> None:
    seen = _snapshot(root)
    while True:
        time.sleep(interval)
        now = _snapshot(root)
        if now != seen:
            seen = now
            print("change detected; rebuilding", flush=True)
            rebuild()


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def serve_and_watch(root: Path, out: Path, port: int, rebuild) -> int:
    if rebuild() != 0 and not out.exists():
        return 1
    threading.Thread(target=_watch, args=(root, rebuild), daemon=True).start()
    handler = functools.partial(_Handler, directory=str(out))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"serving {out} at http://127.0.0.1:{port}/index.html (Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0
