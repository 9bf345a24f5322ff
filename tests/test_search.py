"""Lemma search over real and demo German speech, filters, autocode and its undo."""

from __future__ import annotations

import csv
import os
import random
import re
from pathlib import Path

import pytest

from qualcode.errors import InvalidInput, NotFound
from qualcode.search.autocode import Scope, autocode
from qualcode.search.engine import Filters, search
from qualcode.services.history import redo, undo
from qualcode.services.importing import import_paths
from qualcode.services.status import status
from qualcode.transcripts.nlp import lemma
from tests.conftest import REPO
from tests.helpers import dump, import_demo, load_study_codebook

GERMEDIQ = REPO.parent / "shared" / "fixtures" / "transcripts" / "GerMedIQ__GerMedIQ-Human.csv"


def test_lemmas_of_plurals_and_compounds() -> None:
    pairs = {"Netzwerke": "netzwerk", "Netzwerken": "netzwerk", "Sprachkursen": "sprachkurs",
             "Helferkreise": "helferkreis", "Helferkreisen": "helferkreis",
             "Unterstützungsbedarfe": "unterstützungsbedarf", "Kommunen": "kommune",
             "Gemeinschaftsunterkünften": "gemeinschaftsunterkunft"}
    assert {word: lemma(word) for word in pairs} == pairs


def test_inflected_forms_phrases_and_operators(store) -> None:
    import_demo(store)
    hits = search(store, "Netzwerk").hits
    forms = {h.text for h in hits}
    assert {"Netzwerk", "Netzwerke", "Netzwerken"} <= forms
    assert all(lemma(h.text) == "netzwerk" for h in hits)
    phrase = search(store, '"runden Tisch"').hits
    assert phrase and all(h.text.lower() == "runden tisch" for h in phrase)
    both = search(store, "Helferkreis AND Ausländerbehörde")
    either = search(store, "Helferkreis OR Ausländerbehörde")
    helfer = search(store, "Helferkreis")
    without = search(store, "Helferkreis NOT Ausländerbehörde")
    assert both.turns + without.turns == helfer.turns
    assert either.turns >= helfer.turns > both.turns > 0
    grouped = search(store, "(Wohnung OR Unterkunft) AND Familie")
    assert grouped.turns > 0
    prefix = search(store, "Netz*").hits
    assert {h.text for h in prefix} >= {"Netzwerkkoordination", "Netzwerke"}


def test_kwic_snippet_and_location(sqlite_store) -> None:
    import_demo(sqlite_store)
    hit = next(h for h in search(sqlite_store, '"Koordinierungskreis Migration"').hits)
    assert hit.document == "Interview Kesselbrunn" and hit.speaker == "B"
    assert hit.role == "Integrationsbeauftragte"
    assert hit.left.endswith("Sie heißt heute ")
    assert hit.right.startswith(" und trifft sich alle zwei Wochen")


def test_filters_by_variable_and_role(store) -> None:
    import_demo(store)
    everywhere = search(store, "Ehrenamt*")
    in_focus = search(store, "Ehrenamt*", Filters(variables={"kind": ["focus group"]}))
    in_interviews = search(store, "Ehrenamt*", Filters(variables={"kind": ["interview"]}))
    assert in_focus.turns + in_interviews.turns == everywhere.turns
    assert {h.document for h in in_focus.hits} <= {"Fokusgruppe Kesselbrunn",
                                                   "Fokusgruppe Landkreis Moorwald"}
    by_role = search(store, "Ehrenamt*", Filters(roles=["Bürgermeister"]))
    assert by_role.hits and all("bürgermeister" in (h.role or "").lower() for h in by_role.hits)
    with pytest.raises(NotFound, match="'landkreis'"):
        search(store, "Ehrenamt", Filters(variables={"landkreis": ["x"]}))


@pytest.mark.parametrize("bad", ["", "(Netzwerk", "Netzwerk)", "AND", '""', "N*"])
def test_bad_queries_are_user_errors(sqlite_store, bad: str) -> None:
    with pytest.raises(InvalidInput):
        search(sqlite_store, bad)


def _germediq_transcripts(folder: Path, participants: int = 6) -> list[str]:
    if not GERMEDIQ.exists():
        message = f"{GERMEDIQ} is not there (shared fixtures beside the repository)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    rows = list(csv.DictReader(GERMEDIQ.open(encoding="utf-8"), delimiter=";"))
    words = []
    for participant in range(1, participants + 1):
        lines = ["Anamnesegespräch (GerMedIQ, CC BY 4.0)", ""]
        for row in rows:
            if row["participant_id"] == str(participant):
                lines += [f"I: {row['question']}", f"B: {row['response']}"]
                words += re.findall(r"[^\W\d_]{4,}", row["response"])
        (folder / f"teilnehmer-{participant}.txt").write_text("\n".join(lines), encoding="utf-8")
    return words


def test_every_word_of_real_german_speech_finds_its_turn(sqlite_store, tmp_path: Path) -> None:
    """Real answers (GerMedIQ): searching any word finds it, whatever its form."""
    words = _germediq_transcripts(tmp_path)
    report = import_paths(sqlite_store, [tmp_path])
    assert not report.failed and len(report.imported) == 6
    sample = random.Random(7).sample(sorted(set(words)), 300)
    missing = [w for w in sample if w not in {h.text for h in search(sqlite_store, w).hits}]
    assert missing == []
    plural = search(sqlite_store, "Schmerz").hits
    assert {"Schmerzen", "Schmerz"} <= {h.text for h in plural}


