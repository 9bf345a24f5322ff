"""Reading a REFI-QDA project (.qdpx, or a bare .qde) into compact, checked records.

project.qde is streamed: each source's selections become integer arrays and each element is
dropped once read, so memory grows with the number of codings by a few dozen bytes each, not
with the XML. The source texts are read once here (to check them and to see how positions are
counted) and again when they are written, one at a time.

Real exports differ from the standard and are accepted: ``sources/`` or ``Sources/``, a .qde
not named ``project.qde``, both ``plainTextPath`` and ``richTextPath`` on a source, GUIDs in
braces or lower case, empty placeholder files, a ``plainTextPath`` without ``internal://``.
"""

from __future__ import annotations

import unicodedata
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from lxml import etree

from qualcode.errors import InvalidInput
from qualcode.exchange.container import MAX_HELD, MAX_SOURCE, Container, check_size, events
from qualcode.exchange.positions import Evidence, PlainText
from qualcode.exchange.refi import ANCHOR
from qualcode.i18n import _
from qualcode.limits import MIB

TEXT_TYPES = {"Text": "text", "Integer": "integer", "Float": "float", "Date": "date",
              "DateTime": "text", "Boolean": "boolean"}
OTHER_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")
MAX_POSITION = 2**40
NAME_LIMITS = {"code": 255, "source": 255, "user": 100, "variable": 100}


@dataclass
class CodeIn:
    guid: str
    name: str
    parent: str | None
    colour: str | None
    definition: str | None
    anchor: str | None
    note: str | None = None  # the GUID of its Note


@dataclass
class Selections:
    """One row per coding of a selection: positions as written, and interned references."""

    starts: array = field(default_factory=lambda: array("q"))
    ends: array = field(default_factory=lambda: array("q"))
    codes: array = field(default_factory=lambda: array("q"))
    users: array = field(default_factory=lambda: array("q"))
    notes: array = field(default_factory=lambda: array("q"))
    lines: array = field(default_factory=lambda: array("q"))

    def column(self, name: str) -> np.ndarray:
        return np.frombuffer(getattr(self, name), dtype=np.int64) if len(self.starts) else \
            np.zeros(0, dtype=np.int64)


@dataclass
class SourceIn:
    guid: str
    name: str
    line: int
    reference: str | None = None
    inline: str | None = None
    selections: Selections = field(default_factory=Selections)
    whole: list[tuple[int, int]] = field(default_factory=list)  # (code, user) on all of it
    variables: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    note: str | None = None


@dataclass
class Project:
    origin: str = ""
    users: dict[str, str] = field(default_factory=dict)
    codes: list[CodeIn] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    sources: list[SourceIn] = field(default_factory=list)
    project_notes: list[str] = field(default_factory=list)
    variables: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Interned GUIDs: selections store their index.
    code_refs: dict[str, int] = field(default_factory=dict)
    user_refs: dict[str, int] = field(default_factory=dict)
    note_refs: dict[str, int] = field(default_factory=dict)
    evidence: Evidence = field(default_factory=Evidence)
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if local(c) == name]


def child(element: etree._Element, name: str) -> etree._Element | None:
    found = children(element, name)
    return found[0] if found else None


def norm_guid(value: str | None) -> str | None:
    return value.strip().strip("{}").upper() if value else None


def intern(table: dict[str, int], value: str | None) -> int:
    key = norm_guid(value)
    if not key:
        return -1
    return table.setdefault(key, len(table))


def checked_name(value: str | None, kind: str, where: str, line: int | None) -> str:
    name = (value or "").strip() or "?"
    if len(name) > NAME_LIMITS[kind]:
        raise InvalidInput(_("{where}: the name of the {kind} on line {line} is longer than "
                             "{limit} characters.")
                           .format(where=where, kind=kind, line=line, limit=NAME_LIMITS[kind]))
    return name


def read_project(path: Path) -> tuple[Project, Container]:
    """Everything of the project but the source texts; the caller closes the container."""
    container = Container(path)
    try:
        reader = _Reader(container)
        with container.project() as stream:
            reader.run(stream)
        reader.check_references()
    except BaseException:
        container.close()
        raise
    return reader.project, container


def source_text(container: Container, source: SourceIn) -> str:
    if source.inline is not None:
        return source.inline
    text, _where = container.read_source(source.reference or "", source.name)
    if text is None:  # it was there when the project was read
        raise InvalidInput(_("{path}: the text of source {name!r} has gone.")
                           .format(path=container.path, name=source.name))
    return text


