"""When each assignment is reminded: the reminder policy and the reminders it plans.

A plan stores its policy as JSON (``plans.reminder_policy``); :class:`ReminderPolicy`
reads it with defaults for what is missing. :func:`plan_reminders` turns one
assignment's facts into dated reminders: before the due date, on it, after it (fixed
days, then weekly), an escalation to the office, and progress check-ins for standing
tasks. Every moment is the policy's local send time on a date; a date that is a day
off gives way to the next working day at the send time, and the working calendar
moves a send time inside quiet hours on to the next allowed instant. The result
depends only on the facts, the policy and the calendar, never on when it is asked, so
planning overlapping windows gives the same reminders for the same moments.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

import pydantic
from pydantic import StrictBool, StrictInt, ValidationInfo, field_serializer, field_validator

from bot.config import parse_clock
from scheduling.calendar import WorkingCalendar
from storage.models import AssignmentState, ReminderStep

DEFAULT_SEND_TIME = time(8, 0)
_MAX_DAYS = 366
_QUARTER_MONTHS = (1, 4, 7, 10)


class PolicyError(Exception):
    """A stored policy could not be read: ``code`` says why, ``params`` give the details.

    Codes: ``policy_not_a_mapping`` (params ``type``), ``policy_unknown_field``
    (``field``), ``policy_invalid_value`` (``field``, ``value``, ``reason``).
    """

    def __init__(self, code: str, params: dict[str, object] | None = None) -> None:
        self.code = code
        self.params: dict[str, object] = dict(params or {})
        super().__init__(code, self.params)


class ReminderPolicy(pydantic.BaseModel, frozen=True, extra="forbid", validate_default=True):
    """How an assignment is reminded; day counts are calendar days from the due date.

    Numbers and switches must be real JSON numbers and booleans; day counts are kept
    without repeats in the order they come due (``before_days`` falling, ``overdue_days``
    rising).
    """

    before_days: tuple[StrictInt, ...] = (7, 1)
    on_due_day: StrictBool = True
    overdue_days: tuple[StrictInt, ...] = (1, 3)
    overdue_weekly: StrictBool = True
    escalate_after: StrictInt = pydantic.Field(default=2, ge=0)
    checkin: Literal["monthly", "quarterly", "off"] = "monthly"
    send_time: time = DEFAULT_SEND_TIME

    @field_validator("before_days", "overdue_days")
    @classmethod
    def _day_counts(cls, value: tuple[int, ...], info: ValidationInfo) -> tuple[int, ...]:
        if any(not 1 <= n <= _MAX_DAYS for n in value):
            raise ValueError(f"day counts must be between 1 and {_MAX_DAYS}")
        return tuple(sorted(set(value), reverse=info.field_name == "before_days"))

    @field_validator("send_time", mode="before")
    @classmethod
    def _clock_text(cls, value: object) -> object:
        return parse_clock(value) if isinstance(value, str) else value

    @field_validator("send_time")
    @classmethod
    def _naive_clock(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("the send time is a local time without time zone")
        return value

    @field_validator("escalate_after")
    @classmethod
    def _escalation_reachable(cls, value: int, info: ValidationInfo) -> int:
        # Fields are validated in declaration order, so the overdue settings are known here.
        weekly = info.data.get("overdue_weekly", True)
        fixed = info.data.get("overdue_days", ())
        if not weekly and value > len(fixed):
            raise ValueError("escalate_after counts more overdue reminders than are ever sent")
        return value

    @field_serializer("send_time")
    def _clock_out(self, value: time) -> str:
        return f"{value:%H:%M:%S}" if value.second else f"{value:%H:%M}"

    @classmethod
    def from_stored(
        cls, stored: Mapping[str, object] | None, *, default_send_time: time | None = None
    ) -> ReminderPolicy:
        """Read a plan's stored policy; missing fields (or ``None``) take the defaults,
        ``send_time`` defaulting to ``default_send_time`` (``REMINDER_TIME``) when given.

        Raises :class:`PolicyError` on anything that is not a valid policy.
        """
        if stored is not None and not isinstance(stored, Mapping):
            raise PolicyError("policy_not_a_mapping", {"type": type(stored).__name__})
        values: dict[str, Any] = {}
        if default_send_time is not None:
            values["send_time"] = default_send_time
        values.update(stored or {})
        try:
            return cls.model_validate(values)
        except pydantic.ValidationError as exc:
            raise _policy_error(exc) from exc

    def to_stored(self) -> dict[str, object]:
        """The policy as JSON-ready values, the inverse of :meth:`from_stored`."""
        return self.model_dump(mode="json")


def _policy_error(exc: pydantic.ValidationError) -> PolicyError:
    first = exc.errors()[0]
    name = ".".join(str(part) for part in first["loc"][:1]) or "policy"
    if first["type"] == "extra_forbidden":
        return PolicyError("policy_unknown_field", {"field": name})
    reason = first["msg"].removeprefix("Value error, ")
    return PolicyError(
        "policy_invalid_value", {"field": name, "value": first.get("input"), "reason": reason}
    )


@dataclass(frozen=True)
class AssignmentFacts:
    """What the policy needs to know of an assignment (the caller reads it off the row)."""

    state: AssignmentState
    due: date | None
    start: date | None


@dataclass(frozen=True)
class PlannedReminder:
    """One reminder the policy wants: ``planned_at`` is its nominal moment, ``at`` the
    allowed moment it goes out (both aware UTC); ``to_office`` marks escalations."""

    step: ReminderStep
    occurrence: str
    planned_at: datetime
    at: datetime
    to_office: bool = False


def plan_reminders(
    facts: AssignmentFacts,
    policy: ReminderPolicy,
    calendar: WorkingCalendar,
    *,
    after: datetime,
    until: datetime,
) -> list[PlannedReminder]:
    """The reminders of one assignment whose ``at`` lies in [``after``, ``until``), by ``at``.

    OPEN with a due date: BEFORE, DUE, OVERDUE (fixed days, then weekly); when days off
    push several onto the same moment only the last of them is kept. One ESCALATION to
    the office goes with the ``escalate_after``-th overdue reminder the unit actually
    gets, counted after that merging.
    STANDING: a CHECKIN on the first working day of each month or quarter between its
    start and due date. Anything else: nothing.
    """
    _require_aware(after, until)
    if facts.state == AssignmentState.OPEN and facts.due is not None:
        planned = _deadline_reminders(facts.due, facts.start, policy, calendar, until)
    elif facts.state == AssignmentState.STANDING:
        planned = list(_checkins(facts, policy, calendar, after, until))
    else:
        planned = []
    return sorted((r for r in planned if after <= r.at < until), key=lambda r: r.at)


def snoozed_until(
    now: datetime, days: int, policy: ReminderPolicy, calendar: WorkingCalendar
) -> datetime:
    """When a reminder postponed by ``days`` (≥ 1) goes out: the send time ``days`` local
    days after ``now`` (on the next working day if that is a day off); aware UTC."""
    if days < 1:
        raise ValueError(f"a reminder is postponed by at least one day, not {days}")
    return _send_moment(calendar.local(now).date() + timedelta(days=days), policy, calendar)


def _require_aware(*moments: datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"an aware datetime is needed, got {moment.isoformat()}")


def _reminder(
    step: ReminderStep,
    occurrence: str,
    day: date,
    policy: ReminderPolicy,
    calendar: WorkingCalendar,
) -> PlannedReminder:
    planned_at = calendar.at_local(day, policy.send_time)
    return PlannedReminder(step, occurrence, planned_at, _send_moment(day, policy, calendar))


def _send_moment(day: date, policy: ReminderPolicy, calendar: WorkingCalendar) -> datetime:
    """The send time on ``day`` or, if that is a day off, on the next working day; moved
    past quiet hours should the send time fall in them.

    Going to the next working day's send time rather than its first allowed minute
    keeps a reminder that a day off pushed forward on the same moment as the reminders
    planned for that day, so the two collapse into one.
    """
    working_day = calendar.working_day_on_or_after(day)
    return calendar.next_allowed(calendar.at_local(working_day, policy.send_time))


def _deadline_reminders(
    due: date,
    start: date | None,
    policy: ReminderPolicy,
    calendar: WorkingCalendar,
    until: datetime,
) -> list[PlannedReminder]:
    """Unit reminders around ``due`` (collisions resolved) plus the office's escalation."""
    unit = _last_per_moment(list(_unit_sequence(due, start, policy, calendar, until)))
    overdue = [r for r in unit if r.step == ReminderStep.OVERDUE]
    if 0 < policy.escalate_after <= len(overdue):
        trigger = overdue[policy.escalate_after - 1]
        unit.append(
            PlannedReminder(ReminderStep.ESCALATION, "", trigger.planned_at, trigger.at, True)
        )
    return unit


