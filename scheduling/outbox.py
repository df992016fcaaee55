"""The durable outbox of reminders: enqueue, claim under a lease, record the outcome.

A reminder row moves ``PENDING → CLAIMED → SENT`` in the normal case. A worker
claims due rows under a lease (``lease_until``, ``claimed_by``) and records each
outcome as soon as it knows it; only the worker that holds the claim may record
it. When a worker dies holding claims, :func:`reap_expired` returns them to
``PENDING`` once the lease runs out, so a message sent just before the crash but
not yet recorded goes out again: delivery is at least once, and the window is the
time between a send returning and its ``mark_sent`` committing.

Every function takes an ``AsyncSession``, flushes but never commits: the caller
owns the transaction. :func:`claim_due` must run in a write-locked transaction
(``Database.transaction(write_lock=True)``) so that two claimers on SQLite queue
for the write lock instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Executable,
    Table,
    Update,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.channel import MessageRef
from storage.dialect import for_update_skip_locked, insert_ignoring_conflicts
from storage.models import (
    Assignment,
    AssignmentState,
    Contact,
    Reminder,
    ReminderState,
    ReminderStep,
)
from storage.types import utcnow

ENQUEUE_CHUNK = 1000
"""Rows handed to the database at once by :func:`enqueue`: a large enqueue streams
through in slices instead of holding every row's parameters in memory."""

CLOSED_ASSIGNMENT_STATES = (AssignmentState.DONE, AssignmentState.CANCELLED)
"""Assignments in these states get no further reminders."""


@dataclass(frozen=True)
class NewReminder:
    """A reminder to put in the outbox; identified by (assignment, contact, step, occurrence)."""

    assignment_id: int
    contact_id: int
    channel: str
    chat_id: str
    is_group: bool
    step: ReminderStep
    occurrence: str
    planned_at: datetime
    due_at: datetime


@dataclass(frozen=True)
class DeadLetter:
    """A reminder that will never be delivered, and why."""

    reminder_id: int
    assignment_id: int
    contact_id: int
    channel: str
    chat_id: str
    step: ReminderStep
    attempts: int
    last_error: str | None
    due_at: datetime


@dataclass(frozen=True)
class UnreachableContact:
    """A contact that blocked the bot or left, since ``unreachable_at``."""

    contact_id: int
    channel: str
    chat_id: str
    display_name: str
    unit_id: int | None
    unreachable_at: datetime


@dataclass(frozen=True)
class OutboxStats:
    """Counts per state (every state listed), the latest dead letters and unreachable
    contacts, and the due time of the oldest pending row (how far behind we are)."""

    by_state: dict[str, int]
    dead: list[DeadLetter]
    unreachable_contacts: list[UnreachableContact]
    oldest_pending_due: datetime | None


async def enqueue(session: AsyncSession, reminders: Iterable[NewReminder]) -> int:
    """Insert ``reminders`` as PENDING rows, skipping those already in the outbox.

    A row already present — whatever its state — is left untouched, so the planner
    may enqueue the same reminders again safely. Returns the number of rows inserted.
    """
    table = _table()
    # Counting the returned ids works on every backend; the rowcount of an
    # executemany does not (asyncpg reports none).
    stmt = insert_ignoring_conflicts(table, _dialect(session)).returning(table.c.id)
    created_at = utcnow()
    rows = (_row(r, created_at) for r in reminders)
    inserted = 0
    for chunk in _chunks(rows, ENQUEUE_CHUNK):
        inserted += len((await session.execute(stmt, chunk)).all())
    return inserted


def _row(reminder: NewReminder, created_at: datetime) -> dict[str, Any]:
    # Not dataclasses.asdict: it deep-copies every datetime, which triples the time
    # a large enqueue takes.
    return {
        "assignment_id": reminder.assignment_id,
        "contact_id": reminder.contact_id,
        "channel": reminder.channel,
        "chat_id": reminder.chat_id,
        "is_group": reminder.is_group,
        "step": reminder.step,
        "occurrence": reminder.occurrence,
        "planned_at": reminder.planned_at,
        "due_at": reminder.due_at,
        "state": ReminderState.PENDING,
        "attempts": 0,
        "created_at": created_at,
    }


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


