"""Tables and paragraphs recovered from text pulled out of Word."""

from __future__ import annotations

from plans.layout import is_header_row, lay_out
from plans.model import Document, Paragraph, Table


def _laid(text: str) -> tuple[Paragraph | Table, ...]:
    lines = tuple(Paragraph(line) for line in text.split("\n"))
    return lay_out(Document(lines, hard_wrapped=True)).blocks


def test_row_per_line_table_with_page_header_repeated() -> None:
    blocks = _laid(
        "Nhiệm vụ cụ thể\n"
        "STT\tNội dung\tĐơn vị chủ trì\tThời gian\n"
        "1\tTuyên truyền\tBan Tuyên giáo\tQuý I/2026\n"
        "\n"
        "STT\tNội dung\tĐơn vị chủ trì\tThời gian\n"
        "2\tKiểm tra\tUBKT\tNăm 2026\n"
        "\n"
        "Nơi nhận:"
    )
    assert blocks == (
        Paragraph("Nhiệm vụ cụ thể"),
        Table(
            (
                ("STT", "Nội dung", "Đơn vị chủ trì", "Thời gian"),
                ("1", "Tuyên truyền", "Ban Tuyên giáo", "Quý I/2026"),
                ("2", "Kiểm tra", "UBKT", "Năm 2026"),
            )
        ),
        Paragraph("Nơi nhận:"),
    )


def test_cell_per_line_table_with_rows_between_blank_lines() -> None:
    blocks = _laid(
        "\tThời gian\n\tNội dung công việc\n\tĐơn vị phụ trách\n\n"
        "\tNăm 2026\n\t- Việc một\n- Việc hai\n\tĐảng ủy xã\n\n"
        "\tNăm 2027\n\t- Việc ba\n\tUBND xã\n"
    )
    assert blocks == (
        Table(
            (
                ("Thời gian", "Nội dung công việc", "Đơn vị phụ trách"),
                ("Năm 2026", "- Việc một\n- Việc hai", "Đảng ủy xã"),
                ("Năm 2027", "- Việc ba", "UBND xã"),
            )
        ),
    )


def test_hard_wrapped_lines_join_but_list_items_do_not() -> None:
    blocks = _laid(
        "1. Ban Tuyên giáo chủ trì tham mưu tổ chức hội nghị học tập, quán triệt nghị quyết\n"
        "đến toàn thể cán bộ, đảng viên.\n"
        "\n"
        "trong toàn Đảng bộ.\n"
        "- Tham mưu kế hoạch. - Theo dõi, đôn đốc.\n"
        "2. Văn phòng"
    )
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == [
        "1. Ban Tuyên giáo chủ trì tham mưu tổ chức hội nghị học tập, quán triệt nghị quyết "
        "đến toàn thể cán bộ, đảng viên.",
        "trong toàn Đảng bộ.",
        "- Tham mưu kế hoạch.",
        "- Theo dõi, đôn đốc.",
        "2. Văn phòng",
    ]


def test_a_capitalised_line_joins_only_where_lines_are_cut_at_a_width() -> None:
    heading = "2. Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội xã"
    sentence = "Tuyên truyền, vận động đoàn viên, hội viên tham gia góp ý văn kiện."
    assert len(_laid(f"{heading}\n{sentence}")) == 2

    cut = (
        "Ban Thường vụ chỉ đạo các chi bộ tổ chức học tập, quán triệt nghị quyết tới\n"
        "toàn thể cán bộ, đảng viên và quần chúng nhân dân trên địa bàn xã, gắn với\n"
        "việc thực hiện nhiệm vụ chính trị; các đồng chí cấp ủy viên phụ trách địa bàn\n"
        "Đảng ủy giao theo dõi, đôn đốc."
    )
    assert len(_laid(cut)) == 1


def test_a_repeated_header_takes_its_wrapped_cell_along() -> None:
    blocks = _laid(
        "TT\tNội dung\tChủ trì\tThời gian\n"
        "thực hiện\n"
        "1\tTuyên truyền\tBan Tuyên giáo\tQuý I/2026\n"
        "\n"
        "TT\tNội dung\tChủ trì\tThời gian\n"
        "thực hiện\n"
        "2\tKiểm tra\tUBKT\tNăm 2026"
    )
    assert blocks == (
        Table(
            (
                ("TT", "Nội dung", "Chủ trì", "Thời gian\nthực hiện"),
                ("1", "Tuyên truyền", "Ban Tuyên giáo", "Quý I/2026"),
                ("2", "Kiểm tra", "UBKT", "Năm 2026"),
            )
        ),
    )


