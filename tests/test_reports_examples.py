"""Example disagreements per weak code in the agreement report: the codes below α = .800 (as
`qualcode agreement --json` computes them), up to three real disagreements each (as `qualcode
disagreements --json` lists them), with names of refusing speakers replaced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document

from qualcode.services.importing import import_paths
from qualcode.store import open_store
from tests.cli import qualcode
from tests.helpers import load_study_codebook
from tests.test_reports import CODERS, INTEGRATION, WOHNEN, coded_demo  # noqa: F401

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def section(document: Document, heading: str) -> list:  # type: ignore[type-arg]
    """The paragraphs and tables from ``heading`` (Heading 1) to the next Heading 1."""
    body, inside, found = document.element.body, False, []
    paragraphs = {p._p: p for p in document.paragraphs}
    tables = {t._tbl: t for t in document.tables}
    for element in body.iterchildren():
        block = paragraphs.get(element) or tables.get(element)
        if block is None:
            continue
        style = getattr(getattr(block, "style", None), "name", "")
        if style == "Heading 1":
            inside = block.text == heading
            continue
        if inside:
            found.append(block)
    return found


def test_weak_codes_get_real_disagreements_as_examples(coded_demo: str,  # noqa: F811
                                                       tmp_path: Path) -> None:
    target = tmp_path / "bericht.docx"
    assert qualcode("report", "agreement", "--coders", CODERS, "--lang", "en", "-o",
                    str(target), db=coded_demo).code == 0
    result = json.loads(qualcode("agreement", "--coders", CODERS, "--json",
                                 db=coded_demo).out)
    weak = [c["code"] for c in sorted(result["codes"], key=lambda c: (
        c["krippendorff_alpha"] or 0.0, c["code"]))
        if c["used"] and c["krippendorff_alpha"] is not None
        and c["krippendorff_alpha"] < 0.8]
    assert INTEGRATION in weak and WOHNEN in weak
    found = json.loads(qualcode("disagreements", "--coders", CODERS, "--json",
                                db=coded_demo).out)
    real = {(d["document"], f"[{d['start']}, {d['end']})", d["code"]) for d in found}
    blocks = section(Document(str(target)), "Example disagreements")
    shown = [b.text for b in blocks if getattr(b, "style", None) is not None
             and b.style.name == "Heading 2"]
    assert shown == weak
    tables = [b for b in blocks if hasattr(b, "rows")]
    assert len(tables) == len(weak)
    for code, table in zip(weak, tables, strict=True):
        rows = [[c.text for c in r.cells] for r in table.rows]
        assert rows[0] == ["Document", "Position", "Coded by", "Text"]
        assert 1 <= len(rows) - 1 <= 3
        for document, position, who, text in rows[1:]:
            assert (document, position, code) in real
            assert who in ("anna: yes; björn: no", "anna: no; björn: yes")
            assert text


MANIFEST = """\
documents:
  - file: gespraech.txt
    name: Interview Bauhof
    kind: interview
    speakers:
      I: {role: Interviewerin}
      B: {role: Leiter Bauhof, name: Hans Müller, consent: nein, pseudonym: Herr M.}
"""
INTERVIEW = ("I: Wie war das mit der Turnhalle? 🙂\n"
             "B: Herrn Müller habe ich gesagt: „so nicht!“ #00:00:12-1# Die Straße war voll.\n"
             "I: Und dann?\n"
             "B: Dann kam Frau Weiß vom Amt, MÜLLER war weg.\n")


def test_examples_name_no_refusing_speaker(tmp_path: Path) -> None:
    folder = tmp_path / "studie"
    folder.mkdir()
    (folder / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    (folder / "gespraech.txt").write_text(INTERVIEW, encoding="utf-8")
    db = str(tmp_path / "studie.db")
    store = open_store(db)
    load_study_codebook(store)
    assert import_paths(store, [folder]).failed == []
    store.close()
    turns = [(INTERVIEW.index(t) + 3, INTERVIEW.index(t) + len(t))
             for t in INTERVIEW.splitlines() if t.startswith("B:")]
    rows = [f"Interview Bauhof,{coder},{code},{start},{end}"
            for start, end in turns
            for coder, code in (("anna", WOHNEN), ("björn", INTEGRATION))]
    source = tmp_path / "codings.csv"
    source.write_text("document,coder,code,start,end\n" + "\n".join(rows) + "\n",
                      encoding="utf-8")
    assert qualcode("import", "codings", str(source), db=db).code == 0
    target = tmp_path / "bericht.docx"
    asked = ("report", "agreement", "--coders", CODERS, "-o", str(target))
    assert qualcode(*asked, db=db).code == 2  # "Frau Weiß": the privacy gate stops first
    review = tmp_path / "bericht.docx.privacy-review.json"
    assert qualcode(*asked, "--accept", str(review), db=db).code == 0
    document = Document(str(target))
    texts = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "[Herr M.] habe ich gesagt: „so nicht!“ Die Straße war voll." in texts
    everything = "\n".join([*texts, *(p.text for p in document.paragraphs)])
    assert "Müller" not in everything and "MÜLLER" not in everything
    assert "#00:00:12-1#" not in everything  # time marks go, as in quote tables
    assert "Beispiele für Nichtübereinstimmungen" in everything
