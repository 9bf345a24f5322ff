"""Domain errors.

A ``UserError`` is something the user can fix (a bad file, an unknown code,
a bad option). Front ends show its message as one plain sentence and exit
with status 2; they never show a traceback for it.
"""

from __future__ import annotations

from qualcode.i18n import ngettext


class QualcodeError(Exception):
    """Base class of every error qualcode raises on purpose."""


class UserError(QualcodeError):
    """An error caused by input the user can correct."""


class NotFound(UserError):
    """A named thing (document, code, coder) does not exist."""


class InvalidInput(UserError):
    """Input that is malformed or violates a rule."""


class CodebookError(UserError):
    """A codebook file with one or more problems; each problem names file and line."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        count = len(problems)
        head = ngettext("{path}: the codebook has {n} problem:",
                        "{path}: the codebook has {n} problems:", count).format(path=path, n=count)
        super().__init__(head + "\n" + "\n".join(f"  {p}" for p in problems))


class StoreError(QualcodeError):
    """The store cannot be opened, refused a change, or is in an unexpected state."""


class StoreUnavailable(StoreError, UserError):
    """The store refuses the work for a reason the user can fix: a read-only file, no write
    rights, a busy database, an unreachable server, a schema from a newer qualcode."""


class WriteConflict(StoreUnavailable):
    """Another writer got in the way (deadlock, serialization failure); a retry may succeed."""


class NotAllowed(StoreUnavailable):
    """The user's role on a team store does not permit the change (nothing was changed)."""
