"""The weekly summary: every reader gets it once a week, whatever restarts or how many
processes run.

Readers are the registered summary groups and, on channels without groups (Zalo),
the office members. Each has a schedule (by default Monday 08:00, local time; a
group may choose another or none, :func:`parse_schedule`). Once the week's moment
has passed, one row per reader and ISO week is enqueued in ``summaries``: the unique
key (reader, week) makes this idempotent across restarts and processes. Rows are
then claimed under a lease and sent like reminders; a row is marked sent with the
numbers it showed, so the next summary tells the change. Sending is at least once:
a process killed between sending and recording sends that summary again when the
lease runs out.
"""

from __future__ import annotations

import gettext
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol, cast, runtime_checkable
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from handlers.messages import OutgoingFile
from scheduling.calendar import DEFAULT_TZ
from scheduling.channel import (
    DeliveryError,
    MessageRef,
    OutgoingMessage,
    PermanentFailure,
    RetryAfter,
    Unreachable,
)
from scheduling.clock import Clock
from storage.db import Database
from storage.dialect import for_update_skip_locked, insert_ignoring_conflicts
from storage.models import Channel, Contact, Summary, SummaryState
from summaries.chart import summary_chart
from summaries.model import PlanSummary
from summaries.rollup import last_numbers, numbers_snapshot, plan_summary
from summaries.schedule import (
    MONDAY_MORNING,
    OFF,
    WeeklySchedule,
    this_weeks_moment,
    week_key,
)
from summaries.text import split_message, summary_text

log = logging.getLogger(__name__)

GROUPLESS_CHANNELS = frozenset({Channel.ZALO})
"""Channels without summary groups: their office members get the summary privately."""

LEASE_SECONDS = 300.0
RETRY_SECONDS = 600.0
MAX_ATTEMPTS = 5


@runtime_checkable
class SummaryChannel(Protocol):
    """What the weekly job needs from a chat channel."""

    @property
    def name(self) -> str: ...

    @property
    def max_text_length(self) -> int: ...

    async def send(self, chat_id: str, message: OutgoingMessage) -> MessageRef: ...

    async def send_file(self, chat_id: str, file: OutgoingFile) -> MessageRef:
        """Send a file (the chart, as a picture); a channel that cannot raises
        :class:`scheduling.channel.PermanentFailure` and the text goes alone."""
        ...


@dataclass(frozen=True)
class WeeklyContent:
    """What one reader gets: the text pieces, the chart, and the numbers to remember."""

    pieces: Sequence[str]
    chart: OutgoingFile | None
    numbers: dict[str, Any]


class ContentBuilder(Protocol):
    """Writes the weekly summary: the numbers once per run, then each reader's text."""

    async def numbers(self, session: AsyncSession, today: date) -> PlanSummary:
        """The numbers every reader gets on ``today``."""
        ...

    def content(self, summary: PlanSummary, language: str | None, limit: int) -> WeeklyContent:
        """``summary`` in ``language`` (None: the default), in pieces of ``limit`` characters."""
        ...


class SummaryWriter:
    """Writes the weekly summary of every active plan: the numbers since a week ago and
    the change since the last summary sent, then per reader the text cut for its
    channel and the chart."""

    def __init__(
        self,
        translations: Callable[[str], gettext.NullTranslations],
        default_language: str,
        *,
        tz: ZoneInfo = DEFAULT_TZ,
    ) -> None:
        self._translations = translations
        self._default_language = default_language
        self._tz = tz

    async def numbers(self, session: AsyncSession, today: date) -> PlanSummary:
        """The summary of every active plan on ``today``, reports of the last 7 days."""
        return await plan_summary(
            session,
            None,
            today=today,
            since=today - timedelta(days=7),
            tz=self._tz,
            previous=await last_numbers(session, None),
        )

    def content(self, summary: PlanSummary, language: str | None, limit: int) -> WeeklyContent:
        """The text in ``language`` in pieces of at most ``limit`` characters, and the chart."""
        language = language or self._default_language
        translations = self._translations(language)
        text = summary_text(summary, translations, language, tz=self._tz)
        chart = None
        if any(unit.counts.total for unit in summary.units):
            picture = summary_chart(summary, translations.gettext)
            name = f"tinhhinh-{summary.as_of.isoformat()}.png"
            chart = OutgoingFile(name, picture, picture=True)
        return WeeklyContent(split_message(text, limit), chart, numbers_snapshot(summary))


async def schedules(session: AsyncSession) -> dict[int, WeeklySchedule | None]:
    """Readers' own schedules by contact id (``None``: they turned the summary off)."""
    rows = await session.execute(
        select(Contact.id, Contact.summary_schedule).where(Contact.summary_schedule.is_not(None))
    )
    return {
        contact_id: None if stored == OFF else WeeklySchedule.from_text(stored or "")
        for contact_id, stored in rows
    }


def reader_filter() -> ColumnElement[bool]:
    """SQL condition for the contacts that read weekly summaries."""
    return and_(
        Contact.unreachable_at.is_(None),
        or_(
            Contact.user_id.is_(None),
            and_(Contact.is_office, Contact.channel.in_(GROUPLESS_CHANNELS)),
        ),
    )


