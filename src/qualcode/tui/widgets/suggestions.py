"""The side panel of code suggestions for the unit at the cursor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from qualcode.i18n import _
from qualcode.tui.widgets.lines import LinesPanel

if TYPE_CHECKING:
    from qualcode.services.suggestions import Suggestion


class SuggestionsPanel(LinesPanel):
    """Each suggested code with its confidence and the words that weighed most."""

    DEFAULT_CSS = """
    SuggestionsPanel {
        height: 1fr;
        border: round $primary 50%;
    }
    """  # not translated: CSS

    def show_message(self, message: str) -> None:
        self.set_lines([Text(message, style="dim")])  # not translated: a style

    def show_suggestions(self, suggestions: list[Suggestion]) -> None:
        if not suggestions:
            self.show_message(_("No suggestion here."))
            return
        lines = []
        for number, suggestion in enumerate(suggestions):
            line = Text(f"{suggestion.confidence:.2f} ", style="bold")  # not translated: style
            line.append(suggestion.code)
            if number == 0:
                line.append("  " + _("(ctrl+t accepts, ctrl+x dismisses)"), style="dim")
            lines.append(line)
            if suggestion.words:
                lines.append(Text("   " + _("because of: {words}").format(
                    words=", ".join(suggestion.words)), style="dim"))  # not translated: style
        self.set_lines(lines)
