"""REFI-QDA figures: export and import of the synthetic study corpus with 100,000 codings, and
the peak memory of importing a .qdpx with 1,000,000 codings (issue 11).

Targets: under 10 s each for 100,000 codings (issue 7); the 1,000,000-coding import peaks
under 1 GB (measured in a subprocess: its ru_maxrss). QUALCODE_BENCH_REFI_CODINGS sets that
size (1,000,000 by default).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from bench.agreement import coded_store
from bench.common import REPO, timed
from qualcode.exchange.refi import export_project
from qualcode.exchange.refi_import import import_project
from qualcode.services.status import status
from qualcode.store import open_store

SENTENCES = ["B: Die Ämter haben gut zusammengearbeitet 🙂 und der Helferkreis war sofort da.",
             "I: Wie lief die Unterbringung im Frühjahr?",
             "B: Großartig, aber die Küche 🔥 war zu klein – „das geht so nicht“, hieß es.",
             "B: Ohne die Straße der Begegnung hätten wir das nicht geschafft 👩‍👩‍👧."]
SOURCES = 40
CODES = 60
USERS = ("anna", "björn", "cem")
CHILD = """
import json, resource, sys, time
from pathlib import Path
from qualcode.exchange.refi_import import import_project
from qualcode.store import open_store
started = time.perf_counter()
report = import_project(open_store(sys.argv[1]), Path(sys.argv[2]))
print(json.dumps({"seconds": round(time.perf_counter() - started, 1),
                  "codings": report.codings, "duplicates": report.duplicates,
                  "positions": report.positions,
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def run() -> dict[str, object]:
    figures = exchange_100k()
    figures.update(import_peak(int(os.environ.get("QUALCODE_BENCH_REFI_CODINGS", 1_000_000))))
    return figures


def exchange_100k() -> dict[str, object]:
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


def import_peak(codings: int) -> dict[str, object]:
    """Import a generated .qdpx with ``codings`` codings in a fresh process; its peak memory."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        archive = write_big_archive(tmp / "big.qdpx", codings)
        env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}"
               f"{os.environ.get('PYTHONPATH', '')}"}
        done = subprocess.run([sys.executable, "-c", CHILD, str(tmp / "big.db"), str(archive)],
                              capture_output=True, text=True, env=env, check=True)
        child = json.loads(done.stdout)
        return {"big_codings": codings, "big_archive_mb": round(archive.stat().st_size / 2**20),
                "big_import_seconds": child["seconds"], "big_imported": child["codings"],
                "big_duplicates": child["duplicates"], "big_positions": child["positions"],
                "big_import_peak_mb": child["peak_mb"], "target_peak_mb": 1024}


def write_big_archive(path: Path, codings: int) -> Path:
    """A NVivo-like project (UTF-16 positions) written as a stream: sources, then selections."""
    rng = random.Random(11)
    texts = ["\r\n".join(rng.choice(SENTENCES) for _ in range(600)) for _ in range(SOURCES)]
    user_guids = [f"{n:08X}-0000-4000-8000-000000000001" for n in range(len(USERS))]
    code_guids = [f"{n:08X}-0000-4000-8000-000000000002" for n in range(CODES)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
        for number, text in enumerate(texts):
            zipped.writestr(f"sources/{number}.txt", text.encode("utf-8"))
        with zipped.open("project.qde", "w", force_zip64=True) as out:
            out.write(_head(user_guids, code_guids).encode())
            for number, text in enumerate(texts):
                out.write(f'<TextSource guid="{number:08X}-0000-4000-8000-000000000003" '
                          f'name="Interview {number}" plainTextPath="internal://{number}.txt">'
                          .encode())
                share = codings // SOURCES + (1 if number < codings % SOURCES else 0)
                out.write(_selections(rng, text, share, number, user_guids, code_guids))
                out.write(b"</TextSource>\n")
            out.write(b"</Sources></Project>\n")
    return path


def _head(user_guids: list[str], code_guids: list[str]) -> str:
    users = "".join(f'<User guid="{g}" name="{n}"/>' for g, n in zip(user_guids, USERS,
                                                                       strict=True))
    codes = "".join(f'<Code guid="{g}" name="Code {n}" isCodable="true"/>'
                    for n, g in enumerate(code_guids))
    return ('<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
            'name="Gross" origin="NVivo 14 (bench)">'
            f"<Users>{users}</Users><CodeBook><Codes>{codes}</Codes></CodeBook><Sources>")


def _selections(rng: random.Random, text: str, count: int, source: int,
                user_guids: list[str], code_guids: list[str]) -> bytes:
    words = [0] + [i + 1 for i, ch in enumerate(text) if ch == " "]
    units = [0]
    for ch in text:  # UTF-16 offset of every code point offset
        units.append(units[-1] + (2 if ord(ch) > 0xFFFF else 1))
    parts = []
    for n in range(count):
        first = rng.randrange(len(words) - 10)
        start, end = words[first], words[first + rng.randint(1, 8)] - 1
        parts.append(f'<PlainTextSelection guid="{source:04X}{n:04X}-0000-4000-8000-{n:012X}" '
                     f'startPosition="{units[start]}" endPosition="{units[end]}">'
                     f'<Coding guid="{source:04X}{n:04X}-1111-4000-8000-{n:012X}" '
                     f'creatingUser="{rng.choice(user_guids)}"><CodeRef targetGUID='
                     f'"{rng.choice(code_guids)}"/></Coding></PlainTextSelection>\n')
    return "".join(parts).encode()
