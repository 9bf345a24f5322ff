"""A document variable's value as manifests and imports carry it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class VariableValue:
    name: str
    value: str | None
    value_type: str = "text"
