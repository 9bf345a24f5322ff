"""Pseudonyms, unit by unit: where a name is found, what replaces it when two people share a
name, which misspellings are learned and which words stay (issue #12, mutation testing)."""

from __future__ import annotations

import pytest

from qualcode.exports.pseudonyms import Pseudonyms, fold, shared_pseudonyms

REFUSING = [("Hans Müller", "[Herr M.]"), ("Anna Müller", "[Frau A.]"),
            ("Frieda Brandt", "[Frau B.]"), ("Li Wei", "[Frau L.]"),
            ("Jörg Strauß", "[Herr T.]"), ("Ulf Schneider", "[Herr S.]"),
            ("Hans Voigt", "[Herr V.]")]
AGREEING = ["Hans Becker", "Karin Vogt"]


@pytest.fixture
def names() -> Pseudonyms:
    return Pseudonyms(REFUSING, AGREEING)


def test_fold_spells_out_umlauts_and_ignores_case() -> None:
    assert [fold(w) for w in ("Müller", "MÜLLER", "Jörg", "Strauß", "STRAUSS", "Änne")] == [
        "mueller", "mueller", "joerg", "strauss", "strauss", "aenne"]


@pytest.mark.parametrize(("text", "shown", "found"), [
    ("Frau Brandts Vorschlag, sagt Hans Müller.", "[Frau B.]s Vorschlag, sagt [Herr M.].",
     [("Frau Brandts", "[Frau B.]s"), ("Hans Müller", "[Herr M.]")]),
    # two refusing Müllers: the surname alone names no one of them
    ("Frau Müller kam.", "[Person] kam.", [("Frau Müller", "[Person]")]),
    ("Anna Müller kam.", "[Frau A.] kam.", [("Anna Müller", "[Frau A.]")]),
    # parts of two people: the last decides
    ("Hans Brandt?", "[Frau B.]?", [("Hans Brandt", "[Frau B.]")]),
    # who agreed keeps the name; the same first name alone is one of two who did not
    ("Hans Becker und Hans.", "Hans Becker und [Person].", [("Hans", "[Person]")]),
    ("Jörg Becker", "[Herr T.] Becker", [("Jörg", "[Herr T.]")]),  # Becker: no refuser
    ("Karin Vogt und Vogt", "Karin Vogt und Vogt", []),
    # short parts: whole words, as spelled or in capitals
    ("ich weiß, Li, LI, li, Lis", "ich weiß, [Frau L.], [Frau L.], li, [Frau L.]s",
     [("Li", "[Frau L.]"), ("LI", "[Frau L.]"), ("Lis", "[Frau L.]s")]),
    ("Strauss, STRAUß, Herrn Dr. Prof. Strauß’ Idee", "[Herr T.], [Herr T.], [Herr T.]’ Idee",
     [("Strauss", "[Herr T.]"), ("STRAUß", "[Herr T.]"),
      ("Herrn Dr. Prof. Strauß’", "[Herr T.]’")]),
    ("Wei-Li", "[Frau L.]", [("Wei-Li", "[Frau L.]")]),
    ("Die Linde, das Lied, Politik.", "Die Linde, das Lied, Politik.", []),
])
def test_what_is_replaced_and_by_whom(names: Pseudonyms, text: str, shown: str,
                                      found: list[tuple[str, str]]) -> None:
    assert names.apply(text) == (shown, found)


@pytest.mark.parametrize("text", ["", None])
def test_nothing_stays_nothing(names: Pseudonyms, text: str | None) -> None:
    assert names.apply(text) == (text, [])
    assert names.spans(text or "") == []


def test_without_refusing_speakers_nothing_is_touched() -> None:
    nobody = Pseudonyms([], ["Hans Becker"])
    assert nobody.apply("Hans Müller und Hans Becker") == ("Hans Müller und Hans Becker", [])
    assert nobody.spans("Hans Müller") == []


