"""The unit directory: finding units by any spelling, groups and their members, CSV import.

Names match on :func:`plans.units.unit_key`, so "UBND xã", "Ủy ban nhân dân xã" and
"xa uy ban nhan dan" are one unit; aliases (other spellings, old names) match the same
way. Functions take the caller's session and flush, never commit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from plans.errors import PlanServiceError
from plans.text import fold, squash
from plans.units import is_group, unit_key
from storage import queries
from storage.models import Unit, UnitKind, UnitMember

# Column widths of units.name / units.key.
_MAX_NAME = 255
_CSV_DELIMITERS = ",;\t"
_LIST_SEPARATOR = ";"
# Folded words accepted in the CSV "kind" column; empty means "keep" (or unit when new).
_KIND_WORDS: dict[str, UnitKind | None] = {
    "": None,
    "unit": UnitKind.UNIT,
    "don vi": UnitKind.UNIT,
    "group": UnitKind.GROUP,
    "nhom": UnitKind.GROUP,
}


@dataclass(frozen=True)
class UnitRow:
    """One unit as the directory lists it."""

    name: str
    kind: str
    aliases: list[str]
    members: list[str]
    needs_review: bool
    id: int


@dataclass(frozen=True)
class CsvImportResult:
    """How many units, aliases and group memberships a CSV import wrote."""

    created: int
    updated: int
    aliases: int
    memberships: int


def clean_name(name: str) -> str:
    """A unit name as stored: single spaces, trimmed, clipped to the column width."""
    return squash(name)[:_MAX_NAME]


def name_key(name: str) -> str:
    """The directory key of ``name`` (empty when the name has no letters or digits)."""
    return unit_key(name)[:_MAX_NAME]


def sort_key(name: str) -> tuple[str, str]:
    """Order names as Vietnamese readers expect: by folded letters, then as written."""
    return fold(name), name


async def find_unit(session: AsyncSession, name: str) -> Unit | None:
    """The unit called ``name`` or having it as an alias, however it is accented or ordered."""
    key = name_key(name)
    if not key:
        return None
    return (await queries.units_by_key(session, [key])).get(key)


async def resolve_units(
    session: AsyncSession, names: Sequence[str]
) -> tuple[list[Unit], list[Unit]]:
    """Units for ``names`` in the order given, and the subset created by this call.

    A name the directory does not know becomes a new unit flagged ``needs_review``
    (a group when :func:`plans.units.is_group` says so). Names resolving to the same
    unit give it once; names without letters or digits are skipped.
    """
    keyed = [(name, key) for name in names if (key := name_key(name))]
    found = await queries.units_by_key(session, {key for _, key in keyed})
    units: dict[int, Unit] = {}
    created: list[Unit] = []
    for name, key in keyed:
        unit = found.get(key)
        if unit is None:
            kind = UnitKind.GROUP if is_group(name) else UnitKind.UNIT
            unit = await queries.add_unit(
                session, clean_name(name), key, kind=kind, needs_review=True
            )
            found[key] = unit
            created.append(unit)
        units.setdefault(unit.id, unit)
    return list(units.values()), created


async def add_unit(session: AsyncSession, name: str, *, group: bool = False) -> Unit:
    """Add a unit (or a group) to the directory.

    Raises ``unit_exists`` (params ``name``, ``existing``) when the name already
    matches a unit or alias, ``unit_name_empty`` when it has no letters.
    """
    key = name_key(name)
    if not key:
        raise PlanServiceError("unit_name_empty", {"name": name})
    existing = await find_unit(session, name)
    if existing is not None:
        raise PlanServiceError("unit_exists", {"name": name, "existing": existing.name})
    kind = UnitKind.GROUP if group else UnitKind.UNIT
    return await queries.add_unit(session, clean_name(name), key, kind=kind)


async def add_alias(session: AsyncSession, unit_name: str, alias: str) -> Unit:
    """Record ``alias`` as another name of the unit called ``unit_name``; returns the unit.

    An alias that already resolves to this unit is accepted as is. Raises
    ``unit_not_found`` (params ``name``) and ``alias_taken`` (params ``alias``, ``unit``).
    """
    unit = await _existing_unit(session, unit_name)
    key = name_key(alias)
    if not key:
        raise PlanServiceError("unit_name_empty", {"name": alias})
    owner = await find_unit(session, alias)
    if owner is not None and owner.id != unit.id:
        raise PlanServiceError("alias_taken", {"alias": alias, "unit": owner.name})
    if owner is None:
        await queries.add_alias(session, unit, clean_name(alias), key)
    return unit


async def set_members(
    session: AsyncSession,
    group_name: str,
    member_names: Sequence[str],
    *,
    replace: bool = False,
) -> list[Unit]:
    """Add units to a group (or make them its only members with ``replace``).

    Every name must already be in the directory; nothing is created. Returns the
    group's members afterwards, by name. Raises ``unit_not_found`` (params ``name``),
    ``not_a_group`` (params ``name``) and ``invalid_member`` (params ``group``,
    ``name``) for the group itself or another group.
    """
    group = await _existing_unit(session, group_name)
    if group.kind != UnitKind.GROUP:
        raise PlanServiceError("not_a_group", {"name": group.name})
    members = [await _existing_unit(session, name) for name in member_names]
    for member in members:
        if member.id == group.id or member.kind == UnitKind.GROUP:
            raise PlanServiceError("invalid_member", {"group": group.name, "name": member.name})
    current = [] if replace else await queries.group_members(session, group.id)
    await queries.set_group_members(session, group, [*current, *members])
    return await queries.group_members(session, group.id)


async def list_units(session: AsyncSession) -> list[UnitRow]:
    """Every unit with its aliases and (for groups) members, sorted by name."""
    units = await queries.all_units(session)
    by_id = {u.id: u for u in units}
    members: dict[int, list[str]] = {}
    for group_id, member_id in await queries.all_memberships(session):
        members.setdefault(group_id, []).append(by_id[member_id].name)
    rows = [
        UnitRow(
            name=u.name,
            kind=u.kind.value,
            aliases=[a.alias for a in sorted(u.aliases, key=lambda a: a.id)],
            members=sorted(members.get(u.id, []), key=sort_key),
            needs_review=u.needs_review,
            id=u.id,
        )
        for u in units
    ]
    return sorted(rows, key=lambda r: (*sort_key(r.name), r.id))


async def expand_group(session: AsyncSession, unit: Unit) -> list[Unit]:
    """The units a unit stands for: a group's members (by name, maybe none), else itself."""
    if unit.kind == UnitKind.GROUP:
        return await queries.group_members(session, unit.id)
    return [unit]


