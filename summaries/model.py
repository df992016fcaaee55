"""What a summary holds: the numbers of a plan (or of every active plan) on a day,
and the rows of its task table.

:mod:`summaries.rollup` computes these with SQL aggregates; :mod:`summaries.text`,
:mod:`summaries.chart`, :mod:`summaries.excel` and :mod:`summaries.word` present them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from summaries.deadlines import Gettext, period_text
from summaries.status import StatusCounts, TaskStatus


@dataclass(frozen=True)
class CheckinCounts:
    """Continuous tasks ("Thường xuyên"): how many standing assignments were expected to
    check in during the period and how many did. Never counted as overdue."""

    expected: int = 0
    reported: int = 0

    @property
    def percent(self) -> float | None:
        """Share of standing assignments that reported in the period; None when none."""
        return 100.0 * self.reported / self.expected if self.expected else None


@dataclass(frozen=True)
class UnitRollup:
    """One unit's numbers in the summary's scope."""

    unit_id: int
    unit_name: str
    counts: StatusCounts
    checkins: CheckinCounts = field(default_factory=CheckinCounts)


@dataclass(frozen=True)
class PeriodRollup:
    """The numbers of the assignments due in one period (``2026-Q1``, ``2026``, ...)."""

    period_key: str
    counts: StatusCounts


@dataclass(frozen=True)
class ProblemReport:
    """A difficulty a unit reported, as it reported it."""

    assignment_id: int
    task_content: str
    problem: str
    reported_at: datetime


@dataclass(frozen=True)
class UnitProblems:
    """The difficulties one unit reported in the period, newest first."""

    unit_id: int
    unit_name: str
    problems: list[ProblemReport]
    more: int = 0
    """Further problems the unit reported in the period, left out of ``problems``."""


@dataclass(frozen=True)
class DormantTask:
    """A conditional task still waiting for its trigger, listed apart from the numbers."""

    task_id: int
    content: str
    when_text: str
    units: list[str]


@dataclass(frozen=True)
class PlanSummary:
    """The numbers of one plan (``plan_id``) or of every active plan (``plan_id`` None)
    on ``as_of``; ``since`` starts the period whose problems and silences are listed."""

    plan_id: int | None
    title: str
    number: str | None
    issuer: str | None
    as_of: date
    since: date | None
    counts: StatusCounts
    """One-off and recurring assignments (continuous ones are in ``checkins``)."""
    checkins: CheckinCounts
    units: list[UnitRollup]
    periods: list[PeriodRollup]
    problems: list[UnitProblems]
    silent_units: list[str]
    """Units with live assignments that sent no report in the period."""
    dormant: list[DormantTask]
    previous: StatusCounts | None = None
    """The numbers of the last summary of the same scope, for the change since then."""

    def named_periods(self, gettext_: Gettext) -> list[tuple[str, StatusCounts]]:
        """The recurring work's periods with work due, named as people name them
        ("Quý I/2026"), in order; one-off, open-ended and dormant work left out."""
        return [
            (name, period.counts)
            for period in self.periods
            if period.counts.expected and (name := period_text(period.period_key, gettext_))
        ]


@dataclass(frozen=True)
class TaskRow:
    """One line of a plan's task table (a task, or one period of a recurring task):
    the appendix of the Word report and the rows of the Excel sheet."""

    number: str
    """"Stt": the task's reference in the plan (``1.2``) or its position."""
    content: str
    lead: list[str]
    support: list[str]
    deadline: str
    """As people write it: ``31/03/2026``, ``Quý I/2026``, ``Thường xuyên``."""
    status: TaskStatus
    percent: float | None
    problems: list[str]
    last_report_at: datetime | None
    due: date | None = None
    """The latest due date of the row's assignments, to tell upcoming deadlines apart."""
