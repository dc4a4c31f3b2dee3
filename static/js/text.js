// Chinese text rules of the page, as the build applies them: the characters come from
// explorer/cjk.py (TEXT_RULES, written into data/text-rules.js by the build), and
// tokenize() is explorer/search.py's tokenize() (tests/test_search.py runs both).
"use strict";

(function (root) {
  const rules = root.PolicyRules.text;
  const HAN = rules.han;
  const SPACE = "[" + rules.spaces + "]";
  const anyOf = (chars) => "[" + chars.replace(/[\]\\^-]/g, "\\$&") + "]";
  const SPACES = new RegExp(SPACE + "+", "g");
  const YEAR_IN_BRACKETS = new RegExp(anyOf(rules.year_open) + SPACE + "*([0-9]{4})" + SPACE + "*" +
    anyOf(rules.year_close), "g");
  const RUNS = new RegExp("([" + HAN + "]+)|([a-z0-9]+)", "g");
  const NUMBER_AFTER_YEAR = new RegExp("〔([0-9]{4})〕" + SPACE + "*([0-9]+)", "g");   // 〔2021〕79: one token more

  const squeeze = (s) => s.replace(SPACES, "");
  const canonicalYears = (s) => s.replace(YEAR_IN_BRACKETS, "〔$1〕");

  function normalize(text) {
    return canonicalYears(text.normalize("NFKC").toLowerCase());
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

  // Units a word must contain to match "apart": its Han characters and its ASCII words.
  function units(word) {
    const out = [];
    for (const match of word.matchAll(RUNS)) {
      if (match[2]) out.push(match[2]);
      else out.push(...match[1]);
    }
    return out;
  }

  // A document number as readers type it: any brackets (甬政办发[2021]79号, （2021）),
  // 2021年79号, 第79号, 79号 -> { prefix, year, seq, text: its canonical form } (year and
  // prefix may be ""), or null. The documents box and the site search read it alike.
  function numberQuery(query) {
    const s = canonicalYears(squeeze(query.normalize("NFKC")));
    const match = s.match(/^(.*?)〔([0-9]{4})〕第?([0-9]+)号?$/) || s.match(/^(.*?)([0-9]{4})年第?([0-9]+)号$/);
    if (match) {
      const [, prefix, year, seq] = match;
      return { prefix, year, seq, text: prefix + "〔" + year + "〕" + Number(seq) + "号" };
    }
    const bare = s.match(/^(.*?)第?([0-9]+)号$/);
    if (!bare || /[0-9]$/.test(bare[1])) return null;
    const prefix = bare[1].replace(/第$/, "");
    return { prefix, year: "", seq: bare[2], text: prefix + "第" + Number(bare[2]) + "号" };
  }

  root.PolicyText = { squeeze, canonicalYears, normalize, tokenize, units, numberQuery };
})(typeof window !== "undefined" ? window : globalThis);
