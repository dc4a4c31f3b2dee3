// Ningbo Policy Explorer: progressive enhancements. Every page is complete without this file.
"use strict";

const { squeeze, canonicalYears, numberQuery } = window.PolicyText;

// Filters whose state lives in the URL query (?agency=…&role=lead), so a filtered view
// can be shared; each form names its table, its count and how a row matches. Each option
// of a select counts the rows it would leave with the other filters as they are (a
// facet's count), and a filter that leaves nothing says so, with a way back.
// rows: an array the caller may refill (then it calls the returned apply()); options:
// before(want) runs first (a sort), after(want) last; pageSize shows the first rows that
// match and more (a button) the next ones.
function urlFilters(form, rows, count, matches, options = {}) {
  const { before, after, pageSize, more } = options;
  let limit = pageSize || Infinity;
  const fields = Array.from(form.querySelectorAll("[data-filter]"));
  const params = new URLSearchParams(window.location.search);
  for (const field of fields) {
    const value = params.get(field.name);
    if (value === null) continue;
    if (field.type === "checkbox") field.checked = value === field.value;
    else field.value = value;
  }
  const empty = document.querySelector(`[data-reset="${form.id}"]`);
  if (empty) {
    empty.addEventListener("click", () => {
      for (const field of fields) {
        if (field.type === "checkbox") field.checked = false;
        else if (field.type !== "hidden") field.value = "";
      }
      apply();
    });
  }
  const counted = Array.from(form.querySelectorAll("select[data-count]"));
  for (const select of counted) {
    for (const option of select.options) option.dataset.label = option.value ? option.textContent.replace(/（\d+）$/, "") : "";
  }
  const state = () => Object.fromEntries(fields.map((f) => [f.name, f.type === "checkbox" ? (f.checked ? f.value : "") : f.value]));
  function apply(event) {
    const want = state();
    if (event && event.type !== "more") limit = pageSize || Infinity;   // a new filter starts at its first page
    if (before) before(want);
    let shown = 0;
    for (const row of rows) {
      const ok = matches(row, want);
      row.hidden = !ok || shown >= limit;
      if (ok && !row.dataset.gap) shown += 1;
    }
    count.textContent = String(shown);
    if (more) {
      more.hidden = shown <= limit;
      more.textContent = `显示更多（还有 ${shown - limit} 篇）`;
    }
    if (empty) empty.parentElement.hidden = shown > 0;
    for (const select of counted) {
      const others = { ...want, [select.name]: "" };
      const left = rows.filter((row) => !row.dataset.gap && matches(row, others));
      for (const option of select.options) {
        if (!option.value) continue;
        const n = left.filter((row) => matches(row, { ...others, [select.name]: option.value })).length;
        option.textContent = `${option.dataset.label}（${n}）`;
      }
    }
    const next = new URLSearchParams();
    for (const [name, value] of Object.entries(want)) if (value) next.set(name, value);
    const query = next.toString();
    history.replaceState(null, "", (query ? "?" + query : window.location.pathname) + window.location.hash);
    if (after) after(want);
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", (e) => e.preventDefault());
  if (more) more.addEventListener("click", () => { limit += pageSize; apply({ type: "more" }); });
  apply();
  return apply;
}

// On a phone a filter panel folds away, unless the page was opened with some filter set.
function foldOnPhones(panel) {
  if (panel && window.matchMedia("(max-width: 40rem)").matches && !new URLSearchParams(window.location.search).toString()) {
    panel.open = false;
  }
}

(function documentIndex() {
  const table = document.getElementById("doc-table");
  const form = document.getElementById("doc-filters");
  if (!table || !form) return;
  const normalized = (s) => squeeze(canonicalYears(s.normalize("NFKC"))).toLowerCase();
  const matchesNumber = (row, number) => row.dataset.numberSeq === String(Number(number.seq)) &&
    (!number.year || row.dataset.numberYear === number.year) && normalized(row.dataset.number).includes(normalized(number.prefix));
  let parsed = [null, null];   // the last query and its number, parsed once per change
  const numberOf = (q) => (parsed[0] === q ? parsed[1] : (parsed = [q, numberQuery(q)])[1]);
  const rows = Array.from(table.tBodies[0].rows);
  const sorting = sortable(table, form.elements.sort, rows);
  // the box looks in titles and numbers; the words may be in the texts: a way on to the search
  const fullText = document.getElementById("doc-fulltext");
  function offerFullText(want) {
    const q = (want.q || "").trim();
    fullText.hidden = !q;
    if (!q) return;
    const link = fullText.querySelector("a");
    link.href = link.getAttribute("href").split("?")[0] + "?q=" + encodeURIComponent(q);
    link.querySelector("span").textContent = q;
  }
  const apply = urlFilters(form, rows, document.getElementById("doc-count"), (row, want) => {
    if (want.type && row.dataset.type !== want.type) return false;
    if (want.issuer && !row.dataset.issuers.split("|").includes(want.issuer)) return false;
    if (want.year && row.dataset.year !== want.year) return false;
    if (want.status && row.dataset.status !== want.status) return false;
    if (want.topic && row.dataset.topic !== want.topic) return false;
    if (!want.q) return true;
    const number = numberOf(want.q);
    return (number !== null && matchesNumber(row, number)) ||
      normalized(row.dataset.title + row.dataset.number).includes(normalized(want.q));
  }, { before: (want) => sorting(want.sort), after: offerFullText, pageSize: Number(table.dataset.page),
        more: document.getElementById("doc-more") });
  // the page lists the newest documents; the rest come in a file of their own, as rows alike
  if (!table.dataset.rest) return;
  const script = document.createElement("script");
  script.src = table.dataset.rest;
  script.addEventListener("load", () => {
    // rows rendered by the build from the page's own row template (_document_table.html)
    const holder = document.createElement("template");
    holder.innerHTML = window.PolicyLists.documents.rows.slice(rows.length).join("");
    const made = Array.from(holder.content.querySelectorAll("tr"));
    table.tBodies[0].append(...made);
    rows.push(...made);
    delete window.PolicyLists.documents;
    apply({ type: "more" });
  });
  document.head.append(script);
})();

(function taskIndex() {
  const form = document.getElementById("task-filters");
  if (!form) return;
  const table = document.querySelector(".task-table");
  const rows = Array.from(table.tBodies[0].rows);
  const words = (s) => (s ? s.split(" ") : []);
  const summary = document.getElementById("task-summary");
  const csv = document.getElementById("task-csv");
  const panel = form.closest("details");
  const chosen = (name) => {
    const field = form.elements[name];
    if (!field || !field.value || (field.type === "checkbox" && !field.checked)) return "";
    return field.tagName === "SELECT" ? field.selectedOptions[0].textContent : field.value;
  };
  // What the filters show, in words (printed at the head of the list too).
  function describe(want) {
    const parts = [];
    if (want.agency) parts.push(`单位：${chosen("agency")}` + (want.role ? `（${chosen("role")}）` : "（牵头或配合）"));
    if (want.domain) parts.push(`领域：${want.domain}`);
    if (want.flagged) parts.push("仅▲专项任务");
    if (want.scope) parts.push(`适用范围：${chosen("scope")}`);
    const shown = rows.filter((row) => !row.hidden && !row.dataset.gap).length;
    summary.textContent = `${summary.dataset.collection}` + (parts.length ? `，${parts.join("，")}` : "") +
      `：显示 ${shown} 项，共 ${summary.dataset.total} 项`;
    if (csv) {
      csv.dataset.filters = parts.join("，");
      csv.textContent = `下载所显示的 ${shown} 项任务（CSV）`;
      csv.hidden = shown === 0;
    }
  }
  urlFilters(form, rows, document.getElementById("task-count"), (row, want) => {
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
  }, { after: describe });
  foldOnPhones(panel);
  if (csv) {
    csv.addEventListener("click", () => {
      const shownRows = rows.filter((row) => !row.hidden && !row.dataset.gap);
      const filters = csv.dataset.filters ? csv.dataset.filters.replace(/[\\/:*?"<>|]/g, "") + "，" : "";
      downloadTaskRows(shownRows, `${summary.dataset.collection}（${filters}${shownRows.length}项）.csv`);
    });
  }
})();

// On a phone the table of contents is not a box above the title: a button that stays in
// view opens it over the page; following an entry, Escape or the button again close it.
(function tableOfContents() {
  const column = document.querySelector(".toc-column");
  const toc = column && column.querySelector(".toc");
  if (!toc) return;
  const narrow = window.matchMedia("(max-width: 63.99rem)");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "toc-toggle";
  button.textContent = "目录";
  button.setAttribute("aria-expanded", "false");
  toc.id = toc.id || "toc";
  button.setAttribute("aria-controls", toc.id);
  const close = () => { column.classList.remove("toc-open"); button.setAttribute("aria-expanded", "false"); };
  button.addEventListener("click", () => {
    const open = column.classList.toggle("toc-open");
    button.setAttribute("aria-expanded", String(open));
    if (open) toc.querySelector("a").focus();
  });
  toc.addEventListener("click", (e) => { if (e.target.closest("a")) close(); });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && column.classList.contains("toc-open")) { close(); button.focus(); }
  });
  const fit = () => { column.classList.toggle("toc-folded", narrow.matches); if (!narrow.matches) close(); };
  narrow.addEventListener("change", fit);
  fit();
  document.body.append(button);
})();

