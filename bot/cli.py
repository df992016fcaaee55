"""The ``nhacviec`` command line.

``nhacviec start`` prepares the database and loads the seed plans; ``nhacviec plan …``
reads, imports, reviews and activates plans; ``nhacviec units …`` keeps the unit
directory. Every message is translated (Vietnamese by default, ``LANGUAGE=en`` for
English); bad input ends with a message on stderr and a non-zero exit, having changed
nothing.
"""

from __future__ import annotations

import asyncio
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Group, RenderableType
from rich.text import Text
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import freeze_startup_objects, has_chat_channel, run_bot
from bot.channels.console import run_console
from bot.cli_errors import EXIT_FAILED, EXIT_NOT_FOUND, CliError, fail, user_errors
from bot.cli_export import EXPORT_HELP, export_command
from bot.cli_invites import add_unit_invite_command, admin_app
from bot.cli_plan import plan_app, read_and_extract
from bot.cli_reminders import reminders_app
from bot.cli_reply import reply_app
from bot.cli_report import report_app
from bot.cli_runtime import database_label, in_transaction
from bot.cli_units import units_app
from bot.config import DEFAULT_LOCALES_DIR, REPO_ROOT, get_settings
from bot.i18n import DEFAULT_LANGUAGE, _, ngettext, translator
from bot.render import N_, counts_by_kind, emit, help_text, list_table, shorten
from plans.importing import import_plan
from plans.model import ExtractedPlan
from plans.readers import SUPPORTED_SUFFIXES
from scheduling.channel import PermanentFailure
from storage import queries
from storage.models import Task

DEFAULT_SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"
"""The sample plans shipped beside the repository."""

app = typer.Typer(
    name="nhacviec",
    help=help_text(N_("Nhắc Việc: turn a committee's plan into tracked tasks and reminders.")),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
)
app.add_typer(plan_app, name="plan")
app.add_typer(units_app, name="units")
app.add_typer(reminders_app, name="reminders")
app.add_typer(reply_app, name="reply")
report_app.command("export", help=help_text(EXPORT_HELP))(export_command)
app.add_typer(report_app, name="report")
add_unit_invite_command(units_app)
app.add_typer(admin_app, name="admin")


@app.callback()
def check_settings() -> None:
    """Refuse to run on invalid settings, with a message instead of a traceback."""
    try:
        get_settings()
    except ValidationError as error:
        catalog = translator(DEFAULT_LANGUAGE, DEFAULT_LOCALES_DIR)
        details = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors()
        )
        message = catalog.gettext("The configuration is not valid: {details}")
        fail(message.format(details=details), EXIT_FAILED)


@dataclass(frozen=True)
class SeedPlan:
    """A seed file as read, and the plan it is (or was already) stored as."""

    path: Path
    extracted: ExtractedPlan
    sha256: str


@dataclass(frozen=True)
class SeedOutcome:
    """The stored plan of one seed file and whether this run imported it."""

    plan_id: int
    title: str
    tasks: int
    counts: dict[str, int]
    imported: bool


def seed_files(folder: Path) -> list[Path]:
    """The plan files of ``folder``, by name."""
    if not folder.is_dir():
        message = _("The seed folder {path} does not exist.").format(path=folder)
        raise CliError(message, EXIT_NOT_FOUND)
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES
    )


async def import_seeds(session: AsyncSession, seeds: list[SeedPlan]) -> list[SeedOutcome]:
    """Import every seed whose file is not stored yet; describe every seed's plan."""
    outcomes: list[SeedOutcome] = []
    for seed in seeds:
        existing = await queries.plan_by_sha256(session, seed.sha256)
        if existing is None:
            result = await import_plan(
                session,
                seed.extracted,
                source_name=seed.path.name,
                source_sha256=seed.sha256,
            )
            outcome = SeedOutcome(
                result.plan_id, result.title, result.task_count, result.counts_by_kind, True
            )
        else:
            counts = await kind_counts(session, existing.id)
            total = sum(counts.values())
            outcome = SeedOutcome(existing.id, existing.title, total, counts, False)
        outcomes.append(outcome)
    return outcomes


