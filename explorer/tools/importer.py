"""`build.py import`: a raw source text -> reviewed Markdown documents in content/documents/.

Two recipes: a source that is one document (a notice with its plan and annex),
and a gazette issue, split into its items by its own table of contents.
The output is deterministic, so re-running the import reproduces the same files.
"""
from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import cjk
from .proposals import propose
from ..content import FIELDS, split_front_matter, title_problem
from ..errors import ContentError, ContentErrors, display_path
from ..sourcefiles import read_text
from ..yamllines import load_with_lines, load_yaml
from . import ids, rawtext
from .forms.shared import METADATA_LABELS, METADATA_LINE, metadata_label
from .rawtext import (Box, Heading, Line, ListBlock, Label, NodeBuilder, Paragraph, Report, read_lines,
                      Signature, SourceProblem, Table, clean_inline, p_segments)


@dataclass
class Draft:
    meta: dict
    nodes: list = field(default_factory=list)


@dataclass
class ImportResult:
    drafts: list[Draft]
    report: Report


@dataclass(frozen=True)
class Catalogue:
    """Curated facts the importer needs: issuers and id prefixes by doc-number 代字,
    ids of sources that carry no document number."""
    prefixes: dict   # 代字 -> {"slug": ..., "issuer": ...}
    source_ids: dict  # source file name -> id
    titles: dict = field(default_factory=dict)   # source file name -> its title, given by a person

    @classmethod
    def load(cls, data_dir: Path) -> "Catalogue":
        prefixes = load_yaml(data_dir / "doc_prefixes.yaml", root=data_dir.parent) or {}
        sources = load_yaml(data_dir / "sources.yaml", root=data_dir.parent) or []
        return cls(prefixes, {s["file"]: s["id"] for s in sources if s.get("id")},
                   {s["file"]: s["title"] for s in sources if s.get("title")})

    def doc_id(self, number: cjk.DocNumber | None, source: str, title: str, date: str | None) -> str:
        """From the 文号 (the 代字's slug in the registry, else its pinyin initials), else
        the id data/sources.yaml gives the source, else from the title and date (ids.py)."""
        if number is not None:
            return ids.number_id(self.slug(number.prefix), number)
        return self.source_ids.get(source) or ids.title_id(title, date)

    def slug(self, prefix: str) -> str:
        entry = self.prefixes.get(prefix)
        return entry["slug"] if isinstance(entry, dict) and entry.get("slug") else ids.prefix_slug(prefix)

    def issuer(self, number: cjk.DocNumber | None) -> str | None:
        if number is not None and number.prefix in self.prefixes:
            return self.prefixes[number.prefix].get("issuer")
        return None


# --- shared metadata rules -------------------------------------------------------------

_ISSUED_DATE = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日)印发$")
_NORMATIVE = re.compile(r"^规范性文件统一编号\s*(\S+)$")


def doc_type(title: str, number: cjk.DocNumber | None) -> str:
    """文种 of a document, read from its title (and 政府令 for regulations)."""
    if number is not None and number.prefix.endswith("政府令"):
        return "规章"
    if number is not None and number.prefix.endswith("常务委员会公告"):
        return "地方性法规"
    if re.search(r"(任职|免职|任免)的通知$", title):
        return "任免"
    if title.endswith("记事"):
        return "记事"
    if title.endswith("发文目录"):
        return "目录"
    instrument = cjk.inner_title(title) or title
    for suffix in ("规划", "方案", "规定", "办法", "预案", "实施意见", "意见", "清单"):
        if re.search(f"{suffix}\\s*(（[^）]*）|\\([^)]*\\))?$", instrument):
            return suffix
    if title.endswith("任务"):
        return "清单"
    if title.endswith("通知"):
        return "通知"
    for kind in DOCUMENT_KINDS:   # any other 文种 the title ends with (`add` registers new ones)
        if re.search(f"{kind}\\s*(（[^）]*）|\\([^)]*\\))?$", instrument):
            return kind
    return "其他"


def known_titles(title: str, body: list[Line]) -> set[str]:
    titles = {title}
    inner = cjk.inner_title(title)
    if inner:
        titles.add(inner)
    for line in body:
        match = cjk.ANNEX_REF_RE.match(clean_inline(line.text))
        if match:
            titles.add(match.group(1).strip())
    return titles


def _signatures(nodes: list) -> list[Signature]:
    found = []
    for node in nodes:
        if isinstance(node, Signature):
            found.append(node)
        elif isinstance(node, Box):
            found.extend(_signatures(node.children))
    return found


