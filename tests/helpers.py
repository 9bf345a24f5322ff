"""Small builders shared by tests: a German document, the study codebook, table dumps."""

from __future__ import annotations

from sqlalchemy import text

from qualcode.codebook.parse import read_codebook
from qualcode.codebook.sync import load_codebook
from qualcode.services.documents import NewDocument, VariableValue, add_document
from qualcode.store import Store

INTERVIEW = (
    "I: Wie haben Sie die Aufnahme im Frühjahr 2022 erlebt?\n"
    "B: Ehrlich gesagt war das zunächst Chaos. Die Ausländerbehörde und das Sozialamt "
    "haben aber schnell einen gemeinsamen Stab gebildet. Das hat viel gebracht.\n"
    "I: Und die Ehrenamtlichen?\n"
    "B: Der Helferkreis aus 2015 war sofort wieder da – „wir kennen das ja“, hieß es. 🙂 "
    "Ohne die Straße der Begegnung in Neuweiler hätten wir das nicht geschafft.\n"
)


def add_interview(store: Store, name: str = "Interview Neuweiler") -> int:
    created = add_document(store, NewDocument(
        name=name, text=INTERVIEW,
        variables=[VariableValue("municipality", "Neuweiler"),
                   VariableValue("kind", "interview")]))
    return created.id


def load_study_codebook(store: Store) -> None:
    from tests.conftest import CODEBOOK

    load_codebook(store, read_codebook(CODEBOOK))


def dump(store: Store, *tables: str) -> dict[str, list[tuple]]:
    """Every row of the named tables, for before/after comparisons."""
    names = tables or ("documents", "document_versions", "codes", "coders", "codings",
                       "audit_log", "memos", "speakers", "segments", "document_variables")
    with store.read() as session:
        return {t: [tuple(r) for r in session.execute(text(f"SELECT * FROM {t} ORDER BY id"))]
                for t in names}


def random_codings(store: Store, count: int, *, seed: int, codes: list[int],
                   coders: list[int], lengths: tuple[int, int]) -> None:
    """``count`` codings of random ranges in random document versions, bulk-inserted."""
    import random

    from sqlalchemy import select

    from qualcode.models import DocumentVersion
    from qualcode.services.codings import NewCoding, bulk_insert

    rng = random.Random(seed)
    with store.read() as session:
        texts = dict(session.execute(select(DocumentVersion.id, DocumentVersion.text)).all())
    rows = []
    for _ in range(count):
        version = rng.choice(list(texts))
        start = rng.randrange(0, len(texts[version]) - lengths[1])
        end = start + rng.randint(*lengths)
        rows.append(NewCoding(version, rng.choice(codes), rng.choice(coders), start, end,
                              texts[version][start:end]))
    bulk_insert(store, rows)


def import_demo(store: Store, kind: str = "txt") -> None:
    """The fictional demo transcripts, with the demo's profile (privacy.gate: warn)."""
    from qualcode.services.importing import import_paths
    from qualcode.services.profile import load_profile_file
    from tests.conftest import REPO

    load_profile_file(store, REPO / "codebooks" / "demo.profile.yaml")
    report = import_paths(store, [REPO / "transcripts" / "demo" / kind])
    assert report.failed == [], report.failed