class _Reader:
    def __init__(self, container: Container) -> None:
        self.container = container
        self.where = container.where
        self.project = Project()
        self.source: SourceIn | None = None
        self.section = ""  # the child of Project being read
        self.held = 0  # characters of text kept until the end (codebook, notes, inline texts)

    def run(self, stream) -> None:  # type: ignore[no-untyped-def]
        for event, element, depth in events(stream, self.where):
            if event == "start":
                self._start(element, depth)
            else:
                self._end(element, depth)

    def _start(self, element: etree._Element, depth: int) -> None:
        if depth == 1:
            if local(element) != "Project":
                raise InvalidInput(_("{where}: is not a REFI-QDA project (no Project element).")
                                   .format(where=self.where))
            self.project.origin = (element.get("origin") or "").strip()[:200]
        elif depth == 2:
            self.section = local(element)
        elif depth == 3 and local(element) == "TextSource" and _parent_is(element, "Sources"):
            line = element.sourceline or 0
            self.source = SourceIn(
                norm_guid(element.get("guid")) or "",
                checked_name(element.get("name") or element.get("guid"), "source",
                             self.where, line), line)

    def _end(self, element: etree._Element, depth: int) -> None:
        if self.section in ("CodeBook", "Notes") or local(element) == "PlainTextContent":
            self._hold(element)
        parent = element.getparent()
        holder = local(parent) if parent is not None else ""
        if depth == 4 and self.source is not None and holder == "TextSource":
            self._in_source(element, self.source)
            _drop(element)
        elif depth == 3 and holder != "CodeBook":
            self._item(holder, element)
            _drop(element)
        elif depth == 2:
            if local(element) == "CodeBook":
                codes = child(element, "Codes")
                self.project.codes = _codes(codes, None, self.where) if codes is not None else []
            elif local(element) == "NoteRef":
                self.project.project_notes.append(norm_guid(element.get("targetGUID")) or "")
            _drop(element)

    def _hold(self, element: etree._Element) -> None:
        self.held += len(element.text or "") + sum(len(v) for v in element.attrib.values())
        if self.held > MAX_HELD:
            raise InvalidInput(_("{where}: its codebook, notes and inline texts hold more than "
                                 "{limit} MB, the limit.")
                               .format(where=self.where, limit=MAX_HELD // MIB))

    def _item(self, holder: str, element: etree._Element) -> None:
        kind, line = local(element), element.sourceline
        project = self.project
        if holder == "Users" and kind == "User":
            project.users[norm_guid(element.get("guid")) or ""] = checked_name(
                element.get("name"), "user", self.where, line)
        elif holder == "Variables" and kind == "Variable":
            project.variables[norm_guid(element.get("guid")) or ""] = (
                checked_name(element.get("name"), "variable", self.where, line),
                TEXT_TYPES.get(element.get("typeOfVariable") or "", "text"))
        elif holder == "Notes" and kind == "Note":
            content = child(element, "PlainTextContent")
            text = content.text or "" if content is not None else ""
            project.notes[norm_guid(element.get("guid")) or ""] = text
        elif holder == "Sources" and kind in OTHER_SOURCES:
            project.warnings.append(_("{kind} {name!r} skipped: qualcode codes text only.")
                                    .format(kind=kind, name=element.get("name")))
        elif holder == "Sources" and kind == "TextSource" and self.source is not None:
            self._finish_source(element, self.source)
            self.source = None

    def _in_source(self, element: etree._Element, source: SourceIn) -> None:
        kind = local(element)
        if kind == "PlainTextSelection":
            self._selection(element, source)
        elif kind == "Coding":  # a code on the whole source
            source.whole.append((self._code_ref(element), intern(
                self.project.user_refs, element.get("creatingUser"))))
        elif kind == "VariableValue":
            self._variable_value(element, source)
        elif kind == "NoteRef":
            source.note = norm_guid(element.get("targetGUID"))
        elif kind == "PlainTextContent":
            check_size(len(element.text or ""), MAX_SOURCE,
                       _("{where}: the text of source {name!r}")
                       .format(where=self.where, name=source.name))
            source.inline = element.text or ""

    def _selection(self, element: etree._Element, source: SourceIn) -> None:
        line = element.sourceline or 0
        start, end = (self._position(element, name, line, source)
                      for name in ("startPosition", "endPosition"))
        note_ref = child(element, "NoteRef")
        note = intern(self.project.note_refs, note_ref.get("targetGUID")) \
            if note_ref is not None else -1
        rows = source.selections
        for coding in children(element, "Coding"):
            user = coding.get("creatingUser") or element.get("creatingUser")
            rows.starts.append(start)
            rows.ends.append(end)
            rows.codes.append(self._code_ref(coding))
            rows.users.append(intern(self.project.user_refs, user))
            rows.notes.append(note)
            rows.lines.append(line)

    def _position(self, element: etree._Element, name: str, line: int,
                  source: SourceIn) -> int:
        selection = norm_guid(element.get("guid")) or _("without GUID")
        try:
            value = int((element.get(name) or "").strip())
        except ValueError:
            raise InvalidInput(_("{where}: the selection {selection} on line {line} has no "
                                 "whole-number {name}.")
                               .format(where=self.where, selection=selection, line=line,
                                       name=name)) from None
        if not 0 <= value <= MAX_POSITION:
            raise InvalidInput(_("{where}: the selection {selection} on line {line} lies outside "
                                 "the text of {name!r}.")
                               .format(where=self.where, selection=selection, line=line,
                                       name=source.name))
        return value

    def _code_ref(self, coding: etree._Element) -> int:
        ref = child(coding, "CodeRef")
        index = intern(self.project.code_refs, ref.get("targetGUID") if ref is not None else None)
        if index < 0:
            raise InvalidInput(_("{where}: the coding on line {sourceline} names no code (no "
                                 "CodeRef with a targetGUID).")
                               .format(where=self.where, sourceline=coding.sourceline))
        return index

    def _variable_value(self, element: etree._Element, source: SourceIn) -> None:
        ref = child(element, "VariableRef")
        var = self.project.variables.get(norm_guid(ref.get("targetGUID")) or "" if ref is not None
                                         else "")
        if var is None:
            raise InvalidInput(_("{where}: source {name!r} has a value of an unknown variable "
                                 "(line {sourceline}).")
                               .format(where=self.where, name=source.name,
                                       sourceline=element.sourceline))
        held = [c for c in element if local(c).endswith("Value")]
        source.variables[var[0]] = (var[1], held[0].text if held else None)

    def _finish_source(self, element: etree._Element, source: SourceIn) -> None:
        reference = element.get("plainTextPath")
        if source.inline is None and not reference:
            raise InvalidInput(_("{where}: source {name!r} has no plain text.")
                               .format(where=self.where, name=source.name))
        source.reference = reference
        text, notice = (source.inline, None) if source.inline is not None else \
            self.container.read_source(reference or "", source.name)
        if text is None:
            self.project.warnings.append(
                _("TextSource {name!r} skipped: its text file is neither in a sources folder "
                  "beside the .qde nor at its path relative to it.").format(name=source.name))
            return
        if notice:
            self.project.notices.append(notice)
        if not unicodedata.is_normalized("NFC", text.replace("\r", "\n")):
            raise InvalidInput(_("{path}: the text of source {name!r} is not in Unicode NFC, so "
                                 "its positions cannot be kept.")
                               .format(path=self.container.path, name=source.name))
        rows = source.selections
        self.project.evidence.add(PlainText(text), rows.column("starts"), rows.column("ends"))
        self.project.sources.append(source)

    def check_references(self) -> None:
        known = {c.guid for c in self.project.codes}
        for guid in self.project.code_refs:
            if guid not in known:
                raise InvalidInput(_("{where}: a coding refers to the code {guid}, which the "
                                     "codebook does not have.").format(where=self.where, guid=guid))


def _parent_is(element: etree._Element, name: str) -> bool:
    parent = element.getparent()
    return parent is not None and local(parent) == name


def _drop(element: etree._Element) -> None:
    """Free what was read: the element's content and the siblings before it."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _codes(element: etree._Element, parent: str | None, where: str) -> list[CodeIn]:
    found: list[CodeIn] = []
    for code in children(element, "Code"):
        description = child(code, "Description")
        text = description.text or "" if description is not None else ""
        definition, _sep, anchor = text.partition("\n\n" + ANCHOR)
        note_ref = child(code, "NoteRef")
        item = CodeIn(norm_guid(code.get("guid")) or f"(line {code.sourceline})",
                      checked_name(code.get("name"), "code", where, code.sourceline),
                      parent, code.get("color"), definition.strip() or None,
                      anchor.strip() or None,
                      norm_guid(note_ref.get("targetGUID")) if note_ref is not None else None)
        found.append(item)
        found += _codes(code, item.guid, where)
    return found


def codebook_codes(root: etree._Element, where: str) -> list[CodeIn]:
    codes = child(root, "Codes")
    return _codes(codes, None, where) if codes is not None else []
