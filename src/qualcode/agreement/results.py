"""What agreement is asked for and what it answers: the selection, per-code and overall
figures, and the disagreements behind them."""

from __future__ import annotations

from dataclasses import dataclass, field

UNITS = ("paragraph", "turn", "sentence", "character", "segment")


@dataclass(frozen=True)
class CodeAgreement:
    code: str
    n_units: float
    percent_agreement: float | None
    cohen_kappa: float | None
    brennan_prediger: float | None
    krippendorff_alpha: float | None
    fleiss_kappa: float | None
    degenerate: bool
    used: bool = True  # at least one coder applied the code to a compared unit
    alpha_interval: tuple[float, float] | None = None
    matched: dict[str, int] | None = None
    unmatched: dict[str, int] | None = None


@dataclass(frozen=True)
class Summary:
    """Figures over a set of codes: means of the per-code coefficients (codes where one is
    undefined are left out of its mean) and coefficients pooled over all (unit, code) pairs."""

    codes: int
    mean_percent_agreement: float | None
    mean_cohen_kappa: float | None
    mean_brennan_prediger: float | None
    mean_krippendorff_alpha: float | None
    mean_fleiss_kappa: float | None
    pooled_percent_agreement: float | None
    pooled_cohen_kappa: float | None
    pooled_brennan_prediger: float | None
    pooled_krippendorff_alpha: float | None
    pooled_fleiss_kappa: float | None


@dataclass(frozen=True)
class Overall:
    """The same figures twice: over every code in scope, and over the codes someone used."""

    codes_in_scope: int
    codes_used: int
    all_codes: Summary
    used_codes: Summary


@dataclass(frozen=True)
class Agreement:
    unit: str
    coders: list[str]
    documents: int
    codes: list[CodeAgreement]
    overall: Overall


@dataclass(frozen=True)
class Disagreement:
    document: str
    unit: str
    start: int
    end: int
    code: str
    coded_by: dict[str, bool | None]  # None: the coder did not code this document
    text: str


@dataclass
class Selection:
    coders: list[str]
    unit: str = "turn"
    documents: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    overlap: float = 0.9
    bootstrap: int = 0
