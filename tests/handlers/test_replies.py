"""Reading secretaries' replies: intent, percent, problem, snooze days."""

from __future__ import annotations

import io
import json
import re
import unicodedata
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from handlers.replies import Intent, ReplyReading, read_reply
from handlers.reply_text import canonical, clauses
from tests.shared import GOLD_DIR, load_tool

GOLD = GOLD_DIR / "replies.jsonl"

# X is "other": a reply that is none of the rest.
D, P, PR, S, X = Intent.DONE, Intent.PROGRESS, Intent.PROBLEM, Intent.SNOOZE, Intent.OTHER

# (reply, intent, percent, problem as written or None, snooze days or None)
Case = tuple[str, Intent, int | None, str | None, int | None]

DONE_CASES: list[Case] = [
    ("xong", D, 100, None, None),
    ("Xong rồi nhé", D, 100, None, None),
    ("xog r nhe", D, 100, None, None),
    ("xg", D, 100, None, None),
    ("Đã hoàn thành", D, 100, None, None),
    ("da hoan thanh", D, 100, None, None),
    ("ht", D, 100, None, None),
    ("đã ht", D, 100, None, None),
    ("hthanh r a", D, 100, None, None),
    ("100%", D, 100, None, None),
    ("Hoàn thành 100% kế hoạch", D, 100, None, None),
    ("hoan thanh 100% ke hoach", D, 100, None, None),
    ("một trăm phần trăm", D, 100, None, None),
    ("Đạt 120% kế hoạch", D, 100, None, None),
    ("dat 120%", D, 100, None, None),
    ("vượt kế hoạch", D, 100, None, None),
    ("10/10 thôn", D, 100, None, None),
    ("Đã thực hiện", D, 100, None, None),
    ("hoàn thành, không có khó khăn gì", D, 100, None, None),
    ("hoan thanh, ko co kho khan gi", D, 100, None, None),
    ("xong nhưng thiếu kinh phí thanh toán", D, 100, "thiếu kinh phí thanh toán", None),
    ("xong rồi, mai gửi báo cáo", D, 100, None, None),
]

PROGRESS_CASES: list[Case] = [
    ("Đạt 80%", P, 80, None, None),
    ("dat 80%", P, 80, None, None),
    ("dat80%", P, 80, None, None),
    ("đạt 75 phần trăm", P, 75, None, None),
    ("dat 75 phan tram", P, 75, None, None),
    ("80pt", P, 80, None, None),
    ("70", P, 70, None, None),
    ("dc 70 r", P, 70, None, None),
    ("đã lát 200m đường, đạt 50%", P, 50, None, None),
    ("Đợt 1 đạt 70", P, 70, None, None),
    ("Khoảng 60%", P, 60, None, None),
    ("khoang 60 %", P, 60, None, None),
    ("87,5%", P, 88, None, None),
    ("còn 20% nữa là xong", P, 80, None, None),
    ("0%", P, 0, None, None),
    ("Được một nửa rồi", P, 50, None, None),
    ("duoc mot nua roi", P, 50, None, None),
    ("làm được một phần ba", P, 33, None, None),
    ("1/3", P, 33, None, None),
    ("tám mươi phần trăm", P, 80, None, None),
    ("tam muoi phan tram", P, 80, None, None),
    ("bảy lăm phần trăm", P, 75, None, None),
    ("bay lam phan tram", P, 75, None, None),
    ("năm mươi", P, 50, None, None),
    ("nam muoi", P, 50, None, None),
    ("chín mươi lăm", P, 95, None, None),
    ("hai mươi", P, 20, None, None),
    ("mười", P, 10, None, None),
    ("muoi phan tram", P, 10, None, None),
    ("Đã học tập cho 25/28 đảng viên", P, 89, None, None),
    ("da hoc tap cho 25/28 dang vien", P, 89, None, None),
    ("Hoàn thành 3/5 mô hình", P, 60, None, None),
    ("Hoàn thành 2/3 chỉ tiêu", P, 67, None, None),
    ("Đã xong 2 trong 4 nội dung", P, 50, None, None),
    ("xong 2 tren 4 noi dung", P, 50, None, None),
    ("hai trong bốn thôn", P, 50, None, None),
    ("Xong 9/10 thôn", P, 90, None, None),
    ("xong 9/10 thon", P, 90, None, None),
    ("Chưa hoàn thành, đạt 70%", P, 70, None, None),
    ("Không có khó khăn gì, đã xong 80%", P, 80, None, None),
    ("Đang thực hiện", P, None, None, None),
    ("dang trien khai", P, None, None, None),
    ("chưa xong", P, None, None, None),
    ("sap xong", P, None, None, None),
    ("đã xong một phần", P, None, None, None),
    ("Xong 9 thôn", P, None, None, None),
    ("Có 3 chi bộ chưa thực hiện", P, None, None, None),
    ("Chưa thực hiện", P, 0, None, None),
    ("chua lam", P, 0, None, None),
    ("Chi bộ chưa bắt đầu", P, 0, None, None),
]

