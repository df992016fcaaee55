"""The ``nhacviec`` command line, run in-process on a temporary database."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

import bot.cli
from bot import cli_plan
from bot.config import REPO_ROOT, get_settings
from plans.extract import extract_plan
from plans.model import Document, Every, Paragraph, TimeKind
from plans.readers import read_plan
from tests.bot.conftest import Cli, assert_fits, flat
from tests.fakes.telegram_server import fake_process
from tests.plans.docx_builder import build_docx
from tests.plans.test_read_forms import FIXTURES, WORD_PLANS, image_only_pdf
from tests.shared import SEEDS, SHARED_DIR

KIND_WORDS = {
    TimeKind.ONCE: "một lần",
    TimeKind.RECURRING: "định kỳ",
    TimeKind.CONTINUOUS: "thường xuyên",
    TimeKind.CONDITIONAL: "có điều kiện",
    TimeKind.UNSPECIFIED: "chưa rõ thời gian",
}
CONDITIONAL_SEED = next(seed for seed in SEEDS if seed.name.startswith("004"))


# --------------------------------------------------------------------------- plan parse


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.name[:3])
def test_parse_json_is_the_extraction_and_writes_nothing(cli: Cli, seed: Path) -> None:
    result = cli("plan", "parse", seed, "--json")

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == extract_plan(read_plan(seed)).to_json()
    assert not cli.db_path.parent.exists()


@pytest.mark.parametrize("name", [f"{WORD_PLANS[1]}.pdf", f"{WORD_PLANS[1]}.htm"])
def test_parse_json_reads_pdf_and_web_pages(cli: Cli, name: str) -> None:
    result = cli("plan", "parse", FIXTURES / name, "--json")

    assert result.exit_code == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert parsed == extract_plan(read_plan(FIXTURES / name)).to_json()
    assert parsed["tasks"]


def test_parse_doc_without_libreoffice_says_to_save_as_docx(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    path = tmp_path / "ke-hoach.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))

    result = cli("plan", "parse", path, "--json")

    assert result.exit_code == 1
    assert "Lưu thành" in flat(result.stderr) and ".docx" in result.stderr
    assert result.stdout == ""


def test_parse_json_keeps_vietnamese_letters_unescaped(cli: Cli) -> None:
    result = cli("plan", "parse", SEEDS[0], "--json")

    assert "\\u" not in result.stdout
    assert "nhiệm vụ" in result.stdout.lower() or "đảng" in result.stdout.lower()


def test_parse_overview_reads_in_80_columns(cli: Cli) -> None:
    extracted = extract_plan(read_plan(SEEDS[1]))

    result = cli("plan", "parse", SEEDS[1])

    assert result.exit_code == 0, result.stderr
    assert_fits(result.stdout)
    text = flat(result.stdout)
    assert f"{len(extracted.tasks)} nhiệm vụ" in text
    assert flat(extracted.title)[:40] in text
    assert text.count("Chủ trì:") == len(extracted.tasks)
    assert "Chưa lưu gì" in text
    assert not cli.db_path.parent.exists()


# --------------------------------------------------------------------------- the import flow


def test_import_show_edit_activate_trigger(cli: Cli) -> None:
    extracted = extract_plan(read_plan(CONDITIONAL_SEED))

    imported = cli("plan", "import", CONDITIONAL_SEED)

    assert imported.exit_code == 0, imported.stderr
    assert_fits(imported.stdout)
    text = flat(imported.stdout)
    plan_id = cli.scalar("SELECT max(id) FROM plans")
    assert f"Đã nhập kế hoạch mã {plan_id}" in text
    assert f"{len(extracted.tasks)} nhiệm vụ:" in text
    for kind, words in KIND_WORDS.items():
        count = sum(task.when.kind == kind for task in extracted.tasks)
        if count:
            assert f"{count} {words}" in text
    assert "cần xem lại" in text
    assert "chờ điều kiện" in text
    assert f"nhacviec plan show {plan_id}" in text
    assert f"nhacviec plan activate {plan_id}" in text
    assert cli.scalar("SELECT count(*) FROM tasks") == len(extracted.tasks)

    shown = cli("plan", "show", plan_id)

    assert shown.exit_code == 0, shown.stderr
    assert_fits(shown.stdout)
    shown_text = flat(shown.stdout)
    assert shown_text.count("Chủ trì:") == len(extracted.tasks)
    assert "bản nháp" in shown_text
    labels = {m.group(1) for m in re.finditer(r"^ *(\d+) ", shown.stdout, re.MULTILINE)}
    for task_id, content in cli.rows("SELECT id, content FROM tasks"):
        assert flat(content)[:30] in shown_text
        assert str(task_id) in labels

    task_id = cli.scalar(
        "SELECT t.id FROM tasks t WHERE NOT EXISTS "
        "(SELECT 1 FROM task_units u WHERE u.task_id = t.id AND u.role = 'lead') "
        "ORDER BY t.position LIMIT 1"
    )
    edited = cli(
        "plan",
        "edit-task",
        task_id,
        "--lead",
        "Ban Tuyên giáo Huyện ủy, Văn phòng Huyện ủy",
        "--time",
        "Quý II/2026",
    )

    assert edited.exit_code == 0, edited.stderr
    assert_fits(edited.stdout)
    edited_text = flat(edited.stdout)
    assert "Quý II/2026" in edited_text
    assert "30/06/2026" in edited_text
    assert "Ban Tuyên giáo Huyện ủy; Văn phòng Huyện ủy" in edited_text
    assert cli.rows(f"SELECT kind, due FROM tasks WHERE id = {task_id}") == [("once", "2026-06-30")]

    activated = cli("plan", "activate", plan_id)

    assert activated.exit_code == 0, activated.stderr
    assert_fits(activated.stdout)
    created = cli.scalar("SELECT count(*) FROM assignments")
    assert created > 0
    assert f"đã được kích hoạt: tạo {created} phần việc" in flat(activated.stdout)
    assert cli.scalar(f"SELECT status FROM plans WHERE id = {plan_id}") == "active"

    conditional = cli.scalar(
        "SELECT a.task_id FROM assignments a JOIN tasks t ON t.id = a.task_id "
        "WHERE t.kind = 'conditional' AND a.state = 'dormant' LIMIT 1"
    )
    dormant = cli.scalar(
        f"SELECT count(*) FROM assignments WHERE task_id = {conditional} AND state = 'dormant'"
    )
    triggered = cli("plan", "trigger", conditional, "15/07/2026")

    assert triggered.exit_code == 0, triggered.stderr
    assert f"hạn 15/07/2026: mở {dormant} phần việc" in flat(triggered.stdout)
    assert cli.rows(
        f"SELECT DISTINCT state, due FROM assignments WHERE task_id = {conditional}"
    ) == [("open", "2026-07-15")]


def test_import_of_a_word_file(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.docx"
    lines = CONDITIONAL_SEED.read_text(encoding="utf-8").splitlines()
    build_docx(Document(tuple(Paragraph(line) for line in lines)), path)
    expected = extract_plan(read_plan(path))

    result = cli("plan", "import", path)

    assert result.exit_code == 0, result.stderr
    assert expected.tasks
    assert cli.scalar("SELECT count(*) FROM tasks") == len(expected.tasks)


def test_import_is_quiet_on_stderr_unless_the_plan_is_long(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet = cli("plan", "import", SEEDS[2])
    assert quiet.exit_code == 0
    assert quiet.stderr == ""
    tasks = cli.scalar("SELECT count(*) FROM tasks")
    monkeypatch.setattr(cli_plan, "MANY_TASKS", tasks)

    long = cli("plan", "import", SEEDS[2], "--force")

    assert long.exit_code == 0
    assert "Đang lưu nhiệm vụ" in long.stderr
    assert f"{tasks}/{tasks}" in long.stderr
    assert "Đã nhập kế hoạch mã 2" in long.stdout


def test_list_shows_every_plan(cli: Cli) -> None:
    assert cli("plan", "list").stdout.startswith("Chưa có kế hoạch nào")
    for seed in SEEDS[:2]:
        assert cli("plan", "import", seed).exit_code == 0

    result = cli("plan", "list")

    assert result.exit_code == 0, result.stderr
    assert_fits(result.stdout)
    assert flat(result.stdout).count("bản nháp") == 2


def test_a_file_imported_twice_needs_force(cli: Cli) -> None:
    assert cli("plan", "import", SEEDS[2]).exit_code == 0
    before = cli.dump()

    again = cli("plan", "import", SEEDS[2])

    assert again.exit_code == 1
    assert "đã được nhập thành kế hoạch mã 1" in flat(again.stderr)
    assert cli.dump() == before

    forced = cli("plan", "import", SEEDS[2], "--force")

    assert forced.exit_code == 0, forced.stderr
    assert cli.scalar("SELECT count(*) FROM plans") == 2


# --------------------------------------------------------------------------- bad input


def _write(data: bytes) -> Callable[[Path], object]:
    return lambda path: path.write_bytes(data)


def _sparse(size: int) -> Callable[[Path], object]:
    def make(path: Path) -> None:
        with path.open("wb") as handle:
            handle.truncate(size)

    return make


def _docx_without_tasks(path: Path) -> None:
    build_docx(Document((Paragraph("Thông báo"), Paragraph("Chiều nay họp chi bộ."))), path)


BAD_FILES = {
    "empty": ("trong.txt", _write(b""), ["trống, không có nội dung để đọc"]),
    "binary": ("nhi-phan.txt", _write(bytes(range(256)) * 64), ["không phải là văn bản"]),
    "png_renamed": (
        "anh.docx",
        _write(b"\x89PNG\r\n\x1a\n" + bytes(400)),
        ["không phải là tệp Word (.docx) hợp lệ", "ảnh PNG"],
    ),
    "corrupt_zip": ("hong.docx", _write(b"PK\x03\x04" + bytes(400)), ["bị hỏng"]),
    "too_large": ("lon.txt", _sparse(50 * 1024 * 1024), ["quá lớn", "đến 20 MB"]),
    "undecodable": (
        "bang-ma.txt",
        _write("Größe und Übermaß: Straße, Fußgänger, Maßnahmen für Bürger".encode("latin-1")),
        ["bảng mã", "UTF-8"],
    ),
    "no_tasks": (
        "thong-bao.txt",
        _write("Xin chào các đồng chí.\nHôm nay trời đẹp, chúng ta họp chi bộ.\n".encode()),
        ["Không tìm thấy nhiệm vụ nào trong thong-bao.txt"],
    ),
    "prose_with_work": (
        "cong-van.txt",
        _write(
            "Kính gửi các đồng chí.\nCông an tỉnh chủ trì kiểm tra các điểm nóng trước ngày "
            "30/6/2026.\nXin cảm ơn.\n".encode()
        ),
        [
            "Không tìm thấy nhiệm vụ nào trong cong-van.txt",
            "(1):",
            "2: Công an tỉnh chủ trì kiểm tra các điểm nóng trước ngày 30/6/2026.",
        ],
    ),
    "no_tasks_docx": (
        "thong-bao.docx",
        _docx_without_tasks,
        ["Không tìm thấy nhiệm vụ nào"],
    ),
    "unsupported": ("ke-hoach.xlsx", _write(b"PK\x03\x04 ..."), ["Không hỗ trợ loại tệp .xlsx"]),
    "corrupt_pdf": ("ke-hoach.pdf", _write(b"%PDF-1.4 ..."), ["Tệp ke-hoach.pdf bị hỏng"]),
    "scanned_pdf": ("ban-quet.pdf", _write(image_only_pdf()), ["là PDF scan", "Word (.docx)"]),
}


@pytest.fixture
def populated(cli: Cli) -> Cli:
    """A database holding a plan and a unit, so that any change would show."""
    assert cli("plan", "import", SEEDS[1]).exit_code == 0
    assert cli("units", "add", "Chi bộ Thôn Bản Mới").exit_code == 0
    return cli


@pytest.mark.parametrize("case", BAD_FILES, ids=str)
def test_bad_file_is_refused_and_changes_nothing(populated: Cli, tmp_path: Path, case: str) -> None:
    name, make, phrases = BAD_FILES[case]
    path = tmp_path / name
    make(path)
    before = populated.dump()

    result = populated("plan", "import", path)

    assert result.exit_code != 0
    assert result.stdout == ""
    message = flat(result.stderr)
    for phrase in phrases:
        assert phrase in message
    assert "Traceback" not in result.stderr
    assert populated.dump() == before


def test_missing_file_exits_2(populated: Cli, tmp_path: Path) -> None:
    before = populated.dump()

    result = populated("plan", "import", tmp_path / "khong-co.docx")

    assert result.exit_code == 2
    assert "Không tìm thấy tệp" in result.stderr
    assert populated.dump() == before


def test_parse_reports_bad_files_too(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "trong.txt"
    path.write_bytes(b"")

    result = cli("plan", "parse", path, "--json")

    assert result.exit_code == 1
    assert "Tệp trong.txt trống" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (("plan", "show", "999"), "Không có kế hoạch mã 999"),
        (("plan", "activate", "999"), "Không có kế hoạch mã 999"),
        (("plan", "edit-task", "999", "--time", "Quý I/2026"), "Không có nhiệm vụ mã 999"),
        (("plan", "trigger", "999", "01/01/2026"), "Không có nhiệm vụ mã 999"),
        (("units", "alias", "Đơn vị không có", "ĐVKC"), "Không có đơn vị “Đơn vị không có”"),
    ],
)
def test_unknown_ids_exit_2(populated: Cli, args: tuple[str, ...], phrase: str) -> None:
    before = populated.dump()

    result = populated(*args)

    assert result.exit_code == 2
    assert phrase in flat(result.stderr)
    assert populated.dump() == before


def test_unreadable_time_is_refused(populated: Cli) -> None:
    task_id = populated.scalar("SELECT min(id) FROM tasks")
    before = populated.dump()

    result = populated("plan", "edit-task", task_id, "--lead", "Đảng ủy xã", "--time", "abc xyz")

    assert result.exit_code == 1
    assert "Không hiểu thời gian “abc xyz”" in flat(result.stderr)
    assert populated.dump() == before


def test_edit_task_needs_a_change(populated: Cli) -> None:
    result = populated("plan", "edit-task", "1")

    assert result.exit_code == 2
    assert "Không có gì để sửa" in result.stderr


@pytest.mark.parametrize("text", ["31/02/2026", "2026-07-15", "mai"])
def test_trigger_needs_a_real_date(populated: Cli, text: str) -> None:
    before = populated.dump()

    result = populated("plan", "trigger", "1", text)

    assert result.exit_code == 2
    assert "Không đọc được ngày" in result.stderr
    assert populated.dump() == before


def test_trigger_refuses_a_task_that_waits_for_nothing(cli: Cli) -> None:
    assert cli("plan", "import", CONDITIONAL_SEED).exit_code == 0
    task_id = cli.scalar("SELECT min(id) FROM tasks WHERE kind <> 'conditional'")

    result = cli("plan", "trigger", task_id, "15/07/2026")

    assert result.exit_code == 1
    assert "không phải nhiệm vụ chờ điều kiện" in result.stderr


# --------------------------------------------------------------------------- units


def test_units_commands(cli: Cli, tmp_path: Path) -> None:
    assert cli("units", "list").stdout.startswith("Danh bạ đơn vị đang trống")

    added = cli("units", "add", "Chi bộ Thôn 1")
    assert added.exit_code == 0, added.stderr
    assert "Đã thêm đơn vị “Chi bộ Thôn 1”" in added.stdout
    assert cli("units", "add", "Chi bộ Thôn 2").exit_code == 0
    group = cli("units", "add", "Các chi bộ trực thuộc", "--group")
    assert "Đã thêm nhóm “Các chi bộ trực thuộc”" in group.stdout

    alias = cli("units", "alias", "Chi bộ Thôn 1", "CB T1")
    assert alias.exit_code == 0, alias.stderr
    assert "“CB T1” cũng là tên gọi của “Chi bộ Thôn 1”" in alias.stdout

    members = cli("units", "members", "Các chi bộ trực thuộc", "CB T1", "Chi bộ Thôn 2")
    assert members.exit_code == 0, members.stderr
    assert "có 2 thành viên" in members.stdout

    csv_path = tmp_path / "danh-ba.csv"
    csv_path.write_text(
        "name,kind,aliases,groups\nChi bộ Thôn 3,unit,CB T3,Các chi bộ trực thuộc\n",
        encoding="utf-8-sig",
    )
    imported = cli("units", "import", csv_path)
    assert imported.exit_code == 0, imported.stderr
    assert "1 đơn vị mới" in imported.stdout

    listed = cli("units", "list")
    assert listed.exit_code == 0
    assert_fits(listed.stdout)
    text = flat(listed.stdout)
    for phrase in ("Chi bộ Thôn 1", "CB T1", "CB T3", "nhóm", "đơn vị"):
        assert phrase in text
    assert cli.rows(
        "SELECT count(*) FROM unit_members m JOIN units g ON g.id = m.group_id "
        "WHERE g.name = 'Các chi bộ trực thuộc'"
    ) == [(3,)]

    replaced = cli("units", "members", "Các chi bộ trực thuộc", "Chi bộ Thôn 3", "--replace")
    assert "có 1 thành viên" in replaced.stdout


@pytest.mark.parametrize(
    ("args", "csv", "phrase"),
    [
        (("units", "add", "chi bo thon 1"), None, "đã có trong danh bạ với tên “Chi bộ Thôn 1”"),
        (("units", "members", "Chi bộ Thôn 1", "Chi bộ Thôn 1"), None, "không phải là nhóm"),
        (("units", "add", "  "), None, "Tên đơn vị không được để trống"),
        (
            (
                "units",
                "import",
            ),
            "name,kind\nX,lạ\n",
            "dòng 2: cột kind phải là",
        ),
        (
            (
                "units",
                "import",
            ),
            "ten\nX\n",
            "dòng 1: dòng đầu phải là tên các cột",
        ),
    ],
)
def test_units_refusals_change_nothing(
    cli: Cli, tmp_path: Path, args: tuple[str, ...], csv: str | None, phrase: str
) -> None:
    assert cli("units", "add", "Chi bộ Thôn 1").exit_code == 0
    extra: list[str | Path] = []
    if csv is not None:
        path = tmp_path / "bad.csv"
        path.write_text(csv, encoding="utf-8")
        extra.append(path)
    before = cli.dump()

    result = cli(*args, *extra)

    assert result.exit_code == 1
    assert phrase in flat(result.stderr)
    assert cli.dump() == before


def test_units_import_wants_utf8(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "cp1258.csv"
    path.write_bytes("name\nChi bộ Thôn 1\n".encode("cp1258", errors="replace") + b"\xfe\xff")

    result = cli("units", "import", path)

    assert result.exit_code == 1
    assert "không phải văn bản UTF-8" in result.stderr


# --------------------------------------------------------------------------- start


def test_start_imports_the_seeds_once(cli: Cli) -> None:
    first = cli("start", "--seeds", SHARED_DIR / "seeds")

    assert first.exit_code == 0, first.stderr
    assert_fits(first.stdout)
    assert "Đã nhập 5 kế hoạch mới, 0 kế hoạch đã có từ trước" in flat(first.stdout)
    assert cli.scalar("SELECT count(*) FROM plans") == 5
    tasks = cli.scalar("SELECT count(*) FROM tasks")
    for plan_id in range(1, 6):
        assert f"\n{plan_id} " in "\n" + first.stdout

    second = cli("start", "--seeds", SHARED_DIR / "seeds")

    assert second.exit_code == 0, second.stderr
    assert "Đã nhập 0 kế hoạch mới, 5 kế hoạch đã có từ trước" in flat(second.stdout)
    assert cli.scalar("SELECT count(*) FROM plans") == 5
    assert cli.scalar("SELECT count(*) FROM tasks") == tasks


def test_start_without_the_seed_folder(cli: Cli, tmp_path: Path) -> None:
    result = cli("start", "--seeds", tmp_path / "khong-co")

    assert result.exit_code == 2
    assert "Không có thư mục kế hoạch mẫu" in flat(result.stderr)


def test_start_with_a_refused_token_says_so(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fake_process(token="123:RIGHT") as api_base:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:WRONG")
        monkeypatch.setenv("TELEGRAM_API_BASE", api_base)
        get_settings.cache_clear()
        result = cli("start", "--seeds", SHARED_DIR / "seeds")

    assert result.exit_code == 1
    assert "từ chối khởi động bot" in flat(result.stderr)
    assert "TELEGRAM_BOT_TOKEN" in flat(result.stderr)


def test_start_reads_the_default_seed_folder(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "shared" / "seeds"
    folder.mkdir(parents=True)
    (folder / SEEDS[3].name).write_bytes(SEEDS[3].read_bytes())
    (folder / "ghi-chu.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(bot.cli, "DEFAULT_SEEDS_DIR", folder)

    result = cli("start")

    assert result.exit_code == 0, result.stderr
    assert "Đã nhập 1 kế hoạch mới" in flat(result.stdout)
    assert cli.rows("SELECT source_name FROM plans") == [(SEEDS[3].name,)]


def test_start_without_sample_plans_still_prepares_the_database(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.cli, "DEFAULT_SEEDS_DIR", tmp_path / "khong-co")

    result = cli("start")

    assert result.exit_code == 0, result.stderr
    assert "chưa nạp kế hoạch mẫu nào" in flat(result.stdout)
    assert cli.db_path.exists()
    assert cli.scalar("SELECT count(*) FROM plans") == 0


def test_start_refuses_a_bad_seed_and_stores_nothing(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SEEDS[0].read_bytes())
    (folder / "b.txt").write_bytes(b"")

    result = cli("start", "--seeds", folder)

    assert result.exit_code == 1
    assert "Tệp b.txt trống" in result.stderr
    assert not cli.db_path.exists()


# --------------------------------------------------------------------------- languages, settings


def test_english_on_request(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "en")
    get_settings.cache_clear()

    result = cli("plan", "show", "7")

    assert result.exit_code == 2
    assert "There is no plan with id 7" in result.stderr


def test_invalid_settings_are_reported_without_traceback(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIMEZONE", "Sao Hỏa/Olympus")
    get_settings.cache_clear()

    result = cli("plan", "list")

    assert result.exit_code == 1
    assert "Cấu hình không hợp lệ" in result.stderr
    assert "timezone" in result.stderr


def test_runs_as_a_module(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
        "LANGUAGE": "vi",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "plan", "parse", str(SEEDS[2]), "--json"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["tasks"]
    assert not (tmp_path / "db.sqlite").exists()


def test_day_format_is_dd_mm_yyyy(cli: Cli) -> None:
    from bot.render import day

    assert day(date(2026, 3, 1)) == "01/03/2026"


def test_recurrence_names_include_daily(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.render import every_name

    assert [every_name(e.value) for e in Every] == [
        "hằng ngày",
        "hằng tuần",
        "hằng tháng",
        "hằng quý",
        "6 tháng một lần",
        "hằng năm",
    ]
    monkeypatch.setenv("LANGUAGE", "en")
    get_settings.cache_clear()
    assert every_name(Every.DAY.value) == "every day"


def test_size_limit_comes_from_the_settings(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_PLAN_BYTES", str(2 * 1024 * 1024))
    get_settings.cache_clear()
    plan = tmp_path / "ke-hoach.txt"
    plan.write_bytes(SEEDS[0].read_bytes() * 200)

    result = cli("plan", "import", plan)

    assert result.exit_code == 1
    assert "đến 2 MB" in flat(result.stderr)
    assert not cli.db_path.exists() or cli.scalar("SELECT count(*) FROM plans") == 0
