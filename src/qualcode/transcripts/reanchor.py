"""Moving codings from an old version of a text onto a corrected new version.

For each coding, in this order:

1. kept: the new text has the coded text at the same offsets;
2. moved: the coded text maps through a word-level diff of the two versions
   to a range whose text is identical, or occurs elsewhere in the new text
   (the occurrence nearest the diff's estimate is taken);
3. fuzzy: the diff's estimate, or else rapidfuzz's best alignment within a
   window around it, matches the coded text with a score of at least
   ``MIN_SCORE``; the range is snapped outwards to word boundaries;
4. unplaced: none of that worked; the coding stays on the old version.

Nothing is dropped. Offsets are code points; ranges are half-open.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

MIN_SCORE = 85.0
WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Placement:
    status: str  # "kept" | "moved" | "fuzzy" | "unplaced"
    start: int
    end: int
    score: float = 100.0


class OffsetMap:
    """Maps old offsets to new ones through the equal blocks of a word-level diff."""

    def __init__(self, old: str, new: str) -> None:
        old_words = [(m.start(), m.end()) for m in WORD.finditer(old)]
        new_words = [(m.start(), m.end()) for m in WORD.finditer(new)]
        matcher = SequenceMatcher(None, [old[s:e] for s, e in old_words],
                                  [new[s:e] for s, e in new_words], autojunk=False)
        # Character-level anchors (old offset, new offset) from words that are equal.
        self.anchors_old: list[int] = []
        self.anchors_new: list[int] = []
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                (os_, oe), (ns, _) = old_words[block.a + k], new_words[block.b + k]
                self.anchors_old += [os_, oe]
                self.anchors_new += [ns, ns + (oe - os_)]
        self.new_length = len(new)

    def map_start(self, offset: int) -> int:
        """A start offset, counted from the nearest equal word before it."""
        i = bisect.bisect_right(self.anchors_old, offset) - 1
        if i < 0:
            return min(offset, self.new_length)
        return min(self.anchors_new[i] + (offset - self.anchors_old[i]), self.new_length)

    def map_end(self, offset: int) -> int:
        """An end offset, counted back from the nearest equal word after it."""
        j = bisect.bisect_left(self.anchors_old, offset)
        if j >= len(self.anchors_old):
            return self.map_start(offset)
        return max(0, self.anchors_new[j] - (self.anchors_old[j] - offset))


def place(old: str, new: str, spans: list[tuple[int, int, str]]) -> list[Placement]:
    """Where each coding (start, end, coded text) of ``old`` goes in ``new``."""
    offsets = OffsetMap(old, new) if spans else None
    return [_place_one(new, offsets, s, e, coded) for s, e, coded in spans]  # type: ignore[arg-type]


def _place_one(new: str, offsets: OffsetMap, start: int, end: int, coded: str) -> Placement:
    if new[start:end] == coded:
        return Placement("kept", start, end)
    guess_start, guess_end = offsets.map_start(start), offsets.map_end(end)
    if new[guess_start:guess_start + len(coded)] == coded:
        return Placement("moved", guess_start, guess_start + len(coded))
    nearest = _nearest_occurrence(new, coded, guess_start)
    if nearest is not None:
        return Placement("moved", nearest, nearest + len(coded))
    return _fuzzy(new, coded, guess_start, guess_end)


def _nearest_occurrence(text: str, needle: str, near: int) -> int | None:
    best, position = None, text.find(needle)
    while position != -1:
        if best is None or abs(position - near) < abs(best - near):
            best = position
        position = text.find(needle, position + 1)
    return best


def _fuzzy(new: str, coded: str, guess_start: int, guess_end: int) -> Placement:
    from rapidfuzz import fuzz

    if guess_end > guess_start:
        start, end = _snap(new, guess_start, guess_end)
        score = fuzz.ratio(coded, new[start:end])
        if score >= MIN_SCORE:
            return Placement("fuzzy", start, end, round(score, 1))
    margin = max(200, len(coded))
    low = max(0, min(guess_start, guess_end) - margin)
    high = min(len(new), max(guess_start, guess_end) + margin)
    window = new[low:high]
    if not coded.strip() or not window:
        return Placement("unplaced", 0, 0, 0.0)
    alignment = fuzz.partial_ratio_alignment(coded, window, score_cutoff=MIN_SCORE)
    if alignment is None:
        return Placement("unplaced", 0, 0, 0.0)
    start, end = _snap(new, low + alignment.dest_start, low + alignment.dest_end)
    return Placement("fuzzy", start, end, round(alignment.score, 1))


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole words and trim surrounding white space."""
    while start > 0 and not text[start - 1].isspace() and not text[start].isspace():
        start -= 1
    while end < len(text) and end > 0 and not text[end].isspace() and not text[end - 1].isspace():
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
