"""Reviewing and correcting tasks, on drafts and on active plans."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from plans import directory
from plans.activation import activate_plan
from plans.errors import PlanServiceError
from plans.importing import import_plan
from plans.model import ExtractedPlan, ExtractedTask, Timeframe, TimeKind
from plans.review import edit_task, plan_view
from storage import queries
from storage.models import Assignment, AssignmentState, Channel, PlanStatus, Report, Unit

TODAY = date(2025, 3, 1)
YEAR_END = date(2025, 12, 31)


def _plan(*tasks: ExtractedTask) -> ExtractedPlan:
    return ExtractedPlan(
        title="Kế hoạch", number="12-KH/ĐU", issuer=None, period=(2025, 2026), tasks=list(tasks)
    )


def _task(
    content: str, lead: list[str], when: Timeframe, target: str | None = None
) -> ExtractedTask:
    return ExtractedTask(
        ref="2.1", content=content, lead=lead, support=[], when=when, target=target
    )


async def _import(session: AsyncSession, *tasks: ExtractedTask) -> int:
    await directory.add_unit(session, "Ủy ban nhân dân xã")
    await directory.add_unit(session, "Đảng ủy xã")
    result = await import_plan(session, _plan(*tasks), source_name="p", source_sha256="e" * 64)
    return result.plan_id


async def _task_ids(session: AsyncSession, plan_id: int) -> list[int]:
    return [t.id for t in await queries.tasks_of_plan(session, plan_id)]


async def _states(session: AsyncSession, task_id: int) -> list[tuple[str, str, str]]:
    out = []
    for a in await queries.assignments_of_task(session, task_id):
        unit = await session.get(Unit, a.unit_id)
        assert unit is not None
        out.append((unit.name, a.period_key, a.state.value))
    return sorted(out)


async def test_plan_view_lists_tasks(session: AsyncSession) -> None:
    plan_id = await _import(
        session,
        _task("Họp", ["UBND xã"], Timeframe("Năm 2025", TimeKind.ONCE, due=YEAR_END), "01 lần"),
        _task("Rà soát", [], Timeframe("", TimeKind.UNSPECIFIED)),
    )
    await activate_plan(session, plan_id, today=TODAY)
    view = await plan_view(session, plan_id)
    assert view.plan.id == plan_id
    first, second = view.tasks
    assert (first.position, first.ref, first.content, first.lead, first.support) == (
        0,
        "2.1",
        "Họp",
        ["Ủy ban nhân dân xã"],
        [],
    )
    assert (first.when_text, first.kind, first.due, first.every) == (
        "Năm 2025",
        "once",
        YEAR_END,
        None,
    )
    assert (first.target, first.flags, first.assignments) == ("01 lần", [], 1)
    assert second.flags == ["no_lead", "unspecified_time"]
    assert second.assignments == 0
    with pytest.raises(PlanServiceError) as caught:
        await plan_view(session, plan_id + 1)
    assert caught.value.code == "plan_not_found"


async def test_edit_draft_task_replaces_units_time_and_flags(session: AsyncSession) -> None:
    plan_id = await _import(session, _task("Rà soát", [], Timeframe("", TimeKind.UNSPECIFIED)))
    (task_id,) = await _task_ids(session, plan_id)

    view = await edit_task(session, task_id, lead=["UBND xã, MTTQ xã"], when="Quý I/2026")
    assert view.lead == ["Ủy ban nhân dân xã", "Mặt trận Tổ quốc xã"]
    assert (view.kind, view.due, view.when_text) == ("once", date(2026, 3, 31), "Quý I/2026")
    # MTTQ xã was not in the directory: created for review, and the task says so.
    assert view.flags == ["unknown_unit"]
    mttq = await directory.find_unit(session, "MTTQ xã")
    assert mttq is not None and mttq.needs_review
    assert view.assignments == 0

    view = await edit_task(session, task_id, lead=["Đảng ủy xã"], support=["UBND xã"])
    assert (view.lead, view.support, view.flags) == (["Đảng ủy xã"], ["Ủy ban nhân dân xã"], [])

    view = await edit_task(session, task_id, when="Khi có văn bản hướng dẫn", target="100% hộ")
    assert (view.kind, view.due, view.target) == ("conditional", None, "100% hộ")
    assert view.flags == ["conditional_time"]

    view = await edit_task(session, task_id, lead=[], when="", target="")
    assert (view.lead, view.kind, view.target) == ([], "unspecified", None)
    assert view.flags == ["no_lead", "unspecified_time"]


async def test_unreadable_time_changes_nothing(session: AsyncSession) -> None:
    plan_id = await _import(
        session, _task("Họp", ["UBND xã"], Timeframe("Năm 2025", TimeKind.ONCE, due=YEAR_END))
    )
    (task_id,) = await _task_ids(session, plan_id)
    units_before = (await session.scalar(select(func.count()).select_from(Unit))) or 0
    with pytest.raises(PlanServiceError) as caught:
        await edit_task(session, task_id, lead=["Ban Dân vận"], when="chưa biết khi nào")
    assert (caught.value.code, caught.value.params) == (
        "time_unreadable",
        {"text": "chưa biết khi nào"},
    )
    (task,) = (await plan_view(session, plan_id)).tasks
    assert (task.lead, task.kind, task.due) == (["Ủy ban nhân dân xã"], "once", YEAR_END)
    assert (await session.scalar(select(func.count()).select_from(Unit))) == units_before
    with pytest.raises(PlanServiceError) as missing:
        await edit_task(session, 4242, when="Năm 2025")
    assert missing.value.code == "task_not_found"


async def test_edit_on_active_plan_reexpands_assignments(session: AsyncSession) -> None:
    plan_id = await _import(
        session, _task("Họp", ["UBND xã"], Timeframe("Năm 2025", TimeKind.ONCE, due=YEAR_END))
    )
    (task_id,) = await _task_ids(session, plan_id)
    await activate_plan(session, plan_id, today=TODAY)
    (old,) = await queries.assignments_of_task(session, task_id)
    session.add(
        Report(
            assignment_id=old.id,
            channel=Channel.CONSOLE,
            chat_id="1",
            message_id="1",
            raw_text="đạt 50%",
        )
    )
    await session.flush()

    view = await edit_task(session, task_id, lead=["Đảng ủy xã"], today=TODAY)
    assert view.assignments == 1
    assert await _states(session, task_id) == [
        ("Đảng ủy xã", "once", "open"),
        ("Ủy ban nhân dân xã", "once", "cancelled"),
    ]
    report = (await session.scalars(select(Report))).one()
    assert report.assignment_id == old.id

    view = await edit_task(session, task_id, when="Hằng năm", today=TODAY)
    assert view.assignments == 2
    assert await _states(session, task_id) == [
        ("Đảng ủy xã", "2025", "open"),
        ("Đảng ủy xã", "2026", "open"),
        ("Đảng ủy xã", "once", "cancelled"),
        ("Ủy ban nhân dân xã", "once", "cancelled"),
    ]

    # Back to the first lead and time: the cancelled assignment is live again, re-dated.
    view = await edit_task(session, task_id, lead=["UBND xã"], when="Quý II/2025", today=TODAY)
    assert view.assignments == 1
    restored = await session.get(Assignment, old.id)
    assert restored is not None
    assert (restored.state, restored.due) == (AssignmentState.OPEN, date(2025, 6, 30))


async def test_done_assignments_are_left_alone(session: AsyncSession) -> None:
    plan_id = await _import(
        session, _task("Họp", ["UBND xã"], Timeframe("Năm 2025", TimeKind.ONCE, due=YEAR_END))
    )
    (task_id,) = await _task_ids(session, plan_id)
    await activate_plan(session, plan_id, today=TODAY)
    (done,) = await queries.assignments_of_task(session, task_id)
    done.state = AssignmentState.DONE
    await edit_task(session, task_id, lead=["Đảng ủy xã"], when="Quý II/2025", today=TODAY)
    assert (done.state, done.due) == (AssignmentState.DONE, YEAR_END)


async def test_archived_plan_cannot_be_edited(session: AsyncSession) -> None:
    plan_id = await _import(
        session, _task("Họp", ["UBND xã"], Timeframe("Năm 2025", TimeKind.ONCE, due=YEAR_END))
    )
    (task_id,) = await _task_ids(session, plan_id)
    plan = await queries.get_plan(session, plan_id)
    assert plan is not None
    plan.status = PlanStatus.ARCHIVED
    with pytest.raises(PlanServiceError) as caught:
        await edit_task(session, task_id, lead=["Đảng ủy xã"])
    assert (caught.value.code, caught.value.params) == ("plan_archived", {"plan_id": plan_id})
    (task,) = (await plan_view(session, plan_id)).tasks
    assert task.lead == ["Ủy ban nhân dân xã"]