DATE_CASES: list[Case] = [
    ("Đã họp chi bộ ngày 12/5, đang triển khai", P, None, None, None),
    ("Đã triển khai từ 3/5, đang làm", P, None, None, None),
    ("họp ngày 3/5, đang tổng hợp", P, None, None, None),
    ("ngày 12/5", X, None, None, None),
    ("12/5/2026", X, None, None, None),
    ("họp ngày 3/2", X, None, None, None),
    ("Quý 1/2026", X, None, None, None),
]

PROBLEM_CASES: list[Case] = [
    ("vướng kinh phí", PR, None, "vướng kinh phí", None),
    ("vuong kp", PR, None, "vuong kp", None),
    ("vg kinh phi", PR, None, "vg kinh phi", None),
    ("vm: chưa có mặt bằng", PR, None, "chưa có mặt bằng", None),
    ("Khó khăn do thiếu tài liệu", PR, None, "Khó khăn do thiếu tài liệu", None),
    ("kho khan do thieu tai lieu", PR, None, "kho khan do thieu tai lieu", None),
    ("Thiếu người", PR, None, "Thiếu người", None),
    ("thieu ng", PR, None, "thieu ng", None),
    ("thiếu kp nhé", PR, None, "thiếu kp", None),
    ("Chưa có kinh phí", PR, None, "Chưa có kinh phí", None),
    ("chua co kinh phi", PR, None, "chua co kinh phi", None),
    ("Vướng mắc: chưa có kinh phí", PR, None, "chưa có kinh phí", None),
    ("Khó khăn: mặt bằng chật hẹp", PR, None, "mặt bằng chật hẹp", None),
    (
        "Vướng mắc:\n- chưa có kinh phí\n- thiếu người",
        PR,
        None,
        "chưa có kinh phí; thiếu người",
        None,
    ),
    (
        "Đề nghị cấp trên hỗ trợ kinh phí in tài liệu",
        PR,
        None,
        "Đề nghị cấp trên hỗ trợ kinh phí in tài liệu",
        None,
    ),
    ("de nghi cap tren ho tro", PR, None, "de nghi cap tren ho tro", None),
    ("Xin lùi thời hạn sang quý sau", PR, None, "Xin lùi thời hạn sang quý sau", None),
    ("xin lui thoi han den 30/6", PR, None, "xin lui thoi han den 30/6", None),
    ("Mưa lũ", PR, None, "Mưa lũ", None),
    ("Không thực hiện được do mưa lũ", PR, 0, "Không thực hiện được do mưa lũ", None),
    ("ko thuc hien dc do mua lu", PR, 0, "ko thuc hien dc do mua lu", None),
    ("chưa làm được vì thiếu người", PR, 0, "chưa làm được vì thiếu người", None),
    ("chưa xong, còn vướng mặt bằng", PR, None, "còn vướng mặt bằng", None),
    ("chua xong, con vuong mat bang", PR, None, "con vuong mat bang", None),
    ("đang gặp khó khăn về kinh phí ạ", PR, None, "đang gặp khó khăn về kinh phí", None),
    ("bị hoãn do dịch", PR, None, "bị hoãn do dịch", None),
    ("60%, vướng kinh phí", P, 60, "vướng kinh phí", None),
    ("60% vuong kp a", P, 60, "vuong kp", None),
    ("Đạt 60% nhưng thiếu người", P, 60, "thiếu người", None),
    (
        "Báo cáo: đã treo 15 băng rôn, đạt 75% kế hoạch; thiếu kinh phí làm pano",
        P,
        75,
        "thiếu kinh phí làm pano",
        None,
    ),
]