async def import_units_csv(session: AsyncSession, text: str) -> CsvImportResult:
    """Create or update units from CSV text with the header ``name,kind,aliases,groups``.

    ``kind`` is ``unit`` (default) or ``group``; ``aliases`` and ``groups`` hold
    ';'-separated names. A row naming a known unit (by name or alias) updates it and
    clears ``needs_review``; listed groups are created when absent. The whole file is
    checked first: a bad row raises ``csv_invalid`` (params ``line``, ``reason``) and
    nothing is written. UTF-8 with a BOM and ';' or ',' delimiters are accepted.
    """
    rows = _parse_csv(text)
    planner = _CsvPlanner(await queries.all_units(session), await queries.all_memberships(session))
    for row in rows:
        planner.add_row(row)
    planner.validate()
    return await planner.write(session)


async def _existing_unit(session: AsyncSession, name: str) -> Unit:
    unit = await find_unit(session, name)
    if unit is None:
        raise PlanServiceError("unit_not_found", {"name": name})
    return unit


# --------------------------------------------------------------------------- CSV import


@dataclass(frozen=True)
class _CsvRow:
    line: int
    name: str
    kind: UnitKind | None
    aliases: tuple[str, ...]
    groups: tuple[str, ...]


def _csv_error(line: int, reason: str) -> PlanServiceError:
    return PlanServiceError("csv_invalid", {"line": line, "reason": reason})


def _parse_csv(text: str) -> list[_CsvRow]:
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    columns = _columns(next(reader, None))
    rows: list[_CsvRow] = []
    line = reader.line_num
    for record in reader:
        start, line = line + 1, reader.line_num
        if any(cell.strip() for cell in record):
            rows.append(_read_row(start, record, columns))
    return rows


def _delimiter(text: str) -> str:
    header = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    try:
        return csv.Sniffer().sniff(header, delimiters=_CSV_DELIMITERS).delimiter
    except csv.Error:
        return ","


def _columns(header: list[str] | None) -> dict[str, int]:
    names = [fold(cell) for cell in header or []]
    if "name" not in names:
        raise _csv_error(1, "missing_header")
    return {name: i for i, name in reversed(list(enumerate(names)))}


def _read_row(line: int, record: list[str], columns: dict[str, int]) -> _CsvRow:
    def cell(column: str) -> str:
        index = columns.get(column)
        return record[index].strip() if index is not None and index < len(record) else ""

    name = squash(cell("name"))
    if not name_key(name):
        raise _csv_error(line, "missing_name")
    kind_word = fold(cell("kind"))
    if kind_word not in _KIND_WORDS:
        raise _csv_error(line, "unknown_kind")
    return _CsvRow(
        line=line,
        name=name,
        kind=_KIND_WORDS[kind_word],
        aliases=_split_list(cell("aliases")),
        groups=_split_list(cell("groups")),
    )


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(p for p in (squash(v) for v in value.split(_LIST_SEPARATOR)) if name_key(p))


