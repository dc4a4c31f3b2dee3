"""The search index: a pure function of the site model, serialised once as a script.

Tokenizer (the same definition runs in static/js/search.js, and a test proves it):
  1. NFKC (full-width letters, digits and brackets become ASCII), lower case;
  2. a bracketed year becomes 〔year〕, so 甬政办发[2021]79号 = 甬政办发（2021）79号 = 甬政办发〔2021〕79号;
  3. runs of Han characters become overlapping bigrams (a single character stays a unigram),
     runs of ASCII letters and digits become words; everything else separates tokens.
lunr's own pipeline (trimmer, stop words, stemmer) is not used: it would strip Han
characters. Entries are document sections, tasks and agencies; the store holds what a
result shows and the text a snippet is cut from.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from . import cjk, lunrindex, urls
from .markdown import section_texts
from .model import Site

_YEAR_IN_BRACKETS = re.compile(r"[\[(【〔［]\s*(\d{4})\s*[\])】〕］]")
_RUNS = re.compile(f"([{cjk.HAN}]+)|([a-z0-9]+)")

# field: (short name in the index, boost)
# The body is not in the lunr index: its postings would be ~750 KB gzipped for this corpus.
# The result store carries the text anyway (for snippets); body matches are found there.
FIELDS = {"title": ("t", 10), "number": ("n", 10), "agency": ("a", 5), "domain": ("d", 2)}
# kind: (code in the store, what the page calls it); the page reads both from the index
KINDS = {"document": ("d", "文件"), "task": ("t", "任务"), "agency": ("a", "单位")}
# a store row: these fields in this order (keywords only where there are some); the
# page reads the layout from the index too
STORE_LAYOUT = ("kind", "title", "url", "body", "extra", "keywords", "agencies")
# the kinds whose keywords are exact keys, like a title: a document's number, an agency's names
KEYWORD_KEYS = ("document", "agency")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return _YEAR_IN_BRACKETS.sub(r"〔\1〕", text)


def tokenize(text: str) -> list[str]:
    """Search tokens of a text; the JavaScript tokenize() in static/js/search.js is identical."""
    tokens: list[str] = []
    for han, word in _RUNS.findall(normalize(text)):
        if word:
            tokens.append(word)
        elif len(han) == 1:
            tokens.append(han)
        else:
            tokens.extend(han[i:i + 2] for i in range(len(han) - 1))
    return tokens


@dataclass
class Entry:
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


def entries(site: Site) -> list[Entry]:
    """What the search finds: document sections, tasks, agencies."""
    out: list[Entry] = []
    task_documents = {c.document for c in site.collections.values()}
    for doc in site.documents_sorted():
        url = urls.url_for(doc)
        head = len(out)
        for anchor, heading, text in section_texts(doc.sections, skip_tables=doc.id in task_documents):
            if anchor is None:
                out.append(Entry("document", doc.title, url, text, domain=doc.type,
                                 number=str(doc.doc_number) if doc.doc_number else ""))
            else:
                if len(out) == head:  # a body that starts with a heading: the document itself first
                    out.append(Entry("document", doc.title, url, "", domain=doc.type,
                                     number=str(doc.doc_number) if doc.doc_number else ""))
                out.append(Entry("document", heading, f"{url}#{anchor}", text, parent=head))
        if doc.articles and len(out) == head:
            out.append(Entry("document", doc.title, url, "", domain=doc.type,
                             number=str(doc.doc_number) if doc.doc_number else ""))
        for anchor, label, text in doc.articles:   # 第八条 opens the article, not its chapter
            out.append(Entry("document", label, f"{url}#{anchor}", text, parent=head))
    for collection in site.collections.values():
        for task in collection.tasks:
            names = " ".join(n for a in task.lead + task.support + task.guide for n in a.spellings)
            domain = f"{task.domain} {task.leader}" if task.leader else task.domain
            out.append(Entry("task", f"{collection.title} 第{task.number}项", urls.url_for(task), task.text,
                             number=str(task.number), agency=names, domain=domain, collection=collection.id,
                             agencies=names))
    for agency in site.agencies.values():
        names = " ".join([*agency.spellings, agency.full_name or ""])
        summary = f"{agency.full_name or agency.name}（{agency.category}）：牵头{len(agency.lead)}项，配合{len(agency.support)}项"
        out.append(Entry("agency", agency.name, urls.url_for(agency), summary, agency=names))
    return out


def index_documents(items: list[Entry]) -> list[dict[str, list[str]]]:
    """The entries as lunr sees them: tokens per (short) field name."""
    return [{short: tokenize(getattr(item, name)) for name, (short, _) in FIELDS.items()} for item in items]


def build_index(items: list[Entry]) -> dict:
    """lunr 2.3.9 index of the entries (refs are their positions in the store); the same
    serialisation lunr.py's Builder produces (tests/test_search.py proves it)."""
    return lunrindex.build_index(index_documents(items), [(short, boost) for short, boost in FIELDS.values()])


def store(items: list[Entry]) -> list[list]:
    """Per entry, in STORE_LAYOUT: kind, title, url (site-root-relative), text for
    snippets, extra (the collection of a task, or the position of the document a section
    belongs to), the keywords (number, agency names) an entry is found by, and a task's
    agencies (a query that names one ranks that agency's tasks first)."""
    rows = []
    for i in items:
        keywords = " ".join(k for k in (i.number if i.kind == "document" else "", i.agency,
                                         i.domain if i.kind == "task" else "") if k)
        row = [KINDS[i.kind][0], i.title, i.url, i.body, i.collection or i.parent, keywords, i.agencies]
        while row[-1] == "":   # the optional fields at the end are left out when empty
            row.pop()
        rows.append(row)
    return rows


def traditional_folds(items: list[Entry]) -> str:
    """Traditional characters and the simplified ones the corpus writes, as pairs in one
    string (電电當当…), from OpenCC's t2s conversion one character at a time, limited to
    the characters the entries use: a reader who types 跨境電商 finds 跨境电商."""
    import opencc   # only the index needs it
    used: set[str] = set()
    for i in items:   # set() of each text, not a regex over all of it: this is in every build
        used.update(i.title, i.body, i.agency, i.domain)
    candidates = [chr(c) for c in range(0x4E00, 0xA000)] + [chr(c) for c in range(0x3400, 0x4DC0)]
    converted = opencc.OpenCC("t2s").convert("\n".join(candidates)).split("\n")
    return "".join(t + s for t, s in zip(candidates, converted) if t != s and s in used)


def search_script(site: Site) -> str:
    """The index and store as one script, loadable from file:// with a <script> tag."""
    items = entries(site)
    payload = {"fold": traditional_folds(items), "kinds": {code: name for code, name in KINDS.values()}, "layout": list(STORE_LAYOUT),
               "keyword_keys": [KINDS[k][0] for k in KEYWORD_KEYS],
               "index": build_index(items), "store": store(items)}
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    # JSON.parse of a string literal is parsed much faster than the same object literal
    literal = json.dumps(data, ensure_ascii=False)
    return f"// Generated by build.py: the search index of this site.\nwindow.SEARCH_DATA=JSON.parse({literal});\n"