NEGATION_CASES: list[Case] = [
    ("Không có khó khăn", X, None, None, None),
    ("không vướng mắc gì", X, None, None, None),
    ("ko co kho khan", X, None, None, None),
    ("k vuong j", X, None, None, None),
    ("Không có vướng mắc", X, None, None, None),
    ("Không có khó khăn, vướng mắc", X, None, None, None),
    ("Khó khăn: không có", X, None, None, None),
    ("không có vấn đề gì", X, None, None, None),
    ("Đạt 50%, không có vướng mắc", P, 50, None, None),
    ("Đã khắc phục khó khăn, đang triển khai", P, None, None, None),
    ("Đã tổ chức cho thiếu nhi", D, 100, None, None),
]

SNOOZE_CASES: list[Case] = [
    ("Nhắc lại sau 3 ngày", S, None, None, 3),
    ("nhac lai sau 3 ngay", S, None, None, 3),
    ("Để tuần sau báo cáo", S, None, None, 7),
    ("de tuan sau bc", S, None, None, 7),
    ("mai báo cáo", S, None, None, 1),
    ("mai bc nhe", S, None, None, 1),
    ("Ngày mai", S, None, None, 1),
    ("2 tuần nữa", S, None, None, 14),
    ("hai tuần nữa", S, None, None, 14),
    ("tháng sau", S, None, None, 30),
    ("thang sau nhe", S, None, None, 30),
    ("nhắc lại sau", S, None, None, 1),
    ("hoãn 5 hôm", S, None, None, 5),
    ("hoan 5 hom", S, None, None, 5),
    ("cho em thêm 3 ngày", S, None, None, 3),
    ("nửa tháng nữa", S, None, None, 15),
    ("còn 2 ngày nữa xong", S, None, None, 2),
    ("đang họp, lát báo", S, None, None, 1),
    ("lat nua em bao cao", S, None, None, 1),
]

OTHER_CASES: list[Case] = [
    ("cảm ơn", X, None, None, None),
    ("cam on", X, None, None, None),
    ("ok", X, None, None, None),
    ("Ok ạ", X, None, None, None),
    ("vâng", X, None, None, None),
    ("đã nhận", X, None, None, None),
    ("Đã nhận được ạ", X, None, None, None),
    ("không có gì", X, None, None, None),
    ("100k", X, None, None, None),
    ("", X, None, None, None),
]

# Words that fold alike (đang/đảng, tôi/tới, cán/cần, hỏng/hông) or digits that are not counts.
LOOKALIKE_CASES: list[Case] = [
    ("Đã quán triệt cho đảng viên", D, 100, None, None),
    ("cảm ơn đảng ủy", X, None, None, None),
    ("đảng viên đang học tập", P, None, None, None),
    ("Tôi đã xong", D, 100, None, None),
    ("Cán bộ hoàn thành", D, 100, None, None),
    ("hong co kho khan", X, None, None, None),
    ("xe bị hỏng", PR, None, "bị hỏng", None),
    ("Hẹn thứ 2 tuần sau", S, None, None, 7),
    ("em đang đi công tác, tuần sau làm", S, None, None, 7),
    ("Đã nhắc các chi bộ", X, None, None, None),
    ("Đã chia sẻ 80% tài liệu", P, 80, None, None),
    ("dự kiến đạt 100% vào tháng 6", P, None, None, None),
]

ALL_CASES = (
    DONE_CASES
    + PROGRESS_CASES
    + DATE_CASES
    + PROBLEM_CASES
    + NEGATION_CASES
    + SNOOZE_CASES
    + OTHER_CASES
    + LOOKALIKE_CASES
)


@pytest.mark.parametrize(("text", "intent", "percent", "problem", "snooze"), ALL_CASES)
def test_reading(
    text: str, intent: Intent, percent: int | None, problem: str | None, snooze: int | None
) -> None:
    assert read_reply(text) == ReplyReading(intent, percent, problem, snooze)


def test_there_are_enough_own_cases() -> None:
    assert len(ALL_CASES) >= 60
    assert len({case[0] for case in ALL_CASES}) == len(ALL_CASES), "duplicate case"


def _gold() -> list[dict[str, Any]]:
    with GOLD.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def test_gold_replies_score_at_least_ninety_percent_exact(tmp_path: Path) -> None:
    parsed = tmp_path / "parsed.jsonl"
    with parsed.open("w", encoding="utf-8") as out:
        for record in _gold():
            out.write(json.dumps(read_reply(record["text"]).to_json(), ensure_ascii=False) + "\n")
    scorer = load_tool("score_replies")
    report = io.StringIO()
    with redirect_stdout(report):
        assert scorer.main([str(GOLD), str(parsed)]) == 0
    exact = re.search(r"exact=([\d.]+)", report.getvalue())
    assert exact is not None, report.getvalue()
    assert float(exact.group(1)) >= 0.90, report.getvalue()


