"""The search index: a pure function of the site model, written as small scripts the page
loads on demand with <script> tags (so it works from file://, within the page's CSP).
docs/search-index.md describes each file, with an example.

Tokenizer (static/js/text.js runs the same, and a test proves it): NFKC, lower case, a
year in any brackets as 〔year〕 (cjk.canonical_years); runs of Han characters become
overlapping bigrams (a single character stays a unigram), runs of ASCII letters and
digits become words. lunr's own pipeline (trimmer, stop words, stemmer) is not used: it
would strip Han characters. Entries are document sections and articles, tasks and
agencies, by position.
"""
from __future__ import annotations

import bisect
import json
import math
import operator
import re
import sys
import unicodedata
from array import array
from collections import Counter
from typing import Iterator, NamedTuple

from . import cjk, lunrindex, parallel, urls
from .markdown import section_texts
from .model import Site
from .publish import write_file

_RUNS = re.compile(f"([{cjk.HAN}]+)|([a-z0-9]+)")
_UNIT = re.compile(f"[a-z0-9]+|[{cjk.HAN}]")
_BIGRAM = re.compile(f"(?=([{cjk.HAN}]{{2}}))")
# a document number's year and sequence number side by side (〔2021〕79): one token more, so a
# query for 甬政办发〔2021〕79号 is not taken for a text that has 2021, 79 and 甬政办发 apart
_NUMBER_AFTER_YEAR = re.compile(f"〔([0-9]{{4}})〕[{cjk.SPACES}]*([0-9]+)")

# field: (short name in the index, boost)
# The body is not a lunr field: lunr's format would make its postings several times the
# size of the text postings below (bench/REPORT.md has the figures).
FIELDS = {"title": ("t", 10), "number": ("n", 10), "agency": ("a", 5), "domain": ("d", 2)}
# a token's postings, in this order: one list per boosted field, its weights in the entries'
# texts, the entries with it in a heading; the page reads the order from the manifest
POSTINGS_LAYOUT = [short for short, _ in FIELDS.values()] + ["text", "heads"]
# the index files' format: the page refuses another (a site built by another version)
INDEX_FORMAT = 2
# kind: (code in the store, what the page calls it); the page reads both from the index
KINDS = {"document": ("d", "文件"), "task": ("t", "任务"), "agency": ("a", "单位")}
# a store row: these fields in this order (keywords only where there are some); the
# page reads the layout from the index too
STORE_LAYOUT = ("kind", "title", "url", "body", "keys", "keywords", "agencies", "date", "status")
# the kinds whose keywords are exact keys, like a title: a document's number, an agency's names
KEYWORD_KEYS = ("document", "agency")


def normalize(text: str) -> str:
    return cjk.canonical_years(unicodedata.normalize("NFKC", text).lower())


def tokenize(text: str) -> list[str]:
    """Search tokens of a text; static/js/text.js tokenizes alike."""
    tokens: list[str] = []
    normalized = normalize(text)
    for han, word in _RUNS.findall(normalized):
        if word:
            tokens.append(word)
        elif len(han) == 1:
            tokens.append(han)
        else:
            tokens.extend(han[i:i + 2] for i in range(len(han) - 1))
    tokens.extend(f"{year}〕{number}" for year, number in _NUMBER_AFTER_YEAR.findall(normalized))
    return tokens


class Entry(NamedTuple):
    """One thing the search finds (a tuple: an archive has hundreds of thousands)."""
    kind: str           # document | task | agency
    title: str          # for a section, its heading; the document's title is in `parent`
    url: str
    body: str
    number: str = ""
    agency: str = ""
    domain: str = ""
    collection: str = ""
    parent: int = -1    # a section: the position of its document's first entry
    agencies: str = ""  # a task: every spelling of the agencies that lead, support or guide it
    date: str = ""      # its document's date (ISO), what sorting by date goes by
    status: str = ""    # a document's status (现行有效 …), where one is known


