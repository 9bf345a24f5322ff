"""The privacy gate: checks of documents and files, the gate around exports, the export log.

Reports and quote tables call ``gate`` with the texts they are about to write (``Part``s) and
``record_export`` once the file is written; ``publish`` does both around a writer. Findings
and their text go into the review file beside the target, never into a message or a log.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.errors import InvalidInput, NotAllowed, NotFound, UserError
from qualcode.exports.quotes import QuoteFilter, QuoteTable, attribution, consent_lists
from qualcode.i18n import _, ngettext
from qualcode.models import (
    AuditEntry,
    Coder,
    Coding,
    Document,
    DocumentVariable,
    PrivacyQuietPassage,
    PrivacyStopName,
    Speaker,
)
from qualcode.privacy.attributions import Attributed, linkage, rare_combinations
from qualcode.privacy.check import Checker
from qualcode.privacy.files import file_parts
from qualcode.privacy.findings import Finding, Part, passage_hash
from qualcode.privacy.names import NameFinder
from qualcode.privacy.review import accepted_keys, review_path, write_review
from qualcode.profile.stored import profile_in
from qualcode.store import Store, audit
from qualcode.store.lookup import current_version, find_coder, find_document

if TYPE_CHECKING:
    from qualcode.codebook.tree import CodeInfo

EXPORT_ACTION = "export"  # not translated: the audit log's action name
MAX_STOP_NAME = 200


class PrivacyStop(UserError):
    """An export for publication stopped by findings nobody has accepted yet."""


@dataclass
class GateResult:
    mode: str  # "stop" | "warn"
    findings: list[Finding]
    unresolved: list[Finding]
    review: Path | None = None
    accept_file: Path | None = None

    @property
    def accepted(self) -> list[Finding]:
        open_keys = {f.key for f in self.unresolved}
        return [f for f in self.findings if f.key not in open_keys]


@dataclass(frozen=True)
class ExportLogEntry:
    at: str
    by: str
    what: str
    file: str
    sha256: str
    findings: int
    accepted: list[str] = field(default_factory=list)  # keys of the accepted findings
    accept_file: str | None = None
    gate: str | None = None


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"  # not translated: stored as the actor


# --- the stop list and passages marked "not identifying": rows owned by their coder ---------

@dataclass(frozen=True)
class StopName:
    name: str
    coder: str | None  # who added it; None: from before names had owners
    added_at: str


def stop_list(store: Store) -> list[str]:
    with store.read() as session:
        return _stop_names(session)


def stop_entries(store: Store) -> list[StopName]:
    """The stop list with who added each name and when."""
    with store.read() as session:
        rows = session.execute(select(PrivacyStopName.name, Coder.name, PrivacyStopName.created_at)
                               .outerjoin(Coder, Coder.id == PrivacyStopName.coder_id)
                               .order_by(PrivacyStopName.id)).all()
    return [StopName(name, coder, _iso(at)) for name, coder, at in rows]


def _stop_names(session: Session) -> list[str]:
    return list(session.scalars(select(PrivacyStopName.name).order_by(PrivacyStopName.id)))


def _owner(store: Store, coder: str | None) -> str | None:
    """The coder a mark belongs to: on a team store always the login's own."""
    from qualcode.services.team import acting_coder

    return acting_coder(store, coder)


def _bound(store: Store) -> bool:
    """A team member whose rows are only their own (a lead's are everyone's)."""
    who = store.identity()
    return who.member and who.role != "lead"


def _owner_id(session: Session, coder: str | None) -> int | None:
    return find_coder(session, coder, create=True).id if coder else None


def _logged(session: Session, row: PrivacyStopName | PrivacyQuietPassage, action: str,
            actor: str) -> None:
    shown = audit.snapshot(row)
    audit.record(session, actor=actor, action=action, obj=row,
                 before=shown if action == "remove" else None,
                 after=shown if action == "add" else None, batch=audit.new_batch())


