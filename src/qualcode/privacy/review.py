"""The review file: the findings with their text, written beside an export, never shown.

A person reads it, resolves what must be resolved and passes it back with ``--accept``: the
findings it lists (by key) are accepted, any other finding still stops the export.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from qualcode.errors import InvalidInput
from qualcode.i18n import _
from qualcode.limits import MAX_REVIEW_BYTES
from qualcode.privacy.findings import Finding

FORMAT = "qualcode privacy review"  # not translated: a file-format marker
VERSION = 1


def review_path(target: Path) -> Path:
    """``zitate.xlsx`` -> ``zitate.xlsx.privacy-review.json`` in the same folder."""
    return target.with_name(target.name + ".privacy-review.json")


def write_review(path: Path, target: Path, findings: list[Finding],
                 notes: list[dict[str, Any]] | None = None) -> Path:
    """Write the review file (readable only by its owner: it holds the passages found)."""
    data = {"format": FORMAT, "version": VERSION, "target": target.name,
            "findings": [{"key": f.key, **asdict(f)} for f in findings],
            "pseudonymised": notes or []}
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InvalidInput(_("{path} cannot be written ({reason}).")
                           .format(path=path, reason=exc.strerror)) from exc
    return path


def accepted_keys(path: Path) -> set[str]:
    """The keys of the findings a reviewed file lists; InvalidInput for anything else."""
    try:
        if path.stat().st_size > MAX_REVIEW_BYTES:
            raise InvalidInput(_("{path}: a review file may hold at most {limit} MB.")
                               .format(path=path, limit=MAX_REVIEW_BYTES // 2**20))
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(_("{path}: the review file cannot be read.").format(path=path)) \
            from exc
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInput(_("{path}: is not a review file written by qualcode.")
                           .format(path=path)) from exc
    findings = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(findings,
                                                                                     list):
        raise InvalidInput(_("{path}: is not a review file written by qualcode.")
                           .format(path=path))
    keys: set[str] = set()
    for item in findings:
        key = item.get("key") if isinstance(item, dict) else None
        if not isinstance(key, str):
            raise InvalidInput(_("{path}: a finding of the review file has no key.")
                               .format(path=path))
        keys.add(key)
    return keys