def entries(site: Site, spans: dict[str, tuple[int, int]] | None = None) -> list[Entry]:
    """Document sections, tasks, agencies; spans gets each document's [first, end) positions."""
    out: list[Entry] = []
    task_documents = {c.document for c in site.collections.values()}
    for doc in site.documents_sorted():
        head = len(out)
        out.extend(document_entries(doc, head, doc.id in task_documents))
        if spans is not None:
            spans[doc.id] = (head, len(out))
    for collection in site.collections.values():
        source = site.documents.get(collection.document)
        date = _iso(source.sort_date) if source else ""
        for task in collection.tasks:
            names = " ".join(n for a in task.lead + task.support + task.guide for n in a.spellings)
            domain = f"{task.domain} {task.leader}" if task.leader else task.domain
            out.append(Entry("task", f"{collection.title} 第{task.number}项", urls.url_for(task), task.text,
                             number=str(task.number), agency=names, domain=domain, collection=collection.id,
                             agencies=names, date=date))
    for agency in site.agencies.values():
        names = " ".join([*agency.spellings, agency.full_name or ""])
        summary = f"{agency.full_name or agency.name}（{agency.category}）：牵头{len(agency.lead)}项，配合{len(agency.support)}项"
        out.append(Entry("agency", agency.name, urls.url_for(agency), summary, agency=names))
    return out


def document_entries(doc, head: int, task_document: bool) -> list[Entry]:
    """A document's entries, the first at position head: the document, its sections and
    its articles (a task document's tables are its tasks' entries)."""
    url = urls.url_for(doc)
    number = str(doc.doc_number) if doc.doc_number else ""
    dated = {"date": _iso(doc.sort_date), "status": doc.status.name if doc.status else ""}
    out: list[Entry] = []
    for anchor, heading, text in section_texts(doc.sections, skip_tables=task_document):
        if anchor is None:
            out.append(Entry("document", doc.title, url, text, domain=doc.type, number=number, **dated))
        else:
            if not out:  # a body that starts with a heading: the document itself first
                out.append(Entry("document", doc.title, url, "", domain=doc.type, number=number, **dated))
            out.append(Entry("document", heading, f"{url}#{anchor}", text, parent=head, **dated))
    if doc.articles and not out:
        out.append(Entry("document", doc.title, url, "", domain=doc.type, number=number, **dated))
    for anchor, label, text in doc.articles:   # 第八条 opens the article, not its chapter
        out.append(Entry("document", label, f"{url}#{anchor}", text, parent=head, **dated))
    return out


def _iso(date) -> str:
    return date.isoformat() if date else ""


SEARCH_DIR = "data/search"
SHARD_CHARS = 12_000      # a token shard's JSON is cut after this many characters
FRAGMENT_SIZE = 4         # entries per result fragment (a result loads its neighbours too)
LUNR_SCALE = 1000         # lunr's weights are rounded to 3 decimals: sent as integers
TEXT_SCALE = 100          # a token's weight in an entry's text, as an integer


def full_title(items: list[Entry], item: Entry) -> str:
    return f"{items[item.parent].title} · {item.title}" if item.parent >= 0 else item.title


def keywords_of(item: Entry) -> str:
    return " ".join(k for k in (item.number if item.kind == "document" else "", item.agency,
                                item.domain if item.kind == "task" else "") if k)


def keys_of(item: Entry) -> list[str]:
    """The texts a query must equal to come first: a title, a document's number, an agency's names."""
    keys = [item.title]
    if item.kind in KEYWORD_KEYS and item.parent < 0:
        keys.extend(keywords_of(item).split(" "))
    return [k for k in dict.fromkeys(keys) if k]


def title_keys(items: list[Entry], item: Entry) -> list[str]:
    """The texts the title tier looks in: the full title and the keys; a task's own title
    only (第5项: its list's title before it is not the task's; the page does the same)."""
    if item.kind == "task":
        return [item.title[item.title.rfind(" 第") + 1:]]
    return [full_title(items, item), *keys_of(item)]


def entry_text(items: list[Entry], item: Entry) -> str:
    """What the text tiers look in: title, body and keywords, normalised, spaces removed."""
    return cjk.squeeze(normalize(f"{full_title(items, item)}\n{item.body}\n{keywords_of(item)}"))


def text_counts(text: str) -> Counter:
    """Token -> occurrences in a normalised text: tokenize()'s tokens (by C-level loops: this
    runs over every text) and every Han character, for the tier of characters found apart."""
    found = _UNIT.findall(text)          # words and single Han characters
    found += _BIGRAM.findall(text)       # overlapping Han bigrams, in one pass
    counts = Counter(found)
    if "〕" in text:
        counts.update(f"{year}〕{number}" for year, number in _NUMBER_AFTER_YEAR.findall(text))
    return counts


