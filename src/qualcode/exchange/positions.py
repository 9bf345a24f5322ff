"""How programs count text positions, and moving positions between their counting and ours.

qualcode counts code points into text with ``\\n`` line ends. The REFI-QDA standard says code
points too, but NVivo counts UTF-16 code units (a character beyond the Basic Multilingual Plane,
such as most emoji, counts two). Positions are taken to count into the plain text file as it is
written, so a ``\\r\\n`` counts two; a program that counted it as one (as if the file had
``\\n`` line ends) is recognised by the fit below. Reading moves positions onto the ``\\n``
text.

Which counting a file uses is decided from the writing program (the ``origin`` attribute) and
checked against the selections: a selection fits a counting when both its ends fall on word or
line boundaries. Under the wrong counting a selection after an emoji is shifted into a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from qualcode.i18n import N_, _

CODE_POINTS = N_("code points")
UTF16 = N_("UTF-16 code units")
ASTRAL = re.compile("[\U00010000-\U0010ffff]")
CRLF = re.compile("\r\n")
# Fewer selections than this that tell the countings apart decide nothing.
MIN_EVIDENCE = 5
# A counting wins on fit only by this margin (share of telling selections that fit).
MARGIN = 0.2
# Telling selections checked per source: enough to decide, bounded in time.
CHECKED_PER_SOURCE = 2000


@dataclass(frozen=True)
class Counting:
    unit: str  # CODE_POINTS or UTF16
    crlf_as_one: bool = False  # a \r\n counts as one (as if the file had \n line ends)

    @property
    def label(self) -> str:
        unit = _(self.unit)
        return _("{unit}, \\r\\n as one").format(unit=unit) if self.crlf_as_one else unit


COUNTINGS = tuple(Counting(unit, one) for one in (False, True) for unit in (CODE_POINTS, UTF16))


def counting_of_origin(origin: str) -> Counting:
    """The counting the writing program is known to use (NVivo, or our own UTF-16 export)."""
    lowered = origin.lower()
    return Counting(UTF16 if "nvivo" in lowered or "utf-16" in lowered else CODE_POINTS)


def _offsets(pattern: re.Pattern[str], text: str) -> np.ndarray:
    return np.fromiter((m.start() for m in pattern.finditer(text)), dtype=np.int64)


@dataclass
class PlainText:
    """A source's text as written in the file, and the ``\\n`` text qualcode stores."""

    raw: str
    text: str = field(init=False)
    removed: np.ndarray = field(init=False)  # offsets of the \r of every \r\n
    astral: dict[bool, np.ndarray] = field(init=False)  # UTF-16 offsets of astral characters
    # in the raw text (False) and in the \n text (True)

    def __post_init__(self) -> None:
        self.text = self.raw.replace("\r\n", "\n").replace("\r", "\n")
        self.removed = _offsets(CRLF, self.raw)
        self.astral = {one: _utf16_offsets(text) for one, text in
                       ((False, self.raw), (True, self.text))}

    def first_difference(self) -> int | None:
        """The first code point offset before which all countings agree, if any differ."""
        firsts = [int(a[0]) for a in (self.astral[False], self.removed) if len(a)]
        return min(firsts) if firsts else None

    def length(self, counting: Counting) -> int:
        base = self.text if counting.crlf_as_one else self.raw
        return len(base) + (len(self.astral[counting.crlf_as_one]) if counting.unit == UTF16
                            else 0)

    def to_stored(self, offsets: np.ndarray, counting: Counting) -> tuple[np.ndarray, np.ndarray]:
        """Offsets as code points into the ``\\n`` text, and which offsets are valid."""
        valid = (offsets >= 0) & (offsets <= self.length(counting))
        astral = self.astral[counting.crlf_as_one]
        points = offsets
        if counting.unit == UTF16 and len(astral):
            points = offsets - np.searchsorted(astral, offsets, side="left")
            valid &= ~np.isin(offsets - 1, astral)
        if not counting.crlf_as_one and len(self.removed):
            points = points - np.searchsorted(self.removed, points, side="left")
        return points, valid

    def at_boundary(self, point: int) -> bool:
        if point <= 0 or point >= len(self.text):
            return True
        return not (_wordy(self.text[point - 1]) and _wordy(self.text[point]))


