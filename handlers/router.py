"""Routing an incoming message to the handler that owns it, with its permissions.

Each conversation module keeps one :class:`Router` and registers its commands,
buttons and free-text handlers on it, each with the roles allowed to use it.
The conversation asks the routers in order; the first handler that matches
answers. A handler gets one :class:`handlers.turn.Turn` as its only argument.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.turn import Turn

Handler = Callable[["Turn"], Awaitable[None]]
TextHandler = Callable[["Turn"], Awaitable[bool]]
"""A free-text handler answers ``False`` when the text is not for it."""


class Role(StrEnum):
    """Who is writing, as far as permissions go."""

    STRANGER = "stranger"
    SECRETARY = "secretary"
    OFFICE = "office"
    OBSERVER = "observer"


EVERYONE = frozenset(Role)
MEMBERS = frozenset({Role.SECRETARY, Role.OFFICE})
OFFICE = frozenset({Role.OFFICE})
SECRETARIES = frozenset({Role.SECRETARY})


@dataclass(frozen=True)
class Route:
    """One registered handler and who may use it."""

    handler: Handler
    roles: frozenset[Role]


@dataclass
class Router:
    """The commands, buttons, texts and files one module answers."""

    name: str
    commands: dict[str, Route] = field(default_factory=dict)
    buttons: dict[str, Route] = field(default_factory=dict)
    texts: list[tuple[TextHandler, frozenset[Role]]] = field(default_factory=list)
    files: list[Route] = field(default_factory=list)

    def command(self, *names: str, roles: Iterable[Role]) -> Callable[[Handler], Handler]:
        """Register a handler for ``/name`` commands."""

        def register(handler: Handler) -> Handler:
            for name in names:
                self.commands[name] = Route(handler, frozenset(roles))
            return handler

        return register

    def button(self, prefix: str, *, roles: Iterable[Role]) -> Callable[[Handler], Handler]:
        """Register a handler for button data ``prefix:…`` (the prefix has no colon)."""

        def register(handler: Handler) -> Handler:
            self.buttons[prefix] = Route(handler, frozenset(roles))
            return handler

        return register

    def text(self, *, roles: Iterable[Role]) -> Callable[[TextHandler], TextHandler]:
        """Register a handler for plain text (no command, no button)."""

        def register(handler: TextHandler) -> TextHandler:
            self.texts.append((handler, frozenset(roles)))
            return handler

        return register

    def file(self, *, roles: Iterable[Role]) -> Callable[[Handler], Handler]:
        """Register a handler for a received file."""

        def register(handler: Handler) -> Handler:
            self.files.append(Route(handler, frozenset(roles)))
            return handler

        return register


def button_data(prefix: str, *parts: object) -> str:
    """Callback data ``prefix:part:part``; refused beyond Telegram's 64 bytes."""
    data = ":".join([prefix, *(str(p) for p in parts)])
    if len(data.encode()) > 64:
        raise ValueError(f"button data over 64 bytes: {data!r}")
    return data


def button_parts(data: str) -> tuple[str, list[str]]:
    """``("r", ["12", "done"])`` for ``"r:12:done"``."""
    prefix, *parts = data.split(":")
    return prefix, parts