def _fill_dates_and_issuer(meta: dict, nodes: list, catalogue: Catalogue, number) -> None:
    signatures = _signatures(nodes)
    if signatures:
        first = signatures[0]
        meta["date"] = rawtext.cn_date(first.lines[-1])
        names = [part for n in first.lines[:-1] if not n.startswith("市长") for part in n.split()]
        if names and not meta.get("issuer"):
            meta["issuer"] = "、".join(names)
    if not meta.get("issuer"):
        meta["issuer"] = catalogue.issuer(number)
    if not meta.get("issuer"):
        match = re.match(r"^(宁波市人民政府(办公厅)?)关于", meta["title"])
        meta["issuer"] = match.group(1) if match else None
    for node in nodes:
        if isinstance(node, Paragraph):
            match = _ISSUED_DATE.match(node.text)
            if match:
                meta["published"] = rawtext.cn_date(match.group(1))


def _base_meta(doc_id: str | None, title: str, number, source: str, lines: list[Line]) -> dict:
    return {"id": doc_id, "title": title, "doc_number": str(number) if number else None,
            "issuer": None, "date": None, "published": None, "type": doc_type(title, number),
            "source": source, "source_lines": [lines[0].number, lines[-1].number]}


_IMAGE_CAPTION = re.compile(r"^\S{0,6}二维码$")   # 网站二维码, 微博二维码 under a printed code


def _ordered_meta(meta: dict) -> dict:
    """Front matter fields in the order of content.FIELDS."""
    return {name: meta[name] for name in FIELDS if name in meta}


# --- recipe: one document --------------------------------------------------------------

# the 文种 a title ends with (possibly followed by a bracketed subtitle: （2027—2029年）)
DOCUMENT_KINDS = ("实施意见", "指导意见", "意见", "通知", "通告", "通报", "公告", "决定", "批复", "函", "报告",
                  "方案", "规划", "计划", "办法", "规定", "细则", "条例", "规则", "清单", "名录", "任务", "要点",
                  "纲要", "指南", "记事", "目录")
_TITLE_END = re.compile(f"(?:{'|'.join(DOCUMENT_KINDS)})(?:[（(][^（）()]*[）)])?$")
# （2027年1月15日宁波市人民政府令第275号公布）: a regulation's promulgation note
_PROMULGATION = re.compile(r"^[（(](?P<date>\d{4}年\d{1,2}月\d{1,2}日)(?P<by>.*?)(?P<number>(?:市)?政府令第\d+号)(?:公布)?[）)]$")


_SUBTITLE = re.compile(r"^[（(][^（）()。，；：]{2,30}[）)]$")
# an order's number over two lines: 宁波市人民政府令 / （第16号）
_ORDER_HEAD = re.compile(r"^(?P<issuer>[\u4e00-\u9fff]{2,24}?)令$")
_ORDER_NUMBER = re.compile(r"^[（(]?\s*第\s*(?P<number>\d+)\s*号\s*[）)]?$")
# a regulation's history under its title: adopted, approved, promulgated, in force
_HISTORY = re.compile(r"^[（(]?\s*(\d{4}\s*年.*(通过|批准|公布|修正|修订|施行)|自\s*\d{4}\s*年[^。]*起施行)\s*[）)]?$")
_ADOPTED = re.compile(r"(?P<date>\d{4}年\d{1,2}月\d{1,2}日)(?P<body>[\u4e00-\u9fff]+?)(?:第[\u4e00-\u9fff]+届)?"
                      r"(?P<rest>人民代表大会常务委员会)第[\u4e00-\u9fff]+次会议通过")
_PROMULGATED = re.compile(r"(?P<date>\d{4}年\d{1,2}月\d{1,2}日)?(?P<number>[\u4e00-\u9fff]+?公告第\d+号)公布")
_IN_FORCE = re.compile(r"自(?P<date>\d{4}年\d{1,2}月\d{1,2}日)起施行")


def _masthead_run(lines: list[Line], i: int) -> int | None:
    """Where a masthead that starts at line i ends (exclusive): one line ending in 文件, or
    the issuers of a joint document on lines of their own followed by 文件."""
    j = i
    while j < len(lines) and j - i < 6:
        text = clean_inline(re.sub(r"^#+\s*", "", lines[j].text))
        if not text or len(text) > 40 or cjk.ends_sentence(text) or cjk.parse_doc_number(text):
            return None
        if text.endswith("文件"):
            return j + 1
        j += 1
    return None


