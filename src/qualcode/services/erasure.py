"""Erasure (GDPR Art. 17): a document, or one speaker's turns in it, removed for good.

What is erased: the text (a whole document; or the speaker's turns, overwritten in every
version with a filler of the same length, so that the offsets of everyone else's codings stay
valid), the codings and memos on it, the speaker's name and details, the search index rows,
lexicon words no other text has, passages marked "not identifying", and the contents of every
audit-log entry about those rows (the entries stay, their before/after replaced by a
tombstone). The erasure itself is recorded without content: no name, no text. On a team
store only leads erase.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from qualcode.errors import NotFound
from qualcode.i18n import _
from qualcode.models import (
    AuditEntry,
    Coding,
    DocumentVersion,
    LexiconEntry,
    Memo,
    PrivacyQuietPassage,
    Segment,
    Speaker,
)
from qualcode.search import index
from qualcode.search.lexicon import MAX_WORD, WORD
from qualcode.services.team import require_lead
from qualcode.store import Store, audit
from qualcode.store.lookup import find_document
from qualcode.transcripts.storing import sha256

TOMBSTONE = audit.TOMBSTONE
FILLER = "[gelöscht]"  # not translated: written into the transcript in place of the text


@dataclass(frozen=True)
class Erased:
    what: str  # "document" | "speaker"
    codings: int
    memos: int
    turns: int
    audit_entries: int


def erase_document(store: Store, document: str, *, actor: str) -> Erased:
    require_lead(store, _("erase"))
    return store.run_write(lambda session: _erase_document(session, document, actor))


def erase_speaker(store: Store, label: str, document: str, *, actor: str) -> Erased:
    require_lead(store, _("erase"))
    return store.run_write(lambda session: _erase_speaker(session, label, document, actor))


def _erase_document(session: Session, name: str, actor: str) -> Erased:
    document = find_document(session, name)
    versions = list(session.scalars(select(DocumentVersion.id).where(
        DocumentVersion.document_id == document.id)))
    codings = list(session.execute(select(Coding.id, Coding.text, Coding.memo).where(
        Coding.version_id.in_(versions))))
    turns = list(session.scalars(select(Segment.id).where(Segment.version_id.in_(versions),
                                                          Segment.kind == "turn")))
    speakers = list(session.scalars(select(Speaker).where(Speaker.document_id == document.id)))
    # Entries about the erased rows go by id; by text only what names the document or a
    # person (a memo text shared with other codings must not take their history along).
    secrets = [document.name, *(s.name for s in speakers if s.name)]
    memos = _memo_ids(session, document.id, [c.id for c in codings])
    rows = {"documents": [document.id], "document_versions": versions,
            "codings": [c.id for c in codings], "memos": memos,
            "speakers": [s.id for s in speakers]}
    index.remove_segments(session, turns)
    session.execute(delete(Memo).where(Memo.id.in_(memos)))
    session.execute(delete(Coding).where(Coding.version_id.in_(versions)))
    session.execute(delete(PrivacyQuietPassage).where(
        PrivacyQuietPassage.document_id == document.id))
    session.delete(document)
    session.flush()
    scrubbed = _scrub_audit(session, rows, secrets)
    _prune_lexicon(session)
    erased = Erased("document", len(codings), len(memos), len(turns), scrubbed)
    _record(session, actor, document.id, erased)
    return erased


def _erase_speaker(session: Session, label: str, name: str, actor: str) -> Erased:
    document = find_document(session, name)
    speaker = session.scalar(select(Speaker).where(Speaker.document_id == document.id,
                                                   Speaker.label == label))
    if speaker is None:
        raise NotFound(_("The document {document} has no speaker {label}.")
                       .format(document=name, label=label))
    secrets = [s for s in (speaker.name, speaker.organisation, speaker.pseudonym) if s]
    coding_ids: list[int] = []
    turn_count = 0
    for version in session.scalars(select(DocumentVersion).where(
            DocumentVersion.document_id == document.id)):
        turns = list(session.scalars(select(Segment).where(
            Segment.version_id == version.id, Segment.kind == "turn",
            Segment.speaker_id == speaker.id)))
        text = version.text
        for turn in turns:
            secrets.append(text[turn.start:turn.end])
            text = text[:turn.start] + _filler(turn.end - turn.start) + text[turn.end:]
        coding_ids += [coding_id for coding_id, start, end in session.execute(
            select(Coding.id, Coding.start, Coding.end).where(Coding.version_id == version.id))
            if any(start < t.end and t.start < end for t in turns)]
        version.text, version.sha256 = text, sha256(text)
        index.remove_segments(session, [t.id for t in turns])
        index.add_rows(session, [index.IndexRow(t.id, "", index.surface_words(
            text[t.start:t.end])) for t in turns])
        turn_count += len(turns)
    memos = _memo_ids(session, None, coding_ids)
    session.execute(delete(Memo).where(Memo.id.in_(memos)))
    session.execute(delete(Coding).where(Coding.id.in_(coding_ids)))
    speaker.name = speaker.organisation = speaker.pseudonym = None
    speaker.consent_named = False
    session.flush()
    rows = {"codings": coding_ids, "memos": memos, "speakers": [speaker.id]}
    scrubbed = _scrub_audit(session, rows, [s for s in secrets if s.strip()])
    _prune_lexicon(session)
    erased = Erased("speaker", len(coding_ids), len(memos), turn_count, scrubbed)
    _record(session, actor, document.id, erased)
    return erased


def _filler(length: int) -> str:
    return (FILLER + " " * length)[:length] if length >= len(FILLER) else "…" * length


def _memo_ids(session: Session, document_id: int | None, coding_ids: list[int]) -> list[int]:
    found = []
    if document_id is not None:
        found += session.scalars(select(Memo.id).where(Memo.target == "document",
                                                       Memo.target_id == document_id))
    if coding_ids:
        found += session.scalars(select(Memo.id).where(Memo.target == "coding",
                                                       Memo.target_id.in_(coding_ids)))
    return list(found)


def _scrub_audit(session: Session, rows: dict[str, list[int]], secrets: list[str]) -> int:
    """Tombstone the contents of entries about the erased rows or quoting their text."""
    wanted = [s for s in {s for s in secrets if s and len(s.strip()) >= 3}]
    versions = set(rows.get("document_versions", ()))
    scrubbed = []
    for entry_id, entity, entity_id, before, after in session.execute(
            select(AuditEntry.id, AuditEntry.entity, AuditEntry.entity_id, AuditEntry.before,
                   AuditEntry.after).where(
                (AuditEntry.before.is_not(None)) | (AuditEntry.after.is_not(None)))):
        about = ((entity_id is not None and entity_id in rows.get(entity, ()))
                 or _in_versions(entity, before, after, versions))
        content = f"{before or ''}\x1f{after or ''}"
        if about or any(_json_text(s) in content or s in content for s in wanted):
            scrubbed.append(entry_id)
    _tombstone(session, scrubbed)
    return len(scrubbed)


def _in_versions(entity: str, before: str | None, after: str | None,
                 versions: set[int]) -> bool:
    """A coding of an erased version that was removed before the erasure: its entries hold
    its text but no longer match an erased row's id."""
    if entity != "codings" or not versions:
        return False
    return any(json.loads(state).get("version_id") in versions
               for state in (before, after) if state and state != TOMBSTONE)


