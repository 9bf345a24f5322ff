"""Writing the reports people read: agreement report, Kodierleitfaden, project overview."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualcode.agreement.results import Selection
from qualcode.errors import InvalidInput
from qualcode.exports.files import check_target, choose_format, default_path, write_with
from qualcode.i18n import _
from qualcode.profile.stored import profile_in
from qualcode.reports.blocks import Report
from qualcode.store import Store

LANGUAGES = ("de", "en")
FILE_STEMS = {"agreement": {"de": "uebereinstimmung", "en": "agreement"},
              "codebook": {"de": "kodierleitfaden", "en": "coding-guide"},
              "project": {"de": "projektuebersicht", "en": "project-overview"}}


def report_language(store: Store, asked: str | None) -> str:
    """--lang when given, else the project's export language (its profile)."""
    if asked is not None:
        if asked not in LANGUAGES:
            raise InvalidInput(_("--lang must be one of {languages}, not {asked!r}.").format(
                languages=", ".join(LANGUAGES), asked=asked))
        return asked
    with store.read() as session:
        language = profile_in(session).export_language
    return language if language in LANGUAGES else "de"


def write_agreement_report(store: Store, selection: Selection, target: Path | None, *,
                           language: str | None = None, force: bool = False) -> Path:
    from qualcode.reports.agreement import agreement_report

    lang = report_language(store, language)
    return _write("agreement", target, ("html", "docx"), lang, force,
                  lambda: agreement_report(store, selection, lang))


def write_codebook_report(store: Store, target: Path | None, *,
                          selection: Selection | None = None, language: str | None = None,
                          force: bool = False) -> Path:
    """The Kodierleitfaden; with ``selection`` (coders), delimitations from their confusions."""
    from qualcode.agreement.compute import disagreements
    from qualcode.reports.agreement import confusions
    from qualcode.reports.codebook import codebook_report, guide_entries
    from qualcode.reports.examples import marked_anchors

    lang = report_language(store, language)

    def build() -> Report:
        confused = None
        if selection is not None:
            confused = confusions(disagreements(store, selection), selection.coders)
        return codebook_report(guide_entries(store), lang, confused,
                               selection.coders if selection else None, marked_anchors(store))

    return _write("codebook", target, ("docx", "html"), lang, force, build)


def write_project_report(store: Store, target: Path | None, *, language: str | None = None,
                         force: bool = False) -> Path:
    """The project overview: documents, codings per theme, co-occurrence, saturation, changes."""
    from qualcode.reports.project import project_data, project_report

    lang = report_language(store, language)
    return _write("project", target, ("html", "docx"), lang, force,
                  lambda: project_report(store, project_data(store), lang))


def _write(kind: str, target: Path | None, formats: tuple[str, ...], language: str,
           force: bool, build: Callable[[], Report]) -> Path:
    chosen = choose_format(target, None, formats)
    target = target or default_path(FILE_STEMS[kind][language], chosen)
    check_target(target, force=force)  # before the work, not only after it
    report = build()
    if chosen == "html":
        from qualcode.reports.html import render_html

        page = render_html(report)
        return write_with(target, force, lambda p: p.write_text(page, encoding="utf-8"))
    from qualcode.reports.docx import write_docx

    return write_with(target, force, lambda p: write_docx(report, p))
