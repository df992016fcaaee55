"""``nhacviec plan …``: read, import, review, edit, activate and trigger plans."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group, RenderableType
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli_errors import EXIT_USAGE, CliError, user_errors
from bot.cli_runtime import in_transaction, today
from bot.config import get_settings
from bot.i18n import _, ngettext
from bot.render import (
    ASSIGNMENT_STATE_NAMES,
    N_,
    TaskLine,
    assignment_state_name,
    day,
    emit,
    extracted_overview,
    flag_name,
    help_text,
    list_table,
    make_console,
    plan_header,
    plan_status_name,
    shorten,
    task_grid,
    tasks_summary,
)
from bot.wiring import reminder_planner
from handlers.read_errors import unread_lines
from plans.activation import ActivationResult, activate_plan, trigger_task
from plans.extract import extract_plan
from plans.importing import ImportResult, ProgressCallback, ReviewItem, import_plan, sha256_of
from plans.model import ExtractedPlan
from plans.readers import read_plan
from plans.review import PlanView, TaskView, edit_task, plan_view
from storage.models import Plan, Task
from storage.types import utcnow

MANY_TASKS = 500
"""From this many tasks on, an import shows its progress even when stderr is not a terminal."""

plan_app = typer.Typer(
    help=help_text(N_("Read, import, review and activate plans.")),
    no_args_is_help=True,
    rich_markup_mode=None,
)

FileArgument = Annotated[
    Path,
    typer.Argument(
        metavar="FILE",
        help=help_text(N_("Plan file: .docx, .doc, .pdf, .htm, .txt or .md.")),
        show_default=False,
    ),
]
PlanId = Annotated[int, typer.Argument(metavar="PLAN_ID", help=help_text(N_("Plan id.")))]
TaskId = Annotated[int, typer.Argument(metavar="TASK_ID", help=help_text(N_("Task id.")))]


# --------------------------------------------------------------------------- parse / import


def read_and_extract(path: Path) -> tuple[ExtractedPlan, str]:
    """Read and extract the plan at ``path``; also return the SHA-256 of its bytes."""
    extracted = extract_plan(read_plan(path, max_bytes=get_settings().max_plan_bytes))
    return extracted, sha256_of(path.read_bytes())


@plan_app.command(
    "parse", help=help_text(N_("Show the tasks read from a plan file, without storing anything."))
)
def parse_command(
    file: FileArgument,
    as_json: Annotated[
        bool, typer.Option("--json", help=help_text(N_("Print the extraction as JSON.")))
    ] = False,
) -> None:
    """Print what extraction reads from ``file``; never opens the database."""
    with user_errors(name=file.name, path=str(file)):
        extracted = extract_plan(read_plan(file, max_bytes=get_settings().max_plan_bytes))
    if as_json:
        typer.echo(json.dumps(extracted.to_json(), ensure_ascii=False, indent=2))
        return
    emit(extracted_overview(extracted, file.name))


@plan_app.command(
    "import", help=help_text(N_("Import a plan file as a draft plan, to review before activating."))
)
def import_command(
    file: FileArgument,
    force: Annotated[
        bool,
        typer.Option("--force", help=help_text(N_("Import even if the same file was imported."))),
    ] = False,
) -> None:
    """Read, extract and store ``file`` as a draft in one transaction."""
    with user_errors(name=file.name, path=str(file)):
        extracted, sha256 = read_and_extract(file)
        with import_progress(len(extracted.tasks)) as progress:
            result = in_transaction(
                lambda session: import_plan(
                    session,
                    extracted,
                    source_name=file.name,
                    source_sha256=sha256,
                    progress=progress,
                    allow_duplicate=force,
                )
            )
    emit(import_report(result))


@contextmanager
def import_progress(total: int) -> Iterator[ProgressCallback | None]:
    """A progress bar on stderr for a long import (or any import on a terminal)."""
    console = make_console(stderr=True)
    if total < MANY_TASKS and not console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    # On a terminal the bar disappears when done; elsewhere it is written once, finished.
    with Progress(*columns, console=console, transient=console.is_terminal) as progress:
        bar = progress.add_task(_("Storing tasks"), total=total)

        def advance(done: int, of: int) -> None:
            progress.update(bar, completed=done, total=of)

        yield advance


def import_report(result: ImportResult) -> Group:
    """What an import stored, what to check and what to do next."""
    parts: list[RenderableType] = [
        Text(_("Imported plan {id} as a draft:").format(id=result.plan_id), style="bold"),
        Text(" ".join(result.title.split())),
        Text(tasks_summary(result.task_count, result.counts_by_kind)),
    ]
    if result.new_units:
        heading = _("New units, not yet in the directory ({count}):")
        parts.append(Text(heading.format(count=len(result.new_units))))
        parts.append(Text("; ".join(result.new_units)))
    if result.review:
        heading = ngettext(
            "{count} task to review:", "{count} tasks to review:", len(result.review)
        )
        parts.append(Text(heading.format(count=len(result.review)), style="bold"))
        parts.append(review_grid(result.review))
    else:
        parts.append(Text(_("No task needs review.")))
    parts.extend(Text(line) for line in unread_lines(_, result.unread))
    parts.append(next_steps(result.plan_id))
    return Group(*parts)


def review_grid(items: Sequence[ReviewItem]) -> Table:
    """One entry per task to review: its number, ref, shortened content and why."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for item in items:
        head = Text()
        if item.ref:
            head.append(item.ref, style="bold")
            head.append(" · ")
        head.append(shorten(item.content, 60))
        grid.add_row(f"{item.position + 1}.", head)
        grid.add_row("", Text("→ " + "; ".join(review_reasons(item))))
    return grid


