"""A PDF's text layer, in reading order, as the importer's text.

pdfplumber gives every character with its position, size and colour, and the ruling
lines of tables. From them: tables with ruling lines become tables (a head repeated on
the next page dropped, the rows joined again); running heads and page numbers (—1—,
- 1 -, 第1页) are dropped; lines wrapped at the page width are joined again, a line that
starts indented (a paragraph's first line) or follows a short one starts a paragraph;
centred lines (the masthead, the title, chapters) are marked, a right-aligned signature
stays line by line, the lines of a large centred title are joined into one.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from statistics import median

from ... import cjk
from .. import rawtext
from .shared import Extracted, FormProblem, join_pieces, normalise, table_lines

_PAGE_NUMBER = re.compile(r"^\s*([—－–-]\s*\d{1,4}\s*[—－–-]|第\s*\d{1,4}\s*页(\s*[/，,]?\s*共\s*\d{1,4}\s*页)?|"
                          r"\d{1,4}(\s*/\s*\d{1,4})?|[（(]\s*\d{1,4}\s*[）)]|Page\s+\d+(\s+of\s+\d+)?)\s*$", re.I)
MARGIN = 0.1   # the top and bottom tenth of a page: where running heads and page numbers stand


@dataclass
class _Line:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    red: bool
    text_x0: float | None = None   # where its text starts after its number (一、, （一）)
    kind: str = "body"   # body, centred, title or right (_kind)


@dataclass
class _Table:
    page: int
    top: float
    rows: list[list[str]]


@dataclass
class _Page:
    number: int
    width: float
    height: float
    items: list = field(default_factory=list)   # _Line and _Table, top to bottom


def read(data: bytes) -> Extracted:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            pages = [_read_page(page) for page in pdf.pages]
            images = sum(len(page.images) for page in pdf.pages)
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if type(cause).__name__ == "PDFPasswordIncorrect":
            raise FormProblem("an encrypted PDF that needs a password to open: open it with the password and "
                              "save or print a copy without one, then add that") from None
        raise FormProblem(f"a damaged PDF that cannot be read ({type(cause).__name__}: {cause}): download or "
                          "export it again") from None
    if not any(page.items for page in pages):
        what = f"{len(pages)} page(s), {images} image(s), no text" if images else f"{len(pages)} page(s), no text"
        raise FormProblem(f"a PDF with no text layer ({what}): it is a scan; run it through OCR (or find the "
                          "document's text) and add that")
    _drop_margins(pages)
    text = "\n".join(_lines_of(pages)) + "\n"
    return Extracted("PDF", None, normalise(text), notes=[f"{len(pages)} page(s) read from the text layer"])


def _read_page(page) -> _Page:
    out = _Page(page.page_number, float(page.width), float(page.height))
    tables = [t for t in page.find_tables() if len(t.rows) >= 2 and max(len(r.cells) for r in t.rows) >= 2]
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    for chars in _char_lines([c for c in page.chars if outside(c) and c["text"].strip()]):
        red = sum(1 for c in chars if _is_red(c.get("non_stroking_color"))) > len(chars) / 2
        size = median(float(c["size"]) for c in chars)
        out.items.append(_Line(out.number, _line_text(chars, size), float(chars[0]["x0"]), float(chars[-1]["x1"]),
                               min(float(c["top"]) for c in chars), max(float(c["bottom"]) for c in chars), size,
                               red, text_x0=_text_x0(chars)))
    for table in tables:
        rows = [[_cell(c) for c in row] for row in table.extract()]
        out.items.append(_Table(out.number, float(table.bbox[1]), rows))
    out.items.sort(key=lambda item: item.top)
    return out


def _char_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into printed lines, left to right: one line holds the characters
    whose middles stand at one height (a list number in another font and size included,
    which a baseline tolerance alone would put on a line of its own)."""
    middle = lambda c: (float(c["top"]) + float(c["bottom"])) / 2
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (round(middle(c), 1), float(c["x0"]))):
        last = lines[-1] if lines else None
        if last and abs(middle(char) - middle(last[0])) <= 0.35 * max(float(char["size"]), float(last[0]["size"])):
            last.append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: float(c["x0"])) for line in lines]


