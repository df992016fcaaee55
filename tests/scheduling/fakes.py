"""Test doubles for the outbox and the dispatcher: a channel that records what it is
asked to send and fails on cue, and tiny builders of the rows reminders point at."""

from __future__ import annotations

import asyncio
import gettext
import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import DEFAULT_LOCALES_DIR
from bot.i18n import DEFAULT_LANGUAGE, translator
from plans.model import TimeKind
from scheduling.channel import MessageRef, OutgoingMessage
from scheduling.clock import Clock
from scheduling.outbox import NewReminder
from storage.models import (
    Assignment,
    AssignmentState,
    Channel,
    Contact,
    Plan,
    ReminderStep,
    Task,
    Unit,
    UnitRole,
)

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
"""A Monday, 09:00 in Hà Nội: a moment when reminders may go out."""


@dataclass(frozen=True)
class Delivery:
    """One message the channel accepted, with the clock's time when it was handed over."""

    chat_id: str
    message: OutgoingMessage
    message_id: str
    at: datetime
    monotonic: float


class RecordingChannel:
    """A :class:`scheduling.channel.Channel` that keeps every message it accepts.

    ``fail_next(error, ...)`` queues errors to raise on the next sends (to one chat,
    or to any chat); ``on_delivery`` is called after each accepted message.
    """

    def __init__(self, clock: Clock, name: str = "telegram") -> None:
        self._clock = clock
        self._name = name
        self._ids = itertools.count(1)
        self._failures: dict[str | None, deque[Exception]] = {}
        self.sent: list[Delivery] = []
        self.attempts: list[str] = []
        self.on_delivery: Callable[[Delivery], None] | None = None

    @property
    def name(self) -> str:
        return self._name

    def fail_next(self, *errors: Exception, chat_id: str | None = None) -> None:
        """Raise ``errors``, one per send, on the next sends to ``chat_id`` (any chat if None)."""
        self._failures.setdefault(chat_id, deque()).extend(errors)

    async def send(self, chat_id: str, message: OutgoingMessage) -> MessageRef:
        # The moment of the call is what flood limits govern; the pause after it lets
        # other sends start meanwhile, as a network round trip would.
        at, monotonic = self._clock.now(), self._clock.monotonic()
        self.attempts.append(chat_id)
        await asyncio.sleep(0)
        error = self._next_failure(chat_id)
        if error is not None:
            raise error
        delivery = Delivery(
            chat_id=chat_id,
            message=message,
            message_id=str(next(self._ids)),
            at=at,
            monotonic=monotonic,
        )
        self.sent.append(delivery)
        if self.on_delivery is not None:
            self.on_delivery(delivery)
        return MessageRef(chat_id=chat_id, message_id=delivery.message_id)

    def texts_to(self, chat_id: str) -> list[str]:
        """The texts delivered to ``chat_id``, in order."""
        return [d.message.text for d in self.sent if d.chat_id == chat_id]

    def _next_failure(self, chat_id: str) -> Exception | None:
        for key in (chat_id, None):
            queue = self._failures.get(key)
            if queue:
                return queue.popleft()
        return None


def translate(language: str | None) -> gettext.NullTranslations:
    """The project's catalogs, Vietnamese unless the contact chose another language."""
    return translator(language or DEFAULT_LANGUAGE, DEFAULT_LOCALES_DIR)


_serial = itertools.count(1)


async def make_unit(session: AsyncSession, name: str = "Chi bộ Thôn 1") -> Unit:
    """A unit with a unique key."""
    unit = Unit(name=name, key=f"{name.lower()} {next(_serial)}")
    session.add(unit)
    await session.flush()
    return unit


async def make_assignment(
    session: AsyncSession,
    unit: Unit | None = None,
    *,
    content: str = "Tổ chức hội nghị quán triệt Nghị quyết",
    plan_title: str = "Kế hoạch thực hiện Nghị quyết Đại hội",
    due: date | None = date(2025, 12, 31),
    state: AssignmentState = AssignmentState.OPEN,
) -> Assignment:
    """An assignment of a one-task plan to ``unit`` (a new unit if None)."""
    unit = unit or await make_unit(session)
    plan = Plan(title=plan_title, source_name="plan.txt", source_sha256="0" * 64)
    task = Task(position=0, ref="1", content=content, kind=TimeKind.ONCE, due=due)
    assignment = Assignment(
        unit_id=unit.id, role=UnitRole.LEAD, period_key="once", due=due, state=state
    )
    task.assignments.append(assignment)
    plan.tasks.append(task)
    session.add(plan)
    await session.flush()
    return assignment


async def make_contact(
    session: AsyncSession,
    unit_id: int | None,
    *,
    chat_id: str | None = None,
    channel: Channel = Channel.TELEGRAM,
    language: str | None = None,
    display_name: str = "Bí thư chi bộ",
) -> Contact:
    """A contact of ``unit_id`` in its own private chat (a fresh chat id unless given)."""
    chat = chat_id or str(1000 + next(_serial))
    contact = Contact(
        unit_id=unit_id,
        channel=channel,
        chat_id=chat,
        user_id=chat,
        display_name=display_name,
        language=language,
    )
    session.add(contact)
    await session.flush()
    return contact


def new_reminder(
    assignment: Assignment,
    contact: Contact,
    *,
    due_at: datetime = START,
    step: ReminderStep = ReminderStep.DUE,
    occurrence: str = "",
    is_group: bool = False,
) -> NewReminder:
    """An outbox row for ``contact`` about ``assignment``, planned and due at ``due_at``."""
    return NewReminder(
        assignment_id=assignment.id,
        contact_id=contact.id,
        channel=contact.channel.value,
        chat_id=contact.chat_id,
        is_group=is_group,
        step=step,
        occurrence=occurrence,
        planned_at=due_at,
        due_at=due_at,
    )
