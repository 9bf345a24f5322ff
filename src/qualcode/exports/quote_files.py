"""Quote tables as CSV, XLSX, DOCX and Markdown."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from itertools import groupby
from pathlib import Path

from qualcode.exports import sheets
from qualcode.exports.files import safe_cell, write_with
from qualcode.exports.quotes import Quote, QuoteFilter, QuoteTable, quote_table
from qualcode.progress import Progress, counted
from qualcode.store import Store

COLUMNS = [("document", "Dokument"), ("variables", ""), ("speaker", "Sprecher:in"),
           ("role", "Rolle"), ("time_mark", "Zeitmarke"),
           ("code", "Code"), ("coder", "Codierer:in"), ("quote", "Zitat"),
           ("attribution", "Zuschreibung"), ("before", "Kontext davor"),
           ("after", "Kontext danach"), ("memo", "Memo")]
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML
WIDTHS = {"document": 24, "variables": 16, "speaker": 12, "role": 22,
          "time_mark": 11, "code": 40, "coder": 12, "quote": 80, "attribution": 40,
          "before": 40, "after": 40, "memo": 30}


FORMATS = ("xlsx", "docx", "csv", "md")


def export_quote_table(store: Store, wanted: QuoteFilter, target: Path, fmt: str, *,
                  title: str = "Stimmen aus der Praxis", delimiter: str = ";",
                  force: bool = False, progress: Progress | None = None,
                  before_writing: Callable[[QuoteTable, str], None] | None = None
                  ) -> QuoteTable:
    """Build the quote table and write it to ``target``; returns the table that was written.

    ``before_writing(table, title)`` sees what is about to be written (the privacy gate).
    """
    table = quote_table(store, wanted, progress)
    title = table.pseudonymise_title(title)
    if before_writing is not None:
        before_writing(table, title)
    quotes, context = table.quotes, wanted.context > 0
    writers = {
        "csv": lambda p: write_csv(p, quotes, context=context, delimiter=delimiter,
                                   progress=progress),
        "xlsx": lambda p: write_xlsx(p, quotes, context=context, progress=progress),
        "docx": lambda p: write_docx(p, quotes, title=title, progress=progress),
        "md": lambda p: write_markdown(p, quotes, title=title),
    }
    write_with(target, force, writers[fmt])
    return table


def _columns(quotes: list[Quote], context: bool) -> list[tuple[str, str]]:
    """(key, header) of each column; the profile's variables stand where "variables" is."""
    labels = [label for label, _ in quotes[0].variables] if quotes else []
    columns: list[tuple[str, str]] = []
    for key, header in COLUMNS:
        if key == "variables":
            columns += [(f"variable:{n}", label) for n, label in enumerate(labels)]
        elif context or key not in ("before", "after"):
            columns.append((key, header))
    return columns


def _cell(quote: Quote, key: str) -> object:
    if key.startswith("variable:"):
        return quote.variables[int(key.split(":", 1)[1])][1]
    return getattr(quote, key)


def _rows(quotes: list[Quote], context: bool) -> tuple[list[str], list[list[object]]]:
    columns = _columns(quotes, context)
    return ([h for _, h in columns],
            [[safe_cell(_cell(q, k)) for k, _ in columns] for q in quotes])


def write_csv(path: Path, quotes: list[Quote], *, context: bool, delimiter: str = ";",
              progress: Progress | None = None) -> None:
    header, rows = _rows(quotes, context)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(counted(rows, len(rows), "writing CSV", progress))


def write_xlsx(path: Path, quotes: list[Quote], *, context: bool,
               progress: Progress | None = None) -> None:
    header, rows = _rows(quotes, context)
    keys = [k.split(":", 1)[0].replace("variable", "variables") for k, _ in
            _columns(quotes, context)]
    sheets.write_table(path, header, rows, title="Zitate", widths=[WIDTHS[k] for k in keys],
                       progress=progress)


def write_docx(path: Path, quotes: list[Quote], *, title: str,
               progress: Progress | None = None) -> None:
    """Grouped by theme and code; each quote set as a quote with its attribution.

    Quote paragraphs are copies of two prepared paragraphs, each put straight before the
    section properties that close the body: python-docx's add_paragraph (and lxml's insert
    by index) walk the whole body every time, which is quadratic over ten thousand quotes.
    """
    from copy import deepcopy

    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = title
    document.add_heading(title, level=0)
    quote = document.add_paragraph("„“", style="Quote")
    quote.paragraph_format.keep_with_next = True  # a quote and its attribution share a page
    quote_template = quote._p
    attribution = document.add_paragraph("()")
    attribution.paragraph_format.space_after = Pt(12)
    attribution_template = attribution._p
    for template in (quote_template, attribution_template):
        template.getparent().remove(template)
    section_properties = document.element.body[-1]

    def add_copy(template, text: str) -> None:  # type: ignore[no-untyped-def]
        paragraph = deepcopy(template)
        paragraph.xpath(".//w:t")[0].text = CONTROL.sub("", text)
        section_properties.addprevious(paragraph)

    ordered = sorted(quotes, key=lambda q: (q.theme, q.code, q.document, q.start))
    paced = counted(ordered, len(ordered), "writing DOCX", progress)
    for theme, in_theme in groupby(paced, key=lambda q: q.theme):
        document.add_heading(theme, level=1)
        for code, in_code in groupby(in_theme, key=lambda q: q.code):
            if code != theme:
                document.add_heading(code.split("/", 1)[1], level=2)
            for quote in in_code:
                add_copy(quote_template, f"„{quote.quote}“")
                add_copy(attribution_template, f"({quote.attribution})")
    document.save(str(path))


def write_markdown(path: Path, quotes: list[Quote], *, title: str) -> None:
    lines = [f"# {title}", ""]
    ordered = sorted(quotes, key=lambda q: (q.theme, q.code, q.document, q.start))
    for theme, in_theme in groupby(ordered, key=lambda q: q.theme):
        lines += [f"## {theme}", ""]
        for code, in_code in groupby(in_theme, key=lambda q: q.code):
            if code != theme:
                lines += [f"### {code.split('/', 1)[1]}", ""]
            for quote in in_code:
                lines += [f"> „{quote.quote}“", ">", f"> ({quote.attribution})", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
