"""Finding material: corpus search and its hits, autocode of the hits, retrieval by code."""

from __future__ import annotations

from qualcode.i18n import _, ngettext
from qualcode.tui.jump import Jump
from qualcode.tui.keys import key_name
from qualcode.tui.screens.coding.fresh import read_fresh
from qualcode.tui.screens.coding.jobs import Job
from qualcode.tui.screens.picker import PickedCode, PickerScreen
from qualcode.tui.screens.retrieval import RetrievalScreen
from qualcode.tui.screens.search import SearchOutcome, SearchScreen
from qualcode.tui.widgets.transcript import Transcript


class FindingActions:
    """The coding screen's search, hit, autocode and retrieval keys (mixed into CodingScreen)."""

    def action_search(self) -> None:
        name = self.data.name if self.data else None
        query = (self.hits and getattr(self, "last_query", "")) or ""
        self.app.push_screen(SearchScreen(self.qapp.store, name, query), self._searched)

    def _searched(self, outcome: SearchOutcome | None) -> None:
        if outcome is None:
            return
        self.last_query = outcome.query
        self.hits = outcome.hits
        if outcome.autocode:
            self._autocode(outcome.query, outcome.documents)
        elif outcome.jump is not None:
            self.hit_index = next((i for i, h in enumerate(self.hits)
                                   if h.start == outcome.jump.start
                                   and h.document_id == outcome.jump.document_id), 0)
            self.qapp.jump(outcome.jump, self)

    def _autocode(self, query: str, documents: tuple[str, ...]) -> None:
        """Code every hit of the search (in its scope) as one undoable batch, off the UI loop."""
        from qualcode.search.autocode import autocode
        from qualcode.search.engine import Filters

        store, coder = self.qapp.store, self.qapp.coder
        version = self.data.version_id if self.data is not None else None

        def chosen(picked: PickedCode | None) -> None:
            if picked is None:
                return

            def work():  # type: ignore[no-untyped-def]
                done = autocode(store, query, code=picked.id, coder=coder,
                                filters=Filters(documents=list(documents)))
                return done, read_fresh(store, version, coder, recount=True) if version else None

            def finished(outcome) -> None:  # type: ignore[no-untyped-def]
                done, fresh = outcome
                self.notify(autocoded(done.created, done.code, done.already_coded))
                if fresh is not None:
                    self._show_fresh(fresh)

            self.jobs.run(Job(_("Autocoding"), work, finished))

        self.app.push_screen(PickerScreen(self.codes, self.recent,
                                          _("Autocode “{query}” with").format(query=query)),
                             chosen)

    def action_next_hit(self, delta: int) -> None:
        if not self.hits:
            self.notify(_("No search hits; search with {key}.").format(key=key_name("slash")),
                        severity="warning")
            return
        self.hit_index = (self.hit_index + delta) % len(self.hits)
        hit = self.hits[self.hit_index]
        self.qapp.jump(Jump(hit.document_id, hit.start, hit.end), self)

    def show_hit(self, jump: Jump) -> None:
        view = self.query_one(Transcript)
        view.hit = (jump.start, jump.end)
        view.go_to_offset(jump.start, jump.end)

    def action_retrieval(self) -> None:
        def chosen(picked: PickedCode | None) -> None:
            if picked is not None:
                self.app.push_screen(RetrievalScreen(self.qapp.store, picked.id, picked.path,
                                                     self.qapp.coder),
                                     lambda jump: jump and self.qapp.jump(jump, self))

        self.app.push_screen(PickerScreen(self.codes, self.recent, _("Retrieve codings of")),
                             chosen)


def autocoded(created: int, code: str, already: int) -> str:
    """What autocode did, in the interface language (three counts, each with its plural)."""
    # i18n: {hits} is "3 hits", {already} is "2 already coded"
    return _("Autocoded {hits} with {code} ({already}); {key} undoes.").format(
        hits=ngettext("{n} hit", "{n} hits", created).format(n=created), code=code,
        already=ngettext("{n} already coded", "{n} already coded", already).format(n=already),
        key=key_name("ctrl+z"))
