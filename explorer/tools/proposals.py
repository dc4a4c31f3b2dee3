"""Validity and relations proposed from a document's text (施行, 有效期, 废止, 修改,
依据), each with the body line it was read from, for the importer to write into front
matter and a person to review (explorer/validity.py holds what the build makes of them)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .. import cjk
from ..validity import RELATION_KINDS, parse_relation

_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_EFFECTIVE = re.compile(r"自\s*" + _DATE + r"\s*起(?:施行|实施|执行|生效)")
_EFFECTIVE_ON_ISSUE = re.compile(r"自(?:印发|发布|公布|下发)之日起(?:施行|实施|执行|生效)")
_VALID_UNTIL = re.compile(r"有效期(?:至|到|截至)\s*" + _DATE)
_VALID_YEARS = re.compile(r"有效期(?:为)?\s*([0-9一二两三四五六七八九十]+)\s*年")
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
_REPEAL = re.compile(r"(?:同时|予以|一并)?废止|停止执行")
_BASIS = re.compile(r"(?:根据|依据)((?:《[^《》]{2,120}》(?:[（(][^（）()]{2,30}[）)])?[、和及与]?)+)")
_AMENDS = re.compile(r"关于修改《([^《》]{2,120})》")
_CN_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass
class Proposal:
    """What a document's text says of its validity and relations, each with the line
    of the body it was read from (proposals, not facts: a person reviews them)."""
    effective: dt.date | None = None
    valid_until: dt.date | None = None
    relations: dict[str, list[str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def front_matter(self) -> dict:
        out: dict = {}
        if self.effective:
            out["effective"] = self.effective.isoformat()
        if self.valid_until:
            out["valid_until"] = self.valid_until.isoformat()
        for kind in RELATION_KINDS:
            if self.relations.get(kind):
                out[kind] = list(self.relations[kind])
        return out


def _date(match: re.Match, first: int = 1) -> dt.date | None:
    try:
        return dt.date(int(match.group(first)), int(match.group(first + 1)), int(match.group(first + 2)))
    except ValueError:
        return None


def _years(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_NUMBERS.get(text[1:], 0)
    return _CN_NUMBERS.get(text)


def _plus_years(day: dt.date, years: int) -> dt.date:
    """The last day of a period of whole years starting on day."""
    try:
        end = day.replace(year=day.year + years)
    except ValueError:   # 29 February
        end = day.replace(year=day.year + years, day=28)
    return end - dt.timedelta(days=1)


# a plan's period in its title: （2021-2025年）, (2021—2025年), 2021～2025年; or a five-year plan by its number
_PERIOD = re.compile(r"(20\d\d)\s*[-—–－～~至到]\s*(20\d\d)\s*年")
FIVE_YEAR_PLANS = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}


def plan_period_end(title: str) -> dt.date | None:
    """The last day of the period a plan's title names (its 规划期), or None."""
    match = _PERIOD.search(title)
    if match and int(match.group(1)) <= int(match.group(2)):
        return dt.date(int(match.group(2)), 12, 31)
    ends = [end for name, end in FIVE_YEAR_PLANS.items() if name in title]
    return dt.date(ends[0], 12, 31) if len(ends) == 1 else None


_SHORT_NAME = re.compile(r"[（(]\s*以下简称[^（）()]*[）)]")


def _targets(text: str) -> list[str]:
    """The documents a piece of text names: 《title》（number）, 《title》 or a bare number
    (not the short names it gives them: （以下简称《工作方案》））."""
    text = _SHORT_NAME.sub("", text)
    out, taken = [], []
    for match in re.finditer(r"《([^《》]{2,120})》(?:\s*[（(]([^（）()]{2,30})[）)])?", text):
        number = cjk.parse_doc_number(match.group(2)) if match.group(2) else None
        out.append(f"《{cjk.squeeze(match.group(1))}》（{number}）" if number else f"《{cjk.squeeze(match.group(1))}》")
        taken.append(match.span())
    for pattern in (cjk.DOC_NUMBER_RE, cjk.ORDER_NUMBER_RE):
        for match in pattern.finditer(text):
            if not any(a <= match.start() < b for a, b in taken):
                number = cjk.parse_doc_number(match.group(0))
                if number is not None:
                    out.append(str(number))
                    taken.append(match.span())
    return list(dict.fromkeys(out))


def propose(body: str, title: str = "", issued: dt.date | None = None, first_line: int = 1) -> Proposal:
    """Effective date, validity and relations as the text states them. issued: the date
    the document was issued (for 自印发之日起施行 and a validity counted in years)."""
    found = Proposal()
    amended = _AMENDS.search(title)
    if amended:
        found.relations.setdefault("amends", []).append(f"《{cjk.squeeze(amended.group(1))}》")
    for offset, line in enumerate(body.split("\n")):
        at = first_line + offset
        for sentence in _SENTENCE.findall(line):
            if found.effective is None:
                match = _EFFECTIVE.search(sentence)
                if match:
                    found.effective = _date(match)
                elif issued and _EFFECTIVE_ON_ISSUE.search(sentence):
                    found.effective = issued
                if found.effective:
                    found.lines["effective"] = at
            if found.valid_until is None:
                match = _VALID_UNTIL.search(sentence)
                if match:
                    found.valid_until = _date(match)
                else:
                    match = _VALID_YEARS.search(sentence)
                    start = found.effective or issued
                    years = _years(match.group(1)) if match else None
                    # a period in years counts from the effective date, when the text gives one
                    if years and start and not re.search(r"有效期\s*[0-9一二两三四五六七八九十]+\s*[个月天日]", sentence):
                        found.valid_until = _plus_years(start, years)
                if found.valid_until:
                    found.lines["valid_until"] = at
            repeal = _REPEAL.search(sentence)
            if repeal and "关于废止" not in sentence:
                # the documents named before 废止 in the sentence (原《…》（…号）同时废止)
                for target in _targets(sentence[:repeal.start()] or sentence):
                    found.relations.setdefault("repeals", []).append(target)
                    found.lines.setdefault("repeals", at)
            for basis in _BASIS.finditer(sentence):
                for target in _targets(basis.group(1)):
                    found.relations.setdefault("based_on", []).append(target)
                    found.lines.setdefault("based_on", at)
    if found.valid_until is None and plan_period_end(title):
        found.valid_until = plan_period_end(title)   # a plan is in force for the period it names
        found.lines["valid_until"] = 0   # the title's
    # never the document itself, nor the instrument it issues (关于印发《X》的通知 names X)
    own = {cjk.squeeze(name) for name in (title, cjk.inner_title(title) or "") if name}
    for kind in list(found.relations):
        kept = [t for t in dict.fromkeys(found.relations[kind]) if cjk.squeeze(parse_relation(t)[1] or "") not in own]
        if kept:
            found.relations[kind] = kept
        else:
            del found.relations[kind]
            found.lines.pop(kind, None)
    return found
