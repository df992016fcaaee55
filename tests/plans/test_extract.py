"""Extraction on the seed plans, on their .docx twins, and on plans of other shapes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from plans.extract import extract_plan
from plans.layout import lay_out
from plans.model import Document, ExtractedPlan, ExtractedTask, Paragraph, Table, TimeKind
from plans.readers import read_plan, read_plan_bytes
from tests.plans.docx_builder import build_docx
from tests.shared import GOLD_DIR, SEEDS, load_tool

THRESHOLDS = {
    "recall": 0.90,
    "precision": 0.80,
    "lead_acc": 0.85,
    "kind_acc": 0.90,
    "due_acc": 0.90,
}


def _text_plan(text: str) -> ExtractedPlan:
    return extract_plan(read_plan_bytes(text.encode("utf-8"), "plan.txt"))


def _summary(plan: ExtractedPlan) -> list[tuple[str, list[str], str, date | None]]:
    return [(t.content, t.lead, t.when.kind.value, t.when.due) for t in plan.tasks]


def test_all_five_seeds_are_there() -> None:
    assert len(SEEDS) == 5


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_scores_meet_thresholds(seed: Path) -> None:
    scorer = load_tool("score_extraction")
    gold = json.loads((GOLD_DIR / f"{seed.name[:3]}.json").read_text(encoding="utf-8"))
    parsed: dict[str, Any] = extract_plan(read_plan(seed)).to_json()
    result = scorer.score(gold, parsed)
    failing = {k: round(result[k], 3) for k, v in THRESHOLDS.items() if result[k] < v}
    assert not failing, failing


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_docx_of_seed_gives_the_same_tasks(seed: Path, tmp_path: Path) -> None:
    from_text = extract_plan(read_plan(seed))
    laid = lay_out(read_plan(seed))
    assert any(isinstance(b, Table) for b in laid.blocks) == (
        any(t.ref.startswith("PL") for t in from_text.tasks)
    )
    target = tmp_path / "plan.docx"
    build_docx(laid, target)
    from_docx = extract_plan(read_plan(target))
    assert _summary(from_docx) == _summary(from_text)
    assert from_docx.title == from_text.title


def test_plan_json_contract_shape() -> None:
    plan = extract_plan(read_plan(SEEDS[4])).to_json()
    assert set(plan) == {"plan", "tasks", "unread"}
    assert all(set(line) == {"line", "text"} for line in plan["unread"])
    assert set(plan["plan"]) == {"title", "number", "issuer", "period"}
    first = plan["tasks"][0]
    assert {"ref", "content", "lead", "support", "when", "target"} <= set(first)
    assert set(first["when"]) >= {"text", "kind", "due", "start", "every"}
    kinds = {t["when"]["kind"] for t in plan["tasks"]}
    assert kinds <= {k.value for k in TimeKind}


LETTERED_PLAN = """ĐẢNG BỘ HUYỆN SÔNG MÃ
KẾ HOẠCH
Triển khai chuyển đổi số trong công tác đảng giai đoạn 2026-2028

A. MỤC ĐÍCH, YÊU CẦU
Nâng cao nhận thức của cán bộ, đảng viên về chuyển đổi số.

B. CHỈ TIÊU
Phấn đấu đạt các chỉ tiêu sau:
a) 100% chi bộ sử dụng sổ tay đảng viên điện tử hằng quý.
b) Đến hết năm 2027, 80% đảng viên cài đặt ứng dụng.
c) Tổ chức 02 lớp tập huấn cho bí thư chi bộ (khi có kinh phí).

C. NHIỆM VỤ, GIẢI PHÁP
1. Tăng cường tuyên truyền về chuyển đổi số trên hệ thống loa truyền thanh.

D. TỔ CHỨC THỰC HIỆN
- Văn phòng Huyện ủy: chủ trì tham mưu, theo dõi, đôn đốc; báo cáo kết quả trước ngày 15/12/2026.
- UBND huyện, Phòng VH-TT: bố trí kinh phí, hạ tầng kỹ thuật hằng năm.
a) Các chi bộ trực thuộc:
- Quán triệt kế hoạch đến toàn thể đảng viên.
- Cập nhật dữ liệu đảng viên thường xuyên.

