"""Raw print-extracted text -> a clean tree of document nodes.

The repairs, in the order they run:
  1. lines are read with their numbers; Markdown heading marks and HTML
     fragments (<b>, <p>, <table>) are turned into structure;
  2. tab-separated rows become tables; a header repeated after a page break is
     dropped, a table cut by a page break is re-joined, domain rows inside a
     task table become headings;
  3. paragraphs cut by a page break (no sentence-final punctuation) are
     re-joined with the next, stray spaces inside Chinese words removed;
  4. heading levels are read from the enumerators of official documents
     (一、 （一） 1. （1）), 专栏 boxes and 附件 annexes recognised.
Every repair is counted in a Report so the importer can say what it did.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .. import cjk
from ..sourcefiles import read_text


@dataclass(frozen=True)
class Line:
    """One line of a raw text, with its number (from 1)."""
    number: int
    text: str


def read_lines(path, root=None) -> list[Line]:
    return [Line(n, t) for n, t in enumerate(read_text(path, root).split("\n"), start=1)]


# --- print repairs of Chinese text (the importer's; explorer/cjk.py holds the rules the build
# and the page apply too) --------------------------------------------------------------

# Print wrapping leaves ASCII spaces; a full-width space (U+3000) is typed on purpose,
# between a name and a post (主任：张三　某部部长) or after an article's number, and stays.
_STRAY_SPACE = re.compile(f"(?<={cjk.CJK_CHAR})[ ]+(?={cjk.CJK_CHAR})")
_SPACE_AT_BRACKET = re.compile(f"(?<={cjk.CJK_CHAR})[ ]+(?=\\()|(?<=\\))[ ]+(?={cjk.CJK_CHAR})")
# A space between two agency names in a joint title is kept: "市发展改革委 市商务局".
_AGENCY_END = "委局厅办府院会部行"
# a second agency's name after a space: three or more characters ending like an agency,
# then 关于 or another name (a wrapped 委 员会 is too short to be one)
_NEXT_AGENCY = re.compile(f"[\u4e00-\u9fff]{{2,20}}[{_AGENCY_END}](?=关于|[ \u3000])")
_DAY_PREFIX = re.compile(r"^(\d{1,2}(-\d{1,2})?日|同日)$")
_ENDS_WITH_NUMBER = re.compile(r"(〔\d{4}〕\d+|令第\d+)号$")



def remove_stray_spaces(text: str) -> str:
    """Drop spaces that print wrapping left inside Chinese words: 宁 波 -> 宁波."""

    def keep_or_drop(match: re.Match[str]) -> str:
        before = text[match.start() - 1]
        after = text[match.end()] if match.end() < len(text) else ""
        if before in _AGENCY_END and after in "市省国":
            return " "
        if before in _AGENCY_END and _NEXT_AGENCY.match(text, match.end()):
            return " "   # joint issuers: 国家发展改革委办公厅 商务部办公厅关于…
        if _DAY_PREFIX.match(text, 0, match.start()):
            return " "  # chronicle entries: 1日 市长…, 同日 全市…
        if _ENDS_WITH_NUMBER.search(text, 0, match.start()):
            return " "  # 甬政发〔2021〕52号 宁波市人民政府关于…
        return ""

    text = _STRAY_SPACE.sub(keep_or_drop, text)
    return _SPACE_AT_BRACKET.sub("", text)


# a date written in Chinese numerals, as signatures print it: 二〇一八年十一月十六日
CN_NUMERAL_DATE_RE = re.compile(r"([〇零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                                r"\s*([一二三四五六七八九十]{1,4})\s*日")
DATE_LINE_RE = re.compile(rf"^\s*(?:{cjk.CN_DATE_RE.pattern}|{CN_NUMERAL_DATE_RE.pattern})\s*$")


def cn_date(text: str) -> str | None:
    """ISO date of the first 2021年12月27日 (or 二〇二一年十二月二十七日) in text."""
    match = cjk.CN_DATE_RE.search(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = CN_NUMERAL_DATE_RE.search(text)
        if not match:
            return None
        year = int("".join(str(cjk.CN_VALUES[c]) for c in match.group(1)))
        month, day = cjk.chinese_numeral(match.group(2)), cjk.chinese_numeral(match.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


@dataclass
class Heading:
    line: int
    level: int
    text: str


@dataclass
class Paragraph:
    line: int
    text: str


@dataclass
class Label:
    """A short line printed on its own: 附件, a masthead, a cover line."""
    line: int
    text: str


@dataclass
class Table:
    line: int
    header: list[str]
    rows: list[list[str]]


@dataclass
class Box:
    """A 专栏 (feature box): a titled frame around paragraphs and tables."""
    line: int
    title: str
    children: list = field(default_factory=list)


@dataclass
class Signature:
    """Issuer name(s) and date at the end of a document or notice."""
    line: int
    lines: list[str]


@dataclass
class ListBlock:
    line: int
    items: list[str]
    escaped: bool = False   # items already written as Markdown (links)


@dataclass
class Report:
    """What the importer repaired, and what it could not."""
    counts: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] += n

    def note(self, line: int, message: str) -> None:
        self.notes.append(f"line {line}: {message}")


# --- step 1: lines and HTML fragments -------------------------------------------------

_MD_HEADING = re.compile(r"^#{1,6}\s+")
_BOLD_ONLY = re.compile(r"^\s*<b>(.*?)</b>\s*$")
_P_TAG = re.compile(r"</?p>")
_HR = re.compile(r"^\s*(-{3,}|\*{3,}|_{3,})\s*$")
_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
_MD_BOLD = re.compile(r"\*\*(.+?)\*\*")


MAX_COLUMNS = 1000      # HTML's own limit for colspan; no printed table is wider
MAX_ROWSPAN = 65534     # HTML's limit; a span past the last row ends there


class SourceProblem(Exception):
    """Something in a raw text the importer cannot read, at a line of that text."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def _span(attrs: dict, name: str, line: int | None, lowest: int, highest: int) -> int:
    value = attrs.get(name)
    if value is None or not value.strip():
        return 1
    try:
        number = int(value.strip())
    except ValueError:
        raise SourceProblem(line, f"{name}='{value[:20]}' is not a whole number") from None
    if not lowest <= number <= highest:
        raise SourceProblem(line, f"{name}='{value[:20]}' is out of range ({lowest}–{highest})")
    return number


