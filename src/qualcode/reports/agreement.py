"""The agreement report: per-code table with reading bands, the codes coders confuse (a
heatmap), example disagreements of the weak codes, and a methods paragraph in German and
English."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations

import numpy as np

from qualcode import __version__
from qualcode.agreement.compute import agreement_and_disagreements
from qualcode.agreement.results import Agreement, CodeAgreement, Disagreement, Selection
from qualcode.i18n import N_
from qualcode.reports.blocks import Figure, Heading, Paragraph, Report, Table
from qualcode.reports.examples import Example, examples
from qualcode.reports.figures import heatmap
from qualcode.reports.words import number, unit_name, unit_phrase, words
from qualcode.store import Store

GOOD, TENTATIVE = 0.800, 0.667  # Krippendorff (2004): rely on .800, tentative from .667

LANGUAGE_LABELS = {"de": N_("German:"), "en": N_("English:")}
Confusions = Counter[tuple[str, str]]  # (code X, code Y), X < Y: units coded X by one, Y by other


def band(alpha: float | None) -> str:
    """Krippendorff's reading of alpha: "good", "tentative", "poor" ("" when undefined)."""
    if alpha is None:
        return ""
    return "good" if alpha >= GOOD else "tentative" if alpha >= TENTATIVE else "poor"


def confusions(found: list[Disagreement], coders: list[str]) -> Confusions:
    """How often, on the same unit, one coder chose code X and another chose Y instead.

    A unit counts once per pair of coders and pair of codes. At the ``segment`` level units
    are codings, whose bounds differ between coders, so confusions are counted on identical
    bounds only (mostly none).
    """
    by_unit: dict[tuple[str, int, int], list[Disagreement]] = defaultdict(list)
    for d in found:
        by_unit[(d.document, d.start, d.end)].append(d)
    counted: Confusions = Counter()
    for unit in by_unit.values():
        for a, b in combinations(coders, 2):
            only_a = {d.code for d in unit if d.coded_by.get(a) and d.coded_by.get(b) is False}
            only_b = {d.code for d in unit if d.coded_by.get(b) and d.coded_by.get(a) is False}
            for x in only_a:
                for y in only_b:
                    counted[(min(x, y), max(x, y))] += 1
    return counted


def confusion_matrix(counted: Confusions) -> tuple[list[str], np.ndarray]:
    """The codes that take part in a confusion, and the symmetric code x code counts."""
    codes = sorted({code for pair in counted for code in pair})
    index = {code: n for n, code in enumerate(codes)}
    values = np.zeros((len(codes), len(codes)), dtype=int)
    for (x, y), count in counted.items():
        values[index[x], index[y]] = values[index[y], index[x]] = count
    return codes, values


def agreement_report(store: Store, selection: Selection, language: str) -> Report:
    result, found = agreement_and_disagreements(store, selection)
    counted = confusions(found, selection.coders)
    w = words(language)
    report = Report(w.gettext("Inter-coder agreement"), language)
    report.add(Paragraph(w.gettext(
        "Coders: {coders}. {documents} documents, unit: {unit}. {codes} codes compared, "
        "{used} of them used.").format(
        coders=", ".join(result.coders), documents=result.documents,
        unit=unit_name(result.unit, language), codes=result.overall.codes_in_scope,
        used=result.overall.codes_used)))
    report.add(Heading(w.gettext("Agreement per code")), code_table(result, language))
    report.add(Paragraph(w.gettext(
        "Reading after Krippendorff (2004): α ≥ 0.800 is reliable, α ≥ 0.667 allows tentative "
        "conclusions, below that the code is not reliably applied. Rows marked “✗” are below "
        "0.667, “?” in the tentative range.")))
    report.add(Heading(w.gettext("Codes confused")), *confusion_blocks(counted, language))
    weak = weak_codes(result)
    report.add(Heading(w.gettext("Example disagreements")),
               *example_blocks(examples(store, found, weak), weak, selection.coders, language))
    report.add(Heading(w.gettext("Methods paragraph")))
    for lang in (language, *({"de", "en"} - {language})):
        report.add(Paragraph(methods_paragraph(result, lang, selection.bootstrap),
                             label=w.gettext(LANGUAGE_LABELS[lang])))
    return report


def weak_codes(result: Agreement) -> list[str]:
    """Codes used but below the good band (tentative or poor), weakest first."""
    weak = [c for c in result.codes
            if c.used and not c.degenerate and band(c.krippendorff_alpha) != "good"]
    return [c.code for c in sorted(weak, key=lambda c: (c.krippendorff_alpha or 0.0, c.code))]


def code_table(result: Agreement, language: str) -> Table:
    w = words(language)
    many = len(result.coders) > 2
    kappa = w.gettext("Fleiss' κ") if many else w.gettext("Cohen's κ")
    columns = [w.gettext("Code"), w.gettext("Units"), w.gettext("Agreement"), kappa,
               "Brennan–Prediger",  # not translated: a name
               w.gettext("Krippendorff's α"), w.gettext("95% interval (α)"),
               w.gettext("Reading")]
    rows, bands = [], []
    for code in result.codes:
        value = code.fleiss_kappa if many else code.cohen_kappa
        rows.append([code.code, number(code.n_units, language, 0),
                     number(code.percent_agreement, language), number(value, language),
                     number(code.brennan_prediger, language),
                     number(code.krippendorff_alpha, language),
                     _interval(code, language), _reading(code, language)])
        bands.append(band(code.krippendorff_alpha))
    return Table(columns, rows, bands, caption=w.gettext("Figures per code (shares as decimals)"))