def test_a_line_ending_on_a_connective_goes_on_in_the_next() -> None:
    blocks = _laid(
        "- Ban Tuyên giáo và Dân vận chủ trì, phối hợp với\n"
        "Ban Xây dựng Đảng tham mưu tổ chức hội nghị.\n"
        "- Văn phòng theo dõi,\n"
        "Tổng hợp kết quả."
    )
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == [
        "- Ban Tuyên giáo và Dân vận chủ trì, phối hợp với Ban Xây dựng Đảng tham mưu tổ chức "
        "hội nghị.",
        "- Văn phòng theo dõi, Tổng hợp kết quả.",
    ]


def test_a_cell_broken_over_lines_resumes_its_row() -> None:
    blocks = _laid(
        "TT\tNhiệm vụ\tChủ trì\tPhối hợp\tThời gian\n"
        "1\t- Rà soát quy hoạch cấp ủy;\n"
        "- Xây dựng đề án nhân sự\tBan Tổ chức\tUBKT\tQuý II/2026\n"
        "2\tKiểm tra chuẩn bị đại hội\tUBKT\tBan Tổ chức\tQuý III/2026\n"
        "3\tTổng kết\n"
        "\tVăn phòng\t\tNăm 2027"
    )
    assert blocks == (
        Table(
            (
                ("TT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian"),
                (
                    "1",
                    "- Rà soát quy hoạch cấp ủy;\n- Xây dựng đề án nhân sự",
                    "Ban Tổ chức",
                    "UBKT",
                    "Quý II/2026",
                ),
                ("2", "Kiểm tra chuẩn bị đại hội", "UBKT", "Ban Tổ chức", "Quý III/2026"),
                ("3", "Tổng kết"),
                ("", "Văn phòng", "", "Năm 2027"),
            )
        ),
    )


def test_word_paragraphs_are_not_joined() -> None:
    long_line = "Thực hiện Nghị quyết của Ban Chấp hành Đảng bộ tỉnh về công tác tư tưởng"
    document = Document((Paragraph(long_line), Paragraph("Đảng ủy xã xây dựng kế hoạch")))
    assert len(lay_out(document).blocks) == 2


def test_header_rows_need_a_content_column() -> None:
    assert is_header_row(("TT", "Nội dung", "Đơn vị chủ trì", "Thời gian"))
    assert is_header_row(("Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm"))
    assert not is_header_row(("Thời gian", "Địa điểm"))
    assert not is_header_row(("ĐẢNG BỘ HUYỆN", "ĐẢNG CỘNG SẢN VIỆT NAM"))


def test_markdown_pipe_table() -> None:
    blocks = _laid(
        "| TT | Nội dung | Chủ trì | Thời gian |\n"
        "|---|:---|---|---|\n"
        "| 1 | Tuyên truyền<br>- Hội nghị | Ban Tuyên giáo | Quý I/2026 |\n"
        "Hết"
    )
    assert blocks == (
        Table(
            (
                ("TT", "Nội dung", "Chủ trì", "Thời gian"),
                ("1", "Tuyên truyền\n- Hội nghị", "Ban Tuyên giáo", "Quý I/2026"),
            )
        ),
        Paragraph("Hết"),
    )


# Text copied from a legal-document web page: blank lines end paragraphs, lines are
# cut at a width (the first one of a paragraph early), bold spans wrap, and tables
# come as cells between bare bars.
_WEB_PARAGRAPHS = "\n\n".join(
    [
        "**IV. TỔ CHỨC\nTHỰC HIỆN**",
        "**1. Sở Văn hóa, Thể thao\nvà Du lịch**",
        "- Định hướng, chỉ đạo Báo và\nPhát thanh, Truyền hình thành phố đẩy mạnh truyền "
        "thông về Chương\ntrình bằng nhiều hình thức.",
        "- Lồng ghép hoạt động truyền\nthông về Chương trình với các chương trình khác.",
        "Căn cứ Thông tư số\n06/2022/TT-BTTTT ngày 30 tháng 6 năm 2022 của Bộ trưởng Bộ "
        "Thông tin và\nTruyền thông.",
        "* *",
    ]
)


