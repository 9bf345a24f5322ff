"""Importing transcript files: new documents, unchanged files, corrected versions.

Folders are walked with their subfolders (hidden ones, Office temp files and symlinked
folders left out); each folder's manifest applies to the files of that folder.
Parsing (reading, turns, sentences, lemmas) happens before any transaction;
each file is then stored in one transaction of its own, or all files in one
transaction with ``strict``. A failed file never leaves half a document.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from qualcode.errors import InvalidInput, QualcodeError, UserError
from qualcode.models import Coding, Document, DocumentVariable, DocumentVersion, Segment, Speaker
from qualcode.progress import Progress
from qualcode.search import index
from qualcode.search.lexicon import record_words
from qualcode.services import audit
from qualcode.services.documents import sha256
from qualcode.services.lookup import current_version
from qualcode.store import Store
from qualcode.transcripts import manifest as manifests
from qualcode.transcripts.nlp import Analysis, analyse
from qualcode.transcripts.readers import SUFFIXES, read_transcript
from qualcode.transcripts.reanchor import place
from qualcode.transcripts.turns import (
    DEFAULT_LABEL_PATTERNS,
    TIME_MARK,
    Transcript,
    label_regex,
    normalise_label,
    split_turns,
)


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
class ImportReport:
    imported: list[FileImported] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


# Each folder's manifest, read once per import; a broken one is kept as its error.
ManifestCache = dict[Path, manifests.Manifest | UserError | None]


class ImportInterrupted(QualcodeError):
    """An unexpected error while storing; the files stored before it stay imported."""

    def __init__(self, report: ImportReport, path: Path, cause: Exception, total: int) -> None:
        self.report = report
        done = len(report.imported)
        super().__init__(
            f"{display(path)}: the import stopped with an internal error "
            f"({type(cause).__name__}); {done} of {total} files were imported, this file and "
            "the ones after it were not (set QUALCODE_DEBUG=1 for the traceback).")


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


def import_paths(store: Store, paths: list[Path], *, strict: bool = False,
                 progress: Progress | None = None, actor: str = "system") -> ImportReport:
    report = ImportReport()
    folder_manifests: ManifestCache = {}
    files, failures = expand(paths, folder_manifests)
    report.failed.extend(failures)
    prepared = _prepare_all(files, folder_manifests, report, progress)
    if strict:
        if report.failed:
            raise InvalidInput("Nothing was imported (--strict); "
                               + " ".join(message for _, message in report.failed))
        with store.write() as session:
            report.imported = [store_document(session, p, actor) for p in prepared]
        return report
    for number, item in enumerate(prepared):
        try:
            if progress:
                progress(number, len(prepared), f"storing {item.name}")
            with store.write() as session:
                report.imported.append(store_document(session, item, actor))
        except UserError as exc:
            report.failed.append((str(item.path), str(exc)))
        except Exception as exc:  # committed files stay: say so, not "nothing was changed"
            raise ImportInterrupted(report, item.path, exc, len(prepared)) from exc
    return report


def _prepare_all(files: list[Path], folder_manifests: ManifestCache, report: ImportReport,
                 progress: Progress | None) -> list[Prepared]:
    """Read and analyse every file; one document name is taken by one text only."""
    prepared: list[Prepared] = []
    taken: dict[str, Prepared] = {}
    for number, path in enumerate(files):
        if progress:
            progress(number, len(files), f"reading {path.name}")
        try:
            item = prepare(path, _manifest_for(path.parent, folder_manifests))
        except UserError as exc:
            report.failed.append((display(path), str(exc)))
            continue
        first = taken.setdefault(item.name, item)
        if first is not item and first.transcript.text != item.transcript.text:
            # not a silent new version from a sibling folder; the same text is "unchanged"
            report.failed.append((str(path), f"{path}: gives the document name {item.name!r} "
                                             f"like {first.path}, with another text; rename one "
                                             "file or name them apart in a manifest."))
            continue
        prepared.append(item)
    if progress:
        progress(len(files), len(files), "reading transcripts")
    return prepared


def display(path: Path) -> str:
    """The path as text that can be printed and stored: undecodable bytes become U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def has_valid_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def expand(paths: list[Path], cache: ManifestCache) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to import (folders walked), and the paths that cannot be imported at all.

    When every path is a folder with nothing to import, that is the error itself.
    """
    files: list[Path] = []
    failures: list[tuple[str, str]] = []
    empty: list[str] = []
    for path in paths:
        if path.is_dir():
            found, problems = _walk(path, cache)
            files.extend(found)
            failures.extend(problems)
            if not found and not problems:
                empty.append(f"{display(path)}: no transcript files "
                             f"({', '.join(sorted(SUFFIXES))}) in this folder or its subfolders.")
                failures.append((display(path), empty[-1]))
        elif not has_valid_name(path):
            failures.append(_bad_name(path))
        elif path.exists():
            files.append(path)
        else:
            failures.append((str(path), f"{path}: no such file or folder."))
    if empty and len(empty) == len(failures) == len(paths):
        raise InvalidInput(" ".join(empty) + " Nothing was imported.")
    return files, failures


def _bad_name(path: Path) -> tuple[str, str]:
    shown = display(path)
    return shown, (f"{shown}: the file name (or a folder name in its path) is not valid UTF-8; "
                   "rename it and import the file again.")


def _walk(root: Path, cache: ManifestCache) -> tuple[list[Path], list[tuple[str, str]]]:
    """Transcript files below ``root`` in name order; symlinked folders are not followed."""
    files: list[Path] = []
    failures: list[tuple[str, str]] = []

    def unreadable(error: OSError) -> None:
        where = display(Path(error.filename or root))
        failures.append((where, f"{where}: cannot be read ({error.strerror})."))

    for folder, subfolders, names in os.walk(root, onerror=unreadable):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        here = Path(folder)
        for name in sorted(names):
            path = here / name
            if not _is_transcript_name(name) or not path.is_file():
                continue
            if has_valid_name(path):
                files.append(path)
            else:
                failures.append(_bad_name(path))
        if has_valid_name(here):
            failures.extend(_manifest_problems(here, cache))
    return files, failures


def _is_transcript_name(name: str) -> bool:
    return (Path(name).suffix.lower() in SUFFIXES and name.lower() not in manifests.MANIFEST_NAMES
            and not name.startswith((".", "~$")))


def _manifest_problems(folder: Path, cache: ManifestCache) -> list[tuple[str, str]]:
    try:
        manifest = _manifest_for(folder, cache)
    except UserError:
        return []  # reported once per file of the folder by prepare()
    if manifest is None:
        return []
    return [(str(manifest.path), f"{manifest.path}: lists the file {name!r}, which does not "
                                 "exist.") for name in manifest.missing_files()]


def _manifest_for(folder: Path, cache: ManifestCache) -> manifests.Manifest | None:
    """The folder's manifest, read once per import; a broken one fails every file there."""
    if folder not in cache:
        found = manifests.find_manifest(folder)
        try:
            cache[folder] = manifests.read_manifest(found) if found is not None else None
        except UserError as exc:
            cache[folder] = exc
    cached = cache[folder]
    if isinstance(cached, UserError):
        raise cached
    return cached


