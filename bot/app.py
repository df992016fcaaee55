"""The running bot: database, chat channels, conversation, reminder jobs and the
receiving of updates, in one lifespan.

:func:`run_bot` is what ``nhacviec start`` runs in the foreground until stopped;
:func:`serving` is the part shared with the console channel (:mod:`bot.channels.console`).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels import zalo_receiving
from bot.channels.polling import pause
from bot.channels.telegram import TelegramChannel, WebhookConfig, receiving_updates
from bot.channels.zalo import PicturePublisher, ZaloChannel
from bot.config import Settings, parse_listen_address
from bot.i18n import translator
from bot.wiring import (
    channel_limits,
    reminder_composer,
    reminder_planner,
    working_calendar,
)
from handlers import exports, office, registration, reports, secretary
from handlers.conversation import Conversation
from handlers.router import Router
from handlers.turn import Deps
from scheduling.channel import Channel, RetryAfter, TransientFailure
from scheduling.clock import Clock, SystemClock
from scheduling.dispatcher import Dispatcher
from scheduling.jobs import JobIntervals, ReminderJobs, build_scheduler, running
from storage.db import Database, open_database
from storage.dialect import is_sqlite
from summaries.weekly import SummaryChannel, SummaryWriter, WeeklySummaries

log = logging.getLogger(__name__)

T = TypeVar("T")


def freeze_startup_objects() -> None:
    """Exempt what start-up built (imported modules, the platform libraries' models:
    some hundreds of thousands of objects) from later garbage collections.

    The long-running process calls it once before serving: those objects live as
    long as it does, and each full collection would walk them all again, about a
    tenth of the time of a busy dispatch."""
    gc.collect()
    gc.freeze()


def conversation_routers() -> tuple[Router, ...]:
    """The conversation's routers, in the order they are asked."""
    return (
        registration.router,
        secretary.router,
        reports.router,
        office.router,
        exports.router,
    )


def build_deps(
    settings: Settings, database: Database, clock: Clock, *, bot_username: str | None = None
) -> Deps:
    """What every handler may use, built from the settings."""
    return Deps(
        database=database,
        clock=clock,
        planner=reminder_planner(settings),
        calendar=working_calendar(settings),
        translations=lambda language: translator(language, settings.locales_dir),
        default_language=settings.language,
        bot_username=bot_username,
        max_plan_bytes=settings.max_plan_bytes,
    )


@asynccontextmanager
async def serving(
    settings: Settings,
    database: Database,
    channels: Mapping[str, Channel],
    *,
    clock: Clock,
    bot_username: str | None = None,
    routers: Sequence[Router] | None = None,
    intervals: JobIntervals | None = None,
) -> AsyncIterator[Conversation]:
    """The conversation, its intake reading received messages, and the reminder jobs
    sending through ``channels``, for the duration of the block; on exit the messages
    received are read and answered, then the jobs stop and a dispatch under way is
    finished."""
    deps = build_deps(settings, database, clock, bot_username=bot_username)
    conversation = Conversation(deps, routers if routers is not None else conversation_routers())
    dispatcher = Dispatcher(
        database,
        channels,
        reminder_composer(settings, clock),
        clock=clock,
        channel_limits=channel_limits(settings),
    )
    jobs = ReminderJobs(
        database,
        dispatcher,
        deps.planner,
        clock,
        weekly=weekly_summaries(settings, database, channels, clock).run_once,
    )
    async with (
        running(build_scheduler(jobs, intervals or JobIntervals()), jobs),
        conversation.intake.running(),
    ):
        yield conversation


def weekly_summaries(
    settings: Settings, database: Database, channels: Mapping[str, Channel], clock: Clock
) -> WeeklySummaries:
    """The weekly summaries, sent through those of ``channels`` that can carry them."""
    writer = SummaryWriter(
        lambda language: translator(language, settings.locales_dir),
        settings.language,
        tz=settings.tz,
    )
    readers = {
        name: channel for name, channel in channels.items() if isinstance(channel, SummaryChannel)
    }
    return WeeklySummaries(
        database, readers, writer, clock, default=settings.weekly_schedule, tz=settings.tz
    )


class NestedWriteError(RuntimeError):
    """A write transaction was opened inside another one of the same task: it would
    wait for itself forever."""


