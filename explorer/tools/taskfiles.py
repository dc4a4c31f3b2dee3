"""`build.py tasks`: task lists extracted from the reviewed documents into
data/tasks/<collection>.yaml, which a person reviews (the build loads them: taskdata.py).

A task table is read from its document's Markdown: group rows (一、…) give the domain,
the first column the number (▲ marks a special task). The offshore-trade measures are
read from paragraphs that end in （牵头单位：…；配合单位：…）, one task per clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

import yaml

from .. import cjk
from ..markdown import RenderEnv, render_body, row_anchor, row_number
from ..model import Collection, Site
from . import GENERATED

_TABLES = MarkdownIt("commonmark").enable("table")
LEADER_RE = re.compile(r"^(?P<domain>.+?)（牵头市领导：(?P<leader>[^）]+)）$")
SCOPE_RE = re.compile(r"（适用范围：(?P<scope>[^（）]*(?:（[^）]*）[^（）]*)*)）$")
GROUP_TAIL = re.compile(r"^(?P<agency>.+?)及(?P<group>其他.+部门)$")


@dataclass
class TaskRow:
    number: int
    text: str
    domain: str
    anchor: str                    # row anchor in the document
    flagged: bool = False
    leader: str | None = None
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    guide: list[str] = field(default_factory=list)
    scope: str | None = None
    section: str | None = None     # offshore-trade: the （一）… heading
    line: int | None = None


def split_agencies(text: str) -> list[str]:
    """牵头/配合单位 cell -> names, split on 、，; outside brackets."""
    names, depth, current = [], 0, []
    for ch in text:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth -= 1
        if ch in "、，,；" and depth == 0:
            names.append("".join(current))
            current = []
        else:
            current.append(ch)
    names.append("".join(current))
    out: list[str] = []
    for name in (n.strip() for n in names):
        if not name:
            continue
        if out and out[-1].startswith("各") and _UNIT_KIND.match(name):
            out[-1] += f"、{name}"   # 各区、县级市: one group of local governments
            continue
        match = GROUP_TAIL.match(name)  # 市投资促进局及其他服务业相关行业主管部门
        out.extend([match["agency"], match["group"]] if match else [name])
    return out


# the kinds of local government a group names after 各…、: 各区、县级市, 各镇人民政府、街道办事处
_UNIT_KIND = re.compile(r"^(县级市|县（市）|县|市|区|乡镇|乡|镇|街道|功能区|开发区|园区)(人民)?(政府|管委会|办事处)?$")


def _plain(inline) -> str:
    """The text of an inline token, Markdown escapes resolved."""
    return "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline")).strip()


_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(markdown_text: str) -> str:
    return _ESCAPE.sub(r"\1", markdown_text)


def _domain_name(text: str) -> tuple[str, str | None]:
    text = re.sub(f"^[{cjk.CN_DIGITS}]+、", "", text)
    match = LEADER_RE.match(text)
    return (match["domain"], match["leader"]) if match else (text, None)


def table_tasks(markdown: str, header_first: str = "序号") -> list[TaskRow]:
    """Rows of the task table(s) in a document body."""
    tokens = _TABLES.parse(markdown)
    rows: list[TaskRow] = []
    header: list[str] = []
    domain, leader = "", None
    cells: list[str] = []
    in_head = False
    row_line = None
    for token in tokens:
        if token.type == "thead_open":
            in_head, header = True, []
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            cells, row_line = [], token.map[0] + 1 if token.map else None
        elif token.type == "inline" and token.level >= 3:
            (header if in_head else cells).append(_plain(token))
        elif token.type == "tr_close" and not in_head and header and header[0] == header_first:
            if cells and cells[0] and cjk.domain_row(cells):
                domain, leader = _domain_name(cells[0])
                continue
            number = row_number(cells[0]) if cells else None
            if not number:
                continue
            row = dict(zip(header, cells))
            text = row.get("任务内容", "")
            scope = row.get("适用范围") or None
            if scope is None:
                found = SCOPE_RE.search(text)
                scope = found["scope"] if found else None
            rows.append(TaskRow(
                number=number[0], text=text, domain=domain, leader=leader,
                anchor=row_anchor(number[0]), flagged=number[1], scope=scope,
                lead=split_agencies(row.get("牵头单位", "")), support=split_agencies(row.get("配合单位", "")),
                line=row_line))
    return rows


def _balanced_clause(text: str, start: int) -> int:
    """End (exclusive) of the bracketed clause opening at start, nested brackets allowed."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in "（(":
            depth += 1
        elif text[i] in "）)":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


# The forms of a responsibility clause, as documents write them inside brackets; each
# gives the names of its roles (lead, support, guide). A document may state its own rule
# that of agencies listed as responsible the first leads (列第一位者为牵头单位，下同).
_AND = r"[，,；;]\s*"
_CLAUSE_FORMS = [
    re.compile(r"^牵头单位[:：](?P<lead>[^；;]*?)(?:[；;，,]\s*配合单位[:：](?P<support>.*?))?[。.]?$"),
    re.compile(rf"^(?P<guide>[^，,；;]+?)指导{_AND}(?P<lead>.+?)负责(?:落实|实施)?[。.]?$"),
    re.compile(rf"^(?P<lead>[^，,；;]+?)牵头(?:{_AND}(?P<support>.+?)(?:参与|配合|参加))?[。.]?$"),
    re.compile(r"^(?P<shared>.+?)按职责分工负责[。.]?$"),
    re.compile(r"^(?P<responsible>.+?)负责(?:落实)?[。.]?(?P<rule>\s*列第一位者为牵头单位[，,]?\s*下同[。.]?)?$"),
    re.compile(r"^(?P<guide>[^，,；;]+?)指导[。.]?$"),   # who guides; who carries it out is stated once
]
# 以下各项任务均由各区（县、市）人民政府负责落实，不再列出: the lead of every clause that follows
CARRIED_LEAD = re.compile(r"以下(?:各项|所列)?(?:任务|工作|事项)?(?:均|全部|统一)?由(?P<lead>[^，,。；;]+?)"
                          r"(?:负责)?(?:落实|实施|推进|承担)[，,]?\s*(?:以下)?不再(?:一一|单独|逐项)?列出")


@dataclass
class Clause:
    start: int                     # in the line: where the bracket opens
    end: int                       # and closes (exclusive)
    lead: list[str]
    support: list[str] = field(default_factory=list)
    guide: list[str] = field(default_factory=list)
    sets_first_leads: bool = False  # the clause states the rule for the rest of the document
    leader: str | None = None       # 牵头领导 (the city leader who leads it), where the clause names one


# （牵头领导：陈炳荣；牵头单位：市科技局）: the city leader first, then the roles
_LEADER = re.compile(r"^牵头(?:市)?领导[:：](?P<leader>[^；;，,]+)[；;，,]\s*")


def read_clause(inner: str, first_leads: bool, carried: list[str] = ()) -> Clause | None:
    """The roles a bracketed clause gives, or None when it is not a responsibility clause;
    carried: the lead the document states once for every clause that names none."""
    inner = inner.strip()
    named = _LEADER.match(inner)
    if named:
        clause = read_clause(inner[named.end():], first_leads, carried)
        if clause is not None:
            clause.leader = named["leader"].strip()
        return clause
    for form in _CLAUSE_FORMS:
        match = form.match(inner)
        if not match:
            continue
        roles = {k: v for k, v in match.groupdict().items() if v}
        if "shared" in roles:                    # 按职责分工负责: each leads its own part
            return Clause(0, 0, split_agencies(roles["shared"]))
        if "responsible" in roles:
            names = split_agencies(roles["responsible"])
            rule = bool(roles.get("rule")) or first_leads
            if not names or any(len(n) > 30 for n in names):
                return None
            if rule:
                return Clause(0, 0, names[:1], names[1:], sets_first_leads=bool(roles.get("rule")))
            return Clause(0, 0, names)
        clause = Clause(0, 0, split_agencies(roles.get("lead", "")) or list(carried),
                        split_agencies(roles.get("support", "")), split_agencies(roles.get("guide", "")))
        if clause.lead or clause.guide:
            return clause
    return None


def find_clauses(text: str, first_leads: bool, carried: list[str] = ()) -> list[Clause]:
    """The responsibility clauses in a line, in order."""
    found = []
    position = 0
    while True:
        start = min((p for p in (text.find("（", position), text.find("(", position)) if p >= 0), default=-1)
        if start < 0:
            return found
        end = _balanced_clause(text, start)
        clause = read_clause(text[start + 1:end - 1], first_leads, carried)
        if clause is not None:
            clause.start, clause.end = start, end
            first_leads = first_leads or clause.sets_first_leads
            found.append(clause)
        position = end if clause is not None else start + 1


def clause_tasks(markdown: str) -> list[TaskRow]:
    """One task per responsibility clause, with the sentences it closes: from the start
    of the paragraph, or the end of the clause before it in the same paragraph."""
    rows: list[TaskRow] = []
    chapter = section = None
    first_leads = False
    carried: list[str] = []
    for n, line in enumerate(markdown.split("\n"), start=1):
        text = unescape(line.strip())
        heading = re.sub(r"^#+\s*", "", text)
        if heading != text and cjk.heading_level(heading) == 2:
            chapter, section = heading, None   # 一、…: the domain of clauses outside a （一）
            continue
        if heading != text and cjk.heading_level(heading) == 3:
            section = heading   # a （一） printed as a heading of its own
            continue
        if not text or text.startswith(("#", ":::", "|")):
            continue
        if cjk.heading_level(text) == 3:
            # the section's name is its lead sentence: （四）持续优化贸易金融服务
            section = text.split("。", 1)[0]
        rule = CARRIED_LEAD.search(text)
        if rule:
            carried = split_agencies(rule["lead"])
        position = 0
        for clause in find_clauses(text, first_leads, carried):
            first_leads = first_leads or clause.sets_first_leads
            body = text[position:clause.start].lstrip("，,；; ")
            position = clause.end
            if not body:
                continue   # a clause that closes nothing (a list of names in brackets)
            rows.append(TaskRow(
                number=len(rows) + 1, text=body, domain=section or chapter or "", section=section, anchor="",
                lead=clause.lead, support=clause.support, guide=clause.guide, leader=clause.leader, line=n))
    return rows


def _anchor_at(block_anchors: list[tuple[int, str]], line: int) -> str | None:
    found = None
    for block_line, anchor in block_anchors:
        if block_line <= line:
            found = anchor
    return found


def extract_collection(site: Site, collection: Collection) -> list[TaskRow]:
    doc = site.documents[collection.document]
    if collection.reader == "clauses":
        rows = clause_tasks(doc.body)
        env = RenderEnv(source=doc.id, line_offset=0, resolve=lambda *_: "#")
        render_body(doc.body, env)
        for row in rows:
            row.anchor = _anchor_at(env.block_anchors, row.line)
        return rows
    return table_tasks(doc.body)


def collection_yaml(collection: Collection, rows: list[TaskRow]) -> str:
    items: list[dict] = []
    for row in rows:
        # rows absent from the source keep their numbers, as explicit gaps
        expected = items[-1]["number"] + 1 if items else 1
        for missing in range(expected, row.number):
            items.append({"number": missing, "missing": True})
        item = {"number": row.number, "domain": row.domain}
        if row.leader:
            item["leader"] = row.leader
        if row.section:
            item["section"] = row.section
        if row.flagged:
            item["flagged"] = True
        item["text"] = row.text
        if row.scope:
            item["scope"] = row.scope
        if row.lead:
            item["lead"] = row.lead
        if row.support:
            item["support"] = row.support
        if row.guide:
            item["guide"] = row.guide
        if row.anchor:
            item["anchor"] = row.anchor
        items.append(item)
    header = GENERATED.format(command="tasks", source=f"content/documents/{collection.document}.md")
    body = yaml.safe_dump({"collection": collection.id, "tasks": items}, allow_unicode=True,
                          sort_keys=False, width=1000)
    return header + body
