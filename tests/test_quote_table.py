"""A quote table's list of replaced names, cell by cell, and context at the edges of a text
(issue #12: survivors of the mutation run of exports/quotes.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.exports.quotes import QuoteFilter, Replacement, _place, _words_before, quote_table
from qualcode.profile.spec import STUDY
from qualcode.services.codings import add_coding
from qualcode.services.importing import import_paths
from qualcode.services.profile import load_profile_file
from qualcode.store import open_store
from tests.conftest import REPO
from tests.helpers import load_study_codebook

MANIFEST = """\
documents:
  - file: nachgespraech.txt
    name: Nachgespräch Kai Brandt
    kind: interview
    municipality: Brandt-Siedlung
    municipality_type: Gemeinde
    bundesland: Hessen
    speakers:
      TN1: {role: Hausmeister, name: Kai Brandt, consent: nein}
      TN2: {role: Nachbarin}
"""
TEXT = ("TN1: Ich bin Kai Brandt, der Hausmeister.\n"
        "TN2: Herr Brandt hilft immer – auch sonntags 🙂.\n")
SHOWN = "Nachgespräch [Hausmeister]"
ROLE = "Wohnen und Unterbringung"


def test_a_name_in_the_document_and_a_variable_is_listed_once(tmp_path: Path) -> None:
    (tmp_path / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "nachgespraech.txt").write_text(TEXT, encoding="utf-8")
    store = open_store(str(tmp_path / "q.db"))
    load_study_codebook(store)
    load_profile_file(store, REPO / "codebooks" / "demo.profile.yaml")
    assert import_paths(store, [tmp_path]).failed == []
    for phrase in ("Ich bin Kai Brandt", "Herr Brandt hilft immer"):
        start = TEXT.index(phrase)
        add_coding(store, document="Nachgespräch Kai Brandt", code=ROLE, coder="anna",
                   start=start, end=start + len(phrase))
    table = quote_table(store, QuoteFilter())
    assert [(q.document, q.variables, q.quote) for q in table.quotes] == [
        (SHOWN, (("Kommune", "[Hausmeister]-Siedlung"), ("Art", "interview")),
         "Ich bin [Hausmeister]"),
        (SHOWN, (("Kommune", "[Hausmeister]-Siedlung"), ("Art", "interview")),
         "[Hausmeister] hilft immer")]
    first, second = TEXT.index("Ich"), TEXT.index("Herr")
    assert table.replacements == [
        Replacement(SHOWN, first, "Kai Brandt", "[Hausmeister]", "document"),
        Replacement(SHOWN, first, "Brandt", "[Hausmeister]", "variable municipality"),
        Replacement(SHOWN, first, "Kai Brandt", "[Hausmeister]", "quote"),
        Replacement(SHOWN, second, "Herr Brandt", "[Hausmeister]", "quote")]
    store.close()


@pytest.mark.parametrize(("end", "count", "before"), [
    (4, 40, "Ja, "),  # the text's start is no cut word
    (4, 3, ", "),  # "a" is the end of "Ja": left out
    (9, 5, "also "),
    (4, 0, ""),
])
def test_context_before_a_quote_near_the_start_of_a_text(end: int, count: int,
                                                         before: str) -> None:
    assert _words_before("Ja, also wir", end, count) == before


def test_a_place_named_with_its_prefix_and_a_no_break_space_keeps_it_once() -> None:
    place = {"municipality": "Stadt\u00a0Kesselbrunn", "municipality_type": "kreisfreie Stadt"}
    assert _place(place, STUDY.attribution) == "Stadt\u00a0Kesselbrunn"