def review_reasons(item: ReviewItem) -> list[str]:
    """The flags of a review item in words, naming the new units."""
    reasons = []
    for flag in item.flags:
        reason = flag_name(flag)
        if flag == "unknown_unit" and item.unknown_units:
            reason = f"{reason}: {', '.join(item.unknown_units)}"
        reasons.append(reason)
    return reasons


def next_steps(plan_id: int) -> Group:
    """The commands that follow an import."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(f"  nhacviec plan show {plan_id}", _("review the tasks"))
    grid.add_row(f"  nhacviec plan activate {plan_id}", _("assign the tasks and start reminders"))
    return Group(Text(_("Next steps:"), style="bold"), grid)


# --------------------------------------------------------------------------- list / show


@dataclass(frozen=True)
class PlanSummary:
    """A plan with the number of its tasks."""

    plan: Plan
    tasks: int


async def plan_summaries(session: AsyncSession) -> list[PlanSummary]:
    """Every plan, oldest first, with its task count."""
    stmt = (
        select(Plan, func.count(Task.id))
        .outerjoin(Task, Task.plan_id == Plan.id)
        .group_by(Plan.id)
        .order_by(Plan.id)
    )
    return [PlanSummary(plan, count) for plan, count in await session.execute(stmt)]


@plan_app.command("list", help=help_text(N_("List the imported plans.")))
def list_command() -> None:
    """Print every plan with its status and size."""
    with user_errors():
        summaries = in_transaction(plan_summaries)
    if not summaries:
        emit(Text(_("No plans yet. Import one with: nhacviec plan import FILE")))
        return
    table = list_table(_("Id"), _("Plan"), _("Status"), _("Tasks"), _("Imported"))
    tz = get_settings().tz
    for summary in summaries:
        plan = summary.plan
        table.add_row(
            str(plan.id),
            shorten(plan.title, 90),
            plan_status_name(plan.status),
            str(summary.tasks),
            day(plan.created_at.astimezone(tz).date()),
        )
    emit(table)


@plan_app.command("show", help=help_text(N_("Show a plan and every task in it.")))
def show_command(plan_id: PlanId) -> None:
    """Print the plan's header and its tasks with units, time and review flags."""
    with user_errors(plan_id=plan_id):
        view = in_transaction(lambda session: plan_view(session, plan_id))
    emit(plan_report(view))


def plan_report(view: PlanView) -> Group:
    """The plan header, its counts and every task."""
    plan = view.plan
    period = (
        (plan.period_start, plan.period_end)
        if plan.period_start is not None and plan.period_end is not None
        else None
    )
    status = _("Plan {id} · {status}").format(id=plan.id, status=plan_status_name(plan.status))
    source = _("File: {name}, imported {date}").format(
        name=plan.source_name, date=day(plan.created_at.astimezone(get_settings().tz).date())
    )
    parts: list[RenderableType] = [
        Text(status, style="bold"),
        *plan_header(plan.title, plan.number, plan.issuer, period),
        Text(source),
        Text(tasks_summary(len(view.tasks), _kind_counts(view.tasks))),
    ]
    assigned = sum(task.assignments for task in view.tasks)
    if assigned:
        parts.append(Text(_("Assignments: {count}").format(count=assigned)))
    parts.append(Text(""))
    if view.tasks:
        parts.append(Text(_("The number before each task is its id, for edit-task and trigger.")))
        parts.append(task_grid(task_line(task) for task in view.tasks))
    return Group(*parts)


