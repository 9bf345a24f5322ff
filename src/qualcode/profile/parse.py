"""Reading a profile file (YAML) and turning stored JSON back into a profile.

A profile file is small and plain: at most 1 MB, no YAML anchors or aliases, no deeper
nesting than codebooks may have (``qualcode.safe_yaml``), every problem
named with the file and the field it is in.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from qualcode import safe_yaml
from qualcode.errors import InvalidInput
from qualcode.i18n import _
from qualcode.profile.spec import Attribution, Privacy, Profile, Variable

MAX_BYTES = 1024 * 1024
KINDS = ("text", "date", "integer")
GATES = ("stop", "warn")
LANGUAGES = ("de", "en")


def read_profile(path: Path) -> Profile:
    """The profile in ``path``; InvalidInput naming the file and field for any problem."""
    import yaml

    try:
        if path.stat().st_size > MAX_BYTES:
            raise InvalidInput(_("{path}: a profile may hold at most 1 MB.").format(path=path))
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(_("{path}: cannot be read ({strerror}).")
                           .format(path=path, strerror=exc.strerror)) from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(_("{path}: is not UTF-8 text.").format(path=path)) from exc
    try:
        refused = safe_yaml.refusal(text)
        if refused is not None:
            reason = (_("YAML anchors and aliases are not allowed in a profile")
                      if refused.kind == "alias" else refused.reason)
            raise InvalidInput(_("{path}: line {line}: {reason}.")
                               .format(path=path, line=refused.line, reason=reason))
        data = safe_yaml.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        message = (_("{path}: line {line}: not valid YAML.") if mark is not None
                   else _("{path}: not valid YAML."))
        line = mark.line + 1 if mark is not None else None
        raise InvalidInput(message.format(path=path, line=line)) from exc
    return profile_from(data, str(path))


def profile_from(data: Any, where: str) -> Profile:
    """A profile from parsed YAML or stored JSON (the same shape)."""
    top = _mapping(data, where, _("the file"))
    variables = tuple(_variable(item, where, n)
                      for n, item in enumerate(_list(top.get("variables", []), where,
                                                     "variables"), start=1))
    names = [v.name for v in variables]
    if len(set(names)) != len(names):
        raise InvalidInput(_("{where}: variables: a variable is named twice.").format(where=where))
    attribution = _attribution(_mapping(top.get("attribution", {}), where, "attribution"),
                               where, set(names))
    privacy = _mapping(top.get("privacy", {}), where, "privacy")
    gate = str(privacy.get("gate", "stop"))
    if gate not in GATES:
        raise InvalidInput(_("{where}: privacy.gate must be 'stop' or 'warn'.").format(where=where))
    k = privacy.get("k", 3)
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 100:
        raise InvalidInput(_("{where}: privacy.k must be a whole number from 1 to 100.")
                           .format(where=where))
    language = str(top.get("export_language", "de"))
    if language not in LANGUAGES:
        raise InvalidInput(_("{where}: export_language must be one of {choices}.")
                           .format(where=where, choices=", ".join(LANGUAGES)))
    shown = {what: tuple(str(v) for v in _list(top.get(what, []), where, what))
             for what in ("document_list", "quote_columns")}
    for what, chosen in shown.items():
        if unknown := [n for n in chosen if n not in names]:
            raise InvalidInput(_("{where}: {what} names {unknown!r}, which is not a variable of "
                                 "the profile.").format(where=where, what=what, unknown=unknown[0]))
    cases = top.get("cases")
    if cases is not None and cases not in names:
        raise InvalidInput(_("{where}: cases names {cases!r}, which is not a variable.")
                           .format(where=where, cases=cases))
    study = top.get("study")
    if not isinstance(study, str) or not study.strip():
        raise InvalidInput(_("{where}: study: the profile needs the study's name.")
                           .format(where=where))
    return Profile(study.strip(), variables, attribution, shown["document_list"],
                   shown["quote_columns"], language, Privacy(gate, k), cases)


def profile_to_json(profile: Profile) -> str:
    data = asdict(profile)
    data["privacy"] = asdict(profile.privacy)
    data["cases"] = data.pop("case_variable")
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def profile_from_json(text: str) -> Profile:
    return profile_from(json.loads(text), _("the stored profile"))


def _variable(item: Any, where: str, number: int) -> Variable:
    fields = _mapping(item, where, f"variables[{number}]")
    name = fields.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(_("{where}: variables[{number}] has no name.")
                           .format(where=where, number=number))
    kind = str(fields.get("kind", "text"))
    if kind not in KINDS:
        raise InvalidInput(_("{where}: variable {name!r}: kind must be one of {choices}.")
                           .format(where=where, name=name, choices=", ".join(KINDS)))
    values = tuple(str(v) for v in _list(fields.get("values", []), where, f"{name}.values"))
    aliases = {str(k): str(v) for k, v in
               _mapping(fields.get("aliases", {}), where, f"{name}.aliases").items()}
    if values and any(v not in values for v in aliases.values()):
        raise InvalidInput(_("{where}: variable {name!r}: an alias names a value that is not "
                             "among its values.").format(where=where, name=name))
    return Variable(name.strip(), str(fields.get("label") or name).strip(), values, aliases,
                    kind)


def _attribution(fields: dict[str, Any], where: str, names: set[str]) -> Attribution:
    anonymous = tuple(str(v) for v in _list(fields.get("anonymous", []), where,
                                            "attribution.anonymous"))
    used = [fields.get("place"), fields.get("place_kind"), *anonymous]
    unknown = [n for n in used if n is not None and n not in names]
    if unknown:
        raise InvalidInput(_("{where}: attribution names {unknown!r}, which is not a variable of "
                             "the profile.").format(where=where, unknown=unknown[0]))
    prefixes = {str(k): str(v) for k, v in
                _mapping(fields.get("place_prefix", {}), where, "place_prefix").items()}
    return Attribution(fields.get("place"), fields.get("place_kind"), prefixes, anonymous,
                       str(fields.get("fallback_role") or "Gesprächspartner:in"))


def _mapping(value: Any, where: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(_("{where}: {what} must be a mapping of names to values.")
                           .format(where=where, what=what))
    return value


def _list(value: Any, where: str, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInput(_("{where}: {what} must be a list.").format(where=where, what=what))
    return value