def _weights(counts: Counter, scale: float) -> dict[str, int]:
    """Occurrences x scale, at least 1: a token's weight in a text (as _Postings.add_counts)."""
    once = max(1, round(scale))
    return {token: once if n == 1 else max(1, round(n * scale)) for token, n in counts.items()}


def text_scale(body_length: int) -> float:
    """A token's weight in a text per occurrence: shorter bodies weigh more."""
    return 3 * TEXT_SCALE / math.sqrt(10 + body_length)


def index_documents(items: list[Entry]) -> list[dict[str, list[str]]]:
    """The entries as lunr sees them: tokens per (short) field name."""
    return [{short: tokenize(getattr(item, name)) for name, (short, _) in FIELDS.items()} for item in items]


PARALLEL_FROM = 2000   # entries; below this, forking costs more than it saves


class TokenPostings:
    """Every token's postings as arrays, in the lists of POSTINGS_LAYOUT (docs/search-index.md),
    and the exact keys ("=name"): the entries whose title or key it is, the agency's tasks."""

    def __init__(self, fields: dict, text: dict, heads: dict, exact: dict):
        self.fields, self.text, self.heads, self.exact = fields, text, heads, exact
        # what the number of shards is worked out from, kept up to date by replace(): an
        # edit in serve need not count an archive's million postings again
        self.numbers = (sum(len(a) for lists in fields.values() for a in lists) + sum(map(len, text.values()))
                        + sum(map(len, heads.values())) + sum(len(a) + len(b) for a, b in exact.values()))
        self.token_count = len(fields.keys() | text.keys() | exact.keys())

    def tokens(self) -> list[str]:
        return sorted(self.fields.keys() | self.text.keys() | self.exact.keys())

    def __contains__(self, token: str) -> bool:
        return token in self.text or token in self.fields or token in self.exact

    def replace(self, position: int, tokens, weights: dict[str, int]) -> None:
        """One entry's text postings of these tokens anew, at their place in position order."""
        for token in tokens:
            postings = self.text.get(token)
            if postings is None:
                continue
            at = _place(postings, position)
            if at < len(postings) and postings[at] == position:
                del postings[at:at + 2]
                self.numbers -= 2
            if not postings:
                del self.text[token]
                self.token_count -= token not in self.fields and token not in self.exact
        for token, weight in weights.items():
            if token not in self:
                self.token_count += 1
            postings = self.text.setdefault(token, array("i"))
            at = _place(postings, position)
            postings[at:at] = array("i", (position, weight))
            self.numbers += 2

    def lists(self, token: str) -> tuple:
        """Everything the index has of a token (what an edit compares)."""
        return self.fields.get(token), self.text.get(token), self.heads.get(token), self.exact.get(token)

    def value(self, token: str) -> list:
        """What its shard holds of a token: the lists of POSTINGS_LAYOUT, or an exact key's two."""
        if token in self.exact:
            return [list(map(operator.sub, positions, [0, *positions])) for positions in self.exact[token]]
        lists = [_deltas(field) for field in self.fields[token]] if token in self.fields else [[]] * len(FIELDS)
        text, heads = self.text.get(token), self.heads.get(token)
        heads = heads.tolist() if heads else []
        heads[1:] = map(operator.sub, heads[1:], heads)
        return [*lists, _deltas(text) if text else [], heads]


def _place(postings: array, position: int) -> int:
    """Where position is, or goes, in [position, weight, ...]."""
    with memoryview(postings) as view:   # released before the caller resizes the array
        return bisect.bisect_left(view[0::2], position) * 2


def _deltas(flat: array) -> list[int]:
    """[position, weight, ...] -> [position delta, weight, ...]."""
    values = flat.tolist()
    positions = values[0::2]
    values[2::2] = map(operator.sub, positions[1:], positions)   # at C speed: this runs over every posting
    return values


FIELDS_COST = 0.3    # weighing the boosted fields, against counting every text (0.35 at 20×, 0.28 at 100×)
ENTRY_COST = 100     # counting an entry's text costs about as much as this many more characters