@pytest.mark.parametrize("record", _gold(), ids=lambda record: str(record["text"]))
def test_gold_reply(record: dict[str, Any]) -> None:
    reading = read_reply(record["text"])
    assert reading.intent == record["intent"]
    assert reading.percent == record["percent"]
    assert bool(reading.problem) == record["problem"]
    if "snooze_days" in record:
        assert reading.snooze_days == record["snooze_days"]


def test_problem_is_taken_from_the_original_text() -> None:
    reading = read_reply("Đã làm 2 buổi;  VƯỚNG   kinh phí ạ")
    assert reading.problem == "VƯỚNG   kinh phí"


def test_decomposed_input_reads_like_composed() -> None:
    composed = "60%, vướng kinh phí"
    decomposed = unicodedata.normalize("NFD", composed)
    assert read_reply(decomposed) == read_reply(composed)
    assert read_reply(decomposed).problem == "vướng kinh phí"


def test_to_json_has_the_four_fields() -> None:
    assert read_reply("Đạt 80%, nhắc lại sau 2 ngày").to_json() == {
        "intent": "progress",
        "percent": 80,
        "problem": None,
        "snooze_days": None,
    }
    assert read_reply("hoãn 5 hôm").to_json() == {
        "intent": "snooze",
        "percent": None,
        "problem": None,
        "snooze_days": 5,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đạt 80%", "dat 80%"),
        ("ko dc, xog r", "khong duoc, xong roi"),
        ("vuong kp vs thieu ng", "vuong kinh phi voi thieu nguoi"),
        ("mai bc nhé", "mai bao cao nhe"),
        ("tám mươi phần trăm", "80 phan tram"),
        ("chín mươi lăm", "95"),
        ("hai mươi mốt ngày", "21 ngay"),
        ("một phần tư", "1 phan 4"),
        ("từ ngày 12/5", "tu ngay 12/5"),
        ("sau ngày 15", "sau ngay 15"),
        ("tạm hoãn", "tam hoan"),
        ("xonggg", "xong"),
        ("100k", "100 k"),
    ],
)
def test_canonical_text(text: str, expected: str) -> None:
    assert canonical(text).text == expected


def test_canonical_text_points_back_at_the_original() -> None:
    canon = canonical("Còn vướng KP lắm")
    start = canon.text.index("kinh phi")
    assert canon.source(start, start + len("kinh phi")) == "KP"
    start = canon.text.index("vuong")
    assert canon.source(start, len(canon.text)) == "vướng KP lắm"


def test_clauses_split_at_punctuation_lines_and_but() -> None:
    canon = canonical("Đạt 87,5%; thiếu người\n- xong 2 việc nhưng vướng mặt bằng")
    texts = [canon.text[clause.start : clause.end] for clause in clauses(canon)]
    assert texts == ["dat 87,5%", "thieu nguoi", "xong 2 viec", "vuong mat bang"]


@pytest.mark.parametrize("text", [case[0] for case in ALL_CASES])
def test_percent_is_within_bounds_and_snooze_only_with_snooze(text: str) -> None:
    reading = read_reply(text)
    assert reading.percent is None or 0 <= reading.percent <= 100
    assert (reading.snooze_days is not None) == (reading.intent is Intent.SNOOZE)
    if reading.intent is Intent.DONE:
        assert reading.percent == 100


WEDNESDAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("để thứ 2 em báo cáo", 5),
        ("thứ sáu em gửi", 2),
        ("thu 4 bc nhe", 7),
        ("thứ 6 tuần sau báo cáo", 9),
        ("Hẹn thứ 2 tuần sau", 5),
        ("chủ nhật em gửi báo cáo", 4),
    ],
)
def test_a_named_weekday_counts_from_today(text: str, days: int) -> None:
    assert read_reply(text, WEDNESDAY) == ReplyReading(Intent.SNOOZE, None, None, days)


@pytest.mark.parametrize("text", ["thứ 2 họp chi bộ", "đã họp thứ 2 tuần trước", "thứ 2 đã gửi"])
def test_a_weekday_that_is_no_delay(text: str) -> None:
    assert read_reply(text, WEDNESDAY).intent is not Intent.SNOOZE