def prepare(path: Path, manifest: manifests.Manifest | None = None) -> Prepared:
    """Read and analyse one file; nothing touches the store."""
    entry = manifest.entries.get(path.name) if manifest else None
    raw = read_transcript(path)
    patterns = (*manifest.speaker_patterns, *DEFAULT_LABEL_PATTERNS) if manifest else \
        DEFAULT_LABEL_PATTERNS
    named = [s.label for s in entry.speakers.values()] if entry else []
    labels = label_regex(patterns, named)
    transcript = split_turns(raw.paragraphs, labels, speakers={normalise_label(n) for n in named})
    texts = [_mask_time_marks(transcript.text[t.start:t.end]) for t in transcript.turns]
    name = (entry.name if entry and entry.name else None) or path.stem
    return Prepared(path, name, raw.encoding, transcript, analyse(texts), entry)


def _mask_time_marks(text: str) -> str:
    """Blank time marks (same length) so they are neither words nor sentences."""
    return TIME_MARK.sub(lambda m: " " * len(m.group()), text)


def store_document(session: Session, item: Prepared, actor: str) -> FileImported:
    text = item.transcript.text
    digest = sha256(text)
    document = session.scalar(select(Document).where(Document.name == item.name))
    warnings = () if item.transcript.turns else (
        f"{item.path}: no speaker labels found; the document has no turns.",)
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