@dataclass
class _Entry:
    """A unit as the CSV import will leave it; ``unit`` is None until it is created."""

    key: str
    name: str
    kind: UnitKind
    unit: Unit | None = None
    named_by_row: bool = False
    kind_line: int = 0
    new_aliases: list[tuple[str, str]] = field(default_factory=list)


class _CsvPlanner:
    """Works out a CSV import in memory over the whole directory, then writes it."""

    def __init__(self, units: Sequence[Unit], memberships: Sequence[tuple[int, int]]) -> None:
        self._entries: dict[str, _Entry] = {}
        # Every key in use (a unit's own key or an alias key) -> that unit's own key.
        self._claims: dict[str, str] = {}
        for unit in units:
            self._entries[unit.key] = _Entry(unit.key, unit.name, unit.kind, unit=unit)
            self._claims[unit.key] = unit.key
            self._claims.update((alias.key, unit.key) for alias in unit.aliases)
        key_of = {u.id: u.key for u in units}
        self._old_pairs = {(key_of[g], key_of[m]) for g, m in memberships}
        self._new_pairs: dict[tuple[str, str], int] = {}

    def add_row(self, row: _CsvRow) -> None:
        entry = self._entry_for(row)
        for alias in row.aliases:
            self._claim_alias(entry, alias, row.line)
        for group in row.groups:
            self._join(entry, group, row.line)

    def validate(self) -> None:
        for (group_key, member_key), line in self._new_pairs.items():
            group, member = self._entries[group_key], self._entries[member_key]
            if group.kind != UnitKind.GROUP:
                raise _csv_error(line, "not_a_group")
            if group is member or member.kind != UnitKind.UNIT:
                raise _csv_error(line, "invalid_member")
        for group_key, member_key in self._old_pairs:
            group, member = self._entries[group_key], self._entries[member_key]
            if group.kind != UnitKind.GROUP:
                raise _csv_error(group.kind_line, "kind_conflict")
            if member.kind != UnitKind.UNIT:
                raise _csv_error(member.kind_line, "kind_conflict")

    async def write(self, session: AsyncSession) -> CsvImportResult:
        created = updated = aliases = 0
        for entry in self._entries.values():
            if entry.unit is None:
                entry.unit = await queries.add_unit(session, entry.name, entry.key, kind=entry.kind)
                created += 1
            elif entry.named_by_row:
                entry.unit.name, entry.unit.kind = entry.name, entry.kind
                entry.unit.needs_review = False
                updated += 1
            for alias, key in entry.new_aliases:
                await queries.add_alias(session, entry.unit, alias, key)
                aliases += 1
        session.add_all(
            UnitMember(group_id=self._unit_id(g), member_id=self._unit_id(m))
            for g, m in self._new_pairs
        )
        await session.flush()
        return CsvImportResult(created, updated, aliases, len(self._new_pairs))

    def _unit_id(self, key: str) -> int:
        unit = self._entries[key].unit
        assert unit is not None, "units are created before memberships"
        return unit.id

    def _entry_for(self, row: _CsvRow) -> _Entry:
        key = name_key(row.name)
        own_key = self._claims.get(key)
        if own_key is None:
            entry = self._new_entry(row.name, key, row.kind or UnitKind.UNIT)
        else:
            entry = self._entries[own_key]
            # Named by its own key, the row's spelling wins; named by an alias, it does not.
            if own_key == key:
                entry.name = clean_name(row.name)
            if row.kind is not None and row.kind != entry.kind:
                entry.kind, entry.kind_line = row.kind, row.line
        entry.named_by_row = True
        return entry

    def _new_entry(self, name: str, key: str, kind: UnitKind) -> _Entry:
        entry = _Entry(key, clean_name(name), kind)
        self._entries[key] = entry
        self._claims[key] = key
        return entry

    def _claim_alias(self, entry: _Entry, alias: str, line: int) -> None:
        key = name_key(alias)
        owner = self._claims.get(key)
        if owner is None:
            self._claims[key] = entry.key
            entry.new_aliases.append((clean_name(alias), key))
        elif owner != entry.key:
            raise _csv_error(line, "alias_taken")

    def _join(self, member: _Entry, group_name: str, line: int) -> None:
        key = name_key(group_name)
        own_key = self._claims.get(key)
        group = (
            self._entries[own_key]
            if own_key is not None
            else self._new_entry(group_name, key, UnitKind.GROUP)
        )
        pair = (group.key, member.key)
        if pair not in self._old_pairs:
            self._new_pairs.setdefault(pair, line)
