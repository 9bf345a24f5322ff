"""Reading REFI-QDA projects (.qdpx, or a bare .qde) and codebooks (.qdc).

Real exports differ from the standard and are accepted: ``sources/`` or ``Sources/``, a .qde
not named ``project.qde``, both ``plainTextPath`` and ``richTextPath`` on a source, GUIDs in
braces or lower case, empty placeholder files. Everything is read and checked first; one
transaction then writes it, so a bad archive imports nothing.
"""

from __future__ import annotations

import bisect
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree
from sqlalchemy import insert, select

from qualcode.errors import InvalidInput
from qualcode.exchange.refi import ANCHOR, guid
from qualcode.models import Code, Coding, Document, Memo, utcnow
from qualcode.progress import Progress, counted
from qualcode.services.lookup import code_paths, current_version, find_coder
from qualcode.store import Store

TEXT_TYPES = {"Text": "text", "Integer": "integer", "Float": "float", "Date": "date",
              "DateTime": "text", "Boolean": "boolean"}
OTHER_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


@dataclass
class CodeIn:
    guid: str
    name: str
    parent: str | None
    colour: str | None
    definition: str | None
    anchor: str | None
    note: str | None = None


@dataclass
class CodingIn:
    start: int
    end: int
    code: str
    user: str | None
    note: str | None


@dataclass
class SourceIn:
    guid: str
    name: str
    text: str
    codings: list[CodingIn] = field(default_factory=list)
    variables: list[tuple[str, str, str | None]] = field(default_factory=list)
    note: str | None = None


@dataclass
class ExchangeReport:
    sources: int = 0
    sources_merged: int = 0
    codes: int = 0
    codes_merged: int = 0
    codings: int = 0
    coders: list[str] = field(default_factory=list)
    memos: int = 0
    warnings: list[str] = field(default_factory=list)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str) and _local(c) == name]


def _child(element: etree._Element, name: str) -> etree._Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _items(root: etree._Element, holder: str, item: str) -> list[etree._Element]:
    """``<Users><User/>…</Users>``: the items, or none when the holder is absent."""
    found = _child(root, holder)
    return _children(found, item) if found is not None else []


def _norm_guid(value: str | None) -> str | None:
    return value.strip("{}").upper() if value else None


