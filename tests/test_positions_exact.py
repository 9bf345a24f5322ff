"""REFI-QDA positions, value by value: every counting of a text with emoji and \\r\\n line ends,
computed by hand, and which counting a file is read with (issue #12, mutation testing)."""

from __future__ import annotations

import numpy as np
import pytest

from qualcode.exchange.positions import (
    CHECKED_PER_SOURCE,
    CODE_POINTS,
    COUNTINGS,
    UTF16,
    Counting,
    Evidence,
    PlainText,
    counting_of_origin,
    decide,
    to_utf16,
)

# Ä 🙂 b \r \n c 😅 d: two characters beyond the BMP, one \r\n.
RAW = "Ä🙂b\r\nc😅d"
CP, CP_ONE = Counting(CODE_POINTS), Counting(CODE_POINTS, True)
U16, U16_ONE = Counting(UTF16), Counting(UTF16, True)
# The characters (and the end) as each counting numbers them, and where they are stored:
# stored text "Ä🙂b\nc😅d" = Ä0 🙂1 b2 \n3 c4 😅5 d6, end 7. None: no position of a character.
BY_COUNTING = {
    CP: [0, 1, 2, 3, 3, 4, 5, 6, 7],  # Ä0 🙂1 b2 \r3 \n4 c5 😅6 d7 end8
    U16: [0, 1, None, 2, 3, 3, 4, 5, None, 6, 7],  # 🙂 and 😅 take two units each
    CP_ONE: [0, 1, 2, 3, 4, 5, 6, 7],  # as if the file had \n line ends
    U16_ONE: [0, 1, None, 2, 3, 4, 5, None, 6, 7],
}


def test_the_stored_text_and_what_each_counting_must_skip() -> None:
    plain = PlainText(RAW)
    assert plain.text == "Ä🙂b\nc😅d"
    assert plain.removed.tolist() == [3]  # the \r of the \r\n, in the file's code points
    assert plain.astral[False].tolist() == [1, 7]  # UTF-16 offsets in the file's text
    assert plain.astral[True].tolist() == [1, 6]  # ... and in the \n text
    assert [plain.length(c) for c in COUNTINGS] == [8, 10, 7, 9]


def test_a_lone_carriage_return_becomes_a_line_end_and_shifts_nothing() -> None:
    plain = PlainText("Straße\rEnde\r\nSchluss")
    assert plain.text == "Straße\nEnde\nSchluss"
    assert plain.removed.tolist() == [11]
    assert plain.astral[False].tolist() == [] and plain.astral[True].tolist() == []


@pytest.mark.parametrize("counting", list(BY_COUNTING),
                         ids=["code-points", "utf16", "code-points-crlf-one", "utf16-crlf-one"])
def test_every_position_of_every_counting_lands_where_it_should(counting: Counting) -> None:
    plain = PlainText(RAW)
    expected = BY_COUNTING[counting]
    written = np.arange(-1, len(expected) + 1)  # one before the start, one after the end
    points, valid = plain.to_stored(written, counting)
    assert valid.tolist() == [False, *(e is not None for e in expected), False]
    assert [int(p) for p, ok in zip(points, valid, strict=True) if ok] == \
        [e for e in expected if e is not None]


def test_without_emoji_or_crlf_every_counting_is_the_identity() -> None:
    plain = PlainText("Grüße aus Köln")
    assert plain.first_difference() is None
    for counting in COUNTINGS:
        points, valid = plain.to_stored(np.array([0, 5, 14, 15]), counting)
        assert points.tolist()[:3] == [0, 5, 14] and valid.tolist() == [True, True, True, False]


@pytest.mark.parametrize(("raw", "first"), [
    ("Ä🙂b\r\nc", 1), ("🙂 ab\r\n", 0), ("ab\r\nc🙂", 2), ("Köln\r\n", 4), ("Gruß 😅", 5),
])
def test_the_first_offset_where_countings_differ(raw: str, first: int) -> None:
    assert PlainText(raw).first_difference() == first


@pytest.mark.parametrize(("point", "boundary"), [
    (-1, True), (0, True), (1, False), (3, True), (4, True), (5, False), (9, False),
    (10, False), (15, False), (16, False), (17, True), (22, False), (23, False), (24, True),
    (25, True), (26, False), (27, False), (28, True), (30, True),
])
def test_word_boundaries_of_the_stored_text(point: int, boundary: bool) -> None:
    # hyphens, apostrophes (’ and ') and underscores join words; the text ends in a letter
    plain = PlainText("Die Ämter-Stadt’s Haus_2 x'y")
    assert plain.at_boundary(point) is boundary


