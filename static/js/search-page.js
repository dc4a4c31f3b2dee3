// The search page (search.html): results of ?q=, filters, more results, the collections.
"use strict";

(function (root) {
  const { file, loadIndex, search, asWritten, suggestionLine, resultLink } = root.PolicySearch;
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
    const count = document.getElementById("search-count");
    const more = document.getElementById("search-more");
    let shown = PAGE, runs = 0;
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
      const { results, total, exact } = q.trim() ? await search(index, q, options, shown) : { results: [], total: 0, exact: true };
      const hint = q.trim() && !asWritten(results) ? await suggestionLine(index, q, base) : null;
      if (run !== runs) return;   // a newer query or page is on its way
      list.replaceChildren(...results.map((r) => {
        const item = document.createElement("li");
        item.append(resultLink(r, base));
        return item;
      }));
      const found = Math.max(total, results.length);
      count.textContent = q.trim() ? "找到" + (exact ? " " : "约 ") + found + " 条结果" +
        (found > results.length ? "，显示前 " + results.length + " 条" : "") : "";
      const old = document.querySelector(".did-you-mean");
      if (old) old.remove();
      if (hint) count.after(hint);
      if (more) more.hidden = results.length >= found || results.length < shown;
      list.dataset.ready = "true";
    }
    function run() {
      const q = form.q.value;
      const next = new URLSearchParams();
      if (q) next.set("q", q);
      if (form.kind.value) next.set("kind", form.kind.value);
      if (form.collection && form.collection.value) next.set("collection", form.collection.value);
      history.replaceState(null, "", "?" + next.toString());
      shown = PAGE;
      return show();
    }
    if (more) more.addEventListener("click", () => { shown += PAGE; show(); });
    form.addEventListener("submit", (e) => { e.preventDefault(); run(); });
    form.addEventListener("change", run);
    const chosen = params.get("collection") || "";
    const fill = (value) => fillCollections(form.collection, base, value).catch(() => {});
    if (chosen) fill(chosen).then(run);
    else run().then(() => fill(""));
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
