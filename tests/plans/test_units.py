"""Unit lists, abbreviations and matching keys."""

from __future__ import annotations

import pytest

from plans.units import (
    expand_abbreviations,
    is_group,
    leading_units,
    split_roles,
    split_units,
    unit_key,
)

SPLITS = [
    ("Đảng ủy, UBND xã, MTTQ", ["Đảng ủy", "Ủy ban nhân dân xã", "Mặt trận Tổ quốc"]),
    (
        "Đảng ủy xã, các chi bộ trực thuộc, MTTQ và các tổ chức chính trị - xã hội xã",
        [
            "Đảng ủy xã",
            "Các chi bộ trực thuộc",
            "Mặt trận Tổ quốc",
            "Các tổ chức chính trị - xã hội xã",
        ],
    ),
    (
        "Các cơ quan, đơn vị, các chi bộ trực thuộc",
        ["Các cơ quan, đơn vị", "Các chi bộ trực thuộc"],
    ),
    ("Các ban, ngành, cơ quan, đơn vị liên quan", ["Các ban, ngành, cơ quan, đơn vị liên quan"]),
    ("Các chi, đảng bộ trực thuộc", ["Các chi, đảng bộ trực thuộc"]),
    ("UBKT Huyện ủy, Ban TG Huyện ủy", ["Ủy ban Kiểm tra Huyện ủy", "Ban Tuyên giáo Huyện ủy"]),
    ("Phòng VH&TT", ["Phòng Văn hóa và Thông tin"]),
    ("Phòng GD&ĐT", ["Phòng Giáo dục và Đào tạo"]),
    ("Hội CCB huyện", ["Hội Cựu chiến binh huyện"]),
    ("Ban Tuyên giáo và Dân vận TU (để báo cáo)", ["Ban Tuyên giáo và Dân vận Tỉnh ủy"]),
    ("Công an, Quân sự xã", ["Công an", "Quân sự xã"]),
    (
        "Ủy ban Mặt trận Tổ quốc tổ chức chính trị - xã hội, các thôn",
        ["Ủy ban Mặt trận Tổ quốc", "Tổ chức chính trị - xã hội", "Các thôn"],
    ),
    (
        "Phòng Tài chính - Kế hoạch, Đảng ủy các xã, thị trấn Phòng Văn hóa Thông tin",
        ["Phòng Tài chính - Kế hoạch", "Đảng ủy các xã, thị trấn", "Phòng Văn hóa Thông tin"],
    ),
    ("MTTQ và đoàn thể chính trị - xã hội", ["Mặt trận Tổ quốc", "Các tổ chức chính trị - xã hội"]),
    ("Văn phòng Huyện ủy;\nBan QLDA.", ["Văn phòng Huyện ủy", "Ban Quản lý dự án"]),
    ("", []),
    ("……", []),
    ("-", []),
]


@pytest.mark.parametrize(("text", "expected"), SPLITS)
def test_split_units(text: str, expected: list[str]) -> None:
    assert split_units(text) == expected


LEADING = [
    ("UBND huyện chỉ đạo các ngành", ["Ủy ban nhân dân huyện"], "chỉ đạo các ngành"),
    ("Ban Xây dựng Đảng chủ trì tham mưu", ["Ban Xây dựng Đảng"], "chủ trì tham mưu"),
    ("Hội đồng nhân dân huyện ban hành cơ chế", ["Hội đồng nhân dân huyện"], "ban hành cơ chế"),
    ("Giao Ban Tuyên giáo Huyện ủy chủ trì", ["Ban Tuyên giáo Huyện ủy"], "chủ trì"),
    ("Yêu cầu các chi bộ trực thuộc chủ động", ["Các chi bộ trực thuộc"], "chủ động"),
    (
        "MTTQ và các tổ chức chính trị - xã hội đẩy mạnh",
        ["Mặt trận Tổ quốc", "Các tổ chức chính trị - xã hội"],
        "đẩy mạnh",
    ),
    ("Các chi bộ tổ chức học tập", ["Các chi bộ"], "tổ chức học tập"),
    ("Các chi bộ có trách nhiệm triển khai", ["Các chi bộ"], "có trách nhiệm triển khai"),
    (
        "Ủy ban Kiểm tra Đảng ủy giúp Ban Chấp hành kiểm tra",
        ["Ủy ban Kiểm tra Đảng ủy"],
        "giúp Ban Chấp hành kiểm tra",
    ),
    ("Các cơ quan, đơn vị tổ chức học tập", ["Các cơ quan, đơn vị"], "tổ chức học tập"),
    ("Tổ chức quán triệt kế hoạch", [], "Tổ chức quán triệt kế hoạch"),
    ("Ban hành kế hoạch thực hiện", [], "Ban hành kế hoạch thực hiện"),
]


