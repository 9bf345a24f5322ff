"""The consensus coder holds exactly the codings a reviewer settled on, nothing else.

Each test names the stored rows it expects (document version, code, offsets, text, memo) and
the counts a reviewer reads (copied, already there), so that a seed or resolve that copies
a wrong, an extra or a missing coding fails. Written against the mutants that survived
mutation testing of agreement/consensus.py (docs/mutation/agreement.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from qualcode.agreement.consensus import open_disagreements, resolve, seed
from qualcode.codebook.parse import parse_codebook
from qualcode.codebook.sync import load_codebook
from qualcode.errors import InvalidInput
from qualcode.models import AuditEntry, Code, Coder, Coding, DocumentVersion
from qualcode.services.codings import add_coding, update_coding
from qualcode.services.documents import NewDocument, add_document
from qualcode.services.history import undo
from qualcode.services.importing import import_paths
from qualcode.store import Store, open_store
from tests.cli import assert_user_error, qualcode
from tests.helpers import dump

CODEBOOK = "title: Konsens\ncodes:\n  - name: Wohnen\n  - name: Arbeit\n  - name: Behörden\n"
TEXT = ("I: Wie war die Ankunft im Frühjahr 2022?\n"
        "B: Die Ausländerbehörde hat schnell reagiert. 🙂\n"
        "I: Und die Unterkunft?\n"
        "B: Zuerst die Turnhalle, dann „Container“ am Stadtrand.\n"
        "I: Gab es Arbeit?\n"
        "B: Später im Bauhof – für Herrn Öztürk ein Glück.\n")


def at(phrase: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def new_store(tmp_path: Path) -> Store:
    store = open_store(str(tmp_path / "konsens.db"))
    load_codebook(store, parse_codebook(CODEBOOK))
    return store


def code(store: Store, coder: str, code_name: str, span: tuple[int, int], *,
         document: str = "Gespräch Talbrück", memo: str | None = None) -> int:
    return add_coding(store, document=document, code=code_name, coder=coder, start=span[0],
                      end=span[1], memo=memo).id


def consensus_rows(store: Store, into: str = "consensus") -> list[tuple]:  # type: ignore[type-arg]
    """(version number, code, start, end, text, memo, is_voice) of the consensus coder."""
    with store.read() as session:
        return [tuple(row) for row in session.execute(
            select(DocumentVersion.number, Code.name, Coding.start, Coding.end, Coding.text,
                   Coding.memo, Coding.is_voice)
            .join(DocumentVersion, DocumentVersion.id == Coding.version_id)
            .join(Code, Code.id == Coding.code_id).join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.name == into).order_by(Coding.start, Code.name))]


@pytest.fixture
def talbrueck(tmp_path: Path) -> Store:
    """anna and björn agree exactly on Behörden and Arbeit; on Wohnen björn's coding covers
    20 of anna's 20 code points but is 26 long (77 %): agreed at 0.5, not at 0.9."""
    store = new_store(tmp_path)
    add_document(store, NewDocument("Gespräch Talbrück", TEXT))
    behoerde = code(store, "anna", "Behörden", at("Die Ausländerbehörde hat schnell reagiert."),
                    memo="klarer Fall – „schnell“")
    update_coding(store, behoerde, actor="anna", is_voice=True)
    code(store, "anna", "Wohnen", at("Zuerst die Turnhalle"))
    code(store, "anna", "Arbeit", at("Später im Bauhof"))
    code(store, "björn", "Behörden", at("Die Ausländerbehörde hat schnell reagiert."))
    code(store, "björn", "Wohnen", at("Zuerst die Turnhalle, dann"))
    code(store, "björn", "Arbeit", at("Später im Bauhof"))
    return store


def test_seed_copies_the_agreed_codings_with_memo_and_voice(talbrueck: Store) -> None:
    done = seed(talbrueck, ["anna", "björn"])
    assert (done.coder, done.copied, done.skipped) == ("consensus", 2, 0)
    assert consensus_rows(talbrueck) == [
        (1, "Behörden", *at("Die Ausländerbehörde hat schnell reagiert."),
         "Die Ausländerbehörde hat schnell reagiert.", "klarer Fall – „schnell“", True),
        (1, "Arbeit", *at("Später im Bauhof"), "Später im Bauhof", None, False)]


