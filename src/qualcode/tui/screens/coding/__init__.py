"""The coding view, one module per concern: the screen itself (``screen``), applying and
changing codes (``codes``), memos and the voice mark (``notes``), undo and redo
(``history``), search, autocode and retrieval (``finding``), and the queue that runs store
work off the UI loop (``jobs``)."""

from qualcode.tui.screens.coding.screen import CodingScreen

__all__ = ["CodingScreen"]  # not translated: a name
