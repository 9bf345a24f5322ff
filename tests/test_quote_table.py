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


CODEBOOK = """\
title: Nachbarschaft
codes:
  - name: Alltag
    codes:
      - name: Hilfe
        codes:
          - name: Hilfe durch Kai Brandt
"""
HOF = """\
documents:
  - file: hof.txt
    name: Gespräch Hof
    kind: interview
    municipality: Talbrück
    municipality_type: Gemeinde
    bundesland: Hessen
    speakers:
      Brandt: {role: Hausmeister, name: Kai Brandt, consent: nein}
      TN2: {role: Nachbarin von Kai Brandt}
"""
HOF_TEXT = ("Brandt: Ich helfe gern. #00:01:05-2# Das ist Ehrensache.\n"
            "TN2: Herr Brandt hilft immer, frag Kai Brandt\n")
HELPING = "Alltag/Hilfe/Hilfe durch [Hausmeister]"


def _hof(folder: Path, anonymous: str = "[municipality_type, bundesland]"):  # type: ignore[no-untyped-def]
    from qualcode.codebook.parse import parse_codebook
    from qualcode.codebook.sync import load_codebook

    sources = folder / "quellen"
    sources.mkdir()
    (sources / "manifest.yaml").write_text(HOF, encoding="utf-8")
    (sources / "hof.txt").write_text(HOF_TEXT, encoding="utf-8")
    profile = (REPO / "codebooks" / "demo.profile.yaml").read_text(encoding="utf-8")
    (folder / "profil.yaml").write_text(profile.replace(
        "anonymous: [municipality_type, bundesland]", f"anonymous: {anonymous}"),
        encoding="utf-8")
    store = open_store(str(folder / "hof.db"))
    load_codebook(store, parse_codebook(CODEBOOK))
    load_profile_file(store, folder / "profil.yaml")
    assert import_paths(store, [sources]).failed == []
    for phrase in ("Ehrensache", "hilft immer"):
        start = HOF_TEXT.index(phrase)
        add_coding(store, document="Gespräch Hof", code="Hilfe durch Kai Brandt", coder="anna",
                   start=start, end=start + len(phrase))
    return store


def test_names_in_every_kind_of_cell_are_replaced_and_listed(tmp_path: Path) -> None:
    store = _hof(tmp_path)
    table = quote_table(store, QuoteFilter(context=20))
    assert [(q.speaker, q.role, q.time_mark, q.theme, q.code, q.quote, q.attribution,
             q.before, q.after) for q in table.quotes] == [
        ("[Hausmeister]", "Hausmeister", "00:01:05-2", "Alltag", HELPING, "Ehrensache",
         "Hausmeister, Gemeinde, Hessen", "Das ist", ". TN2: [Hausmeister]"),
        ("TN2", "Nachbarin von [Hausmeister]", None, "Alltag", HELPING, "hilft immer",
         "Nachbarin von [Hausmeister], Gemeinde, Hessen", ". TN2: [Hausmeister]",
         ", frag [Hausmeister]")]
    ehre, hilft = HOF_TEXT.index("Ehrensache"), HOF_TEXT.index("hilft")
    brandt = "Hilfe durch Kai Brandt"
    assert table.replacements == [  # cells that repeat are listed where they first show
        Replacement("Gespräch Hof", ehre, "Kai Brandt", "[Hausmeister]", "code"),
        Replacement("Gespräch Hof", ehre, "Brandt", "[Hausmeister]", "speaker"),
        Replacement("Gespräch Hof", ehre, "Herr Brandt", "[Hausmeister]", "after"),
        Replacement("Gespräch Hof", hilft, "Kai Brandt", "[Hausmeister]", "role"),
        Replacement("Gespräch Hof", hilft, "Kai Brandt", "[Hausmeister]", "attribution"),
        Replacement("Gespräch Hof", hilft, "Herr Brandt", "[Hausmeister]", "before"),
        Replacement("Gespräch Hof", hilft, "Kai Brandt", "[Hausmeister]", "after")]
    assert brandt not in str(table.quotes)
    store.close()


def test_the_anonymous_attribution_follows_the_projects_profile(tmp_path: Path) -> None:
    store = _hof(tmp_path, anonymous="[bundesland]")
    assert [q.attribution for q in quote_table(store, QuoteFilter()).quotes] == [
        "Hausmeister, Hessen", "Nachbarin von [Hausmeister], Hessen"]
    store.close()


def test_an_unplaced_coding_is_no_quote(tmp_path: Path) -> None:
    from sqlalchemy import update

    from qualcode.models import Coding

    store = _hof(tmp_path)
    with store.write() as session:  # as re-anchoring leaves a coding whose text is gone
        session.execute(update(Coding).where(Coding.start == HOF_TEXT.index("Ehrensache"))
                        .values(anchor_status="unplaced"))
    assert [q.quote for q in quote_table(store, QuoteFilter()).quotes] == ["hilft immer"]
    store.close()


def test_the_turn_at_an_offset() -> None:
    from qualcode.exports.quotes import _turn_at, _Turns

    turns = _Turns([0, 10, 20], [(0, 8, 1, None), (10, 10, 2, "00:00:10-0"), (20, 30, 3, None)])
    assert _turn_at(turns, 7) == (0, 8, 1, None)
    assert _turn_at(turns, 8) is None  # [start, end): the newline after a turn is in none
    assert _turn_at(turns, 10) == (10, 10, 2, "00:00:10-0")  # an empty turn holds its start
    assert _turn_at(turns, 11) is None
    assert _turn_at(None, 3) is None


@pytest.mark.parametrize(("text", "offset", "mark"), [
    ("#00:00:01-0# Ja", 5, (0, 12)),  # a mark at the very start of a text
    ("Ja, #00:00:01-0# gut", 2, (2, 2)),  # before the mark
    ("Ja #00:00:01-0#", 3, (3, 3)),  # at its start: nothing cut
    ("Ja #00:00:01-0#", 15, (15, 15)),  # at its end
    ("Ja #00:00:01-0#", 9, (3, 15)),
])
def test_the_time_mark_an_offset_cuts(text: str, offset: int, mark: tuple[int, int]) -> None:
    from qualcode.exports.quotes import _mark_around

    assert _mark_around(text, offset) == mark


@pytest.mark.parametrize(("start", "end", "cut"), [
    (2, 5, ("Da", "")), (3, 5, ("Dan", "")), (0, 1, ("", "anke")), (0, 0, ("", "")),
    (0, 6, ("", "")), (6, 8, ("", "hön")), (8, 11, ("sc", "")),
])
def test_the_parts_of_words_a_range_cuts(start: int, end: int, cut: tuple[str, str]) -> None:
    from qualcode.exports.quotes import _cut_words

    assert _cut_words("Danke schön", start, end) == cut


def test_an_underscore_is_part_of_a_word_and_time_marks_leave_the_context() -> None:
    from qualcode.exports.quotes import _context, _cut_words

    assert _cut_words("ab_cd", 0, 1) == ("", "b_cd")
    assert _context("Ja #00:00:01-0# gut,\n  danke") == "Ja gut, danke"
