// Runs the site's own search code (static/js/search.js) under Node, on a built site.
//   node tests/js/search_cli.js tokenize < strings.json        -> [[tokens], ...]
//   node tests/js/search_cli.js search SITE_DIR < queries.json -> [[{url, title, kind, tier}], ...]
//   node tests/js/search_cli.js suggest SITE_DIR < queries.json -> [["did you mean", ...], ...]
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const ROOT = path.resolve(__dirname, "..", "..");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const [mode, site] = process.argv.slice(2);

// The same files the page loads, in the same order, in a sandbox standing for the window.
function loadSite(dir) {
  const sandbox = { window: {}, performance };
  sandbox.globalThis = sandbox;
  vm.createContext(sandbox);
  for (const file of ["static/vendor/lunr-2.3.9/lunr.min.js", "data/search-index.js"]) {
    vm.runInContext(fs.readFileSync(path.join(dir, file), "utf8"), sandbox);
  }
  sandbox.window.lunr = sandbox.window.lunr || sandbox.lunr;
  sandbox.lunr = sandbox.window.lunr;
  const api = vm.runInContext(fs.readFileSync(path.join(dir, "static/js/search.js"), "utf8") +
    "\n;window.PolicySearch", sandbox);
  return { api, data: sandbox.window.SEARCH_DATA };
}

if (mode === "tokenize") {
  const { tokenize } = require(path.join(ROOT, "static/js/search.js"));
  process.stdout.write(JSON.stringify(input.map(tokenize)));
} else if (mode === "search") {
  const { api, data } = loadSite(site);
  const out = input.map((q) => api.search(data, q.query, q.options || {}).slice(0, q.limit || 10)
    .map((r) => ({ url: r.url, title: r.title, kind: r.kind, tier: r.tier })));
  process.stdout.write(JSON.stringify(out));
} else if (mode === "suggest") {
  const { api, data } = loadSite(site);
  process.stdout.write(JSON.stringify(input.map((q) => api.suggest(data, q))));
} else {
  process.stderr.write("usage: search_cli.js tokenize | search SITE_DIR | suggest SITE_DIR\n");
  process.exit(2);
}
