"""Segment-level agreement as MAXQDA computes it.

A coding of one coder agrees when another coder has the same code on a coding that overlaps
it by at least the given share of both codings' lengths. Each coder's codings are checked;
percent agreement is matched codings over all codings. There are no uncoded units at this
level, so Cohen's kappa and alpha are not defined; Brennan and Prediger's kappa uses chance
1 / (number of codes used), as MAXQDA does.
"""

from __future__ import annotations

from qualcode.agreement.results import CodeAgreement, Disagreement, Selection
from qualcode.agreement.units import DocumentUnits
from qualcode.errors import InvalidInput
from qualcode.i18n import _


def check_overlap(share: float) -> None:
    """The share two codings must overlap by: above 0 (touching is not agreeing), at most 1."""
    if not 0 < share <= 1:
        raise InvalidInput(_("--overlap must be a share between 0 and 1, such as 0.9."))


def segments_match(a: tuple[int, int], b: tuple[int, int], share: float) -> bool:
    """Do two codings overlap by at least ``share`` of both their lengths?"""
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    return overlap > 0 and overlap >= share * (a[1] - a[0]) and overlap >= share * (b[1] - b[0])


def _unmatched(docs: list[DocumentUnits], code_id: int, selection: Selection):  # type: ignore[no-untyped-def]
    """(coder index, document index, coding) for every coding no other coder matches."""
    for d, doc in enumerate(docs):
        for c in range(len(selection.coders)):
            others = [o for o in range(len(selection.coders)) if o != c]
            for span in doc.codings[c].get(code_id, []):
                matched = any(segments_match(span, other, selection.overlap)
                              for o in others for other in doc.codings[o].get(code_id, []))
                yield c, d, span, matched


def segment_agreement(docs: list[DocumentUnits], code_id: int, path: str,
                      selection: Selection) -> CodeAgreement:

    names = selection.coders
    matched = dict.fromkeys(names, 0)
    unmatched = dict.fromkeys(names, 0)
    for c, _doc, _span, ok in _unmatched(docs, code_id, selection):
        (matched if ok else unmatched)[names[c]] += 1
    total = sum(matched.values()) + sum(unmatched.values())
    share = sum(matched.values()) / total if total else None
    return CodeAgreement(path, float(total), share, None, None, None, None, total == 0,
                         total > 0, None, matched, unmatched)


def segment_disagreements(docs: list[DocumentUnits], code_id: int, path: str,
                          selection: Selection) -> list[Disagreement]:

    found = []
    for c, d, (start, end), ok in _unmatched(docs, code_id, selection):
        if not ok:
            coded = {name: (n == c) for n, name in enumerate(selection.coders)}
            found.append(Disagreement(docs[d].document, "segment", start, end, path, coded,
                                      docs[d].text[start:end]))
    return found
