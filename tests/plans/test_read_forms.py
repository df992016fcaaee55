"""Plan files as web pages (.htm), PDFs and old Word (.doc) files.

The fixtures under ``fixtures/`` are LibreOffice's PDF and HTML exports of the
shared corpus's Word plans w01-w03; each must give the tasks its .docx gives.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from plans.extract import extract_plan
from plans.model import Block, Document, Paragraph, Table
from plans.readers import PlanReadError, read_plan, read_plan_bytes
from plans.text import fold
from tests.plans.test_readers import encode_cp1258
from tests.shared import SHARED_DIR

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS_PLANS = SHARED_DIR / "corpus" / "plans"
WORD_PLANS = (
    "w01_luongminh-kh-hiepthuong-gioithieu-hdnd",
    "w02_luongminh-kh-tiepcongdan-donthu-baucu",
    "w03_luongminh-kh-laykien-cutri-noicutru",
)


def _error(data: bytes, name: str) -> PlanReadError:
    with pytest.raises(PlanReadError) as caught:
        read_plan_bytes(data, name)
    return caught.value


def _task_contents(document: Document) -> set[str]:
    return {fold(task.content) for task in extract_plan(document).tasks}


def _word_plan(stem: str) -> Document:
    path = CORPUS_PLANS / f"{stem}.docx"
    assert path.is_file(), f"missing {path}"
    return read_plan(path)


def _squashed(blocks: tuple[Block, ...]) -> list[object]:
    """Blocks with runs of white space folded: HTML does not keep Word's spaces."""
    out: list[object] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(" ".join(block.text.split()))
        else:
            out.append([[" ".join(cell.split()) for cell in row] for row in block.rows])
    return out


def _before_signature(document: Document) -> Document:
    """The plan up to its signature block ("Nơi nhận: …" beside "TM. …").

    Word lays the signature block out as a borderless table, which the extractor
    reads through, on into w01's appendix of blank forms (whose gold has no
    tasks); a PDF prints it as lines, and the extractor stops at the "Nơi nhận"
    line. That difference is the form's, not the reader's, so PDFs are compared
    with the Word plan up to that table.
    """
    for index, block in enumerate(document.blocks):
        if isinstance(block, Table) and fold(block.rows[0][0]).startswith("noi nhan"):
            return Document(document.blocks[:index], document.source_name, False)
    return document


# --------------------------------------------------------------------------- corpus fixtures


@pytest.mark.parametrize("stem", WORD_PLANS)
def test_web_page_export_gives_the_word_plans_blocks_and_tasks(stem: str) -> None:
    word = _word_plan(stem)
    page = read_plan(FIXTURES / f"{stem}.htm")

    assert not page.hard_wrapped
    assert _squashed(page.blocks) == _squashed(word.blocks)
    assert _task_contents(page) == _task_contents(word)


@pytest.mark.parametrize("stem", WORD_PLANS)
def test_pdf_export_gives_the_word_plans_tasks(stem: str) -> None:
    word = _word_plan(stem)
    pdf = read_plan(FIXTURES / f"{stem}.pdf")

    assert pdf.hard_wrapped
    assert all(isinstance(block, Paragraph) and "\n" not in block.text for block in pdf.blocks)
    tasks = _task_contents(pdf)
    assert tasks
    assert tasks == _task_contents(_before_signature(word))


def test_pdf_lines_keep_the_printed_order_and_split_columns_with_a_tab() -> None:
    pdf = read_plan(FIXTURES / f"{WORD_PLANS[1]}.pdf")
    texts = [block.text for block in pdf.blocks if isinstance(block, Paragraph)]

    assert texts.index("I. MỤC ĐÍCH, YÊU CẦU") < texts.index("II. NỘI DUNG THỰC HIỆN")
    assert texts[0].split("\t") == ["ỦY BAN MTTQ VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT"]


# --------------------------------------------------------------------------- PDF failures


def image_only_pdf() -> bytes:
    """A PDF whose one page is a picture: no text layer, as a scan."""
    buffer = io.BytesIO()
    Image.new("RGB", (120, 160), "white").save(buffer, format="PDF")
    return buffer.getvalue()


def test_pdf_without_a_text_layer_is_scanned() -> None:
    error = _error(image_only_pdf(), "ke-hoach-scan.pdf")

    assert error.code == "scanned_pdf"
    assert error.params["name"] == "ke-hoach-scan.pdf"


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:3000] + bytes(b ^ 0x55 for b in data[3000:]), id="garbled"),
        pytest.param(lambda data: b"%PDF-1.7\n" + bytes(range(256)) * 8, id="header-only"),
        pytest.param(lambda data: b"PK\x03\x04" + data[4:], id="not-a-pdf"),
    ],
)
def test_damaged_pdf_is_corrupt(damage: Callable[[bytes], bytes]) -> None:
    data = (FIXTURES / f"{WORD_PLANS[1]}.pdf").read_bytes()

    assert _error(damage(data), "ke-hoach.pdf").code == "corrupt_pdf"