// Back to the top of a long page, once the reader is a few screens down.
(function backToTop() {
  if (document.documentElement.scrollHeight < window.innerHeight * 4) return;
  const link = document.createElement("a");
  link.className = "back-to-top";
  link.href = "#top";
  link.textContent = "↑ 回到顶部";
  link.hidden = true;
  link.addEventListener("click", (e) => { e.preventDefault(); window.scrollTo({ top: 0 }); document.getElementById("main").focus({ preventScroll: true }); });
  document.body.append(link);
  const update = () => { link.hidden = window.scrollY < window.innerHeight * 2; };
  window.addEventListener("scroll", update, { passive: true });
  update();
})();

// Tables sorted by a click on a column's head. With a field (the document index's hidden
// "sort"), the order is kept there as "title-asc", so the URL keeps it; sortable() returns
// the function that puts a table in the order such a value names.
function sortable(table, field, rows) {
  const tbody = table.tBodies[0];
  const original = rows || Array.from(tbody.rows);
  let current = null;
  let sorted = 0;   // rows in the order current names
  function sortBy(value) {
    if ((value || "") === (current || "") && sorted === original.length) return;
    current = value || "";
    sorted = original.length;
    const [key, direction] = current.split("-");
    const button = key && table.querySelector(`th button[data-sort="${key}"]`);
    for (const th of table.querySelectorAll("th")) th.removeAttribute("aria-sort");
    if (!button) {   // the order the page came in
      table.querySelector("th").setAttribute("aria-sort", "descending");
      for (const row of original) tbody.appendChild(row);
      return;
    }
    const ascending = direction !== "desc";
    button.parentElement.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const numeric = button.dataset.numeric === "1";
    const rows = original.slice().sort((a, b) => {
      const x = a.dataset[key] || "", y = b.dataset[key] || "";
      if (numeric) return (ascending ? 1 : -1) * (Number(x) - Number(y));
      if (!x && y) return 1;
      if (x && !y) return -1;
      return (ascending ? 1 : -1) * x.localeCompare(y, "zh-CN");
    });
    for (const row of rows) tbody.appendChild(row);
  }
  for (const button of table.querySelectorAll("th button[data-sort]")) {
    button.addEventListener("click", () => {
      const ascending = button.parentElement.getAttribute("aria-sort") !== "ascending";
      const value = `${button.dataset.sort}-${ascending ? "asc" : "desc"}`;
      if (field) {
        field.value = value;
        field.dispatchEvent(new Event("change", { bubbles: true }));
      } else {
        sortBy(value);
      }
    });
  }
  return sortBy;
}

