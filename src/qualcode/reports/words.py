"""The words of the reports in German and English, and numbers written as each language does."""

from __future__ import annotations

LANGUAGES = ("de", "en")

UNIT_NAMES = {
    "de": {"paragraph": "Absatz", "turn": "Sprecherbeitrag", "sentence": "Satz",
           "character": "Zeichen", "segment": "kodiertes Segment"},
    "en": {"paragraph": "paragraph", "turn": "speaker turn", "sentence": "sentence",
           "character": "character", "segment": "coded segment"},
}

WORDS = {
    "de": {
        "agreement_title": "Intercoder-Übereinstimmung",
        "agreement_scope": "Kodierende: {coders}. {documents} Dokumente, Einheit: {unit}. "
                           "{codes} Codes im Vergleich, {used} davon verwendet.",
        "per_code": "Übereinstimmung je Code",
        "table_caption": "Kennwerte je Code (Anteile als Dezimalzahl)",
        "code": "Code", "units": "Einheiten", "percent": "Übereinstimmung",
        "interval": "95-%-Intervall (α)", "reading": "Bewertung",
        "good": "gut (α ≥ 0,800)", "tentative": "vorläufig (α ≥ 0,667)",
        "poor": "nicht akzeptabel (α < 0,667)", "not_used": "nicht verwendet",
        "degenerate": "nicht bestimmbar",
        "bands": "Bewertung nach Krippendorff (2004): α ≥ 0,800 gilt als verlässlich, "
                 "α ≥ 0,667 erlaubt vorläufige Schlüsse, darunter ist der Code nicht "
                 "verlässlich kodiert. Zeilen mit „✗“ liegen unter 0,667, „?“ im "
                 "vorläufigen Bereich.",
        "confusions": "Verwechselte Codes",
        "confusion_intro": "Wie oft auf derselben Einheit eine Person Code X und eine andere "
                           "stattdessen Code Y vergeben hat.",
        "confusion_title": "Verwechslungen zwischen Codes (Anzahl Einheiten)",
        "confusion_scale": "Einheiten",
        "confusion_caption": "Abbildung: Verwechslungen zwischen Codes",
        "confusion_table": "Verwechselte Code-Paare",
        "no_confusions": "Auf keiner Einheit hat eine Person einen Code und eine andere "
                         "stattdessen einen anderen vergeben.",
        "methods": "Methodenabschnitt", "methods_label": "Deutsch:",
        "cohen": "Cohens Kappa", "fleiss": "Fleiss' Kappa",
        "cohen_symbol": "Cohens κ", "fleiss_symbol": "Fleiss' κ", "alpha_symbol": "Krippendorffs α",
        "methods_text": (
            "Die Intercoder-Übereinstimmung wurde an {documents} Dokumenten geprüft, die "
            "{coders} Personen unabhängig voneinander kodierten. Analyseeinheit war der "
            "{unit}; für jede Einheit und jeden der {codes} verwendeten Codes wurde "
            "festgehalten, ob eine Person den Code vergeben hatte (nominal: vergeben / nicht "
            "vergeben). Dokumente, die eine Person noch nicht kodiert hatte, gingen als "
            "fehlende Werte ein. Berechnet wurden je Code die prozentuale Übereinstimmung, "
            "{kappa}, der Koeffizient nach Brennan und Prediger (1981) und Krippendorffs "
            "Alpha (nominal). Das mittlere Alpha über die verwendeten Codes betrug "
            "{mean_alpha}, das über alle Einheiten und Codes gepoolte Alpha {pooled_alpha}, "
            "die mittlere prozentuale Übereinstimmung {mean_percent}. {good} Codes erreichten "
            "α ≥ 0,800, {tentative} lagen zwischen 0,667 und 0,800, {poor} darunter. "
            "Berechnet mit qualcode {version}."),
        "methods_bootstrap": "Die Konfidenzintervalle für Alpha (95 %) beruhen auf {samples} "
                             "Bootstrap-Stichproben der Einheiten (Perzentilmethode).",
        "codebook_title": "Kodierleitfaden",
        "codebook_intro": "Kodierleitfaden nach Mayring: je Kategorie Definition, "
                          "Ankerbeispiel, Kodierregeln und Abgrenzung zu anderen Kategorien.",
        "definition": "Definition:", "anchor": "Ankerbeispiel:", "rules": "Kodierregeln:",
        "delimitation": "Abgrenzung:", "none": "(keine Angabe im Codebuch)",
        "rules_from_definition": "Kodiert wird, was die Definition beschreibt; "
                                 "Unterkategorien gehen vor, wo sie zutreffen.",
        "rules_theme": "Oberkategorie: kodiert wird mit ihren Unterkategorien; "
                       "die Oberkategorie selbst nur, wo keine zutrifft.",
        "confused_with": "Wurde in der Übereinstimmungsprüfung ({coders}) auf {count} "
                         "Einheiten mit „{other}“ verwechselt; prüfen Sie die Definitionen "
                         "beider Codes gegeneinander.",
        "no_delimitation": "Keine Verwechslungen in der Übereinstimmungsprüfung.",
        "no_coders": "Geben Sie --coders an, um Abgrenzungen aus der "
                     "Übereinstimmungsprüfung zu erhalten.",
        "overview": "Übersicht", "path": "Kategorie",
    },
    "en": {
        "agreement_title": "Inter-coder agreement",
        "agreement_scope": "Coders: {coders}. {documents} documents, unit: {unit}. "
                           "{codes} codes compared, {used} of them used.",
        "per_code": "Agreement per code",
        "table_caption": "Figures per code (shares as decimals)",
        "code": "Code", "units": "Units", "percent": "Agreement",
        "interval": "95% interval (α)", "reading": "Reading",
        "good": "good (α ≥ 0.800)", "tentative": "tentative (α ≥ 0.667)",
        "poor": "not acceptable (α < 0.667)", "not_used": "not used",
        "degenerate": "undefined",
        "bands": "Reading after Krippendorff (2004): α ≥ 0.800 is reliable, α ≥ 0.667 allows "
                 "tentative conclusions, below that the code is not reliably applied. Rows "
                 "marked “✗” are below 0.667, “?” in the tentative range.",
        "confusions": "Codes confused",
        "confusion_intro": "How often, on the same unit, one coder chose code X and another "
                           "chose code Y instead.",
        "confusion_title": "Confusions between codes (number of units)",
        "confusion_scale": "Units",
        "confusion_caption": "Figure: confusions between codes",
        "confusion_table": "Code pairs confused",
        "no_confusions": "On no unit did one coder choose a code and another a different one "
                         "instead.",
        "methods": "Methods paragraph", "methods_label": "English:",
        "cohen": "Cohen's kappa", "fleiss": "Fleiss' kappa",
        "cohen_symbol": "Cohen's κ", "fleiss_symbol": "Fleiss' κ",
        "alpha_symbol": "Krippendorff's α",
        "methods_text": (
            "Inter-coder agreement was assessed on {documents} documents coded independently "
            "by {coders} coders. The unit of analysis was the {unit}; for each unit and each "
            "of the {codes} codes used, we recorded whether a coder had applied the code "
            "(nominal: applied / not applied). Documents a coder had not yet coded entered as "
            "missing values. Per code we computed percent agreement, {kappa}, Brennan and "
            "Prediger's (1981) coefficient and Krippendorff's alpha (nominal). Mean alpha "
            "over the codes used was {mean_alpha}, alpha pooled over all units and codes "
            "{pooled_alpha}, mean percent agreement {mean_percent}. {good} codes reached "
            "α ≥ 0.800, {tentative} lay between 0.667 and 0.800, {poor} below. Computed with "
            "qualcode {version}."),
        "methods_bootstrap": "The 95% confidence intervals for alpha come from {samples} "
                             "bootstrap samples of the units (percentile method).",
        "codebook_title": "Coding guide",
        "codebook_intro": "Coding guide after Mayring's coding agenda: per category its "
                          "definition, anchor example, coding rules and delimitation from "
                          "other categories.",
        "definition": "Definition:", "anchor": "Anchor example:", "rules": "Coding rules:",
        "delimitation": "Delimitation:", "none": "(not given in the codebook)",
        "rules_from_definition": "Code what the definition describes; sub-categories take "
                                 "precedence where they apply.",
        "rules_theme": "Main category: code with its sub-categories; the main category "
                       "itself only where none of them applies.",
        "confused_with": "In the agreement check ({coders}) confused with “{other}” on "
                         "{count} units; check the definitions of both codes against each "
                         "other.",
        "no_delimitation": "No confusions in the agreement check.",
        "no_coders": "Give --coders to draw delimitations from the agreement check.",
        "overview": "Overview", "path": "Category",
    },
}


def words(language: str) -> dict[str, str]:
    return WORDS[language]


def number(value: float | None, language: str, digits: int = 3) -> str:
    """0.8123 -> "0,812" (de) or "0.812" (en); None -> "–"."""
    if value is None:
        return "–"
    written = f"{value:.{digits}f}"
    return written.replace(".", ",") if language == "de" else written
