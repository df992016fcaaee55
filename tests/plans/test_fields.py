"""Labelled fields of task blocks."""

from __future__ import annotations

import pytest

from plans.fields import Field, Role, read_field


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- Cơ quan chủ trì: Sở Nội vụ.", Field(Role.LEAD, "Cơ quan chủ trì", "Sở Nội vụ.")),
        ("Đơn vị thực hiện: UBND xã", Field(Role.LEAD, "Đơn vị thực hiện", "UBND xã")),
        ("+ Cơ quan phối hợp: Sở Tư pháp", Field(Role.SUPPORT, "Cơ quan phối hợp", "Sở Tư pháp")),
        ("- Phối hợp: Công an xã", Field(Role.SUPPORT, "Phối hợp", "Công an xã")),
        ("- Thời gian thực hiện: Năm 2025", Field(Role.TIME, "Thời gian thực hiện", "Năm 2025")),
        ("b) Thời hạn: Quý I/2026", Field(Role.TIME, "Thời hạn", "Quý I/2026")),
        ("1.1. Nội dung: Hiệp thương", Field(Role.CONTENT, "Nội dung", "Hiệp thương")),
        ("- Nhiệm vụ:", Field(Role.CONTENT, "Nhiệm vụ", "")),
        ("- Kết quả: Biên bản hội nghị", Field(Role.PRODUCT, "Kết quả", "Biên bản hội nghị")),
        ("- Địa điểm: Hội trường xã", Field(Role.OTHER, "Địa điểm", "Hội trường xã")),
    ],
)
def test_labelled_fields(text: str, expected: Field) -> None:
    assert read_field(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "- Tổ chức hội nghị sơ kết: mời đại biểu các xã",
        "Nội dung tuyên truyền gồm các vấn đề sau",
        "Thời gian qua, công tác tuyên truyền: còn hạn chế",
        "Căn cứ Kế hoạch số 12/KH-UBND",
    ],
)
def test_sentences_are_not_fields(text: str) -> None:
    assert read_field(text) is None