def _pdf_with_pages(pages: list[list[tuple[float, float, str]]]) -> bytes:
    """A small PDF whose pages print ``(x, y, text)`` in Helvetica (ASCII only)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for lines in pages:
        stream = "".join(f"BT /F1 12 Tf {x} {y} Td ({text}) Tj ET\n" for x, y, text in lines)
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}endstream")
        kids.append(len(objects) + 1)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {len(objects)} 0 R"
            " /Resources << /Font << /F1 << /Type /Font /Subtype /Type1"
            " /BaseFont /Helvetica >> >> >> >>"
        )
    references = " ".join(f"{kid} 0 R" for kid in kids)
    objects[1] = f"<< /Type /Pages /Kids [{references}] /Count {len(kids)} >>"
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out + trailer.encode()


def test_pdf_drops_page_numbers_in_the_margins_only() -> None:
    data = _pdf_with_pages(
        [
            [(72, 760, "Plan body line one"), (72, 400, "7"), (290, 40, "1")],
            [(280, 800, "- 2 -"), (72, 760, "Plan body line two"), (72, 40, "Trang 2/2")],
        ]
    )

    document = read_plan_bytes(data, "plan.pdf")

    assert [block.text for block in document.blocks if isinstance(block, Paragraph)] == [
        "Plan body line one",
        "7",
        "Plan body line two",
    ]


def test_pdf_columns_far_apart_are_tab_separated() -> None:
    data = _pdf_with_pages([[(72, 760, "Left column"), (350, 760, "Right column")]])

    document = read_plan_bytes(data, "plan.pdf")

    assert document.blocks == (Paragraph("Left column\tRight column"),)


# --------------------------------------------------------------------------- .doc files


def test_doc_without_a_converter_needs_conversion(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    ole_header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)

    error = _error(ole_header, "ke-hoach.doc")

    assert error.code == "doc_needs_conversion"
    assert error.params["reason"] == "no_converter"


def test_docx_renamed_doc_is_read_without_a_converter(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    data = (CORPUS_PLANS / f"{WORD_PLANS[1]}.docx").read_bytes()

    document = read_plan_bytes(data, "ke-hoach.doc")

    assert document.blocks == _word_plan(WORD_PLANS[1]).blocks
    assert not document.hard_wrapped


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_doc_is_converted_through_libreoffice(tmp_path: Path) -> None:
    source = CORPUS_PLANS / f"{WORD_PLANS[1]}.docx"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            *("--convert-to", "doc", "--outdir", str(tmp_path), str(source)),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = tmp_path / f"{WORD_PLANS[1]}.doc"

    document = read_plan(converted)

    assert _task_contents(document) == _task_contents(_word_plan(WORD_PLANS[1]))


# --------------------------------------------------------------------------- web pages

WORD_PAGE = """<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office">
<head>
<meta http-equiv=Content-Type content="text/html; charset=windows-1252">
<meta name=ProgId content=Word.Document>
<title>K&#7870; HO&#7840;CH</title>
<style>p.MsoNormal {margin:0cm;}</style>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]-->
<script>document.write("not plan text")</script>
</head>
<body lang=EN-US style='tab-interval:36.0pt'>
<div class=WordSection1>
<table align=left border=0 cellpadding=0 style='mso-table-anchor-vertical:paragraph'>
 <tr><td><p class=MsoNormal align=center>&#7910;Y BAN MTTQ VI&#7878;T NAM</p></td>
  <td><p class=MsoNormal align=center><b>C&#7896;NG H&#210;A X&#195; H&#7896;I</b></p></td></tr>