async def claim_due(
    session: AsyncSession, *, now: datetime, limit: int, lease_seconds: float, worker: str
) -> list[Reminder]:
    """Claim up to ``limit`` PENDING rows due by ``now``, oldest first, for ``worker``.

    The rows become CLAIMED until ``now + lease_seconds``. One statement selects and
    updates them; on PostgreSQL the selection skips rows another claimer has locked.
    Run it in a write-locked transaction. The rows come back sorted by ``due_at``.
    """
    stmt = claim_statement(
        _dialect(session),
        now=now,
        limit=limit,
        lease_until=now + timedelta(seconds=lease_seconds),
        worker=worker,
    )
    claimed = list((await session.scalars(stmt)).all())
    claimed.sort(key=lambda r: (r.due_at, r.id))
    return claimed


def claim_statement(
    dialect_name: str, *, now: datetime, limit: int, lease_until: datetime, worker: str
) -> Update:
    """``UPDATE reminders ... WHERE id IN (due PENDING ids, oldest first, LIMIT n)
    RETURNING *``; the inner selection skips locked rows where the backend can."""
    due = (
        select(Reminder.id)
        .where(Reminder.state == ReminderState.PENDING, Reminder.due_at <= now)
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
    )
    return (
        update(Reminder)
        .where(Reminder.id.in_(for_update_skip_locked(due, dialect_name)))
        .values(state=ReminderState.CLAIMED, lease_until=lease_until, claimed_by=worker)
        .returning(Reminder)
        .execution_options(synchronize_session=False, populate_existing=True)
    )


async def drop_unsendable(
    session: AsyncSession, reminders: Sequence[Reminder], *, worker: str
) -> list[Reminder]:
    """Settle claimed rows that must not go out and return the others.

    Rows of a done or cancelled assignment become CANCELLED; rows for a contact
    marked unreachable become UNREACHABLE.
    """
    by_id = {r.id: r for r in reminders}
    if not by_id:
        return []
    found = await session.execute(
        select(Reminder.id, Assignment.state, Contact.unreachable_at)
        .join(Assignment, Assignment.id == Reminder.assignment_id)
        .join(Contact, Contact.id == Reminder.contact_id)
        .where(Reminder.id.in_(by_id))
    )
    closed, gone = [], []
    for reminder_id, assignment_state, unreachable_at in found:
        if assignment_state in CLOSED_ASSIGNMENT_STATES:
            closed.append(reminder_id)
        elif unreachable_at is not None:
            gone.append(reminder_id)
    await _settle(session, closed, worker, ReminderState.CANCELLED, "assignment closed")
    await _settle(session, gone, worker, ReminderState.UNREACHABLE, "contact unreachable")
    settled = {*closed, *gone}
    return [r for r in reminders if r.id not in settled]


async def _settle(
    session: AsyncSession, ids: list[int], worker: str, state: ReminderState, error: str
) -> None:
    if ids:
        await _rowcount(
            session,
            _claimed_by(worker, Reminder.id.in_(ids)).values(
                state=state, last_error=error, lease_until=None
            ),
        )


async def mark_sent(
    session: AsyncSession, reminder_id: int, *, worker: str, ref: MessageRef, now: datetime
) -> bool:
    """Record that the claimed row was delivered as ``ref``; ``False`` if ``worker`` no
    longer holds the claim (its lease ran out and the row was reaped or re-claimed)."""
    stmt = _claimed_by(worker, Reminder.id == reminder_id).values(
        state=ReminderState.SENT,
        sent_at=now,
        message_id=ref.message_id,
        lease_until=None,
        last_error=None,
    )
    return await _rowcount(session, stmt) == 1


