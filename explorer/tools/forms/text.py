"""Plain text in whatever encoding it was saved in: UTF-8, GB18030 (what most Chinese
Windows tools still write), UTF-16 with or without a BOM, Big5."""
from __future__ import annotations

import codecs
import re

from .shared import Extracted, FormProblem, normalise

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# what a Chinese text can be in; GB2312 and GBK are read as GB18030, their superset
CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16_le", "utf_16_be"]
NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16 with BOM", "utf-32": "UTF-32 with BOM",
         "gb18030": "GB18030", "big5": "Big5", "utf_16_le": "UTF-16LE (no BOM)", "utf_16_be": "UTF-16BE (no BOM)"}


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: a BOM decides, then strict UTF-8, then
    charset-normalizer among the encodings Chinese texts are saved in."""
    if not data.strip():
        raise FormProblem("the file is empty")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec).removeprefix("\ufeff"), NAMES[codec]
            except UnicodeDecodeError as exc:
                raise FormProblem(f"starts with a {NAMES[codec]} mark but is not {NAMES[codec]} "
                                  f"(offset {exc.start})") from None
    try:
        return data.decode("utf-8"), NAMES["utf-8"]
    except UnicodeDecodeError as exc:
        not_utf8 = exc
    import charset_normalizer
    best = charset_normalizer.from_bytes(data, cp_isolation=CANDIDATES).best()
    if best is None or not re.search("[\u4e00-\u9fff]", str(best)):
        if _reads_as_gb(data):   # too short a text for the detector to be sure
            return data.decode("gb18030"), NAMES["gb18030"]
        start = not_utf8.start
        raise FormProblem(f"invalid UTF-8 (byte 0x{data[start]:02x} at offset {start}), and not GB18030, Big5 or "
                          "UTF-16 either: save the text again as UTF-8, or add the document as PDF or .docx",
                          data[:start].count(b"\n") + 1)
    codec = "gb18030" if best.encoding in ("gb2312", "gbk", "hz", "gb18030") else best.encoding
    try:
        return data.decode(codec), NAMES.get(codec, codec)
    except UnicodeDecodeError as exc:
        raise FormProblem(f"mostly {NAMES.get(codec, codec)}, but byte 0x{data[exc.start]:02x} at offset "
                          f"{exc.start} is not; save it again as UTF-8") from None


def _reads_as_gb(data: bytes) -> bool:
    """GB18030 that reads as Chinese: nine in ten of its characters past ASCII are in
    GB2312, the common set (bytes of another kind decode, if at all, to rare ones)."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    wide = [ch for ch in text if ord(ch) > 0x7f]
    common = sum(1 for ch in wide if _in_gb2312(ch))
    return bool(wide) and common >= 0.9 * len(wide)


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


_LAW_DATABASE = re.compile(r"^【法宝引证码】|^原文链接[:：]", re.M)
_LAW_COLLECTION = re.compile(r"<!--\s*INFO END\s*-->")


def read(text: str, encoding: str, name: str) -> Extracted:
    if "\x00" in text:
        raise FormProblem("a binary file (NUL bytes in its text): add a PDF, a .docx, a web page or a text")
    clean = normalise(text)
    if _LAW_DATABASE.search(clean[:4000]):
        form = "法律数据库导出 (text)"
    elif _LAW_COLLECTION.search(clean) or name.lower().endswith(".md"):
        form = "Markdown"
    else:
        form = "text"
    # UTF-8 is kept as it is (the importer reads it as it reads every source); a text in
    # another encoding is kept beside the UTF-8 text read from it
    utf8 = encoding in (NAMES["utf-8"], NAMES["utf-8-sig"])
    return Extracted(form, encoding, text if utf8 else clean, original=not utf8)
