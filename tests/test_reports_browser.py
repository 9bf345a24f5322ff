"""The HTML reports in a real browser (headless Chromium): a screenshot that is not blank, no
console messages, no network request; and the detectors shown to catch a page that does wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import assert_renders_cleanly, external_addresses, render
from tests.cli import qualcode
from tests.test_reports import CODERS, coded_demo  # noqa: F401  (a fixture)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_a_page_that_fetches_and_fails_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "schlecht.html"
    page.write_text(
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="https://example.org/a.css">'
        "</head><body><h1>Übersicht „kaputt“ 🙂</h1>"
        '<img src="http://bilder.example.com/b.png">'
        "<script>console.error('Fehler'); nichtDa();</script></body></html>",
        encoding="utf-8")
    shown = render(page)
    assert any("Fehler" in line for line in shown.console)
    assert any("nichtDa" in line for line in shown.console)
    assert "CONNECT example.org:443 HTTP/1.1" in shown.requests
    assert any("bilder.example.com" in r for r in shown.requests)
    assert external_addresses(page.read_text(encoding="utf-8")) == [
        "https://example.org", "http://bilder.example.com"]
    blank = tmp_path / "leer.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    with pytest.raises(AssertionError, match="blank"):
        assert_renders_cleanly(blank)


@pytest.mark.parametrize(("command", "language"), [
    (("report", "agreement", "--coders", CODERS, "--bootstrap", "100"), "de"),
    (("report", "codebook", "--coders", CODERS), "en"),
])
def test_each_html_report_renders_offline_without_errors(
        coded_demo: str, tmp_path: Path, command: tuple[str, ...],  # noqa: F811
        language: str) -> None:
    target = tmp_path / f"{command[1]}.html"
    done = qualcode(*command, "--lang", language, "-o", str(target), db=coded_demo)
    assert done.code == 0, done.err
    assert external_addresses(target.read_text(encoding="utf-8")) == []
    assert_renders_cleanly(target)
    assert_renders_cleanly(target, width=390)  # a phone
