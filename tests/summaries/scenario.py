"""A scripted plan for the summary tests: every status, reports in and out of the
period, problems, continuous work with and without a check-in, dormant work, work
not begun yet, a cancelled assignment and a draft plan that must not count."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from plans.model import TimeKind
from storage.models import (
    Assignment,
    AssignmentState,
    Channel,
    Plan,
    PlanStatus,
    Report,
    Task,
    Unit,
    UnitRole,
)

TODAY = date(2026, 6, 15)
SINCE = date(2026, 6, 8)
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

_messages = itertools.count(1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware UTC moment."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Scenario:
    """The rows built, by name."""

    plan: Plan
    draft: Plan
    units: dict[str, Unit]
    assignments: dict[str, Assignment] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)

    def unit_id(self, name: str) -> int:
        return self.units[name].id

    def assignment_id(self, name: str) -> int:
        return self.assignments[name].id


UNIT_NAMES = {
    "A": "Chi bộ An Bình",
    "B": "Chi bộ Bắc Sơn",
    "C": "Chi bộ Cầu Mới",
    "D": "Đảng bộ Đông Hà",
    "E": "Chi bộ Yên Thế",
    "F": "Chi bộ Phú Lộc",
}


def _task(plan: Plan, content: str, kind: TimeKind, when_text: str = "") -> Task:
    task = Task(position=len(plan.tasks), content=content, kind=kind, when_text=when_text)
    plan.tasks.append(task)
    return task


def _assign(
    task: Task,
    unit: Unit,
    *,
    period: str = "once",
    state: AssignmentState = AssignmentState.OPEN,
    due: date | None = None,
    start: date | None = None,
    done_at: datetime | None = None,
    percent: int | None = None,
    problem: str | None = None,
    last_report_at: datetime | None = None,
) -> Assignment:
    assignment = Assignment(
        unit_id=unit.id,
        role=UnitRole.LEAD,
        period_key=period,
        period_start=start,
        due=due,
        state=state,
        done_at=done_at,
        percent=percent,
        problem=problem,
        last_report_at=last_report_at,
    )
    task.assignments.append(assignment)
    return assignment


def report(
    assignment: Assignment,
    at: datetime,
    *,
    problem: str | None = None,
    intent: str = "progress",
    undone_at: datetime | None = None,
    parsed: dict[str, Any] | None = None,
) -> Report:
    """A report on ``assignment`` as the conversation stores an applied reading."""
    return Report(
        assignment_id=assignment.id,
        channel=Channel.TELEGRAM,
        chat_id="100",
        message_id=str(next(_messages)),
        user_id="100",
        received_at=at,
        raw_text=problem or intent,
        parsed=parsed
        if parsed is not None
        else {"intent": intent, "percent": None, "problem": problem, "snooze_days": None},
        effect={"before": {}, "after": {}},
        problem=problem if parsed is None else None,
        undone_at=undone_at,
    )


async def build(session: AsyncSession) -> Scenario:
    """The scenario, flushed; see the module docstring and the expectations in the tests."""
    units = {key: Unit(name=name, key=f"unit {key}") for key, name in UNIT_NAMES.items()}
    session.add_all(units.values())
    await session.flush()
    a, b, c, d, e, f = (units[key] for key in "ABCDEF")
    plan = Plan(
        title="Kế hoạch thực hiện Nghị quyết Đại hội",
        number="12-KH/ĐU",
        issuer="Đảng ủy xã Xuân Hưng",
        source_name="plan.txt",
        source_sha256="0" * 64,
        status=PlanStatus.ACTIVE,
    )
    draft = Plan(
        title="Kế hoạch nháp",
        source_name="draft.txt",
        source_sha256="1" * 64,
        status=PlanStatus.DRAFT,
    )
    s = Scenario(plan, draft, units)
    due = date(2026, 6, 10)
    meeting = _task(plan, "Tổ chức hội nghị quán triệt Nghị quyết", TimeKind.ONCE, "10/6/2026")
    s.tasks["meeting"] = meeting
    s.assignments["a_on_time"] = _assign(
        meeting,
        a,
        state=AssignmentState.DONE,
        due=due,
        # 23:59 in Hà Nội on the due date.
        done_at=utc(2026, 6, 10, 16, 59),
        percent=100,
        last_report_at=utc(2026, 6, 10, 16, 59),
    )
    s.assignments["b_overdue_reported"] = _assign(
        meeting,
        b,
        due=date(2026, 6, 1),
        percent=50,
        problem="vướng kinh phí",
        last_report_at=utc(2026, 6, 10, 2, 0),
    )
    s.assignments["c_in_progress_reported_before"] = _assign(
        meeting, c, due=date(2026, 6, 30), percent=40, last_report_at=utc(2026, 5, 20, 2, 0)
    )
    plan_task = _task(plan, "Xây dựng kế hoạch tuyên truyền", TimeKind.ONCE, "05/6/2026")
    s.assignments["a_late"] = _assign(
        plan_task,
        a,
        state=AssignmentState.DONE,
        due=date(2026, 6, 5),
        done_at=utc(2026, 6, 12, 3, 0),
        percent=100,
        last_report_at=utc(2026, 6, 12, 3, 0),
    )
    s.assignments["b_overdue_silent"] = _assign(plan_task, b, due=date(2026, 6, 5))
    s.assignments["e_cancelled"] = _assign(
        plan_task, e, state=AssignmentState.CANCELLED, due=date(2026, 1, 1)
    )
    quarterly = _task(plan, "Báo cáo tình hình tư tưởng", TimeKind.RECURRING, "Hằng quý")
    s.assignments["c_quarter_2"] = _assign(
        quarterly, c, period="2026-Q2", start=date(2026, 4, 1), due=date(2026, 6, 30)
    )
    s.assignments["c_quarter_3"] = _assign(
        quarterly, c, period="2026-Q3", start=date(2026, 7, 1), due=date(2026, 9, 30)
    )
    s.assignments["e_quarter_3"] = _assign(
        quarterly, e, period="2026-Q3", start=date(2026, 7, 1), due=date(2026, 9, 30)
    )
    ongoing = _task(plan, "Nắm bắt dư luận xã hội", TimeKind.CONTINUOUS, "Thường xuyên")
    s.assignments["d_standing_checked_in"] = _assign(
        ongoing,
        d,
        period="standing",
        state=AssignmentState.STANDING,
        percent=60,
        problem="thiếu người",
        last_report_at=utc(2026, 6, 14, 1, 0),
    )
    s.assignments["c_standing_silent"] = _assign(
        ongoing, c, period="standing", state=AssignmentState.STANDING
    )
    unclear = _task(plan, "Củng cố tổ chức cơ sở đảng", TimeKind.UNSPECIFIED)
    s.assignments["f_open"] = _assign(unclear, f, period="open")
    waiting = _task(
        plan, "Tổng kết khi có hướng dẫn của cấp trên", TimeKind.CONDITIONAL, "Khi có hướng dẫn"
    )
    s.tasks["waiting"] = waiting
    s.assignments["b_dormant"] = _assign(
        waiting, b, period="trigger", state=AssignmentState.DORMANT
    )
    s.assignments["a_dormant"] = _assign(
        waiting, a, period="trigger", state=AssignmentState.DORMANT
    )
    draft_task = _task(draft, "Việc của bản nháp", TimeKind.ONCE)
    s.assignments["draft_overdue"] = _assign(draft_task, a, due=date(2026, 1, 1))
    session.add_all([plan, draft])
    await session.flush()
    await _reports(session, s)
    return s


async def _reports(session: AsyncSession, s: Scenario) -> None:
    on = s.assignments
    session.add_all(
        [
            # B, in the period: two problems; the older one at 00:30 on SINCE in Hà Nội.
            report(on["b_overdue_reported"], utc(2026, 6, 7, 17, 30), problem="chưa có hướng dẫn"),
            report(on["b_overdue_reported"], utc(2026, 6, 10, 2, 0), problem="vướng kinh phí"),
            # D, continuous work, in the period.
            report(on["d_standing_checked_in"], utc(2026, 6, 14, 1, 0), problem="thiếu người"),
            # A: a problem at 23:59 the day before SINCE (out of the period), a report
            # without a problem, and a problem taken back.
            report(on["a_late"], utc(2026, 6, 7, 16, 59), problem="mất điện"),
            report(on["a_late"], utc(2026, 6, 12, 3, 0), intent="done"),
            report(
                on["a_on_time"],
                utc(2026, 6, 9, 1, 0),
                problem="nhầm việc",
                undone_at=utc(2026, 6, 9, 1, 5),
            ),
            # A question asked, not a reading: nothing to count.
            report(on["a_on_time"], utc(2026, 6, 11, 1, 0), parsed={"awaiting": "problem"}),
            # The draft plan's problem is out of scope.
            report(on["draft_overdue"], utc(2026, 6, 12, 1, 0), problem="bản nháp"),
        ]
    )
    await session.flush()
