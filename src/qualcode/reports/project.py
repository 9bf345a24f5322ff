"""The project overview: documents by their variables, codings per theme by the profile's
variables, the co-occurrence heatmap, a saturation curve in interview order, and how the
codebook changed over time (from the audit log).

Which variables break the codings down comes from the project profile, not from names in the
code: every variable with a closed list of values (for the study: kind and municipality type).
Interview order is the profile's first date variable (documents without it last), then the
order of import.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from qualcode.exports.matrices import MatrixFilter, cooccurrence
from qualcode.models import AuditEntry, Code, Coding, Document, DocumentVariable, DocumentVersion
from qualcode.profile.spec import Profile, Variable
from qualcode.profile.stored import profile_in
from qualcode.reports.blocks import Figure, Heading, Paragraph, Report, Table
from qualcode.reports.figures import heatmap, saturation_curve, step_chart
from qualcode.reports.words import number, words
from qualcode.store import Store
from qualcode.store.lookup import code_paths

NO_VALUE = "–"


@dataclass(frozen=True)
class ProjectData:
    profile: Profile
    documents: list[tuple[int, str]]  # (id, name) in interview order
    variables: dict[int, dict[str, str]]  # document id -> variable name -> value
    codings: dict[tuple[int, int], int]  # (document id, code id) -> codings
    paths: dict[int, str]
    themes: dict[int, int]  # code id -> its top-level code's id
    coders: int
    code_changes: list[tuple[str, int, int, int]]  # day, added, changed, removed


def project_data(store: Store) -> ProjectData:
    with store.read() as session:
        profile = profile_in(session)
        paths = code_paths(session)
        parents = dict(session.execute(select(Code.id, Code.parent_id)).all())
        variables: dict[int, dict[str, str]] = defaultdict(dict)
        for doc, name, value in session.execute(
                select(DocumentVariable.document_id, DocumentVariable.name,
                       DocumentVariable.value)):
            if value is not None:
                variables[doc][name] = value
        documents = list(session.execute(select(Document.id, Document.name)
                                         .order_by(Document.id)).tuples())
        counted = session.execute(
            select(DocumentVersion.document_id, Coding.code_id, func.count())
            .join(DocumentVersion, DocumentVersion.id == Coding.version_id)
            .group_by(DocumentVersion.document_id, Coding.code_id)).all()
        coders = session.scalar(select(func.count(func.distinct(Coding.coder_id)))) or 0
        changes = session.execute(
            select(AuditEntry.at, AuditEntry.before.is_(None), AuditEntry.after.is_(None))
            .where(AuditEntry.entity == "codes").order_by(AuditEntry.id)).all()
    return ProjectData(profile, interview_order(documents, variables, profile), dict(variables),
                       {(d, c): n for d, c, n in counted}, paths, _themes(parents), coders,
                       _by_day(changes))


def interview_order(documents: list[tuple[int, str]], variables: dict[int, dict[str, str]],
                    profile: Profile) -> list[tuple[int, str]]:
    dated = next((v.name for v in profile.variables if v.kind == "date"), None)
    if dated is None:
        return documents
    return sorted(documents, key=lambda d: (dated not in variables.get(d[0], {}),
                                            variables.get(d[0], {}).get(dated, ""), d[0]))


def _themes(parents: dict[int, int | None]) -> dict[int, int]:
    """Each code's top-level ancestor (itself for a top-level code)."""
    def root(code: int) -> int:
        seen = {code}
        while (parent := parents.get(code)) is not None and parent not in seen:
            seen.add(parent)
            code = parent
        return code

    return {code: root(code) for code in parents}


def _by_day(changes) -> list[tuple[str, int, int, int]]:  # type: ignore[no-untyped-def]
    days: dict[str, Counter[str]] = {}
    for at, added, removed in changes:
        kind = "added" if added else "removed" if removed else "changed"
        days.setdefault(at.date().isoformat(), Counter())[kind] += 1
    return [(day, c["added"], c["changed"], c["removed"]) for day, c in days.items()]


def breakdown_variables(profile: Profile) -> list[Variable]:
    """The variables with a closed list of values: the ones codings are broken down by."""
    return [v for v in profile.variables if v.values]


def project_report(store: Store, data: ProjectData, language: str) -> Report:
    w = words(language)
    report = Report(w.gettext("Project overview"), language)
    codings = sum(data.codings.values())
    report.add(Paragraph(w.gettext(
        "{study}: {documents} documents, {codes} codes, {codings} codings by {coders} "
        "coders.").format(study=data.profile.study, documents=len(data.documents),
                          codes=len(data.paths), codings=codings, coders=data.coders)))
    report.add(Heading(w.gettext("Documents by their variables")),
               *document_blocks(data, language))
    for variable in breakdown_variables(data.profile):
        report.add(Heading(w.gettext("Codings per theme by {variable}").format(
            variable=variable.label)), theme_table(data, variable, language))
    report.add(Heading(w.gettext("Co-occurrence of codes")),
               *cooccurrence_blocks(store, data, language))
    report.add(Heading(w.gettext("Saturation")), *saturation_blocks(data, language))
    report.add(Heading(w.gettext("Codebook changes over time")),
               *change_blocks(data, language))
    return report


