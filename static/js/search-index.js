// The search index's files (explorer/search.py writes them; docs/search-index.md describes
// them): the manifest checked and read, token shards and result fragments loaded once each.
"use strict";

(function (root) {
  const { normalize, squeeze } = root.PolicyText;

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
        // a task's own title is its number (第5项): its list's title, before it, is not
        // the task's, so a query naming the list finds the list's document first
        const task = row[at.kind] === "t";
        const own = task ? title.slice(title.lastIndexOf(" 第") + 1) : title;
        index.entries.set(n * size + i, {
          position: n * size + i, kind: row[at.kind], kindName: index.manifest.kinds[row[at.kind]], title, url: row[at.url], body,
          keys: new Set((row[at.keys] || []).map((k) => squeeze(normalize(k)))),
          agencyKeys: new Set((row[at.agencies] || "").split(" ").filter(Boolean).map((k) => squeeze(normalize(k)))),
          keywords, titleText: squeeze(normalize(own)), partOfKeys: !task,
          date: row[at.date] || "", status: row[at.status] || "",
          number: row[at.kind] === "d" ? keywords : "",   // a document's keywords are its number
          text: squeeze(normalize(title + "\n" + body + "\n" + keywords)),
        });
      });
    }));
    return wanted.map((p) => index.entries.get(p));
  }


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


  Object.assign(root.PolicySearch = root.PolicySearch || {}, { FORMAT, open, file, shardOf, postings, eachWeighted, eachPosition, rangeOf, entriesAt, loadIndex });
})(typeof window !== "undefined" ? window : globalThis);
