"""The search language parses to exactly the tree a reader of docs/cli.md expects.

Whole trees are compared (not just "it parsed"), and every refusal by its message, so that
a parser that drops a part, flattens a single-part AND/OR or takes the wrong slice of a
prefix fails here.
"""

from __future__ import annotations

import pytest

from qualcode.errors import InvalidInput
from qualcode.search.query import (
    And,
    Not,
    Or,
    Phrase,
    Prefix,
    Term,
    parse_query,
    positive_leaves,
)


@pytest.mark.parametrize(("query", "tree"), [
    ("Ehrenamt", Term("Ehrenamt")),
    ("Ehrenamt*", Prefix("ehrenamt")),
    ("Eh*", Prefix("eh")),  # two letters are enough
    ("Sprach-Kurs", Phrase(("sprach", "kurs"))),
    ("Sprach-Kurs-Träger", Phrase(("sprach", "kurs", "träger"))),
    ('"Runden Tisch"', Phrase(("runden", "tisch"))),
    ("Netzwerk Ehrenamt", And((Term("Netzwerk"), Term("Ehrenamt")))),
    ("Netzwerk AND Ehrenamt", And((Term("Netzwerk"), Term("Ehrenamt")))),
    ("Wohnung OR Unterkunft", Or((Term("Wohnung"), Term("Unterkunft")))),
    ("Wohnung OR Unterkunft OR Heim", Or((Term("Wohnung"), Term("Unterkunft"), Term("Heim")))),
    ("NOT Ukraine", Not(Term("Ukraine"))),
    ("(Netz* OR Kooperation) NOT Stadt",
     And((Or((Prefix("netz"), Term("Kooperation"))), Not(Term("Stadt"))))),
    ("((Ehrenamt))", Term("Ehrenamt")),
    ("Übergänge", Term("Übergänge")),
])
def test_a_query_parses_to_its_tree(query: str, tree: object) -> None:
    assert parse_query(query) == tree


@pytest.mark.parametrize(("query", "message"), [
    ("", "The search query is empty."),
    ("E*", "The search query 'E*': a prefix needs two letters or more."),
    ("?!", "The search query '?!' has no searchable word in '?!'."),
    ("Netzwerk AND", "The search query 'Netzwerk AND' ends where a word was expected."),
    ("(Netzwerk", "The search query '(Netzwerk' has an unclosed '('."),
    ("Netzwerk)", "The search query 'Netzwerk)' has an unmatched ')'."),
    ('""', "The search query '\"\"' has an empty phrase."),
    ("OR Netzwerk", "The search query 'OR Netzwerk' has 'OR' where a word was expected."),
])
def test_a_bad_query_is_refused_with_its_sentence(query: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_query(query)
    assert str(caught.value) == message


def test_positive_leaves_are_those_not_under_a_not() -> None:
    tree = parse_query('(Netz* OR "runden Tisch") Ehrenamt NOT Stadt')
    assert positive_leaves(tree) == [Prefix("netz"), Phrase(("runden", "tisch")),
                                     Term("Ehrenamt")]
    assert positive_leaves(parse_query("NOT Stadt")) == []