Nơi nhận:
- Ban Thường vụ Tỉnh ủy,
- Lưu VP.
"""


def test_lettered_sections_targets_and_unit_labelled_duties() -> None:
    plan = _text_plan(LETTERED_PLAN)
    assert plan.period == (2026, 2028)
    assert len(plan.tasks) == 7, [t.content for t in plan.tasks]

    def task(start: str) -> ExtractedTask:
        return next(t for t in plan.tasks if t.content.startswith(start))

    sổ_tay = task("100% chi bộ sử dụng sổ tay")
    assert (sổ_tay.when.kind, sổ_tay.when.every) == (TimeKind.RECURRING, "quarter")
    assert sổ_tay.target is not None and sổ_tay.target.startswith("100%")
    assert task("Đến hết năm 2027").when.due == date(2027, 12, 31)
    assert task("Tổ chức 02 lớp").when.kind is TimeKind.CONDITIONAL
    office = task("Chủ trì tham mưu")
    assert office.lead == ["Văn phòng Huyện ủy"]
    assert office.when.due == date(2026, 12, 15)
    funding = task("Bố trí kinh phí")
    assert funding.lead == ["Ủy ban nhân dân huyện", "Phòng Văn hóa và Thông tin"]
    assert funding.when.kind is TimeKind.RECURRING
    cells = [t for t in plan.tasks if t.lead == ["Các chi bộ trực thuộc"]]
    assert [t.when.kind for t in cells] == [TimeKind.CONTINUOUS, TimeKind.CONTINUOUS]
    assert not any("truyền thanh" in t.content for t in plan.tasks)


TAB_TABLE_PLAN = (
    "KẾ HOẠCH\nThực hiện Kết luận số 05-KL/HU về phát triển văn hóa\n\n"
    "PHỤ LỤC\n"
    "TT\tTên nhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\tSản phẩm\n"
    "I\tCông tác tuyên truyền\t\t\t\t\n"
    "1\tXây dựng chuyên mục trên trang thông tin điện tử\tBan Tuyên giáo Huyện ủy"
    "\tPhòng VH&TT\tQuý II/2026\tChuyên mục\n"
    "2\tTổ chức hội thi tuyên truyền viên giỏi\tHuyện đoàn\tTheo chỉ đạo của Tỉnh ủy\t\t\n"
    "\n"
    "TT\tTên nhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\tSản phẩm\n"
    "II\tKiểm tra, giám sát\t\t\t\t\n"
    "1\t- Kiểm tra việc thực hiện ở các chi bộ. - Sơ kết 1 năm thực hiện\tUBKT Huyện ủy"
    "\t\tTừ tháng 12/2026 đến quý I/2027\tBáo cáo\n"
)


def test_tab_table_with_repeated_header_shift_and_dash_items() -> None:
    plan = _text_plan(TAB_TABLE_PLAN)
    assert plan.number == "05-KL/HU"
    assert [t.ref for t in plan.tasks] == ["PL.I.1", "PL.I.2", "PL.II.1", "PL.II.1"]
    first, contest, check, review = plan.tasks
    assert first.lead == ["Ban Tuyên giáo Huyện ủy"]
    assert first.support == ["Phòng Văn hóa và Thông tin"]
    assert (first.when.kind, first.when.due) == (TimeKind.ONCE, date(2026, 6, 30))
    assert first.target == "Chuyên mục"
    assert contest.when.kind is TimeKind.CONDITIONAL and contest.support == []
    assert check.content == "Kiểm tra việc thực hiện ở các chi bộ."
    assert review.content == "Sơ kết 1 năm thực hiện"
    assert check.lead == review.lead == ["Ủy ban Kiểm tra Huyện ủy"]
    assert check.when.start == date(2026, 12, 1) and check.when.due == date(2027, 3, 31)


def test_word_table_with_merged_section_row() -> None:
    header = ("STT", "Nội dung công việc", "Đơn vị thực hiện", "Thời gian")
    merged = ("I", "Học tập nghị quyết", "Học tập nghị quyết", "Học tập nghị quyết")
    row = ("1", "Tổ chức hội nghị quán triệt", "Đảng ủy xã, các chi bộ", "Tháng 3/2026")
    document = Document((Paragraph("KẾ HOẠCH"), Table((header, merged, row))))
    plan = extract_plan(document)
    assert len(plan.tasks) == 1
    task = plan.tasks[0]
    assert task.ref == "PL.I.1"
    assert task.lead == ["Đảng ủy xã", "Các chi bộ"]
    assert task.when.due == date(2026, 3, 31)


def test_word_cell_with_a_paragraph_per_dash_item(tmp_path: Path) -> None:
    header = ("STT", "Nội dung", "Chủ trì", "Thời gian")
    row = (
        "1",
        "- Tuyên truyền kỷ niệm Ngày giải phóng miền Nam\n"
        "- Tuyên truyền kỷ niệm Ngày sinh Chủ tịch Hồ Chí Minh",
        "Ban Văn hóa - Xã hội",
        "Tháng 4/2026",
    )
    path = tmp_path / "plan.docx"
    build_docx(Document((Paragraph("KẾ HOẠCH"), Table((header, row)))), path)
    plan = extract_plan(read_plan(path))
    assert [t.content for t in plan.tasks] == [
        "Tuyên truyền kỷ niệm Ngày giải phóng miền Nam",
        "Tuyên truyền kỷ niệm Ngày sinh Chủ tịch Hồ Chí Minh",
    ]
    assert {t.when.due for t in plan.tasks} == {date(2026, 4, 30)}


def test_document_without_tasks_gives_none() -> None:
    plan = _text_plan("THÔNG BÁO\nVề việc nghỉ lễ Quốc khánh 2/9.\n\nNơi nhận:\n- Các chi bộ.\n")
    assert plan.tasks == []


BULLETED_PLAN = """KẾ HOẠCH
Tổ chức Tháng hành động vì môi trường năm 2026