def test_code_points_to_utf16_units() -> None:
    assert to_utf16("a🙂b😅", [0, 1, 2, 3, 4]) == [0, 1, 3, 4, 6]
    assert to_utf16("ohne Emoji, mit Umlaut ä", [0, 3, 24]) == [0, 3, 24]


@pytest.mark.parametrize(("origin", "unit"), [
    ("NVivo 12 Plus (12.6.1.970)", UTF16), ("nvivo for mac", UTF16),
    ("qualcode 1.0 (UTF-16 code units)", UTF16), ("ATLAS.ti 23", CODE_POINTS),
    ("MAXQDA 24", CODE_POINTS), ("", CODE_POINTS),
])
def test_the_counting_a_program_is_known_for(origin: str, unit: str) -> None:
    assert counting_of_origin(origin) == Counting(unit)


def test_labels_name_unit_and_line_ends() -> None:
    assert [c.label for c in COUNTINGS] == [
        "code points", "UTF-16 code units", "code points, \\r\\n as one",
        "UTF-16 code units, \\r\\n as one"]


# -- the evidence of the selections --------------------------------------------------------

# "Anna 🙂 sagt:\r\nDie Ämter halfen." Stored: Anna0-4 🙂5 sagt7-11 :11 \n12 Die13 Ämter17
# halfen23-29 .29; the file's code points add the \r (at 12), UTF-16 adds one unit for 🙂.
SAID = "Anna 🙂 sagt:\r\nDie Ämter halfen."


def _evidence(pairs: list[tuple[int, int]], raw: str = SAID) -> Evidence:
    evidence = Evidence()
    starts, ends = (np.array(side, dtype=np.int64) for side in zip(*pairs, strict=True))
    evidence.add(PlainText(raw), starts, ends)
    return evidence


def test_selections_written_in_utf16_fit_only_utf16() -> None:
    # "Die Ämter" in UTF-16 units of the file: 13 + 1 (\r) + 1 (🙂) = 15 .. 24
    evidence = _evidence([(15, 24), (0, 4), (8, 12)])  # "Anna" ends before 🙂: not telling
    assert evidence.telling == 2
    assert evidence.fits == {CP: 0, U16: 2, CP_ONE: 0, U16_ONE: 1}
    assert evidence.invalid == dict.fromkeys(COUNTINGS, 0)


def test_a_selection_ending_where_the_countings_part_tells_nothing() -> None:
    assert _evidence([(0, 5)]).telling == 0  # ends at 🙂, the first difference
    assert _evidence([(0, 6)]).telling == 1


def test_impossible_selections_are_counted_per_counting() -> None:
    # 32 lies beyond every counting but UTF-16 (length 32); 6 splits 🙂 in UTF-16
    evidence = _evidence([(6, 8), (30, 32), (9, 9)])
    assert evidence.telling == 3
    assert evidence.invalid == {CP: 2, U16: 2, CP_ONE: 2, U16_ONE: 3}


