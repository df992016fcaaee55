"""The summary as a chat message, and long messages cut for the chat's limit.

:func:`summary_text` writes a :class:`summaries.model.PlanSummary` for a phone: the
title and date, the four statuses of Vietnamese task follow-up with their shares
and the change since the last summary, "not reported yet", % done and average
progress, the recurring work by period, the continuous tasks' check-ins, the
units with overdue work, the problems reported (by unit, newest first), the units
that did not answer and the dormant tasks, apart. Long lists are cut with "…and N
more", so even a plan of thousands of units stays a few messages.
:func:`split_message` cuts any long text into pieces a chat accepts (Telegram
4,096, Zalo 2,000 characters).
"""

from __future__ import annotations

import gettext
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal, format_percent

from plans.text import squash
from scheduling.calendar import DEFAULT_TZ
from summaries.deadlines import people_date
from summaries.model import (
    CheckinCounts,
    DormantTask,
    PlanSummary,
    UnitProblems,
    UnitRollup,
)
from summaries.status import StatusCounts

TELEGRAM_LIMIT = 4096
ZALO_LIMIT = 2000

TOP_UNITS = 10
"""Units with overdue work listed."""
SILENT_SHOWN = 30
"""Units that did not answer named, before "…and N more"."""
DORMANT_SHOWN = 10
"""Dormant tasks listed."""
DORMANT_UNITS_SHOWN = 5
"""Units named per dormant task."""
PERIODS_SHOWN = 8
"""Latest periods of recurring work listed."""
TITLE_WIDTH = 200
CONTENT_WIDTH = 60
PROBLEM_WIDTH = 200
NAME_SEPARATOR = "; "
"""Between unit names, which often hold commas themselves."""


def _(message: str) -> str:
    """Mark ``message`` for extraction; it is translated per reader."""
    return message


ALL_PLANS = _("All active plans")
PLAN_NUMBER = _("Number: {number}")
AS_OF = _("Summary of {date}")
AS_OF_SINCE = _("Summary of {date} (reports since {since})")
NOTHING_DUE = _("No work is due yet.")
DONE_ON_TIME = _("Done on time")
DONE_LATE = _("Done late")
IN_PROGRESS = _("In progress (within the deadline)")
OVERDUE = _("Overdue, not done")
NOT_REPORTED = _("Not reported yet")
PERCENT_DONE = _("Done: {percent} ({done}/{expected})")
AVERAGE = _("Average progress: {percent}")
CHANGE_NOTE = _("(+/-: the change since the last summary)")
CHECKINS_SINCE = _("Ongoing tasks: {reported}/{expected} reported in the period ({percent})")
CHECKINS_EVER = _("Ongoing tasks: {reported}/{expected} have reported ({percent})")
OVERDUE_UNITS = _("Units with overdue work:")
PROBLEMS_SINCE = _("Problems reported in the period:")
PROBLEMS_EVER = _("Problems reported:")
PERIODS = _("By period:")
PERIOD_LINE = _("{period}: done {done}/{expected} ({percent}) · overdue {overdue}")
EARLIER_PERIODS = _("Earlier periods: {count}")

STATUS_LINES = (
    ("✅", DONE_ON_TIME, "done_on_time"),
    ("☑️", DONE_LATE, "done_late"),
    ("🔄", IN_PROGRESS, "in_progress"),
    ("⛔", OVERDUE, "overdue"),
)
"""The four statuses: mark, label and :class:`StatusCounts` field."""


