"""``nhacviec report …``: the status summary of a plan, as the office reads it in chat.

``report summary`` prints the summary text of one plan (or of every active plan)
and changes nothing: it stores no summary, but shows the change since the last
summary of the same scope that was given to a reader.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli_errors import user_errors
from bot.cli_plan import parse_day
from bot.cli_runtime import in_transaction, today
from bot.config import get_settings
from bot.i18n import translator
from bot.render import N_, help_text
from summaries.rollup import last_numbers, plan_summary
from summaries.text import summary_text

SINCE_DAYS = 7
"""The period a summary reports on by default: the last week."""

report_app = typer.Typer(
    help=help_text(N_("Status summaries and reports of the plans.")),
    no_args_is_help=True,
    rich_markup_mode=None,
)


class Language(StrEnum):
    """Languages a summary can be written in."""

    VI = "vi"
    EN = "en"


@report_app.command(
    "summary",
    help=help_text(
        N_("Print the status summary of a plan (default: every active plan). Changes nothing.")
    ),
)
def summary_command(
    plan: Annotated[
        int | None,
        typer.Option(
            "--plan",
            metavar="ID",
            help=help_text(N_("Plan id (default: every active plan).")),
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        Language | None,
        typer.Option(
            "--lang",
            help=help_text(N_("Language of the summary (default: the configured one).")),
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DD/MM/YYYY",
            help=help_text(N_("Start of the period reported on (default: 7 days ago).")),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Compute the summary and print its text, in the reader's language."""
    language = lang.value if lang is not None else get_settings().language
    with user_errors(plan_id=plan):
        start = parse_day(since) if since is not None else today() - timedelta(days=SINCE_DAYS)
        text = in_transaction(lambda session: _summary_text(session, plan, start, language))
    typer.echo(text)


async def _summary_text(
    session: AsyncSession, plan_id: int | None, since: date, language: str
) -> str:
    settings = get_settings()
    summary = await plan_summary(
        session,
        plan_id,
        today=today(),
        since=since,
        tz=settings.tz,
        previous=await last_numbers(session, plan_id),
    )
    return summary_text(
        summary, translator(language, settings.locales_dir), language, tz=settings.tz
    )
