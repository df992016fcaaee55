"""A plan's task table: one row per task (per period for a recurring task), as the
appendix of the Word report and the sheets of the Excel workbook show it.

A row's status is the worst status of the task's assignments (overdue first, done on
time last, :data:`summaries.status.STATUS_ORDER`), computed by the database with the
status expression of :mod:`summaries.status`; its progress is the mean over the
assignments expected to be done (a done one counting 100 %, an unreported one 0 %).
The column headers and status names are message ids, translated by the caller.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import RowMapping, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.model import TimeKind
from scheduling.calendar import DEFAULT_TZ
from storage.models import Assignment, AssignmentState, Task, TaskUnit, Unit, UnitRole
from summaries.deadlines import Gettext, people_date, period_text, written_deadline
from summaries.model import TaskRow
from summaries.status import LIVE_STATES, STATUS_ORDER, TaskStatus, _rows, begun


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated where it is used."""
    return message


COLUMNS: tuple[str, ...] = (
    N_("No."),
    N_("Content"),
    N_("Lead unit"),
    N_("Supporting units"),
    N_("Deadline"),
    N_("Task status"),
    N_("Progress (%)"),
    N_("Difficulties and obstacles"),
    N_("Last updated"),
)
"""Headers of the task table (Stt | Nội dung | … | Cập nhật lần cuối), untranslated."""

STATUS_LABELS: Mapping[TaskStatus, str] = {
    TaskStatus.DONE_ON_TIME: N_("Done on time"),
    TaskStatus.DONE_LATE: N_("Done late"),
    TaskStatus.IN_PROGRESS: N_("In progress"),
    TaskStatus.OVERDUE: N_("Overdue, not done"),
    TaskStatus.DORMANT: N_("Waiting to be triggered"),
}
"""The names of the statuses as the follow-up reports write them, untranslated."""

STATUS_FILLS: Mapping[TaskStatus, str] = {
    TaskStatus.DONE_ON_TIME: "C6EFCE",
    TaskStatus.DONE_LATE: "FFEB9C",
    TaskStatus.IN_PROGRESS: "DDEBF7",
    TaskStatus.OVERDUE: "FFC7CE",
    TaskStatus.DORMANT: "EDEDED",
}
"""Background (RGB hex) of a status cell in the exported tables: green done, yellow done
late, blue under way, red overdue, grey waiting."""

NOT_REPORTED = N_("Not reported yet")
"""The name of live assignments nobody has reported on, untranslated."""

NAME_SEPARATOR = "; "
"""Between unit names, which often hold commas themselves ("Các cơ quan, ban, ngành")."""


PLAN_KINDS: tuple[str, ...] = (
    "Chương trình hành động",
    "Kế hoạch liên tịch",
    "Kế hoạch",
    "Chương trình",
    "Đề án",
    "Phương án",
)
"""What a plan calls itself at the head of its title ("KẾ HOẠCH Thực hiện …"), longest
first."""

DEFAULT_KIND = "Kế hoạch"
"""The kind of a plan whose title names none of :data:`PLAN_KINDS`."""

_KIND_AT_START = re.compile(
    "^(" + "|".join(re.escape(kind) for kind in PLAN_KINDS) + r")\b[\s:.\-–]*", re.IGNORECASE
)


def split_title(title: str) -> tuple[str, str]:
    """A plan's title as (kind, subject): "KẾ HOẠCH Thực hiện Nghị quyết …" gives
    ("Kế hoạch", "Thực hiện Nghị quyết …")."""
    flat = " ".join(title.split())
    match = _KIND_AT_START.match(flat)
    if match is None:
        return DEFAULT_KIND, flat
    kind = next(k for k in PLAN_KINDS if k.casefold() == match[1].casefold())
    return kind, flat[match.end() :]


def status_labels(gettext_: Gettext) -> dict[TaskStatus, str]:
    """Every status name translated with ``gettext_``."""
    return {status: gettext_(label) for status, label in STATUS_LABELS.items()}


