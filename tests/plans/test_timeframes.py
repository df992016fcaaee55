"""Reading Vietnamese time cells and time cues in task sentences."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from plans.model import Every, Timeframe, TimeKind
from plans.timeframes import fold, parse_timeframe, scan_timeframe

ONCE = TimeKind.ONCE
RECURRING = TimeKind.RECURRING
CONTINUOUS = TimeKind.CONTINUOUS
CONDITIONAL = TimeKind.CONDITIONAL
UNSPECIFIED = TimeKind.UNSPECIFIED

# (text, kind, due, start, every, dues); dates as ISO strings to keep rows short.
Row = tuple[str, TimeKind, str | None, str | None, Every | None, tuple[str, ...]]


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _once(text: str, due: str, start: str | None = None) -> Row:
    return (text, ONCE, due, start, None, ())


def _several(text: str, *dues: str) -> Row:
    return (text, ONCE, dues[0], None, None, dues)


def _every(text: str, every: Every, start: str | None = None) -> Row:
    return (text, RECURRING, None, start, every, ())


def _ongoing(text: str, start: str | None = None, due: str | None = None) -> Row:
    return (text, CONTINUOUS, due, start, None, ())


def _when(text: str, *, due: str | None = None, start: str | None = None) -> Row:
    return (text, CONDITIONAL, due, start, None, ())


def _nothing(text: str) -> Row:
    return (text, UNSPECIFIED, None, None, None, ())


CELL_CASES: list[Row] = [
    # quarters, roman or arabic, any separator
    _once("Quý I/2023", "2023-03-31"),
    _once("Quí IV-2025", "2025-12-31"),
    _once("quý 3 năm 2025", "2025-09-30"),
    _once("Quý II năm 2024", "2024-06-30"),
    _once("Quý 1/2026", "2026-03-31"),
    _once("Quý III năm 2023", "2023-09-30"),
    _once("Quý II/2022", "2022-06-30"),
    _once("Qui IV - 2025", "2025-12-31"),
    _once("QUÝ   II  /  2025", "2025-06-30"),
    _once("quy iii/2024", "2024-09-30"),
    _once("Q4/2025", "2025-12-31"),
    _once(_nfd("Quý I/2023"), "2023-03-31"),
    # years
    _once("Năm 2025", "2025-12-31"),
    _once("2025", "2025-12-31"),
    _once("Trong năm 2025", "2025-12-31"),
    _once("cuối năm 2025", "2025-12-31"),
    _once("NAM 2024", "2024-12-31"),
    _once("  Năm 2023  ", "2023-12-31"),
    # months, February leap-aware
    _once("6/2025", "2025-06-30"),
    _once("Tháng 6/2025", "2025-06-30"),
    _once("tháng 6 năm 2025", "2025-06-30"),
    _once("T6/2025", "2025-06-30"),
    _once("Tháng 02/2024", "2024-02-29"),
    _once("tháng 2/2025", "2025-02-28"),
    _once("Thang 11-2025", "2025-11-30"),
    _once("6 tháng đầu năm 2025", "2025-06-30"),
    _once("6 tháng cuối năm 2025", "2025-12-31"),
    # exact dates
    _once("trước ngày 30/9/2025", "2025-09-30"),
    _once("Trước 30/9/2025", "2025-09-30"),
    _once("ngày 30/9/2025", "2025-09-30"),
    _once("30/09/2025", "2025-09-30"),
    _once("30-9-2025", "2025-09-30"),
    _once("30 – 9 – 2025", "2025-09-30"),
    _once("trước ngày 16 tháng 12 năm 2025", "2025-12-16"),
    _once("Chậm nhất ngày 10/12/2025 (gửi báo cáo về Ban Tổ chức)", "2025-12-10"),
    _once("Hoàn thành trước ngày 15/3/2026", "2026-03-15"),
    _once("truoc ngay 30/9/2025", "2025-09-30"),
    _once("29/2/2024", "2024-02-29"),
    _once(_nfd("Chậm nhất ngày 10/12/2025"), "2025-12-10"),
    # targets
    _once("đến năm 2030", "2030-12-31"),
    _once("Phấn đấu đến năm 2030", "2030-12-31"),
    _once("Đến hết năm 2027", "2027-12-31"),
    _once("đến quý II/2026", "2026-06-30"),
    _once("Mục tiêu đến năm 2025", "2025-12-31"),
    _once("den het nam 2027", "2027-12-31"),
    # a range in a time cell is ongoing work between its ends
    _ongoing("2025-2026", "2025-01-01", "2026-12-31"),
    _ongoing("2025 – 2026", "2025-01-01", "2026-12-31"),
    _ongoing("2025 - 2035", "2025-01-01", "2035-12-31"),
    _ongoing("Năm 2025-2026", "2025-01-01", "2026-12-31"),
    _ongoing("Năm 2025-2030", "2025-01-01", "2030-12-31"),
    _ongoing("Từ ngày 04/02/2026 đến ngày 08/02/2026", "2026-02-04", "2026-02-08"),
    _ongoing("Từ ngày 05/02/2026 - 08/02/2026", "2026-02-05", "2026-02-08"),
    _ongoing("Quý IV/2025 - Quý II/2026", "2025-10-01", "2026-06-30"),
    _ongoing("từ tháng 10 năm 2025 đến hết tháng 3 năm 2026", "2025-10-01", "2026-03-31"),
    # a stage label: one deliverable at the stage's end
    _once("Giai đoạn 2025 – 2026", "2026-12-31", "2025-01-01"),
    _once("Đợt 2 (tháng 3 - 5/2026)", "2026-05-31", "2026-03-01"),
    _once("Giai đoạn 2027 — 2028", "2028-12-31", "2027-01-01"),
    _once("giai doan 2029 - 2030", "2030-12-31", "2029-01-01"),
    # several deadlines
    _several("Quý III năm 2023 và quý IV/2025", "2023-09-30", "2025-12-31"),
    _several("Năm 2022 và 2023", "2022-12-31", "2023-12-31"),
    _several("Quý I, quý III/2025", "2025-03-31", "2025-09-30"),
    _several("Tháng 6 và tháng 12/2025", "2025-06-30", "2025-12-31"),
    _once("Quý IV/2025 (trước ngày 31/12/2025)", "2025-12-31"),
    # ongoing
    _ongoing("Thường xuyên"),
    _ongoing("Thực hiện thường xuyên"),
    _ongoing("Liên tục"),
    _ongoing("thuong xuyen"),
    _ongoing(_nfd("Thường xuyên")),
    _ongoing("Từ quý I/2022 đến hết năm 2025", "2022-01-01", "2025-12-31"),
    _ongoing("Từ năm 2022-2025", "2022-01-01", "2025-12-31"),
    _ongoing("Từ tháng 12/2025 đến quý I/2026", "2025-12-01", "2026-03-31"),
    _ongoing("trong suốt giai đoạn 2025 – 2030", "2025-01-01", "2030-12-31"),
    _ongoing("Từ 01/7/2025 đến 31/12/2025", "2025-07-01", "2025-12-31"),
    _ongoing("Từ 01/7/2025", "2025-07-01"),
    _ongoing("Từ năm 2022", "2022-01-01"),
    _ongoing("Từ quý II/2025", "2025-04-01"),
    _ongoing("tu nam 2022 den nam 2025", "2022-01-01", "2025-12-31"),
    _ongoing("Trước, trong và sau Đại hội"),
    # cadences
    _every("Hằng năm", Every.YEAR),
    _every("Hàng năm", Every.YEAR),
    _every("hằng năm", Every.YEAR),
    _every("Hang nam", Every.YEAR),
    _every("HÀNG NĂM", Every.YEAR),
    _every("Mỗi năm", Every.YEAR),
    _every("01 lần/năm", Every.YEAR),
    _every("định kỳ hằng năm", Every.YEAR),
    _every("Định kỳ", Every.YEAR),
    _every("Định kỳ sơ kết, tổng kết", Every.YEAR),
    _every(_nfd("Hằng năm"), Every.YEAR),
    _every("hằng quý", Every.QUARTER),
    _every("hàng quý", Every.QUARTER),
    _every("mỗi quý", Every.QUARTER),
    _every("định kỳ hằng quý", Every.QUARTER),
    _every("01 lần/quý", Every.QUARTER),
    _every("định kỳ 6 tháng", Every.HALF_YEAR),
    _every("6 tháng một lần", Every.HALF_YEAR),
    _every("6 tháng/lần", Every.HALF_YEAR),
    _every("nửa năm", Every.HALF_YEAR),
    _every("hằng tháng", Every.MONTH),
    _every("hàng tháng", Every.MONTH),
    _every("mỗi tháng", Every.MONTH),
    _every("trước ngày 15 hằng tháng", Every.MONTH),
    _every("mỗi tuần", Every.WEEK),
    _every("hằng tuần", Every.WEEK),
    _every("hàng tuần", Every.WEEK),
    _every("Thường xuyên, hằng năm", Every.YEAR),
    _every("thường xuyên; mỗi tuần", Every.WEEK),
    _every("hằng tháng, hằng quý", Every.MONTH),
    _every("Định kỳ hằng quý, báo cáo định kỳ", Every.QUARTER),
    _ongoing("Năm 2025 và những năm tiếp theo", "2025-01-01"),
    _ongoing("Từ năm 2025 và các năm tiếp theo", "2025-01-01"),
    _ongoing("Năm 2026 và các năm tiếp theo.", "2026-01-01"),
    _every("Hằng năm (giai đoạn 2025 – 2026)", Every.YEAR, "2025-01-01"),
    _every("ít nhất 01 lần/năm (giai đoạn 2027 – 2028)", Every.YEAR, "2027-01-01"),
    # conditions beat everything
    _when("Khi có văn bản hướng dẫn của cấp trên"),
    _when("Khi có văn bản, chỉ đạo, hướng dẫn của Trung ương, của tỉnh"),
    _when("Khi có Kế hoạch của Tỉnh ủy"),
    _when("Theo chỉ đạo của Tỉnh ủy"),
    _when("Theo sự chỉ đạo của Huyện ủy"),
    _when("Theo hướng dẫn của cấp trên"),
    _when("Sau khi Nghị định … được ban hành"),
    _when("(nếu cần thiết)"),
    _when("nếu có"),
    _when("Hàng năm nếu có thay đổi"),
    _when("Hằng năm (khi có thay đổi nhân sự)"),
    _when("Hàng năm (nếu cần thiết)"),
    _when("Thường xuyên (nếu cần thiết)"),
    _when("Khi có yêu cầu"),
    _when("Đột xuất"),
    _when("khi co van ban huong dan"),
    _when("Quý I/2026 (nếu có chỉ đạo)", due="2026-03-31"),
    _when(_nfd("Theo chỉ đạo của Tỉnh ủy")),
    # nothing readable, including impossible dates
    _nothing(""),
    _nothing("   "),
    _nothing("……"),
    _nothing("…/…/20…"),
    _nothing("-"),
    _nothing("Tổ chức hội nghị"),
    _nothing("31/2/2025"),
    _nothing("29/2/2025"),
    # a month range; a cadence inside a range of years starts with it
    _ongoing("Tháng 01 - 5/2025", "2025-01-01", "2025-05-31"),
    _ongoing("tháng 3-tháng 6 năm 2026", "2026-03-01", "2026-06-30"),
    _every("Hằng năm, từ 2026 đến 2028", Every.YEAR, start="2026-01-01"),
    _every("Hằng quý, từ năm 2026 đến năm 2027", Every.QUARTER, start="2026-01-01"),
    _when("Khi được phân bổ kinh phí"),
    _ongoing("Từ nay đến hết năm 2026", due="2026-12-31"),
    _several("Quý I, II/2026", "2026-03-31", "2026-06-30"),
    _several("quý III và IV/2026", "2026-09-30", "2026-12-31"),
    _when("Sau Đại hội Đảng bộ phường"),
    _when("Trong 15 ngày kể từ ngày có quyết định"),
    _nothing("32/12/2025"),
    _nothing("Tháng 13/2025"),
    _nothing("Quý 5/2025"),
    _nothing("trước ngày 31/2/2025"),
    _nothing("ngày 30/9"),
    _nothing("Đề án 1327"),
    # a date after "sau" opens the work; it is no deadline
    _ongoing("Sau ngày 15/3/2026", "2026-03-15"),
    _ongoing("Từ ngày 04/02/2026: tổ chức hội nghị tiếp xúc cử tri", "2026-02-04"),
    # the start, middle and end of a year
    _once("Đầu năm 2026", "2026-03-31"),
    _once("Giữa năm 2026", "2026-06-30"),
    _once("Cuối năm 2025", "2025-12-31"),
    # Tết is the lunar new year as Vietnam keeps it (UTC+7)
    _once("Trước Tết Nguyên đán 2026", "2026-02-16"),
    _once("trước Tết Nguyên đán Bính Ngọ năm 2026", "2026-02-16"),
    _once("Trước Tết Nguyên Đán 2030", "2030-02-01"),
    _once("Trước Tết Dương lịch 2026", "2025-12-31"),
    _ongoing("Sau Tết Nguyên đán 2026", "2026-02-17"),
    # daily work
    _every("Hằng ngày", Every.DAY),
    _every("hàng ngày", Every.DAY),
    _every("mỗi ngày", Every.DAY),
    _every("báo cáo trước 15 giờ hằng ngày", Every.DAY),
    _every("trước 19h00’ hằng ngày", Every.DAY),
    _every("02 lần/ngày (trước 9h00’ và 16h00’)", Every.DAY),
    # a deadline counted from the plan waits for the plan's date
    _when("trong 10 ngày kể từ ngày ký"),
    _when("trong thời hạn 10 ngày kể từ ngày nhận Kế hoạch này"),
    _when("chậm nhất 05 ngày sau khi ban hành Kế hoạch"),
    # events the plan does not date
    _when("sau khi kết thúc hội nghị"),
    _when("ngay sau khi tổ chức hội nghị 01 ngày"),
    _when("sau khi Nghị định được ban hành"),
    _when("khi phát sinh"),
    _when("trước ngày bầu cử 95 ngày"),
    _when("khi Chính phủ và các Bộ, ngành ban hành các văn bản quy định chi tiết"),
    # ... unless the text dates it; "chậm nhất" is the binding date
    _once(
        "Dự kiến ngày 05/12/2025 (Chậm nhất ngày 10/12/2025 - 95 ngày trước bầu cử)", "2025-12-10"
    ),
    _once("ngay sau khi kết thúc hội nghị; báo cáo tỉnh chậm nhất ngày 03/02/2026", "2026-02-03"),
    _every("báo cáo kết quả hàng năm và tổng kết sau khi kết thúc Đề án", Every.YEAR),
    _every("định kỳ và đột xuất", Every.YEAR),
    # a trigger keeps the dates it is bounded by
    _when("khi cử tri nêu vụ việc; chậm nhất ngày 08/02/2026 phải trả lời xong", due="2026-02-08"),
    _when("(nếu có) từ ngày 04/02/2026 đến ngày 08/02/2026", due="2026-02-08", start="2026-02-04"),
    # yearly with a day in the year
    _every("Định kỳ hằng năm (trước ngày 15 tháng 12)", Every.YEAR),
    _every("trước ngày 30/11 hằng năm", Every.YEAR),
    # ongoing duties; "thường xuyên" qualifying a noun is no time
    _ongoing("Duy trì thường xuyên trong giờ hành chính suốt quá trình diễn ra bầu cử"),
    _ongoing("bảo đảm đúng thời hạn theo quy định"),
    _ongoing("đảm bảo thời gian quy định"),
    _nothing("chương trình tuyên truyền thường xuyên"),
    _nothing("nhiệm vụ thường xuyên"),
]


def test_cell_cases_are_distinct() -> None:
    texts = [row[0] for row in CELL_CASES]
    assert len(set(texts)) == len(texts)
    assert len(texts) >= 80


@pytest.mark.parametrize(("text", "kind", "due", "start", "every", "dues"), CELL_CASES)
def test_parse_timeframe(
    text: str,
    kind: TimeKind,
    due: str | None,
    start: str | None,
    every: Every | None,
    dues: tuple[str, ...],
) -> None:
    got = parse_timeframe(text)
    assert (got.kind, got.due, got.start, got.every, got.dues) == (
        kind,
        _day(due),
        _day(start),
        every,
        tuple(date.fromisoformat(d) for d in dues),
    )


@pytest.mark.parametrize("text", ["  Hằng năm\t", "Quý I/2023", "", " ……  ", "Khi có yêu cầu\n"])
def test_parse_keeps_the_text_stripped(text: str) -> None:
    assert parse_timeframe(text).text == text.strip()


def test_parse_nfd_text_is_returned_composed() -> None:
    assert parse_timeframe(_nfd(" Quý I/2023 ")).text == "Quý I/2023"


def test_several_deadlines_serialise_their_list() -> None:
    as_json = parse_timeframe("Quý III năm 2023 và quý IV/2025").to_json()
    assert as_json["due"] == "2023-09-30"
    assert as_json["dues"] == ["2023-09-30", "2025-12-31"]
    assert "dues" not in parse_timeframe("Quý I/2023").to_json()


# (prose, kind, due, start, every, quoted cue) — None kind means no time cue at all.
ScanRow = tuple[str, TimeKind | None, str | None, str | None, Every | None, str | None]


def _found(
    prose: str,
    kind: TimeKind,
    cue: str,
    *,
    due: str | None = None,
    start: str | None = None,
    every: Every | None = None,
) -> ScanRow:
    return (prose, kind, due, start, every, cue)


def _no_cue(prose: str) -> ScanRow:
    return (prose, None, None, None, None, None)


SCAN_CASES: list[ScanRow] = [
    _found(
        "Tổ chức sơ kết 02 năm thực hiện Chỉ thị vào quý IV/2027.",
        ONCE,
        "vào quý IV/2027",
        due="2027-12-31",
    ),
    _found(
        "Thường xuyên theo dõi tiến độ thực hiện Chương trình, tổng hợp kết quả, "
        "báo cáo định kỳ và tham mưu Ban Thường vụ",
        RECURRING,
        "định kỳ",
        every=Every.YEAR,
    ),
    _found(
        "Cụ thể hóa Nghị quyết thành nghị quyết chi bộ hằng năm, gắn với nhiệm vụ chính trị",
        RECURRING,
        "hằng năm",
        every=Every.YEAR,
    ),
    _found(
        "Hằng năm kiện toàn, bồi dưỡng đội ngũ báo cáo viên (*khi có thay đổi nhân sự*)",
        CONDITIONAL,
        "khi có thay đổi nhân sự",
    ),
    _found(
        "Thành lập Tổ công tác dân vận (khi có Hướng dẫn của cấp trên).",
        CONDITIONAL,
        "khi có Hướng dẫn của cấp trên",
    ),
    _found(
        "Phần đầu đến năm 2030 có 100% chi bộ có ít nhất 01 mô hình",
        ONCE,
        "Phần đầu đến năm 2030",
        due="2030-12-31",
    ),
    _found(
        "Bảo đảm phục vụ hoạt động của Đảng ủy trong suốt giai đoạn 2025 – 2030.",
        CONTINUOUS,
        "trong suốt giai đoạn 2025 – 2030",
        due="2030-12-31",
        start="2025-01-01",
    ),
    _found(
        "Duy trì thường xuyên việc đăng tải tin, bài tuyên truyền; mỗi tuần có tin, bài",
        RECURRING,
        "mỗi tuần",
        every=Every.WEEK,
    ),
    _found(
        "100% chi bộ sinh hoạt chuyên đề; ít nhất tổ chức 01 buổi sinh hoạt chuyên đề/năm",
        RECURRING,
        "01 buổi sinh hoạt chuyên đề/năm",
        every=Every.YEAR,
    ),
    _found(
        "Thường xuyên báo cáo, phản ánh với Đảng ủy xã về dư luận xã hội",
        CONTINUOUS,
        "Thường xuyên",
    ),
    _found(
        "Hướng dẫn các chi bộ đưa nội dung nghị quyết vào sinh hoạt chi bộ định kỳ",
        RECURRING,
        "định kỳ",
        every=Every.YEAR,
    ),
    _found(
        "Chủ động tham mưu định hướng nội dung tuyên truyền hằng tháng, hằng quý",
        RECURRING,
        "hằng tháng",
        every=Every.MONTH,
    ),
    _no_cue("Tổ chức học tập, quán triệt đầy đủ nội dung Nghị quyết"),
    # dates that number, date or title a cited document are not deadlines
    _no_cue("Quán triệt Nghị quyết số 35-NQ/TW, ngày 22/10/2018 của Bộ Chính trị"),
    _no_cue("Tiếp tục thực hiện Kế hoạch số 250-KH/HU, ngày 01/7/2019 của Huyện ủy"),
    _no_cue("Thực hiện nghiêm Quy định số 144-QĐ/TW, ngày 09/5/2024 của Bộ Chính trị"),
    _no_cue("Chuẩn bị tổng kết 5 năm (2025–2027) thực hiện Kết luận"),
    _no_cue(
        "Quán triệt Nghị quyết số 04-NQ/TU “về bảo tồn, phát huy bản sắc văn hóa "
        "giai đoạn 2021-2025, định hướng đến năm 2030”"
    ),
    _no_cue("Tuyên truyền Đại hội Đảng bộ tỉnh lần thứ XV, nhiệm kỳ 2025-2030"),
    _no_cue("Tuyên truyền kỷ niệm 95 năm lịch sử Đảng bộ huyện"),
    _no_cue(
        "Thực hiện tốt chỉ thị của Tỉnh ủy về phát triển văn học, nghệ thuật tỉnh "
        "đến năm 2030, hướng đến xây dựng nền văn học đa dạng"
    ),
    _no_cue("Ban hành văn bản theo Nghị định 06/2022/NĐ-CP của Chính phủ"),
    _no_cue("Quán triệt Nghị quyết ngày 22/10/2018 của Bộ Chính trị"),
    # a manner, a mention and a loose phrase are not conditions or cadences
    _no_cue("Tổ chức hội thi báo cáo viên giỏi theo chỉ đạo của Ban Tuyên giáo Tỉnh ủy"),
    _no_cue("Kiện toàn đội ngũ báo cáo viên (như đã nêu ở mục II)"),
    _no_cue("Những thành tựu của huyện trong những năm tiếp theo"),
    _no_cue("Xây dựng chuyên mục tuyên truyền định kỳ trên hệ thống truyền thanh xã"),
    _no_cue("Duy trì ít nhất 01 chuyên trang/thông tin định kỳ trên trang thông tin xã"),
    _no_cue("Năm nay tổ chức hội nghị điển hình tiên tiến"),
    _found(
        "năm tổ chức 02 – 03 diễn đàn đối thoại với nhân dân", RECURRING, "năm", every=Every.YEAR
    ),
    _found(
        "Thực hiện Kế hoạch số 250-KH/HU, ngày 01/7/2019; hoàn thành trước ngày 30/9/2025",
        ONCE,
        "hoàn thành trước ngày 30/9/2025",
        due="2025-09-30",
    ),
    _found(
        "Nâng cao chất lượng đội văn nghệ, phân đấu đến năm 2025, 90% các bản có đội văn nghệ",
        ONCE,
        "phân đấu đến năm 2025",
        due="2025-12-31",
    ),
    _found(
        "Báo cáo kết quả về Ban Thường vụ chậm nhất ngày 10/12/2025",
        ONCE,
        "chậm nhất ngày 10/12/2025",
        due="2025-12-10",
    ),
    _found(
        "Triển khai mô hình điểm trong năm 2025",
        ONCE,
        "trong năm 2025",
        due="2025-12-31",
    ),
    _found(
        "Sơ kết việc thực hiện trong quý II/2026",
        ONCE,
        "trong quý II/2026",
        due="2026-06-30",
    ),
    _found(
        "Hoàn thành trong quý I và quý III/2026",
        ONCE,
        "Hoàn thành trong quý I và quý III/2026",
        due="2026-03-31",
    ),
    _found("Kiện toàn Ban Chỉ đạo 35 nếu cần thiết", CONDITIONAL, "nếu cần thiết"),
    _found(
        "Kiện toàn tổ chức sau khi có bộ tiêu chí của Tỉnh ủy",
        CONDITIONAL,
        "sau khi có bộ tiêu chí của Tỉnh ủy",
    ),
    _found(
        "Mở lớp bồi dưỡng khi có chỉ tiêu của Trường Chính trị tỉnh",
        CONDITIONAL,
        "khi có chỉ tiêu của Trường Chính trị tỉnh",
    ),
    _found(
        "Mua sắm thiết bị khi được phân bổ kinh phí",
        CONDITIONAL,
        "khi được phân bổ kinh phí",
    ),
    # a sentence that opens on its year is due then
    _found("Năm 2027, 100% cán bộ được bồi dưỡng kỹ năng", ONCE, "Năm 2027", due="2027-12-31"),
    _found(
        "Sơ kết 6 tháng đầu năm 2025 việc thực hiện",
        ONCE,
        "Sơ kết 6 tháng đầu năm 2025",
        due="2025-06-30",
    ),
    # words that fold like a cadence but are none
    _found(
        "Nắm chắc tình hình, báo cáo Thường trực trước ngày 20 hằng tháng",
        RECURRING,
        "hằng tháng",
        every=Every.MONTH,
    ),
    _found(
        "Trước ngày 30/6/2025, 100% hộ gia đình ký cam kết",
        ONCE,
        "Trước ngày 30/6/2025",
        due="2025-06-30",
    ),
    _found(
        "Thành lập đội ngũ nòng cốt khi có văn bản hướng dẫn của Trung ương; báo cáo kết quả",
        CONDITIONAL,
        "khi có văn bản hướng dẫn của Trung ương",
    ),
    _found(
        "Hằng năm, phấn đấu đến năm 2030 có 100% chi bộ đạt chuẩn",
        RECURRING,
        "Hằng năm",
        every=Every.YEAR,
    ),
    _found("Tuyên truyền trước, trong và sau Đại hội", CONTINUOUS, "trước, trong và sau"),
    _found("Duy tri lien tuc hoat dong cua to thong tin", CONTINUOUS, "lien tuc"),
    _found(
        _nfd("Cụ thể hóa thành nghị quyết chi bộ hằng năm"),
        RECURRING,
        "hằng năm",
        every=Every.YEAR,
    ),
    _found(
        "Tổng hợp, báo cáo Ủy ban nhân dân tỉnh trước 15 giờ hằng ngày",
        RECURRING,
        "hằng ngày",
        every=Every.DAY,
    ),
    _found(
        "Báo cáo tình hình cấp phát 02 lần/ngày (trước 9h00’ và 16h00’)",
        RECURRING,
        "02 lần/ngày",
        every=Every.DAY,
    ),
    _found(
        "Báo cáo kết quả về Sở Tư pháp trong thời hạn 10 ngày kể từ ngày nhận Kế hoạch này.",
        CONDITIONAL,
        "trong thời hạn 10 ngày kể từ ngày nhận Kế hoạch này",
    ),
    _found(
        "Chuyển đơn đến cơ quan có thẩm quyền trong thời hạn 05 ngày kể từ ngày nhận đơn",
        CONDITIONAL,
        "trong thời hạn 05 ngày kể từ ngày nhận đơn",
    ),
    _found(
        "Tiếp nhận, xử lý khi phát sinh đơn thư hoặc vụ việc phức tạp tại thôn",
        CONDITIONAL,
        "khi phát sinh đơn thư hoặc vụ việc phức tạp tại thôn",
    ),
    _found("Tổ chức hội nghị vào đầu năm 2026", ONCE, "vào đầu năm 2026", due="2026-03-31"),
    _found(
        "Hoàn thành việc thăm, tặng quà trước Tết Nguyên đán Bính Ngọ 2026",
        ONCE,
        "trước Tết Nguyên đán Bính Ngọ 2026",
        due="2026-02-16",
    ),
    _found(
        "Sở Nội vụ triển khai thi hành Luật năm 2025 và các năm tiếp theo",
        CONTINUOUS,
        "năm 2025 và các năm tiếp theo",
        start="2025-01-01",
    ),
    _no_cue("Xây dựng chương trình tuyên truyền thường xuyên trên sóng phát thanh"),
    _no_cue("Lồng ghép vào nhiệm vụ thường xuyên của chi bộ"),
    _no_cue("Rà soát các khu vực thiên tai thường xuyên xảy ra"),
    _no_cue("Bố trí kinh phí chi thường xuyên theo quy định"),
    _no_cue("Quyết định này có hiệu lực kể từ ngày ký."),
    _no_cue("Xây dựng phương án bảo đảm an toàn khi xảy ra các tình huống thiên tai"),
    _found(
        "Sau khi kết thúc hội nghị, tổng hợp kết quả báo cáo Ban Thường trực",
        CONDITIONAL,
        "Sau khi kết thúc hội nghị",
    ),
    _found(
        "Hội nghị được thực hiện trong khoảng từ ngày 04/02/2026 đến ngày 08/02/2026 theo luật",
        CONTINUOUS,
        "từ ngày 04/02/2026 đến ngày 08/02/2026",
        start="2026-02-04",
        due="2026-02-08",
    ),
    _found(
        "Phong trào được triển khai từ tháng 10 năm 2025 đến hết tháng 3 năm 2026.",
        CONTINUOUS,
        "từ tháng 10 năm 2025 đến hết tháng 3 năm 2026",
        start="2025-10-01",
        due="2026-03-31",
    ),
]


def test_scan_cases_are_distinct() -> None:
    texts = [row[0] for row in SCAN_CASES]
    assert len(set(texts)) == len(texts)
    assert len(texts) >= 25


@pytest.mark.parametrize(("prose", "kind", "due", "start", "every", "cue"), SCAN_CASES)
def test_scan_timeframe(
    prose: str,
    kind: TimeKind | None,
    due: str | None,
    start: str | None,
    every: Every | None,
    cue: str | None,
) -> None:
    got = scan_timeframe(prose)
    if kind is None:
        assert got is None
        return
    assert got is not None
    assert (got.kind, got.due, got.start, got.every, got.text) == (
        kind,
        _day(due),
        _day(start),
        every,
        cue,
    )


ISSUED = date(2025, 11, 26)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("trong 10 ngày kể từ ngày ký", "2025-12-06"),
        ("Trong thời hạn 10 ngày kể từ ngày nhận Kế hoạch này", "2025-12-06"),
        ("chậm nhất 05 ngày sau khi ban hành Kế hoạch", "2025-12-01"),
        ("trong vòng 15 ngày kể từ ngày Kế hoạch này được ban hành", "2025-12-11"),
        ("trong 05 ngày làm việc kể từ ngày ký", "2025-12-03"),
    ],
)
def test_a_deadline_counted_from_the_plan_is_dated_from_its_issue(text: str, due: str) -> None:
    got = parse_timeframe(text, issued=ISSUED)
    assert (got.kind, got.due) == (ONCE, date.fromisoformat(due))
    found = scan_timeframe(f"Các sở báo cáo kết quả {text}.", issued=ISSUED)
    assert found is not None
    assert (found.kind, found.due) == (ONCE, date.fromisoformat(due))


@pytest.mark.parametrize(
    "text",
    [
        "trong thời hạn 05 ngày kể từ ngày nhận đơn",
        "Trong 15 ngày kể từ ngày có quyết định",
        "chậm nhất 10 ngày sau khi Tỉnh ủy ban hành Kế hoạch thực hiện",
    ],
)
def test_a_deadline_counted_from_another_event_stays_conditional(text: str) -> None:
    assert parse_timeframe(text, issued=ISSUED).kind is CONDITIONAL


def test_scan_lists_several_deadlines() -> None:
    got = scan_timeframe("Hoàn thành trong quý I và quý III/2026")
    assert got == Timeframe(
        "Hoàn thành trong quý I và quý III/2026",
        ONCE,
        due=date(2026, 3, 31),
        dues=(date(2026, 3, 31), date(2026, 9, 30)),
    )


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hằng Năm", "hang nam"),
        ("  Quý   IV\t—\u00a02025 ", "quy iv - 2025"),
        ("Đảng ủy – ĐU", "dang uy - du"),
        (_nfd("Thường xuyên"), "thuong xuyen"),
        ("Quí", "qui"),
        ("", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Trong tháng 10", "2026-10-31"),
        ("6 tháng cuối năm", "2026-12-31"),
        ("Quý II", "2026-06-30"),
    ],
)
def test_a_time_without_a_year_takes_the_year_given(text: str, due: str) -> None:
    assert parse_timeframe(text).kind is UNSPECIFIED
    got = parse_timeframe(text, 2026)
    assert (got.kind, got.due) == (ONCE, date.fromisoformat(due))
