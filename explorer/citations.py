"""Finding references in document text: document numbers (甬政办发〔2021〕79号, in any
bracket form), 《titles》 and 〈titles〉 of documents in the corpus, and names of known
agencies. The longest name at a position wins, so 宁波市商务局 is one mention, not two."""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import cjk
from .model import Agency, Document, Site


@dataclass(frozen=True)
class Reference:
    start: int
    end: int
    kind: str          # "document" | "agency"
    target: str        # document or agency id


def trie_pattern(words) -> str:
    """A regular expression matching the longest of words at a position, as an
    alternation of them longest first would, but branching on one character at a time:
    an alternation of thousands of names tries each at every position of every text."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}   # a word ends here

    def pattern(node: dict) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body
    return pattern(trie)


class Linker:
    def __init__(self, site: Site):
        self.numbers = {str(d.doc_number): d.id for d in site.documents.values() if d.doc_number}
        self.titles: dict[str, str] = {}
        for doc in site.documents.values():
            for title in (doc.title, cjk.inner_title(doc.title)):
                if title:
                    self.titles.setdefault(cjk.squeeze(title), doc.id)
        self.agencies: dict[str, Agency] = {}
        short: dict[str, Agency] = {}
        for agency in site.agencies.values():
            if agency.is_group:
                continue
            for spelling in agency.spellings + ([agency.full_name] if agency.full_name else []):
                if len(spelling) >= 4 and " " not in spelling:
                    self.agencies.setdefault(spelling, agency)
                elif len(spelling) == 3:
                    short.setdefault(spelling, agency)
        self._agency_re = re.compile(trie_pattern(self.agencies)) if self.agencies else None
        # a three-character name (市外办) only where no other Chinese character touches it: in a
        # list of agencies (市交通局、市外办), not inside a longer word of running text
        self._short_re = re.compile(f"(?<![{cjk.HAN}])(?:{trie_pattern(short)})(?![{cjk.HAN}])") if short else None
        self.agencies.update((k, v) for k, v in short.items() if k not in self.agencies)
        # 《国务院关于〈加快推进…工作方案〉的批复》: the inner title is a reference of its own
        self._quoted = (re.compile(r"《([^《》]{2,80})》"), re.compile(r"〈([^〈〉]{2,80})〉"))

    def find(self, text: str, current: Document | None = None) -> list[Reference]:
        """Non-overlapping references in text, in order."""
        found: list[Reference] = []
        for pattern in (cjk.DOC_NUMBER_RE, cjk.ORDER_NUMBER_RE):
            for match in pattern.finditer(text):
                number = cjk.parse_doc_number(match.group(0))
                target = self.numbers.get(str(number)) if number else None
                if target:
                    found.append(Reference(match.start(), match.end(), "document", target))
        for pattern in self._quoted:
            for match in pattern.finditer(text):
                target = self.titles.get(cjk.squeeze(match.group(1)))
                if target:
                    found.append(Reference(match.start(), match.end(), "document", target))
        for pattern in (self._agency_re, self._short_re):
            for match in pattern.finditer(text) if pattern is not None else ():
                found.append(Reference(match.start(), match.end(), "agency", self.agencies[match.group(0)].id))
        found.sort(key=lambda r: (r.start, -(r.end - r.start)))
        out: list[Reference] = []
        for ref in found:
            if out and ref.start < out[-1].end:
                continue
            if current is not None and ref.kind == "document" and ref.target == current.id:
                continue
            out.append(ref)
        return out
