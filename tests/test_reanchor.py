"""Re-importing a corrected transcript: every coding is kept, moved, placed fuzzily or listed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from qualcode.models import Coding, DocumentVersion
from qualcode.services.codings import add_coding
from qualcode.services.importing import import_paths
from qualcode.transcripts.reanchor import place
from tests.cli import qualcode
from tests.helpers import load_study_codebook

ORIGINAL = [
    "Interview Talbrück (fiktiv)",
    "",
    "I: Wie war das im Frühjahr 2022? #00:00:12-3#",
    "B: Die Ausländerbehörde hat schnell reagiert. Der Helferkreis war sofort da. 🙂",
    "Ohne Netzwerk geht nichts. Die Turnhalle war belegt.",
    "I: Und heute?",
    "B: Heute fehlen Wohnungen, vor allem große Wohnungen für Familien.",
]
REVISED = [
    "Interview Talbrück (fiktiv) – korrigierte Fassung",
    "Datum: 14.12.2023",
    "",
    "I: Wie war das im Frühjahr 2022? #00:00:12-3#",
    "B: Die Ausländerbehörde hat sehr schnell reagiert. Der Helferkreis war sofort da. 🙂",
    "Ohne Netzwerke geht nichts.",
    "I: Und heute?",
    "B: Heute fehlen Wohnungen, vor allem große Wohnungen für Familien.",
]


def code_phrase(store, text: str, phrase: str, code: str) -> None:
    start = text.index(phrase)
    add_coding(store, document="talbrueck", code=code, coder="anna", start=start,
               end=start + len(phrase))


def test_revised_transcript_keeps_every_coding(store, tmp_path: Path) -> None:
    load_study_codebook(store)
    path = tmp_path / "talbrueck.txt"
    path.write_text("\n".join(ORIGINAL), encoding="utf-8")
    import_paths(store, [path])
    old_text = "\n".join(ORIGINAL)
    for phrase, code in [("Der Helferkreis war sofort da. 🙂", "Ehrenamtliches Engagement für "
                          "Geflüchtete"),
                         ("Die Ausländerbehörde hat schnell reagiert.",
                          "Ämterübergreifende Zusammenarbeit"),
                         ("Ohne Netzwerk geht nichts.",
                          "Vernetzung und Kooperation in der Kommune"),
                         ("Die Turnhalle war belegt.", "Wohnen und Unterbringung"),
                         ("vor allem große Wohnungen für Familien", "Wohnen und Unterbringung")]:
        code_phrase(store, old_text, phrase, code)
    path.write_text("\n".join(REVISED), encoding="utf-8")
    report = import_paths(store, [path])
    item = report.imported[0]
    assert item.status == "new version" and item.version == 2
    r = item.reanchored
    assert (r.kept, r.moved, r.fuzzy, r.unplaced) == (0, 2, 2, 1)
    with store.read() as session:
        rows = session.execute(select(Coding.text, Coding.anchor_status, DocumentVersion.number,
                                      Coding.start, Coding.end, DocumentVersion.text)
                               .join(DocumentVersion)).all()
    assert len(rows) == 5
    for coded, status, number, start, end, text in rows:
        assert text[start:end] == coded
        if status == "unplaced":
            assert number == 1 and coded == "Die Turnhalle war belegt."
        else:
            assert number == 2
    placed = {coded: status for coded, status, *_ in rows}
    assert placed["Die Ausländerbehörde hat sehr schnell reagiert."] == "fuzzy"
    assert placed["Ohne Netzwerke geht nichts."] == "fuzzy"
    assert placed["Der Helferkreis war sofort da. 🙂"] == "ok"
    assert placed["vor allem große Wohnungen für Familien"] == "ok"


def test_cli_prints_the_summary(tmp_path: Path) -> None:
    db = str(tmp_path / "q.db")
    path = tmp_path / "talbrueck.txt"
    path.write_text("\n".join(ORIGINAL), encoding="utf-8")
    assert qualcode("init", "--codebook", str(Path(__file__).parents[1] / "codebooks" /
                                               "kommunale-resilienz.yaml"), db=db).code == 0
    assert qualcode("import", str(path), db=db).code == 0
    from qualcode.store import open_store

    store = open_store(db)
    code_phrase(store, "\n".join(ORIGINAL), "Ohne Netzwerk geht nichts.", "Vernetzung")
    store.close()
    path.write_text("\n".join(REVISED), encoding="utf-8")
    result = qualcode("import", str(path), db=db)
    assert result.code == 0, result.err
    assert "codings: 0 kept in place, 0 moved, 1 placed fuzzily, 0 unplaced" in result.out


def test_placement_with_repeated_phrases_takes_the_nearest() -> None:
    old = "B: Ja. Das stimmt. Ja. Wirklich."
    new = "B: Nein. Ja. Das stimmt. Ja. Wirklich."
    second = old.index("Ja.", 5)
    (placement,) = place(old, new, [(second, second + 3, "Ja.")])
    assert placement.status == "moved"
    assert placement.start == new.index("Ja.", new.index("stimmt"))
