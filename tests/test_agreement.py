"""Agreement: published worked examples, cross-checks with established packages, the store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from openpyxl import load_workbook
from sklearn.metrics import cohen_kappa_score

from qualcode.agreement import coefficients as co
from qualcode.agreement.compute import Selection, agreement, disagreements
from qualcode.errors import InvalidInput
from qualcode.services.coding_import import import_codings
from qualcode.services.documents import NewDocument, add_document, show_document
from qualcode.services.importing import import_paths
from tests.cli import assert_user_error, qualcode
from tests.helpers import dump, load_study_codebook

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", 4 observers x 12 units.
K2011 = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
         [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
# Fleiss (1971), Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses (as in R's irr).
FLEISS1971 = [[4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
              [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
              [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
              [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
              [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
              [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
              [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
              [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5]]


def patterns_of(table: list[list[int | None]]) -> np.ndarray:
    """Units x coders of value indices (value - 1), MISSING for None."""
    return np.array([[co.MISSING if v is None else v - 1 for v in unit] for unit in table])


@pytest.mark.parametrize(("level", "expected"), [("nominal", 0.743), ("ordinal", 0.815),
                                                 ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_2011_worked_example(level: str, expected: float) -> None:
    units = patterns_of([list(u) for u in zip(*K2011, strict=True)])
    alpha = co.krippendorff_alpha(units, values=np.arange(1, 6), level=level)
    assert round(alpha, 3) == expected


def test_cohen_kappa_wikipedia_example() -> None:
    units = np.array([[1, 1], [1, 0], [0, 1], [0, 0]])
    assert co.cohen_kappa(units, np.array([20.0, 5, 10, 15])) == pytest.approx(0.4)


def test_fleiss_1971() -> None:
    units = np.array(FLEISS1971) - 1
    assert np.bincount(units.ravel()).tolist() == [26, 26, 30, 55, 43]
    assert round(co.fleiss_kappa(units, np.ones(30)), 3) == 0.430


@pytest.mark.parametrize("seed", range(5))
def test_random_data_agrees_with_krippendorff_and_sklearn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 3, size=(3, 200)).astype(float)
    data[rng.random(data.shape) < 0.15] = np.nan
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    units = np.where(np.isnan(data), co.MISSING, data).astype(int).T
    assert co.krippendorff_alpha(units) == pytest.approx(expected, abs=1e-12)
    a, b = rng.integers(0, 2, 300), rng.integers(0, 2, 300)
    both = np.stack([a, b], axis=1)
    assert co.cohen_kappa(both, np.ones(300)) == pytest.approx(cohen_kappa_score(a, b))


def test_degenerate_data_is_none_not_nan() -> None:
    nobody = np.zeros((10, 2), dtype=int)
    assert co.cohen_kappa(nobody, np.ones(10)) is None
    assert co.krippendorff_alpha(nobody) is None
    assert co.percent_agreement(nobody, np.ones(10)) == 1.0


TEXT = ("I: Wie lief die Aufnahme 2022?\n"
        "B: Schnell 🙂 und gut. Die Familie 👩‍👩‍👧 kam aus Charkiw 🇺🇦.\n"
        "I: Und die Wohnungen?\n"
        "B: Knapp. Sehr knapp.\n")


@pytest.fixture
def coded(store, tmp_path: Path):  # type: ignore[no-untyped-def]
    load_study_codebook(store)
    source = tmp_path / "gespraech.txt"
    source.write_text(TEXT, encoding="utf-8")
    import_paths(store, [source])
    add_document(store, NewDocument("nur-anna", "I: Frage?\nB: Antwort hier.\n"))
    emoji = TEXT.index("👩")
    flag = TEXT.index("🇺🇦")
    rows = [
        ("gespraech", "anna", "Soziale Integration", 3, 10),     # turn 0
        ("gespraech", "björn", "Soziale Integration", 5, 30),    # turn 0
        ("gespraech", "anna", "Wohnen und Unterbringung", emoji, flag + 2),
        ("gespraech", "björn", "Wohnen und Unterbringung", emoji + 2, flag + 1),
        ("gespraech", "anna", "Wohnen und Unterbringung", TEXT.index("Knapp"),
         TEXT.index("Knapp") + 6),
        ("nur-anna", "anna", "Soziale Integration", 3, 8),
    ]
    csv_file = tmp_path / "codings.csv"
    csv_file.write_text("document,coder,code,start,end\n" + "\n".join(
        ",".join(map(str, row)) for row in rows) + "\n", encoding="utf-8")
    import_codings(store, csv_file)
    return store


def test_turn_units_and_missing_documents(coded) -> None:  # type: ignore[no-untyped-def]
    result = agreement(coded, Selection(["anna", "björn"], "turn"))
    by_code = {c.code: c for c in result.codes}
    social = by_code["Herausforderungen/Soziale Integration"]
    # "nur-anna" has no coding by björn: its turns are missing, not disagreement.
    assert social.n_units == 4
    assert social.percent_agreement == 1.0 and social.degenerate is False
    housing = by_code["Herausforderungen/Wohnen und Unterbringung"]
    assert housing.percent_agreement == pytest.approx(3 / 4)
    expected = cohen_kappa_score([0, 1, 0, 1], [0, 1, 0, 0])
    assert housing.cohen_kappa == pytest.approx(expected)


def test_character_units_follow_python_string_indexing(coded) -> None:  # type: ignore[no-untyped-def]
    text = show_document(coded, "gespraech").text
    assert text == TEXT
    anna = np.zeros(len(text), int)
    bjoern = np.zeros(len(text), int)
    emoji, flag = TEXT.index("👩"), TEXT.index("🇺🇦")
    anna[emoji:flag + 2] = 1
    anna[TEXT.index("Knapp"):TEXT.index("Knapp") + 6] = 1
    bjoern[emoji + 2:flag + 1] = 1
    result = agreement(coded, Selection(["anna", "björn"], "character",
                                        documents=["gespraech"],
                                        codes=["Wohnen und Unterbringung"]))
    (housing,) = result.codes
    assert housing.n_units == len(text)
    assert housing.percent_agreement == pytest.approx((anna == bjoern).mean())
    assert housing.cohen_kappa == pytest.approx(cohen_kappa_score(anna, bjoern))
    expected_alpha = krippendorff.alpha(reliability_data=np.stack([anna, bjoern]).astype(float),
                                        level_of_measurement="nominal")
    assert housing.krippendorff_alpha == pytest.approx(expected_alpha)
    found = disagreements(coded, Selection(["anna", "björn"], "character",
                                           documents=["gespraech"],
                                           codes=["Wohnen und Unterbringung"]))
    assert sum(d.end - d.start for d in found) == int((anna != bjoern).sum())
    assert "".join(d.text for d in found[:2]) == TEXT[emoji:emoji + 2] + TEXT[flag + 1:flag + 2]


@pytest.mark.parametrize("unit", ["paragraph", "turn", "sentence", "character"])
def test_disagreement_list_matches_the_coefficients(coded, unit: str) -> None:  # type: ignore[no-untyped-def]
    selection = Selection(["anna", "björn"], unit)
    result = agreement(coded, selection)
    listed = disagreements(coded, selection)
    for code in result.codes:
        mine = [d for d in listed if d.code == code.code]
        weight = sum(d.end - d.start for d in mine) if unit == "character" else len(mine)
        assert weight == pytest.approx(code.n_units * (1 - code.percent_agreement))


def test_degenerate_codes_report_null_with_flag(coded) -> None:  # type: ignore[no-untyped-def]
    result = agreement(coded, Selection(["anna", "björn"], "turn",
                                        codes=["Soziale Integration", "Arbeits- und "
                                               "Ausbildungsmarkt"]))
    unused = next(c for c in result.codes if c.code.endswith("Ausbildungsmarkt"))
    assert unused.degenerate and unused.cohen_kappa is None
    assert unused.krippendorff_alpha is None and unused.used is False
    assert result.overall.codes_used == 1
    text = json.dumps(dataclass_json(result))
    assert "NaN" not in text


def dataclass_json(value):  # type: ignore[no-untyped-def]
    from qualcode.cli.context import to_jsonable

    return to_jsonable(value)


def test_segment_level_as_maxqda(coded) -> None:  # type: ignore[no-untyped-def]
    strict = agreement(coded, Selection(["anna", "björn"], "segment", overlap=0.9))
    loose = agreement(coded, Selection(["anna", "björn"], "segment", overlap=0.5))
    housing = {c.code: c for c in strict.codes}["Herausforderungen/Wohnen und Unterbringung"]
    assert housing.matched == {"anna": 0, "björn": 0}
    assert housing.unmatched == {"anna": 2, "björn": 1}
    housing = {c.code: c for c in loose.codes}["Herausforderungen/Wohnen und Unterbringung"]
    assert housing.matched == {"anna": 1, "björn": 1} and housing.unmatched["anna"] == 1
    assert housing.percent_agreement == pytest.approx(2 / 3)


def test_bad_coding_rows_are_all_listed_and_nothing_imported(coded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = dump(coded)
    bad = tmp_path / "schlecht.csv"
    bad.write_text("document;coder;code;start;end\n"
                   "gespraech;anna;Soziale Integration;0;5\n"
                   "fehlt;anna;Soziale Integration;0;5\n"
                   "gespraech;anna;Gibt es nicht;0;5\n"
                   "gespraech;anna;Soziale Integration;5;99999\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        import_codings(coded, bad)
    message = str(caught.value)
    assert "3 bad rows" in message and "row 3" in message and "row 4" in message
    assert "row 5" in message
    assert dump(coded) == before


def test_cli_json_shape_and_errors(tmp_path: Path) -> None:
    db = str(tmp_path / "q.db")
    source = tmp_path / "gespraech.txt"
    source.write_text(TEXT, encoding="utf-8")
    from tests.conftest import CODEBOOK

    assert qualcode("init", "--codebook", str(CODEBOOK), db=db).code == 0
    assert qualcode("import", str(source), db=db).code == 0
    rows = tmp_path / "c.csv"
    rows.write_text("document,coder,code,start,end\ngespraech,anna,Soziale Integration,3,10\n"
                    "gespraech,björn,Soziale Integration,5,30\n", encoding="utf-8")
    assert qualcode("import", "codings", str(rows), db=db).code == 0
    result = qualcode("agreement", "--coders", "anna,björn", "--json", db=db)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["unit"] == "turn" and data["coders"] == ["anna", "björn"]
    assert set(data["codes"][0]) >= {"code", "n_units", "percent_agreement", "cohen_kappa",
                                     "brennan_prediger", "krippendorff_alpha", "degenerate"}
    # every code of the codebook is listed; only "Soziale Integration" was used
    assert data["overall"]["codes_used"] == 1
    assert data["overall"]["codes_in_scope"] == len(data["codes"]) > 1
    assert set(data["overall"]["used_codes"]) >= {
        "mean_percent_agreement", "mean_cohen_kappa", "mean_krippendorff_alpha",
        "pooled_cohen_kappa", "pooled_krippendorff_alpha"}
    assert_user_error(qualcode("agreement", "--coders", "anna", db=db), "at least two coders")
    assert_user_error(qualcode("agreement", "--coders", "anna,niemand", db=db),
                      "no coder 'niemand'")
    xlsx = tmp_path / "streit.xlsx"
    assert qualcode("disagreements", "--coders", "anna,björn", "--unit", "character",
                    "--xlsx", str(xlsx), db=db).code == 0
    sheet = load_workbook(xlsx).active
    # the project's export language (German for the study) names the columns
    assert [c.value for c in sheet[1]] == ["Dokument", "Einheit", "Beginn", "Ende", "Code",
                                           "Codiert von anna", "Codiert von björn", "Text"]
    # anna coded [3, 10), björn [5, 30): they disagree on [3, 5) and [10, 30)
    assert [(r[2], r[3]) for r in sheet.iter_rows(min_row=2, values_only=True)] == \
        [(3, 5), (10, 30)]
    assert sheet.freeze_panes == "A2"
    table, listing = tmp_path / "kappa.csv", tmp_path / "kappa.xlsx"
    listing.write_bytes(b"alt")
    assert_user_error(qualcode("agreement", "--coders", "anna,björn", "--csv", str(table),
                               "--xlsx", str(listing), db=db), "exists already")
    assert not table.exists() and listing.read_bytes() == b"alt"
    assert qualcode("agreement", "--coders", "anna,björn", "--csv", str(table), "--xlsx",
                    str(listing), "--force", db=db).code == 0
    with table.open(encoding="utf-8-sig") as handle:
        listed = [row["code"] for row in csv.DictReader(handle)]
    assert listed == [code["code"] for code in data["codes"]]
    assert "Herausforderungen/Soziale Integration" in listed
    assert load_workbook(listing).active.cell(2, 1).value == listed[0]


def test_consensus_seed_resolve_and_open_list(coded) -> None:  # type: ignore[no-untyped-def]
    from qualcode.agreement.consensus import open_disagreements, resolve, seed
    from qualcode.services.status import status

    first = open_disagreements(coded, ["anna", "björn"], document="gespraech")
    seeded = seed(coded, ["anna", "björn"], overlap=0.5)
    # Only the emoji coding matches at 50 %: anna's [3, 10) covers a fifth of björn's [5, 30).
    assert seeded.copied == 1
    assert seed(coded, ["anna", "björn"], overlap=0.5).copied == 0
    knapp = next(d for d in first if d.text.startswith("Knapp"))
    done = resolve(coded, document="gespraech", code=knapp.code, start=knapp.start,
                   end=knapp.end, take=["anna"])
    assert done.copied == 1
    assert status(coded).codings_per_coder["consensus"] == 2
    remaining = open_disagreements(coded, ["anna", "björn"], document="gespraech")
    assert len(remaining) < len(first)
    assert all(not d.text.startswith("Knapp") for d in remaining)
    # The consensus coder is an ordinary coder: agreement and exports can use it.
    against = agreement(coded, Selection(["anna", "consensus"], "turn",
                                         documents=["gespraech"]))
    assert against.overall.used_codes.pooled_percent_agreement is not None