I. CHỈ TIÊU
1) 100% thôn tổ chức tổng vệ sinh trước ngày 05/6/2026.
2) Hằng tháng ra quân dọn vệ sinh đường làng.

II. TỔ CHỨC THỰC HIỆN
\uf0b7 Đoàn Thanh niên xã: phát động ra quân, báo cáo kết quả trước ngày 30/6/2026.
▪ Hội Phụ nữ xã: vận động hội viên phân loại rác thường xuyên.
"""


def test_word_bullets_and_number_parentheses_mark_items() -> None:
    plan = _text_plan(BULLETED_PLAN)
    summary = [(t.lead, t.when.kind.value, t.when.due) for t in plan.tasks]
    assert summary == [
        ([], "once", date(2026, 6, 5)),
        ([], "recurring", None),
        (["Đoàn Thanh niên xã"], "once", date(2026, 6, 30)),
        (["Hội Phụ nữ xã"], "continuous", None),
    ]


HYPHEN_NUMBERED_PLAN = """CHƯƠNG TRÌNH HÀNH ĐỘNG
Thực hiện cải cách hành chính giai đoạn 2026-2028

I- PHÂN CÔNG NHIỆM VỤ
TT\tNội dung\tĐơn vị thực hiện\tThời hạn
A\tCÔNG TÁC TUYÊN TRUYỀN\t\t
1\tTuyên truyền dịch vụ công trực tuyến\tUBND phường (chủ trì), Đoàn TN (phối hợp)\tQuý II/2026
II.\tKIỂM TRA, GIÁM SÁT\t\t
1\tKiểm tra việc giải quyết thủ tục hành chính\tUBKT (chủ trì), các chi bộ\tHằng năm, 2026 - 2028

II- TỔ CHỨC THỰC HIỆN
1- Đảng ủy phường
Lãnh đạo, chỉ đạo các chi bộ quán triệt Chương trình.
2- Ủy ban MTTQ và các tổ chức CT-XH phường
Vận động Nhân dân sử dụng dịch vụ công trực tuyến.
e) Hội CCB, Đoàn TN phường
- Tổ chức tuyên truyền pháp luật mỗi tháng.
g) Các chi bộ khu phố, xóm
- Đưa nội dung cải cách hành chính vào sinh hoạt chi bộ.