class _TableParser(HTMLParser):
    """Cells of an HTML <table>, with their rowspan/colspan."""

    def __init__(self, line: int | None):
        super().__init__()
        self.line = line
        self.rows: list[list[tuple[str, int, int]]] = []
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self.header_rows = 0
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self.rows.append([])
            if self._in_head:
                self.header_rows += 1
        elif tag in ("td", "th"):
            self._cell = []
            self._span = (_span(attrs, "rowspan", self.line, 0, MAX_ROWSPAN),
                          _span(attrs, "colspan", self.line, 1, MAX_COLUMNS))

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            if not self.rows:
                self.rows.append([])
            self.rows[-1].append(("".join(self._cell).strip(), *self._span))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse_html_table(fragment: str, line: int | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and body rows of an HTML table; a spanned cell is written once, its
    other grid positions left empty (as the printed table shows it). Spans are bounded
    (SourceProblem past HTML's limits), so a hostile table cannot grow the grid."""
    parser = _TableParser(line)
    parser.feed(fragment)
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, cells in enumerate(parser.rows):
        row: list[str] = []
        col = 0
        queue = list(cells)
        while queue or (r, col) in pending:
            if (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
                continue
            text, rowspan, colspan = queue.pop(0)
            if col + colspan > MAX_COLUMNS:
                raise SourceProblem(line, f"a table row is wider than {MAX_COLUMNS} columns")
            # rowspan 0 spans to the last row; no span reaches past it
            last = len(parser.rows) if rowspan == 0 else min(r + rowspan, len(parser.rows))
            for c in range(colspan):
                row.append(text if c == 0 else "")
                for below in range(r + 1, last):
                    pending[(below, col + c)] = ""
            col += colspan
        grid.append([clean_inline(c) for c in row])
    header_count = max(parser.header_rows, 1)
    header = grid[0] if grid else []
    return header, grid[header_count:]


def clean_inline(text: str) -> str:
    """One run of text made presentable: entities decoded, spaces normalised,
    stray spaces inside Chinese words removed."""
    text = html.unescape(text).replace("\u00a0", " ")
    # a run with a full-width space in it separates two items (remove_stray_spaces)
    text = re.sub(r"[ \t\u3000]+", lambda m: "\u3000" if "\u3000" in m.group(0) else " ", text).strip(" \u3000")
    return remove_stray_spaces(text)


def p_segments(text: str) -> list[str]:
    """The paragraphs of a cell written as <p>a</p> <p>b</p>; plain text is one."""
    if "<p>" not in text:
        return [text] if text.strip() else []
    # split at every <p> and </p>: text outside a pair (an unclosed <p>) is kept too
    return [seg for seg in (s.strip() for s in _P_TAG.split(text)) if seg]


# --- the builder: lines -> nodes -------------------------------------------------------

@dataclass
class _Item:
    """A source line classified, before paragraphs and tables are assembled."""
    kind: str            # text | row | blank | bold | mdheading | htmltable
    line: int
    text: str = ""
    cells: list[str] = field(default_factory=list)


def read_items(lines: list[Line], report: Report) -> list[_Item]:
    items: list[_Item] = []
    for line in lines:
        raw = line.text.rstrip("\n")
        if not raw.strip():
            items.append(_Item("blank", line.number))
            continue
        if _HR.match(raw):
            report.count("layout rules dropped")
            continue
        if _COMMENT.match(raw):   # <!-- INFO END --> of a law collection's Markdown
            report.count("comments dropped")
            continue
        if raw.startswith("\t") and "\t" not in raw.lstrip("\t") and not _after_row(items):
            raw = raw.lstrip("\t")   # a paragraph indented with a tab, not a table row
        bold = _BOLD_ONLY.match(raw.replace("\t", " "))
        if bold:
            items.append(_Item("bold", line.number, clean_inline(bold.group(1))))
            report.count("HTML fragments converted")
            continue
        if "\t" in raw:
            items.append(_Item("row", line.number, cells=raw.split("\t")))
            continue
        if "<p>" in raw:
            for seg in p_segments(raw):
                items.append(_Item("text", line.number, seg))
            report.count("HTML fragments converted")
            continue
        if _MD_HEADING.match(raw):
            items.append(_Item("mdheading", line.number, _MD_HEADING.sub("", raw)))
            continue
        items.append(_Item("text", line.number, raw))
    return items


def _after_row(items: list[_Item]) -> bool:
    last = next((item for item in reversed(items) if item.kind != "blank"), None)
    return last is not None and last.kind == "row"


def _strip_bold_marks(text: str, report: Report) -> str:
    # Bold lead-ins (**一是…。**) cannot be expressed in CommonMark next to CJK
    # punctuation; the words stay, the marks go.
    stripped, n = _MD_BOLD.subn(r"\1", text)
    if n:
        report.count("emphasis marks removed", n)
    return stripped


def _is_domain_row(cells: list[str]) -> str | None:
    """A raw table row that carries only a domain heading (一、…), in any column."""
    text = cjk.domain_row([re.sub(r"</?b>", "", c) for c in cells])
    return clean_inline(text) if text else None


def _normalise_row(cells: list[str], width: int) -> list[str]:
    cells = [clean_inline(c) for c in cells]
    while len(cells) > width and not cells[-1]:
        cells.pop()
    return cells + [""] * (width - len(cells))


_CUT_AFTER_COMMA = re.compile(r"[，,][^，,、]{0,2}$")


def _looks_like_heading(text: str) -> int | None:
    level = cjk.heading_level(text)
    if level is None:
        return None
    if len(text) > 60 or re.search("[。！？；]", text.rstrip("。")):
        return None
    if _CUT_AFTER_COMMA.search(text):
        return None   # a sentence a page break cut: (三)支持厦门市…高质量发展,发

    if text.endswith("。") and len(text) > 30:
        return None
    return level


_DATE_ONLY = DATE_LINE_RE
_CLAUSE_ONLY = re.compile(r"^[（(]牵头单位[:：].*[）)]$")
_RUN_ON_ITEMS = re.compile(r"(?<=[。；])\s+(?=\d{1,2}[.．](?!\d))")


def _box_row_parts(cells: list[str], line: int, html_tables: list, report: Report) -> tuple[list[str], list]:
    """The box titles and the contents (("p", text) or ("table", (header, rows))) of a
    box-table row; HTML tables read are added to html_tables."""
    titles, contents = [], []
    for cell in cells:
        start = cell.find("<table")
        for seg in p_segments(cell if start < 0 else cell[:start]):
            (titles if _is_box_title(seg) else contents).append(("p", seg))
        if start >= 0:
            table = parse_html_table(cell[start:], line)
            html_tables.append(table)
            contents.append(("table", table))
            report.count("HTML fragments converted")
        elif "<p>" in cell:
            report.count("HTML fragments converted")
    return [text for _, text in titles], contents


class _BoxPlacer:
    """Boxes being filled: content waits in pending until a title claims it (or the
    last box does, at the end); a paragraph printed twice is kept once."""

    def __init__(self, report: Report):
        self.report = report
        self.boxes: list[Box] = []
        self.pending: list = []
        self.seen: set[str] = set()

    def title(self, text: str, line: int) -> None:
        title = clean_inline(text)
        if self.boxes and _same_title(self.boxes[-1].title, title):
            box = self.boxes[-1]
            self.report.count("duplicate box titles merged")
        else:
            box = Box(line, title)
            self.boxes.append(box)
        box.children.extend(self.pending)
        if self.pending:
            self.report.note(line, f"{len(self.pending)} block(s) printed before the box title '{title}' placed in it")
        self.pending.clear()

    def content(self, node) -> None:
        if isinstance(node, Paragraph):
            key = cjk.squeeze(node.text)
            if key in self.seen:
                self.report.count("duplicate paragraphs dropped")
                return
            self.seen.add(key)
        self.pending.append(node)

    def flush(self) -> None:
        if self.pending and self.boxes:
            self.boxes[-1].children.extend(self.pending)
            self.pending.clear()


class NodeBuilder:
    """Assembles classified items into nodes, applying the repairs."""

    def __init__(self, report: Report, known_titles: set[str] = frozenset()):
        self.report = report
        # Lines equal to one of these are headings (the title of an instrument
        # printed again above its text).
        self.known_titles = {cjk.squeeze(t) for t in known_titles}

    def build(self, lines: list[Line]) -> list:
        items = read_items(lines, self.report)
        nodes: list = []
        i = 0
        while i < len(items):
            item = items[i]
            if item.kind == "blank":
                i += 1
            elif item.kind == "row":
                i = self._table(items, i, nodes)
            else:
                i = self._text(items, i, nodes)
        nodes = self._join_page_breaks(_items_in_articles(nodes))
        return self._group_boxes(nodes)

    # tables ---------------------------------------------------------------------------

    def _table(self, items: list[_Item], i: int, nodes: list) -> int:
        first = items[i]
        if any("<p>" in c or "<table" in c for c in first.cells) or self._box_header(first):
            return self._box_table(items, i, nodes)
        header_cells = [clean_inline(c) for c in first.cells]
        while header_cells and not header_cells[-1]:
            header_cells.pop()
        width = len(header_cells)
        domain = _is_domain_row(first.cells)
        if domain:  # a table that starts with a domain row has no header of its own
            nodes.append(Heading(first.line, 3, domain))
            if "<b>" in "".join(first.cells):
                self.report.count("HTML fragments converted")
            return i + 1
        table = Table(first.line, header_cells, [])
        nodes.append(table)
        j = i + 1
        while j < len(items):
            item = items[j]
            if item.kind == "blank":
                j += 1
                continue
            if item.kind == "bold" and cjk.heading_level(item.text) == 2:
                table.rows.append(_normalise_row([item.text], width))
                j += 1
                continue
            if item.kind != "row":
                break
            cells = item.cells
            if cjk.squeeze("".join(cells)) == cjk.squeeze("".join(first.cells)):
                self.report.count("repeated table headers dropped")
                j += 1
                continue
            domain = _is_domain_row(cells)
            if domain:  # a domain row keeps its place; its text moves to the first column
                if "<b>" in "".join(cells):
                    self.report.count("HTML fragments converted")
                table.rows.append(_normalise_row([domain], width))
                j += 1
                continue
            if items[j - 1].kind == "blank" and table.rows:
                self.report.count("tables re-joined across page breaks")
            table.rows.append(_normalise_row(cells, width))
            width = max(width, len(table.rows[-1]))
            j += 1
        self._drop_empty(nodes)
        for t in [n for n in nodes if isinstance(n, Table)]:
            w = max([len(t.header)] + [len(r) for r in t.rows])
            t.header = t.header + [""] * (w - len(t.header))
            t.rows = [r + [""] * (w - len(r)) for r in t.rows]
        return j

    @staticmethod
    def _drop_empty(nodes: list) -> None:
        nodes[:] = [n for n in nodes if not (isinstance(n, Table) and not n.rows)]

    @staticmethod
    def _box_header(item: _Item) -> bool:
        return [clean_inline(c) for c in item.cells[:2]] == ["专栏名称", "主要内容"]

    def _box_table(self, items: list[_Item], i: int, nodes: list) -> int:
        """A table of 专栏 boxes printed as rows (title | paragraphs). Rows cut by
        page breaks carry content without a title; that content waits for the next
        title (the title cell of a box spans pages and prints beside it)."""
        place = _BoxPlacer(self.report)
        html_tables: list[tuple[list[str], list[list[str]]]] = []
        j = i
        while j < len(items):
            item = items[j]
            if item.kind == "blank":
                j += 1
                continue
            if item.kind in ("text", "mdheading"):
                text = clean_inline(item.text)
                if cjk.BOX_RE.match(text) and len(text) < 40:
                    place.title(text, item.line)
                elif _looks_like_heading(text) and cjk.heading_level(text) == 2:
                    break
                else:
                    place.content(Paragraph(item.line, text))
                j += 1
                continue
            if item.kind != "row":
                break
            if self._box_header(item):
                self.report.count("box table headers dropped")
            elif html_tables and _is_flat_copy([c for c in item.cells if c.strip()], html_tables):
                self.report.count("duplicate table copies dropped")   # of an HTML table already read
            else:
                self._box_row(item, html_tables, place)
            j += 1
        place.flush()
        nodes.extend(place.boxes)
        self.report.count("boxes", len(place.boxes))
        return j

    def _box_row(self, item: _Item, html_tables: list, place: "_BoxPlacer") -> None:
        """One row of a box table: parsed into titles and contents, flattened copies of its
        own HTML table dropped, then placed."""
        cells = [c for c in item.cells if c.strip()]
        titles, contents = _box_row_parts(cells, item.line, html_tables, self.report)
        plain = [c for c in cells if "<" not in c]
        if html_tables and plain and _is_flat_copy(plain, html_tables):
            contents = [c for c in contents if c[0] != "p" or "<" in c[1] or clean_inline(c[1]) not in plain]
            self.report.count("duplicate table copies dropped")
        for title in titles:   # two titles in one cell: the first box's content came before
            place.title(title, item.line)
        for kind, value in contents:
            if kind == "table":
                place.content(Table(item.line, *value))
            elif clean_inline(value) not in plain or not html_tables:
                place.content(Paragraph(item.line, clean_inline(value)))
        if titles:  # content beside its title belongs to that box
            place.flush()

    # text -----------------------------------------------------------------------------

    def _text(self, items: list[_Item], i: int, nodes: list) -> int:
        item = items[i]
        text = clean_inline(_strip_bold_marks(item.text, self.report))
        if item.kind == "bold":
            nodes.append(Heading(item.line, cjk.heading_level(text) or 3, text))
            return i + 1
        if cjk.ANNEX_HEADING_RE.match(text):
            nodes.append(Label(item.line, text.replace(" ", "")))
            return i + 1
        if cjk.squeeze(text) in self.known_titles:
            nodes.append(Heading(item.line, 2, text))
            return i + 1
        if _DATE_ONLY.match(text):
            names: list[Label] = []
            while nodes and isinstance(nodes[-1], Label) and _is_signatory(nodes[-1].text):
                names.insert(0, nodes.pop())
            if names:
                nodes.append(Signature(names[0].line, [n.text for n in names] + [text]))
                return i + 1
        if item.kind == "text" and text.startswith("- "):
            items_ = [text[2:].strip()]
            j = i + 1
            while j < len(items) and items[j].kind == "text" and items[j].text.startswith("- "):
                items_.append(clean_inline(items[j].text[2:]))
                j += 1
            nodes.append(ListBlock(item.line, items_))
            return j
        level = _looks_like_heading(text)
        if level is not None:
            nodes.append(Heading(item.line, level, text))
            return i + 1
        if item.kind == "mdheading" and not cjk.ends_sentence(text) and len(text) <= 60:
            nodes.append(Heading(item.line, 2, text))
            return i + 1
        if _is_signatory(text) and _next_is_date(items, i):
            nodes.append(Label(item.line, text))
            return i + 1
        parts = _RUN_ON_ITEMS.split(text)
        if len(parts) > 1 and cjk.heading_level(parts[0]) == 4:
            self.report.count("run-on numbered items split", len(parts) - 1)
            nodes.extend(Paragraph(item.line, p) for p in parts)
            return i + 1
        nodes.append(Paragraph(item.line, text))
        return i + 1

    def _join_page_breaks(self, nodes: list) -> list:
        out: list = []
        for node in nodes:
            prev = out[-1] if out else None
            if isinstance(node, Paragraph) and isinstance(prev, Paragraph):
                if _CLAUSE_ONLY.match(node.text) and not _CLAUSE_ONLY.match(prev.text):
                    prev.text += node.text
                    self.report.count("page breaks repaired")
                    continue
                if _continues(prev.text, node.text):
                    prev.text += node.text
                    self.report.count("page breaks repaired")
                    continue
            out.append(node)
        return out

    def _group_boxes(self, nodes: list) -> list:
        """A 专栏 title line opens a box that holds what follows up to the next
        heading, numbered paragraph, article or box."""
        out: list = []
        box: Box | None = None
        for node in nodes:
            title = isinstance(node, (Paragraph, Heading)) and cjk.BOX_RE.match(node.text) \
                and len(node.text) < 40 and not cjk.ends_sentence(node.text)
            if title:
                box = Box(node.line, node.text)
                out.append(box)
                self.report.count("boxes")
                continue
            if box is not None:
                ends = isinstance(node, (Heading, Signature, Box, Label)) or (
                    isinstance(node, Paragraph) and box.children
                    and (cjk.heading_level(node.text) in (2, 3, 4) or cjk.ARTICLE_RE.match(node.text))
                    and not _box_item(box, node))
                if not ends:
                    box.children.append(node)
                    continue
                box = None
            out.append(node)
        return out


def _box_item(box: Box, node: Paragraph) -> bool:
    """A numbered item continuing a box whose items are numbered: 1. 2. 3."""
    first = next((c for c in box.children if isinstance(c, Paragraph)), None)
    return bool(first and cjk.heading_level(first.text) == 4 and cjk.heading_level(node.text) == 4)


_CHAPTER = re.compile(r"^第[一二三四五六七八九十百零〇]+[章节]")


def _items_in_articles(nodes: list) -> list:
    """Enumerated items inside an article (第八条 …：（一）…（八）…) are paragraphs of that
    article, not headings; a chapter or section heading (第二章) ends the article."""
    out, in_article = [], False
    for node in nodes:
        if isinstance(node, Paragraph) and cjk.ARTICLE_RE.match(node.text):
            in_article = True
        elif isinstance(node, Heading):
            if in_article and (cjk.heading_level(node.text) or 0) >= 3 and not _CHAPTER.match(node.text):
                node = Paragraph(node.line, node.text)
            else:
                in_article = False
        out.append(node)
    return out


# a line of a list of people or items: 主任：张三　某部部长 (a full-width space apart)
_LIST_LINE = re.compile(r"^[^。；]{0,40}\u3000[^。；]{1,40}$")


def _continues(prev: str, nxt: str) -> bool:
    """True when nxt is the rest of a paragraph that a page break cut after prev."""
    if cjk.ends_sentence(prev) or len(cjk.squeeze(prev)) < 12 or _is_box_title(prev):
        return False
    if _LIST_LINE.match(prev) and _LIST_LINE.match(nxt):
        return False
    if cjk.heading_level(nxt) is not None and not nxt[:3].isdigit() or cjk.ARTICLE_RE.match(nxt):
        return False
    if cjk.BOX_RE.match(nxt) or _DATE_ONLY.match(nxt) or cjk.parse_doc_number(nxt):
        return False
    return True


# who signs: a body's name (国务院, 商务部办公厅, 宁波市发展和改革委员会), or 市长 and a name
_SIGNATORY = re.compile(
    r"^([\u4e00-\u9fff（）]{1,30}(人民政府|政府|办公厅|办公室|委员会|国务院|总局|部|委|局|厅|署|院|行|办)|市长\s*\S{2,4})$")


def _is_signatory(text: str) -> bool:
    """One body that signs, or several on one line a space apart (a joint document)."""
    text = text.strip()
    return bool(_SIGNATORY.match(text)) or (len(text.split()) > 1 and all(_SIGNATORY.match(p) for p in text.split()))


def _next_is_date(items: list[_Item], i: int) -> bool:
    for item in items[i + 1:]:
        if item.kind == "blank":
            continue
        return item.kind == "text" and (_DATE_ONLY.match(item.text) is not None
                                        or _is_signatory(item.text))
    return False


def _is_box_title(text: str) -> bool:
    text = clean_inline(text)
    return bool(cjk.BOX_RE.match(text)) and len(text) < 40 and not cjk.ends_sentence(text)


def _same_title(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"[\s:：]", "", s)
    return norm(a) == norm(b)


def _is_flat_copy(cells: list[str], tables) -> bool:
    flat = [clean_inline(c) for c in cells if c.strip()]
    for header, rows in tables:
        whole = [c for c in header + [x for r in rows for x in r] if c]
        if flat and (flat == whole or flat == [c for c in header if c]
                     or any(flat == [c for c in r if c] for r in rows)):
            return True
    return False

