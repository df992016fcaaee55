"""Secretaries answering reminders: buttons, free text, numbered answers, undo.

A report reaches an assignment of the sender's own unit — never another unit's —
by, in this order: the reminder it replies to, a task code ("#12 đạt 80%"), the
unit's only current task, or else the person's choice among the unit's tasks (the
text waits on the question's report and is applied when a task is picked). The
reading (:func:`handlers.replies.read_reply`) is applied by
:mod:`handlers.reporting`; the confirmation carries an undo button.

Some answers take two steps, remembered on the reports themselves: "Gặp khó khăn"
asks for the problem, and the person's next text within the hour is that problem
(``parsed = {"awaiting": "problem", "assignment_id": 12}``); a text for one of
several tasks waits for the pick (``{"awaiting": "pick", "text": ...}``). Only the
person's latest interpreted report counts, so anything else they do in between
ends the wait.

On platforms without buttons (Zalo), "1", "2" and "3" answer the reminder just
received: done, a problem, remind me tomorrow; "hoàn tác" undoes the last report.
"""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from handlers.reminder_text import (
    IN_PROGRESS,
    REMINDER_PREFIX,
    SNOOZE_ACTIONS,
    AssignmentView,
    answer_buttons,
    describe,
    people_date,
    progress_summary,
    snooze_buttons,
)
from handlers.replies import Intent, ReplyReading, read_reply
from handlers.reporting import (
    Effect,
    apply_reading,
    current_assignments,
    latest_undoable,
    reportable,
    undo,
)
from handlers.router import SECRETARIES, Router, button_data, button_parts
from handlers.turn import Turn
from plans.text import clip, fold
from scheduling.channel import Button
from storage.models import (
    Assignment,
    AssignmentState,
    Plan,
    Reminder,
    ReminderState,
    ReminderStep,
    Report,
    Task,
    Unit,
)

log = logging.getLogger(__name__)

router = Router("reports")

UNDO_PREFIX = "undo"
AWAIT_WINDOW = timedelta(hours=1)
"""How long a question ("type the problem", "which task?") waits for its answer."""
NUMBERED_WINDOW = timedelta(hours=48)
"""How long after a reminder a bare "1", "2" or "3" answers it."""
MAX_CHOICES = 8
"""Tasks offered when asking which one a report is for."""
MAX_LISTED = 20
"""Tasks listed by /baocao."""
LABEL_LENGTH = 48

_CODE = re.compile(r"#\s*(\d{1,9})\b")
UNDO_WORDS = frozenset({"hoan tac", "undo"})
NUMBERED_ANSWERS = frozenset({"1", "2", "3"})

BUTTON_READINGS: dict[str, ReplyReading] = {
    "done": ReplyReading(Intent.DONE, 100, None, None),
    "p25": ReplyReading(Intent.PROGRESS, 25, None, None),
    "p50": ReplyReading(Intent.PROGRESS, 50, None, None),
    "p75": ReplyReading(Intent.PROGRESS, 75, None, None),
    **{
        action: ReplyReading(Intent.SNOOZE, None, None, days)
        for action, days in SNOOZE_ACTIONS.items()
    },
}


def _(message: str) -> str:
    """Mark ``message`` for extraction; it is translated per person with ``turn._``."""
    return message


