"""Every text a person sees is marked for translation, and the catalogs match the sources.

Two rules over the source (``ast``), each shown failing on a planted example:

- a qualcode error (any subclass of ``QualcodeError``) is raised with a marked message
  (``_()``, ``ngettext()``, ``pgettext()``, or a variable built from them), never a bare literal;
- in the front ends and the words of exports and reports, a literal that reads like words
  (two words, or a capitalised word) is inside a marking call, is a docstring, or its line
  says why it is not translated (``# not translated: ...``: data, CSS, SQL, a file format).

The catalog check runs ``scripts/catalogs.py check``: a marked string without a German
translation, a translation of a string no longer in the sources, or a stale ``.mo`` fails it.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import qualcode
from qualcode.errors import QualcodeError

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "qualcode"
MARKERS = {"_", "N_", "ngettext", "pgettext", "npgettext", "gettext"}
WORDS = re.compile(r"[A-Za-zÄÖÜäöüß]{2,}[ ,.:;!?'’-]+[A-Za-zÄÖÜäöüß]{2,}|^[A-ZÄÖÜ][a-zäöüß]{2,}")
EXEMPT = "# not translated:"
# Packages whose literals a person reads (the front ends; exports and reports write words into
# files). Domain packages are covered by the error rule.
WORDED = ["cli", "tui", "exports", "reports"]
# Areas still being marked; each leaves this set when it is done.
NOT_YET: set[str] = set()


def error_names() -> set[str]:
    for info in pkgutil.walk_packages(qualcode.__path__, "qualcode."):
        if not info.name.startswith(("qualcode.__main__", "qualcode.tui", "qualcode.cli")):
            importlib.import_module(info.name)
    found: set[str] = set()
    pending = [QualcodeError]
    while pending:
        cls = pending.pop()
        found.add(cls.__name__)
        pending += cls.__subclasses__()
    return found


def is_marking(node: ast.AST) -> bool:
    """``_("…")``, ``words.gettext("…")``, and ``.format(…)`` or ``%`` applied to them."""
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name in MARKERS:
            return True
        if isinstance(func, ast.Attribute) and func.attr == "format":
            return is_marking(func.value)
    return isinstance(node, ast.BinOp) and is_marking(node.left)


def literal(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant)
                                                and isinstance(node.value, str))


def unmarked_raises(tree: ast.AST, errors: set[str]) -> Iterator[int]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Raise) or not isinstance(node.exc, ast.Call):
            continue
        func = node.exc.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name in errors and node.exc.args and literal(node.exc.args[0]):
            yield node.lineno


def docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and literal(body[0].value):
                found.add(id(body[0].value))
    return found


def text_of(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return str(node.value)
    return " ".join(str(v.value) for v in getattr(node, "values", [])
                    if isinstance(v, ast.Constant))


def nested_constants(tree: ast.AST) -> set[int]:
    """The constant parts of f-strings: judged with their f-string, not on their own."""
    return {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
            for v in node.values}


def unmarked_words(tree: ast.AST, lines: list[str]) -> Iterator[tuple[int, str]]:
    skip = docstrings(tree) | nested_constants(tree)
    marked: set[int] = set()
    for node in ast.walk(tree):
        if is_marking(node):
            marked |= {id(inner) for inner in ast.walk(node)}
    for node in ast.walk(tree):
        if not literal(node) or id(node) in skip or id(node) in marked:
            continue
        text = text_of(node)
        if not WORDS.search(text):
            continue
        span = lines[node.lineno - 1: getattr(node, "end_lineno", node.lineno)]
        if any(EXEMPT in line for line in span):
            continue
        yield node.lineno, text[:60]


def sources(area: str) -> list[Path]:
    if area == "errors":
        return sorted(PACKAGE.rglob("*.py"))
    return sorted((PACKAGE / area).rglob("*.py"))


def findings(path: Path, area: str, errors: set[str]) -> list[str]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    where = path.relative_to(REPO)
    if area == "errors":
        return [f"{where}:{line}: raised with an unmarked message"
                for line in unmarked_raises(tree, errors)]
    return [f"{where}:{line}: unmarked text {text!r}"
            for line, text in unmarked_words(tree, source.splitlines())]


@pytest.fixture(scope="module")
def errors() -> set[str]:
    return error_names()


@pytest.mark.parametrize("area", [*WORDED, "errors"])
def test_every_text_a_person_sees_is_marked(area: str, errors: set[str]) -> None:
    if area in NOT_YET:
        pytest.xfail(f"{area}: marking in progress")
    found = [f for path in sources(area) for f in findings(path, area, errors)]
    assert not found, "\n".join(found[:80])


def test_an_unmarked_message_is_found(tmp_path: Path, errors: set[str]) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(
        'from qualcode.i18n import _\n'
        'def f(n):\n'
        '    echo(f"Wrote {n} files.")\n'
        '    echo(_("Wrote {n} files.").format(n=n))\n'
        '    query_one("#codes")\n'
        '    style = "bold red"  # not translated: a style\n'
        '    raise InvalidInput("the codebook is empty")\n'
        '    raise InvalidInput(_("the codebook is empty"))\n', encoding="utf-8")
    tree = ast.parse(planted.read_text(encoding="utf-8"))
    lines = planted.read_text(encoding="utf-8").splitlines()
    assert [line for line, _text in unmarked_words(tree, lines)] == [3, 7]
    assert list(unmarked_raises(tree, errors)) == [7]


def catalogs(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "scripts" / "catalogs.py"), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=300)


def test_the_catalogs_match_the_sources() -> None:
    done = catalogs("check")
    assert done.returncode == 0, done.stdout[-4000:]


def test_a_stale_catalog_is_noticed(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "repo"
    shutil.copytree(PACKAGE, copy / "src" / "qualcode",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "scripts", copy / "scripts")
    added = copy / "src" / "qualcode" / "i18n_planted.py"
    added.write_text('from qualcode.i18n import _\nWORD = _("A sentence nobody translated")\n',
                     encoding="utf-8")
    done = subprocess.run([sys.executable, str(copy / "scripts" / "catalogs.py"), "check"],
                          capture_output=True, text=True, cwd=copy, timeout=300)
    assert done.returncode == 1
    assert "A sentence nobody translated" in done.stdout
