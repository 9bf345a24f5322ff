"""Extract, update, compile and check qualcode's translation catalogs (Babel).

    python scripts/catalogs.py update        # sources -> qualcode.pot -> de .po (kept
                                             # translations) -> .mo
    python scripts/catalogs.py check         # exit 1 when a catalog is stale or incomplete
    python scripts/catalogs.py merge OTHER.po   # take translations from another branch's .po

Message ids are English; the German catalog is src/qualcode/locale/de/LC_MESSAGES/qualcode.po.
Terms follow docs/glossary.md. The compiled .mo files are committed so that a plain
``pip install`` has them; ``check`` (run by the test suite) fails when they lag behind.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "qualcode"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "qualcode.pot"
TRANSLATED = ("de",)
KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
METHODS = [("**.py", "python")]
HEADER = "Translations of qualcode (terms: docs/glossary.md)"
# Fixed, so that an update without new messages changes nothing (no churn, no merge conflicts).
DATED = datetime(2026, 12, 1, tzinfo=UTC)


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "qualcode.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def extract() -> Catalog:
    catalog = Catalog(project="qualcode", version="1", header_comment=f"# {HEADER}",
                      copyright_holder="the qualcode developers", msgid_bugs_address="",
                      creation_date=DATED, revision_date=DATED, fuzzy=False)
    found = extract_from_dir(str(PACKAGE), METHODS, KEYWORDS, comment_tags=("i18n:",),
                             strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        path = (PACKAGE / filename).relative_to(ROOT).as_posix()
        catalog.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return catalog


def read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=False,
             include_lineno=False)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def updated(template: Catalog, lang: str) -> Catalog:
    path = po_path(lang)
    catalog = read(path, lang) if path.exists() else Catalog(locale=lang, project="qualcode")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.header_comment = f"# {HEADER}"
    catalog.fuzzy = False
    catalog.revision_date = DATED
    catalog.last_translator = "the qualcode developers"
    catalog.language_team = "German"
    return catalog


def update() -> None:
    template = extract()
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE.write_bytes(po_bytes(template))
    for lang in TRANSLATED:
        catalog = updated(template, lang)
        po_path(lang).parent.mkdir(parents=True, exist_ok=True)
        po_path(lang).write_bytes(po_bytes(catalog))
        mo_path(lang).write_bytes(mo_bytes(read(po_path(lang), lang)))
    missing = list(problems())
    print("\n".join(missing) if missing else "catalogs up to date and complete")


def _ids(catalog: Catalog) -> set[tuple[object, str | None]]:
    return {(m.id, m.context) for m in catalog if m.id}


def problems() -> Iterable[str]:
    """Why the committed catalogs do not match the sources, one line each."""
    template = extract()
    for lang in TRANSLATED:
        path = po_path(lang)
        if not path.exists():
            yield f"{path.relative_to(ROOT)}: missing"
            continue
        catalog = read(path, lang)
        for message_id, _context in sorted(_ids(template) - _ids(catalog), key=str):
            yield f"{lang}: not in the catalog (run scripts/catalogs.py update): {message_id!r}"
        for message_id, _context in sorted(_ids(catalog) - _ids(template), key=str):
            yield f"{lang}: in the catalog but no longer in the sources: {message_id!r}"
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                yield f"{lang}: no German translation yet: {message.id!r}"
        if not mo_path(lang).exists() or mo_path(lang).read_bytes() != mo_bytes(catalog):
            yield f"{mo_path(lang).relative_to(ROOT)}: not compiled from the .po file"


def merge(other: Path) -> None:
    """After a merge of branches: the German catalog for the merged sources, with the
    translations of both sides (ours kept, empty ones filled from the other .po file)."""
    theirs = {(m.id, m.context): m.string for m in read(other, "de") if m.id and m.string}
    catalog = updated(extract(), "de")
    for message in catalog:
        found = theirs.get((message.id, message.context))
        empty = not message.string or (isinstance(message.string, tuple)
                                       and not all(message.string))
        if message.id and found and (empty or message.fuzzy):
            message.string = found
            message.flags.discard("fuzzy")
    po_path("de").write_bytes(po_bytes(catalog))
    update()


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
        return 0
    if argv[:1] == ["merge"] and len(argv) == 2:
        merge(Path(argv[1]))
        return 0
    if argv[:1] == ["check"]:
        found = list(problems())
        print("\n".join(found) if found else "catalogs up to date and complete")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
