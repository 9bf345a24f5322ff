"""Applying codes: hotkey, picker or click on the selection; changing and removing a coding."""

from __future__ import annotations

from dataclasses import replace

from qualcode.codebook.tree import CodeInfo
from qualcode.i18n import _
from qualcode.services.workbench import CodingView
from qualcode.tui.keys import key_name
from qualcode.tui.screens.coding.fresh import mine_at, read_fresh
from qualcode.tui.screens.coding.jobs import Job
from qualcode.tui.screens.coding.prompts import code_prompt
from qualcode.tui.screens.picker import PickedCode, PickerScreen
from qualcode.tui.widgets.lines import LinesPanel
from qualcode.tui.widgets.transcript import Transcript


class CodeActions:
    """The coding screen's code keys (mixed into CodingScreen)."""

    def apply(self, code_id: int) -> None:
        """Code the selection; on disk before the screen shows it (queued behind long work)."""
        from qualcode.services.codings import add_coding

        if self.data is None:
            return
        start, end = self.query_one(Transcript).selection
        store, coder, document = self.qapp.store, self.qapp.coder, self.data.document_id
        self.jobs.run(Job(_("Coding the selection"), lambda: add_coding(
            store, document=document, code=code_id, coder=coder, start=start, end=end),
            lambda added: self._applied(code_id, added), quick=True))

    def _applied(self, code_id: int, added) -> None:  # type: ignore[no-untyped-def]
        self.recent = [code_id, *[c for c in self.recent if c != code_id]][:8]
        if self.data is None or added.document != self.data.name:
            return
        for index, code in enumerate(self.codes):
            if code.id == code_id:  # one line of the code list changes, not the whole list
                self.codes[index] = _counted(code, +1)
                self.query_one("#codes", LinesPanel).set_line(
                    index, code_prompt(self.codes[index]))
                # What the store committed, without reading it back.
                self.all_codings.append(CodingView(
                    added.id, code_id, added.code_path, code.colour, added.coder, added.start,
                    added.end, added.text, added.memo, False, "ok"))
        self.query_one(Transcript).set_codings(self._visible(self.all_codings))
        self._update_side()

    def action_picker(self) -> None:
        self.app.push_screen(PickerScreen(self.codes, self.recent), self._picked)

    def _picked(self, picked: PickedCode | None) -> None:
        if picked is not None:
            self.apply(picked.id)

    def action_remove(self) -> None:
        """Remove my innermost coding at the cursor, as the store holds it when this runs."""
        from qualcode.services.codings import remove_coding

        if self.data is None:
            return
        start, end = self.query_one(Transcript).selection
        store, coder, version = self.qapp.store, self.qapp.coder, self.data.version_id

        def work():  # type: ignore[no-untyped-def]
            target = mine_at(store, version, coder, start, end)
            remove_coding(store, target.id, actor=coder)
            return target, read_fresh(store, version, coder, recount=True)

        def done(result) -> None:  # type: ignore[no-untyped-def]
            target, fresh = result
            self.notify(_("Removed {code} ({key} undoes).").format(
                code=target.code_path, key=key_name("ctrl+z")))
            self._show_fresh(fresh)

        self.jobs.run(Job(_("Removing"), work, done, quick=True))

    def action_change(self) -> None:
        from qualcode.services.codings import update_coding

        coding = self._my_coding_here()
        if coding is None:
            return
        store, coder, version = self.qapp.store, self.qapp.coder, coding_version(self)

        def changed(picked: PickedCode | None) -> None:
            if picked is None:
                return
            self.jobs.run(Job(_("Changing"), lambda: (
                update_coding(store, coding.id, actor=coder, code=picked.id),
                read_fresh(store, version, coder, recount=True))[1], self._show_fresh,
                quick=True))

        self.app.push_screen(PickerScreen(self.codes, self.recent, _("Change code to")),
                             changed)


def coding_version(screen) -> int:  # type: ignore[no-untyped-def]
    assert screen.data is not None
    return screen.data.version_id


def _counted(code: CodeInfo, delta: int) -> CodeInfo:
    return replace(code, codings=code.codings + delta)
