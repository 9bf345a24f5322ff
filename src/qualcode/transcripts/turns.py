"""Splitting a transcript's paragraphs into speaker turns (f4/f5 conventions).

A paragraph that starts with a speaker label (``I:``, ``B1:``, ``TN 3:``,
``Moderation:`` …) opens a turn; a paragraph without one continues the
previous turn. Paragraphs before the dialogue are preamble (title, date,
place) and belong to no turn, even when they look like ``Datum: 14.12.2023``,
because only the speaker label patterns (and the labels the manifest names)
open turns. Time marks like ``#00:12:34-5#`` stay in the text and the first
one of a turn is recorded on it.

Headers often list the people present in label form (``Interviewer: M. Schulte``,
``Befragte: Leiterin Sozialamt (B)``). Which labels are speakers is therefore decided from
the whole document: the dialogue starts at the first labelled paragraph whose label speaks
again later, carries a time mark, or is named by the manifest; labelled lines before it
are preamble. When no label speaks twice (a two-turn interview), every labelled line is a
turn. Inside the dialogue every label opens a turn, also one heard only once.

A text with no speaker label at all (field notes, open survey answers, forum posts) is one
unnamed speaker (label ``UNNAMED``, the empty string): each non-empty paragraph is a turn.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

DEFAULT_LABEL_PATTERNS = (
    r"(?:I|B|M|P|IP|IV|TN|Int|Interviewer(?:in)?|Interviewte[rn]?|Befragte[rn]?"
    r"|Moderation|Moderator(?:in)?|Teilnehmer(?:in)?|Dolmetscher(?:in)?)(?:\s?\d{1,3})?",
    r"[A-Z]{1,3}\d{1,3}",
)
UNNAMED = ""  # the speaker of a text without labels
TIME_MARK = re.compile(r"#\d{1,2}:\d{2}:\d{2}(?:[-.,]\d{1,3})?#")


@dataclass(frozen=True)
class Turn:
    label: str
    start: int
    end: int
    time_mark: str | None


@dataclass(frozen=True)
class Transcript:
    text: str
    turns: list[Turn]


def normalise_label(label: str) -> str:
    return re.sub(r"\s+", "", label)


def label_regex(patterns: Iterable[str] = DEFAULT_LABEL_PATTERNS,
                extra_labels: Iterable[str] = ()) -> re.Pattern[str]:
    extras = sorted({re.escape(label) for label in extra_labels}, key=len, reverse=True)
    alternatives = "|".join([*extras, *(f"(?:{p})" for p in patterns)])
    return re.compile(
        rf"^[ \t]*(?:(?P<lead>{TIME_MARK.pattern})[ \t]*)?(?P<label>{alternatives})[ \t]*:[ \t]*"
    )


def normalise_paragraph(paragraph: str) -> str:
    return unicodedata.normalize("NFC", paragraph.replace("\r", ""))


def split_turns(paragraphs: list[str], labels: re.Pattern[str] | None = None,
                speakers: Collection[str] = ()) -> Transcript:
    """Turns of the paragraphs; ``speakers`` are labels known to speak (from the manifest)."""
    labels = labels or label_regex()
    paragraphs = [normalise_paragraph(p) for p in paragraphs]
    text = "\n".join(paragraphs)
    matches = [_label_match(labels, p) for p in paragraphs]
    start = dialogue_start(paragraphs, matches, speakers)
    if start == len(paragraphs):
        return Transcript(text, paragraph_turns(paragraphs))
    turns: list[dict[str, object]] = []
    offset = 0
    for number, (paragraph, match) in enumerate(zip(paragraphs, matches, strict=True)):
        end = offset + len(paragraph.rstrip())
        if match and number >= start:
            time = match.group("lead") or _first_time_mark(paragraph, match.end())
            turns.append({"label": normalise_label(match.group("label")),
                          "start": offset + match.end(), "end": max(end, offset + match.end()),
                          "time_mark": time})
        elif turns and paragraph.strip():
            current = turns[-1]
            current["end"] = end
            if current["time_mark"] is None:
                current["time_mark"] = _first_time_mark(paragraph, 0)
        offset += len(paragraph) + 1
    return Transcript(text, [Turn(**t) for t in turns])  # type: ignore[arg-type]


def paragraph_turns(paragraphs: list[str]) -> list[Turn]:
    """One unnamed speaker's turn per non-empty paragraph (a text without speaker labels)."""
    turns, offset = [], 0
    for paragraph in paragraphs:
        stripped = paragraph.strip()
        if stripped:
            start = offset + len(paragraph) - len(paragraph.lstrip())
            turns.append(Turn(UNNAMED, start, start + len(stripped),
                              _first_time_mark(paragraph, 0)))
        offset += len(paragraph) + 1
    return turns


def _label_match(labels: re.Pattern[str], paragraph: str) -> re.Match[str] | None:
    match = labels.match(paragraph)
    return match if match and normalise_label(match.group("label")) else None


def dialogue_start(paragraphs: list[str], matches: list[re.Match[str] | None],
                   speakers: Collection[str] = ()) -> int:
    """Index of the paragraph that opens the dialogue (len(paragraphs) when none does)."""
    labelled = [(n, normalise_label(m.group("label"))) for n, m in enumerate(matches) if m]
    if not labelled:
        return len(paragraphs)
    counts = Counter(label for _, label in labelled)
    if max(counts.values()) < 2:
        return labelled[0][0]
    labels = [label for _, label in labelled]
    for k, (number, label) in enumerate(labelled):
        if label in speakers or TIME_MARK.search(paragraphs[number]):
            return number
        if counts[label] > 1 and _opens_an_exchange(labels, k, counts):
            return number
    return next(number for number, label in labelled if counts[label] > 1)


def _opens_an_exchange(labels: list[str], k: int, counts: Counter[str]) -> bool:
    """The reply comes from someone who speaks again, or the opener answers the reply."""
    reply = labels[k + 1] if k + 1 < len(labels) else None
    after = labels[k + 2] if k + 2 < len(labels) else None
    return reply is not None and (counts[reply] > 1 or after == labels[k])


def _first_time_mark(paragraph: str, start: int) -> str | None:
    found = TIME_MARK.search(paragraph, start)
    return found.group(0).strip("#") if found else None
