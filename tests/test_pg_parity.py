"""What running the CLI, TUI, REFI-QDA and export tests on PostgreSQL too brought to light."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from qualcode.errors import StoreError
from qualcode.exchange.refi_import import import_project
from qualcode.models import Coder, Coding, DocumentVersion
from qualcode.store import Store, open_store
from tests.helpers import dump
from tests.test_trust_refi import project_xml, selection
from tests.test_tui import app_for, code_and_select

SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_tui"

# A stray NUL, as an export of another program may carry one; fictional text.
WITH_NUL = "B: Die Ämter\x00 haben „gut“ zusammengearbeitet 🙂."


def test_a_nul_in_a_source_text_imports_alike_on_both_stores(store: Store,
                                                            tmp_path: Path) -> None:
    start = WITH_NUL.index("haben")
    path = tmp_path / "nul.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", project_xml([selection(1, start, start + 13)]))
        archive.writestr("sources/S.txt", WITH_NUL.encode("utf-8"))
    report = import_project(store, path)
    assert (report.sources, report.codings) == (1, 1)
    with store.read() as session:
        stored = session.scalar(select(DocumentVersion.text))
        coded = session.scalar(select(Coding.text))
    assert stored == WITH_NUL.replace("\x00", "\ufffd")  # the positions stay where they were
    assert coded == "haben „gut“ z"


@pytest.mark.postgres
def test_a_value_postgresql_cannot_hold_is_not_an_unreachable_server(pg_url: str) -> None:
    store = open_store(pg_url)
    before = dump(store, "coders")
    with pytest.raises(StoreError) as caught, store.write() as session:
        session.add(Coder(name="Jürgen\x00Weiß"))
    message = str(caught.value)
    assert "cannot be reached" not in message and "NUL" in message, message
    assert "Jürgen" not in message and "Weiß" not in message
    assert dump(store, "coders") == before
    store.close()


@pytest.mark.parametrize("store_kind", [pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
@pytest.mark.parametrize("view", ["documents", "coding"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["size0", "size1"])
def test_the_workbench_on_postgresql_looks_as_its_snapshots(
        demo_url: str, tmp_path: Path, view: str, size: tuple[int, int],
        request: pytest.FixtureRequest) -> None:
    """The screens test_tui.py pins on SQLite, drawn from a PostgreSQL store: the very same."""
    from pytest_textual_snapshot import normalize_svg
    from textual._doc import take_svg_screenshot

    size_id = request.node.callspec.id.split("-")[0]
    expected = (SNAPSHOTS / f"test_snapshot_{view}[{size_id}].svg").read_text(encoding="utf-8")
    drawn = take_svg_screenshot(app=app_for(demo_url, tmp_path), terminal_size=size,
                                run_before=code_and_select if view == "coding" else None)
    assert normalize_svg(drawn) == normalize_svg(expected)