def _utf16_offsets(text: str) -> np.ndarray:
    astral = _offsets(ASTRAL, text)
    return astral + np.arange(len(astral), dtype=np.int64)


def _wordy(char: str) -> bool:
    return char.isalnum() or char in "_-'’"


def to_utf16(text: str, offsets: list[int]) -> list[int]:
    """Code point offsets into ``text`` as UTF-16 code unit offsets."""
    astral = _offsets(ASTRAL, text)
    if not len(astral):
        return offsets
    shifted = np.asarray(offsets, dtype=np.int64)
    return (shifted + np.searchsorted(astral, shifted, side="left")).tolist()


@dataclass
class Evidence:
    """How well the selections of a file fit each counting."""

    telling: int = 0  # selections whose ends differ between the countings
    fits: dict[Counting, int] = field(default_factory=lambda: dict.fromkeys(COUNTINGS, 0))
    invalid: dict[Counting, int] = field(default_factory=lambda: dict.fromkeys(COUNTINGS, 0))

    def add(self, plain: PlainText, starts: np.ndarray, ends: np.ndarray) -> None:
        first = plain.first_difference()
        if first is None or not len(starts):
            return
        telling = np.nonzero(ends > first)[0][:CHECKED_PER_SOURCE]
        self.telling += len(telling)
        for counting in COUNTINGS:
            s, s_ok = plain.to_stored(starts[telling], counting)
            e, e_ok = plain.to_stored(ends[telling], counting)
            ok = s_ok & e_ok & (s < e)
            self.invalid[counting] += int((~ok).sum())
            self.fits[counting] += sum(
                1 for a, b, good in zip(s.tolist(), e.tolist(), ok.tolist(), strict=True)
                if good and plain.at_boundary(a) and plain.at_boundary(b))


@dataclass(frozen=True)
class Decision:
    counting: Counting
    reason: str
    warning: str | None = None


def decide(origin: str, evidence: Evidence) -> Decision:
    """The counting to read a file with, why, and a warning when the evidence is unclear."""
    said = counting_of_origin(origin)
    named = _("origin {origin!r}").format(origin=origin) if origin else _("no origin")
    if origin.lower().startswith("qualcode"):
        return Decision(said, _("{named}: qualcode names the counting it writes")
                              .format(named=named))
    if not evidence.telling:
        return Decision(said, _("all countings agree for every selection (none follows a "
                                "character beyond the Basic Multilingual Plane or a \\r\\n)"))
    fits, telling = evidence.fits, evidence.telling
    summary = (_("of {telling} telling selections, ").format(telling=telling) + ", ".join(
        _("{fits} fit word boundaries as {label}")
        .format(fits=fits[c], label=c.label) for c in COUNTINGS))
    others = sorted((c for c in COUNTINGS if c != said),
                    key=lambda c: (fits[c], c.unit == said.unit), reverse=True)
    possible = [c for c in others if not evidence.invalid[c]]
    if evidence.invalid[said] and possible:
        best = possible[0]
        return Decision(best, _("{named}, but {invalid} selections are impossible as {label}; "
                                "{summary}")
                              .format(named=named, invalid=evidence.invalid[said],
                                      label=said.label, summary=summary),
                        _("the file's origin suggests {label}, but its selections only fit "
                          "{best}; read as {best}.")
                        .format(label=said.label, best=best.label))
    if telling < MIN_EVIDENCE:
        return Decision(said, f"{named}; {summary}",
                        _("too few selections ({telling}) to check that positions are {label} as "
                          "the file's origin suggests; read so.")
                        .format(telling=telling, label=said.label))
    best = others[0]
    if fits[said] >= fits[best]:
        return Decision(said, f"{named}; {summary}")
    if (fits[best] - fits[said]) / telling >= MARGIN and fits[best] / telling >= 0.5:
        return Decision(best, f"{named}; {summary}",
                        _("the file's origin suggests {label}, but its selections fit {best} "
                          "better; read as {best}.").format(label=said.label, best=best.label))
    return Decision(said, f"{named}; {summary}",
                    _("the selections fit no counting clearly; read as {label} as the file's "
                      "origin suggests - check a few codings.").format(label=said.label))
