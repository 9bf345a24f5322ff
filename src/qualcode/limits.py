"""Size limits every reader enforces, and the guard for zip archives (.docx, .odt, .qdpx).

A reader refuses input beyond its limits with one sentence naming the file, before it reads
the content: a zip member's declared size is checked against the limits before it is opened
(Python's ``zipfile`` never returns more than a member declares, so the declaration binds),
and a member that expands far more than text does is refused as a zip bomb. The limits are
documented in ``docs/transcripts.md`` and ``docs/exchange.md``.
"""

from __future__ import annotations

import zipfile

from qualcode.errors import InvalidInput
from qualcode.i18n import _

MIB = 1024 * 1024
# Compressed text rarely shrinks below a 20th; a member past this ratio is a zip bomb.
MAX_COMPRESSION_RATIO = 100
# Small members may compress better than that (empty styles, repeated tags) and do no harm.
RATIO_CHECKED_FROM = 8 * MIB


def guard_zip(archive: zipfile.ZipFile, where: str, *, max_member: int, max_total: int,
              max_members: int = 100_000) -> None:
    """Refuse an archive whose members are too many, too large or expand suspiciously."""
    members = archive.infolist()
    if len(members) > max_members:
        raise InvalidInput(_("{where}: the archive holds {n:,} files, more than the limit of "
                             "{limit:,}.")
                           .format(where=where, n=len(members), limit=max_members))
    total = 0
    for member in members:
        size = member.file_size
        if size > max_member:
            raise InvalidInput(_("{where}: an archive member expands to {size}, more than the "
                                 "limit of {limit}.")
                               .format(where=where, size=_mib(size), limit=_mib(max_member)))
        ratio = size // max(member.compress_size, 1)
        if size >= RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO:
            raise InvalidInput(_("{where}: an archive member expands {ratio:,} times (more than "
                                 "{limit} times is refused as a zip bomb).")
                               .format(where=where, ratio=ratio, limit=MAX_COMPRESSION_RATIO))
        total += size
    if total > max_total:
        raise InvalidInput(_("{where}: the archive expands to {size}, more than the limit of "
                             "{limit}.")
                           .format(where=where, size=_mib(total), limit=_mib(max_total)))


def open_zip(path: object, where: str, *, max_member: int, max_total: int) -> zipfile.ZipFile:
    """Open a zip archive and check its members against the limits (the caller closes it)."""
    try:
        archive = zipfile.ZipFile(path)  # type: ignore[arg-type]
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput(_("{where}: is not a readable zip archive.")
                           .format(where=where)) from exc
    try:
        guard_zip(archive, where, max_member=max_member, max_total=max_total)
    except BaseException:
        archive.close()
        raise
    return archive


def _mib(size: int) -> str:
    return f"{size / MIB:,.0f} MB"


# Transcripts (docs/transcripts.md): a text file, and the parts of a .docx or .odt. python-docx
# holds every part and the parsed XML in memory (a 20 MB document.xml peaked at 206 MB).
MAX_TRANSCRIPT_BYTES = 50 * MIB
MAX_DOCUMENT_MEMBER = 50 * MIB
MAX_DOCUMENT_TOTAL = 150 * MIB
# YAML written by hand (codebooks, manifests; docs/codebook-format.md): no anchors or aliases.
MAX_YAML_BYTES = 5 * MIB
MAX_YAML_DEPTH = 50
# Files checked by `qualcode privacy check --export` and review files read by `--accept`
# (docs/privacy.md): text files are read line by line, zip parts one at a time.
MAX_CHECKED_TEXT = 200 * MIB
MAX_CHECKED_MEMBER = 200 * MIB
MAX_CHECKED_TOTAL = 500 * MIB
MAX_REVIEW_BYTES = 50 * MIB
