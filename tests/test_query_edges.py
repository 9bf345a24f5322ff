"""The search language at its edges: white space around words, a quote left open, a hyphenated
prefix. Each query is checked by the tree the engine receives or by the sentence it is refused
with, so that a query is never searched as something else than what was typed.
"""

from __future__ import annotations

import pytest

from qualcode.errors import InvalidInput
from qualcode.i18n import set_interface_language
from qualcode.search.query import And, Phrase, Prefix, Term, parse_query


@pytest.mark.parametrize("query", ["Netzwerk Ehrenamt ", "  Netzwerk   Ehrenamt",
                                   "Netzwerk\tEhrenamt\n"])
def test_white_space_around_words_is_ignored(query: str) -> None:
    assert parse_query(query) == And((Term("Netzwerk"), Term("Ehrenamt")))


def test_a_query_of_white_space_only_is_empty() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_query("  \t ")
    assert str(caught.value) == "The search query is empty."


@pytest.mark.parametrize("query", ['Netzwerk "Runden Tisch', '"Runden Tisch',
                                   '„Ehrenamt“ "Übergänge'])
def test_a_quote_left_open_is_refused_not_dropped(query: str) -> None:
    # Searching only the words before the open quote would answer another question.
    with pytest.raises(InvalidInput) as caught:
        parse_query(query)
    assert str(caught.value) == f"The search query {query!r} has an unclosed '\"'."


def test_typographic_quotes_are_part_of_a_word() -> None:
    # Only the straight quote opens a phrase; „…“ are stripped like other punctuation.
    assert parse_query("„Ehrenamt“") == Term("Ehrenamt")


def test_a_hyphenated_prefix_is_one_stem() -> None:
    # "Sprach-Kurs*" finds Sprachkurs, Sprachkurse, Sprachkursen: the parts are joined.
    assert parse_query("Sprach-Kurs*") == Prefix("sprachkurs")
    assert parse_query("Groß-Eltern Sprach-Kurs*") == And((Phrase(("groß", "eltern")),
                                                            Prefix("sprachkurs")))


def test_the_open_quote_is_refused_in_german_too() -> None:
    set_interface_language("de")
    try:
        with pytest.raises(InvalidInput) as caught:
            parse_query('Wohnung "große Wohnungen')
    finally:
        set_interface_language(None)
    assert str(caught.value) == ("Die Suchanfrage 'Wohnung \"große Wohnungen' hat ein nicht "
                                 "geschlossenes '\"'.")
