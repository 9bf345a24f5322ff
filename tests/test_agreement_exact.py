"""Agreement figures and flags pinned to hand-computed values and independent references.

Written against the mutants that survived mutation testing of agreement/ (the table of the
remaining ones, with reasons, is in docs/mutation/agreement.md): each test fails on one
wrong answer a user would publish or act on.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from qualcode.agreement import coefficients as co
from qualcode.agreement.compute import (
    Selection,
    agreement,
    agreement_and_disagreements,
    disagreements,
)
from qualcode.agreement.units import Span, UnitRows, coded_units, paragraph_units, unit_rows
from qualcode.errors import InvalidInput
from qualcode.services.codings import add_coding
from qualcode.services.documents import NewDocument, add_document
from qualcode.services.importing import import_paths
from tests.test_agreement_reference import HAND, SEGMENTS, TEXT, line_span, make_store


def test_paragraphs_are_the_non_empty_lines_in_code_points() -> None:
    text = "I: Grüß Gott!\n\nB: Servus 🙂 – „na ja“\nI: Weiter?"
    assert paragraph_units(text) == [Span(0, 13), Span(15, 36), Span(37, 47)]
    assert [text[s.start:s.end] for s in paragraph_units(text)] == [
        "I: Grüß Gott!", "B: Servus 🙂 – „na ja“", "I: Weiter?"]


def test_a_unit_is_coded_when_an_interval_overlaps_it_by_one_code_point() -> None:
    starts, ends = np.array([0, 5, 9]), np.array([5, 9, 12])
    assert coded_units(starts, ends, [(4, 6)]).tolist() == [1, 1, 0]
    assert coded_units(starts, ends, [(5, 9)]).tolist() == [0, 1, 0]  # touching is not coded
    assert coded_units(starts, ends, [(12, 14)]).tolist() == [0, 0, 0]
    assert coded_units(starts, ends, []).tolist() == [0, 0, 0]
    none = np.zeros(0, dtype=np.int64)
    assert coded_units(none, none, [(1, 3)]).tolist() == []


@pytest.mark.fuzz
@given(st.lists(st.integers(0, 40), min_size=1, max_size=12, unique=True),
       st.lists(st.tuples(st.integers(0, 45), st.integers(1, 10)), max_size=6))
def test_coded_units_agree_with_checking_every_unit(cuts: list[int],
                                                    raw: list[tuple[int, int]]) -> None:
    edges = sorted({0, *cuts})
    starts, ends = np.array(edges[:-1] or [0]), np.array(edges[1:] or [1])
    intervals = sorted((s, s + length) for s, length in raw)
    expected = [int(any(s < end and start < e for s, e in intervals))
                for start, end in zip(starts.tolist(), ends.tolist(), strict=True)]
    assert coded_units(starts, ends, intervals).tolist() == expected


def test_compressed_rows_are_the_distinct_patterns_with_summed_weights() -> None:
    """Character level keeps millions of units as a few patterns: no pattern twice."""
    m = co.MISSING
    rows = np.array([[1, 0], [0, 0], [1, 0], [m, 1], [0, 0]], dtype=np.int8)
    patterns, weights = UnitRows(rows, np.array([1.0, 2, 3, 4, 5]), []).compressed()
    assert len(patterns) == 3
    assert dict(zip(map(tuple, patterns.tolist()), weights.tolist(), strict=True)) == {
        (0, 0): 7.0, (1, 0): 4.0, (m, 1): 4.0}


def test_fleiss_for_two_coders_is_scotts_pi() -> None:
    # Units (0,0) x3, (1,1) x2, (0,1) x1: p_o = 5/6; shares 7/12 and 5/12,
    # p_e = 49/144 + 25/144 = 74/144; kappa = (120 - 74) / (144 - 74) = 23/35.
    units = np.array([[0, 0], [1, 1], [0, 1]])
    assert co.fleiss_kappa(units, np.array([3.0, 2.0, 1.0])) == pytest.approx(23 / 35)
    rows = np.repeat(units, [3, 2, 1], axis=0)
    assert co.fleiss_kappa(rows, np.ones(6)) == pytest.approx(
        statsmodels_fleiss(aggregate_raters(rows)[0]))


def test_fleiss_is_undefined_when_every_coder_gives_one_value() -> None:
    assert co.fleiss_kappa(np.array([[1, 1, 1], [1, 1, 1]]), np.ones(2)) is None
    assert co.fleiss_kappa(np.array([[0, 0, 0]]), np.array([4.0])) is None


def test_ratio_alpha_with_a_zero_value_is_quiet_and_right() -> None:
    # Ratings 0..3 ("gar nicht" .. "sehr") of three coders; 0 + 0 makes the ratio metric 0/0.
    data = np.array([[0, 0, 1, 2, 3, 3, 1, 0],
                     [0, 1, 1, 2, 3, 2, 1, 0],
                     [0, 0, 2, 2, 3, 3, 0, 1]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        alpha = co.krippendorff_alpha(data.T, values=np.arange(4.0), level="ratio")
    assert alpha == pytest.approx(krippendorff.alpha(
        reliability_data=data.astype(float), value_domain=[0, 1, 2, 3],
        level_of_measurement="ratio"))


@pytest.mark.parametrize(("level", "expected"), [(0.95, (0.025, 0.975)), (0.9, (0.05, 0.95)),
                                                 (0.5, (0.25, 0.75))])
def test_percentile_interval_cuts_half_the_rest_from_each_end(
        level: float, expected: tuple[float, float]) -> None:
    replicates = np.linspace(0.0, 1.0, 2001)[::-1]  # order does not matter
    assert co.percentile_interval(replicates, level) == pytest.approx(expected, abs=1e-12)


def test_bootstrap_of_two_units_is_defined() -> None:
    # Two units, both coders agree on each: every resample that holds both units has alpha 1,
    # a resample of one unit twice has no variation and is left out.
    assert co.bootstrap_alpha(np.array([[0, 0], [1, 1]]), np.ones(2)) == (1.0, 1.0)
    assert co.bootstrap_alpha(np.array([[0, 1]]), np.ones(1)) is None


def test_bootstrap_defaults_are_the_documented_ones() -> None:
    """1000 resamples, seed 1, 95 %: a published interval can be recomputed later."""
    rng = np.random.default_rng(7)
    units = rng.integers(0, 2, size=(40, 2))
    units[:25, 1] = units[:25, 0]
    weights = np.ones(40)
    chosen = co.bootstrap_alpha(units, weights)
    assert chosen == co.bootstrap_alpha(units, weights, samples=1000, seed=1, level=0.95)
    assert chosen != co.bootstrap_alpha(units, weights, samples=1000, seed=2, level=0.95)
    assert chosen != co.bootstrap_alpha(units, weights, samples=1001, seed=1, level=0.95)


def test_segment_level_flags_unused_and_single_codings(tmp_path: Path) -> None:
    # One Arbeit coding of anna's only: used, not degenerate, nothing matched (0 of 1).
    store = make_store(tmp_path, [("anna", "Arbeit", *line_span(5)),
                                  ("björn", "Wohnen", *line_span(1))])
    result = agreement(store, Selection(["anna", "björn"], "segment"))
    codes = {c.code: c for c in result.codes}
    assert (codes["Arbeit"].used, codes["Arbeit"].degenerate) == (True, False)
    assert codes["Arbeit"].percent_agreement == 0.0 and codes["Arbeit"].n_units == 1
    assert (codes["Schule"].used, codes["Schule"].degenerate) == (False, True)
    assert codes["Schule"].n_units == 0
    store.close()


def test_segment_level_over_unused_codes_only_is_undefined(tmp_path: Path) -> None:
    store = make_store(tmp_path, SEGMENTS, text=TEXT * 2)
    result = agreement(store, Selection(["anna", "björn"], "segment",
                                        codes=["Schule", "Sprache"]))
    assert (result.overall.codes_in_scope, result.overall.codes_used) == (2, 0)
    for summary in (result.overall.all_codes, result.overall.used_codes):
        assert summary.pooled_percent_agreement is None
        assert summary.pooled_brennan_prediger is None
        assert summary.mean_percent_agreement is None
    store.close()


def test_agreement_and_disagreements_in_one_read(tmp_path: Path) -> None:
    """The report's single read gives the same figures and the same list as two reads."""
    store = make_store(tmp_path, HAND)
    selection = Selection(["anna", "björn"], "paragraph")
    figures, found = agreement_and_disagreements(store, selection)
    assert figures == agreement(store, selection)
    assert found == disagreements(store, selection)
    # Wohnen differs on line 3, Arbeit on lines 6 and 7 (paths sort Arbeit first).
    assert [(d.code, d.start, d.end) for d in found] == [
        ("Arbeit", *line_span(6)), ("Arbeit", *line_span(7)), ("Wohnen", *line_span(3))]
    assert {(d.document, d.unit) for d in found} == {("Gespräch Wohnen", "paragraph")}
    assert found[0].coded_by == {"anna": False, "björn": True}
    assert found[2].coded_by == {"anna": True, "björn": False}
    store.close()