async def enqueue_due(
    session: AsyncSession,
    now: datetime,
    *,
    default: WeeklySchedule | None,
    schedules: Mapping[int, WeeklySchedule | None] | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> int:
    """Owe this week's summary to every reader whose moment has passed; how many rows
    were new. ``schedules`` overrides ``default`` per contact id (``None`` = off)."""
    contacts = (await session.scalars(select(Contact).where(reader_filter()))).all()
    rows = []
    for contact in contacts:
        schedule = (schedules or {}).get(contact.id, default)
        if schedule is None:
            continue
        moment = this_weeks_moment(now, schedule, tz)
        if moment <= now:
            week = week_key(moment.date())
            rows.append({"contact_id": contact.id, "week": week, "due_at": moment})
    if not rows:
        return 0
    table = cast(Table, Summary.__table__)
    stmt = insert_ignoring_conflicts(table, session.get_bind().dialect.name)
    inserted = await session.execute(
        stmt.values(
            [
                {**row, "state": SummaryState.PENDING, "attempts": 0, "created_at": now}
                for row in rows
            ]
        ).returning(Summary.id)
    )
    return len(inserted.all())


async def claim_due(
    session: AsyncSession, now: datetime, *, limit: int = 20, lease_seconds: float = LEASE_SECONDS
) -> list[Summary]:
    """Claim owed summaries due by ``now`` (and those whose lease ran out) under a lease.
    Run it in a write-locked transaction."""
    due = (
        select(Summary.id)
        .where(
            or_(
                and_(Summary.state == SummaryState.PENDING, Summary.due_at <= now),
                and_(Summary.state == SummaryState.CLAIMED, Summary.lease_until < now),
            )
        )
        .order_by(Summary.due_at, Summary.id)
        .limit(limit)
    )
    dialect = session.get_bind().dialect.name
    claimed = await session.scalars(
        update(Summary)
        .where(Summary.id.in_(for_update_skip_locked(due, dialect)))
        .values(
            state=SummaryState.CLAIMED,
            lease_until=now + timedelta(seconds=lease_seconds),
            attempts=Summary.attempts + 1,
        )
        .returning(Summary)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return sorted(claimed.all(), key=lambda summary: (summary.due_at, summary.id))


class WeeklySummaries:
    """The weekly job: enqueue what is owed, send it, record it (see the module)."""

    def __init__(
        self,
        database: Database,
        channels: Mapping[str, SummaryChannel],
        content: ContentBuilder,
        clock: Clock,
        *,
        default: WeeklySchedule | None = MONDAY_MORNING,
        tz: ZoneInfo = DEFAULT_TZ,
    ) -> None:
        self._database = database
        self._channels = channels
        self._content = content
        self._clock = clock
        self._default = default
        self._tz = tz

    async def run_once(self) -> int:
        """Enqueue this week's summaries now due, send what is claimable; how many sent.
        The numbers are computed once and written once per language and channel."""
        now = self._clock.now()
        async with self._database.transaction(write_lock=True) as session:
            await enqueue_due(
                session, now, default=self._default, schedules=await schedules(session), tz=self._tz
            )
            claimed = await claim_due(session, now)
        if not claimed:
            return 0
        async with self._database.transaction() as session:
            summary = await self._content.numbers(session, now.astimezone(self._tz).date())
            ids = [row.contact_id for row in claimed]
            contacts = {
                c.id: c for c in await session.scalars(select(Contact).where(Contact.id.in_(ids)))
            }
        written: dict[tuple[str | None, int], WeeklyContent] = {}
        sent = 0
        for row in claimed:
            contact = contacts.get(row.contact_id or 0)
            channel = self._channels.get(contact.channel) if contact is not None else None
            if contact is None or channel is None:
                await self._settle(row.id, "channel not running")
                continue
            key = (contact.language, channel.max_text_length)
            if key not in written:
                written[key] = self._content.content(summary, *key)
            sent += await self._deliver(row, contact, channel, written[key], now)
        return sent

    async def _deliver(
        self,
        summary: Summary,
        contact: Contact,
        channel: SummaryChannel,
        content: WeeklyContent,
        now: datetime,
    ) -> int:
        try:
            for piece in content.pieces:
                await channel.send(contact.chat_id, OutgoingMessage(piece))
        except DeliveryError as error:
            await self._failed(summary, contact.id, error, now)
            return 0
        if content.chart is not None:
            try:
                await channel.send_file(contact.chat_id, content.chart)
            except DeliveryError as error:
                log.info("weekly summary %d went without its chart: %s", summary.id, error)
        async with self._database.transaction(write_lock=True) as session:
            await session.execute(
                update(Summary)
                .where(Summary.id == summary.id)
                .values(
                    state=SummaryState.SENT,
                    sent_at=self._clock.now(),
                    lease_until=None,
                    numbers=content.numbers,
                )
            )
        return 1

    async def _settle(self, summary_id: int, why: str) -> None:
        """Put a claimed summary back, to be tried again later."""
        async with self._database.transaction(write_lock=True) as session:
            await session.execute(
                update(Summary)
                .where(Summary.id == summary_id)
                .values(
                    state=SummaryState.PENDING,
                    due_at=self._clock.now() + timedelta(seconds=RETRY_SECONDS),
                    lease_until=None,
                    last_error=why,
                )
            )

    async def _failed(
        self, summary: Summary, contact_id: int, error: DeliveryError, now: datetime
    ) -> None:
        log.warning("weekly summary %d not delivered: %s", summary.id, error)
        async with self._database.transaction(write_lock=True) as session:
            if isinstance(error, Unreachable):
                await session.execute(
                    update(Contact).where(Contact.id == contact_id).values(unreachable_at=now)
                )
            final = isinstance(error, Unreachable | PermanentFailure) or (
                summary.attempts >= MAX_ATTEMPTS
            )
            wait = error.seconds if isinstance(error, RetryAfter) else RETRY_SECONDS
            await session.execute(
                update(Summary)
                .where(Summary.id == summary.id)
                .values(
                    state=SummaryState.FAILED if final else SummaryState.PENDING,
                    due_at=now + timedelta(seconds=wait),
                    lease_until=None,
                    last_error=str(error)[:500],
                )
            )