Nhận được Chương trình này, yêu cầu các chi bộ nghiêm túc triển khai thực hiện./.
Chương trình này được quán triệt đến chi bộ và đảng viên./.
"""


def test_hyphen_numbers_letter_groups_role_marks_and_the_handover_sentence() -> None:
    plan = _text_plan(HYPHEN_NUMBERED_PLAN)
    got = {t.content: (t.ref, t.lead, t.support) for t in plan.tasks}
    assert got == {
        "Tuyên truyền dịch vụ công trực tuyến": (
            "PL.A.1",
            ["Ủy ban nhân dân phường"],
            ["Đoàn Thanh niên"],
        ),
        "Kiểm tra việc giải quyết thủ tục hành chính": (
            "PL.II.1",
            ["Ủy ban Kiểm tra"],
            ["Các chi bộ"],
        ),
        "Lãnh đạo, chỉ đạo các chi bộ quán triệt Chương trình.": (
            "II.1",
            ["Đảng ủy phường"],
            [],
        ),
        "Vận động Nhân dân sử dụng dịch vụ công trực tuyến.": (
            "II.2",
            ["Ủy ban Mặt trận Tổ quốc", "Các tổ chức chính trị - xã hội phường"],
            [],
        ),
        "Tổ chức tuyên truyền pháp luật mỗi tháng.": (
            "II.2",
            ["Hội Cựu chiến binh", "Đoàn Thanh niên phường"],
            [],
        ),
        "Đưa nội dung cải cách hành chính vào sinh hoạt chi bộ.": (
            "II.2",
            ["Các chi bộ khu phố, xóm"],
            [],
        ),
    }
    checks = next(t for t in plan.tasks if t.content.startswith("Kiểm tra"))
    assert (checks.when.kind, checks.when.every) == (TimeKind.RECURRING, "year")
    assert (checks.when.start, checks.when.due) == (date(2026, 1, 1), None)


def test_column_of_leaders_names_is_not_the_lead_and_numbered_groups_head_rows() -> None:
    header = (
        "STT",
        "Nội dung công việc",
        "Lãnh đạo phụ trách",
        "Cơ quan tham mưu",
        "Cơ quan phối hợp",
        "Thời gian",
    )
    rows = (
        header,
        ("1.", "Đổi mới tư duy về kinh tế tư nhân", "", "", "", ""),
        ("1.1", "Tổ chức hội nghị quán triệt", "Đ/c Bí thư", "Ban TG&DV", "VP ĐU", "Tháng 7/2026"),
        ("2.", "Kiểm tra việc thực hiện chính sách", "Đ/c Chủ nhiệm", "UBKT", "", "Năm 2027"),
    )
    plan = extract_plan(Document((Paragraph("KẾ HOẠCH"), Table(rows))))
    got = [(t.ref, t.content, t.lead, t.support) for t in plan.tasks]
    assert got == [
        (
            "PL.1.1",
            "Tổ chức hội nghị quán triệt",
            ["Ban Tuyên giáo và Dân vận"],
            ["Văn phòng Đảng ủy"],
        ),
        ("PL.2", "Kiểm tra việc thực hiện chính sách", ["Ủy ban Kiểm tra"], []),
    ]


def test_an_inspection_table_is_led_by_the_inspecting_team() -> None:
    header = (
        "TT",
        "Nội dung kiểm tra",
        "Đối tượng kiểm tra",
        "Thời gian kiểm tra",
        "Đoàn kiểm tra",
    )
    row = ("1", "Kiểm tra việc thu, nộp đảng phí", "05 chi bộ", "Quý II/2026", "UBKT Đảng ủy")
    plan = extract_plan(Document((Paragraph("KẾ HOẠCH"), Table((header, row)))))
    [task] = plan.tasks
    assert (task.lead, task.when.due) == (["Ủy ban Kiểm tra Đảng ủy"], date(2026, 6, 30))


def test_a_one_year_plan_dates_the_months_it_names_without_a_year() -> None:
    plan = _text_plan(
        "KẾ HOẠCH\nCông tác tuyên giáo năm 2026\n\n"
        "TT\tNội dung\tChủ trì\tThời gian\n"
        "1\tTổ chức hội nghị báo cáo viên\tBan Tuyên giáo\tTrong tháng 10\n"
        "2\tSơ kết công tác tuyên giáo\tBan Tuyên giáo\t6 tháng cuối năm\n"
    )
    assert plan.period == (2026, 2026)
    assert [t.when.due for t in plan.tasks] == [date(2026, 10, 31), date(2026, 12, 31)]


def test_a_row_merged_across_the_table_heads_the_rows_under_it() -> None:
    header = ("TT", "Nội dung", "Chủ trì", "Thời gian")
    step = ("1. Bước chuẩn bị",) * 4
    unnumbered = ("Bước tổ chức",) * 4
    rows = (
        header,
        step,
        ("1", "Xây dựng đề án", "Ban Xây dựng Đảng", "Quý I/2026"),
        unnumbered,
        ("2", "Tổ chức đại hội chi bộ", "Các chi bộ", "Quý III/2026"),
    )
    plan = extract_plan(Document((Paragraph("PHƯƠNG ÁN"), Table(rows))))
    assert [(t.ref, t.content) for t in plan.tasks] == [
        ("PL.1.1", "Xây dựng đề án"),
        ("PL.2", "Tổ chức đại hội chi bộ"),
    ]


def test_roadmap_stages_are_tasks_due_when_their_label_says() -> None:
    plan = _text_plan(
        "ĐỀ ÁN\nNâng cao chất lượng sinh hoạt chi bộ giai đoạn 2026 - 2028\n\n"
        "III. LỘ TRÌNH THỰC HIỆN\n"
        "1. Giai đoạn 1 (Tháng 7 - 8/2026): Khảo sát thực trạng sinh hoạt của các chi bộ.\n"
        "2. Giai đoạn 2 (từ tháng 9/2026 đến hết năm 2027): Tổ chức sinh hoạt mẫu.\n"
        "3. Giai đoạn 3 (năm 2028): Sơ kết, đánh giá kết quả thực hiện Đề án.\n"
    )
    got = [(t.content, t.when.kind, t.when.due) for t in plan.tasks]
    assert got == [
        ("Khảo sát thực trạng sinh hoạt của các chi bộ.", TimeKind.ONCE, date(2026, 8, 31)),
        ("Tổ chức sinh hoạt mẫu.", TimeKind.CONTINUOUS, date(2027, 12, 31)),
        ("Sơ kết, đánh giá kết quả thực hiện Đề án.", TimeKind.ONCE, date(2028, 12, 31)),
    ]


def test_task_blocks_with_labelled_fields_in_a_content_section() -> None:
    plan = _text_plan(
        "KẾ HOẠCH\nTriển khai Luật Việc làm\n"
        "II. NỘI DUNG\n"
        "1. Tổ chức tập huấn, bồi dưỡng nghiệp vụ\n"
        "- Nội dung thực hiện: Tập huấn cho cán bộ làm công tác việc làm.\n"
        "- Cơ quan chủ trì: Sở Nội vụ, Sở Tài chính.\n"
        "- Cơ quan phối hợp: Bảo hiểm xã hội Thành phố.\n"
        "- Thời gian thực hiện: Quý I/2026.\n"
        "2. Tổ chức kiểm tra việc thi hành Luật\n"
        "- Thời gian thực hiện: Năm 2026.\n"
        "- Cơ quan thực hiện: Sở Nội vụ chủ trì tham mưu; Sở Tư pháp chủ động phối hợp.\n"
    )
    first, second = plan.tasks
    assert first.content.startswith("Tổ chức tập huấn, bồi dưỡng nghiệp vụ")
    assert "Tập huấn cho cán bộ" in first.content
    assert first.lead == ["Sở Nội vụ", "Sở Tài chính"]
    assert first.support == ["Bảo hiểm xã hội Thành phố"]
    assert (first.when.kind, first.when.due) == (TimeKind.ONCE, date(2026, 3, 31))
    assert second.lead == ["Sở Nội vụ", "Sở Tư pháp"]
    assert second.when.due == date(2026, 12, 31)


def test_unit_headings_and_unit_led_sentences_outside_the_implementation_section() -> None:
    plan = _text_plan(
        "KẾ HOẠCH\nBảo vệ bí mật nhà nước\n"
        "II. NỘI DUNG TRỌNG TÂM\n"
        "1. Tổ chức rà soát, đánh giá các nội dung bảo vệ bí mật nhà nước.\n"
        "III. PHÂN CÔNG NHIỆM VỤ\n"
        "1. Công an tỉnh\n"
        "- Chủ trì tham mưu kiện toàn Ban Chỉ đạo.\n"
        "- Tăng cường tập huấn cho cán bộ.\n"
        "IV. KINH PHÍ THỰC HIỆN\n"
        "1. Kinh phí bảo đảm từ ngân sách nhà nước.\n"
        "2. Sở Tài chính chủ trì, phối hợp với các sở bố trí kinh phí chi thường xuyên.\n"
    )
    assert [(t.content, t.lead) for t in plan.tasks] == [
        ("Chủ trì tham mưu kiện toàn Ban Chỉ đạo.", ["Công an tỉnh"]),
        ("Tăng cường tập huấn cho cán bộ.", ["Công an tỉnh"]),
        (
            "Sở Tài chính chủ trì, phối hợp với các sở bố trí kinh phí chi thường xuyên.",
            ["Sở Tài chính"],
        ),
    ]


def test_the_plan_own_activities_are_tasks_and_its_rules_are_not() -> None:
    plan = _text_plan(
        "KẾ HOẠCH\nHiệp thương\n"
        "II. NỘI DUNG, TIẾN ĐỘ, PHÂN CÔNG TRÁCH NHIỆM THỰC HIỆN\n"
        "1. Báo cáo kết quả Hội nghị\n"
        "- Gửi biên bản Hội nghị đến Ban Thường trực.\n"
        "- Thông báo số lượng, cơ cấu cho các thôn.\n"
        "2. Quy định về số lượng cử tri tham dự hội nghị\n"
        "- Đối với thôn có dưới 100 cử tri: phải tổ chức hội nghị toàn thể.\n"
    )
    assert [t.content for t in plan.tasks] == [
        "Gửi biên bản Hội nghị đến Ban Thường trực.",
        "Thông báo số lượng, cơ cấu cho các thôn.",
    ]


def test_a_signature_table_ends_the_plan_and_an_attached_plan_starts_over() -> None:
    signature = Table((("Nơi nhận:\n- Như Điều 3;", "TM. ỦY BAN NHÂN DÂN"),))
    blocks = (
        Paragraph("QUYẾT ĐỊNH"),
        Paragraph("III. TỔ CHỨC THỰC HIỆN"),
        Paragraph("1. Sở Nội vụ"),
        Paragraph("- Theo dõi việc thực hiện Quyết định."),
        signature,
        Paragraph("Mẫu số 01"),
        Paragraph("- Họ và tên người chủ trì hội nghị: ……………"),
        Paragraph("KẾ HOẠCH"),
        Paragraph("IV. TỔ CHỨC THỰC HIỆN"),
        Paragraph("1. Sở Tài chính"),
        Paragraph("- Bố trí kinh phí thực hiện Kế hoạch."),
    )
    plan = extract_plan(Document(blocks))
    assert [(t.content, t.lead) for t in plan.tasks] == [
        ("Theo dõi việc thực hiện Quyết định.", ["Sở Nội vụ"]),
        ("Bố trí kinh phí thực hiện Kế hoạch.", ["Sở Tài chính"]),
    ]


def test_lines_that_look_like_work_outside_every_task_are_listed_with_their_lines() -> None:
    plan = _text_plan(
        "KẾ HOẠCH\nTuyên truyền\n"
        "II. NỘI DUNG\n"
        "Chương trình tuyên truyền được quán triệt rộng rãi.\n"
        "Các chi bộ lưu ý báo cáo kết quả trước ngày 15/12/2026.\n"
        "Nội dung tuyên truyền gồm nhiều vấn đề.\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Ban Tuyên giáo\n"
        "- Hướng dẫn các chi bộ tuyên truyền.\n"
    )
    assert [t.content for t in plan.tasks] == ["Hướng dẫn các chi bộ tuyên truyền."]
    assert [(u.line, u.text) for u in plan.unread] == [
        (5, "Các chi bộ lưu ý báo cáo kết quả trước ngày 15/12/2026.")
    ]


def test_a_plan_without_tasks_lists_every_line_that_looks_like_work() -> None:
    plan = _text_plan("Kính gửi.\nCông an tỉnh chủ trì tổng kết trước ngày 30/6/2026.\nCảm ơn.\n")
    assert plan.tasks == []
    assert [(u.line, u.text) for u in plan.unread] == [
        (2, "Công an tỉnh chủ trì tổng kết trước ngày 30/6/2026.")
    ]


def test_a_target_table_dated_by_its_group_rows() -> None:
    table = Table(
        (
            ("TT", "Chỉ tiêu", "Đơn vị", "Kết quả", "Cơ quan chủ trì theo dõi, đánh giá"),
            ("I", "Đến năm 2030", "", "", ""),
            ("1", "Quy mô kinh tế số", "% GDP", "≥ 30", "Bộ Tài chính"),
            ("II", "Đến năm 2045", "", "", ""),
            ("1", "Số doanh nghiệp công nghệ số", "Doanh nghiệp", "≥ 10", "Bộ Công an"),
        )
    )
    plan = extract_plan(Document((Paragraph("PHỤ LỤC"), table)))
    assert _summary(plan) == [
        ("Quy mô kinh tế số", ["Bộ Tài chính"], "once", date(2030, 12, 31)),
        ("Số doanh nghiệp công nghệ số", ["Bộ Công an"], "once", date(2045, 12, 31)),
    ]
    assert [t.target for t in plan.tasks] == ["≥ 30", "≥ 10"]


def test_a_letter_without_sections_hands_out_duties_after_its_request() -> None:
    plan = _text_plan(
        "BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH\n"
        "Thời gian qua, tiến độ còn chậm. Trước tình hình đó, Bộ yêu cầu:\n"
        "1. Tiểu ban giúp việc Ban Chỉ đạo 934\n"
        "- Thực hiện phân công nhiệm vụ kịp thời.\n"
        "2. Công tác tuyên truyền\n"
        "- Đẩy mạnh tuyên truyền trên báo chí.\n"
    )
    assert [(t.content, t.lead) for t in plan.tasks] == [
        ("Thực hiện phân công nhiệm vụ kịp thời.", ["Tiểu ban giúp việc Ban Chỉ đạo 934"]),
        ("Đẩy mạnh tuyên truyền trên báo chí.", []),
    ]


def test_targets_each_in_a_paragraph_of_their_own_and_a_phase_with_no_readable_time() -> None:
    plan = _text_plan(
        "KẾ HOẠCH\nĐổi mới công nghệ\n"
        "II. MỤC TIÊU\n"
        "2. Mục tiêu cụ thể đến năm 2030\n"
        "Phấn đấu trên 50% diện tích ứng dụng công nghệ thông minh.\n"
        "Hình thành ít nhất 20 mô hình sản xuất tuần hoàn.\n"
        "III. NỘI DUNG\n"
        "- Giai đoạn khẩn cấp (0-48 giờ): Tiếp cận ngay các vùng ngập sâu.\n"
    )
    assert [(t.content, t.when.kind, t.when.due) for t in plan.tasks] == [
        ("Phấn đấu trên 50% diện tích ứng dụng công nghệ thông minh.", TimeKind.ONCE,
         date(2030, 12, 31)),
        ("Hình thành ít nhất 20 mô hình sản xuất tuần hoàn.", TimeKind.ONCE, date(2030, 12, 31)),
        ("Giai đoạn khẩn cấp (0-48 giờ): Tiếp cận ngay các vùng ngập sâu.",
         TimeKind.UNSPECIFIED, None),
    ]


def test_a_heading_that_names_its_doers_by_a_clause_is_no_duty_of_its_own() -> None:
    plan = _text_plan(
        "KẾ HOẠCH\nChuyển đổi số\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Thủ trưởng các cơ quan, đơn vị được giao nhiệm vụ\n"
        "- Chịu trách nhiệm về tiến độ, chất lượng các nhiệm vụ.\n"
    )
    assert [(t.content, t.lead) for t in plan.tasks] == [
        (
            "Chịu trách nhiệm về tiến độ, chất lượng các nhiệm vụ.",
            ["Các cơ quan, đơn vị được giao nhiệm vụ"],
        )
    ]