def test_spans_are_where_apply_replaces(names: Pseudonyms) -> None:
    text = "Laut Frau Brandts Notiz sprach Hans Becker mit Hans Müller – und mit Lis Team."
    assert names.spans(text) == [(5, 17, "[Frau B.]s"), (47, 58, "[Herr M.]"),
                                 (69, 72, "[Frau L.]s")]
    assert [text[a:b] for a, b, _ in names.spans(text)] == [f for f, _ in names.apply(text)[1]]
    assert names.spans("Die Ämter halfen.") == []


def test_a_lower_case_german_word_is_kept_a_lower_case_name_is_not(names: Pseudonyms) -> None:
    eva = Pseudonyms([("Eva Weiß", "[Frau W.]")], [])
    assert eva.apply("ich weiß es, sagt Frau Weiß.") == (
        "ich weiß es, sagt [Frau W.].", [("Frau Weiß", "[Frau W.]")])
    assert names.apply("bei müller im Fach") == ("bei [Person] im Fach",
                                                  [("müller", "[Person]")])


@pytest.mark.parametrize(("text", "shown"), [
    ("Brandtt kam.", "[Frau B.] kam."),  # a misspelling, capitalised
    ("Schnieders Idee", "[Herr S.]s Idee"),  # misspelled, with a genitive s
    ("Voigts Team und Voigt", "[Herr V.]s Team und [Herr V.]"),
    ("brandtt kam.", "brandtt kam."),  # lower case: no name
    ("Brnadt kam.", "Brnadt kam."),  # too far from any name
    ("Vogt kam.", "Vogt kam."),  # close to Voigt, but Karin Vogt agreed
])
def test_misspelled_names_are_learned(names: Pseudonyms, text: str, shown: str) -> None:
    assert names.apply(text)[0] == shown


def test_a_learned_misspelling_is_replaced_in_later_texts_too(names: Pseudonyms) -> None:
    assert names.apply("Reutter") == ("Reutter", [])  # no Reuter among the names
    assert names.apply("Schneidr sagt") == ("[Herr S.] sagt", [("Schneidr", "[Herr S.]")])
    assert names.apply("Wieder Schneidr.") == ("Wieder [Herr S.].", [("Schneidr", "[Herr S.]")])


def test_words_shorter_than_four_letters_are_never_misspellings() -> None:
    vogel = Pseudonyms([("Lena Vogel", "[Frau V.]")], [])
    assert vogel.apply("Voge sagt") == ("[Frau V.] sagt", [("Voge", "[Frau V.]")])
    assert vogel.apply("Vog sagt") == ("Vog sagt", [])


def test_short_parts_are_no_misspellings_and_agreed_parts_are_never_fuzzy() -> None:
    short = Pseudonyms([("Ole Wulf", "[Herr W.]")], ["Karl Wolff"])
    assert short.apply("Olé und Ole") == ("Olé und [Herr W.]", [("Ole", "[Herr W.]")])
    assert short.apply("Wulff und Wolff") == ("Wulff und Wolff", [])  # Wulf has four letters


def test_one_manifest_shares_one_learner() -> None:
    first = shared_pseudonyms((("Ulf Schneider", "[Herr S.]"),), ("Karin Vogt",))
    assert first is shared_pseudonyms((("Ulf Schneider", "[Herr S.]"),), ("Karin Vogt",))
    assert first.apply("Schneidr")[0] == "[Herr S.]"


def test_several_people_who_agreed_keep_their_names() -> None:
    names = Pseudonyms([("Hans Müller", "[Herr M.]"), ("Frieda Brandt", "[Frau B.]")],
                       ["Hans Becker", "Eva Brandt"])
    assert names.apply("Hans Becker, Eva Brandt und Frieda Brandt") == (
        "Hans Becker, Eva Brandt und [Frau B.]", [("Frieda Brandt", "[Frau B.]")])


