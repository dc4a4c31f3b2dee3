// The search box of every page: suggestions as one types, keyboard selection, "/" to focus.
"use strict";

(function (root) {
  const { loadIndex, search, suggest } = root.PolicySearch;

  // The page a result opens highlights the words searched (site.js reads ?hl=).
  function withHighlight(url, query) {
    if (!query || !query.trim()) return url;
    const [page, anchor] = url.split("#");
    return page + "?hl=" + encodeURIComponent(query.trim()) + (anchor ? "#" + anchor : "");
  }

  // Whether some result has the query as written (else a "did you mean" may help).
  const asWritten = (results) => results.some((r) => r.tier >= 3);

  async function suggestionLine(index, query, base) {
    const names = await suggest(index, query);
    if (!names.length) return null;
    const line = document.createElement("p");
    line.className = "did-you-mean";
    line.append("您是不是要找：");
    names.forEach((name, i) => {
      const link = document.createElement("a");
      link.href = base + "search.html?q=" + encodeURIComponent(name);
      link.textContent = name;
      if (i) line.append("、");
      line.append(link);
    });
    return line;
  }

  // Result as DOM: <a> with a kind badge, the title and the snippet with <mark>s (all text).
  function resultLink(result, base) {
    const link = document.createElement("a");
    link.className = "result";
    link.href = base + withHighlight(result.url, result.query);
    const badge = document.createElement("span");
    badge.className = "badge badge-" + result.kind;
    badge.textContent = result.kindName;
    const title = document.createElement("span");
    title.className = "result-title";
    title.textContent = result.title;
    const text = document.createElement("span");
    text.className = "result-snippet";
    const { text: s, offset, marks } = result.snippet;
    let at = 0;
    for (const [start, end] of marks) {
      text.append(s.slice(at, start + offset));
      const mark = document.createElement("mark");
      mark.textContent = s.slice(start + offset, end + offset);
      text.append(mark);
      at = end + offset;
    }
    text.append(s.slice(at));
    link.append(badge, title, text);
    return link;
  }

  function setupPage() {
    const base = document.body.dataset.root || "";
    const input = document.getElementById("site-search-input");
    const form = input && input.form;
    const box = document.getElementById("search-suggestions");
    if (!input || !form) return;
    form.addEventListener("submit", (event) => {
      const active = box && box.querySelector("[aria-selected=true]");
      if (active) { event.preventDefault(); window.location.href = active.href; }
    });
    input.addEventListener("focus", () => loadIndex(base).catch(() => {}), { once: true });
    document.addEventListener("keydown", (e) => {
      if (e.key === "/" && document.activeElement !== input && !/INPUT|SELECT|TEXTAREA/.test(document.activeElement.tagName)) {
        e.preventDefault();
        input.focus();
      }
    });
    if (!box) return;
    let selected = -1;
    const options = () => Array.from(box.querySelectorAll("a"));
    function select(n) {
      const all = options();
      selected = Math.max(-1, Math.min(n, all.length - 1));
      all.forEach((a, i) => a.setAttribute("aria-selected", String(i === selected)));
      if (selected >= 0) {
        input.setAttribute("aria-activedescendant", all[selected].id);
        all[selected].scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    }
    function close() {
      box.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }
    document.addEventListener("click", (e) => { if (!form.contains(e.target)) close(); });
    // while an input method composes (kuajing -> 跨境), the letters are not the query
    input.addEventListener("compositionend", () => input.dispatchEvent(new Event("input")));
    input.addEventListener("input", async (e) => {
      if (e.isComposing) return;
      const query = input.value;
      const index = await loadIndex(base);
      if (input.value !== query) return;
      const { results } = query.trim() ? await search(index, query, {}, 8) : { results: [] };
      const hint = query.trim() && !asWritten(results) ? (await suggest(index, query))[0] : null;
      if (input.value !== query) return;   // typed on while the shards loaded
      box.replaceChildren();
      selected = -1;
      results.forEach((r, i) => {
        const link = resultLink(r, base);
        link.id = "suggestion-" + i;
        link.setAttribute("role", "option");
        link.setAttribute("aria-selected", "false");
        box.append(link);
      });
      if (query.trim()) {
        if (hint) {
          const link = document.createElement("a");
          link.className = "all-results";
          link.id = "suggestion-typo";
          link.setAttribute("role", "option");
          link.href = base + "search.html?q=" + encodeURIComponent(hint);
          link.textContent = "您是不是要找：" + hint;
          box.append(link);
        }
        const all = document.createElement("a");
        all.className = "all-results";
        all.id = "suggestion-all";
        all.setAttribute("role", "option");
        all.href = base + "search.html?q=" + encodeURIComponent(query);
        all.textContent = results.length ? "查看全部结果" : "没有找到结果，查看搜索页";
        box.append(all);
      }
      box.hidden = !query.trim();
      input.setAttribute("aria-expanded", String(!box.hidden));
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown") { e.preventDefault(); select(selected + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); select(selected - 1); }
      else if (e.key === "Escape") close();
    });
  }


  if (typeof document !== "undefined") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setupPage);
    else setupPage();
  }

  Object.assign(root.PolicySearch = root.PolicySearch || {}, { withHighlight, asWritten, suggestionLine, resultLink });
})(typeof window !== "undefined" ? window : globalThis);