@dataclass(frozen=True)
class SerialWrites(Database):
    """A SQLite database whose write transactions (``write_lock=True``) queue in the
    process, in arrival order, instead of each polling SQLite for its one write lock
    with growing sleeps: the same throughput or better, and a far shorter tail of
    waits when many messages arrive at once."""

    _gate: asyncio.Lock = field(default_factory=asyncio.Lock)
    _holder: list[asyncio.Task[Any] | None] = field(default_factory=lambda: [None])

    @asynccontextmanager
    async def transaction(self, *, write_lock: bool = False) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction; write transactions one at a time."""
        if not write_lock:
            async with Database.transaction(self) as session:
                yield session
            return
        task = asyncio.current_task()
        if task is not None and self._holder[0] is task:
            raise NestedWriteError("a write transaction inside another of the same task")
        async with self._gate:
            self._holder[0] = task
            try:
                async with Database.transaction(self, write_lock=True) as session:
                    yield session
            finally:
                self._holder[0] = None


@asynccontextmanager
async def open_bot_database(settings: Settings) -> AsyncIterator[Database]:
    """The configured database for the running bot, migrated to head; on SQLite its
    write transactions queue in the process (:class:`SerialWrites`)."""
    async with open_database(settings) as database:
        if is_sqlite(settings.database_url):
            yield SerialWrites(database.engine, database.sessions)
        else:
            yield database


def webhook_config(settings: Settings) -> WebhookConfig | None:
    """The webhook the settings ask for, ``None`` for long polling.

    Without ``TELEGRAM_WEBHOOK_SECRET`` a random secret is made for this run; it is
    registered with Telegram at start, so the bot and Telegram always agree.
    """
    if not settings.telegram_webhook_url:
        return None
    secret = settings.telegram_webhook_secret
    host, port = parse_listen_address(settings.telegram_webhook_listen)
    return WebhookConfig(
        url=settings.telegram_webhook_url,
        secret=secret.get_secret_value() if secret is not None else secrets.token_urlsafe(32),
        host=host,
        port=port,
    )


def zalo_webhook_config(settings: Settings) -> zalo_receiving.ZaloWebhook | None:
    """The Zalo webhook the settings ask for, ``None`` for long polling; without
    ``ZALO_WEBHOOK_SECRET`` a random secret is made for this run and registered with
    Zalo at start."""
    if not settings.zalo_webhook_url:
        return None
    secret = settings.zalo_webhook_secret
    host, port = parse_listen_address(settings.zalo_webhook_listen)
    return zalo_receiving.ZaloWebhook(
        url=settings.zalo_webhook_url,
        secret=secret.get_secret_value() if secret is not None else secrets.token_urlsafe(32),
        host=host,
        port=port,
    )


async def reachable(ask: Callable[[], Awaitable[T]], stop: asyncio.Event) -> T | None:
    """``ask()``'s answer (the platform's ``getMe`` at start), asked again with back-off
    while the platform cannot be reached — a bot starting on a weak line must not give
    up — or ``None`` once ``stop`` is set. A refused token raises at once."""
    failures = 0
    while not stop.is_set():
        try:
            return await ask()
        except (TransientFailure, RetryAfter) as error:
            failures += 1
            log.warning("the chat platform cannot be reached yet: %s", error)
            await pause(stop, failures, "getMe")
    return None


def zalo_pictures(settings: Settings) -> PicturePublisher | None:
    """Where charts for Zalo are published, when both the folder and its address are set."""
    if settings.zalo_picture_dir is None or not settings.zalo_picture_url:
        return None
    return PicturePublisher(settings.zalo_picture_dir, settings.zalo_picture_url)


def has_chat_channel(settings: Settings) -> bool:
    """Whether the settings configure a chat platform (Telegram, Zalo or both)."""
    return settings.telegram_bot_token is not None or settings.zalo_bot_token is not None


async def run_bot(
    settings: Settings,
    *,
    stop: asyncio.Event,
    clock: Clock | None = None,
    routers: Sequence[Router] | None = None,
    intervals: JobIntervals | None = None,
) -> None:
    """Run the bot until ``stop`` is set, then close everything in reverse order.

    Opens the database (migrated to head, :func:`open_bot_database`); the Telegram
    channel when ``TELEGRAM_BOT_TOKEN`` is set, receiving by webhook when
    ``TELEGRAM_WEBHOOK_URL`` is set and by long polling otherwise; the Zalo channel
    likewise (``ZALO_BOT_TOKEN``, ``ZALO_WEBHOOK_URL``), both in the same lifespan and
    serving one conversation (``routers``, by default :func:`conversation_routers`);
    and the reminder jobs (``intervals``), which remind each contact on its own
    channel. On stop, updates being handled and job runs under way are finished first.
    """
    clock = clock or SystemClock()
    async with AsyncExitStack() as stack:
        database = await stack.enter_async_context(open_bot_database(settings))
        channels: dict[str, Channel] = {}
        telegram: TelegramChannel | None = None
        if settings.telegram_bot_token is not None:
            telegram = TelegramChannel(
                settings.telegram_bot_token.get_secret_value(), api_base=settings.telegram_api_base
            )
            await stack.enter_async_context(telegram)
            channels[telegram.name] = telegram
        zalo: ZaloChannel | None = None
        if settings.zalo_bot_token is not None:
            zalo = ZaloChannel(
                settings.zalo_bot_token.get_secret_value(),
                api_base=settings.zalo_api_base,
                clock=clock,
                pictures=zalo_pictures(settings),
            )
            await stack.enter_async_context(zalo)
            channels[zalo.name] = zalo
        if not channels:
            log.warning(
                "neither TELEGRAM_BOT_TOKEN nor ZALO_BOT_TOKEN is set: no chat channel, "
                "reminders wait"
            )
        username = await reachable(telegram.username, stop) if telegram is not None else None
        zalo_account = await reachable(zalo.account, stop) if zalo is not None else None
        if stop.is_set():
            return
        conversation = await stack.enter_async_context(
            serving(
                settings,
                database,
                channels,
                clock=clock,
                bot_username=username,
                routers=routers,
                intervals=intervals,
            )
        )
        if telegram is not None:
            webhook = webhook_config(settings)
            await stack.enter_async_context(
                receiving_updates(telegram, conversation, clock=clock, webhook=webhook)
            )
            log.info("bot @%s receiving by %s", username, "webhook" if webhook else "long polling")
        if zalo is not None:
            zalo_webhook = zalo_webhook_config(settings)
            await stack.enter_async_context(
                zalo_receiving.receiving_updates(
                    zalo, conversation, clock=clock, webhook=zalo_webhook
                )
            )
            how = "webhook" if zalo_webhook else "long polling"
            log.info("Zalo bot %s receiving by %s", zalo_account, how)
        await stop.wait()
        log.info("stopping")
