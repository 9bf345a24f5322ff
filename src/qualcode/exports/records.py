"""Rows of named values (agreement tables, disagreement lists) as CSV or XLSX."""

from __future__ import annotations

import csv
from pathlib import Path

from qualcode.exports import sheets
from qualcode.exports.files import safe_cell

TEXT_WIDTH = 60


def write_records(path: Path, records: list[dict[str, object]], fmt: str, *, title: str,
                  columns: list[str]) -> None:
    """One row per record, one column per key named in ``columns``."""
    rows = [[_flat(record.get(column)) for column in columns] for record in records]
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([safe_cell(c) for c in columns])
            writer.writerows([safe_cell(v) for v in row] for row in rows)
        return
    widths = [TEXT_WIDTH if column in ("text", "code") else max(12, len(column) + 2)
              for column in columns]
    sheets.write_table(path, columns, rows, title=title, widths=widths)


def _flat(value: object) -> object:
    return str(value) if isinstance(value, dict | list | tuple) else value
