"""What the committee office does in chat: ask for status, chase overdue units,
trigger conditional tasks, send reminders now, and import a plan by sending its file.

Every handler here is for the office only. A plan file is size-checked before it is
downloaded and parsed, and imported inside a savepoint, so a refused file leaves
nothing behind but the raw incoming message.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import PurePath

from babel.dates import format_date
from babel.numbers import format_decimal
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import aliased

from handlers.messages import OutgoingFile
from handlers.read_errors import DETECTED_KINDS, READ_MESSAGES, unread_lines
from handlers.router import OFFICE, Router, button_data, button_parts
from handlers.turn import Turn
from plans.activation import ActivationResult, activate_plan, trigger_task
from plans.directory import expand_group, find_unit
from plans.errors import PlanServiceError
from plans.extract import extract_plan
from plans.importing import ImportResult, import_plan, sha256_of
from plans.model import ExtractedPlan
from plans.readers import SUPPORTED_SUFFIXES, PlanReadError, read_plan_bytes
from scheduling.channel import Button
from storage.models import (
    Assignment,
    Plan,
    PlanStatus,
    Reminder,
    ReminderState,
    ReminderStep,
    Unit,
    UnitKind,
)
from summaries.chart import summary_chart
from summaries.rollup import last_numbers, plan_summary
from summaries.status import (
    StatusCounts,
    TaskStatus,
    UnitTask,
    overdue_by_unit,
    unit_status,
)
from summaries.text import summary_text

router = Router("office")

TOP_UNITS = 10
"""Overdue units listed in a status answer."""
SUMMARY_DAYS = 7
"""The period whose problems and silences a status answer lists."""

CONTENT_WIDTH = 80
"""Characters of a task's text shown in lists, to keep a phone screen readable."""

REVIEW_SHOWN = 10
"""Tasks needing review listed after an import."""

UNITS_SHOWN = 15
"""New unit names listed after an import."""

NAME_SEPARATOR = "; "
"""Between unit names, which often hold commas themselves ("Các cơ quan, ban, ngành")."""

ACTIVATE = "act"
"""Button prefix: activate the plan just imported (``act:PLAN_ID``)."""

