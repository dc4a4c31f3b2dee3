"""A Word .docx: its paragraphs and tables in order, with python-docx.

A centred paragraph (the masthead, the title, a chapter) is marked as one; a line break
inside a paragraph ends a line (signatures are written so); numbering that Word
generates (一、 （一） 1. 第一条) is written out as the text it shows, since the importer
reads heading levels and articles from it.
"""
from __future__ import annotations

import re
from io import BytesIO

from .shared import Extracted, FormProblem, normalise, table_lines

_CN = "〇一二三四五六七八九"


def _chinese(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _CN[rest] if rest < 10 else ("一" + _chinese(rest) if rest < 20 else _chinese(rest)))
    return _CN[n // 100] + "百" + tail


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


FORMATS = {
    "decimal": str, "decimalZero": lambda n: f"{n:02d}", "chineseCounting": _chinese,
    "chineseCountingThousand": _chinese, "chineseLegalSimplified": _chinese, "ideographTraditional":
        lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10], "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if n <= 20 else str(n),
    "decimalFullWidth": lambda n: "".join(chr(0xFF10 + int(d)) for d in str(n)), "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(), "lowerRoman": _roman, "upperRoman": lambda n: _roman(n).upper(),
    "ordinal": str, "cardinalText": str, "none": lambda n: "",
}


class _Numbering:
    """Word's list numbering, counted as Word counts it: per list, a level restarting
    when a level above it moves on."""

    def __init__(self, document):
        from docx.oxml.ns import qn
        self.qn = qn
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}   # (numId, ilvl) -> (format, text, start)
        self.counters: dict[str, dict[int, int]] = {}
        try:
            part = document.part.numbering_part
        except (KeyError, NotImplementedError):
            return
        root = part.element
        abstract = {}
        for node in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in node.findall(qn("w:lvl")):
                get = lambda tag: (lvl.find(qn(tag)).get(qn("w:val")) if lvl.find(qn(tag)) is not None else None)
                levels[int(lvl.get(qn("w:ilvl")))] = (get("w:numFmt") or "decimal", get("w:lvlText") or "",
                                                      int(get("w:start") or 1))
            abstract[node.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = dict(abstract.get(ref.get(qn("w:val")) if ref is not None else None, {}))
            for override in num.findall(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                ilvl = int(override.get(qn("w:ilvl")))
                if start is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, int(start.get(qn("w:val"))))
            for ilvl, level in levels.items():
                self.levels[(num.get(qn("w:numId")), ilvl)] = level

    def label(self, paragraph) -> str:
        qn = self.qn
        num_pr = _num_pr(paragraph, qn)
        if num_pr is None:
            return ""
        num_id_el, ilvl_el = num_pr.find(qn("w:numId")), num_pr.find(qn("w:ilvl"))
        num_id = num_id_el.get(qn("w:val")) if num_id_el is not None else None
        ilvl = int(ilvl_el.get(qn("w:val"))) if ilvl_el is not None else 0
        if num_id in (None, "0") or (num_id, ilvl) not in self.levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        fmt, text, start = self.levels[(num_id, ilvl)]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return ""   # a bullet is not part of the text

        def value(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            level_fmt, _, level_start = self.levels.get((num_id, level), ("decimal", "", 1))
            return FORMATS.get(level_fmt, str)(counters.get(level, level_start))
        return re.sub(r"%(\d)", value, text)


def _num_pr(paragraph, qn):
    """The paragraph's numbering, its own or its style's (and that style's bases)."""
    p_pr = paragraph._p.pPr
    if p_pr is not None and p_pr.find(qn("w:numPr")) is not None:
        return p_pr.find(qn("w:numPr"))
    style = paragraph.style
    while style is not None:
        s_pr = style.element.pPr
        if s_pr is not None and s_pr.find(qn("w:numPr")) is not None:
            return s_pr.find(qn("w:numPr"))
        style = style.base_style
    return None


def _alignment(paragraph) -> str | None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    align = paragraph.paragraph_format.alignment
    style = paragraph.style
    while align is None and style is not None:
        align = style.paragraph_format.alignment
        style = style.base_style
    if align == WD_ALIGN_PARAGRAPH.CENTER:
        return "center"
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        return "right"
    return None


def _table_rows(table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:   # a merged cell is given once for each grid column it spans
            if id(cell._tc) in seen:
                cells.append("")
                continue
            seen.add(id(cell._tc))
            cells.append("".join(p.text.strip() for p in cell.paragraphs))
        rows.append(cells)
    return rows


def read(data: bytes) -> Extracted:
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    try:
        document = docx.Document(BytesIO(data))
    except Exception as exc:   # python-docx raises several kinds for a damaged package
        raise FormProblem(f"a .docx that python-docx cannot open ({type(exc).__name__}: {exc})") from None
    numbering = _Numbering(document)
    lines: list[str] = []

    def blocks(parent):
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                yield Paragraph(child, document)
            elif child.tag == qn("w:tbl"):
                yield Table(child, document)
            elif child.tag == qn("w:sdt"):   # a content control: its content is text like any other
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from blocks(content)

    for block in blocks(document.element.body):
        if isinstance(block, Table):
            lines.extend(table_lines(_table_rows(block)))
            continue
        text = numbering.label(block) + block.text.replace("\t", "\u3000")
        align = _alignment(block)
        for piece in text.split("\n"):
            piece = piece.strip(" \u3000")
            if not piece:
                continue
            short = len(piece) <= 60 and not re.search("[。；]$", piece)
            lines.append(f"## {piece}" if align == "center" and short else piece)
    if not any(re.search("[\u4e00-\u9fff]", line) for line in lines):
        raise FormProblem("a .docx with no Chinese text in its body (its text in text boxes or images?): "
                          "save it as PDF or text and add that")
    return Extracted("Word (.docx)", None, normalise("\n".join(lines) + "\n"))
