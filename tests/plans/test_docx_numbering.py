"""Word's automatic list numbers reach the extractor as text."""

from __future__ import annotations

import io

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.text.paragraph import Paragraph as WordParagraph

from plans.extract import extract_plan
from plans.model import Paragraph
from plans.readers import read_plan_bytes

_LEVELS = (("upperRoman", "%1."), ("decimal", "%2."), ("decimal", "%2.%3."), ("bullet", "-"))
_OUTLINE = (
    f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
    + "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(_LEVELS)
    )
    + "</w:abstractNum>"
)
_NUM = f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'


def _listed(paragraph: WordParagraph, level: int) -> None:
    numpr = parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
    )
    paragraph._p.get_or_add_pPr().append(numpr)


def _plan_docx() -> bytes:
    word = docx.Document()
    numbering = word.part.numbering_part.element
    numbering.insert(0, parse_xml(_OUTLINE))
    numbering.append(parse_xml(_NUM))
    word.add_paragraph("KẾ HOẠCH")
    word.add_paragraph("Học tập Nghị quyết Đại hội năm 2026")
    lines = [
        (0, "MỤC ĐÍCH, YÊU CẦU"),
        (None, "Nâng cao nhận thức của đảng viên."),
        (0, "CHỈ TIÊU"),
        (3, "100% đảng viên được học tập trước ngày 30/6/2026."),
        (3, "Hằng quý kiểm tra việc học tập ở chi bộ."),
        (0, "TỔ CHỨC THỰC HIỆN"),
        (1, "Ban Xây dựng Đảng"),
        (3, "Tham mưu kế hoạch học tập."),
        (1, "Các chi bộ trực thuộc"),
        (3, "Tổ chức học tập cho đảng viên."),
        (3, "Báo cáo kết quả trước ngày 15/7/2026."),
    ]
    for level, text in lines:
        paragraph = word.add_paragraph(text)
        if level is not None:
            _listed(paragraph, level)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def test_list_labels_are_written_as_word_shows_them() -> None:
    document = read_plan_bytes(_plan_docx(), "plan.docx")
    texts = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert "I. MỤC ĐÍCH, YÊU CẦU" in texts
    assert "II. CHỈ TIÊU" in texts
    assert "1. Ban Xây dựng Đảng" in texts
    assert "2. Các chi bộ trực thuộc" in texts
    assert "- Tham mưu kế hoạch học tập." in texts


def test_auto_numbered_plan_extracts_like_a_typed_one() -> None:
    plan = extract_plan(read_plan_bytes(_plan_docx(), "plan.docx"))
    summary = [(t.ref, t.lead, t.when.kind.value) for t in plan.tasks]
    assert summary == [
        ("II", [], "once"),
        ("II", [], "recurring"),
        ("III.1", ["Ban Xây dựng Đảng"], "continuous"),
        ("III.2", ["Các chi bộ trực thuộc"], "continuous"),
        ("III.2", ["Các chi bộ trực thuộc"], "once"),
    ]
