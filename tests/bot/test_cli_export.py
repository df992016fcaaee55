"""``report export``: the Excel, Word and chart files of seed plans, in one run, and the
refusals that write nothing."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from bot.cli import app
from tests.bot.conftest import Cli, flat
from tests.shared import SEEDS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def export(*args: str | Path) -> Result:
    result = CliRunner().invoke(app, ["report", "export", *(str(arg) for arg in args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception,
        result.stderr,
    )
    return result


@pytest.fixture
def active(cli: Cli) -> Cli:
    """The first two seed plans imported; only plan 1 activated."""
    for seed in SEEDS[:2]:
        assert cli("plan", "import", seed).exit_code == 0
    assert cli("plan", "activate", "1").exit_code == 0
    return cli


def test_one_plan_to_excel_word_and_chart(active: Cli, tmp_path: Path) -> None:
    before = active.dump()
    files = tmp_path / "xlsx", tmp_path / "bc.docx", tmp_path / "tien-do.png"
    xlsx, report, chart = files

    result = export("--plan", "1", "--xlsx", xlsx, "--docx", report, "--chart", chart)

    assert result.exit_code == 0, result.stderr
    assert flat(result.stdout).count("Đã ghi:") == 3
    assert all(path.name in result.stdout for path in files)
    book = load_workbook(io.BytesIO(xlsx.read_bytes()))
    assert book.sheetnames[0] == "Tổng hợp"
    assert len(book.sheetnames) == 2
    tasks = book.worksheets[1]
    assert [cell.value for cell in tasks[3]][:2] == ["Stt", "Nội dung"]
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    task_count = active.scalar(
        "SELECT count(DISTINCT task_id || ':' || period_key) FROM assignments "
        "WHERE state != 'cancelled' "
        f"AND (period_start IS NULL OR period_start <= '{today}')"
    )
    assert tasks.max_row - 3 == task_count
    document = docx.Document(io.BytesIO(report.read_bytes()))
    headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    assert headings == [
        "I. KẾT QUẢ THỰC HIỆN",
        "II. HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC",
        "III. NHIỆM VỤ THỜI GIAN TỚI",
    ]
    assert "Lùng Phình, ngày" in document.tables[0].rows[0].cells[1].paragraphs[1].text
    assert len(document.tables[-1].rows) == task_count + 1
    assert chart.read_bytes().startswith(PNG_SIGNATURE)
    assert active.dump() == before


def test_every_active_plan_without_plan(active: Cli, tmp_path: Path) -> None:
    assert active("plan", "activate", "2").exit_code == 0
    xlsx = tmp_path / "all.xlsx"
    chart = tmp_path / "all.png"

    result = export("--xlsx", xlsx, "--chart", chart, "--lang", "en")

    assert result.exit_code == 0, result.stderr
    book = load_workbook(io.BytesIO(xlsx.read_bytes()))
    assert book.sheetnames[0] == "Summary"
    assert [name.split(".")[0] for name in book.sheetnames[1:]] == ["1", "2"]
    assert [cell.value for cell in book.worksheets[1][3]][:2] == ["No.", "Content"]
    assert chart.read_bytes().startswith(PNG_SIGNATURE)


def test_the_word_report_needs_a_plan(active: Cli, tmp_path: Path) -> None:
    result = export("--docx", tmp_path / "bc.docx", "--xlsx", tmp_path / "a.xlsx")

    assert result.exit_code == 2
    assert "--plan" in result.stderr
    assert list(tmp_path.glob("*.docx")) == list(tmp_path.glob("*.xlsx")) == []


def test_nothing_to_write(active: Cli) -> None:
    result = export("--plan", "1")

    assert result.exit_code == 2
    assert "--xlsx, --docx" in result.stderr


def test_unknown_plan_writes_nothing(active: Cli, tmp_path: Path) -> None:
    result = export("--plan", "99", "--xlsx", tmp_path / "a.xlsx")

    assert result.exit_code == 2
    assert "99" in result.stderr
    assert not (tmp_path / "a.xlsx").exists()


def test_no_active_plan(cli: Cli, tmp_path: Path) -> None:
    assert cli("plan", "import", SEEDS[0]).exit_code == 0

    result = export("--xlsx", tmp_path / "a.xlsx")

    assert result.exit_code == 1
    assert "nhacviec plan activate" in flat(result.stderr)


def test_bad_date_and_unknown_language(active: Cli, tmp_path: Path) -> None:
    bad_date = export("--plan", "1", "--xlsx", tmp_path / "a.xlsx", "--since", "31/02/2026")
    bad_language = export("--plan", "1", "--xlsx", tmp_path / "a.xlsx", "--lang", "fr")

    assert bad_date.exit_code == 2 and "31/02/2026" in bad_date.stderr
    assert bad_language.exit_code == 2 and "fr" in bad_language.stderr
    assert not (tmp_path / "a.xlsx").exists()


def test_place_and_since(active: Cli, tmp_path: Path) -> None:
    report = tmp_path / "bc.docx"

    result = export("--plan", "1", "--docx", report, "--place", "Sìn Hồ", "--since", "01/01/2026")

    assert result.exit_code == 0, result.stderr
    document = docx.Document(io.BytesIO(report.read_bytes()))
    assert document.tables[0].rows[0].cells[1].paragraphs[1].text.startswith("Sìn Hồ, ngày ")


def test_a_folder_that_does_not_exist(active: Cli, tmp_path: Path) -> None:
    result = export("--plan", "1", "--xlsx", tmp_path / "missing" / "a.xlsx")

    assert result.exit_code == 1
    assert "missing" in result.stderr
