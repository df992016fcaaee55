"""Summaries and task rows built by hand for the export tests (Excel, Word)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.config import DEFAULT_LOCALES_DIR
from bot.i18n import translator
from summaries.model import (
    CheckinCounts,
    DormantTask,
    PlanSummary,
    ProblemReport,
    TaskRow,
    UnitProblems,
    UnitRollup,
)
from summaries.status import StatusCounts, TaskStatus

TODAY = date(2026, 11, 23)

VI = translator("vi", DEFAULT_LOCALES_DIR)
EN = translator("en", DEFAULT_LOCALES_DIR)

PLAN_COUNTS = StatusCounts(
    done_on_time=5,
    done_late=1,
    in_progress=3,
    overdue=2,
    dormant=1,
    not_reported=2,
    average_percent=40.0,
)
UNIT_A = UnitRollup(
    1,
    "Chi bộ thôn Nà Hẩu",
    StatusCounts(done_on_time=2, in_progress=1, overdue=2, not_reported=1, average_percent=20.0),
    CheckinCounts(expected=1, reported=1),
)
UNIT_B = UnitRollup(
    2,
    "Văn phòng Đảng ủy",
    StatusCounts(done_on_time=3, done_late=1, in_progress=2, not_reported=1, average_percent=60.0),
)
UNIT_C = UnitRollup(3, "Đoàn Thanh niên", StatusCounts(), CheckinCounts(expected=2, reported=1))


def summary(**changes: object) -> PlanSummary:
    """A plan's summary on :data:`TODAY`: 11 assignments due, 2 overdue in Nà Hẩu."""
    values: dict[str, object] = {
        "plan_id": 7,
        "title": "KẾ HOẠCH Thực hiện Nghị quyết về công tác tuyên giáo, dân vận",
        "number": "18-KH/ĐU",
        "issuer": "Đảng ủy xã Liên Minh",
        "as_of": TODAY,
        "since": None,
        "counts": PLAN_COUNTS,
        "checkins": CheckinCounts(expected=3, reported=2),
        "units": [UNIT_A, UNIT_B, UNIT_C],
        "periods": [],
        "problems": [
            UnitProblems(
                1,
                "Chi bộ thôn Nà Hẩu",
                [
                    ProblemReport(
                        11,
                        "Tổ chức hội nghị quán triệt Nghị quyết",
                        "thiếu kinh phí",
                        datetime(2026, 11, 20, 17, 30, tzinfo=UTC),
                    )
                ],
            )
        ],
        "silent_units": ["Đoàn Thanh niên"],
        "dormant": [DormantTask(9, "Tổng kết khi có hướng dẫn", "Khi có hướng dẫn", ["Chi bộ A"])],
    }
    values.update(changes)
    return PlanSummary(**values)  # type: ignore[arg-type]


ROWS = [
    TaskRow(
        number="1",
        content="Tổ chức hội nghị quán triệt Nghị quyết",
        lead=["Chi bộ thôn Nà Hẩu"],
        support=["Văn phòng Đảng ủy", "Đoàn Thanh niên"],
        deadline="Quý III/2026",
        status=TaskStatus.OVERDUE,
        percent=40.0,
        problems=["Chi bộ thôn Nà Hẩu: thiếu kinh phí", "Văn phòng Đảng ủy: chờ hướng dẫn"],
        last_report_at=datetime(2026, 11, 20, 17, 30, tzinfo=UTC),
        due=date(2026, 9, 30),
    ),
    TaskRow(
        number="2",
        content="Sơ kết công tác tuyên truyền " * 8,
        lead=["Văn phòng Đảng ủy"],
        support=[],
        deadline="15/12/2026",
        status=TaskStatus.IN_PROGRESS,
        percent=None,
        problems=[],
        last_report_at=None,
        due=date(2026, 12, 15),
    ),
    TaskRow(
        number="3",
        content="Báo cáo năm",
        lead=["Văn phòng Đảng ủy"],
        support=[],
        deadline="31/10/2026",
        status=TaskStatus.DONE_ON_TIME,
        percent=100.0,
        problems=[],
        last_report_at=datetime(2026, 10, 30, 2, 0, tzinfo=UTC),
        due=date(2026, 10, 31),
    ),
    TaskRow(
        number="4",
        content="Tổng kết khi có hướng dẫn",
        lead=["Chi bộ A"],
        support=[],
        deadline="Khi có hướng dẫn",
        status=TaskStatus.DORMANT,
        percent=None,
        problems=[],
        last_report_at=None,
    ),
    TaskRow(
        number="5",
        content="Hội nghị giữa nhiệm kỳ",
        lead=["Chi bộ B"],
        support=[],
        deadline="30/06/2027",
        status=TaskStatus.IN_PROGRESS,
        percent=10.0,
        problems=[],
        last_report_at=None,
        due=date(2027, 6, 30),
    ),
]
