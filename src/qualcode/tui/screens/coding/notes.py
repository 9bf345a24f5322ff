"""Memos (on a coding, the document, a code) and the "Stimme aus der Praxis" mark."""

from __future__ import annotations

from qualcode.i18n import _
from qualcode.tui.screens.coding.codes import coding_version
from qualcode.tui.screens.coding.fresh import read_fresh
from qualcode.tui.screens.coding.jobs import Job
from qualcode.tui.screens.memo import MemoScreen
from qualcode.tui.screens.picker import PickedCode, PickerScreen


class NoteActions:
    """The coding screen's memo and voice keys (mixed into CodingScreen)."""

    def action_memo_coding(self) -> None:
        from qualcode.services.codings import update_coding

        coding = self._my_coding_here()
        if coding is None:
            return
        store, coder, version = self.qapp.store, self.qapp.coder, coding_version(self)

        def saved(text: str | None) -> None:
            if text is None:
                return
            self.jobs.run(Job(_("Saving the memo"), lambda: (
                update_coding(store, coding.id, actor=coder, memo=text,
                              clear_memo=not text.strip()),
                read_fresh(store, version, coder, recount=False))[1], self._show_fresh,
                quick=True))

        self.app.push_screen(MemoScreen(_("Memo on {target}").format(target=coding.code_path),
                                        coding.memo or ""), saved)

    def action_memo_document(self) -> None:
        if self.data is not None:
            self._edit_memo("document", self.data.document_id,
                            _("Memo on {target}").format(target=self.data.name))

    def action_memo_code(self) -> None:
        def chosen(picked: PickedCode | None) -> None:
            if picked is not None:
                self._edit_memo("code", picked.id,
                                _("Memo on code {code}").format(code=picked.path))

        self.app.push_screen(PickerScreen(self.codes, self.recent, _("Memo on which code?")),
                             chosen)

    def _edit_memo(self, target: str, target_id: int, title: str) -> None:
        from qualcode.services.memos import get_memo, set_memo

        store, coder = self.qapp.store, self.qapp.coder

        def saved(new: str | None) -> None:
            if new is not None:
                self.jobs.run(Job(_("Saving the memo"),
                                  lambda: set_memo(store, target, target_id, new, coder=coder),
                                  lambda _result: self.notify(_("Memo saved.")), quick=True))

        def opened(text: str | None) -> None:
            self.app.push_screen(MemoScreen(title, text or ""), saved)

        self.jobs.run(Job(_("Reading the memo"),
                          lambda: get_memo(store, target, target_id, coder=coder), opened,
                          quick=True))

    def action_voice(self) -> None:
        from qualcode.services.codings import update_coding

        coding = self._my_coding_here()
        if coding is None:
            return
        store, coder, version = self.qapp.store, self.qapp.coder, coding_version(self)

        def done(fresh) -> None:  # type: ignore[no-untyped-def]
            self.notify(_("Marked as “Stimme aus der Praxis”.") if not coding.is_voice
                        else _("No longer a “Stimme aus der Praxis”."))
            self._show_fresh(fresh)

        self.jobs.run(Job(_("Marking"), lambda: (
            update_coding(store, coding.id, actor=coder, is_voice=not coding.is_voice),
            read_fresh(store, version, coder, recount=False))[1], done, quick=True))
