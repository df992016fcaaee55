"""Fixtures for the command-line tests: the CLI run in-process on a temporary database."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.config import get_settings


@dataclass
class Cli:
    """Runs the command line against one temporary database."""

    db_path: Path
    runner: CliRunner

    def __call__(self, *args: str | Path) -> Result:
        result = self.runner.invoke(app, [str(arg) for arg in args])
        # A user error ends in SystemExit; anything else is a crash with a traceback.
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception,
            result.stderr,
        )
        return result

    def engine(self) -> Engine:
        return create_engine(f"sqlite:///{self.db_path}")

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, to compare the database before and after."""
        engine = self.engine()
        try:
            metadata = MetaData()
            metadata.reflect(engine)
            with engine.connect() as connection:
                return {
                    name: sorted(
                        (tuple(row) for row in connection.execute(select(table))), key=repr
                    )
                    for name, table in metadata.tables.items()
                }
        finally:
            engine.dispose()

    def scalar(self, sql: str) -> Any:
        engine = self.engine()
        try:
            with engine.connect() as connection:
                return connection.execute(text(sql)).scalar()
        finally:
            engine.dispose()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        engine = self.engine()
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(text(sql))]
        finally:
            engine.dispose()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """A command line on ``tmp_path/data/cli.db``, in Vietnamese, in a wide terminal."""
    db_path = tmp_path / "data" / "cli.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{db_path}")
    monkeypatch.setenv("LANGUAGE", "vi")
    monkeypatch.setenv("TIMEZONE", "Asia/Ho_Chi_Minh")
    # Wider than allowed: the output must still keep to 80 columns.
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("LOCALES_DIR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield Cli(db_path, CliRunner())
    get_settings.cache_clear()


def flat(text: str) -> str:
    """Output with line wraps undone, to look for phrases that may wrap."""
    return " ".join(text.split())


def assert_fits(output: str, width: int = 80) -> None:
    lines = unicodedata.normalize("NFC", output).splitlines()
    assert lines, "no output"
    too_long = [line for line in lines if len(line) > width]
    assert not too_long, too_long