def _unit_sequence(
    due: date,
    start: date | None,
    policy: ReminderPolicy,
    calendar: WorkingCalendar,
    until: datetime,
) -> Iterator[PlannedReminder]:
    """The unit's reminders in the policy's order; weekly ones stop at ``until``."""
    for n in policy.before_days:
        day = due - timedelta(days=n)
        if start is None or day >= start:
            yield _reminder(ReminderStep.BEFORE, str(n), day, policy, calendar)
    if policy.on_due_day:
        yield _reminder(ReminderStep.DUE, "", due, policy, calendar)
    for n in policy.overdue_days:
        yield _reminder(ReminderStep.OVERDUE, str(n), due + timedelta(days=n), policy, calendar)
    if policy.overdue_weekly:
        yield from _weekly_overdue(due, policy, calendar, until)


def _weekly_overdue(
    due: date, policy: ReminderPolicy, calendar: WorkingCalendar, until: datetime
) -> Iterator[PlannedReminder]:
    base = due + timedelta(days=max(policy.overdue_days, default=0))
    k = 1
    while True:
        reminder = _reminder(
            ReminderStep.OVERDUE, f"w{k}", base + timedelta(weeks=k), policy, calendar
        )
        # ``at`` never precedes ``planned_at``, so nothing from here on is inside the window.
        if reminder.planned_at >= until:
            return
        yield reminder
        k += 1


