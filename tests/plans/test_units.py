"""Unit lists, abbreviations and matching keys."""

from __future__ import annotations

import pytest

from plans.units import (
    expand_abbreviations,
    is_group,
    leading_units,
    split_roles,
    split_units,
    starts_unit,
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


# Names as plans of People's Committees, Party bodies, the Front and ministries write them:
# a cell or heading naming units, and the one entry per unit it stands for.
NAMED_UNITS = [
    (
        "Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương Minh",
        ["Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam xã Lương Minh"],
    ),
    ("Văn phòng Cơ quan Ủy ban MTTQ xã", ["Văn phòng Cơ quan Ủy ban Mặt trận Tổ quốc xã"]),
    ("Văn phòng UBND tỉnh", ["Văn phòng Ủy ban nhân dân tỉnh"]),
    ("Bộ Văn hóa, Thể thao và Du lịch", ["Bộ Văn hóa, Thể thao và Du lịch"]),
    (
        "Sở Văn hóa, Thể thao và Du lịch, Sở Lao động - Thương binh và Xã hội",
        ["Sở Văn hóa, Thể thao và Du lịch", "Sở Lao động - Thương binh và Xã hội"],
    ),
    (
        "Sở Khoa học và Công nghệ, Sở Nông nghiệp và Môi trường, Sở Giáo dục và Đào tạo",
        ["Sở Khoa học và Công nghệ", "Sở Nông nghiệp và Môi trường", "Sở Giáo dục và Đào tạo"],
    ),
    (
        "Bộ Công an, Bộ Thông tin và Truyền thông và các bộ, ngành",
        ["Bộ Công an", "Bộ Thông tin và Truyền thông", "Các bộ, ngành"],
    ),
    (
        "Trung tâm Văn hóa, Thể thao và Truyền thông huyện",
        ["Trung tâm Văn hóa, Thể thao và Truyền thông huyện"],
    ),
    (
        "Văn phòng ĐBQH và HĐND tỉnh, Ủy ban MTTQ Việt Nam tỉnh",
        [
            "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh",
            "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        ],
    ),
    (
        "Viện kiểm sát nhân dân tỉnh, Tòa án nhân dân tỉnh, Thuế tỉnh, Kho bạc nhà nước khu "
        "vực XI, Ngân hàng nhà nước khu vực 8, Chi cục Hải quan khu vực XI",
        [
            "Viện kiểm sát nhân dân tỉnh",
            "Tòa án nhân dân tỉnh",
            "Thuế tỉnh",
            "Kho bạc nhà nước khu vực XI",
            "Ngân hàng nhà nước khu vực 8",
            "Chi cục Hải quan khu vực XI",
        ],
    ),
    (
        "Bảo hiểm xã hội Thành phố, Chi nhánh Ngân hàng Chính sách xã hội Thành phố, Trung tâm "
        "Dịch vụ việc làm Thành phố",
        [
            "Bảo hiểm xã hội Thành phố",
            "Chi nhánh Ngân hàng Chính sách xã hội Thành phố",
            "Trung tâm Dịch vụ việc làm Thành phố",
        ],
    ),
    (
        "UBND các xã, phường, đặc khu và các cơ quan, đơn vị liên quan",
        ["Ủy ban nhân dân các xã, phường, đặc khu", "Các cơ quan, đơn vị liên quan"],
    ),
    (
        "Đài Phát thanh và Truyền hình Thành phố, cơ quan thông tấn báo chí",
        ["Đài Phát thanh và Truyền hình Thành phố", "Cơ quan thông tấn báo chí"],
    ),
    (
        "Các sở, ban, ngành liên quan; các huyện ủy, thành ủy, Đảng ủy trực thuộc tỉnh",
        ["Các sở, ban, ngành liên quan", "Các huyện ủy, thành ủy, Đảng ủy trực thuộc tỉnh"],
    ),
    (
        "Trung tâm Chính trị, đảng ủy các xã, thị trấn",
        ["Trung tâm Chính trị", "Đảng ủy các xã, thị trấn"],
    ),
    (
        "Các bộ phận chuyên môn thuộc UBND xã, Công an xã",
        ["Các bộ phận chuyên môn thuộc Ủy ban nhân dân xã", "Công an xã"],
    ),
    (
        "Chuyên viên phụ trách lĩnh vực Hành chính, Văn phòng",
        ["Chuyên viên phụ trách lĩnh vực Hành chính, Văn phòng"],
    ),
    (
        "Hội Nông dân, Hội CCB, Liên đoàn Lao động tỉnh",
        ["Hội Nông dân", "Hội Cựu chiến binh", "Liên đoàn Lao động tỉnh"],
    ),
    ("Đề nghị Ủy ban nhân dân xã phối hợp", ["Ủy ban nhân dân xã"]),
    ("Các cơ quan phối hợp", ["Các cơ quan phối hợp"]),
    ("Sở Tư pháp2.", ["Sở Tư pháp"]),
    ("Sở Y tế¹", ["Sở Y tế"]),
]


@pytest.mark.parametrize(("text", "expected"), NAMED_UNITS)
def test_split_units_of_any_administrative_body(text: str, expected: list[str]) -> None:
    assert split_units(text) == expected


# Made-up duties opening with real unit names: the name ends where the duty's verb begins.
LEADING_NAMES = [
    ("Sở Nội vụ chủ trì, phối hợp với các sở", ["Sở Nội vụ"], "chủ trì, phối hợp với các sở"),
    (
        "Sở Văn hóa, Thể thao và Du lịch hướng dẫn các địa phương",
        ["Sở Văn hóa, Thể thao và Du lịch"],
        "hướng dẫn các địa phương",
    ),
    (
        "Bộ Chỉ huy Quân sự tỉnh có trách nhiệm theo dõi",
        ["Bộ Chỉ huy Quân sự tỉnh"],
        "có trách nhiệm theo dõi",
    ),
    (
        "Ban Tuyên giáo và Dân vận Tỉnh ủy chỉ đạo các cơ quan báo chí",
        ["Ban Tuyên giáo và Dân vận Tỉnh ủy"],
        "chỉ đạo các cơ quan báo chí",
    ),
    (
        "Viện kiểm sát nhân dân tỉnh căn cứ chức năng",
        ["Viện kiểm sát nhân dân tỉnh"],
        "căn cứ chức năng",
    ),
    ("Ủy ban bầu cử xã thực hiện", ["Ủy ban bầu cử xã"], "thực hiện"),
    (
        "Ban công tác Mặt trận các thôn trên địa bàn xã tổ chức hội nghị",
        ["Ban công tác Mặt trận các thôn trên địa bàn xã"],
        "tổ chức hội nghị",
    ),
    (
        "Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở xã chủ trì",
        ["Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở xã"],
        "chủ trì",
    ),
    ("Các ban xây dựng Đảng Huyện ủy tham mưu", ["Các ban xây dựng Đảng Huyện ủy"], "tham mưu"),
    (
        "Ủy ban nhân dân xã nơi người tự ứng cử cư trú có trách nhiệm xác minh",
        ["Ủy ban nhân dân xã nơi người tự ứng cử cư trú"],
        "có trách nhiệm xác minh",
    ),
    (
        "Các cơ quan, đơn vị được giao chủ trì có trách nhiệm hoàn thành",
        ["Các cơ quan, đơn vị được giao chủ trì"],
        "có trách nhiệm hoàn thành",
    ),
    (
        "Các cơ quan phối hợp có trách nhiệm phối hợp",
        ["Các cơ quan phối hợp"],
        "có trách nhiệm phối hợp",
    ),
    (
        "Thủ trưởng các sở, ban, ngành và UBND phường, xã, đặc khu chịu trách nhiệm triển khai",
        ["Các sở, ban, ngành", "Ủy ban nhân dân phường, xã, đặc khu"],
        "chịu trách nhiệm triển khai",
    ),
    (
        "Đồng chí Phó Chủ tịch Thường trực UBND xã chỉ đạo",
        ["Đồng chí Phó Chủ tịch Thường trực Ủy ban nhân dân xã"],
        "chỉ đạo",
    ),
    (
        "Cán bộ phụ trách lĩnh vực giám sát và phản biện xã hội tham mưu",
        ["Cán bộ phụ trách lĩnh vực giám sát và phản biện xã hội"],
        "tham mưu",
    ),
    (
        "Sở, ban, ngành thuộc UBND Thành phố có trách nhiệm rà soát",
        ["Sở, ban, ngành thuộc Ủy ban nhân dân Thành phố"],
        "có trách nhiệm rà soát",
    ),
    (
        "Đề nghị Thường trực HĐND, UBND, Ủy ban Kiểm tra Đảng ủy xã thường xuyên phối hợp",
        ["Thường trực Hội đồng nhân dân", "Ủy ban nhân dân", "Ủy ban Kiểm tra Đảng ủy xã"],
        "thường xuyên phối hợp",
    ),
    (
        "Đảng ủy xã Lãnh đạo, định hướng công tác tư tưởng",
        ["Đảng ủy xã"],
        "Lãnh đạo, định hướng công tác tư tưởng",
    ),
    ("Công an tỉnh nắm tình hình", ["Công an tỉnh"], "nắm tình hình"),
    (
        "Đồng chí Chủ tịch Ủy ban MTTQ xã trực tiếp chỉ đạo",
        ["Đồng chí Chủ tịch Ủy ban Mặt trận Tổ quốc xã"],
        "trực tiếp chỉ đạo",
    ),
]


@pytest.mark.parametrize(("sentence", "units", "rest"), LEADING_NAMES)
def test_a_name_runs_to_the_verb_of_the_duty(sentence: str, units: list[str], rest: str) -> None:
    assert leading_units(sentence) == (units, rest)


@pytest.mark.parametrize(
    "sentence",
    [
        "Hội nghị kết thúc hồi 11 giờ cùng ngày",
        "Hồi 8 giờ ngày 05/12/2025, tại hội trường",
        "Báo cáo kết quả về Ủy ban nhân dân xã",
        "Bộ tiêu chí được ban hành kèm theo",
        "Phòng chống tội phạm là nhiệm vụ thường xuyên",
        "Trường hợp có khó khăn, vướng mắc",
        "Đại hội đại biểu Đảng bộ xã lần thứ III",
        "Số lượng đại biểu dự hội nghị",
        "Đoàn kết các tầng lớp Nhân dân",
        "Bố trí kinh phí thực hiện",
        "Các nội dung trên được triển khai",
    ],
)
def test_common_words_that_share_a_unit_head_open_no_unit(sentence: str) -> None:
    assert not starts_unit(sentence)
    assert leading_units(sentence) == ([], sentence)


@pytest.mark.parametrize(
    ("written", "expanded"),
    [
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("Sở KHCN", "Sở Khoa học và Công nghệ"),
        ("Bộ TT&TT", "Bộ Thông tin và Truyền thông"),
        ("Sở VH,TT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở NN&MT", "Sở Nông nghiệp và Môi trường"),
        ("Sở LĐTB&XH", "Sở Lao động - Thương binh và Xã hội"),
        ("TAND, VKSND tỉnh", "Tòa án nhân dân, Viện kiểm sát nhân dân tỉnh"),
        ("BHXH tỉnh", "Bảo hiểm xã hội tỉnh"),
        ("TTCP", "Thanh tra Chính phủ"),
        ("Văn phòng CP", "Văn phòng Chính phủ"),
        ("Công ty CP Môi trường đô thị", "Công ty cổ phần Môi trường đô thị"),
        ("BCS đảng UBND tỉnh", "Ban cán sự đảng Ủy ban nhân dân tỉnh"),
        ("BCĐ 35 huyện", "Ban Chỉ đạo 35 huyện"),
        ("BTV Đảng ủy", "Ban Thường vụ Đảng ủy"),
        ("Ban Tuyên giáo TW", "Ban Tuyên giáo Trung ương"),
        ("Đ/c PCT UBND xã", "Đồng chí Phó Chủ tịch Ủy ban nhân dân xã"),
        (
            "Nghị quyết số 57-NQ/TW, Nghị quyết 03/NQ-CP",
            "Nghị quyết số 57-NQ/TW, Nghị quyết 03/NQ-CP",
        ),
    ],
)
def test_expands_the_abbreviations_of_ministries_and_courts(written: str, expanded: str) -> None:
    assert expand_abbreviations(written) == expanded


def test_a_group_may_sit_inside_a_name() -> None:
    assert is_group("Ủy ban nhân dân các xã, phường, đặc khu")
    assert is_group("Thủ trưởng các cơ quan, đơn vị")
    assert not is_group("Sở Văn hóa, Thể thao và Du lịch")
