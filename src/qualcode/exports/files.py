"""Writing export files safely: no overwriting unasked, no partial file, no formula cells."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from qualcode.errors import InvalidInput

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def default_path(kind: str, suffix: str, folder: Path = Path("exports")) -> Path:
    return folder / f"{kind}-{datetime.now():%Y-%m-%d-%H%M}.{suffix}"


@contextmanager
def atomic_file(target: Path, *, force: bool) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed onto it only when writing succeeded."""
    if target.exists() and not force:
        raise InvalidInput(f"{target} exists already; use --force to overwrite it.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=".qualcode-",
                                        suffix=target.suffix)
    except OSError as exc:
        raise InvalidInput(f"{target} cannot be written ({exc.strerror}).") from exc
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        # mkstemp makes the file private (0600); a report gets the mode any new file would.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_with(target: Path, force: bool, writer: Callable[[Path], None]) -> Path:
    with atomic_file(target, force=force) as temporary:
        writer(temporary)
    return target


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
