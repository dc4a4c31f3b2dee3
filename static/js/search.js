// Ningbo Policy Explorer search: loads the index lazily with <script> tags (works from
// file://), ranks, and shows results as text. The same functions run under Node in the
// tests (module.exports at the end).
"use strict";

(function (root) {
  // --- tokenizer: identical to explorer/search.py tokenize() -------------------------
  const HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  const YEAR_IN_BRACKETS = /[\[(【〔［][ \t\n\r]*([0-9]{4})[ \t\n\r]*[\])】〕］]/g;
  const RUNS = new RegExp("([" + HAN + "]+)|([a-z0-9]+)", "g");
  const HAN_CHAR = new RegExp("[" + HAN + "]");
  const MAX_QUERY = 100;

  function normalize(text) {
    return text.normalize("NFKC").toLowerCase().replace(YEAR_IN_BRACKETS, "〔$1〕");
  }

  function tokenize(text) {
    const tokens = [];
    for (const match of normalize(text).matchAll(RUNS)) {
      const [, han, word] = match;
      if (word) tokens.push(word);
      else if (han.length === 1) tokens.push(han);
      else for (let i = 0; i < han.length - 1; i++) tokens.push(han.slice(i, i + 2));
    }
    return tokens;
  }

  // --- ranking -----------------------------------------------------------------------
  const squeeze = (s) => s.replace(/[ \t\n\r\u3000]+/g, "");

  // Units a word must contain to match "apart": its Han characters and its ASCII words.
  function units(word) {
    const out = [];
    for (const match of word.matchAll(RUNS)) {
      if (match[2]) out.push(match[2]);
      else out.push(...match[1]);
    }
    return out;
  }

  function prepare(data) {
    if (data.prepared) return data.prepared;
    const index = root.lunr.Index.load(data.index);
    const at = Object.fromEntries(data.layout.map((name, i) => [name, i]));   // the store's row layout
    const entries = data.store.map((row, position) => {
      const [kind, title, url, body, extra] = [row[at.kind], row[at.title], row[at.url], row[at.body], row[at.extra]];
      const keywords = row[at.keywords] || "";
      const agencies = row[at.agencies] || "";
      const parent = typeof extra === "number" && extra >= 0 ? data.store[extra] : null;
      const fullTitle = parent ? parent[at.title] + " · " + title : title;
      // exact keys: a document's title and number, an agency's names
      const keys = [title];
      if (data.keyword_keys.includes(kind) && !parent) keys.push(...keywords.split(" "));
      return {
        position, kind, kindName: data.kinds[kind], title: fullTitle, url, body,
        collection: typeof extra === "string" ? extra : "",
        keys: new Set(keys.filter(Boolean).map((k) => squeeze(normalize(k)))),
        agencyKeys: new Set(agencies.split(" ").filter(Boolean).map((k) => squeeze(normalize(k)))),
        titleText: squeeze(normalize(fullTitle)),
        text: squeeze(normalize(fullTitle + "\n" + body + "\n" + keywords)),
        bodyLength: body.length,
      };
    });
    data.prepared = { index, entries };
    return data.prepared;
  }

  // One query -> ranked results. Tiers: 4 the query is a document's title or number or an
  // agency's name; 3 the query as written (in a title first); 2 every word's characters
  // present (whole words first); 1 a partial match (single-word queries only). Within a
  // tier: the lunr score of the boosted fields plus how often the body has the tokens.
  // Traditional characters typed for the simplified ones the corpus writes (電 -> 电).
  function fold(data, text) {
    if (!data.folds) {
      data.folds = new Map();
      for (let i = 0; i + 1 < data.fold.length; i += 2) data.folds.set(data.fold[i], data.fold[i + 1]);
    }
    return [...text].map((ch) => data.folds.get(ch) || ch).join("");
  }

  function search(data, query, options) {
    const { index, entries } = prepare(data);
    // a pasted page of text is not a query: its first MAX_QUERY characters are
    const searched = fold(data, String(query).slice(0, MAX_QUERY));   // what the opened page highlights
    const words = normalize(searched).split(/[ \t\n\r]+/).map(squeeze).filter((w) => tokenize(w).length);
    if (!words.length) return [];
    const phrase = words.join("");
    const tokens = [...new Set(words.flatMap(tokenize))];
    const wordUnits = words.map(units);

    const fieldScore = new Map();
    const hits = index.query((q) => {
      for (const token of tokens) {
        q.term(token, { usePipeline: false, presence: root.lunr.Query.presence.OPTIONAL });
      }
    });
    for (const hit of hits) fieldScore.set(Number(hit.ref), hit.score);

    const results = [];
    const filter = options || {};
    for (const entry of entries) {
      if (filter.kind && entry.kind !== filter.kind) continue;
      if (filter.collection && entry.collection !== filter.collection) continue;
      let tier = 0;
      if (entry.keys.has(phrase)) tier = 4;
      else if (entry.agencyKeys.has(phrase)) tier = 3.75;   // a task of the agency the query names
      else if (entry.titleText.includes(phrase) || [...entry.keys].some((k) => k.includes(phrase))) tier = 3.5;
      else if (entry.text.includes(phrase)) tier = 3;
      else if (words.every((w) => entry.text.includes(w))) tier = 2.5;
      else if (wordUnits.every((us) => us.every((u) => entry.text.includes(u)))) tier = 2;
      else if (words.length === 1) {
        const present = tokens.filter((t) => entry.text.includes(t)).length;
        if (present && present * 2 >= tokens.length) tier = 1;
      }
      if (!tier && !(words.length === 1 && fieldScore.has(entry.position))) continue;
      let occurrences = 0;
      for (const token of tokens) occurrences += entry.text.split(token).length - 1;
      const bodyScore = occurrences / Math.sqrt(10 + entry.bodyLength);
      const score = (fieldScore.get(entry.position) || 0) + 3 * bodyScore;
      results.push({ entry, tier, score });
    }
    results.sort((a, b) => b.tier - a.tier || b.score - a.score || a.entry.position - b.entry.position);
    return results.map(({ entry, tier, score }) => ({
      position: entry.position, kind: entry.kind, kindName: entry.kindName, title: entry.title, query: searched,
      url: entry.url, collection: entry.collection, tier: Math.floor(tier), score,
      snippet: snippet(entry.body, words, tokens),
    }));
  }

  // Names one character off the query (市人设局 -> 市人社局): agency names and aliases,
  // document titles and numbers, for a "did you mean" when the query is not one of them.
  function suggest(data, query) {
    const { entries } = prepare(data);
    const phrase = squeeze(normalize(fold(data, String(query).slice(0, MAX_QUERY))));
    if ([...phrase].length < 3) return [];
    const found = new Set();
    for (const entry of entries) {
      if (entry.keys.has(phrase)) return [];
      for (const key of entry.keys) if (oneEditApart(phrase, key)) found.add(key);
    }
    return [...found].sort().slice(0, 3);
  }

  function oneEditApart(a, b) {
    const x = [...a], y = [...b];
    if (Math.abs(x.length - y.length) > 1) return false;
    let i = 0, j = 0, edits = 0;
    while (i < x.length && j < y.length) {
      if (x[i] === y[j]) { i++; j++; continue; }
      if (++edits > 1) return false;
      if (x.length > y.length) i++;
      else if (x.length < y.length) j++;
      else { i++; j++; }
    }
    return edits + (x.length - i) + (y.length - j) === 1;
  }

  // A short piece of the body around the first match, with the spans to highlight.
  function snippet(body, words, tokens) {
    const text = body.replace(/[ \t\n\r]+/g, " ");
    const folded = normalize(text);
    const needles = [...words, ...tokens].filter(Boolean).sort((a, b) => b.length - a.length);
    let first = -1;
    for (const needle of needles) {
      const at = folded.indexOf(needle);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    const start = Math.max(0, (first < 0 ? 0 : first) - 30);
    const piece = text.slice(start, start + 110);
    const foldedPiece = folded.slice(start, start + 110);
    const marks = [];
    for (const needle of needles) {
      let at = foldedPiece.indexOf(needle);
      while (at >= 0) {
        marks.push([at, at + needle.length]);
        at = foldedPiece.indexOf(needle, at + needle.length);
      }
    }
    marks.sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const [s, e] of marks) {
      if (merged.length && s <= merged[merged.length - 1][1]) merged[merged.length - 1][1] = Math.max(e, merged[merged.length - 1][1]);
      else merged.push([s, e]);
    }
    return { text: (start > 0 ? "…" : "") + piece + (start + 110 < text.length ? "…" : ""),
             offset: start > 0 ? 1 : 0, marks: merged };
  }

  // --- the page ----------------------------------------------------------------------
  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error("could not load " + src));
      document.head.appendChild(script);
    });
  }

  let loading = null;
  function loadIndex(base) {
    if (!loading) {
      const started = performance.now();
      loading = loadScript(base + "static/vendor/lunr-2.3.9/lunr.min.js")
        .then(() => loadScript(base + "data/search-index.js"))
        .then(() => {
          prepare(root.SEARCH_DATA);
          root.SEARCH_LOAD_MS = performance.now() - started;
          return root.SEARCH_DATA;
        });
    }
    return loading;
  }

  // The page a result opens highlights the words searched (site.js reads ?hl=).
  function withHighlight(url, query) {
    if (!query || !query.trim()) return url;
    const [page, anchor] = url.split("#");
    return page + "?hl=" + encodeURIComponent(query.trim()) + (anchor ? "#" + anchor : "");
  }

  // Whether some result has the query as written (else a "did you mean" may help).
  const asWritten = (results) => results.some((r) => r.tier >= 3);

  function suggestionLine(data, query, base) {
    const names = suggest(data, query);
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
    input.addEventListener("input", (e) => {
      if (e.isComposing) return;
      const query = input.value;
      loadIndex(base).then((data) => {
        if (input.value !== query) return;
        box.replaceChildren();
        selected = -1;
        const results = query.trim() ? search(data, query).slice(0, 8) : [];
        results.forEach((r, i) => {
          const link = resultLink(r, base);
          link.id = "suggestion-" + i;
          link.setAttribute("role", "option");
          link.setAttribute("aria-selected", "false");
          box.append(link);
        });
        if (query.trim()) {
          const all = document.createElement("a");
          all.className = "all-results";
          all.id = "suggestion-all";
          all.setAttribute("role", "option");
          all.href = base + "search.html?q=" + encodeURIComponent(query);
          all.textContent = results.length ? "查看全部结果" : "没有找到结果，查看搜索页";
          const hint = asWritten(results) ? null : suggest(data, query)[0];
          if (hint) {
            const link = document.createElement("a");
            link.className = "all-results";
            link.id = "suggestion-typo";
            link.setAttribute("role", "option");
            link.href = base + "search.html?q=" + encodeURIComponent(hint);
            link.textContent = "您是不是要找：" + hint;
            box.append(link);
          }
          box.append(all);
        }
        box.hidden = !query.trim();
        input.setAttribute("aria-expanded", String(!box.hidden));
      });
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown") { e.preventDefault(); select(selected + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); select(selected - 1); }
      else if (e.key === "Escape") close();
    });
  }

  function setupResultsPage() {
    const list = document.getElementById("search-results");
    if (!list) return;
    const base = document.body.dataset.root || "";
    const params = new URLSearchParams(window.location.search);
    const form = document.getElementById("search-form");
    const query = params.get("q") || "";
    form.q.value = query;
    form.kind.value = params.get("kind") || "";
    form.collection.value = params.get("collection") || "";
    const count = document.getElementById("search-count");
    function run() {
      const q = form.q.value;
      const options = { kind: form.kind.value, collection: form.collection.value };
      const next = new URLSearchParams();
      if (q) next.set("q", q);
      if (options.kind) next.set("kind", options.kind);
      if (options.collection) next.set("collection", options.collection);
      history.replaceState(null, "", "?" + next.toString());
      loadIndex(base).then((data) => {
        const started = performance.now();
        const results = q.trim() ? search(data, q, options) : [];
        root.SEARCH_QUERY_MS = performance.now() - started;
        list.replaceChildren(...results.slice(0, 50).map((r) => {
          const item = document.createElement("li");
          item.append(resultLink(r, base));
          return item;
        }));
        count.textContent = q.trim() ? "找到 " + results.length + " 条结果" + (results.length > 50 ? "，显示前 50 条" : "") : "";
        const old = document.querySelector(".did-you-mean");
        if (old) old.remove();
        const hint = q.trim() && !asWritten(results) ? suggestionLine(data, q, base) : null;
        if (hint) count.after(hint);
        list.dataset.ready = "true";
      });
    }
    form.addEventListener("submit", (e) => { e.preventDefault(); run(); });
    form.addEventListener("change", run);
    run();
  }

  if (typeof document !== "undefined") {
    setupPage();
    setupResultsPage();
  }
  const api = { normalize, tokenize, search, prepare, suggest };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.PolicySearch = api;
})(typeof window !== "undefined" ? window : globalThis);
