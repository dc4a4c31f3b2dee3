// Ranking: a query against the index, in tiers (the comment below), and "did you mean".
"use strict";

(function (root) {
  const { normalize, squeeze, tokenize, units, numberQuery } = root.PolicyText;
  const { file, postings, eachWeighted, eachPosition, rangeOf, entriesAt } = root.PolicySearch;
  const MAX_QUERY = 100;   // characters of a query; a pasted page of text is not one

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
    // a document number as readers type it (2021年79号, [2021]) is searched as it is printed
    const number = numberQuery(String(query));
    const written = number && number.year ? number.text : String(query);
    const searched = fold(index, written.slice(0, MAX_QUERY));   // what the opened page highlights
    const words = normalize(searched).split(/[ \t\n\r]+/).map(squeeze).filter((w) => tokenize(w).length);
    if (!words.length) return null;
    const phrase = words.join("");
    return {
      searched, words, phrase, isNumber: Boolean(number && number.year),
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
    if (entry.titleText.includes(phrase) || (entry.partOfKeys && [...entry.keys].some((k) => k.includes(phrase)))) return 3.5;
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
      // an entry whose fields alone match one word comes last; never for a document number
      // (国函〔2025〕39号 is not the tasks numbered 39)
      if (!bound && !(single && f & FIELDS && !q.isNumber)) continue;
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

  // A query -> { results: the first `limit`, ranked; total: how many match (an upper
  // bound while some candidates are unchecked: then `exact` is false, and `confirmed`
  // how many are known to match) }.
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
      results: shown.map((r) => resultOf(index, q, r)),
      total: state.total - state.dropped,   // an upper bound until exact
      confirmed: state.ranked.length,        // checked against their texts: a lower bound
      exact: state.next >= state.pending.length && (state.withUnits || !state.q.wordUnits.flat().some((u) => !state.q.tokens.includes(u))),
    };
  }

  function resultOf(index, q, { entry, tier, score }) {
    return {
      position: entry.position, kind: entry.kind, kindName: entry.kindName, title: entry.title, query: q.searched,
      url: entry.url, collection: rangeOf(index, entry.position)[2], tier, score,
      date: entry.date, number: entry.number, status: entry.status,
      snippet: snippet(entry.body, entry.keywords, q.words, q.tokens),
    };
  }

  // The date of the entry at a position, from the runs of entries of one date (dates.js).
  function dateAt(runs, position) {
    let lo = 0, hi = runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (runs[mid][0] <= position) lo = mid; else hi = mid - 1;
    }
    return runs[lo][1];
  }

  // The same query newest first: the entries that have every word (or are named by the
  // query), by their document's date, then as relevance orders them; checked against
  // their texts in that order until `limit` are found. (Characters found apart, relevance's
  // lowest tiers, are not matches here.)
  async function searchByDate(index, query, options, limit) {
    const opts = options || {};
    const q = parse(index, query);
    if (!q) return { results: [], total: 0, exact: true };
    const key = JSON.stringify(["date", q.searched, opts.kind || "", opts.collection || ""]);
    if (!index.states.has(key)) {
      index.states.set(key, Promise.all([candidates(index, q, opts, false), file(index, "dates")]).then(([pending, runs]) => ({
        q, next: 0, ranked: [], dropped: 0,
        pending: pending.filter((c) => c.bound >= 2.5).map((c) => ({ ...c, date: dateAt(runs, c.position) }))
          .sort((a, b) => (a.date < b.date) - (a.date > b.date) || byBound(a, b)),
      }), (error) => { index.states.delete(key); throw error; }));
    }
    const state = await index.states.get(key);
    const wanted = limit || 10;
    state.queue = (state.queue || Promise.resolve()).then(async () => {
      while (state.ranked.length < wanted && state.next < state.pending.length) {
        const batch = state.pending.slice(state.next, state.next + Math.max(8, wanted - state.ranked.length));
        state.next += batch.length;
        const entries = await entriesAt(index, batch.map((c) => c.position));
        batch.forEach((c, i) => {
          const tier = exactTier(entries[i], state.q);
          if (tier) state.ranked.push({ ...c, tier, entry: entries[i] });
          else state.dropped++;
        });
      }
    });
    await state.queue;
    return {
      results: state.ranked.slice(0, wanted).map((r) => resultOf(index, q, r)),
      total: state.pending.length - state.dropped, confirmed: state.ranked.length,
      exact: state.next >= state.pending.length,
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


  Object.assign(root.PolicySearch = root.PolicySearch || {}, { search, searchByDate, suggest, queryFieldScores });
})(typeof window !== "undefined" ? window : globalThis);
