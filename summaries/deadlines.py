"""Deadlines and periods as people write them: ``31/03/2026``, ``Quý I/2026``.

Pure text helpers shared by the reminders (:mod:`handlers.reminder_text`) and the
task tables of the exported reports (:mod:`summaries.tasks`); they read plain values,
never the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from babel.dates import format_date

from plans.model import TimeKind

Gettext = Callable[[str], str]
"""Translates one message id into the reader's language."""

SINGLE_PERIODS = frozenset({"once", "standing", "trigger", "open"})
"""Period keys of tasks that have one period only (their ``when_text`` is the deadline)."""


def _(message: str) -> str:
    """Mark ``message`` for extraction; it is translated later, per reader."""
    return message


YEAR = _("Year {year}")
FIRST_HALF = _("First half of {year}")
SECOND_HALF = _("Second half of {year}")
QUARTER = _("Quarter {quarter}/{year}")
MONTH = _("Month {month}/{year}")
WEEK = _("Week {week}/{year}")

_ROMAN = ("I", "II", "III", "IV")
_PERIOD = re.compile(r"(?P<year>\d{4})(?:-(?P<kind>[HQW]?)(?P<n>\d{1,2}))?")


def people_date(day: date, language: str | None) -> str:
    """A date as people write it: ``31/03/2026``."""
    return format_date(day, "dd/MM/yyyy", locale=language or "vi")


def written_deadline(
    *, when_text: str, kind: TimeKind, period_key: str, due: date | None, language: str | None
) -> str | None:
    """The deadline as the plan wrote it ("Quý I/2026") for a one-off task, else the
    period's due date; None when there is neither."""
    written = when_text.strip()
    if written and kind == TimeKind.ONCE and period_key in SINGLE_PERIODS:
        return written
    if due is not None:
        return people_date(due, language)
    return written or None


def period_text(period_key: str, gettext_: Gettext) -> str | None:
    """A recurring period as people name it ("Quý I/2026"); None for other keys."""
    match = _PERIOD.fullmatch(period_key)
    if match is None:
        return None
    year = match["year"]
    kind, number = match["kind"], match["n"]
    if number is None:
        return gettext_(YEAR).format(year=year)
    n = int(number)
    if kind == "H" and n in (1, 2):
        return gettext_(FIRST_HALF if n == 1 else SECOND_HALF).format(year=year)
    if kind == "Q" and 1 <= n <= 4:
        return gettext_(QUARTER).format(quarter=_ROMAN[n - 1], year=year)
    if kind == "W":
        return gettext_(WEEK).format(week=n, year=year)
    if kind == "" and 1 <= n <= 12:
        return gettext_(MONTH).format(month=n, year=year)
    return None
