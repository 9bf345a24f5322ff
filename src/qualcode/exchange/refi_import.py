"""Importing REFI-QDA projects (.qdpx, or a bare .qde) and codebooks (.qdc).

The project is read and checked first (refi_read); one transaction then writes it, source by
source, codings in chunks, so a bad archive imports nothing. Codes with the same name under the
same parent become one code; a coding that repeats another exactly (same source, coder, code
and range) is skipped and counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select

from qualcode.errors import InvalidInput
from qualcode.exchange.container import MAX_CODEBOOK, check_size, parse_tree
from qualcode.exchange.positions import Counting, PlainText, decide
from qualcode.exchange.refi import guid
from qualcode.exchange.refi_read import (
    CodeIn,
    Project,
    SourceIn,
    codebook_codes,
    local,
    read_project,
    source_text,
)
from qualcode.i18n import _
from qualcode.models import Code, Coding, Document, Memo, utcnow
from qualcode.progress import Progress, counted
from qualcode.store import Store
from qualcode.store.lookup import code_paths, current_version, find_coder

CHUNK = 10_000


@dataclass
class ExchangeReport:
    sources: int = 0
    sources_merged: int = 0
    codes: int = 0
    codes_merged: int = 0
    codes_same_name: int = 0  # codes of the file merged into a sibling of the same name
    codings: int = 0
    duplicates: int = 0  # codings of the file that repeat another one exactly
    codings_known: int = 0  # codings the store had already (a merged source)
    coders: list[str] = field(default_factory=list)
    memos: int = 0
    positions: str = ""  # the counting the positions were read in
    positions_reason: str = ""
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass
class _Ids:
    """Store ids for the interned references of the file."""

    codes: np.ndarray
    users: np.ndarray
    notes: list[str | None]


def import_project(store: Store, path: Path, progress: Progress | None = None) -> ExchangeReport:
    project, container = read_project(path)
    try:
        decision = decide(project.origin, project.evidence)
        report = ExchangeReport(warnings=list(project.warnings), notices=list(project.notices),
                                positions=decision.counting.label,
                                positions_reason=decision.reason)
        if decision.warning:
            report.warnings.append(_("positions: {warning}").format(warning=decision.warning))
        with store.write() as session:
            ids = _Ids(*_write_references(session, project, report))
            for source in counted(project.sources, len(project.sources), _("importing sources"),
                                  progress, every=1):
                plain = PlainText(source_text(container, source))
                version_id = _write_source(session, source, plain.text, project, report)
                _write_codings(session, version_id, source, plain, decision.counting, ids,
                               container.where, report)
            for note in project.project_notes:
                session.add(Memo(target="project", target_id=None,
                                 text=project.notes.get(note, "")))
                report.memos += 1
            report.coders = sorted(set(project.users.values()))
    finally:
        container.close()
    return report


def _write_references(session, project: Project,  # type: ignore[no-untyped-def]
                      report: ExchangeReport) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    by_guid = _write_codes(session, project.codes, report, project.notes)
    codes = np.zeros(len(project.code_refs), dtype=np.int64)
    for code_guid, index in project.code_refs.items():
        codes[index] = by_guid[code_guid]
    named = {g: find_coder(session, name, create=True).id for g, name in project.users.items()}
    fallback: int | None = None
    users = np.zeros(len(project.user_refs) + 1, dtype=np.int64)  # the last: no user given
    for position, user_guid in enumerate([*project.user_refs, None]):
        coder = named.get(user_guid) if user_guid else None
        if coder is None:
            fallback = fallback or find_coder(session, "imported", create=True).id
            coder = fallback
        users[position] = coder
    notes = [project.notes.get(note) for note in project.note_refs]
    return codes, users, notes


def _write_codings(session, version_id: int, source: SourceIn,  # type: ignore[no-untyped-def]
                   plain: PlainText, counting: Counting, ids: _Ids, where: str,
                   report: ExchangeReport) -> None:
    rows = source.selections
    starts, ends = _stored_positions(plain, counting, rows, source, where)
    codes = ids.codes[rows.column("codes")] if len(starts) else np.zeros(0, dtype=np.int64)
    users = ids.users[rows.column("users")] if len(starts) else np.zeros(0, dtype=np.int64)
    notes = rows.column("notes")
    for code, user in source.whole:
        codes, users = np.append(codes, ids.codes[code]), np.append(users, ids.users[user])
        starts, ends = np.append(starts, 0), np.append(ends, len(plain.text))
        notes = np.append(notes, -1)
    keep = _first_of_each(codes, users, starts, ends, notes)
    report.duplicates += len(starts) - len(keep)
    have = set(session.execute(select(Coding.code_id, Coding.coder_id, Coding.start, Coding.end)
                               .where(Coding.version_id == version_id)).all())
    batch: list[dict[str, object]] = []
    for i in keep.tolist():
        key = (int(codes[i]), int(users[i]), int(starts[i]), int(ends[i]))
        if key in have:
            report.codings_known += 1
            continue
        now = utcnow()
        batch.append({"version_id": version_id, "code_id": key[0], "coder_id": key[1],
                      "start": key[2], "end": key[3], "text": plain.text[key[2]:key[3]],
                      "memo": ids.notes[notes[i]] if notes[i] >= 0 else None,
                      "is_voice": False, "anchor_status": "ok", "created_at": now,
                      "modified_at": now})
        if len(batch) == CHUNK:
            report.codings += _insert(session, batch)
    report.codings += _insert(session, batch)


def _insert(session, batch: list[dict[str, object]]) -> int:  # type: ignore[no-untyped-def]
    count = len(batch)
    if batch:
        session.execute(insert(Coding.__table__), batch)
        batch.clear()
    return count


def _stored_positions(plain: PlainText, counting: Counting, rows, source: SourceIn,  # type: ignore[no-untyped-def]
                      where: str) -> tuple[np.ndarray, np.ndarray]:
    """The selections' positions as code points into the stored text; refuses misfits."""
    written = rows.column("starts"), rows.column("ends")
    starts, start_ok = plain.to_stored(written[0], counting)
    ends, end_ok = plain.to_stored(written[1], counting)
    bad = np.nonzero(~(start_ok & end_ok & (written[0] < written[1])))[0]
    if len(bad):
        first = int(bad[0])
        raise InvalidInput(
            _("{where}: the selection on line {line} [{start}, {end}) lies outside the text of "
              "{name!r} or splits a character (0 to {length} {label}).")
            .format(where=where, line=rows.lines[first], start=rows.starts[first],
                    end=rows.ends[first], name=source.name, length=plain.length(counting),
                    label=counting.label))
    # A selection of only the \r of a \r\n keeps the \n it became.
    return starts, np.maximum(ends, starts + 1)


