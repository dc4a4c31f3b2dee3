"""Documents as they arrive -> the plain text the importer reads.

A maintainer's next document is a page saved from a government website, a PDF, a Word
file, a text in GB18030 or UTF-16, an export from a law database. Each form is read with
a library made for it (lxml, pdfplumber, python-docx, charset-normalizer) and written as
the importer's one intermediate text, so every rule of the importer applies to every form:

- one line per paragraph, in reading order; running heads, page numbers and page chrome
  are gone, lines wrapped at the page width are joined again;
- a line the original centres (a masthead, a title, a chapter) starts with `## `;
- a table is its rows, cells apart by tabs, the first row its head;
- metadata the original states apart from the text (a gov.cn metadata table: 索引号,
  主题分类, 发文机关 …) comes first, a line `label：value` each.

`read_document` says which form and encoding it found; what it cannot read (a scan, an
encrypted PDF, an old .doc) is a `FormProblem` whose message says what to do instead.
"""
from __future__ import annotations

import re
import zipfile
from io import BytesIO

from . import html, pdf, text, word
from .shared import METADATA_LABELS, METADATA_LINE, Extracted, FormProblem

__all__ = ["METADATA_LABELS", "METADATA_LINE", "Extracted", "FormProblem", "read_document"]


def read_document(data: bytes, name: str) -> Extracted:
    """The file's form, found from its bytes (its name only breaks a tie), read."""
    head = data[:1024]
    if b"%PDF-" in head:
        return pdf.read(data)
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            raise FormProblem("a damaged ZIP file (a .docx cut short?): save the document again and add that") from None
        if "word/document.xml" in names:
            return word.read(data)
        raise FormProblem("a ZIP archive that is not a Word .docx: unpack it and add the documents in it")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FormProblem("a Word 97–2003 .doc (or another old Office file): open it and save it as .docx, "
                          "then add that")
    if data.startswith(b"{\\rtf"):
        raise FormProblem("an RTF file: open it and save it as .docx, then add that")
    for magic, kind in ((b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"II*\x00", "TIFF"),
                        (b"MM\x00*", "TIFF")):
        if data.startswith(magic):
            raise FormProblem(f"a {kind} image (a scan?): there is no text to read; add its text or a PDF "
                              "with a text layer")
    if re.search(rb"^MIME-Version:", data[:4096], re.I | re.M) and b"multipart/related" in data[:4096]:
        return html.read_mhtml(data)
    decoded, encoding = text.decode(data)
    if html.looks_like_html(decoded, name):
        return html.read(data, decoded, encoding)
    return text.read(decoded, encoding, name)
