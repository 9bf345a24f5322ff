"""What the coding screen shows after a change, read from the store in the job that made it."""

from __future__ import annotations

from dataclasses import dataclass

from qualcode.codebook.tree import CodeInfo
from qualcode.errors import NotFound
from qualcode.i18n import _
from qualcode.services.codes import code_tree
from qualcode.services.workbench import CodingView, version_codings
from qualcode.store import Store


@dataclass(frozen=True)
class Fresh:
    version_id: int
    codings: list[CodingView]
    codes: list[CodeInfo] | None  # None: the code counts did not change


def read_fresh(store: Store, version_id: int, coder: str, *, recount: bool) -> Fresh:
    return Fresh(version_id, version_codings(store, version_id),
                 code_tree(store, coder=coder) if recount else None)


def mine_at(store: Store, version_id: int, coder: str, start: int, end: int) -> CodingView:
    """The coder's innermost coding overlapping [start, end), as the store holds it now."""
    end = max(end, start + 1)
    here = [c for c in version_codings(store, version_id)
            if c.coder == coder and c.start < end and start < c.end]
    if not here:
        raise NotFound(_("None of your codings is at the cursor."))
    return min(here, key=lambda c: c.end - c.start)