def _is_cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def _line_text(chars: list[dict], size: float) -> str:
    """A line's text from its characters' places. A gap beyond the line's own spacing (a
    justified line spreads its characters evenly) says what was typed there: a character's
    width or more between Chinese characters is a full-width space (主任：张三　某部部长),
    less is a space (the one between two issuers in a joint title), between Latin letters
    or digits a space; none between a Chinese character and a digit (the room Word and
    LibreOffice set there), nor after a list's number (a tab stop)."""
    gaps = [float(b["x0"]) - float(a["x1"]) for a, b in zip(chars, chars[1:])]
    if not gaps:
        return chars[0]["text"]
    spread = median(gaps)
    spaced_out = len(gaps) >= 2 and min(gaps) >= 0.6 * size   # 通　知: letter-spaced for show
    label = _LABEL.match("".join(c["text"] for c in chars))
    text = chars[0]["text"]
    for k, (gap, before, char) in enumerate(zip(gaps, chars, chars[1:]), start=1):
        a, b = before["text"][-1], char["text"][0]
        extra = gap - max(spread, 0.0)
        latin = a.isascii() and b.isascii() and a.isalnum() and b.isalnum()
        if spaced_out or (label and k == label.end()):
            pass
        elif latin and gap > 0.15 * size:
            text += " "
        elif _is_cjk(a) and _is_cjk(b) and extra >= 0.6 * size:
            text += "\u3000"
        elif _is_cjk(a) and _is_cjk(b) and extra >= 0.2 * size:
            text += " "
        text += char["text"]
    return text


# what a numbered line starts with: its text starts after it (a hanging indent aligns there)
_LABEL = re.compile(r"^(第[一二三四五六七八九十百零〇]+[章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|"
                    r"\d{1,2}[.、．]|[（(]\d{1,2}[）)])")


def _text_x0(chars: list[dict]) -> float | None:
    """Where the text after a line's number starts, for a line that starts with one."""
    text = "".join(c["text"] for c in chars)
    label = _LABEL.match(text)
    if not label or label.end() >= len(chars):
        return None
    return float(chars[label.end()]["x0"])


def _cell(text: str | None) -> str:
    """A cell's lines joined again (a cell wraps its text at its width)."""
    pieces = [p.strip() for p in (text or "").split("\n") if p.strip()]
    joined = ""
    for piece in pieces:
        joined = join_pieces(joined, piece)
    return joined


def _is_red(color) -> bool:
    if not isinstance(color, (tuple, list)) or len(color) not in (3, 4):
        return False
    if len(color) == 4:   # CMYK
        c, m, y, k = color
        return m > 0.6 and y > 0.5 and c < 0.3 and k < 0.3
    r, g, b = color
    return r > 0.6 and g < 0.35 and b < 0.35


def _drop_margins(pages: list[_Page]) -> None:
    """Page numbers, and running heads and feet: a line in a page's top or bottom tenth
    printed on more than one page (its numbers aside), or in a smaller size than the body."""
    def in_margin(page: _Page, line: _Line) -> bool:
        return line.top < page.height * MARGIN or line.bottom > page.height * (1 - MARGIN)

    key = lambda text: re.sub(r"\d+", "#", re.sub(r"\s+", "", text))
    lines = [line for page in pages for line in page.items if isinstance(line, _Line)]
    if not lines:
        return
    body = Counter(round(line.size) for line in lines).most_common(1)[0][0]
    repeated = Counter(key(line.text) for page in pages for line in page.items
                       if isinstance(line, _Line) and in_margin(page, line))
    for page in pages:
        page.items = [item for item in page.items if not (
            isinstance(item, _Line) and in_margin(page, item)
            and (_PAGE_NUMBER.match(item.text) or (len(pages) > 1 and repeated[key(item.text)] > 1)
                 or item.size < body * 0.8))]


