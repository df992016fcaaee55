"""A registered person's own commands: their unit's tasks, how to answer, their language.

``/nhiemvu`` lists the open tasks of the secretary's unit with the codes (``#12``)
replies can name; ``/huongdan`` (``/help``) explains how to answer a reminder, and
the office commands to office members; ``/ngonngu`` switches between Vietnamese
and English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from sqlalchemy import select

from handlers.conversation import STRANGER_HELP
from handlers.router import MEMBERS, SECRETARIES, Role, Router, button_data, button_parts
from handlers.turn import Turn
from plans.model import TimeKind
from plans.text import fold, squash
from scheduling.channel import Button
from storage.models import Assignment, AssignmentState, Plan, PlanStatus, Task, Unit

router = Router("secretary")

REGISTERED = frozenset({Role.STRANGER, Role.SECRETARY, Role.OFFICE})
"""Everyone but a summary group's readers (strangers get the registration help)."""

LANGUAGE_BUTTON = "lang"
LANGUAGE_NAMES: dict[str, str] = {"vi": "Tiếng Việt", "en": "English"}
"""Each language named in itself, so anyone finds their own."""

_LANGUAGE_WORDS: dict[str, str] = {
    "vi": "vi",
    "viet": "vi",
    "tieng viet": "vi",
    "vietnamese": "vi",
    "en": "en",
    "english": "en",
    "anh": "en",
    "tieng anh": "en",
}

MAX_LISTED = 30
"""Tasks listed by /nhiemvu; the rest, due later, are counted."""
MAX_CONTENT = 110
MAX_PROBLEM = 60