def _last_per_moment(sequence: list[PlannedReminder]) -> list[PlannedReminder]:
    """Drop each reminder that a later one in the sequence shares its moment with.

    Moving to the next allowed moment keeps the order, so equal moments are neighbours.
    """
    return [
        reminder
        for reminder, following in zip(sequence, [*sequence[1:], None], strict=True)
        if following is None or following.at != reminder.at
    ]


def _checkins(
    facts: AssignmentFacts,
    policy: ReminderPolicy,
    calendar: WorkingCalendar,
    after: datetime,
    until: datetime,
) -> Iterator[PlannedReminder]:
    """Progress check-ins of a standing assignment between its start and due date; the
    caller keeps those inside its window."""
    if policy.checkin == "off":
        return
    months = _QUARTER_MONTHS if policy.checkin == "quarterly" else range(1, 13)
    last_year = calendar.local(until).year
    if facts.due is not None:
        last_year = min(last_year, facts.due.year)
    for year in range(calendar.local(after).year, last_year + 1):
        for month in months:
            day = calendar.first_working_day(year, month)
            if _within(day, facts.start, facts.due):
                key = _period_key(year, month, policy)
                yield _reminder(ReminderStep.CHECKIN, key, day, policy, calendar)


def _within(day: date, start: date | None, due: date | None) -> bool:
    return (start is None or day >= start) and (due is None or day <= due)


def _period_key(year: int, month: int, policy: ReminderPolicy) -> str:
    if policy.checkin == "quarterly":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    return f"{year}-{month:02d}"
