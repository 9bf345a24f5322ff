"""Writing the stored codebook out: YAML (the load format), Markdown and Word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from qualcode.codebook.tree import CodeInfo
from qualcode.i18n import words


def _nested(codes: list[CodeInfo]) -> list[dict[str, Any]]:
    entries: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for code in codes:
        entry: dict[str, Any] = {"name": code.name}
        for key, value in (("key", code.hotkey), ("colour", code.colour),
                           ("definition", code.definition), ("anchor", code.anchor_example)):
            if value:
                entry[key] = value
        entries[code.id] = entry
        if code.parent_id is None:
            roots.append(entry)
        else:
            entries[code.parent_id].setdefault("codes", []).append(entry)
    return roots


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_presenter)


def to_yaml(codes: list[CodeInfo], title: str | None = None) -> str:
    document: dict[str, Any] = {}
    if title:
        document["title"] = title
    document["codes"] = _nested(codes)
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _labels(lang: str) -> dict[str, str]:
    """The words of a codebook file in ``lang`` (the export language)."""
    w = words(lang)
    return {"title": w.pgettext("codebook file", "Codebook"),
            "path": w.pgettext("codebook file", "Path"),
            "key": w.pgettext("codebook file", "Key"),
            "definition": w.pgettext("codebook file", "Definition"),
            "anchor": w.pgettext("codebook file", "Anchor example")}


def to_markdown(codes: list[CodeInfo], title: str | None = None, lang: str = "de") -> str:
    said = _labels(lang)
    lines = [f"# {title or said['title']}", ""]
    for code in codes:
        heading = "#" * min(code.depth + 2, 6)
        key = f" ({said['key']} `{code.hotkey}`)" if code.hotkey else ""
        lines += [f"{heading} {code.name}{key}", ""]
        if code.definition:
            lines += [f"**{said['definition']}:** {code.definition}", ""]
        if code.anchor_example:
            lines += [f"**{said['anchor']}:** {code.anchor_example}", ""]
    return "\n".join(lines).rstrip() + "\n"


def to_docx(codes: list[CodeInfo], path: Path, title: str | None = None,
            lang: str = "de") -> None:
    from docx import Document
    from docx.shared import RGBColor

    said = _labels(lang)
    doc = Document()
    doc.add_heading(title or said["title"], level=0)
    for code in codes:
        heading = doc.add_heading(code.name, level=min(code.depth + 1, 9))
        if code.colour:
            heading.runs[0].font.color.rgb = RGBColor.from_string(code.colour.lstrip("#"))
        for field, value in (("path", code.path if code.depth else None),
                             ("key", code.hotkey), ("definition", code.definition),
                             ("anchor", code.anchor_example)):
            if value:
                paragraph = doc.add_paragraph()
                paragraph.add_run(f"{said[field]}: ").bold = True
                run = paragraph.add_run(value)
                run.italic = field == "anchor"
    doc.save(str(path))
