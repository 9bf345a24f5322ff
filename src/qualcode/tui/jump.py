"""Where the coding screen should go: a document and a range in it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Jump:
    """Where to go: a document and a range in it."""

    document_id: int
    start: int
    end: int
