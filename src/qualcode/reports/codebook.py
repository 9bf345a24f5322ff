"""The Kodierleitfaden after Mayring's coding agenda: per code its definition, anchor
examples (the codebook's and the codings coders marked), coding rules and "Abgrenzung"
(delimitation) drawn from the coders' confusions.

The codebook has no separate rules field (``models.Code``: definition and anchor example), so
the coding rules are the definition's own text, with the rule for a theme with sub-codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from qualcode.models import Code
from qualcode.reports.agreement import Confusions
from qualcode.reports.blocks import Heading, Paragraph, Report, Table
from qualcode.reports.examples import Example
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
                    confused: Confusions | None = None, coders: list[str] | None = None,
                    anchors: list[Example] | None = None) -> Report:
    w = words(language)
    none = w.gettext("(not given in the codebook)")
    report = Report(w.gettext("Coding guide"), language)
    report.add(Paragraph(w.gettext(
        "Coding guide after Mayring's coding agenda: per category its definition, anchor "
        "examples, coding rules and delimitation from other categories.")))
    report.add(Heading(w.gettext("Overview")), Table(
        [w.gettext("Category"), w.gettext("Definition")],
        [[e.path, e.definition or none] for e in entries]))
    marked: dict[str, list[Example]] = {}
    for example in anchors or []:
        marked.setdefault(example.code, []).append(example)
    for entry in entries:
        report.add(Heading(entry.path, level=min(entry.depth + 1, 3)))
        report.add(Paragraph(entry.definition or none, label=w.gettext("Definition:")))
        report.add(Paragraph(entry.anchor or none, label=w.gettext("Anchor example:")))
        report.add(*_marked(marked.get(entry.path, []), language))
        rules = entry.definition or none
        if entry.has_children:
            rules = " ".join((rules, w.gettext(
                "Main category: code with its sub-categories; the main category itself only "
                "where none of them applies.")))
        report.add(Paragraph(rules, label=w.gettext("Coding rules:")))
        report.add(*_delimitation(entry.path, language, confused, coders))
    return report


def _marked(examples: list[Example], language: str) -> list[Paragraph]:
    w = words(language)
    return [Paragraph(w.gettext("“{text}” ({document}, [{start}, {end}))").format(
                text=e.text, document=e.document, start=e.start, end=e.end),
            label=w.gettext("Anchor example marked by {coder}:").format(
                coder=next(iter(e.coded_by))), document=e.document)
            for e in examples]


def _delimitation(path: str, language: str, confused: Confusions | None,
                  coders: list[str] | None) -> list[Paragraph]:
    w = words(language)
    label = w.gettext("Delimitation:")
    if confused is None:
        return [Paragraph(w.gettext("Give --coders to draw delimitations from the agreement "
                                    "check."), label=label)]
    others = sorted(((y if x == path else x, n) for (x, y), n in confused.items()
                     if path in (x, y)), key=lambda item: (-item[1], item[0]))
    if not others:
        return [Paragraph(w.gettext("No confusions in the agreement check."), label=label)]
    who = ", ".join(coders or [])
    return [Paragraph(w.gettext(
        "In the agreement check ({coders}) confused with “{other}” on {count} units; check "
        "the definitions of both codes against each other.").format(
        coders=who, count=n, other=other), label=label) for other, n in others]
