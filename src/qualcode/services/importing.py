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

from qualcode.errors import InvalidInput, QualcodeError, UserError
from qualcode.i18n import _
from qualcode.profile.spec import Profile
from qualcode.progress import Progress
from qualcode.services.profile import project_profile
from qualcode.store import Store
from qualcode.transcripts import manifest as manifests
from qualcode.transcripts.nlp import analyse
from qualcode.transcripts.readers import SUFFIXES, read_transcript
from qualcode.transcripts.storing import FileImported, Prepared, store_document
from qualcode.transcripts.turns import (
    DEFAULT_LABEL_PATTERNS,
    TIME_MARK,
    label_regex,
    normalise_label,
    split_turns,
)


@dataclass
class ImportReport:
    imported: list[FileImported] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


# Each folder's manifest, read once per import; a broken one is kept as its error.
@dataclass
class ManifestCache:
    """Each folder's manifest, read once per import against the project's profile; a broken
    one is kept as its error."""

    profile: Profile
    read: dict[Path, manifests.Manifest | UserError | None] = field(default_factory=dict)


class ImportInterrupted(QualcodeError):
    """An unexpected error while storing; the files stored before it stay imported."""

    def __init__(self, report: ImportReport, path: Path, cause: Exception, total: int) -> None:
        self.report = report
        done = len(report.imported)
        super().__init__(
            _("{path}: the import stopped with an internal error ({kind}); {done} of "
              "{total} files were imported, this file and the ones after it were not (set "
              "QUALCODE_DEBUG=1 for the traceback).")
            .format(path=display(path), kind=type(cause).__name__, done=done, total=total))


def import_paths(store: Store, paths: list[Path], *, strict: bool = False,
                 progress: Progress | None = None, actor: str = "system") -> ImportReport:
    report = ImportReport()
    folder_manifests = ManifestCache(project_profile(store))
    files, failures = expand(paths, folder_manifests)
    report.failed.extend(failures)
    prepared = _prepare_all(files, folder_manifests, report, progress)
    if strict:
        if report.failed:
            problems = " ".join(message for _path, message in report.failed)
            raise InvalidInput(_("Nothing was imported (--strict); {problems}")
                               .format(problems=problems))
        with store.write() as session:
            report.imported = [store_document(session, p, actor) for p in prepared]
        return report
    for number, item in enumerate(prepared):
        try:
            if progress:
                progress(number, len(prepared), _("storing {name}").format(name=item.name))
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
            progress(number, len(files), _("reading {name}").format(name=path.name))
        try:
            item = prepare(path, _manifest_for(path.parent, folder_manifests))
        except UserError as exc:
            report.failed.append((display(path), str(exc)))
            continue
        first = taken.setdefault(item.name, item)
        if first is not item and first.transcript.text != item.transcript.text:
            # not a silent new version from a sibling folder; the same text is "unchanged"
            report.failed.append((str(path), _("{path}: gives the document name {name!r} like "
                                               "{other}, with another text; rename one file or "
                                               "name them apart in a manifest.")
                                             .format(path=path, name=item.name, other=first.path)))
            continue
        prepared.append(item)
    if progress:
        progress(len(files), len(files), _("reading transcripts"))
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
                empty.append(_("{path}: no transcript files ({suffixes}) in this folder or its "
                               "subfolders.")
                             .format(path=display(path), suffixes=", ".join(sorted(SUFFIXES))))
                failures.append((display(path), empty[-1]))
        elif not has_valid_name(path):
            failures.append(_bad_name(path))
        elif path.exists():
            files.append(path)
        else:
            failures.append((str(path), _("{path}: no such file or folder.").format(path=path)))
    if empty and len(empty) == len(failures) == len(paths):
        raise InvalidInput(_("{problems} Nothing was imported.").format(problems=" ".join(empty)))
    return files, failures


def _bad_name(path: Path) -> tuple[str, str]:
    shown = display(path)
    return shown, (_("{path}: the file name (or a folder name in its path) is not valid UTF-8; "
                     "rename it and import the file again.").format(path=shown))


def _walk(root: Path, cache: ManifestCache) -> tuple[list[Path], list[tuple[str, str]]]:
    """Transcript files below ``root`` in name order; symlinked folders are not followed."""
    files: list[Path] = []
    failures: list[tuple[str, str]] = []

    def unreadable(error: OSError) -> None:
        where = display(Path(error.filename or root))
        failures.append((where, _("{where}: cannot be read ({strerror}).")
                                .format(where=where, strerror=error.strerror)))

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
    missing = _("{path}: lists the file {name!r}, which does not exist.")
    return [(str(manifest.path), missing.format(path=manifest.path, name=name))
            for name in manifest.missing_files()]


def _manifest_for(folder: Path, cache: ManifestCache) -> manifests.Manifest | None:
    """The folder's manifest, read once per import; a broken one fails every file there."""
    if folder not in cache.read:
        found = manifests.find_manifest(folder)
        try:
            cache.read[folder] = (manifests.read_manifest(found, cache.profile)
                                  if found is not None else None)
        except UserError as exc:
            cache.read[folder] = exc
    cached = cache.read[folder]
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
