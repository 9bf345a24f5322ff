"""The user's settings: who is coding, and remapped keys.

A TOML file at ``$QUALCODE_CONFIG`` or ``~/.config/qualcode/config.toml``::

    coder = "anna"
    language = "de"   # the interface language (qualcode.i18n)

    [keymap]      # binding id = keys (see the help screen for the ids)
    undo = "ctrl+z"
    picker = "space,tab"
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.errors import InvalidInput
from qualcode.i18n import _
from qualcode.user_settings import config_path


@dataclass
class Config:
    path: Path
    coder: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    language: str | None = None

    def save(self) -> None:
        lines = []
        if self.coder:
            lines.append(f"coder = {json.dumps(self.coder, ensure_ascii=False)}")
        if self.language:
            lines.append(f"language = {json.dumps(self.language)}")
        if self.keymap:
            lines += ["", "[keymap]"]
            lines += [f"{key} = {json.dumps(value)}" for key, value in sorted(self.keymap.items())]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    if not path.exists():
        return Config(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(_("{path}: is not a valid TOML settings file ({reason}).").format(
            path=path, reason=exc)) from exc
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise InvalidInput(_("{path}: [keymap] must map binding ids to key names.").format(
            path=path))
    coder = data.get("coder")
    language = data.get("language")
    return Config(path, str(coder) if coder else None, dict(keymap),
                  str(language) if language else None)