async def kind_counts(session: AsyncSession, plan_id: int) -> dict[str, int]:
    """How many tasks of each timeframe kind the plan has."""
    stmt = select(Task.kind, func.count(Task.id)).where(Task.plan_id == plan_id).group_by(Task.kind)
    return {str(kind): count for kind, count in await session.execute(stmt)}


def seeds_report(outcomes: list[SeedOutcome]) -> Group:
    """One row per seed plan: id, shortened title, tasks, tasks by kind."""
    imported = sum(outcome.imported for outcome in outcomes)
    headline = ngettext(
        "{count} plan imported, {skipped} already there.",
        "{count} plans imported, {skipped} already there.",
        imported,
    ).format(count=imported, skipped=len(outcomes) - imported)
    parts: list[RenderableType] = [
        Text(_("Database: {url}").format(url=database_label())),
        Text(headline, style="bold"),
    ]
    if outcomes:
        table = list_table(_("Id"), _("Plan"), _("Tasks"), _("By kind"))
        # The title gives way to the counts: it is cut to one line, the counts wrap.
        table.columns[1].no_wrap = True
        table.columns[1].overflow = "ellipsis"
        table.columns[1].max_width = 30
        for outcome in outcomes:
            table.add_row(
                str(outcome.plan_id),
                shorten(outcome.title, 30),
                str(outcome.tasks),
                counts_by_kind(outcome.counts),
            )
        parts.append(table)
        hint = _("See a plan: nhacviec plan show ID · activate it: nhacviec plan activate ID")
        parts.append(Text(hint))
    return Group(*parts)


@app.command(
    "start",
    help=help_text(
        N_("Prepare the database and load the seed plans (skipping those already loaded).")
    ),
)
def start_command(
    seeds: Annotated[
        Path | None,
        typer.Option(
            "--seeds",
            metavar="DIR",
            help=help_text(N_("Folder of plan files to load (default: ../shared/seeds).")),
            show_default=False,
        ),
    ] = None,
    setup_only: Annotated[
        bool,
        typer.Option(
            "--setup-only", help=help_text(N_("Only prepare the database; do not start the bot."))
        ),
    ] = False,
) -> None:
    """Create the database, import the seed plans once, print their overview, then run
    the bot: on Telegram when ``TELEGRAM_BOT_TOKEN`` is set, else as a console chat."""
    folder = seeds if seeds is not None else DEFAULT_SEEDS_DIR
    with user_errors(path=str(folder)):
        plans = []
        if seeds is None and not folder.is_dir():
            # Without the sample plans beside the checkout, start on an empty database.
            emit(Text(_("No seed folder at {path}: no sample plans loaded.").format(path=folder)))
        else:
            plans = [read_seed(path) for path in seed_files(folder)]
        outcomes = in_transaction(lambda session: import_seeds(session, plans))
    emit(seeds_report(outcomes))
    if not setup_only:
        run_until_stopped()


def run_until_stopped() -> None:
    """Run the bot (Telegram and/or Zalo, or the console without a token) until Ctrl+C or
    end of input."""
    settings = get_settings()

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        if has_chat_channel(settings):
            emit(Text(_("The bot is running. Press Ctrl+C to stop.")))
            await run_bot(settings, stop=stop)
        else:
            await run_console(settings, stop=stop)

    freeze_startup_objects()
    try:
        asyncio.run(main())
    except PermanentFailure as refusal:
        message = _(
            "The chat platform refused to start the bot ({detail}). Check TELEGRAM_BOT_TOKEN "
            "and ZALO_BOT_TOKEN."
        )
        fail(message.format(detail=refusal.detail), EXIT_FAILED)


def read_seed(path: Path) -> SeedPlan:
    """Read and extract one seed file, reporting a bad one by name."""
    with user_errors(name=path.name, path=str(path)):
        extracted, sha256 = read_and_extract(path)
    return SeedPlan(path, extracted, sha256)


def main() -> None:
    """Run the command line (``python -m bot.cli``)."""
    app(prog_name="nhacviec")


if __name__ == "__main__":
    main()
