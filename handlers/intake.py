"""Taking messages in: acknowledged once stored, read in the background.

A platform that delivers a message (a webhook request, a batch of long-polled
updates) wants to hear back quickly, and delivers again when it does not. The
intake answers it as soon as the message is durably stored: messages arriving
together share one statement and one transaction (group commit). Reading them
follows in the background, in the order they arrived, those waiting together in
one transaction (each in a savepoint of its own); storing goes first, so a burst
of messages is acknowledged at once and read right after. Answers are sent
concurrently, each chat's in order.

A message stored but not yet read when the process stops is read again at the
next start: :meth:`Intake.recover` queues every report of a channel not marked
handled, with the message as it was stored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from sqlalchemy import select

from handlers.messages import Incoming, incoming_from_json
from handlers.platform import Platform
from storage.models import Report

if TYPE_CHECKING:
    from handlers.conversation import Conversation, Outcome

log = logging.getLogger(__name__)

READ_BATCH = 64
"""Most stored messages read in one transaction."""

Stored = tuple[int, Incoming, Platform]
"""A stored message to read: its report's id, the message, where it came from."""
Waiting = tuple[Incoming, Platform, "asyncio.Future[int | None]"]


class Intake:
    """Stores incoming messages (group commit) and interprets them in the background."""

    def __init__(self, conversation: Conversation, *, read_batch: int = READ_BATCH) -> None:
        self._conversation = conversation
        self._read_batch = read_batch
        self._waiting: list[Waiting] = []
        self._storing: asyncio.Task[None] | None = None
        self._stored: asyncio.Queue[Stored | None] = asyncio.Queue()
        self._sending: dict[str, asyncio.Task[None]] = {}

    async def receive(self, incoming: Incoming, platform: Platform) -> bool:
        """Store ``incoming`` and queue it to be read; returns once it is durably stored,
        ``False`` when it was stored before (a duplicate, not read again). Raises when
        storing failed: the platform should deliver it again."""
        future: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._waiting.append((incoming, platform, future))
        if self._storing is None or self._storing.done():
            self._storing = asyncio.create_task(self._store_waiting())
        return await future is not None

    async def recover(self, platform: Platform) -> int:
        """Queue the messages of ``platform``'s channel stored but never read (the process
        stopped in between), oldest first; how many. Call it before receiving."""
        async with self._conversation.deps.database.transaction() as session:
            rows = await session.execute(
                select(Report.id, Report.incoming)
                .where(
                    Report.channel == platform.name,
                    Report.handled_at.is_(None),
                    Report.incoming.is_not(None),
                )
                .order_by(Report.id)
            )
            stored = [(report_id, data) for report_id, data in rows if data is not None]
        for report_id, data in stored:
            self._stored.put_nowait((report_id, incoming_from_json(data), platform))
        if stored:
            log.info("%d stored %s messages queued again", len(stored), platform.name)
        return len(stored)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Read queued messages for the duration of the block; on exit, what was
        received is read and answered before the block ends."""
        reader = asyncio.create_task(self._read(), name="intake")
        try:
            yield
        finally:
            if self._storing is not None:
                await asyncio.wait({self._storing})
            self._stored.put_nowait(None)
            await asyncio.gather(reader, return_exceptions=True)
            if self._sending:
                await asyncio.wait(set(self._sending.values()))

    async def _store_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                ids = await self._conversation.store([incoming for incoming, _, _ in batch])
            except Exception as error:
                for _, _, future in batch:
                    future.set_exception(error)
                continue
            for (incoming, platform, future), report_id in zip(batch, ids, strict=True):
                if report_id is not None:
                    self._stored.put_nowait((report_id, incoming, platform))
                future.set_result(report_id)

    async def _read(self) -> None:
        pending: list[Stored] = []
        stopping = False
        while pending or not stopping:
            while not stopping and (not pending or not self._stored.empty()):
                item = await self._stored.get()
                stopping = item is None
                pending.extend([item] if item is not None else [])
            if pending:
                await self._stored_first()
                read = await self._read_some(pending[: self._read_batch])
                del pending[:read]

    async def _read_some(self, batch: list[Stored]) -> int:
        """Read from the start of ``batch`` until messages wait to be stored; how many."""
        try:
            outcomes = await self._conversation.interpret_many(batch, enough=self._storing_now)
        except Exception:
            # Not even the failures could be recorded (the database is down): the
            # reports stay unhandled and are read again at the next start.
            log.exception("%d stored messages could not be read", len(batch))
            return len(batch)
        for (_, incoming, platform), outcome in zip(batch, outcomes, strict=False):
            self._send(platform, incoming, outcome)
        return len(outcomes)

    def _storing_now(self) -> bool:
        return bool(self._waiting) or (self._storing is not None and not self._storing.done())

    async def _stored_first(self) -> None:
        """Wait while messages are being stored: acknowledging the platform comes first,
        reading what is already stored can wait a moment."""
        while self._storing is not None and not self._storing.done():
            await asyncio.wait({self._storing})

    def _send(self, platform: Platform, incoming: Incoming, outcome: Outcome) -> None:
        chat = f"{incoming.channel}:{incoming.chat_id}"
        previous = self._sending.get(chat)

        async def deliver() -> None:
            if previous is not None:
                await asyncio.wait({previous})
            await self._conversation.deliver(platform, incoming, outcome)

        task = asyncio.create_task(deliver())
        self._sending[chat] = task
        task.add_done_callback(lambda done: self._forget(chat, done))

    def _forget(self, chat: str, task: asyncio.Task[None]) -> None:
        if self._sending.get(chat) is task:
            del self._sending[chat]
