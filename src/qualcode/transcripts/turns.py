"""Splitting a transcript's paragraphs into speaker turns (f4/f5 conventions).

A paragraph that starts with a speaker label (``I:``, ``B1:``, ``TN 3:``,
``Moderation:`` …) opens a turn; a paragraph without one continues the
previous turn. Paragraphs before the first label are preamble (title, date,
place) and belong to no turn, even when they look like ``Datum: 14.12.2023``,
because only the speaker label patterns (and the labels the manifest names)
open turns. Time marks like ``#00:12:34-5#`` stay in the text and the first
one of a turn is recorded on it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_LABEL_PATTERNS = (
    r"(?:I|B|M|P|IP|IV|TN|Int|Interviewer(?:in)?|Interviewte[rn]?|Befragte[rn]?"
    r"|Moderation|Moderator(?:in)?|Teilnehmer(?:in)?|Dolmetscher(?:in)?)(?:\s?\d{1,3})?",
    r"[A-Z]{1,3}\d{1,3}",
)
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


def split_turns(paragraphs: list[str], labels: re.Pattern[str] | None = None) -> Transcript:
    labels = labels or label_regex()
    paragraphs = [normalise_paragraph(p) for p in paragraphs]
    text = "\n".join(paragraphs)
    turns: list[dict[str, object]] = []
    offset = 0
    for paragraph in paragraphs:
        match = labels.match(paragraph)
        end = offset + len(paragraph.rstrip())
        if match:
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


def _first_time_mark(paragraph: str, start: int) -> str | None:
    found = TIME_MARK.search(paragraph, start)
    return found.group(0).strip("#") if found else None
