"""Storing an extracted plan as a draft: tasks, units, review flags, duplicates."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from plans import directory
from plans.errors import PlanServiceError
from plans.extract import extract_plan
from plans.importing import import_plan, sha256_of
from plans.model import ExtractedPlan, ExtractedTask, Timeframe, TimeKind
from plans.readers import read_plan
from plans.units import unit_key
from storage import queries
from storage.db import Database
from storage.models import Plan, PlanStatus, ReviewFlag, Task, TaskUnit, Unit, UnitRole
from tests.shared import SEEDS

SEED = next(p for p in SEEDS if p.name.startswith("004_"))


async def _count(session: AsyncSession, model: type[object]) -> int:
    return (await session.scalar(select(func.count()).select_from(model))) or 0


def _distinct_keys(names: list[str]) -> list[str]:
    return list(dict.fromkeys(k for k in map(unit_key, names) if k))


def _task(
    content: str,
    lead: list[str],
    when: Timeframe,
    support: list[str] | None = None,
) -> ExtractedTask:
    return ExtractedTask(
        ref="1", content=content, lead=lead, support=support or [], when=when, target=None
    )


def test_sha256_of() -> None:
    data = "Kế hoạch".encode()
    assert sha256_of(data) == hashlib.sha256(data).hexdigest()
    assert sha256_of(data) != sha256_of(data + b" ")


async def test_seed_import_stores_every_task(database: Database) -> None:
    extracted = extract_plan(read_plan(SEED))
    sha = sha256_of(SEED.read_bytes())
    calls: list[tuple[int, int]] = []
    async with database.transaction() as session:
        result = await import_plan(
            session,
            extracted,
            source_name=SEED.name,
            source_sha256=sha,
            progress=lambda done, total: calls.append((done, total)),
        )
    total = len(extracted.tasks)
    assert result.task_count == total
    assert result.title == extracted.title
    assert result.counts_by_kind == dict(Counter(t.when.kind.value for t in extracted.tasks))
    assert calls == [(i, total) for i in range(1, total + 1)]

    async with database.sessions() as session:
        plan = await queries.get_plan(session, result.plan_id)
        assert plan is not None
        assert plan.status == PlanStatus.DRAFT
        assert (plan.period_start, plan.period_end) == extracted.period
        assert plan.source_sha256 == sha
        tasks = await queries.tasks_of_plan(session, plan.id)
        assert [t.content for t in tasks] == [t.content for t in extracted.tasks]
        assert [t.position for t in tasks] == list(range(total))
        for stored, item in zip(tasks, extracted.tasks, strict=True):
            assert (stored.kind, stored.due, stored.every) == (
                item.when.kind,
                item.when.due,
                item.when.every,
            )
            assert stored.dues == list(item.when.dues)
            for role, names in ((UnitRole.LEAD, item.lead), (UnitRole.SUPPORT, item.support)):
                keys = [tu.unit.key for tu in stored.units if tu.role == role]
                assert keys == _distinct_keys(names)


async def test_seed_import_flags_tasks_for_review(database: Database) -> None:
    extracted = extract_plan(read_plan(SEED))
    async with database.transaction() as session:
        # One unit the directory knows already: tasks naming only it are not "unknown".
        known = await directory.add_unit(session, "Ban Tuyên giáo Huyện ủy")
        result = await import_plan(
            session, extracted, source_name=SEED.name, source_sha256="a" * 64
        )
    flags_of = {item.task_id: item for item in result.review}
    async with database.sessions() as session:
        tasks = await queries.tasks_of_plan(session, result.plan_id)
    for task in tasks:
        units = {tu.unit_id for tu in task.units}
        expected = []
        if units - {known.id}:
            expected.append(ReviewFlag.UNKNOWN_UNIT)
        if not any(tu.role == UnitRole.LEAD for tu in task.units):
            expected.append(ReviewFlag.NO_LEAD)
        if task.kind == TimeKind.UNSPECIFIED:
            expected.append(ReviewFlag.UNSPECIFIED_TIME)
        if task.kind == TimeKind.CONDITIONAL:
            expected.append(ReviewFlag.CONDITIONAL_TIME)
        assert task.review_flags == expected
        if expected:
            item = flags_of[task.id]
            assert (item.position, item.ref, item.flags) == (task.position, task.ref, expected)
            assert known.name not in item.unknown_units
        else:
            assert task.id not in flags_of
    every_flag = {flag for item in result.review for flag in item.flags}
    assert every_flag == {flag.value for flag in ReviewFlag}
    assert known.name not in result.new_units
    assert len(result.new_units) == len(set(result.new_units))


async def test_reimport_is_refused_unless_allowed(database: Database) -> None:
    extracted = extract_plan(read_plan(SEED))
    sha = sha256_of(SEED.read_bytes())
    async with database.transaction() as session:
        first = await import_plan(session, extracted, source_name=SEED.name, source_sha256=sha)
    async with database.transaction() as session:
        units_before = await _count(session, Unit)
        with pytest.raises(PlanServiceError) as caught:
            await import_plan(session, extracted, source_name="again.txt", source_sha256=sha)
        assert caught.value.code == "duplicate"
        assert caught.value.params == {"plan_id": first.plan_id}
        second = await import_plan(
            session, extracted, source_name="again.txt", source_sha256=sha, allow_duplicate=True
        )
        assert second.plan_id != first.plan_id
        # The directory now knows every unit: nothing new, no "unknown" flags.
        assert second.new_units == []
        assert await _count(session, Unit) == units_before
        assert not any(ReviewFlag.UNKNOWN_UNIT in item.flags for item in second.review)


async def test_plan_without_tasks_writes_nothing(session: AsyncSession) -> None:
    empty = ExtractedPlan(title="Kế hoạch", number=None, issuer=None, period=None)
    with pytest.raises(PlanServiceError) as caught:
        await import_plan(session, empty, source_name="empty.txt", source_sha256="b" * 64)
    assert caught.value.code == "no_tasks"
    for model in (Plan, Task, Unit, TaskUnit):
        assert await _count(session, model) == 0


async def test_import_dedupes_units_within_a_role(session: AsyncSession) -> None:
    once = Timeframe("Năm 2025", TimeKind.ONCE, due=date(2025, 12, 31))
    extracted = ExtractedPlan(
        title="Kế hoạch",
        number=None,
        issuer=None,
        period=(2025, 2025),
        tasks=[
            _task(
                "Tổ chức hội nghị",
                ["UBND xã", "Ủy ban nhân dân xã"],
                once,
                support=["UBND xã", "MTTQ xã"],
            ),
            _task("Báo cáo", ["mat tran to quoc xa"], once),
        ],
    )
    result = await import_plan(
        session, extracted, source_name="p.txt", source_sha256="c" * 64, allow_duplicate=True
    )
    assert result.new_units == ["UBND xã", "MTTQ xã"]
    tasks = await queries.tasks_of_plan(session, result.plan_id)
    first = [(tu.role, tu.unit.name, tu.position) for tu in tasks[0].units]
    assert first == [
        (UnitRole.LEAD, "UBND xã", 0),
        (UnitRole.SUPPORT, "UBND xã", 0),
        (UnitRole.SUPPORT, "MTTQ xã", 1),
    ]
    # The second task names a unit created earlier in the same import.
    assert [item.unknown_units for item in result.review] == [["UBND xã", "MTTQ xã"], ["MTTQ xã"]]
