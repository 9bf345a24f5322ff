"""Rows of named values (agreement tables, disagreement lists) as CSV or XLSX.

A CSV is for scripts: its header is the keys, as in ``--json``, in every language. An XLSX is
for people: its header and sheet name are words of the export language.
"""

from __future__ import annotations

import csv
from pathlib import Path

from qualcode.exports import sheets
from qualcode.exports.files import safe_cell
from qualcode.i18n import words

TEXT_WIDTH = 60
CODED_BY = "coded by "  # not translated: the key of a coder's column (CSV, JSON)


def write_records(path: Path, records: list[dict[str, object]], fmt: str, *, kind: str,
                  columns: list[str], lang: str = "de") -> None:
    """One row per record, one column per key named in ``columns``.

    ``kind``: "agreement" or "disagreements", which names the sheet.
    """
    rows = [[_flat(record.get(column)) for column in columns] for record in records]
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([safe_cell(c) for c in columns])
            writer.writerows([safe_cell(v) for v in row] for row in rows)
        return
    headers = [column_header(column, lang) for column in columns]
    widths = [TEXT_WIDTH if column in ("text", "code") else max(12, len(header) + 2)
              for column, header in zip(columns, headers, strict=True)]
    sheets.write_table(path, headers, rows, title=sheet_title(kind, lang), widths=widths)


def sheet_title(kind: str, lang: str) -> str:
    w = words(lang)
    if kind == "disagreements":
        return w.pgettext("agreement table", "Disagreements")
    return w.pgettext("agreement table", "Agreement")


def column_header(column: str, lang: str) -> str:
    """What people read above a column: "Cohens Kappa" for ``cohen_kappa`` in German."""
    w = words(lang)
    if column.startswith(CODED_BY):
        return w.pgettext("agreement table", "Coded by {coder}").format(
            coder=column.removeprefix(CODED_BY))
    named = {
        "code": w.pgettext("agreement table", "Code"),
        "n_units": w.pgettext("agreement table", "Units"),
        "percent_agreement": w.pgettext("agreement table", "Percent agreement"),
        "cohen_kappa": w.pgettext("agreement table", "Cohen's kappa"),
        "brennan_prediger": w.pgettext("agreement table", "Brennan–Prediger"),
        "krippendorff_alpha": w.pgettext("agreement table", "Krippendorff's alpha"),
        "fleiss_kappa": w.pgettext("agreement table", "Fleiss' kappa"),
        "degenerate": w.pgettext("agreement table", "Degenerate"),
        "used": w.pgettext("agreement table", "Used"),
        "alpha_interval": w.pgettext("agreement table", "Alpha interval"),
        "matched": w.pgettext("agreement table", "Matched"),
        "unmatched": w.pgettext("agreement table", "Unmatched"),
        "document": w.pgettext("agreement table", "Document"),
        "unit": w.pgettext("agreement table", "Unit"),
        "start": w.pgettext("agreement table", "Start"),
        "end": w.pgettext("agreement table", "End"),
        "text": w.pgettext("agreement table", "Text"),
    }
    return named.get(column, column)


def _flat(value: object) -> object:
    return str(value) if isinstance(value, dict | list | tuple) else value
