"""The manifest beside the transcripts: what each file is and who speaks in it.

``manifest.yaml`` (or ``.yml``) holds everything, speakers nested per file;
``manifest.csv`` holds one row per file and an optional ``speakers.csv`` one
row per speaker. See ``docs/transcripts.md``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from qualcode import safe_yaml
from qualcode.errors import InvalidInput
from qualcode.i18n import _
from qualcode.limits import MAX_YAML_BYTES, MIB
from qualcode.profile.spec import STUDY, Profile, Variable
from qualcode.transcripts.turns import label_regex, normalise_label
from qualcode.transcripts.variables import VariableValue

MANIFEST_NAMES = ("manifest.yaml", "manifest.yml", "manifest.csv")
SPEAKER_FIELDS = ("label", "name", "role", "organisation", "consent", "pseudonym")
MAX_PATTERN_LENGTH = 200
YES = {"ja", "yes", "true", "1", "j", "y", "x"}
NO = {"nein", "no", "false", "0", "n", ""}


@dataclass
class SpeakerInfo:
    label: str
    name: str | None = None
    role: str | None = None
    organisation: str | None = None
    consent: bool = False
    pseudonym: str | None = None


@dataclass
class ManifestEntry:
    file: str
    name: str | None = None
    variables: list[VariableValue] = field(default_factory=list)
    speakers: dict[str, SpeakerInfo] = field(default_factory=dict)


@dataclass
class Manifest:
    path: Path
    entries: dict[str, ManifestEntry]
    speaker_patterns: list[str] = field(default_factory=list)

    def missing_files(self) -> list[str]:
        return [name for name in self.entries if not (self.path.parent / name).exists()]


def find_manifest(folder: Path) -> Path | None:
    for name in MANIFEST_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def read_manifest(path: Path, profile: Profile = STUDY) -> Manifest:
    """The manifest in ``path``; its document fields are the profile's variables."""
    text = _read_text(path)
    if path.suffix.lower() == ".csv":
        return _read_csv(path, text, profile)
    return _read_yaml(path, text, profile)


def _fields(profile: Profile) -> tuple[str, ...]:
    return ("file", "name", *(v.name for v in profile.variables))