def test_sentences_of_real_speech_start_like_sentences(sqlite_store, tmp_path: Path) -> None:
    from sqlalchemy import select

    from qualcode.models import DocumentVersion, Segment

    _germediq_transcripts(tmp_path, participants=3)
    import_paths(sqlite_store, [tmp_path])
    with sqlite_store.read() as session:
        rows = session.execute(select(Segment.start, Segment.end, DocumentVersion.text).join(
            DocumentVersion).where(Segment.kind == "sentence")).all()
    starts = [text[start:end] for start, end, text in rows]
    assert len(starts) > 300
    assert [s for s in starts if s[0].islower()] == []
    assert [s for s in starts if s != s.strip() or not s] == []


def test_autocode_scopes_preview_and_single_undo(store) -> None:
    load_study_codebook(store)
    import_demo(store)
    before = dump(store, "codings")
    code = "Vernetzung und Kooperation in der Kommune"
    preview = autocode(store, "Netzwerk", code=code, coder="anna", dry_run=True)
    assert preview.created == len(search(store, "Netzwerk", limit=None).hits)
    assert dump(store, "codings") == before
    done = autocode(store, "Netzwerk", code=code, coder="anna", scope=Scope.sentence)
    assert done.created == status(store).codings > 0
    again = autocode(store, "Netzwerk", code=code, coder="anna", scope=Scope.sentence)
    assert again.created == 0 and again.already_coded == done.created
    turns = autocode(store, "Netzwerk", code=code, coder="björn", scope=Scope.turn)
    assert turns.created == search(store, "Netzwerk", limit=None).turns
    undo(store, "björn")
    undo(store, "anna")
    assert dump(store, "codings") == before
    redo(store, "anna")
    assert status(store).codings == done.created


def test_search_of_corpus_words_does_not_load_the_lemmatizer(tmp_path: Path) -> None:
    """The lexicon answers for every word the corpus has; simplemma's 100 MB stay out."""
    import subprocess
    import sys

    from qualcode.store import open_store

    db = tmp_path / "lexikon.db"
    store = open_store(str(db))
    import_demo(store)
    store.close()
    script = (
        "import sys\n"
        "from qualcode.store import open_store\n"
        "from qualcode.search.engine import search\n"
        f"store = open_store({str(db)!r})\n"
        "hits = search(store, 'Netzwerken OR Helferkreise').hits\n"
        "print(len(hits), 'simplemma' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    count, loaded = done.stdout.split()
    assert int(count) > 10 and loaded == "False"


def test_an_empty_lexicon_is_filled_by_the_first_search(tmp_path: Path) -> None:
    """Stores upgraded from revision 0002 have documents but no lexicon."""
    import subprocess
    import sys

    from sqlalchemy import delete, func, select

    from qualcode.models import LexiconEntry
    from qualcode.store import open_store

    db = tmp_path / "alt.db"
    store = open_store(str(db))
    import_demo(store)
    query = "Netzwerken OR Helferkreise OR „Straße der Begegnung“"
    expected = [(h.document, h.start, h.end) for h in search(store, query, limit=None).hits]
    with store.write() as session:
        session.execute(delete(LexiconEntry))
    found = [(h.document, h.start, h.end) for h in search(store, query, limit=None).hits]
    assert found == expected and len(found) > 10
    with store.read() as session:
        assert (session.scalar(select(func.count()).select_from(LexiconEntry)) or 0) > 1000
    store.close()
    script = (
        "import sys\n"
        "from qualcode.store import open_store\n"
        "from qualcode.search.engine import search\n"
        f"print(len(search(open_store({str(db)!r}), {query!r}).hits), "
        "'simplemma' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split()[1] == "False"


@pytest.mark.postgres
def test_a_reader_without_write_rights_still_searches(pg_url: str) -> None:
    import uuid

    from sqlalchemy import delete, text

    from qualcode.models import LexiconEntry
    from qualcode.store import open_store

    store = open_store(pg_url)
    import_demo(store)
    query = "Netzwerken OR Helferkreise"
    expected = [(h.document, h.start, h.end) for h in search(store, query, limit=None).hits]
    reader = "leser_" + uuid.uuid4().hex[:8]
    with store.write() as session:
        session.execute(delete(LexiconEntry))
        session.execute(text(f"CREATE ROLE {reader} LOGIN"))
        session.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}"))
    store.close()
    as_reader = open_store(pg_url.replace("://postgres@", f"://{reader}@"))
    found = [(h.document, h.start, h.end) for h in search(as_reader, query, limit=None).hits]
    as_reader.close()
    assert found == expected and len(found) > 10


def test_a_limited_search_still_counts_every_matching_turn(sqlite_store) -> None:
    from tests.helpers import import_demo

    import_demo(sqlite_store)
    everything = search(sqlite_store, "Ehrenamt*", limit=None)
    assert everything.turns > 2 and not everything.truncated
    first = search(sqlite_store, "Ehrenamt*", limit=2)
    assert first.turns == everything.turns and first.truncated
    turns_in_order = list(dict.fromkeys(h.turn_id for h in everything.hits))
    assert list(dict.fromkeys(h.turn_id for h in first.hits)) == turns_in_order[:2]
