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
  const NUMBER_AFTER_YEAR = /〔([0-9]{4})〕[ \t\n\r\u3000]*([0-9]+)/g;   // 〔2021〕79: one token more
  const MAX_QUERY = 100;
  const PAGE = 10;   // results the search page shows at a time (more on request)

  function normalize(text) {
    return text.normalize("NFKC").toLowerCase().replace(YEAR_IN_BRACKETS, "〔$1〕");
  }

  function tokenize(text) {
    const tokens = [];
    const normalized = normalize(text);
    for (const match of normalized.matchAll(RUNS)) {
      const [, han, word] = match;
      if (word) tokens.push(word);
      else if (han.length === 1) tokens.push(han);
      else for (let i = 0; i < han.length - 1; i++) tokens.push(han.slice(i, i + 2));
    }
    for (const [, year, number] of normalized.matchAll(NUMBER_AFTER_YEAR)) tokens.push(year + "〕" + number);
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

  // --- the index files ----------------------------------------------------------------
  // An index reads its files through load(name): a promise of the JSON the file of that
  // name (data/search/<name>.js) carries. The page loads them with <script> tags; the
  // tests under Node run the same files. Each is loaded once.
  const FORMAT = 2;   // of the index files this script reads (search.py INDEX_FORMAT)
  async function open(load) {
    const manifest = await load("index");
    if (manifest.format !== FORMAT) {
      throw new Error("搜索索引的格式（" + manifest.format + "）与本页脚本（" + FORMAT + "）不符：请重新构建网站");
    }
    manifest.text = manifest.postings.indexOf("text");   // where a token's text postings and heads are
    manifest.heads = manifest.postings.indexOf("heads");
    const folds = new Map();
    for (let i = 0; i + 1 < manifest.fold.length; i += 2) folds.set(manifest.fold[i], manifest.fold[i + 1]);
    const at = Object.fromEntries(manifest.layout.map((name, i) => [name, i]));
    return { manifest, folds, at, files: new Map(), entries: new Map(), states: new Map(), load };
  }

  function file(index, name) {
    if (!index.files.has(name)) index.files.set(name, index.load(name));
    return index.files.get(name);
  }

  // The shard a token is in: FNV-1a over its UTF-16 code units, modulo the number of
  // shards (a power of two); explorer/search.py shard_of() is the same.
  function shardOf(index, token) {
    let h = 0x811c9dc5;
    for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193) >>> 0;
    return h & (index.manifest.shards - 1);
  }

  // token -> its postings (undefined when no entry has it), loading the shards needed.
  async function postings(index, tokens) {
    const shards = [...new Set(tokens.map((t) => shardOf(index, t)))];
    const loaded = new Map(await Promise.all(shards.map(async (n) => [n, await file(index, "t/" + n)])));
    const out = new Map();
    for (const token of tokens) {
      const shard = loaded.get(shardOf(index, token));
      if (shard && Object.prototype.hasOwnProperty.call(shard, token)) out.set(token, shard[token]);
    }
    return out;
  }

  // [delta, weight, delta, weight, ...] and [delta, ...]: each position (and its weight).
  function eachWeighted(flat, visit) {
    for (let i = 0, position = 0; i + 1 < flat.length; i += 2) visit(position += flat[i], flat[i + 1]);
  }
  function eachPosition(flat, visit) {
    for (let i = 0, position = 0; i < flat.length; i++) visit(position += flat[i]);
  }

  // The kind and collection of an entry, from the runs of entries alike in the manifest.
  function rangeOf(index, position) {
    const ranges = index.manifest.ranges;
    let lo = 0, hi = ranges.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ranges[mid][0] <= position) lo = mid; else hi = mid - 1;
    }
    return ranges[lo];
  }

  // The entries at these positions, as the exact tiers and the results need them.
  async function entriesAt(index, wanted) {
    const size = index.manifest.fragment_size;
    const missing = [...new Set(wanted.filter((p) => !index.entries.has(p)).map((p) => Math.floor(p / size)))];
    const at = index.at;
    await Promise.all(missing.map(async (n) => {
      const rows = await file(index, "f/" + n);
      rows.forEach((row, i) => {
        const title = row[at.title], body = row[at.body];
        const keywords = row[at.keywords] || "";
        index.entries.set(n * size + i, {
          position: n * size + i, kind: row[at.kind], kindName: index.manifest.kinds[row[at.kind]], title, url: row[at.url], body,
          keys: new Set((row[at.keys] || []).map((k) => squeeze(normalize(k)))),
          agencyKeys: new Set((row[at.agencies] || "").split(" ").filter(Boolean).map((k) => squeeze(normalize(k)))),
          keywords, titleText: squeeze(normalize(title)),
          text: squeeze(normalize(title + "\n" + body + "\n" + keywords)),
        });
      });
    }));
    return wanted.map((p) => index.entries.get(p));
  }

  // --- ranking -----------------------------------------------------------------------
  // Tiers: 4 the query is an entry's title or key (a document's number, an agency's name);
  // 3.75 a task of the agency the query names; 3.5 the query as written in a title or key;
  // 3 in the text; 2.5 every word in the text; 2 every word's characters, apart; 1 at
  // least half the tokens (single-word queries). Within a tier: lunr's score of the
  // boosted fields plus the tokens' weight in the text.
  // The postings give each candidate its score exactly and an upper bound of its tier;
  // candidates are checked against their text (a fragment) in order of that bound, until
  // the results asked for can no longer be overtaken.

  // Traditional characters typed for the simplified ones the corpus writes (電 -> 电).
  const fold = (index, text) => [...text].map((ch) => index.folds.get(ch) || ch).join("");

  function parse(index, query) {
    // a pasted page of text is not a query: its first MAX_QUERY characters are
    const searched = fold(index, String(query).slice(0, MAX_QUERY));   // what the opened page highlights
    const words = normalize(searched).split(/[ \t\n\r]+/).map(squeeze).filter((w) => tokenize(w).length);
    if (!words.length) return null;
    const phrase = words.join("");
    return {
      searched, words, phrase,
      tokens: [...new Set(words.flatMap(tokenize))],
      phraseTokens: [...new Set(tokenize(phrase))],
      wordTokens: words.map((w) => [...new Set(tokenize(w))]),
      wordUnits: words.map(units),
    };
  }

  function exactTier(entry, q) {
    const { phrase, words, tokens, wordUnits } = q;
    if (entry.keys.has(phrase)) return 4;
    if (entry.agencyKeys.has(phrase)) return 3.75;
    if (entry.titleText.includes(phrase) || [...entry.keys].some((k) => k.includes(phrase))) return 3.5;
    if (entry.text.includes(phrase)) return 3;
    if (words.every((w) => entry.text.includes(w))) return 2.5;
    if (wordUnits.every((us) => us.every((u) => entry.text.includes(u)))) return 2;
    if (words.length === 1) {
      const present = tokens.filter((t) => entry.text.includes(t)).length;
      if (present && present * 2 >= tokens.length) return 1;
    }
    return 0;
  }

  // lunr's score of the boosted fields, from the weights in the shards: lunr 2.3.9 scores
  // an entry as the sum, over the query's terms and the fields, of the term's weight in
  // the field over the square root of how many of the terms the index has. Computed
  // here directly (a test proves it equal to lunr's own query over the whole index;
  // bench/REPORT.md has the time of lunr's query rebuilt from the same shards).
  function eachFieldScore(index, q, found, add) {
    const fields = index.manifest.fields.length;
    const scale = index.manifest.lunr_scale;
    const terms = q.tokens.filter((t) => found.has(t) && found.get(t).slice(0, fields).some((list) => list.length));
    const norm = Math.sqrt(terms.length);
    for (const term of terms) {
      const value = found.get(term);
      for (let f = 0; f < fields; f++) eachWeighted(value[f], (position, weight) => add(position, weight / scale / norm));
    }
  }
  function fieldScores(index, q, found) {
    const scores = new Map();
    eachFieldScore(index, q, found, (position, score) => scores.set(position, (scores.get(position) || 0) + score));
    return scores;
  }

  // lunr's scores of a query's entries (position -> score), from the shards it loads.
  async function queryFieldScores(index, query) {
    const q = parse(index, query);
    return q ? fieldScores(index, q, await postings(index, q.tokens)) : new Map();
  }

  // Every candidate with its exact score and the upper bound of its tier. The postings
  // are laid over arrays as long as the index (a bit per token per entry): a query with
  // thousands of candidates is ranked in milliseconds (Maps of them took a tenth of a second).
  const SEEN = 1, FIELDS = 2, KEYED = 4, AGENCY_TASK = 8;
  async function candidates(index, q, options, withUnits) {
    const wanted = [...q.tokens, ...q.phraseTokens, "=" + q.phrase];
    if (withUnits) wanted.push(...q.wordUnits.flat());
    const found = await postings(index, [...new Set(wanted)]);
    const count = index.manifest.count;
    const bits = new Map([...new Set(wanted.filter((t) => t[0] !== "="))].map((t, i) => [t, i]));
    const width = (bits.size + 31) >> 5;   // 32-bit words per entry
    const text = new Uint32Array(count * width), heads = new Uint32Array(count * width);
    const score = new Float64Array(count), flags = new Uint8Array(count);
    const seen = [];
    const flag = (position, f) => {
      if (f & SEEN && !(flags[position] & SEEN)) seen.push(position);
      flags[position] |= f;
    };
    const [keys, tasks] = found.get("=" + q.phrase) || [[], []];
    eachPosition(keys, (position) => flag(position, SEEN | KEYED));
    eachPosition(tasks, (position) => flag(position, SEEN | AGENCY_TASK));
    eachFieldScore(index, q, found, (position, value) => { score[position] += value; flag(position, SEEN | FIELDS); });
    const textScale = index.manifest.text_scale;
    const scored = new Set(q.tokens);
    const widening = new Set(withUnits ? [...q.tokens, ...q.wordUnits.flat()] : q.tokens);
    for (const [token, b] of bits) {   // q.tokens first: each score sums in the query's order
      const value = found.get(token);
      if (!value) continue;
      const word = b >> 5, bit = 1 << (b & 31);
      const scores = scored.has(token), widens = widening.has(token);
      const flat = value[index.manifest.text];   // plain loops: this runs cold, once per query, over thousands
      for (let i = 0, position = 0; i + 1 < flat.length; i += 2) {
        position += flat[i];
        text[position * width + word] |= bit;
        if (scores) score[position] += flat[i + 1] / textScale;
        if (widens && !(flags[position] & SEEN)) { flags[position] |= SEEN; seen.push(position); }
      }
      const titled = value[index.manifest.heads];
      for (let i = 0, position = 0; i < titled.length; i++) heads[(position += titled[i]) * width + word] |= bit;
    }
    const mask = (tokens) => {
      const m = new Uint32Array(width);
      for (const t of tokens) m[bits.get(t) >> 5] |= 1 << (bits.get(t) & 31);
      return m;
    };
    const all = (array, position, m) => {
      for (let w = 0; w < width; w++) if (((array[position * width + w] & m[w]) >>> 0) !== m[w]) return false;
      return true;
    };
    const phrase = mask(q.phraseTokens);
    const eachWord = q.wordTokens.map(mask);
    const eachUnits = withUnits ? q.wordUnits.map(mask) : [];
    const tokenBits = q.tokens.map((t) => [bits.get(t) >> 5, 1 << (bits.get(t) & 31)]);
    const single = q.words.length === 1;
    const out = [];
    const filtered = options.kind || options.collection;
    for (const position of seen) {
      const f = flags[position];
      let bound = 0;
      if (f & KEYED) bound = 4;
      else if (f & AGENCY_TASK) bound = 3.75;
      else if (all(heads, position, phrase)) bound = 3.5;
      else if (all(text, position, phrase)) bound = 3;
      else if (eachWord.every((m) => all(text, position, m))) bound = 2.5;
      else if (withUnits && eachUnits.every((m) => all(text, position, m))) bound = 2;
      else if (single) {
        let present = 0;
        for (const [word, bit] of tokenBits) if (text[position * width + word] & bit) present++;
        if (present && present * 2 >= q.tokens.length) bound = 1;
      }
      if (!bound && !(single && f & FIELDS)) continue;
      if (filtered) {
        const [, kind, collection] = rangeOf(index, position);
        if ((options.kind && kind !== options.kind) || (options.collection && collection !== options.collection)) continue;
      }
      out.push({ position, bound, score: score[position] });
    }
    return out.sort(byBound);
  }

  const byBound = (a, b) => b.bound - a.bound || b.score - a.score || a.position - b.position;
  const byTier = (a, b) => b.tier - a.tier || b.score - a.score || a.position - b.position;
  const before = (r, c) => r.tier > c.bound || (r.tier === c.bound && (r.score > c.score || (r.score === c.score && r.position < c.position)));
  const MAX_ROUNDS = 2;    // of checking candidates whose bound was too high; then the order is the bound's

  // Check candidates in order of bound until `limit` checked results cannot be overtaken.
  // While the characters of the words have not been looked up (most queries never need
  // them), a result below 2.5 could still be overtaken by one found apart.
  async function settle(index, state, limit) {
    if (!state.withUnits && !state.prefetched) {
      // fewer candidates above the tier of characters apart than the page shows: that
      // tier will be needed, so its shards load now, beside the first fragments
      state.prefetched = true;
      const units = state.q.wordUnits.flat().filter((u) => !state.q.tokens.includes(u));
      if (units.length && state.pending.filter((c) => c.bound > 2).length < limit) postings(index, units).catch(() => {});
    }
    while (true) {
      const next = state.pending[state.next];
      const unitsPending = !state.withUnits && state.q.wordUnits.flat().some((u) => !state.q.tokens.includes(u));
      const floor = unitsPending ? { bound: 2, score: Infinity, position: -1 } : null;
      let settled = 0;
      while (settled < state.ranked.length && (state.rounds >= MAX_ROUNDS ||
             ((!next || before(state.ranked[settled], next)) && (!floor || before(state.ranked[settled], floor))))) settled++;
      if (settled >= limit) return;
      if (next && (!floor || byBound(next, floor) < 0 || state.rounds >= MAX_ROUNDS)) {
        const batch = state.pending.slice(state.next, state.next + Math.max(8, limit - settled));
        state.next += batch.length;
        state.rounds++;
        const entries = await entriesAt(index, batch.map((c) => c.position));
        batch.forEach((c, i) => {
          const tier = exactTier(entries[i], state.q);
          if (tier || (state.q.words.length === 1 && c.bound === 0)) state.ranked.push({ ...c, tier, entry: entries[i] });
          else state.dropped++;
        });
        state.ranked.sort(byTier);
      } else if (floor) {
        // the characters apart: the candidates again with them, the ones checked kept
        const checked = new Set(state.ranked.map((r) => r.position));
        for (let i = 0; i < state.next; i++) checked.add(state.pending[i].position);
        state.withUnits = true;
        state.pending = (await candidates(index, state.q, state.options, true)).filter((c) => !checked.has(c.position));
        state.total = state.ranked.length + state.pending.length;
        state.next = 0;
        state.dropped = 0;
      } else return;
    }
  }

  // A query -> { results: the first `limit`, ranked; total: how many match (estimated
  // while some candidates are unchecked: then `exact` is false) }.
  async function search(index, query, options, limit) {
    const opts = options || {};
    const q = parse(index, query);
    if (!q) return { results: [], total: 0, exact: true };
    const key = JSON.stringify([q.searched, opts.kind || "", opts.collection || ""]);
    // the promise is kept, not the state: a second call while the first still ranks waits for it
    if (!index.states.has(key)) {
      index.states.set(key, candidates(index, q, opts, false).then((pending) => (
        { q, options: opts, pending, next: 0, ranked: [], rounds: 0, dropped: 0, withUnits: false, total: pending.length }),
      (error) => { index.states.delete(key); throw error; }));
    }
    const state = await index.states.get(key);
    // one settling at a time per query: the page may ask again while a first one runs
    state.queue = (state.queue || Promise.resolve()).then(() => settle(index, state, limit || 10));
    await state.queue;
    const shown = state.ranked.slice(0, limit || 10);
    return {
      results: shown.map(({ entry, tier, score }) => ({
        position: entry.position, kind: entry.kind, kindName: entry.kindName, title: entry.title, query: q.searched,
        url: entry.url, collection: rangeOf(index, entry.position)[2], tier, score,
        snippet: snippet(entry.body, entry.keywords, q.words, q.tokens),
      })),
      total: state.total - state.dropped,
      exact: state.next >= state.pending.length && (state.withUnits || !state.q.wordUnits.flat().some((u) => !state.q.tokens.includes(u))),
    };
  }

  // Names one character off the query (市人设局 -> 市人社局): agency names and aliases,
  // document titles and numbers, for a "did you mean" when the query is not one of them.
  async function suggest(index, query) {
    const phrase = squeeze(normalize(fold(index, String(query).slice(0, MAX_QUERY))));
    if ([...phrase].length < 3) return [];
    const names = await file(index, "names");
    const found = new Set();
    for (const name of names) {
      const key = squeeze(normalize(name));
      if (key === phrase) return [];
      if (oneEditApart(phrase, key)) found.add(key);
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

  // A short piece of the body around the first match, with the spans to highlight; when
  // only the keywords match (a task found by its agency), the keywords.
  function snippet(body, keywords, words, tokens) {
    const needles = [...words, ...tokens].filter(Boolean).sort((a, b) => b.length - a.length);
    const firstMatch = (folded) => {
      let first = -1;
      for (const needle of needles) {
        const at = folded.indexOf(needle);
        if (at >= 0 && (first < 0 || at < first)) first = at;
      }
      return first;
    };
    let text = body.replace(/[ \t\n\r]+/g, " ");
    let folded = normalize(text);
    let first = firstMatch(folded);
    if (first < 0 && keywords && firstMatch(normalize(keywords)) >= 0) {
      text = keywords;
      folded = normalize(text);
      first = firstMatch(folded);
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

  // data/search/<name>.js files its JSON in window.PolicySearchFiles when it runs.
  // The search page names its manifest in a <script async> of its own, so that it runs
  // while the page is parsed: then it is here already, or that script will bring it.
  function loadFile(base, name) {
    const src = base + "data/search/" + name + ".js";
    const files = root.PolicySearchFiles || {};
    const href = new URL(src, document.baseURI).href;
    const given = [...document.scripts].find((s) => s.src === href);
    const arrived = Object.prototype.hasOwnProperty.call(files, name) ? Promise.resolve()
      : given ? new Promise((resolve, reject) => {
        given.addEventListener("load", resolve);
        given.addEventListener("error", () => reject(new Error("could not load " + src)));
      }) : loadScript(src);
    return arrived.then(() => {
      const value = root.PolicySearchFiles[name];
      delete root.PolicySearchFiles[name];   // the index keeps it; the page need not
      return value;
    });
  }

  let loading = null;
  function loadIndex(base) {
    if (!loading) {
      loading = open((name) => loadFile(base, name));
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

  // The script runs as soon as it arrives (async): the search page's query is searched
  // while the page is still being parsed, and the page parts are set up once it is.
  if (typeof document !== "undefined") {
    const script = document.currentScript;
    const base = script ? script.src.replace(/static\/js\/search\.js(\?.*)?$/, "") : "";
    const params = new URLSearchParams(window.location.search);
    if (/\/search\.html$/.test(window.location.pathname) && (params.get("q") || "").trim()) {
      const options = { kind: params.get("kind") || "", collection: params.get("collection") || "" };
      loadIndex(base).then((index) => search(index, params.get("q"), options, PAGE)).catch(() => {});
    }
    const start = () => { setupPage(); setupResultsPage(); };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
  const api = { normalize, tokenize, open, search, suggest, queryFieldScores, shardOf };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.PolicySearch = api;
})(typeof window !== "undefined" ? window : globalThis);
