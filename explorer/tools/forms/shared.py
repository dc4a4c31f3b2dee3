"""What every reader of a form shares: its result, its refusal, the metadata labels and
the rules that make its text the importer's."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ... import cjk


class FormProblem(Exception):
    """A file no reader takes, and why, for the person who added it (at a line of it,
    where the problem has one)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass
class Extracted:
    form: str                   # what the file is, as a person would say it: "PDF", "网页 (HTML)" …
    encoding: str | None        # of a text form; None for PDF and Word
    text: str                   # the importer's intermediate text
    original: bool = True       # keep the file as it came, beside the text (it is not UTF-8 text)
    notes: list[str] = field(default_factory=list)   # what a person should look at


# Metadata labels of the gov.cn policy library and of law databases, and the front
# matter field each gives (None: shown nowhere, but kept out of the body).
METADATA_LABELS = {
    "索引号": "index_number", "主题分类": "topic", "发文机关": "issuer", "发布机关": "issuer",
    "发布部门": "issuer", "制定机关": "issuer", "发布机构": "issuer", "发文单位": "issuer", "制发机关": "issuer",
    "文件编号": "doc_number", "印发日期": "published", "公开日期": "published", "成文日期": "date", "标题": "title", "名称": "title",
    "发文字号": "doc_number", "文号": "doc_number", "发布日期": "published", "公布日期": "published",
    "实施日期": "effective", "施行日期": "effective", "生效日期": "effective",
    "法宝引证码": None, "原文链接": None, "效力级别": None, "时效性": None, "有效性": None,
    "信息来源": None, "来源": None, "公开方式": None, "组配分类": None, "体裁分类": None, "主题词": None,
    "公文种类": None, "信息分类": None, "发布时间": "published",
}
# labels are spaced out to align in print: 标　　题
LABEL_PATTERN = "|".join("[ \u3000]*".join(label) for label in sorted(METADATA_LABELS, key=len, reverse=True))
# 索引号：… (a gov.cn table, flattened) or 【法宝引证码】… (a law database's header)
METADATA_LINE = re.compile(rf"^\s*(?:【(?P<bracketed>{LABEL_PATTERN})】|(?P<plain>{LABEL_PATTERN})\s*[:：])\s*(?P<value>.*?)\s*$")


def metadata_label(match: re.Match) -> str:
    """The label of a METADATA_LINE match, its alignment spaces gone."""
    return re.sub(r"[ \u3000]", "", match["plain"] or match["bracketed"])

_WIDE_SPACES = str.maketrans({"\u2003": "\u3000", "\u2002": " ", "\u2009": " ", "\u00a0": " "})


def normalise(text: str) -> str:
    """One text as the importer wants it whatever its form: LF line ends, an em space
    (&emsp;, how web pages indent) as the full-width space it stands for, and as it reads
    (cjk.visible: NFC, no zero-width characters or stray combining marks)."""
    return cjk.visible(text.replace("\r\n", "\n").replace("\r", "\n").translate(_WIDE_SPACES))


def join_pieces(a: str, b: str) -> str:
    """Two pieces of a line that wrapped: a space only between two Latin words (a number
    wraps anywhere in Chinese print, 200 / 0 is 2000)."""
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return f"{a} {b}"
    return a + b


def table_lines(rows: list[list[str]]) -> list[str]:
    """A table in the intermediate text: a line a row, cells apart by tabs."""
    clean = [[re.sub(r"\s+", " ", c or "").strip() for c in row] for row in rows]
    clean = [row for row in clean if any(row)]
    return ["", *("\t".join(row) for row in clean), ""] if clean else []