def test_who_agreed_stays_named_even_when_every_part_is_someone_elses() -> None:
    names = Pseudonyms([("Hans Müller", "[Herr M.]"), ("Frieda Brandt", "[Frau B.]")],
                       ["Hans Brandt"])
    assert names.apply("Hans Brandt traf Frieda Brandt.") == (
        "Hans Brandt traf [Frau B.].", [("Frieda Brandt", "[Frau B.]")])


def test_the_longest_agreed_name_is_kept_whole() -> None:
    names = Pseudonyms([("Ole Schmidt", "[Herr S.]"), ("Jan Meyer", "[Herr J.]")],
                       ["Anna Schmidt", "Anna Schmidt Meyer"])
    assert names.apply("Anna Schmidt Meyer und Anna Schmidt, nicht Jan Meyer") == (
        "Anna Schmidt Meyer und Anna Schmidt, nicht [Herr J.]", [("Jan Meyer", "[Herr J.]")])


def test_another_surname_that_begins_like_a_name_is_no_misspelling() -> None:
    names = Pseudonyms([("Frieda Brandt", "[Frau B.]")], [])
    assert names.apply("Herr Brandtner und Frau Brandt") == (
        "Herr Brandtner und [Frau B.]", [("Frau Brandt", "[Frau B.]")])


def test_every_short_part_is_found() -> None:
    names = Pseudonyms([("Li Wei", "[Frau L.]"), ("Bo Chen", "[Herr C.]")], [])
    assert names.apply("Li und Bo, LI und BO") == (
        "[Frau L.] und [Herr C.], [Frau L.] und [Herr C.]",
        [("Li", "[Frau L.]"), ("Bo", "[Herr C.]"), ("LI", "[Frau L.]"), ("BO", "[Herr C.]")])


def test_three_parts_of_three_people_stand_for_the_last_ones_owner() -> None:
    names = Pseudonyms([("Anna Schulz", "[P1]"), ("Maria Weber", "[P2]"),
                        ("Karl Müller", "[P3]")], [])
    assert names.apply("Das sagte Anna Maria Müller gestern.") == (
        "Das sagte [P3] gestern.", [("Anna Maria Müller", "[P3]")])
    assert names.apply("Das sagte Anna Maria gestern.") == (
        "Das sagte [P2] gestern.", [("Anna Maria", "[P2]")])


def test_a_misspelling_ending_in_s_is_learned_whole() -> None:
    # "Andraes" is close to Andreas; without its "s" ("Andrae") it is not
    names = Pseudonyms([("Andreas Vogt", "[Herr V.]")], [])
    assert names.apply("Das hat Andraes gesagt.") == (
        "Das hat [Herr V.] gesagt.", [("Andraes", "[Herr V.]")])


def test_a_misspelling_among_many_lower_case_words_is_learned() -> None:
    filler = " ".join(f"wort{i}" for i in range(500))
    names = Pseudonyms([("Andreas Vogt", "[Herr V.]")], [])
    shown, found = names.apply(f"{filler} Andraes {filler}")
    assert found == [("Andraes", "[Herr V.]")]
    assert shown == f"{filler} [Herr V.] {filler}"


def test_a_misspelling_differs_from_the_name_by_at_most_three_letters() -> None:
    names = Pseudonyms([("Paul Lindemann", "[Herr L.]"), ("Eva Brandstätter", "[Frau B.]")],
                       [])
    # three letters more than "lindemann": still taken for the name, to be safe
    assert names.apply("Am Lindemannweg wohnt Frau Brandstätter.") == (
        "Am [Herr L.] wohnt [Frau B.].",
        [("Lindemannweg", "[Herr L.]"), ("Frau Brandstätter", "[Frau B.]")])
    # four more than "brandstaetter": another word
    assert names.apply("Am Brandstätterring wohnt niemand.") == (
        "Am Brandstätterring wohnt niemand.", [])