def _read_head(lines: list[Line]) -> tuple[dict, int]:
    """Masthead, document number, title (over one line or several) and a promulgation
    note at the top; returns them and where the body starts: at the recipients line, the
    first sentence or heading, or the first line after a complete title."""
    head: dict = {"masthead": None, "doc_number": None, "title_parts": [], "published": None, "history": [],
                  "order_issuer": None}
    i = 0
    while i < len(lines):
        text = clean_inline(re.sub(r"^#+\s*", "", lines[i].text))
        if not text:
            i += 1
            continue
        following = _next_text(lines, i)
        order = _ORDER_HEAD.match(text)
        if order and head["doc_number"] is None and following and _ORDER_NUMBER.match(following[1]):
            number = _ORDER_NUMBER.match(following[1])["number"]
            head["doc_number"] = cjk.parse_doc_number(f"{text}第{number}号")
            head["order_issuer"] = order["issuer"]
            i = following[0] + 1
            continue
        if head["title_parts"] and _HISTORY.match(text) and len(text) <= 300 and not _PROMULGATION.match(text):
            head["history"].append(Line(lines[i].number, text))
            i += 1
            continue
        if head["masthead"] is None and not head["title_parts"] and head["doc_number"] is None:
            end = _masthead_run(lines, i)
            if end is not None:
                names = [clean_inline(re.sub(r"^#+\s*", "", l.text)) for l in lines[i:end]]
                # the issuers of a joint masthead, a space apart, then 文件: 甲委 乙局文件
                issuers = [n.removesuffix("文件").strip(" \u3000") for n in names if n]
                head["masthead"] = " ".join(i for i in issuers if i) + "文件"
                i = end
                continue
        number = cjk.parse_doc_number(text)
        promulgation = _PROMULGATION.match(text) if head["title_parts"] else None
        if number is not None and head["doc_number"] is None:
            head["doc_number"] = number
        elif promulgation:
            head["doc_number"] = cjk.parse_doc_number(promulgation["number"])
            head["published"] = rawtext.cn_date(promulgation["date"])
        elif head["title_parts"] and _SUBTITLE.match(text):
            head["title_parts"].append(text)   # （2027—2029年）, printed under the title
        elif text.endswith(("：", ":")) or cjk.ends_sentence(text) or cjk.heading_level(text) \
                or cjk.ARTICLE_RE.match(text) or _title_complete(head, text):
            break
        else:
            head["title_parts"].append(text)
        i += 1
    return head, i


def _next_text(lines: list[Line], i: int) -> tuple[int, str] | None:
    """The next line after i with text, and where it is."""
    for j in range(i + 1, min(len(lines), i + 4)):
        text = clean_inline(re.sub(r"^#+\s*", "", lines[j].text))
        if text:
            return j, text
    return None


def _title_complete(head: dict, text: str) -> bool:
    """The title read so far ends with its 文种 (and a number may follow, or a bracketed
    subtitle): a further plain line starts the body."""
    title = "".join(head["title_parts"])
    return bool(title) and bool(_TITLE_END.search(title)) and not text.startswith(("（", "("))


def import_single(lines: list[Line], source: str, catalogue: Catalogue, report: Report) -> list[Draft]:
    stated, lines = _metadata_lines(lines, report)
    head, start = _read_head(lines)
    if not head["title_parts"] and head["order_issuer"]:
        head["title_parts"] = _ordered_title(lines[start:start + 3])
    if not head["title_parts"] and not stated.get("title"):
        raise ContentErrors([ContentError(source, lines[0].number if lines else 1,
                                          "no title found at the top of the text")])
    title = catalogue.titles.get(source) or stated.get("title") \
        or rawtext.remove_stray_spaces("".join(head["title_parts"]))
    if source not in catalogue.titles:
        _check_title(title, source, next((line.number for line in lines if line.text.strip()), 1))
    number = head["doc_number"]
    if stated.get("doc_number") and cjk.parse_doc_number(stated["doc_number"]):
        number = cjk.parse_doc_number(stated["doc_number"])
    body = lines[start:]
    nodes = NodeBuilder(report, known_titles(title, body)).build(body)
    meta = _base_meta(None, title, number, source, lines)
    if head["masthead"]:
        meta["masthead"] = head["masthead"]
    if head["published"]:
        meta["published"] = head["published"]
    if head["order_issuer"]:
        meta["issuer"] = head["order_issuer"]
    if head["history"]:
        nodes.insert(0, Label(head["history"][0].number, "\n".join(h.text for h in head["history"])))
        number = _read_history(meta, head["history"]) or number
    _fill_dates_and_issuer(meta, nodes, catalogue, number)
    for name, value in stated.items():
        if name != "title":
            meta[name] = value
    meta["doc_number"] = str(number) if number is not None else None
    meta["type"] = doc_type(title, number)
    meta["id"] = catalogue.doc_id(number, source, title, meta["date"] or meta["published"])
    return [Draft(_ordered_meta(meta), nodes)]


