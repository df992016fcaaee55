"""The reminder as a secretary reads it, with the buttons to answer it.

:class:`ReminderComposer` is the dispatcher's :class:`scheduling.compose.Composer`
for the conversation: each reminder names the task, the plan, the deadline as
people write it ("Quý I/2026", else ``31/03/2026``), why it comes now ("còn 7
ngày", "đã quá hạn 3 ngày"), what the unit last reported and the task's code
``#12``. Where the platform has buttons it carries the answers as buttons
(``r:<assignment>:<action>``, handled by :mod:`handlers.reports`); elsewhere it
ends with numbered answers ("Trả lời 1 = Hoàn thành, …").

The pieces (:func:`answer_buttons`, :func:`snooze_buttons`, :func:`describe`,
:func:`progress_summary`) are shared with the conversation, which shows the same
buttons and descriptions when a secretary reports without a reminder.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.router import button_data
from plans.model import Every, TimeKind
from plans.text import clip
from scheduling.calendar import DEFAULT_TZ
from scheduling.channel import Button, OutgoingMessage
from scheduling.clock import Clock
from scheduling.compose import MAX_CONTENT, PLAN_LINE, TASK_LINE, Translate, reminder_rows
from storage.models import (
    Assignment,
    AssignmentState,
    Plan,
    Reminder,
    ReminderStep,
    Task,
    Unit,
)
from summaries.deadlines import Gettext as Gettext
from summaries.deadlines import people_date as people_date
from summaries.deadlines import period_text as period_text
from summaries.deadlines import written_deadline

REMINDER_PREFIX = "r"
"""Button data prefix of the answers to a reminder: ``r:<assignment id>:<action>``."""

MAX_TITLE = 120
"""Longest plan title quoted in a reminder: the title only says which plan it is."""

ANSWER_ACTIONS = ("done", "p25", "p50", "p75", "problem", "later")
SNOOZE_ACTIONS: Mapping[str, int] = {"s1": 1, "s3": 3, "s7": 7}
"""Snooze button actions and the days each postpones the reminder by."""


def _(message: str) -> str:
    """Mark ``message`` for extraction; it is translated later, per reader."""
    return message


DONE = _("Done")
PROBLEM = _("Problem")
LATER = _("Remind me later")
ONE_DAY = _("1 day")
THREE_DAYS = _("3 days")
ONE_WEEK = _("1 week")

HEADER = _("Reminder: {why}")
ESCALATION_HEADER = _("Overdue: {unit} has not completed task #{id}")
DAYS_LEFT_ONE = _("{days} day left")
DAYS_LEFT = _("{days} days left")
DUE_TODAY = _("due today")
DAYS_OVERDUE_ONE = _("overdue by {days} day")
DAYS_OVERDUE = _("overdue by {days} days")
PROGRESS_CHECK = _("progress check")
DEADLINE_LINE = _("Deadline: {deadline}")
PERIOD_LINE = _("Period: {period}")
DAILY_PERIOD_LINE = _("Period: {period}, daily reports")
LAST_REPORT_LINE = _("Last report ({date}): {summary}")
CODE_LINE = _("Task code: #{id}")
BUTTONS_HINT = _('Tap a button below, or reply to this message, e.g. "đạt 80%", "vướng kinh phí".')
NUMBERED_HINT = _(
    "Reply 1 = Done, 2 = Problem, 3 = Remind me later, or type the progress, e.g. 80%"
)
PROBLEM_PART = _("Problem: {problem}")
IN_PROGRESS = _("In progress")


@dataclass(frozen=True)
class AssignmentView:
    """An assignment with the rows it is described by."""

    assignment: Assignment
    task: Task
    plan: Plan
    unit: Unit


def answer_buttons(assignment_id: int, gettext_: Gettext) -> tuple[tuple[Button, ...], ...]:
    """The answers to a reminder: done and 25/50/75 %, then a problem or later."""

    def button(text: str, action: str) -> Button:
        return Button(text, button_data(REMINDER_PREFIX, assignment_id, action))

    return (
        (
            button(gettext_(DONE), "done"),
            button("25%", "p25"),
            button("50%", "p50"),
            button("75%", "p75"),
        ),
        (button(gettext_(PROBLEM), "problem"), button(gettext_(LATER), "later")),
    )


def snooze_buttons(assignment_id: int, gettext_: Gettext) -> tuple[tuple[Button, ...], ...]:
    """How long to postpone the next reminder: a day, three days or a week."""
    labels = {"s1": ONE_DAY, "s3": THREE_DAYS, "s7": ONE_WEEK}
    return (
        tuple(
            Button(gettext_(labels[action]), button_data(REMINDER_PREFIX, assignment_id, action))
            for action in SNOOZE_ACTIONS
        ),
    )


def deadline_text(task: Task, assignment: Assignment, language: str | None) -> str | None:
    """The deadline as the plan wrote it ("Quý I/2026") for a one-off task, else the
    period's due date; None when there is neither."""
    return written_deadline(
        when_text=task.when_text,
        kind=task.kind,
        period_key=assignment.period_key,
        due=assignment.due,
        language=language,
    )


def why_text(step: ReminderStep, due: date | None, today: date, gettext_: Gettext) -> str:
    """Why the reminder comes now: days left, due today, days overdue, or a check-in."""
    if step is ReminderStep.CHECKIN or due is None:
        return gettext_(PROGRESS_CHECK)
    days = (due - today).days
    if days > 0:
        return gettext_(DAYS_LEFT_ONE if days == 1 else DAYS_LEFT).format(days=days)
    if days == 0:
        return gettext_(DUE_TODAY)
    late = -days
    return gettext_(DAYS_OVERDUE_ONE if late == 1 else DAYS_OVERDUE).format(days=late)


