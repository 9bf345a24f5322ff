"""Progress of long work: what the core reports, and how the terminal line draws it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from qualcode.cli.context import ProgressLine
from qualcode.exports import matrices, quote_files
from qualcode.exports.matrices import MatrixFilter, cooccurrence
from qualcode.exports.quotes import QuoteFilter, quote_table
from qualcode.models import Code
from qualcode.progress import counted
from qualcode.store import open_store
from qualcode.store.lookup import find_coder
from tests.helpers import import_demo, load_study_codebook, random_codings

Events = list[tuple[int, int, str]]


def _record() -> tuple[Events, object]:
    events: Events = []
    return events, lambda done, total, what: events.append((done, total, what))


def _steps(events: Events, what: str) -> list[tuple[int, int]]:
    return [(done, total) for done, total, step in events if step == what]


def test_counted_reports_every_n_and_the_end() -> None:
    events, progress = _record()
    items = list(counted(range(1234), 1234, "zählen", progress, every=500))  # type: ignore[arg-type]
    assert items == list(range(1234))
    assert events == [(500, 1234, "zählen"), (1000, 1234, "zählen"), (1234, 1234, "zählen")]
    assert list(counted([1, 2], 2, "still", None)) == [1, 2]


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = tmp_path_factory.mktemp("progress") / "p.db"
    store = open_store(str(db))
    load_study_codebook(store)
    import_demo(store)
    with store.write() as session:
        coder = find_coder(session, "anna", create=True).id
        codes = list(session.scalars(select(Code.id).where(Code.parent_id.is_not(None))))
    random_codings(store, 1200, seed=8, codes=codes, coders=[coder], lengths=(30, 200))
    store.close()
    return str(db)


def test_quote_export_reports_reading_and_writing(coded: str, tmp_path: Path) -> None:
    events, progress = _record()
    table = quote_table(open_store(coded), QuoteFilter(), progress)  # type: ignore[arg-type]
    quote_files.write_docx(tmp_path / "z.docx", table.quotes, title="Stimmen aus der Praxis",
                           progress=progress)  # type: ignore[arg-type]
    quote_files.write_xlsx(tmp_path / "z.xlsx", table.quotes, context=False,
                           progress=progress)  # type: ignore[arg-type]
    total = len(table.quotes)
    assert _steps(events, "reading quotes")[-1] == (1200, 1200)
    docx = _steps(events, "writing DOCX")
    assert docx == [(500, total), (1000, total), (total, total)]
    assert _steps(events, "saving XLSX") == [(0, 1), (1, 1)]


def test_cooccurrence_reports_its_slices(coded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matrices, "PAIRS_PER_CHUNK", 50)
    events, progress = _record()
    matrix = cooccurrence(open_store(coded), MatrixFilter(), progress=progress)  # type: ignore[arg-type]
    slices = _steps(events, "counting pairs")
    total = slices[-1][1]
    assert total > 3 and slices == [(n, total) for n in range(1, total + 1)]
    assert _steps(events, "reading codings") == [(0, 1), (1, 1)]
    monkeypatch.setattr(matrices, "PAIRS_PER_CHUNK", 10**9)
    assert (cooccurrence(open_store(coded), MatrixFilter()).counts == matrix.counts).all()


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_line_waits_throttles_and_clears() -> None:
    stream, clock = io.StringIO(), Clock()
    line = ProgressLine(stream, delay=0.5, interval=0.1, clock=clock)
    line(1, 10, "Zitate lesen")
    assert stream.getvalue() == ""  # quick work draws nothing
    clock.now = 0.6
    line(2, 10, "Zitate lesen")
    assert "Zitate lesen" in stream.getvalue() and "2/10" in stream.getvalue()
    assert "[######" in stream.getvalue()
    clock.now = 0.65
    line(3, 10, "Zitate lesen")
    assert "3/10" not in stream.getvalue()  # throttled
    line(10, 10, "Zitate lesen")
    assert "10/10" in stream.getvalue()  # the end of a step always shows
    line.clear()
    assert stream.getvalue().endswith("\r\x1b[2K")