def test_seed_is_recorded_as_one_reviewer_batch_that_undo_removes(talbrueck: Store) -> None:
    seed(talbrueck, ["anna", "björn"])
    with talbrueck.read() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "consensus")
                                  .order_by(AuditEntry.id)).all()
        logged = [(e.actor, e.before, json.loads(e.after) if isinstance(e.after, str)
                   else e.after, e.batch) for e in entries]
    assert [actor for actor, *_ in logged] == ["reviewer", "reviewer"]
    assert all(before is None for _, before, _, _ in logged)
    assert [(after["start"], after["end"]) for _, _, after, _ in logged] == [
        at("Die Ausländerbehörde hat schnell reagiert."), at("Später im Bauhof")]
    assert len({batch for *_, batch in logged}) == 1
    reverted = undo(talbrueck, "reviewer")
    assert consensus_rows(talbrueck) == []
    assert reverted is not None


def test_seeding_again_copies_only_what_is_new(talbrueck: Store) -> None:
    assert seed(talbrueck, ["anna", "björn"]).copied == 2
    again = seed(talbrueck, ["anna", "björn"])
    assert (again.copied, again.skipped) == (0, 2)
    # At 0.5 the Wohnen coding agrees too; the two already copied are skipped, not repeated.
    wider = seed(talbrueck, ["anna", "björn"], overlap=0.5)
    assert (wider.copied, wider.skipped) == (1, 2)
    assert [(name, start) for _, name, start, *_ in consensus_rows(talbrueck)] == [
        ("Behörden", at("Die Ausländerbehörde")[0]), ("Wohnen", at("Zuerst")[0]),
        ("Arbeit", at("Später")[0])]


def test_seed_needs_every_other_coder_to_match(talbrueck: Store) -> None:
    code(talbrueck, "cem", "Behörden", at("Die Ausländerbehörde hat schnell reagiert."))
    done = seed(talbrueck, ["anna", "björn", "cem"], into="Konsens Team 1")
    assert (done.coder, done.copied) == ("Konsens Team 1", 1)
    assert [name for _, name, *_ in consensus_rows(talbrueck, "Konsens Team 1")] == ["Behörden"]
    assert consensus_rows(talbrueck) == []


def test_resolve_takes_the_chosen_coders_codings_of_that_code_in_the_range(
        tmp_path: Path) -> None:
    store = new_store(tmp_path)
    add_document(store, NewDocument("Gespräch Talbrück", TEXT))
    turnhalle, container = at("Zuerst die Turnhalle, "), at("dann „Container“")
    code(store, "anna", "Wohnen", turnhalle)              # ends where the range starts
    code(store, "anna", "Wohnen", container, memo="Übergang")
    code(store, "anna", "Wohnen", (container[1], container[1] + 13))  # starts at its end
    code(store, "anna", "Arbeit", container)              # another code
    code(store, "björn", "Wohnen", (container[0] + 5, container[1]))  # another coder
    done = resolve(store, document="Gespräch Talbrück", code="Wohnen", start=container[0],
                   end=container[1], take=["anna"])
    assert (done.coder, done.copied, done.skipped) == ("consensus", 1, 0)
    assert consensus_rows(store) == [(1, "Wohnen", *container, "dann „Container“", "Übergang",
                                      False)]
    with store.read() as session:
        assert session.scalars(select(AuditEntry.actor).where(
            AuditEntry.action == "consensus")).all() == ["reviewer"]


def test_resolve_with_two_coders_copies_both_and_identical_ones_once(
        talbrueck: Store) -> None:
    wohnen = resolve(talbrueck, document="Gespräch Talbrück", code="Wohnen",
                     start=at("Zuerst")[0], end=at("Zuerst")[1], take=["anna", "björn"])
    assert (wohnen.copied, wohnen.skipped) == (2, 0)
    assert [(s, e) for _, _, s, e, *_ in consensus_rows(talbrueck)] == [
        at("Zuerst die Turnhalle"), at("Zuerst die Turnhalle, dann")]
    same = resolve(talbrueck, document="Gespräch Talbrück", code="Behörden",
                   start=at("Ausländerbehörde")[0], end=at("Ausländerbehörde")[1],
                   take=["anna", "björn"])
    assert (same.copied, same.skipped) == (1, 1)
    assert len(consensus_rows(talbrueck)) == 3


