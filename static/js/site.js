// Ningbo Policy Explorer: progressive enhancements. Every page is complete without this file.
"use strict";

const squeeze = (s) => s.replace(/\s+/g, "").toLowerCase();

// Filters whose state lives in the URL query (?agency=…&role=lead), so a filtered view
// can be shared; each form names its table, its count and how a row matches.
function urlFilters(form, rows, count, matches) {
  const fields = Array.from(form.querySelectorAll("[data-filter]"));
  const params = new URLSearchParams(window.location.search);
  for (const field of fields) {
    const value = params.get(field.name);
    if (value === null) continue;
    if (field.type === "checkbox") field.checked = value === field.value;
    else field.value = value;
  }
  const state = () => Object.fromEntries(fields.map((f) => [f.name, f.type === "checkbox" ? (f.checked ? f.value : "") : f.value]));
  function apply() {
    const want = state();
    let shown = 0;
    for (const row of rows) {
      const ok = matches(row, want);
      row.hidden = !ok;
      if (ok && !row.dataset.gap) shown += 1;
    }
    count.textContent = String(shown);
    const next = new URLSearchParams();
    for (const [name, value] of Object.entries(want)) if (value) next.set(name, value);
    const query = next.toString();
    history.replaceState(null, "", query ? "?" + query : window.location.pathname);
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", (e) => e.preventDefault());
  apply();
}

(function documentIndex() {
  const table = document.getElementById("doc-table");
  const form = document.getElementById("doc-filters");
  if (!table || !form) return;
  urlFilters(form, Array.from(table.tBodies[0].rows), document.getElementById("doc-count"), (row, want) =>
    (!want.type || row.dataset.type === want.type) &&
    (!want.issuer || row.dataset.issuer === want.issuer) &&
    (!want.status || row.dataset.status === want.status) &&
    (!want.q || squeeze(row.dataset.title + row.dataset.number).includes(squeeze(want.q))));
})();

(function taskIndex() {
  const form = document.getElementById("task-filters");
  if (!form) return;
  const table = document.querySelector(".task-table");
  const words = (s) => (s ? s.split(" ") : []);
  urlFilters(form, Array.from(table.tBodies[0].rows), document.getElementById("task-count"), (row, want) => {
    const filtering = want.agency || want.domain || want.flagged || want.scope;
    if (row.dataset.gap) return !filtering;
    if (want.agency) {
      const has = (role) => words(row.dataset[role]).includes(want.agency);
      if (want.role ? !has(want.role) : !(has("lead") || has("support") || has("guide"))) return false;
    } else if (want.role) {
      return false;  // a role without an agency selects nothing meaningful; show none
    }
    if (want.domain && row.dataset.domain !== want.domain) return false;
    if (want.flagged && row.dataset.flagged !== "1") return false;
    if (want.scope === "-" ? row.dataset.scope !== "" : want.scope && row.dataset.scope !== want.scope) return false;
    return true;
  });
})();

(function sortableTables() {
  for (const table of document.querySelectorAll("table.sortable")) {
    const tbody = table.tBodies[0];
    for (const button of table.querySelectorAll("th button[data-sort]")) {
      button.addEventListener("click", () => {
        const th = button.parentElement;
        const key = button.dataset.sort;
        const numeric = button.dataset.numeric === "1";
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        for (const other of table.querySelectorAll("th")) other.removeAttribute("aria-sort");
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const rows = Array.from(tbody.rows).sort((a, b) => {
          const x = a.dataset[key] || "", y = b.dataset[key] || "";
          if (numeric) return (ascending ? 1 : -1) * (Number(x) - Number(y));
          if (!x && y) return 1;
          if (x && !y) return -1;
          return (ascending ? 1 : -1) * x.localeCompare(y, "zh-CN");
        });
        for (const row of rows) tbody.appendChild(row);
      });
    }
  }
})();

// The words a search result was opened for (?hl=…), highlighted in the page's text, with
// a button that clears them (and the parameter, so a shared link is clean).
(function highlightSearchedWords() {
  const query = new URLSearchParams(window.location.search).get("hl");
  const main = document.getElementById("main");
  if (!query || !main) return;
  const words = [...new Set(query.normalize("NFKC").toLowerCase().split(/\s+/))]
    .filter((w) => w.length >= 2).slice(0, 10).sort((a, b) => b.length - a.length);
  if (!words.length) return;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  const marks = [];
  for (const node of nodes) {
    const text = node.data.toLowerCase();
    const hits = [];
    for (const word of words) {
      for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) {
        if (!hits.some(([s, e]) => at < e && at + word.length > s)) hits.push([at, at + word.length]);
      }
    }
    if (!hits.length) continue;
    hits.sort((a, b) => a[0] - b[0]);
    const parts = [];
    let last = 0;
    for (const [start, end] of hits) {
      parts.push(document.createTextNode(node.data.slice(last, start)));
      const mark = document.createElement("mark");
      mark.className = "search-hit";
      mark.textContent = node.data.slice(start, end);
      parts.push(mark);
      marks.push(mark);
      last = end;
    }
    parts.push(document.createTextNode(node.data.slice(last)));
    node.replaceWith(...parts);
  }
  if (!marks.length) return;
  const bar = document.createElement("p");
  bar.className = "search-hl";
  bar.setAttribute("role", "status");
  bar.append("已高亮搜索词“" + words.join(" ") + "”，共 " + marks.length + " 处 ");
  const clear = document.createElement("button");
  clear.type = "button";
  clear.textContent = "清除高亮";
  clear.addEventListener("click", () => {
    for (const mark of marks) mark.replaceWith(document.createTextNode(mark.textContent));
    main.normalize();
    bar.remove();
    const params = new URLSearchParams(window.location.search);
    params.delete("hl");
    const rest = params.toString();
    history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : "") + window.location.hash);
  });
  bar.append(clear);
  main.prepend(bar);
  if (!window.location.hash) marks[0].scrollIntoView({ block: "center" });
})();
