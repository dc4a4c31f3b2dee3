"""A page saved from a government website, or HTML exported from Word.

The document's own container is found (the chrome around it, menus, share bars, the
"扫一扫在手机打开当前页" box, dropped); a gov.cn metadata table (索引号 / 主题分类 /
发文机关 / 成文日期 / 标题 / 发文字号 / 发布日期) is read as the metadata; Word's
markup (mso- styles, <o:p>, spans) is reduced to paragraphs and tables.
"""
from __future__ import annotations

import email
import re

from ... import cjk
from .shared import LABEL_PATTERN, METADATA_LABELS, METADATA_LINE, Extracted, FormProblem, metadata_label, normalise, table_lines
from .text import NAMES, decode

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_HTML_START = re.compile(r"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)

# elements that are never the document's text
_CHROME_TAGS = {"script", "style", "noscript", "iframe", "form", "nav", "header", "footer", "button", "select",
                "input", "textarea", "object", "embed", "svg", "canvas", "map", "template", "head", "aside"}
# class or id words of page chrome on government sites
_CHROME_WORDS = re.compile(r"(^|[\s_-])(share|qrcode|ewm|erweima|print|footer|foot|header|nav|navbar|menu|"
                           r"breadcrumb|crumb|position|location|sidebar|related|comment|toolbar|fontsize|"
                           r"topbar|banner|copyright|links?)($|[\s_-])", re.I)
_CHROME_LINES = re.compile(r"^(扫一扫在手机(上)?打开当前页|【?(打印本页|打印|关闭窗口|关闭|收藏|返回顶部)】?|"
                           r"分享到[:：]?.*|字号[:：]?\s*[【\[]?\s*大\s*中\s*小\s*[】\]]?|【\s*大\s*中\s*小\s*】|"
                           r"当前位置[:：].*|您当前的位置[:：].*|(上|下)一篇[:：].*)$")
# known containers of the document's text on government and Word pages
_CONTAINERS = ("UCAP-CONTENT", "zoom", "Zoom", "fontzoom", "pages_content", "TRS_Editor", "article-content",
               "Custom_UnionStyle", "WordSection1", "Section1", "mainText", "zw")
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "section", "article",
           "center", "pre", "address", "tr", "ul", "ol", "dl", "main", "body", "td", "th", "caption", "table"}


def looks_like_html(text: str, name: str) -> bool:
    return name.lower().endswith((".htm", ".html", ".xhtml", ".shtml")) or bool(_HTML_START.match(text[:2000]))


_READ_FOR_SURE = (NAMES["utf-8"], NAMES["utf-8-sig"], NAMES["utf-16"], NAMES["utf-32"])


def _with_declared(data: bytes, decoded: str, encoding: str) -> tuple[str, str]:
    """The page in the charset its <meta> declares (GB2312 and GBK read as GB18030),
    unless a BOM or valid UTF-8 already told: pages often declare what they are not."""
    match = _CHARSET.search(data[:4096])
    if not match:
        return decoded, encoding
    declared = match.group(1).decode("ascii").lower()
    if encoding in _READ_FOR_SURE:
        return decoded, f"{encoding} (declared {declared})"
    codec = "gb18030" if declared in ("gb2312", "gbk", "gb18030", "x-gbk") else declared
    try:
        return data.decode(codec), f"{NAMES.get(codec, codec)} (declared {declared})"
    except (LookupError, UnicodeDecodeError):
        return decoded, f"{encoding} (declared {declared}, which it is not)"