NOT_ALLOWED = _("You are not allowed to do that.")
RECORDED = _("Recorded: {summary}")
RECORDED_SHORT = _("Recorded")
TASK_REF = _("Task #{id}: {content}")
SNOOZED = _("Remind again at {time} on {date}")
NOTHING_TO_SNOOZE = _("No reminder is waiting for task #{id}; there is nothing to postpone.")
UNDO = _("Undo")
UNDO_HINT = _('Send "hoàn tác" to undo this report.')
UNDONE = _("The report on task #{id} was undone.")
UNDO_REFUSED = _(
    "This report can no longer be undone: only the latest report on a task can be, "
    "within {hours} hours."
)
NOTHING_TO_UNDO = _("There is no report to undo.")
ASK_PROBLEM = _("Please type the problem you are facing with task #{id}.")
ASK_SNOOZE = _("When should I remind you again about task #{id}?")
ASK_WHICH = _("Which task is this report for?")
USE_CODE = _('Or send it again with the task code, e.g. "#{id} đạt 80%".')
SEND_WITH_CODE = _('Send it again with the task code, e.g. "#{id} đạt 80%".')
NUMBERED_WITH_CODE = _(
    'Several tasks were reminded; send the task code with your answer, e.g. "#{id} 1".'
)
PICK_EXPIRED = _("That question has expired; please send your report again.")
NO_OPEN = _("Your unit has no tasks in progress.")
NOT_YOURS = _("Task #{id} is not one of your unit's tasks.")
NOT_OPEN = _("Task #{id} is not taking reports.")
ALREADY_DONE = _("Task #{id} was already recorded as done.")
HELP = _(
    'I could not read a report in that. Examples: "xong", "đạt 80%", "vướng kinh phí"; '
    'with a task code: "#12 đạt 80%". Send /baocao to choose a task.'
)
OPEN_TASKS = _("Your unit's tasks in progress; choose one to report on:")
OPEN_TASKS_BY_CODE = _(
    "Your unit's tasks in progress. To report, send the code with your answer, "
    'e.g. "#{id} đạt 80%".'
)
MORE_TASKS = _("…and {count} more.")
CHOOSE_ANSWER = _('Choose an answer below, or type it with the code, e.g. "#{id} đạt 80%".')
UNKNOWN_ACTION = _("That button is no longer valid.")


# ---------------------------------------------------------------- buttons


@router.button(REMINDER_PREFIX, roles=SECRETARIES)
async def answer_button(turn: Turn) -> None:
    """``r:<assignment>:<action>``: an answer, a question, or a step of one."""
    _prefix, parts = button_parts(turn.incoming.button or "")
    assignment = await _own_assignment(turn, parts[0]) if len(parts) == 2 else None
    if assignment is None:
        _refuse_forged(turn)
        return
    action = parts[1]
    if action in BUTTON_READINGS:
        await _report(turn, assignment, BUTTON_READINGS[action])
    elif action == "problem":
        await _ask_problem(turn, assignment)
    elif action == "later":
        _ask_snooze(turn, assignment)
    elif action == "menu":
        await _menu(turn, assignment)
    elif action == "pick":
        await _pick(turn, assignment)
    else:
        log.warning("unknown reminder button %r", turn.incoming.button)
        turn.say(turn._(UNKNOWN_ACTION))


@router.button(UNDO_PREFIX, roles=SECRETARIES)
async def undo_button(turn: Turn) -> None:
    """``undo:<report>``: take back one's own report."""
    _prefix, parts = button_parts(turn.incoming.button or "")
    report = None
    if len(parts) == 1 and parts[0].isdigit():
        report = await turn.session.get(Report, int(parts[0]))
    if report is None or turn.contact is None or report.contact_id != turn.contact.id:
        _refuse_forged(turn)
        return
    await _undo(turn, report)


# ---------------------------------------------------------------- /baocao


@router.command("baocao", roles=SECRETARIES)
async def report_command(turn: Turn) -> None:
    """List the unit's tasks in progress to report on one (``/baocao 12``: that one)."""
    code = turn.incoming.arguments.lstrip("#").strip()
    if code.isdigit():
        assignment = await _own_assignment(turn, code)
        if assignment is None:
            turn.say(turn._(NOT_YOURS).format(id=code))
        else:
            await _menu(turn, assignment)
        return
    choices = await current_assignments(turn.session, _unit_id(turn), today=_today(turn))
    if not choices:
        turn.say(turn._(NO_OPEN))
        return
    shown, more = choices[:MAX_LISTED], len(choices) - MAX_LISTED
    if turn.platform.supports_buttons:
        lines = [turn._(OPEN_TASKS)]
        buttons = [[_task_button(a, t, "menu")] for a, t in shown]
    else:
        lines = [_task_line(a, t) for a, t in shown]
        lines.insert(0, turn._(OPEN_TASKS_BY_CODE).format(id=shown[0][0].id))
        buttons = []
    if more > 0:
        lines.append(turn._(MORE_TASKS).format(count=more))
    turn.say("\n".join(lines), buttons)


# ---------------------------------------------------------------- free text


