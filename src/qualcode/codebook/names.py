"""What a user may type for a code: its path, its name, its hotkey, or an unambiguous prefix.

Resolution tries the exact forms first (path, name, hotkey), then the same ignoring case,
then a prefix of a name or path that fits one code only. When nothing fits, the error names
the closest codes (rapidfuzz), so a typo costs one more try, not a look into the codebook.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qualcode.errors import InvalidInput, NotFound

SEPARATOR = "/"
SUGGESTIONS = 3
LISTED = 5


@dataclass(frozen=True)
class CodeName:
    id: int
    path: str
    hotkey: str | None

    @property
    def name(self) -> str:
        return self.path.rsplit(SEPARATOR, 1)[-1]


def resolve_code(ref: str, codes: Sequence[CodeName]) -> int:
    """The id of the one code ``ref`` names; NotFound or InvalidInput (ambiguous) otherwise."""
    wanted = ref.strip().strip(SEPARATOR)
    folded = wanted.casefold()
    rules: list[Callable[[CodeName], bool]] = [
        lambda c: c.path == wanted,
        lambda c: c.name == wanted,
        lambda c: c.hotkey is not None and c.hotkey == wanted,
        lambda c: c.path.casefold() == folded or c.name.casefold() == folded,
        lambda c: c.name.casefold().startswith(folded) or c.path.casefold().startswith(folded),
    ]
    for rule in rules:
        found = [c for c in codes if wanted and rule(c)]
        if len(found) == 1:
            return found[0].id
        if found:
            raise InvalidInput(f"{ref!r} fits {len(found)} codes; name one of them: "
                               f"{_listed(sorted(c.path for c in found))}.")
    raise NotFound(f"There is no code {ref!r} in the codebook{_closest(wanted, codes)}.")


def _closest(wanted: str, codes: Sequence[CodeName]) -> str:
    from rapidfuzz import process

    choices = {c.id: c.name for c in codes}
    best = process.extract(wanted, choices, scorer=_likeness, limit=SUGGESTIONS,
                           score_cutoff=55)
    if not best:
        return ""
    paths = {c.id: c.path for c in codes}
    return "; the closest are " + ", ".join(repr(paths[key]) for _, _, key in best)


def _likeness(typed: str, name: str, **_: object) -> float:
    """WRatio forgives a part typed of a long name, QRatio a typo in a whole name."""
    from rapidfuzz import fuzz, utils

    return (fuzz.WRatio(typed, name, processor=utils.default_process)
            + fuzz.QRatio(typed, name, processor=utils.default_process)) / 2


def _listed(paths: list[str]) -> str:
    shown = ", ".join(paths[:LISTED])
    return shown + (f" and {len(paths) - LISTED} more" if len(paths) > LISTED else "")
