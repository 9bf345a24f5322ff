"""What a report writes, as the privacy gate checks it, and the note a report carries when the
gate only warned (``privacy.gate: warn``).

Both writers (HTML and Word) write exactly the blocks of a ``Report``, and the Word file's
title property is the report's title: checking the blocks checks every text of either file.
"""

from __future__ import annotations

from qualcode.privacy.findings import Part
from qualcode.reports.blocks import Block, Figure, Heading, Paragraph, Report, Table
from qualcode.reports.words import words

# Where a text stands, in the review file and in a finding's key (which must not change with
# the interface language): English, not translated.
TITLE = "title and document properties"  # not translated: part of a finding's key


def report_parts(report: Report) -> list[Part]:
    """Every text the report writes: title, headings, paragraphs, cells, captions, figures."""
    parts = [Part("", TITLE, report.title)]
    for number, block in enumerate(report.blocks, start=1):
        parts += block_parts(block, f"block {number}")  # not translated: a key
    return [part for part in parts if part.text.strip()]


def block_parts(block: Block, where: str) -> list[Part]:
    if isinstance(block, Heading):
        return [Part("", f"{where}, heading", block.text)]  # not translated: a key
    if isinstance(block, Paragraph):
        text = f"{block.label} {block.text}" if block.label else block.text
        return [Part(block.document, f"{where}, paragraph", text)]  # not translated: a key
    if isinstance(block, Table):
        return table_parts(block, where)
    return figure_parts(block, where)


def table_parts(table: Table, where: str) -> list[Part]:
    parts = [Part("", f"{where}, caption", table.caption)]  # not translated: a key
    parts += [Part("", f"{where}, column {n}", name)  # not translated: a key
              for n, name in enumerate(table.columns, start=1)]
    for row, values in enumerate(table.rows, start=1):
        document = table.documents[row - 1] if row <= len(table.documents) else ""
        cell = f"{where}, row {row}, column"  # not translated: a key
        parts += [Part(document, f"{cell} {n}", value) for n, value in enumerate(values, start=1)]
    return parts


def figure_parts(figure: Figure, where: str) -> list[Part]:
    parts = [Part("", f"{where}, caption", figure.caption)]  # not translated: a key
    parts += [Part("", f"{where}, figure text {n}", text)  # not translated: a key
              for n, text in enumerate(figure.drawing.texts(), start=1)]
    return parts


def unresolved_note(count: int, review: str, language: str) -> Paragraph:
    """Written at the top of a report the gate let through unresolved (gate: warn)."""
    w = words(language)
    return Paragraph(w.ngettext(
        "{n} passage of this report may identify a person and was not reviewed "
        "(privacy.gate: warn); the review file {review} lists it.",
        "{n} passages of this report may identify a person and were not reviewed "
        "(privacy.gate: warn); the review file {review} lists them.", count)
        .format(n=count, review=review), label=w.gettext("Privacy check:"))