def test_segment_level_one_emoji_coded_by_both_agrees(tmp_path: Path) -> None:
    house = TEXT.index("🏠")  # one code point
    store = make_store(tmp_path, [("anna", "Wohnen", house, house + 1),
                                  ("björn", "Wohnen", house, house + 1)])
    wohnen = agreement(store, Selection(["anna", "björn"], "segment")).codes[-1]
    assert wohnen.code == "Wohnen"
    assert wohnen.matched == {"anna": 1, "björn": 1} and wohnen.percent_agreement == 1.0
    store.close()


def test_a_document_without_turns_gives_no_units_and_no_disagreements(tmp_path: Path) -> None:
    store = make_store(tmp_path, HAND)  # added as plain text: no speaker turns were stored
    selection = Selection(["anna", "björn"], "turn")
    assert disagreements(store, selection) == []
    assert [c.n_units for c in agreement(store, selection).codes] == [0.0] * 4
    store.close()


@pytest.mark.parametrize(("selection", "message"), [
    (Selection(["anna"], "paragraph"), "Agreement needs at least two coders (--coders A,B)."),
    (Selection(["anna", "björn"], "absatz"),
     "--unit must be one of paragraph, turn, sentence, character, segment, not 'absatz'."),
    (Selection(["anna", "björn"], "segment", overlap=0),
     "--overlap must be a share between 0 and 1, such as 0.9."),
    (Selection(["anna", "björn"], "turn", documents=["Gespräch Wohnen", "Gespräch Schule"]),
     "There is no document 'Gespräch Schule'."),
])
def test_a_bad_selection_is_named_in_one_sentence(tmp_path: Path, selection: Selection,
                                                  message: str) -> None:
    store = make_store(tmp_path, HAND)
    with pytest.raises(InvalidInput) as raised:
        agreement(store, selection)
    assert str(raised.value) == message
    store.close()


