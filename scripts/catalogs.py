"""Extract, update, compile and check qualcode's translation catalogs (Babel).

    python scripts/catalogs.py update        # sources -> qualcode.pot -> de .po (kept
                                             # translations) -> .mo
    python scripts/catalogs.py check         # exit 1 when a catalog is stale or incomplete
    python scripts/catalogs.py merge OTHER.po   # take translations from another branch's .po

Message ids are English; the German catalog is src/qualcode/locale/de/LC_MESSAGES/qualcode.po.
Terms follow docs/glossary.md. The compiled .mo files are committed so that a plain
``pip install`` has them; ``check`` (run by the test suite) fails when they lag behind.

A second catalog, ``click.po`` in the same folder, holds the words of click and typer
themselves (Usage:, Options:, "No such option", ...), extracted from the installed packages;
the CLI binds it as the global gettext domain (qualcode/cli/language.py). Its ids follow the
installed click version: ``check`` fails when click has a message the catalog lacks, not when
the catalog still has one an older click used.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
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
CLICK_HEADER = "Translations of click's and typer's own words, as qualcode's CLI shows them"
# Fixed, so that an update without new messages changes nothing (no churn, no merge conflicts).
DATED = datetime(2026, 12, 1, tzinfo=UTC)


def new_catalog(header: str) -> Catalog:
    return Catalog(project="qualcode", version="1", header_comment=f"# {header}",
                   copyright_holder="the qualcode developers", msgid_bugs_address="",
                   creation_date=DATED, revision_date=DATED, fuzzy=False)


def extract() -> Catalog:
    catalog = new_catalog(HEADER)
    found = extract_from_dir(str(PACKAGE), METHODS, KEYWORDS, comment_tags=("i18n:",),
                             strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        path = (PACKAGE / filename).relative_to(ROOT).as_posix()
        catalog.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return catalog


def extract_click() -> Catalog:
    """The messages click and typer pass to the stdlib's gettext (typer: only its core; the
    rich help of typer/rich_utils.py is switched off in qualcode)."""
    import click
    import typer

    catalog = new_catalog(CLICK_HEADER)
    click_dir = Path(click.__file__).parent
    found = [("click/" + name, *rest) for name, *rest in
             extract_from_dir(str(click_dir), METHODS, KEYWORDS)]
    typer_core = Path(typer.__file__).parent / "core.py"
    found += [("typer/core.py", *item) for item in extract_from_file("python", typer_core,
                                                                      KEYWORDS)]
    for filename, lineno, message, _comments, context in found:
        catalog.add(message, None, [(filename, lineno)], context=context)
    return catalog


@dataclass(frozen=True)
class Domain:
    name: str
    header: str
    sources: Callable[[], Catalog]
    # qualcode's own catalog must hold exactly its sources' ids; click's may keep ids an
    # older click used, so that one .po serves the click versions pyproject.toml allows.
    exact: bool


DOMAINS = (Domain("qualcode", HEADER, extract, exact=True),
           Domain("click", CLICK_HEADER, extract_click, exact=False))


def po_path(lang: str, domain: str = "qualcode") -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"


def mo_path(lang: str, domain: str = "qualcode") -> Path:
    return po_path(lang, domain).with_suffix(".mo")


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


def updated(template: Catalog, lang: str, domain: Domain) -> Catalog:
    path = po_path(lang, domain.name)
    catalog = read(path, lang) if path.exists() else Catalog(locale=lang, project="qualcode")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.header_comment = f"# {domain.header}"
    catalog.fuzzy = False
    catalog.revision_date = DATED
    catalog.last_translator = "the qualcode developers"
    catalog.language_team = "German"
    return catalog


def update() -> None:
    for domain in DOMAINS:
        template = domain.sources()
        if domain.name == "qualcode":
            TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
            TEMPLATE.write_bytes(po_bytes(template))
        for lang in TRANSLATED:
            catalog = updated(template, lang, domain)
            po_path(lang, domain.name).parent.mkdir(parents=True, exist_ok=True)
            po_path(lang, domain.name).write_bytes(po_bytes(catalog))
            compiled = mo_bytes(read(po_path(lang, domain.name), lang))
            mo_path(lang, domain.name).write_bytes(compiled)
    missing = list(problems())
    print("\n".join(missing) if missing else "catalogs up to date and complete")


def _ids(catalog: Catalog) -> set[tuple[object, str | None]]:
    return {(m.id, m.context) for m in catalog if m.id}


def problems() -> Iterable[str]:
    """Why the committed catalogs do not match the sources, one line each."""
    for domain in DOMAINS:
        template = domain.sources()
        for lang in TRANSLATED:
            yield from domain_problems(template, lang, domain)


def domain_problems(template: Catalog, lang: str, domain: Domain) -> Iterable[str]:
    path = po_path(lang, domain.name)
    if not path.exists():
        yield f"{path.relative_to(ROOT)}: missing"
        return
    catalog = read(path, lang)
    for message_id, _context in sorted(_ids(template) - _ids(catalog), key=str):
        yield (f"{lang}/{domain.name}: not in the catalog (run scripts/catalogs.py update): "
               f"{message_id!r}")
    if domain.exact:
        for message_id, _context in sorted(_ids(catalog) - _ids(template), key=str):
            yield f"{lang}/{domain.name}: in the catalog but no longer in the sources: " \
                  f"{message_id!r}"
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            yield f"{lang}/{domain.name}: no German translation yet: {message.id!r}"
    compiled = mo_path(lang, domain.name)
    if not compiled.exists() or compiled.read_bytes() != mo_bytes(catalog):
        yield f"{compiled.relative_to(ROOT)}: not compiled from the .po file"


def merge(other: Path) -> None:
    """After a merge of branches: the German catalog for the merged sources, with the
    translations of both sides (ours kept, empty ones filled from the other .po file)."""
    theirs = {(m.id, m.context): m.string for m in read(other, "de") if m.id and m.string}
    catalog = updated(extract(), "de", DOMAINS[0])
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
