"""Catalog compilation and translation lookup."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot import i18n
from bot.config import DEFAULT_LOCALES_DIR, get_settings


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    """A private copy of the catalogs, without compiled files."""
    target = tmp_path / "locales"
    shutil.copytree(DEFAULT_LOCALES_DIR, target, ignore=shutil.ignore_patterns("*.mo*"))
    return target


def test_vietnamese_and_english_differ(locales: Path) -> None:
    vi = i18n.translator("vi", locales)
    en = i18n.translator("en", locales)
    assert vi.gettext("Overdue") == "Quá hạn"
    assert en.gettext("Overdue") == "Overdue"
    assert vi.info()["language"] == "vi"
    assert en.info()["language"] == "en"


def test_plural_forms_follow_each_language(locales: Path) -> None:
    vi = i18n.translator("vi", locales)
    en = i18n.translator("en", locales)
    assert vi.ngettext("{count} task", "{count} tasks", 1) == "{count} nhiệm vụ"
    assert vi.ngettext("{count} task", "{count} tasks", 5) == "{count} nhiệm vụ"
    assert en.ngettext("{count} task", "{count} tasks", 1) == "{count} task"
    assert en.ngettext("{count} task", "{count} tasks", 5) == "{count} tasks"


def test_unknown_language_falls_back_to_vietnamese(locales: Path) -> None:
    assert i18n.translator("fr", locales).gettext("Done") == "Hoàn thành"


def test_compile_only_when_missing_or_stale(locales: Path) -> None:
    po = locales / "vi" / "LC_MESSAGES" / "nhacviec.po"
    mo = po.with_suffix(".mo")
    assert sorted(p.parent.parent.name for p in i18n.compile_catalogs(locales)) == ["en", "vi"]
    assert i18n.compile_catalogs(locales) == []
    older = po.stat().st_mtime - 10
    os.utime(mo, (older, older))
    assert i18n.compile_catalogs(locales) == [mo]


def test_every_catalog_lists_the_template_messages() -> None:
    from babel.messages.pofile import read_po

    def ids(path: Path) -> set[str]:
        with path.open("rb") as f:
            return {str(m.id[0] if isinstance(m.id, tuple) else m.id) for m in read_po(f) if m.id}

    template = ids(DEFAULT_LOCALES_DIR / "nhacviec.pot")
    for language in ("vi", "en"):
        assert ids(DEFAULT_LOCALES_DIR / language / "LC_MESSAGES" / "nhacviec.po") >= template


def test_underscore_uses_the_configured_language(
    monkeypatch: pytest.MonkeyPatch, locales: Path
) -> None:
    monkeypatch.setenv("LOCALES_DIR", str(locales))
    for language, expected in (("en", "Done"), ("vi", "Hoàn thành")):
        monkeypatch.setenv("LANGUAGE", language)
        get_settings.cache_clear()
        try:
            assert i18n._("Done") == expected
        finally:
            get_settings.cache_clear()
