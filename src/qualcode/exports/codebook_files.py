"""The codebook as a file: YAML (loadable again), Markdown, Word or REFI-QDA .qdc.

Written like every export: atomically, and an existing file only with ``force``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.codebook import render
from qualcode.exports.files import write_with
from qualcode.exports.language import export_language
from qualcode.store import Store

if TYPE_CHECKING:
    from qualcode.codebook.tree import CodeInfo

FORMATS = ("yaml", "md", "docx", "qdc")


def codebook_text(codes: Sequence[CodeInfo], fmt: str, title: str | None = None,
                  lang: str = "de") -> str:
    """YAML or Markdown, for printing; ``lang``: the language of Markdown's words."""
    listed = list(codes)
    if fmt == "yaml":
        return render.to_yaml(listed, title)
    return render.to_markdown(listed, title, lang)


def write_codebook(store: Store, codes: Sequence[CodeInfo], fmt: str, target: Path, *,
                   title: str | None = None, lang: str | None = None,
                   force: bool = False) -> Path:
    """``lang``: the language of the words (None: the project's export language)."""
    if fmt == "qdc":
        from qualcode.exchange.refi import export_codebook

        return write_with(target, force, lambda path: export_codebook(store, path))
    chosen = export_language(store, lang)
    if fmt == "docx":
        return write_with(target, force,
                          lambda path: render.to_docx(list(codes), path, title, chosen))
    text = codebook_text(codes, fmt, title, chosen)
    return write_with(target, force,
                      lambda path: path.write_text(text, encoding="utf-8"))