def read(data: bytes, decoded: str, encoding: str) -> Extracted:
    from lxml import html as lxml_html
    decoded, encoding = _with_declared(data, decoded, encoding)
    decoded = re.sub(r"^\s*<\?xml[^>]*>", "", decoded)   # lxml takes no declaration in a str
    decoded = re.sub(r"<!\[(end)?if[^\]]*\]>", "", decoded)   # Word's conditional markup
    try:
        root = lxml_html.document_fromstring(normalise(decoded))
    except Exception as exc:   # lxml's ParserError has no stable home across versions
        raise FormProblem(f"an HTML page lxml cannot read: {exc}") from None
    word = "urn:schemas-microsoft-com:office" in decoded[:3000] or "mso-" in decoded
    title_tag = root.findtext(".//title") or ""
    _drop_chrome(root)
    metadata = _metadata(root)
    container = _container(root)
    lines = _lines(container)
    lines = [line for line in lines if not _CHROME_LINES.match(line.strip().lstrip("#").strip())]
    title = metadata.get("标题") or metadata.get("名称") or _page_title(root, title_tag)
    if title and not _holds_title(lines[:8], title):
        lines.insert(0, f"## {title}")
    head = [f"{label}：{value}" for label, value in metadata.items()]
    text = "\n".join(head + ([""] if head else []) + lines).strip() + "\n"
    if not re.search("[\u4e00-\u9fff]", text):
        raise FormProblem("an HTML page with no Chinese text in it (a frame or a page that loads its text "
                          "by script?): save the document's own page, or its text")
    form = "Word 网页 (HTML)" if word else "网页 (HTML)"
    notes = [] if metadata else ["no metadata table on the page: check the title, 文号, issuer and dates"]
    return Extracted(form, encoding, text, notes=notes)


def read_mhtml(data: bytes) -> Extracted:
    """A page saved as one file (.mhtml): its HTML part, read as a page."""
    message = email.message_from_bytes(data)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset:
                payload = re.sub(rb"(?i)<meta[^>]+charset[^>]*>", b"", payload)
                text = payload.decode("gb18030" if charset.lower() in ("gb2312", "gbk") else charset, "replace")
                encoding = f"{charset} (MHTML)"
            else:
                text, encoding = decode(payload)
            extracted = read(text.encode("utf-8"), text, NAMES["utf-8"])
            extracted.form, extracted.encoding = "网页 (MHTML)", encoding
            return extracted
    raise FormProblem("an MHTML file with no HTML part")


