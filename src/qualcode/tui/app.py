"""The Textual app and its factory (shared by the CLI and the tests)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from qualcode.i18n import N_, _
from qualcode.profile.spec import STUDY, Profile
from qualcode.store import Store, open_store
from qualcode.store.mounts import network_warning
from qualcode.tui.config import Config, load_config
from qualcode.tui.jump import Jump
from qualcode.tui.keys import Translated, binding_key_name
from qualcode.tui.live import LiveUpdates
from qualcode.tui.screens.coder import CoderScreen
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.documents import DocumentsScreen
from qualcode.tui.screens.error import ErrorScreen


class QualcodeApp(Translated, App[None]):
    CSS_PATH = "app.tcss"  # not translated: a file name
    TITLE = "qualcode"
    ENABLE_COMMAND_PALETTE = False  # every action has a key; "?" lists them
    BINDINGS = [Binding("ctrl+q", "quit", N_("Quit"), id="quit", priority=True)]

    def __init__(self, store: Store, config: Config, *, coder: str | None = None,
                 document: str | None = None, mount_table: str | None = None,
                 coder_fixed: bool = False) -> None:
        super().__init__()
        self.store = store
        self.store_warning = network_warning(store.url, mount_table)
        self.config = config
        self.coder: str = coder or config.coder or ""
        self.start_document = document
        self.profile: Profile = STUDY  # the project's own, read when the app starts
        self._coding: CodingScreen | None = None
        self.coder_fixed = coder_fixed  # a team store: the coder is the database login
        self.live: LiveUpdates | None = None

    def on_mount(self) -> None:
        # What start-up made lives as long as the app: out of the collector's way, so that its
        # full collections (which stop the screen) walk only what is made later.
        gc.freeze()
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        if self.store_warning:
            self.notify(self.store_warning, severity="warning", timeout=15, markup=False)
        self.live = LiveUpdates(self)
        self.live.start()
        if self.coder:
            self._start()
        else:
            self.choose_coder(then=self._start)

    def on_unmount(self) -> None:
        if self.live is not None:
            self.live.stop()

    def _start(self) -> None:
        from qualcode.services.profile import project_profile
        from qualcode.services.workbench import ensure_coder

        ensure_coder(self.store, self.coder)
        self.profile = project_profile(self.store)
        self.sub_title = self.coder_line()
        self.push_screen(DocumentsScreen())
        if self.start_document:
            from qualcode.services.documents import show_document

            try:
                self.open_document(show_document(self.store, self.start_document).id)
            except Exception as exc:
                self.show_error(str(exc))

    def choose_coder(self, then: Callable[[], None] | None = None) -> None:
        from qualcode.services.workbench import list_coders

        if self.coder_fixed:
            self.notify(_("On a team store you code as your database login ({coder}).")
                        .format(coder=self.coder), severity="warning")
            return

        def chosen(name: str | None) -> None:
            if not name and not self.coder:
                self.exit(message=_("No coder chosen."))
                return
            if name:
                self.coder = name
                self.config.coder = name
                self.config.save()
                self.sub_title = self.coder_line()
            if then is not None:
                then()

        self.push_screen(CoderScreen(list_coders(self.store), self.coder or None), chosen)

    def open_document(self, document_id: int, jump: Jump | None = None) -> None:
        """Load the document into the one coding screen (mounted once, then reused)."""
        if self._coding is None:
            self._coding = CodingScreen()
            self.install_screen(self._coding, name="coding")
        if self.screen is not self._coding:
            self.push_screen("coding")
        self._coding.load(document_id, jump)

    def jump(self, jump: Jump, current: CodingScreen) -> None:
        """Show a place: in the open document, or in another one loaded for it."""
        if current.data is not None and current.data.document_id == jump.document_id:
            current.show_hit(jump)
        else:
            current.load(jump.document_id, jump)

    def show_error(self, message: str) -> None:
        self.push_screen(ErrorScreen(message))

    def coder_line(self) -> str:
        """Who is coding, for the header."""
        return _("coder: {coder}").format(coder=self.coder)

    def get_key_display(self, binding: Binding) -> str:
        """Keys as people write them (``Strg+Z``, ``Leertaste``, ``!``), not ``^z``."""
        return binding_key_name(binding)


def make_app(db: str | None = None, *, coder: str | None = None, document: str | None = None,
             config_file: Path | str | None = None) -> QualcodeApp:
    from qualcode.services.team import acting_coder

    config = load_config(Path(config_file) if config_file else None)
    store = open_store(db)
    try:
        team_coder = acting_coder(store, coder) if store.identity().member else None
    except BaseException:
        store.close()
        raise
    return QualcodeApp(store, config, coder=team_coder or coder, document=document,
                       coder_fixed=team_coder is not None)