def test_no_selections_or_no_difference_add_nothing() -> None:
    empty = Evidence()
    empty.add(PlainText(SAID), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    plain = _evidence([(0, 4)], raw="Die Ämter halfen.")
    for evidence in (empty, plain):
        assert evidence.telling == 0 and set(evidence.fits.values()) == {0}
        assert set(evidence.invalid.values()) == {0}


def test_at_most_so_many_selections_per_source_are_checked() -> None:
    evidence = _evidence([(15, 24)] * (CHECKED_PER_SOURCE + 1))
    assert evidence.telling == CHECKED_PER_SOURCE == evidence.fits[U16]


# -- the decision ----------------------------------------------------------------------------

def _told(telling: int, fits: list[int], invalid: list[int] | None = None) -> Evidence:
    return Evidence(telling, dict(zip(COUNTINGS, fits, strict=True)),
                    dict(zip(COUNTINGS, invalid or [0, 0, 0, 0], strict=True)))


def _summary(telling: int, fits: list[int]) -> str:
    return f"of {telling} telling selections, " + ", ".join(
        f"{n} fit word boundaries as {c.label}" for n, c in zip(fits, COUNTINGS, strict=True))


def test_qualcode_files_are_read_as_they_say() -> None:
    decision = decide("qualcode 2.1 (UTF-16 code units)", _told(9, [9, 0, 0, 0]))
    assert decision.counting == U16 and decision.warning is None
    assert decision.reason == ("origin 'qualcode 2.1 (UTF-16 code units)': qualcode names the "
                               "counting it writes")


def test_without_telling_selections_the_origin_decides() -> None:
    decision = decide("NVivo 14", Evidence())
    assert decision.counting == U16 and decision.warning is None
    assert decision.reason == ("all countings agree for every selection (none follows a "
                               "character beyond the Basic Multilingual Plane or a \\r\\n)")


def test_impossible_under_the_origin_reads_the_best_possible_counting() -> None:
    # NVivo says UTF-16, but one selection is impossible so; CP_ONE is impossible too
    decision = decide("NVivo 12", _told(6, [4, 1, 5, 2], [0, 1, 1, 0]))
    assert decision.counting == CP
    assert decision.reason == ("origin 'NVivo 12', but 1 selections are impossible as UTF-16 "
                               "code units; " + _summary(6, [4, 1, 5, 2]))
    assert decision.warning == ("the file's origin suggests UTF-16 code units, but its "
                                "selections only fit code points; read as code points.")


def test_impossible_everywhere_keeps_the_origin() -> None:
    decision = decide("", _told(6, [4, 1, 0, 0], [1, 1, 1, 1]))
    assert decision.counting == CP
    assert decision.warning is None and decision.reason == "no origin; " + _summary(
        6, [4, 1, 0, 0])


@pytest.mark.parametrize(("telling", "warned"), [(4, True), (5, False)])
def test_too_few_telling_selections_are_a_warning(telling: int, warned: bool) -> None:
    decision = decide("MAXQDA 24", _told(telling, [telling, 0, 0, 0]))
    assert decision.counting == CP
    assert decision.reason == "origin 'MAXQDA 24'; " + _summary(telling, [telling, 0, 0, 0])
    expected = (f"too few selections ({telling}) to check that positions are code points as "
                "the file's origin suggests; read so.")
    assert decision.warning == (expected if warned else None)


def test_a_tie_keeps_the_origin() -> None:
    decision = decide("MAXQDA", _told(10, [6, 6, 0, 0]))
    assert decision.counting == CP and decision.warning is None


def test_the_fit_overrules_the_origin_at_the_margin_exactly() -> None:
    # 5 of 10 fit UTF-16, 3 of 10 code points: 0.2 better and half of all, just enough
    decision = decide("MAXQDA", _told(10, [3, 5, 0, 0]))
    assert decision.counting == U16
    assert decision.reason == "origin 'MAXQDA'; " + _summary(10, [3, 5, 0, 0])
    assert decision.warning == ("the file's origin suggests code points, but its selections "
                                "fit UTF-16 code units better; read as UTF-16 code units.")


@pytest.mark.parametrize("fits", [[4, 5, 0, 0], [0, 4, 0, 0]], ids=["margin", "half"])
def test_a_fit_short_of_the_margin_or_of_half_keeps_the_origin(fits: list[int]) -> None:
    decision = decide("MAXQDA", _told(10, fits))
    assert decision.counting == CP
    assert decision.reason == "origin 'MAXQDA'; " + _summary(10, fits)
    assert decision.warning == ("the selections fit no counting clearly; read as code points "
                                "as the file's origin suggests - check a few codings.")


def test_among_equal_fits_the_origins_unit_wins() -> None:
    # NVivo: UTF-16. Code points and UTF-16 with \r\n as one fit equally well.
    decision = decide("NVivo", _told(10, [8, 0, 1, 8]))
    assert decision.counting == U16_ONE


def test_the_evidence_of_all_sources_adds_up() -> None:
    evidence = _evidence([(15, 24), (8, 12), (6, 8)])
    evidence.add(PlainText(SAID), np.array([15, 6]), np.array([24, 8]))  # a second source
    assert evidence.telling == 5
    assert evidence.fits == {CP: 0, U16: 3, CP_ONE: 0, U16_ONE: 1}
    assert evidence.invalid == {CP: 0, U16: 2, CP_ONE: 0, U16_ONE: 2}
