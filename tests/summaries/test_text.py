"""The summary as a chat message, in Vietnamese and English, and its splitting."""

from __future__ import annotations

import gettext
import unicodedata
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.config import DEFAULT_LOCALES_DIR
from bot.i18n import translator
from summaries.model import (
    CheckinCounts,
    DormantTask,
    PeriodRollup,
    PlanSummary,
    ProblemReport,
    UnitProblems,
    UnitRollup,
)
from summaries.status import StatusCounts
from summaries.text import (
    DORMANT_SHOWN,
    PERIODS_SHOWN,
    SILENT_SHOWN,
    TELEGRAM_LIMIT,
    TOP_UNITS,
    ZALO_LIMIT,
    split_message,
    summary_text,
)

COUNTS = StatusCounts(
    done_on_time=12,
    done_late=4,
    in_progress=14,
    overdue=10,
    dormant=2,
    not_reported=8,
    average_percent=56.25,
)
PREVIOUS = StatusCounts(
    done_on_time=9, done_late=3, in_progress=16, overdue=12, not_reported=10, average_percent=50.0
)


def catalog(language: str) -> gettext.NullTranslations:
    return translator(language, DEFAULT_LOCALES_DIR)


def unit(index: int, name: str, overdue: int) -> UnitRollup:
    return UnitRollup(index, name, StatusCounts(overdue=overdue, in_progress=1))