def _read_text(path: Path) -> str:
    """The file as UTF-8 text, refused beyond the size limit before it is read."""
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise InvalidInput(_("{path}: is {size} MB, over the limit of {limit} MB for a "
                                 "manifest.")
                               .format(path=path, size=size // MIB,
                                       limit=MAX_YAML_BYTES // MIB))
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(_("{path}: cannot be read as UTF-8 ({reason}).")
                           .format(path=path, reason=_first_line(exc))) from exc


def _read_yaml(path: Path, text: str, profile: Profile) -> Manifest:
    try:
        refused = safe_yaml.refusal(text)
        if refused is not None:
            raise InvalidInput(_("{path}:{line}: {reason}.")
                               .format(path=path, line=refused.line, reason=refused.reason))
        data = safe_yaml.load(text)
    except yaml.YAMLError as exc:
        reason = _first_line(exc)
        raise InvalidInput(_("{path}: is not a readable YAML manifest ({reason}).")
                           .format(path=path, reason=reason)) from exc
    _check_text(path, data)
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise InvalidInput(_("{path}: a manifest needs a 'documents' list.").format(path=path))
    _check_keys(path, data, ("documents", "speaker_patterns"), str(path))
    patterns = _patterns(path, data.get("speaker_patterns") or [])
    entries: dict[str, ManifestEntry] = {}
    for number, row in enumerate(data["documents"], start=1):
        if not isinstance(row, dict):
            raise InvalidInput(_("{path}: document entry {number} is not a mapping.")
                               .format(path=path, number=number))
        where = _("{path}: document {file!s}").format(path=path, file=row.get("file", number))
        fields = _fields(profile)
        _check_keys(path, row, (*fields, "speakers", "variables"), where)
        entry = _entry(where, {k: v for k, v in row.items() if k in fields},
                       row.get("variables") or {}, profile)
        speakers = row.get("speakers") or {}
        if not isinstance(speakers, dict):
            raise InvalidInput(_("{where}: 'speakers' must map labels to speaker details.")
                               .format(where=where))
        for label, details in speakers.items():
            details = details or {}
            if isinstance(details, str):
                details = {"role": details}
            if not isinstance(details, dict):
                raise InvalidInput(_("{where}, speaker {label}: the details must be a mapping "
                                     "(role, name, organisation, consent, pseudonym).")
                                   .format(where=where, label=label))
            _check_keys(path, details, SPEAKER_FIELDS[1:], _("{where}, speaker {label}")
                        .format(where=where, label=label))
            entry.speakers[normalise_label(str(label))] = _speaker(
                where, {"label": str(label), **details})
        _add(path, entries, entry)
    return Manifest(path, entries, patterns)


def _patterns(path: Path, patterns: object) -> list[str]:
    """Extra label patterns, each valid alone and together with the built-in ones."""
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise InvalidInput(_("{path}: 'speaker_patterns' must be a list of regular expressions.")
                           .format(path=path))
    for pattern in patterns:
        if len(pattern) > MAX_PATTERN_LENGTH:
            raise InvalidInput(_("{path}: a speaker pattern is longer than {limit} "
                                 "characters.")
                               .format(path=path, limit=MAX_PATTERN_LENGTH))
        try:
            label_regex([pattern])
        except (re.error, RecursionError, OverflowError) as exc:
            raise InvalidInput(_("{path}: speaker pattern {pattern!r} is not a valid regular "
                                 "expression for a label ({reason}).")
                               .format(path=path, pattern=pattern,
                                       reason=_first_line(exc))) from exc
    return patterns


def _check_text(path: Path, data: object) -> None:
    """Refuse strings Python can hold but a store cannot (from YAML escapes)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and not _storable(value):
            raise InvalidInput(_("{path}: contains an escaped NUL (\\0) or lone surrogate "
                                 "(\\uD800 to \\uDFFF), which is not text.").format(path=path))


def _read_csv(path: Path, text: str, profile: Profile) -> Manifest:
    entries: dict[str, ManifestEntry] = {}
    known = _fields(profile)
    for line, row in _csv_rows(path, text, known, var_prefix="var_"):
        variables = {k.removeprefix("var_"): v for k, v in row.items() if k.startswith("var_")}
        fields = {k: v for k, v in row.items() if k in known}
        _add(path, entries, _entry(f"{path}:{line}", fields, variables, profile))
    speakers_path = path.with_name("speakers.csv")
    if speakers_path.exists():
        rows = _csv_rows(speakers_path, _read_text(speakers_path), ("file", *SPEAKER_FIELDS))
        for line, row in rows:
            entry = entries.get(row.get("file") or "")
            if entry is None:
                raise InvalidInput(_("{speakers_path}:{line}: file {file!r} is not in {manifest}.")
                                   .format(speakers_path=speakers_path, line=line,
                                           file=row.get("file"), manifest=path.name))
            speaker = _speaker(f"{speakers_path}:{line}",
                               {k: v for k, v in row.items() if k != "file"})
            entry.speakers[normalise_label(speaker.label)] = speaker
    return Manifest(path, entries)


def _csv_rows(path: Path, text: str, known: tuple[str, ...], var_prefix: str | None = None
              ) -> list[tuple[int, dict[str, str]]]:
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        reader = csv.DictReader(text.splitlines(), dialect=dialect)
        columns = [c.strip() for c in reader.fieldnames or []]
        rows = [(number, {k.strip(): (v or "").strip() for k, v in row.items()
                          if isinstance(k, str) and k and not isinstance(v, list)})
                for number, row in enumerate(reader, start=2)]
    except csv.Error as exc:
        raise InvalidInput(_("{path}: is not a readable CSV manifest ({reason}); use one "
                             "header line with ',', ';' or tab between columns.")
                           .format(path=path, reason=_first_line(exc))) from exc
    unknown = [c for c in columns
               if c not in known and not (var_prefix and c.startswith(var_prefix))]
    if unknown:
        names = ", ".join(known) + (f", {var_prefix}NAME" if var_prefix else "")
        raise InvalidInput(_("{path}: unknown column {unknown!r} (known columns: {names}).")
                           .format(path=path, unknown=unknown[0], names=names))
    return rows


def _storable(text: str) -> bool:
    """Text every store accepts: PostgreSQL refuses NUL, UTF-8 refuses lone surrogates."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_keys(path: Path, data: dict[str, Any], known: tuple[str, ...], where: str) -> None:
    unknown = [k for k in data if k not in known]
    if unknown:
        raise InvalidInput(_("{where}: unknown field {unknown!r} (known: {choices}).")
                           .format(where=where, unknown=unknown[0], choices=", ".join(known)))


def _add(path: Path, entries: dict[str, ManifestEntry], entry: ManifestEntry) -> None:
    if entry.file in entries:
        raise InvalidInput(_("{path}: the file {file!r} is listed twice.")
                           .format(path=path, file=entry.file))
    entries[entry.file] = entry


def _variable_value(where: str, variable: Variable, value: Any) -> VariableValue:
    """A manifest's value of a profile variable, checked and in its stored form."""
    if variable.kind == "date":
        return VariableValue(variable.name, _date(where, value), "date")
    if variable.kind == "integer":
        try:
            return VariableValue(variable.name, str(int(value)), "integer")
        except (TypeError, ValueError):
            raise InvalidInput(_("{where}: {name} is not a number.")
                               .format(where=where, name=variable.name)) from None
    text = str(value).strip()
    stored = variable.normalise(text)
    if stored is None:
        raise InvalidInput(_("{where}: the value of {name} is not one of {choices}.")
                           .format(where=where, name=variable.name,
                                   choices=", ".join(variable.values)))
    return VariableValue(variable.name, stored)


def _entry(where: str, fields: dict[str, Any], extra: dict[str, Any],
           profile: Profile) -> ManifestEntry:
    for name, value in (*fields.items(), *(extra.items() if isinstance(extra, dict) else ())):
        if isinstance(value, dict | list):
            raise InvalidInput(_("{where}: {name!s} must be a single value, not a list or "
                                 "mapping.")
                               .format(where=where, name=name))
    file = str(fields.get("file") or "").strip()
    if not file:
        raise InvalidInput(_("{where}: a manifest row has no 'file'.").format(where=where))
    if any(ch in file for ch in "/\\\x00"):
        raise InvalidInput(_("{where}: 'file' must be the name of a file in the manifest's "
                             "folder, without a path.").format(where=where))
    entry = ManifestEntry(file=file, name=_text(fields.get("name")))
    for variable in profile.variables:
        value = fields.get(variable.name)
        if value not in (None, ""):
            entry.variables.append(_variable_value(where, variable, value))
    if not isinstance(extra, dict):
        raise InvalidInput(_("{where}: 'variables' must be a mapping of names to values.")
                           .format(where=where))
    entry.variables.extend(VariableValue(str(k), _text(v)) for k, v in extra.items())
    return entry


def _speaker(where: str, fields: dict[str, Any]) -> SpeakerInfo:
    label = str(fields.get("label") or "").strip()
    if not label:
        raise InvalidInput(_("{where}: a speaker has no label.").format(where=where))
    if any(isinstance(value, dict | list) for value in fields.values()):
        raise InvalidInput(_("{where}: the details of speaker {label} must be single values.")
                           .format(where=where, label=label))
    consent = fields.get("consent", False)
    if not isinstance(consent, bool):
        word = str(consent).strip().lower()
        if word not in YES | NO:
            raise InvalidInput(_("{where}: the consent of speaker {label} is not yes/no.")
                               .format(where=where, label=label))
        consent = word in YES
    return SpeakerInfo(label=label, name=_text(fields.get("name")), role=_text(fields.get("role")),
                       organisation=_text(fields.get("organisation")), consent=consent,
                       pseudonym=_text(fields.get("pseudonym")))


def _date(where: str, value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise InvalidInput(_("{where}: the date is not a date (use 2023-12-14 or 14.12.2023).")
                       .format(where=where))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
