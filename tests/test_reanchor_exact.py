"""Where each coding lands in a corrected transcript: offsets and scores worked out by hand.

Offsets are code points, ranges half-open. The fuzzy score is rapidfuzz's ratio,
100 * (1 - indel distance / (len(a) + len(b))): one inserted character in 26 + 27 gives
100 * (1 - 1 / 53) = 98.1.
"""

from __future__ import annotations

import pytest

from qualcode.transcripts.reanchor import OffsetMap, Placement, _snap, place

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
    # Six of seven line breaks and the "A" after them would score 1 - 2 / 14 = 85.7, but
    # white space alone carries nothing to recognise.
    old, new = "Frage" + "\n" * 7 + "Antwort", "Frage" + "\n" * 6 + "Antwort"
    assert place(old, new, [(5, 12, "\n" * 7)]) == [Placement("unplaced", 0, 0, 0.0)]


CODED = "Helferkreis war sofort da."
CHANGED = "Helferkreiß wär sofortt da!"  # no word left equal; 1 - 7 / 53 = 86.8 on its own
FILLER = "Dann kamen die Familien aus Charkiw an, und die Schule brauchte Plätze. " * 3


def test_the_search_window_ends_200_code_points_after_the_estimate() -> None:
    # Only "B:" and "Danke." are equal words: the estimate is [3, 4). The window ends at
    # 4 + 200 = 204 and so cuts "a!" off the changed sentence [179, 206): the best alignment
    # inside is its first 25 code points, 1 - 7 / 51 = 86.3 (with "a" it would be
    # 1 - 6 / 52 = 88.5), snapped to the whole words [179, 206).
    old = "B: " + CODED + " Danke."
    head = "B: – Danke. "
    new = head + FILLER[:179 - len(head) - 1] + " " + CHANGED
    assert new.index(CHANGED) == 179
    assert place(old, new, [(3, 29, CODED)]) == [Placement("fuzzy", 179, 206, 86.3)]


def test_a_changed_sentence_beyond_the_window_is_unplaced() -> None:
    old = "B: " + CODED + " Danke."
    new = "B: – Danke. " + FILLER + CHANGED
    assert place(old, new, [(3, 29, CODED)]) == [Placement("unplaced", 0, 0, 0.0)]


def test_the_search_window_starts_at_the_first_code_point() -> None:
    # The estimate [0, 43) also covers "Nachtrag: alle." and scores too low; the window
    # from 0 aligns the first 26 code points, "Helferkreiß wär sofortt da": 1 - 6 / 52 = 88.5
    # (without the "H" it would be 86.3), snapped to the whole words [0, 27).
    old = CODED + " Danke."
    new = CHANGED + " Nachtrag: alle. Danke."
    assert place(old, new, [(0, 26, CODED)]) == [Placement("fuzzy", 0, 27, 88.5)]


SENTENCE = "B: Die Turnhalle war belegt."  # "Turnhalle" is [7, 16), "belegt." [21, 28)


@pytest.mark.parametrize(("text", "start", "end", "snapped"), [
    (SENTENCE, 8, 14, (7, 16)),  # "urnhal" -> "Turnhalle"
    (SENTENCE, 15, 20, (7, 20)),  # from the last letter of a word back to its first
    (SENTENCE, 3, 8, (3, 16)),  # an end one letter into a word goes to its end
    (SENTENCE, 21, 27, (21, 28)),  # up to the end of the text, not beyond
    (SENTENCE, 0, 28, (0, 28)),
    (SENTENCE, 6, 17, (7, 16)),  # the spaces around "Turnhalle" are trimmed
    (SENTENCE, 0, 0, (0, 0)),
    ("Turnhalle", 1, 5, (0, 9)),  # down to the first code point, not below
    ("Ja, gut.", 0, 1, (0, 3)),
    ("Frage\n\n\nAntwort", 5, 6, (6, 6)),  # white space alone shrinks to nothing
])
def test_a_fuzzy_range_is_snapped_to_whole_words(text: str, start: int, end: int,
                                                 snapped: tuple[int, int]) -> None:
    assert _snap(text, start, end) == snapped


@pytest.mark.parametrize(("old", "new", "start", "coded", "placed"), [
    # the estimate is 12 (after "Gut. "); "Ja" at 3 and 16: 16 is nearer
    ("B: Gut. Ja, sicher.", "B: Ja. Gut. Nö. Ja.", 8, "Ja", 16),
    # "Ja" at 3, 16 and 20: the middle one is nearest
    ("B: Gut. Ja, sicher.", "B: Ja. Gut. Nö, Ja. Ja.", 8, "Ja", 16),
    # the estimate is 15; "mm" at 4 and at 5 (overlapping): 5 is nearer
    ("B: Gut. Hmm, sicher.", "B: Hmmm. Gut. Ach.", 9, "mm", 5),
])
def test_the_occurrence_nearest_the_estimate_is_taken(old: str, new: str, start: int,
                                                       coded: str, placed: int) -> None:
    assert place(old, new, [(start, start + len(coded), coded)]) == [
        Placement("moved", placed, placed + len(coded), 100.0)]