_ORDER_TEXT = re.compile(r"^《(?P<title>[^《》]{4,60})》已(?:经|于)")


def _ordered_title(lines: list[Line]) -> list[str]:
    """The title of what an order promulgates, where the order prints it after its own text:
    《宁波市…办法》已经…审议通过，现予公布."""
    for line in lines:
        match = _ORDER_TEXT.match(clean_inline(line.text))
        if match:
            return [match["title"]]
    return []


def _check_title(title: str, source: str, line: int) -> None:
    """A title found in the text is a title: short, no markup, no address (content.py)."""
    problem = title_problem(title)
    if problem:
        raise ContentErrors([ContentError(source, line, f"{problem}: '{title[:40]}…'; the text does not start "
                                          "with its title (a page's chrome? two documents in one file?). If it is "
                                          "the title, give it: build.py add --title TITLE FILE")])


def _read_history(meta: dict, history: list[Line]) -> cjk.DocNumber | None:
    """A local regulation's issuer, 公告 number and dates from the lines under its title."""
    text = "".join(h.text for h in history)
    number = None
    adopted = _ADOPTED.search(text)
    if adopted:
        meta["issuer"] = f"{adopted['body']}{adopted['rest']}"
        meta["date"] = rawtext.cn_date(adopted["date"])
    promulgated = _PROMULGATED.search(text)
    if promulgated:
        number = cjk.parse_doc_number(promulgated["number"])
        if promulgated["date"]:
            meta["published"] = rawtext.cn_date(promulgated["date"])
    in_force = _IN_FORCE.search(text)
    if in_force:
        meta["effective"] = rawtext.cn_date(in_force["date"])
    return number


def _stated_date(value: str) -> str | None:
    """2027年03月15日, 2027-03-15, 2027.3.15, 2027/03/15 -> 2027-03-15."""
    match = re.search(r"(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})", value)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def _metadata_lines(lines: list[Line], report: Report) -> tuple[dict, list[Line]]:
    """Metadata a page or a database states apart from the text (索引号：…, 【法宝引证码】…)
    at the top, before the first sentence: the fields they give, and the lines without them."""
    stated: dict = {}
    kept: list[Line] = []
    texts_kept = 0   # metadata comes first, or after the title: not after three lines of text
    for k, line in enumerate(lines):
        text = line.text.strip()
        match = METADATA_LINE.match(text) if texts_kept < 3 else None
        if match is None:
            if cjk.ends_sentence(text) and text.endswith("。") or texts_kept >= 3:
                return stated, kept + lines[k:]
            kept.append(line)
            texts_kept += bool(text)
            continue
        report.count("metadata lines read")
        name = METADATA_LABELS[metadata_label(match)]
        value = clean_inline(match["value"])
        if name in ("date", "published", "effective"):
            value = _stated_date(value)
        if name == "doc_number":
            value = str(cjk.parse_doc_number(value)) if cjk.parse_doc_number(value) else None
        if name and value and name not in stated:
            stated[name] = value
    return stated, kept


# --- recipe: a gazette issue -------------------------------------------------------------

_TOC_ENTRY_NUMBERED = re.compile(r"^(?P<title>.+?)\s*[(（](?P<number>[^()（）]*\d+号)[)）]\s*[(（](?P<page>\d+)[)）]$")
_TOC_ENTRY_PAGE = re.compile(r"^(?P<title>.+?)\s*[(（](?P<page>\d+)[)）]$")
_TOC_RULE = re.compile(r"^[-\s]+$")
_ISSUE = re.compile(r"第\s*(\d+)\s*期\s*[(（]\s*总第\s*(\d+)\s*期\s*[)）]")
_EDITORIAL = re.compile(r"^(?P<label>[\u4e00-\u9fff](?:\s?[\u4e00-\u9fff]){1,6})\s*[:：]\s*(?P<value>.*)$")
_NAME_ROLES = ("总编", "副总编", "编辑")


@dataclass
class TocEntry:
    line: int
    category: str | None
    title: str
    number: str | None
    page: int
    doc_id: str | None = None


def is_gazette(lines: list[Line]) -> bool:
    head = "\n".join(line.text for line in lines[:40])
    return "公报" in head and bool(re.search(r"目\s*录", head)) and bool(_ISSUE.search(head))


