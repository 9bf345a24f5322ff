"""Hostile input to the privacy check and the gate: findings or one UserError, nothing else."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode.errors import UserError
from qualcode.privacy.files import file_parts
from qualcode.privacy.review import accepted_keys


@pytest.mark.fuzz
@given(st.binary(max_size=2000))
def test_any_review_file_is_keys_or_a_user_error(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("review") / "review.json"
    path.write_bytes(data)
    try:
        keys = accepted_keys(path)
    except UserError as error:
        assert str(path) in str(error)
        return
    assert all(isinstance(k, str) for k in keys)


@pytest.mark.fuzz
@given(st.sampled_from([".docx", ".xlsx", ".qdpx", ".csv", ".md"]),
       st.dictionaries(st.sampled_from(["word/document.xml", "xl/sharedStrings.xml",
                                        "sources/a.txt", "docProps/core.xml"]),
                       st.binary(max_size=300), max_size=3),
       st.booleans())
def test_any_export_file_gives_parts_or_a_user_error(tmp_path_factory, suffix: str,
                                                     members: dict[str, bytes],
                                                     zipped: bool) -> None:
    path = tmp_path_factory.mktemp("export") / f"datei{suffix}"
    if zipped:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, content in members.items():
                archive.writestr(name, content)
        path.write_bytes(buffer.getvalue())
    else:
        path.write_bytes(b"".join(members.values()))
    try:
        parts = list(file_parts(path))
    except UserError as error:
        assert path.name in str(error)
        return
    assert all(isinstance(p.text, str) for p in parts)


def test_a_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"<a>" + b" " * (9 * 1024 * 1024) + b"</a>")
    with pytest.raises(UserError, match=r"bombe\.xlsx"):
        list(file_parts(path))