def _first_of_each(codes: np.ndarray, users: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                   notes: np.ndarray) -> np.ndarray:
    """Indices of the codings that repeat no earlier one (one with a memo wins), in order."""
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((np.arange(len(starts)), notes < 0, ends, starts, users, codes))
    key = np.stack([codes, users, starts, ends])[:, order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (key[:, 1:] != key[:, :-1]).any(axis=0)
    return np.sort(order[first])


def _write_codes(session, codes: list[CodeIn], report: ExchangeReport,  # type: ignore[no-untyped-def]
                 notes: dict[str, str] | None = None) -> dict[str, int]:
    paths = code_paths(session)
    ours = {guid("code", p): cid for cid, p in paths.items()}
    by_path = {p: cid for cid, p in paths.items()}
    created: set[int] = set()
    ids: dict[str, int] = {}
    path_of: dict[str, str] = {}
    for code in codes:  # parents come before their children
        name = code.name.replace("/", "∕")
        path = name if code.parent is None else f"{path_of[code.parent]}/{name}"
        path_of[code.guid] = path
        existing = ids.get(code.guid) or ours.get(code.guid) or by_path.get(path)
        if existing is not None:
            ids[code.guid] = existing
            if existing in created:
                report.codes_same_name += 1
                report.warnings.append(_("code {path!r}: several codes of this name under the "
                                         "same parent were merged into one.").format(path=path))
            else:
                report.codes_merged += 1
            continue
        row = _new_code(session, code, name, ids)
        ids[code.guid] = by_path[path] = row.id
        created.add(row.id)
        report.codes += 1
        if code.note and (notes or {}).get(code.note) is not None:
            session.add(Memo(target="code", target_id=row.id, text=notes[code.note]))  # type: ignore[index]
            report.memos += 1
    return ids


def _new_code(session, code: CodeIn, name: str, ids: dict[str, int]) -> Code:  # type: ignore[no-untyped-def]
    row = Code(name=name, definition=code.definition, anchor_example=code.anchor,
               colour=_colour(code.colour), parent_id=ids.get(code.parent) if code.parent else None)
    session.add(row)
    session.flush()
    return row


def _colour(value: str | None) -> str | None:
    if not value or not value.startswith("#"):
        return None
    if len(value) == 4:
        value = "#" + "".join(ch * 2 for ch in value[1:])
    if len(value) != 7 or any(ch not in "0123456789abcdefABCDEF" for ch in value[1:]):
        return None
    return value.upper()


def _write_source(session, source: SourceIn, text: str, project: Project,  # type: ignore[no-untyped-def]
                  report: ExchangeReport) -> int:
    from qualcode.transcripts.manifest import ManifestEntry
    from qualcode.transcripts.nlp import analyse
    from qualcode.transcripts.storing import Prepared, store_document
    from qualcode.transcripts.turns import TIME_MARK, split_turns
    from qualcode.transcripts.variables import VariableValue

    existing = session.scalar(select(Document).where(Document.name == source.name))
    if existing is not None:
        version = current_version(session, existing.id)
        if version.text != text:
            raise InvalidInput(_("A document {name!r} exists already with another text; rename "
                                 "one of them first.").format(name=source.name))
        report.sources_merged += 1
        return version.id
    transcript = split_turns(text.split("\n"))
    texts = [TIME_MARK.sub(lambda m: " " * len(m.group()), transcript.text[t.start:t.end])
             for t in transcript.turns]
    entry = ManifestEntry(file=source.name, name=source.name, variables=[
        VariableValue(name, value, kind) for name, (kind, value) in source.variables.items()])
    prepared = Prepared(Path(source.name), source.name, "REFI-QDA", transcript, analyse(texts),
                        entry)
    store_document(session, prepared, actor="import")
    document = session.scalar(select(Document).where(Document.name == source.name))
    note = project.notes.get(source.note) if source.note else None
    if note is not None:
        session.add(Memo(target="document", target_id=document.id, text=note))
        report.memos += 1
    report.sources += 1
    return current_version(session, document.id).id


# -- codebooks ---------------------------------------------------------------------------------


def import_codebook(store: Store, path: Path) -> ExchangeReport:
    try:
        check_size(path.stat().st_size, MAX_CODEBOOK, str(path))
        stream = path.open("rb")
    except OSError as exc:
        raise InvalidInput(_("{path}: cannot be read ({strerror}).")
                           .format(path=path, strerror=exc.strerror)) from exc
    with stream:
        root = parse_tree(stream, str(path))
    if local(root) != "CodeBook":
        raise InvalidInput(_("{path}: is not a REFI-QDA codebook (no CodeBook element).")
                           .format(path=path))
    report = ExchangeReport()
    sets = [c for c in root if local(c) == "Sets"]
    if sets and not [c for c in sets[0] if local(c) == "Set"]:
        report.warnings.append(_("{path}: has an empty <Sets/> element, which the Codebook schema "
                                 "does not allow; imported anyway.").format(path=path))
    codes = codebook_codes(root, str(path))
    with store.write() as session:
        _write_codes(session, codes, report)
    return report
