// The search page (search.html): results of ?q=, filters, more results, the collections.
"use strict";

(function (root) {
  const { file, loadIndex, search, searchByDate, asWritten, suggestionLine, resultLink } = root.PolicySearch;
  const PAGE = 10;   // results the search page shows at a time (more on request)

  function setupResultsPage() {
    const list = document.getElementById("search-results");
    if (!list) return;
    const base = document.body.dataset.root || "";
    const params = new URLSearchParams(window.location.search);
    const form = document.getElementById("search-form");
    const query = params.get("q") || "";
    form.q.value = query;
    form.kind.value = params.get("kind") || "";
    form.sort.value = params.get("sort") === "date" ? "date" : "";
    const count = document.getElementById("search-count");
    const more = document.getElementById("search-more");
    // Back to this page gives the results as they were left: how many, and where
    const kept = history.state && history.state.search === window.location.search ? history.state : null;
    let shown = kept ? kept.shown : PAGE, runs = 0;
    const keep = () => history.replaceState({ search: window.location.search, shown, y: window.scrollY }, "");
    window.addEventListener("pagehide", keep);
    async function show() {
      const run = ++runs;
      const q = form.q.value;
      const options = { kind: form.kind.value, collection: form.collection ? form.collection.value : "" };
      let index;
      try {
        index = await loadIndex(base);
      } catch (error) {
        count.textContent = error.message;   // an index this page cannot read: say so, not nothing
        throw error;
      }
      const ranked = form.sort.value === "date" ? searchByDate : search;
      const { results, total, exact, confirmed } = q.trim() ? await ranked(index, q, options, shown)
        : { results: [], total: 0, exact: true, confirmed: 0 };
      const hint = q.trim() && !asWritten(results) ? await suggestionLine(index, q, base) : null;
      if (run !== runs) return;   // a newer query or page is on its way
      list.replaceChildren(...results.map((r) => {
        const item = document.createElement("li");
        const link = resultLink(r, base);
        link.insertBefore(resultMeta(r), link.querySelector(".result-snippet"));
        item.append(link);
        return item;
      }));
      const found = Math.max(total, results.length);
      // a count not yet checked to the end says only what is known: at least so many
      count.textContent = q.trim() ? (exact ? "找到 " + found + " 条结果" : "找到至少 " + Math.max(confirmed, results.length) + " 条结果") +
        (found > results.length ? "，显示前 " + results.length + " 条" : "") : "";
      const old = document.querySelector(".did-you-mean");
      if (old) old.remove();
      if (hint) count.after(hint);
      const empty = document.getElementById("search-empty");
      if (empty) empty.remove();
      if (q.trim() && !results.length) list.after(waysOn(q, base));
      if (more) more.hidden = results.length >= found || results.length < shown;
      list.dataset.ready = "true";
    }
    function run() {
      const q = form.q.value;
      const next = new URLSearchParams();
      if (q) next.set("q", q);
      if (form.kind.value) next.set("kind", form.kind.value);
      if (form.sort.value) next.set("sort", form.sort.value);
      if (form.collection && form.collection.value) next.set("collection", form.collection.value);
      const restoring = kept && "?" + next.toString() === kept.search && runs === 0;
      history.replaceState(null, "", "?" + next.toString());
      shown = restoring ? kept.shown : PAGE;
      return show().then(() => {
        if (restoring) window.scrollTo(0, kept.y);
        keep();
      });
    }
    if (more) more.addEventListener("click", () => { shown += PAGE; show().then(keep); });
    form.addEventListener("submit", (e) => { e.preventDefault(); run(); });
    form.addEventListener("change", run);
    const chosen = params.get("collection") || "";
    const fill = (value) => fillCollections(form.collection, base, value).catch(() => {});
    if (chosen) fill(chosen).then(run);
    else run().then(() => fill(""));
  }

  // What a reader weighs a result by before opening it: its date, 文号 and status.
  function resultMeta(result) {
    const meta = document.createElement("span");
    meta.className = "result-meta";
    const [year, month, day] = (result.date || "").split("-");
    if (year) {
      const time = document.createElement("time");
      time.dateTime = result.date;
      time.textContent = `${year}年${Number(month)}月${Number(day)}日`;
      meta.append(time);
    }
    if (result.number) meta.append(Object.assign(document.createElement("span"), { className: "doc-number", textContent: result.number }));
    if (result.status) meta.append(Object.assign(document.createElement("span"), { className: "status", textContent: result.status }));
    meta.hidden = !meta.childElementCount;
    return meta;
  }

  // A search that found nothing: ways on from it (the documents list by title or number,
  // a broader query, the lists to browse).
  function waysOn(query, base) {
    const box = document.createElement("div");
    box.id = "search-empty";
    box.className = "search-empty";
    const words = query.trim().split(/\s+/);
    const chars = [...query.trim()];
    const broader = words.length > 1 ? words.slice(0, -1).join(" ")
      : chars.length >= 4 ? chars.slice(0, Math.ceil(chars.length / 2)).join("") : "";
    const item = (text, href) => {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = base + href;
      link.textContent = text;
      li.append(link);
      return li;
    };
    const list = document.createElement("ul");
    list.append(item("在文件列表中按标题或文号查找「" + query.trim() + "」", "documents.html?q=" + encodeURIComponent(query.trim())));
    if (broader) list.append(item("检索更宽的词「" + broader + "」", "search.html?q=" + encodeURIComponent(broader)));
    list.append(item("浏览全部文件", "documents.html"));
    if (document.querySelector(".site-nav a[href$='agencies.html']")) list.append(item("按单位浏览", "agencies.html"));
    const lead = document.createElement("p");
    lead.textContent = "没有找到「" + query.trim() + "」。可以试试：";
    box.append(lead, list);
    return box;
  }

  // The collection filter's options come with the index, not in the page: hundreds of
  // them at an archive's size would hold back the page's first paint and its search.
  async function fillCollections(select, base, chosen) {
    if (!select) return;
    const list = await file(await loadIndex(base), "collections");
    select.append(...list.map(([id, title]) => new Option(title, id)));
    select.value = chosen;
  }

  if (typeof document !== "undefined") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setupResultsPage);
    else setupResultsPage();
  }
})(typeof window !== "undefined" ? window : globalThis);
