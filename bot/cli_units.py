"""``nhacviec units …``: the directory of units, their other names and groups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group, RenderableType
from rich.text import Text

from bot.cli_errors import EXIT_NOT_FOUND, CliError, user_errors
from bot.cli_runtime import in_transaction
from bot.i18n import _, ngettext
from bot.render import N_, emit, help_text, list_table, unit_kind_name
from plans.directory import add_alias, add_unit, import_units_csv, list_units, set_members
from storage.models import UnitKind

units_app = typer.Typer(
    help=help_text(N_("Keep the directory of units, their other names and groups.")),
    no_args_is_help=True,
    rich_markup_mode=None,
)

UnitName = Annotated[str, typer.Argument(metavar="NAME", help=help_text(N_("Unit name.")))]


@units_app.command("list", help=help_text(N_("List every unit and group.")))
def list_command() -> None:
    """Print the directory: names, kinds, other names and group members."""
    with user_errors():
        rows = in_transaction(list_units)
    if not rows:
        emit(Text(_('The directory is empty. Add a unit with: nhacviec units add "NAME"')))
        return
    table = list_table(_("Id"), _("Name"), _("Kind"), _("Other names"), _("Members"))
    for row in rows:
        name = f"{row.name} *" if row.needs_review else row.name
        members = "; ".join(row.members) if row.kind == UnitKind.GROUP.value else ""
        table.add_row(str(row.id), name, unit_kind_name(row.kind), "; ".join(row.aliases), members)
    parts: list[RenderableType] = [table]
    if any(row.needs_review for row in rows):
        parts.append(Text(_("* added from a plan, to be checked")))
    emit(Group(*parts))


@units_app.command("add", help=help_text(N_("Add a unit, or a group with --group.")))
def add_command(
    name: UnitName,
    group: Annotated[
        bool,
        typer.Option("--group", help=help_text(N_("The name stands for several units."))),
    ] = False,
) -> None:
    """Add one unit or group to the directory."""
    with user_errors(name=name):
        unit = in_transaction(lambda session: add_unit(session, name, group=group))
    message = _('Group "{name}" added (id {id}).') if group else _('Unit "{name}" added (id {id}).')
    emit(Text(message.format(name=unit.name, id=unit.id)))


@units_app.command("alias", help=help_text(N_("Record another name (abbreviation, old name).")))
def alias_command(
    name: UnitName,
    alias: Annotated[
        str, typer.Argument(metavar="ALIAS", help=help_text(N_("Another name of the unit.")))
    ],
) -> None:
    """Let ``alias`` name the unit ``name`` from now on."""
    with user_errors(name=name, alias=alias):
        unit = in_transaction(lambda session: add_alias(session, name, alias))
    message = _('"{alias}" now also names "{name}".')
    emit(Text(message.format(alias=alias, name=unit.name)))


@units_app.command(
    "import", help=help_text(N_("Import units from a CSV file: name,kind,aliases,groups."))
)
def import_command(
    file: Annotated[
        Path, typer.Argument(metavar="FILE.csv", help=help_text(N_("CSV file, UTF-8.")))
    ],
) -> None:
    """Create or update units, aliases and group members from a CSV file."""
    with user_errors(name=file.name, path=str(file)):
        text = read_csv_text(file)
        result = in_transaction(lambda session: import_units_csv(session, text))
    message = _(
        "Directory updated: {created} new, {updated} updated, {aliases} other names, "
        "{memberships} group memberships."
    )
    emit(
        message.format(
            created=result.created,
            updated=result.updated,
            aliases=result.aliases,
            memberships=result.memberships,
        )
    )


def read_csv_text(path: Path) -> str:
    """The text of a UTF-8 CSV file (a byte-order mark is dropped)."""
    if not path.is_file():
        raise CliError(_("The file {path} does not exist.").format(path=path), EXIT_NOT_FOUND)
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        message = _("The file {name} is not UTF-8 text. Save it as CSV UTF-8 and import it again.")
        raise CliError(message.format(name=path.name)) from None


@units_app.command("members", help=help_text(N_("Add units to a group (--replace: set them).")))
def members_command(
    group: Annotated[str, typer.Argument(metavar="GROUP", help=help_text(N_("Group name.")))],
    names: Annotated[
        list[str], typer.Argument(metavar="NAME...", help=help_text(N_("Member unit names.")))
    ],
    replace: Annotated[
        bool,
        typer.Option("--replace", help=help_text(N_("Make these the group's only members."))),
    ] = False,
) -> None:
    """Add (or, with ``--replace``, set) the members of a group."""
    with user_errors(name=group, group=group):
        members = in_transaction(
            lambda session: set_members(session, group, names, replace=replace)
        )
    heading = ngettext(
        'Group "{name}" has {count} member:', 'Group "{name}" has {count} members:', len(members)
    )
    lines = [Text(f"  {member.name}") for member in members]
    emit(Group(Text(heading.format(name=group, count=len(members)), style="bold"), *lines))
