"""``nhacviec units invite``, ``nhacviec admin invite|revoke|contacts``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import typer
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import Result

from bot.cli_invites import add_unit_invite_command, admin_app
from bot.cli_runtime import in_transaction
from bot.config import get_settings
from handlers import invites
from handlers.invites import ALPHABET
from storage.models import Contact
from tests.bot.conftest import Cli, assert_fits, flat

NA_HAU = "Chi bộ thôn Nà Hẩu"


def _app() -> typer.Typer:
    app = typer.Typer()
    units = typer.Typer()
    add_unit_invite_command(units)
    app.add_typer(units, name="units")
    app.add_typer(admin_app, name="admin")
    return app


APP = _app()


def run(cli: Cli, *args: str) -> Result:
    result = cli.runner.invoke(APP, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception,
        result.stderr,
    )
    return result


def only_code(cli: Cli) -> str:
    codes = cli.rows("SELECT code FROM invites")
    assert len(codes) == 1
    return str(codes[0][0])


def redeem(code: str, user: str, name: str) -> None:
    async def work(session: AsyncSession) -> None:
        await invites.redeem_invite(
            session,
            code,
            channel="telegram",
            chat_id=user,
            user_id=user,
            display_name=name,
            language=None,
            now=datetime.now(UTC),
        )

    in_transaction(work)


def test_a_unit_invite_prints_the_code_and_how_to_use_it(cli: Cli) -> None:
    cli("units", "add", NA_HAU)

    result = run(cli, "units", "invite", "chi bo thon na hau")

    assert result.exit_code == 0, result.stderr
    assert_fits(result.stdout)
    code = only_code(cli)
    assert len(code) == 8 and set(code) <= set(ALPHABET)
    text = flat(result.stdout)
    assert f"Mã mời của {NA_HAU}: {code}" in text
    assert f"Người được mời nhắn cho bot: /start {code}" in text
    assert "https://" not in text
    unit_id = cli.scalar(f"SELECT id FROM units WHERE name = '{NA_HAU}'")
    assert cli.rows("SELECT unit_id, is_office FROM invites") == [(unit_id, 0)]


def test_with_the_bot_username_the_invite_gives_a_link(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "@nhacviec_xa_bot")
    get_settings.cache_clear()
    cli("units", "add", NA_HAU)

    result = run(cli, "units", "invite", NA_HAU)

    assert result.exit_code == 0, result.stderr
    assert f"https://t.me/nhacviec_xa_bot?start={only_code(cli)}" in result.stdout
    assert_fits(result.stdout)


def test_days_set_how_long_the_code_works(cli: Cli) -> None:
    cli("units", "add", NA_HAU)

    result = run(cli, "units", "invite", NA_HAU, "--days", "3")

    assert result.exit_code == 0, result.stderr
    created, expires = cli.rows("SELECT created_at, expires_at FROM invites")[0]
    lifetime = datetime.fromisoformat(str(expires)) - datetime.fromisoformat(str(created))
    assert lifetime == timedelta(days=3)
    local_expiry = (
        datetime.fromisoformat(str(expires)).replace(tzinfo=UTC).astimezone(get_settings().tz)
    )
    assert f"đến {local_expiry:%H:%M %d/%m/%Y}" in flat(result.stdout)


def test_inviting_an_unknown_unit_or_a_group_is_refused(cli: Cli) -> None:
    cli("units", "add", "Các chi bộ thôn", "--group")

    unknown = run(cli, "units", "invite", "Chi bộ thôn Không Có")
    group = run(cli, "units", "invite", "Các chi bộ thôn")
    bad_days = run(cli, "units", "invite", "Các chi bộ thôn", "--days", "0")

    assert unknown.exit_code == 2
    assert "Không có đơn vị “Chi bộ thôn Không Có”" in flat(unknown.stderr)
    assert group.exit_code == 1
    assert "là một nhóm đơn vị" in group.stderr
    assert bad_days.exit_code != 0
    assert cli.scalar("SELECT count(*) FROM invites") == 0


def test_an_office_invite(cli: Cli) -> None:
    result = run(cli, "admin", "invite")

    assert result.exit_code == 0, result.stderr
    code = only_code(cli)
    assert f"Mã mời thành viên Văn phòng: {code}" in flat(result.stdout)
    assert cli.rows("SELECT unit_id, is_office FROM invites") == [(None, 1)]


def test_revoking_a_code(cli: Cli) -> None:
    run(cli, "admin", "invite")
    code = only_code(cli)

    result = run(cli, "admin", "revoke", f"{code[:4].lower()} {code[4:].lower()}")

    assert result.exit_code == 0, result.stderr
    assert f"Đã hủy mã {code}" in result.stdout
    assert cli.scalar("SELECT revoked_at FROM invites") is not None


def test_revoking_an_unknown_or_used_code_is_refused(cli: Cli) -> None:
    run(cli, "admin", "invite")
    code = only_code(cli)
    redeem(code, "700", "Hà Thị Mai")

    unknown = run(cli, "admin", "revoke", "ABCD2345")
    used = run(cli, "admin", "revoke", code)

    assert unknown.exit_code == 2
    assert "Không có mã mời ABCD2345" in unknown.stderr
    assert used.exit_code == 1
    assert f"Mã {code} đã được dùng lúc" in flat(used.stderr)
    assert cli.scalar("SELECT revoked_at FROM invites") is None


def test_contacts_lists_who_is_registered(cli: Cli) -> None:
    empty = run(cli, "admin", "contacts")
    assert "Chưa có ai đăng ký" in empty.stdout
    cli("units", "add", NA_HAU)
    run(cli, "units", "invite", NA_HAU)
    redeem(only_code(cli), "501", "Lò Văn Pâng")
    run(cli, "admin", "invite")
    office_code = next(
        str(code) for (code,) in cli.rows("SELECT code FROM invites WHERE is_office = 1")
    )
    redeem(office_code, "700", "Hà Thị Mai")

    async def add_group_and_lose_one(session: AsyncSession) -> None:
        await invites.register_summary_group(
            session, channel="telegram", chat_id="-42", name="Thường trực Đảng ủy"
        )
        await session.execute(
            update(Contact).where(Contact.user_id == "501").values(unreachable_at=datetime.now(UTC))
        )

    in_transaction(add_group_and_lose_one)

    result = run(cli, "admin", "contacts")

    assert result.exit_code == 0, result.stderr
    assert_fits(result.stdout)
    lines = result.stdout.splitlines()
    office = next(line for line in lines if "Hà Thị Mai" in line)
    secretary = next(line for line in lines if "Lò Văn Pâng" in line)
    group = next(line for line in lines if "Thường trực Đảng ủy" in line)
    assert "Văn phòng" in office and office.rstrip().endswith("có")
    assert NA_HAU in secretary and secretary.rstrip().endswith("không")
    assert "nhóm nhận tổng hợp" in group and "telegram" in group
    assert lines.index(office) < lines.index(secretary) < lines.index(group)
