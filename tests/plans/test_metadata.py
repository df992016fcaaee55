"""A plan's title, number, issuer and period, from its opening lines and header block."""

from __future__ import annotations

from datetime import date

import pytest

from plans.extract import extract_plan
from plans.metadata import PlanHeader, read_header, term_period
from plans.model import Document, Paragraph, Table


def _header(text: str) -> tuple[str | None, tuple[int, int] | None]:
    document = Document(tuple(Paragraph(line) for line in text.split("\n")), hard_wrapped=True)
    plan = extract_plan(document)
    return plan.issuer, plan.period


def test_issuer_from_the_header_block_in_sentence_case() -> None:
    issuer, _ = _header(
        "ĐẢNG BỘ TỈNH LẠNG SƠN\tĐẢNG CỘNG SẢN VIỆT NAM\n"
        "ĐẢNG ỦY XÃ HỮU KIÊN\n"
        "Số 112-KH/ĐU\tHữu Kiên, ngày 05 tháng 3 năm 2026\n"
        "KẾ HOẠCH\n"
        "thực hiện Chỉ thị số 45-CT/TW về đại hội đảng bộ các cấp\n"
    )
    assert issuer == "Đảng ủy xã Hữu Kiên"


def test_issuer_from_a_word_header_table() -> None:
    blocks = (
        Table((("HUYỆN ỦY MƯỜNG TÈ", "ĐẢNG CỘNG SẢN VIỆT NAM"), ("Số 05-KH/HU", ""))),
        Paragraph("KẾ HOẠCH"),
        Paragraph("Thực hiện Kết luận số 224-KL/TU về công tác tư tưởng"),
    )
    header = read_header([p.text for p in blocks if isinstance(p, Paragraph)], blocks)
    assert header.issuer == "Huyện ủy Mường Tè"


@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        (
            "KẾ HOẠCH\nTuyên truyền Đại hội Đảng bộ xã Liên Minh khóa III\n"
            "Đảng ủy xã ………… xây dựng kế hoạch như sau:",
            "Đảng ủy xã Liên Minh",
        ),
        (
            "KẾ HOẠCH\nNâng cao hiệu quả công tác dân vận xã Phủ Thông, nhiệm kỳ 2025 - 2030\n"
            "Ban Thường vụ Đảng ủy xã xây dựng Kế hoạch như sau:",
            "Ban Thường vụ Đảng ủy xã Phủ Thông",
        ),
        (
            "HUYỆN ỦY MƯỜNG TÈ\nKẾ HOẠCH\nThực hiện Kết luận về công tác tư tưởng\n"
            "Ban Chấp hành Đảng bộ huyện ban hành kế hoạch thực hiện như sau:",
            "Ban Chấp hành Đảng bộ huyện Mường Tè",
        ),
        (
            "KẾ HOẠCH\nThực hiện Nghị quyết về công tác tư tưởng\n"
            "Đảng ủy xã ………… xây dựng kế hoạch như sau:",
            "Đảng ủy xã …………",
        ),
    ],
)
def test_a_place_left_out_of_the_issuer_is_named_from_the_plan(text: str, issuer: str) -> None:
    assert _header(text)[0] == issuer


def test_a_plan_without_years_runs_to_the_end_of_its_term() -> None:
    _, period = _header(
        "KẾ HOẠCH\nThực hiện Nghị quyết về công tác chính trị, tư tưởng trong giai đoạn hiện nay\n"
        "Thực hiện Nghị quyết số 18-NQ/TU, ngày 11 tháng 5 năm 2026 của Ban Thường vụ Tỉnh ủy\n"
        "I. NHIỆM VỤ\n- Tuyên truyền nghị quyết thường xuyên."
    )
    assert period == (2026, 2030)


@pytest.mark.parametrize(
    ("dated", "period"),
    [
        ("ngày 10/12/2025", (2025, 2030)),
        ("ngày 03-02-2029", (2029, 2030)),
        ("ngày 5 tháng 1 năm 2030", (2030, 2035)),
        ("đến năm 2045", None),
    ],
)
def test_term_period(dated: str, period: tuple[int, int] | None) -> None:
    assert term_period([f"Căn cứ Nghị quyết số 01-NQ/TU {dated} của Tỉnh ủy"]) == period


def _read(text: str) -> PlanHeader:
    blocks = tuple(Paragraph(line) for line in text.split("\n"))
    return read_header([b.text for b in blocks if b.text.strip()], blocks)


def test_a_subject_citing_a_resolution_is_the_title_and_its_number_the_plans() -> None:
    header = _read(
        "KẾ HOẠCH\n"
        "Thực hiện Nghị quyết số 57-NQ/TW, ngày 22/12/2024 của Bộ Chính trị về chuyển đổi số\n"
        "-----\n"
        "Căn cứ Nghị quyết số 57-NQ/TW, Ban Thường vụ Đảng ủy xã Bảo Hà ban hành Kế hoạch:"
    )
    assert header.title == (
        "KẾ HOẠCH Thực hiện Nghị quyết số 57-NQ/TW, ngày 22/12/2024 của Bộ Chính trị "
        "về chuyển đổi số"
    )
    assert header.number == "57-NQ/TW"
    assert header.issuer == "Ban Thường vụ Đảng ủy xã Bảo Hà"


def test_a_body_sentence_citing_a_resolution_is_not_the_title() -> None:
    header = _read(
        "KẾ HOẠCH\n"
        "Thực hiện Nghị quyết số 18-NQ/TU của Ban Thường vụ Tỉnh ủy; để cụ thể hóa nghị quyết,"
    )
    assert header.title == "KẾ HOẠCH"


