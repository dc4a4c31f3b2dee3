"""ASCII ids for what a maintainer adds, derived by documented rules so that they are
stable (the same text always gives the same id) and readable:

- a 发文字号 代字 not in data/doc_prefixes.yaml: the pinyin initials of its characters
  (国办发明电 -> gbfmd), so 国办发明电〔2027〕9号 is gbfmd-2027-9;
- a document without a number: the initials of its title (up to 16) and its date
  (宁波市港航物流业发展三年行动计划, 2027-10-08 -> nbsghwlyfzsnxdjh-20271008);
- an agency: the initials of its name (人力资源社会保障部 -> rlzyshbzb).
Pinyin comes from pypinyin, which reads common words as phrases (银行 is yinhang).
"""
from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

from .. import cjk

_HAN = re.compile(f"[{cjk.HAN}]")


def initials(text: str) -> str:
    """Pinyin initials of the Han characters, with ASCII letters and digits kept (lower case)."""
    out = []
    for piece in lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda chars: list(chars)):
        out.extend(ch.lower() for ch in piece if ch.isascii() and ch.isalnum())
    return "".join(out)


def prefix_slug(prefix: str) -> str:
    return initials(prefix) or "doc"


def number_id(slug: str, number: cjk.DocNumber) -> str:
    return f"{slug}-{number.year}-{number.number}" if number.year else f"{slug}-{number.number}"


def title_id(title: str, date: str | None) -> str:
    base = initials(title)[:16] or "doc"
    return f"{base}-{date.replace('-', '')}" if date else base


def agency_id(name: str, taken: set[str]) -> str:
    base = initials(name)[:24] or "agency"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
