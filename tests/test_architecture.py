"""Imports run one way (front ends, services, domain, store), checked on every module.

The contracts live in pyproject.toml (import-linter); this test runs them on the package and
on a copy with one forbidden import added, which must break the contract it names.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's contracts (pyproject.toml) over the package found in package_parent."""
    lint = Path(sys.executable).parent / "lint-imports"
    return subprocess.run([str(lint), "--config", str(REPO / "pyproject.toml"),
                           "--no-cache"], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(package_parent)}, timeout=300)


def test_every_module_keeps_the_import_contracts() -> None:
    done = lint_imports(REPO / "src")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "Contracts: 4 kept, 0 broken." in done.stdout


@pytest.mark.parametrize(("module", "forbidden", "contract"), [
    ("exports/quotes.py", "import qualcode.services.codes", "imports run one way"),
    ("tui/widgets/lines.py", "import sqlalchemy", "no sqlalchemy in cli or tui"),
    ("store/lookup.py", "import textual", "no textual, typer or click"),
    ("agreement/units.py", "import qualcode.agreement.compute", "No circles"),
])
def test_a_forbidden_import_breaks_a_contract(tmp_path: Path, module: str, forbidden: str,
                                              contract: str) -> None:
    copy = tmp_path / "qualcode"
    shutil.copytree(REPO / "src" / "qualcode", copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{forbidden}  # noqa\n",
                      encoding="utf-8")
    done = lint_imports(tmp_path)
    assert done.returncode != 0
    broken = done.stdout.split("Broken contracts", 1)[1]
    assert contract in broken, done.stdout[-2000:]


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
    repo = REPO
    for name in ("pyproject.toml", "README.md", "migrations", "src/qualcode", "codebooks",
                 "transcripts", "exports", "tests"):
        assert (repo / name).exists(), name
