"""Names of speakers who did not agree to be named, replaced in every text a quote table shows.

One regex per table finds a name with its honorific as one unit: "Frau Dr. Brandt",
"Herrn Müller", "Hans Müller", in any case ("MÜLLER", "müller") and either spelling of
ä/ö/ü/ß (ae/oe/ue/ss); a genitive ending stays after the stand-in ("Frau Brandts Vorschlag"
-> "[Frau B.]s Vorschlag"). Parts under three letters ("Li") count only as a whole word in
the manifest's spelling or all in capitals. Capitalised words that are slightly misspelled
names ("Reutter" for Reuter) are found by fuzzy matching and added to the regex. A lower-case
form that is an ordinary German word ("ich weiß" for Weiß) is kept.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process

NAME_SCORE = 85
SHORT = 3  # parts shorter than this match only exactly
FUZZY_LENGTH = 5  # parts at least this long also match slightly misspelled words
WORD = re.compile(r"\w+")
SPELLINGS = (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"))
HONORIFIC = r"(?:(?i:herrn?|frau|hr\.|fr\.)\s+)?(?:(?i:dr|prof)\.\s*)*"
GENITIVE = r"(?:s|['’]s?)"
UNKNOWN = "[Person]"


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower case with ä/ö/ü/ß spelled out, so that every spelling of a name compares equal."""
    word = word.casefold()
    for letter, spelled in SPELLINGS:
        word = word.replace(letter, spelled)
    return word