def count_postings(items: list[Entry]) -> tuple[TokenPostings, Counter]:
    """The entries' postings and used_characters, counted in ranges of entries shared with a
    forked copy when there are enough (the first part weighs the boosted fields too)."""
    workers = parallel.worker_count(len(items), PARALLEL_FROM)
    jobs = [(bounds, n == 0) for n, bounds in enumerate(_balanced(items, workers, FIELDS_COST))]
    parts = parallel.forked_map(lambda job: _counted_part(job, items), jobs)
    text, heads, fields, exact, used = zip(*parts)
    for more in used[1:]:
        used[0].update(more)
    return TokenPostings(fields[0], _merged(text), _merged(heads), _merged(exact)), used[0]


def _counted_part(job: tuple[tuple[int, int], bool], items: list[Entry]):
    bounds, with_fields = job
    text, heads = _text_postings(bounds, items)
    return (text.lists, heads.lists, _field_postings(items) if with_fields else None, _exact_keys(items, bounds),
            used_characters(items[bounds[0]:bounds[1]]))


def _balanced(items: list[Entry], parts: int, first_extra: float = 0.0) -> list[tuple[int, int]]:
    """Ranges of entries of about the same work (documents come first and are long), the first
    also doing first_extra (a share of all the texts' work)."""
    cost = [len(item.body) + ENTRY_COST for item in items]
    texts = sum(cost)
    total, bounds, start, running = texts * (1 + first_extra), [], 0, texts * first_extra
    for position, c in enumerate(cost):
        running += c
        if len(bounds) < parts - 1 and running >= total * (len(bounds) + 1) / parts:
            bounds.append((start, position + 1))
            start = position + 1
    bounds.append((start, len(items)))
    return bounds


class _Postings:
    """Token -> [position, (weight,) ...] for entries met in ascending order."""

    def __init__(self):
        self.lists: dict[str, array] = {}

    def add_counts(self, position: int, counts: Counter, scale: float) -> None:
        """One entry's tokens, weighed: occurrences x scale, at least 1."""
        lists = self.lists   # the inner loop of the index: kept plain
        once = max(1, round(scale))
        for token, n in counts.items():
            postings = lists.get(token)
            if postings is None:
                postings = lists[token] = array("i")
            postings.extend((position, once if n == 1 else max(1, round(n * scale))))

    def add(self, position: int, tokens) -> None:
        lists = self.lists
        for token in tokens:
            postings = lists.get(token)
            if postings is None:
                postings = lists[token] = array("i")
            postings.append(position)


def _merged(parts) -> dict:
    """The parts' postings joined in the order of their ranges (exact keys: two lists each)."""
    out: dict = {}
    for part in parts:
        for token, postings in part.items():
            if token not in out:
                out[token] = postings
            elif isinstance(postings, tuple):
                out[token][0].extend(postings[0])
                out[token][1].extend(postings[1])
            else:
                out[token].extend(postings)
    return out


def _text_postings(bounds: tuple[int, int], items: list[Entry]) -> tuple[_Postings, _Postings]:
    """For the entries in [first, end): each token's weight in the text, and the entries with
    it in their full title or a key (which the page's title tier checks first)."""
    text, heads = _Postings(), _Postings()
    for position in range(*bounds):
        item = items[position]
        text.add_counts(position, text_counts(entry_text(items, item)), text_scale(len(item.body)))
        titles = "\n".join(cjk.squeeze(normalize(k)) for k in title_keys(items, item))
        heads.add(position, text_counts(titles).keys())
    return text, heads


def _field_postings(items: list[Entry]) -> dict[str, list[array]]:
    """lunr's weights of the boosted fields by token, each [position, weight x LUNR_SCALE, ...]."""
    fields = [(short, boost) for short, boost in FIELDS.values()]
    return lunrindex.weighted_postings(index_documents(items), fields, LUNR_SCALE)


def _exact_keys(items: list[Entry], bounds: tuple[int, int]) -> dict[str, tuple[list[int], list[int]]]:
    """"=name" -> (the entries whose key it is, the tasks of the agency so named), in [first, end)."""
    exact: dict[str, tuple[list[int], list[int]]] = {}
    for position in range(*bounds):
        item = items[position]
        for side, names in ((0, keys_of(item)), (1, item.agencies.split())):
            for name in names:
                positions = exact.setdefault("=" + cjk.squeeze(normalize(name)), ([], []))[side]
                if not positions or positions[-1] != position:   # an agency may lead and support
                    positions.append(position)
    return exact


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def script_file(name: str, data: str, holder: str = "PolicySearchFiles") -> str:
    """A script that files its JSON under name in window[holder] (a <script> loads from file://,
    fetch does not); JSON.parse of a string parses faster than an object literal."""
    return (f"(window.{holder}=window.{holder}||{{}})[{json.dumps(name)}]="
            f"JSON.parse({json.dumps(data, ensure_ascii=False)});\n")