async def mark_sent_many(
    session: AsyncSession,
    records: Sequence[tuple[int, MessageRef]],
    *,
    worker: str,
    now: datetime,
) -> list[bool]:
    """:func:`mark_sent` for several rows in two statements; one result per record."""
    if not records:
        return []
    table = _table()
    stmt = (
        update(table)
        .where(
            table.c.id == bindparam("rid"),
            table.c.state == ReminderState.CLAIMED.value,
            table.c.claimed_by == worker,
        )
        .values(
            state=ReminderState.SENT.value,
            sent_at=now,
            message_id=bindparam("mid"),
            lease_until=None,
            last_error=None,
        )
    )
    await session.execute(stmt, [{"rid": rid, "mid": ref.message_id} for rid, ref in records])
    ids = [rid for rid, _ in records]
    done = set(
        (
            await session.execute(
                select(table.c.id, table.c.message_id).where(
                    table.c.id.in_(ids),
                    table.c.state == ReminderState.SENT.value,
                    table.c.claimed_by == worker,
                )
            )
        ).all()
    )
    return [(rid, ref.message_id) in done for rid, ref in records]


async def release(
    session: AsyncSession,
    reminder_id: int,
    *,
    worker: str,
    due_at: datetime,
    error: str | None,
    count_attempt: bool,
) -> None:
    """Give a claimed row back: PENDING again, due at ``due_at``.

    ``count_attempt`` says whether this was a failed delivery (a retry) or a pause
    that is nobody's fault (flood control, a channel not running here).
    """
    stmt = _claimed_by(worker, Reminder.id == reminder_id).values(
        state=ReminderState.PENDING,
        due_at=due_at,
        last_error=error,
        lease_until=None,
        claimed_by=None,
        attempts=Reminder.attempts + int(count_attempt),
    )
    await _rowcount(session, stmt)


async def mark_dead(
    session: AsyncSession,
    reminder_id: int,
    *,
    worker: str,
    error: str,
    count_attempt: bool = False,
) -> None:
    """Give up on a claimed row: DEAD, with ``error`` kept for :func:`stats`."""
    stmt = _claimed_by(worker, Reminder.id == reminder_id).values(
        state=ReminderState.DEAD,
        last_error=error,
        lease_until=None,
        attempts=Reminder.attempts + int(count_attempt),
    )
    await _rowcount(session, stmt)


async def mark_unreachable(
    session: AsyncSession, reminder_id: int, *, worker: str, error: str, now: datetime
) -> int:
    """The row's contact cannot be reached: the claimed row and the contact's PENDING
    rows become UNREACHABLE, and the contact gets ``unreachable_at`` (the first time
    is kept). Returns the number of reminder rows changed.
    """
    contact_id = await session.scalar(select(Reminder.contact_id).where(Reminder.id == reminder_id))
    if contact_id is None:
        return 0
    this_row = _claimed_by(worker, Reminder.id == reminder_id).values(
        state=ReminderState.UNREACHABLE, last_error=error, lease_until=None
    )
    others = (
        update(Reminder)
        .where(Reminder.contact_id == contact_id, Reminder.state == ReminderState.PENDING)
        .values(state=ReminderState.UNREACHABLE, last_error=error)
    )
    contact = (
        update(Contact)
        .where(Contact.id == contact_id, Contact.unreachable_at.is_(None))
        .values(unreachable_at=now)
    )
    changed = await _rowcount(session, this_row) + await _rowcount(session, others)
    await _rowcount(session, contact)
    return changed


async def reap_expired(session: AsyncSession, *, now: datetime) -> int:
    """Return CLAIMED rows whose lease ended before ``now`` to PENDING; returns how many.

    The claimer may have sent the message before it died, so such a row can be
    delivered twice; it is never lost.
    """
    stmt = (
        update(Reminder)
        .where(Reminder.state == ReminderState.CLAIMED, Reminder.lease_until < now)
        .values(state=ReminderState.PENDING, lease_until=None, claimed_by=None)
    )
    return await _rowcount(session, stmt)