def _layout(pages: list[_Page]) -> tuple[float, float, float]:
    """The body's size, left edge and right edge: the most common ones of its lines."""
    lines = [item for page in pages for item in page.items if isinstance(item, _Line)]
    if not lines:   # tables alone
        return 12.0, 0.0, pages[0].width
    size = Counter(round(line.size) for line in lines).most_common(1)[0][0]
    body = [line for line in lines if round(line.size) == size] or lines
    left = Counter(round(line.x0) for line in body).most_common(1)[0][0]
    right = max(line.x1 for line in body)
    return float(size), float(left), right


def _lines_of(pages: list[_Page]) -> list[str]:
    size, left, right = _layout(pages)
    out: list = []   # _Line (its text joined from wrapped lines) and _Table
    for page in pages:
        for n, item in enumerate(page.items):
            last = out[-1] if out else None
            if isinstance(item, _Table):
                if n == 0 and isinstance(last, _Table) and len(item.rows[0]) == len(last.rows[0]):
                    # a table the page break cut, its head printed again on the new page
                    last.rows.extend(item.rows[1:] if item.rows[0] == last.rows[0] else item.rows)
                else:
                    out.append(item)
                continue
            item.kind = _kind(item, size, left, right)
            if isinstance(last, _Line) and last.kind == item.kind == "body" and _wraps_into(last, item, size, left, right):
                last.text = join_pieces(last.text, item.text)
                last.x1, last.page, last.bottom = item.x1, item.page, item.bottom
            elif isinstance(last, _Line) and last.kind == item.kind == "title" and not item.red and not last.red \
                    and abs(last.size - item.size) < 0.5 and last.page == item.page:
                last.text = join_pieces(last.text, item.text)   # a title over two lines
            else:
                out.append(item)
    lines: list[str] = []
    for item in out:
        if isinstance(item, _Table):
            lines.extend(table_lines(item.rows))
        else:
            lines.append(f"## {item.text}" if item.kind in ("centred", "title") else item.text)
    return lines


def _kind(line: _Line, size: float, left: float, right: float) -> str:
    """body, centred (a short line in the middle), title (a large centred line) or right
    (a signature, a date)."""
    middle = (left + right) / 2
    centre = (line.x0 + line.x1) / 2
    if line.x0 > left + 2 * size and abs(centre - middle) < 1.5 * size and line.x1 < right - 2 * size:
        return "title" if line.size > size * 1.2 else "centred"
    if line.size > size * 1.2 and abs(centre - middle) < 2 * size:
        return "title"
    if line.x0 > middle:   # a signature, a date: GB/T 9704 sets them two to four characters in from the right
        return "right"
    return "body"


def _wraps_into(previous: _Line, line: _Line, size: float, left: float, right: float) -> bool:
    """line goes on with previous's paragraph: previous reached the right edge, line starts
    at the left edge (not indented) or where the text after previous's number starts (a
    hanging indent), in the same size, close below or at a page's top."""
    if abs(previous.size - line.size) > 0.5:
        return False
    # short of the right edge: a paragraph's end, unless a character that may not start a
    # line was carried over with the one before it (then up to three characters short)
    short = right - previous.x1
    if rawtext.DATE_LINE_RE.match(previous.text):
        return False
    if short > 3 * size or (short > 1.2 * size and cjk.ends_sentence(previous.text)):
        return False
    if line.text_x0 is not None and cjk.ends_sentence(previous.text):
        return False   # a numbered item after a full sentence: the next item
    hanging = previous.text_x0 is not None and abs(line.x0 - previous.text_x0) < size * 0.8
    if not hanging and (line.x0 > left + size * 0.8 or line.x0 < left - size):
        return False
    if line.page == previous.page and line.top - previous.bottom > 1.6 * size:
        return False
    return True
