"""Who a quote is attributed to, word for word (the name and place only with consent,
otherwise the stand-in, role and the profile's anonymous variables), and a quote table cell by
cell: speaker, turn, time mark, code, quote without time marks, context in whole words, the
filters and the list of replaced names (issue #12, mutation testing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qualcode.errors import InvalidInput, NotFound
from qualcode.exports.quotes import (
    QuoteFilter,
    Replacement,
    _SpeakerRow,
    attribution,
    consent_lists,
    quote_table,
)
from qualcode.profile.spec import STUDY, Attribution
from qualcode.services.codings import add_coding, update_coding
from qualcode.services.importing import import_paths
from qualcode.services.profile import load_profile_file
from qualcode.store import Store, open_store
from tests.conftest import REPO
from tests.helpers import load_study_codebook

GEMEINDE = {"municipality": "Lindau-Nord", "municipality_type": "Gemeinde",
            "bundesland": "Bayern"}


def speaker(name: str | None = "Jörg Strauß", *, consent: bool = True, role: str | None =
            "Kassenwart", pseudonym: str | None = "Herr T.") -> _SpeakerRow:
    return _SpeakerRow("TN5", name, role, consent, pseudonym)


@pytest.mark.parametrize(("variables", "expected"), [
    ({"municipality": "Köln", "municipality_type": "kreisfreie Stadt"}, "Jörg Strauß, Stadt Köln"),
    ({"municipality": "Neuss", "municipality_type": "kreisangehörige Stadt"},
     "Jörg Strauß, Stadt Neuss"),
    (GEMEINDE, "Jörg Strauß, Gemeinde Lindau-Nord"),
    # a place named with its prefix keeps it once
    ({"municipality": "Landkreis Moorwald", "municipality_type": "Landkreis"},
     "Jörg Strauß, Landkreis Moorwald"),
    ({"municipality": "Stadt Kesselbrunn", "municipality_type": "kreisfreie Stadt"},
     "Jörg Strauß, Stadt Kesselbrunn"),
    ({"municipality": "Kreis Lippe", "municipality_type": "Landkreis"},
     "Jörg Strauß, Kreis Lippe"),
    ({"municipality": "Stadt Bad Kesselbrunn", "municipality_type": "kreisfreie Stadt"},
     "Jörg Strauß, Stadt Bad Kesselbrunn"),
    # a kind without prefix, or none: the bare name; no place: the person alone
    ({"municipality": "Großweiler"}, "Jörg Strauß, Großweiler"),
    ({"municipality": "Großweiler", "municipality_type": "Amt"}, "Jörg Strauß, Großweiler"),
    ({"municipality": "", "municipality_type": "Gemeinde"}, "Jörg Strauß"),
    ({"bundesland": "Bayern"}, "Jörg Strauß"),
])
def test_who_agreed_is_named_with_the_place(variables: dict[str, str | None],
                                            expected: str) -> None:
    assert attribution(speaker(), variables, STUDY.attribution) == expected


@pytest.mark.parametrize(("who", "variables", "expected"), [
    (speaker(consent=False), GEMEINDE, "Herr T., Gemeinde, Bayern"),
    (speaker(consent=False, pseudonym=None), GEMEINDE, "Kassenwart, Gemeinde, Bayern"),
    (speaker(consent=False, pseudonym=None, role=None), GEMEINDE,
     "Gesprächspartner:in, Gemeinde, Bayern"),
    (None, GEMEINDE, "Gesprächspartner:in, Gemeinde, Bayern"),
    # consent without a name names no one
    (speaker(None), GEMEINDE, "Herr T., Gemeinde, Bayern"),
    (speaker(""), GEMEINDE, "Herr T., Gemeinde, Bayern"),
    # missing variables are left out, not shown empty
    (speaker(consent=False), {"municipality_type": "Gemeinde"}, "Herr T., Gemeinde"),
    (speaker(consent=False), {"bundesland": "Bayern", "municipality_type": None},
     "Herr T., Bayern"),
    (speaker(consent=False), {}, "Herr T."),
])
def test_who_did_not_agree_is_the_stand_in_or_role(who: _SpeakerRow | None,
                                                   variables: dict[str, str | None],
                                                   expected: str) -> None:
    assert attribution(who, variables, STUDY.attribution) == expected


def test_a_profile_without_place_or_anonymous_variables() -> None:
    bare = Attribution(fallback_role="Befragte Person")
    assert attribution(speaker(), GEMEINDE, bare) == "Jörg Strauß"
    assert attribution(None, GEMEINDE, bare) == "Befragte Person"
    own = Attribution(place="ort", place_kind="art", place_prefix={"Markt": "Markt"},
                      anonymous=("art",))
    assert attribution(speaker(), {"ort": "Fürth", "art": "Markt"}, own) == "Jörg Strauß, " \
        "Markt Fürth"
    assert attribution(speaker(consent=False), {"ort": "Fürth", "art": "Markt"}, own) == \
        "Herr T., Markt"


def test_the_study_rule_is_the_default() -> None:
    assert attribution(speaker(), GEMEINDE) == "Jörg Strauß, Gemeinde Lindau-Nord"


# -- a quote table ------------------------------------------------------------------------------

MANIFEST = """\
documents:
  - file: seedorf.txt
    name: Interview Seedorf
    kind: interview
    municipality: Seedorf
    municipality_type: Gemeinde
    bundesland: Schleswig-Holstein
    speakers:
      I: {role: Interviewerin}
      B: {role: Bürgermeisterin, name: Greta Hansen, consent: ja}
  - file: nordheim.txt
    name: Fokusgruppe Nordheim
    kind: focus group
    municipality: Nordheim
    municipality_type: kreisfreie Stadt
    bundesland: Niedersachsen
    speakers:
      TN1: {role: Sozialarbeiter, name: Olaf Petersen, consent: nein, pseudonym: Herr P.}
      TN2: {role: Ehrenamtliche}
      TN3: {name: Ute Lange, consent: nein}
      TN4: {role: Hausmeister, name: Kai Brandt, consent: nein}