@router.text(roles=SECRETARIES)
async def report_text(turn: Turn) -> bool:
    """A report typed in words: "xong", "#12 đạt 80%", "vướng kinh phí", "1"."""
    text = turn.incoming.text.strip()
    if not text:
        return False
    if fold(text) in UNDO_WORDS:
        await _undo_latest(turn)
        return True
    code, rest = _split_code(text)
    assignment = await _replied_assignment(turn)
    if assignment is None and code is not None:
        assignment = await _own_assignment(turn, code)
        if assignment is None:
            turn.say(turn._(NOT_YOURS).format(id=code))
            return True
    if not turn.platform.supports_buttons and rest in NUMBERED_ANSWERS:
        await _numbered(turn, assignment, rest)
        return True
    waiting = await _awaiting(turn, "problem")
    if waiting is not None and (assignment is None or assignment.id == waiting["assignment_id"]):
        target = await _own_assignment(turn, waiting["assignment_id"])
        if target is not None:
            await _report(turn, target, _as_problem(rest, _today(turn)))
            return True
    reading = read_reply(rest, _today(turn))
    if reading.intent is Intent.OTHER:
        turn.report.parsed = reading.to_json()
        turn.say(turn._(HELP))
        return True
    if assignment is None:
        assignment = await _only_current(turn, rest)
        if assignment is None:
            return True
    await _report(turn, assignment, reading)
    return True


def _split_code(text: str) -> tuple[str | None, str]:
    """The task code and the text without it: ("12", "đạt 80%") for "#12 đạt 80%"."""
    match = _CODE.search(text)
    if match is None:
        return None, text
    rest = (text[: match.start()] + " " + text[match.end() :]).strip(" \t\n:,.-–")
    return match.group(1), rest


def _as_problem(text: str, today: date) -> ReplyReading:
    """The answer to "what is the problem?": read as usual, but the whole text is the
    problem when the reading finds none and reports no progress made."""
    reading = read_reply(text, today)
    if (
        reading.problem is not None
        or reading.percent
        or reading.intent in (Intent.DONE, Intent.SNOOZE)
    ):
        return reading
    return ReplyReading(Intent.PROBLEM, reading.percent, text, None)


async def _only_current(turn: Turn, text: str) -> Assignment | None:
    """The unit's only task in progress; else ask which one (and answer None)."""
    choices = await current_assignments(turn.session, _unit_id(turn), today=_today(turn))
    if len(choices) == 1:
        return choices[0][0]
    if not choices:
        turn.report.parsed = read_reply(text, _today(turn)).to_json()
        turn.say(turn._(NO_OPEN))
        return None
    turn.report.parsed = {"awaiting": "pick", "text": text}
    shown = choices[:MAX_CHOICES]
    example = shown[0][0].id
    if turn.platform.supports_buttons:
        lines = [turn._(ASK_WHICH)]
        if len(choices) > len(shown):
            lines.append(turn._(USE_CODE).format(id=example))
        turn.say("\n".join(lines), [[_task_button(a, t, "pick")] for a, t in shown])
    else:
        lines = [turn._(ASK_WHICH), *(_task_line(a, t) for a, t in shown)]
        lines.append(turn._(SEND_WITH_CODE).format(id=example))
        turn.say("\n".join(lines))
    return None


async def _numbered(turn: Turn, assignment: Assignment | None, answer: str) -> None:
    """Numbered answers to the reminder just received: 1 done, 2 a problem, 3 tomorrow."""
    target = assignment or await _just_reminded(turn)
    if target is None:
        choices = await current_assignments(turn.session, _unit_id(turn), today=_today(turn))
        if len(choices) != 1:
            turn.report.parsed = {"numbered": answer}
            if choices:
                lines = [*(_task_line(a, t) for a, t in choices[:MAX_CHOICES])]
                lines.insert(0, turn._(NUMBERED_WITH_CODE).format(id=choices[0][0].id))
                turn.say("\n".join(lines))
            else:
                turn.say(turn._(NO_OPEN))
            return
        target = choices[0][0]
    if answer == "1":
        await _report(turn, target, BUTTON_READINGS["done"])
    elif answer == "2":
        await _ask_problem(turn, target)
    else:
        await _report(turn, target, BUTTON_READINGS["s1"])


# ---------------------------------------------------------------- finding the task


def _unit_id(turn: Turn) -> int:
    contact = turn.contact
    if contact is None or contact.unit_id is None:
        raise RuntimeError("a secretary's turn without a unit")
    return contact.unit_id


def _contact_id(turn: Turn) -> int:
    if turn.contact is None:
        raise RuntimeError("a secretary's turn without a contact")
    return turn.contact.id