def _parse_toc(lines: list[Line]) -> list[TocEntry]:
    entries: list[TocEntry] = []
    category = None
    i = 0
    while i < len(lines):
        raw = lines[i].text.strip()
        text = clean_inline(raw.replace("\t", " "))
        i += 1
        if not text or _TOC_RULE.match(raw.replace("\t", "")):
            continue
        bullet = text.startswith("- ")
        if bullet:
            text = text[2:].strip()
            nxt = lines[i].text.strip() if i < len(lines) else ""
            if not _TOC_ENTRY_PAGE.match(text) and nxt.startswith(("(", "（")):
                text = f"{text}{clean_inline(nxt)}"
                i += 1
        match = _TOC_ENTRY_NUMBERED.match(text)
        if match:
            entries.append(TocEntry(lines[i - 1].number, category, clean_inline(match["title"]),
                                    match["number"], int(match["page"])))
            continue
        match = _TOC_ENTRY_PAGE.match(text)
        if match and ("\t" in raw or bullet):
            entries.append(TocEntry(lines[i - 1].number, category, clean_inline(match["title"]),
                                    None, int(match["page"])))
            continue
        if len(text) <= 12 and not re.fullmatch(r"目\s*录", text):
            category = text
    return entries


def _name_list(value: str) -> str:
    """孙 杰 孙亚红 -> 孙杰 孙亚红: names spaced out to align in print, rejoined."""
    tokens, merged = value.split(), []
    for token in tokens:
        if merged and len(token) == 1 and len(merged[-1]) == 1:
            merged[-1] += token
        else:
            merged.append(token)
    return " ".join(merged)


def _gazette_front(lines: list[Line], entries: list[TocEntry], report: Report) -> tuple[list, dict]:
    """Cover, contents and editorial data of the issue: the cover lines become a label,
    the contents pages one list per category, the editorial data (主办, 出刊日期 …) a list;
    the issue number and the publication date go into the metadata."""
    meta: dict = {}
    nodes: list = []
    cover: list[str] = []
    editorial: list[str] = []
    toc_done = False
    for k, line in enumerate(lines):
        text = " ".join(line.text.split())  # cover lines keep their spaces: 发布规章 宣传政策
        if not text:
            continue
        match = _ISSUE.search(text)
        if match and "issue" not in meta:
            meta["issue"], meta["issue_total"] = int(match[1]), int(match[2])
        if re.fullmatch(r"目\s*录", text):
            if not toc_done:
                nodes.append(Label(line.number, "\n".join(cover)))
                cover = []
                nodes.extend(_contents_nodes(entries, line.number))
                toc_done = True
            report.count("gazette contents pages read")
            continue
        following = lines[k + 1] if k + 1 < len(lines) else None
        if _is_contents_line(line, text, following, entries):
            continue
        item = _editorial_item(text) if toc_done else None
        if item:
            editorial.append(item)
            if item.startswith("出刊日期："):
                meta["published"] = rawtext.cn_date(item.removeprefix("出刊日期："))
        elif editorial and re.match(r"^\d", text):
            editorial[-1] += text  # an address wrapped onto the next line
        elif toc_done and not cover and nodes and isinstance(nodes[-1], Label) and k > 0 and lines[k - 1].text.strip():
            nodes[-1].text += "\n" + text   # a label's second line
        elif toc_done:
            nodes.append(Label(line.number, text))
        else:
            cover.append(text)
    if editorial:
        nodes.append(ListBlock(lines[-1].number, editorial))
    return nodes, meta


def _contents_nodes(entries: list[TocEntry], line: int) -> list:
    """The contents as a heading and one linked list per category."""
    by_category: dict[str | None, list[TocEntry]] = {}
    for entry in entries:
        by_category.setdefault(entry.category, []).append(entry)
    nodes: list = [Heading(line, 2, "目录")]
    for category, items in by_category.items():
        if category:
            nodes.append(Heading(items[0].line, 3, category))
        nodes.append(ListBlock(items[0].line, [_toc_item(e) for e in items], escaped=True))
    return nodes


def _is_contents_line(line: Line, text: str, following: Line | None, entries: list[TocEntry]) -> bool:
    """A line of the contents pages, already read into the entries: an entry, a rule, a
    category, a title wrapped before its number, a bullet."""
    if line.number in {e.line for e in entries} or _TOC_RULE.match(line.text.replace("\t", "")):
        return True
    if any(e.category == text for e in entries):
        return True
    if following is not None and following.text.strip().startswith(("(", "（")) and \
            any(cjk.squeeze(e.title).startswith(cjk.squeeze(text.lstrip("- "))) for e in entries):
        return True
    return text.startswith("- ") or bool(re.match(r"^[(（].*[)）]\s*[(（]\d+[)）]$", text))