def add_to_stop_list(store: Store, name: str, *, actor: str | None) -> bool:
    """Add a name every check then finds, as coder ``actor``; False when it was listed
    already (by anyone)."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_STOP_NAME:
        raise InvalidInput(_("A name for the stop list must have 1 to {n} characters.")
                           .format(n=MAX_STOP_NAME))
    coder = _owner(store, actor)

    def work(session: Session) -> bool:
        if name.casefold() in {n.casefold() for n in _stop_names(session)}:
            return False
        row = PrivacyStopName(name=name, coder_id=_owner_id(session, coder))
        session.add(row)
        session.flush()
        _logged(session, row, "add", coder or current_user())
        return True
    return store.run_write(work)


def remove_from_stop_list(store: Store, name: str, *, actor: str | None) -> None:
    """Take a name off the stop list; on a team store a coder removes only their own."""
    coder = _owner(store, actor)
    wanted = " ".join(name.split()).casefold()

    def work(session: Session) -> None:
        found = [row for row in session.scalars(select(PrivacyStopName))
                 if row.name.casefold() == wanted]
        if not found:
            raise NotFound(_("That name is not on the stop list."))
        if _bound(store) and found[0].coder_id != _owner_id(session, coder):
            raise NotAllowed(_("You may only remove names you added to the stop list "
                               "yourself."))
        _logged(session, found[0], "remove", coder or current_user())
        session.delete(found[0])
    store.run_write(work)


def mark_not_identifying(store: Store, document: str, start: int, end: int, *,
                         actor: str | None) -> None:
    """Mark [start, end) of the document's current text as identifying nobody, as coder
    ``actor``.

    The mark keeps a hash of the passage, not its text: the same words are then quiet in this
    document's checks and in exports quoting it.
    """
    coder = _owner(store, actor)

    def work(session: Session) -> None:
        found = find_document(session, document)
        text = current_version(session, found.id).text
        if not 0 <= start < end <= len(text):
            raise InvalidInput(_("The passage [{start}, {end}) is not within the document.")
                               .format(start=start, end=end))
        passage = passage_hash(text[start:end])
        if session.scalar(select(PrivacyQuietPassage.id).where(
                PrivacyQuietPassage.document_id == found.id,
                PrivacyQuietPassage.passage == passage)) is not None:
            return
        row = PrivacyQuietPassage(document_id=found.id, passage=passage,
                                  coder_id=_owner_id(session, coder))
        session.add(row)
        session.flush()
        _logged(session, row, "add", coder or current_user())
    store.run_write(work)


def _quiet_passages(session: Session) -> set[tuple[str, str]]:
    return {(name, passage) for name, passage in session.execute(
        select(Document.name, PrivacyQuietPassage.passage)
        .join(Document, Document.id == PrivacyQuietPassage.document_id))}


# --- checks -------------------------------------------------------------------------------

def checker_in(session: Session) -> Checker:
    refusing, agreeing = consent_lists(session)
    return Checker(NameFinder(refusing, agreeing, _stop_names(session)),
                   _quiet_passages(session))


def study_attributions(session: Session) -> list[Attributed]:
    """Every speaker of the study as a quote table would attribute them."""
    profile = profile_in(session)
    rule = profile.attribution
    variables: dict[int, dict[str, str | None]] = {}
    for var in session.scalars(select(DocumentVariable)):
        variables.setdefault(var.document_id, {})[var.name] = var.value
    names = dict(session.execute(select(Document.id, Document.name)).all())
    found = []
    for speaker in session.scalars(select(Speaker).order_by(Speaker.id)):
        values = variables.get(speaker.document_id, {})
        named = bool(speaker.consent_named and speaker.name)
        shown = attribution(speaker, values, rule)
        place = shown.removeprefix(f"{speaker.name}, ") if named and "," in shown else None
        found.append(Attributed(names[speaker.document_id], speaker.label, named, shown,
                                speaker.name, speaker.role, place,
                                tuple(values.get(n) for n in rule.anonymous)))
    return found


def attribution_findings(session: Session, shown: list[Attributed],
                         study: list[Attributed] | None = None) -> list[Finding]:
    profile = profile_in(session)
    study = study if study is not None else study_attributions(session)
    checker = checker_in(session)
    found = [*linkage(shown), *rare_combinations(shown, study, profile.privacy.k,
                                                 profile.attribution.fallback_role)]
    return [f for f in found if not checker.is_quiet(f)]


def check_documents(store: Store, documents: list[str] | None = None) -> list[Finding]:
    """Findings in the current text and coding memos of the documents (None: all of them)."""
    with store.read() as session:
        checker = checker_in(session)
        if documents is None:
            chosen = list(session.scalars(select(Document).order_by(Document.name)))
        else:
            chosen = [find_document(session, name) for name in documents]
        parts: list[Part] = []
        for document in chosen:
            version = current_version(session, document.id)
            parts.append(Part(document.name, "text", version.text))
            parts += [Part(document.name, f"memo of the coding at {start}", memo)
                      for start, memo in session.execute(
                          select(Coding.start, Coding.memo).where(
                              Coding.version_id == version.id, Coding.memo.is_not(None))
                          .order_by(Coding.start))]
        study = study_attributions(session)
        names = {d.name for d in chosen}
        shown = [a for a in study if a.document in names]
        return checker.check(parts) + attribution_findings(session, shown, study)


def check_file(store: Store, path: Path) -> list[Finding]:
    """Findings in every part of an export file (cells, sheet names, headers, properties)."""
    with store.read() as session:
        checker = checker_in(session)
    return checker.check(file_parts(path))


# --- the gate and the export log ----------------------------------------------------------

def gate(store: Store, parts: Iterable[Part], target: Path, *,
         accept: Path | None = None, shown: list[tuple[str, str]] | None = None,
         notes: list[dict[str, Any]] | None = None) -> GateResult:
    """Check what an export for publication is about to write to ``target``.

    ``shown``: the (document, speaker label) pairs whose attributions the file shows.
    Findings not accepted by ``accept`` (a review file) stop the export with PrivacyStop when
    the profile's gate is "stop"; with "warn" the caller reports the count and goes on. The
    review file beside the target lists the findings (and ``notes``, e.g. names replaced).
    """
    accepted = accepted_keys(accept) if accept is not None else set()
    with store.read() as session:
        mode = profile_in(session).privacy.gate
        findings = checker_in(session).check(parts)
        if shown:
            wanted = set(shown)
            study = study_attributions(session)
            findings += attribution_findings(
                session, [a for a in study if (a.document, a.speaker) in wanted], study)
    unresolved = [f for f in findings if f.key not in accepted]
    result = GateResult(mode, findings, unresolved, accept_file=accept)
    if unresolved or (notes and accept is None):
        result.review = write_review(review_path(target), target, unresolved, notes)
    if unresolved and mode == "stop":
        raise PrivacyStop(ngettext(
            "{n} passage may identify a person; the export stopped. Review {review} and "
            "export again with --accept {review}.",
            "{n} passages may identify a person; the export stopped. Review {review} and "
            "export again with --accept {review}.", len(unresolved))
            .format(n=len(unresolved), review=result.review))
    return result


def writable_target(target: Path, *, force: bool) -> None:
    """Fail before the work (and before a review file) when ``target`` cannot be written."""
    from qualcode.exports.files import check_target

    check_target(target, force=force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(_("{path} cannot be written ({reason}).")
                           .format(path=target, reason=exc.strerror)) from exc


def record_export(store: Store, target: Path, what: str, result: GateResult | None = None,
                  *, findings: int | None = None) -> None:
    """Write the export log entry: when, by whom, what, the file's SHA-256, what was accepted."""
    entry = {"what": what, "file": str(target), "sha256": file_sha256(target),
             "findings": len(result.findings) if result else (findings or 0),
             "accepted": [f.key for f in result.accepted] if result else [],
             "accept_file": str(result.accept_file) if result and result.accept_file else None,
             "gate": result.mode if result else None}
    store.run_write(lambda session: session.add(AuditEntry(
        actor=current_user(), action=EXPORT_ACTION, entity="exports", entity_id=None,
        batch=audit.new_batch(), before=None, after=json.dumps(entry, ensure_ascii=False))))