def test_resolve_reads_the_current_version_of_a_revised_transcript(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    first = "I: Wo haben Sie gewohnt?\nB: Die Turnhalle war belegt. Dann kam der Container.\n"
    revised = ("I: Wo haben Sie zuerst gewohnt?\n"
               "B: Erst bei Frau Weiß. Dann kam der Container.\n")
    source = tmp_path / "talbrueck.txt"
    source.write_text(first, encoding="utf-8")
    import_paths(store, [source])
    code(store, "anna", "Wohnen", at("Die Turnhalle war belegt.", first), document="talbrueck")
    code(store, "anna", "Wohnen", at("Dann kam der Container.", first), document="talbrueck")
    source.write_text(revised, encoding="utf-8")
    assert import_paths(store, [source]).imported[0].version == 2
    done = resolve(store, document="talbrueck", code="Wohnen", start=0, end=len(revised),
                   take=["anna"])
    assert done.copied == 1  # the coding left unplaced on version 1 is not in this range
    assert consensus_rows(store) == [(2, "Wohnen", *at("Dann kam der Container.", revised),
                                      "Dann kam der Container.", None, False)]


def test_resolve_with_nobody_taken_copies_nothing(talbrueck: Store) -> None:
    done = resolve(talbrueck, document="Gespräch Talbrück", code="Wohnen", start=0,
                   end=len(TEXT), take=[])
    assert (done.coder, done.copied, done.skipped) == ("consensus", 0, 0)
    assert consensus_rows(talbrueck) == []


def places(found: list) -> list[tuple[str, str, int, int]]:  # type: ignore[type-arg]
    return [(d.document, d.code, d.start, d.end) for d in found]


def test_open_disagreements_drop_exactly_the_settled_ones(tmp_path: Path) -> None:
    """Three touching Wohnen codings of anna's; settling the middle one leaves its
    neighbours open, and a consensus coding in another document settles nothing here."""
    store = new_store(tmp_path)
    for name in ("Gespräch Talbrück", "Gespräch Neuweiler"):
        add_document(store, NewDocument(name, TEXT))
    first, middle = at("Zuerst die Turnhalle, "), at("dann „Container“")
    last = (middle[1], middle[1] + 13)
    for span in (first, middle, last):
        code(store, "anna", "Wohnen", span)
    code(store, "björn", "Arbeit", at("Später im Bauhof"))
    code(store, "anna", "Wohnen", middle, document="Gespräch Neuweiler")
    code(store, "björn", "Arbeit", at("Später im Bauhof"), document="Gespräch Neuweiler")
    before = open_disagreements(store, ["anna", "björn"], document="Gespräch Talbrück")
    assert places(before) == [("Gespräch Talbrück", "Arbeit", *at("Später im Bauhof")),
                              ("Gespräch Talbrück", "Wohnen", *first),
                              ("Gespräch Talbrück", "Wohnen", *middle),
                              ("Gespräch Talbrück", "Wohnen", *last)]
    assert [d.coded_by for d in before] == [{"anna": False, "björn": True}] + [
        {"anna": True, "björn": False}] * 3
    assert [d.text for d in before][1:3] == ["Zuerst die Turnhalle, ", "dann „Container“"]
    assert {d.unit for d in before} == {"segment"}
    resolve(store, document="Gespräch Talbrück", code="Wohnen", start=middle[0], end=middle[1],
            take=["anna"])
    after = open_disagreements(store, ["anna", "björn"], document="Gespräch Talbrück")
    assert places(after) == [("Gespräch Talbrück", "Arbeit", *at("Später im Bauhof")),
                             ("Gespräch Talbrück", "Wohnen", *first),
                             ("Gespräch Talbrück", "Wohnen", *last)]
    everywhere = open_disagreements(store, ["anna", "björn"])
    assert sorted(places(everywhere)) == sorted([
        ("Gespräch Neuweiler", "Arbeit", *at("Später im Bauhof")),
        ("Gespräch Neuweiler", "Wohnen", *middle), *places(after)])


def test_open_disagreements_use_the_overlap_asked_for(talbrueck: Store) -> None:
    strict = open_disagreements(talbrueck, ["anna", "björn"], document="Gespräch Talbrück")
    assert places(strict) == [("Gespräch Talbrück", "Wohnen", *at("Zuerst die Turnhalle")),
                              ("Gespräch Talbrück", "Wohnen", *at("Zuerst die Turnhalle, dann"))]
    assert open_disagreements(talbrueck, ["anna", "björn"], document="Gespräch Talbrück",
                              overlap=0.5) == []


@pytest.mark.parametrize("overlap", [0.0, 1.5, -0.2])
def test_seed_names_the_overlap_it_refuses(talbrueck: Store, overlap: float) -> None:
    before = dump(talbrueck)
    with pytest.raises(InvalidInput) as raised:
        seed(talbrueck, ["anna", "björn"], overlap=overlap)
    assert str(raised.value) == "--overlap must be a share between 0 and 1, such as 0.9."
    assert dump(talbrueck) == before


@pytest.mark.parametrize("overlap", ["0", "1.5", "-0.2"])
def test_seed_refuses_an_overlap_outside_0_1(talbrueck: Store, tmp_path: Path,
                                             overlap: str) -> None:
    """As agreement does: a share of 1.5 would silently agree on nothing."""
    before = dump(talbrueck)
    assert_user_error(qualcode("consensus", "seed", "--coders", "anna,björn", "--overlap",
                               overlap, db=str(tmp_path / "konsens.db")), "--overlap")
    assert dump(talbrueck) == before
