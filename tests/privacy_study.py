"""A small fictional study with a manifest, for the privacy tests (not a test module)."""

from __future__ import annotations

from pathlib import Path

from qualcode.services.codings import add_coding
from qualcode.services.importing import import_paths
from qualcode.services.profile import load_profile_file
from qualcode.store import open_store
from tests.conftest import REPO
from tests.helpers import load_study_codebook

MANIFEST = """\
documents:
  - file: lindau.txt
    name: Fokusgruppe Lindau
    kind: focus group
    municipality: Lindau-Nord
    municipality_type: Gemeinde
    bundesland: Bayern
    speakers:
      TN1: {role: Moderatorin, name: Karin Vogt, consent: ja}
      TN2: {role: Kämmerer, name: Thomas Huber, consent: nein, pseudonym: Herr T.}
  - file: seedorf.txt
    name: Interview Seedorf
    kind: interview
    municipality: Seedorf
    municipality_type: Gemeinde
    bundesland: Bayern
    speakers:
      B: {role: Kämmerer, name: Jörg Strauß, consent: nein}
  - file: altmark.txt
    name: Interview Altmark
    kind: interview
    municipality: Altmark
    municipality_type: Gemeinde
    bundesland: Bayern
    speakers:
      B: {role: Kämmerer, name: Ulrich Brandt, consent: nein}
  - file: nordheim.txt
    name: Interview Nordheim
    kind: interview
    municipality: Nordheim
    municipality_type: kreisfreie Stadt
    bundesland: Hessen
    speakers:
      B: {role: Integrationsbeauftragte, name: Selin Aydın, consent: nein}
"""
TEXTS = {
    "lindau.txt": ("TN1: Willkommen, ich bin Karin Vogt. Wer fängt an?\n"
                   "TN2: Thomas Huber, Kämmerei. Die Kosten trägt bei uns der Kreis.\n"),
    "seedorf.txt": "B: Das Geld reicht nie, „so ist das“ – 🙂 sagt Herr Strauss selbst.\n",
    "altmark.txt": "B: Wir haben 53111 Euro beantragt und im Jahr 2015 bekommen.\n",
    "nordheim.txt": ("B: Rufen Sie Herrn Krause an, 0228 123456, oder schreiben Sie an "
                     "krause@nordheim.de. Olena Kovalenko hilft beim Übersetzen.\n"),
}
CODE = "Vernetzung und Kooperation in der Kommune"


def make_study(folder: Path, *, gate: str = "stop", k: int = 3, url: str | None = None) -> str:
    """The study in ``folder`` (or on the database ``url``); its profile is the study's with
    this gate and k. Returns the store's path or URL."""
    sources = folder / "studie"
    sources.mkdir()
    (sources / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    for name, text in TEXTS.items():
        (sources / name).write_text(text, encoding="utf-8")
    profile = (REPO / "codebooks" / "kommunale-resilienz.profile.yaml").read_text("utf-8")
    profile = profile.replace("gate: stop", f"gate: {gate}").replace("k: 3", f"k: {k}")
    (folder / "studie.profile.yaml").write_text(profile, encoding="utf-8")
    db = url or str(folder / "studie.db")
    store = open_store(db)
    load_study_codebook(store)
    load_profile_file(store, folder / "studie.profile.yaml")
    report = import_paths(store, [sources])
    assert report.failed == [], report.failed
    documents = {"lindau.txt": "Fokusgruppe Lindau", "seedorf.txt": "Interview Seedorf",
                 "altmark.txt": "Interview Altmark", "nordheim.txt": "Interview Nordheim"}
    for file, text in TEXTS.items():
        offset = 0
        for line in text.split("\n")[:-1]:
            start = offset + line.index(":") + 2
            add_coding(store, document=documents[file], code=CODE, coder="anna", start=start,
                       end=offset + len(line), memo="Notiz: klang müde")
            offset += len(line) + 1
    store.close()
    return db