_KIB = 1024
_MIB = 1024 * 1024
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated where it is used."""
    return message


KIND_NAMES: dict[str, str] = {
    "once": N_("one-off"),
    "recurring": N_("recurring"),
    "continuous": N_("ongoing"),
    "conditional": N_("conditional"),
    "unspecified": N_("no time given"),
}

FLAG_NAMES: dict[str, str] = {
    "unknown_unit": N_("new unit not yet in the directory"),
    "no_lead": N_("no lead unit"),
    "unspecified_time": N_("deadline not clear"),
    "conditional_time": N_("waiting for a condition"),
}

STATE_NAMES: dict[str, str] = {
    "open": N_("open"),
    "dormant": N_("waiting to be triggered"),
    "standing": N_("ongoing"),
}

STATUS_NAMES: dict[TaskStatus, str] = {
    TaskStatus.DONE_ON_TIME: N_("done on time"),
    TaskStatus.DONE_LATE: N_("done late"),
    TaskStatus.IN_PROGRESS: N_("in progress"),
    TaskStatus.OVERDUE: N_("overdue"),
    TaskStatus.DORMANT: N_("waiting to be triggered"),
}

STATUS_MARKS: dict[TaskStatus, str] = {
    TaskStatus.DONE_ON_TIME: "✅",
    TaskStatus.DONE_LATE: "☑️",
    TaskStatus.IN_PROGRESS: "🔄",
    TaskStatus.OVERDUE: "⛔",
    TaskStatus.DORMANT: "💤",
}


TOO_LARGE = N_("The file {name} is too large ({size}). Plans up to {limit} are accepted.")
UNPACKED_TOO_LARGE = N_(
    "The file {name} unpacks to too much data ({size} MB, at most {limit} MB). "
    "Save the plan again without embedded pictures or objects."
)
UNREADABLE = N_("The file {name} could not be read ({code}).")


SERVICE_MESSAGES: dict[str, str] = {
    "no_tasks": N_(
        "No tasks were found in {name}. Check that it is a plan with a list of tasks, "
        "a task table or an implementation section."
    ),
    "duplicate": N_("This file was already imported as plan {plan_id}; nothing new was stored."),
    "plan_not_found": N_("There is no plan with id {plan_id}."),
    "plan_archived": N_("Plan {plan_id} is archived and can no longer be changed."),
    "task_not_found": N_("There is no task with id {task_id}."),
    "not_conditional": N_(
        "Task {task_id} does not wait for a condition, so there is nothing to trigger."
    ),
}
REFUSED = N_("The request was refused ({code}).")
BAD_DATE = N_("Cannot read the date {text}: write it as dd/mm/yyyy, for example 15/07/2026.")


# --------------------------------------------------------------------------- status


@router.command("tinhhinh", roles=OFFICE)
async def show_status(turn: Turn) -> None:
    """``/tinhhinh [PLAN_ID]``: the summary of one plan or of every active plan (the four
    statuses, % done, problems and silent units of the last 7 days, the change since
    the last summary), then the chart by unit."""
    plan_id: int | None = None
    if turn.incoming.arguments:
        plan_id = _as_id(turn.incoming.arguments)
        if plan_id is None:
            turn.say(turn._("Write the plan id as a number, for example: /tinhhinh 3"))
            return
        if await turn.session.get(Plan, plan_id) is None:
            turn.say(_refusal(turn, "plan_not_found", {"plan_id": plan_id}))
            return
    today, tz = _today(turn), turn.deps.calendar.tz
    summary = await plan_summary(
        turn.session,
        plan_id,
        today=today,
        since=today - timedelta(days=SUMMARY_DAYS),
        tz=tz,
        previous=await last_numbers(turn.session, plan_id),
    )
    translations = turn.deps.translations(turn.language)
    turn.say(summary_text(summary, translations, turn.language, tz=tz))
    if any(unit.counts.total for unit in summary.units):
        chart = summary_chart(summary, translations.gettext)
        turn.send_file(OutgoingFile(f"tinhhinh-{today.isoformat()}.png", chart, picture=True))


def _count_lines(turn: Turn, counts: StatusCounts) -> list[str]:
    numbers = {
        TaskStatus.DONE_ON_TIME: (turn._("Done on time: {count}"), counts.done_on_time),
        TaskStatus.DONE_LATE: (turn._("Done late: {count}"), counts.done_late),
        TaskStatus.IN_PROGRESS: (turn._("In progress: {count}"), counts.in_progress),
        TaskStatus.OVERDUE: (turn._("Overdue: {count}"), counts.overdue),
        TaskStatus.DORMANT: (turn._("Waiting to be triggered: {count}"), counts.dormant),
    }
    lines = [f"{STATUS_MARKS[s]} {text.format(count=n)}" for s, (text, n) in numbers.items()]
    unreported = turn._("Not reported yet: {count}").format(count=counts.not_reported)
    return [*lines, f"📭 {unreported}"]


def _progress_line(turn: Turn, counts: StatusCounts) -> str:
    return turn._("Done: {percent} · average progress: {average}").format(
        percent=_percent(counts.percent_done), average=_percent(counts.average_percent)
    )


@router.command("quahan", roles=OFFICE)
async def show_overdue(turn: Turn) -> None:
    """``/quahan``: every overdue task of the active plans, grouped by unit."""
    today = _today(turn)
    units = await overdue_by_unit(turn.session, None, today=today, tz=turn.deps.calendar.tz)
    if not units:
        turn.say(turn._("No task is overdue."))
        return
    total = sum(unit.count for unit in units)
    lines = [
        turn._("Overdue tasks: {count} · units: {units}").format(count=total, units=len(units))
    ]
    for unit in units:
        lines += ["", f"🏢 {unit.unit_name} ({unit.count})"]
        for task in unit.tasks:
            lines.append(
                turn._("#{id} {content}: due {date}, {late}").format(
                    id=task.assignment_id,
                    content=_shorten(task.content),
                    date=_date(turn, task.due),
                    late=turn._("days late: {count}").format(count=(today - task.due).days),
                )
            )
    turn.say("\n".join(lines))


@router.command("donvi", roles=OFFICE)
async def show_unit(turn: Turn) -> None:
    """``/donvi NAME``: one unit's numbers and tasks, most urgent first."""
    unit = await _named_unit(turn, turn._("Write the unit's name, for example: /donvi Chi bộ 1"))
    if unit is None:
        return
    status = await unit_status(turn.session, unit.id, today=_today(turn), tz=turn.deps.calendar.tz)
    if not status.tasks:
        turn.say(turn._("{name} has no task in the active plans.").format(name=unit.name))
        return
    header = turn._("{name} · tasks: {count}").format(name=unit.name, count=len(status.tasks))
    lines = [header, ""]
    lines += [*_count_lines(turn, status.counts), _progress_line(turn, status.counts), ""]
    lines += [_unit_task_line(turn, task) for task in status.tasks]
    turn.say("\n".join(lines))


