"""Keys as people write them (``Strg+Z``, ``Leertaste``, ``!``), and bindings that speak the
interface language.

BINDINGS are class attributes, built at import, before the interface language may be known:
their descriptions and tooltips are marked with ``N_`` and translated when a node is made
(``Translated``), so that one process can show the workbench in English and then in German.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import Binding, BindingsMap
from textual.keys import format_key

from qualcode.i18n import _, pgettext


def _modifiers() -> dict[str, str]:
    # A context of their own: "End" or "Enter" mean something else elsewhere.
    return {"ctrl": pgettext("key", "Ctrl"), "shift": pgettext("key", "Shift"),
            "alt": pgettext("key", "Alt"), "meta": pgettext("key", "Meta")}


def _named() -> dict[str, str]:
    return {
        "space": pgettext("key", "Space"),
        "enter": pgettext("key", "Enter"),
        "escape": pgettext("key", "Esc"),
        "delete": pgettext("key", "Del"),
        "backspace": pgettext("key", "Backspace"),
        "tab": pgettext("key", "Tab"),
        "insert": pgettext("key", "Ins"),
        "home": pgettext("key", "Home"),
        "end": pgettext("key", "End"),
        "pageup": pgettext("key", "PgUp"),
        "pagedown": pgettext("key", "PgDn"),
    }


def key_name(key: str) -> str:
    """One key as people write it: ``ctrl+z`` → ``Ctrl+Z`` (``Strg+Z``), ``exclamation_mark`` →
    ``!``; several keys (``escape,enter``) joined by commas."""
    named, modifiers = _named(), _modifiers()
    return ", ".join(_one_key(k.strip(), named, modifiers) for k in key.split(",") if k.strip())


def _one_key(key: str, named: dict[str, str], modifier_names: dict[str, str]) -> str:
    *modifiers, base = key.split("+")
    if base in named:
        shown = named[base]
    elif len(base) > 1 and base[0] == "f" and base[1:].isdigit():
        shown = base.upper()  # F3
    else:
        shown = format_key(base)
        if modifiers and len(shown) == 1:
            shown = shown.upper()  # Strg+Z, as printed on the key
    return "+".join([*(modifier_names.get(m, m.capitalize()) for m in modifiers), shown])


def binding_key_name(binding: Binding) -> str:
    return binding.key_display or key_name(binding.key)


def translated(bindings: BindingsMap) -> BindingsMap:
    """The same bindings with their descriptions and tooltips in the interface language."""
    copy = bindings.copy()
    copy.key_to_bindings = {key: [_spoken(b) for b in found]
                            for key, found in bindings.key_to_bindings.items()}
    return copy


def _spoken(binding: Binding) -> Binding:
    return replace(binding, description=spoken(binding.description),
                   tooltip=spoken(binding.tooltip))


def spoken(text: str) -> str:
    """A marked text in the interface language (the empty text stays empty: gettext would
    give the catalog's header for it)."""
    return _(text) if text else ""


class Translated:
    """Mixed into every app, screen and widget of ours that has BINDINGS: its bindings map
    (built by Textual from the class attribute) is rebuilt in the interface language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Textual copies the class's merged bindings into this attribute for each node; there
        # is no public way to give a binding another description.
        self._bindings = translated(self._bindings)  # type: ignore[has-type]
