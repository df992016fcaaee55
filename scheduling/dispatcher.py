"""Sending due reminders from the outbox, within the platforms' flood limits.

One :meth:`Dispatcher.tick` claims a batch under a lease (one short write-locked
transaction), settles rows that must not go out, composes the rest, and sends
them concurrently. Each send first passes :class:`FloodControl`; each outcome is
recorded in its own short transaction right after it is known, so a crash loses
at most the record of the sends in flight (those rows are reaped when the lease
runs out and sent again: at least once).

How a failed send ends:

* ``RetryAfter`` — the channel pauses; this row and the batch's rows not yet sent
  on that channel go back to PENDING after the pause, no attempt counted;
* ``Unreachable`` — the contact is marked and its pending rows stop;
* ``PermanentFailure`` — DEAD, listed in the outbox statistics;
* ``TransientFailure`` or an unexpected error — PENDING again after
  :func:`default_backoff`, counting an attempt; DEAD after ``max_attempts``.

A row must start sending well within its lease: one that would wait longer than
``max_flood_wait`` (or past half the lease) is given back instead, due when the
flood limits allow it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from scheduling import outbox
from scheduling.channel import (
    Channel,
    MessageRef,
    OutgoingMessage,
    PermanentFailure,
    RetryAfter,
    TransientFailure,
    Unreachable,
)
from scheduling.clock import Clock
from scheduling.compose import Composer
from scheduling.limits import FloodControl, FloodLimits
from storage.db import Database
from storage.models import Reminder

log = logging.getLogger(__name__)

T = TypeVar("T")

BACKOFF_STEPS: tuple[float, ...] = (5.0, 30.0, 120.0, 600.0, 3600.0)
"""Seconds before the 1st, 2nd, ... retry; the last one repeats."""

MAX_ATTEMPTS = 8
"""Failed deliveries after which a reminder is dead."""

DEFAULT_LIMITS = FloodLimits()

NO_MESSAGE = "the composer made no message for this reminder"
CONTACT_GONE = "contact unreachable"

REAP_EVERY = 30.0
"""Seconds between two sweeps for expired leases in :meth:`Dispatcher.run`."""


def default_backoff(attempt: int) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based): 5 s, 30 s, 2 min, 10 min,
    then 1 h, each stretched by up to 10 % so that failed rows do not return in step."""
    base = BACKOFF_STEPS[min(max(attempt, 1), len(BACKOFF_STEPS)) - 1]
    return base * (1.0 + random.uniform(0.0, 0.1))


def default_worker_name() -> str:
    """A name unique to this process, for ``claimed_by``."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid4().hex[:8]}"


class _GroupCommit:
    """Records sent messages right after each send, sharing transactions.

    Every send waits until its own record is committed before its slot takes
    another row, so at most ``concurrency`` sent-but-unrecorded messages exist
    at any moment (one when sends are not concurrent). Records that complete
    while a commit is running are written together by the next one instead of
    queueing a transaction each: SQLite commits, not statements, are the cost.
    """

    def __init__(
        self, write: Callable[[Sequence[tuple[int, MessageRef]]], Awaitable[list[bool]]]
    ) -> None:
        self._write = write
        self._lock = asyncio.Lock()
        self._waiting: list[tuple[int, MessageRef, asyncio.Future[bool]]] = []

    async def record(self, reminder_id: int, ref: MessageRef) -> bool:
        """Record one delivery; returns whether this worker still held the claim."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((reminder_id, ref, done))
        async with self._lock:
            if not done.done():
                await self._commit_waiting()
        return done.result()

    async def _commit_waiting(self) -> None:
        entries, self._waiting = self._waiting, []
        try:
            results = await self._write([(rid, ref) for rid, ref, _ in entries])
        except BaseException as error:
            for _rid, _ref, future in entries:
                future.set_exception(error)
            raise
        for (_rid, _ref, future), result in zip(entries, results, strict=True):
            future.set_result(result)


@dataclass
class _Batch:
    """What the sends of one batch share: when they must have started, and the
    contacts found unreachable meanwhile."""

    deadline: float
    gone: set[int] = field(default_factory=set)


