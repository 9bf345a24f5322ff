"""The language of the words written into export files: the project's, unless asked otherwise.

It is a setting of the project (``export_language`` in its profile), not of the locale or the
interface, so that everyone on a team writes the same table; ``--lang`` overrides it.
"""

from __future__ import annotations

from qualcode.errors import InvalidInput
from qualcode.i18n import LANGUAGES, _
from qualcode.profile.stored import profile_in
from qualcode.store import Store


def checked_language(asked: str) -> str:
    """``asked`` when it is a language exports are written in; InvalidInput otherwise."""
    if asked not in LANGUAGES:
        raise InvalidInput(_("--lang must be one of {languages}, not {asked!r}.").format(
            languages=", ".join(LANGUAGES), asked=asked))
    return asked


def export_language(store: Store, asked: str | None = None) -> str:
    """``asked`` (--lang) when given, else the project's export language (its profile)."""
    if asked is not None:
        return checked_language(asked)
    with store.read() as session:
        return checked_language(profile_in(session).export_language)
