"""Validity and relations of documents: when a document takes effect (施行) and until when
(有效期至), which documents it repeals, amends, issues or is based on, and its status on
the site's `as_of` date (a date in data/site.yaml, never the build machine's clock, so
builds stay reproducible). explorer/tools/proposals.py reads the same facts from a
document's text, for the importer to propose."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import cjk

# kind -> (what the document does to the target, what the target shows of it)
RELATION_KINDS: dict[str, tuple[str, str]] = {
    "repeals": ("废止", "被以下文件废止"),
    "amends": ("修改", "被以下文件修改"),
    "issues": ("印发、转发", "由以下文件印发、转发"),
    "based_on": ("依据", "以本文件为依据的文件"),
}

IN_FORCE, PENDING, EXPIRED, REPEALED = "in_force", "pending", "expired", "repealed"
STATUS_NAMES = {IN_FORCE: "现行有效", PENDING: "尚未施行", EXPIRED: "已失效", REPEALED: "已废止"}
NO_STATUS_ROLES = ("issue", "contents", "record")   # an issue, a list, a chronicle: not in force or out


@dataclass(eq=False)
class Relation:
    kind: str                      # a key of RELATION_KINDS
    text: str                      # as written in front matter
    number: cjk.DocNumber | None   # the target's document number, when it names one
    title: str | None              # the target's title, when it names one (in 《》)
    line: int | None
    target: object = None          # the Document in the corpus, once resolved
    inner: object = None           # else the Document its title quotes (《国务院关于〈X〉的批复》: X), if in the corpus


@dataclass(frozen=True)
class Status:
    code: str                                # IN_FORCE, PENDING, EXPIRED or REPEALED
    as_of: dt.date
    by: tuple = field(default=())            # the documents that repealed it

    @property
    def name(self) -> str:
        return STATUS_NAMES[self.code]


_TITLE = re.compile(r"《([^《》]{2,120})》")


def parse_relation(text: str) -> tuple[cjk.DocNumber | None, str | None]:
    """(number, title) of a relation's target: a document number in any bracket form
    (甬政发[2016]72号), a 《title》, or a 《title》 followed by its number in brackets."""
    text = text.strip()
    number = cjk.parse_doc_number(text)
    if number is not None:
        return number, None
    match = _TITLE.match(text)
    if match is None:
        return None, None
    rest = text[match.end():].strip().strip("（()）").strip()
    if not rest:
        return None, match.group(1)
    number = cjk.parse_doc_number(rest)
    return (number, match.group(1)) if number is not None else (None, None)


def in_force_from(doc) -> dt.date | None:
    """When a document's own provisions (its repeals too) take effect."""
    return doc.effective or doc.date or doc.published


def status_of(doc, as_of: dt.date | None, role: str | None) -> Status | None:
    """The document's status on as_of; None without as_of, or for an issue, a list or a record."""
    if as_of is None or role in NO_STATUS_ROLES:
        return None
    repealers = tuple(d for kind, d in doc.related_by
                      if kind == "repeals" and (in_force_from(d) is None or in_force_from(d) <= as_of))
    if repealers:
        return Status(REPEALED, as_of, repealers)
    if doc.valid_until is not None and doc.valid_until < as_of:
        return Status(EXPIRED, as_of)
    if doc.effective is not None and doc.effective > as_of:
        return Status(PENDING, as_of)
    return Status(IN_FORCE, as_of)