def _today(turn: Turn) -> date:
    return turn.deps.calendar.local(turn.now).date()


async def _own_assignment(turn: Turn, assignment_id: object) -> Assignment | None:
    """The assignment if it is one of the sender's unit's (else None)."""
    try:
        number = int(str(assignment_id))
    except ValueError:
        return None
    assignment = await turn.session.get(Assignment, number)
    if assignment is None or assignment.unit_id != _unit_id(turn):
        return None
    return assignment


async def _replied_assignment(turn: Turn) -> Assignment | None:
    """The assignment of the reminder this message replies to, if it is the unit's."""
    reply_to = turn.incoming.reply_to
    if not reply_to:
        return None
    found = await turn.session.scalars(
        select(Reminder.assignment_id)
        .where(
            Reminder.channel == turn.incoming.channel,
            Reminder.chat_id == turn.incoming.chat_id,
            Reminder.message_id == reply_to,
        )
        .limit(1)
    )
    assignment_id = found.first()
    return await _own_assignment(turn, assignment_id) if assignment_id is not None else None


async def _just_reminded(turn: Turn) -> Assignment | None:
    """The one task this chat was reminded of since the person last reported (within
    :data:`NUMBERED_WINDOW`); None when there is none or several."""
    since = turn.now - NUMBERED_WINDOW
    last = await _latest_interpreted(turn)
    if last is not None and last.received_at > since:
        since = last.received_at
    found = await turn.session.scalars(
        select(Reminder.assignment_id)
        .where(
            Reminder.channel == turn.incoming.channel,
            Reminder.chat_id == turn.incoming.chat_id,
            Reminder.state == ReminderState.SENT,
            Reminder.step != ReminderStep.ESCALATION,
            Reminder.sent_at > since,
        )
        .distinct()
    )
    ids = list(found)
    return await _own_assignment(turn, ids[0]) if len(ids) == 1 else None


async def _latest_interpreted(turn: Turn) -> Report | None:
    """The person's latest earlier report that something was read from."""
    found = await turn.session.scalars(
        select(Report)
        .where(
            Report.contact_id == _contact_id(turn),
            Report.id < turn.report.id,
            Report.parsed.is_not(None),
        )
        .order_by(Report.id.desc())
        .limit(1)
    )
    return found.first()


async def _awaiting(turn: Turn, kind: str) -> dict[str, Any] | None:
    """The question of ``kind`` the person's latest report left open, if recent."""
    last = await _latest_interpreted(turn)
    if last is None or not isinstance(last.parsed, dict):
        return None
    if last.parsed.get("awaiting") != kind or turn.now - last.received_at > AWAIT_WINDOW:
        return None
    return last.parsed


async def _view(turn: Turn, assignment: Assignment) -> AssignmentView:
    task = await turn.session.get(Task, assignment.task_id)
    unit = await turn.session.get(Unit, assignment.unit_id)
    assert task is not None and unit is not None
    plan = await turn.session.get(Plan, task.plan_id)
    assert plan is not None
    return AssignmentView(assignment, task, plan, unit)


# ---------------------------------------------------------------- answering


async def _report(turn: Turn, assignment: Assignment, reading: ReplyReading) -> None:
    """Apply ``reading`` to ``assignment`` and confirm it, with an undo button."""
    if not reportable(assignment):
        turn.report.parsed = reading.to_json()
        turn.say(turn._(NOT_OPEN).format(id=assignment.id))
        return
    if (
        assignment.state == AssignmentState.DONE
        and reading.intent is Intent.DONE
        and not reading.problem
    ):
        turn.report.parsed = reading.to_json()
        turn.say(turn._(ALREADY_DONE).format(id=assignment.id))
        return
    effect = await apply_reading(
        turn.session, turn.report, assignment, reading, now=turn.now, planner=turn.deps.planner
    )
    task = await turn.session.get(Task, assignment.task_id)
    content = clip(task.content, LABEL_LENGTH * 2) if task is not None else ""
    if reading.intent is Intent.SNOOZE and effect.snoozed is None:
        turn.say(turn._(NOTHING_TO_SNOOZE).format(id=assignment.id))
        return
    lines = [
        turn._(RECORDED).format(summary=_summary(turn, reading, effect)),
        turn._(TASK_REF).format(id=assignment.id, content=content),
    ]
    turn.acknowledge(turn._(RECORDED_SHORT))
    if turn.platform.supports_buttons:
        undo_row = [Button(turn._(UNDO), button_data(UNDO_PREFIX, turn.report.id))]
        turn.say("\n".join(lines), [undo_row])
    else:
        lines.append(turn._(UNDO_HINT))
        turn.say("\n".join(lines))


