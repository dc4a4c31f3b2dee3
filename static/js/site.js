// Ningbo Policy Explorer: progressive enhancements. Everything works without this file.
"use strict";

(function documentIndex() {
  const table = document.getElementById("doc-table");
  const form = document.getElementById("doc-filters");
  if (!table || !form) return;
  const tbody = table.tBodies[0];
  const rows = Array.from(tbody.rows);
  const count = document.getElementById("doc-count");
  const fields = Array.from(form.querySelectorAll("[data-filter]"));
  const params = new URLSearchParams(window.location.search);
  for (const field of fields) {
    const value = params.get(field.name);
    if (value !== null) field.value = value;
  }
  const squeeze = (s) => s.replace(/\s+/g, "").toLowerCase();

  function apply() {
    const want = Object.fromEntries(fields.map((f) => [f.name, f.value]));
    let shown = 0;
    for (const row of rows) {
      const text = squeeze(row.dataset.title + row.dataset.number);
      const ok = (!want.type || row.dataset.type === want.type) &&
        (!want.issuer || row.dataset.issuer === want.issuer) &&
        (!want.q || text.includes(squeeze(want.q)));
      row.hidden = !ok;
      if (ok) shown += 1;
    }
    count.textContent = String(shown);
    const next = new URLSearchParams();
    for (const f of fields) if (f.value) next.set(f.name, f.value);
    const query = next.toString();
    history.replaceState(null, "", query ? "?" + query : window.location.pathname);
  }
  form.addEventListener("input", apply);
  form.addEventListener("submit", (e) => e.preventDefault());
  apply();

  for (const button of table.querySelectorAll("th button[data-sort]")) {
    button.addEventListener("click", () => {
      const th = button.parentElement;
      const key = button.dataset.sort;
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      for (const other of table.querySelectorAll("th")) other.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const sorted = rows.slice().sort((a, b) => {
        const x = a.dataset[key] || "", y = b.dataset[key] || "";
        if (!x && y) return 1;
        if (x && !y) return -1;
        return (ascending ? 1 : -1) * x.localeCompare(y, "zh-CN");
      });
      for (const row of sorted) tbody.appendChild(row);
    });
  }
})();

(function headerSearch() {
  // Until full-text search arrives, the header box filters the document index.
  const input = document.getElementById("site-search-input");
  if (!input) return;
  document.addEventListener("keydown", (e) => {
    if (e.key === "/" && document.activeElement !== input && !/INPUT|SELECT|TEXTAREA/.test(document.activeElement.tagName)) {
      e.preventDefault();
      input.focus();
    }
  });
})();
