"""The Kodierleitfaden after Mayring's coding agenda: per code its definition, anchor
example, coding rules and "Abgrenzung" (delimitation) drawn from the coders' confusions.

The codebook has no separate rules field (``models.Code``: definition and anchor example), so
the coding rules are the definition's own text, with the rule for a theme with sub-codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from qualcode.models import Code
from qualcode.reports.agreement import Confusions
from qualcode.reports.blocks import Heading, Paragraph, Report, Table
from qualcode.reports.words import words
from qualcode.store import Store
from qualcode.store.lookup import code_paths


@dataclass(frozen=True)
class GuideEntry:
    path: str
    depth: int
    definition: str | None
    anchor: str | None
    has_children: bool


def guide_entries(store: Store) -> list[GuideEntry]:
    """Every code of the codebook, in its tree order (themes before their sub-codes)."""
    with store.read() as session:
        paths = code_paths(session)
        codes = list(session.scalars(select(Code).order_by(Code.position, Code.id)))
        children: dict[int | None, list[Code]] = {}
        for code in codes:
            children.setdefault(code.parent_id, []).append(code)
        entries: list[GuideEntry] = []

        def walk(parent: int | None, depth: int) -> None:
            for code in children.get(parent, []):
                entries.append(GuideEntry(paths[code.id], depth, code.definition,
                                          code.anchor_example, code.id in children))
                walk(code.id, depth + 1)

        walk(None, 0)
    return entries


def codebook_report(entries: list[GuideEntry], language: str,
                    confused: Confusions | None = None, coders: list[str] | None = None
                    ) -> Report:
    w = words(language)
    report = Report(w["codebook_title"], language)
    report.add(Paragraph(w["codebook_intro"]))
    report.add(Heading(w["overview"]), Table(
        [w["path"], w["definition"].rstrip(":")],
        [[e.path, e.definition or w["none"]] for e in entries]))
    for entry in entries:
        report.add(Heading(entry.path, level=min(entry.depth + 1, 3)))
        report.add(Paragraph(entry.definition or w["none"], label=w["definition"]))
        report.add(Paragraph(entry.anchor or w["none"], label=w["anchor"]))
        rules = entry.definition or w["none"]
        if entry.has_children:
            rules = f"{rules} {w['rules_theme']}"
        report.add(Paragraph(rules, label=w["rules"]))
        report.add(*_delimitation(entry.path, language, confused, coders))
    return report


def _delimitation(path: str, language: str, confused: Confusions | None,
                  coders: list[str] | None) -> list[Paragraph]:
    w = words(language)
    if confused is None:
        return [Paragraph(w["no_coders"], label=w["delimitation"])]
    others = sorted(((y if x == path else x, n) for (x, y), n in confused.items()
                     if path in (x, y)), key=lambda item: (-item[1], item[0]))
    if not others:
        return [Paragraph(w["no_delimitation"], label=w["delimitation"])]
    who = ", ".join(coders or [])
    return [Paragraph(w["confused_with"].format(coders=who, count=n, other=other),
                      label=w["delimitation"]) for other, n in others]
