"""The zip guard refuses bombs and oversized members before anything is read."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from qualcode.errors import InvalidInput
from qualcode.limits import MIB, open_zip


def _archive(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path: Path) -> None:
    bomb = _archive(tmp_path / "bombe.docx", {"word/document.xml": b"\0" * (40 * MIB)})
    with pytest.raises(InvalidInput, match=r"bombe\.docx.*zip bomb"):
        open_zip(bomb, str(bomb), max_member=400 * MIB, max_total=800 * MIB)


def test_a_member_above_the_limit_is_refused(tmp_path: Path) -> None:
    big = _archive(tmp_path / "groß.qdpx", {"a.txt": "Müßiggang ".encode() * 300_000})
    with pytest.raises(InvalidInput, match="more than the limit of 1 MB"):
        open_zip(big, str(big), max_member=1 * MIB, max_total=10 * MIB)
    with pytest.raises(InvalidInput, match="archive expands to"):
        open_zip(big, str(big), max_member=10 * MIB, max_total=2 * MIB)


def test_an_ordinary_archive_opens(tmp_path: Path) -> None:
    plain = _archive(tmp_path / "interview.docx", {"word/document.xml": "Grüße".encode()})
    with open_zip(plain, str(plain), max_member=MIB, max_total=MIB) as archive:
        assert archive.read("word/document.xml").decode() == "Grüße"


def test_a_file_that_is_no_zip_is_a_user_error(tmp_path: Path) -> None:
    broken = tmp_path / "kaputt.docx"
    broken.write_bytes(b"PK\x03\x04 kein Archiv")
    with pytest.raises(InvalidInput, match=r"kaputt\.docx: is not a readable zip archive"):
        open_zip(broken, str(broken), max_member=MIB, max_total=MIB)
