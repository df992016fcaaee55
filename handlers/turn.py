"""One turn of the conversation: an incoming message, who sent it, what to answer.

Handlers work in the turn's database session (one transaction, committed by
the conversation) and queue their answers with :meth:`Turn.say`; the answers
are sent after the commit, so a slow network never holds the database.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.messages import Incoming, OutgoingFile
from handlers.platform import Platform
from handlers.router import Role
from scheduling.calendar import WorkingCalendar
from scheduling.channel import Button, OutgoingMessage
from scheduling.clock import Clock
from scheduling.planner import ReminderPlanner
from storage.db import Database
from storage.models import Contact, Report
from summaries.text import split_message

Translations = Callable[[str], gettext.NullTranslations]


@dataclass(frozen=True)
class Deps:
    """What every handler may use, passed in once at start-up."""

    database: Database
    clock: Clock
    planner: ReminderPlanner
    calendar: WorkingCalendar
    translations: Translations
    default_language: str = "vi"
    languages: tuple[str, ...] = ("vi", "en")
    bot_username: str | None = None
    max_plan_bytes: int = 20 * 1024 * 1024
    undo_window_hours: int = 24


@dataclass(frozen=True)
class Answer:
    """A message (or a file) to send once the turn's transaction committed."""

    chat_id: str
    message: OutgoingMessage | None = None
    file: OutgoingFile | None = None


@dataclass
class Turn:
    """The context of one incoming message, handed to its handler."""

    incoming: Incoming
    platform: Platform
    session: AsyncSession
    deps: Deps
    report: Report
    contact: Contact | None
    role: Role
    answers: list[Answer] = field(default_factory=list)
    acknowledgement: str = ""

    @property
    def language(self) -> str:
        """The language the person chose, else the default."""
        chosen = self.contact.language if self.contact else None
        return chosen or self.deps.default_language

    @property
    def now(self) -> datetime:
        """The current time (aware UTC) from the injected clock."""
        return self.deps.clock.now()

    def _(self, message: str) -> str:
        """Translate ``message`` into the person's language."""
        return self.deps.translations(self.language).gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """Translate a message that depends on ``count``."""
        return self.deps.translations(self.language).ngettext(singular, plural, count)

    def say(
        self, text: str, buttons: Sequence[Sequence[Button]] = (), *, to: str | None = None
    ) -> None:
        """Queue a message to this chat (or to chat ``to``), split to the platform's length."""
        chat = to or self.incoming.chat_id
        pieces = split_text(text, self.platform.max_text_length)
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            message = OutgoingMessage(piece, tuple(tuple(row) for row in buttons) if last else ())
            self.answers.append(Answer(chat, message=message))

    def send_file(self, file: OutgoingFile, *, to: str | None = None) -> None:
        """Queue a document for this chat (or for chat ``to``)."""
        self.answers.append(Answer(to or self.incoming.chat_id, file=file))

    def acknowledge(self, text: str) -> None:
        """A short note shown where the button was pressed (Telegram's toast)."""
        self.acknowledgement = text


split_text = split_message
"""Split a text into pieces a chat accepts: :func:`summaries.text.split_message`."""
