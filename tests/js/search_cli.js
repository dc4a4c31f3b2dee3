// Runs the site's own search code (its search scripts, tests/js/page_scripts.js) under Node, on a built site.
//   node tests/js/search_cli.js rules SITE_DIR < strings.json -> [{squeeze, years, normalize, tokenize}, ...]
//   node tests/js/search_cli.js numbers SITE_DIR < strings.json -> [numberQuery(s), ...]
//   node tests/js/search_cli.js search SITE_DIR < queries.json -> [{results: [{url, title, kind, tier, score, date,
//        number, status}], total, exact, files}, ...] (a query {query, options, limit, sort: "date"})
//   node tests/js/search_cli.js suggest SITE_DIR < queries.json -> [["did you mean", ...], ...]
//   node tests/js/search_cli.js shards SITE_DIR < strings.json -> [shard of each among 1024, ...]
//   node tests/js/search_cli.js fields SITE_DIR WHOLE.json < queries.json -> [[{ref: score} from the
//        shards, {ref: score} from the whole lunr index in WHOLE.json], ...]
// Each query of `search` opens the index afresh (a cold first search), and reports the
// index files it loaded.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const { loadSearch, newSandbox } = require("./page_scripts.js");

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const [mode, site] = process.argv.slice(2);

// The page's search scripts in a sandbox standing for the window (lunr too, as the
// reference the `fields` mode compares with); index files are run when the search asks
// for them, as the page's <script> tags would.
function loadSite(dir) {
  const sandbox = newSandbox();
  vm.runInContext(fs.readFileSync(path.join(dir, "static/vendor/lunr-2.3.9/lunr.min.js"), "utf8"), sandbox);
  sandbox.window.lunr = sandbox.window.lunr || sandbox.lunr;
  const api = loadSearch(dir, sandbox);
  const opened = () => {
    const files = [];
    const load = async (name) => {
      files.push(name);
      vm.runInContext(fs.readFileSync(path.join(dir, "data", "search", name + ".js"), "utf8"), sandbox);
      const value = sandbox.window.PolicySearchFiles[name];
      delete sandbox.window.PolicySearchFiles[name];
      return value;
    };
    return api.open(load).then((index) => ({ index, files }));
  };
  return { api, opened, sandbox };
}

async function main() {
  const { api, opened, sandbox } = loadSite(site);
  if (mode === "rules") {
    return input.map((s) => ({ squeeze: api.squeeze(s), years: api.canonicalYears(s), normalize: api.normalize(s),
                               tokenize: api.tokenize(s) }));
  }
  if (mode === "numbers") return input.map(api.numberQuery);
  const out = [];
  if (mode === "shards") {   // the shard of each string among 1024
    return input.map((token) => api.shardOf({ manifest: { shards: 1024 } }, token));
  }
  if (mode === "fields") {
    const whole = sandbox.window.lunr.Index.load(JSON.parse(fs.readFileSync(process.argv[4], "utf8")));
    for (const query of input) {
      const { index } = await opened();
      const partial = Object.fromEntries(await api.queryFieldScores(index, query));
      const tokens = [...new Set(query.split(/\s+/).flatMap(api.tokenize))];
      const complete = {};
      for (const hit of whole.query((q) => tokens.forEach((t) => q.term(t, { usePipeline: false, presence: sandbox.window.lunr.Query.presence.OPTIONAL })))) {
        complete[hit.ref] = hit.score;
      }
      out.push([partial, complete]);
    }
    return out;
  }
  for (const q of input) {
    const { index, files } = await opened();
    if (mode === "search") {
      const ranked = q.sort === "date" ? api.searchByDate : api.search;
      const { results, total, exact } = await ranked(index, q.query, q.options || {}, q.limit || 10);
      out.push({ results: results.map((r) => ({ url: r.url, title: r.title, kind: r.kind, tier: r.tier, score: r.score,
                                                date: r.date, number: r.number, status: r.status })),
                 total, exact, files });
    } else if (mode === "suggest") {
      out.push(await api.suggest(index, q));
    } else {
      process.stderr.write("usage: search_cli.js rules|numbers|search|suggest|shards|fields SITE_DIR\n");
      process.exit(2);
    }
  }
  return out;
}

main().then((out) => process.stdout.write(JSON.stringify(out)), (err) => { console.error(err); process.exit(1); });
