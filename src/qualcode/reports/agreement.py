"""The agreement report: per-code table with reading bands, the codes coders confuse (a
heatmap), and a methods paragraph in German and English."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations

import numpy as np

from qualcode import __version__
from qualcode.agreement.compute import agreement, disagreements
from qualcode.agreement.results import Agreement, CodeAgreement, Disagreement, Selection
from qualcode.reports.blocks import Figure, Heading, Paragraph, Report, Table
from qualcode.reports.figures import heatmap
from qualcode.reports.words import UNIT_NAMES, number, words
from qualcode.store import Store

GOOD, TENTATIVE = 0.800, 0.667  # Krippendorff (2004): rely on .800, tentative from .667

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
    result = agreement(store, selection)
    counted = confusions(disagreements(store, selection), selection.coders)
    w = words(language)
    report = Report(w["agreement_title"], language)
    report.add(Paragraph(w["agreement_scope"].format(
        coders=", ".join(result.coders), documents=result.documents,
        unit=UNIT_NAMES[language][result.unit], codes=result.overall.codes_in_scope,
        used=result.overall.codes_used)))
    report.add(Heading(w["per_code"]), code_table(result, language))
    report.add(Paragraph(w["bands"]))
    report.add(Heading(w["confusions"]), *confusion_blocks(counted, language))
    report.add(Heading(w["methods"]))
    for lang in (language, *({"de", "en"} - {language})):
        report.add(Paragraph(methods_paragraph(result, lang, selection.bootstrap),
                              label=words(lang)["methods_label"]))
    return report


def code_table(result: Agreement, language: str) -> Table:
    w = words(language)
    many = len(result.coders) > 2
    columns = [w["code"], w["units"], w["percent"], w["fleiss_symbol" if many else "cohen_symbol"],
               "Brennan–Prediger", w["alpha_symbol"], w["interval"], w["reading"]]
    rows, bands = [], []
    for code in result.codes:
        kappa = code.fleiss_kappa if many else code.cohen_kappa
        rows.append([code.code, number(code.n_units, language, 0),
                     number(code.percent_agreement, language), number(kappa, language),
                     number(code.brennan_prediger, language),
                     number(code.krippendorff_alpha, language),
                     _interval(code, language), _reading(code, language)])
        bands.append(band(code.krippendorff_alpha))
    return Table(columns, rows, bands, caption=w["table_caption"])


def _interval(code: CodeAgreement, language: str) -> str:
    if code.alpha_interval is None:
        return "–"
    low, high = code.alpha_interval
    return f"[{number(low, language)}; {number(high, language)}]"


def _reading(code: CodeAgreement, language: str) -> str:
    w = words(language)
    if not code.used:
        return w["not_used"]
    if code.degenerate:
        return w["degenerate"]
    return w[band(code.krippendorff_alpha)]


def confusion_blocks(counted: Confusions, language: str) -> list[Paragraph | Table | Figure]:
    w = words(language)
    if not counted:
        return [Paragraph(w["no_confusions"])]
    codes, values = confusion_matrix(counted)
    svg, png = heatmap(codes, values, w["confusion_title"], w["confusion_scale"])
    pairs = [[x, y, str(n)] for (x, y), n in sorted(counted.items(), key=lambda i: -i[1])]
    return [Paragraph(w["confusion_intro"]),
            Figure(svg, png, w["confusion_caption"]),
            Table([w["code"] + " X", w["code"] + " Y", w["units"]], pairs,
                  caption=w["confusion_table"])]


def methods_paragraph(result: Agreement, language: str, bootstrap: int = 0) -> str:
    w = words(language)
    used = [c for c in result.codes if c.used and not c.degenerate]
    counts = Counter(band(c.krippendorff_alpha) for c in used)
    many = len(result.coders) >= 3
    s = result.overall.used_codes
    text = w["methods_text"].format(
        coders=len(result.coders), documents=result.documents,
        unit=UNIT_NAMES[language][result.unit], codes=result.overall.codes_used,
        kappa=w["fleiss"] if many else w["cohen"],
        mean_alpha=number(s.mean_krippendorff_alpha, language),
        pooled_alpha=number(s.pooled_krippendorff_alpha, language),
        mean_percent=number(s.mean_percent_agreement, language),
        good=counts["good"], tentative=counts["tentative"], poor=counts["poor"],
        version=__version__)
    if any(c.alpha_interval for c in result.codes):
        text += " " + w["methods_bootstrap"].format(samples=bootstrap)
    return text
