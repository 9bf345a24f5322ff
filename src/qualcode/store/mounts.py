"""Is the SQLite store on a network file system? SQLite's locking is not reliable there.

The file system is the one of the mount with the longest mount point that contains the file,
read from Linux's mount table (/proc/self/mountinfo, else /proc/mounts); elsewhere nothing is
said. The lookup is a pure function of the table's text, so tests feed it real tables.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePosixPath

from qualcode.i18n import _
from qualcode.store.engine import is_sqlite

NETWORK_FILE_SYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "coda", "9p",
    "sshfs", "fuse.sshfs", "davfs", "fuse.davfs2", "fuse.rclone", "fuse.s3fs", "glusterfs",
    "fuse.glusterfs", "ceph", "fuse.ceph", "lustre", "gpfs", "beegfs", "vboxsf", "vmhgfs",
    "fuse.vmhgfs-fuse", "prl_fs",
})
MOUNT_TABLES = ("/proc/self/mountinfo", "/proc/mounts")


def network_file_system(path: str, mount_table: str) -> str | None:
    """The network file system type ``path`` (absolute) lies on, or None for a local one."""
    target = PurePosixPath(path)
    best: tuple[int, str] | None = None
    for mount_point, fs_type in _mounts(mount_table):
        point = PurePosixPath(mount_point)
        if (point == target or point in target.parents) and \
                (best is None or len(point.parts) >= best[0]):
            best = (len(point.parts), fs_type)
    if best is None or best[1] not in NETWORK_FILE_SYSTEMS:
        return None
    return best[1]


def _mounts(mount_table: str) -> list[tuple[str, str]]:
    """(mount point, file system type) per line, of either table format, escapes undone."""
    found = []
    for line in mount_table.splitlines():
        fields = line.split()
        if " - " in line:  # mountinfo: ID PARENT DEV ROOT POINT OPTIONS [TAGS...] - TYPE ...
            after = line.split(" - ", 1)[1].split()
            if len(fields) >= 5 and after:
                found.append((_unescape(fields[4]), after[0]))
        elif len(fields) >= 3:  # mounts: DEVICE POINT TYPE OPTIONS DUMP PASS
            found.append((_unescape(fields[1]), fields[2]))
    return found


def _unescape(field: str) -> str:
    r"""The kernel writes space, tab, newline and backslash in paths as \040, \011, \012, \134."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def network_warning(url: str, mount_table: str | None = None) -> str | None:
    """One sentence to warn with when the SQLite store at ``url`` is on a network file system.

    ``mount_table`` is read from /proc when not given; on systems without one, None.
    """
    if not is_sqlite(url):
        return None
    table = mount_table if mount_table is not None else _read_mount_table()
    if table is None:
        return None
    path = os.path.realpath(Path(url.removeprefix("sqlite:///")).expanduser())
    fs_type = network_file_system(path, table)
    if fs_type is None:
        return None
    return (_("Warning: the store {path} lies on a network file system ({fs_type}), where "
              "SQLite's locking is not reliable; keep it on a local disk (copy it with 'qualcode "
              "db backup') or use PostgreSQL.").format(path=path, fs_type=fs_type))


def _read_mount_table() -> str | None:
    if not sys.platform.startswith("linux"):
        return None
    for name in MOUNT_TABLES:
        try:
            with open(name, encoding="utf-8", errors="replace") as table:
                return table.read()
        except OSError:
            continue
    return None
