"""Where the user's settings file lives, and reading it without failing.

A TOML file at ``$QUALCODE_CONFIG`` or ``~/.config/qualcode/config.toml`` (on Windows under
``%APPDATA%``). The TUI owns most of it (coder, keymap: ``qualcode.tui.config``); the interface
language (``language = "de"``) is read here because every layer speaks it.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any


def config_path() -> Path:
    explicit = os.environ.get("QUALCODE_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or os.environ.get("APPDATA")
    return Path(base or Path.home() / ".config") / "qualcode" / "config.toml"


def read_settings_quietly(path: Path | None = None) -> dict[str, Any]:
    """The settings as a table, or an empty one when the file is missing or broken (the TUI
    reports a broken file; the language must not fail before anything can be said)."""
    try:
        return tomllib.loads((path or config_path()).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
