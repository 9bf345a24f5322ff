"""The workbench speaks German and English: no word of the other language on screen.

What a person sees is read off the real screen (Textual's compositor, every cell of every
line), with the places that show data blanked out (transcript text, code names, document rows:
data is never translated). The German screens must not hold any English message id of the
catalog whose German differs, the English screens no such German translation. Message ids
with placeholders match whatever fills them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from rich.cells import cell_len
from textual.binding import Binding
from textual.dom import DOMNode
from textual.errors import NoWidget
from textual.widgets import DataTable, OptionList

from qualcode.i18n import set_interface_language
from qualcode.services.codings import add_coding
from qualcode.store import open_store
from qualcode.tui.keys import Translated, key_name
from qualcode.tui.screens.documents import DocumentsScreen
from tests.test_tui import app_for, open_first_document
from tests.test_tui_keys import wait_until

PO = Path(__file__).resolve().parents[1] / "src/qualcode/locale/de/LC_MESSAGES/qualcode.po"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
BOX = re.compile(r"[─-╿▀-▟]")  # box drawing and block elements: frames, not words


@pytest.fixture
def german() -> Iterator[None]:
    set_interface_language("de")
    yield
    set_interface_language(None)


@pytest.fixture
def english() -> Iterator[None]:
    set_interface_language("en")
    yield
    set_interface_language(None)


def catalog_pairs() -> list[tuple[str, str]]:
    """(English, German) for every form of every message whose German differs."""
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="de")
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        english_forms, german_forms = set(ids), set(strings)
        for english_form in english_forms:
            for german_form in german_forms:
                if english_form not in german_forms and german_form not in english_forms:
                    pairs.append((english_form, german_form))
    return pairs


GAP = 120  # the longest text a placeholder stands for on the screen
WORDY = re.compile(r"[^\W\d_]{2,}")


def _squeezed(text: str) -> str:
    """Any run of white space as one space: a message may wrap on the screen."""
    return re.sub(r"\s+", " ", text)


def _wordy(char: str) -> bool:
    return char.isalnum() or char == "_"  # as \b sees words: "word_more" is no "word"


def shows(text: str, message: str) -> bool:
    """Whether the (squeezed) screen text shows the message, its placeholders filled with one
    to GAP characters each and its words whole. Literal parts are found left to right, each at
    its earliest place: linear, where a regular expression with a lazy group per placeholder
    backtracks without end on long screens."""
    parts = [_squeezed(part) for part in PLACEHOLDER.split(message)]
    if not any(WORDY.search(part) for part in parts):
        return False  # nothing but placeholders and signs: says nothing about a language
    first = next(n for n, part in enumerate(parts) if part)
    whole_start = first == 0 and _wordy(parts[0][0])
    whole_end = bool(parts[-1]) and _wordy(parts[-1][-1])
    begin = text.find(parts[first], 1 if first else 0)
    while begin != -1:
        if not (whole_start and begin > 0 and _wordy(text[begin - 1])):
            end = _rest_from(text, parts, first, begin + len(parts[first]))
            if end is not None and not (whole_end and end < len(text) and _wordy(text[end])):
                return True
        begin = text.find(parts[first], begin + 1)
    return False


def _rest_from(text: str, parts: list[str], done: int, pos: int) -> int | None:
    """Where the message ends when parts after ``done`` follow ``pos``, or None."""
    for n in range(done + 1, len(parts)):
        if not parts[n]:
            continue
        found = text.find(parts[n], pos + n - done)
        if found == -1 or found > pos + GAP * (n - done):
            return None
        pos, done = found + len(parts[n]), n
    trailing = len(parts) - 1 - done  # placeholders after the last literal part
    return pos + trailing if pos + trailing <= len(text) else None


def found_in(text: str, messages: set[str]) -> list[str]:
    squeezed = _squeezed(text)
    return [message for message in sorted(messages) if shows(squeezed, message)]


def english_ids() -> set[str]:
    """English ids that tell the language: not also the German of some message ("Code")."""
    pairs = catalog_pairs()
    return {english for english, _german in pairs} - {german for _english, german in pairs}


def german_strings() -> set[str]:
    """German words that tell the language: not also an English id ("code" -> "Code")."""
    pairs = catalog_pairs()
    english = {english.casefold() for english, _german in pairs}
    return {german for _english, german in pairs if german.casefold() not in english}


DATA = {"transcript", "codes", "turn-codings", "compare-context", "search-preview",
        "retrieval-preview", "memo-text"}  # ids of the panels that show data


def shows_data(screen, x: int, y: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether the cell shows data (transcript, code lists, document rows, picker options) or,
    in a dialog, the screen below (read on its own, with its data blanked)."""
    try:
        widget, _region = screen.get_widget_at(x, y)
    except NoWidget:
        return False
    if widget is screen:
        return screen.is_modal
    for node in widget.ancestors_with_self:
        if node.id in DATA or isinstance(node, OptionList):
            return True
        if isinstance(node, DataTable) and node.id == "documents":
            return y > node.content_region.y  # the header row is ours, the rows are data
    return False


