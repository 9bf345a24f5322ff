"""Storing a prepared transcript: a new document, an unchanged one, or a new version whose
codings are re-anchored onto the corrected text. Runs inside the caller's transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from qualcode.i18n import _
from qualcode.models import Coding, Document, DocumentVariable, DocumentVersion, Segment, Speaker
from qualcode.search import index
from qualcode.search.lexicon import record_words
from qualcode.store import audit
from qualcode.store.lookup import current_version
from qualcode.transcripts import manifest as manifests
from qualcode.transcripts.nlp import Analysis
from qualcode.transcripts.reanchor import place
from qualcode.transcripts.turns import UNNAMED, Transcript


@dataclass(frozen=True)
class Reanchored:
    kept: int = 0
    moved: int = 0
    fuzzy: int = 0
    unplaced: int = 0
    unplaced_codings: tuple[int, ...] = ()


@dataclass(frozen=True)
class FileImported:
    path: str
    document: str
    status: str  # "new" | "unchanged" | "new version"
    encoding: str
    version: int
    turns: int
    sentences: int
    words: int
    reanchored: Reanchored | None = None
    warnings: tuple[str, ...] = ()


@dataclass
class Prepared:
    path: Path
    name: str
    encoding: str
    transcript: Transcript
    analyses: list[Analysis]
    entry: manifests.ManifestEntry | None

    @property
    def words(self) -> int:
        return sum(len(self.transcript.text[t.start:t.end].split())
                   for t in self.transcript.turns)


def unlabelled(item: Prepared) -> bool:
    """Turns of the one unnamed speaker: the text had no speaker labels."""
    return bool(item.transcript.turns) and all(t.label == UNNAMED for t in item.transcript.turns)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def store_document(session: Session, item: Prepared, actor: str) -> FileImported:
    text = item.transcript.text
    digest = sha256(text)
    document = session.scalar(select(Document).where(Document.name == item.name))
    warnings = (_("{path}: no speaker labels found; each paragraph was imported as a turn of "
                  "one unnamed speaker.").format(path=item.path),) if unlabelled(item) else ()
    counts = {"turns": len(item.transcript.turns),
              "sentences": sum(len(a.sentences) for a in item.analyses), "words": item.words}
    if document is None:
        document = Document(name=item.name)
        session.add(document)
        session.flush()
        version = _new_version(session, document, 1, text, digest, item)
        audit.record(session, actor=actor, action="import", obj=document, before=None,
                     after=audit.snapshot(document), batch=audit.new_batch())
        return FileImported(str(item.path), item.name, "new", item.encoding, 1,
                            warnings=warnings, **counts)
    old = current_version(session, document.id)
    if old.sha256 == digest:
        return FileImported(str(item.path), item.name, "unchanged", item.encoding, old.number,
                            **counts)
    version = _new_version(session, document, old.number + 1, text, digest, item)
    old_turns = list(session.scalars(select(Segment.id).where(
        Segment.version_id == old.id, Segment.kind == "turn")))
    index.remove_segments(session, old_turns)
    moved = _reanchor(session, old, version, actor)
    return FileImported(str(item.path), item.name, "new version", item.encoding, version.number,
                        reanchored=moved, warnings=warnings, **counts)


def _new_version(session: Session, document: Document, number: int, text: str, digest: str,
                 item: Prepared) -> DocumentVersion:
    version = DocumentVersion(document_id=document.id, number=number, text=text, sha256=digest,
                              source_path=str(item.path), words=word_count(item.transcript))
    session.add(version)
    _sync_variables(session, document, item)
    speakers = _sync_speakers(session, document, item)
    session.flush()
    _add_segments(session, version.id, item, speakers)
    return version


def word_count(transcript: Transcript) -> int:
    """Words inside speaker turns; the whole text when there are none."""
    text = transcript.text
    if not transcript.turns:
        return len(text.split())
    return sum(len(text[t.start:t.end].split()) for t in transcript.turns)


def _sync_variables(session: Session, document: Document, item: Prepared) -> None:
    if item.entry is None:
        return
    existing = {v.name: v for v in session.scalars(
        select(DocumentVariable).where(DocumentVariable.document_id == document.id))}
    for value in item.entry.variables:
        row = existing.get(value.name)
        if row is None:
            session.add(DocumentVariable(document_id=document.id, name=value.name,
                                         value=value.value, value_type=value.value_type))
        else:
            row.value, row.value_type = value.value, value.value_type


def _sync_speakers(session: Session, document: Document, item: Prepared) -> dict[str, int]:
    existing = {s.label: s for s in session.scalars(
        select(Speaker).where(Speaker.document_id == document.id))}
    infos = item.entry.speakers if item.entry else {}
    for label in {t.label for t in item.transcript.turns} | set(infos):
        speaker = existing.get(label)
        if speaker is None:
            speaker = existing[label] = Speaker(document_id=document.id, label=label)
            session.add(speaker)
        info = infos.get(label)
        if info is not None:
            speaker.name, speaker.role = info.name, info.role
            speaker.organisation, speaker.pseudonym = info.organisation, info.pseudonym
            speaker.consent_named = info.consent
    session.flush()
    return {label: speaker.id for label, speaker in existing.items()}


def _add_segments(session: Session, version_id: int, item: Prepared,
                  speakers: dict[str, int]) -> None:
    turns = item.transcript.turns
    if not turns:
        return
    turn_ids = list(session.scalars(
        insert(Segment).returning(Segment.id, sort_by_parameter_order=True),
        [{"version_id": version_id, "kind": "turn", "position": n, "start": t.start,
          "end": t.end, "speaker_id": speakers[t.label], "time_mark": t.time_mark}
         for n, t in enumerate(turns)]))
    sentences = []
    for turn, turn_id, analysis in zip(turns, turn_ids, item.analyses, strict=True):
        for start, end in analysis.sentences:
            sentences.append({"version_id": version_id, "kind": "sentence",
                              "position": len(sentences), "start": turn.start + start,
                              "end": turn.start + end, "speaker_id": speakers[turn.label],
                              "parent_id": turn_id, "time_mark": None})
    if sentences:
        session.execute(insert(Segment), sentences)
    text = item.transcript.text
    record_words(session, (text[t.start:t.end] for t in turns))
    index.add_rows(session, [
        index.IndexRow(turn_id, analysis.lemmas, index.surface_words(text[t.start:t.end]))
        for t, turn_id, analysis in zip(turns, turn_ids, item.analyses, strict=True)])


def _reanchor(session: Session, old: DocumentVersion, new: DocumentVersion,
              actor: str) -> Reanchored:
    codings = list(session.scalars(select(Coding).where(Coding.version_id == old.id)))
    placements = place(old.text, new.text, [(c.start, c.end, c.text) for c in codings])
    batch = audit.new_batch()
    tally = {"kept": 0, "moved": 0, "fuzzy": 0, "unplaced": 0}
    unplaced = []
    for coding, placement in zip(codings, placements, strict=True):
        tally[placement.status] += 1
        before = audit.snapshot(coding)
        if placement.status == "unplaced":
            coding.anchor_status = "unplaced"
            unplaced.append(coding.id)
        else:
            coding.version_id, coding.start, coding.end = new.id, placement.start, placement.end
            coding.text = new.text[placement.start:placement.end]
            coding.anchor_status = "fuzzy" if placement.status == "fuzzy" else "ok"
        session.flush()
        audit.record(session, actor=actor, action=f"reanchor:{placement.status}", obj=coding,
                     before=before, after=audit.snapshot(coding), batch=batch)
    return Reanchored(**tally, unplaced_codings=tuple(unplaced))
