"""A finding: a passage that may identify a person, where it is, and what could replace it.

``start`` and ``end`` are code points into the text that was checked (a document's text, or
one part of an export file such as a cell), half-open as everywhere.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from qualcode.i18n import N_

CONTEXT = 40  # code points of text shown on either side of a finding

# kind -> what a person reads about it (translated where shown)
KINDS = {
    "speaker_name": N_("name of a speaker who did not agree to be named"),
    "person_name": N_("name of a person"),
    "stop_list": N_("name on the project's stop list"),
    "phone": N_("telephone number"),
    "email": N_("e-mail address"),
    "web": N_("web address"),
    "iban": N_("IBAN"),
    "postcode_place": N_("postcode and place"),
    "street": N_("street and house number"),
    "birth_date": N_("date of birth"),
    "car_plate": N_("car number plate"),
    "tax_id": N_("tax number"),
    "social_insurance": N_("social insurance number"),
    "linkage": N_("named attribution that reveals where an anonymous speaker is from"),
    "rare_combination": N_("attribution that fits fewer than k speakers"),
}


@dataclass(frozen=True)
class Part:
    """A text to check: which document it comes from (or ""), and where it stands."""

    document: str
    where: str  # "text", "memo", "row 3, quote", "sheet name", "footer" …
    text: str
    offset: int = 0  # where ``text`` starts in the document (a quote's start)


@dataclass(frozen=True)
class Finding:
    kind: str
    document: str
    where: str
    start: int
    end: int
    found: str
    context: str
    suggestion: str

    @property
    def key(self) -> str:
        """Identifies the finding without its text: a review file accepts findings by key."""
        raw = "\x1f".join((self.kind, self.document, self.where, str(self.start), self.found))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]

    @property
    def passage(self) -> str:
        """The hash of the passage found, which a "not identifying" mark keeps (not the text)."""
        return passage_hash(self.found)


def passage_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()


def finding(kind: str, part: Part, start: int, end: int, suggestion: str) -> Finding:
    """A finding at [start, end) of ``part``; offsets counted in the document."""
    text = part.text
    before = text[max(0, start - CONTEXT):start]
    after = text[end:end + CONTEXT]
    context = " ".join(f"{before}[{text[start:end]}]{after}".split())
    return Finding(kind, part.document, part.where, part.offset + start, part.offset + end,
                   text[start:end], context, suggestion)
