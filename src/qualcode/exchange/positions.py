"""How programs count text positions, and moving positions between their counting and ours.

qualcode counts code points into text with ``\\n`` line ends. The REFI-QDA standard says code
points too, but NVivo counts UTF-16 code units (a character beyond the Basic Multilingual Plane,
such as most emoji, counts two). Both count into the plain text file as it is written, so a
``\\r\\n`` counts two; reading moves positions onto the ``\\n`` text.

Which counting a file uses is decided from the writing program (the ``origin`` attribute) and
checked against the selections: a selection fits a counting when both its ends fall on word or
line boundaries. Under the wrong counting a selection after an emoji is shifted into a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

CODE_POINTS = "code points"
UTF16 = "UTF-16 code units"
COUNTINGS = (CODE_POINTS, UTF16)
ASTRAL = re.compile("[\U00010000-\U0010ffff]")
CRLF = re.compile("\r\n")
# Fewer selections than this that tell the countings apart decide nothing.
MIN_EVIDENCE = 5
# A counting wins on fit only by this margin (share of telling selections that fit).
MARGIN = 0.2
# Telling selections checked per source: enough to decide, bounded in time.
CHECKED_PER_SOURCE = 2000


def counting_of_origin(origin: str) -> str:
    """The counting the writing program is known to use (NVivo, or our own UTF-16 export)."""
    lowered = origin.lower()
    return UTF16 if "nvivo" in lowered or "utf-16" in lowered else CODE_POINTS


def _offsets(pattern: re.Pattern[str], text: str) -> np.ndarray:
    return np.fromiter((m.start() for m in pattern.finditer(text)), dtype=np.int64)


@dataclass
class PlainText:
    """A source's text as written in the file, and the ``\\n`` text qualcode stores."""

    raw: str
    text: str = field(init=False)
    astral: np.ndarray = field(init=False)  # code point offsets of astral characters
    astral_utf16: np.ndarray = field(init=False)  # their UTF-16 offsets
    removed: np.ndarray = field(init=False)  # offsets of the \r of every \r\n

    def __post_init__(self) -> None:
        self.text = self.raw.replace("\r\n", "\n").replace("\r", "\n")
        self.astral = _offsets(ASTRAL, self.raw)
        self.astral_utf16 = self.astral + np.arange(len(self.astral), dtype=np.int64)
        self.removed = _offsets(CRLF, self.raw)

    def length(self, counting: str) -> int:
        return len(self.raw) + (len(self.astral) if counting == UTF16 else 0)

    def raw_points(self, offsets: np.ndarray, counting: str) -> tuple[np.ndarray, np.ndarray]:
        """Code point offsets into the raw text, and which offsets are valid."""
        valid = (offsets >= 0) & (offsets <= self.length(counting))
        if counting == CODE_POINTS or not len(self.astral):
            return offsets, valid
        before = np.searchsorted(self.astral_utf16, offsets, side="left")
        inside_pair = np.isin(offsets - 1, self.astral_utf16)
        return offsets - before, valid & ~inside_pair

    def stored(self, raw_points: np.ndarray) -> np.ndarray:
        """Raw code point offsets moved onto the ``\\n`` text."""
        if not len(self.removed):
            return raw_points
        return raw_points - np.searchsorted(self.removed, raw_points, side="left")

    def at_boundary(self, point: int) -> bool:
        if point <= 0 or point >= len(self.raw):
            return True
        return not (_wordy(self.raw[point - 1]) and _wordy(self.raw[point]))


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
    fits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTINGS, 0))
    invalid: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTINGS, 0))
    astral: bool = False  # some source has characters beyond the BMP

    def add(self, plain: PlainText, starts: np.ndarray, ends: np.ndarray) -> None:
        if not len(plain.astral) or not len(starts):
            return
        self.astral = True
        telling = np.nonzero(ends > plain.astral[0])[0][:CHECKED_PER_SOURCE]
        self.telling += len(telling)
        for counting in COUNTINGS:
            s, s_ok = plain.raw_points(starts[telling], counting)
            e, e_ok = plain.raw_points(ends[telling], counting)
            ok = s_ok & e_ok & (s < e)
            self.invalid[counting] += int((~ok).sum())
            self.fits[counting] += sum(
                1 for a, b, good in zip(s.tolist(), e.tolist(), ok.tolist(), strict=True)
                if good and plain.at_boundary(a) and plain.at_boundary(b))


@dataclass(frozen=True)
class Decision:
    counting: str
    reason: str
    warning: str | None = None


def decide(origin: str, evidence: Evidence) -> Decision:
    """The counting to read a file with, why, and a warning when the evidence is unclear."""
    said = counting_of_origin(origin)
    named = f"origin {origin!r}" if origin else "no origin"
    if origin.lower().startswith("qualcode"):
        return Decision(said, f"{named}: qualcode names the counting it writes")
    if not evidence.astral or not evidence.telling:
        return Decision(said, "code points and UTF-16 agree for every selection (no character "
                              "beyond the Basic Multilingual Plane precedes one)")
    other = UTF16 if said == CODE_POINTS else CODE_POINTS
    fits = evidence.fits
    summary = (f"{fits[UTF16]} of {evidence.telling} telling selections fit word boundaries "
               f"as UTF-16 code units, {fits[CODE_POINTS]} as code points")
    if evidence.invalid[said] and not evidence.invalid[other]:
        return Decision(other, f"{named}, but {evidence.invalid[said]} selections are impossible "
                               f"as {said}; {summary}",
                        f"the file's origin suggests {said}, but its selections only fit {other}; "
                        f"read as {other}.")
    if evidence.telling < MIN_EVIDENCE:
        return Decision(said, f"{named}; {summary}",
                        f"too few selections ({evidence.telling}) to check that positions are "
                        f"{said} as the file's origin suggests; read as {said}.")
    share = {c: fits[c] / evidence.telling for c in COUNTINGS}
    if share[said] >= share[other]:
        return Decision(said, f"{named}; {summary}")
    if share[other] - share[said] >= MARGIN and share[other] >= 0.5:
        return Decision(other, f"{named}; {summary}",
                        f"the file's origin suggests {said}, but its selections fit {other} "
                        f"better; read as {other}.")
    return Decision(said, f"{named}; {summary}",
                    f"the selections fit neither counting clearly; read as {said} as the "
                    "file's origin suggests - check a few codings.")
