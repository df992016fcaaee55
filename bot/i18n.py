"""Translations of user-facing text (gettext domain ``nhacviec``).

Message ids are English; Vietnamese (``vi``) is the default language. Catalogs live
in ``locales/<lang>/LC_MESSAGES/nhacviec.po``; the compiled ``.mo`` files are not
kept in git and are rebuilt from the ``.po`` files when missing or older
(:func:`compile_catalogs`, run by ``scripts/test.sh``, ``scripts/run.sh`` and on
first use of :func:`translator`).

Adding a message:

1. Write it in code as ``_("Plan imported.")`` (``ngettext(singular, plural, n)``
   for counts); use ``{name}`` placeholders and ``str.format`` after translating.
2. Refresh the template and catalogs (configuration in ``babel.cfg``)::

       pybabel extract -F babel.cfg -o locales/nhacviec.pot .
       pybabel update -i locales/nhacviec.pot -d locales -D nhacviec

   or add the ``msgid``/``msgstr`` pair to each ``.po`` file by hand.
3. Fill in the Vietnamese ``msgstr`` in ``locales/vi/LC_MESSAGES/nhacviec.po``. An
   empty ``msgstr`` in the English catalog means "same as the msgid".
"""

from __future__ import annotations

import functools
import gettext
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import get_settings

DOMAIN = "nhacviec"
DEFAULT_LANGUAGE = "vi"


def compile_catalogs(locales_dir: Path) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/nhacviec.po`` under ``locales_dir`` whose ``.mo``
    is missing or older than it; return the ``.mo`` files written."""
    written: list[Path] = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        _compile(po_path, mo_path)
        written.append(mo_path)
    return written


def _compile(po_path: Path, mo_path: Path) -> None:
    language = po_path.parent.parent.name
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=DOMAIN)
    # Write beside and rename, so a reader never sees a half-written catalog.
    partial = mo_path.with_suffix(".mo.partial")
    with partial.open("wb") as mo_file:
        write_mo(mo_file, catalog)
    partial.replace(mo_path)


def translator(language: str, locales_dir: Path | None = None) -> gettext.GNUTranslations:
    """The catalog for ``language`` (falling back to Vietnamese when there is none).

    ``locales_dir`` defaults to the configured ``LOCALES_DIR``. Catalogs are compiled
    first if needed, and cached per language and folder.
    """
    folder = locales_dir if locales_dir is not None else get_settings().locales_dir
    return _load(language, _resolved(folder))


@functools.cache
def _resolved(folder: Path) -> Path:
    # Asked for every message written: resolving the path each time costs system calls.
    return folder.resolve()


@functools.cache
def _load(language: str, folder: Path) -> gettext.GNUTranslations:
    compile_catalogs(folder)
    # One language at a time: gettext would chain the others as fallbacks, and an
    # English message left untranslated would then come out in Vietnamese.
    try:
        found = gettext.translation(DOMAIN, localedir=folder, languages=[language])
    except FileNotFoundError:
        found = gettext.translation(DOMAIN, localedir=folder, languages=[DEFAULT_LANGUAGE])
    if not isinstance(found, gettext.GNUTranslations):
        raise TypeError(f"unexpected catalog class {type(found).__name__}")
    return found


def _(message: str) -> str:
    """Translate ``message`` into the configured default language."""
    settings = get_settings()
    return translator(settings.language, settings.locales_dir).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message that depends on a count into the configured default language."""
    settings = get_settings()
    return translator(settings.language, settings.locales_dir).ngettext(singular, plural, n)


def main() -> None:
    """Compile the configured catalogs (``python -m bot.i18n [LOCALES_DIR]``)."""
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else get_settings().locales_dir
    for path in compile_catalogs(folder):
        print(f"compiled {path}")


if __name__ == "__main__":
    main()