def _tombstone(session: Session, ids: list[int]) -> None:
    """On a team store nobody may UPDATE the audit log; a lead tombstones through the
    function ``team init`` made (store/team.py), with the owner's rights."""
    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql" and not session.scalar(
            sql_text("SELECT has_table_privilege('audit_log', 'UPDATE')")):
        session.execute(sql_text("SELECT qualcode_tombstone(:ids)"), {"ids": ids})
        return
    for start in range(0, len(ids), 500):
        chosen = AuditEntry.id.in_(ids[start:start + 500])
        session.execute(update(AuditEntry).where(chosen, AuditEntry.before.is_not(None))
                        .values(before=TOMBSTONE))
        session.execute(update(AuditEntry).where(chosen, AuditEntry.after.is_not(None))
                        .values(after=TOMBSTONE))


def _json_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _prune_lexicon(session: Session) -> None:
    """Words that no text holds any more leave the lexicon (they may be names)."""
    present: set[str] = set()
    for text in session.scalars(select(DocumentVersion.text)):
        present.update(w for w in WORD.findall(text) if len(w) <= MAX_WORD)
    gone = [w for w in session.scalars(select(LexiconEntry.word)) if w not in present]
    for start in range(0, len(gone), 500):
        session.execute(delete(LexiconEntry).where(LexiconEntry.word.in_(gone[start:start + 500])))


def _record(session: Session, actor: str, document_id: int, erased: Erased) -> None:
    """The erasure itself, without content: what kind, how many rows, not which words."""
    session.add(AuditEntry(actor=actor, action="erase", entity="documents",
                           entity_id=document_id, batch=audit.new_batch(), before=None,
                           after=json.dumps({"erased": erased.what, "codings": erased.codings,
                                             "memos": erased.memos, "turns": erased.turns})))