def publish(store: Store, parts: Iterable[Part], target: Path,
            write: Callable[[GateResult], Any], *, what: str, accept: Path | None = None,
            shown: list[tuple[str, str]] | None = None) -> GateResult:
    """The one call for a file meant for publication: gate the texts, write, log the export.

    ``write`` gets the gate's result (a report notes the unresolved count when the gate only
    warned) and writes ``target``: atomically, refusing what exists unless asked.
    """
    result = gate(store, parts, target, accept=accept, shown=shown)
    write(result)
    record_export(store, target, what, result)
    return result


def check_raw_export(store: Store, target: Path, what: str) -> int:
    """Raw exchange files are never altered: their findings are counted and the export logged."""
    count = len(check_file(store, target))
    record_export(store, target, what, findings=count)
    return count


def export_log(store: Store) -> list[ExportLogEntry]:
    with store.read() as session:
        rows = session.execute(select(AuditEntry.at, AuditEntry.actor, AuditEntry.after)
                               .where(AuditEntry.action == EXPORT_ACTION)
                               .order_by(AuditEntry.id)).all()
    entries = []
    for at, actor, after in rows:
        data = json.loads(after or "{}")
        entries.append(ExportLogEntry(_iso(at), actor, data.get("what", ""),
                                      data.get("file", ""), data.get("sha256", ""),
                                      int(data.get("findings", 0)),
                                      list(data.get("accepted", [])), data.get("accept_file"),
                                      data.get("gate")))
    return entries


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _iso(at: datetime) -> str:
    return audit._jsonable(at)  # type: ignore[no-any-return]


