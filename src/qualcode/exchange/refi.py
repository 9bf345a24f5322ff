"""REFI-QDA (QDA-XML 1.0): projects (.qdpx) and codebooks (.qdc) for MAXQDA, ATLAS.ti, NVivo.

Export writes every coder as a User, the code tree with colours and descriptions (definition
and anchor example), each document as a TextSource with its plain text under ``sources/``,
every coding as a PlainTextSelection with its Coding, memos as Notes, document variables as
Variables and VariableValues, and one Case per value of the profile's case variable (the
municipality, for this study). Positions are code points (or,
for NVivo, UTF-16 code units), end exclusive.

GUIDs are derived from names (uuid5), so exporting twice gives the same GUIDs and importing
our own export into a store matches coders, codes and documents by GUID, which is by name.
"""

from __future__ import annotations

import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree
from sqlalchemy import select

from qualcode import __version__
from qualcode.errors import InvalidInput
from qualcode.exchange.positions import CODE_POINTS, UTF16, to_utf16
from qualcode.i18n import _
from qualcode.models import (
    Code,
    Coder,
    Coding,
    Document,
    DocumentVariable,
    DocumentVersion,
    Memo,
)
from qualcode.profile.stored import profile_in
from qualcode.progress import Progress, counted
from qualcode.store import Store
from qualcode.store.lookup import code_paths

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
NAMESPACE = uuid.UUID("6f1d3c1e-8f4b-4e55-9a7e-7d2a3f0c9b11")
VARIABLE_TYPES = {"text": "Text", "integer": "Integer", "float": "Float", "date": "Date",
                  "boolean": "Boolean"}
ANCHOR = "Ankerbeispiel: "


def guid(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}")).upper()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stamp(value: datetime | None) -> str:
    if value is None:
        return _now()
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _description(code: Code) -> str | None:
    parts = [code.definition or ""]
    if code.anchor_example:
        parts.append(ANCHOR + code.anchor_example)
    text = "\n\n".join(p for p in parts if p)
    return text or None


# -- export ----------------------------------------------------------------------------------


def codebook_xml(session, namespace: str = CODEBOOK_NS) -> etree._Element:  # type: ignore[no-untyped-def]
    """``<CodeBook>`` (standalone .qdc) or, with the project namespace, the project's one."""
    codes = list(session.scalars(select(Code).order_by(Code.position, Code.id)))
    paths = code_paths(session)
    notes = _memo_index(session, "code")
    if not codes:
        raise InvalidInput(_("The codebook is empty; there is nothing to export."))
    root = etree.Element(f"{{{namespace}}}CodeBook", nsmap={None: namespace})
    if namespace == CODEBOOK_NS:
        root.set("origin", f"qualcode {__version__}")
    holder = etree.SubElement(root, f"{{{namespace}}}Codes")
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)

    def add(parent: etree._Element, code: Code) -> None:
        element = etree.SubElement(parent, f"{{{namespace}}}Code",
                                   guid=guid("code", paths[code.id]), name=code.name,
                                   isCodable="true")
        if code.colour:
            element.set("color", code.colour)
        if (text := _description(code)) is not None:
            etree.SubElement(element, f"{{{namespace}}}Description").text = text
        if namespace == PROJECT_NS and code.id in notes:
            etree.SubElement(element, f"{{{namespace}}}NoteRef", targetGUID=notes[code.id])
        for child in children.get(code.id, []):
            add(element, child)

    for code in children.get(None, []):
        add(holder, code)
    return root


def _memo_index(session, target: str) -> dict[int, str]:  # type: ignore[no-untyped-def]
    return {m.target_id: guid("memo", str(m.id)) for m in session.scalars(
        select(Memo).where(Memo.target == target))}


def export_codebook(store: Store, path: Path) -> None:
    with store.read() as session:
        tree = etree.ElementTree(codebook_xml(session))
    tree.write(str(path), xml_declaration=True, encoding="utf-8", pretty_print=True)


def origin(positions: str) -> str:
    """Our origin attribute; it names UTF-16 positions, so that our import reads them so."""
    suffix = "; positions in UTF-16 code units" if positions == UTF16 else ""
    return f"qualcode {__version__}{suffix}"


def export_project(store: Store, path: Path, name: str | None = None,
                   progress: Progress | None = None,
                   positions: str = CODE_POINTS) -> dict[str, int]:
    """Write a .qdpx, positions counted as ``positions``; returns counts of what it holds."""
    p = f"{{{PROJECT_NS}}}"
    root = etree.Element(f"{p}Project", nsmap={None: PROJECT_NS},
                         name=name or path.stem, origin=origin(positions),
                         creationDateTime=_now())
    files: dict[str, str] = {}
    counts = {"sources": 0, "codes": 0, "codings": 0, "users": 0, "notes": 0}
    with store.read() as session:
        coders = list(session.scalars(select(Coder).order_by(Coder.name)))
        if coders:
            users = etree.SubElement(root, f"{p}Users")
            for coder in coders:
                etree.SubElement(users, f"{p}User", guid=guid("coder", coder.name),
                                 name=coder.name)
            counts["users"] = len(coders)
        coder_guids = {c.id: guid("coder", c.name) for c in coders}
        paths = code_paths(session)
        counts["codes"] = len(paths)
        if counts["codes"]:
            root.append(codebook_xml(session, PROJECT_NS))
        _variables_and_cases(session, root, p)
        notes: list[tuple[str, str, str]] = []  # (guid, title, text)
        doc_notes = _memo_index(session, "document")
        code_notes = {m.target_id: m for m in session.scalars(
            select(Memo).where(Memo.target == "code"))}
        sources = etree.Element(f"{p}Sources")
        documents = list(session.scalars(select(Document).order_by(Document.name)))
        for doc in counted(documents, len(documents), _("writing sources"), progress,
                           every=1):
            counts["codings"] += _source(session, sources, doc, p, paths, coder_guids, files,
                                         notes, doc_notes, positions)
            counts["sources"] += 1
        if counts["sources"]:
            _insert_before(root, sources, ("Notes", "Links", "Sets", "Graphs", "Description",
                                           "NoteRef"))
        for memo in list(code_notes.values()) + list(session.scalars(
                select(Memo).where(Memo.target.in_(("document", "project"))))):
            notes.append((guid("memo", str(memo.id)), memo.title or f"Memo {memo.id}", memo.text))
        project_memos = [guid("memo", str(m.id)) for m in session.scalars(
            select(Memo).where(Memo.target == "project"))]
    if notes:
        holder = etree.Element(f"{p}Notes")
        for note_guid, title, text in notes:
            note = etree.SubElement(holder, f"{p}Note", guid=note_guid, name=title)
            etree.SubElement(note, f"{p}PlainTextContent").text = text
        _insert_before(root, holder, ("Links", "Sets", "Graphs", "Description", "NoteRef"))
        counts["notes"] = len(notes)
    for note_guid in project_memos:
        etree.SubElement(root, f"{p}NoteRef", targetGUID=note_guid)
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        for name, text in files.items():
            archive.writestr(f"sources/{name}", text.encode("utf-8"))
    return counts


