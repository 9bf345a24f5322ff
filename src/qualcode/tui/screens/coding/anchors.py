"""The anchor-example mark: ctrl+a on my coding here marks it as an anchor example of its code
for the Kodierleitfaden (``qualcode report codebook``), or takes the mark away again."""

from __future__ import annotations

from qualcode.i18n import _
from qualcode.tui.screens.coding.codes import coding_version
from qualcode.tui.screens.coding.fresh import read_fresh
from qualcode.tui.screens.coding.jobs import Job


class AnchorActions:
    """The coding screen's anchor key (mixed into CodingScreen)."""

    def action_anchor(self) -> None:
        from qualcode.services.anchors import set_anchor

        coding = self._my_coding_here()
        if coding is None:
            return
        store, coder, version = self.qapp.store, self.qapp.coder, coding_version(self)
        marked = not coding.is_anchor

        def done(fresh) -> None:  # type: ignore[no-untyped-def]
            said = (_("Marked as an anchor example of {code}.") if marked
                    else _("No longer an anchor example of {code}."))
            self.notify(said.format(code=coding.code_path))
            self._show_fresh(fresh)

        self.jobs.run(Job(_("Marking"), lambda: (
            set_anchor(store, coding.id, actor=coder, marked=marked),
            read_fresh(store, version, coder, recount=False))[1], done, quick=True))