@dataclass(frozen=True)
class _Writer:
    """Translation and number formats of one reader."""

    translations: gettext.NullTranslations
    language: str
    tz: ZoneInfo

    def _(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The message for ``count``, with ``{count}`` filled in."""
        message = self.translations.ngettext(singular, plural, count)
        return message.format(count=self.number(count))

    def more_units(self, count: int) -> str:
        return self.ngettext("…and {count} more unit", "…and {count} more units", count)

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.language)

    def percent(self, value: float | None) -> str:
        return "—" if value is None else format_percent(value / 100, locale=self.language)


def summary_text(
    summary: PlanSummary,
    translations: gettext.NullTranslations,
    language: str,
    *,
    tz: ZoneInfo = DEFAULT_TZ,
) -> str:
    """The summary as one text (split it with :func:`split_message` to send it).

    ``translations`` are the reader's catalog (``bot.i18n.translator(language)``);
    ``language`` formats numbers and dates; ``tz`` gives the days reports came on.
    """
    w = _Writer(translations, language, tz)
    sections = [
        _header(w, summary),
        _numbers(w, summary),
        _periods(w, summary),
        _checkins(w, summary.checkins, summary),
        _overdue_units(w, summary.units),
        _problems(w, summary.problems, summary),
        _silent(w, summary.silent_units, summary),
        _dormant(w, summary.dormant),
    ]
    return "\n\n".join(section for section in sections if section)


def _header(w: _Writer, summary: PlanSummary) -> str:
    title = _shorten(summary.title, TITLE_WIDTH) if summary.title else w._(ALL_PLANS)
    lines = [f"📊 {title}"]
    if summary.number:
        lines.append(w._(PLAN_NUMBER).format(number=summary.number))
    day = people_date(summary.as_of, w.language)
    if summary.since is None:
        lines.append(w._(AS_OF).format(date=day))
    else:
        since = people_date(summary.since, w.language)
        lines.append(w._(AS_OF_SINCE).format(date=day, since=since))
    return "\n".join(lines)


def _numbers(w: _Writer, summary: PlanSummary) -> str:
    counts, previous = summary.counts, summary.previous
    if not counts.expected:
        return "" if summary.checkins.expected or counts.dormant else w._(NOTHING_DUE)
    lines = [w.ngettext("{count} assignment to do", "{count} assignments to do", counts.expected)]
    for mark, label, name in STATUS_LINES:
        count: int = getattr(counts, name)
        change = _change(count, _earlier(previous, name))
        share = w.percent(100 * count / counts.expected)
        lines.append(f"{mark} {w._(label)}: {w.number(count)}{change} · {share}")
    unreported = _change(counts.not_reported, _earlier(previous, "not_reported"))
    lines.append(f"📭 {w._(NOT_REPORTED)}: {w.number(counts.not_reported)}{unreported}")
    done = w._(PERCENT_DONE).format(
        percent=w.percent(counts.percent_done),
        done=w.number(counts.done),
        expected=w.number(counts.expected),
    )
    average = w._(AVERAGE).format(percent=w.percent(counts.average_percent))
    lines += [
        "",
        f"📈 {done}{_points(counts.percent_done, _earlier(previous, 'percent_done'))}",
        f"{average}{_points(counts.average_percent, _earlier(previous, 'average_percent'))}",
    ]
    if previous is not None:
        lines.append(w._(CHANGE_NOTE))
    return "\n".join(lines)


def _earlier(previous: StatusCounts | None, name: str) -> Any:
    """A number of the last summary, None without one."""
    return getattr(previous, name) if previous is not None else None


def _change(now: int, before: int | None) -> str:
    """`` (+3)`` or `` (-2)``; nothing when unchanged or unknown."""
    if before is None or now == before:
        return ""
    return f" ({now - before:+d})"


def _points(now: float | None, before: float | None) -> str:
    """The change of a percentage in whole points, when both are known and it moved."""
    if now is None or before is None:
        return ""
    points = round(now) - round(before)
    return f" ({points:+d})" if points else ""


def _periods(w: _Writer, summary: PlanSummary) -> str:
    """The recurring work's periods begun so far, the latest :data:`PERIODS_SHOWN`."""
    named = summary.named_periods(w._)
    if not named:
        return ""
    lines = [f"🗓 {w._(PERIODS)}"]
    earlier = len(named) - PERIODS_SHOWN
    if earlier > 0:
        lines.append(w._(EARLIER_PERIODS).format(count=w.number(earlier)))
    for label, counts in named[-PERIODS_SHOWN:]:
        line = w._(PERIOD_LINE).format(
            period=label,
            done=w.number(counts.done),
            expected=w.number(counts.expected),
            percent=w.percent(counts.percent_done),
            overdue=w.number(counts.overdue),
        )
        lines.append(f"• {line}")
    return "\n".join(lines)


def _checkins(w: _Writer, checkins: CheckinCounts, summary: PlanSummary) -> str:
    if not checkins.expected:
        return ""
    message = CHECKINS_EVER if summary.since is None else CHECKINS_SINCE
    text = w._(message).format(
        reported=w.number(checkins.reported),
        expected=w.number(checkins.expected),
        percent=w.percent(checkins.percent),
    )
    return f"🔁 {text}"


def _overdue_units(w: _Writer, units: Sequence[UnitRollup]) -> str:
    late = [unit for unit in units if unit.counts.overdue]
    if not late:
        return ""
    lines = [f"⛔ {w._(OVERDUE_UNITS)}"]
    for index, unit in enumerate(late[:TOP_UNITS], start=1):
        overdue = w.ngettext("{count} overdue", "{count} overdue", unit.counts.overdue)
        lines.append(f"{index}. {unit.unit_name}: {overdue}")
    if len(late) > TOP_UNITS:
        lines.append(w.more_units(len(late) - TOP_UNITS))
    return "\n".join(lines)


def _problems(w: _Writer, problems: Sequence[UnitProblems], summary: PlanSummary) -> str:
    if not problems:
        return ""
    heading = PROBLEMS_EVER if summary.since is None else PROBLEMS_SINCE
    lines = [f"⚠️ {w._(heading)}"]
    for unit in problems:
        lines.append(f"🏢 {unit.unit_name}")
        for problem in unit.problems:
            day = people_date(problem.reported_at.astimezone(w.tz).date(), w.language)
            text = _shorten(problem.problem, PROBLEM_WIDTH)
            task = _shorten(problem.task_content, CONTENT_WIDTH)
            lines.append(f"• {day}: {text} ({task})")
        if unit.more:
            lines.append(
                w.ngettext("…and {count} more problem", "…and {count} more problems", unit.more)
            )
    return "\n".join(lines)


def _silent(w: _Writer, names: Sequence[str], summary: PlanSummary) -> str:
    if not names:
        return ""
    if summary.since is None:
        heading = w.ngettext(
            "Unit that never reported ({count}):",
            "Units that never reported ({count}):",
            len(names),
        )
    else:
        heading = w.ngettext(
            "Unit with no report in the period ({count}):",
            "Units with no report in the period ({count}):",
            len(names),
        )
    listed = NAME_SEPARATOR.join(names[:SILENT_SHOWN])
    if len(names) > SILENT_SHOWN:
        listed += " " + w.more_units(len(names) - SILENT_SHOWN)
    return f"📭 {heading}\n{listed}"


def _dormant(w: _Writer, tasks: Sequence[DormantTask]) -> str:
    if not tasks:
        return ""
    heading = w.ngettext(
        "Task waiting to be triggered, not counted above ({count}):",
        "Tasks waiting to be triggered, not counted above ({count}):",
        len(tasks),
    )
    lines = [f"💤 {heading}"]
    for task in tasks[:DORMANT_SHOWN]:
        units = NAME_SEPARATOR.join(task.units[:DORMANT_UNITS_SHOWN])
        if len(task.units) > DORMANT_UNITS_SHOWN:
            units += " " + w.more_units(len(task.units) - DORMANT_UNITS_SHOWN)
        when = f" ({_shorten(task.when_text, CONTENT_WIDTH)})" if task.when_text.strip() else ""
        lines.append(f"• {_shorten(task.content, CONTENT_WIDTH)}{when}: {units}")
    if len(tasks) > DORMANT_SHOWN:
        lines.append(
            w.ngettext(
                "…and {count} more task", "…and {count} more tasks", len(tasks) - DORMANT_SHOWN
            )
        )
    return "\n".join(lines)


def _shorten(text: str, width: int) -> str:
    """``text`` on one line, at most ``width`` characters, cut at a word with "…"."""
    flat = squash(text)
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > width // 2 else cut).rstrip(" ,;:.-") + "…"


# --------------------------------------------------------------------------- splitting


def split_message(text: str, limit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters for a chat.

    A piece ends, by preference, at a blank line (so sections stay whole), else at a
    line end, else at a space — in the second half of the room when there is one, so
    no piece is needlessly short — and only inside a word when a word is longer than
    the limit (never between a letter and its combining mark). Lengths
    are counted in UTF-16 code units, the larger of the usual counts (an emoji counts
    twice), so a piece fits however the chat counts characters. The line ends or
    space cut at are dropped; nothing else is. An empty text is one empty piece.
    """
    if limit < 2:
        raise ValueError(f"a message limit of {limit} is too small")
    pieces: list[str] = []
    rest = text.strip()
    while _units(rest) > limit:
        end, start = _cut(rest, _fitting(rest, limit))
        pieces.append(rest[:end].rstrip())
        rest = rest[start:]
    pieces.append(rest)
    return pieces


def _units(text: str) -> int:
    """Length in UTF-16 code units: characters beyond the BMP (emoji) count twice."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _fitting(text: str, limit: int) -> int:
    """How many characters of ``text`` fit in ``limit`` UTF-16 code units."""
    used = 0
    for index, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


_BREAKS = ("\n\n", "\n", " ")
"""Where a piece may end, best first."""


def _cut(text: str, room: int) -> tuple[int, int]:
    """Where a piece of at most ``room`` characters ends, and where the next begins:
    at the best break in the second half of the room, else at any break, else inside
    a word (the text has no break in reach)."""
    window = text[: room + 1]
    for lowest in (room // 2, 0):
        for separator in _BREAKS:
            at = window.rfind(separator)
            if at > lowest and text[:at].strip():
                start = at + len(separator)
                return at, start + _leading(text[start:], "\n" if separator != " " else " ")
    cut = room
    while cut > 1 and unicodedata.combining(text[cut]):
        cut -= 1
    return cut, cut


def _leading(text: str, characters: str) -> int:
    """How many of ``characters`` begin ``text``."""
    return len(text) - len(text.lstrip(characters))
