"""Every command and key the docs promise exists, and a test runs it.

Commands are taken from the real typer app and from docs/cli.md; keys from docs/tui.md. A test
"runs" a command when it calls ``tests.cli.qualcode`` with the command's words first, and
"presses" a key when it calls Pilot's ``press`` with that key: both are found by reading the
tests' syntax trees, so adding a command or key to the docs without a test fails here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import click
import typer

from qualcode.cli.main import app

TESTS = Path(__file__).resolve().parent
DOCS = TESTS.parent / "docs"
ARROWS = {"↓": "down", "↑": "up", "→": "right", "←": "left"}
SIGNS = {"!": "exclamation_mark", "*": "asterisk", "/": "slash", "?": "question_mark"}
KEY = re.compile(r"^(?:(?:shift|ctrl)\+)?(?:[↓↑→←]|f\d{1,2}|[a-z0-9]|space|enter|delete|"
                 r"escape|pagedown|pageup|[!*/?])$")


def cli_commands() -> set[str]:
    def walk(command: click.Command, prefix: tuple[str, ...]) -> Iterator[str]:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from walk(sub, (*prefix, name))
        else:
            yield " ".join(prefix)

    return set(walk(typer.main.get_command(app), ()))


def documented_commands() -> set[str]:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    found = set()
    for words in re.findall(r"`qualcode ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?)", text):
        first, _, second = words.partition(" ")
        found.add(f"{first} {second}" if f"{first} {second}" in cli_commands() else first)
    return found


def _calls(name: str) -> Iterator[ast.Call]:
    for path in TESTS.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    yield node


def _leading_words(call: ast.Call) -> list[str]:
    words = []
    for arg in call.args:
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            break
        words.append(arg.value)
    return words


def commands_run_by_tests() -> set[str]:
    known = cli_commands()
    tested = set()
    for call in [*_calls("qualcode"), *_calls("qualcode_in_terminal")]:
        words = [w for w in _leading_words(call) if not w.startswith("-")][:2]
        if len(words) == 2 and " ".join(words) in known:
            tested.add(" ".join(words))
        elif words and words[0] in known:
            tested.add(words[0])
        elif words and words[0] == "import":
            tested.add("import transcripts")  # `qualcode import FILE` means this
    return tested


def documented_keys() -> set[str]:
    text = (DOCS / "tui.md").read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    keys = set()
    for token in re.findall(r"`([^`\s]+)`", prose):
        if KEY.match(token):
            keys.add(_textual_name(token))
    return keys


def _textual_name(key: str) -> str:
    modifier, _, base = key.rpartition("+")
    base = ARROWS.get(base, SIGNS.get(base, base))
    return f"{modifier}+{base}" if modifier else base


def pressed_keys() -> set[str]:
    return {word for call in _calls("press") for word in _leading_words(call)}


def test_every_command_is_documented_and_every_documented_command_exists() -> None:
    commands, documented = cli_commands(), documented_commands()
    assert commands - documented - {"import transcripts"} == set()
    assert documented - commands - {"import"} == set()


def test_every_command_is_run_by_a_test() -> None:
    assert cli_commands() - commands_run_by_tests() == set()


def test_every_documented_key_is_pressed_by_a_test() -> None:
    keys = documented_keys()
    assert {"down", "shift+right", "exclamation_mark", "ctrl+z", "f9"} <= keys  # the parse works
    assert keys - pressed_keys() == set()


def test_the_scan_sees_commands_and_keys_of_these_tests() -> None:
    assert "db current" in commands_run_by_tests()
    assert "f6" in pressed_keys()
