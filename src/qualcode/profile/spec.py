"""What a project profile says, as plain values; the study's own profile is the default.

A study other than "Kommunale Resilienz" (schools with "Schulform" and "Bundesland", say)
writes its own profile file next to its codebook; nothing in the code names a variable.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Variable:
    """A document variable: its name in manifests and the store, and how people see it."""

    name: str
    label: str
    values: tuple[str, ...] = ()  # allowed values (empty: any)
    aliases: dict[str, str] = field(default_factory=dict)  # typed -> stored value
    kind: str = "text"  # "text" | "date" | "integer"

    def normalise(self, value: str) -> str | None:
        """The stored form of ``value``, or None when it is not allowed."""
        folded = value.casefold()
        for typed, stored in self.aliases.items():
            if typed.casefold() == folded:
                return stored
        if not self.values:
            return value
        return next((v for v in self.values if v.casefold() == folded), None)


@dataclass(frozen=True)
class Attribution:
    """How a quote names where it comes from.

    A speaker who agreed to be named: "Name, <place>", the place built from ``place``
    (a variable) with a prefix taken from ``place_prefix`` by the value of ``place_kind``.
    Anyone else: "<role>, <variables in anonymous>".
    """

    place: str | None = None
    place_kind: str | None = None
    place_prefix: dict[str, str] = field(default_factory=dict)
    anonymous: tuple[str, ...] = ()
    fallback_role: str = "Gesprächspartner:in"


@dataclass(frozen=True)
class Privacy:
    gate: str = "stop"  # "stop" | "warn"
    k: int = 3


@dataclass(frozen=True)
class Profile:
    study: str
    variables: tuple[Variable, ...]
    attribution: Attribution
    document_list: tuple[str, ...] = ()  # variables shown as columns of the document list
    quote_columns: tuple[str, ...] = ()  # variables shown as columns of quote tables
    export_language: str = "de"
    privacy: Privacy = field(default_factory=Privacy)
    case_variable: str | None = None  # documents sharing its value form one REFI-QDA case

    def variable(self, name: str) -> Variable | None:
        return next((v for v in self.variables if v.name == name), None)

    def label(self, name: str) -> str:
        found = self.variable(name)
        return found.label if found else name


STUDY = Profile(
    study="Kommunale Resilienz",
    variables=(
        Variable("kind", "Art", ("interview", "focus group"),
                 {"Interview": "interview", "Fokusgruppe": "focus group",
                  "focus_group": "focus group", "Gruppendiskussion": "focus group"}),
        Variable("municipality", "Kommune"),
        Variable("municipality_type", "Typ", ("kreisfreie Stadt", "kreisangehörige Stadt",
                                              "Landkreis", "Gemeinde")),
        Variable("bundesland", "Bundesland"),
        Variable("date", "Datum", kind="date"),
        Variable("participants", "Teilnehmende", kind="integer"),
    ),
    attribution=Attribution(
        place="municipality", place_kind="municipality_type",
        place_prefix={"kreisfreie Stadt": "Stadt", "kreisangehörige Stadt": "Stadt",
                      "Gemeinde": "Gemeinde", "Landkreis": "Landkreis"},
        anonymous=("municipality_type", "bundesland")),
    document_list=("kind", "municipality", "municipality_type"),
    quote_columns=("municipality", "kind"),
    export_language="de",
    case_variable="municipality",
)