TURNS = ("I: Wie war die Ankunft 2022?\n"
         "B: Wir kamen nach Talbrück – „zuerst in die Turnhalle“. 🙂\n"
         "I: Und dann?\n"
         "B: Eine Wohnung über den Helferkreis, später Arbeit im Bauhof.\n")


def test_documents_without_turns_do_not_hide_the_ones_after_them(tmp_path: Path) -> None:
    """„Gespräch Wohnen“ (no turns stored) sorts before „gespraech“ (four turns)."""
    store = make_store(tmp_path, HAND)
    source = tmp_path / "gespraech.txt"
    source.write_text(TURNS, encoding="utf-8")
    import_paths(store, [source])
    for coder, phrase in [("anna", "Turnhalle"), ("björn", "Turnhalle"),
                          ("björn", "Eine Wohnung")]:
        start = TURNS.index(phrase)
        add_coding(store, document="gespraech", code="Wohnen", coder=coder, start=start,
                   end=start + len(phrase))
    result = agreement(store, Selection(["anna", "björn"], "turn"))
    assert (result.unit, result.coders, result.documents) == ("turn", ["anna", "björn"], 2)
    wohnen = result.codes[-1]
    # Turns (0,0) (1,1) (0,0) (0,1): three of four agree.
    assert (wohnen.code, wohnen.n_units, wohnen.percent_agreement) == ("Wohnen", 4.0, 0.75)
    segment = agreement(store, Selection(["anna", "björn"], "segment"))
    assert (segment.unit, segment.coders, segment.documents) == ("segment", ["anna", "björn"], 2)
    store.close()


def test_a_document_one_coder_never_coded_gives_no_units(tmp_path: Path) -> None:
    """björn coded nothing in „Nachgespräch“: its two paragraphs are missing for him, not
    "not coded", so they add no units and no disagreement."""
    store = make_store(tmp_path, HAND)
    add_document(store, NewDocument("Nachgespräch",
                                    "I: Noch etwas?\nB: Die Wohnung ist zu klein.\n"))
    add_coding(store, document="Nachgespräch", code="Wohnen", coder="anna", start=15, end=41)
    selection = Selection(["anna", "björn"], "paragraph")
    wohnen = agreement(store, selection).codes[-1]
    assert (wohnen.code, wohnen.n_units, wohnen.percent_agreement) == ("Wohnen", 10.0, 0.9)
    assert [d.document for d in disagreements(store, selection)] == ["Gespräch Wohnen"] * 3
    store.close()


def test_alpha_of_nothing_or_of_too_little_is_undefined() -> None:
    assert co.krippendorff_alpha(np.zeros((0, 2), dtype=np.int8)) is None
    missing = np.full((3, 2), co.MISSING)
    assert co.krippendorff_alpha(missing) is None
    # half a unit of two values: one pairable value, no pair to compare
    assert co.krippendorff_alpha(np.array([[0, 1]]), np.array([0.5])) is None