def _kind_counts(tasks: Sequence[TaskView]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for task in tasks:
        counts[str(task.kind)] = counts.get(str(task.kind), 0) + 1
    return counts


def task_line(task: TaskView) -> TaskLine:
    """A stored task as the listings show it, labelled with its id."""
    return TaskLine(
        label=str(task.id),
        ref=task.ref,
        content=task.content,
        lead=task.lead,
        support=task.support,
        when_text=task.when_text,
        kind=str(task.kind),
        due=task.due,
        every=str(task.every) if task.every else None,
        target=task.target,
        flags=task.flags,
    )


# --------------------------------------------------------------------------- edit-task


def unit_names(text: str | None) -> list[str] | None:
    """Unit names from a comma- or semicolon-separated option (``None`` when not given)."""
    if text is None:
        return None
    return [name.strip() for name in re.split(r"[,;]", text) if name.strip()]


@plan_app.command("edit-task", help=help_text(N_("Change a task's units, time or target.")))
def edit_task_command(
    task_id: TaskId,
    lead: Annotated[
        str | None,
        typer.Option("--lead", help=help_text(N_('Lead units, separated by commas: "A, B".'))),
    ] = None,
    support: Annotated[
        str | None,
        typer.Option("--support", help=help_text(N_("Supporting units, separated by commas."))),
    ] = None,
    time: Annotated[
        str | None,
        typer.Option("--time", help=help_text(N_('Time as plans write it: "Quý II/2026".'))),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option("--target", help=help_text(N_('Measurable target: "100% chi bộ".'))),
    ] = None,
) -> None:
    """Apply the given changes to one task and print it as it now reads."""
    with user_errors(task_id=task_id):
        if lead is None and support is None and time is None and target is None:
            raise CliError(
                _("Nothing to change: give --lead, --support, --time or --target."),
                EXIT_USAGE,
            )

        async def edit(session: AsyncSession) -> TaskView:
            view = await edit_task(
                session,
                task_id,
                lead=unit_names(lead),
                support=unit_names(support),
                when=time,
                target=target,
                today=today(),
            )
            await reminder_planner(get_settings()).plan_task(session, task_id, now=utcnow())
            return view

        task = in_transaction(edit)
    heading = Text(_("Task {id} updated:").format(id=task.id), style="bold")
    emit(Group(heading, task_grid([task_line(task)])))


# --------------------------------------------------------------------------- activate / trigger


@plan_app.command(
    "activate",
    help=help_text(N_("Activate a plan: assign its tasks to units and start reminders.")),
)
def activate_command(plan_id: PlanId) -> None:
    """Expand the plan into assignments and report what was created and what is missing."""
    with user_errors(plan_id=plan_id):

        async def activate(session: AsyncSession) -> ActivationResult:
            result = await activate_plan(session, plan_id, today=today())
            await reminder_planner(get_settings()).plan_plan(session, plan_id, now=utcnow())
            return result

        result = in_transaction(activate)
    emit(activation_report(result))


def state_order(state: str) -> tuple[int, str]:
    """Assignment states in their natural order (open first), unknown ones last."""
    order = list(ASSIGNMENT_STATE_NAMES)
    return (order.index(state) if state in order else len(order), state)


def activation_report(result: ActivationResult) -> Group:
    """Counts of created assignments by state, and what still needs the office."""
    headline = ngettext(
        "Plan {id} is active: {count} assignment created.",
        "Plan {id} is active: {count} assignments created.",
        result.created,
    ).format(id=result.plan_id, count=result.created)
    parts: list[RenderableType] = [Text(headline, style="bold")]
    for state in sorted(result.by_state, key=state_order):
        if result.by_state[state]:
            parts.append(Text(f"  {assignment_state_name(state)}: {result.by_state[state]}"))
    if result.tasks_without_lead:
        ids = ", ".join(str(task_id) for task_id in result.tasks_without_lead)
        message = _("Tasks without a lead unit, not assigned to anyone ({count}): {ids}.")
        parts.append(Text(message.format(count=len(result.tasks_without_lead), ids=ids)))
        parts.append(Text(_('  Set one with: nhacviec plan edit-task TASK_ID --lead "UNIT"')))
    if result.empty_groups:
        message = _("Groups without members ({count}): {names}.")
        names = "; ".join(result.empty_groups)
        parts.append(Text(message.format(count=len(result.empty_groups), names=names)))
        parts.append(Text(_('  Add members with: nhacviec units members "GROUP" "UNIT" …')))
    return Group(*parts)


_DAY = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*")


def parse_day(text: str) -> date:
    """A date written ``dd/mm/yyyy``; :class:`CliError` when it is not one."""
    match = _DAY.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        day_, month, year = (int(group) for group in match.groups())
        return date(year, month, day_)
    except ValueError:
        message = _("Cannot read the date {text}: write it as dd/mm/yyyy, for example 15/07/2026.")
        raise CliError(message.format(text=text), EXIT_USAGE) from None


@plan_app.command(
    "trigger", help=help_text(N_("Trigger a task that waits for a condition, with its deadline."))
)
def trigger_command(
    task_id: TaskId,
    due: Annotated[
        str, typer.Argument(metavar="DD/MM/YYYY", help=help_text(N_("Deadline of the task.")))
    ],
) -> None:
    """Open a conditional task's assignments with the given deadline."""
    with user_errors(task_id=task_id):
        deadline = parse_day(due)

        async def trigger(session: AsyncSession) -> int:
            opened = await trigger_task(session, task_id, deadline)
            await reminder_planner(get_settings()).plan_task(session, task_id, now=utcnow())
            return opened

        opened = in_transaction(trigger)
    message = ngettext(
        "Task {id} triggered, due {date}: {count} assignment opened.",
        "Task {id} triggered, due {date}: {count} assignments opened.",
        opened,
    )
    emit(Text(message.format(id=task_id, date=day(deadline), count=opened)))
