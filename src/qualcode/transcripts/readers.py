"""Reading transcript files into paragraphs of plain text.

.docx (body paragraphs only: headers, footers, comments and tables are not
transcript text), .txt and .md (UTF-8 with or without BOM, UTF-16 with BOM,
or Windows-1252, detected and reported), .odt (its text paragraphs) and .rtf
(its text, through striprtf, without table rows).

Every reader checks its limits (``qualcode.limits``) before it reads: the file size of text,
and the members of a .docx or .odt archive, so a zip bomb is refused unread.
"""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml

from qualcode.errors import InvalidInput
from qualcode.i18n import _
from qualcode.limits import (
    MAX_DOCUMENT_MEMBER,
    MAX_DOCUMENT_TOTAL,
    MAX_TRANSCRIPT_BYTES,
    MIB,
    open_zip,
)

SUFFIXES = {".docx", ".txt", ".md", ".odt", ".rtf"}
# Bytes that Windows-1252 leaves undefined: a text containing them is not cp1252.
CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
# Control characters (NUL from an RTF \'00, stray ones in UTF-16) are never transcript text,
# and PostgreSQL cannot store NUL; tabs stay.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class RawTranscript:
    path: Path
    paragraphs: list[str]
    encoding: str


def read_transcript(path: Path) -> RawTranscript:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput(_("{path}: unsupported file type {suffix}; qualcode reads {choices}.")
                           .format(path=path, suffix=suffix or _("(none)"),
                                   choices=", ".join(sorted(SUFFIXES))))
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InvalidInput(_("{path}: cannot be read ({strerror}).")
                           .format(path=path, strerror=exc.strerror)) from exc
    if size > MAX_TRANSCRIPT_BYTES:
        raise InvalidInput(_("{path}: is {size} MB, over the limit of {limit} MB for one "
                             "transcript.")
                           .format(path=path, size=size // MIB,
                                   limit=MAX_TRANSCRIPT_BYTES // MIB))
    if size == 0:
        raise InvalidInput(_("{path}: is empty.").format(path=path))
    if suffix == ".docx":
        paragraphs, encoding = _read_docx(path), "docx"
    elif suffix == ".odt":
        paragraphs, encoding = _read_odt(path), "odt"
    elif suffix == ".rtf":
        paragraphs, encoding = _read_rtf(path)
    else:
        text, encoding = decode_text(path.read_bytes(), path)
        paragraphs = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs = [CONTROLS.sub("", p) for p in paragraphs]
    if not any(p.strip() for p in paragraphs):
        raise InvalidInput(_("{path}: contains no text.").format(path=path))
    return RawTranscript(path, paragraphs, encoding)


def decode_text(raw: bytes, path: Path) -> tuple[str, str]:
    """Decode UTF-8 (BOM or not), UTF-16 with BOM, or Windows-1252; refuse anything else."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return _decode(raw, "utf-8-sig", path), "UTF-8 (with BOM)"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(raw, "utf-16", path), "UTF-16"
    if b"\x00" in raw:
        raise InvalidInput(_("{path}: is a binary file, not text.").format(path=path))
    try:
        text, encoding = raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        if any(b in CP1252_UNDEFINED for b in raw):
            raise InvalidInput(_("{path}: is neither UTF-8 nor Windows-1252 text; save it as "
                                 "UTF-8 and import it again.").format(path=path)) from None
        text, encoding = raw.decode("cp1252"), "Windows-1252"
    if _looks_binary(text):
        raise InvalidInput(_("{path}: is a binary file, not text.").format(path=path))
    return text, encoding


def _decode(raw: bytes, codec: str, path: Path) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise InvalidInput(_("{path}: is not valid {codec} text ({reason}).")
                           .format(path=path, codec=codec, reason=exc.reason)) from exc


def _looks_binary(text: str) -> bool:
    sample = text[:20_000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls > max(5, len(sample) // 100)


def _read_docx(path: Path) -> list[str]:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(path):
        with path.open("rb") as stream:
            head = stream.read(8)
        if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise InvalidInput(_("{path}: is password-protected (encrypted) or an old .doc file; "
                                 "save it as an unprotected .docx.").format(path=path))
        raise InvalidInput(_("{path}: is not a valid .docx file (not a zip archive).")
                           .format(path=path))
    _guard_archive(path).close()  # python-docx opens the file itself, after the check
    try:
        document = Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile,
            ElementTree.ParseError) as exc:
        raise InvalidInput(_("{path}: is a damaged .docx file ({exc}).")
                           .format(path=path, exc=exc)) from exc
    except Exception as exc:  # lxml raises its own errors for broken XML parts
        raise InvalidInput(_("{path}: is a damaged .docx file ({kind}).")
                           .format(path=path, kind=type(exc).__name__)) from exc
    return [paragraph.text for paragraph in document.paragraphs]


ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODF_PARAGRAPHS = {f"{{{ODF_TEXT}}}p", f"{{{ODF_TEXT}}}h"}


def _guard_archive(path: Path) -> zipfile.ZipFile:
    return open_zip(path, str(path), max_member=MAX_DOCUMENT_MEMBER, max_total=MAX_DOCUMENT_TOTAL)


def _read_odt(path: Path) -> list[str]:
    with _guard_archive(path) as archive:
        try:
            content = archive.read("content.xml")
        except (zipfile.BadZipFile, KeyError, EOFError, OSError, zlib.error,
                NotImplementedError, RuntimeError) as exc:  # damaged, odd method, encrypted
            raise InvalidInput(_("{path}: is not a valid .odt file (no readable content.xml).")
                               .format(path=path)) from exc
    try:
        root = parse_xml(content)  # no DTD entities: nothing expands
    except ElementTree.ParseError as exc:
        raise InvalidInput(_("{path}: is not a valid .odt file ({exc}).")
                           .format(path=path, exc=exc)) from exc
    except DefusedXmlException as exc:
        raise InvalidInput(_("{path}: is not a valid .odt file (it declares XML entities, which "
                             "an .odt never needs).").format(path=path)) from exc
    body = root.find(f"{{{ODF_OFFICE}}}body")
    return [_odf_text(p) for p in _odf_paragraphs(body)] if body is not None else []


def _odf_paragraphs(body: ElementTree.Element) -> list[ElementTree.Element]:
    """Paragraphs and headings in document order, skipping tables (no recursion: any depth)."""
    found = []
    stack = list(reversed(body))
    while stack:
        element = stack.pop()
        if element.tag in ODF_PARAGRAPHS:
            found.append(element)
        elif element.tag != f"{{{ODF_TABLE}}}table":
            stack.extend(reversed(element))
    return found


def _odf_text(paragraph: ElementTree.Element) -> str:
    parts: list[str] = []
    # each entry: an element to open, or the tail text left after a closed one
    stack: list[ElementTree.Element | str] = [paragraph]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        is_root = item is paragraph
        if not is_root:
            stack.append(item.tail or "")
        tag = item.tag.split("}")[-1] if isinstance(item.tag, str) else ""
        if is_root or tag not in _ODF_SPECIAL:
            parts.append(item.text or "")
            stack.extend(reversed(item))
        else:
            parts.append(_ODF_SPECIAL[tag](item))
    return "".join(parts)


def _odf_spaces(element: ElementTree.Element) -> str:
    count = element.get(f"{{{ODF_TEXT}}}c", "1")
    return " " * min(int(count), 1000) if count.isdigit() else " "


_ODF_SPECIAL = {"s": _odf_spaces, "tab": lambda _: "\t", "line-break": lambda _: "\n",
                "note": lambda _: "", "annotation": lambda _: ""}


RTF_CODEPAGE = re.compile(rb"\\ansicpg(\d+)")


def _read_rtf(path: Path) -> tuple[list[str], str]:
    from striprtf.striprtf import rtf_to_text

    raw = path.read_bytes()
    if not raw.lstrip().startswith(b"{\\rtf"):
        raise InvalidInput(_("{path}: is not an RTF file (it does not begin with {{\\rtf).")
                           .format(path=path))
    found = RTF_CODEPAGE.search(raw[:8192])
    encoding = f"cp{int(found.group(1))}" if found else "cp1252"
    try:
        codecs.lookup(encoding)
        text = rtf_to_text(raw.decode(encoding), encoding=encoding, errors="strict")
    except LookupError:
        raise InvalidInput(_("{path}: uses the code page {encoding}, which qualcode does not "
                             "know; save it as .docx.")
                           .format(path=path, encoding=encoding)) from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(_("{path}: has characters that are not valid in its code page "
                             "{encoding} ({reason}).")
                           .format(path=path, encoding=encoding, reason=exc.reason)) from exc
    # RTF writes characters beyond the BMP (emoji) as two \u surrogates: pair them up.
    text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    # striprtf ends each table row with "|"; tables are not transcript text.
    lines = [line for line in text.replace("\r\n", "\n").split("\n")
             if not line.endswith("|")]
    return lines, f"RTF ({encoding})"