def _editorial_item(text: str) -> str | None:
    """An editorial line (主办：…, 编辑出版：…) as label：value, names and spaces cleaned."""
    match = _EDITORIAL.match(text)
    if not match:
        return None
    label = match["label"].replace(" ", "")
    value = match["value"].strip()
    value = _name_list(value) if label in _NAME_ROLES else rawtext.remove_stray_spaces(value)
    return f"{label}：{value}"


def _toc_item(entry: TocEntry) -> str:
    # written as printed: title (number) (page)
    number = f" ({entry.number})" if entry.number else ""
    label = md_escape(f"{entry.title}{number}")
    linked = f"[{label}](doc:{entry.doc_id})" if entry.doc_id else label
    return f"{linked} ({entry.page})"


def _gazette_back(lines: list[Line], report: Report) -> list:
    nodes: list = []
    places: list[str] = []
    for line in lines:
        raw = line.text.rstrip()
        if not raw.strip():
            continue
        if "\t" in raw:
            name, _, address = raw.partition("\t")
            places.append(f"{clean_inline(name)} {clean_inline(address)}")
            continue
        if places:
            nodes.append(ListBlock(line.number, [md_escape(p) for p in places], escaped=True))
            places = []
        text = " ".join(raw.split())
        if _IMAGE_CAPTION.match(text):
            continue   # the caption of a QR code printed on the cover: the image is not in the text
        if re.match(r"^《.*》简介$", text):
            nodes.append(Heading(line.number, 2, text))
        elif cjk.ends_sentence(text) and len(text) > 20:
            nodes.append(Paragraph(line.number, text))
        else:
            nodes.append(Label(line.number, text))
    if places:
        nodes.append(ListBlock(lines[-1].number, [md_escape(p) for p in places], escaped=True))
    return nodes


def import_gazette(lines: list[Line], source: str, catalogue: Catalogue, report: Report) -> list[Draft]:
    """The issue itself (cover, contents, editorial data, back matter) and one draft per
    item its contents list, each linked to the issue."""
    first_toc = next(i for i, l in enumerate(lines) if re.fullmatch(r"目\s*录", l.text.strip()))
    entries = _parse_toc(lines[first_toc:])
    if not entries:
        raise ContentErrors([ContentError(source, lines[first_toc].number, "no entries in the table of contents")])
    starts = _item_starts(lines, entries, source)
    tail = next((i for i in range(starts[-1], len(lines))
                 if re.match(r"^《.*》简介$", lines[i].text.strip())), len(lines))
    item_drafts = []
    for entry, (segment, normative) in zip(entries, _item_segments(lines, starts, tail)):
        draft = _gazette_item(segment, entry, source, catalogue, report)
        if normative:
            draft.meta["normative_code"] = normative
        item_drafts.append(draft)
        entry.doc_id = draft.meta["id"]
    front_nodes, front_meta = _gazette_front(lines[:starts[0]], entries, report)
    meta = _issue_meta(lines, first_toc, front_meta, source)
    for draft in item_drafts:
        draft.meta["gazette"] = meta["id"]
        if draft.meta.get("published") is None:
            draft.meta["published"] = meta["published"]
        draft.meta = _ordered_meta(draft.meta)
        _link_document_list(draft, item_drafts)
    issue = Draft(_ordered_meta(meta), front_nodes + _gazette_back(lines[tail:], report))
    return [issue] + item_drafts


def _item_starts(lines: list[Line], entries: list[TocEntry], source: str) -> list[int]:
    """Where each item starts: the first line after the contents equal to its title."""
    last_toc_line = max(e.line for e in entries)
    starts: list[int] = []
    position = next(i for i, l in enumerate(lines) if l.number > last_toc_line)
    for entry in entries:
        want = cjk.squeeze(entry.title)
        found = next((i for i in range(position, len(lines)) if cjk.squeeze(lines[i].text) == want), None)
        if found is None:
            raise ContentErrors([ContentError(source, entry.line, f"contents entry '{entry.title}' not found in the text")])
        starts.append(found)
        position = found + 1
    return starts


def _item_segments(lines: list[Line], starts: list[int], tail: int) -> list[tuple[list[Line], str | None]]:
    """Each item's lines and its 规范性文件统一编号, which is printed above its title, at
    the end of the item before it."""
    segments = []
    normative = None
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else tail
        segment = lines[start:end]
        last = next((k for k in range(len(segment) - 1, -1, -1) if segment[k].text.strip()), None)
        code = _NORMATIVE.match(clean_inline(segment[last].text)) if last is not None else None
        if code:   # the next item's number: not part of this one
            segment = segment[:last]
        segments.append((segment, normative))
        normative = code.group(1) if code else None
    return segments