async def cancel_pending(session: AsyncSession, assignment_id: int) -> int:
    """Cancel the assignment's PENDING reminders (a report came in); returns how many."""
    stmt = (
        update(Reminder)
        .where(Reminder.assignment_id == assignment_id, Reminder.state == ReminderState.PENDING)
        .values(state=ReminderState.CANCELLED)
    )
    return await _rowcount(session, stmt)


async def snooze(
    session: AsyncSession, assignment_id: int, until: datetime, *, contact_id: int | None = None
) -> int:
    """Move the assignment's next PENDING reminder (earliest ``due_at``, escalations
    excluded) to ``until``; only that contact's when ``contact_id`` is given.

    Returns 1 if a reminder moved, 0 if none was pending.
    """
    next_one = (
        select(Reminder.id)
        .where(
            Reminder.assignment_id == assignment_id,
            Reminder.state == ReminderState.PENDING,
            Reminder.step != ReminderStep.ESCALATION,
        )
        .order_by(Reminder.due_at, Reminder.id)
        .limit(1)
    )
    if contact_id is not None:
        next_one = next_one.where(Reminder.contact_id == contact_id)
    reminder_id = await session.scalar(next_one)
    if reminder_id is None:
        return 0
    stmt = (
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.state == ReminderState.PENDING)
        .values(due_at=until)
    )
    return await _rowcount(session, stmt)


async def stats(session: AsyncSession, *, limit: int = 20) -> OutboxStats:
    """How the outbox stands: counts per state, the ``limit`` latest dead letters and
    unreachable contacts, and the oldest pending due time."""
    counts = await session.execute(select(Reminder.state, func.count()).group_by(Reminder.state))
    by_state = {state.value: 0 for state in ReminderState}
    by_state.update({ReminderState(state).value: n for state, n in counts})
    oldest = await session.scalar(
        select(func.min(Reminder.due_at)).where(Reminder.state == ReminderState.PENDING)
    )
    return OutboxStats(
        by_state=by_state,
        dead=await _dead_letters(session, limit),
        unreachable_contacts=await _unreachable_contacts(session, limit),
        oldest_pending_due=oldest,
    )


async def _dead_letters(session: AsyncSession, limit: int) -> list[DeadLetter]:
    rows = await session.scalars(
        select(Reminder)
        .where(Reminder.state == ReminderState.DEAD)
        .order_by(Reminder.id.desc())
        .limit(limit)
    )
    return [
        DeadLetter(
            reminder_id=r.id,
            assignment_id=r.assignment_id,
            contact_id=r.contact_id,
            channel=r.channel.value,
            chat_id=r.chat_id,
            step=r.step,
            attempts=r.attempts,
            last_error=r.last_error,
            due_at=r.due_at,
        )
        for r in rows
    ]


async def _unreachable_contacts(session: AsyncSession, limit: int) -> list[UnreachableContact]:
    rows = await session.scalars(
        select(Contact)
        .where(Contact.unreachable_at.is_not(None))
        .order_by(Contact.unreachable_at.desc(), Contact.id.desc())
        .limit(limit)
    )
    return [
        UnreachableContact(
            contact_id=c.id,
            channel=c.channel.value,
            chat_id=c.chat_id,
            display_name=c.display_name,
            unit_id=c.unit_id,
            unreachable_at=cast(datetime, c.unreachable_at),
        )
        for c in rows
    ]


def _claimed_by(worker: str, *criteria: ColumnElement[bool]) -> Update:
    """An UPDATE of rows still CLAIMED by ``worker``: a worker whose lease ran out
    must not overwrite what the row's new owner does with it."""
    return update(Reminder).where(
        Reminder.state == ReminderState.CLAIMED, Reminder.claimed_by == worker, *criteria
    )


async def _rowcount(session: AsyncSession, stmt: Executable) -> int:
    result = await session.execute(stmt)
    return cast(CursorResult[Any], result).rowcount


def _table() -> Table:
    return cast(Table, Reminder.__table__)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name
