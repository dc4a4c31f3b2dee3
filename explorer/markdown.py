"""Markdown -> HTML for document bodies.

CommonMark with tables, raw HTML off. Containers: `::: box 专栏…` (a feature box),
`::: signature`, `::: label`. Every heading, article (第X条), table row and box
gets a stable anchor; `[text](doc:ID#anchor)` links are resolved through the URL
registry, and a link to an unknown document is a ContentError with its line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from . import cjk
from .errors import ContentError
from .model import TocEntry

ROW_NUMBER = re.compile(r"^([▲*])?\s*(\d+)$")


def row_number(cell: str) -> tuple[int, bool] | None:
    """(number, flagged) of a task-table row from its first cell (▲12), or None."""
    match = ROW_NUMBER.match(cell.strip())
    return (int(match.group(2)), match.group(1) == "▲") if match else None


def row_anchor(number: int) -> str:
    """The anchor of a numbered table row: the one a task links to."""
    return f"row-{number}"


@dataclass
class RenderEnv:
    """What rendering one body needs and what it finds."""
    source: str                                   # file shown in errors
    line_offset: int                              # file line of the body's first line
    resolve: Callable[[str, str | None], str | None]  # (doc id, anchor) -> href or None
    errors: list[ContentError] = field(default_factory=list)
    toc: list[TocEntry] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    links_to: set[str] = field(default_factory=set)
    anchor_refs: list[tuple[int, str, str]] = field(default_factory=list)  # line, doc id, anchor
    block_anchors: list[tuple[int, str]] = field(default_factory=list)     # body line, anchor
    # text -> [(start, end, href, kind, target id)]: references to link in running text
    autolink: Callable[[str], list[tuple[int, int, str, str, str]]] | None = None
    mentions: set[str] = field(default_factory=set)                        # agency ids
    # a task table's row number -> the href of its task's page (None: the row links to itself)
    row_link: Callable[[int], str | None] | None = None
    sections: list = field(default_factory=list)                           # see _sections()
    articles: list = field(default_factory=list)                           # see _articles()
    html: str = ""                                                         # the body rendered


def _inline_text(token: Token) -> str:
    return "".join(c.content for c in token.children or [] if c.type in ("text", "code_inline"))


def _box_render(self, tokens, idx, options, env):
    token = tokens[idx]
    if token.nesting == 1:
        title = token.info.strip()[len("box"):].strip()
        anchor = token.attrGet("id")
        title_html = _MD.renderInline(title)
        return (f'<aside class="box" id="{anchor}" aria-labelledby="{anchor}-title">\n'
                f'<p class="box-title" id="{anchor}-title">{title_html}</p>\n')
    return "</aside>\n"


def _div_render(name: str):
    def render(self, tokens, idx, options, env):
        return f'<div class="{name}">\n' if tokens[idx].nesting == 1 else "</div>\n"
    return render


class _Anchors:
    """Anchors for one body: unique ids, the outline numbering of sections, tables and rows."""

    def __init__(self, env: RenderEnv):
        self.env = env
        self.used: set[str] = set()
        self.next_suffix: dict[str, int] = {}   # base -> next suffix to try: linear, however often a base repeats
        self.outline = [0] * 7                  # section numbers by heading level (2..6)
        self.tables = 0
        self.rows = 0                           # in the current table
        self.numbered_table = False             # its first column is 序号
        self.boxes = 0
        self.caption = ""                       # what names the next table: a heading, a box title, a short line

    def unique(self, anchor: str) -> str:
        base = anchor
        n = self.next_suffix.get(base, 2)
        while anchor in self.used:
            anchor = f"{base}-{n}"
            n += 1
        self.next_suffix[base] = n
        self.used.add(anchor)
        return anchor

    def section(self, level: int) -> str:
        """The next section anchor at this level (sec-2-1-3): deeper levels start again."""
        self.outline[level] += 1
        for deeper in range(level + 1, 7):
            self.outline[deeper] = 0
        return self.unique("sec-" + "-".join(str(n) for n in self.outline[2:level + 1]))

    # one handler per kind of block; tokens[i] is the block's opening token

    def heading(self, tokens: list[Token], i: int) -> None:
        level = int(tokens[i].tag[1])
        anchor = self.section(level)
        tokens[i].attrSet("id", anchor)
        self.env.toc.append(TocEntry(level, _inline_text(tokens[i + 1]), anchor))

    def paragraph(self, tokens: list[Token], i: int) -> None:
        token, inline = tokens[i], tokens[i + 1]
        match = cjk.ARTICLE_RE.match(inline.content)
        if match:
            anchor = self.unique(f"article-{cjk.chinese_numeral(match.group(1))}")
            token.attrSet("id", anchor)
            token.attrSet("class", "article")
            _link_lead(inline, match.group(0), anchor)
        elif cjk.heading_level(inline.content) in (3, 4) and token.level == 0:
            # a numbered paragraph （一）… / 1.… is a point in the outline: citable
            token.attrSet("id", self.section(cjk.heading_level(inline.content)))

    def table(self, tokens: list[Token], i: int) -> None:
        self.tables += 1
        self.rows = 0
        tokens[i].meta["caption"] = self.caption or f"表{self.tables}"
        header = next(tokens[j] for j in range(i, len(tokens)) if tokens[j].type == "inline")
        self.numbered_table = header.content.strip() == "序号"

    def group_row(self, tokens: list[Token], i: int) -> None:
        """A domain row (一、…) spanning the table: a heading of the rows below it."""
        anchor = self.section(3)
        tokens[i].attrSet("id", anchor)
        tokens[i].attrSet("class", "group-row")
        self.env.toc.append(TocEntry(3, tokens[i + 2].content.strip(), anchor))

    def row(self, tokens: list[Token], i: int) -> None:
        self.rows += 1
        first_cell = tokens[i + 2]
        number = row_number(first_cell.content) if self.numbered_table else None
        anchor = self.unique(row_anchor(number[0]) if number else f"t{self.tables}-r{self.rows}")
        tokens[i].attrSet("id", anchor)
        if number:
            task_page = self.env.row_link(number[0]) if self.env.row_link else None
            _link_lead(first_cell, first_cell.content.strip(), anchor, task_page)

    def box(self, tokens: list[Token], i: int) -> None:
        self.boxes += 1
        tokens[i].attrSet("id", self.unique(f"box-{self.boxes}"))

    def note_caption(self, tokens: list[Token], i: int) -> None:
        token = tokens[i]
        if token.type == "inline" and tokens[i - 1].type in ("heading_open", "paragraph_open"):
            text = _inline_text(token)
            if tokens[i - 1].type == "heading_open" or (len(text) <= 40 and not cjk.ends_sentence(text)):
                self.caption = text
        elif token.type == "container_box_open":
            self.caption = token.info.strip()[len("box"):].strip().replace("\\", "")


def _anchor_rule(state) -> None:
    """Assign anchors and collect the table of contents; resolve doc: links and link
    references in running text."""
    env = state.env.get("render")
    if env is None:  # an inline snippet such as a box title
        return
    anchors = _Anchors(env)
    tokens = state.tokens
    for i, token in enumerate(tokens):
        anchors.note_caption(tokens, i)
        if token.type == "heading_open":
            anchors.heading(tokens, i)
        elif token.type == "paragraph_open" and i + 1 < len(tokens):
            anchors.paragraph(tokens, i)
        elif token.type == "table_open":
            anchors.table(tokens, i)
        elif token.type == "tr_open" and tokens[i + 1].type == "td_open":
            (anchors.group_row if _is_group_row(tokens, i) else anchors.row)(tokens, i)
        elif token.type == "container_box_open":
            anchors.box(tokens, i)
        if token.attrGet("id") and token.map:
            env.block_anchors.append((token.map[0] + 1, str(token.attrGet("id"))))
        if token.type == "inline":
            _resolve_links(token, env)
            if env.autolink is not None and tokens[i - 1].type != "heading_open":
                _autolink(token, env)
    env.anchors = anchors.used


def _is_group_row(tokens: list[Token], i: int) -> bool:
    """A row whose first cell alone holds a domain heading (cjk.domain_row)."""
    cells = []
    j = i + 1
    while tokens[j].type != "tr_close":
        if tokens[j].type == "inline":
            cells.append(tokens[j].content)
        j += 1
    return bool(cells) and cells[0].strip() != "" and cjk.domain_row(cells) is not None


def _collapse_group_rows(state) -> None:
    """A group row renders as one header cell spanning the table."""
    tokens = state.tokens
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "tr_open" and token.attrGet("class") == "group-row":
            j = i
            while tokens[j].type != "tr_close":
                j += 1
            cells = tokens[i + 1:j]
            width = sum(1 for t in cells if t.type == "td_open")
            th_open = Token("th_open", "th", 1, attrs={"colspan": str(width), "scope": "colgroup"})
            out += [token, th_open, cells[1], Token("th_close", "th", -1), tokens[j]]
            i = j + 1
            continue
        out.append(token)
        i += 1
    state.tokens = out


def _link_lead(inline: Token, lead: str, anchor: str, href: str | None = None) -> None:
    """Make the leading words of an inline (第一条, a row number) a permalink, or a link
    to href (a row number to its task's page)."""
    children = inline.children or []
    if not children or children[0].type != "text" or not children[0].content.startswith(lead):
        return
    first = children[0]
    rest = first.content[len(lead):]
    attrs = {"href": href, "class": "row-task"} if href else {"href": f"#{anchor}", "class": "permalink-lead"}
    link_open = Token("link_open", "a", 1, attrs=attrs)
    text = Token("text", "", 0, content=lead)
    link_close = Token("link_close", "a", -1)
    new = [link_open, text, link_close]
    if rest:
        new.append(Token("text", "", 0, content=rest))
    inline.children = new + children[1:]


def _autolink(inline: Token, env: RenderEnv) -> None:
    """Link document numbers, titles and agency names found in plain text."""
    children: list[Token] = []
    inside_link = 0
    for child in inline.children or []:
        if child.type == "link_open":
            inside_link += 1
        elif child.type == "link_close":
            inside_link -= 1
        if child.type != "text" or inside_link:
            children.append(child)
            continue
        text, position = child.content, 0
        for start, end, href, kind, target in env.autolink(text):
            if start > position:
                children.append(Token("text", "", 0, content=text[position:start]))
            css = "ref-doc" if kind == "document" else "ref-agency"
            children.append(Token("link_open", "a", 1, attrs={"href": href, "class": css}))
            children.append(Token("text", "", 0, content=text[start:end]))
            children.append(Token("link_close", "a", -1))
            (env.links_to if kind == "document" else env.mentions).add(target)
            position = end
        if position < len(text):
            children.append(Token("text", "", 0, content=text[position:]))
    inline.children = children


def _resolve_links(inline: Token, env: RenderEnv) -> None:
    for child in inline.children or []:
        if child.type != "link_open":
            continue
        href = str(child.attrGet("href") or "")
        if not href.startswith("doc:"):
            continue
        target, _, anchor = href[4:].partition("#")
        resolved = env.resolve(target, anchor or None)
        line = env.line_offset + (inline.map[0] if inline.map else 0)
        if resolved is None:
            what = f"'{target}#{anchor}'" if anchor else f"'{target}'"
            env.errors.append(ContentError(env.source, line, f"link to unknown document or anchor {what}"))
            child.attrSet("href", "#")
        else:
            env.links_to.add(target)
            if anchor:
                env.anchor_refs.append((line, target, anchor))
            child.attrSet("href", resolved)


def _heading_close(self, tokens, idx, options, env):
    anchor = tokens[idx - 2].attrGet("id")
    # the mark is drawn by CSS so the heading's text stays the document's own
    return (f'<a class="permalink" href="#{anchor}" aria-label="本节链接"></a>'
            + self.renderToken(tokens, idx, options, env))


def _table_open(self, tokens, idx, options, env):
    caption = escapeHtml(tokens[idx].meta.get("caption", "表格"))
    return (f'<div class="table-wrap" tabindex="0" role="region" aria-label="{caption}">\n'
            + self.renderToken(tokens, idx, options, env)
            + f'<caption class="visually-hidden">{caption}</caption>\n')


CARD_COLUMNS = 3   # a table of this many columns or more reads as cards on a phone


def _label_cells(state) -> None:
    """Each body cell of a table of CARD_COLUMNS or more columns carries its column's
    name (data-label), and the table the class "cards": on a phone each row is a card,
    each cell under its column's name, nothing off-screen to the side."""
    tokens = state.tokens
    heads: list[str] = []
    table, in_head, column = None, False, 0
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            table, heads = token, []
        elif token.type in ("thead_open", "thead_close"):
            in_head = token.type == "thead_open"
        elif token.type == "th_open" and table is not None and in_head:   # a group row's th is in the body
            heads.append(_inline_text(tokens[i + 1]))
        elif token.type == "tbody_open" and table is not None and len(heads) >= CARD_COLUMNS:
            table.attrJoin("class", "cards")
        elif token.type == "tr_open":
            column = 0
        elif token.type == "td_open":
            if table is not None and len(heads) >= CARD_COLUMNS and column < len(heads) and heads[column]:
                token.attrSet("data-label", heads[column])
            column += 1
        elif token.type == "table_close":
            table = None


def _table_close(self, tokens, idx, options, env):
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def _make() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.use(container_plugin, name="box", render=_box_render)
    md.use(container_plugin, name="signature", render=_div_render("signature"))
    md.use(container_plugin, name="label", render=_div_render("label"))
    md.core.ruler.push("anchors", _anchor_rule)
    md.core.ruler.push("group_rows", _collapse_group_rows)
    md.core.ruler.push("card_labels", _label_cells)
    md.add_render_rule("heading_close", _heading_close)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    return md


_MD = _make()


def render_body(markdown: str, env: RenderEnv) -> str:
    """The body as HTML; its sections' text is left in env.sections for the search index."""
    state = {"render": env}
    tokens = _MD.parse(markdown, state)
    env.sections = _sections(tokens)
    env.articles = _articles(tokens)
    return _MD.renderer.render(tokens, _MD.options, state)


def _sections(tokens: list[Token]) -> list[tuple[str | None, str, list[tuple[str, bool]]]]:
    """(anchor, heading, [(text, in a table)]) per section: the text before the first
    heading, then one per heading."""
    sections: list[tuple[str | None, str, list[tuple[str, bool]]]] = [(None, "", [])]
    in_table = False
    for i, token in enumerate(tokens):
        if token.type in ("table_open", "table_close"):
            in_table = token.type == "table_open"
        elif token.type == "heading_open":
            sections.append((str(token.attrGet("id")), _inline_text(tokens[i + 1]), []))
        elif token.type == "inline" and tokens[i - 1].type != "heading_open":
            sections[-1][2].append((_inline_text(token), in_table))
    return [s for s in sections if s[2] or s[1]]


def _articles(tokens: list[Token]) -> list[tuple[str, str, str]]:
    """(anchor, 第八条, text) per article: its paragraph and those after it, up to the next
    article or heading, so a search for 第八条 can open the article itself."""
    articles: list[tuple[str, str, list[str]]] = []
    for i, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.attrGet("class") == "article":
            label = cjk.ARTICLE_RE.match(tokens[i + 1].content).group(0)
            articles.append((str(token.attrGet("id")), label, []))
        elif token.type == "heading_open":
            articles.append(("", "", []))   # a heading ends the article before it
        elif token.type == "inline" and articles and articles[-1][0] and tokens[i - 1].type != "heading_open":
            articles[-1][2].append(_inline_text(token))
    return [(anchor, label, "\n".join(texts)) for anchor, label, texts in articles if anchor]


def section_texts(sections, skip_tables: bool = False) -> list[tuple[str | None, str, str]]:
    """(anchor, heading, text) of each section; tables left out with skip_tables (where
    their rows are indexed as tasks of their own)."""
    return [(anchor, heading, "\n".join(t for t, in_table in texts if t and not (in_table and skip_tables)))
            for anchor, heading, texts in sections]
