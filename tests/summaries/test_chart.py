"""The progress chart: a phone-sized PNG, Vietnamese text without missing glyphs, the
top units only, drawn safely from several threads."""

from __future__ import annotations

import io
import unicodedata
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from matplotlib import image
from matplotlib.colors import to_rgb

from summaries.chart import COLOURS, WIDTH_PX, unit_chart
from summaries.model import UnitRollup
from summaries.status import StatusCounts, TaskStatus

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

LABELS = {
    TaskStatus.DONE_ON_TIME: "Hoàn thành đúng hạn",
    TaskStatus.DONE_LATE: "Hoàn thành quá hạn",
    TaskStatus.IN_PROGRESS: "Đang thực hiện",
    TaskStatus.OVERDUE: "Quá hạn chưa hoàn thành",
    TaskStatus.DORMANT: "Chờ kích hoạt",
}
TITLE = "Hoàn thành đúng hạn · Quá hạn chưa hoàn thành · Chi bộ thôn Nà Hẩu"


def _unit(number: int, name: str, **counts: int) -> UnitRollup:
    return UnitRollup(number, name, StatusCounts(**counts))


def _units(count: int) -> list[UnitRollup]:
    return [
        _unit(n, f"Chi bộ thôn số {n} xã Lùng Phình", done_on_time=n % 3, in_progress=n)
        for n in range(1, count + 1)
    ]


def _pixels(png: bytes) -> np.ndarray:
    assert png.startswith(PNG_SIGNATURE)
    return np.asarray(image.imread(io.BytesIO(png), format="png"))


def _has_colour(pixels: np.ndarray, colour: str) -> bool:
    distance = np.abs(pixels[..., :3] - np.array(to_rgb(colour))).max(axis=-1)
    return bool((distance < 0.02).sum() > 100)


def test_vietnamese_text_renders_without_missing_glyphs() -> None:
    units = [
        _unit(1, "Chi bộ thôn Nà Hẩu", done_on_time=3, done_late=1, in_progress=2, overdue=2),
        # Text pasted from Word sometimes carries its diacritics as separate marks.
        _unit(2, unicodedata.normalize("NFD", "Chi bộ Trường Tiểu học Nậm Xe"), dormant=1),
    ]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = unit_chart(units, title=TITLE, labels=LABELS)

    pixels = _pixels(png)
    assert pixels.shape[1] == WIDTH_PX
    assert pixels.shape[0] >= 400


def test_bars_are_stacked_in_the_colours_of_their_statuses() -> None:
    late = unit_chart(
        [_unit(1, "Chi bộ A", done_on_time=2, overdue=3)], title="Tiến độ", labels=LABELS
    )
    on_time = unit_chart([_unit(1, "Chi bộ A", done_on_time=5)], title="Tiến độ", labels=LABELS)

    assert _has_colour(_pixels(late), COLOURS[TaskStatus.OVERDUE])
    assert _has_colour(_pixels(late), COLOURS[TaskStatus.DONE_ON_TIME])
    assert not _has_colour(_pixels(on_time), COLOURS[TaskStatus.OVERDUE])


def test_many_units_show_only_the_top_ones() -> None:
    few = _pixels(unit_chart(_units(5), title=TITLE, labels=LABELS))
    fifteen = _pixels(unit_chart(_units(15), title=TITLE, labels=LABELS))
    forty = _pixels(unit_chart(_units(40), title=TITLE, labels=LABELS))
    top_five = _pixels(unit_chart(_units(40), title=TITLE, labels=LABELS, top=5))
    idle = [_unit(100 + n, f"Đơn vị chỉ có việc thường xuyên {n}") for n in range(5)]
    with_idle = _pixels(unit_chart(_units(5) + idle, title=TITLE, labels=LABELS))

    assert few.shape[0] < fifteen.shape[0]
    assert forty.shape == fifteen.shape
    assert top_five.shape == few.shape
    assert with_idle.shape == few.shape
    assert {few.shape[1], fifteen.shape[1], forty.shape[1]} == {WIDTH_PX}


def test_no_units_still_give_a_picture() -> None:
    pixels = _pixels(unit_chart([], title=TITLE, labels=LABELS))

    assert pixels.shape[1] == WIDTH_PX


def test_charts_drawn_in_parallel_threads_are_identical() -> None:
    units = _units(12)

    def draw(_: int) -> bytes:
        return unit_chart(units, title=TITLE, labels=LABELS)

    with ThreadPoolExecutor(max_workers=4) as pool:
        charts = list(pool.map(draw, range(4)))

    assert len(set(charts)) == 1
    assert charts[0].startswith(PNG_SIGNATURE)