class Dispatcher:
    """Claims due reminders, composes and sends them, and records every outcome.

    ``worker`` names this dispatcher in ``claimed_by`` (unique per process by
    default). One :class:`FloodControl` per channel keeps that bot's limits:
    ``channel_limits`` by channel name, else ``limits``.
    """

    def __init__(
        self,
        database: Database,
        channels: Mapping[str, Channel],
        composer: Composer,
        *,
        clock: Clock,
        limits: FloodLimits = DEFAULT_LIMITS,
        channel_limits: Mapping[str, FloodLimits] | None = None,
        batch_size: int = 50,
        lease_seconds: float = 60.0,
        worker: str | None = None,
        concurrency: int = 16,
        backoff: Callable[[int], float] = default_backoff,
        max_attempts: int = MAX_ATTEMPTS,
        max_flood_wait: float = 5.0,
        missing_channel_delay: float = 300.0,
    ) -> None:
        self._database = database
        self._channels = dict(channels)
        self._composer = composer
        self._clock = clock
        own = channel_limits or {}
        self._flood = {name: FloodControl(own.get(name, limits), clock) for name in self._channels}
        self._batch_size = batch_size
        self._lease_seconds = lease_seconds
        self.worker = worker or default_worker_name()
        self._slots = asyncio.Semaphore(concurrency)
        self._backoff = backoff
        self._max_attempts = max_attempts
        self._max_flood_wait = max_flood_wait
        self._missing_channel_delay = missing_channel_delay
        # One write at a time from this process: with SQLite the others would poll
        # for the database lock, and every record here is a single short statement.
        self._writes = asyncio.Lock()
        self._sent_log = _GroupCommit(self._mark_sent)

    @property
    def batch_size(self) -> int:
        """Rows claimed per tick at most."""
        return self._batch_size

    def flood_control(self, channel: str) -> FloodControl:
        """The flood control of ``channel`` (one per bot)."""
        return self._flood[channel]

    async def tick(self) -> int:
        """Claim, compose and send one batch; returns the number of messages sent."""
        _claimed, sent = await self._dispatch_batch()
        return sent

    async def drain(self, *, pipelines: int = 2) -> int:
        """Send everything that is due, keeping ``pipelines`` batches in flight so that
        one batch is claimed and composed while the last sends of another finish.
        Returns the number of messages sent."""

        async def pipeline() -> int:
            sent = 0
            while True:
                claimed, delivered = await self._dispatch_batch()
                sent += delivered
                if not claimed:
                    return sent

        return sum(await asyncio.gather(*(pipeline() for _ in range(pipelines))))

    async def run(self, stop: asyncio.Event, *, idle_seconds: float = 1.0) -> None:
        """Tick until ``stop`` is set, resting ``idle_seconds`` whenever nothing was due,
        and return expired leases to the outbox every :data:`REAP_EVERY` seconds."""
        next_reap = self._clock.monotonic()
        while not stop.is_set():
            claimed = 0
            try:
                if self._clock.monotonic() >= next_reap:
                    await self.reap()
                    next_reap = self._clock.monotonic() + REAP_EVERY
                claimed, _sent = await self._dispatch_batch()
            except Exception:
                log.exception("dispatching reminders failed")
            if not claimed and not stop.is_set():
                await self._clock.sleep(idle_seconds)

    async def reap(self) -> int:
        """Return claims whose lease expired to PENDING; returns how many."""
        reaped = await self._write(lambda s: outbox.reap_expired(s, now=self._clock.now()))
        if reaped:
            log.warning("%d reminders returned to the outbox after their lease expired", reaped)
        return reaped

    async def _dispatch_batch(self) -> tuple[int, int]:
        """One batch: (rows claimed, messages sent)."""
        claimed, sendable = await self._claim()
        batch = _Batch(deadline=self._clock.monotonic() + self._lease_seconds / 2)
        sendable = await self._without_missing_channels(sendable)
        messages = await self._compose(sendable)
        if messages is None:
            return len(claimed), 0
        outcomes = await asyncio.gather(
            *(self._deliver(row, messages.get(row.id), batch) for row in sendable),
            return_exceptions=True,
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                log.error("recording a delivery failed", exc_info=outcome)
        return len(claimed), sum(o for o in outcomes if isinstance(o, int))

    async def _claim(self) -> tuple[list[Reminder], list[Reminder]]:
        """Claim a batch and settle its rows that must not go out: (claimed, to send)."""

        async def claim(session: AsyncSession) -> tuple[list[Reminder], list[Reminder]]:
            claimed = await outbox.claim_due(
                session,
                now=self._clock.now(),
                limit=self._batch_size,
                lease_seconds=self._lease_seconds,
                worker=self.worker,
            )
            return claimed, await outbox.drop_unsendable(session, claimed, worker=self.worker)

        return await self._write(claim)

    async def _without_missing_channels(self, rows: Sequence[Reminder]) -> list[Reminder]:
        """Give back rows whose channel does not run here; another worker may serve it."""
        kept = []
        for row in rows:
            if row.channel.value in self._channels:
                kept.append(row)
            else:
                error = f"channel {row.channel.value!r} is not running"
                await self._release(row, self._missing_channel_delay, error, count_attempt=False)
        return kept

    async def _compose(self, rows: Sequence[Reminder]) -> Mapping[int, OutgoingMessage] | None:
        """Messages for ``rows``; ``None`` if composing failed (the rows are retried later)."""
        if not rows:
            return {}
        try:
            async with self._database.transaction() as session:
                return await self._composer(session, rows)
        except Exception as error:
            log.exception("composing %d reminders failed", len(rows))
            for row in rows:
                await self._retry_later(row, f"compose: {_describe(error)}")
            return None

    async def _deliver(self, row: Reminder, message: OutgoingMessage | None, batch: _Batch) -> int:
        """Send one row and record the outcome; returns 1 if a message went out."""
        if message is None:
            await self._write(
                lambda s: outbox.mark_dead(s, row.id, worker=self.worker, error=NO_MESSAGE)
            )
            return 0
        async with self._slots:
            if not await self._cleared(row, batch):
                return 0
            try:
                ref = await self._channels[row.channel.value].send(row.chat_id, message)
            except Exception as error:
                await self._failed(row, error, batch)
                return 0
            await self._record_sent(row, ref)
            return 1

    async def _cleared(self, row: Reminder, batch: _Batch) -> bool:
        """Whether the row may go now; if not, it has been given back or settled."""
        if row.contact_id not in batch.gone:
            if not await self._may_send(row, batch):
                return False
            # A send to the same contact may have failed while this row waited.
            if row.contact_id not in batch.gone:
                return True
        await self._unreachable(row, CONTACT_GONE)
        return False

    async def _may_send(self, row: Reminder, batch: _Batch) -> bool:
        """Pass the flood limits, or give the row back when the wait would be too long."""
        flood = self._flood[row.channel.value]
        budget = min(self._max_flood_wait, batch.deadline - self._clock.monotonic())
        if budget >= 0 and await flood.try_acquire(
            row.chat_id, is_group=row.is_group, max_wait=budget
        ):
            return True
        delay = flood.delay_for(row.chat_id, is_group=row.is_group)
        await self._release(row, delay, None, count_attempt=False)
        return False

    async def _failed(self, row: Reminder, error: Exception, batch: _Batch) -> None:
        if isinstance(error, RetryAfter):
            self._flood[row.channel.value].pause(error.seconds)
            await self._release(row, error.seconds, _describe(error), count_attempt=False)
        elif isinstance(error, Unreachable):
            batch.gone.add(row.contact_id)
            await self._unreachable(row, _describe(error))
        elif isinstance(error, PermanentFailure):
            message = _describe(error)
            await self._write(
                lambda s: outbox.mark_dead(s, row.id, worker=self.worker, error=message)
            )
        else:
            if not isinstance(error, TransientFailure):
                log.error("unexpected error sending reminder %d", row.id, exc_info=error)
            await self._retry_later(row, _describe(error))

    async def _unreachable(self, row: Reminder, error: str) -> None:
        await self._write(
            lambda s: outbox.mark_unreachable(
                s, row.id, worker=self.worker, error=error, now=self._clock.now()
            )
        )

    async def _retry_later(self, row: Reminder, error: str) -> None:
        attempt = row.attempts + 1
        if attempt < self._max_attempts:
            await self._release(row, self._backoff(attempt), error, count_attempt=True)
            return
        await self._write(
            lambda s: outbox.mark_dead(
                s, row.id, worker=self.worker, error=error, count_attempt=True
            )
        )

    async def _record_sent(self, row: Reminder, ref: MessageRef) -> None:
        if not await self._sent_log.record(row.id, ref):
            log.warning("reminder %d was sent after its claim was lost", row.id)

    async def _mark_sent(self, records: Sequence[tuple[int, MessageRef]]) -> list[bool]:
        return await self._write(
            lambda s: outbox.mark_sent_many(s, records, worker=self.worker, now=self._clock.now())
        )

    async def _release(
        self, row: Reminder, delay: float, error: str | None, *, count_attempt: bool
    ) -> None:
        due_at = self._clock.now() + timedelta(seconds=delay)
        await self._write(
            lambda s: outbox.release(
                s,
                row.id,
                worker=self.worker,
                due_at=due_at,
                error=error,
                count_attempt=count_attempt,
            )
        )

    async def _write(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run ``work`` in its own short write-locked transaction."""
        async with self._writes, self._database.transaction(write_lock=True) as session:
            return await work(session)


def _describe(error: Exception) -> str:
    detail = str(error)
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__