_PUBLISHER = re.compile(r"^\s*(\S+?)主办\s*$")


def _issue_meta(lines: list[Line], first_toc: int, front_meta: dict, source: str) -> dict:
    """The issue's own front matter: its year and number from the cover, its issuer from
    the cover line that names who publishes it (…主办)."""
    year = next((int(l.text.strip()) for l in lines[:first_toc] if re.fullmatch(r"\d{4}", l.text.strip())), None)
    issue = front_meta.get("issue")
    title_line = next(clean_inline(l.text) for l in lines if clean_inline(l.text))
    publisher = next((m.group(1) for l in lines[:first_toc + 80] if (m := _PUBLISHER.match(clean_inline(l.text)))), None)
    return {
        "id": f"gazette-{year}-{_issue_number(lines):02d}" if year else f"gazette-{Path(source).stem[:3]}",
        "title": f"{title_line}{year}年第{issue}期" if year and issue else title_line,
        "doc_number": None,
        "issuer": publisher,
        "date": None,
        "published": front_meta.get("published"),
        "type": "公报",
        "issue": issue,
        "issue_total": front_meta.get("issue_total"),
        "year": year,
        "source": source,
        "source_lines": [lines[0].number, lines[-1].number],
    }


def _issue_number(lines: list[Line]) -> int:
    for line in lines[:60]:
        match = _ISSUE.search(line.text)
        if match:
            return int(match[1])
    return 0


def _gazette_item(segment: list[Line], entry: TocEntry, source: str, catalogue: Catalogue,
                  report: Report) -> Draft:
    title = rawtext.remove_stray_spaces(clean_inline(segment[0].text))
    rest = segment[1:]
    number = None
    for k, line in enumerate(rest):
        if not line.text.strip():
            continue
        number = cjk.parse_doc_number(clean_inline(line.text))
        if number is not None:
            rest = rest[k + 1:]
        break
    nodes = NodeBuilder(report, known_titles(title, rest)).build(rest)
    fallback = {"记事": "chronicle", "目录": "document-list"}.get(doc_type(title, number), "item")
    doc_id = ids.number_id(catalogue.slug(number.prefix), number) if number else f"{fallback}-{entry.page}"
    meta = _base_meta(doc_id, title, number, source, segment)
    meta["gazette_page"] = entry.page
    if meta["type"] in ("记事", "目录"):
        meta["id"] = catalogue.source_ids.get(f"{source}#{meta['type']}", meta["id"])
    _fill_dates_and_issuer(meta, nodes, catalogue, number)
    if meta["type"] in ("记事", "目录"):
        meta["issuer"] = None
    return Draft(meta, nodes)


def _link_document_list(draft: Draft, items: list[Draft]) -> None:
    """In a list of documents issued, items that are in the corpus link to their page."""
    if draft.meta["type"] != "目录":
        return
    by_number = {d.meta["doc_number"]: d.meta["id"] for d in items if d.meta.get("doc_number")}
    for node in draft.nodes:
        if not isinstance(node, ListBlock):
            continue
        linked = []
        for item in node.items:
            number_text = item.split(" ", 1)[0]
            number = cjk.parse_doc_number(number_text)
            target = by_number.get(str(number)) if number else None
            linked.append(f"[{md_escape(item)}](doc:{target})" if target else md_escape(item))
        node.items = linked
        node.escaped = True


# --- Markdown ------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_LINE_START = re.compile(r"^(\d+)([.)])(\s)|^([#>+-])(?=\s|$)|^(=+|-+)$")


