"""Turning claimed reminders into messages.

The dispatcher hands a batch of reminders to a :class:`Composer` and sends what
comes back; a reminder missing from the result is not sent. :class:`PlainComposer`
writes a short text in the contact's language: what kind of reminder, the task,
the plan and the due date as people write it (``31/12/2025``).
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.text import clip
from scheduling.channel import OutgoingMessage
from storage.models import Assignment, Contact, Plan, Reminder, ReminderStep, Task, Unit

Translate = Callable[[str | None], gettext.NullTranslations]
"""A contact's language (``None`` when not chosen) → the catalog to write in."""

MAX_CONTENT = 1500
MAX_TITLE = 300
"""Longest task text and plan title quoted, in characters: a whole plan section
pasted as one task must not push a message past Telegram's 4096 characters."""


def _(message: str) -> str:
    """Mark ``message`` for extraction; it is translated later, per contact."""
    return message


HEADERS: Mapping[ReminderStep, str] = {
    ReminderStep.BEFORE: _("Reminder: a task is due soon"),
    ReminderStep.DUE: _("Reminder: a task is due today"),
    ReminderStep.OVERDUE: _("Reminder: a task is overdue"),
    ReminderStep.CHECKIN: _("Reminder: please report progress on a task"),
    ReminderStep.ESCALATION: _("Overdue: {unit} has not completed a task"),
}
TASK_LINE = _("Task: {content}")
PLAN_LINE = _("Plan: {title}")
DUE_LINE = _("Due {date}")
REPLY_HINT = _('Reply to this message: "done", a percentage such as "80%", or what is in the way.')


class Composer(Protocol):
    """Builds the message for each reminder of a batch, keyed by reminder id."""

    async def __call__(
        self, session: AsyncSession, reminders: Sequence[Reminder]
    ) -> Mapping[int, OutgoingMessage]: ...


ReminderRow = tuple[int, str | None, Assignment, Task, Plan, Unit]


async def reminder_rows(session: AsyncSession, reminder_ids: Iterable[int]) -> list[ReminderRow]:
    """What composing needs for each reminder, in ONE query: (reminder id, the contact's
    language, assignment, task, plan, unit)."""
    ids = list(reminder_ids)
    if not ids:
        return []
    rows = await session.execute(
        select(Reminder.id, Contact.language, Assignment, Task, Plan, Unit)
        .join(Contact, Contact.id == Reminder.contact_id)
        .join(Assignment, Assignment.id == Reminder.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Reminder.id.in_(ids))
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


class PlainComposer:
    """The default composer: plain text, no buttons, one query per batch."""

    def __init__(self, translate: Translate) -> None:
        self._translate = translate

    async def __call__(
        self, session: AsyncSession, reminders: Sequence[Reminder]
    ) -> Mapping[int, OutgoingMessage]:
        """Messages for ``reminders``, each in its contact's language."""
        by_id = {r.id: r for r in reminders}
        rows = await reminder_rows(session, by_id)
        return {
            reminder_id: OutgoingMessage(
                text=self._text(by_id[reminder_id].step, language, assignment, task, plan, unit)
            )
            for reminder_id, language, assignment, task, plan, unit in rows
        }

    def _text(
        self,
        step: ReminderStep,
        language: str | None,
        assignment: Assignment,
        task: Task,
        plan: Plan,
        unit: Unit,
    ) -> str:
        gettext_ = self._translate(language).gettext
        lines = [
            gettext_(HEADERS[step]).format(unit=unit.name),
            gettext_(TASK_LINE).format(content=clip(task.content, MAX_CONTENT)),
            gettext_(PLAN_LINE).format(title=clip(plan.title, MAX_TITLE)),
        ]
        if assignment.due is not None:
            lines.append(gettext_(DUE_LINE).format(date=format_date(assignment.due)))
        if step is not ReminderStep.ESCALATION:
            lines.append(gettext_(REPLY_HINT))
        return "\n".join(lines)


def format_date(day: date) -> str:
    """A date as Vietnamese readers write it: ``31/12/2025``."""
    return day.strftime("%d/%m/%Y")
