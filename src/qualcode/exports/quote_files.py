"""Quote tables as CSV, XLSX, DOCX and Markdown."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from itertools import groupby
from pathlib import Path

from qualcode.exports import sheets
from qualcode.exports.files import safe_cell, write_with
from qualcode.exports.language import export_language
from qualcode.exports.quotes import Quote, QuoteFilter, QuoteTable, quote_table
from qualcode.i18n import Translations, _, words
from qualcode.progress import Progress, counted
from qualcode.store import Store

KEYS = ("document", "variables", "speaker", "role", "time_mark", "code", "coder", "quote",
        "attribution", "before", "after", "memo")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML
WIDTHS = {"document": 24, "variables": 16, "speaker": 12, "role": 22,
          "time_mark": 11, "code": 40, "coder": 12, "quote": 80, "attribution": 40,
          "before": 40, "after": 40, "memo": 30}


FORMATS = ("xlsx", "docx", "csv", "md")


def headers(lang: str) -> dict[str, str]:
    """The column headers in ``lang`` (the German ones are those of the study's tables)."""
    w = words(lang)
    return {"document": w.pgettext("quote table", "Document"),
            "speaker": w.pgettext("quote table", "Speaker"),
            "role": w.pgettext("quote table", "Role"),
            "time_mark": w.pgettext("quote table", "Time mark"),
            "code": w.pgettext("quote table", "Code"),
            "coder": w.pgettext("quote table", "Coder"),
            "quote": w.pgettext("quote table", "Quote"),
            "attribution": w.pgettext("quote table", "Attribution"),
            "before": w.pgettext("quote table", "Context before"),
            "after": w.pgettext("quote table", "Context after"),
            "memo": w.pgettext("quote table", "Memo")}


def default_title(lang: str) -> str:
    return words(lang).pgettext("quote table", "Voices from practice")


def default_stem(lang: str) -> str:
    """The name exports/ files of quote tables start with."""
    return words(lang).pgettext("file name", "quotes")


def export_quote_table(store: Store, wanted: QuoteFilter, target: Path, fmt: str, *,
                       title: str | None = None, lang: str | None = None,
                       delimiter: str = ";", force: bool = False,
                       progress: Progress | None = None,
                       before_writing: Callable[[QuoteTable, str], None] | None = None
                       ) -> QuoteTable:
    """Build the quote table and write it to ``target``; returns the table that was written.

    ``lang``: the language of the table's words (None: the project's export language).
    ``before_writing(table, title)`` sees what is about to be written (the privacy gate).
    """
    lang = export_language(store, lang)
    table = quote_table(store, wanted, progress)
    title = table.pseudonymise_title(title or default_title(lang))
    if before_writing is not None:
        before_writing(table, title)
    quotes, context = table.quotes, wanted.context > 0
    writers = {
        "csv": lambda p: write_csv(p, quotes, context=context, delimiter=delimiter,
                                   lang=lang, progress=progress),
        "xlsx": lambda p: write_xlsx(p, quotes, context=context, lang=lang, progress=progress),
        "docx": lambda p: write_docx(p, quotes, title=title, lang=lang, progress=progress),
        "md": lambda p: write_markdown(p, quotes, title=title, lang=lang),
    }
    write_with(target, force, writers[fmt])
    return table


def _columns(quotes: list[Quote], context: bool, lang: str) -> list[tuple[str, str]]:
    """(key, header) of each column; the profile's variables stand where "variables" is."""
    labels = [label for label, _value in quotes[0].variables] if quotes else []
    named = headers(lang)
    columns: list[tuple[str, str]] = []
    for key in KEYS:
        if key == "variables":
            columns += [(f"variable:{n}", label) for n, label in enumerate(labels)]
        elif context or key not in ("before", "after"):
            columns.append((key, named[key]))
    return columns


def _cell(quote: Quote, key: str) -> object:
    if key.startswith("variable:"):
        return quote.variables[int(key.split(":", 1)[1])][1]
    return getattr(quote, key)


def _rows(quotes: list[Quote], context: bool, lang: str
          ) -> tuple[list[str], list[list[object]]]:
    columns = _columns(quotes, context, lang)
    return ([h for _, h in columns],
            [[safe_cell(_cell(q, k)) for k, _ in columns] for q in quotes])


def write_csv(path: Path, quotes: list[Quote], *, context: bool, delimiter: str = ";",
              lang: str = "de", progress: Progress | None = None) -> None:
    header, rows = _rows(quotes, context, lang)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(counted(rows, len(rows), _("writing CSV"), progress))


def write_xlsx(path: Path, quotes: list[Quote], *, context: bool, lang: str = "de",
               progress: Progress | None = None) -> None:
    header, rows = _rows(quotes, context, lang)
    keys = [k.split(":", 1)[0].replace("variable", "variables") for k, _header in
            _columns(quotes, context, lang)]
    sheets.write_table(path, header, rows, title=words(lang).pgettext("quote table", "Quotes"),
                       widths=[WIDTHS[k] for k in keys], progress=progress)


def write_docx(path: Path, quotes: list[Quote], *, title: str, lang: str = "de",
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
    w = words(lang)
    quote = document.add_paragraph("„“", style="Quote")  # not translated: a Word style name
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
    paced = counted(ordered, len(ordered), _("writing DOCX"), progress)
    for theme, in_theme in groupby(paced, key=lambda q: q.theme):
        document.add_heading(theme, level=1)
        for code, in_code in groupby(in_theme, key=lambda q: q.code):
            if code != theme:
                document.add_heading(code.split("/", 1)[1], level=2)
            for quote in in_code:
                add_copy(quote_template, quoted(w, quote.quote))
                add_copy(attribution_template, f"({quote.attribution})")
    document.save(str(path))


def quoted(w: Translations, text: str) -> str:
    """``text`` in the typographic quotation marks of the language: „…“ or “…”."""
    return w.pgettext("quote table", "“{quote}”").format(quote=text)


def write_markdown(path: Path, quotes: list[Quote], *, title: str, lang: str = "de") -> None:
    w = words(lang)
    lines = [f"# {title}", ""]
    ordered = sorted(quotes, key=lambda q: (q.theme, q.code, q.document, q.start))
    for theme, in_theme in groupby(ordered, key=lambda q: q.theme):
        lines += [f"## {theme}", ""]
        for code, in_code in groupby(in_theme, key=lambda q: q.code):
            if code != theme:
                lines += [f"### {code.split('/', 1)[1]}", ""]
            for quote in in_code:
                lines += [f"> {quoted(w, quote.quote)}", ">", f"> ({quote.attribution})", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
