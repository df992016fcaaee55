"""Turning the typed errors of readers, services and storage into messages for people.

Every refusal a user can cause (a bad file, an unknown id, a duplicate) ends in one
clear translated message on stderr and a non-zero exit code, never a traceback:
:func:`user_errors` wraps the work of each command.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import NoReturn

import typer
from babel.numbers import format_decimal
from sqlalchemy.exc import SQLAlchemyError

from bot.config import MIB, get_settings
from bot.i18n import _
from bot.render import N_
from handlers.read_errors import DETECTED_KINDS, READ_MESSAGES, unread_lines
from plans.errors import PlanServiceError
from plans.readers import PlanReadError
from storage.errors import StorageError

EXIT_FAILED = 1
"""The request was refused or failed; nothing was changed."""

EXIT_NOT_FOUND = 2
"""A plan, task, unit or file named on the command line does not exist."""

EXIT_USAGE = 2
"""The command line itself was wrong (a missing option, a malformed date)."""

NOT_FOUND_CODES = frozenset({"not_found", "plan_not_found", "task_not_found", "unit_not_found"})


class CliError(Exception):
    """A refusal decided by the command line itself, already worded for the user."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class _Params(dict[str, object]):
    """Format parameters that print "…" for a detail the error did not carry."""

    def __missing__(self, key: str) -> object:
        return "…"


UNPACKED_TOO_LARGE = N_(
    "The file {name} unpacks to too much data ({size} MB, at most {limit} MB). "
    "Save the plan again without embedded pictures or objects."
)


SERVICE_MESSAGES: dict[str, str] = {
    "no_tasks": N_(
        "No tasks were found in {name}. Check that it is a plan with a list of tasks, "
        "a task table or an implementation section."
    ),
    "duplicate": N_(
        "This file was already imported as plan {plan_id} "
        "(see: nhacviec plan show {plan_id}). Add --force to import it again."
    ),
    "plan_not_found": N_("There is no plan with id {plan_id}. See: nhacviec plan list"),
    "plan_archived": N_("Plan {plan_id} is archived and can no longer be changed."),
    "task_not_found": N_(
        "There is no task with id {task_id}. See the ids with: nhacviec plan show PLAN_ID"
    ),
    "not_conditional": N_(
        "Task {task_id} does not wait for a condition, so there is nothing to trigger."
    ),
    "time_unreadable": N_(
        'Cannot understand the time "{text}". Write it as plans do, for example '
        '"Quý II/2026", "Tháng 6/2026", "trước ngày 30/9/2026", "Hằng năm", '
        '"Thường xuyên" or "Khi có hướng dẫn".'
    ),
    "unit_not_found": N_('There is no unit "{name}" in the directory. See: nhacviec units list'),
    "unit_exists": N_('The unit "{name}" already exists in the directory as "{existing}".'),
    "unit_name_empty": N_("A unit name cannot be empty."),
    "alias_taken": N_('The name "{alias}" is already used by another unit.'),
    "not_a_group": N_(
        '"{name}" is not a group of units. Create a group with: '
        'nhacviec units add "GROUP NAME" --group'
    ),
    "invalid_member": N_("A group can only contain single units, not itself or another group."),
    "invalid_group_member": N_(
        "A group can only contain single units, not itself or another group."
    ),
    "csv_invalid": N_("The CSV file is not valid at line {line}: {reason}."),
}

CSV_REASONS: dict[str, str] = {
    "missing_header": N_('the first line must name the columns: "name,kind,aliases,groups"'),
    "missing_name": N_("the unit name is missing"),
    "unknown_kind": N_('the kind must be "unit" or "group" (or "đơn vị", "nhóm")'),
    "alias_taken": N_("an alias is already used by another unit"),
    "not_a_group": N_("a unit listed under groups is not a group"),
    "invalid_member": N_("a group cannot be a member of itself or of another group"),
    "kind_conflict": N_("this kind conflicts with the unit's existing group memberships"),
}

UNKNOWN_ERROR = N_("The request was refused ({code}).")


def _megabytes(value: object) -> str:
    size = value if isinstance(value, int | float) else 0
    return format_decimal(size / MIB, format="#,##0.#", locale=get_settings().language)


def read_error_message(error: PlanReadError, context: Mapping[str, object]) -> str:
    """The message for a plan file that could not be read."""
    params = _Params(context)
    params.update(error.params)
    if error.code == "too_large":
        params["size"] = _megabytes(error.params.get("size"))
        params["limit"] = _megabytes(error.params.get("limit"))
        if error.params.get("reason") == "unpacked":
            return _(UNPACKED_TOO_LARGE).format_map(params)
    if error.code == "not_docx":
        kind = DETECTED_KINDS.get(str(error.params.get("detected", "")))
        params["detected"] = _(" (it looks like {kind})").format(kind=_(kind)) if kind else ""
    message = READ_MESSAGES.get(error.code, UNKNOWN_ERROR)
    params.setdefault("code", error.code)
    return _(message).format_map(params)


def service_error_message(
    code: str, error_params: Mapping[str, object], context: Mapping[str, object]
) -> str:
    """The message for a request a service (or the storage layer) refused."""
    params = _Params(context)
    params.update(error_params)
    params.setdefault("code", code)
    if code == "csv_invalid":
        reason = str(error_params.get("reason", ""))
        params["reason"] = _(CSV_REASONS[reason]) if reason in CSV_REASONS else reason
    if code == "no_tasks" and "source_name" in error_params:
        params.setdefault("name", error_params["source_name"])
    message = _(SERVICE_MESSAGES.get(code, UNKNOWN_ERROR)).format_map(params)
    unread = error_params.get("unread")
    if code == "no_tasks" and isinstance(unread, list):
        return "\n".join([message, *unread_lines(_, unread)])
    return message


def exit_code_for(code: str) -> int:
    """2 for something that does not exist, 1 for every other refusal."""
    return EXIT_NOT_FOUND if code in NOT_FOUND_CODES else EXIT_FAILED


def fail(message: str, exit_code: int = EXIT_FAILED) -> NoReturn:
    """Print ``message`` on stderr and leave with ``exit_code``."""
    typer.echo(message, err=True)
    raise typer.Exit(exit_code)


@contextmanager
def user_errors(**context: object) -> Iterator[None]:
    """Report every error a user can cause as a message and a non-zero exit.

    ``context`` gives details the messages may name (``name``, ``plan_id``, ...) when
    the error itself does not carry them.
    """
    try:
        yield
    except CliError as error:
        fail(error.message, error.exit_code)
    except PlanReadError as error:
        fail(read_error_message(error, context), exit_code_for(error.code))
    except PlanServiceError as error:
        message = service_error_message(error.code, error.params, context)
        fail(message, exit_code_for(error.code))
    except StorageError as error:
        message = service_error_message(error.code, error.params, context)
        fail(message, exit_code_for(error.code))
    except OSError as error:
        reason = error.strerror or type(error).__name__
        path = error.filename or context.get("path", "…")
        fail(_("Cannot open {path}: {reason}").format(path=path, reason=reason))
    except SQLAlchemyError as error:
        detail = _one_line(getattr(error, "orig", None) or error)
        fail(_("The database could not be used: {details}").format(details=detail))


def _one_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return " ".join(lines[:3])