def progress_summary(
    gettext_: Gettext, *, done: bool, percent: int | None, problem: str | None
) -> str:
    """ "Hoàn thành", "80% · Khó khăn: thiếu kinh phí", … (empty when nothing is known)."""
    parts: list[str] = []
    if done:
        parts.append(gettext_(DONE))
    elif percent is not None:
        parts.append(f"{percent}%")
    if problem:
        parts.append(gettext_(PROBLEM_PART).format(problem=problem))
    return " · ".join(parts)


def describe(
    view: AssignmentView, gettext_: Gettext, language: str | None, tz: tzinfo = DEFAULT_TZ
) -> list[str]:
    """The lines that say which task this is: task, plan, deadline, a recurring task's
    period (for a daily task, its week and that the week's daily reports are due),
    last report, code."""
    assignment, task = view.assignment, view.task
    lines = [
        gettext_(TASK_LINE).format(content=clip(task.content, MAX_CONTENT)),
        gettext_(PLAN_LINE).format(title=clip(view.plan.title, MAX_TITLE)),
    ]
    deadline = deadline_text(task, assignment, language)
    if deadline is not None:
        lines.append(gettext_(DEADLINE_LINE).format(deadline=deadline))
    period = period_text(assignment.period_key, gettext_)
    if period is not None and task.kind == TimeKind.RECURRING:
        line = DAILY_PERIOD_LINE if task.every == Every.DAY else PERIOD_LINE
        lines.append(gettext_(line).format(period=period))
    last = _last_report(assignment, gettext_, language, tz)
    if last is not None:
        lines.append(last)
    lines.append(gettext_(CODE_LINE).format(id=assignment.id))
    return lines


def _last_report(
    assignment: Assignment, gettext_: Gettext, language: str | None, tz: tzinfo
) -> str | None:
    if assignment.last_report_at is None:
        return None
    summary = progress_summary(
        gettext_,
        done=assignment.state == AssignmentState.DONE,
        percent=assignment.percent,
        problem=assignment.problem,
    )
    if not summary:
        summary = gettext_(IN_PROGRESS)
    when = people_date(assignment.last_report_at.astimezone(tz).date(), language)
    return gettext_(LAST_REPORT_LINE).format(date=when, summary=summary)


def reminder_message(
    view: AssignmentView,
    step: ReminderStep,
    *,
    today: date,
    translations: gettext.NullTranslations,
    language: str | None,
    buttons: bool,
    tz: tzinfo = DEFAULT_TZ,
) -> OutgoingMessage:
    """The message of one reminder: buttons where the platform has them, else numbered
    answers; an escalation to the office names the unit and carries no answers."""
    gettext_ = translations.gettext
    why = why_text(step, view.assignment.due, today, gettext_)
    if step is ReminderStep.ESCALATION:
        header = gettext_(ESCALATION_HEADER).format(unit=view.unit.name, id=view.assignment.id)
        lines = [header, why[:1].upper() + why[1:], *describe(view, gettext_, language, tz)]
        return OutgoingMessage("\n".join(lines))
    lines = [gettext_(HEADER).format(why=why), *describe(view, gettext_, language, tz)]
    if not buttons:
        lines.append(gettext_(NUMBERED_HINT))
        return OutgoingMessage("\n".join(lines))
    lines.append(gettext_(BUTTONS_HINT))
    return OutgoingMessage("\n".join(lines), answer_buttons(view.assignment.id, gettext_))


class ReminderComposer:
    """Reminders with answer buttons (or numbered answers), one query per batch.

    A composer does not know the platforms it writes for: ``buttons`` says which
    channels can show buttons — every channel (``True``), none (``False``), or the
    channels named (``{"telegram", "console"}``); each reminder is written for the
    channel it goes out on, so one dispatcher serves Telegram and Zalo alike. "Today",
    for the days left or overdue, is the clock's date in ``tz`` (without a clock, the
    day the reminder falls due).
    """

    def __init__(
        self,
        translate: Translate,
        *,
        buttons: bool | AbstractSet[str] = True,
        clock: Clock | None = None,
        tz: tzinfo = DEFAULT_TZ,
    ) -> None:
        self._translate = translate
        self._buttons = buttons
        self._clock = clock
        self._tz = tz

    async def __call__(
        self, session: AsyncSession, reminders: Sequence[Reminder]
    ) -> Mapping[int, OutgoingMessage]:
        """Messages for ``reminders``, keyed by reminder id, each in its contact's language."""
        by_id = {r.id: r for r in reminders}
        rows = await reminder_rows(session, by_id)
        messages: dict[int, OutgoingMessage] = {}
        for reminder_id, language, assignment, task, plan, unit in rows:
            reminder = by_id[reminder_id]
            messages[reminder_id] = reminder_message(
                AssignmentView(assignment, task, plan, unit),
                reminder.step,
                today=self._today(reminder),
                translations=self._translate(language),
                language=language,
                buttons=self._has_buttons(reminder),
                tz=self._tz,
            )
        return messages

    def _has_buttons(self, reminder: Reminder) -> bool:
        if isinstance(self._buttons, bool):
            return self._buttons
        return str(reminder.channel) in self._buttons

    def _today(self, reminder: Reminder) -> date:
        moment: datetime = self._clock.now() if self._clock is not None else reminder.due_at
        return moment.astimezone(self._tz).date()
