"""Quote tables and codings exports: filters, consent, pseudonyms, safe cells, safe files."""

from __future__ import annotations

import csv
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from openpyxl import load_workbook

from qualcode.errors import InvalidInput
from qualcode.exports.quotes import QuoteFilter, quote_table
from qualcode.services.codings import add_coding, update_coding
from qualcode.services.documents import show_document
from qualcode.store import open_store
from tests.cli import assert_user_error, qualcode
from tests.helpers import import_demo, load_study_codebook


@pytest.fixture
def demo(new_db: Callable[[str], str]) -> str:
    db = new_db("demo.db")
    store = open_store(db)
    load_study_codebook(store)
    import_demo(store)
    for document, code, coder, turn, voice in [
        ("Interview Kesselbrunn", "Vernetzung und Kooperation in der Kommune", "anna", 17, True),
        ("Interview Landkreis Moorwald", "Finanzierung und Entlastung durch Bund und Länder",
         "anna", 11, True),
        ("Interview Landkreis Moorwald", "Wohnen und Unterbringung", "björn", 13, False),
        ("Fokusgruppe Kesselbrunn", "Einbindung migrantischer Communitys", "anna", 14, False),
    ]:
        turn_view = show_document(store, document).turns[turn]
        made = add_coding(store, document=document, code=code, coder=coder,
                          start=turn_view.start, end=turn_view.end)
        if voice:
            update_coding(store, made.id, actor=coder, is_voice=True)
    store.close()
    return db


def test_attribution_names_only_who_agreed(demo: str) -> None:
    table = quote_table(open_store(demo), QuoteFilter())
    by_doc = {q.document: q for q in table.quotes}
    assert by_doc["Interview Kesselbrunn"].attribution == "Miriam Sondermann, Stadt Kesselbrunn"
    assert by_doc["Interview Landkreis Moorwald"].attribution == \
        "Herr M., Landkreis, Niedersachsen"
    refusing = ["Holger Brandtstätter", "Khaled Nasser", "Sabine Reuter", "Petra Wolters"]
    for quote in table.quotes:
        assert not any(name in quote.attribution for name in refusing)
    assert all("#00:" not in q.quote for q in table.quotes)


def test_names_in_quotes_are_pseudonymised_with_a_report(demo: str, tmp_path: Path) -> None:
    from qualcode.services.documents import NewDocument, add_document

    store = open_store(demo)
    text = ("B: Ich habe mit Herrn Brandtstätters Team gesprochen, und Frau Reuter "
            "– oder Reutter? – war auch da. Miriam Sondermann hat moderiert.")
    add_document(store, NewDocument("Notiz", text))
    add_coding(store, document="Notiz", code="Vernetzung", coder="anna", start=3, end=len(text))
    table = quote_table(store, QuoteFilter(codes=["Vernetzung"], subcodes=False))
    (quote,) = [q for q in table.quotes if q.document == "Notiz"]
    assert "Brandtstätter" not in quote.quote and "Reuter" not in quote.quote
    assert "Reutter" not in quote.quote
    assert "mit [Herr M.]s Team" in quote.quote and "Miriam Sondermann" in quote.quote
    assert {r.found for r in table.replacements if r.document == "Notiz"} == {
        "Herrn Brandtstätters", "Frau Reuter", "Reutter"}


def test_filters(demo: str) -> None:
    store = open_store(demo)
    everything = quote_table(store, QuoteFilter())
    assert len(everything.quotes) == 4
    theme = quote_table(store, QuoteFilter(codes=["Vernetzung"]))
    assert {q.theme for q in theme.quotes} == {"Vernetzung"} and len(theme.quotes) == 2
    with pytest.raises(InvalidInput, match="nothing to export"):
        quote_table(store, QuoteFilter(codes=["Vernetzung"], subcodes=False))
    assert len(quote_table(store, QuoteFilter(voices_only=True)).quotes) == 2
    assert {q.coder for q in quote_table(store, QuoteFilter(coders=["björn"])).quotes} == {
        "björn"}
    focus = quote_table(store, QuoteFilter(variables={"kind": ["focus group"]}))
    assert [q.document for q in focus.quotes] == ["Fokusgruppe Kesselbrunn"]
    leaders = quote_table(store, QuoteFilter(roles=["Sozialamt"]))
    assert {q.role for q in leaders.quotes} == {"Leiter des Sozialamts"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "docx", "md"])
