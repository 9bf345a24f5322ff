"""Where a coefficient is undefined it says so (None), and the metrics give known values.

Written against the mutants that survived mutation testing of agreement/coefficients.py: each
case pins one guard (too few coders, no units, no variation) or one metric to its definition.
"""

from __future__ import annotations

import numpy as np
import pytest

from qualcode.agreement.coefficients import (
    MISSING,
    brennan_prediger,
    cohen_kappa,
    coincidences,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
    value_counts,
)

TWO = np.array([[0, 0], [1, 1], [0, 1]])
WEIGHTS = np.array([3.0, 2.0, 1.0])


def test_one_coder_or_no_units_is_undefined() -> None:
    one = np.array([[0], [1]])
    assert percent_agreement(one, np.ones(2)) is None  # one coder: nobody to agree with
    assert fleiss_kappa(one, np.ones(2)) is None
    assert cohen_kappa(one, np.ones(2)) is None
    nothing = np.zeros(3)
    assert percent_agreement(TWO, nothing) is None  # weights 0: no units
    assert cohen_kappa(TWO, nothing) is None
    assert fleiss_kappa(TWO, nothing) is None
    missing = np.array([[0, MISSING], [MISSING, 1]])
    assert percent_agreement(missing, np.ones(2)) is None  # no unit both coded


def test_two_coders_with_units_are_defined() -> None:
    assert percent_agreement(TWO, WEIGHTS) == pytest.approx(5 / 6)
    # p_o = 5/6; margins: coder A 0:4 1:2, coder B 0:3 1:3 -> p_e = (4*3 + 2*3) / 36 = 1/2
    assert cohen_kappa(TWO, WEIGHTS) == pytest.approx((5 / 6 - 1 / 2) / (1 - 1 / 2))
    assert brennan_prediger(TWO, WEIGHTS, 2) == pytest.approx((5 / 6 - 1 / 2) / (1 / 2))


def test_cohen_needs_exactly_two_coders() -> None:
    three = np.array([[0, 0, 0], [1, 1, 0]])
    assert cohen_kappa(three, np.ones(2)) is None
    assert fleiss_kappa(three, np.ones(2)) is not None


def test_brennan_prediger_needs_two_categories() -> None:
    assert brennan_prediger(TWO, WEIGHTS, 1) is None
    assert brennan_prediger(TWO, WEIGHTS, 4) == pytest.approx((5 / 6 - 1 / 4) / (3 / 4))


def test_value_counts_and_coincidences_by_hand() -> None:
    counts = value_counts(np.array([[0, 1, MISSING], [1, 1, 1]]), 2)
    assert counts.tolist() == [[1.0, 1.0], [0.0, 3.0]]
    assert counts.dtype == np.float64
    # unit 1: one pair each way (weight 1 / (2 - 1)); unit 2: 3 * 2 ordered pairs / (3 - 1)
    matrix = coincidences(counts, np.array([1.0, 1.0]))
    assert matrix.tolist() == [[0.0, 1.0], [1.0, 3.0]]
    assert coincidences(value_counts(np.array([[0, MISSING]]), 2), np.ones(1)).tolist() == [
        [0.0, 0.0], [0.0, 0.0]]  # a unit with one value is not pairable
    single = value_counts(np.array([[1, 1]]), 2)
    assert coincidences(single, np.ones(1)).tolist() == [[0.0, 0.0], [0.0, 2.0]]


def test_alpha_levels_on_krippendorffs_own_example() -> None:
    # Krippendorff (2011), the 4 coders x 12 units example with missing values; published
    # alpha: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
    m = MISSING
    data = np.array([
        [1, 2, 3, 3, 2, 1, 4, 1, 2, m, m, m],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, m, 3],
        [m, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, m],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, m],
    ]).T
    patterns = np.where(data == m, m, data - 1)
    values = np.arange(1, 6, dtype=float)
    assert krippendorff_alpha(patterns, values=values) == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha(patterns, values=values, level="ordinal") == pytest.approx(
        0.815, abs=5e-4)
    assert krippendorff_alpha(patterns, values=values, level="interval") == pytest.approx(
        0.849, abs=5e-4)
    assert krippendorff_alpha(patterns, values=values, level="ratio") == pytest.approx(
        0.797, abs=5e-4)
    weighted = krippendorff_alpha(patterns, np.full(len(patterns), 2.0), values=values)
    doubled = krippendorff_alpha(np.vstack([patterns, patterns]), values=values)
    assert weighted == pytest.approx(doubled)  # a weight counts its row that many times
    assert weighted != pytest.approx(0.743, abs=5e-4)


def test_alpha_is_undefined_without_values_or_variation() -> None:
    assert krippendorff_alpha(np.full((3, 2), MISSING)) is None
    assert krippendorff_alpha(np.array([[1, 1], [1, 1]])) is None  # one value only
    assert krippendorff_alpha(np.array([[0, MISSING]])) is None  # nothing pairable
