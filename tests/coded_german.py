"""The CIMT Cycling Dialogues fixture (../shared/fixtures/coded-german, CC BY-SA 4.0; Romberg
and Escher 2022, doi:10.1007/978-3-031-15086-9_24) as a qualcode project.

Each contribution becomes a document (its id as name, the city and the URL of the post as
document variables: the URL is the attribution the posts' CC BY 4.0 terms ask for), the
8 level-1 codes become top-level codes with the 30 level-2 codes below the level-1 code they
co-occur with most, and each coding covers the whole contribution, by coder ``cimt``. The
data stay in shared/; the texts are written to a scratch folder only to be imported.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO.parent / "shared" / "fixtures" / "coded-german"
CODER = "cimt"
CITIES = {"B": "Bonn", "E": "Köln-Ehrenfeld", "M": "Moers"}


@dataclass(frozen=True)
class Contribution:
    id: str
    text: str
    url: str
    level1: tuple[str, ...]
    level2: tuple[str, ...]


def read_fixture(folder: Path = FIXTURE) -> list[Contribution]:
    rows = []
    for level in (1, 2):
        with (folder / f"cimt_cycling_dialogues_level{level}.csv").open(
                encoding="utf-8", newline="") as handle:
            rows.append(list(csv.DictReader(handle)))
    return [Contribution(one["id"], one["text"], one["url"], _codes(one), _codes(two))
            for one, two in zip(*rows, strict=True)]


def _codes(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(code for code in row["codes"].split("|") if code)


def sample(contributions: list[Contribution], size: int | None, seed: int
           ) -> list[Contribution]:
    if size is None or size >= len(contributions):
        return contributions
    return sorted(random.Random(seed).sample(contributions, size), key=lambda c: c.id)


def parents(contributions: list[Contribution]) -> dict[str, str]:
    """Each level-2 code's parent: the level-1 code it co-occurs with most."""
    together: dict[str, Counter[str]] = {}
    for c in contributions:
        for code in c.level2:
            together.setdefault(code, Counter()).update(c.level1)
    return {code: counts.most_common(1)[0][0] for code, counts in together.items() if counts}


def write_project_files(contributions: list[Contribution], folder: Path,
                        fold_of: dict[str, str] | None = None) -> tuple[Path, Path]:
    """The texts and their manifest in ``folder/texts``, the codebook; returns both paths."""
    texts = folder / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    documents = []
    for c in contributions:
        (texts / f"{c.id}.txt").write_text(c.text + "\n", encoding="utf-8")
        documents.append({"file": f"{c.id}.txt", "name": c.id,
                          "municipality": CITIES.get(c.id[:1], c.id[:1]),
                          "variables": {"url": c.url, **({"fold": fold_of[c.id]}
                                                         if fold_of else {})}})
    (texts / "manifest.yaml").write_text(
        yaml.safe_dump({"documents": documents}, allow_unicode=True), encoding="utf-8")
    under = parents(contributions)
    level1 = sorted({code for c in contributions for code in c.level1} | set(under.values()))
    codebook = {"title": "CIMT Cycling Dialogues (Romberg & Escher 2022, CC BY-SA 4.0)",
                "codes": [{"name": top, "codes": [{"name": sub} for sub in sorted(under)
                                                  if under[sub] == top]} for top in level1]}
    for entry in codebook["codes"]:
        if not entry["codes"]:
            del entry["codes"]
    path = folder / "codebook.yaml"
    path.write_text(yaml.safe_dump(codebook, allow_unicode=True), encoding="utf-8")
    return texts, path


def code_paths(contributions: list[Contribution], c: Contribution) -> list[str]:
    under = parents(contributions)
    return [*c.level1, *(f"{under[code]}/{code}" for code in c.level2)]


def import_fixture(store, folder: Path, contributions: list[Contribution],  # type: ignore[no-untyped-def]
                   fold_of: dict[str, str] | None = None) -> None:
    """Documents, manifest, codebook and the people's codings into ``store`` (``fold_of``:
    a document variable ``fold`` per contribution id)."""
    from sqlalchemy import func, select

    from qualcode.codebook.parse import read_codebook
    from qualcode.codebook.sync import load_codebook
    from qualcode.models import Document, DocumentVersion
    from qualcode.services.coding_import import import_codings
    from qualcode.services.importing import import_paths

    texts, codebook = write_project_files(contributions, folder, fold_of)
    load_codebook(store, read_codebook(codebook))
    report = import_paths(store, [texts], strict=True)  # one transaction: one sync to disk
    assert not report.failed, report.failed[:3]
    with store.read() as session:
        lengths = dict(session.execute(
            select(Document.name, func.length(DocumentVersion.text))
            .join(DocumentVersion, DocumentVersion.document_id == Document.id)).all())
    rows = folder / "codings.csv"
    with rows.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["document", "coder", "code", "start", "end"])
        for c in contributions:
            for path in code_paths(contributions, c):
                writer.writerow([c.id, CODER, path, 0, lengths[c.id]])
    import_codings(store, rows)
