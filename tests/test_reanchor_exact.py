"""Where each coding lands in a corrected transcript: offsets and scores worked out by hand.

Offsets are code points, ranges half-open. The fuzzy score is rapidfuzz's ratio,
100 * (1 - indel distance / (len(a) + len(b))): one inserted character in 26 + 27 gives
100 * (1 - 1 / 53) = 98.1.
"""

from __future__ import annotations

import pytest

from qualcode.transcripts.reanchor import OffsetMap, Placement, place

OLD = "Die Ausländerbehörde hat schnell reagiert. Ohne Netzwerk geht nichts."
NEW = "Die Ausländerbehörde hat sehr schnell reagiert. Ohne Netzwerke geht nichts."
# "sehr " (5 code points) is inserted at 25; "Netzwerk" gains an "e" at new offset 61.


@pytest.mark.parametrize(("old", "new"), [(OLD, NEW)])
def test_offsets_map_through_the_equal_words(old: str, new: str) -> None:
    offsets = OffsetMap(old, new)
    # starts: counted from the equal word at or before them
    assert [offsets.map_start(n) for n in (0, 21, 24, 25, 26, 33)] == [0, 21, 24, 30, 31, 38]
    # ends: counted back from the equal word at or after them
    assert [offsets.map_end(n) for n in (3, 31, 32, 42)] == [3, 36, 37, 47]


def test_offsets_before_the_first_word_stay_and_are_clamped() -> None:
    old, new = "\n\n\n\n\nB: Ja.", "B: Ja."
    offsets = OffsetMap(old, new)
    assert [offsets.map_start(n) for n in (0, 3, 5, 8)] == [0, 3, 0, 3]
    assert offsets.map_start(4) == 4  # no equal word before it: kept, within the new text
    # an end before the first equal word counts back from it, but not below 0
    assert [offsets.map_end(n) for n in (1, 4, 5, 7)] == [0, 0, 0, 2]


def test_offsets_after_the_last_word_are_clamped_to_the_new_text() -> None:
    old, new = "B: Ja.\n\n\n\n", "B: Ja."
    offsets = OffsetMap(old, new)
    assert [offsets.map_start(n) for n in (6, 7, 9)] == [6, 6, 6]
    assert [offsets.map_end(n) for n in (6, 8, 10)] == [6, 6, 6]


def test_without_codings_nothing_is_placed() -> None:
    assert place(OLD, NEW, []) == []


def test_unchanged_text_keeps_the_coding() -> None:
    assert place(OLD, OLD, [(43, 69, "Ohne Netzwerk geht nichts.")]) == [
        Placement("kept", 43, 69, 100.0)]


def test_each_coding_of_a_corrected_sentence() -> None:
    placed = place(OLD, NEW, [
        (0, 42, "Die Ausländerbehörde hat schnell reagiert."),  # 42 vs 47: 1 - 5 / 89
        (43, 69, "Ohne Netzwerk geht nichts."),  # 26 vs 27: 1 - 1 / 53
        (25, 42, "schnell reagiert."),  # unchanged words behind the insertion
        (0, 3, "Die"),  # before the change
    ])
    assert placed == [Placement("fuzzy", 0, 47, 94.4), Placement("fuzzy", 48, 75, 98.1),
                      Placement("moved", 30, 47, 100.0), Placement("kept", 0, 3, 100.0)]


def test_a_sentence_moved_elsewhere_is_found_by_its_text() -> None:
    old = "B: Die Turnhalle war belegt. Heute fehlen Wohnungen."
    new = "B: Heute fehlen Wohnungen. Die Turnhalle war belegt."
    assert place(old, new, [(3, 28, "Die Turnhalle war belegt.")]) == [
        Placement("moved", 27, 52, 100.0)]


def test_of_two_occurrences_equally_near_the_first_is_taken() -> None:
    # Only "B:" and "Gut." are equal words, so the diff puts "Ja" one after "Gut. ", at 12;
    # "Ja" stands at 3 and at 21, nine away each.
    old = "B: Gut. Ja, sicher."
    new = "B: Ja. Gut. Nein nö. Ja."
    assert place(old, new, [(8, 10, "Ja")]) == [Placement("moved", 3, 5, 100.0)]


def test_a_changed_word_inside_an_insertion_is_aligned_within_the_window() -> None:
    # The diff's estimate starts right after "Der" and so covers the inserted aside; the
    # alignment within the window finds "Helferkreiß war sofort da." (one letter changed:
    # 1 - 2 / 52 = 96.2).
    old = "B: Der Helferkreis war sofort da."
    new = "B: Der – also, wie soll ich sagen – Helferkreiß war sofort da."
    coded = "Helferkreis war sofort da."
    assert place(old, new, [(7, 33, coded)]) == [Placement("fuzzy", 36, 62, 96.2)]


def test_text_that_is_gone_is_unplaced() -> None:
    old = "B: Die Turnhalle war belegt. Heute fehlen Wohnungen."
    new = "B: Heute fehlen Wohnungen."
    assert place(old, new, [(3, 28, "Die Turnhalle war belegt.")]) == [
        Placement("unplaced", 0, 0, 0.0)]


def test_an_empty_new_version_leaves_everything_unplaced() -> None:
    assert place("B: Ja.", "", [(3, 6, "Ja.")]) == [Placement("unplaced", 0, 0, 0.0)]


def test_a_coding_of_blank_lines_is_not_placed_on_other_blank_lines() -> None:
    # Three of four line breaks would score 1 - 1 / 7 = 85.7, but white space alone
    # carries nothing to recognise.
    old, new = "Frage\n\n\n\nAntwort", "Frage\n\n\nAntwort"
    assert place(old, new, [(5, 9, "\n\n\n\n")]) == [Placement("unplaced", 0, 0, 0.0)]
