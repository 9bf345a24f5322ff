"""Reports people read over the synthetic study corpus with about 100,000 codings.

Targets (issue 18): `report project` under 15 s; `report agreement` (two coders, unit turn)
under 10 s. Both formats are written; the seconds include drawing the figures. The process's
CPU seconds are given beside the wall-clock ones: on a shared machine the difference is the
time other processes had the cores.

Each report passes through the privacy gate (its check is in the seconds); the store has the
demo profile (`privacy.gate: warn`), so the reports are written and the findings counted.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.agreement import coded_store
from bench.common import REPO, timed
from qualcode.agreement.compute import Selection
from qualcode.services.profile import load_profile_file
from qualcode.services.reports import write_agreement_report, write_project_report
from qualcode.services.status import status

TARGETS = {"project": 15, "agreement": 10}


def run() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        store = coded_store(tmp)
        load_profile_file(store, REPO / "codebooks" / "demo.profile.yaml")
        figures: dict[str, object] = {"codings": status(store).codings}
        selection = Selection(["anna", "björn"], "turn")
        writers = {
            "project": lambda target: write_project_report(store, target),
            "agreement": lambda target: write_agreement_report(store, selection, target),
        }
        for kind, write in writers.items():
            for suffix in ("html", "docx"):
                target = tmp / f"{kind}.{suffix}"
                cpu = time.process_time()
                written: list = []
                seconds = timed(lambda w=write, t=target, out=written: out.append(w(t)))
                figures[f"{kind}_{suffix}"] = {
                    "findings": len(written[-1].gate.findings),
                    "seconds": round(seconds, 2), "target_seconds": TARGETS[kind],
                    "cpu_seconds": round(time.process_time() - cpu, 2),
                    "kib": round(target.stat().st_size / 1024)}
        store.close()
    return figures
