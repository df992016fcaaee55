"""The summary's roll-ups over a scripted plan, with exact expected numbers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bench import rollup as bench_rollup
from plans.errors import PlanServiceError
from storage.models import PlanStatus, Summary, SummaryState
from summaries.model import (
    CheckinCounts,
    DormantTask,
    PeriodRollup,
    PlanSummary,
    ProblemReport,
    UnitProblems,
    UnitRollup,
)
from summaries.rollup import (
    counts_from_snapshot,
    last_numbers,
    numbers_snapshot,
    plan_summary,
)
from summaries.status import StatusCounts, Tally
from tests.summaries.scenario import HANOI, SINCE, TODAY, Scenario, build, utc


async def _summary(session: AsyncSession, s: Scenario, **kwargs: Any) -> PlanSummary:
    options: dict[str, Any] = {"today": TODAY, "since": SINCE, "tz": HANOI, **kwargs}
    return await plan_summary(session, s.plan.id, **options)


async def test_the_four_statuses_and_the_rest(session: AsyncSession) -> None:
    s = await build(session)

    summary = await _summary(session, s)

    assert (summary.plan_id, summary.title, summary.number, summary.issuer) == (
        s.plan.id,
        "Kế hoạch thực hiện Nghị quyết Đại hội",
        "12-KH/ĐU",
        "Đảng ủy xã Xuân Hưng",
    )
    assert (summary.as_of, summary.since) == (TODAY, SINCE)
    # Continuous work is not in the statuses; work of the third quarter has not begun.
    assert summary.counts == StatusCounts(
        done_on_time=1,
        done_late=1,
        in_progress=3,
        overdue=2,
        dormant=2,
        not_reported=3,
        average_percent=18.0,
    )
    assert summary.counts.percent_done == pytest.approx(100 * 2 / 7)
    assert summary.checkins == CheckinCounts(expected=2, reported=1)
    assert summary.previous is None


async def test_units_most_overdue_first_then_by_name(session: AsyncSession) -> None:
    s = await build(session)

    summary = await _summary(session, s)

    unit = s.unit_id
    assert summary.units == [
        UnitRollup(
            unit("B"),
            "Chi bộ Bắc Sơn",
            StatusCounts(overdue=2, dormant=1, not_reported=1, average_percent=25.0),
        ),
        UnitRollup(
            unit("A"), "Chi bộ An Bình", StatusCounts(done_on_time=1, done_late=1, dormant=1)
        ),
        UnitRollup(
            unit("C"),
            "Chi bộ Cầu Mới",
            StatusCounts(in_progress=2, not_reported=1, average_percent=20.0),
            CheckinCounts(expected=1, reported=0),
        ),
        UnitRollup(
            unit("F"),
            "Chi bộ Phú Lộc",
            StatusCounts(in_progress=1, not_reported=1, average_percent=0.0),
        ),
        # "Đ" sorts as "D", after "Chi bộ …"; only continuous work, so only check-ins.
        UnitRollup(
            unit("D"), "Đảng bộ Đông Hà", StatusCounts(), CheckinCounts(expected=1, reported=1)
        ),
    ]


async def test_periods_in_the_order_they_come(session: AsyncSession) -> None:
    s = await build(session)

    summary = await _summary(session, s)

    assert summary.periods == [
        PeriodRollup("2026-Q2", StatusCounts(in_progress=1, not_reported=1, average_percent=0.0)),
        PeriodRollup(
            "once",
            StatusCounts(
                done_on_time=1,
                done_late=1,
                in_progress=1,
                overdue=2,
                not_reported=1,
                average_percent=30.0,
            ),
        ),
        PeriodRollup("open", StatusCounts(in_progress=1, not_reported=1, average_percent=0.0)),
        PeriodRollup("trigger", StatusCounts(dormant=2)),
    ]


async def test_problems_of_the_period_by_unit_newest_first(session: AsyncSession) -> None:
    s = await build(session)

    summary = await _summary(session, s)

    on = s.assignment_id
    assert summary.problems == [
        UnitProblems(
            s.unit_id("D"),
            "Đảng bộ Đông Hà",
            [
                ProblemReport(
                    on("d_standing_checked_in"),
                    "Nắm bắt dư luận xã hội",
                    "thiếu người",
                    utc(2026, 6, 14, 1, 0),
                )
            ],
        ),
        UnitProblems(
            s.unit_id("B"),
            "Chi bộ Bắc Sơn",
            [
                ProblemReport(
                    on("b_overdue_reported"),
                    "Tổ chức hội nghị quán triệt Nghị quyết",
                    "vướng kinh phí",
                    utc(2026, 6, 10, 2, 0),
                ),
                # 00:30 on the first day of the period in Hà Nội: inside it.
                ProblemReport(
                    on("b_overdue_reported"),
                    "Tổ chức hội nghị quán triệt Nghị quyết",
                    "chưa có hướng dẫn",
                    utc(2026, 6, 7, 17, 30),
                ),
            ],
        ),
    ]


async def test_problems_are_capped_and_the_rest_counted(session: AsyncSession) -> None:
    s = await build(session)

    summary = await _summary(session, s, problem_limit=2)

    assert [(p.unit_name, [r.problem for r in p.problems], p.more) for p in summary.problems] == [
        ("Đảng bộ Đông Hà", ["thiếu người"], 0),
        ("Chi bộ Bắc Sơn", ["vướng kinh phí"], 1),
    ]


async def test_without_a_period_every_problem_and_the_never_reported(
    session: AsyncSession,
) -> None:
    s = await build(session)

    summary = await _summary(session, s, since=None)

    # The undone report stays out; the one before the period comes in.
    assert [(p.unit_name, [r.problem for r in p.problems]) for p in summary.problems] == [
        ("Đảng bộ Đông Hà", ["thiếu người"]),
        ("Chi bộ Bắc Sơn", ["vướng kinh phí", "chưa có hướng dẫn"]),
        ("Chi bộ An Bình", ["mất điện"]),
    ]
    assert summary.silent_units == ["Chi bộ Phú Lộc"]
    assert summary.checkins == CheckinCounts(expected=2, reported=1)


async def test_units_that_did_not_answer_in_the_period(session: AsyncSession) -> None:
    s = await build(session)

    summary = await _summary(session, s)

    # C reported in May only; F never; A has nothing live; E has nothing begun.
    assert summary.silent_units == ["Chi bộ Cầu Mới", "Chi bộ Phú Lộc"]


async def test_dormant_tasks_apart(session: AsyncSession) -> None:
    s = await build(session)

    summary = await _summary(session, s)

    assert summary.dormant == [
        DormantTask(
            s.tasks["waiting"].id,
            "Tổng kết khi có hướng dẫn của cấp trên",
            "Khi có hướng dẫn",
            ["Chi bộ An Bình", "Chi bộ Bắc Sơn"],
        )
    ]


async def test_every_active_plan_leaves_the_draft_out(session: AsyncSession) -> None:
    s = await build(session)

    everything = await plan_summary(session, None, today=TODAY, since=SINCE, tz=HANOI)
    one = await _summary(session, s)

    assert (everything.plan_id, everything.title, everything.number) == (None, "", None)
    assert everything.counts == one.counts
    assert everything.units == one.units
    assert everything.problems == one.problems


async def test_a_draft_plan_on_request(session: AsyncSession) -> None:
    s = await build(session)

    summary = await plan_summary(session, s.draft.id, today=TODAY, since=SINCE, tz=HANOI)

    assert summary.counts == StatusCounts(overdue=1, not_reported=1, average_percent=0.0)
    assert [(p.unit_name, [r.problem for r in p.problems]) for p in summary.problems] == [
        ("Chi bộ An Bình", ["bản nháp"])
    ]
    assert summary.silent_units == ["Chi bộ An Bình"]
    assert summary.dormant == []


async def test_an_empty_plan(session: AsyncSession) -> None:
    s = await build(session)
    s.plan.status = PlanStatus.ARCHIVED
    await session.flush()

    summary = await plan_summary(session, None, today=TODAY, since=SINCE, tz=HANOI)

    assert summary.counts == StatusCounts()
    assert summary.checkins == CheckinCounts()
    assert (summary.units, summary.periods, summary.problems) == ([], [], [])
    assert (summary.silent_units, summary.dormant) == ([], [])


async def test_unknown_plan(session: AsyncSession) -> None:
    with pytest.raises(PlanServiceError) as raised:
        await plan_summary(session, 999, today=TODAY, since=None)

    assert (raised.value.code, raised.value.params) == ("plan_not_found", {"plan_id": 999})


async def test_previous_numbers_are_carried(session: AsyncSession) -> None:
    s = await build(session)
    previous = StatusCounts(done_on_time=1, overdue=4)

    summary = await _summary(session, s, previous=previous)

    assert summary.previous == previous


def test_tallies_add_up_to_the_counts() -> None:
    a = Tally(number=5, done=2, on_time=1, dormant=1, overdue=1, not_reported=1, live=2)
    b = Tally(number=3, done=1, on_time=1, live=2, percent_sum=90)

    assert Tally.total([]) == Tally()
    assert Tally.total([a, b]).counts() == StatusCounts(
        done_on_time=2,
        done_late=1,
        in_progress=3,
        overdue=1,
        dormant=1,
        not_reported=1,
        average_percent=22.5,
    )


# --------------------------------------------------------------------------- snapshots


async def test_snapshot_round_trip(session: AsyncSession) -> None:
    s = await build(session)
    summary = await _summary(session, s)

    snapshot = numbers_snapshot(summary)

    assert snapshot == {
        "version": 1,
        "plan_id": s.plan.id,
        "as_of": "2026-06-15",
        "since": "2026-06-08",
        "counts": {
            "done_on_time": 1,
            "done_late": 1,
            "in_progress": 3,
            "overdue": 2,
            "dormant": 2,
            "not_reported": 3,
            "average_percent": 18.0,
        },
        "percent_done": pytest.approx(100 * 2 / 7),
        "checkins": {"expected": 2, "reported": 1},
        "silent_units": 2,
        "dormant_tasks": 1,
    }
    assert counts_from_snapshot(snapshot) == summary.counts


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (None, None),
        ("12", None),
        ({}, None),
        ({"version": 9, "counts": {}}, None),
        ({"counts": {"overdue": 2}, "done_on_time": 1}, StatusCounts(overdue=2)),
        ({"done_on_time": 3, "overdue": 1}, StatusCounts(done_on_time=3, overdue=1)),
        (
            {"counts": {"overdue": "x", "in_progress": 2.0, "average_percent": "?"}},
            StatusCounts(in_progress=2),
        ),
        (
            {"counts": {"done_late": True, "dormant": 1, "average_percent": 12}},
            StatusCounts(dormant=1, average_percent=12.0),
        ),
    ],
)
def test_snapshots_old_or_odd(data: object, expected: StatusCounts | None) -> None:
    assert counts_from_snapshot(data) == expected


async def test_last_numbers_of_the_same_scope_sent(session: AsyncSession) -> None:
    s = await build(session)
    await session.flush()

    def stored(
        plan_id: int | None,
        counts: dict[str, Any],
        *,
        state: SummaryState = SummaryState.SENT,
        day: int = 1,
        snapshot_plan: int | str | None = "same",
    ) -> Summary:
        numbers: dict[str, Any] = {"counts": counts}
        numbers["plan_id"] = plan_id if snapshot_plan == "same" else snapshot_plan
        return Summary(
            plan_id=plan_id,
            state=state,
            numbers=numbers,
            sent_at=utc(2026, 6, day, 1, 0) if state == SummaryState.SENT else None,
        )

    session.add_all(
        [
            stored(s.plan.id, {"overdue": 5}, day=1),
            stored(s.plan.id, {"overdue": 4}, day=8),
            stored(s.plan.id, {"overdue": 1}, state=SummaryState.PENDING),
            stored(s.plan.id, {"overdue": 2}, state=SummaryState.FAILED),
            stored(s.draft.id, {"overdue": 9}, day=9),
            stored(None, {"overdue": 7}, day=2),
            # A plan deleted since: its summary lost the plan, its snapshot did not.
            stored(None, {"overdue": 8}, day=10, snapshot_plan=s.draft.id),
        ]
    )
    await session.flush()

    assert await last_numbers(session, s.plan.id) == StatusCounts(overdue=4)
    assert await last_numbers(session, s.draft.id) == StatusCounts(overdue=9)
    assert await last_numbers(session, None) == StatusCounts(overdue=7)
    assert await last_numbers(session, 999) is None


async def test_the_local_day_starts_the_period(session: AsyncSession) -> None:
    s = await build(session)

    # From 09/06 the problem at 00:30 on 08/06 is out.
    summary = await _summary(session, s, since=date(2026, 6, 9))

    assert [(p.unit_name, [r.problem for r in p.problems]) for p in summary.problems] == [
        ("Đảng bộ Đông Hà", ["thiếu người"]),
        ("Chi bộ Bắc Sơn", ["vướng kinh phí"]),
    ]


# --------------------------------------------------------------------------- benchmark


def test_the_rollup_benchmark_ends_with_its_json_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bench_rollup.main(
        ["--assignments", "600", "--units", "20", "--runs", "2", "--dir", str(tmp_path)]
    )

    lines = capsys.readouterr().out.strip().splitlines()
    result = json.loads(lines[-1])
    assert (result["assignments"], result["units"], result["runs"]) == (600, 20, 2)
    assert result["checked"] is True
    assert result["goal_ms"] == 300
    assert 0 < result["median_ms"] <= result["max_ms"]
    assert result["reports"] > 0
    assert 0 < result["problems_listed"] <= 50
    assert result["silent_units"] > 0
    assert lines[-2].startswith("summary of 600 assignments: median")


def test_the_rollup_benchmark_wants_positive_sizes() -> None:
    with pytest.raises(SystemExit):
        bench_rollup.main(["--runs", "0"])