def _insert_before(root: etree._Element, element: etree._Element, later: tuple[str, ...]) -> None:
    for index, child in enumerate(root):
        if etree.QName(child).localname in later:
            root.insert(index, element)
            return
    root.append(element)


def _variables_and_cases(session, root: etree._Element, p: str) -> None:  # type: ignore[no-untyped-def]
    variables = session.execute(select(DocumentVariable.name, DocumentVariable.value_type)
                                .distinct().order_by(DocumentVariable.name)).all()
    if variables:
        holder = etree.SubElement(root, f"{p}Variables")
        for var_name, value_type in variables:
            etree.SubElement(holder, f"{p}Variable", guid=guid("variable", var_name),
                             name=var_name, typeOfVariable=VARIABLE_TYPES.get(value_type, "Text"))
    cases = profile_in(session).case_variable  # for this study: the municipality
    places = session.execute(
        select(DocumentVariable.value, Document.name).join(Document)
        .where(DocumentVariable.name == cases).order_by(DocumentVariable.value)).all() \
        if cases else []
    if places:
        holder = etree.SubElement(root, f"{p}Cases")
        by_place: dict[str, list[str]] = {}
        for place, doc_name in places:
            by_place.setdefault(place, []).append(doc_name)
        for place, docs in by_place.items():
            case = etree.SubElement(holder, f"{p}Case", guid=guid("case", place), name=place)
            for doc_name in docs:
                etree.SubElement(case, f"{p}SourceRef", targetGUID=guid("document", doc_name))


def _source(session, holder, doc: Document, p: str, paths: dict[int, str],  # type: ignore[no-untyped-def]
            coder_guids: dict[int, str], files: dict[str, str], notes: list,
            doc_notes: dict[int, str], positions: str) -> int:
    version = session.scalar(select(DocumentVersion).where(DocumentVersion.document_id == doc.id)
                             .order_by(DocumentVersion.number.desc()).limit(1))
    source_guid = guid("document", doc.name)
    files[f"{source_guid}.txt"] = version.text
    source = etree.SubElement(holder, f"{p}TextSource", guid=source_guid, name=doc.name,
                              plainTextPath=f"internal://{source_guid}.txt",
                              creationDateTime=_stamp(doc.created_at))
    codings = session.scalars(select(Coding).where(Coding.version_id == version.id)
                              .order_by(Coding.start, Coding.id)).all()
    ends = [c.end for c in codings]
    starts = [c.start for c in codings]
    if positions == UTF16:
        starts, ends = to_utf16(version.text, starts), to_utf16(version.text, ends)
    for coding, start, end in zip(codings, starts, ends, strict=True):
        selection = etree.SubElement(
            source, f"{p}PlainTextSelection", guid=guid("selection", str(coding.id)),
            name=coding.text[:60], startPosition=str(start),
            endPosition=str(end), creatingUser=coder_guids[coding.coder_id],
            creationDateTime=_stamp(coding.created_at))
        mark = etree.SubElement(selection, f"{p}Coding", guid=guid("coding", str(coding.id)),
                                creatingUser=coder_guids[coding.coder_id],
                                creationDateTime=_stamp(coding.created_at))
        etree.SubElement(mark, f"{p}CodeRef", targetGUID=guid("code", paths[coding.code_id]))
        if coding.memo:
            note_guid = guid("coding-memo", str(coding.id))
            notes.append((note_guid, f"Memo: {coding.text[:40]}", coding.memo))
            etree.SubElement(selection, f"{p}NoteRef", targetGUID=note_guid)
    if doc.id in doc_notes:
        etree.SubElement(source, f"{p}NoteRef", targetGUID=doc_notes[doc.id])
    for var in session.scalars(select(DocumentVariable).where(
            DocumentVariable.document_id == doc.id).order_by(DocumentVariable.name)):
        _variable_value(source, p, var)
    return len(codings)


def _variable_value(parent: etree._Element, p: str, var: DocumentVariable) -> None:
    kind = VARIABLE_TYPES.get(var.value_type, "Text")
    value = etree.SubElement(parent, f"{p}VariableValue")
    etree.SubElement(value, f"{p}VariableRef", targetGUID=guid("variable", var.name))
    if var.value is not None:
        etree.SubElement(value, f"{p}{kind}Value").text = var.value