# --- quote tables ---------------------------------------------------------------------------

ROW_COLUMNS = ("quote", "before", "after", "memo")
SHARED_COLUMNS = ("document", "speaker", "role", "code", "coder", "attribution")


def quote_parts(table: QuoteTable, title: str) -> list[Part]:
    """Every text a quote table shows; cells repeated from row to row are checked once."""
    parts = [Part("", "title", title)]
    seen: set[tuple[str, str]] = set()
    for row, quote in enumerate(table.quotes, start=1):
        for column in ROW_COLUMNS:
            value = getattr(quote, column)
            if value:
                parts.append(Part(quote.document, f"row {row}, {column}", value))
        shared = [(c, getattr(quote, c)) for c in SHARED_COLUMNS]
        shared += [(label, value) for label, value in quote.variables]
        for column, value in shared:
            if value and (column, value) not in seen:
                seen.add((column, value))
                parts.append(Part(quote.document, f"row {row}, {column}", value))
    return parts


def matrix_parts(rows: list[str], columns: list[str], title: str = "") -> list[Part]:
    """A matrix's labels (document names, group values, codes) and the picture's title."""
    parts = [Part("", "title", title)]
    parts += [Part("", f"column {n}", name) for n, name in enumerate(columns, start=1)]
    parts += [Part("", f"row {n}", name) for n, name in enumerate(rows, start=1)]
    return [part for part in parts if part.text]


def codebook_parts(codes: Iterable[CodeInfo], title: str | None) -> list[Part]:
    """What a codebook file for people (Markdown, Word) shows: title, paths, definitions and
    anchor examples."""
    parts = [Part("", "title", title or "")]
    for n, code in enumerate(codes, start=1):
        parts += [Part("", f"code {n}, {field}", value or "") for field, value in
                  (("path", code.path), ("definition", code.definition),
                   ("anchor", code.anchor_example))]
    return [part for part in parts if part.text]


def replacement_notes(table: QuoteTable) -> list[dict[str, Any]]:
    """The names pseudonymised, for the review file (never for the terminal)."""
    return [{"document": r.document, "start": r.start, "column": r.column, "found": r.found,
             "replaced_by": r.replaced_by} for r in table.replacements]


@dataclass
class QuotesExported:
    table: QuoteTable
    gate: GateResult


def export_quotes(store: Store, wanted: QuoteFilter, target: Path, fmt: str, *,
                  accept: Path | None = None, **options: Any) -> QuotesExported:
    """A quote table through the gate: checked before writing, logged after."""
    from qualcode.exports.quote_files import export_quote_table

    writable_target(target, force=bool(options.get("force")))
    checked: list[GateResult] = []

    def check(table: QuoteTable, title: str) -> None:
        shown = sorted({(q.document, q.speaker) for q in table.quotes if q.speaker})
        checked.append(gate(store, quote_parts(table, title), target, accept=accept,
                            shown=shown, notes=replacement_notes(table)))

    table = export_quote_table(store, wanted, target, fmt, before_writing=check, **options)
    record_export(store, target, "quotes", checked[0])
    return QuotesExported(table, checked[0])
