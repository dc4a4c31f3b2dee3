"""`build.py serve`: serve site/ on localhost, rebuild when content changes, and reload
the open browser page when its page was rewritten.

Changes are watched with watchfiles (the operating system's file events, not a polling
loop). A failed rebuild, whatever its cause, is reported in the terminal and on the open
pages, and the watcher carries on: the last good site stays served and the next change
is built again.

Live reload is added by the server, never written into the site: each HTML page it
serves gets one <script src="/__live/reload.js"> (same origin, so the site's CSP allows
it), which listens to /__live/events (server-sent events, allowed by connect-src
'self'). After each build the server compares every open page with what it served and
tells the pages that changed to reload; a failed build's message is sent to all of them.
"""
from __future__ import annotations

import functools
import hashlib
import http.server
import io
import json
import sys
import threading
import traceback
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import watchfiles

WATCHED = ("content", "data", "templates", "static", "explorer")
DEBOUNCE_MS = 300   # edits saved together (an editor's write-and-rename) make one rebuild
LIVE = "/__live/"
KEEP_ALIVE_S = 15
RELOAD_JS = """// Served by `build.py serve` only: reloads this page when a rebuild changed it, and
// shows a failed rebuild's message.
(function () {
  "use strict";
  const page = location.pathname;
  const events = new EventSource("/__live/events?page=" + encodeURIComponent(page));
  let box = null;
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("failed", (e) => {
    if (!box) {
      box = document.createElement("pre");
      box.id = "live-build-error";
      box.setAttribute("role", "alert");
      Object.assign(box.style, { position: "fixed", inset: "auto 0 0 0", maxHeight: "50vh", overflow: "auto",
        margin: "0", padding: "1rem", background: "#5c0000", color: "#fff", font: "14px/1.5 monospace",
        whiteSpace: "pre-wrap", zIndex: "2147483647" });
      document.body.append(box);
    }
    box.textContent = "构建失败（build failed）:\\n" + JSON.parse(e.data).message;
  });
  events.addEventListener("built", () => { if (box) { box.remove(); box = null; } });
})();
"""


class LiveState:
    """What the server served (page -> hash of its bytes) and the outcome of each build."""

    def __init__(self):
        self.changed = threading.Condition()
        self.generation = 0
        self.failure: str | None = None
        self.served: dict[str, str] = {}

    def build_done(self, failure: str | None) -> None:
        with self.changed:
            self.generation += 1
            self.failure = failure
            self.changed.notify_all()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Handler(http.server.SimpleHTTPRequestHandler):
    live: LiveState

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):   # noqa: A002 - the base class's name
        pass   # the terminal is for build reports

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == LIVE + "reload.js":
            return self._send(RELOAD_JS.encode("utf-8"), "text/javascript; charset=utf-8")
        if path == LIVE + "events":
            return self._events(parse_qs(urlsplit(self.path).query).get("page", ["/"])[0])
        file = Path(self.translate_path(path))
        if file.is_dir():
            file = file / "index.html"
        if file.suffix == ".html" and file.is_file():
            data = file.read_bytes()
            self.live.served[self._page(path)] = _digest(data)
            script = f'<script src="{LIVE}reload.js"></script>'.encode("ascii")
            at = data.rfind(b"</body>")
            return self._send(data[:at] + script + data[at:] if at >= 0 else data + script, "text/html; charset=utf-8")
        return super().do_GET()

    @staticmethod
    def _page(path: str) -> str:
        path = unquote(path)
        return path + "index.html" if path.endswith("/") else path

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self, page: str) -> None:
        """Server-sent events for one open page until it goes away."""
        page = self._page(page)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        live = self.live
        seen = live.generation
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                with live.changed:
                    live.changed.wait_for(lambda: live.generation != seen, timeout=KEEP_ALIVE_S)
                    generation, failure = live.generation, live.failure
                if generation == seen:
                    self.wfile.write(b": still here\n\n")
                elif failure is not None:
                    self.wfile.write(b"event: failed\ndata: " + json.dumps({"message": failure}).encode() + b"\n\n")
                elif self._rewritten(page):
                    self.wfile.write(b"event: reload\ndata: {}\n\n")
                else:
                    self.wfile.write(b"event: built\ndata: {}\n\n")
                seen = generation
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass   # the page was closed or reloaded

    def _rewritten(self, page: str) -> bool:
        file = Path(self.translate_path(page))
        try:
            current = _digest(file.read_bytes())
        except OSError:
            return True   # gone: reloading shows the 404 page
        return self.live.served.get(page) != current


def watched_paths(root: Path) -> list[Path]:
    return [root / name for name in WATCHED if (root / name).is_dir()]


class _Tee(io.TextIOBase):
    """Writes to the terminal and keeps a copy (the open pages show a failed build's report)."""

    def __init__(self, stream):
        self.stream, self.copy = stream, io.StringIO()

    def write(self, text: str) -> int:
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


def _rebuild_safely(rebuild, live: LiveState | None = None) -> None:
    errors = _Tee(sys.stderr)
    failure = None
    try:
        with _redirect_stderr(errors):
            code = rebuild()
        if code != 0:
            failure = errors.copy.getvalue().strip() or f"exit status {code}"
            print("rebuild failed (see above); still watching, the last good site is served", flush=True)
    except Exception:   # a bug must not stop the watcher: report it and keep going
        failure = traceback.format_exc()
        traceback.print_exc()
        print("rebuild crashed (see above); still watching, the last good site is served", flush=True)
    if live is not None:
        live.build_done(failure)


def _redirect_stderr(stream):
    from contextlib import redirect_stderr
    return redirect_stderr(stream)


def watch(root: Path, rebuild, stop: threading.Event, ready: threading.Event, live: LiveState | None = None) -> None:
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
        _rebuild_safely(rebuild, live)


def serve_and_watch(root: Path, out: Path, port: int, rebuild) -> int:
    live = LiveState()
    _rebuild_safely(rebuild, live)
    stop, ready = threading.Event(), threading.Event()
    watcher = threading.Thread(target=watch, args=(root, rebuild, stop, ready, live), daemon=True)
    watcher.start()
    ready.wait(timeout=10)
    # the handler serves the folder by its link, so each request sees the newest build
    handler = type("Handler", (_Handler,), {"live": live})
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(out))) as server:
        server.daemon_threads = True   # open event streams do not hold up Ctrl-C
        print(f"serving {out.name}/ at http://127.0.0.1:{server.server_address[1]}/index.html "
              "(Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
    return 0
