"""The domain core knows nothing of the terminal: no textual, typer or click in it."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "qualcode.models",
    "qualcode.store",
    "qualcode.codebook.parse",
    "qualcode.codebook.sync",
    "qualcode.codebook.render",
    "qualcode.services.codes",
    "qualcode.services.codings",
    "qualcode.services.documents",
    "qualcode.services.status",
    "qualcode.services.history",
    "qualcode.search.engine",
    "qualcode.agreement.compute",
    "qualcode.exports.quote_files",
    "qualcode.exports.matrices",
    "qualcode.exports.matrix_files",
    "qualcode.exports.records",
    "qualcode.exchange.refi",
    "qualcode.exchange.refi_import",
    "qualcode.store.columns",
    "qualcode.progress",
]
FRONT_END_PACKAGES = ("textual", "typer", "click")


def test_core_imports_no_front_end_package() -> None:
    script = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
        + f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FRONT_END_PACKAGES!r})\n"
        + "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ""


def test_cli_start_does_not_import_heavy_libraries() -> None:
    script = (
        "import sys\nsys.argv = ['qualcode', '--help']\n"
        "from qualcode.cli.main import app\n"
        "heavy = sorted(m for m in ('spacy', 'pandas', 'alembic', 'docx', 'textual', 'openpyxl')"
        " if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ""


def test_the_top_level_is_as_the_design_card_says() -> None:
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    for name in ("pyproject.toml", "README.md", "migrations", "src/qualcode", "codebooks",
                 "transcripts", "exports", "tests"):
        assert (repo / name).exists(), name