def shard_of(token: str, shards: int) -> int:
    """FNV-1a over the token's UTF-16 code units, modulo the (power of two) shards, as the page
    computes it: an edit changes only the shards of the tokens it touches."""
    units = array("H", token.encode("utf-16-le", "surrogatepass"))
    if sys.byteorder == "big":
        units.byteswap()
    h = 0x811C9DC5
    for unit in units:
        h = ((h ^ unit) * 0x01000193) & 0xFFFFFFFF
    return h & (shards - 1)


def shard_count(postings: "TokenPostings") -> int:
    """A power of two giving shards of about SHARD_CHARS (a posting is about four characters)."""
    chars = 4 * postings.numbers + 10 * postings.token_count
    count = 1
    while count * SHARD_CHARS < chars:
        count *= 2
    return count


def _runs(items: list[Entry], key) -> list[list]:
    """[first position, *key(entry)] of each run of entries with the same key (by kind and
    collection the page filters before it loads a fragment; by date it sorts)."""
    out: list[list] = []
    for position, item in enumerate(items):
        value = key(item)
        if not out or out[-1][1:] != value:
            out.append([position, *value])
    return out


def _row(items: list[Entry], item: Entry) -> list:
    row = [KINDS[item.kind][0], full_title(items, item), item.url, item.body, keys_of(item),
           keywords_of(item), item.agencies, item.date, item.status]
    while row[-1] in ("", []):   # the optional fields at the end are left out when empty
        row.pop()
    return row


def traditional_pairs() -> list[tuple[str, str]]:
    """(traditional, simplified) for every Han character OpenCC's t2s conversion changes,
    one character at a time."""
    import opencc   # only the index needs it
    candidates = [chr(c) for c in range(0x4E00, 0xA000)] + [chr(c) for c in range(0x3400, 0x4DC0)]
    converted = opencc.OpenCC("t2s").convert("\n".join(candidates)).split("\n")
    return [(t, s) for t, s in zip(candidates, converted) if t != s]


def used_characters(items: list[Entry]) -> Counter:
    """How many entries' texts use each character (what the fold table is limited to)."""
    used: Counter = Counter()
    for i in items:   # set() of each text, not a regex over all of it: this is in every build
        used.update(set(i.title) | set(i.body) | set(i.agency) | set(i.domain))
    return used


def traditional_folds(used, pairs: list[tuple[str, str]] | None = None) -> str:
    """Pairs of traditional and simplified characters the entries use, in one string (電电當当…):
    a reader who types 跨境電商 finds 跨境电商."""
    return "".join(t + s for t, s in (pairs if pairs is not None else traditional_pairs()) if used.get(s))


