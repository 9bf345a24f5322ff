"""The CSS classes every dialog shares (app.tcss styles them)."""

MODAL_BOX = "modal-box"  # not translated: a CSS class
MODAL_TITLE = "modal-title"  # not translated: a CSS class
