"""`build.py serve`: serve site/ on localhost and rebuild when content changes.

Changes are watched with watchfiles (the operating system's file events, not a polling
loop). A failed rebuild, whatever its cause, is reported and the watcher carries on: the
last good site stays served and the next change is built again.
"""
from __future__ import annotations

import functools
import http.server
import threading
import traceback
from pathlib import Path

import watchfiles

WATCHED = ("content", "data", "templates", "static", "explorer")
DEBOUNCE_MS = 300   # edits saved together (an editor's write-and-rename) make one rebuild


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):   # noqa: A002 - the base class's name
        pass   # the terminal is for build reports


def watched_paths(root: Path) -> list[Path]:
    return [root / name for name in WATCHED if (root / name).is_dir()]


def _rebuild_safely(rebuild) -> None:
    try:
        if rebuild() != 0:
            print("rebuild failed (see above); still watching, the last good site is served", flush=True)
    except Exception:   # a bug must not stop the watcher: report it and keep going
        traceback.print_exc()
        print("rebuild crashed (see above); still watching, the last good site is served", flush=True)


def watch(root: Path, rebuild, stop: threading.Event, ready: threading.Event) -> None:
    """Rebuild after each batch of changes until stop is set; ready is set once the
    operating system watches the folders (an edit before that would be missed)."""
    for changes in watchfiles.watch(*watched_paths(root), debounce=DEBOUNCE_MS, step=50, stop_event=stop,
                                    rust_timeout=100, yield_on_timeout=True, raise_interrupt=False):
        ready.set()
        if not changes:
            continue
        names = sorted({Path(p).name for _, p in changes})
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        print(f"changed: {shown}; rebuilding", flush=True)
        _rebuild_safely(rebuild)


def serve_and_watch(root: Path, out: Path, port: int, rebuild) -> int:
    _rebuild_safely(rebuild)
    stop, ready = threading.Event(), threading.Event()
    watcher = threading.Thread(target=watch, args=(root, rebuild, stop, ready), daemon=True)
    watcher.start()
    ready.wait(timeout=10)
    # the handler serves the folder by its link, so each request sees the newest build
    handler = functools.partial(_Handler, directory=str(out))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"serving {out.name}/ at http://127.0.0.1:{server.server_address[1]}/index.html "
              "(Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
    return 0
