"""Writing export files safely: no overwriting unasked, no partial file, no formula cells."""

from __future__ import annotations

import os
import re
import signal
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from qualcode.errors import InvalidInput
from qualcode.i18n import _

# Temporary files are named after the writing process, so that the next export into the same
# folder can remove those whose process was killed (kill -9 leaves no chance to clean up).
TEMP_PREFIX = ".qualcode-"
TEMP_NAME = re.compile(r"\.qualcode-(\d+)-")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def safe_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return ESCAPE + value
    return value


def reversible_cell(value: object) -> object:
    """``safe_cell``, made exactly undoable for files that are read back (``import codings``):
    text starting with an apostrophe gets one more, so ``unescaped_cell`` can always remove
    one. (``safe_cell`` itself stays idempotent: reports may pass a cell through it twice.)
    """
    if isinstance(value, str) and value.startswith(ESCAPE):
        return ESCAPE + value
    return safe_cell(value)


def unescaped_cell(value: str) -> str:
    """The text ``reversible_cell`` was given: one leading apostrophe removed, if any."""
    return value[1:] if value.startswith(ESCAPE) else value


def choose_format(target: Path | None, asked: str | None, formats: tuple[str, ...]) -> str:
    """The format asked for, else the one the file name ends in, else the first of formats."""
    suffix = target.suffix.lower().lstrip(".") if target is not None else ""
    names = ", ".join(formats)
    if asked is not None:
        if asked not in formats:
            raise InvalidInput(_("--format must be one of {names}, not {asked!r}.").format(
                names=names, asked=asked))
        if suffix in formats and suffix != asked:
            raise InvalidInput(_("{target} ends in .{suffix}, but --format asks for {asked}."
                                 ).format(target=target, suffix=suffix, asked=asked))
        return asked
    if target is None:
        return formats[0]
    if suffix not in formats:
        raise InvalidInput(_("{target}: the file name must end in one of {names} "
                             "(or give --format).").format(target=target, names=names))
    return suffix


def default_path(kind: str, suffix: str, folder: Path = Path("exports")) -> Path:
    """``exports/KIND-YYYY-MM-DD-HHMM.SUFFIX``, with -2, -3 … when that name is taken."""
    stem = f"{slug(kind)}-{datetime.now():%Y-%m-%d-%H%M}"
    candidate, number = folder / f"{stem}.{suffix}", 2
    while candidate.exists():
        candidate, number = folder / f"{stem}-{number}.{suffix}", number + 1
    return candidate


def slug(text: str, limit: int = 60) -> str:
    """A file-name part: "Wohnen und Unterbringung" -> "wohnen-und-unterbringung"."""
    spelled = text.lower().translate(GERMAN_LETTERS)
    plain = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:limit].rstrip("-") or "export"


def check_target(target: Path, *, force: bool) -> None:
    """Refuse a folder, and an existing file unless ``force``."""
    if target.is_dir():
        raise InvalidInput(_("{target} is a folder; name a file to write.").format(target=target))
    if target.exists() and not force:
        raise InvalidInput(_("{target} exists already; use --force to overwrite it.").format(
            target=target))


@contextmanager
def atomic_file(target: Path, *, force: bool) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed onto it only when writing succeeded.

    Nothing is left behind: the temporary file goes on errors, Ctrl-C and SIGTERM, and the
    ones of killed processes go at the next export into that folder.
    """
    check_target(target, force=force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target.parent)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f"{TEMP_PREFIX}{os.getpid()}-",
                                        suffix=target.suffix)
    except OSError as exc:
        raise InvalidInput(_unwritable(target, exc)) from exc
    os.close(handle)
    temporary = Path(name)
    try:
        with _terminate_cleanly():
            yield temporary
            # mkstemp makes the file private (0600); a report gets the mode any new file would.
            os.chmod(temporary, 0o666 & ~_umask())
            try:
                os.replace(temporary, target)
            except OSError as exc:
                raise InvalidInput(_unwritable(target, exc)) from exc
    finally:
        temporary.unlink(missing_ok=True)


def remove_stale_temporaries(folder: Path) -> None:
    """Remove the temporary files of exports whose process no longer runs."""
    for path in folder.glob(f"{TEMP_PREFIX}*"):
        match = TEMP_NAME.match(path.name)
        if match and not _running(int(match.group(1))):
            path.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return True  # os.kill(pid, 0) would end that process on Windows: leave its file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process, or no pid we can ask about: leave its file
    return True


@contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """SIGTERM ends the process through Python (so ``finally`` runs), not at once."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def write_with(target: Path, force: bool, writer: Callable[[Path], None]) -> Path:
    with atomic_file(target, force=force) as temporary:
        writer(temporary)
    return target


def _unwritable(target: Path, exc: OSError) -> str:
    return _("{target} cannot be written ({reason}).").format(target=target,
                                                              reason=exc.strerror)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
