"""Names in a text: speakers who did not agree, other people, and the project's stop list.

- Speakers of the manifest who did not agree to be named: every form ``Pseudonyms`` replaces
  (case, ae/oe/ue/ss spellings, short parts, honorific and name as one unit).
- Other people: an honorific and a capitalised word ("Herr Krause", "Frau Dr. Yilmaz"), unless
  the word names a role ("Frau Bürgermeisterin"); a first name of the shipped list followed by
  a capitalised word ("Olena Kovalenko"), unless the first name is an ordinary German word
  ("Will", "Bitte": ``data/ordinary_words.txt``). Names of speakers who agreed are left alone.
- Names on the project's stop list, wherever they stand, in any case and spelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from qualcode.exports.pseudonyms import Pseudonyms, fold, shared_pseudonyms

Hit = tuple[str, int, int, str]
DATA = Path(__file__).parent / "data" / "nam_dict.txt"
ORDINARY = Path(__file__).parent / "data" / "ordinary_words.txt"
NAME_COLUMN = slice(3, 29)
SORTING_COLUMN = 29  # "+": a line repeated with spelled-out umlauts, skipped
LOWER = r"[a-zäöüßçğışéèáàóúñ'’]"
CAPITALISED = rf"[A-ZÄÖÜ]{LOWER}+(?:-[A-ZÄÖÜ]?{LOWER}+)*"  # "Al-Hassan", "Müller-Lüdenscheidt"
HONORIFIC_NAME = re.compile(
    rf"(?<!\w)(?:Herrn?|Frau|Hr\.|Fr\.)\s+(?:(?:Dr|Prof)\.\s*)*(?P<name>{CAPITALISED})"
    rf"(?:\s+(?P<second>{CAPITALISED}))?")
# The surname in a lookahead, so that "Gestern Olena Kovalenko" also tries "Olena".
TWO_WORDS = re.compile(rf"(?<![\w.])(?P<first>{CAPITALISED})(?=\s+(?P<last>{CAPITALISED})(?!\w))")
ROLE_ENDINGS = ("meister", "meisterin", "rat", "rätin", "direktor", "direktorin",
                "beauftragte", "beauftragter", "leiter", "leiterin", "präsident",
                "präsidentin", "minister", "ministerin", "kollege", "kollegin", "nachbar",
                "nachbarin", "pfarrer", "pfarrerin", "doktor", "professor", "professorin",
                "vorsitzende", "vorsitzender", "kommissar", "kommissarin", "richter",
                "richterin", "anwalt", "anwältin", "sprecher", "sprecherin")
UNKNOWN = "[Person]"
# In the name list, but in a German text mostly a month or a day.
CALENDAR = frozenset({"januar", "februar", "maerz", "april", "mai", "juni", "juli", "august",
                      "september", "oktober", "november", "dezember", "montag", "dienstag",
                      "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "ostern",
                      "pfingsten", "weihnachten"})


@cache
def first_names() -> frozenset[str]:
    """Folded first names of the shipped dictionary ("Jun+Wei" gives "jun", "wei", "junwei")."""
    lines = DATA.read_text(encoding="utf-8").splitlines()
    raw = {line[NAME_COLUMN].strip() for line in lines
           if line[:1] not in "#=" and len(line) > SORTING_COLUMN
           and line[SORTING_COLUMN] != "+"}
    names = {part for name in raw if "+" in name for part in name.split("+")}
    names |= {name.replace("+", "") for name in raw}
    return frozenset(folded for name in names if len(folded := _fold_plain(name)) >= 3)


def _fold_plain(word: str) -> str:
    """``fold`` without its cache: 45,000 names would only push the text's words out of it."""
    word = word.casefold()
    for letter, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        word = word.replace(letter, spelled)
    return word


@cache
def _ordinary_words() -> frozenset[str]:
    with ORDINARY.open(encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip()
                         and not line.startswith("#"))


def _ordinary_word(word: str) -> bool:
    """A word German uses anyway ("Will" -> wollen, "Bitte"), not only as a first name."""
    return word.lower() in _ordinary_words()


def _is_role(word: str) -> bool:
    return word.casefold().endswith(ROLE_ENDINGS)


@dataclass
class NameFinder:
    """Finds names in texts for one project: its manifest's speakers and its stop list."""

    refusing: list[tuple[str, str]]  # (name, stand-in)
    agreeing: list[str]
    stop_list: list[str]

    def __post_init__(self) -> None:
        self._speakers = shared_pseudonyms(tuple(self.refusing), tuple(self.agreeing))
        self._stop = Pseudonyms([(n, UNKNOWN) for n in self.stop_list], []) \
            if self.stop_list else None
        self._manifest = {fold(p) for n in [*self.agreeing, *(r for r, _ in self.refusing)]
                          for p in re.findall(r"\w+", n)}

    def names(self, text: str) -> Iterator[Hit]:
        taken: list[tuple[int, int]] = []
        for hit in self._all(text):
            if not any(hit[1] < e and s < hit[2] for s, e in taken):
                taken.append((hit[1], hit[2]))
                yield hit

    def _all(self, text: str) -> Iterable[Hit]:
        for start, end, stand_in in self._speakers.spans(text):
            yield "speaker_name", start, end, stand_in
        if self._stop is not None:
            for start, end, stand_in in self._stop.spans(text):
                yield "stop_list", start, end, stand_in
        yield from self._honorific(text)
        yield from self._first_and_last(text)

    def _honorific(self, text: str) -> Iterator[Hit]:
        for match in HONORIFIC_NAME.finditer(text):
            name = match["name"]
            if _is_role(name) or self._in_manifest(name):
                continue
            title = match[0].split(None, 1)[0]
            end = match.end("name")
            if match["second"] and not _ordinary_word(match["second"]):
                end = match.end("second")
            yield "person_name", match.start(), end, f"[{title} {name[0]}.]"

    def _first_and_last(self, text: str) -> Iterator[Hit]:
        known = first_names()
        for match in TWO_WORDS.finditer(text):
            first, last = match["first"], match["last"]
            folded = fold(first)
            if folded not in known or folded in CALENDAR or _ordinary_word(first) \
                    or _is_role(last):
                continue
            if self._in_manifest(first) and self._in_manifest(last):
                continue
            yield "person_name", match.start(), match.end("last"), UNKNOWN

    def _in_manifest(self, word: str) -> bool:
        return fold(word) in self._manifest