def _(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated per person with ``turn._``."""
    return message


SECRETARY_GUIDE = _(
    "How to report on a task:\n"
    "• When a reminder arrives, press a button under it, or reply to it in a few words:\n"
    '"xong": done\n'
    '"đạt 80%": how far along it is\n'
    '"vướng kinh phí": what is in the way\n'
    '"nhắc lại sau 3 ngày": remind me later\n'
    '• Without replying to a reminder, start with the task\'s code: "#12 đạt 80%". '
    "/nhiemvu shows your tasks and their codes.\n"
    '• Writing without accents is fine: "dat 80%", "vuong kinh phi".'
)
UNDO_GUIDE = _('• A mistake? Send "hoàn tác" to undo your last report.')
COMMANDS_HEADING = _("Commands:")
SECRETARY_COMMANDS = (
    _("/nhiemvu: your unit's open tasks"),
    _("/baocao: report on a task (/baocao 12: on task #12)"),
)
OFFICE_HEADING = _("Office commands:")
OFFICE_COMMANDS = (
    _("/tinhhinh: where the plans stand, and the units most overdue"),
    _("/quahan: overdue tasks, by unit"),
    _("/donvi NAME: one unit's tasks"),
    _("/kichhoat ID dd/mm/yyyy: start a task that waits for a condition"),
    _("/nhacngay NAME: send a unit's waiting reminders now"),
    _("/xuatexcel [ID]: the Excel workbook of the plans"),
    _("/xuatword ID: the Word draft of a plan's report"),
    _("Send a plan file (.docx, .pdf or .txt) to import it."),
    _("/dangkynhom (in a group): the group receives the summaries"),
    _("/lichtonghop DAY TIME (in a group): when the weekly summary comes, or tắt"),
)
COMMON_COMMANDS = (
    _("/huongdan: this guide"),
    _("/ngonngu: change the language (Tiếng Việt / English)"),
)
OFFICE_NO_TASKS = _(
    "/nhiemvu lists a unit's own tasks. As a member of the office, send /tinhhinh to see "
    "where every unit stands."
)
NO_UNIT = _("You are not registered for a unit. Ask the committee office for an invite code.")
TASKS_HEADING = _("Open tasks of {unit}:")
NO_TASKS = _("{unit} has no open tasks right now.")
MORE_TASKS = _("… and {count} more, due later.")
TASKS_FOOTER = _('To report: "#{id} xong", "#{id} đạt 80%", "#{id} vướng …". Help: /huongdan')
DUE_LABEL = _("Due: {deadline}")
NO_DEADLINE = _("no deadline")
PERCENT_DONE = _("{percent}% done")
PROBLEM = _("problem: {problem}")
OVERDUE = _("overdue")
NOT_REPORTED = _("not reported yet")
CHOOSE_LANGUAGE = _("Choose your language:")
CHOOSE_LANGUAGE_BY_TEXT = _("Send /ngonngu vi for Tiếng Việt, or /ngonngu en for English.")
LANGUAGE_SET = _("Language: English. Send /huongdan to see what you can do.")


@router.command("huongdan", "help", roles=REGISTERED)
async def guide(turn: Turn) -> None:
    """How to answer, and the commands the person may use."""
    turn.say(guide_text(turn))


def guide_text(turn: Turn) -> str:
    """The guide for the sender's role, in their language."""
    if turn.role is Role.OFFICE:
        commands = _command_list(turn, OFFICE_HEADING, OFFICE_COMMANDS)
    elif turn.role is Role.SECRETARY:
        commands = _command_list(turn, COMMANDS_HEADING, SECRETARY_COMMANDS)
    else:
        return turn._(STRANGER_HELP)
    guide = f"{turn._(SECRETARY_GUIDE)}\n{turn._(UNDO_GUIDE)}"
    return f"{guide}\n\n{commands}"


def _command_list(turn: Turn, heading: str, commands: tuple[str, ...]) -> str:
    lines = [turn._(heading), *(turn._(line) for line in (*commands, *COMMON_COMMANDS))]
    return "\n".join(lines)


@router.command("nhiemvu", roles=MEMBERS)
async def open_tasks(turn: Turn) -> None:
    """The open tasks of the secretary's unit, soonest due first."""
    if turn.role not in SECRETARIES:
        turn.say(turn._(OFFICE_NO_TASKS))
        return
    unit = await _unit_of(turn)
    if unit is None:
        turn.say(turn._(NO_UNIT))
        return
    tasks = await unit_open_tasks(turn, unit.id)
    turn.say(tasks_text(turn, unit.name, tasks))


@dataclass(frozen=True)
class OpenTask:
    """One open assignment of a unit, with the task it belongs to."""

    assignment: Assignment
    task: Task


async def _unit_of(turn: Turn) -> Unit | None:
    if turn.contact is None or turn.contact.unit_id is None:
        return None
    return await turn.session.get(Unit, turn.contact.unit_id)


async def unit_open_tasks(turn: Turn, unit_id: int) -> list[OpenTask]:
    """The unit's open and standing assignments in active plans, by due date (undated last)."""
    rows = await turn.session.execute(
        select(Assignment, Task)
        .join(Task, Task.id == Assignment.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(
            Assignment.unit_id == unit_id,
            Assignment.state.in_((AssignmentState.OPEN, AssignmentState.STANDING)),
            Plan.status == PlanStatus.ACTIVE,
        )
    )
    found = [OpenTask(assignment, task) for assignment, task in rows]
    return sorted(found, key=_by_due)


def _by_due(item: OpenTask) -> tuple[bool, date, int]:
    due = item.assignment.due
    return due is None, due or date.max, item.assignment.id


def tasks_text(turn: Turn, unit_name: str, tasks: list[OpenTask]) -> str:
    """The listing of ``tasks``: one short block per task, readable on a phone."""
    if not tasks:
        return turn._(NO_TASKS).format(unit=unit_name)
    today = turn.deps.calendar.local(turn.now).date()
    blocks = [turn._(TASKS_HEADING).format(unit=unit_name)]
    blocks += [task_block(turn, item, today) for item in tasks[:MAX_LISTED]]
    if len(tasks) > MAX_LISTED:
        blocks.append(turn._(MORE_TASKS).format(count=len(tasks) - MAX_LISTED))
    blocks.append(turn._(TASKS_FOOTER).format(id=tasks[0].assignment.id))
    return "\n\n".join(blocks)


def task_block(turn: Turn, item: OpenTask, today: date) -> str:
    """``#12 · content`` then ``Due: Quý I/2026 · 80% done · problem: …``."""
    head = f"#{item.assignment.id} · {shorten(item.task.content, MAX_CONTENT)}"
    details = [turn._(DUE_LABEL).format(deadline=deadline_text(turn, item))]
    details += status_parts(turn, item.assignment, today)
    return f"{head}\n{' · '.join(details)}"


def deadline_text(turn: Turn, item: OpenTask) -> str:
    """The deadline as people write it: the plan's words (with the period's date when the
    task recurs), else the due date ``31/03/2026``."""
    said = squash(item.task.when_text)
    due = item.assignment.due
    if said and due is not None and _several_periods(item.task):
        return f"{said} ({_day(turn, due)})"
    if said:
        return said
    if due is not None:
        return _day(turn, due)
    return turn._(NO_DEADLINE)


def _several_periods(task: Task) -> bool:
    return task.kind == TimeKind.RECURRING or len(task.dues) > 1


def _day(turn: Turn, value: date) -> str:
    return format_date(value, "dd/MM/yyyy", locale=turn.language)


def status_parts(turn: Turn, assignment: Assignment, today: date) -> list[str]:
    """Percent done, the problem reported, overdue or not reported yet."""
    parts: list[str] = []
    if assignment.percent is not None:
        parts.append(turn._(PERCENT_DONE).format(percent=assignment.percent))
    if assignment.problem:
        parts.append(turn._(PROBLEM).format(problem=shorten(assignment.problem, MAX_PROBLEM)))
    late = assignment.due is not None and assignment.due < today
    if late and assignment.state is AssignmentState.OPEN:
        parts.append(turn._(OVERDUE))
    if not parts and assignment.last_report_at is None:
        parts.append(turn._(NOT_REPORTED))
    return parts


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut at a word to at most ``width`` characters with "…"."""
    flat = squash(text)
    if len(flat) <= width:
        return flat
    cut = flat[:width]
    space = cut.rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


@router.command("ngonngu", roles=REGISTERED)
async def language(turn: Turn) -> None:
    """Set the language from ``/ngonngu en``, or offer the choice."""
    if turn.role is Role.STRANGER or turn.contact is None:
        turn.say(turn._(STRANGER_HELP))
        return
    chosen = language_named(turn.incoming.arguments, turn.deps.languages)
    if chosen is not None:
        turn.contact.language = chosen
        turn.say(turn._(LANGUAGE_SET))
        return
    if not turn.platform.supports_buttons:
        turn.say(turn._(CHOOSE_LANGUAGE_BY_TEXT))
        return
    buttons = [
        Button(LANGUAGE_NAMES.get(code, code), button_data(LANGUAGE_BUTTON, code))
        for code in turn.deps.languages
    ]
    turn.say(turn._(CHOOSE_LANGUAGE), [buttons])


@router.button(LANGUAGE_BUTTON, roles=MEMBERS)
async def language_pressed(turn: Turn) -> None:
    """A language button: remember the choice and confirm in that language."""
    _prefix, parts = button_parts(turn.incoming.button or "")
    code = parts[0] if parts else ""
    if turn.contact is None or code not in turn.deps.languages:
        turn.acknowledge(turn._(CHOOSE_LANGUAGE_BY_TEXT))
        return
    turn.contact.language = code
    turn.acknowledge(LANGUAGE_NAMES.get(code, code))
    turn.say(turn._(LANGUAGE_SET))


def language_named(text: str, languages: tuple[str, ...]) -> str | None:
    """The language code ``text`` names ("en", "English", "tiếng Việt"), if offered."""
    code = _LANGUAGE_WORDS.get(fold(text))
    return code if code in languages else None
