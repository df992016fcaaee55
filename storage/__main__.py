"""Alembic's command line on this package's migrations and the configured database.

Examples: ``python -m storage upgrade head``, ``python -m storage current``,
``python -m storage revision --autogenerate -m "add reminders"`` (review the
generated file, then keep it).
"""

from __future__ import annotations

import logging
import sys

from alembic.config import CommandLine

from bot.config import get_settings
from storage.db import alembic_config


def main(argv: list[str] | None = None) -> None:
    """Parse Alembic arguments and run the command against ``DATABASE_URL``."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)-5s [%(name)s] %(message)s")
    cli = CommandLine(prog="python -m storage")
    options = cli.parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    cli.run_cmd(alembic_config(get_settings().database_url), options)


if __name__ == "__main__":
    main()
