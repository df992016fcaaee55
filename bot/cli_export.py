"""``nhacviec report export``: the report files the office sends upward.

``--xlsx FILE`` writes the Excel workbook (a summary sheet and one sheet per plan),
``--docx FILE`` the editable Word draft of "BÁO CÁO Kết quả thực hiện Kế hoạch …"
(one plan: ``--plan`` is required), ``--chart FILE.png`` the progress chart by unit.
Without ``--plan`` the workbook and the chart cover every active plan. The numbers
are read in one transaction and every file is built before any is written, so a
refused export writes nothing; the database is never changed.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli_errors import EXIT_FAILED, EXIT_USAGE, CliError, user_errors
from bot.cli_plan import parse_day
from bot.cli_runtime import in_transaction, today
from bot.config import get_settings
from bot.i18n import _, translator
from bot.render import N_, emit, help_text
from summaries.chart import summary_chart
from summaries.excel import workbook_bytes
from summaries.exports import PlanTable, active_plan_ids, plan_tables
from summaries.model import PlanSummary
from summaries.rollup import plan_summary
from summaries.word import report_docx

EXPORT_HELP = N_("Write the report files: Excel workbook, Word draft, progress chart.")
"""Help of the command, untranslated (translate with :func:`bot.render.help_text`)."""


@dataclass(frozen=True)
class ExportData:
    """What the files are made of: each plan's summary and task rows, and the summary
    the chart draws (None when no chart is asked for)."""

    plans: list[PlanTable]
    chart: PlanSummary | None


@dataclass(frozen=True)
class ExportRequest:
    """What to read: which plan (None: every active plan), on which day, in which words."""

    plan_id: int | None
    tables: bool
    chart: bool
    today: date
    since: date | None
    language: str
    translations: gettext.NullTranslations


def export_command(
    plan: Annotated[
        int | None,
        typer.Option(
            "--plan",
            metavar="ID",
            help=help_text(N_("Plan id (default: every active plan; required for --docx).")),
            show_default=False,
        ),
    ] = None,
    xlsx: Annotated[
        Path | None,
        typer.Option(
            "--xlsx",
            metavar="FILE",
            help=help_text(N_("Write the Excel workbook to FILE (.xlsx).")),
            show_default=False,
        ),
    ] = None,
    docx: Annotated[
        Path | None,
        typer.Option(
            "--docx",
            metavar="FILE",
            help=help_text(N_("Write the Word report of one plan to FILE (.docx).")),
            show_default=False,
        ),
    ] = None,
    chart: Annotated[
        Path | None,
        typer.Option(
            "--chart",
            metavar="FILE",
            help=help_text(N_("Write the progress chart by unit to FILE (.png).")),
            show_default=False,
        ),
    ] = None,
    place: Annotated[
        str | None,
        typer.Option(
            "--place",
            help=help_text(
                N_("Place written before the date of the Word report (default: the issuer's).")
            ),
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DD/MM/YYYY",
            help=help_text(
                N_("List the problems and silent units since this date (default: all).")
            ),
            show_default=False,
        ),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="vi|en",
            help=help_text(N_("Language of the files (default: the configured language).")),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write the requested report files for one plan or every active plan."""
    with user_errors(plan_id=plan):
        if xlsx is None and docx is None and chart is None:
            raise CliError(_("Name a file to write: --xlsx, --docx or --chart."), EXIT_USAGE)
        if docx is not None and plan is None:
            raise CliError(_("The Word report covers one plan: add --plan ID."), EXIT_USAGE)
        words = _language(language)
        request = ExportRequest(
            plan_id=plan,
            tables=xlsx is not None or docx is not None,
            chart=chart is not None,
            today=today(),
            since=parse_day(since) if since is not None else None,
            language=words,
            translations=translator(words),
        )
        data = in_transaction(lambda session: gather(session, request))
        files = _render(data, request, xlsx=xlsx, docx=docx, chart=chart, place=place)
        for path, content in files:
            path.write_bytes(content)
    for path, _content in files:
        emit(Text(_("Written: {path}").format(path=path)))


async def gather(session: AsyncSession, request: ExportRequest) -> ExportData:
    """Read the summaries and task rows the requested files need.

    Raises :class:`CliError` when no plan is named and none is active, and
    :class:`plans.errors.PlanServiceError` ``plan_not_found`` for an unknown plan.
    """
    settings = get_settings()
    plan_ids = [request.plan_id] if request.plan_id is not None else await active_plan_ids(session)
    if not plan_ids:
        message = _(
            "There is no active plan to export. Activate one with: nhacviec plan activate ID"
        )
        raise CliError(message, EXIT_FAILED)
    plans: list[PlanTable] = []
    if request.tables:
        plans = await plan_tables(
            session,
            plan_ids,
            today=request.today,
            since=request.since,
            translations=request.translations,
            language=request.language,
            tz=settings.tz,
        )
    chart = None
    if request.chart and request.plan_id is not None and plans:
        chart = plans[0][0]
    elif request.chart:
        chart = await _summary(session, request.plan_id, request)
    return ExportData(plans, chart)


def _render(
    data: ExportData,
    request: ExportRequest,
    *,
    xlsx: Path | None,
    docx: Path | None,
    chart: Path | None,
    place: str | None,
) -> list[tuple[Path, bytes]]:
    """Every requested file's content, built before any is written."""
    tz = get_settings().tz
    translations = request.translations
    files: list[tuple[Path, bytes]] = []
    if xlsx is not None:
        content = workbook_bytes(data.plans, translations, language=request.language, tz=tz)
        files.append((xlsx, content))
    if docx is not None:
        summary, rows = data.plans[0]
        content = report_docx(
            summary,
            rows,
            place=place,
            today=request.today,
            translations=translations,
            language=request.language,
            tz=tz,
        )
        files.append((docx, content))
    if chart is not None and data.chart is not None:
        files.append((chart, _chart(data.chart, translations)))
    return files


def _chart(summary: PlanSummary, translations: gettext.NullTranslations) -> bytes:
    return summary_chart(summary, translations.gettext)


async def _summary(
    session: AsyncSession, plan_id: int | None, request: ExportRequest
) -> PlanSummary:
    return await plan_summary(
        session, plan_id, today=request.today, since=request.since, tz=get_settings().tz
    )


def _language(wanted: str | None) -> str:
    """The language asked for, or the configured one; :class:`CliError` when there is no
    catalog for it."""
    settings = get_settings()
    language = (wanted or settings.language).strip().lower()
    catalog = settings.locales_dir / language / "LC_MESSAGES" / "nhacviec.po"
    if not catalog.is_file():
        message = _("There is no translation for the language {language}: use vi or en.")
        raise CliError(message.format(language=language), EXIT_USAGE)
    return language