class Pseudonyms:
    """What replaces whom; ``apply`` returns the text and the (found, replaced by) pairs."""

    def __init__(self, refusing: list[tuple[str, str]], agreeing: list[str]) -> None:
        self._owners: dict[str, set[str]] = {}
        self._short: set[str] = set()
        for name, stand_in in refusing:
            for part in WORD.findall(name):
                self._owners.setdefault(fold(part), set()).add(stand_in)
                if len(part) < SHORT:
                    self._short |= {part, part.upper()}
        agreed_parts = {fold(p) for name in agreeing for p in WORD.findall(name)}
        self._kept = sorted({" ".join(WORD.findall(name)) for name in agreeing
                             if any(fold(p) in self._owners for p in WORD.findall(name))},
                            key=len, reverse=True)
        self._fuzzy_parts = [p for p in self._owners
                             if len(p) >= FUZZY_LENGTH and p not in agreed_parts]
        self._known = set(self._owners) | agreed_parts
        self._variants: dict[str, str] = {}  # misspelled word -> the folded part it stands for
        self._checked: set[str] = set()
        self._plain: set[str] = set()  # words that are no name (until a misspelling is learned)
        self._pattern = self._compile() if self._owners else None

    def apply(self, text: str | None) -> tuple[str | None, list[tuple[str, str]]]:
        if not text or self._pattern is None:
            return text, []
        if not self._may_name_someone(set(WORD.findall(text))):
            return text, []  # most texts name nobody: spare them the long regex
        found: list[tuple[str, str]] = []
        return self._pattern.sub(lambda m: self._replace(m, found), text), found

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Where ``apply`` would replace a name: (start, end, stand-in) of each unit."""
        if not text or self._pattern is None:
            return []
        if not self._may_name_someone(set(WORD.findall(text))):
            return []
        return [(m.start(), end, out) for m in self._pattern.finditer(text)
                if (replaced := self._replacement(m)) is not None
                for out, end in [replaced]]

    def _replace(self, match: re.Match[str], found: list[tuple[str, str]]) -> str:
        replaced = self._replacement(match)
        if replaced is None:
            return match[0]
        out, end = replaced
        found.append((match.string[match.start():end], out))
        return out + match.string[end:match.end()]

    def _replacement(self, match: re.Match[str]) -> tuple[str, int] | None:
        """The stand-in and where the replaced unit ends: an ordinary lower-case word after
        the name ("Frau Weiß weiß es") is no part of it and stays."""
        name = match["name"]
        if name is None:
            return None
        words = list(WORD.finditer(name))
        while words and words[-1][0].islower() and _ordinary(words[-1][0]):
            words.pop()
        if not words:
            return None
        if len(words) == len(WORD.findall(name)):
            return (self._stand_in([w[0] for w in words]) + (match["genitive"] or ""),
                    match.end())
        return self._stand_in([w[0] for w in words]), match.start("name") + words[-1].end()

    def _stand_in(self, words: list[str]) -> str:
        owners = [self._owners.get(self._variants.get(fold(w), fold(w)), set()) for w in words]
        known = [o for o in owners if o]
        shared = set.intersection(*known) if known else set()
        candidates = shared or (known[-1] if known else set())
        return next(iter(candidates)) if len(candidates) == 1 else UNKNOWN

    def _may_name_someone(self, words: set[str]) -> bool:
        """Whether any word may be a name; words seen before cost one set difference."""
        words -= self._plain
        if not words:
            return False
        self._learn_misspellings(words)
        found = False
        for word in words:
            if self._may_be_name(word):
                found = True
            else:
                self._plain.add(word)
        return found

    def _may_be_name(self, word: str) -> bool:
        # short parts are owners too: their folded form is in ``_owners``
        folded, stem = fold(word), fold(word.removesuffix("s"))
        return any(f in self._owners or f in self._variants for f in (folded, stem))

    def _learn_misspellings(self, words: set[str]) -> None:
        """Add capitalised words close to a name part; one recompile per text that has any."""
        if not self._fuzzy_parts:
            return
        learned = False
        for word in words - self._checked:
            self._checked.add(word)
            if len(word) < FUZZY_LENGTH - 1 or not word[0].isupper():
                continue
            stem, part = word, self._close_part(word)
            if part is None and word.endswith("s"):
                stem, part = word[:-1], self._close_part(word[:-1])
            if part:
                self._variants[fold(stem)] = part
                learned = True
        if learned:
            self._plain.clear()
            self._pattern = self._compile()

    def _close_part(self, word: str) -> str | None:
        folded = fold(word)
        if folded in self._known or folded.removesuffix("s") in self._known:
            return None  # the regex has it already, or it is someone who agreed
        best = process.extractOne(folded, self._fuzzy_parts, scorer=fuzz.ratio,
                                  score_cutoff=NAME_SCORE)
        if best is None or abs(len(best[0]) - len(folded)) > 3:
            return None
        return str(best[0])

    def _compile(self) -> re.Pattern[str]:
        forms = [_spellings(p) for p in self._owners if len(p) >= SHORT]
        forms += [re.escape(s) for s in self._short]
        forms += [_spellings(v) for v in self._variants]
        forms.sort(key=len, reverse=True)
        part = "(?:" + "|".join(forms) + ")"
        kept = "|".join("(?i:" + r"\s+".join(map(re.escape, k.split())) + ")"
                        for k in self._kept)
        unit = (f"(?P<title>{HONORIFIC})(?P<name>{part}(?:(?:\\s+|-){part})*)"
                f"(?P<genitive>{GENITIVE})?")
        alternatives = f"(?P<kept>{kept})|{unit}" if kept else unit
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _spellings(folded: str) -> str:
    """A case-blind pattern for every spelling of a folded part: "mueller" -> m(?:ue|ü)ller."""
    pieces, index = [], 0
    while index < len(folded):
        pair = folded[index:index + 2]
        letter = next((letter for letter, spelled in SPELLINGS if spelled == pair), None)
        if letter:
            pieces.append(f"(?:{pair}|{letter})")
            index += 2
        else:
            pieces.append(re.escape(folded[index]))
            index += 1
    return "(?i:" + "".join(pieces) + ")"


@lru_cache(maxsize=4096)
def _ordinary(word: str) -> bool:
    """A lower-case word German uses anyway ("weiß" -> wissen), not a name ("müller")."""
    import simplemma

    lemma = simplemma.lemmatize(word, lang="de")
    return simplemma.is_known(word, lang="de") and lemma[:1].islower()


@lru_cache(maxsize=8)
def shared_pseudonyms(refusing: tuple[tuple[str, str], ...], agreeing: tuple[str, ...]
                      ) -> Pseudonyms:
    """One ``Pseudonyms`` per manifest in a process: the quote table and the privacy gate
    share what it learned (misspellings, which words may be names) instead of learning twice.
    """
    return Pseudonyms(list(refusing), list(agreeing))