class SearchIndex:
    """The search files of a site, and the entries and postings an edit updates (in serve)."""

    def __init__(self, site: Site):
        self.spans: dict[str, tuple[int, int]] = {}   # document -> its entries' positions
        self.items = entries(site, self.spans)
        self.task_documents = {c.document for c in site.collections.values()}
        self.collections = [[c.id, c.title] for c in site.collections.values()]
        self.postings, self.used = count_postings(self.items)
        self.shards = shard_count(self.postings)
        self.members: dict[int, set[str]] = {}   # shard -> its tokens
        for token in self.postings.tokens():
            self.members.setdefault(shard_of(token, self.shards), set()).add(token)
        self.pairs = traditional_pairs()
        self.ranges = _runs(self.items, lambda i: [KINDS[i.kind][0], i.collection])   # a body edit keeps them

    def write(self, folder) -> None:
        """Every search file, the fragments and shards shared with a forked copy when there are enough."""
        files = [(self._fragment, n) for n in range(-(-len(self.items) // FRAGMENT_SIZE))]
        files += [(self._shard, n) for n in range(self.shards)]
        workers = parallel.worker_count(len(self.items), PARALLEL_FROM)

        def part(n: int) -> None:
            for make, number in files[n::workers]:
                write_file(folder, *make(number))
        parallel.forked_map(part, range(workers))
        for name, text in self._small_files():
            write_file(folder, name, text)

    def _small_files(self) -> Iterator[tuple[str, str]]:
        names = sorted({k for item in self.items if item.kind in KEYWORD_KEYS and item.parent < 0 for k in keys_of(item)})
        yield f"{SEARCH_DIR}/names.js", script_file("names", _json(names))
        yield f"{SEARCH_DIR}/collections.js", script_file("collections", _json(self.collections))
        yield f"{SEARCH_DIR}/dates.js", script_file("dates", _json(_runs(self.items, lambda i: [i.date])))
        yield self._manifest()

    def update(self, site: Site, edited) -> list[tuple[str, str]] | None:
        """The files that change with the edited documents' bodies; None when the edit reaches
        further than the entries' texts (an entry added or removed, a title, key or field)."""
        old = self.items
        items = list(old)
        changed = []
        for doc in edited:
            start, end = self.spans[doc.id]
            fresh = document_entries(doc, start, doc.id in self.task_documents)
            if len(fresh) != end - start:
                return None
            for position, after in enumerate(fresh, start):
                before = old[position]
                if before == after:
                    continue
                if before._replace(body=after.body) != after:
                    return None
                items[position] = after
                changed.append(position)
        touched = set()
        for position in changed:
            before = _weights(text_counts(entry_text(old, old[position])), text_scale(len(old[position].body)))
            after = _weights(text_counts(entry_text(items, items[position])), text_scale(len(items[position].body)))
            moved = {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)}
            touched.update(moved)
            self.postings.replace(position, moved, {t: after[t] for t in moved if t in after})
        delta = used_characters([items[p] for p in changed])
        delta.subtract(used_characters([old[p] for p in changed]))
        self.used.update(delta)
        self.items = items
        if shard_count(self.postings) != self.shards:
            return None
        for token in touched:
            members = self.members.setdefault(shard_of(token, self.shards), set())
            if token in self.postings:
                members.add(token)
            else:
                members.discard(token)
        files = [self._fragment(n) for n in sorted({p // FRAGMENT_SIZE for p in changed})]
        files.extend(self._shard(n) for n in sorted({shard_of(token, self.shards) for token in touched}))
        files.append(self._manifest())
        return files

    def changed_files(self, before: "SearchIndex") -> list[tuple[str, str]] | None:
        """The files that differ from those of before (the index before an edit); None when
        the entries or the shards differ in number."""
        if len(self.items) != len(before.items) or self.shards != before.shards:
            return None
        new, old = self.postings, before.postings
        tokens = {t for t in new.tokens() if new.lists(t) != old.lists(t)} | {t for t in old.tokens() if t not in new}
        rows = {p // FRAGMENT_SIZE for p, (a, b) in enumerate(zip(self.items, before.items)) if a != b}
        return ([self._fragment(n) for n in sorted(rows)]
                + [self._shard(n) for n in sorted({shard_of(t, self.shards) for t in tokens})] + list(self._small_files()))

    def _shard(self, n: int) -> tuple[str, str]:
        """Every shard is written, an empty one too: the page asks for the shard of any token."""
        tokens = sorted(self.members.get(n, ()))
        shard = _json({token: self.postings.value(token) for token in tokens})   # one encoder pass per shard
        return f"{SEARCH_DIR}/t/{n}.js", script_file(f"t/{n}", shard)

    def _fragment(self, n: int) -> tuple[str, str]:
        rows = [_row(self.items, item) for item in self.items[n * FRAGMENT_SIZE:(n + 1) * FRAGMENT_SIZE]]
        return f"{SEARCH_DIR}/f/{n}.js", script_file(f"f/{n}", _json(rows))

    def _manifest(self) -> tuple[str, str]:
        manifest = {"format": INDEX_FORMAT, "count": len(self.items), "postings": POSTINGS_LAYOUT, "kinds": {code: name for code, name in KINDS.values()},
                    "layout": list(STORE_LAYOUT), "fields": [[short, boost] for short, boost in FIELDS.values()],
                    "lunr_scale": LUNR_SCALE, "text_scale": TEXT_SCALE, "fragment_size": FRAGMENT_SIZE,
                    "ranges": self.ranges, "shards": self.shards,
                    "fold": traditional_folds(self.used, self.pairs)}
        return urls.SEARCH_INDEX, script_file("index", _json(manifest))
