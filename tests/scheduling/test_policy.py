"""The reminder policy: which reminders an assignment gets, and when."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling.calendar import WorkingCalendar
from scheduling.policy import (
    AssignmentFacts,
    PlannedReminder,
    PolicyError,
    ReminderPolicy,
    plan_reminders,
    snoozed_until,
)
from storage.models import AssignmentState, ReminderStep

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkingCalendar(tz=VN)
DEFAULT = ReminderPolicy()
OPEN = AssignmentState.OPEN
STANDING = AssignmentState.STANDING
BEFORE, DUE, OVERDUE = ReminderStep.BEFORE, ReminderStep.DUE, ReminderStep.OVERDUE
CHECKIN, ESCALATION = ReminderStep.CHECKIN, ReminderStep.ESCALATION


def local(text: str) -> datetime:
    """An aware moment from a local ``YYYY-MM-DD HH:MM`` text (Asia/Ho_Chi_Minh)."""
    return datetime.fromisoformat(text).replace(tzinfo=VN)


def shown(reminders: list[PlannedReminder]) -> list[tuple[str, str, str, str, bool]]:
    """Reminders as (step, occurrence, local planned moment, local send moment, to office)."""
    assert all(r.at.tzinfo is UTC and r.planned_at.tzinfo is UTC for r in reminders)
    return [
        (
            r.step.value,
            r.occurrence,
            f"{r.planned_at.astimezone(VN):%Y-%m-%d %H:%M}",
            f"{r.at.astimezone(VN):%Y-%m-%d %H:%M}",
            r.to_office,
        )
        for r in reminders
    ]


def plan(
    due: date | None,
    *,
    after: str = "2026-01-01 00:00",
    until: str = "2027-12-31 00:00",
    policy: ReminderPolicy = DEFAULT,
    state: AssignmentState = OPEN,
    start: date | None = None,
) -> list[PlannedReminder]:
    facts = AssignmentFacts(state=state, due=due, start=start)
    return plan_reminders(facts, policy, CAL, after=local(after), until=local(until))


def test_due_on_a_working_day_exact_utc_instants() -> None:
    reminders = plan(date(2026, 3, 31), until="2026-04-20 00:00")

    def utc(day: int, month: int = 3) -> datetime:
        return datetime(2026, month, day, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội

    assert reminders == [
        PlannedReminder(BEFORE, "7", utc(24), utc(24), False),
        PlannedReminder(BEFORE, "1", utc(30), utc(30), False),
        PlannedReminder(DUE, "", utc(31), utc(31), False),
        PlannedReminder(OVERDUE, "1", utc(1, 4), utc(1, 4), False),
        PlannedReminder(OVERDUE, "3", utc(3, 4), utc(3, 4), False),
        PlannedReminder(ESCALATION, "", utc(3, 4), utc(3, 4), True),
        PlannedReminder(OVERDUE, "w1", utc(10, 4), utc(10, 4), False),
        PlannedReminder(OVERDUE, "w2", utc(17, 4), utc(17, 4), False),
    ]


@pytest.mark.parametrize(
    ("due", "until", "expected"),
    [
        pytest.param(
            date(2026, 3, 29),  # a Sunday: the due-day reminder would land on Monday's overdue one
            "2026-04-09 00:00",
            [
                ("before", "7", "2026-03-22 08:00", "2026-03-23 08:00", False),
                ("before", "1", "2026-03-28 08:00", "2026-03-28 08:00", False),
                ("overdue", "1", "2026-03-30 08:00", "2026-03-30 08:00", False),
                ("overdue", "3", "2026-04-01 08:00", "2026-04-01 08:00", False),
                ("escalation", "", "2026-04-01 08:00", "2026-04-01 08:00", True),
                ("overdue", "w1", "2026-04-08 08:00", "2026-04-08 08:00", False),
            ],
            id="sunday",
        ),
        pytest.param(
            date(2026, 2, 18),  # inside Tết: all that falls in the break collapses onto 21/02
            "2026-03-05 00:00",
            [
                ("before", "7", "2026-02-11 08:00", "2026-02-11 08:00", False),
                ("overdue", "3", "2026-02-21 08:00", "2026-02-21 08:00", False),
                ("overdue", "w1", "2026-02-28 08:00", "2026-02-28 08:00", False),
                ("escalation", "", "2026-02-28 08:00", "2026-02-28 08:00", True),
            ],
            id="tet",
        ),
        pytest.param(
            date(2026, 4, 28),  # the day before is the observed Giỗ Tổ holiday: only DUE
            "2026-05-06 00:00",
            [
                ("before", "7", "2026-04-21 08:00", "2026-04-21 08:00", False),
                ("due", "", "2026-04-28 08:00", "2026-04-28 08:00", False),
                ("overdue", "1", "2026-04-29 08:00", "2026-04-29 08:00", False),
                ("overdue", "3", "2026-05-01 08:00", "2026-05-02 08:00", False),
                ("escalation", "", "2026-05-01 08:00", "2026-05-02 08:00", True),
            ],
            id="holiday-before",
        ),
    ],
)
def test_days_off_move_reminders_to_the_next_working_morning(
    due: date, until: str, expected: list[tuple[str, str, str, str, bool]]
) -> None:
    assert shown(plan(due, until=until)) == expected


def test_due_at_the_end_of_the_year_runs_on_into_the_next() -> None:
    reminders = plan(date(2026, 12, 31), after="2026-12-31 12:00", until="2027-02-16 00:00")
    assert shown(reminders) == [
        ("overdue", "1", "2027-01-01 08:00", "2027-01-02 08:00", False),
        ("overdue", "3", "2027-01-03 08:00", "2027-01-04 08:00", False),
        ("escalation", "", "2027-01-03 08:00", "2027-01-04 08:00", True),
        ("overdue", "w1", "2027-01-10 08:00", "2027-01-11 08:00", False),
        ("overdue", "w2", "2027-01-17 08:00", "2027-01-18 08:00", False),
        ("overdue", "w3", "2027-01-24 08:00", "2027-01-25 08:00", False),
        ("overdue", "w4", "2027-01-31 08:00", "2027-02-01 08:00", False),
        ("overdue", "w5", "2027-02-07 08:00", "2027-02-11 08:00", False),  # after Tết 2027
        ("overdue", "w6", "2027-02-14 08:00", "2027-02-15 08:00", False),
    ]


@pytest.mark.parametrize(
    ("after", "first"),
    [
        ("2026-03-24 08:00", ("before", "7")),
        ("2026-03-24 08:01", ("before", "1")),
        ("2026-03-31 08:00", ("due", "")),
        ("2026-03-31 08:00:01", ("overdue", "1")),
        ("2026-04-03 09:00", ("overdue", "w1")),
    ],
)
def test_reminders_before_the_window_are_left_out(after: str, first: tuple[str, str]) -> None:
    reminders = plan(date(2026, 3, 31), after=after, until="2026-05-01 00:00")
    assert (reminders[0].step.value, reminders[0].occurrence) == first
    assert all(local(after) <= r.at < local("2026-05-01 00:00") for r in reminders)


def test_adjacent_windows_plan_the_same_reminders_as_one() -> None:
    due = date(2026, 2, 18)
    whole = plan(due, after="2026-01-01 00:00", until="2026-06-01 00:00")
    split = plan(due, after="2026-01-01 00:00", until="2026-02-21 08:00") + plan(
        due, after="2026-02-21 08:00", until="2026-06-01 00:00"
    )
    assert split == whole


@pytest.mark.parametrize(
    ("escalate_after", "expected"),
    [
        (0, None),
        (1, "2026-04-01 08:00"),
        (2, "2026-04-03 08:00"),
        (3, "2026-04-10 08:00"),
        (4, "2026-04-17 08:00"),
    ],
)
def test_escalation_follows_the_nth_overdue_reminder(
    escalate_after: int, expected: str | None
) -> None:
    policy = ReminderPolicy(escalate_after=escalate_after)
    reminders = plan(date(2026, 3, 31), until="2026-06-01 00:00", policy=policy)
    escalations = [r for r in reminders if r.step == ESCALATION]
    assert [f"{r.at.astimezone(VN):%Y-%m-%d %H:%M}" for r in escalations] == (
        [expected] if expected else []
    )
    assert all(r.to_office == (r.step == ESCALATION) for r in reminders)


def test_custom_policy() -> None:
    policy = ReminderPolicy(before_days=(3,), overdue_weekly=False, escalate_after=0)
    assert shown(plan(date(2026, 3, 31), policy=policy)) == [
        ("before", "3", "2026-03-28 08:00", "2026-03-28 08:00", False),
        ("due", "", "2026-03-31 08:00", "2026-03-31 08:00", False),
        ("overdue", "1", "2026-04-01 08:00", "2026-04-01 08:00", False),
        ("overdue", "3", "2026-04-03 08:00", "2026-04-03 08:00", False),
    ]


def test_before_reminders_not_earlier_than_the_start() -> None:
    reminders = plan(date(2026, 3, 31), start=date(2026, 3, 25), until="2026-04-01 00:00")
    assert [(r.step.value, r.occurrence) for r in reminders] == [("before", "1"), ("due", "")]


@pytest.mark.parametrize(
    ("send_time", "expected"),
    [
        (time(7, 30), "2026-03-31 07:30"),
        (time(22, 0), "2026-04-01 07:00"),  # a send time in quiet hours waits for the morning
        (time(6, 0), "2026-03-31 07:00"),
    ],
)
def test_send_time(send_time: time, expected: str) -> None:
    policy = ReminderPolicy(
        before_days=(), overdue_days=(), overdue_weekly=False, escalate_after=0, send_time=send_time
    )
    assert [
        f"{r.at.astimezone(VN):%Y-%m-%d %H:%M}" for r in plan(date(2026, 3, 31), policy=policy)
    ] == [expected]


@pytest.mark.parametrize(
    ("checkin", "start", "due", "after", "until", "expected"),
    [
        (
            "monthly",
            date(2026, 1, 15),
            date(2026, 6, 30),
            "2026-01-01 00:00",
            "2027-01-01 00:00",
            [
                ("2026-02", "2026-02-02"),
                ("2026-03", "2026-03-02"),
                ("2026-04", "2026-04-01"),
                ("2026-05", "2026-05-02"),
                ("2026-06", "2026-06-01"),
            ],
        ),
        (
            "monthly",
            None,
            None,
            "2026-08-20 00:00",
            "2026-11-01 00:00",
            [("2026-09", "2026-09-03"), ("2026-10", "2026-10-01")],
        ),
        (
            "quarterly",
            date(2026, 1, 1),
            None,
            "2025-12-01 00:00",
            "2027-01-01 00:00",
            [
                ("2026-Q1", "2026-01-02"),
                ("2026-Q2", "2026-04-01"),
                ("2026-Q3", "2026-07-01"),
                ("2026-Q4", "2026-10-01"),
            ],
        ),
        (
            "quarterly",
            None,
            date(2027, 6, 30),
            "2026-04-01 09:00",
            "2028-01-01 00:00",
            [
                ("2026-Q3", "2026-07-01"),
                ("2026-Q4", "2026-10-01"),
                ("2027-Q1", "2027-01-02"),
                ("2027-Q2", "2027-04-01"),
            ],
        ),
        ("off", None, None, "2026-01-01 00:00", "2027-01-01 00:00", []),
    ],
)
def test_checkins_of_standing_assignments(
    checkin: str,
    start: date | None,
    due: date | None,
    after: str,
    until: str,
    expected: list[tuple[str, str]],
) -> None:
    policy = ReminderPolicy.from_stored({"checkin": checkin})
    reminders = plan(due, state=STANDING, start=start, after=after, until=until, policy=policy)
    assert all(r.step == CHECKIN and not r.to_office for r in reminders)
    assert [(r.occurrence, f"{r.at.astimezone(VN):%Y-%m-%d}") for r in reminders] == expected
    assert all(r.at.astimezone(VN).time() == time(8, 0) for r in reminders)


@pytest.mark.parametrize(
    ("state", "due"),
    [
        (AssignmentState.DORMANT, date(2026, 3, 31)),
        (AssignmentState.DONE, date(2026, 3, 31)),
        (AssignmentState.CANCELLED, date(2026, 3, 31)),
        (OPEN, None),
    ],
)
def test_no_reminders(state: AssignmentState, due: date | None) -> None:
    assert plan(due, state=state) == []


def test_naive_window_is_refused() -> None:
    facts = AssignmentFacts(OPEN, date(2026, 3, 31), None)
    with pytest.raises(ValueError, match="aware"):
        plan_reminders(
            facts, DEFAULT, CAL, after=datetime(2026, 1, 1), until=local("2027-01-01 00:00")
        )


@pytest.mark.parametrize(
    ("now", "days", "expected"),
    [
        ("2026-03-27 15:00", 1, "2026-03-28 08:00"),
        ("2026-03-27 15:00", 2, "2026-03-30 08:00"),  # Sunday → Monday morning
        ("2026-02-13 10:00", 3, "2026-02-21 08:00"),  # into Tết
        ("2026-03-28 01:00", 1, "2026-03-30 08:00"),  # local date counts, not the UTC one
    ],
)
def test_snoozed_until(now: str, days: int, expected: str) -> None:
    result = snoozed_until(local(now), days, DEFAULT, CAL)
    assert result.tzinfo is UTC
    assert result == local(expected)


def test_snooze_needs_a_day() -> None:
    with pytest.raises(ValueError):
        snoozed_until(local("2026-03-27 15:00"), 0, DEFAULT, CAL)


def test_from_stored_defaults() -> None:
    assert ReminderPolicy.from_stored(None) == DEFAULT
    assert ReminderPolicy.from_stored({}) == DEFAULT
    assert DEFAULT.before_days == (7, 1)
    assert DEFAULT.send_time == time(8, 0)
    assert ReminderPolicy.from_stored(None, default_send_time=time(7, 30)).send_time == time(7, 30)


def test_from_stored_partial() -> None:
    policy = ReminderPolicy.from_stored(
        {"before_days": [1, 3, 3], "checkin": "quarterly", "send_time": "9:15"},
        default_send_time=time(7, 30),
    )
    assert policy == ReminderPolicy(before_days=(3, 1), checkin="quarterly", send_time=time(9, 15))
    assert policy.overdue_days == (1, 3)
    assert policy.escalate_after == 2


def test_stored_round_trip() -> None:
    policy = ReminderPolicy(
        before_days=(10, 2),
        on_due_day=False,
        overdue_days=(2,),
        overdue_weekly=False,
        escalate_after=1,
        checkin="off",
        send_time=time(7, 45),
    )
    stored = policy.to_stored()
    assert stored == {
        "before_days": [10, 2],
        "on_due_day": False,
        "overdue_days": [2],
        "overdue_weekly": False,
        "escalate_after": 1,
        "checkin": "off",
        "send_time": "07:45",
    }
    assert ReminderPolicy.from_stored(stored) == policy


@pytest.mark.parametrize(
    ("stored", "code", "field"),
    [
        ({"before_days": [0]}, "policy_invalid_value", "before_days"),
        ({"before_days": 7}, "policy_invalid_value", "before_days"),
        ({"overdue_days": [-1]}, "policy_invalid_value", "overdue_days"),
        ({"overdue_days": [400]}, "policy_invalid_value", "overdue_days"),
        ({"escalate_after": -1}, "policy_invalid_value", "escalate_after"),
        ({"escalate_after": True}, "policy_invalid_value", "escalate_after"),
        ({"on_due_day": "maybe"}, "policy_invalid_value", "on_due_day"),
        ({"checkin": "weekly"}, "policy_invalid_value", "checkin"),
        ({"send_time": "25:00"}, "policy_invalid_value", "send_time"),
        ({"overdue_weekly": False, "escalate_after": 3}, "policy_invalid_value", "escalate_after"),
        ({"remind_every": 2}, "policy_unknown_field", "remind_every"),
    ],
)
def test_invalid_stored_policies(stored: dict[str, object], code: str, field: str) -> None:
    with pytest.raises(PolicyError) as caught:
        ReminderPolicy.from_stored(stored)
    assert caught.value.code == code
    assert caught.value.params["field"] == field


def test_stored_policy_must_be_a_mapping() -> None:
    with pytest.raises(PolicyError) as caught:
        ReminderPolicy.from_stored([7, 1])  # type: ignore[arg-type]
    assert caught.value.code == "policy_not_a_mapping"


def test_weekly_reminders_stop_at_the_window() -> None:
    reminders = plan(date(2026, 3, 31), after="2026-04-04 00:00", until="2026-04-04 00:00")
    assert reminders == []
    far = plan(date(2026, 3, 31), until=f"{2026 + 3}-04-01 00:00")
    weekly = [r for r in far if r.occurrence.startswith("w")]
    assert len(weekly) > 150
    assert all(b.at - a.at >= timedelta(days=1) for a, b in itertools.pairwise(weekly))