def document_blocks(data: ProjectData, language: str) -> list[Table]:
    w = words(language)
    blocks = []
    for variable in breakdown_variables(data.profile):
        counted = Counter(data.variables.get(d, {}).get(variable.name, NO_VALUE)
                          for d, _ in data.documents)
        values = [*variable.values, *sorted(set(counted) - set(variable.values))]
        blocks.append(Table([variable.label, w.gettext("Documents")],
                            [[v, str(counted[v])] for v in values if counted[v]]))
    listed = [data.profile.label(name) for name in data.profile.document_list]
    per_document: Counter[int] = Counter()
    for (document, _code), n in data.codings.items():
        per_document[document] += n
    rows = [[str(n), name, *[data.variables.get(d, {}).get(v, NO_VALUE)
                             for v in data.profile.document_list], str(per_document[d])]
            for n, (d, name) in enumerate(data.documents, 1)]
    blocks.append(Table(["#", w.gettext("Document"), *listed, w.gettext("Codings")], rows,
                        caption=w.gettext("Documents in interview order"),
                        documents=[name for _d, name in data.documents]))
    return blocks


def theme_table(data: ProjectData, variable: Variable, language: str) -> Table:
    """Per theme and value: codings, and the share of that value's documents coded with it."""
    w = words(language)
    groups: dict[str, set[int]] = defaultdict(set)
    for document, _ in data.documents:
        groups[data.variables.get(document, {}).get(variable.name, NO_VALUE)].add(document)
    values = [v for v in (*variable.values, *sorted(set(groups) - set(variable.values)))
              if groups.get(v)]
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    present: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    value_of = {d: data.variables.get(d, {}).get(variable.name, NO_VALUE)
                for d, _ in data.documents}
    for (document, code), n in data.codings.items():
        theme = data.themes.get(code, code)
        counts[theme][value_of.get(document, NO_VALUE)] += n
        present[theme][value_of.get(document, NO_VALUE)].add(document)
    themes = sorted(set(data.themes.values()), key=lambda t: data.paths.get(t, ""))
    rows = [[data.paths[t], *[_cell(counts[t][v], len(present[t][v]), len(groups[v]), language)
                              for v in values]] for t in themes if t in data.paths]
    columns = [w.gettext("Theme"), *[w.ngettext("{value} ({n} document)",
                                                "{value} ({n} documents)", len(groups[v]))
                                     .format(value=v, n=len(groups[v])) for v in values]]
    return Table(columns, rows, caption=w.gettext(
        "Codings of each theme and its sub-codes; in brackets the share of the documents with "
        "that value in which the theme was coded at least once."))


def _cell(codings: int, documents: int, of: int, language: str) -> str:
    return f"{codings} ({percent(documents / of if of else 0.0, language)})"


def percent(share: float, language: str) -> str:
    written = number(share * 100, language, 0)
    return f"{written} %" if language == "de" else f"{written}%"


def cooccurrence_blocks(store: Store, data: ProjectData, language: str
                        ) -> list[Paragraph | Figure]:
    w = words(language)
    matrix = cooccurrence(store, MatrixFilter()) if data.codings else None
    if matrix is None or len(matrix.codes) < 2 or not (matrix.counts.sum()
                                                        - matrix.counts.trace()):
        return [Paragraph(w.gettext("No two codes overlap anywhere yet."))]
    drawing = heatmap(matrix.codes, matrix.counts,
                       w.gettext("Co-occurrence of codes (overlapping codings)"),
                       w.gettext("Overlapping pairs"))
    return [Paragraph(w.gettext(
        "How often codings of two codes overlap in the same document, counted as qualcode "
        "export matrix counts by default; the diagonal is left blank.")),
        Figure(drawing, w.gettext("Figure: co-occurrence of codes"))]


def new_codes(data: ProjectData) -> list[int]:
    """Per document in interview order: how many codes appear there for the first time."""
    codes_in: dict[int, set[int]] = defaultdict(set)
    for document, code in data.codings:
        codes_in[document].add(code)
    seen: set[int] = set()
    new = []
    for document, _ in data.documents:
        new.append(len(codes_in[document] - seen))
        seen |= codes_in[document]
    return new


def saturation_blocks(data: ProjectData, language: str) -> list[Paragraph | Figure | Table]:
    w = words(language)
    new = new_codes(data)
    used = sum(new)
    if not used:
        return [Paragraph(w.gettext("No codings yet."))]
    last = max(n for n, count in enumerate(new, 1) if count)
    drawing = saturation_curve(new, w.gettext("New codes per document, in interview order"),
                                w.gettext("Document (number in the list above)"),
                                w.gettext("New codes"), w.gettext("Codes so far"))
    brought = [(n, data.documents[n - 1][1], count) for n, count in enumerate(new, 1) if count]
    rows = [[str(n), name, str(count)] for n, name, count in brought]
    return [Paragraph(w.gettext(
        "{codes} codes were used in all; the last code used for the first time appeared in "
        "document {last} of {documents}.").format(codes=used, last=last,
                                                 documents=len(data.documents))),
        Figure(drawing, w.gettext("Figure: saturation curve")),
        Table(["#", w.gettext("Document"), w.gettext("New codes")], rows,
              caption=w.gettext("Documents that brought new codes"),
              documents=[name for _n, name, _count in brought])]


def change_blocks(data: ProjectData, language: str) -> list[Paragraph | Figure | Table]:
    w = words(language)
    if not data.code_changes:
        return [Paragraph(w.gettext("The audit log records no change to the codebook."))]
    size, sizes = 0, []
    for _day, added, _changed, removed in data.code_changes:
        size += added - removed
        sizes.append(size)
    drawing = step_chart([day for day, *_ in data.code_changes], sizes,
                          w.gettext("Codes in the codebook, day by day"), w.gettext("Codes"))
    rows = [[day, str(added), str(changed), str(removed), str(total)]
            for (day, added, changed, removed), total in zip(data.code_changes, sizes,
                                                             strict=True)]
    return [Figure(drawing, w.gettext("Figure: codes in the codebook over time")),
            Table([w.gettext("Day"), w.gettext("Added"), w.gettext("Changed"),
                   w.gettext("Removed"), w.gettext("Codes")], rows,
                  caption=w.gettext("Changes to codes per day, from the audit log"))]