for (const table of document.querySelectorAll("table.sortable:not([data-sort-field])")) sortable(table, null, null);

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

// The rows of task tables as CSV: the rows' collections' CSV files are loaded (the build
// writes them with render.task_csv_row, the rows of data/tasks.csv), then the rows shown
// are written out, each after the columns `before` gives it, UTF-8 with a BOM for Excel.
async function downloadTaskRows(rows, fileName, extra = { head: [], of: () => [] }) {
  const loaded = (src) => new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error("could not load " + src));
    document.head.append(script);
  });
  await Promise.all([...new Set(rows.map((row) => row.dataset.csv))].map(loaded));
  const lists = window.PolicyLists;
  const data = Object.keys(lists).filter((name) => name.startsWith("tasks-csv/")).map((name) => lists[name]);
  const quote = (s) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [[...extra.head, ...data[0].head].map(quote).join(",")];
  for (const row of rows) {
    const values = data.map((d) => d.rows[row.dataset.task]).find(Boolean);
    lines.push([...extra.of(row), ...values].map(quote).join(","));
  }
  const blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// Long tables (a task table has a link in every row): a link past each, for the keyboard.
(function skipLongTables() {
  document.querySelectorAll(".table-wrap").forEach((wrap, n) => {
    if (wrap.querySelectorAll("a, button, input").length < 40) return;
    const after = document.createElement("span");
    after.id = `after-table-${n + 1}`;
    after.tabIndex = -1;
    wrap.after(after);
    const skip = document.createElement("a");
    skip.className = "skip-table";
    skip.href = "#" + after.id;
    skip.textContent = "跳过此表";
    wrap.before(skip);
  });
})();

