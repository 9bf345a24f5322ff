"""Code suggestions on the coding screen: the panel for the unit at the cursor, accept,
dismiss, training in a worker, and the jump to the unit the models are least sure about.

Suggestions are never codings until accepted: accepting makes an ordinary coding of the
coder (ctrl+z undoes it; the audit log marks it as accepted from a suggestion); dismissing
is remembered, so that suggestion never comes back for that unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from qualcode.errors import QualcodeError
from qualcode.i18n import N_, _
from qualcode.tui.jump import Jump
from qualcode.tui.screens.coding.jobs import Job
from qualcode.tui.widgets.suggestions import SuggestionsPanel
from qualcode.tui.widgets.transcript import Transcript

if TYPE_CHECKING:
    from qualcode.services.suggestions import ModelInfo, NextUnit, Suggestion

SUGGESTION_BINDINGS = [
    Binding("ctrl+t", "accept_suggestion", N_("Accept"), show=False, id="accept_suggestion",
            tooltip=N_("Accept the first suggestion: it becomes your coding")),
    Binding("ctrl+x", "dismiss_suggestion", N_("Dismiss"), show=False, id="dismiss_suggestion",
            tooltip=N_("Dismiss the first suggestion here for good")),
    Binding("ctrl+n", "next_uncertain", N_("Next to code"), show=False, id="next_uncertain",
            tooltip=N_("Jump to the uncoded unit the suggestion models are least sure about")),
    Binding("f11", "train_suggestions", N_("Train"), show=False, id="train_suggestions",
            tooltip=N_("Train the suggestion models again from the codings (in the background)")),
]


class SuggestionActions:
    """The coding screen's suggestion panel and keys (mixed into CodingScreen)."""

    suggestion_model: ModelInfo | None = None
    prefetched_model: ModelInfo | None = None  # read with the document, shown when it is
    suggestion_unit: tuple[int, int, int] | None = None  # (version, start, end) shown
    shown_suggestions: list[Suggestion] = []  # replaced, never changed

    def suggestions_panel(self) -> SuggestionsPanel:
        return self.query_one("#suggestions", SuggestionsPanel)

    def prefetch_suggestion_model(self) -> None:
        """Read the stored model in the worker that loads a document (the panel is then drawn
        with the document, not a moment later)."""
        from qualcode.services.suggestions import model_info

        self.prefetched_model = model_info(self.qapp.store, self.qapp.coder)

    def show_suggestion_model(self) -> None:
        self._model_read(self.prefetched_model)

    def load_suggestion_model(self) -> None:
        """Read which model is stored (and whether it is stale), off the UI loop."""
        self.run_worker(self._read_model, thread=True, exclusive=True,
                        group="suggest-model",  # not translated: a worker group
                        exit_on_error=False)

    def _read_model(self) -> None:
        from qualcode.services.suggestions import model_info

        try:
            info = model_info(self.qapp.store, self.qapp.coder)
        except QualcodeError as exc:
            self.app.call_from_thread(self.suggestions_panel().show_message, str(exc))
            return
        self.app.call_from_thread(self._model_read, info)

    def _model_read(self, info: ModelInfo | None) -> None:
        self.suggestion_model = info
        panel = self.suggestions_panel()
        panel.border_title = _("Suggestions")
        if info is None:
            panel.show_message(_("No model yet: f11 trains one from your codings."))
            return
        panel.border_subtitle = (_("stale: f11 trains again") if info.stale
                                 else _("unit: {unit}").format(unit=info.unit))
        self.suggestion_unit = None
        self.refresh_suggestions()

    def current_unit(self) -> tuple[int, int, int] | None:
        """(version, start, end) of the sentence, turn or document at the cursor, as the
        model's unit says."""
        view = self.query_one(Transcript)
        if self.data is None or view.current is None or self.suggestion_model is None:
            return None
        unit = self.suggestion_model.unit
        if unit == "sentence":
            return self.data.version_id, view.current.start, view.current.end
        if unit == "document":
            return self.data.version_id, 0, len(self.data.text)
        turn = self.data.turns[view.current.turn]
        return self.data.version_id, turn.start, turn.end

    def refresh_suggestions(self, *, again: bool = False) -> None:
        """Suggestions for the unit at the cursor, when it changed (or ``again``)."""
        unit = self.current_unit()
        if unit is None or (unit == self.suggestion_unit and not again):
            return
        self.suggestion_unit = unit
        self.run_worker(lambda: self._suggest(unit), thread=True, exclusive=True,
                        group="suggest", exit_on_error=False)

    def _suggest(self, unit: tuple[int, int, int]) -> None:
        from qualcode.services.suggestions import suggestions_for

        try:
            found = suggestions_for(self.qapp.store, self.qapp.coder, *unit)
        except QualcodeError as exc:
            self.app.call_from_thread(self.suggestions_panel().show_message, str(exc))
            return
        self.app.call_from_thread(self._suggested, unit, found)

    def _suggested(self, unit: tuple[int, int, int], found: list[Suggestion]) -> None:
        if unit != self.suggestion_unit:
            return  # the cursor moved on meanwhile
        self.shown_suggestions = found
        self.suggestions_panel().show_suggestions(found)

    def _first_suggestion(self) -> tuple[Suggestion, tuple[int, int, int]] | None:
        if not self.shown_suggestions or self.suggestion_unit is None:
            self.notify(_("There is no suggestion here."), severity="warning")
            return None
        return self.shown_suggestions[0], self.suggestion_unit

    def action_accept_suggestion(self) -> None:
        from qualcode.services.suggestions import accept

        first = self._first_suggestion()
        if first is None or self.data is None:
            return
        suggestion, (_version, start, end) = first
        store, coder, document = self.qapp.store, self.qapp.coder, self.data.document_id

        def accepted(added) -> None:  # type: ignore[no-untyped-def]
            self._applied(suggestion.code_id, added)
            self.notify(_("Accepted {code} (ctrl+z undoes).").format(code=suggestion.code))
            self.refresh_suggestions(again=True)

        self.jobs.run(Job(_("Accepting"), lambda: accept(
            store, coder, document, suggestion.code_id, start, end), accepted, quick=True))

    def action_dismiss_suggestion(self) -> None:
        from qualcode.services.suggestions import dismiss

        first = self._first_suggestion()
        if first is None:
            return
        suggestion, (version, start, end) = first
        store, coder = self.qapp.store, self.qapp.coder

        def dismissed(_result: object) -> None:
            self.notify(_("Dismissed {code} here.").format(code=suggestion.code))
            self.refresh_suggestions(again=True)

        self.jobs.run(Job(_("Dismissing"), lambda: dismiss(
            store, coder, suggestion.code_id, version, start, end), dismissed, quick=True))

    def action_train_suggestions(self) -> None:
        """Train from the model's coders (else the current coder) in a worker."""
        info = self.suggestion_model
        coders = info.coders if info else [self.qapp.coder]
        unit = info.unit if info else "turn"  # not translated: a unit name
        self.suggestions_panel().border_subtitle = _("training …")
        self.run_worker(lambda: self._train(coders, unit), thread=True, exclusive=True,
                        group="suggest-train",  # not translated: a worker group
                        exit_on_error=False)

    def _train(self, coders: list[str], unit: str) -> None:
        from qualcode.services.suggestions import train

        try:
            learnt = train(self.qapp.store, coders, unit=unit, owner=self.qapp.coder)
        except QualcodeError as exc:
            self.app.call_from_thread(self._error, str(exc))
            self.app.call_from_thread(self.load_suggestion_model)
            return
        message = _("Trained: micro-F1 {f1}, mean kappa {kappa} ({codes} codes).").format(
            f1=_figure(learnt.summary.micro_f1), kappa=_figure(learnt.summary.mean_kappa),
            codes=learnt.summary.codes)
        self.app.call_from_thread(self.notify, message)
        self.app.call_from_thread(self.load_suggestion_model)

    def action_next_uncertain(self) -> None:
        self.run_worker(self._find_next, thread=True, exclusive=True,
                        group="suggest-next",  # not translated: a worker group
                        exit_on_error=False)

    def _find_next(self) -> None:
        from qualcode.services.suggestions import next_unit

        try:
            found = next_unit(self.qapp.store, self.qapp.coder)
        except QualcodeError as exc:
            self.app.call_from_thread(self._error, str(exc))
            return
        self.app.call_from_thread(self._go_next, found)

    def _go_next(self, found: NextUnit | None) -> None:
        if found is None:
            self.notify(_("Every unit is coded."))
            return
        if self.data is not None and found.document_id == self.data.document_id:
            self.query_one(Transcript).go_to_offset(found.start, found.end)
            self._update_side()
        else:
            self.load(found.document_id, Jump(found.document_id, found.start, found.end))
        self.notify(_("The models are least sure here about {code} ({confidence:.2f}).")
                    .format(code=found.code, confidence=found.confidence))


def _figure(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"