async def task_rows(
    session: AsyncSession,
    plan_id: int,
    *,
    today: date,
    tz: ZoneInfo = DEFAULT_TZ,
    language: str | None = None,
    gettext_: Gettext | None = None,
) -> list[TaskRow]:
    """The task table of plan ``plan_id`` on ``today``, in the plan's order.

    One row per task and period that has begun by ``today`` — the periods the
    summary's numbers count — leaving cancelled assignments out (a task without
    assignments, as in a draft plan, has no row). The deadline is written as people
    write it in ``language``: the plan's words for a one-off task, the period's name
    ("Quý I/2026", with ``gettext_``) or else its due date for a recurring one.
    """
    units = await _task_units(session, plan_id)
    problems = await _problems(session, plan_id)
    rows: list[TaskRow] = []
    for row in await _aggregates(session, plan_id, today, tz):
        key = (row["id"], row["period_key"])
        lead, support = units.get(row["id"], ([], []))
        rows.append(
            TaskRow(
                number=row["ref"] or str(row["position"] + 1),
                content=row["content"],
                lead=lead,
                support=support,
                deadline=_deadline(row, language, gettext_),
                status=STATUS_ORDER[row["rank"]],
                percent=float(row["percent"]) if row["percent"] is not None else None,
                problems=problems.get(key, []),
                last_report_at=row["last_report_at"],
                due=row["due"],
            )
        )
    return rows


async def _aggregates(
    session: AsyncSession, plan_id: int, today: date, tz: ZoneInfo
) -> list[RowMapping]:
    """Per task and period: the worst status, mean progress, latest due date and report."""
    scope = [
        Task.plan_id == plan_id,
        Assignment.state != AssignmentState.CANCELLED,
        begun(today),
    ]
    rows = _rows(session, scope, today, tz).subquery()
    rank = case(
        *((rows.c.status == status.value, index) for index, status in enumerate(STATUS_ORDER)),
        else_=0,  # unreachable: every status is listed; an unknown one would read as overdue
    )
    progress = case(
        (rows.c.state == AssignmentState.DONE, 100),
        (rows.c.state.in_(LIVE_STATES), func.coalesce(rows.c.percent, 0)),
        else_=None,
    )
    # A task's own columns are grouped on with the period, to be read with the numbers.
    keys = (Task.id, Task.position, Task.ref, Task.content, Task.when_text, Task.kind)
    query = (
        select(
            *keys,
            rows.c.period_key,
            func.min(rank).label("rank"),
            func.avg(progress).label("percent"),
            func.max(rows.c.due).label("due"),
            func.max(rows.c.last_report_at).label("last_report_at"),
        )
        .select_from(rows)
        .join(Task, Task.id == rows.c.task_id)
        .group_by(*keys, rows.c.period_key)
        .order_by(Task.position, func.min(rows.c.due), rows.c.period_key)
    )
    return [row._mapping for row in (await session.execute(query)).all()]


async def _task_units(
    session: AsyncSession, plan_id: int
) -> dict[int, tuple[list[str], list[str]]]:
    """Each task's lead and supporting unit names, in the plan's order."""
    query = (
        select(TaskUnit.task_id, TaskUnit.role, Unit.name)
        .join(Task, Task.id == TaskUnit.task_id)
        .join(Unit, Unit.id == TaskUnit.unit_id)
        .where(Task.plan_id == plan_id)
        .order_by(TaskUnit.task_id, TaskUnit.position, Unit.name)
    )
    units: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for task_id, role, name in (await session.execute(query)).all():
        lead, support = units[task_id]
        (lead if role == UnitRole.LEAD else support).append(name)
    return dict(units)


async def _problems(session: AsyncSession, plan_id: int) -> dict[tuple[int, str], list[str]]:
    """The distinct current problems of each task and period, "Unit: problem"."""
    query = (
        select(Assignment.task_id, Assignment.period_key, Unit.name, Assignment.problem)
        .join(Task, Task.id == Assignment.task_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(
            Task.plan_id == plan_id,
            Assignment.state != AssignmentState.CANCELLED,
            Assignment.problem.is_not(None),
            func.trim(Assignment.problem) != "",
        )
        .distinct()
        .order_by(Assignment.task_id, Assignment.period_key, Unit.name, Assignment.problem)
    )
    problems: dict[tuple[int, str], list[str]] = defaultdict(list)
    for task_id, period_key, unit_name, problem in (await session.execute(query)).all():
        said = " ".join((problem or "").split())
        problems[task_id, period_key].append(f"{unit_name}: {said}")
    return dict(problems)


def _deadline(row: RowMapping, language: str | None, gettext_: Gettext | None) -> str:
    due: date | None = row["due"]
    if row["kind"] == TimeKind.RECURRING:
        period = period_text(row["period_key"], gettext_) if gettext_ is not None else None
        if period is not None:
            return period
        if due is not None:
            return people_date(due, language)
    written = written_deadline(
        when_text=row["when_text"],
        kind=row["kind"],
        period_key=row["period_key"],
        due=due,
        language=language,
    )
    return written or ""


def local_time(moment: datetime, tz: ZoneInfo) -> datetime:
    """``moment`` as a local wall-clock time without zone (what spreadsheets store)."""
    return moment.astimezone(tz).replace(tzinfo=None)
