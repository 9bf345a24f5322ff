"""REFI-QDA figures: export and import of the synthetic study corpus with 100,000 codings.

Target (issue 7): under 10 s each.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.agreement import coded_store
from bench.common import timed
from qualcode.exchange.refi import export_project
from qualcode.exchange.refi_import import import_project
from qualcode.services.status import status
from qualcode.store import open_store


def run() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        store = coded_store(tmp)
        codings = status(store).codings
        archive = tmp / "study.qdpx"
        export_seconds = timed(lambda: export_project(store, archive))
        store.close()
        target = open_store(str(tmp / "imported.db"))
        report = None

        def run_import() -> None:
            nonlocal report
            report = import_project(target, archive)

        import_seconds = timed(run_import)
        assert report is not None
        imported = status(target).codings
        target.close()
        return {"codings": codings, "archive_mb": round(archive.stat().st_size / 2**20, 1),
                "export_seconds": round(export_seconds, 3),
                "import_seconds": round(import_seconds, 3),
                "imported_codings": imported, "imported_sources": report.sources,
                "target_seconds": 10}