def summary(**changes: object) -> PlanSummary:
    base = PlanSummary(
        plan_id=3,
        title="KẾ HOẠCH Thực hiện Nghị quyết Đại hội Đảng bộ xã",
        number="12-KH/ĐU",
        issuer="Đảng ủy xã Xuân Hưng",
        as_of=date(2026, 6, 15),
        since=date(2026, 6, 8),
        counts=COUNTS,
        checkins=CheckinCounts(expected=8, reported=6),
        units=[
            unit(1, "Chi bộ Bắc Sơn", 3),
            unit(2, "Chi bộ An Bình", 0),
            unit(3, "Chi bộ Cầu", 1),
        ],
        periods=[],
        problems=[
            UnitProblems(
                1,
                "Chi bộ Bắc Sơn",
                [
                    ProblemReport(
                        7,
                        "Tổ chức hội nghị quán triệt Nghị quyết",
                        "vướng kinh phí",
                        datetime(2026, 6, 10, 2, 0, tzinfo=UTC),
                    ),
                    # 00:30 on 08/06 in Hà Nội.
                    ProblemReport(
                        7,
                        "Tổ chức hội nghị quán triệt Nghị quyết",
                        "chưa có hướng dẫn",
                        datetime(2026, 6, 7, 17, 30, tzinfo=UTC),
                    ),
                ],
                more=3,
            )
        ],
        silent_units=["Chi bộ Cầu", "Chi bộ Phú Lộc"],
        dormant=[
            DormantTask(
                9,
                "Tổng kết khi có hướng dẫn của cấp trên",
                "Khi có hướng dẫn",
                ["Chi bộ An Bình", "Chi bộ Bắc Sơn"],
            )
        ],
        previous=PREVIOUS,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_vietnamese_summary() -> None:
    text = summary_text(summary(), catalog("vi"), "vi")

    assert text == "\n".join(
        [
            "📊 KẾ HOẠCH Thực hiện Nghị quyết Đại hội Đảng bộ xã",
            "Số: 12-KH/ĐU",
            "Tổng hợp đến ngày 15/06/2026 (báo cáo từ ngày 08/06/2026)",
            "",
            "40 phần việc phải thực hiện",
            "✅ Hoàn thành đúng hạn: 12 (+3) · 30%",
            "☑️ Hoàn thành quá hạn: 4 (+1) · 10%",
            "🔄 Đang thực hiện (trong hạn): 14 (-2) · 35%",
            "⛔ Quá hạn chưa hoàn thành: 10 (-2) · 25%",
            "📭 Chưa báo cáo: 8 (-2)",
            "",
            "📈 Tỷ lệ hoàn thành: 40% (16/40) (+10)",
            "Tiến độ bình quân: 56% (+6)",
            "(+/-: tăng, giảm so với lần tổng hợp trước)",
            "",
            "🔁 Nhiệm vụ thường xuyên: 6/8 phần việc có báo cáo trong kỳ (75%)",
            "",
            "⛔ Đơn vị có việc quá hạn:",
            "1. Chi bộ Bắc Sơn: 3 việc quá hạn",
            "2. Chi bộ Cầu: 1 việc quá hạn",
            "",
            "⚠️ Khó khăn, vướng mắc báo cáo trong kỳ:",
            "🏢 Chi bộ Bắc Sơn",
            "• 10/06/2026: vướng kinh phí (Tổ chức hội nghị quán triệt Nghị quyết)",
            "• 08/06/2026: chưa có hướng dẫn (Tổ chức hội nghị quán triệt Nghị quyết)",
            "…và 3 ý kiến khác",
            "",
            "📭 Đơn vị chưa báo cáo trong kỳ (2):",
            "Chi bộ Cầu; Chi bộ Phú Lộc",
            "",
            "💤 Việc chờ kích hoạt, chưa tính vào số liệu trên (1):",
            "• Tổng kết khi có hướng dẫn của cấp trên (Khi có hướng dẫn): "
            "Chi bộ An Bình; Chi bộ Bắc Sơn",
        ]
    )


def test_english_summary() -> None:
    text = summary_text(summary(), catalog("en"), "en")

    lines = text.splitlines()
    assert lines[:3] == [
        "📊 KẾ HOẠCH Thực hiện Nghị quyết Đại hội Đảng bộ xã",
        "Number: 12-KH/ĐU",
        "Summary of 15/06/2026 (reports since 08/06/2026)",
    ]
    for line in [
        "40 assignments to do",
        "✅ Done on time: 12 (+3) · 30%",
        "☑️ Done late: 4 (+1) · 10%",
        "🔄 In progress (within the deadline): 14 (-2) · 35%",
        "⛔ Overdue, not done: 10 (-2) · 25%",
        "📭 Not reported yet: 8 (-2)",
        "📈 Done: 40% (16/40) (+10)",
        "Average progress: 56% (+6)",
        "(+/-: the change since the last summary)",
        "🔁 Ongoing tasks: 6/8 reported in the period (75%)",
        "⛔ Units with overdue work:",
        "1. Chi bộ Bắc Sơn: 3 overdue",
        "⚠️ Problems reported in the period:",
        "…and 3 more problems",
        "📭 Units with no report in the period (2):",
        "💤 Task waiting to be triggered, not counted above (1):",
    ]:
        assert line in lines
    for vietnamese in ("Hoàn thành", "phần việc", "Tổng hợp", "Chưa báo cáo", "Tiến độ"):
        assert vietnamese not in text


def test_recurring_work_by_period_after_the_numbers() -> None:
    periods = [
        PeriodRollup("2026-Q1", StatusCounts(done_on_time=3, overdue=1)),
        PeriodRollup("2026-Q2", StatusCounts(done_late=1, in_progress=3)),
        PeriodRollup("2026-06", StatusCounts(dormant=2)),
        PeriodRollup("once", StatusCounts(done_on_time=5)),
        PeriodRollup("trigger", StatusCounts(dormant=2)),
    ]

    vi = summary_text(summary(periods=periods), catalog("vi"), "vi").split("\n\n")
    en = summary_text(summary(periods=periods), catalog("en"), "en").split("\n\n")

    assert vi[3] == "\n".join(
        [
            "🗓 Theo kỳ:",
            "• Quý I/2026: hoàn thành 3/4 (75%) · quá hạn 1",
            "• Quý II/2026: hoàn thành 1/4 (25%) · quá hạn 0",
        ]
    )
    assert en[3].splitlines()[1] == "• Quarter I/2026: done 3/4 (75%) · overdue 1"


def test_only_the_latest_periods_are_listed() -> None:
    months = [
        PeriodRollup(f"2026-{month:02d}", StatusCounts(done_on_time=month, in_progress=1))
        for month in range(1, 13)
    ]

    section = summary_text(summary(periods=months), catalog("vi"), "vi").split("\n\n")[3]

    lines = section.splitlines()
    assert lines[1] == f"Các kỳ trước đó: {12 - PERIODS_SHOWN}"
    assert len(lines) == 2 + PERIODS_SHOWN
    assert lines[2].startswith("• Tháng 5/2026: hoàn thành 5/6")
    assert lines[-1].startswith("• Tháng 12/2026: hoàn thành 12/13")


def test_no_period_section_without_recurring_work() -> None:
    text = summary_text(
        summary(periods=[PeriodRollup("once", StatusCounts(done_on_time=5))]), catalog("vi"), "vi"
    )

    assert "Theo kỳ" not in text


def test_english_singular_and_large_numbers() -> None:
    counts = StatusCounts(done_on_time=1234, in_progress=1)
    text = summary_text(
        summary(counts=counts, previous=None, silent_units=["Chi bộ Cầu"]), catalog("en"), "en"
    )
    vi = summary_text(summary(counts=counts, previous=None), catalog("vi"), "vi")

    assert "1,235 assignments to do" in text
    assert "✅ Done on time: 1,234 · 100%" in text
    assert "📭 Unit with no report in the period (1):" in text
    assert "(+/-" not in text
    assert "1.235 phần việc phải thực hiện" in vi


def test_every_active_plan_without_a_period() -> None:
    text = summary_text(
        summary(plan_id=None, title="", number=None, since=None), catalog("vi"), "vi"
    )

    lines = text.splitlines()
    assert lines[:2] == ["📊 Tất cả kế hoạch đang thực hiện", "Tổng hợp đến ngày 15/06/2026"]
    assert "⚠️ Khó khăn, vướng mắc đã báo cáo:" in lines
    assert "📭 Đơn vị chưa báo cáo lần nào (2):" in lines
    assert "🔁 Nhiệm vụ thường xuyên: 6/8 phần việc đã có báo cáo (75%)" in lines


def test_nothing_due_yet() -> None:
    empty = summary(
        counts=StatusCounts(),
        checkins=CheckinCounts(),
        units=[],
        problems=[],
        silent_units=[],
        dormant=[],
        previous=None,
    )

    assert summary_text(empty, catalog("vi"), "vi").splitlines()[-1] == (
        "Chưa có phần việc nào đến kỳ thực hiện."
    )
    only_checkins = summary_text(
        replace(empty, checkins=CheckinCounts(expected=2, reported=0)), catalog("vi"), "vi"
    )
    assert only_checkins.splitlines()[-1] == (
        "🔁 Nhiệm vụ thường xuyên: 0/2 phần việc có báo cáo trong kỳ (0%)"
    )


def test_long_lists_are_cut() -> None:
    units = [unit(i, f"Chi bộ thôn {i:02d}", 20 - i) for i in range(15)]
    silent = [f"Chi bộ thôn {i:02d}" for i in range(SILENT_SHOWN + 5)]
    dormant = [
        DormantTask(i, f"Việc chờ số {i}", "", [f"Chi bộ {u}" for u in range(7)])
        for i in range(DORMANT_SHOWN + 2)
    ]

    text = summary_text(
        summary(units=units, silent_units=silent, dormant=dormant), catalog("vi"), "vi"
    )

    lines = text.splitlines()
    assert f"{TOP_UNITS}. Chi bộ thôn {TOP_UNITS - 1:02d}: {21 - TOP_UNITS} việc quá hạn" in lines
    assert f"{TOP_UNITS + 1}. Chi bộ thôn {TOP_UNITS:02d}" not in text
    assert "…và 5 đơn vị khác" in lines
    silent_line = lines[lines.index("📭 Đơn vị chưa báo cáo trong kỳ (35):") + 1]
    assert silent_line.count("Chi bộ thôn") == SILENT_SHOWN
    assert silent_line.endswith("Chi bộ thôn 29 …và 5 đơn vị khác")
    assert (
        "• Việc chờ số 0: Chi bộ 0; Chi bộ 1; Chi bộ 2; Chi bộ 3; Chi bộ 4 …và 2 đơn vị khác"
        in (lines)
    )
    assert "…và 2 việc khác" in lines
    assert f"Việc chờ số {DORMANT_SHOWN}" not in text


def test_long_problem_and_task_texts_are_shortened() -> None:
    problem = ProblemReport(
        1, "Nội dung rất dài " * 20, "khó khăn " * 60, datetime(2026, 6, 9, 3, 0, tzinfo=UTC)
    )
    text = summary_text(
        summary(problems=[UnitProblems(1, "Chi bộ A", [problem])]), catalog("vi"), "vi"
    )

    line = next(line for line in text.splitlines() if line.startswith("• 09/06/2026"))
    assert len(line) < 300
    assert line.count("…") == 2


# --------------------------------------------------------------------------- splitting


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("limit", [ZALO_LIMIT, TELEGRAM_LIMIT])
def test_a_long_summary_splits_at_lines(limit: int) -> None:
    problems = [
        UnitProblems(
            u,
            f"Chi bộ thôn {u}",
            [
                ProblemReport(
                    u * 10 + p,
                    f"Nhiệm vụ {p} của chi bộ thôn {u}",
                    f"Vướng mắc số {p}: thiếu kinh phí, thiếu người, chưa có hướng dẫn 📌",
                    datetime(2026, 6, 10, 2, p, tzinfo=UTC),
                )
                for p in range(5)
            ],
        )
        for u in range(10)
    ]
    silent = [f"Chi bộ thôn {i}" for i in range(200)]
    text = summary_text(summary(problems=problems, silent_units=silent), catalog("vi"), "vi")
    assert _utf16(text) > 2 * ZALO_LIMIT

    pieces = split_message(text, limit)

    assert len(pieces) >= 2
    assert all(0 < _utf16(piece) <= limit for piece in pieces)
    assert _words(" ".join(pieces)) == _words(text)
    lines = set(text.splitlines())
    # Every piece begins and ends on a line of the text.
    assert all(piece.splitlines()[0] in lines for piece in pieces)
    assert all(piece.splitlines()[-1] in lines for piece in pieces)


def test_short_text_is_one_piece() -> None:
    assert split_message("  Xin chào  ", ZALO_LIMIT) == ["Xin chào"]
    assert split_message("", ZALO_LIMIT) == [""]


def test_sections_stay_whole_when_they_fit() -> None:
    sections = [("Mục " + str(i) + "\n") + "\n".join(["dòng nội dung"] * 60) for i in range(6)]
    text = "\n\n".join(sections)

    pieces = split_message(text, ZALO_LIMIT)

    assert all(piece.startswith("Mục ") for piece in pieces)
    assert "\n\n".join(pieces) == text


def test_lines_are_kept_whole() -> None:
    text = "\n".join(f"dòng {i}" for i in range(1000))

    pieces = split_message(text, ZALO_LIMIT)

    assert all(len(piece) <= ZALO_LIMIT for piece in pieces)
    assert "\n".join(pieces) == text


def test_a_paragraph_splits_between_words() -> None:
    words = [f"từ{i}" for i in range(1500)]
    text = "Tiêu đề\n" + " ".join(words)

    pieces = split_message(text, ZALO_LIMIT)

    assert all(len(piece) <= ZALO_LIMIT for piece in pieces)
    assert _words(" ".join(pieces)) == _words(text)
    # The title does not make a piece of its own: breaks in the first half are not taken.
    assert pieces[0].startswith("Tiêu đề\ntừ0 từ1")
    assert all(len(piece) > ZALO_LIMIT - 10 for piece in pieces[:-1])


def test_emoji_count_twice() -> None:
    text = " ".join(["📊"] * 1500)

    pieces = split_message(text, ZALO_LIMIT)

    assert all(_utf16(piece) <= ZALO_LIMIT for piece in pieces)
    assert sum(piece.count("📊") for piece in pieces) == 1500


def test_a_word_longer_than_the_limit_is_cut_but_not_inside_a_letter() -> None:
    word = unicodedata.normalize("NFD", "ệ") * 1500

    pieces = split_message(word, 2000)

    assert all(len(piece) <= 2000 for piece in pieces)
    assert "".join(pieces) == word
    assert not any(unicodedata.combining(piece[0]) for piece in pieces)


def test_the_limit_must_leave_room() -> None:
    with pytest.raises(ValueError, match="too small"):
        split_message("abc", 1)
