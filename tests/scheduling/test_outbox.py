"""The outbox: idempotent enqueue, claims under a lease, and every way a row can end."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Result, Table, create_mock_engine, event, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling import outbox
from scheduling.channel import MessageRef
from storage.db import Database
from storage.dialect import insert_ignoring_conflicts
from storage.models import (
    Assignment,
    AssignmentState,
    Contact,
    Reminder,
    ReminderState,
    ReminderStep,
)
from tests.scheduling.fakes import START, make_assignment, make_contact, new_reminder

LEASE = 60.0
A = TypeVar("A")
B = TypeVar("B")


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


async def seed(session: AsyncSession, due_offsets: Sequence[float]) -> tuple[Assignment, Contact]:
    """One assignment and contact with a DUE reminder due at each offset (seconds from START)."""
    assignment = await make_assignment(session)
    contact = await make_contact(session, assignment.unit_id)
    rows = [
        new_reminder(assignment, contact, due_at=at(s), occurrence=str(i))
        for i, s in enumerate(due_offsets)
    ]
    await outbox.enqueue(session, rows)
    return assignment, contact


def pairs(result: Result[A, B]) -> list[tuple[A, B]]:
    return [(first, second) for first, second in result]


async def reload(session: AsyncSession, reminder_id: int) -> Reminder:
    found = await session.scalar(
        select(Reminder).where(Reminder.id == reminder_id).execution_options(populate_existing=True)
    )
    assert found is not None
    return found


async def claim(session: AsyncSession, worker: str = "w1", limit: int = 10) -> list[Reminder]:
    return await outbox.claim_due(
        session, now=START, limit=limit, lease_seconds=LEASE, worker=worker
    )


async def test_enqueue_skips_rows_already_there(session: AsyncSession) -> None:
    assignment = await make_assignment(session)
    contact = await make_contact(session, assignment.unit_id)
    first = [
        new_reminder(assignment, contact, step=ReminderStep.BEFORE),
        new_reminder(assignment, contact, step=ReminderStep.DUE),
        new_reminder(assignment, contact, step=ReminderStep.OVERDUE, occurrence="1"),
    ]
    again = [*first, new_reminder(assignment, contact, step=ReminderStep.OVERDUE, occurrence="2")]

    assert await outbox.enqueue(session, first) == 3
    assert await outbox.enqueue(session, again) == 1
    assert await outbox.enqueue(session, []) == 0
    assert await session.scalar(select(func.count()).select_from(Reminder)) == 4


async def test_enqueue_leaves_existing_rows_as_they_are(session: AsyncSession) -> None:
    assignment, contact = await seed(session, [0])
    [row] = await claim(session)
    moved = new_reminder(assignment, contact, due_at=at(999), occurrence="0")
    assert await outbox.enqueue(session, [moved]) == 0
    kept = await reload(session, row.id)
    assert (kept.state, kept.due_at) == (ReminderState.CLAIMED, START)


async def test_enqueue_many_rows_in_chunks(session: AsyncSession) -> None:
    count = outbox.ENQUEUE_CHUNK * 2 + 7
    assignment = await make_assignment(session)
    contact = await make_contact(session, assignment.unit_id)
    rows = (new_reminder(assignment, contact, occurrence=str(i)) for i in range(count))
    assert await outbox.enqueue(session, rows) == count
    repeat = (new_reminder(assignment, contact, occurrence=str(i)) for i in range(count + 3))
    assert await outbox.enqueue(session, repeat) == 3
    pending = await outbox.stats(session)
    assert pending.by_state["pending"] == count + 3


async def test_claim_takes_the_oldest_due_rows_under_a_lease(session: AsyncSession) -> None:
    await seed(session, [-30, -10, -20, 5])
    first = await claim(session, limit=2)
    assert [r.due_at for r in first] == [at(-30), at(-20)]
    for row in first:
        assert row.state is ReminderState.CLAIMED
        assert row.claimed_by == "w1"
        assert row.lease_until == at(LEASE)
    second = await claim(session, limit=2)
    assert [r.due_at for r in second] == [at(-10)]
    assert await claim(session) == []


async def test_two_claimers_never_share_a_row(database: Database) -> None:
    async with database.transaction() as session:
        await seed(session, [-float(i) for i in range(60)])

    async def claim_once(worker: str) -> list[int]:
        async with database.transaction(write_lock=True) as session:
            return [r.id for r in await claim(session, worker=worker, limit=7)]

    claimed: dict[str, list[int]] = {"a": [], "b": []}
    for _ in range(5):
        a, b = await asyncio.gather(claim_once("a"), claim_once("b"))
        claimed["a"] += a
        claimed["b"] += b
    assert len(claimed["a"]) >= 7 and len(claimed["b"]) >= 7
    assert len(claimed["a"]) + len(claimed["b"]) == 60
    assert not set(claimed["a"]) & set(claimed["b"])
    async with database.sessions() as session:
        owners = dict(pairs(await session.execute(select(Reminder.id, Reminder.claimed_by))))
    assert owners == {i: w for w, ids in claimed.items() for i in ids}


async def test_claim_reads_the_state_and_due_index(database: Database) -> None:
    """Claiming stays fast on a large outbox only if it walks the (state, due_at) index."""
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE"):
            statements.append((statement, params))

    async with database.transaction(write_lock=True) as session:
        await seed(session, [0])
        event.listen(database.engine.sync_engine, "before_cursor_execute", capture)
        try:
            await claim(session)
        finally:
            event.remove(database.engine.sync_engine, "before_cursor_execute", capture)
        [(statement, params)] = statements
        connection = await session.connection()
        plan = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", tuple(params))
        details = " | ".join(str(row[-1]) for row in plan)
    assert "INDEX ix_reminders_state_due_at (state=? AND due_at<?)" in details
    assert "SCAN reminders" not in details


async def test_mark_sent_only_by_the_worker_holding_the_claim(session: AsyncSession) -> None:
    await seed(session, [0])
    [row] = await claim(session, worker="owner")
    ref = MessageRef(chat_id=row.chat_id, message_id="77")

    assert not await outbox.mark_sent(session, row.id, worker="other", ref=ref, now=at(1))
    assert (await reload(session, row.id)).state is ReminderState.CLAIMED
    assert await outbox.mark_sent(session, row.id, worker="owner", ref=ref, now=at(1))
    sent = await reload(session, row.id)
    assert (sent.state, sent.message_id, sent.sent_at) == (ReminderState.SENT, "77", at(1))
    assert sent.lease_until is None
    assert not await outbox.mark_sent(session, row.id, worker="owner", ref=ref, now=at(2))


async def test_reaper_returns_expired_claims_for_another_send(session: AsyncSession) -> None:
    await seed(session, [0])
    [row] = await claim(session, worker="crashed")

    assert await outbox.reap_expired(session, now=at(LEASE - 1)) == 0
    assert await outbox.reap_expired(session, now=at(LEASE + 1)) == 1
    back = await reload(session, row.id)
    assert (back.state, back.claimed_by, back.lease_until) == (ReminderState.PENDING, None, None)

    [again] = await claim(session, worker="survivor")
    assert again.id == row.id
    ref = MessageRef(chat_id=row.chat_id, message_id="1")
    assert not await outbox.mark_sent(session, row.id, worker="crashed", ref=ref, now=at(70))
    assert await outbox.mark_sent(session, row.id, worker="survivor", ref=ref, now=at(70))


async def test_release_counts_an_attempt_only_when_asked(session: AsyncSession) -> None:
    await seed(session, [0])
    [row] = await claim(session)
    await outbox.release(
        session, row.id, worker="w1", due_at=at(30), error="retry after 30", count_attempt=False
    )
    paused = await reload(session, row.id)
    assert (paused.state, paused.due_at, paused.attempts) == (ReminderState.PENDING, at(30), 0)
    assert paused.claimed_by is None

    [row] = await outbox.claim_due(session, now=at(30), limit=1, lease_seconds=LEASE, worker="w1")
    await outbox.release(
        session, row.id, worker="w1", due_at=at(90), error="502", count_attempt=True
    )
    retried = await reload(session, row.id)
    assert (retried.attempts, retried.last_error, retried.due_at) == (1, "502", at(90))


async def test_release_by_a_stranger_changes_nothing(session: AsyncSession) -> None:
    await seed(session, [0])
    [row] = await claim(session, worker="owner")
    await outbox.release(
        session, row.id, worker="stranger", due_at=at(90), error=None, count_attempt=True
    )
    kept = await reload(session, row.id)
    assert (kept.state, kept.attempts, kept.due_at) == (ReminderState.CLAIMED, 0, START)


async def test_dead_letters_are_listed_in_stats(session: AsyncSession) -> None:
    await seed(session, [0, 1])
    rows = await outbox.claim_due(session, now=at(1), limit=2, lease_seconds=LEASE, worker="w1")
    await outbox.mark_dead(session, rows[0].id, worker="w1", error="chat not found")

    result = await outbox.stats(session)
    assert result.by_state["dead"] == 1
    assert result.by_state["claimed"] == 1
    assert result.by_state["sent"] == 0
    [dead] = result.dead
    assert (dead.reminder_id, dead.last_error, dead.chat_id) == (
        rows[0].id,
        "chat not found",
        rows[0].chat_id,
    )


async def test_unreachable_contact_stops_all_its_pending_rows(session: AsyncSession) -> None:
    assignment, contact = await seed(session, [0, 100, 200])
    other = await make_contact(session, assignment.unit_id)
    await outbox.enqueue(session, [new_reminder(assignment, other, due_at=at(100))])
    [row] = await claim(session)

    changed = await outbox.mark_unreachable(
        session, row.id, worker="w1", error="Forbidden: bot was blocked by the user", now=at(1)
    )
    assert changed == 3
    by_contact = await session.execute(select(Reminder.contact_id, Reminder.state))
    assert sorted(pairs(by_contact)) == sorted(
        [(contact.id, ReminderState.UNREACHABLE)] * 3 + [(other.id, ReminderState.PENDING)]
    )
    await session.refresh(contact)
    assert contact.unreachable_at == at(1)
    [listed] = (await outbox.stats(session)).unreachable_contacts
    assert (listed.contact_id, listed.chat_id, listed.unreachable_at) == (
        contact.id,
        contact.chat_id,
        at(1),
    )


async def test_cancel_pending_leaves_sent_and_other_assignments(session: AsyncSession) -> None:
    assignment, _ = await seed(session, [0, 100, 200])
    other, _ = await seed(session, [100])
    [first] = await claim(session, limit=1)
    ref = MessageRef(chat_id=first.chat_id, message_id="5")
    await outbox.mark_sent(session, first.id, worker="w1", ref=ref, now=START)

    assert await outbox.cancel_pending(session, assignment.id) == 2
    rows = await session.execute(select(Reminder.assignment_id, Reminder.state))
    assert sorted(pairs(rows)) == sorted(
        [
            (assignment.id, ReminderState.SENT),
            (assignment.id, ReminderState.CANCELLED),
            (assignment.id, ReminderState.CANCELLED),
            (other.id, ReminderState.PENDING),
        ]
    )
    assert await outbox.cancel_pending(session, assignment.id) == 0


async def test_snooze_moves_only_the_next_reminder(session: AsyncSession) -> None:
    assignment = await make_assignment(session)
    contact = await make_contact(session, assignment.unit_id)
    escalation = new_reminder(assignment, contact, due_at=at(10), step=ReminderStep.ESCALATION)
    due = new_reminder(assignment, contact, due_at=at(20), step=ReminderStep.DUE)
    overdue = new_reminder(assignment, contact, due_at=at(30), step=ReminderStep.OVERDUE)
    await outbox.enqueue(session, [escalation, due, overdue])

    assert await outbox.snooze(session, assignment.id, at(3600)) == 1
    rows = await session.execute(
        select(Reminder.step, Reminder.due_at).execution_options(populate_existing=True)
    )
    assert dict(pairs(rows)) == {
        ReminderStep.ESCALATION: at(10),
        ReminderStep.DUE: at(3600),
        ReminderStep.OVERDUE: at(30),
    }


async def test_snooze_without_pending_reminders_moves_nothing(session: AsyncSession) -> None:
    assignment, _ = await seed(session, [0])
    await outbox.cancel_pending(session, assignment.id)
    assert await outbox.snooze(session, assignment.id, at(3600)) == 0


async def test_snooze_one_contact(session: AsyncSession) -> None:
    assignment = await make_assignment(session)
    first = await make_contact(session, assignment.unit_id)
    second = await make_contact(session, assignment.unit_id)
    await outbox.enqueue(
        session,
        [
            new_reminder(assignment, first, due_at=at(10)),
            new_reminder(assignment, second, due_at=at(20)),
        ],
    )
    assert await outbox.snooze(session, assignment.id, at(999), contact_id=second.id) == 1
    rows = await session.execute(select(Reminder.contact_id, Reminder.due_at))
    assert dict(pairs(rows)) == {first.id: at(10), second.id: at(999)}


async def test_stats_count_every_state_and_the_oldest_pending(session: AsyncSession) -> None:
    empty = await outbox.stats(session)
    assert set(empty.by_state) == {s.value for s in ReminderState}
    assert sum(empty.by_state.values()) == 0
    assert empty.oldest_pending_due is None

    await seed(session, [-50, -40, 30])
    await claim(session, limit=1)
    result = await outbox.stats(session)
    assert (result.by_state["pending"], result.by_state["claimed"]) == (2, 1)
    assert result.oldest_pending_due == at(-40)


async def test_drop_unsendable_settles_closed_and_unreachable(session: AsyncSession) -> None:
    open_one, reachable = await seed(session, [0])
    done, _ = await seed(session, [0])
    blocked_assignment, blocked = await seed(session, [0])
    done.state = AssignmentState.DONE
    blocked.unreachable_at = START
    await session.flush()

    claimed = await claim(session)
    kept = await outbox.drop_unsendable(session, claimed, worker="w1")

    assert [r.assignment_id for r in kept] == [open_one.id]
    rows = await session.execute(select(Reminder.assignment_id, Reminder.state))
    assert dict(pairs(rows)) == {
        open_one.id: ReminderState.CLAIMED,
        done.id: ReminderState.CANCELLED,
        blocked_assignment.id: ReminderState.UNREACHABLE,
    }
    assert reachable.unreachable_at is None


def test_postgresql_claims_skip_locked_rows_and_inserts_ignore_conflicts() -> None:
    dialect = create_mock_engine("postgresql://", executor=print).dialect
    claim_sql = str(
        outbox.claim_statement(
            "postgresql", now=START, limit=5, lease_until=at(LEASE), worker="w"
        ).compile(dialect=dialect)
    )
    assert "FOR UPDATE SKIP LOCKED" in claim_sql
    assert claim_sql.index("FOR UPDATE") < claim_sql.index("RETURNING")
    table = Reminder.__table__
    assert isinstance(table, Table)
    insert_sql = str(insert_ignoring_conflicts(table, "postgresql").compile(dialect=dialect))
    assert insert_sql.endswith("ON CONFLICT DO NOTHING")
    sqlite_claim = str(
        outbox.claim_statement("sqlite", now=START, limit=5, lease_until=at(LEASE), worker="w")
    )
    assert "FOR UPDATE" not in sqlite_claim
