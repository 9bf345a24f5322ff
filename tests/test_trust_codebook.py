"""Codebook YAML under hostile input: aliases, cycles, deep nesting, size; fuzzing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from qualcode.codebook.parse import parse_codebook, read_codebook
from qualcode.errors import CodebookError
from qualcode.limits import MIB
from tests.cli import assert_user_error
from tests.test_trust_import import run_limited


def laughs(levels: int = 9) -> str:
    """A 'billion laughs' codebook: each level lists the one before ten times as sub-codes."""
    lines = ["title: Lachen", "x0: &l0 [{name: Ha}]"]
    for level in range(1, levels + 1):
        codes = ", ".join([f"{{name: Ha, codes: *l{level - 1}}}"] * 10)
        lines.append(f"x{level}: &l{level} [{codes}]")
    lines.append(f"codes: *l{levels}")
    return "\n".join(lines) + "\n"


CYCLE = "codes: &schleife\n  - name: Ämter\n    codes: *schleife\n"
DEEP = "codes:\n" + "".join(f"{'  ' * (2 * i)}  - name: Ebene {i}\n{'  ' * (2 * i)}    codes:\n"
                            for i in range(300))
FLOW_DEEP = "codes: " + "[" * 300 + "]" * 300 + "\n"


@pytest.mark.parametrize(("text", "line", "fragment"), [
    (laughs(), 2, "uses a YAML anchor or alias"),
    (CYCLE, 1, "uses a YAML anchor or alias"),
    ("codes:\n  - name: Straße\n    definition: &d Wege\n  - name: Weg\n    definition: *d\n",
     3, "uses a YAML anchor or alias"),
    (DEEP, 50, "deeper than the limit of 50 levels"),
    (FLOW_DEEP, 1, "deeper than the limit of 50 levels"),
], ids=["laughs", "cycle", "anchor", "deep", "flow"])
def test_aliases_and_deep_nesting_are_refused_with_file_and_line(text: str, line: int,
                                                                 fragment: str) -> None:
    with pytest.raises(CodebookError) as caught:
        parse_codebook(text, "buch.yaml")
    (problem,) = caught.value.problems
    assert problem.startswith(f"buch.yaml:{line}: ") and fragment in problem, problem


@pytest.mark.parametrize("text", [laughs(), CYCLE, DEEP], ids=["laughs", "cycle", "deep"])
@pytest.mark.parametrize("command", ["check", "init"])
def test_the_cli_refuses_hostile_codebooks_quickly_and_small(tmp_path: Path, text: str,
                                                             command: str) -> None:
    book = tmp_path / "böse.yaml"
    book.write_text(text, encoding="utf-8")
    args = (["codebook", "check", str(book)] if command == "check"
            else ["--db", str(tmp_path / "q.db"), "init", "--codebook", str(book)])
    done = run_limited(*args)
    assert_user_error(_result(done), f"{book}:")


def test_a_codebook_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    book = tmp_path / "riesig.yaml"
    with book.open("wb") as stream:
        stream.write(b"codes: []\n")
        stream.truncate(5 * MIB + 1)
    with pytest.raises(CodebookError, match=r"riesig\.yaml: is 5 MB, over the limit of 5 MB"):
        read_codebook(book)


def _result(done):  # type: ignore[no-untyped-def]
    from tests.cli import Result

    return Result(done.returncode, done.stdout, done.stderr)


code_fields = st.sampled_from(["name", "definition", "anchor", "colour", "key", "formerly",
                               "codes", "farbe"])
structures = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=15)
    | st.sampled_from(["Ämter", "#1F77B4", "z", "A/B", ""]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(code_fields | st.text(max_size=4),
                                                                inner, max_size=5),
    max_leaves=25)
yamlish = st.text(st.sampled_from(list("codes:name- &*![]{}'\"\n #|>ÄßÜ🙂\t,?%@`")), max_size=200)


@pytest.mark.fuzz
@given(data=structures, text=yamlish, plain=st.text(max_size=200))
def test_fuzz_codebook(data: object, text: str, plain: str) -> None:
    for source in (yaml.safe_dump({"codes": data}, allow_unicode=True),
                   yaml.safe_dump(data, allow_unicode=True), text, plain):
        try:
            parse_codebook(source, "zufall.yaml")
        except CodebookError as exc:
            assert all(p.startswith("zufall.yaml") for p in exc.problems), exc.problems


def test_a_nul_in_a_codebook_is_refused_before_it_reaches_a_store() -> None:
    with pytest.raises(CodebookError, match=r"buch\.yaml:2: an escaped NUL"):
        parse_codebook('codes:\n  - name: "Ämter\\0übergreifend"\n', "buch.yaml")
