"""Transcript text in reports: a few example disagreements per weak code (agreement report)
and the codings coders marked as anchor examples (Kodierleitfaden), pseudonymised as quote
tables are.

The privacy gate checks them with everything else a report writes (``reports.gated``,
``services.reports``): a report with an unresolved finding is not written.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from qualcode.agreement.results import Disagreement
from qualcode.exports.quotes import speaker_pseudonyms
from qualcode.models import Coder, Coding, Document, DocumentVersion
from qualcode.store import Store
from qualcode.store.lookup import code_paths
from qualcode.transcripts.turns import TIME_MARK

PER_CODE = 3
EXCERPT_CHARACTERS = 300  # a unit (a whole turn) can be long; the example is its beginning


@dataclass(frozen=True)
class Example:
    code: str
    document: str
    start: int
    end: int
    coded_by: dict[str, bool | None]
    text: str


def examples(store: Store, found: list[Disagreement], weak: list[str]) -> list[Example]:
    """Up to ``PER_CODE`` disagreements for each of the ``weak`` codes, in document order."""
    wanted = set(weak)
    chosen: dict[str, list[Disagreement]] = {code: [] for code in weak}
    for d in sorted(found, key=lambda d: (d.document, d.start, d.end)):
        if d.code in wanted and len(chosen[d.code]) < PER_CODE:
            chosen[d.code].append(d)
    with store.read() as session:
        names = speaker_pseudonyms(session)
    shown = []
    for code in weak:
        for d in chosen[code]:
            text, _found = names.apply(excerpt(d.text))
            shown.append(Example(code, d.document, d.start, d.end, d.coded_by, text or ""))
    return shown


def marked_anchors(store: Store) -> list[Example]:
    """Every coding a coder marked as anchor example, by code path, then document order."""
    with store.read() as session:
        paths = code_paths(session)
        rows = session.execute(
            select(Coding.code_id, Document.name, Coding.start, Coding.end, Coder.name,
                   Coding.text)
            .join(DocumentVersion, DocumentVersion.id == Coding.version_id)
            .join(Document, Document.id == DocumentVersion.document_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coding.is_anchor.is_(True))).all()
        names = speaker_pseudonyms(session)
    shown = [Example(paths[code], document, start, end, {coder: True},
                     names.apply(excerpt(text))[0] or "")
             for code, document, start, end, coder, text in rows]
    shown.sort(key=lambda e: (e.code, e.document, e.start, next(iter(e.coded_by))))
    return shown


def excerpt(text: str) -> str:
    """The text without time marks (as in quote tables), its beginning cut at a word, with "…"
    when it is longer than the excerpt."""
    text = " ".join(TIME_MARK.sub(" ", text).split())
    if len(text) <= EXCERPT_CHARACTERS:
        return text
    cut = text[:EXCERPT_CHARACTERS].rsplit(" ", 1)[0]
    return cut + " …"