def test_every_format_is_written_and_counts_agree(demo: str, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"zitate.{fmt}"
    result = qualcode("export", "quotes", "--format", fmt, "-o", str(out), "--context", "40",
                      db=demo)
    assert result.code == 0, result.err
    codings = tmp_path / "codings.csv"
    assert qualcode("export", "codings", "-o", str(codings), db=demo).code == 0
    with codings.open(encoding="utf-8-sig") as handle:
        expected = len(list(csv.DictReader(handle)))
    if fmt == "csv":
        with out.open(encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle, delimiter=";"))
        assert len(rows) - 1 == expected and rows[0][0] == "Dokument"
    elif fmt == "xlsx":
        sheet = load_workbook(out).active
        assert sheet.max_row - 1 == expected
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
        _check_printable_sheet(sheet)
    elif fmt == "docx":
        text = "\n".join(p.text for p in DocxDocument(str(out)).paragraphs)
        assert text.count("„") == expected and "(Miriam Sondermann, Stadt Kesselbrunn)" in text
    else:
        assert out.read_text(encoding="utf-8").count("> „") == expected


def _check_printable_sheet(sheet) -> None:  # type: ignore[no-untyped-def]
    """Rows grow with their wrapped text (LibreOffice does not grow them); pages print well."""
    header = [c.value for c in sheet[1]]
    quote_column = header.index("Zitat") + 1
    width = sheet.column_dimensions[sheet.cell(1, quote_column).column_letter].width
    long_quotes = 0
    for row in range(2, sheet.max_row + 1):
        quote = sheet.cell(row, quote_column)
        assert quote.alignment.wrap_text and quote.alignment.vertical == "top"
        height = sheet.row_dimensions[row].height
        if len(quote.value) > 2 * width * 1.15:
            long_quotes += 1
            assert height is not None and height >= 45, (row, quote.value)
    assert long_quotes
    assert sheet.cell(1, 1).font.b and sheet.cell(1, 1).font.name == "Calibri"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"


def test_codings_come_in_document_and_text_order(demo: str, tmp_path: Path) -> None:
    out = tmp_path / "alle.csv"
    assert qualcode("export", "codings", "-o", str(out), db=demo).code == 0
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    keys = [(r["document"], int(r["start"]), int(r["end"]), r["coder"]) for r in rows]
    assert len(keys) == 4 and keys == sorted(keys)
    assert {r["coder"] for r in rows} == {"anna", "björn"}
    assert [r["stimme"] for r in rows].count("True") == 2


def test_the_format_follows_the_file_name(demo: str, tmp_path: Path) -> None:
    out = tmp_path / "stimmen.docx"
    assert qualcode("export", "quotes", "-o", str(out), db=demo).code == 0
    assert "„" in "\n".join(p.text for p in DocxDocument(str(out)).paragraphs)
    codings = tmp_path / "alle.jsonl"
    assert qualcode("export", "codings", "-o", str(codings), db=demo).code == 0
    assert json.loads(codings.read_text(encoding="utf-8").splitlines()[0])["coder"]
    assert_user_error(qualcode("export", "quotes", "-o", str(tmp_path / "z.docx"), "--format",
                               "csv", db=demo), "asks for csv")
    assert_user_error(qualcode("export", "quotes", "-o", str(tmp_path / "z.txt"), db=demo),
                      "must end in one of")
    assert not (tmp_path / "z.docx").exists() and not (tmp_path / "z.txt").exists()


def test_files_get_the_usual_permissions(demo: str, tmp_path: Path) -> None:
    out = tmp_path / "zitate.md"
    assert qualcode("export", "quotes", "--format", "md", "-o", str(out), db=demo).code == 0
    current = os.umask(0o022)
    os.umask(current)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~current


def test_no_cell_starts_a_formula(demo: str, tmp_path: Path) -> None:
    from qualcode.services.documents import NewDocument, add_document

    store = open_store(demo)
    text = "=SUMME(A1:A9)\n+49 30 1234\n-Minus\n@Befehl\n"
    add_document(store, NewDocument("Formeln", text))
    offset = 0
    for line in text.split("\n")[:4]:
        add_coding(store, document="Formeln", code="Vernetzung", coder="anna", start=offset,
                   end=offset + len(line))
        offset += len(line) + 1
    store.close()
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"f.{fmt}"
        assert qualcode("export", "quotes", "--format", fmt, "-o", str(out), db=demo).code == 0
        if fmt == "csv":
            cells = [c for row in csv.reader(out.open(encoding="utf-8-sig"), delimiter=";")
                     for c in row]
        else:
            cells = [c.value for row in load_workbook(out).active.iter_rows() for c in row
                     if isinstance(c.value, str)]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
        assert "'=SUMME(A1:A9)" in cells
    codings = tmp_path / "c.jsonl"
    assert qualcode("export", "codings", "--format", "jsonl", "-o", str(codings),
                    db=demo).code == 0
    first = json.loads(codings.read_text(encoding="utf-8").splitlines()[0])
    assert set(first) >= {"document", "coder", "code", "start", "end", "text"}


