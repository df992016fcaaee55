"""The console channel: try the whole bot in a terminal, without a chat token.

:class:`ConsolePlatform` prints what the bot says (buttons numbered, files saved under
``data/outbox/``) and is both the conversation's platform and the scheduler's channel,
so reminders arrive in the console too. :func:`run_console` runs the database, the
conversation and the reminder jobs with a small REPL on top:

* ``:office`` — write as the committee office; ``:unit NAME`` — as the secretary of
  that unit (``:unit`` alone lists the units); ``:who`` — who you are now;
* a plain line is a message (``/tinhhinh``, ``xong``, ...); a number presses that
  button; ``:reply N TEXT`` answers message ``#N``; ``:file PATH`` sends a file;
* ``:demo`` — time runs fast (an hour a second) so that reminders come; again to stop;
  ``:time`` — the bot's current time; ``:help``; ``:quit``.

Every chat identity is a contact on the ``console`` channel whose chat is its own
(``office``, ``unit-12``); a button press or a reply is made by the chat the message
was shown in.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
import sys
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TextIO, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import open_bot_database, serving
from bot.config import Settings
from bot.i18n import translator
from handlers.conversation import FAILED, Conversation
from handlers.messages import Incoming, IncomingFile, OutgoingFile
from handlers.router import Router
from plans.text import fold
from plans.units import unit_key
from scheduling.channel import Button, MessageRef, OutgoingMessage
from scheduling.clock import Clock, SystemClock
from scheduling.jobs import JobIntervals
from storage import queries
from storage.db import Database
from storage.models import Channel, Contact, Unit

log = logging.getLogger(__name__)

T = TypeVar("T")

CONSOLE = "console"
GUEST_CHAT = "guest"
OFFICE_CHAT = "office"
DEFAULT_OUTBOX = Path("data") / "outbox"
DEMO_SPEED = 3600.0
"""Clock seconds per real second in demo mode: an hour a second."""

CONSOLE_INTERVALS = JobIntervals(dispatch=1.0, reap=30.0, plan=60.0)
"""Jobs run often, so that demo time (an hour a second) does not outrun them."""

MAX_TEXT_LENGTH = 4096
MAX_KEPT = 500
"""Messages and buttons remembered for pressing and replying."""

MAX_LISTED_UNITS = 30


def _(message: str) -> str:
    """Mark ``message`` for extraction; translated into the configured language."""
    return message


INTRO = _(
    "Nhắc Việc console. Choose who you are: :office, or :unit NAME (:unit lists the "
    "units). Then type messages; a number presses a button. :help for more, :quit to leave."
)
HELP = _(
    ":office: write as the committee office\n"
    ":unit NAME: write as the secretary of a unit (:unit alone lists them)\n"
    ":who: who you are now\n"
    ":reply N TEXT: answer message #N\n"
    ":file PATH: send a file (a plan to import)\n"
    ":demo: fast time (an hour a second) so that reminders come; again to stop\n"
    ":time: the bot's current time\n"
    ":quit: leave\n"
    "A number presses the button with that number; anything else is a message to the bot."
)
YOU_ARE = _("You are now: {who}")
WHO_GUEST = _("a guest (not registered)")
WHO_OFFICE = _("the committee office")
WHO_UNIT = _("the secretary of {unit}")
NO_UNIT = _('No unit matches "{name}". Type :unit to list them.')
SEVERAL_UNITS = _('Several units match "{name}"; type more of the name or the number:')
UNITS = _("Units (choose with :unit NAME or :unit NUMBER):")
NO_UNITS = _("There is no unit yet: import a plan first (nhacviec plan import FILE).")
MORE_UNITS = _("…and {count} more.")
NO_BUTTON = _("There is no button {number}.")
NO_MESSAGE = _("There is no message #{number}.")
REPLY_USAGE = _("Write :reply N TEXT, e.g. :reply 3 đạt 80%")
NO_FILE = _("There is no file {path}.")
UNKNOWN_COMMAND = _("Unknown console command {command}. Type :help.")
DEMO_ON = _("Demo time: an hour passes every second. Now: {time}")
DEMO_OFF = _("Normal time again. Now: {time}")
NOW_IS = _("Now: {time}")
SAVED = _("File saved: {path}")
EDITED = _("(message #{number} changed)")
OFFICE_NAME = _("Office")
GUEST_NAME = _("Guest")
BYE = _("Goodbye.")


class DemoClock:
    """A clock that runs at normal speed, or ``speed`` times faster while fast.

    Switching keeps time continuous: it never jumps back. ``sleep`` waits the real
    time that corresponds to the clock time asked for.
    """

    def __init__(self, base: Clock | None = None, speed: float = DEMO_SPEED) -> None:
        if speed <= 0:
            raise ValueError("the demo speed must be positive")
        self._base = base or SystemClock()
        self.speed = speed
        self._factor = 1.0
        self._anchor_base = self._base.monotonic()
        self._anchor_now = self._base.now()
        self._anchor_monotonic = self._anchor_base

    @property
    def fast(self) -> bool:
        """Whether time runs fast now."""
        return self._factor != 1.0

    def set_fast(self, fast: bool) -> None:
        """Run fast (``speed`` times) or at normal speed from now on."""
        self._anchor_now, self._anchor_monotonic = self.now(), self.monotonic()
        self._anchor_base = self._base.monotonic()
        self._factor = self.speed if fast else 1.0

    def _elapsed(self) -> float:
        return (self._base.monotonic() - self._anchor_base) * self._factor

    def now(self) -> datetime:
        return self._anchor_now + timedelta(seconds=self._elapsed())

    def monotonic(self) -> float:
        return self._anchor_monotonic + self._elapsed()

    async def sleep(self, seconds: float) -> None:
        await self._base.sleep(max(seconds, 0.0) / self._factor)


@dataclass(frozen=True)
class Shown:
    """A message printed in the console, remembered to press its buttons or answer it."""

    chat_id: str
    message_id: str


class ConsolePlatform:
    """Prints what the bot sends; a :class:`handlers.platform.Platform` and a
    :class:`scheduling.channel.Channel` named ``console``.

    Messages get a short number (``#3``) and buttons a running number (``[7]``);
    files are saved under ``outbox``. ``labels`` names the chats (``unit-12`` → the
    unit's name) in the headers; ``translate`` translates the console's own notes.
    """

    def __init__(
        self,
        output: TextIO,
        *,
        outbox: Path = DEFAULT_OUTBOX,
        clock: Clock | None = None,
        tz: tzinfo | None = None,
        translate: Callable[[str], str] = str,
    ) -> None:
        self._output = output
        self._gettext = translate
        self._outbox = outbox
        self._clock = clock or SystemClock()
        self._tz = tz
        # Message ids stay unique across runs: stored reminders keep them.
        self._run = secrets.token_hex(3)
        self._message_numbers = itertools.count(1)
        self._button_numbers = itertools.count(1)
        self.messages: dict[int, Shown] = {}
        self.buttons: dict[int, tuple[Shown, Button]] = {}
        self.labels: dict[str, str] = {}

    @property
    def name(self) -> str:
        """Always ``"console"``."""
        return CONSOLE

    @property
    def supports_buttons(self) -> bool:
        """Buttons are shown numbered; typing the number presses one."""
        return True

    @property
    def max_text_length(self) -> int:
        """As long as on Telegram, so that messages read the same."""
        return MAX_TEXT_LENGTH

    def print(self, text: str) -> None:
        """Write ``text`` on its own lines."""
        self._output.write(text.rstrip("\n") + "\n")
        self._output.flush()

    async def send(self, chat_id: str, message: OutgoingMessage) -> MessageRef:
        """Print ``message`` under a header naming the chat, its buttons numbered."""
        number = next(self._message_numbers)
        shown = Shown(chat_id, f"{self._run}.{number}")
        self._remember(self.messages, number, shown)
        self.print(
            f"\n{self._header(chat_id, number)}\n{message.text}{self._keyboard(shown, message)}"
        )
        return MessageRef(chat_id, shown.message_id)

    async def send_file(self, chat_id: str, file: OutgoingFile) -> MessageRef:
        """Save ``file`` under the outbox folder and print where."""
        number = next(self._message_numbers)
        shown = Shown(chat_id, f"{self._run}.{number}")
        self._remember(self.messages, number, shown)
        path = await asyncio.to_thread(self._save, file)
        lines = [self._header(chat_id, number)]
        if file.caption:
            lines.append(file.caption)
        lines.append(self._gettext(SAVED).format(path=path))
        self.print("\n" + "\n".join(lines))
        return MessageRef(chat_id, shown.message_id)

    async def edit(self, ref: MessageRef, message: OutgoingMessage) -> None:
        """Print the message's new text and buttons, saying which message changed."""
        number = next((n for n, s in self.messages.items() if s.message_id == ref.message_id), 0)
        shown = Shown(ref.chat_id, ref.message_id)
        note = self._gettext(EDITED).format(number=number)
        self.print(
            f"\n{self._header(ref.chat_id, number)} {note}\n{message.text}"
            f"{self._keyboard(shown, message)}"
        )

    async def acknowledge(self, incoming: Incoming, text: str = "") -> None:
        """Print the note a button press gets, if any."""
        if text:
            self.print(f"  ✓ {text}")

    async def download(self, file: IncomingFile) -> bytes:
        """Read a file sent with ``:file`` (its id is its path)."""
        return await asyncio.to_thread(Path(file.file_id).read_bytes)

    def _header(self, chat_id: str, number: int) -> str:
        moment = self._clock.now().astimezone(self._tz).strftime("%H:%M %d/%m/%Y")
        return f"── {self.labels.get(chat_id, chat_id)} · #{number} · {moment}"

    def _keyboard(self, shown: Shown, message: OutgoingMessage) -> str:
        rows: list[str] = []
        for row in message.buttons:
            labels: list[str] = []
            for button in row:
                number = next(self._button_numbers)
                self._remember(self.buttons, number, (shown, button))
                labels.append(f"[{number}] {button.text}")
            if labels:
                rows.append("   " + "   ".join(labels))
        return "".join(f"\n{row}" for row in rows)

    def _save(self, file: OutgoingFile) -> Path:
        self._outbox.mkdir(parents=True, exist_ok=True)
        name = Path(file.name).name or "file"
        path = self._outbox / name
        stem, suffix = Path(name).stem, Path(name).suffix
        for copy in itertools.count(2):
            if not path.exists():
                break
            path = self._outbox / f"{stem}-{copy}{suffix}"
        path.write_bytes(file.data)
        return path

    def _remember(self, kept: dict[int, T], number: int, value: T) -> None:
        kept[number] = value
        while len(kept) > MAX_KEPT:
            del kept[next(iter(kept))]


@dataclass(frozen=True)
class Identity:
    """Who is typing: a console chat, bound to the office, a unit, or nothing."""

    chat_id: str
    name: str


class ConsoleSession:
    """The REPL: reads lines, acts as the chosen person, and prints what happens."""

    def __init__(
        self,
        platform: ConsolePlatform,
        conversation: Conversation,
        database: Database,
        clock: DemoClock,
        *,
        tz: tzinfo,
        translate: Callable[[str], str] = str,
    ) -> None:
        self.platform = platform
        self.conversation = conversation
        self.database = database
        self.clock = clock
        self.tz = tz
        self._ = translate
        self.identity = Identity(GUEST_CHAT, translate(GUEST_NAME))
        platform.labels.setdefault(GUEST_CHAT, self.identity.name)
        self._incoming_numbers = itertools.count(1)
        self._run = secrets.token_hex(3)

    def say(self, text: str) -> None:
        """A note from the console itself (not from the bot)."""
        self.platform.print(text)

    async def run(self, lines: AsyncIterator[str], stop: asyncio.Event) -> None:
        """Handle ``lines`` until ``:quit``, the end of the input, or ``stop``."""
        self.say(self._(INTRO))
        while not stop.is_set():
            line = await _next_line(lines, stop)
            if line is None or not await self._handle_safely(line.strip()):
                break
        self.say(self._(BYE))

    async def _handle_safely(self, line: str) -> bool:
        try:
            return await self.handle(line)
        except Exception:
            # The console keeps running: the next line may well work.
            log.exception("console line %r failed", line)
            self.say(self._(FAILED))
            return True

    async def handle(self, line: str) -> bool:
        """Act on one line; ``False`` once the person asked to quit."""
        if not line:
            return True
        if line.startswith(":"):
            command, _sep, rest = line[1:].partition(" ")
            return await self._command(command.lower(), rest.strip())
        if line.isdigit():
            await self._press(int(line))
        else:
            await self._write(line)
        return True

    async def _command(self, command: str, rest: str) -> bool:
        if command in ("quit", "exit", "q"):
            return False
        if command == "office":
            await self._become_office()
        elif command == "unit":
            await self._become_unit(rest)
        elif command == "who":
            self._show_identity()
        elif command == "reply":
            await self._reply(rest)
        elif command == "file":
            await self._send_file(rest)
        elif command == "demo":
            self.clock.set_fast(not self.clock.fast)
            self.say(self._(DEMO_ON if self.clock.fast else DEMO_OFF).format(time=self._now()))
        elif command == "time":
            self.say(self._(NOW_IS).format(time=self._now()))
        elif command == "help":
            self.say(self._(HELP))
        else:
            self.say(self._(UNKNOWN_COMMAND).format(command=f":{command}"))
        return True

    # ------------------------------------------------------------------ who you are

    async def _become_office(self) -> None:
        name = self._(OFFICE_NAME)
        async with self.database.transaction(write_lock=True) as session:
            contact = await _console_contact(session, OFFICE_CHAT, name)
            contact.is_office = True
        self._set_identity(Identity(OFFICE_CHAT, name), self._(WHO_OFFICE))

    async def _become_unit(self, name: str) -> None:
        async with self.database.transaction(write_lock=True) as session:
            units = await _matching_units(session, name)
            if len(units) != 1:
                self._list_units(name, units)
                return
            unit = units[0]
            chat = f"unit-{unit.id}"
            contact = await _console_contact(session, chat, unit.name)
            contact.unit_id = unit.id
            await session.flush()
            # As on registering through a chat: the unit's reminders now come here.
            await self.conversation.deps.planner.plan_unit(session, unit.id, now=self.clock.now())
        self._set_identity(Identity(chat, unit.name), self._(WHO_UNIT).format(unit=unit.name))

    def _list_units(self, name: str, units: Sequence[Unit]) -> None:
        if not units:
            self.say(self._(NO_UNIT if name else NO_UNITS).format(name=name))
            return
        header = self._(SEVERAL_UNITS).format(name=name) if name else self._(UNITS)
        lines = [header, *(f"  {u.id}. {u.name}" for u in units[:MAX_LISTED_UNITS])]
        if len(units) > MAX_LISTED_UNITS:
            lines.append(self._(MORE_UNITS).format(count=len(units) - MAX_LISTED_UNITS))
        self.say("\n".join(lines))

    def _set_identity(self, identity: Identity, description: str) -> None:
        self.identity = identity
        self.platform.labels[identity.chat_id] = identity.name
        self.say(self._(YOU_ARE).format(who=description))

    def _show_identity(self) -> None:
        if self.identity.chat_id == OFFICE_CHAT:
            who = self._(WHO_OFFICE)
        elif self.identity.chat_id == GUEST_CHAT:
            who = self._(WHO_GUEST)
        else:
            who = self._(WHO_UNIT).format(unit=self.identity.name)
        self.say(self._(YOU_ARE).format(who=who))

    # ------------------------------------------------------------------ talking

    async def _write(self, text: str, *, reply_to: Shown | None = None) -> None:
        chat = reply_to.chat_id if reply_to is not None else self.identity.chat_id
        await self._deliver(
            chat,
            text=text,
            reply_to=reply_to.message_id if reply_to is not None else None,
        )

    async def _press(self, number: int) -> None:
        pressed = self.platform.buttons.get(number)
        if pressed is None:
            self.say(self._(NO_BUTTON).format(number=number))
            return
        shown, button = pressed
        await self._deliver(shown.chat_id, button=button.data, reply_to=shown.message_id)

    async def _reply(self, rest: str) -> None:
        number, _sep, text = rest.partition(" ")
        if not number.lstrip("#").isdigit() or not text.strip():
            self.say(self._(REPLY_USAGE))
            return
        shown = self.platform.messages.get(int(number.lstrip("#")))
        if shown is None:
            self.say(self._(NO_MESSAGE).format(number=number.lstrip("#")))
            return
        await self._write(text.strip(), reply_to=shown)

    async def _send_file(self, rest: str) -> None:
        path = Path(rest.strip().strip("\"'")).expanduser()
        if not rest.strip() or not path.is_file():
            self.say(self._(NO_FILE).format(path=rest.strip()))
            return
        file = IncomingFile(str(path.resolve()), path.name, path.stat().st_size)
        await self._deliver(self.identity.chat_id, file=file)

    async def _deliver(
        self,
        chat_id: str,
        *,
        text: str = "",
        button: str | None = None,
        reply_to: str | None = None,
        file: IncomingFile | None = None,
    ) -> None:
        incoming = Incoming(
            channel=CONSOLE,
            chat_id=chat_id,
            user_id=chat_id,
            display_name=self.platform.labels.get(chat_id, chat_id),
            message_id=f"{self._run}.in{next(self._incoming_numbers)}",
            received_at=self.clock.now(),
            text=text,
            button=button,
            reply_to=reply_to,
            file=file,
        )
        await self.conversation.handle(incoming, self.platform)

    def _now(self) -> str:
        return self.clock.now().astimezone(self.tz).strftime("%H:%M %d/%m/%Y")


async def _console_contact(session: AsyncSession, chat_id: str, name: str) -> Contact:
    found = await session.scalar(
        select(Contact).where(
            Contact.channel == Channel.CONSOLE,
            Contact.chat_id == chat_id,
            Contact.user_id == chat_id,
        )
    )
    if found is None:
        found = Contact(channel=Channel.CONSOLE, chat_id=chat_id, user_id=chat_id)
        session.add(found)
    found.display_name = name
    return found


async def _matching_units(session: AsyncSession, name: str) -> list[Unit]:
    """The unit numbered or named ``name`` (by key, then by part of the name); all units
    for an empty name."""
    units = await queries.all_units(session)
    wanted = name.strip().lstrip("#")
    if not wanted:
        return units
    if wanted.isdigit():
        return [u for u in units if u.id == int(wanted)]
    by_key = await queries.units_by_key(session, [unit_key(wanted)])
    if by_key:
        return list(by_key.values())
    folded = fold(wanted)
    return [u for u in units if folded in fold(u.name)]


async def _next_line(lines: AsyncIterator[str], stop: asyncio.Event) -> str | None:
    """The next line, or ``None`` at the end of the input or once ``stop`` is set."""
    reading = asyncio.ensure_future(anext(lines))
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({reading, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if not reading.done():
        reading.cancel()
        with suppress(asyncio.CancelledError, StopAsyncIteration):
            await reading
        return None
    try:
        return reading.result()
    except StopAsyncIteration:
        return None


async def stdin_lines() -> AsyncIterator[str]:
    """Lines typed on standard input, read by a daemon thread so that leaving never
    waits for a last Enter."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=read, name="console-input", daemon=True).start()
    while (line := await queue.get()) is not None:
        yield line


async def run_console(
    settings: Settings,
    *,
    stop: asyncio.Event,
    input_lines: AsyncIterator[str] | None = None,
    output: TextIO = sys.stdout,
    clock: Clock | None = None,
    routers: Sequence[Router] | None = None,
    outbox: Path = DEFAULT_OUTBOX,
    demo_speed: float = DEMO_SPEED,
) -> None:
    """Run the bot with the console as its only channel until ``:quit``, the end of
    ``input_lines`` (standard input by default) or ``stop``.

    Works on the configured database (``nhacviec start`` has imported the seed plans);
    reminders are dispatched to console contacts and printed as they fall due. ``clock``
    is the base of the demo clock (``:demo``, ``demo_speed`` times faster).
    """
    demo_clock = DemoClock(clock, speed=demo_speed)
    catalog = translator(settings.language, settings.locales_dir)
    platform = ConsolePlatform(
        output, outbox=outbox, clock=demo_clock, tz=settings.tz, translate=catalog.gettext
    )
    async with (
        open_bot_database(settings) as database,
        serving(
            settings,
            database,
            {CONSOLE: platform},
            clock=demo_clock,
            routers=routers,
            intervals=CONSOLE_INTERVALS,
        ) as conversation,
    ):
        await _label_known_chats(database, platform)
        session = ConsoleSession(
            platform, conversation, database, demo_clock, tz=settings.tz, translate=catalog.gettext
        )
        await session.run(input_lines if input_lines is not None else stdin_lines(), stop)


async def _label_known_chats(database: Database, platform: ConsolePlatform) -> None:
    """Name the console chats registered in earlier runs, for the headers of reminders."""
    async with database.sessions() as session:
        rows = await session.execute(
            select(Contact.chat_id, Contact.display_name).where(Contact.channel == Channel.CONSOLE)
        )
        platform.labels.update({chat: name for chat, name in rows if name})
