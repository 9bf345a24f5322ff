"""Each kind of finding: true positives, and near misses that must not be flagged."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode.privacy.check import Checker
from qualcode.privacy.findings import Part, passage_hash
from qualcode.privacy.identifiers import identifiers
from qualcode.privacy.names import NameFinder, first_names

FINDER = NameFinder([("Hans Müller", "[Herr M.]"), ("Li Wei", "[Frau L.]")], ["Karin Vogt"],
                    ["Kesselmeyer"])


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.found) for f in Checker(FINDER).check([Part("Dok", "text", text)])]


def kinds(text: str) -> set[str]:
    return {kind for kind, _ in found(text)}


@pytest.mark.parametrize(("text", "expected"), [
    ("Rufen Sie 0228 123456 an.", "0228 123456"),
    ("Handy: 0171/2345678, bitte.", "0171/2345678"),
    ("Unter +49 (0)30 1234567 erreichbar", "+49 (0)30 1234567"),
    ("Tel. 0049 221 9876543", "0049 221 9876543"),
])
def test_telephone_numbers(text: str, expected: str) -> None:
    assert ("phone", expected) in found(text)


@pytest.mark.parametrize("text", [
    "Im Jahr 2015 kamen 12000 Menschen.", "Es waren 0,5 Prozent.", "Am 01.02.2020 um 14 Uhr.",
    "Seite 0 von 3", "Die Quote lag bei 2022/2023.",
])
def test_numbers_that_are_no_telephone(text: str) -> None:
    assert "phone" not in kinds(text)


def test_e_mail_and_web_addresses() -> None:
    text = "Schreiben Sie an anna.krause@beispiel.de oder sehen Sie www.kesselbrunn.de/hilfe an."
    assert ("email", "anna.krause@beispiel.de") in found(text)
    assert ("web", "www.kesselbrunn.de/hilfe") in found(text)
    assert ("web", "https://example.org/a?b=1") in found("Link: https://example.org/a?b=1 ok")
    assert not {"email", "web"} & kinds("Das ist z.B. so, d.h. usw. – 3.5 Stellen, Nr. 4.")


def test_iban_with_checksum_only() -> None:
    assert ("iban", "DE89 3704 0044 0532 0130 00") in found(
        "Überweisen Sie auf DE89 3704 0044 0532 0130 00.")
    assert ("iban", "DE89370400440532013000") in found("IBAN DE89370400440532013000")
    assert "iban" not in kinds("IBAN DE89 3704 0044 0532 0130 01 (ein Tippfehler)")


def test_postcode_and_place_in_either_order() -> None:
    assert ("postcode_place", "53111 Bonn") in found("Wir sitzen in 53111 Bonn.")
    assert ("postcode_place", "Bonn 53111") in found("Adresse: Bonn 53111")
    for plain in ("Es kamen 53111 Menschen.", "Die Summe 53111 ist hoch.", "12345",
                  "Im Jahr 53111 nicht.", "Aktenzeichen 53111"):
        assert "postcode_place" not in kinds(plain), plain


def test_street_and_house_number() -> None:
    assert ("street", "Hauptstraße 12a") in found("Sie wohnt in der Hauptstraße 12a.")
    assert ("street", "Lindenweg 3") in found("am Lindenweg 3 in Moorwald")
    assert ("street", "Am Markt 7") in found("Das Büro Am Markt 7 ist offen.")
    for plain in ("Die Straße der Begegnung in Neuweiler", "Im Jahr 2015 war das so.",
                  "Die Hauptstraße war gesperrt."):
        assert "street" not in kinds(plain), plain


def test_dates_of_birth_but_not_other_dates_or_years() -> None:
    assert ("birth_date", "12.03.1971") in found("Sie ist geboren am 12.03.1971 in Köln.")
    assert ("birth_date", "3. Mai 1980") in found("geb. 3. Mai 1980")
    assert ("birth_date", "1964") in found("Geburtsjahr? Ich bin geboren 1964.")
    for plain in ("Der Helferkreis aus 2015 war da.", "Am 12.03.2022 war die Sitzung.",
                  "2015 kamen viele."):
        assert "birth_date" not in kinds(plain), plain


def test_car_number_plates() -> None:
    assert ("car_plate", "BN-AB 123") in found("Das Auto mit BN-AB 123 stand dort.")
    assert ("car_plate", "M XY 4711") in found("Kennzeichen M XY 4711")
    for plain in ("Wir fuhren über die A 7 nach Norden.", "Die B 27 war voll.",
                  "NRW und CDU sind gemeint."):
        assert "car_plate" not in kinds(plain), plain


def test_tax_and_social_insurance_numbers_with_checksums() -> None:
    assert ("tax_id", "36574261809") in found("Steuer-ID 36574261809")
    assert ("tax_id", "181/815/08155") in found("St.-Nr. 181/815/08155")
    assert "tax_id" not in kinds("Steuer-ID 36574261808")  # wrong check digit
    assert ("social_insurance", "15 070649 C 10 3") in found("SV-Nr. 15 070649 C 10 3")
    assert ("social_insurance", "65170839J003") in found("Nummer 65170839J003.")
    assert "social_insurance" not in kinds("SV-Nr. 15 070649 C 10 4")


def test_speakers_who_did_not_agree_in_every_form() -> None:
    text = ("Herrn Müller sagte ich: MÜLLER, müller, Mueller! Müllers Idee. Li hat recht, "
            "LI auch, Li Wei nicht. Hans kam.")
    names = {f for k, f in found(text) if k == "speaker_name"}
    assert {"Herrn Müller", "MÜLLER", "müller", "Mueller", "Müllers", "Li", "LI", "Li Wei",
            "Hans"} <= names
    assert not {k for k, f in found("Die Mühle, die Linde, das Lied und Politik.")}


def test_speakers_who_agreed_are_no_finding() -> None:
    assert found("Karin Vogt hier, und Frau Vogt sagt das auch.") == []


def test_other_peoples_names_by_honorific() -> None:
    text = "Herr Krause und Frau Dr. Yilmaz kamen; Frau Bürgermeisterin und Herr Landrat nicht."
    names = found(text)
    assert ("person_name", "Herr Krause") in names
    assert ("person_name", "Frau Dr. Yilmaz") in names
    assert all("Bürgermeisterin" not in f and "Landrat" not in f for _, f in names)


@pytest.mark.parametrize("name", ["Olena Kovalenko", "Mehmet Öztürk", "Fatma Demir",
                                  "Mohammed Al-Hassan", "Oleksandr Shevchenko", "Gerda Lindner"])
def test_first_name_and_surname_from_many_countries(name: str) -> None:
    assert ("person_name", name) in found(f"Gestern {name} angerufen.")


def test_first_name_list_is_the_shipped_dictionary() -> None:
    names = first_names()
    assert len(names) > 40_000
    assert {"olena", "mehmet", "fatma", "oleksandr", "ayşe", "karin"} <= names


def test_words_in_the_name_list_that_german_uses_anyway() -> None:
    for plain in ("Im Mai Sitzungen gehabt.", "Will Stadt das?", "Alle Kinder kamen.",
                  "Am Montag Termine."):
        assert "person_name" not in kinds(plain), plain


def test_stop_list_in_any_case_and_spelling() -> None:
    assert [k for k, _ in found("KESSELMEYER und Kesselmeyers Hof")] == ["stop_list"] * 2


def test_a_passage_marked_not_identifying_is_quiet() -> None:
    quiet = {("Dok", passage_hash("Herr Krause"))}
    checker = Checker(FINDER, quiet)
    assert checker.check([Part("Dok", "text", "Herr Krause kam.")]) == []
    assert checker.check([Part("Anderes", "text", "Herr Krause kam.")])


def test_offsets_are_code_points_and_context_surrounds() -> None:
    text = "🙂 „Herr Krause“ rief 0228 123456 an."
    findings = Checker(FINDER).check([Part("Dok", "text", text, offset=100)])
    for finding in findings:
        assert text[finding.start - 100:finding.end - 100] == finding.found
        assert f"[{finding.found}]" in finding.context


@pytest.mark.fuzz
@given(st.text(alphabet=st.sampled_from(list("0123456789 +/-().@AaBbÄäßDE:Herr Frau Müller\n")),
               max_size=300))
def test_any_text_gives_findings_within_it(text: str) -> None:
    for kind, start, end, _ in identifiers(text):
        assert 0 <= start < end <= len(text), kind
    for finding in Checker(FINDER).check([Part("Dok", "text", text)]):
        assert text[finding.start:finding.end] == finding.found