def _parse_xml(data: bytes, where: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidInput(f"{where}: is not well-formed XML ({exc}).") from exc


# -- reading ---------------------------------------------------------------------------------


class _Archive:
    """A .qdpx (zip) or a bare .qde with its folder beside it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if not path.is_file():
            raise InvalidInput(f"{path}: no such file.")
        if zipfile.is_zipfile(path):
            self.zip = zipfile.ZipFile(path)
            names = [n for n in self.zip.namelist() if n.lower().endswith(".qde")
                     and "/" not in n.strip("/")]
            if not names:
                raise InvalidInput(f"{path}: has no project file (.qde) inside.")
            self.qde = "project.qde" if "project.qde" in names else sorted(names)[0]
            self.members = {n.lower(): n for n in self.zip.namelist()}
        elif path.suffix.lower() == ".qde":
            self.qde = path.name
        else:
            raise InvalidInput(f"{path}: is not a REFI-QDA project (not a zip archive).")

    def project(self) -> etree._Element:
        data = self.zip.read(self.qde) if self.zip else self.path.read_bytes()
        return _parse_xml(data, f"{self.path} ({self.qde})")

    def read_source(self, reference: str, source: str) -> str:
        """The text behind ``internal://name`` (in sources/ or Sources/)."""
        if not reference.startswith("internal://"):
            raise InvalidInput(f"{self.path}: source {source!r} refers to {reference!r} outside "
                               "the archive; only internal sources can be imported.")
        name = reference.removeprefix("internal://")
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or "\\" in name:
            raise InvalidInput(f"{self.path}: the path {reference!r} of source {source!r} "
                               "leaves the archive.")
        member = self.members.get(f"sources/{name}".lower())
        if member is None:
            raise InvalidInput(f"{self.path}: the text of source {source!r} ({name}) is not "
                               "in the archive.")
        return self.zip.read(member).decode("utf-8-sig", errors="replace")


def _codes(element: etree._Element | None, parent: str | None = None,
           notes: dict[str | None, str] | None = None) -> list[CodeIn]:
    found: list[CodeIn] = []
    if element is None:
        return found
    for code in _children(element, "Code"):
        description = _child(code, "Description")
        text = description.text or "" if description is not None else ""
        definition, _, anchor = text.partition("\n\n" + ANCHOR)
        note_ref = _child(code, "NoteRef")
        note = (notes or {}).get(_norm_guid(note_ref.get("targetGUID"))) \
            if note_ref is not None else None
        item = CodeIn(_norm_guid(code.get("guid")) or "", code.get("name") or "?", parent,
                      code.get("color"), definition.strip() or None, anchor.strip() or None,
                      note)
        found.append(item)
        found += _codes(code, item.guid, notes)
    return found


def _normalised(text: str) -> tuple[str, list[int]]:
    """Text with \\n line endings, and the offsets of the removed \\r characters."""
    removed = [i for i, ch in enumerate(text) if ch == "\r" and text[i + 1:i + 2] == "\n"]
    cleaned = text.replace("\r\n", "\n").replace("\r", "\n")
    return cleaned, removed


def read_project(path: Path) -> tuple[dict[str, str], list[CodeIn], list[SourceIn],
                                       dict[str, str], list[str], list[str]]:
    """Users, codes, text sources, notes, project notes, warnings; every reference checked."""
    archive = _Archive(path)
    root = archive.project()
    users = {_norm_guid(u.get("guid")): u.get("name") or "?"
             for u in _items(root, "Users", "User")}
    notes = {}
    for note in _items(root, "Notes", "Note"):
        content = _child(note, "PlainTextContent")
        notes[_norm_guid(note.get("guid"))] = content.text or "" if content is not None else ""
    book = _child(root, "CodeBook")
    codes = _codes(_child(book, "Codes") if book is not None else None, None, notes)
    known = {c.guid for c in codes}
    variables = {_norm_guid(v.get("guid")): (v.get("name") or "?",
                                             TEXT_TYPES.get(v.get("typeOfVariable") or "",
                                                            "text"))
                 for v in _items(root, "Variables", "Variable")}
    warnings, sources = [], []
    holder = _child(root, "Sources")
    for element in list(holder) if holder is not None else []:
        if not isinstance(element.tag, str):
            continue
        kind = _local(element)
        if kind in OTHER_SOURCES:
            warnings.append(f"{kind} {element.get('name')!r} skipped: qualcode codes text only.")
            continue
        if kind == "TextSource":
            if archive.zip is None and content_missing(element):
                warnings.append(f"TextSource {element.get('name')!r} skipped: its text file is "
                                "not beside a bare .qde (import the .qdpx archive instead).")
                continue
            sources.append(_text_source(archive, element, known, variables, notes))
    project_notes = [notes.get(_norm_guid(r.get("targetGUID")), "")
                     for r in _children(root, "NoteRef")]
    return users, codes, sources, notes, project_notes, warnings


def content_missing(element: etree._Element) -> bool:
    return _child(element, "PlainTextContent") is None


def _text_source(archive: _Archive, element: etree._Element, known: set[str],
                 variables: dict, notes: dict) -> SourceIn:  # type: ignore[type-arg]
    name = element.get("name") or element.get("guid") or "?"
    content = _child(element, "PlainTextContent")
    if content is not None:
        raw = content.text or ""
    elif element.get("plainTextPath"):
        raw = archive.read_source(element.get("plainTextPath"), name)
    else:
        raise InvalidInput(f"{archive.path}: source {name!r} has no plain text.")
    text, removed = _normalised(raw)
    if unicodedata.normalize("NFC", text) != text:
        raise InvalidInput(f"{archive.path}: the text of source {name!r} is not in Unicode NFC, "
                           "so its positions cannot be kept.")
    source = SourceIn(_norm_guid(element.get("guid")) or "", name, text)

    def place(offset: int) -> int:
        return offset - bisect.bisect_left(removed, offset)

    for selection in _children(element, "PlainTextSelection"):
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        if not 0 <= start < end <= len(raw):
            raise InvalidInput(f"{archive.path}: selection {selection.get('guid')} "
                               f"[{start}, {end}) lies outside the text of {name!r} "
                               f"(0 to {len(raw)}).")
        note_ref = _child(selection, "NoteRef")
        note = notes.get(_norm_guid(note_ref.get("targetGUID"))) if note_ref is not None else None
        for coding in _children(selection, "Coding"):
            source.codings.append(_coding(archive, coding, known, place(start), place(end),
                                          selection.get("creatingUser"), note))
    for coding in _children(element, "Coding"):  # a code on the whole source
        source.codings.append(_coding(archive, coding, known, 0, len(text), None, None))
    for value in _children(element, "VariableValue"):
        ref = _child(value, "VariableRef")
        var = variables.get(_norm_guid(ref.get("targetGUID")) if ref is not None else None)
        if var is None:
            raise InvalidInput(f"{archive.path}: source {name!r} has a value of an unknown "
                               "variable.")
        held = [c for c in value if isinstance(c.tag, str) and _local(c).endswith("Value")]
        source.variables.append((var[0], var[1], held[0].text if held else None))
    note_ref = _child(element, "NoteRef")
    if note_ref is not None:
        source.note = notes.get(_norm_guid(note_ref.get("targetGUID")))
    return source


def _coding(archive: _Archive, element: etree._Element, known: set[str], start: int, end: int,
            user: str | None, note: str | None) -> CodingIn:
    ref = _child(element, "CodeRef")
    target = _norm_guid(ref.get("targetGUID")) if ref is not None else None
    if target not in known:
        raise InvalidInput(f"{archive.path}: a coding refers to the code {target}, which the "
                           "codebook does not have.")
    return CodingIn(start, end, target, _norm_guid(element.get("creatingUser") or user), note)


# -- writing ---------------------------------------------------------------------------------


def import_project(store: Store, path: Path, progress: Progress | None = None) -> ExchangeReport:
    users, codes, sources, _, project_notes, warnings = read_project(path)
    report = ExchangeReport(warnings=list(warnings))
    with store.write() as session:
        code_ids = _write_codes(session, codes, report)
        coder_ids: dict[str | None, int] = {}
        for user_guid, name in users.items():
            coder_ids[user_guid] = find_coder(session, name, create=True).id
        fallback = None
        for source in counted(sources, len(sources), "importing sources", progress, every=1):
            version_id = _write_source(session, source, report)
            have = set(session.execute(select(Coding.code_id, Coding.coder_id, Coding.start,
                                              Coding.end).where(Coding.version_id == version_id)))
            rows = []
            for coding in source.codings:
                coder_id = coder_ids.get(coding.user)
                if coder_id is None:
                    fallback = fallback or find_coder(session, "imported", create=True).id
                    coder_id = fallback
                key = (code_ids[coding.code], coder_id, coding.start, coding.end)
                if key in have:  # the store had this coding before (a merged source)
                    continue
                now = utcnow()
                rows.append({"version_id": version_id, "code_id": code_ids[coding.code],
                             "coder_id": coder_id, "start": coding.start, "end": coding.end,
                             "text": source.text[coding.start:coding.end], "memo": coding.note,
                             "is_voice": False, "anchor_status": "ok", "created_at": now,
                             "modified_at": now})
            if rows:
                session.execute(insert(Coding.__table__), rows)
            report.codings += len(rows)
        for text in project_notes:
            session.add(Memo(target="project", target_id=None, text=text))
            report.memos += 1
        report.coders = sorted(users.values())
    return report


def _write_codes(session, codes: list[CodeIn], report: ExchangeReport) -> dict[str, int]:  # type: ignore[no-untyped-def]
    paths = code_paths(session)
    ours = {guid("code", p): cid for cid, p in paths.items()}
    by_path = {p: cid for cid, p in paths.items()}
    ids: dict[str, int] = {}
    path_of: dict[str, str] = {}
    for code in codes:  # parents come before their children
        path = code.name if code.parent is None else f"{path_of[code.parent]}/{code.name}"
        path = path.replace("\\", "/")
        path_of[code.guid] = path
        existing = ours.get(code.guid) or by_path.get(path)
        if existing is not None:
            ids[code.guid] = existing
            report.codes_merged += 1
            continue
        row = _new_code(session, code, ids)
        ids[code.guid] = row.id
        report.codes += 1
        if code.note:
            session.add(Memo(target="code", target_id=row.id, text=code.note))
            report.memos += 1
    return ids


def _new_code(session, code: CodeIn, ids: dict[str, int]) -> Code:  # type: ignore[no-untyped-def]
    row = Code(name=code.name.replace("/", "∕"), definition=code.definition,
               anchor_example=code.anchor, colour=_colour(code.colour),
               parent_id=ids.get(code.parent) if code.parent else None)
    session.add(row)
    session.flush()
    return row


def _colour(value: str | None) -> str | None:
    if not value or not value.startswith("#"):
        return None
    if len(value) == 4:
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return value.upper() if len(value) == 7 else None


def _write_source(session, source: SourceIn, report: ExchangeReport) -> int:  # type: ignore[no-untyped-def]
    from qualcode.services.documents import VariableValue
    from qualcode.services.importing import Prepared, store_document
    from qualcode.transcripts.manifest import ManifestEntry
    from qualcode.transcripts.nlp import analyse
    from qualcode.transcripts.turns import TIME_MARK, split_turns

    existing = session.scalar(select(Document).where(Document.name == source.name))
    if existing is not None:
        version = current_version(session, existing.id)
        if version.text != source.text:
            raise InvalidInput(f"A document {source.name!r} exists already with another text; "
                               "rename one of them first.")
        report.sources_merged += 1
        return version.id
    transcript = split_turns(source.text.split("\n"))
    texts = [TIME_MARK.sub(lambda m: " " * len(m.group()), transcript.text[t.start:t.end])
             for t in transcript.turns]
    entry = ManifestEntry(file=source.name, name=source.name, variables=[
        VariableValue(name, value, kind) for name, kind, value in source.variables])
    prepared = Prepared(Path(source.name), source.name, "REFI-QDA", transcript, analyse(texts),
                        entry)
    store_document(session, prepared, actor="import")
    document = session.scalar(select(Document).where(Document.name == source.name))
    if source.note:
        session.add(Memo(target="document", target_id=document.id, text=source.note))
        report.memos += 1
    report.sources += 1
    return current_version(session, document.id).id


# -- codebooks ---------------------------------------------------------------------------------


def import_codebook(store: Store, path: Path) -> ExchangeReport:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror}).") from exc
    root = _parse_xml(data, str(path))
    if _local(root) != "CodeBook":
        raise InvalidInput(f"{path}: is not a REFI-QDA codebook (no CodeBook element).")
    report = ExchangeReport()
    sets = _child(root, "Sets")
    if sets is not None and not _children(sets, "Set"):
        report.warnings.append(f"{path}: has an empty <Sets/> element, which the Codebook "
                               "schema does not allow; imported anyway.")
    codes = _codes(_child(root, "Codes"))
    with store.write() as session:
        _write_codes(session, codes, report)
    return report



