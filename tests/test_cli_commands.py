"""Every documented command, run as a user runs it, checked by its output or its effect.

The project is built through the library (the demo transcripts and the study codebook), then
each command runs in a real ``qualcode`` subprocess against it, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from qualcode.models import Code, Coder, Coding
from qualcode.services.codings import add_coding
from qualcode.services.status import status
from qualcode.store import Store, open_store
from qualcode.store.schema import HEAD
from tests.cli import assert_user_error, qualcode, qualcode_in_terminal
from tests.conftest import CODEBOOK
from tests.helpers import import_demo, load_study_codebook

EHRENAMT = "Ehrenamtliches Engagement für Geflüchtete"
PHRASE = '"Koordinierungskreis Migration"'


@pytest.fixture
def project(store: Store, store_url: str) -> str:
    load_study_codebook(store)
    import_demo(store, "txt")
    return store_url


def codings_of(url: str, coder: str) -> list[tuple[int, int, str]]:
    store = open_store(url)
    with store.read() as session:
        rows = session.execute(
            select(Coding.start, Coding.end, Code.name).join(Code).join(Coder)
            .where(Coder.name == coder).order_by(Coding.start, Code.name)).all()
    store.close()
    return [tuple(r) for r in rows]


def test_db_current_prints_the_head_revision(project: str) -> None:
    result = qualcode("db", "current", db=project)
    assert result.code == 0, result.err
    assert result.out.strip() == HEAD


def test_documents_and_show(project: str) -> None:
    listed = json.loads(qualcode("documents", "--json", db=project).out)
    assert [d["name"] for d in listed] == [
        "Fokusgruppe Kesselbrunn", "Fokusgruppe Landkreis Moorwald", "Interview Haselbach-Ost",
        "Interview Kesselbrunn", "Interview Landkreis Moorwald", "Interview Wendelsau"]
    assert listed[0]["variables"]["municipality_type"] == "kreisfreie Stadt"
    plain = qualcode("documents", db=project)
    assert "Interview Wendelsau  [interview, Wendelsau, kreisangehörige Stadt]" in plain.out
    shown = json.loads(qualcode("show", "Interview Kesselbrunn", "--json", db=project).out)
    turns = shown["turns"]
    assert len(turns) == 33 and turns[0]["label"] in ("I", "Interviewerin", "Interviewer")
    text = qualcode("show", "Interview Kesselbrunn", db=project).out
    assert f"[{turns[1]['start']}, {turns[1]['end']})" in text
    assert_user_error(qualcode("show", "Interview Nirgendwo", db=project), "Nirgendwo")


def test_search_finds_inflected_forms_at_their_offsets(project: str) -> None:
    result = qualcode("search", "Ehrenamt", "--json", db=project)
    assert result.code == 0, result.err
    hits = json.loads(result.out)["hits"]
    store = open_store(project)
    from qualcode.services.workbench import load_transcript
    from qualcode.store.lookup import find_document

    with store.read() as session:
        ids = {h["document"]: find_document(session, h["document"]).id for h in hits}
    texts = {name: load_transcript(store, i).text for name, i in ids.items()}
    store.close()
    found = {texts[h["document"]][h["start"]:h["end"]] for h in hits}
    assert "Ehrenamt" in found and found <= {"Ehrenamt", "Ehrenamts", "Ehrenamtes"}
    interviews = json.loads(qualcode("search", "Ehrenamt", "--where", "kind=interview",
                                     "--json", db=project).out)["hits"]
    assert interviews and all(h["document"].startswith("Interview") for h in interviews)
    assert len(interviews) < len(hits)


def test_autocode_dry_run_undo_and_redo(project: str) -> None:
    hits = json.loads(qualcode("search", PHRASE, "--json", db=project).out)["hits"]
    assert hits
    code = "Ämterübergreifende Zusammenarbeit"
    dry = qualcode("autocode", PHRASE, "--code", code, "--coder", "anna", "--dry-run",
                   db=project)
    assert dry.code == 0, dry.err
    assert codings_of(project, "anna") == []
    done = qualcode("autocode", PHRASE, "--code", code, "--coder", "anna", db=project)
    assert done.code == 0, done.err
    coded = codings_of(project, "anna")
    assert sorted((s, e) for s, e, _ in coded) == sorted((h["start"], h["end"]) for h in hits)
    assert {name for _, _, name in coded} == {code}
    undone = qualcode("undo", "--coder", "anna", db=project)
    assert undone.code == 0, undone.err
    assert len(hits) == 1 and "Undone: 1 coding removed." in undone.out
    assert codings_of(project, "anna") == []
    redone = qualcode("redo", "--coder", "anna", db=project, env={"QUALCODE_LANG": "de"})
    assert redone.code == 0, redone.err
    assert "Wiederholt: 1 Codierung hinzugefügt." in redone.out
    assert codings_of(project, "anna") == coded


def test_codebook_check_show_move_delete(project: str, tmp_path: Path) -> None:
    assert qualcode("codebook", "check", str(CODEBOOK)).code == 0
    broken = tmp_path / "kaputt.yaml"
    broken.write_text("codes:\n  - name: Wohnen\n    colour: lila\n  - name: Wohnen\n",
                      encoding="utf-8")
    assert_user_error(qualcode("codebook", "check", str(broken)), "kaputt.yaml")
    store = open_store(project)
    add_coding(store, document="Interview Kesselbrunn", code="Wohnen und Unterbringung",
               coder="anna", start=0, end=10)
    store.close()
    shown = json.loads(qualcode("codebook", "show", "--json", db=project).out)
    flat = {c["path"]: c for c in _flatten(shown)}
    wohnen = next(p for p in flat if p.endswith("/Wohnen und Unterbringung"))
    assert flat[wohnen]["codings"] == 1
    moved = qualcode("codebook", "move", "Wohnen und Unterbringung", "Governance", db=project)
    assert moved.code == 0, moved.err
    paths = {c["path"] for c in _flatten(json.loads(
        qualcode("codebook", "show", "--json", db=project).out))}
    assert "Governance/Wohnen und Unterbringung" in paths
    assert_user_error(qualcode("codebook", "delete", "Wohnen und Unterbringung", db=project),
                      "--force")
    deleted = qualcode("codebook", "delete", "Wohnen und Unterbringung", "--force", db=project)
    assert deleted.code == 0, deleted.err
    assert codings_of(project, "anna") == []


def _flatten(tree: list[dict] | dict) -> list[dict]:
    nodes = tree if isinstance(tree, list) else tree.get("codes", [])
    found = []
    for node in nodes:
        found.append(node)
        found.extend(_flatten(node.get("children", [])))
    return found


def test_codebook_import_of_an_exported_qdc(project: str, tmp_path: Path,
                                            new_db: Callable[[str], str]) -> None:
    target = tmp_path / "codesystem.qdc"
    assert qualcode("codebook", "export", "--format", "qdc", "-o", str(target),
                    db=project).code == 0
    fresh = new_db("leer.db")
    imported = qualcode("codebook", "import", str(target), db=fresh)
    assert imported.code == 0, imported.err
    store = open_store(fresh)
    assert status(store).codes == 46
    store.close()


def test_import_qdpx_brings_the_project_into_a_new_store(project: str, tmp_path: Path,
                                                         new_db: Callable[[str], str]) -> None:
    store = open_store(project)
    add_coding(store, document="Interview Wendelsau", code=EHRENAMT, coder="björn",
               start=5, end=40, memo="Grüße – „Zitat“ 🙂")
    store.close()
    archive = tmp_path / "projekt.qdpx"
    assert qualcode("export", "qdpx", str(archive), db=project).code == 0
    fresh = new_db("kopie.db")
    result = qualcode("import", "qdpx", str(archive), "--json", db=fresh)
    assert result.code == 0, result.err
    assert codings_of(fresh, "björn") == codings_of(project, "björn") == [
        (5, 40, EHRENAMT)]


def test_consensus_seed_and_resolve(project: str) -> None:
    store = open_store(project)
    for coder in ("anna", "björn"):
        add_coding(store, document="Interview Kesselbrunn", code=EHRENAMT, coder=coder,
                   start=100, end=200)
    add_coding(store, document="Interview Kesselbrunn", code="Wohnen und Unterbringung",
               coder="anna", start=300, end=400)
    store.close()
    seeded = qualcode("consensus", "seed", "--coders", "anna,björn", db=project)
    assert seeded.code == 0, seeded.err
    assert codings_of(project, "consensus") == [(100, 200, EHRENAMT)]
    resolved = qualcode("consensus", "resolve", "--document", "Interview Kesselbrunn",
                        "--code", "Wohnen und Unterbringung", "--start", "300", "--end", "400",
                        "--take", "anna", db=project)
    assert resolved.code == 0, resolved.err
    assert codings_of(project, "consensus") == [(100, 200, EHRENAMT),
                                                (300, 400, "Wohnen und Unterbringung")]


def test_generate_corpus_writes_transcripts_and_a_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "korpus"
    result = qualcode("generate-corpus", str(folder), "--scale", "0.05", "--seed", "3")
    assert result.code == 0, result.err
    files = sorted(folder.glob("*.docx"))
    assert files and (folder / "manifest.yaml").exists()
    assert f"Wrote {len(files)} transcripts" in result.out
    again = tmp_path / "nochmal"
    qualcode("generate-corpus", str(again), "--scale", "0.05", "--seed", "3")
    assert [f.name for f in sorted(again.glob("*.docx"))] == [f.name for f in files]


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tui_command_opens_the_workbench_in_a_terminal(tmp_path: Path,
                                                       new_db: Callable[[str], str]) -> None:
    db = new_db("demo.db")
    store = open_store(db)
    load_study_codebook(store)
    import_demo(store, "txt")
    store.close()
    with qualcode_in_terminal("tui", "--coder", "anna", db=db, config=tmp_path / "c.toml") as term:
        term.wait_for("Fokusgruppe Kesselbrunn")
        term.keys("Enter")
        term.wait_for("coder: anna")
        term.keys("Down", "w")
        deadline = time.monotonic() + 10
        while not codings_of(db, "anna") and time.monotonic() < deadline:
            time.sleep(0.1)
        term.keys("C-q")
        term.wait_closed()
    assert [name for _, _, name in codings_of(db, "anna")] == [
        "Verwaltungskultur und Wissensmanagement"]


def test_tmux_is_there_on_ci() -> None:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is missing; .ci/run installs it") if _on_ci() else pytest.skip(
            "tmux is not installed")
    assert subprocess.run(["tmux", "-V"], capture_output=True).returncode == 0


def _on_ci() -> bool:
    import os

    return os.environ.get("CI") == "true"
