"""Writing the reports people read: agreement report, Kodierleitfaden, project overview.

Every report passes through the privacy gate (``services.privacy.publish``) before it is
written, and goes into the export log after.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.agreement.results import Selection
from qualcode.errors import InvalidInput
from qualcode.exports.files import check_target, choose_format, default_path, write_with
from qualcode.i18n import _
from qualcode.profile.stored import profile_in
from qualcode.reports.blocks import Report
from qualcode.store import Store

if TYPE_CHECKING:
    from qualcode.services.privacy import GateResult

LANGUAGES = ("de", "en")
FILE_STEMS = {"agreement": {"de": "uebereinstimmung", "en": "agreement"},
              "codebook": {"de": "kodierleitfaden", "en": "coding-guide"},
              "project": {"de": "projektuebersicht", "en": "project-overview"}}


@dataclass(frozen=True)
class WrittenReport:
    path: Path
    gate: GateResult  # what the privacy gate found, accepted and left unresolved (warn)


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
                           language: str | None = None, force: bool = False,
                           accept: Path | None = None) -> WrittenReport:
    """``accept``: the reviewed privacy review file whose findings may go out."""
    from qualcode.reports.agreement import agreement_report

    lang = report_language(store, language)
    return _write(store, "agreement", target, ("html", "docx"), lang, force, accept,
                  lambda: agreement_report(store, selection, lang))


def write_codebook_report(store: Store, target: Path | None, *,
                          selection: Selection | None = None, language: str | None = None,
                          force: bool = False, accept: Path | None = None) -> WrittenReport:
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

    return _write(store, "codebook", target, ("docx", "html"), lang, force, accept, build)


def write_project_report(store: Store, target: Path | None, *, language: str | None = None,
                         force: bool = False, accept: Path | None = None) -> WrittenReport:
    """The project overview: documents, codings per theme, co-occurrence, saturation, changes."""
    from qualcode.reports.project import project_data, project_report

    lang = report_language(store, language)
    return _write(store, "project", target, ("html", "docx"), lang, force, accept,
                  lambda: project_report(store, project_data(store), lang))


def _write(store: Store, kind: str, target: Path | None, formats: tuple[str, ...],
           language: str, force: bool, accept: Path | None,
           build: Callable[[], Report]) -> WrittenReport:
    """Build the report, pass it through the privacy gate, write it, log the export."""
    from qualcode.reports.gated import report_parts, unresolved_note
    from qualcode.services.privacy import publish

    chosen = choose_format(target, None, formats)
    target = target or default_path(FILE_STEMS[kind][language], chosen)
    check_target(target, force=force)  # before the work, not only after it
    report = build()

    def write(result: GateResult) -> None:
        if result.unresolved and result.review is not None:  # the gate only warned
            report.blocks.insert(0, unresolved_note(len(result.unresolved),
                                                    result.review.name, language))
        _render(report, target, chosen, force)

    result = publish(store, report_parts(report), target, write,
                     what=f"report {kind}", accept=accept)  # not translated: the log's what
    return WrittenReport(target, result)


def _render(report: Report, target: Path, chosen: str, force: bool) -> None:
    if chosen == "html":
        from qualcode.reports.html import render_html

        page = render_html(report)
        write_with(target, force, lambda p: p.write_text(page, encoding="utf-8"))
        return
    from qualcode.reports.docx import write_docx

    write_with(target, force, lambda p: write_docx(report, p))
