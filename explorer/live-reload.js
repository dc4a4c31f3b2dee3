// Served by `build.py serve` only: reloads this page when a rebuild changed it, and
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
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;margin:0;padding:1rem;" +
        "background:#5c0000;color:#fff;font:14px/1.5 monospace;white-space:pre-wrap;z-index:2147483647";
      document.body.append(box);
    }
    box.textContent = "构建失败（build failed）:\n" + JSON.parse(e.data).message;
  });
  events.addEventListener("built", () => { if (box) { box.remove(); box = null; } });
})();