@pytest.mark.parametrize(("sentence", "units", "rest"), LEADING)
def test_leading_units(sentence: str, units: list[str], rest: str) -> None:
    assert leading_units(sentence) == (units, rest)


def test_keys_ignore_accents_case_order_and_abbreviations() -> None:
    same = ["UBND xã", "Ủy ban nhân dân xã", "xa uy ban nhan dan", "ỦY BAN NHÂN DÂN XÃ"]
    assert len({unit_key(n) for n in same}) == 1
    assert unit_key("Đảng ủy xã") != unit_key("Đảng ủy huyện")


def test_expansion_keeps_words_that_merely_contain_an_abbreviation() -> None:
    assert expand_abbreviations("TUẦN TRA, HUẤN LUYỆN") == "TUẦN TRA, HUẤN LUYỆN"
    assert expand_abbreviations("BCH ĐU") == "Ban Chấp hành Đảng ủy"


@pytest.mark.parametrize(
    ("written", "expanded"),
    [
        ("BXD Đảng", "Ban Xây dựng Đảng"),
        ("Ban XDĐ", "Ban Xây dựng Đảng"),
        ("VP Đảng ủy", "Văn phòng Đảng ủy"),
        ("BCH Quân sự xã", "Ban Chỉ huy Quân sự xã"),
        ("BCH QS xã", "Ban Chỉ huy Quân sự xã"),
        ("BCHQS xã", "Ban Chỉ huy Quân sự xã"),
        ("CA xã", "Công an xã"),
        ("ĐTNCS HCM", "Đoàn Thanh niên Cộng sản Hồ Chí Minh"),
        ("BTG&DV Huyện ủy", "Ban Tuyên giáo và Dân vận Huyện ủy"),
        ("UBKTĐU", "Ủy ban Kiểm tra Đảng ủy"),
        ("HCCB, HPN xã", "Hội Cựu chiến binh, Hội Phụ nữ xã"),
        ("Phòng KT-HT", "Phòng Kinh tế - Hạ tầng"),
        ("Ban TG&DV Đảng ủy", "Ban Tuyên giáo và Dân vận Đảng ủy"),
        ("Hội ND, Hội LHPN", "Hội Nông dân, Hội Liên hiệp Phụ nữ"),
        ("Ban CHQS xã", "Ban Chỉ huy Quân sự xã"),
    ],
)
def test_expands_the_abbreviations_of_commune_offices(written: str, expanded: str) -> None:
    assert expand_abbreviations(written) == expanded


def test_groups() -> None:
    assert is_group("Các chi bộ trực thuộc")
    assert not is_group("Chi bộ thôn Nà Hẩu")


@pytest.mark.parametrize(
    ("cell", "lead", "support"),
    [
        (
            "UBND xã (chủ trì); Hội Nông dân xã (phối hợp)",
            ["Ủy ban nhân dân xã"],
            ["Hội Nông dân xã"],
        ),
        ("MTTQ (chủ trì), các đoàn thể", ["Mặt trận Tổ quốc"], ["Các đoàn thể"]),
        ("MTTQ, Hội Nông dân (p/h)", ["Mặt trận Tổ quốc"], ["Hội Nông dân"]),
        ("Đảng ủy, UBND xã", ["Đảng ủy", "Ủy ban nhân dân xã"], []),
    ],
)
def test_role_marks_in_one_unit_cell(cell: str, lead: list[str], support: list[str]) -> None:
    assert split_roles(cell) == (lead, support)
    assert split_units(cell) == lead + support