def _classes(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _drop_chrome(root) -> None:
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            if el.getparent() is not None:   # a comment: its tail stays
                el.drop_tree()
            continue
        tag = el.tag.lower()
        if tag in _CHROME_TAGS or (tag not in ("html", "body") and _CHROME_WORDS.search(_classes(el))
                                   and not any(c in _classes(el) for c in _CONTAINERS)):
            if el.getparent() is not None:
                el.drop_tree()


def _leaf_texts(el) -> list[str]:
    """The texts of an element's cells and items, in order."""
    out = []
    for child in el.iter():
        if not isinstance(child.tag, str):
            continue
        if child.tag in ("td", "th", "li", "dt", "dd", "p", "span", "div", "b", "strong", "label") and \
                not any(isinstance(c.tag, str) and c.tag in ("td", "th", "li", "dd", "dt", "p", "div", "span", "b",
                                                            "strong", "label") for c in child):
            text = _space(child.text_content())
            if text:
                out.append(text)
    return out


_LABEL_ONLY = re.compile(rf"^({LABEL_PATTERN})\s*[:：]?$")


def _metadata(root) -> dict[str, str]:
    """A gov.cn metadata table (or list), read and taken out of the page: label -> value."""
    best = None
    for el in root.iter("table", "ul", "dl", "div"):
        text = _space(el.text_content())
        found = {label for label in METADATA_LABELS if label in re.sub(r"[ \u3000]", "", text)}
        if len(found) >= 3 and len(text) < 1200 and (best is None or len(text) < len(_space(best.text_content()))):
            best = el
    if best is None:
        return {}
    pairs: dict[str, str] = {}
    texts = _leaf_texts(best)
    k = 0
    while k < len(texts):
        only = _LABEL_ONLY.match(texts[k])
        line = METADATA_LINE.match(texts[k])
        if only and k + 1 < len(texts) and not _LABEL_ONLY.match(texts[k + 1]):
            pairs.setdefault(re.sub(r"[ \u3000]", "", only.group(1)), texts[k + 1])
            k += 2
            continue
        if line and line["value"]:
            pairs.setdefault(metadata_label(line), line["value"])
        k += 1
    if len(pairs) >= 3:
        best.drop_tree()
        return pairs
    return {}


def _own_text(el) -> int:
    """Length of an element's text outside links (menus and link lists weigh nothing)."""
    total = len(_space(el.text_content()))
    links = sum(len(_space(a.text_content())) for a in el.iter("a"))
    return max(total - links, 0)


def _container(root):
    for name in _CONTAINERS:
        found = root.xpath(f"//*[@id='{name}' or contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")
        found = [el for el in found if _own_text(el) > 50]
        if found:
            return found[0]
    body = root.find("body")
    element = body if body is not None else root
    while True:   # go down while one child holds almost all of the text
        children = [c for c in element if isinstance(c.tag, str)]
        total = _own_text(element)
        best = max(children, key=_own_text, default=None)
        if best is None or total == 0 or _own_text(best) < 0.8 * total:
            return element
        element = best


def _space(text: str) -> str:
    """Source-formatting whitespace folded; a full-width space between words kept (it
    separates a name and a post), one at the start of a line dropped (an indent)."""
    text = re.sub(r"[ \t\r\n\u00a0\u2002]+", " ", text).replace("\u2003", "\u3000")
    return text.strip(" \u3000")


def _alignment(el) -> str | None:
    style = (el.get("style") or "").lower()
    match = re.search(r"text-align\s*:\s*(\w+)", style)
    value = (match.group(1) if match else el.get("align") or "").lower()
    return value if value in ("center", "right", "justify", "left") else None


def _is_data_table(table) -> bool:
    rows = table.findall(".//tr")
    if len(rows) < 2 or table.find(".//table") is not None:
        return False
    return max(len(r.findall("td")) + len(r.findall("th")) for r in rows) >= 2


def _table_rows(table) -> list[list[str]]:
    rows = []
    for tr in table.iter("tr"):
        cells = []
        for cell in tr:
            if isinstance(cell.tag, str) and cell.tag in ("td", "th"):
                cells.append(_cell_text(cell))
                cells.extend([""] * (int(cell.get("colspan") or 1) - 1 if (cell.get("colspan") or "1").isdigit() else 0))
        rows.append(cells)
    return rows


def _cell_text(cell) -> str:
    parts = [_space(p.text_content()) for p in cell.iter("p")] or [_space(cell.text_content())]
    return "".join(p for p in parts if p)


def _lines(container) -> list[str]:
    """The container's blocks as lines: a paragraph a line (a <br> ends one), a data
    table as its rows, a centred short line marked as a heading."""
    lines: list[str] = []
    current: list[str] = []
    centred = [False]

    def flush():
        text = _space("".join(current))
        if text:
            short = len(text) <= 60 and not re.search("[。；]$", text)
            lines.append(f"## {text}" if centred[0] and short else text)
        current.clear()

    def walk(el, inherited_centre: bool):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "table" and _is_data_table(el):
            flush()
            lines.extend(table_lines(_table_rows(el)))
            if el.tail:
                current.append(el.tail)
            return
        block = tag in _BLOCKS
        align = _alignment(el)
        centre = (align == "center") if align else inherited_centre
        if block or tag == "br":
            flush()
            centred[0] = centre
        if tag == "br":
            if el.tail:
                current.append(el.tail)
            return
        if el.text:
            current.append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                walk(child, centre)
        if block:
            flush()
            centred[0] = inherited_centre
        if el.tail:
            current.append(el.tail)

    walk(container, False)
    flush()
    return lines


def _page_title(root, title_tag: str) -> str | None:
    for tag in ("h1", "h2"):
        for el in root.iter(tag):
            text = _space(el.text_content())
            if re.search("[\u4e00-\u9fff]", text) and len(text) <= 100:
                return text
    parts = [p.strip() for p in re.split(r"\s*[-_|｜—]+\s*", title_tag) if p.strip()]
    return max(parts, key=len) if parts else None


def _holds_title(lines: list[str], title: str) -> bool:
    """The container prints the title itself near its top (over one line or several)."""
    return cjk.squeeze(title) in cjk.squeeze("".join(lines).replace("#", ""))
