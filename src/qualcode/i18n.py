"""The languages qualcode speaks: gettext catalogs compiled from ``locale/*/LC_MESSAGES``.

Two languages are in play and they are separate on purpose:

- the *interface language* (``_``, ``ngettext``): what a person reads in the TUI, the CLI and
  its error messages. ``QUALCODE_LANG=de|en`` wins, then ``language`` in the settings file,
  then the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG`` starting with ``de``); English else.
- the *export language* (``words(lang)``): the words inside exported files and reports. It is a
  setting of the project (its profile), so that everyone on a team exports the same table
  whatever their locale; ``--lang`` overrides it per export.

Message ids are English. ``N_`` marks a string for extraction where it must be translated
later (module-level constants are evaluated before the language may be known).
``scripts/catalogs.py`` extracts, updates and compiles the catalogs (Babel).
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from qualcode.user_settings import read_settings_quietly

DOMAIN = "qualcode"
LANGUAGES = ("de", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
Translations = _gettext.NullTranslations


def language_of(value: str | None) -> str | None:
    """``de`` for ``de``, ``de_DE.UTF-8``, ``DE``; ``en`` for any other non-empty value."""
    if not value:
        return None
    return "de" if value.strip().lower().startswith("de") else "en"


def detect_language(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    chosen = language_of(env.get("QUALCODE_LANG"))
    if chosen:
        return chosen
    configured = read_settings_quietly().get("language")
    chosen = language_of(configured if isinstance(configured, str) else None)
    if chosen:
        return chosen
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        chosen = language_of(env.get(variable))
        if chosen:
            return chosen
    return "en"


@cache
def words(lang: str) -> Translations:
    """The catalog of one language (``en`` is the message ids themselves)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


class _Interface:
    language: str | None = None


def interface_language() -> str:
    if _Interface.language is None:
        _Interface.language = detect_language()
    return _Interface.language


def set_interface_language(lang: str | None) -> None:
    """Fix the interface language (``None``: detect it again at the next message)."""
    _Interface.language = None if lang is None else language_of(lang)


def _(message: str) -> str:
    return words(interface_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return words(interface_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return words(interface_language()).pgettext(context, message)


def N_(message: str) -> str:
    return message