def test_alpha_of_one_unit_on_which_two_coders_differ_is_zero() -> None:
    # o = [[0, 1], [1, 0]], n = 2: D_o = 2, D_e = 1 * 1 * 2 / (2 - 1) = 2
    assert co.krippendorff_alpha(np.array([[0, 1]])) == 0.0


def test_ratio_alpha_with_a_small_expected_disagreement() -> None:
    # values 1 and 2: delta = (1/3)^2 = 1/9. Units (1,1), (2,2), (1,2): o = [[2,1],[1,2]],
    # n = 6, D_o = 2/9, D_e = 2 * 3 * 3 / 9 / 5 = 2/5: alpha = 1 - (2/9) / (2/5) = 4/9
    units = np.array([[0, 0], [1, 1], [0, 1]])
    alpha = co.krippendorff_alpha(units, values=np.array([1.0, 2.0]), level="ratio")
    assert alpha == pytest.approx(4 / 9)
    assert alpha == pytest.approx(krippendorff.alpha(
        reliability_data=np.array([[1.0, 2.0, 1.0], [1.0, 2.0, 2.0]]), value_domain=[1, 2],
        level_of_measurement="ratio"))


def test_coincidences_of_one_unit_of_one_value() -> None:
    # three coders gave value 0: 3 * 2 pairs / (3 - 1) = 3, weighted 2
    assert co.coincidences(np.array([[3.0]]), np.array([2.0])).tolist() == [[6.0]]


def test_no_documents_give_no_unit_rows() -> None:
    rows = unit_rows([], 1, 2, "paragraph")
    assert rows.rows.shape == (0, 2) and rows.weights.shape == (0,)


def test_a_coder_missing_from_a_document_is_shown_as_missing(tmp_path: Path) -> None:
    """carla coded only in a document of her own: in „Gespräch Wohnen“ she is missing."""
    store = make_store(tmp_path, HAND)
    add_document(store, NewDocument("Zweitgespräch", "I: Und sonst?\nB: Nichts weiter.\n"))
    add_coding(store, document="Zweitgespräch", code="Wohnen", coder="carla", start=14,
               end=30)
    selection = Selection(["anna", "björn", "carla"], "paragraph")
    found = disagreements(store, selection)
    assert found[0].coded_by == {"anna": False, "björn": True, "carla": None}
    store.close()


def test_disagreements_follow_the_document_names(tmp_path: Path) -> None:
    store = make_store(tmp_path, HAND)
    add_document(store, NewDocument("Abschlussgespräch", "I: Wohnen?\nB: Eng.\n"))
    add_coding(store, document="Abschlussgespräch", code="Wohnen", coder="anna", start=11,
               end=15)
    add_coding(store, document="Abschlussgespräch", code="Arbeit", coder="björn", start=0,
               end=10)
    found = disagreements(store, Selection(["anna", "björn"], "paragraph"))
    assert [(d.code, d.document) for d in found] == [
        ("Arbeit", "Abschlussgespräch"), ("Arbeit", "Gespräch Wohnen"),
        ("Arbeit", "Gespräch Wohnen"), ("Wohnen", "Abschlussgespräch"),
        ("Wohnen", "Gespräch Wohnen")]
    store.close()


def test_the_bootstrap_takes_the_number_of_samples_asked_for(tmp_path: Path) -> None:
    from tests.test_agreement_reference import ANNA, BJOERN

    store = make_store(tmp_path, HAND)
    wohnen = agreement(store, Selection(["anna", "björn"], "paragraph", bootstrap=200)).codes[-1]
    rows = np.array(list(zip(ANNA["Wohnen"], BJOERN["Wohnen"], strict=True)), dtype=np.int8)
    patterns, weights = UnitRows(rows, np.ones(10), []).compressed()
    assert wohnen.code == "Wohnen"
    assert wohnen.alpha_interval == co.bootstrap_alpha(patterns, weights, samples=200)
    assert wohnen.alpha_interval != co.bootstrap_alpha(patterns, weights, samples=1000)
    store.close()


def test_an_overlap_of_1_asks_for_identical_codings(tmp_path: Path) -> None:
    # line by line: Wohnen 3 of anna's 4 and björn's 3 are the same; Arbeit 1 of 1 and 3
    store = make_store(tmp_path, HAND)
    codes = agreement(store, Selection(["anna", "björn"], "segment", overlap=1.0)).codes
    assert [(c.code, c.matched, c.percent_agreement) for c in codes if c.used] == [
        ("Arbeit", {"anna": 1, "björn": 1}, 2 / 4), ("Wohnen", {"anna": 3, "björn": 3}, 6 / 7)]
    store.close()
