"""Words the reports share, in the report's language (``qualcode.i18n.words``), and numbers
written as each language does."""

from __future__ import annotations

from qualcode.i18n import N_, words

__all__ = ["number", "unit_name", "unit_phrase", "words"]

UNIT_NAMES = {"paragraph": N_("paragraph"), "turn": N_("speaker turn"),
              "sentence": N_("sentence"), "character": N_("character"),
              "segment": N_("coded segment")}
# with the article the methods paragraph needs ("der Sprecherbeitrag", "das Zeichen")
UNIT_PHRASES = {"paragraph": N_("the paragraph"), "turn": N_("the speaker turn"),
                "sentence": N_("the sentence"), "character": N_("the character"),
                "segment": N_("the coded segment")}


def unit_name(unit: str, language: str) -> str:
    return words(language).gettext(UNIT_NAMES[unit])


def unit_phrase(unit: str, language: str) -> str:
    return words(language).gettext(UNIT_PHRASES[unit])


def number(value: float | None, language: str, digits: int = 3) -> str:
    """0.8123 -> "0,812" (de) or "0.812" (en); None -> "–"."""
    if value is None:
        return "–"
    written = f"{value:.{digits}f}"
    return written.replace(".", ",") if language == "de" else written
