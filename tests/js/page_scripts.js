// The search scripts of a built site, in the order its pages load them (read from its
// index.html), run in a sandbox standing for the window: what the tests and the bench
// run under Node is what the page runs.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const SEARCH_SCRIPT = /(^|\/)(text-rules|text|search-[a-z]+)\.js$/;   // site.js needs a document

function searchScripts(site) {
  const html = fs.readFileSync(path.join(site, "index.html"), "utf8");
  return [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]).filter((src) => SEARCH_SCRIPT.test(src));
}

// The sandbox with the search scripts run in it; the API: PolicyText's and PolicySearch's functions.
function loadSearch(site, sandbox) {
  for (const src of searchScripts(site)) {
    vm.runInContext(fs.readFileSync(path.join(site, src), "utf8"), sandbox, { filename: src });
  }
  return { ...sandbox.window.PolicyText, ...sandbox.window.PolicySearch };
}

function newSandbox() {
  const sandbox = { window: {}, performance };
  sandbox.globalThis = sandbox;
  vm.createContext(sandbox);
  return sandbox;
}

module.exports = { searchScripts, loadSearch, newSandbox };