def md_escape(text: str) -> str:
    """Text that Markdown shows exactly as written."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: (f"{m[1]}\\{m[2]}{m[3]}" if m[1] else "\\" + m.group(0)), text)


def _table_md(table: Table) -> str:
    cell = lambda c: md_escape(c) if c else " "
    lines = ["| " + " | ".join(cell(c) for c in table.header) + " |",
             "|" + "|".join(" --- " for _ in table.header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)


def nodes_markdown(nodes: list) -> str:
    blocks: list[str] = []
    for node in nodes:
        if isinstance(node, Heading):
            blocks.append("#" * node.level + " " + md_escape(node.text))
        elif isinstance(node, Paragraph):
            blocks.append(md_escape(node.text))
        elif isinstance(node, Label):
            lines = [md_escape(t) for t in node.text.split("\n")]
            blocks.append("::: label\n" + "\\\n".join(lines) + "\n:::")
        elif isinstance(node, Table):
            blocks.append(_table_md(node))
        elif isinstance(node, Box):
            blocks.append(f"::: box {md_escape(node.title)}\n\n{nodes_markdown(node.children)}\n\n:::")
        elif isinstance(node, Signature):
            blocks.append("::: signature\n" + "\\\n".join(md_escape(t) for t in node.lines) + "\n:::")
        elif isinstance(node, ListBlock):
            blocks.append("\n".join(f"- {i if node.escaped else md_escape(i)}" for i in node.items))
        else:  # pragma: no cover - every node type is handled above
            raise TypeError(node)
    return "\n\n".join(blocks)


def draft_markdown(draft: Draft) -> str:
    """The document's file: front matter (with the validity and relations its text states,
    as proposals to review) and the Markdown body."""
    body = nodes_markdown(draft.nodes)
    meta = draft.meta
    issued = meta.get("date") or meta.get("published")
    proposal = propose(body, meta.get("title") or "", dt.date.fromisoformat(issued) if issued else None)
    front = yaml.safe_dump(_ordered_meta({**meta, **proposal.front_matter()}), allow_unicode=True, sort_keys=False,
                           width=1000)
    return f"---\n{front}---\n\n{body}\n"


# --- entry point ----------------------------------------------------------------------------

_BREAK = re.compile(r"<br\s*/?>", re.I)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", re.I)


def clean_lines(lines: list[Line], report: Report) -> list[Line]:
    """Input hygiene before anything is read: HTML paragraphs and line breaks outside
    tables become lines of their own (numbered as the line they came from), entities are
    decoded, trailing spaces (no-break ones too) dropped, and the text made to read as it
    reads (cjk.visible: 市商\ufeff务局 is 市商务局). CRLF and a BOM are gone already."""
    out: list[Line] = []
    for line in lines:
        text = cjk.visible(line.text)
        if "\t" in text or "<table" in text:   # a table row: its cells, empty ones too, stay as printed
            out.append(Line(line.number, text))
            continue
        if "&" in text:
            text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
        if "<p>" in text or _BREAK.search(text):
            report.count("HTML fragments converted")
            segments = p_segments(text) if "<p>" in text else [text]
            out.extend(Line(line.number, piece.strip()) for seg in segments for piece in _BREAK.split(seg)
                       if piece.strip())
        else:
            out.append(Line(line.number, text.rstrip()))
    return out


def import_source(path: Path, catalogue: Catalogue, root: Path | None = None) -> ImportResult:
    report = Report()
    lines = clean_lines(read_lines(path, root), report)
    try:
        if is_gazette(lines):
            drafts = import_gazette(lines, path.name, catalogue, report)
        else:
            drafts = import_single(lines, path.name, catalogue, report)
    except SourceProblem as exc:
        raise ContentErrors([ContentError(display_path(path, root), exc.line, exc.message)]) from None
    ids = Counter(d.meta["id"] for d in drafts)
    twice = sorted(i for i, n in ids.items() if n > 1)
    if twice:
        raise ContentErrors([ContentError(display_path(path, root), None, f"two documents would be named "
                                          f"'{twice[0]}'; give them ids in data/sources.yaml")])
    report.count("documents", len(drafts))
    return ImportResult(drafts, report)


def write_drafts(result: ImportResult, out_dir: Path, root: Path | None = None) -> list[Path]:
    """Each draft as out_dir/<id>.md. A file that holds a document imported from another
    source is never overwritten (two raw texts whose documents would get one id)."""
    errors = []
    for draft in result.drafts:
        path = out_dir / f"{draft.meta['id']}.md"
        owner = _imported_from(path, root)
        if owner is not None and owner != draft.meta["source"]:
            errors.append(ContentError(display_path(path, root), None,
                                       f"already holds a document imported from {owner}; not overwritten by "
                                       f"{draft.meta['source']} (give one of them an id in data/sources.yaml)"))
    if errors:
        raise ContentErrors(errors)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for draft in result.drafts:
        path = out_dir / f"{draft.meta['id']}.md"
        text = draft_markdown(draft)
        if not path.exists() or path.read_text(encoding="utf-8") != text:   # an unchanged file keeps its time
            partial = path.with_name(f".{path.name}.partial")
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, path)
        written.append(path)
    return written


def _imported_from(path: Path, root: Path | None) -> str | None:
    """The `source` of the document already at path, if any."""
    if not path.exists():
        return None
    try:
        shown = display_path(path, root)
        meta = load_with_lines(split_front_matter(read_text(path, root), shown)[0], shown, line_offset=1)
    except ContentErrors:
        return None   # a file the importer cannot read back is reported by the build
    return meta.get("source") if isinstance(meta, dict) else None
