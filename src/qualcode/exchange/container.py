"""The files of a REFI-QDA project: a .qdpx zip archive, or a bare .qde with its folder.

Every size is checked before anything is read (limits below, documented in docs/exchange.md);
XML is parsed without DTDs, entities or network access, with libxml2's default limits (no
text over 10 MB), and nesting deeper than ``MAX_DEPTH`` elements is refused.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from lxml import etree

from qualcode.errors import InvalidInput
from qualcode.i18n import _
from qualcode.limits import MIB, open_zip

MAX_SOURCE = 50 * MIB  # one source text, as for a transcript file
MAX_PROJECT_XML = 1024 * MIB  # project.qde (about 2,000,000 codings)
MAX_ARCHIVE = 4096 * MIB  # everything in a .qdpx together
MAX_CODEBOOK = 50 * MIB  # a .qdc
MAX_DEPTH = 100  # REFI-QDA files nest about 6 deep; only code trees go deeper
MAX_XML_TEXT = 10 * MIB  # one text inside the XML (libxml2's limit without XML_PARSE_HUGE)
MAX_HELD = 256 * MIB  # codebook, notes and inline texts kept while the rest is read
INTERNAL = "internal://"
SOURCE_FOLDERS = ("sources/", "")
# What reading a damaged zip member raises (bad CRC, truncated or corrupt deflate data).
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError)


def _mib(size: int) -> str:
    return f"{size / MIB:,.0f} MB"


def check_size(size: int, limit: int, what: str) -> None:
    if size > limit:
        raise InvalidInput(_("{what} is {size}, more than the limit of {limit}.")
                           .format(what=what, size=_mib(size), limit=_mib(limit)))


def events(stream: IO[bytes], where: str) -> Iterator[tuple[str, etree._Element, int]]:
    """``(event, element, depth)`` for every start and end, refusing DTDs and deep nesting."""
    depth = 0
    parser = etree.iterparse(stream, events=("start", "end"), resolve_entities=False,
                             load_dtd=False, no_network=True, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        for event, element in parser:
            if event == "start":
                if depth == 0:
                    _refuse_dtd(element, where)
                depth += 1
                if depth > MAX_DEPTH:
                    raise InvalidInput(_("{where}: elements nest more than {limit} deep (line "
                                         "{sourceline}).")
                                       .format(where=where, limit=MAX_DEPTH,
                                               sourceline=element.sourceline))
                yield event, element, depth
            else:
                yield event, element, depth
                depth -= 1
    except etree.XMLSyntaxError as exc:
        raise InvalidInput(_("{where}: {problem} (line {lineno}).")
                           .format(where=where, problem=_syntax_problem(str(exc)),
                                   lineno=exc.lineno)) from exc


def _syntax_problem(message: str) -> str:
    """libxml2's own limits (without XML_PARSE_HUGE) in a plain sentence."""
    if "depth" in message.lower():
        return _("elements nest more than {limit} deep").format(limit=MAX_DEPTH)
    if "Resource limit" in message or "huge" in message.lower():
        return _("holds a text, name or attribute longer than {limit}").format(
            limit=_mib(MAX_XML_TEXT))
    return _("is not well-formed XML")


def _refuse_dtd(element: etree._Element, where: str) -> None:
    info = element.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise InvalidInput(_("{where}: declares a DTD (entities), which REFI-QDA files do not "
                             "use; it is refused.").format(where=where))


def parse_tree(stream: IO[bytes], where: str) -> etree._Element:
    """A whole (small) document, parsed as safely as ``events``."""
    root = None
    for event, element, depth in events(stream, where):
        if event == "end" and depth == 1:
            root = element
    if root is None or not isinstance(root.tag, str):
        raise InvalidInput(_("{where}: holds no XML element.").format(where=where))
    return root


def read_text(data: bytes) -> str:
    # PostgreSQL cannot store NUL: it becomes U+FFFD like any bad byte, one character for one,
    # so the selections' positions stay where they were, on either store.
    return data.decode("utf-8-sig", errors="replace").replace("\x00", "\ufffd")