// An agency's work list: every role and every collection, filtered by role, collection
// and domain (in the address, as a task list's filters); the tables, collections and roles
// left empty fold away; the CSV holds the tasks shown.
(function agencyWorkList() {
  const button = document.getElementById("agency-csv");
  const form = document.getElementById("agency-filters");
  if (!button) return;
  const rows = [...document.querySelectorAll(".role-tasks tr[data-task]")];
  for (const row of rows) {
    row.dataset.role = row.closest(".role-tasks").dataset.key;
    row.dataset.collection = row.closest(".agency-set").dataset.collection;
  }
  const summary = document.getElementById("agency-summary");
  const chosen = (name) => (form.elements[name] && form.elements[name].value ?
    form.elements[name].selectedOptions[0].dataset.label : "");
  const filtered = () => (form ? ["role", "collection", "domain"].map(chosen).filter(Boolean) : []);
  function fold() {
    const shown = (box) => box.querySelector("tr[data-task]:not([hidden])") !== null;
    for (const wrap of document.querySelectorAll(".role-tasks .table-wrap")) {
      wrap.hidden = !shown(wrap);
      const skip = wrap.previousElementSibling;
      if (skip && skip.classList.contains("skip-table")) skip.hidden = wrap.hidden;
    }
    for (const box of document.querySelectorAll(".agency-set, .role-tasks")) box.hidden = !shown(box);
    for (const section of document.querySelectorAll("section:has(> .role-tasks)")) section.hidden = !shown(section);
    const n = rows.filter((row) => !row.hidden).length;
    const words = filtered();
    const total = Number(summary.dataset.total);
    summary.textContent = `${summary.dataset.name}的任务` + (words.length ? `，${words.join("，")}：显示 ${n} 项，共 ${total} 项` : `：共 ${total} 项`);
    button.textContent = words.length ? `下载所显示的 ${n} 项任务（CSV）` : `下载本单位的全部任务（CSV：${total} 项，各清单合一）`;
    button.hidden = n === 0;
  }
  if (form) {   // a unit with one kind of task has nothing to filter
    urlFilters(form, rows, document.getElementById("agency-count"), (row, want) =>
      (!want.role || row.dataset.role === want.role) && (!want.collection || row.dataset.collection === want.collection) &&
      (!want.domain || row.dataset.domain === want.domain), { after: fold });
    foldOnPhones(form.closest("details"));
  }
  button.addEventListener("click", () => {
    const shown = rows.filter((row) => !row.hidden);
    const words = filtered().join("，").replace(/[\\/:*?"<>|]/g, "");
    const role = (row) => [row.closest(".role-tasks").dataset.role];
    downloadTaskRows(shown, `${button.dataset.name}的任务（${words ? words + "，" : ""}${shown.length}项）.csv`,
      { head: ["角色"], of: role });
  });
})();

// 复制引用: 《标题》（文号）, and 第X条 when an article is open (#article-8), with the link.
(function citeButton() {
  const button = document.querySelector(".cite-button");
  if (!button) return;
  button.hidden = false;
  const status = button.parentElement.querySelector(".cite-status");
  button.addEventListener("click", async () => {
    const { title, number } = button.dataset;
    const opened = /^#article-/.test(window.location.hash) && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    const label = opened ? (opened.querySelector(".permalink-lead") || opened).textContent.match(/^第[〇零一二三四五六七八九十百千两]+条/) : null;
    const address = new URL(window.location.href);
    address.searchParams.delete("hl");
    const text = `《${title}》${number ? `（${number}）` : ""}${label ? label[0] : ""} ${address.href}`;
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = "已复制：" + text;
    } catch (error) {
      status.textContent = "请复制：" + text;   // no clipboard here (an old browser, a page from file://)
    }
  });
})();

// The table of contents marks the section being read (the last heading above the top
// third of the window).
(function currentSection() {
  const links = new Map([...document.querySelectorAll(".toc a[href^='#']")]
    .map((a) => [decodeURIComponent(a.hash.slice(1)), a]));
  const headings = [...links.keys()].map((id) => document.getElementById(id)).filter(Boolean);
  if (!headings.length || !("IntersectionObserver" in window)) return;
  let current = null;
  const mark = () => {
    const line = window.innerHeight / 3;
    let found = headings[0];
    for (const heading of headings) {
      if (heading.getBoundingClientRect().top > line) break;
      found = heading;
    }
    const link = links.get(found.id);
    if (link === current) return;
    if (current) current.removeAttribute("aria-current");
    current = link;
    current.setAttribute("aria-current", "true");
  };
  const observer = new IntersectionObserver(mark, { rootMargin: "0px 0px -66% 0px" });
  headings.forEach((h) => observer.observe(h));
  mark();
})();

// Filters and highlights are applied: the page may paint (early.js held it back).
document.documentElement.classList.remove("applying");
