"""Storing an extracted plan as a draft: the plan, its tasks, their units and review flags.

:func:`import_plan` takes what :func:`plans.extract.extract_plan` read and writes it in
the caller's transaction (it flushes, never commits). Unit names are matched against
the unit directory; names it does not know become new units flagged for review, and
the tasks naming them carry the ``unknown_unit`` flag so the office checks them before
activating the plan.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from plans.directory import resolve_units
from plans.errors import PlanServiceError
from plans.model import ExtractedPlan, ExtractedTask, TimeKind, UnreadLine
from storage import queries
from storage.models import Plan, PlanStatus, ReviewFlag, Task, TaskUnit, Unit, UnitRole

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class ReviewItem:
    """A stored task the office should look at, and why (``flags``)."""

    task_id: int
    position: int
    ref: str
    content: str
    flags: list[str]
    unknown_units: list[str]


@dataclass(frozen=True)
class ImportResult:
    """What an import stored: the draft plan, its size, new units and tasks to review."""

    plan_id: int
    title: str
    task_count: int
    counts_by_kind: dict[str, int]
    new_units: list[str]
    review: list[ReviewItem]
    unread: list[UnreadLine] = field(default_factory=list)


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of a plan file's bytes, the key that spots a file imported twice."""
    return hashlib.sha256(data).hexdigest()


def task_flags(kind: TimeKind, *, has_lead: bool, has_unknown_unit: bool) -> list[str]:
    """The review flags a task earns from its units and its timeframe, in a fixed order."""
    flags: list[str] = []
    if has_unknown_unit:
        flags.append(ReviewFlag.UNKNOWN_UNIT.value)
    if not has_lead:
        flags.append(ReviewFlag.NO_LEAD.value)
    if kind == TimeKind.UNSPECIFIED:
        flags.append(ReviewFlag.UNSPECIFIED_TIME.value)
    elif kind == TimeKind.CONDITIONAL:
        flags.append(ReviewFlag.CONDITIONAL_TIME.value)
    return flags


def task_units_for(units: Iterable[Unit], role: UnitRole) -> list[TaskUnit]:
    """``TaskUnit`` rows naming ``units`` in ``role``, positioned in the given order."""
    return [
        TaskUnit(unit_id=unit.id, unit=unit, role=role, position=i) for i, unit in enumerate(units)
    ]


async def import_plan(
    session: AsyncSession,
    extracted: ExtractedPlan,
    *,
    source_name: str,
    source_sha256: str,
    progress: ProgressCallback | None = None,
    allow_duplicate: bool = False,
) -> ImportResult:
    """Store ``extracted`` as a draft plan in the caller's transaction (flushed, not committed).

    Raises ``no_tasks`` when there is nothing to store, and ``duplicate`` (params
    ``plan_id``) when a plan from the same file exists, unless ``allow_duplicate``.
    ``progress(done, total)`` is called after each task is stored.
    """
    if not extracted.tasks:
        raise PlanServiceError(
            "no_tasks", {"source_name": source_name, "unread": list(extracted.unread)}
        )
    if not allow_duplicate:
        existing = await queries.plan_by_sha256(session, source_sha256)
        if existing is not None:
            raise PlanServiceError("duplicate", {"plan_id": existing.id})
    plan = _new_plan(extracted, source_name, source_sha256)
    session.add(plan)
    await session.flush()
    importer = _TaskImporter(session, plan)
    total = len(extracted.tasks)
    for position, item in enumerate(extracted.tasks):
        await importer.add(position, item)
        if progress is not None:
            progress(position + 1, total)
    await session.flush()
    return importer.result(extracted)


def _new_plan(extracted: ExtractedPlan, source_name: str, source_sha256: str) -> Plan:
    period = extracted.period
    return Plan(
        title=extracted.title,
        number=extracted.number,
        issuer=extracted.issuer,
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        source_name=source_name,
        source_sha256=source_sha256,
        status=PlanStatus.DRAFT,
    )


class _TaskImporter:
    """Adds a plan's tasks one by one, remembering the units this import created."""

    def __init__(self, session: AsyncSession, plan: Plan) -> None:
        self._session = session
        self._plan = plan
        self._created: dict[int, Unit] = {}
        self._stored: list[tuple[Task, list[Unit]]] = []

    async def add(self, position: int, item: ExtractedTask) -> None:

        leads, new_leads = await resolve_units(self._session, item.lead)
        supports, new_supports = await resolve_units(self._session, item.support)
        self._created.update((u.id, u) for u in [*new_leads, *new_supports])
        task = _new_task(self._plan, position, item)
        task.units.extend(task_units_for(leads, UnitRole.LEAD))
        task.units.extend(task_units_for(supports, UnitRole.SUPPORT))
        unknown = _distinct(u for u in [*leads, *supports] if u.id in self._created)
        task.review_flags = task_flags(
            task.kind, has_lead=bool(leads), has_unknown_unit=bool(unknown)
        )
        self._session.add(task)
        self._stored.append((task, unknown))

    def result(self, extracted: ExtractedPlan) -> ImportResult:
        kinds = Counter(t.when.kind for t in extracted.tasks)
        return ImportResult(
            plan_id=self._plan.id,
            title=self._plan.title,
            task_count=len(self._stored),
            counts_by_kind={k.value: kinds[k] for k in TimeKind if kinds[k]},
            new_units=[u.name for u in self._created.values()],
            review=[_review_item(t, unknown) for t, unknown in self._stored if t.review_flags],
            unread=list(extracted.unread),
        )


def _new_task(plan: Plan, position: int, item: ExtractedTask) -> Task:
    when = item.when
    return Task(
        plan_id=plan.id,
        position=position,
        ref=item.ref,
        content=item.content,
        when_text=when.text,
        kind=when.kind,
        due=when.due,
        start=when.start,
        every=when.every,
        dues=list(when.dues),
        target=item.target,
        review_flags=[],
    )


def _distinct(units: Iterable[Unit]) -> list[Unit]:
    seen: set[int] = set()
    out: list[Unit] = []
    for unit in units:
        if unit.id not in seen:
            seen.add(unit.id)
            out.append(unit)
    return out


def _review_item(task: Task, unknown: Collection[Unit]) -> ReviewItem:
    return ReviewItem(
        task_id=task.id,
        position=task.position,
        ref=task.ref,
        content=task.content,
        flags=list(task.review_flags),
        unknown_units=[u.name for u in unknown],
    )