def visible_text(app) -> str:  # type: ignore[no-untyped-def]
    """Every line of the top screen as the terminal shows it, data blanked out, frames gone."""
    screen = app.screen
    lines = []
    for y, strip in enumerate(screen._compositor.render_strips()):
        cells: list[str] = []
        for segment in strip:
            for char in segment.text:
                cells.append(char)
                cells += [""] * (cell_len(char) - 1)
        cells = [" " if shows_data(screen, x, y) else cell for x, cell in enumerate(cells)]
        lines.append(BOX.sub(" ", "".join(cells)))
    return re.sub(r"\s+", " ", " ".join(lines))


def toasts_shown(app) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for toast in app.screen.query("Toast") if toast.region.area)


async def screens_of_the_workbench(db: str, tmp_path: Path) -> dict[str, str]:
    """The visible text of the document list, coding screen (with a notification), code
    picker, help screen and compare view, in the interface language of the moment."""
    store = open_store(db)
    add_coding(store, document="Fokusgruppe Kesselbrunn", code="Soziale Integration",
               coder="björn", start=400, end=460)
    store.close()
    shown: dict[str, str] = {}
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        table = app.screen.query_one(DataTable)
        await wait_until(pilot, lambda: table.row_count == 6)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: toasts_shown(app) == 1)
        shown["documents"] = visible_text(app)
        await pilot.press("ctrl+s", "ctrl+s", "ctrl+s", "ctrl+s", "ctrl+s")  # back to names
        await open_first_document(pilot)
        await pilot.press("down", "9", "f7")
        await wait_until(pilot, lambda: toasts_shown(app) == 2)
        shown["coding"] = visible_text(app)
        await pilot.press("space")
        await pilot.pause()
        shown["picker"] = visible_text(app)
        await pilot.press("escape", "slash")
        await pilot.pause()
        await pilot.press(*"Ehrenamt", "enter")
        await wait_until(pilot, lambda: getattr(app.screen, "hits", None))
        shown["search"] = visible_text(app)
        await pilot.press("escape", "f6")
        await pilot.pause()
        await pilot.press(*"Soziale Integration", "enter")
        await wait_until(pilot, lambda: getattr(app.screen, "found", None))
        shown["retrieval"] = visible_text(app)
        await pilot.press("escape", "f4")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "MemoScreen")
        shown["memo"] = visible_text(app)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        shown["help"] = visible_text(app)
        await pilot.press("ctrl+end")  # the rest of the keys, and the codes' hotkeys
        await pilot.pause()
        shown["help, end"] = visible_text(app)
        await pilot.press("escape", "f9")
        await pilot.pause()
        shown["compare coder"] = visible_text(app)
        await pilot.press(*"björn", "enter")
        await wait_until(pilot, lambda: getattr(app.screen, "items", None))
        await pilot.pause()
        shown["compare"] = visible_text(app)
    return shown


async def test_the_german_workbench_shows_no_english_word(demo_db: str, tmp_path: Path,
                                                          german: None) -> None:
    shown = await screens_of_the_workbench(demo_db, tmp_path)
    untranslated = {name: found_in(text, english_ids()) for name, text in shown.items()}
    assert untranslated == {name: [] for name in shown}, shown
    assert "Dokumente" in shown["documents"] and "Sortiert nach" in shown["documents"]
    assert "Strg+Z Rückgängig" in shown["coding"] and "Leertaste Code…" in shown["coding"]
    assert "Sprecherbeitrag 1/39 · Satz 2/124" in shown["coding"]
    assert "^z" not in shown["coding"]
    assert "Die Codierungen aller Codierenden werden gezeigt." in shown["coding"]
    assert "Teil eines Codenamens" in shown["picker"]
    assert "Suchtreffer in" in shown["search"] and "Strg+D wechselt" in shown["search"]
    assert "1 Codierung (anna; Strg+O wechselt)" in shown["retrieval"]
    assert "Strg+S speichern · Esc abbrechen" in shown["memo"]
    for key in ("Umschalt+↓", "Bild↓, Strg+↓", " ! ", " * ", " ? ", "Umschalt+F3", "Entf"):
        assert key in shown["help"], key
    assert "exclamation_mark" not in shown["help"] and "question_mark" not in shown["help"]
    assert "Strg+Q Beenden" in shown["coding"] and "Codebook-Datei" in shown["help, end"]
    assert "Nichtübereinstimmung 1 von 2" in shown["compare"]


