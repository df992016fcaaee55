"""What the report files are made of: each plan's summary and task rows, read once
for the command line and the chat alike."""

from __future__ import annotations

import gettext
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.calendar import DEFAULT_TZ
from storage.models import Plan, PlanStatus
from summaries.model import PlanSummary, TaskRow
from summaries.rollup import plan_summary
from summaries.tasks import task_rows

PlanTable = tuple[PlanSummary, list[TaskRow]]


async def active_plan_ids(session: AsyncSession) -> list[int]:
    """The ids of the active plans, oldest first."""
    query = select(Plan.id).where(Plan.status == PlanStatus.ACTIVE).order_by(Plan.id)
    return list((await session.scalars(query)).all())


async def plan_tables(
    session: AsyncSession,
    plan_ids: Sequence[int],
    *,
    today: date,
    since: date | None,
    translations: gettext.NullTranslations,
    language: str,
    tz: ZoneInfo = DEFAULT_TZ,
) -> list[PlanTable]:
    """Each plan's summary and task rows, in the reader's language.

    Raises :class:`plans.errors.PlanServiceError` ``plan_not_found`` for an unknown plan.
    """
    tables: list[PlanTable] = []
    for plan_id in plan_ids:
        summary = await plan_summary(session, plan_id, today=today, since=since, tz=tz)
        rows = await task_rows(
            session,
            plan_id,
            today=today,
            tz=tz,
            language=language,
            gettext_=translations.gettext,
        )
        tables.append((summary, rows))
    return tables