def _unit_task_line(turn: Turn, task: UnitTask) -> str:
    details = [turn._(STATUS_NAMES[task.status])]
    if task.due is not None:
        details.append(turn._("due {date}").format(date=_date(turn, task.due)))
    elif task.when_text:
        details.append(task.when_text)
    if task.percent is not None and task.status not in (
        TaskStatus.DONE_ON_TIME,
        TaskStatus.DONE_LATE,
    ):
        details.append(turn._("{percent}% done").format(percent=task.percent))
    if task.problem:
        details.append(turn._("problem: {problem}").format(problem=task.problem))
    if task.status is TaskStatus.DORMANT:
        # Lists show assignment ids; triggering needs the task's id.
        details.append(turn._("to start it: /kichhoat {id} dd/mm/yyyy").format(id=task.task_id))
    head = f"{STATUS_MARKS[task.status]} #{task.assignment_id} {_shorten(task.content)}"
    return f"{head}\n    {' · '.join(details)}"


# --------------------------------------------------------------------------- actions


@router.command("kichhoat", roles=OFFICE)
async def trigger(turn: Turn) -> None:
    """``/kichhoat TASK_ID dd/mm/yyyy``: start a conditional task with its deadline."""
    words = turn.incoming.arguments.split()
    task_id = _as_id(words[0]) if words else None
    if task_id is None or len(words) != 2:
        turn.say(turn._("Write the task id and its deadline, for example: /kichhoat 12 30/09/2026"))
        return
    due = _parse_date(words[1])
    if due is None:
        turn.say(turn._(BAD_DATE).format(text=words[1]))
        return
    try:
        opened = await trigger_task(turn.session, task_id, due)
    except PlanServiceError as error:
        turn.say(_refusal(turn, error.code, error.params))
        return
    reminders = await turn.deps.planner.plan_task(turn.session, task_id, now=turn.now)
    turn.report.parsed = {"command": "kichhoat", "task_id": task_id, "due": due.isoformat()}
    triggered = turn.ngettext(
        "Task {id} triggered, due {date}: {count} assignment opened.",
        "Task {id} triggered, due {date}: {count} assignments opened.",
        opened,
    ).format(id=task_id, date=_date(turn, due), count=opened)
    turn.say(f"{triggered}\n{turn._('Reminders scheduled: {count}').format(count=reminders)}")


