"""A code is found by path, name, hotkey or unambiguous prefix; a miss names the closest."""

from __future__ import annotations

import pytest

from qualcode.errors import InvalidInput, NotFound
from qualcode.services.codings import add_coding
from qualcode.store import Store
from qualcode.store.lookup import CodeName, resolve_code
from tests.cli import assert_user_error, qualcode
from tests.helpers import add_interview, dump, load_study_codebook

CODES = [
    CodeName(1, "Vernetzung", None),
    CodeName(2, "Vernetzung/Horizontale Vernetzung von Politikbereichen", "h"),
    CodeName(3, "Vernetzung/Vertikale Vernetzung", "v"),
    CodeName(4, "Herausforderungen/Wohnen und Unterbringung", "1"),
    CodeName(5, "Engagement/Wohnen", None),
    CodeName(6, "Governance/Ältere Menschen", None),
]


@pytest.mark.parametrize(("typed", "expected"), [
    ("Vernetzung/Horizontale Vernetzung von Politikbereichen", 2),  # path
    ("Vertikale Vernetzung", 3),  # name
    ("Wohnen", 5),  # an exact name wins over a prefix of another
    ("h", 2),  # hotkey
    ("1", 4),
    ("vertikale vernetzung", 3),  # case
    ("Horizontale Vernetzung", 2),  # prefix of one name only
    ("Wohnen und", 4),
    ("ält", 6),  # a prefix, ignoring case, with an umlaut
    ("Herausforderungen/Wohn", 4),  # a prefix of a path
    ("/Vernetzung/", 1),
])
def test_what_a_user_types_finds_the_code(typed: str, expected: int) -> None:
    assert resolve_code(typed, CODES) == expected


def test_a_prefix_of_several_codes_lists_them() -> None:
    with pytest.raises(InvalidInput, match=r"'Ver' fits 3 codes; name one of them: "
                                           r"'?Vernetzung, Vernetzung/Horizontale"):
        resolve_code("Ver", CODES)


def test_a_miss_names_the_closest_codes() -> None:
    with pytest.raises(NotFound) as caught:
        resolve_code("Horizontal Vernetzng", CODES)
    message = str(caught.value)
    assert message.startswith("There is no code 'Horizontal Vernetzng' in the codebook; "
                              "the closest are 'Vernetzung/Horizontale Vernetzung von "
                              "Politikbereichen'")
    with pytest.raises(NotFound, match=r"in the codebook\.$"):
        resolve_code("Xylophon", CODES)  # nothing close: no list
    with pytest.raises(NotFound):
        resolve_code("", CODES)


def test_every_command_taking_a_code_accepts_prefix_and_hotkey(sqlite_store: Store,
                                                               sqlite_url: str) -> None:
    load_study_codebook(sqlite_store)
    add_interview(sqlite_store)
    added = add_coding(sqlite_store, document="Interview Neuweiler",
                       code="Horizontale Vernetzung", coder="anna", start=0, end=20)
    assert added.code_path == "Vernetzung/Horizontale Vernetzung von Politikbereichen"
    result = qualcode("autocode", "Ausländerbehörde", "--code", "Horizontale Vernetzung",
                      "--coder", "anna", db=sqlite_url)
    assert result.code == 0, result.err
    assert "Horizontale Vernetzung von Politikbereichen" in result.out
    hotkey = qualcode("autocode", "Sozialamt", "--code", "w", "--coder", "anna",
                      db=sqlite_url)
    assert hotkey.code == 0 and "Verwaltungskultur und Wissensmanagement" in hotkey.out
    before = dump(sqlite_store)
    typo = qualcode("autocode", "Stab", "--code", "Horizontal Vernetzung von Politik",
                    "--coder", "anna", db=sqlite_url)
    assert_user_error(typo, "the closest are", "Horizontale Vernetzung von Politikbereichen")
    assert dump(sqlite_store) == before
