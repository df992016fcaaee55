"""Typed storage errors: a machine-readable ``code`` plus ``params``, never user text."""

from __future__ import annotations

from typing import Any


class StorageError(Exception):
    """Base of every error raised by ``storage``; callers translate ``code`` for users."""

    code: str = "storage_error"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        if code is not None:
            self.code = code
        self.params: dict[str, Any] = params
        super().__init__(self.code, params)


class NotAGroupError(StorageError):
    """Members were given to a unit whose kind is not ``group``."""

    code = "not_a_group"


class InvalidGroupMemberError(StorageError):
    """A group was given itself, or another group, as a member."""

    code = "invalid_group_member"
