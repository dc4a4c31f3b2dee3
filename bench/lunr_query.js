// lunr's own query against the direct sum the page computes, over the same shards:
//   node bench/lunr_query.js SITE_DIR QUERY... -> {query: {ours_ms, lunr_ms, entries, same}}
// lunr 2.3.9 is rebuilt, for each query, from the terms the query loaded (its inverted
// index and field vectors), as a page keeping lunr at query time would have to.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [site, ...queries] = process.argv.slice(2);
const { loadSearch, newSandbox } = require("../tests/js/page_scripts.js");
const sandbox = newSandbox();
vm.runInContext(fs.readFileSync(path.join(site, "static/vendor/lunr-2.3.9/lunr.min.js"), "utf8"), sandbox);
const lunr = sandbox.window.lunr || sandbox.lunr;
const api = loadSearch(site, sandbox);
const load = async (name) => {
  vm.runInContext(fs.readFileSync(path.join(site, "data", "search", name + ".js"), "utf8"), sandbox);
  return sandbox.window.PolicySearchFiles[name];
};

function lunrScores(manifest, tokens, found) {
  const fields = manifest.fields.map(([name]) => name);
  const invertedIndex = Object.create(null), fieldVectors = Object.create(null);
  const terms = tokens.filter((t) => found.has(t) && fields.some((_, f) => found.get(t)[f].length)).sort();
  terms.forEach((term, termIndex) => {
    const posting = { _index: termIndex };
    fields.forEach((field, f) => {
      posting[field] = Object.create(null);
      const flat = found.get(term)[f];
      for (let i = 0, position = 0; i + 1 < flat.length; i += 2) {
        position += flat[i];
        posting[field][position] = {};
        (fieldVectors[field + "/" + position] = fieldVectors[field + "/" + position] || [])
          .push(termIndex, flat[i + 1] / manifest.lunr_scale);
      }
    });
    invertedIndex[term] = posting;
  });
  for (const ref in fieldVectors) fieldVectors[ref] = new lunr.Vector(fieldVectors[ref]);
  const index = new lunr.Index({ invertedIndex, fieldVectors, fields, pipeline: new lunr.Pipeline(),
                                 tokenSet: lunr.TokenSet.fromArray(terms) });
  const scores = new Map();
  if (!terms.length) return scores;
  for (const hit of index.query((q) => tokens.forEach((t) => q.term(t, { usePipeline: false, presence: lunr.Query.presence.OPTIONAL })))) {
    scores.set(Number(hit.ref), hit.score);
  }
  return scores;
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

(async () => {
  const out = {};
  for (const query of queries) {
    const index = await api.open(load);
    await api.queryFieldScores(index, query);   // loads the shards; then timed from memory
    const tokens = [...new Set(query.split(/\s+/).flatMap(api.tokenize))];
    const found = new Map();
    for (const token of tokens) {
      const shard = await load("t/" + api.shardOf(index, token));
      if (Object.prototype.hasOwnProperty.call(shard, token)) found.set(token, shard[token]);
    }
    const ours = [], theirs = [];
    let a, b;
    for (let run = 0; run < 5; run++) {
      let t = performance.now();
      a = await api.queryFieldScores(index, query);
      ours.push(performance.now() - t);
      t = performance.now();
      b = lunrScores(index.manifest, tokens, found);
      theirs.push(performance.now() - t);
    }
    const same = a.size === b.size && [...b].every(([ref, score]) => Math.abs(a.get(ref) - score) < 1e-9);
    out[query] = { ours_ms: median(ours), lunr_ms: median(theirs), entries: b.size, same };
  }
  process.stdout.write(JSON.stringify(out));
})();
