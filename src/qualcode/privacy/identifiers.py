"""German direct identifiers found by pattern, numbers checked where they carry a checksum.

Each detector yields (kind, start, end, suggestion). Patterns are linear-time regexes (no
nested repetition), so a hostile text costs time in proportion to its length.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from stdnum import iban as iban_number
from stdnum.de import idnr, stnr

Hit = tuple[str, int, int, str]

PHONE = re.compile(
    r"(?<!\d )(?<![\w+/.,])(?:(?:\+|00)\d{2,3}[\s/-]?(?:\(0\)\s?)?|0)[1-9]\d{1,4}"
    r"(?:[\s/-]?\d){4,10}(?![\w.,]\d)(?!\w)")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.[A-Za-z]{2,24}"
                   r"(?!\w)")
WEB = re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"„“”]{2,2000}"
                 r"|(?<![\w@/.-])[a-z0-9-]{2,63}\.(?:de|com|org|net|eu|info|at|ch)(?:/[^\s<>\"]*)?"
                 r"(?![\w@])", re.IGNORECASE)
IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?"
                  r"(?![A-Za-z0-9])")
CAPITAL_WORD = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)*"
POSTCODE_PLACE = re.compile(rf"(?<![\d.,])(?P<code>\d{{5}})\s+(?P<place>{CAPITAL_WORD})"
                            rf"|(?P<place2>{CAPITAL_WORD})\s+(?P<code2>\d{{5}})(?![\d.,]\d)")
STREET = re.compile(
    r"(?<!\w)(?:[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|"
    r"ufer|chaussee|steig|pfad)|(?:Am|An der|Auf dem|Im|In der|Zum|Zur)\s+[A-ZÄÖÜ][\wäöüß-]+)"
    r"\s?(?:[1-9]\d{0,2})\s?(?:[a-zA-Z](?!\w))?(?![\d\w])")
DATE = r"(?:[0-3]?\d\.\s?(?:[01]?\d\.|(?:Jan|Feb|Mär|Apr|Mai|Jun|Jul|Aug|Sep|Okt|Nov|Dez)[a-zä]*)" \
       r"\s?(?:19|20)\d\d)"
BIRTH = re.compile(rf"(?i:geboren(?:\s+am)?|geb\.|Geburtsdatum:?|Geburtstag:?|\*)\s*"
                   rf"(?P<date>{DATE}|(?:19|20)\d\d)(?!\d)")
CAR_PLATE = re.compile(r"(?<![\w-])[A-ZÄÖÜ]{1,3}[- ][A-Z]{1,2}\s?[1-9]\d{0,3}[EH]?(?!\w)")
TAX_ID = re.compile(r"(?<![\d/])(?:\d{11}|\d{2} ?\d{3} ?\d{3} ?\d{3}"
                    r"|\d{2,3}/\d{3,4}/\d{4,5})(?![\d/])")
SOCIAL = re.compile(r"(?<!\w)(?P<area>\d{2}) ?(?P<born>[0-3]\d[01]\d\d\d) ?(?P<letter>[A-Z]) ?"
                    r"(?P<serial>\d{2}) ?(?P<check>\d)(?!\w)")

# Words that follow a number without being a place ("12000 Einwohner", "53111 Euro").
COUNTED = frozenset({
    "euro", "menschen", "personen", "einwohner", "einwohnerinnen", "leute", "kinder",
    "familien", "geflüchtete", "flüchtlinge", "plätze", "betten", "wohnungen", "stunden",
    "tage", "jahre", "meter", "kilometer", "fälle", "anträge", "mal", "stück", "haushalte",
    "mitarbeitende", "ehrenamtliche", "schüler", "schülerinnen", "seiten", "mitglieder",
})
NOT_PLACE_BEFORE = frozenset({"jahr", "jahre", "nummer", "nr", "seite", "fall", "ziffer",
                              "aktenzeichen", "summe", "betrag", "kosten", "euro"})
SUGGESTIONS = {
    "phone": "[Telefonnummer]", "email": "[E-Mail-Adresse]", "web": "[Webadresse]",
    "iban": "[IBAN]", "postcode_place": "[PLZ Ort]", "street": "[Straße]",
    "birth_date": "[Geburtsdatum]", "car_plate": "[Kennzeichen]", "tax_id": "[Steuernummer]",
    "social_insurance": "[Sozialversicherungsnummer]",
}  # not translated: stand-ins written into German transcripts' quotes


# Every identifier holds a digit, an "@" or a web address's mark; time marks do not count.
TRIGGER = re.compile(r"#\d{1,2}:\d{2}:\d{2}(?:[-.,]\d{1,3})?#|(?P<mark>\d+|@|www\.|://|"
                     r"\.(?:de|com|org|net|eu|info|at|ch)(?!\w))", re.IGNORECASE)
QUICK = re.compile(r"[\d@]|www\.|://|\.(?:de|com|org|net|eu|info|at|ch)(?!\w)", re.IGNORECASE)
REACH = 60  # the farthest an identifier's pattern reaches from its trigger (IBAN: 42)


def identifiers(text: str) -> Iterator[Hit]:
    """Every direct identifier in ``text``: (kind, start, end, suggested replacement).

    The patterns run only on windows around triggers (most of a transcript is words without
    a digit), widened to whole words so that no match is cut at a window's edge.
    """
    for low, high in _windows(text):
        window = text[low:high]
        taken: list[tuple[int, int]] = []
        for kind, quick, find in DETECTORS:
            if not quick.search(window):
                continue
            for start, end in find(window):
                if any(start < e and s < end for s, e in taken):
                    continue  # one passage, one finding: the more specific detector ran first
                taken.append((start, end))
                yield kind, low + start, low + end, SUGGESTIONS[kind]


def _windows(text: str) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    if not QUICK.search(text):
        return merged  # most quotes: no digit, no "@", no address
    for match in TRIGGER.finditer(text):
        if match["mark"] is None:
            continue
        low, high = _word_edge(text, match.start() - REACH, -1), \
            _word_edge(text, match.end() + REACH, 1)
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _word_edge(text: str, index: int, step: int) -> int:
    """The nearest whitespace at or beyond ``index`` going ``step`` (-1 back, 1 on)."""
    if index <= 0:
        return 0
    if index >= len(text):
        return len(text)
    while 0 < index < len(text) and not text[index].isspace():
        index += step
    return max(0, min(len(text), index))


def _spans(pattern: re.Pattern[str], valid: Callable[[re.Match[str]], bool] = lambda m: True
           ) -> Callable[[str], Iterator[tuple[int, int]]]:
    def find(text: str) -> Iterator[tuple[int, int]]:
        for match in pattern.finditer(text):
            if valid(match):
                yield match.start(), match.end()
    return find


def _iban(match: re.Match[str]) -> bool:
    return bool(iban_number.is_valid(match[0]))


def _tax(match: re.Match[str]) -> bool:
    digits = match[0].replace(" ", "")
    if "/" in digits:
        return bool(stnr.is_valid(digits))
    return bool(idnr.is_valid(digits))


def _social(match: re.Match[str]) -> bool:
    """The check digit of a German social insurance number (Rentenversicherungsnummer)."""
    day, month = int(match["born"][:2]), int(match["born"][2:4])
    if not (1 <= month <= 12 and 1 <= day <= 31 + 50):  # +50: a second number on one day
        return False
    letter = ord(match["letter"]) - ord("A") + 1
    digits = f"{match['area']}{match['born']}{letter:02d}{match['serial']}"
    weights = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(digits, weights, strict=True))
    return total % 10 == int(match["check"])


def _postcode_place(match: re.Match[str]) -> bool:
    code = match["code"] or match["code2"]
    place = match["place"] or match["place2"]
    if not "01001" <= code <= "99998":
        return False
    if match["code"]:
        return place.casefold() not in COUNTED
    return place.casefold() not in NOT_PLACE_BEFORE | COUNTED


def _birth(text: str) -> Iterator[tuple[int, int]]:
    for match in BIRTH.finditer(text):
        if match[0].startswith("*") and not match["date"][:1].isdigit():
            continue
        yield match.start("date"), match.end("date")


# (kind, a quick test a window must pass, the detector): the test spares most windows the
# detector's longer pattern.
DETECTORS: tuple[tuple[str, re.Pattern[str], Callable[[str], Iterator[tuple[int, int]]]], ...] = (
    ("email", re.compile("@"), _spans(EMAIL)),
    ("web", re.compile(r"www\.|://|\.(?:de|com|org|net|eu|info|at|ch)(?!\w)", re.IGNORECASE),
     _spans(WEB)),
    ("iban", re.compile(r"[A-Z]{2}\d{2}"), _spans(IBAN, _iban)),
    ("social_insurance", re.compile(r"\d{6}"), _spans(SOCIAL, _social)),
    ("tax_id", re.compile(r"\d{3}"), _spans(TAX_ID, _tax)),
    ("birth_date", re.compile(r"(?i:geb)|\*"), _birth),
    ("phone", re.compile(r"(?<!\d)(?:0|\+)\d"), _spans(PHONE)),
    ("street", re.compile(r"(?i:str|weg|gasse|allee|platz|ring|damm|ufer|chaussee|steig|pfad)"
                          r"|\b(?:Am|An|Auf|Im|In|Zum|Zur)\s"), _spans(STREET)),
    ("postcode_place", re.compile(r"\d{5}"), _spans(POSTCODE_PLACE, _postcode_place)),
    ("car_plate", re.compile(r"[A-ZÄÖÜ][- ][A-Z]"), _spans(CAR_PLATE)),
)
