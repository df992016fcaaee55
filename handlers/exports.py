"""The office's report files in chat, and when a summary group gets its weekly summary.

``/xuatexcel [PLAN_ID]`` sends the Excel workbook (one sheet per plan, a summary
sheet); ``/xuatword PLAN_ID`` the editable Word draft of the plan's report;
``/lichtonghop`` in a summary group shows or changes the moment of its weekly
summary ("/lichtonghop thứ 6 16:30", "/lichtonghop tắt").
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from handlers.messages import OutgoingFile
from handlers.router import OFFICE, Router
from handlers.turn import Turn
from plans.errors import PlanServiceError
from plans.text import fold
from storage.models import Channel, Contact
from summaries.excel import workbook_bytes
from summaries.exports import PlanTable, active_plan_ids, plan_tables
from summaries.schedule import OFF, OFF_WORDS, WeeklySchedule, parse_schedule
from summaries.word import place_of, report_docx

router = Router("exports")


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated per reader."""
    return message


XLSX_USAGE = N_("Send /xuatexcel for every active plan, or /xuatexcel PLAN_ID for one.")
DOCX_USAGE = N_("Send /xuatword PLAN_ID, for example: /xuatword 3")
NO_ACTIVE_PLAN = N_("There is no active plan to export.")
PLAN_NOT_FOUND = N_("There is no plan with id {id}.")
SCHEDULE_GROUP_ONLY = N_(
    "Send /lichtonghop in the summary group whose schedule you want to change."
)
SCHEDULE_USAGE = N_(
    'Write the day and time, for example "/lichtonghop thứ 2 08:00", or "/lichtonghop tắt".'
)
SCHEDULE_NOW = N_("This group gets the weekly summary every {day} at {time}.")
SCHEDULE_OFF = N_("This group does not get the weekly summary.")
SCHEDULE_DEFAULT = N_("This group gets the weekly summary at the usual time (Monday 08:00).")
DAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


@router.command("xuatexcel", roles=OFFICE)
async def export_excel(turn: Turn) -> None:
    """``/xuatexcel [PLAN_ID]``: the Excel workbook of one plan or of every active plan."""
    plan_ids = await _plan_ids(turn, XLSX_USAGE, required=False)
    if not plan_ids:
        return
    tables = await _tables(turn, plan_ids)
    if tables is None:
        return
    data = workbook_bytes(
        tables, turn.deps.translations(turn.language), language=turn.language, tz=_tz(turn)
    )
    turn.send_file(OutgoingFile(f"tinh-hinh-{_today(turn).isoformat()}.xlsx", data))


@router.command("xuatword", roles=OFFICE)
async def export_word(turn: Turn) -> None:
    """``/xuatword PLAN_ID``: the Word draft of the plan's report, to finish and sign."""
    plan_ids = await _plan_ids(turn, DOCX_USAGE, required=True)
    if not plan_ids:
        return
    tables = await _tables(turn, plan_ids)
    if tables is None:
        return
    [(summary, rows)] = tables
    data = report_docx(
        summary,
        rows,
        place=place_of(summary.issuer),
        today=_today(turn),
        translations=turn.deps.translations(turn.language),
        language=turn.language,
        tz=_tz(turn),
    )
    turn.send_file(OutgoingFile(f"bao-cao-ke-hoach-{plan_ids[0]}.docx", data))


@router.command("lichtonghop", roles=OFFICE)
async def summary_schedule(turn: Turn) -> None:
    """``/lichtonghop [DAY TIME | tắt]`` in a summary group: its weekly summary's moment."""
    incoming = turn.incoming
    if not incoming.chat_is_group:
        turn.say(turn._(SCHEDULE_GROUP_ONLY))
        return
    group = Contact.channel == Channel(incoming.channel), Contact.chat_id == incoming.chat_id
    wanted = incoming.arguments
    if wanted:
        stored = OFF if fold(wanted) in OFF_WORDS else _schedule(wanted)
        if stored is None:
            turn.say(turn._(SCHEDULE_USAGE))
            return
        found = await turn.session.execute(
            update(Contact).where(*group, Contact.user_id.is_(None)).values(summary_schedule=stored)
        )
        if not getattr(found, "rowcount", 0):
            turn.say(turn._(SCHEDULE_GROUP_ONLY))
            return
        turn.say(_schedule_text(turn, stored))
        return
    current = await turn.session.scalar(
        select(Contact.summary_schedule).where(*group, Contact.user_id.is_(None))
    )
    turn.say(_schedule_text(turn, current))


def _schedule(text: str) -> str | None:
    try:
        return str(parse_schedule(text))
    except ValueError:
        return None


def _schedule_text(turn: Turn, stored: str | None) -> str:
    if stored is None:
        return turn._(SCHEDULE_DEFAULT)
    schedule = WeeklySchedule.from_text(stored)
    if schedule is None:
        return turn._(SCHEDULE_OFF)
    return turn._(SCHEDULE_NOW).format(
        day=turn._(DAYS[schedule.weekday]), time=schedule.at.strftime("%H:%M")
    )


async def _plan_ids(turn: Turn, usage: str, *, required: bool) -> list[int]:
    argument = turn.incoming.arguments.strip().removeprefix("#")
    if argument:
        if not argument.isdigit():
            turn.say(turn._(usage))
            return []
        return [int(argument)]
    if required:
        turn.say(turn._(usage))
        return []
    plan_ids = await active_plan_ids(turn.session)
    if not plan_ids:
        turn.say(turn._(NO_ACTIVE_PLAN))
    return plan_ids


async def _tables(turn: Turn, plan_ids: list[int]) -> list[PlanTable] | None:
    try:
        return await plan_tables(
            turn.session,
            plan_ids,
            today=_today(turn),
            since=None,
            translations=turn.deps.translations(turn.language),
            language=turn.language,
            tz=_tz(turn),
        )
    except PlanServiceError as error:
        turn.say(turn._(PLAN_NOT_FOUND).format(id=error.params.get("plan_id")))
        return None


def _tz(turn: Turn) -> ZoneInfo:
    return turn.deps.calendar.tz


def _today(turn: Turn) -> date:
    return turn.now.astimezone(turn.deps.calendar.tz).date()
