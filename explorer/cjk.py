"""Chinese text primitives shared by the importer, the renderer and the tests.

Every pattern about Chinese official documents lives here, once: enumerators of
heading levels, document numbers, sentence-final punctuation, stray spaces.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK punctuation and full-width forms: 、。〈〉《》「」『』【】〔〕（）：；，！？“”‘’…—·
CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2026\u2014\u00b7"
CJK_CHAR = f"[{HAN}{CJK_PUNCT}]"

CN_DIGITS = "〇零一二三四五六七八九十百千两"
CN_VALUES = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_numeral(text: str) -> int:
    """Value of a Chinese numeral such as 十二, 二十五, 一百零三."""
    total, digit = 0, 0
    for ch in text:
        if ch in CN_VALUES:
            digit = CN_VALUES[ch]
        elif ch in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + digit


# Heading markers of Chinese official documents, by outline level.
# 一、 / （一） / 1. / （1）; chapters and sections of regulations.
ENUMERATORS: list[tuple[int, re.Pattern[str]]] = [
    (2, re.compile(f"^第[{CN_DIGITS}]+章")),
    (3, re.compile(f"^第[{CN_DIGITS}]+节")),
    (2, re.compile(f"^[{CN_DIGITS}]+、")),
    (3, re.compile(f"^[（(]\\s*[{CN_DIGITS}]+\\s*[）)]")),
    (4, re.compile(r"^\d{1,2}\s*[.．、](?!\d)")),
    (5, re.compile(r"^[（(]\d{1,2}[）)]")),
]
ARTICLE_RE = re.compile(f"^第([{CN_DIGITS}]+)条")
BOX_RE = re.compile(r"^专栏\s*(\d+(?:-\d+)?)?\s*[:：]?")
ANNEX_REF_RE = re.compile(r"^附\s*件\s*[:：]\s*(.+)$")   # 附件：<title of the annex>
ANNEX_HEADING_RE = re.compile(r"^附\s*件\s*\d*$")

# A sentence ends with one of these, possibly followed by closing quotes/brackets.
SENTENCE_FINAL = "。！？；：…!?;:"
CLOSERS = "”’」』》）)]】〕"
_TRAILING_CLOSERS = re.compile(f"[{re.escape(CLOSERS)}]+$")

# The rules the pages apply too: the build writes them into the site (TEXT_RULES, read by
# static/js/text.js), so a reader's query is read as the build reads the documents.
# Whitespace, as squeeze() removes it (Python's \s and JavaScript's \s differ at the edges).
SPACES = " \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# The brackets a document number's year is printed in: 〔2021〕 (canonical), [2021], ［2021］, 【2021】, （2021）, ﹙2021﹚.
YEAR_OPEN, YEAR_CLOSE = "〔[［【（(﹙", "〕]］】）)﹚"
TEXT_RULES = {"han": HAN, "spaces": SPACES, "year_open": YEAR_OPEN, "year_close": YEAR_CLOSE}
_SPACE_RUN = re.compile(f"[{SPACES}]+")
_OPEN, _CLOSE = f"[{re.escape(YEAR_OPEN)}]", f"[{re.escape(YEAR_CLOSE)}]"
YEAR_IN_BRACKETS = re.compile(f"{_OPEN}[{SPACES}]*(\\d{{4}})[{SPACES}]*{_CLOSE}")

# 发文字号: 代字〔年〕号; printed bracket variants are normalised to 〔〕.
DOC_NUMBER_RE = re.compile(
    f"(?P<prefix>[\u4e00-\u9fff]{{1,8}}?)\\s*{_OPEN}\\s*(?P<year>\\d{{4}})\\s*{_CLOSE}\\s*第?\\s*(?P<number>\\d+)\\s*号"
)
ORDER_NUMBER_RE = re.compile(r"(?P<prefix>(?:市)?政府令)\s*第?\s*(?P<number>\d+)\s*号")
# a number that names its issuer, as a whole: 宁波市人民政府令第16号, 宁波市人民代表大会常务委员会公告第12号
NAMED_NUMBER_RE = re.compile(r"(?P<prefix>[\u4e00-\u9fff]{2,24}?(?:令|公告))\s*[（(]?\s*第\s*(?P<number>\d+)\s*号\s*[）)]?")
CN_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")

@dataclass(frozen=True)
class DocNumber:
    prefix: str
    year: int | None
    number: int

    def __str__(self) -> str:
        if self.year is None:
            return f"{self.prefix}第{self.number}号"
        return f"{self.prefix}〔{self.year}〕{self.number}号"


def parse_doc_number(text: str) -> DocNumber | None:
    """The document number in text, in canonical form, or None."""
    text = text.strip()
    match = DOC_NUMBER_RE.fullmatch(text)
    if match:
        return DocNumber(match["prefix"], int(match["year"]), int(match["number"]))
    match = ORDER_NUMBER_RE.fullmatch(text) or NAMED_NUMBER_RE.fullmatch(text)
    if match:
        return DocNumber(match["prefix"], None, int(match["number"]))
    return None


def heading_level(text: str) -> int | None:
    """Outline level of a line that starts with a heading enumerator, else None."""
    for level, pattern in ENUMERATORS:
        if pattern.match(text):
            return level
    return None


def ends_sentence(text: str) -> bool:
    """True when text ends a sentence (closing quotes and brackets looked through)."""
    stripped = _TRAILING_CLOSERS.sub("", text.rstrip())
    if not stripped:
        return True
    if stripped != text.rstrip() and text.rstrip()[-1] in "）)":
        # A parenthetical at the end of a line closes it: （牵头单位：…）, (2021-2025年)
        return True
    return stripped[-1] in SENTENCE_FINAL


def squeeze(text: str) -> str:
    """Text with all whitespace removed, for comparisons that ignore layout."""
    return _SPACE_RUN.sub("", text)


def canonical_years(text: str) -> str:
    """A year in any of the brackets of a document number, in 〔〕: 甬政办发[2021]79号 -> 甬政办发〔2021〕79号."""
    return YEAR_IN_BRACKETS.sub(r"〔\1〕", text)


_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
# combining marks after a Chinese character or punctuation (they have none: an artefact)
_MARK_AFTER_CJK = re.compile(f"(?<={CJK_CHAR})[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def visible(text: str) -> str:
    """Text as it reads: NFC, no zero-width characters, BOMs or soft hyphens, no combining
    marks on Chinese characters. Applied to every text that comes in, and to names
    before they are matched (市商\ufeff务局 is 市商务局)."""
    return _MARK_AFTER_CJK.sub("", _INVISIBLE.sub("", unicodedata.normalize("NFC", text)))


def name_key(name: str) -> str:
    """What two spellings of a name share when they are the same name."""
    return squeeze(visible(name))


def inner_title(title: str) -> str | None:
    """The instrument a notice issues: 关于印发《X》的通知 / 关于印发X的通知 -> X."""
    match = re.search(r"印发《(.+)》的通知$", title) or re.search(r"印发(.+)的通知$", title)
    return match.group(1) if match else None


def domain_row(cells: list[str]) -> str | None:
    """The heading of a table row that carries only a domain heading (一、…), or None: the
    one test for such rows, in raw tables, in Markdown tables and in task extraction."""
    filled = [c.strip() for c in cells if c.strip()]
    if len(filled) == 1 and heading_level(filled[0]) == 2 and len(filled[0]) <= 60 \
            and not re.search("[。；]", filled[0]):
        return filled[0]
    return None