def test_bad_requests_are_one_sentence_and_leave_no_file(demo: str, tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    assert_user_error(qualcode("export", "quotes", "--code", "Gibt es nicht", "-o", str(out),
                               db=demo), "no code 'Gibt es nicht'")
    assert_user_error(qualcode("export", "quotes", "--coder", "niemand", "-o", str(out),
                               db=demo), "no coder 'niemand'")
    assert_user_error(qualcode("export", "quotes", "--where", "landkreis=x", "-o", str(out),
                               db=demo), "variable 'landkreis'")
    assert_user_error(qualcode("export", "quotes", "--min-length", "100000", "-o", str(out),
                               db=demo), "nothing to export")
    assert not out.exists() and not list(tmp_path.glob(".qualcode-*"))
    out.write_text("alt", encoding="utf-8")
    assert_user_error(qualcode("export", "quotes", "-o", str(out), db=demo), "exists already")
    assert out.read_text(encoding="utf-8") == "alt"
    blocked = tmp_path / "datei"
    blocked.write_text("kein Ordner", encoding="utf-8")
    assert_user_error(qualcode("export", "quotes", "-o", str(blocked / "x.xlsx"), db=demo),
                      "cannot be written")
    folder = tmp_path / "ordner.xlsx"
    folder.mkdir()
    for command in (("export", "quotes"), ("export", "matrix"), ("export", "codings")):
        target = folder if command[1] != "codings" else tmp_path / "ordner.csv"
        target.mkdir(exist_ok=True)
        assert_user_error(qualcode(*command, "-o", str(target), "--force", db=demo),
                          "is a folder")
    assert_user_error(qualcode("export", "matrix", "--semantics", "sentences", "--window",
                               "-3", "-o", str(tmp_path / "w.csv"), db=demo),
                      "--window must be 0 or more")
    assert not list(tmp_path.glob(".qualcode-*"))


def test_quote_and_codings_exports_on_both_stores(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from qualcode.exports.codings_file import coding_rows, count_codings, write_codings
    from qualcode.exports.quote_files import export_quote_table
    from tests.helpers import INTERVIEW, add_interview

    load_study_codebook(store)
    add_interview(store)
    start = INTERVIEW.index("Der Helferkreis")
    end = INTERVIEW.index("geschafft.") + len("geschafft.")
    add_coding(store, document="Interview Neuweiler", code="Strukturen zur Einbindung "
               "Engagierter", coder="anna", start=start, end=end)
    table = export_quote_table(store, QuoteFilter(context=20), tmp_path / "z.docx", "docx")
    assert [q.quote for q in table.quotes] == [" ".join(INTERVIEW[start:end].split())]
    text = "\n".join(p.text for p in DocxDocument(str(tmp_path / "z.docx")).paragraphs)
    assert "„Der Helferkreis aus 2015 war sofort wieder da" in text and "🙂" in text
    write_codings(tmp_path / "c.jsonl", coding_rows(store), count_codings(store), "jsonl")
    row = json.loads((tmp_path / "c.jsonl").read_text(encoding="utf-8"))
    assert (row["start"], row["end"], row["coder"]) == (start, end, "anna")


def test_no_subcodes_keeps_only_quotes_coded_with_the_theme_itself(demo: str,
                                                                   tmp_path: Path) -> None:
    store = open_store(demo)
    turn = show_document(store, "Interview Kesselbrunn").turns[5]
    add_coding(store, document="Interview Kesselbrunn", code="Vernetzung", coder="anna",
               start=turn.start, end=turn.end)
    store.close()

    def exported_codes(*flags: str) -> list[str]:
        out = tmp_path / f"vernetzung{len(flags)}.csv"
        result = qualcode("export", "quotes", "--code", "Vernetzung", "--lang", "en", *flags,
                          "-o", str(out), db=demo)
        assert result.code == 0, result.err
        with out.open(encoding="utf-8-sig") as handle:
            return sorted(row["Code"] for row in csv.DictReader(handle, delimiter=";"))

    assert exported_codes() == ["Vernetzung", "Vernetzung/Einbindung migrantischer Communitys",
                                "Vernetzung/Vernetzung und Kooperation in der Kommune"]
    assert exported_codes("--no-subcodes") == ["Vernetzung"]
    assert "--no-no-subcodes" not in qualcode("export", "quotes", "--help", db=demo).out