def test_without_a_cited_document_the_number_is_the_plans_own() -> None:
    header = _read(
        "HUYỆN ỦY THANH SƠN\tĐẢNG CỘNG SẢN VIỆT NAM\n"
        "Số: 112 - KH/HU\tThanh Sơn, ngày 06 tháng 01 năm 2025\n"
        "KẾ HOẠCH\n"
        "công tác tuyên giáo năm 2025\n"
        "Ban Thường vụ Huyện ủy xây dựng kế hoạch công tác tuyên giáo năm 2025 như sau:"
    )
    assert header.number == "112-KH/HU"
    assert header.issuer == "Ban Thường vụ Huyện ủy Thanh Sơn"


def test_the_number_is_the_document_carried_out_and_the_issuer_no_topic() -> None:
    header = _read(
        "KẾ HOẠCH\n"
        "kiểm tra, giám sát năm 2026\n"
        "Căn cứ Quy định số 296-QĐ/TW của Ban Chấp hành Trung ương; thực hiện Chương trình "
        "số 05-CTr/ĐU của Ban Thường vụ Tỉnh ủy về xây dựng thôn văn hóa, Ban Thường vụ Đảng "
        "ủy xã Quảng Phú xây dựng kế hoạch như sau:"
    )
    assert header.number == "05-CTr/ĐU"
    assert header.issuer == "Ban Thường vụ Đảng ủy xã Quảng Phú"
    assert header.period == (2026, 2026)


def test_the_year_of_a_date_in_the_title_is_no_one_year_plan() -> None:
    header = _read("KẾ HOẠCH\nThực hiện Chỉ thị số 05-CT/TU ngày 05 tháng 3 năm 2026 của Tỉnh ủy")
    assert header.period is None


@pytest.mark.parametrize(
    ("text", "issued"),
    [
        (
            "ĐẢNG ỦY XÃ HỮU KIÊN\tĐẢNG CỘNG SẢN VIỆT NAM\n"
            "Số 112-KH/ĐU\tHữu Kiên, ngày 05 tháng 3 năm 2026\nKẾ HOẠCH\ncông tác năm 2026",
            date(2026, 3, 5),
        ),
        (
            "UBND TỈNH NGHỆ AN\nNghệ An, ngày 26/11/2025\nKẾ HOẠCH\nbảo vệ bí mật",
            date(2025, 11, 26),
        ),
        (
            "**ỦY BAN NHÂN DÂN**\nSố: 172/KH-UBND\n|\n*Thành phố Hồ Chí\nMinh, ngày 18 tháng 11 "
            "năm 2025*\n|\n**KẾ HOẠCH**\nTRIỂN KHAI LUẬT VIỆC LÀM",
            date(2025, 11, 18),
        ),
        (
            "ỦY BAN NHÂN DÂN\nSố: 2853/QĐ-UBND\nThành phố Hồ Chí Minh, ngày 21 tháng 11 năm 2025\n"
            "QUYẾT ĐỊNH\nBan hành Kế hoạch\nCăn cứ Luật ngày 16 tháng 6 năm 2025;",
            date(2025, 11, 21),
        ),
        ("HUYỆN ỦY MƯỜNG TÈ\nMường Tè, ngày    tháng 01 năm 2022\nKẾ HOẠCH\ntuyên truyền", None),
        (
            "KẾ HOẠCH\nThực hiện Nghị quyết số 18-NQ/TU, ngày 11 tháng 5 năm 2026 của Tỉnh ủy\n"
            "Hà Nội, ngày 12 tháng 5 năm 2026 là ngày khai mạc",
            None,
        ),
    ],
)
def test_the_plans_date_is_read_from_its_place_and_date_line(
    text: str, issued: date | None
) -> None:
    assert _read(text).date == issued


def test_the_plans_date_in_a_word_header_table() -> None:
    blocks = (
        Table(
            (
                ("BAN THƯỜNG TRỰC ỦY BAN MTTQ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                ("Số: /KH-MTTQ-BTT", "Lương Minh, ngày 25 tháng 11 năm 2025"),
            )
        ),
        Paragraph("KẾ HOẠCH"),
        Paragraph("Tổ chức các hội nghị hiệp thương"),
    )
    header = read_header([p.text for p in blocks if isinstance(p, Paragraph)], blocks)
    assert header.date == date(2025, 11, 25)


def test_a_state_plan_gives_its_own_number_and_its_issuer_from_the_header_table() -> None:
    from plans.extract import extract_plan
    from plans.readers import read_plan_bytes

    text = (
        "|\n**ỦY BAN NHÂN DÂN**\nTỈNH NGHỆ AN\n-------\n|\n**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**\n"
        "|\n|\nSố: 1026/KH-UBND\n|\n*Nghệ An, ngày 26 tháng 11 năm 2025*\n|\n\n"
        "**KẾ HOẠCH**\n\nTriển khai thực hiện Chỉ thị số 32/CT-TTg\n\n"
        "Thực hiện Nghị quyết số 57-NQ/TW, UBND tỉnh ban hành Kế hoạch như sau:\n"
    )
    plan = extract_plan(read_plan_bytes(text.encode(), "ke-hoach.txt"))
    assert plan.number == "1026/KH-UBND"
    assert plan.issuer == "Ủy ban nhân dân tỉnh Nghệ An"