class Container:
    """A .qdpx (zip) or a bare .qde with its folder beside it; the caller closes it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if not path.is_file():
            raise InvalidInput(_("{path}: no such file.").format(path=path))
        if zipfile.is_zipfile(path):
            self._open_zip(path)
        elif path.suffix.lower() == ".qde":
            self.qde = path.name
            self.folder = path.resolve().parent
            check_size(path.stat().st_size, MAX_PROJECT_XML, f"{path}")
        else:
            raise InvalidInput(_("{path}: is not a REFI-QDA project (not a zip archive).")
                               .format(path=path))

    def _open_zip(self, path: Path) -> None:
        try:
            self.zip = open_zip(path, str(path), max_member=MAX_PROJECT_XML,
                                max_total=MAX_ARCHIVE)
        except (*DAMAGED, NotImplementedError, ValueError) as exc:  # open_zip lets these pass
            raise InvalidInput(_("{path}: is not a readable zip archive.")
                               .format(path=path)) from exc
        names = [n for n in self.zip.namelist() if n.lower().endswith(".qde")
                 and "/" not in n.strip("/")]
        if not names:
            self.zip.close()
            raise InvalidInput(_("{path}: has no project file (.qde) inside.").format(path=path))
        self.qde = "project.qde" if "project.qde" in names else sorted(names)[0]
        self.members = {n.lower(): n for n in self.zip.namelist()}

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    @property
    def where(self) -> str:
        return f"{self.path} ({self.qde})" if self.zip else str(self.path)

    @contextmanager
    def project(self) -> Iterator[IO[bytes]]:
        try:
            stream = self.zip.open(self.qde) if self.zip else self.path.open("rb")
        except (*DAMAGED, NotImplementedError, ValueError) as exc:  # ValueError: a bad name
            raise InvalidInput(_("{where}: cannot be read (damaged archive).")
                               .format(where=self.where)) from exc
        with stream:
            try:
                yield stream
            except DAMAGED as exc:
                raise InvalidInput(_("{where}: cannot be read (damaged archive).")
                                   .format(where=self.where)) from exc

    def read_source(self, reference: str, source: str) -> tuple[str | None, str | None]:
        """The text behind a ``plainTextPath`` (None when a bare .qde's folder lacks it), and
        a note when it was found without the ``internal://`` prefix."""
        internal = reference.startswith(INTERNAL)
        name = reference.removeprefix(INTERNAL)
        relative = PurePosixPath(name.replace("\\", "/"))
        if ("://" in name or relative.is_absolute() or ".." in relative.parts
                or name[1:2] == ":" or not name.strip("/")):
            leaves = (_("{path}: the path of source {source!r} leaves the archive; only files "
                        "inside it can be imported.") if self.zip else
                      _("{path}: the path of source {source!r} leaves the folder; only files "
                        "inside it can be imported."))
            raise InvalidInput(leaves.format(path=self.path, source=source))
        data = self._zip_member(relative) if self.zip else self._beside(relative)
        if data is None and self.zip is not None:
            raise InvalidInput(_("{path}: the text of source {source!r} ({name}) is not in the "
                                 "archive.").format(path=self.path, source=source, name=name))
        note = None if internal else (_("source {source!r}: its plainTextPath has no internal:// "
                                        "prefix; read from the file of that name inside the "
                                        "project.").format(source=source))
        return (read_text(data) if data is not None else None), note

    def _zip_member(self, relative: PurePosixPath) -> bytes | None:
        for folder in SOURCE_FOLDERS:
            member = self.members.get(f"{folder}{relative}".lower())
            if member is not None:
                info = self.zip.getinfo(member)  # type: ignore[union-attr]
                check_size(info.file_size, MAX_SOURCE, _("{path}: the source file {member}")
                                                       .format(path=self.path, member=member))
                try:
                    return self.zip.read(member)  # type: ignore[union-attr]
                except (*DAMAGED, NotImplementedError, ValueError) as exc:
                    raise InvalidInput(_("{path}: the source file {member} cannot be read "
                                         "(damaged archive).")
                                       .format(path=self.path, member=member)) from exc
        return None

    def _beside(self, relative: PurePosixPath) -> bytes | None:
        for folder in ("sources", "Sources", ""):
            candidate = (self.folder / folder / relative).resolve()
            if not candidate.is_relative_to(self.folder) or not candidate.is_file():
                continue
            check_size(candidate.stat().st_size, MAX_SOURCE, f"{candidate}")
            try:
                return candidate.read_bytes()
            except OSError as exc:
                raise InvalidInput(_("{candidate}: cannot be read ({strerror}).")
                                   .format(candidate=candidate, strerror=exc.strerror)) from exc
        return None