def _summary(turn: Turn, reading: ReplyReading, effect: Effect) -> str:
    if effect.snoozed is not None:
        at = turn.deps.calendar.local(effect.snoozed.until)
        return turn._(SNOOZED).format(
            time=f"{at:%H:%M}", date=people_date(at.date(), turn.language)
        )
    summary = progress_summary(
        turn._,
        done=reading.intent is Intent.DONE,
        percent=reading.percent,
        problem=reading.problem,
    )
    return summary or turn._(IN_PROGRESS)


async def _ask_problem(turn: Turn, assignment: Assignment) -> None:
    if not reportable(assignment):
        turn.say(turn._(NOT_OPEN).format(id=assignment.id))
        return
    turn.report.parsed = {"awaiting": "problem", "assignment_id": assignment.id}
    turn.say(turn._(ASK_PROBLEM).format(id=assignment.id))


def _ask_snooze(turn: Turn, assignment: Assignment) -> None:
    turn.report.parsed = {"shown": "snooze", "assignment_id": assignment.id}
    turn.say(turn._(ASK_SNOOZE).format(id=assignment.id), snooze_buttons(assignment.id, turn._))


async def _menu(turn: Turn, assignment: Assignment) -> None:
    """The task described, with the answer buttons (or how to answer by code)."""
    turn.report.parsed = {"shown": "menu", "assignment_id": assignment.id}
    view = await _view(turn, assignment)
    lines = describe(view, turn._, turn.language, turn.deps.calendar.tz)
    if turn.platform.supports_buttons:
        lines.append(turn._(CHOOSE_ANSWER).format(id=assignment.id))
        turn.say("\n".join(lines), answer_buttons(assignment.id, turn._))
    else:
        lines.append(turn._(SEND_WITH_CODE).format(id=assignment.id))
        turn.say("\n".join(lines))


async def _pick(turn: Turn, assignment: Assignment) -> None:
    """The task chosen for a text that waited for the choice: apply that text."""
    waiting = await _awaiting(turn, "pick")
    text = waiting.get("text") if waiting is not None else None
    if not isinstance(text, str):
        turn.say(turn._(PICK_EXPIRED))
        return
    reading = read_reply(text, _today(turn))
    if reading.intent is Intent.OTHER:
        turn.report.parsed = reading.to_json()
        turn.say(turn._(HELP))
        return
    await _report(turn, assignment, reading)


async def _undo(turn: Turn, report: Report) -> None:
    turn.report.parsed = {"undo": report.id}
    window = timedelta(hours=turn.deps.undo_window_hours)
    planner = turn.deps.planner
    if await undo(turn.session, report, now=turn.now, window=window, planner=planner):
        turn.acknowledge(turn._(UNDO))
        turn.say(turn._(UNDONE).format(id=report.assignment_id))
    else:
        turn.say(turn._(UNDO_REFUSED).format(hours=turn.deps.undo_window_hours))


async def _undo_latest(turn: Turn) -> None:
    report = await latest_undoable(turn.session, _contact_id(turn))
    if report is None:
        turn.say(turn._(NOTHING_TO_UNDO))
        return
    await _undo(turn, report)


def _refuse_forged(turn: Turn) -> None:
    """A button for something that is not the sender's: refuse it and log it."""
    log.warning(
        "refused button %r from %s:%s (unit %s): not the unit's own",
        turn.incoming.button,
        turn.incoming.channel,
        turn.incoming.user_id,
        turn.contact.unit_id if turn.contact else None,
    )
    turn.say(turn._(NOT_ALLOWED))


def _task_button(assignment: Assignment, task: Task, action: str) -> Button:
    label = f"#{assignment.id} {clip(task.content, LABEL_LENGTH)}"
    return Button(label, button_data(REMINDER_PREFIX, assignment.id, action))


def _task_line(assignment: Assignment, task: Task) -> str:
    return f"#{assignment.id} — {clip(task.content, LABEL_LENGTH * 2)}"
