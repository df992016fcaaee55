"""The Word report, read back with python-docx: header block, title, the three sections,
the signature and the appendix table, on A4 in Times New Roman."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import docx
import pytest
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Length, Pt
from docx.table import Table, _Cell

from summaries.status import StatusCounts
from summaries.word import document_date, place_of, report_docx
from tests.summaries.exports import EN, ROWS, TODAY, VI, summary
from tests.summaries.test_excel import HEADERS_VI

HEADINGS_VI = [
    "I. KẾT QUẢ THỰC HIỆN",
    "II. HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC",
    "III. NHIỆM VỤ THỜI GIAN TỚI",
]


def _open(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def _lines(cell: _Cell) -> list[str]:
    return [paragraph.text for paragraph in cell.paragraphs]


def _texts(document: Document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


def _between(document: Document, first: str, last: str | None) -> list[str]:
    texts = _texts(document)
    start = texts.index(first) + 1
    return texts[start : texts.index(last)] if last is not None else texts[start:]


def _shading(cell: _Cell) -> str | None:
    properties = cell._tc.tcPr
    shading = properties.find(qn("w:shd")) if properties is not None else None
    return None if shading is None else shading.get(qn("w:fill"))


@pytest.fixture
def report() -> Document:
    return _open(report_docx(summary(), ROWS, place=None, today=TODAY, translations=VI))


def test_header_block_names_the_issuer_and_the_party(report: Document) -> None:
    header = report.tables[0]
    left, right = header.rows[0].cells

    assert _lines(left) == ["ĐẢNG ỦY XÃ LIÊN MINH", "*", "Số: …-BC/ĐU"]
    assert _lines(right) == ["ĐẢNG CỘNG SẢN VIỆT NAM", "Liên Minh, ngày 23 tháng 11 năm 2026"]
    nation = right.paragraphs[0].runs[0]
    assert nation.bold and nation.underline
    assert right.paragraphs[1].runs[0].italic
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}


def test_title_is_centred_and_bold(report: Document) -> None:
    texts = _texts(report)
    title = texts.index("BÁO CÁO")

    assert texts[title + 1] == (
        "Kết quả thực hiện Kế hoạch số 18-KH/ĐU về thực hiện Nghị quyết về công tác tuyên giáo, "
        "dân vận"
    )
    for paragraph in report.paragraphs[title : title + 2]:
        assert paragraph.alignment == 1  # centred
        assert all(run.bold for run in paragraph.runs)


def test_the_three_sections_are_headings(report: Document) -> None:
    headings = [
        p.text for p in report.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]

    assert headings == HEADINGS_VI


def test_results_give_the_numbers_as_sentences_and_by_unit(report: Document) -> None:
    results = _between(report, HEADINGS_VI[0], HEADINGS_VI[1])

    assert results == [
        "Tính đến ngày 23/11/2026, có 11 lượt nhiệm vụ đã đến kỳ thực hiện, giao cho 3 đơn vị.",
        "Đã hoàn thành 6 lượt (54,5%), trong đó đúng hạn 5, quá hạn 1; đang thực hiện 3; "
        "quá hạn chưa hoàn thành 2.",
        "Tiến độ bình quân của các nhiệm vụ đang thực hiện: 40%.",
        "Số lượt nhiệm vụ chưa có báo cáo: 2.",
        "Nhiệm vụ thường xuyên: 2/3 lượt đã báo cáo trong kỳ (66,7%).",
        "Số nhiệm vụ chờ điều kiện để triển khai: 1.",
        "Kết quả theo đơn vị:",
        "Chi bộ thôn Nà Hẩu: hoàn thành 2/5 (40%); đang thực hiện 1; quá hạn 2.",
        "Văn phòng Đảng ủy: hoàn thành 4/6 (66,7%); đang thực hiện 2; quá hạn 0.",
        "Đoàn Thanh niên: nhiệm vụ thường xuyên, đã báo cáo 1/2 trong kỳ.",
    ]


def test_limitations_list_problems_by_unit_and_the_late_and_silent_units(
    report: Document,
) -> None:
    limitations = _between(report, HEADINGS_VI[1], HEADINGS_VI[2])

    assert limitations == [
        "Khó khăn, vướng mắc các đơn vị đã báo cáo:",
        "Chi bộ thôn Nà Hẩu:",
        # Reported at 17:30 UTC: already the 21st in Hà Nội.
        "Tổ chức hội nghị quán triệt Nghị quyết: thiếu kinh phí (21/11/2026)",
        "Các đơn vị còn nhiệm vụ quá hạn chưa hoàn thành: Chi bộ thôn Nà Hẩu (2).",
        "Các đơn vị chưa báo cáo: Đoàn Thanh niên.",
    ]


def test_tasks_ahead_are_editable_bullets_of_overdue_and_coming_work(report: Document) -> None:
    ahead = [text for text in _between(report, HEADINGS_VI[2], "PHỤ LỤC") if text]
    bullets = [
        p.text for p in report.paragraphs if p.style is not None and p.style.name == "List Bullet"
    ]
    content = "Sơ kết công tác tuyên truyền " * 8

    assert ahead[:4] == [
        "Tập trung chỉ đạo hoàn thành các nhiệm vụ đã quá hạn:",
        "Tổ chức hội nghị quán triệt Nghị quyết (Chi bộ thôn Nà Hẩu; thời hạn: Quý III/2026)",
        "Các nhiệm vụ đến hạn trong thời gian tới:",
        # The body quotes at most 200 characters of a task; the appendix has it all.
        f"{content[:199].rstrip()}… (Văn phòng Đảng ủy; thời hạn: 15/12/2026)",
    ]
    assert ahead[1] in bullets and ahead[3] in bullets
    assert not any("Hội nghị giữa nhiệm kỳ" in text for text in ahead)  # due in 2027


def test_a_recurring_task_is_one_bullet_with_its_periods() -> None:
    monthly = [
        replace(ROWS[0], number="2.1", content="Báo cáo tháng", deadline=f"Tháng {month}/2026")
        for month in range(1, 7)
    ]
    quarterly = [
        replace(ROWS[0], number="2.2", content="Báo cáo quý", deadline=f"Quý {quarter}/2026")
        for quarter in ("I", "II")
    ]
    report = _open(
        report_docx(summary(), monthly + quarterly, place=None, today=TODAY, translations=VI)
    )
    ahead = [text for text in _between(report, HEADINGS_VI[2], "PHỤ LỤC") if text]

    assert ahead == [
        "Tập trung chỉ đạo hoàn thành các nhiệm vụ đã quá hạn:",
        "Báo cáo tháng (Chi bộ thôn Nà Hẩu; thời hạn: Tháng 1/2026, Tháng 2/2026, …, Tháng 6/2026)",
        "Báo cáo quý (Chi bộ thôn Nà Hẩu; thời hạn: Quý I/2026, Quý II/2026)",
    ]
    assert len(report.tables[-1].rows) == 1 + 8


def test_signature_block_signs_for_the_committee(report: Document) -> None:
    signature = report.tables[1]
    left, right = signature.rows[0].cells

    assert _lines(left)[0] == "Nơi nhận:"
    assert _lines(right)[:2] == ["T/M ĐẢNG ỦY", "BÍ THƯ"]


@pytest.mark.parametrize(
    ("issuer", "left", "place", "signs"),
    [
        (
            "Ban Thường vụ Đảng ủy xã Xuân Hưng",
            "BAN THƯỜNG VỤ ĐẢNG ỦY XÃ XUÂN HƯNG",
            "Xuân Hưng",
            "T/M BAN THƯỜNG VỤ",
        ),
        (
            "Ban Chấp hành Đảng bộ xã Lùng Phình",
            "BAN CHẤP HÀNH ĐẢNG BỘ XÃ LÙNG PHÌNH",
            "Lùng Phình",
            "T/M BAN CHẤP HÀNH",
        ),
        ("Huyện ủy Mường Tè", "HUYỆN ỦY MƯỜNG TÈ", "Mường Tè", "T/M HUYỆN ỦY"),
    ],
)
def test_the_issuer_heads_and_signs_the_report(
    issuer: str, left: str, place: str, signs: str
) -> None:
    report = _open(
        report_docx(summary(issuer=issuer), ROWS, place=None, today=TODAY, translations=VI)
    )

    assert _lines(report.tables[0].rows[0].cells[0])[0] == left
    assert _lines(report.tables[0].rows[0].cells[1])[1] == f"{place}, ngày 23 tháng 11 năm 2026"
    assert _lines(report.tables[1].rows[0].cells[1])[0] == signs


def test_appendix_table_on_a_landscape_page(report: Document) -> None:
    table: Table = report.tables[-1]
    cells = [[cell.text for cell in row.cells] for row in table.rows]

    assert cells[0] == HEADERS_VI
    assert cells[1] == [
        "1",
        "Tổ chức hội nghị quán triệt Nghị quyết",
        "Chi bộ thôn Nà Hẩu",
        "Văn phòng Đảng ủy; Đoàn Thanh niên",
        "Quý III/2026",
        "Quá hạn chưa hoàn thành",
        "40",
        "Chi bộ thôn Nà Hẩu: thiếu kinh phí\nVăn phòng Đảng ủy: chờ hướng dẫn",
        "21/11/2026 00:30",
    ]
    assert [row[5] for row in cells[2:]] == [
        "Đang thực hiện",
        "Hoàn thành đúng hạn",
        "Chờ kích hoạt",
        "Đang thực hiện",
    ]
    assert cells[2][6] == "" and cells[2][8] == ""
    assert _shading(table.rows[1].cells[5]) == "FFC7CE"
    assert _shading(table.rows[3].cells[5]) == "C6EFCE"
    header = table.rows[0]._tr.trPr
    assert header is not None and header.find(qn("w:tblHeader")) is not None
    assert report.sections[-1].orientation == WD_ORIENT.LANDSCAPE
    assert "PHỤ LỤC" in _texts(report)


def test_page_and_font_follow_vietnamese_documents(report: Document) -> None:
    first = report.sections[0]
    normal = report.styles["Normal"]

    def cm(length: Length | None) -> float:
        assert length is not None
        return round(float(length.cm), 1)

    assert (cm(first.page_width), cm(first.page_height)) == (21.0, 29.7)
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert (cm(first.top_margin), cm(first.bottom_margin)) == (2.0, 2.0)
    assert (cm(first.left_margin), cm(first.right_margin)) == (3.0, 1.5)
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    fonts = normal.element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "Times New Roman"
    heading_fonts = report.styles["Heading 1"].element.rPr.rFonts
    assert heading_fonts.get(qn("w:asciiTheme")) is None
    assert heading_fonts.get(qn("w:ascii")) == "Times New Roman"


def test_place_given_wins_and_missing_details_are_left_to_fill_in() -> None:
    given = _open(report_docx(summary(), ROWS, place="Hà Nội", today=TODAY, translations=VI))
    bare = summary(issuer=None, number=None, problems=[], silent_units=[], units=[])
    blank = _open(report_docx(bare, [], place=None, today=TODAY, translations=VI))

    assert _lines(given.tables[0].rows[0].cells[1])[1] == "Hà Nội, ngày 23 tháng 11 năm 2026"
    left, right = blank.tables[0].rows[0].cells
    assert _lines(left) == ["……", "*", "Số: …-BC/……"]
    assert _lines(right)[1] == "……, ngày 23 tháng 11 năm 2026"
    texts = _texts(blank)
    assert (
        "Kết quả thực hiện Kế hoạch về thực hiện Nghị quyết về công tác tuyên giáo, dân vận"
        in texts
    )
    assert "Chưa có đơn vị báo cáo khó khăn, vướng mắc." in texts
    assert "Không có nhiệm vụ quá hạn hoặc đến hạn trong thời gian tới." in texts
    assert [cell.text for cell in blank.tables[-1].rows[0].cells] == HEADERS_VI
    assert len(blank.tables[-1].rows) == 1


def test_english_report() -> None:
    report = _open(
        report_docx(summary(), ROWS, place=None, today=TODAY, translations=EN, language="en")
    )
    headings = [
        p.text for p in report.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]

    assert headings == [
        "I. RESULTS",
        "II. LIMITATIONS, DIFFICULTIES AND OBSTACLES",
        "III. TASKS AHEAD",
    ]
    assert "REPORT" in _texts(report)
    assert (
        "Done: 6 (54.5%), of which on time: 5, late: 1; in progress: 3; overdue, not done: 2."
        in _texts(report)
    )


def test_problems_left_out_of_the_summary_are_counted() -> None:
    crowded = replace(summary().problems[0], more=4)
    report = _open(
        report_docx(summary(problems=[crowded]), ROWS, place=None, today=TODAY, translations=VI)
    )

    assert "… và 4 ý kiến khác." in _texts(report)


def test_change_since_the_previous_report() -> None:
    previous = StatusCounts(done_on_time=2, done_late=1, in_progress=4, overdue=4)
    report = _open(
        report_docx(summary(previous=previous), ROWS, place=None, today=TODAY, translations=VI)
    )

    assert "So với báo cáo trước: hoàn thành +3, quá hạn −2." in _texts(report)


def test_dates_and_places_as_official_documents_write_them() -> None:
    assert (
        document_date("Lùng Phình", date(2026, 2, 5), VI) == "Lùng Phình, ngày 05 tháng 02 năm 2026"
    )
    assert (
        document_date("Lùng Phình", date(2026, 10, 15), VI)
        == "Lùng Phình, ngày 15 tháng 10 năm 2026"
    )
    assert place_of("Ban Thường vụ Đảng ủy xã Xuân Hưng") == "Xuân Hưng"
    assert place_of("Ban Chấp hành Đảng bộ huyện Mường Tè") == "Mường Tè"
    assert place_of("Ban Thường vụ Huyện ủy Mường Tè") == "Mường Tè"
    assert place_of("Văn phòng") is None
    assert place_of(None) is None