async def test_the_english_workbench_shows_no_german_word(demo_db: str, tmp_path: Path,
                                                          english: None) -> None:
    shown = await screens_of_the_workbench(demo_db, tmp_path)
    translated = {name: found_in(text, german_strings()) for name, text in shown.items()}
    assert translated == {name: [] for name in shown}, shown
    assert "Ctrl+Z Undo" in shown["coding"] and "Space Code…" in shown["coding"]
    assert "hits in" in shown["search"] and "1 coding (anna; Ctrl+O switches)" in shown["retrieval"]
    assert "^z" not in shown["coding"]
    for key in ("Shift+↓", "PgDn, Ctrl+↓", " ! ", " * ", " ? ", "Shift+F3", "Del"):
        assert key in shown["help"], key
    assert "disagreement 1 of 2" in shown["compare"]


async def test_german_after_english_in_one_process(demo_db: str, tmp_path: Path) -> None:
    """Bindings are class attributes made at import: each app shows the language of its time."""
    footers = []
    for language in ("en", "de", "en"):
        set_interface_language(language)
        try:
            app = app_for(demo_db, tmp_path)
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                assert isinstance(app.screen, DocumentsScreen)
                footers.append(visible_text(app))
        finally:
            set_interface_language(None)
    assert "Ctrl+F Filter" in footers[0] and "Sort" in footers[0]
    assert "Strg+F Filter" in footers[1] and "Sortieren" in footers[1]
    assert "Dokumente" in footers[1] and "Meine Codierungen" in footers[1]
    assert footers[2] == footers[0]


def test_snapshot_coding_in_german(snap_compare, demo_db: str, tmp_path: Path,
                                   german: None) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_first_document(pilot)
        await pilot.press("down", "down", "w", "shift+down")
        await pilot.pause()

    assert snap_compare(app_for(demo_db, tmp_path), terminal_size=(120, 40),
                        run_before=run_before)


@pytest.mark.parametrize(("key", "english_name", "german_name"), [
    ("ctrl+z", "Ctrl+Z", "Strg+Z"),
    ("shift+tab", "Shift+Tab", "Umschalt+Tab"),
    ("space", "Space", "Leertaste"),
    ("enter", "Enter", "Eingabe"),
    ("escape", "Esc", "Esc"),
    ("delete", "Del", "Entf"),
    ("exclamation_mark", "!", "!"),
    ("asterisk", "*", "*"),
    ("question_mark", "?", "?"),
    ("slash", "/", "/"),
    ("f3", "F3", "F3"),
    ("shift+f3", "Shift+F3", "Umschalt+F3"),
    ("shift+down", "Shift+↓", "Umschalt+↓"),
    ("pagedown,ctrl+down", "PgDn, Ctrl+↓", "Bild↓, Strg+↓"),
    ("a", "a", "a"),
])
def test_keys_are_named_as_people_write_them(key: str, english_name: str,
                                             german_name: str) -> None:
    try:
        set_interface_language("en")
        assert key_name(key) == english_name
        set_interface_language("de")
        assert key_name(key) == german_name
    finally:
        set_interface_language(None)


def test_every_node_with_bindings_translates_them() -> None:
    """A screen or widget of ours with BINDINGS but without ``Translated`` would show English
    descriptions in a German footer."""
    import importlib
    import pkgutil

    import qualcode.tui

    for info in pkgutil.walk_packages(qualcode.tui.__path__, "qualcode.tui."):
        importlib.import_module(info.name)

    def ours(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("qualcode.tui"):
                yield sub
            yield from ours(sub)

    bound = {cls for cls in ours(DOMNode)
             if any(isinstance(b, Binding) for b in cls.__dict__.get("BINDINGS", []))}
    assert len(bound) >= 10
    assert {cls.__name__ for cls in bound if not issubclass(cls, Translated)} == set()


def test_the_matching_finds_a_message_with_its_placeholders_filled() -> None:
    assert found_in("… · Settled: 3 codings into consensus. · …",
                    {"Settled: {n} codings into {coder}.", "Undo"}) == [
        "Settled: {n} codings into {coder}."]
    assert found_in("Ende Endung", {"End"}) == []
    assert found_in("memo_coding next_hit", {"{n} coding", "{n} hit"}) == []
    assert found_in("Strg+Z Rückgängig", {"Undo", "{n}"}) == []


async def test_a_remapped_key_is_shown_as_remapped(demo_db: str, tmp_path: Path,
                                                   german: None) -> None:
    (tmp_path / "config.toml").write_text('[keymap]\nundo = "ctrl+u"\n', encoding="utf-8")
    app = app_for(demo_db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_document(pilot)
        assert "Strg+U Rückgängig" in visible_text(app)
        await pilot.press("question_mark")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert ["Strg+U", "Rückgängig", "undo"] in rows
