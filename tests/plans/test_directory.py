"""The unit directory: matching names, aliases, groups, listing and CSV import."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from plans import directory
from plans.errors import PlanServiceError
from storage.models import Unit, UnitAlias, UnitKind, UnitMember


async def _count(session: AsyncSession, model: type[object]) -> int:
    return (await session.scalar(select(func.count()).select_from(model))) or 0


def _names(units: list[Unit]) -> list[str]:
    return [u.name for u in units]


@pytest.mark.parametrize(
    "spelling",
    ["UBND xã", "Ủy ban nhân dân xã", "xa uy ban nhan dan", "ỦY BAN NHÂN DÂN  XÃ", "Xã UBND"],
)
async def test_find_unit_ignores_accents_case_order_and_abbreviations(
    session: AsyncSession, spelling: str
) -> None:
    unit = await directory.add_unit(session, "Ủy ban nhân dân xã")
    assert await directory.find_unit(session, spelling) is unit
    assert await directory.find_unit(session, "Ủy ban nhân dân huyện") is None
    assert await directory.find_unit(session, " - ") is None


async def test_resolve_units_matches_known_units_and_aliases(session: AsyncSession) -> None:
    ubnd = await directory.add_unit(session, "Ủy ban nhân dân xã")
    await directory.add_alias(session, "UBND xã", "Chính quyền xã")
    units, created = await directory.resolve_units(
        session, ["UBND xã", "xa uy ban nhan dan", "chinh quyen xa"]
    )
    assert units == [ubnd]
    assert created == []


async def test_resolve_units_creates_unknown_names_flagged(session: AsyncSession) -> None:
    known = await directory.add_unit(session, "Đảng ủy xã")
    units, created = await directory.resolve_units(
        session, ["Chi bộ Thôn 5", "Đảng ủy xã", "Các chi bộ trực thuộc", "chi bo thon 5", "…"]
    )
    assert [u.name for u in units] == ["Chi bộ Thôn 5", "Đảng ủy xã", "Các chi bộ trực thuộc"]
    assert units[1] is known
    assert created == [units[0], units[2]]
    assert [(u.kind, u.needs_review) for u in created] == [
        (UnitKind.UNIT, True),
        (UnitKind.GROUP, True),
    ]
    again, created_again = await directory.resolve_units(session, ["CHI BO THON 5"])
    assert again == [units[0]]
    assert created_again == []


async def test_add_unit_refuses_a_known_name(session: AsyncSession) -> None:
    await directory.add_unit(session, "Mặt trận Tổ quốc xã")
    with pytest.raises(PlanServiceError) as caught:
        await directory.add_unit(session, "MTTQ xã")
    assert caught.value.code == "unit_exists"
    assert caught.value.params == {"name": "MTTQ xã", "existing": "Mặt trận Tổ quốc xã"}
    group = await directory.add_unit(session, "Các chi bộ trực thuộc", group=True)
    assert group.kind == UnitKind.GROUP
    assert group.needs_review is False


async def test_add_alias_errors(session: AsyncSession) -> None:
    await directory.add_unit(session, "Ban Tuyên giáo Huyện ủy")
    await directory.add_unit(session, "Văn phòng Huyện ủy")
    with pytest.raises(PlanServiceError) as missing:
        await directory.add_alias(session, "Ban Dân vận", "BDV")
    assert (missing.value.code, missing.value.params) == ("unit_not_found", {"name": "Ban Dân vận"})
    with pytest.raises(PlanServiceError) as taken:
        await directory.add_alias(session, "BTG HU", "VPHU")
    assert taken.value.code == "alias_taken"
    assert taken.value.params == {"alias": "VPHU", "unit": "Văn phòng Huyện ủy"}
    # An alias that already names the unit itself adds nothing.
    await directory.add_alias(session, "BTG HU", "Ban Tuyen giao Huyen uy")
    assert await _count(session, UnitAlias) == 0


async def test_set_members_appends_or_replaces(session: AsyncSession) -> None:
    await directory.add_unit(session, "Các chi bộ trực thuộc", group=True)
    for name in ("Chi bộ Thôn 1", "Chi bộ Thôn 2", "Chi bộ Thôn 3"):
        await directory.add_unit(session, name)
    members = await directory.set_members(session, "cac chi bo truc thuoc", ["Chi bộ Thôn 2"])
    assert _names(members) == ["Chi bộ Thôn 2"]
    members = await directory.set_members(
        session, "Các chi bộ trực thuộc", ["chi bo thon 1", "Chi bộ Thôn 2"]
    )
    assert _names(members) == ["Chi bộ Thôn 1", "Chi bộ Thôn 2"]
    members = await directory.set_members(
        session, "Các chi bộ trực thuộc", ["Chi bộ Thôn 3"], replace=True
    )
    assert _names(members) == ["Chi bộ Thôn 3"]


@pytest.mark.parametrize(
    ("group", "members", "code", "params"),
    [
        ("Các ban", ["Chi bộ Thôn 1"], "unit_not_found", {"name": "Các ban"}),
        ("Chi bộ Thôn 1", ["Chi bộ Thôn 1"], "not_a_group", {"name": "Chi bộ Thôn 1"}),
        ("Các chi bộ trực thuộc", ["Chi bộ Thôn 9"], "unit_not_found", {"name": "Chi bộ Thôn 9"}),
        (
            "Các chi bộ trực thuộc",
            ["Các chi bộ trực thuộc"],
            "invalid_member",
            {"group": "Các chi bộ trực thuộc", "name": "Các chi bộ trực thuộc"},
        ),
    ],
)
async def test_set_members_errors_create_nothing(
    session: AsyncSession, group: str, members: list[str], code: str, params: dict[str, object]
) -> None:
    await directory.add_unit(session, "Các chi bộ trực thuộc", group=True)
    await directory.add_unit(session, "Chi bộ Thôn 1")
    with pytest.raises(PlanServiceError) as caught:
        await directory.set_members(session, group, members)
    assert (caught.value.code, caught.value.params) == (code, params)
    assert await _count(session, Unit) == 2
    assert await _count(session, UnitMember) == 0


async def test_list_units_sorts_by_folded_name(session: AsyncSession) -> None:
    await directory.add_unit(session, "Ủy ban Kiểm tra")
    await directory.add_unit(session, "Đảng ủy xã")
    await directory.add_unit(session, "Các chi bộ", group=True)
    await directory.add_unit(session, "Chi bộ Thôn 2")
    await directory.add_unit(session, "Chi bộ Thôn 1")
    await directory.add_alias(session, "Đảng ủy xã", "ĐU xã cũ")
    await directory.set_members(session, "Các chi bộ", ["Chi bộ Thôn 2", "Chi bộ Thôn 1"])
    await directory.resolve_units(session, ["Ban Dân vận"])
    rows = await directory.list_units(session)
    assert [r.name for r in rows] == [
        "Ban Dân vận",
        "Các chi bộ",
        "Chi bộ Thôn 1",
        "Chi bộ Thôn 2",
        "Đảng ủy xã",
        "Ủy ban Kiểm tra",
    ]
    by_name = {r.name: r for r in rows}
    assert by_name["Các chi bộ"].members == ["Chi bộ Thôn 1", "Chi bộ Thôn 2"]
    assert by_name["Các chi bộ"].kind == "group"
    assert by_name["Đảng ủy xã"].aliases == ["ĐU xã cũ"]
    assert by_name["Ban Dân vận"].needs_review is True
    assert by_name["Chi bộ Thôn 1"].members == []


async def test_expand_group(session: AsyncSession) -> None:
    group = await directory.add_unit(session, "Các chi bộ", group=True)
    empty = await directory.add_unit(session, "Các đoàn thể", group=True)
    cell = await directory.add_unit(session, "Chi bộ Thôn 1")
    await directory.set_members(session, "Các chi bộ", ["Chi bộ Thôn 1"])
    assert await directory.expand_group(session, group) == [cell]
    assert await directory.expand_group(session, empty) == []
    assert await directory.expand_group(session, cell) == [cell]


GOOD_CSV = """name,kind,aliases,groups
Các chi bộ trực thuộc,group,Các chi bộ,
Chi bộ Thôn 1,unit,CB Thôn 1;Chi bộ T1,Các chi bộ trực thuộc
Chi bộ Thôn 2,,,Các chi bộ;Các đoàn thể và chi bộ
Ủy ban nhân dân xã,,UBND;Chính quyền xã,
"""


async def test_csv_import_creates_units_aliases_and_groups(session: AsyncSession) -> None:
    result = await directory.import_units_csv(session, GOOD_CSV)
    # The last group is new: created from the "groups" column.
    assert result == directory.CsvImportResult(created=5, updated=0, aliases=5, memberships=3)
    rows = {r.name: r for r in await directory.list_units(session)}
    assert rows["Các chi bộ trực thuộc"].members == ["Chi bộ Thôn 1", "Chi bộ Thôn 2"]
    assert rows["Các đoàn thể và chi bộ"].kind == "group"
    assert rows["Các đoàn thể và chi bộ"].members == ["Chi bộ Thôn 2"]
    assert rows["Chi bộ Thôn 1"].aliases == ["CB Thôn 1", "Chi bộ T1"]
    assert not any(r.needs_review for r in rows.values())
    ubnd = await directory.find_unit(session, "chinh quyen xa")
    assert ubnd is not None and ubnd.name == "Ủy ban nhân dân xã"


async def test_csv_import_again_updates_and_adds_nothing_twice(session: AsyncSession) -> None:
    await directory.import_units_csv(session, GOOD_CSV)
    again = await directory.import_units_csv(session, GOOD_CSV)
    assert again == directory.CsvImportResult(created=0, updated=4, aliases=0, memberships=0)


async def test_csv_import_with_bom_and_semicolons_updates_flagged_units(
    session: AsyncSession,
) -> None:
    (flagged,), _ = await directory.resolve_units(session, ["Mat tran to quoc xa"])
    assert flagged.needs_review
    text = (
        "\ufeffName;Kind;Aliases;Groups\r\n"
        'Mặt trận Tổ quốc xã;unit;"MTTQ xã;Ủy ban MTTQ xã";Các đoàn thể\r\n'
        "\r\n"
        "Các đoàn thể;group;;\r\n"
    )
    result = await directory.import_units_csv(session, text)
    assert result == directory.CsvImportResult(created=1, updated=1, aliases=1, memberships=1)
    assert flagged.name == "Mặt trận Tổ quốc xã"
    assert flagged.needs_review is False
    # "MTTQ xã" is already the unit's own key; only the other spelling is new.
    assert await directory.find_unit(session, "Uy ban Mat tran To quoc xa") is flagged
    group = await directory.find_unit(session, "Các đoàn thể")
    assert group is not None
    assert await directory.expand_group(session, group) == [flagged]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("name,kind\nChi bộ Thôn 1,unit\n,unit\n", 3, "missing_name"),
        ("name,kind\nChi bộ Thôn 1,unit\n\nChi bộ Thôn 2,cell\n", 4, "unknown_kind"),
        ("name,aliases\nChi bộ Thôn 1,CB1\nChi bộ Thôn 2,Đảng ủy xã\n", 3, "alias_taken"),
        ("name,aliases\nChi bộ Thôn 1,CB1\nChi bộ Thôn 2,CB1\n", 3, "alias_taken"),
        ("name,groups\nChi bộ Thôn 1,Đảng ủy xã\n", 2, "not_a_group"),
        ("name,kind,groups\nCác ban,group,Các chi bộ\n", 2, "invalid_member"),
        ("ten,loai\nChi bộ Thôn 1,unit\n", 1, "missing_header"),
        ("", 1, "missing_header"),
    ],
)
async def test_csv_import_bad_row_writes_nothing(
    session: AsyncSession, text: str, line: int, reason: str
) -> None:
    await directory.add_unit(session, "Đảng ủy xã")
    await directory.add_unit(session, "Các chi bộ", group=True)
    with pytest.raises(PlanServiceError) as caught:
        await directory.import_units_csv(session, text)
    assert caught.value.code == "csv_invalid"
    assert caught.value.params == {"line": line, "reason": reason}
    assert await _count(session, Unit) == 2
    assert await _count(session, UnitAlias) == 0
    assert await _count(session, UnitMember) == 0


async def test_csv_import_refuses_a_kind_change_that_breaks_a_group(
    session: AsyncSession,
) -> None:
    await directory.add_unit(session, "Các chi bộ", group=True)
    await directory.add_unit(session, "Chi bộ Thôn 1")
    await directory.set_members(session, "Các chi bộ", ["Chi bộ Thôn 1"])
    with pytest.raises(PlanServiceError) as caught:
        await directory.import_units_csv(session, "name,kind\nx\nCác chi bộ,unit\n")
    assert caught.value.params == {"line": 3, "reason": "kind_conflict"}
    group = await directory.find_unit(session, "Các chi bộ")
    assert group is not None and group.kind == UnitKind.GROUP
