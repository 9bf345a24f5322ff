"""The CLI in the interface language: qualcode's help texts and click's own words.

Help texts are declared at import (decorators, ``Annotated`` options) and marked with ``N_``;
``translated`` puts them into the interface language on the click command tree when the
command runs, so that the language chosen at that moment counts.

click and typer call the stdlib's ``gettext.gettext`` (the global domain) for their words
(Usage:, Options:, "No such option", ...). ``speak_in_click`` binds the global domain to
qualcode's ``click`` catalog (``locale/de/LC_MESSAGES/click.mo``, made by
``scripts/catalogs.py``). The stdlib picks the catalog's language from ``LANGUAGE``, ``LC_ALL``,
``LC_MESSAGES`` and ``LANG`` only, so ``LANGUAGE`` is set to the interface language for this
process: ``QUALCODE_LANG`` and the settings file then count for click as for qualcode.
"""

from __future__ import annotations

import gettext
import os

import click

from qualcode.i18n import LOCALE_DIR, N_, _, interface_language

CLICK_DOMAIN = "click"
# The placeholders of a usage line, which click writes without gettext.
USAGE_PLACEHOLDERS = (N_("[OPTIONS]"), N_("[COMMAND] [ARGS]..."), N_("COMMAND [ARGS]..."))


def speak_in_click() -> None:
    """click's and typer's own words in the interface language (from now on, this process)."""
    gettext.bindtextdomain(CLICK_DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(CLICK_DOMAIN)
    os.environ["LANGUAGE"] = interface_language()


def translated(command: click.Command) -> click.Command:
    """The command tree with every help text in the interface language (in place)."""
    for attribute in ("help", "short_help", "epilog", "options_metavar", "subcommand_metavar"):
        if text := getattr(command, attribute, None):
            setattr(command, attribute, _(text))
    for param in command.params:
        if text := getattr(param, "help", None):
            param.help = _(text)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            translated(sub)
    return command