@router.command("nhacngay", roles=OFFICE)
async def remind_now(turn: Turn) -> None:
    """``/nhacngay NAME``: the unit's reminders still waiting go out at the next tick."""
    unit = await _named_unit(turn, turn._("Write the unit's name, for example: /nhacngay Chi bộ 1"))
    if unit is None:
        return
    moved = await _bring_forward(turn, await _unit_ids(turn, unit))
    turn.report.parsed = {"command": "nhacngay", "unit_id": unit.id, "reminders": moved}
    if not moved:
        turn.say(turn._("{name} has no reminder waiting.").format(name=unit.name))
        return
    message = turn._("Reminders to {name} that will go out now: {count}.")
    turn.say(message.format(count=moved, name=unit.name))


async def _unit_ids(turn: Turn, unit: Unit) -> list[int]:
    # A group's tasks are assigned to its members: reminding the group reminds them.
    if unit.kind != UnitKind.GROUP:
        return [unit.id]
    return [unit.id, *(member.id for member in await expand_group(turn.session, unit))]


async def _bring_forward(turn: Turn, unit_ids: Sequence[int]) -> int:
    """Move each assignment's NEXT pending reminder (per contact) to now; the later ones
    keep their time, so the unit gets one reminder per task, not the whole schedule. A
    task that already has a reminder waiting to go out gets no second one."""
    now = turn.now
    other = aliased(Reminder)
    next_ones = (
        select(func.min(Reminder.id))
        .join(Assignment, Assignment.id == Reminder.assignment_id)
        .where(
            Assignment.unit_id.in_(unit_ids),
            Reminder.state == ReminderState.PENDING,
            Reminder.step != ReminderStep.ESCALATION,
            Reminder.due_at > now,
            Reminder.due_at
            == (
                select(func.min(other.due_at))
                .where(
                    other.assignment_id == Assignment.id,
                    other.contact_id == Reminder.contact_id,
                    other.state == ReminderState.PENDING,
                    other.step != ReminderStep.ESCALATION,
                )
                .correlate(Assignment, Reminder)
                .scalar_subquery()
            ),
        )
        .group_by(Reminder.assignment_id, Reminder.contact_id)
    )
    result = await turn.session.execute(
        update(Reminder)
        .where(Reminder.id.in_(next_ones))
        .values(due_at=now)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount


# --------------------------------------------------------------------------- plan files


@router.file(roles=OFFICE)
async def receive_plan(turn: Turn) -> None:
    """A plan file from the office: read it, store it as a draft, offer to activate it."""
    file = turn.incoming.file
    assert file is not None
    name = PurePath(file.name).name or "plan"
    limit = turn.deps.max_plan_bytes
    try:
        _check_before_download(name, file.size, limit)
        data = await turn.platform.download(file)
        _check_size(name, len(data), limit)
        extracted = await asyncio.to_thread(_read, data, name, limit)
    except PlanReadError as error:
        turn.report.parsed = {"plan_file": name, "error": error.code}
        turn.say(_read_error(turn, error, name))
        return
    sha256 = sha256_of(data)
    turn.report.parsed = {"plan_file": name, "sha256": sha256}
    try:
        # begin_nested() flushes the turn's own changes first, so undoing the
        # savepoint undoes the import only.
        async with turn.session.begin_nested():
            result = await import_plan(
                turn.session, extracted, source_name=name, source_sha256=sha256
            )
    except PlanServiceError as error:
        turn.report.parsed = {"plan_file": name, "sha256": sha256, "error": error.code}
        message = _refusal(turn, error.code, {"name": name, **error.params})
        unread = unread_lines(turn._, extracted.unread) if error.code == "no_tasks" else []
        message = "\n".join([message, *unread])
        turn.say(message, await _still_draft(turn, error.params.get("plan_id")))
        return
    turn.report.parsed = {"plan_file": name, "sha256": sha256, "plan_id": result.plan_id}
    turn.say(_import_text(turn, result), _activate_button(turn, result.plan_id))


def _activate_button(turn: Turn, plan_id: int) -> list[list[Button]]:
    return [[Button(turn._("Activate"), button_data(ACTIVATE, plan_id))]]


async def _still_draft(turn: Turn, plan_id: object) -> list[list[Button]]:
    """The Activate button again when the same file's plan was never activated."""
    if not isinstance(plan_id, int):
        return []
    plan = await turn.session.get(Plan, plan_id)
    if plan is None or plan.status != PlanStatus.DRAFT:
        return []
    return _activate_button(turn, plan_id)


def _check_before_download(name: str, size: int | None, limit: int) -> None:
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise PlanReadError("unsupported_type", {"name": name, "suffix": suffix or name})
    if size is not None:
        _check_size(name, size, limit)


def _check_size(name: str, size: int, limit: int) -> None:
    if size == 0:
        raise PlanReadError("empty", {"name": name})
    if size > limit:
        raise PlanReadError("too_large", {"name": name, "size": size, "limit": limit})


def _read(data: bytes, name: str, limit: int) -> ExtractedPlan:
    return extract_plan(read_plan_bytes(data, name, max_bytes=limit))


def _import_text(turn: Turn, result: ImportResult) -> str:
    title = turn._("Plan {id} imported as a draft: {title}")
    lines = [title.format(id=result.plan_id, title=result.title), ""]
    tasks = turn.ngettext("{count} task", "{count} tasks", result.task_count)
    kinds = " · ".join(
        f"{turn._(KIND_NAMES.get(kind, kind))}: {count}"
        for kind, count in result.counts_by_kind.items()
    )
    lines.append(f"{tasks.format(count=result.task_count)} ({kinds})")
    if result.new_units:
        new = turn._("New units, not yet in the directory ({count}):")
        lines += [new.format(count=len(result.new_units)), _names(turn, result.new_units)]
    if result.review:
        lines += ["", *_review_lines(turn, result)]
    if result.unread:
        lines += ["", *unread_lines(turn._, result.unread)]
    lines += ["", turn._("Press Activate to assign the tasks to the units and start reminders.")]
    return "\n".join(lines)


def _review_lines(turn: Turn, result: ImportResult) -> list[str]:
    count = len(result.review)
    lines = [
        turn.ngettext("{count} task to review:", "{count} tasks to review:", count).format(
            count=count
        )
    ]
    for item in result.review[:REVIEW_SHOWN]:
        flags = ", ".join(turn._(FLAG_NAMES[f]) if f in FLAG_NAMES else f for f in item.flags)
        lines.append(f"• #{item.task_id} {_shorten(item.content)}\n    ({flags})")
    if count > REVIEW_SHOWN:
        more = count - REVIEW_SHOWN
        lines.append(turn._("… not shown: {count}").format(count=more))
    return lines


@router.button(ACTIVATE, roles=OFFICE)
async def activate(turn: Turn) -> None:
    """The Activate button under an import: assign the plan's tasks and plan reminders."""
    assert turn.incoming.button is not None
    _prefix, parts = button_parts(turn.incoming.button)
    plan_id = _as_id(parts[0]) if parts else None
    if plan_id is None:
        turn.say(turn._("This button is no longer valid."))
        return
    try:
        result = await activate_plan(turn.session, plan_id, today=_today(turn))
    except PlanServiceError as error:
        turn.say(_refusal(turn, error.code, error.params))
        return
    reminders = await turn.deps.planner.plan_plan(turn.session, plan_id, now=turn.now)
    turn.report.parsed = {"command": "activate", "plan_id": plan_id}
    turn.acknowledge(turn._("Plan activated."))
    turn.say(_activation_text(turn, result, reminders))


def _activation_text(turn: Turn, result: ActivationResult, reminders: int) -> str:
    lines = [
        turn.ngettext(
            "Plan {id} is active: {count} assignment created.",
            "Plan {id} is active: {count} assignments created.",
            result.created,
        ).format(id=result.plan_id, count=result.created)
    ]
    if result.by_state:
        lines.append(
            " · ".join(
                f"{turn._(STATE_NAMES.get(state, state))}: {count}"
                for state, count in result.by_state.items()
            )
        )
    lines.append(turn._("Reminders scheduled: {count}").format(count=reminders))
    if result.tasks_without_lead:
        ids = ", ".join(str(i) for i in result.tasks_without_lead)
        message = turn._("Tasks without a lead unit, not assigned to anyone ({count}): {ids}.")
        lines.append(message.format(count=len(result.tasks_without_lead), ids=ids))
    if result.empty_groups:
        message = turn._("Groups without members ({count}): {names}.")
        names = NAME_SEPARATOR.join(result.empty_groups)
        lines.append(message.format(count=len(result.empty_groups), names=names))
    return "\n".join(lines)


# --------------------------------------------------------------------------- helpers


async def _named_unit(turn: Turn, usage: str) -> Unit | None:
    """The unit named in the command's arguments; says why when there is none."""
    name = turn.incoming.arguments
    if not name:
        turn.say(usage)
        return None
    unit = await find_unit(turn.session, name)
    if unit is None:
        turn.say(turn._('There is no unit "{name}" in the directory.').format(name=name))
    return unit


def _names(turn: Turn, names: Sequence[str]) -> str:
    shown = NAME_SEPARATOR.join(names[:UNITS_SHOWN])
    if len(names) <= UNITS_SHOWN:
        return shown
    more = turn._("… more units: {count}").format(count=len(names) - UNITS_SHOWN)
    return f"{shown}\n{more}"


def _today(turn: Turn) -> date:
    return turn.now.astimezone(turn.deps.calendar.tz).date()


def _as_id(text: str) -> int | None:
    digits = text.strip().removeprefix("#")
    return int(digits) if digits.isdigit() else None


def _parse_date(text: str) -> date | None:
    """``30/09/2026`` (also ``30-9-2026``, ``30.9.2026``) as a date; None if not one."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    day, month, year = (int(group) for group in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date(turn: Turn, value: date) -> str:
    return format_date(value, "dd/MM/yyyy", locale=turn.language)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value)}%"


def _shorten(text: str, width: int = CONTENT_WIDTH) -> str:
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat.rfind(" ", 0, width)
    return flat[: cut if cut > width // 2 else width - 1].rstrip(" ,;:") + "…"


def _size(turn: Turn, size: int) -> str:
    if size >= _MIB:
        return f"{format_decimal(size / _MIB, format='#,##0.#', locale=turn.language)} MB"
    return f"{format_decimal(max(1, round(size / _KIB)), locale=turn.language)} KB"


def _refusal(turn: Turn, code: str, params: Mapping[str, object]) -> str:
    message = SERVICE_MESSAGES.get(code, REFUSED)
    return turn._(message).format_map(_Params(params, code=code))


def _read_error(turn: Turn, error: PlanReadError, name: str) -> str:
    params = _Params(error.params, name=name, code=error.code)
    if error.code == "too_large":
        if error.params.get("reason") == "unpacked":
            params["size"] = _whole_mib(error.params.get("size"))
            params["limit"] = _whole_mib(error.params.get("limit"))
            return turn._(UNPACKED_TOO_LARGE).format_map(params)
        params["size"] = _size(turn, int(error.params.get("size", 0)))
        params["limit"] = _size(turn, int(error.params.get("limit", 0)))
        return turn._(TOO_LARGE).format_map(params)
    if error.code == "not_docx":
        kind = DETECTED_KINDS.get(str(error.params.get("detected", "")))
        detected = turn._(" (it looks like {kind})").format(kind=turn._(kind)) if kind else ""
        params["detected"] = detected
    return turn._(READ_MESSAGES.get(error.code, UNREADABLE)).format_map(params)


def _whole_mib(value: object) -> int:
    return round(value / _MIB) if isinstance(value, int) else 0


class _Params(dict[str, object]):
    """Format parameters that print "…" for a detail the error did not carry."""

    def __init__(self, params: Mapping[str, object], **extra: object) -> None:
        super().__init__(params)
        for key, value in extra.items():
            self.setdefault(key, value)

    def __missing__(self, key: str) -> object:
        return "…"
