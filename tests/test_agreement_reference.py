"""Agreement figures checked against independent implementations and hand arithmetic.

Each test here is meant to fail on a specific wrong answer that an earlier suite let pass
(issue 12): Brennan-Prediger without its chance correction, Fleiss never computed for three
coders, a fixed bootstrap interval, pooled kappa replaced by a mean, mean alpha replaced by
one code's alpha. The internal-error message of the CLI is checked here too.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from qualcode.agreement import coefficients as co
from qualcode.agreement.compute import Selection, agreement
from qualcode.codebook.parse import parse_codebook
from qualcode.codebook.sync import load_codebook
from qualcode.services.coding_import import import_codings
from qualcode.services.documents import NewDocument, add_document
from qualcode.store import Store, open_store
from tests.cli import qualcode
from tests.conftest import CODEBOOK

# Four codes; in the hand case only Wohnen and Arbeit are used. Paths sort as
# Arbeit, Schule, Sprache, Wohnen.
FOUR_CODES = "title: Vier Codes\ncodes:\n" + "".join(
    f"  - name: {name}\n" for name in ("Wohnen", "Arbeit", "Sprache", "Schule"))
LINES = ["I: Wie war die Wohnungssuche 2022?",
         "B: Schwierig – „es gab einfach nichts“. 🏠",
         "I: Und die Gemeinde?",
         "B: Die Stadt hat Turnhallen geöffnet, später Container.",
         "I: Wie lange?",
         "B: Fast ein Jahr; danach Arbeit im Bauhof für Herrn Öztürk.",
         "I: Gab es Sprachkurse?",
         "B: Ja, aber zu wenige Plätze – Wartezeit ca. drei Monate.",
         "I: Und die Schule?",
         "B: Die Kinder kamen in Willkommensklassen, das lief gut. 🙂"]
TEXT = "\n".join(LINES) + "\n"


def line_span(index: int) -> tuple[int, int]:
    """[start, end) of one line: one paragraph unit."""
    start = sum(len(line) + 1 for line in LINES[:index])
    return start, start + len(LINES[index])


def make_store(path: Path, codings: list[tuple[str, str, int, int]], text: str = TEXT) -> Store:
    """A real SQLite store: four codes, one document, codings imported from a real CSV."""
    store = open_store(str(path / "q.db"))
    load_codebook(store, parse_codebook(FOUR_CODES))
    add_document(store, NewDocument("Gespräch Wohnen", text))
    table = path / "codings.csv"
    table.write_text("document,coder,code,start,end\n" + "".join(
        f"Gespräch Wohnen,{coder},{code},{start},{end}\n"
        for coder, code, start, end in codings), encoding="utf-8")
    import_codings(store, table)
    return store


def by_lines(coder: str, code: str, lines: set[int]) -> list[tuple[str, str, int, int]]:
    return [(coder, code, *line_span(n)) for n in sorted(lines)]


# The hand case: two coders, ten paragraphs (lines 0-9).
#   Wohnen: anna {0,1,2,3}, björn {0,1,2}   -> (1,1)x3 (1,0)x1 (0,0)x6
#   Arbeit: anna {5},       björn {5,6,7}   -> (1,1)x1 (0,1)x2 (0,0)x7
HAND = (by_lines("anna", "Wohnen", {0, 1, 2, 3}) + by_lines("björn", "Wohnen", {0, 1, 2})
        + by_lines("anna", "Arbeit", {5}) + by_lines("björn", "Arbeit", {5, 6, 7}))
ANNA = {"Wohnen": [1, 1, 1, 1, 0, 0, 0, 0, 0, 0], "Arbeit": [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]}
BJOERN = {"Wohnen": [1, 1, 1, 0, 0, 0, 0, 0, 0, 0], "Arbeit": [0, 0, 0, 0, 0, 1, 1, 1, 0, 0]}


@pytest.fixture
def hand(tmp_path: Path) -> Store:
    store = make_store(tmp_path, HAND)
    yield store
    store.close()


def test_per_code_figures_by_hand(hand: Store) -> None:
    result = agreement(hand, Selection(["anna", "björn"], "paragraph"))
    codes = {c.code: c for c in result.codes}
    assert list(codes) == ["Arbeit", "Schule", "Sprache", "Wohnen"]  # unused ones listed too
    wohnen, arbeit = codes["Wohnen"], codes["Arbeit"]
    # Wohnen: p_o = 9/10; margins anna .4, björn .3; p_e = .4*.3 + .6*.7 = .54
    assert wohnen.percent_agreement == pytest.approx(0.9)
    assert wohnen.cohen_kappa == pytest.approx((0.9 - 0.54) / (1 - 0.54))  # 0.7826
    # Brennan-Prediger, q = 2: (p_o - 1/2) / (1 - 1/2)
    assert wohnen.brennan_prediger == pytest.approx(0.8)
    # Arbeit: p_o = 8/10; margins .1 and .3; p_e = .1*.3 + .9*.7 = .66
    assert arbeit.percent_agreement == pytest.approx(0.8)
    assert arbeit.cohen_kappa == pytest.approx((0.8 - 0.66) / (1 - 0.66))  # 0.4118
    assert arbeit.brennan_prediger == pytest.approx(0.6)
    for name in ("Wohnen", "Arbeit"):
        assert codes[name].cohen_kappa == pytest.approx(
            cohen_kappa_score(ANNA[name], BJOERN[name]))
        assert codes[name].krippendorff_alpha == pytest.approx(krippendorff.alpha(
            reliability_data=[ANNA[name], BJOERN[name]], level_of_measurement="nominal"))
    for name in ("Sprache", "Schule"):  # nobody used them: listed, null, flagged
        unused = codes[name]
        assert not unused.used and unused.degenerate and unused.n_units == 10
        assert unused.cohen_kappa is None and unused.krippendorff_alpha is None
        assert unused.percent_agreement == 1.0 and unused.brennan_prediger == 1.0


def test_overall_figures_by_hand(hand: Store) -> None:
    overall = agreement(hand, Selection(["anna", "björn"], "paragraph")).overall
    assert (overall.codes_in_scope, overall.codes_used) == (4, 2)
    used, every = overall.used_codes, overall.all_codes
    assert (used.codes, every.codes) == (2, 4)
    kappa_w, kappa_a = (0.9 - 0.54) / 0.46, (0.8 - 0.66) / 0.34
    # Means over the codes used: (.9 + .8) / 2; (.8 + .6) / 2; the two kappas' mean
    assert used.mean_percent_agreement == pytest.approx(0.85)
    assert used.mean_brennan_prediger == pytest.approx(0.7)
    assert used.mean_cohen_kappa == pytest.approx((kappa_w + kappa_a) / 2)  # 0.5972
    # Pooled over the 20 (unit, code) pairs: (1,1)x4 (1,0)x1 (0,1)x2 (0,0)x13
    # p_o = 17/20 = .85; margins 5/20 = .25 and 6/20 = .3; p_e = .25*.3 + .75*.7 = .6
    assert used.pooled_percent_agreement == pytest.approx(0.85)
    assert used.pooled_cohen_kappa == pytest.approx((0.85 - 0.6) / (1 - 0.6))  # 0.625
    assert used.pooled_cohen_kappa != pytest.approx(used.mean_cohen_kappa)
    assert used.pooled_brennan_prediger == pytest.approx(0.7)
    alphas = [krippendorff.alpha(reliability_data=[ANNA[n], BJOERN[n]],
                                 level_of_measurement="nominal") for n in ("Arbeit", "Wohnen")]
    assert alphas[0] != pytest.approx(alphas[1])
    assert used.mean_krippendorff_alpha == pytest.approx(np.mean(alphas))
    pooled = [ANNA["Arbeit"] + ANNA["Wohnen"], BJOERN["Arbeit"] + BJOERN["Wohnen"]]
    assert used.pooled_krippendorff_alpha == pytest.approx(krippendorff.alpha(
        reliability_data=pooled, level_of_measurement="nominal"))
    # Over all four codes the 20 pairs of the unused codes are (0,0):
    # (1,1)x4 (1,0)x1 (0,1)x2 (0,0)x33; p_o = 37/40 = .925; margins .125 and .15;
    # p_e = .125*.15 + .875*.85 = .7625
    assert every.pooled_percent_agreement == pytest.approx(0.925)
    assert every.pooled_cohen_kappa == pytest.approx((0.925 - 0.7625) / (1 - 0.7625))
    assert every.pooled_brennan_prediger == pytest.approx(0.85)
    zeros = [0] * 20
    assert every.pooled_krippendorff_alpha == pytest.approx(krippendorff.alpha(
        reliability_data=[pooled[0] + zeros, pooled[1] + zeros], level_of_measurement="nominal"))
    # Means over all four: unused codes agree fully (1.0) on percent and BP; their kappa and
    # alpha are undefined and left out, so those means equal the means over the codes used.
    assert every.mean_percent_agreement == pytest.approx((0.9 + 0.8 + 1 + 1) / 4)
    assert every.mean_brennan_prediger == pytest.approx((0.8 + 0.6 + 1 + 1) / 4)
    assert every.mean_cohen_kappa == pytest.approx(used.mean_cohen_kappa)
    assert every.pooled_fleiss_kappa is None and used.mean_fleiss_kappa is None  # two coders


def test_code_filter_limits_the_scope(hand: Store) -> None:
    result = agreement(hand, Selection(["anna", "björn"], "paragraph",
                                       codes=["Sprache", "Wohnen"]))
    assert [c.code for c in result.codes] == ["Sprache", "Wohnen"]
    assert (result.overall.codes_in_scope, result.overall.codes_used) == (2, 1)
    assert result.overall.used_codes.pooled_percent_agreement == pytest.approx(0.9)
    assert result.overall.all_codes.pooled_percent_agreement == pytest.approx(19 / 20)


def test_cli_json_and_table_give_both_summaries(hand: Store, tmp_path: Path) -> None:
    db = str(tmp_path / "q.db")
    run = qualcode("agreement", "--coders", "anna,björn", "--unit", "paragraph", "--json", db=db)
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert [c["code"] for c in data["codes"]] == ["Arbeit", "Schule", "Sprache", "Wohnen"]
    unused = data["codes"][1]
    assert unused["cohen_kappa"] is None and unused["degenerate"] is True
    assert unused["used"] is False
    overall = data["overall"]
    assert (overall["codes_in_scope"], overall["codes_used"]) == (4, 2)
    assert overall["used_codes"]["pooled_cohen_kappa"] == pytest.approx(0.625)
    assert overall["all_codes"]["pooled_percent_agreement"] == pytest.approx(0.925)
    assert overall["all_codes"]["mean_percent_agreement"] == pytest.approx(0.925)
    assert overall["used_codes"]["mean_percent_agreement"] == pytest.approx(0.85)
    table = qualcode("agreement", "--coders", "anna,björn", "--unit", "paragraph", db=db)
    assert table.code == 0, table.err
    lines = table.out.splitlines()
    assert sum("(not used)" in line for line in lines) == 2
    every = lines.index("overall, all 4 codes in scope:")
    used = lines.index("overall, the 2 codes used:")
    assert lines[every + 1].split() == ["mean", "agree", "0.925", "kappa", "0.597",
                                        "BP", "0.850", "alpha", "0.599"]
    assert lines[every + 2].split()[:5] == ["pooled", "agree", "0.925", "kappa", "0.684"]
    assert lines[used + 1].split()[:3] == ["mean", "agree", "0.850"]
    assert lines[used + 2].split()[:5] == ["pooled", "agree", "0.850", "kappa", "0.625"]


# Three coders over the ten paragraphs; chosen so that every code has variation.
THREE = {"anna": {"Wohnen": {0, 1, 2, 3, 7}, "Arbeit": {5, 6}, "Sprache": {6, 7, 8}},
         "björn": {"Wohnen": {0, 1, 2}, "Arbeit": {5, 6, 7}, "Sprache": {7}},
         "cem": {"Wohnen": {0, 2, 3, 4}, "Arbeit": {5}, "Sprache": {6, 7, 9}}}


@pytest.fixture
def three(tmp_path: Path) -> Store:
    rows = [row for coder, codes in THREE.items() for code, lines in codes.items()
            for row in by_lines(coder, code, lines)]
    store = make_store(tmp_path, rows)
    yield store
    store.close()


def ratings(code: str) -> np.ndarray:
    """units x coders, 0/1: the data of one code as statsmodels and krippendorff take it."""
    return np.array([[int(n in THREE[c][code]) for c in THREE] for n in range(len(LINES))])


def test_three_coders_against_statsmodels_and_krippendorff(three: Store) -> None:
    result = agreement(three, Selection(["anna", "björn", "cem"], "paragraph"))
    codes = {c.code: c for c in result.codes}
    used = ("Arbeit", "Sprache", "Wohnen")
    for name in used:
        data = ratings(name)
        expected = statsmodels_fleiss(aggregate_raters(data)[0], method="fleiss")
        assert codes[name].fleiss_kappa == pytest.approx(expected), name
        assert codes[name].krippendorff_alpha == pytest.approx(krippendorff.alpha(
            reliability_data=data.T, level_of_measurement="nominal")), name
        assert codes[name].cohen_kappa is None  # Cohen's kappa is for two coders
    assert codes["Schule"].fleiss_kappa is None and not codes["Schule"].used
    # Wohnen by hand: units with 3 of 3 agreeing pairs: 1 (line 0: all yes), 2, 5, 6, 8, 9
    # (all no); lines 1, 3, 7 and 4 have one coder apart: 1 of 3 pairs agree.
    assert codes["Wohnen"].percent_agreement == pytest.approx((6 * 1 + 4 * (1 / 3)) / 10)
    overall = result.overall.used_codes
    pooled = np.concatenate([ratings(n) for n in used])
    assert overall.pooled_fleiss_kappa == pytest.approx(
        statsmodels_fleiss(aggregate_raters(pooled)[0], method="fleiss"))
    assert overall.pooled_krippendorff_alpha == pytest.approx(krippendorff.alpha(
        reliability_data=pooled.T, level_of_measurement="nominal"))
    fleiss = [statsmodels_fleiss(aggregate_raters(ratings(n))[0]) for n in used]
    assert overall.mean_fleiss_kappa == pytest.approx(np.mean(fleiss))
    every = np.concatenate([pooled, np.zeros((10, 3), int)])  # Schule: nobody, 10 units
    assert result.overall.all_codes.pooled_fleiss_kappa == pytest.approx(
        statsmodels_fleiss(aggregate_raters(every)[0], method="fleiss"))


def test_brennan_prediger_is_chance_corrected() -> None:
    units = np.array([[1, 1], [1, 0], [0, 0], [0, 0]])  # p_o = 3/4
    assert co.brennan_prediger(units, np.ones(4)) == pytest.approx((0.75 - 0.5) / 0.5)
    assert co.brennan_prediger(units, np.ones(4), categories=4) == pytest.approx(
        (0.75 - 0.25) / 0.75)


def test_bootstrap_interval_is_seeded_holds_the_estimate_and_narrows() -> None:
    rng = np.random.default_rng(7)
    truth = rng.integers(0, 2, 60)
    other = np.where(rng.random(60) < 0.8, truth, 1 - truth)
    units = np.stack([truth, other], axis=1)
    alpha = co.krippendorff_alpha(units, np.ones(60))
    low, high = co.bootstrap_alpha(units, np.ones(60), samples=400, seed=3)
    assert (low, high) == co.bootstrap_alpha(units, np.ones(60), samples=400, seed=3)
    assert -1 < low < alpha < high < 1
    # Four times the units: the interval shrinks by about half (1 / sqrt(4)).
    big = np.tile(units, (4, 1))
    low4, high4 = co.bootstrap_alpha(big, np.ones(240), samples=400, seed=3)
    assert low4 < alpha < high4
    assert high4 - low4 < 0.7 * (high - low)


def test_bootstrap_through_agreement(three: Store) -> None:
    result = agreement(three, Selection(["anna", "björn", "cem"], "paragraph",
                                        codes=["Wohnen"], bootstrap=300))
    (wohnen,) = result.codes
    low, high = wohnen.alpha_interval
    assert low < wohnen.krippendorff_alpha < high and (low, high) != (0.0, 1.0)


# Segment level as MAXQDA: a coding agrees when another coder has the same code on a coding
# that overlaps it by at least the --overlap share (MAXQDA's minimum code intersection rate).
# This project applies the share to BOTH codings' lengths (src/qualcode/agreement/segments.py:
# overlap >= share * len(a) and overlap >= share * len(b)). With --overlap 0.8:
#   Wohnen anna [0,100)   björn [10,100): overlap 90 >= 80 and >= 72       -> both match
#   Wohnen anna [200,300) björn [230,300): overlap 70 < 80 (anna's length)  -> neither
#          (björn's own 70 would pass 0.8 * 70 = 56: the rule on both lengths rejects it)
#   Arbeit anna [400,450), nobody else                                      -> unmatched
#   Arbeit anna [502,520) björn [500,520): overlap 18 >= 14.4 and >= 16     -> both match
# Wohnen: 2 of 4 codings match (0.5); Arbeit: 2 of 3 (2/3); pooled 4 of 7.
# Brennan-Prediger with q = number of codes used (2): Wohnen (0.5 - 1/2) / (1/2) = 0,
# Arbeit (2/3 - 1/2) / (1/2) = 1/3, pooled (4/7 - 1/2) / (1/2) = 1/7; over all four codes in
# scope q = 4: (4/7 - 1/4) / (3/4) = 3/7.
SEGMENTS = [("anna", "Wohnen", 0, 100), ("björn", "Wohnen", 10, 100),
            ("anna", "Wohnen", 200, 300), ("björn", "Wohnen", 230, 300),
            ("anna", "Arbeit", 400, 450),
            ("anna", "Arbeit", 502, 520), ("björn", "Arbeit", 500, 520)]


def test_segment_level_step_by_step(tmp_path: Path) -> None:
    store = make_store(tmp_path, SEGMENTS, text=TEXT * 2)  # 774 code points
    result = agreement(store, Selection(["anna", "björn"], "segment", overlap=0.8))
    codes = {c.code: c for c in result.codes}
    assert codes["Wohnen"].matched == {"anna": 1, "björn": 1}
    assert codes["Wohnen"].unmatched == {"anna": 1, "björn": 1}
    assert codes["Arbeit"].matched == {"anna": 1, "björn": 1}
    assert codes["Arbeit"].unmatched == {"anna": 1, "björn": 0}
    assert codes["Wohnen"].percent_agreement == pytest.approx(0.5)
    assert codes["Arbeit"].percent_agreement == pytest.approx(2 / 3)
    assert codes["Wohnen"].brennan_prediger == pytest.approx(0.0)
    assert codes["Arbeit"].brennan_prediger == pytest.approx(1 / 3)
    assert codes["Schule"].percent_agreement is None and not codes["Schule"].used
    overall = result.overall
    assert overall.used_codes.pooled_percent_agreement == pytest.approx(4 / 7)
    assert overall.used_codes.pooled_brennan_prediger == pytest.approx(1 / 7)
    assert overall.all_codes.pooled_brennan_prediger == pytest.approx(3 / 7)
    assert overall.used_codes.mean_percent_agreement == pytest.approx((0.5 + 2 / 3) / 2)
    assert overall.used_codes.pooled_cohen_kappa is None  # no uncoded units at this level
    # at 0.7 the second Wohnen pair matches too (70 >= 70): 6 of 7
    loose = agreement(store, Selection(["anna", "björn"], "segment", overlap=0.7))
    assert loose.overall.used_codes.pooled_percent_agreement == pytest.approx(6 / 7)
    store.close()


def test_internal_error_names_only_the_type(tmp_path: Path) -> None:
    """A bug's message can quote SQL and row data: the CLI prints only the exception type."""
    db = str(tmp_path / "kaputt.db")
    source = tmp_path / "Gespräch Frau Müller.txt"
    source.write_text("I: Grüß Gott, Frau Müller?\nB: Ja – „gern“. 🙂\n", encoding="utf-8")
    assert qualcode("init", "--codebook", str(CODEBOOK), db=db).code == 0
    assert qualcode("import", str(source), db=db).code == 0
    rows = tmp_path / "c.csv"
    rows.write_text("document,coder,code,start,end\n"
                    "Gespräch Frau Müller,anna,Soziale Integration,3,12\n"
                    "Gespräch Frau Müller,björn,Soziale Integration,3,12\n", encoding="utf-8")
    assert qualcode("import", "codings", str(rows), db=db).code == 0
    with sqlite3.connect(db) as damage:  # a store the code does not expect: a real bug path
        damage.execute("ALTER TABLE documents RENAME COLUMN created_at TO angelegt")
    args = ("agreement", "--coders", "anna,björn", "--documents", "Gespräch Frau Müller")
    result = qualcode(*args, db=db)
    # The store's boundary turns the driver's error (SQL, parameters) into one sentence.
    assert result.code == 1, (result.out, result.err)
    assert result.err.startswith("Error: The store ") and "(SQLITE_ERROR)" in result.err
    for leak in ("Müller", "SELECT", "parameters", "angelegt", "Traceback"):
        assert leak not in result.err, leak
    assert len(result.err.strip().splitlines()) == 1
    with sqlite3.connect(db) as damage:  # a stored value the code cannot read: a bug path
        damage.execute("ALTER TABLE documents RENAME COLUMN angelegt TO created_at")
        damage.execute("UPDATE project_settings SET value = '{\"study\": \"Frau Müller' "
                       "WHERE key = 'profile'")
    args = ("documents",)  # reads the profile
    result = qualcode(*args, db=db)
    assert result.code == 1, (result.out, result.err)
    assert result.err.startswith("Internal error: JSONDecodeError.")
    assert "QUALCODE_DEBUG=1" in result.err
    for leak in ("Müller", "SELECT", "documents", "parameters", "nothing was changed",
                 "Traceback"):
        assert leak not in result.err, leak
    assert len(result.err.strip().splitlines()) == 1
    debug = qualcode(*args, db=db, env={"QUALCODE_DEBUG": "1"})
    assert debug.code == 1 and "Traceback" in debug.err and "JSONDecodeError" in debug.err