def _interval(code: CodeAgreement, language: str) -> str:
    if code.alpha_interval is None:
        return "–"
    low, high = code.alpha_interval
    return f"[{number(low, language)}; {number(high, language)}]"


def _reading(code: CodeAgreement, language: str) -> str:
    w = words(language)
    if not code.used:
        return w.gettext("not used")
    if code.degenerate:
        return w.gettext("undefined")
    return {"good": w.gettext("good (α ≥ 0.800)"),
            "tentative": w.gettext("tentative (α ≥ 0.667)"),
            "poor": w.gettext("not acceptable (α < 0.667)")}[band(code.krippendorff_alpha)]


def confusion_blocks(counted: Confusions, language: str) -> list[Paragraph | Table | Figure]:
    w = words(language)
    if not counted:
        return [Paragraph(w.gettext(
            "On no unit did one coder choose a code and another a different one instead."))]
    codes, values = confusion_matrix(counted)
    drawing = heatmap(codes, values, w.gettext("Confusions between codes (number of units)"),
                       w.gettext("Units"))
    pairs = [[x, y, str(n)] for (x, y), n in sorted(counted.items(), key=lambda i: -i[1])]
    return [Paragraph(w.gettext("How often, on the same unit, one coder chose code X and "
                                "another chose code Y instead.")),
            Figure(drawing, w.gettext("Figure: confusions between codes")),
            Table([w.gettext("Code X"), w.gettext("Code Y"), w.gettext("Units")], pairs,
                  caption=w.gettext("Code pairs confused"))]


def example_blocks(shown: list[Example], weak: list[str], coders: list[str], language: str
                   ) -> list[Paragraph | Table | Heading]:
    w = words(language)
    if not weak:
        return [Paragraph(w.gettext("Every code used reaches α ≥ 0.800: no examples needed."))]
    blocks: list[Paragraph | Table | Heading] = [Paragraph(w.gettext(
        "For each code below α = 0.800, up to three units on which the coders differ, in "
        "document order; names of speakers who did not agree to be named are replaced as in "
        "quote tables."))]
    columns = [w.gettext("Document"), w.gettext("Position"), w.gettext("Coded by"),
               w.gettext("Text")]
    for code in weak:
        quoted = [e for e in shown if e.code == code]
        rows = [[e.document, f"[{e.start}, {e.end})", _who(e, coders, language), e.text]
                for e in quoted]
        if rows:
            blocks += [Heading(code, level=2),
                       Table(columns, rows, documents=[e.document for e in quoted])]
    return blocks


def _who(example: Example, coders: list[str], language: str) -> str:
    w = words(language)
    said = {True: w.gettext("yes"), False: w.gettext("no"), None: w.gettext("not coded")}
    return "; ".join(f"{name}: {said[example.coded_by.get(name)]}" for name in coders)


def methods_paragraph(result: Agreement, language: str, bootstrap: int = 0) -> str:
    w = words(language)
    used = [c for c in result.codes if c.used and not c.degenerate]
    counts = Counter(band(c.krippendorff_alpha) for c in used)
    many = len(result.coders) >= 3
    s = result.overall.used_codes
    text = w.gettext(
        "Inter-coder agreement was assessed on {documents} documents coded independently by "
        "{coders} coders. The unit of analysis was {unit}; for each unit and each of the "
        "{codes} codes used, we recorded whether a coder had applied the code (nominal: "
        "applied / not applied). Documents a coder had not yet coded entered as missing "
        "values. Per code we computed percent agreement, {kappa}, Brennan and Prediger's "
        "(1981) coefficient and Krippendorff's alpha (nominal). Mean alpha over the codes "
        "used was {mean_alpha}, alpha pooled over all units and codes {pooled_alpha}, mean "
        "percent agreement {mean_percent}. {good} codes reached α ≥ 0.800, {tentative} lay "
        "between 0.667 and 0.800, {poor} below. Computed with qualcode {version}.").format(
        coders=len(result.coders), documents=result.documents,
        unit=unit_phrase(result.unit, language), codes=result.overall.codes_used,
        kappa=w.gettext("Fleiss' kappa") if many else w.gettext("Cohen's kappa"),
        mean_alpha=number(s.mean_krippendorff_alpha, language),
        pooled_alpha=number(s.pooled_krippendorff_alpha, language),
        mean_percent=number(s.mean_percent_agreement, language),
        good=counts["good"], tentative=counts["tentative"], poor=counts["poor"],
        version=__version__)
    if any(c.alpha_interval for c in result.codes):
        text += " " + w.gettext(
            "The 95% confidence intervals for alpha come from {samples} bootstrap samples of "
            "the units (percentile method).").format(samples=bootstrap)
    return text
