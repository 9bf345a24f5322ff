"""The text of an export file, part by part: lines of a text file, every XML part of a zip.

A .docx, .xlsx or .qdpx is a zip of XML parts; reading every text node and attribute value of
every part covers cells, sheet names, headers, footers and document properties alike. Sizes
are bounded (``qualcode.limits``); XML is parsed without DTDs or entities (defusedxml).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from qualcode.errors import InvalidInput
from qualcode.i18n import _
from qualcode.limits import MAX_CHECKED_MEMBER, MAX_CHECKED_TEXT, MAX_CHECKED_TOTAL, open_zip
from qualcode.privacy.findings import Part

ZIPPED = (".docx", ".xlsx", ".qdpx", ".odt", ".zip")
XML_ENDINGS = (".xml", ".qde")  # .rels only link parts: nothing of a person
TEXT_ENDINGS = (".txt",)  # a .qdpx keeps each source's text beside project.qde
# Attributes that hold words people wrote (a sheet's name, a title), not markup.
WORDED_ATTRIBUTES = frozenset({"name", "title", "descr", "alt", "tooltip", "display",
                               "description", "plainTextContent"})


def file_parts(path: Path) -> Iterator[Part]:
    """Each part of ``path`` that holds text, named by where it is in the file."""
    if not path.is_file():
        raise InvalidInput(_("{path}: there is no such file.").format(path=path))
    if path.suffix.lower() in ZIPPED:
        yield from _zip_parts(path)
    else:
        yield from _text_parts(path)


def _text_parts(path: Path) -> Iterator[Part]:
    if path.stat().st_size > MAX_CHECKED_TEXT:
        raise InvalidInput(_("{path}: the file is larger than the limit of {limit} MB.")
                           .format(path=path, limit=MAX_CHECKED_TEXT // 2**20))
    try:
        with path.open(encoding="utf-8-sig", errors="strict") as handle:
            for number, line in enumerate(handle, start=1):
                yield Part(path.name, _("line {n}").format(n=number), line.rstrip("\n"))
    except UnicodeDecodeError as exc:
        raise InvalidInput(_("{path}: the file is not UTF-8 text.").format(path=path)) from exc


def _zip_parts(path: Path) -> Iterator[Part]:
    from defusedxml import ElementTree

    with open_zip(path, str(path), max_member=MAX_CHECKED_MEMBER,
                  max_total=MAX_CHECKED_TOTAL) as archive:
        for member in archive.infolist():
            if member.filename.endswith(TEXT_ENDINGS):
                yield from _zipped_text(archive, member, path)
                continue
            if not member.filename.endswith(XML_ENDINGS):
                continue
            try:
                with archive.open(member) as handle:
                    root = ElementTree.parse(handle).getroot()
            except (ElementTree.ParseError, zipfile.BadZipFile, ValueError) as exc:
                raise InvalidInput(_("{path}: the part {part} is not readable XML.")
                                   .format(path=path, part=member.filename)) from exc
            yield from _xml_texts(path.name, member.filename, root)


# A spreadsheet's header and footer hold formatting codes ("&C", "&P", '&"Arial,Bold"').
SHEET_HEADERS = frozenset({"oddHeader", "oddFooter", "evenHeader", "evenFooter",
                           "firstHeader", "firstFooter"})
HEADER_CODES = re.compile(r'&(?:"[^"]*"|\d{1,3}|[A-Za-z&])')


def _zipped_text(archive: zipfile.ZipFile, member: zipfile.ZipInfo, path: Path
                 ) -> Iterator[Part]:
    with archive.open(member) as handle:
        data = handle.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(_("{path}: the part {part} is not UTF-8 text.")
                           .format(path=path, part=member.filename)) from exc
    for number, line in enumerate(text.splitlines(), start=1):
        yield Part(path.name, _("{part}, line {n}").format(part=member.filename, n=number), line)


def _xml_texts(document: str, member: str, root) -> Iterator[Part]:  # type: ignore[no-untyped-def]
    """Text nodes and attribute values; Word splits a paragraph into runs, joined here."""
    for number, element in enumerate(root.iter()):
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in SHEET_HEADERS and element.text:
            yield Part(document, f"{member} #{number} {tag}", HEADER_CODES.sub(" ", element.text))
            continue
        if tag == "p":  # a Word paragraph: its runs' texts as one line
            text = "".join(t.text or "" for t in element.iter() if t.tag.endswith("}t"))
            if text:
                yield Part(document, f"{member} #{number}", text)
            continue
        if element.text and element.text.strip() and not (tag == "t" and _in_paragraph(element)):
            yield Part(document, f"{member} #{number}", element.text)
        for name, value in element.attrib.items():
            if name in WORDED_ATTRIBUTES and any(c.isalpha() for c in value):
                yield Part(document, f"{member} #{number} {name}", value)


def _in_paragraph(element) -> bool:  # type: ignore[no-untyped-def]
    """Word runs (w:t) are read with their paragraph; spreadsheet cells (t) on their own."""
    return element.tag.startswith("{http://schemas.openxmlformats.org/wordprocessingml")