</table>
<![if !vml]><img width=20 height=2 src="plan_files/image001.gif" v:shapes="_x0000_s1026"><![endif]>
<p class=MsoNormal><b>K&#7870; HO&#7840;CH</b></p>
<p class=MsoNormal>Ban Th&#432;&#7901;ng tr&#7921;c<br>
x&#226;y d&#7921;ng k&#7871; ho&#7841;ch &amp; tri&#7875;n khai&nbsp;&#8220;ngay&#8221;</p>
<p class=MsoNormal>&nbsp;</p>
<p class=MsoListParagraph style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if
!supportLists]><span>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp;
</span></span><![endif]>H&#7897;i ngh&#7883;</p>
<p class=MsoNormal>Th&#7901;i gian:<span
style='mso-tab-count:1'>&nbsp;&nbsp;&nbsp; </span>Qu\xfd I</p>
<p class=MsoNormal style='display:none;mso-hide:all'>hidden text</p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0>
 <thead>
 <tr style='mso-yfti-firstrow:yes'><td rowspan=2><p class=MsoNormal>TT</p></td>
  <td colspan=2><p class=MsoNormal>Ph&#226;n c&#244;ng</p></td></tr>
 <tr><td><p class=MsoNormal>Ch&#7911; tr&#236;</p></td>
  <td><p class=MsoNormal>Ph&#7889;i h&#7907;p</p></td></tr>
 </thead>
 <tr><td rowspan=2><p class=MsoNormal>1</p></td><td><p class=MsoNormal>Ban A</p></td>
  <td rowspan=2><p class=MsoNormal>Ban C</p><p class=MsoNormal>Ban D</p></td></tr>
 <tr><td><p class=MsoNormal>Ban B</p></td></tr>
 <tr><td colspan=3><p class=MsoNormal>Ghi ch&#250;</p></td></tr>
 <tr><td><p class=MsoNormal>TT</p></td>
  <td colspan=2><p class=MsoNormal>Ph&#226;n c&#244;ng</p></td></tr>
 <![if !supportMisalignedColumns]>
 <tr height=0><td width=40 style='border:none'></td><td width=200 style='border:none'></td>
  <td width=200 style='border:none'></td></tr>
 <![endif]>
</table>
</div>
</body>
</html>
"""


def test_word_web_page_in_windows_1252_reads_like_the_docx() -> None:
    data = WORD_PAGE.encode("cp1252")

    document = read_plan_bytes(data, "ke-hoach.htm")

    assert not document.hard_wrapped
    assert document.blocks == (
        Table(rows=(("ỦY BAN MTTQ VIỆT NAM", "CỘNG HÒA XÃ HỘI"),)),
        Paragraph("KẾ HOẠCH"),
        Paragraph("Ban Thường trực\nxây dựng kế hoạch & triển khai “ngay”"),
        Paragraph(""),
        Paragraph("1. Hội nghị"),
        Paragraph("Thời gian:\tQuý I"),
        Table(
            rows=(
                ("TT", "Phân công", "Phân công"),
                ("TT", "Chủ trì", "Phối hợp"),
                ("1", "Ban A", "Ban C\nBan D"),
                ("1", "Ban B", "Ban C\nBan D"),
                ("Ghi chú", "Ghi chú", "Ghi chú"),
            )
        ),
    )


def test_ordinary_web_page_reads_headings_lists_and_divs() -> None:
    page = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Kế hoạch</title></head>
    <body><nav><a href="/">Trang chủ</a></nav>
    <h1>KẾ HOẠCH   số 12</h1>
    <div>Thực hiện <em>Nghị quyết</em> số 18</div>
    <div><p>Đoạn trong div</p></div>
    <ol type="a" start="2"><li>Việc thứ hai</li><li><p>Việc thứ ba</p></li></ol>
    <ul><li>Một gạch</li></ul>
    <table><tr><td>Ô có bảng lồng<table><tr><td>x</td><td>y</td></tr></table></td></tr></table>
    <pre>dòng 1
dòng 2</pre>
    <noscript>Bật JavaScript</noscript></body></html>"""

    document = read_plan_bytes(page.encode("utf-8"), "ke-hoach.html")

    assert document.blocks == (
        Paragraph("Trang chủ"),
        Paragraph("KẾ HOẠCH số 12"),
        Paragraph("Thực hiện Nghị quyết số 18"),
        Paragraph("Đoạn trong div"),
        Paragraph("b. Việc thứ hai"),
        Paragraph("c. Việc thứ ba"),
        Paragraph("- Một gạch"),
        Table(rows=(("Ô có bảng lồng\nx\ty",),)),
        Paragraph("dòng 1\ndòng 2"),
    )


def test_web_page_without_a_declared_charset_is_guessed_like_text() -> None:
    page = encode_cp1258("<p>Kế hoạch số 5</p>")

    assert read_plan_bytes(page, "plan.htm").blocks == (Paragraph("Kế hoạch số 5"),)


@pytest.mark.parametrize("page", [b"<html><body>  </body></html>", b"<!-- only a comment -->"])
def test_web_page_without_text_is_empty(page: bytes) -> None:
    assert _error(page, "plan.html").code == "empty"