def test_blank_separated_paragraphs_join_their_lines_whatever_the_case() -> None:
    texts = [b.text for b in _laid("\n\n".join([_WEB_PARAGRAPHS] * 4)) if isinstance(b, Paragraph)]
    assert texts[:5] == [
        "IV. TỔ CHỨC THỰC HIỆN",
        "1. Sở Văn hóa, Thể thao và Du lịch",
        "- Định hướng, chỉ đạo Báo và Phát thanh, Truyền hình thành phố đẩy mạnh truyền "
        "thông về Chương trình bằng nhiều hình thức.",
        "- Lồng ghép hoạt động truyền thông về Chương trình với các chương trình khác.",
        "Căn cứ Thông tư số 06/2022/TT-BTTTT ngày 30 tháng 6 năm 2022 của Bộ trưởng Bộ "
        "Thông tin và Truyền thông.",
    ]
    assert len(texts) == 20  # the emphasis-only line "* *" is no paragraph


def test_blank_separated_items_without_blank_lines_and_a_name_cut_at_its_hyphen() -> None:
    text = _WEB_PARAGRAPHS + "\n\n" + (
        "Nơi nhận:\n- Bộ Nội vụ;\n- Sở Lao động\n- xã hội;\n-\nLưu: VT."
    )
    texts = [b.text for b in _laid("\n\n".join([text] * 4)) if isinstance(b, Paragraph)]
    assert texts[5:9] == ["Nơi nhận:", "- Bộ Nội vụ;", "- Sở Lao động - xã hội;", "- Lưu: VT."]


def test_bar_table_rows_and_cells() -> None:
    blocks = _laid(
        "|\n**ỦY BAN NHÂN\nDÂN**\nTỈNH NGHỆ AN\n|\n**CỘNG HÒA XÃ HỘI**\n|\n|\nSố: 12/KH-UBND\n|\n"
        "*Nghệ An, ngày 26\ntháng 11 năm 2025*\n|\n\nKẾ HOẠCH"
    )
    table = blocks[0]
    assert isinstance(table, Table)
    assert table.rows[1] == ("Số: 12/KH-UBND", "Nghệ An, ngày 26 tháng 11 năm 2025")
    assert table.rows[0][1] == "CỘNG HÒA XÃ HỘI"
    assert blocks[-1] == Paragraph("KẾ HOẠCH")


def test_a_stray_bar_is_text() -> None:
    assert _laid("Mở đầu\n|\n\nKẾ HOẠCH") == (Paragraph("Mở đầu"), Paragraph("KẾ HOẠCH"))


def test_cells_one_per_line_under_a_run_of_column_titles() -> None:
    blocks = _laid(
        "DANH MỤC CHỈ TIÊU\nTT\nChỉ tiêu\nĐơn vị\nKết quả\nCơ quan chủ trì\n"
        "I\nĐến năm 2030\n\n\n\n"
        "1\nQuy mô kinh tế số\n%\n≥ 30\nBộ Tài chính\n"
        "2\nTỉ lệ dịch vụ công\ntrực tuyến toàn trình\n%\n≥ 80\nVăn phòng Chính phủ\n"
        "\nNơi nhận:"
    )
    assert blocks[0] == Paragraph("DANH MỤC CHỈ TIÊU")
    table = blocks[1]
    assert isinstance(table, Table)
    assert table.rows[0] == ("TT", "Chỉ tiêu", "Đơn vị", "Kết quả", "Cơ quan chủ trì")
    assert table.rows[1] == ("I", "Đến năm 2030", "", "", "")
    assert table.rows[2] == ("1", "Quy mô kinh tế số", "%", "≥ 30", "Bộ Tài chính")
    assert table.rows[3] == (
        "2", "Tỉ lệ dịch vụ công trực tuyến toàn trình", "%", "≥ 80", "Văn phòng Chính phủ"
    )
    assert blocks[-1] == Paragraph("Nơi nhận:")


def test_a_page_number_between_paragraphs_is_dropped() -> None:
    blocks = _laid("- Hạ tầng số hiện đại.\n1\nPhủ sóng 5G toàn quốc.")
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == [
        "- Hạ tầng số hiện đại.",
        "Phủ sóng 5G toàn quốc.",
    ]
