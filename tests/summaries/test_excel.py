"""The Excel workbook, read back with openpyxl: sheets, header, layout, colours and the
summary's numbers."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from summaries.excel import sheet_names, workbook_bytes
from summaries.model import PeriodRollup
from summaries.status import StatusCounts
from tests.summaries.exports import EN, ROWS, VI, summary

HEADERS_VI = [
    "Stt",
    "Nội dung",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời hạn",
    "Tình trạng",
    "Tiến độ (%)",
    "Khó khăn, vướng mắc",
    "Cập nhật lần cuối",
]


def _open(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def _sheet(book: Workbook, index: int) -> Worksheet:
    sheet = book.worksheets[index]
    assert isinstance(sheet, Worksheet)
    return sheet


def _row(sheet: Worksheet, number: int) -> list[object]:
    return [cell.value for cell in sheet[number]]


def _fill(sheet: Worksheet, reference: str) -> str:
    return str(sheet[reference].fill.start_color.rgb)[-6:]


@pytest.fixture
def book() -> Workbook:
    second = summary(plan_id=8, title="CHƯƠNG TRÌNH HÀNH ĐỘNG Thực hiện Kết luận", units=[])
    return _open(workbook_bytes([(summary(), ROWS), (second, [])], VI))


def test_a_summary_sheet_then_one_sheet_per_plan(book: Workbook) -> None:
    assert book.sheetnames == [
        "Tổng hợp",
        "7. Thực hiện Nghị quyết về công",
        "8. Thực hiện Kết luận",
    ]


def test_task_sheet_has_title_bold_frozen_header_and_rows(book: Workbook) -> None:
    sheet = _sheet(book, 1)

    assert sheet["A1"].value == "KẾ HOẠCH Thực hiện Nghị quyết về công tác tuyên giáo, dân vận"
    assert sheet["A2"].value == "Tính đến ngày 23/11/2026"
    assert _row(sheet, 3) == HEADERS_VI
    assert all(cell.font.b for cell in sheet[3])
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:I8"
    assert _row(sheet, 4) == [
        "1",
        "Tổ chức hội nghị quán triệt Nghị quyết",
        "Chi bộ thôn Nà Hẩu",
        "Văn phòng Đảng ủy; Đoàn Thanh niên",
        "Quý III/2026",
        "Quá hạn chưa hoàn thành",
        40,
        "Chi bộ thôn Nà Hẩu: thiếu kinh phí\nVăn phòng Đảng ủy: chờ hướng dẫn",
        datetime(2026, 11, 21, 0, 30),  # local time in Hà Nội
    ]
    assert sheet["I4"].number_format == "dd/mm/yyyy hh:mm"
    assert [sheet.cell(row, 6).value for row in range(5, 9)] == [
        "Đang thực hiện",
        "Hoàn thành đúng hạn",
        "Chờ kích hoạt",
        "Đang thực hiện",
    ]
    assert sheet["G5"].value is None and sheet["I5"].value is None


def test_status_cells_are_coloured_by_status(book: Workbook) -> None:
    sheet = _sheet(book, 1)

    assert [_fill(sheet, f"F{row}") for row in range(4, 9)] == [
        "FFC7CE",
        "DDEBF7",
        "C6EFCE",
        "EDEDED",
        "DDEBF7",
    ]


def test_columns_fit_their_content_within_bounds_and_long_text_wraps(book: Workbook) -> None:
    sheet = _sheet(book, 1)
    width = {column: sheet.column_dimensions[column].width for column in "ABCDEFGHI"}

    assert width["A"] <= 8
    assert width["B"] == 60  # the long content is capped, and wraps
    assert 20 <= width["D"] <= 36
    assert width["H"] <= 45
    assert sheet["B5"].alignment.wrap_text
    assert sheet.row_dimensions[5].height > sheet.row_dimensions[6].height


def test_summary_sheet_numbers_by_plan_and_unit(book: Workbook) -> None:
    sheet = _sheet(book, 0)

    assert sheet.freeze_panes == "C4"
    assert _row(sheet, 3) == [
        "Kế hoạch",
        "Đơn vị",
        "Hoàn thành đúng hạn",
        "Hoàn thành quá hạn",
        "Đang thực hiện",
        "Quá hạn chưa hoàn thành",
        "Chưa báo cáo",
        "Tỷ lệ hoàn thành",
        "Tiến độ bình quân",
    ]
    label = "7. Thực hiện Nghị quyết về công tác tuyên giáo, dân vận"
    assert _row(sheet, 4) == [label, "Toàn kế hoạch", 5, 1, 3, 2, 2, pytest.approx(6 / 11), 0.4]
    assert sheet["B4"].font.b
    assert _row(sheet, 5) == [label, "Chi bộ thôn Nà Hẩu", 2, 0, 1, 2, 1, 0.4, 0.2]
    assert _row(sheet, 6) == [label, "Văn phòng Đảng ủy", 3, 1, 2, 0, 1, pytest.approx(4 / 6), 0.6]
    assert _row(sheet, 7) == [label, "Đoàn Thanh niên", 0, 0, 0, 0, 0, None, None]
    assert _row(sheet, 8) == [
        "8. Thực hiện Kết luận",
        "Toàn kế hoạch",
        5,
        1,
        3,
        2,
        2,
        pytest.approx(6 / 11),
        0.4,
    ]
    assert sheet["H4"].number_format == "0.0%"
    assert _fill(sheet, "F5") == "FFC7CE"


def test_summary_sheet_rows_by_period_of_recurring_work() -> None:
    periods = [
        PeriodRollup("2026-Q1", StatusCounts(done_on_time=3, overdue=1, not_reported=1)),
        PeriodRollup("2026-Q2", StatusCounts(in_progress=2, average_percent=50.0)),
        PeriodRollup("once", StatusCounts(done_on_time=5)),
    ]
    book = _open(workbook_bytes([(summary(periods=periods), ROWS)], VI))
    sheet = _sheet(book, 0)

    label = "7. Thực hiện Nghị quyết về công tác tuyên giáo, dân vận"
    assert _row(sheet, 4)[1] == "Toàn kế hoạch"
    assert _row(sheet, 5) == [label, "Kỳ: Quý I/2026", 3, 0, 0, 1, 1, 0.75, None]
    assert _row(sheet, 6) == [label, "Kỳ: Quý II/2026", 0, 0, 2, 0, 0, 0.0, 0.5]
    assert sheet["B5"].font.i and not sheet["B5"].font.b
    assert _row(sheet, 7)[1] == "Chi bộ thôn Nà Hẩu"


def test_english_headers() -> None:
    book = _open(workbook_bytes([(summary(), ROWS)], EN))

    assert book.sheetnames[0] == "Summary"
    assert _row(_sheet(book, 1), 3)[:3] == ["No.", "Content", "Lead unit"]
    assert _sheet(book, 1)["F4"].value == "Overdue, not done"


def test_no_plans_gives_an_empty_summary() -> None:
    book = _open(workbook_bytes([], VI))

    assert book.sheetnames == ["Tổng hợp"]
    assert _row(_sheet(book, 0), 3)[0] == "Kế hoạch"


def test_sheet_names_are_valid_and_unique() -> None:
    names = sheet_names(
        [
            "Tổng hợp",
            "tổng hợp",
            "1. Kế hoạch [số 18]: tuyên truyền/vận động * nhân dân?",
            "'Trích dẫn'",
            "History",
            "",
            "A" * 40,
            "A" * 40,
        ]
    )

    assert names == [
        "Tổng hợp",
        "tổng hợp (2)",
        "1. Kế hoạch số 18 tuyên truyền",
        "Trích dẫn",
        "History (2)",
        "Sheet",
        "A" * 31,
        "A" * 27 + " (2)",
    ]
    assert all(len(name) <= 31 for name in names)
    assert len({name.casefold() for name in names}) == len(names)


def test_counts_of_an_empty_plan_are_written_as_zero() -> None:
    empty = summary(counts=StatusCounts(), units=[])
    sheet = _sheet(_open(workbook_bytes([(empty, [])], VI)), 0)

    assert _row(sheet, 4)[2:] == [0, 0, 0, 0, 0, None, None]


def test_a_long_plan_name_is_shortened_on_the_summary_rows() -> None:
    long = summary(title="KẾ HOẠCH " + "Thực hiện Nghị quyết về công tác tuyên giáo " * 6)
    sheet = _sheet(_open(workbook_bytes([(long, [])], VI)), 0)
    labels = {sheet.cell(row, 1).value for row in range(4, 8)}

    assert len(labels) == 1
    label = str(labels.pop())
    assert label.startswith("7. Thực hiện Nghị quyết về công tác tuyên giáo Thực hiện")
    assert label.endswith(" …") and len(label) <= 80