"""
SEEDORF = ("I: Wie lief die Aufnahme?\n"
           "B: Wir haben #00:01:02-3# schnell gehandelt, sagt die Bürgermeisterin.\n")
NORDHEIM = ("TN1: Der Stab tagte täglich – Olaf Petersen hat’s koordiniert. #00:02:10-0#\n"
            "TN2: Ohne die Tafel wäre es nicht gegangen.\n"
            "TN3: Ja.\n"
            "TN4: Stimmt.\n")
SEE, NORD = "Interview Seedorf", "Fokusgruppe Nordheim"
KOOPERATION = "Vernetzung und Kooperation in der Kommune"
WOHNEN = "Wohnen und Unterbringung"
ENGAGEMENT = "Freiwilliges Engagement und Engagementlandschaft"


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = _build(tmp_path_factory.mktemp("quellen"))
    yield store  # read only: tests that add codings build their own
    store.close()


def _build(folder: Path) -> Store:
    (folder / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    (folder / "seedorf.txt").write_text(SEEDORF, encoding="utf-8")
    (folder / "nordheim.txt").write_text(NORDHEIM, encoding="utf-8")
    store = open_store(str(folder / "studie.db"))
    load_study_codebook(store)
    load_profile_file(store, REPO / "codebooks" / "demo.profile.yaml")
    assert import_paths(store, [folder]).failed == []
    for document, text, phrase, code, coder in [
        (SEE, SEEDORF, "Wir haben #00:01:02-3# schnell gehandelt", KOOPERATION, "anna"),
        (SEE, SEEDORF, "Aufnahme", WOHNEN, "anna"),
        (NORD, NORDHEIM, "Olaf Petersen hat’s koordiniert", WOHNEN, "björn"),
        (NORD, NORDHEIM, "Tafel", ENGAGEMENT, "anna"),
        (NORD, NORDHEIM, "TN2", ENGAGEMENT, "anna"),  # a speaker label: in no turn
    ]:
        start = text.index(phrase)
        made = add_coding(store, document=document, code=code, coder=coder, start=start,
                          end=start + len(phrase))
        if coder == "björn":
            update_coding(store, made.id, actor=coder, is_voice=True)
        if phrase.startswith("Wir"):
            update_coding(store, made.id, actor=coder,
                          memo="Greta Hansen stimmte zu, Olaf Petersen nicht.")
    return store


def test_every_cell_of_every_row(study: Store) -> None:
    table = quote_table(study, QuoteFilter(context=12))
    rows = [(q.document, q.variables, q.speaker, q.role, q.time_mark, q.theme, q.code, q.coder,
             q.quote, q.attribution, q.before, q.after, q.memo, q.start, q.end)
            for q in table.quotes]
    nordheim = (("Kommune", "Nordheim"), ("Art", "focus group"))
    seedorf = (("Kommune", "Seedorf"), ("Art", "interview"))
    assert rows == [
        (NORD, nordheim, "TN1", "Sozialarbeiter", "00:02:10-0", "Herausforderungen",
         f"Herausforderungen/{WOHNEN}", "björn", "[Herr P.] hat’s koordiniert",
         "Herr P., kreisfreie Stadt, Niedersachsen", "täglich –", ".", None, 30, 61),
        (NORD, nordheim, None, None, None, "Engagement", f"Engagement/{ENGAGEMENT}", "anna",
         "TN2", "Gesprächspartner:in, kreisfreie Stadt, Niedersachsen", "", ": Ohne die",
         None, 76, 79),
        (NORD, nordheim, "TN2", "Ehrenamtliche", None, "Engagement", f"Engagement/{ENGAGEMENT}",
         "anna", "Tafel", "Ehrenamtliche, kreisfreie Stadt, Niedersachsen", ": Ohne die",
         "wäre es", None, 90, 95),
        (SEE, seedorf, "I", "Interviewerin", None, "Herausforderungen",
         f"Herausforderungen/{WOHNEN}", "anna", "Aufnahme",
         "Interviewerin, Gemeinde, Schleswig-Holstein", "lief die", "? B: Wir", None, 16, 24),
        (SEE, seedorf, "B", "Bürgermeisterin", "00:01:02-3", "Vernetzung",
         f"Vernetzung/{KOOPERATION}", "anna", "Wir haben schnell gehandelt",
         "Greta Hansen, Gemeinde Seedorf", "? B:", ", sagt die",
         "Greta Hansen stimmte zu, [Herr P.] nicht.", 29, 69),
    ]
    assert table.replacements == [
        Replacement(NORD, 30, "Olaf Petersen", "[Herr P.]", "quote"),
        Replacement(SEE, 29, "Olaf Petersen", "[Herr P.]", "memo")]


def test_without_context_the_context_cells_are_empty(study: Store) -> None:
    table = quote_table(study, QuoteFilter())
    assert {(q.before, q.after) for q in table.quotes} == {("", "")}


def test_the_title_is_pseudonymised_and_listed(study: Store) -> None:
    table = quote_table(study, QuoteFilter(coders=["björn"]))
    assert table.pseudonymise_title("Stimmen aus Nordheim – Olaf Petersens Runde") == \
        "Stimmen aus Nordheim – [Herr P.]s Runde"
    assert table.pseudonymise_title("") == ""
    assert table.replacements[-1] == Replacement("", 0, "Olaf Petersens", "[Herr P.]s", "title")


@pytest.mark.parametrize(("wanted", "quotes"), [
    (QuoteFilter(roles=["BÜRGERMEISTER"]), ["Wir haben schnell gehandelt"]),
    (QuoteFilter(roles=["arbeiter", "ehrenamt"]), ["[Herr P.] hat’s koordiniert", "Tafel"]),
    (QuoteFilter(min_length=6), ["[Herr P.] hat’s koordiniert", "Aufnahme",
                                 "Wir haben schnell gehandelt"]),
    (QuoteFilter(max_length=8), ["TN2", "Tafel", "Aufnahme"]),
    (QuoteFilter(min_length=5, max_length=5), ["Tafel"]),
    (QuoteFilter(voices_only=True), ["[Herr P.] hat’s koordiniert"]),
    (QuoteFilter(coders=["björn", "anna"], variables={"kind": ["interview"]}),
     ["Aufnahme", "Wir haben schnell gehandelt"]),
    (QuoteFilter(variables={"municipality": ["Nordheim", "Seedorf"], "kind": ["focus group"]}),
     ["[Herr P.] hat’s koordiniert", "TN2", "Tafel"]),
    (QuoteFilter(codes=["Herausforderungen"]), ["[Herr P.] hat’s koordiniert", "Aufnahme"]),
    (QuoteFilter(codes=[WOHNEN, "Vernetzung"], subcodes=True),
     ["[Herr P.] hat’s koordiniert", "Aufnahme", "Wir haben schnell gehandelt"]),
    (QuoteFilter(codes=[WOHNEN], subcodes=False), ["[Herr P.] hat’s koordiniert", "Aufnahme"]),
])
def test_filters(study: Store, wanted: QuoteFilter, quotes: list[str]) -> None:
    assert [q.quote for q in quote_table(study, wanted).quotes] == quotes


@pytest.mark.parametrize(("wanted", "error", "message"), [
    (QuoteFilter(codes=["Herausforderungen"], subcodes=False), InvalidInput,
     "No coding matches these filters; there is nothing to export."),
    (QuoteFilter(roles=["Kämmerin"]), InvalidInput,
     "No coding matches these filters; there is nothing to export."),
    (QuoteFilter(coders=["anna", "jürgen"]), NotFound, "There is no coder 'jürgen'."),
    (QuoteFilter(variables={"landkreis": ["Nordheim"]}), NotFound,
     "No document has a variable 'landkreis'."),
])
def test_requests_that_find_nothing(study: Store, wanted: QuoteFilter, error: type,
                                    message: str) -> None:
    with pytest.raises(error) as caught:
        quote_table(study, wanted)
    assert str(caught.value) == message


def test_who_agreed_and_who_stands_in_for_whom(study: Store) -> None:
    with study.read() as session:
        refusing, agreeing = consent_lists(session)
    assert sorted(refusing) == [("Kai Brandt", "[Hausmeister]"), ("Olaf Petersen", "[Herr P.]"),
                                ("Ute Lange", "[Person]")]
    assert agreeing == ["Greta Hansen"]


def test_a_coding_that_cuts_a_name_shows_the_stand_in(tmp_path: Path) -> None:
    study = _build(tmp_path)
    start = NORDHEIM.index("Petersen")
    add_coding(study, document=NORD, code=WOHNEN, coder="carla", start=start + 3,
               end=start + 12)  # "ersen hat"
    table = quote_table(study, QuoteFilter(coders=["carla"], context=9))
    (quote,) = table.quotes
    # the name is judged whole on either side of the cut: no piece of it is left
    assert (quote.quote, quote.before, quote.after) == ("[Herr P.] hat", "[Herr P.]", "’s")
    study.close()


def test_context_never_shows_a_piece_of_a_time_mark(tmp_path: Path) -> None:
    study = _build(tmp_path)
    text = NORDHEIM
    for phrase, width in (("koordiniert", 4), ("koordiniert", 9), ("Ohne", 7), ("Ohne", 10)):
        start = text.index(phrase)
        add_coding(study, document=NORD, code=KOOPERATION, coder="dora", start=start,
                   end=start + len(phrase))
        table = quote_table(study, QuoteFilter(coders=["dora"], context=width))
        for quote in table.quotes:
            for cell in (quote.before, quote.after):
                assert "#" not in cell and "00:" not in cell and ":10" not in cell, cell
    ends = {(q.quote, q.after) for q in quote_table(
        study, QuoteFilter(coders=["dora"], context=9)).quotes}
    assert ("koordiniert", ".") in ends  # the mark is left out whole, the full stop stays
    study.close()
