"""What attributions reveal together: linkage within a document and rare combinations.

- Linkage: when one speaker of a document is attributed by name and place ("Karin Vogt,
  Gemeinde Lindau-Nord") and another speaker of the same document anonymously ("Herr T.,
  Gemeinde, Bayern"), a reader learns the anonymous speaker's municipality. The finding stands
  on the named attribution; the suggestion is the name without the place.
- Rare combinations: an anonymous attribution (role and the profile's anonymous variables)
  that fits fewer than k speakers of the whole study. The suggestion is the coarsest step
  needed: first one variable left out (the last first), then two, …, then the role replaced by
  the profile's fallback role.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from qualcode.privacy.findings import Finding, Part, finding


@dataclass(frozen=True)
class Attributed:
    """A speaker as a quote table would attribute them."""

    document: str
    speaker: str  # the label in the transcript
    named: bool
    attribution: str
    name: str | None
    role: str | None
    place: str | None  # shown after the name of a speaker who agreed
    values: tuple[str | None, ...]  # the anonymous variables, in the profile's order


def linkage(shown: list[Attributed]) -> Iterator[Finding]:
    by_document: dict[str, list[Attributed]] = {}
    for speaker in shown:
        by_document.setdefault(speaker.document, []).append(speaker)
    for document, speakers in by_document.items():
        if not any(not s.named for s in speakers):
            continue
        for speaker in speakers:
            if speaker.named and speaker.place:
                part = Part(document, f"attribution of {speaker.speaker}", speaker.attribution)
                yield finding("linkage", part, 0, len(speaker.attribution), speaker.name or "")


def rare_combinations(shown: list[Attributed], study: list[Attributed], k: int,
                      fallback_role: str) -> Iterator[Finding]:
    """Anonymous attributions in ``shown`` that fewer than ``k`` speakers of ``study`` fit."""
    width = max((len(s.values) for s in study), default=0)
    steps = [(with_role, dropped) for with_role in (True, False)
             for dropped in _coarsenings(width)]
    counts = {step: Counter(_key(s, *step) for s in study) for step in steps}
    seen: set[tuple[str, str]] = set()
    for speaker in shown:
        if speaker.named or (speaker.document, speaker.speaker) in seen:
            continue
        seen.add((speaker.document, speaker.speaker))
        if counts[steps[0]][_key(speaker, *steps[0])] >= k:
            continue
        step = next((s for s in steps if counts[s][_key(speaker, *s)] >= k), steps[-1])
        with_role, dropped = step
        kept = [v for i, v in enumerate(speaker.values) if i not in dropped and v]
        suggestion = ", ".join([(speaker.role if with_role else None) or fallback_role, *kept])
        part = Part(speaker.document, f"attribution of {speaker.speaker}", speaker.attribution)
        yield finding("rare_combination", part, 0, len(speaker.attribution), suggestion)


def _coarsenings(width: int) -> list[tuple[int, ...]]:
    """Which variables to leave out, from none to all, fewer first, later ones first."""
    steps: list[tuple[int, ...]] = []
    for size in range(width + 1):
        steps += sorted(combinations(range(width), size), key=lambda c: [-i for i in c])
    return steps


def _key(speaker: Attributed, with_role: bool, dropped: tuple[int, ...]
         ) -> tuple[str | None, ...]:
    role = (speaker.role or "").casefold() if with_role else None
    return (role, *(v for i, v in enumerate(speaker.values) if i not in dropped))
