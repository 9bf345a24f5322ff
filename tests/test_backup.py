"""`qualcode db backup`: a consistent, atomic copy of an SQLite store, even under a writer."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode.services.codings import add_coding
from qualcode.store import open_store
from qualcode.store.backup import backup_store
from qualcode.store.mounts import NETWORK_FILE_SYSTEMS, network_file_system, network_warning
from qualcode.tui.app import QualcodeApp
from qualcode.tui.config import load_config
from tests.cli import assert_user_error, qualcode
from tests.helpers import add_interview, load_study_codebook

WRITER = """
import sys
from qualcode.services.codings import add_coding
from qualcode.store import open_store

store = open_store(sys.argv[1])
for i in range(1_000_000):
    add_coding(store, document="Interview Neuweiler", code="Wohnen und Unterbringung",
               coder="Jürgen", start=i % 50, end=i % 50 + 20, memo="„Grüße“ 🏠")
    if i == 20:
        print("schreibt", flush=True)
"""


def _codings(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM codings").fetchone()[0]


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.fixture
def coded_store(tmp_path: Path) -> Path:
    path = tmp_path / "Studie Größe.db"
    store = open_store(str(path))
    load_study_codebook(store)
    add_interview(store)
    for start in range(0, 40, 4):
        add_coding(store, document="Interview Neuweiler", code="Wohnen und Unterbringung",
                   coder="Anna", start=start, end=start + 3)
    store.close()
    return path


def test_the_backup_is_a_store_with_the_same_codings(coded_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "Sicherung Übung.db"
    done = qualcode("db", "backup", str(target), db=str(coded_store))
    assert done.code == 0, done.err
    assert str(target) in done.out
    assert _integrity(target) == "ok"
    assert _codings(target) == _codings(coded_store) == 10
    copy = open_store(str(target), upgrade=False)  # at the head revision already
    copy.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [coded_store.name, target.name, *[p.name for p in tmp_path.glob("*.db-*")]])
    assert not list(tmp_path.glob(".*partial*"))


def test_a_steady_writer_neither_stops_nor_breaks_the_backup(coded_store: Path,
                                                              tmp_path: Path) -> None:
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(coded_store)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "schreibt"
        calls: list[tuple[int, int]] = []

        def slowly(done: int, total: int, _what: str) -> None:
            calls.append((done, total))
            time.sleep(0.005)  # let the writer get in between

        before = _codings(coded_store)
        backup = threading.Thread(target=backup_store, daemon=True, args=(
            str(coded_store), tmp_path / "copy.db"), kwargs={"pages": 1, "progress": slowly})
        backup.start()
        backup.join(timeout=60)
        assert not backup.is_alive(), "the backup starts over with every write, never ending"
        after = _codings(coded_store)
    finally:
        writer.kill()
        writer.communicate()
    assert after > before  # the writer did write while the copy was made
    assert before <= _codings(tmp_path / "copy.db") <= after
    assert _integrity(tmp_path / "copy.db") == "ok"
    assert calls[-1][0] == calls[-1][1] and len(calls) > 10


def test_an_existing_file_is_replaced_only_with_force(coded_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "alt.db"
    target.write_bytes(b"alte Sicherung")
    refused = qualcode("db", "backup", str(target), db=str(coded_store))
    assert_user_error(refused, str(target), "already exists", "--force")
    assert target.read_bytes() == b"alte Sicherung"
    replaced = qualcode("db", "backup", str(target), "--force", db=str(coded_store))
    assert replaced.code == 0, replaced.err
    assert _codings(target) == 10


@pytest.mark.parametrize("name", ["Studie Größe.db", "Studie Größe.db-wal"])
def test_the_store_itself_is_no_target(coded_store: Path, name: str) -> None:
    before = coded_store.read_bytes()
    refused = qualcode("db", "backup", str(coded_store.with_name(name)), "--force",
                       db=str(coded_store))
    assert_user_error(refused, "is the store itself")
    assert coded_store.read_bytes() == before


def test_a_missing_store_or_folder_is_a_plain_error(coded_store: Path, tmp_path: Path) -> None:
    missing = tmp_path / "fehlt.db"
    assert_user_error(qualcode("db", "backup", str(tmp_path / "b.db"), db=str(missing)),
                      str(missing), "does not exist")
    assert not missing.exists() and not (tmp_path / "b.db").exists()
    assert_user_error(qualcode("db", "backup", str(tmp_path / "nirgends" / "b.db"),
                               db=str(coded_store)), "nirgends", "does not exist")
    assert_user_error(qualcode("db", "backup", str(tmp_path), db=str(coded_store)),
                      "is a folder")


def test_a_file_that_is_no_database_leaves_nothing_behind(tmp_path: Path) -> None:
    text = tmp_path / "notizen.db"
    text.write_text("Grüße aus Köln, kein SQLite", encoding="utf-8")
    refused = qualcode("db", "backup", str(tmp_path / "b.db"), db=str(text))
    assert_user_error(refused, str(text))
    assert "Köln" not in refused.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notizen.db"]


def test_an_unwritable_folder_is_a_plain_error(coded_store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "gesperrt"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if _writable(folder):  # root may write anywhere, but not into /proc
            folder = Path("/proc")
        refused = qualcode("db", "backup", str(folder / "b.db"), db=str(coded_store))
        assert_user_error(refused, str(folder / "b.db"), "cannot be written")
        assert not (folder / "b.db").exists()
    finally:
        (tmp_path / "gesperrt").chmod(0o700)


def _writable(folder: Path) -> bool:
    try:
        (folder / "probe").touch()
    except PermissionError:
        return False
    (folder / "probe").unlink()
    return True


@pytest.mark.postgres
def test_a_postgresql_store_points_to_pg_dump(pg_url: str, tmp_path: Path) -> None:
    open_store(pg_url).close()
    refused = qualcode("db", "backup", str(tmp_path / "b.db"), db=pg_url)
    assert_user_error(refused, "pg_dump")
    assert len(refused.err.strip().splitlines()) == 1
    assert not (tmp_path / "b.db").exists()


# A real /proc/mounts of a workstation with a NAS share, a home on sshfs and a VM share.
PROC_MOUNTS = """\
/dev/nvme0n1p2 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
tmpfs /tmp tmpfs rw,nosuid,nodev 0 0
nas.uni-koeln.de:/export/projekte /mnt/projekte nfs4 rw,relatime,vers=4.2 0 0
/dev/sdb1 /mnt/projekte/lokal ext4 rw,relatime 0 0
//fileserver/Forschung\\040Gruppe /media/Forschung\\040Gruppe cifs rw,vers=3.1.1 0 0
jürgen@rechner:/home/jürgen /home/jürgen/fern fuse.sshfs rw,nosuid,nodev 0 0
hostshare /mnt/host 9p rw,sync,dirsync,trans=virtio 0 0
/dev/sdc1 /mnt/projektematerial ext4 rw 0 0
"""

MOUNTINFO = """\
22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
35 22 0:45 / /srv/daten rw,relatime shared:20 - nfs 10.0.0.5:/daten rw,vers=3
"""


@pytest.mark.parametrize(("path", "expected"), [
    ("/mnt/projekte/Studie.db", "nfs4"),
    ("/mnt/projekte/lokal/Studie.db", None),  # a local disk mounted inside the share
    ("/mnt/projektematerial/Studie.db", None),  # a prefix of the name is no mount point
    ("/media/Forschung Gruppe/Köln.db", "cifs"),
    ("/home/jürgen/fern/Übung.db", "fuse.sshfs"),
    ("/home/jürgen/Übung.db", None),
    ("/mnt/host/qualcode.db", "9p"),
    ("/tmp/qualcode.db", None),
])
def test_the_longest_mount_point_names_the_file_system(path: str, expected: str | None) -> None:
    assert network_file_system(path, PROC_MOUNTS) == expected


def test_mountinfo_is_read_as_well() -> None:
    assert network_file_system("/srv/daten/a.db", MOUNTINFO) == "nfs"
    assert network_file_system("/srv/a.db", MOUNTINFO) is None
    assert network_file_system("/srv/a.db", "") is None


def test_the_warning_names_the_store_and_the_file_system() -> None:
    warning = network_warning("sqlite:////mnt/projekte/Studie.db", PROC_MOUNTS)
    assert warning is not None
    assert "/mnt/projekte/Studie.db" in warning and "nfs4" in warning
    assert network_warning("postgresql+psycopg://anna@server/qualcode", PROC_MOUNTS) is None


def test_a_local_store_gives_no_warning(coded_store: Path) -> None:
    assert network_warning(f"sqlite:///{coded_store}") is None  # the machine's own table
    done = qualcode("status", db=str(coded_store))
    assert done.code == 0 and "Warning" not in done.err


async def test_the_tui_shows_the_warning(coded_store: Path, tmp_path: Path) -> None:
    store = open_store(str(coded_store))
    mount_table = f"/dev/sda1 / ext4 rw 0 0\nnas:/x {coded_store.parent} nfs4 rw 0 0\n"
    app = QualcodeApp(store, load_config(tmp_path / "config.toml"), coder="Anna",
                      mount_table=mount_table)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            shown = [n.message for n in app._notifications]
            assert any("network file system (nfs4)" in m for m in shown), shown
    finally:
        store.close()


@pytest.mark.fuzz
@given(table=st.text(alphabet=st.sampled_from(list("/ -\\0145abnfs:\n\t")), max_size=300),
       path=st.sampled_from(["/", "/a/b.db", "/mnt/nfs/x.db"]))
def test_any_mount_table_gives_a_network_type_or_none(table: str, path: str) -> None:
    assert network_file_system(path, table) in {None, *NETWORK_FILE_SYSTEMS}
