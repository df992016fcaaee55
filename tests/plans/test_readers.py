"""Reading plan files: text encodings, bad inputs, and Word documents."""

from __future__ import annotations

import io
import random
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from plans import readers
from plans.model import Document, Paragraph, Table
from plans.readers import (
    MAX_PLAN_BYTES,
    PlanReadError,
    decode_text,
    read_plan,
    read_plan_bytes,
    strip_markdown_emphasis,
)
from tests.plans.docx_builder import (
    MERGES_HEADER,
    MERGES_LEAD,
    MERGES_TITLE,
    build_docx,
    build_docx_with_merges,
    mark_header_row,
)

SEEDS_DIR = Path(__file__).resolve().parent / ".." / ".." / ".." / "shared" / "seeds"
SEED_FILES = sorted(SEEDS_DIR.glob("*.txt"))

SAMPLE = (
    "CHƯƠNG TRÌNH HÀNH ĐỘNG\n"
    "Thực hiện Nghị quyết của Đảng ủy xã về công tác giáo dục chính trị, tư tưởng\n"
    "\n"
    "\t1\tTổ chức học tập, quán triệt Nghị quyết\tBan Tuyên giáo\tQuý I/2026\n"
    "Ủy ban nhân dân xã; Mặt trận Tổ quốc – các đoàn thể “thực hiện” hằng năm…\n"
)

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def encode_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: tone marks as separate combining characters."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        tones = "".join(c for c in parts if c in _TONE_MARKS)
        out += (base + tones).encode("cp1258")
    return bytes(out)


ENCODERS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-bom": lambda text: text.encode("utf-8-sig"),
    "utf-16-le-bom": lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
    "utf-16-be-bom": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "utf-16-le-no-bom": lambda text: text.encode("utf-16-le"),
    "utf-16-be-no-bom": lambda text: text.encode("utf-16-be"),
    "cp1258": encode_cp1258,
    "utf-8-nfd": lambda text: unicodedata.normalize("NFD", text).encode("utf-8"),
}


def _error(call: Callable[[], object]) -> PlanReadError:
    with pytest.raises(PlanReadError) as caught:
        call()
    return caught.value


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in members.items():
            package.writestr(name, content)
    return buffer.getvalue()


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
def test_sample_decodes_to_same_nfc_text_in_every_encoding(encoding: str) -> None:
    data = ENCODERS[encoding](SAMPLE)

    text = decode_text(data)

    assert text == SAMPLE
    assert unicodedata.is_normalized("NFC", text)


def test_cp1258_bytes_are_really_decomposed_tone_marks() -> None:
    data = encode_cp1258("Việt Nam")

    assert data == b"Vi\xea\xf2t Nam"
    assert decode_text(data) == "Việt Nam"


def test_seed_files_are_present() -> None:
    assert len(SEED_FILES) >= 5, f"no seed plans found in {SEEDS_DIR}"


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda path: path.stem)
def test_seed_plan_decodes_identically_in_every_encoding(seed: Path, encoding: str) -> None:
    original = seed.read_text(encoding="utf-8")

    assert decode_text(ENCODERS[encoding](original)) == original


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda path: path.stem)
def test_seed_plan_reads_as_one_paragraph_per_line(seed: Path) -> None:
    original = seed.read_text(encoding="utf-8")

    document = read_plan(seed)

    assert document.source_name == seed.name
    assert all(isinstance(block, Paragraph) for block in document.blocks)
    texts = [block.text for block in document.blocks if isinstance(block, Paragraph)]
    assert len(texts) == original.count("\n") + (0 if original.endswith("\n") else 1)
    assert "\n".join(texts) == original.removesuffix("\n")


def test_text_plan_keeps_blank_lines_and_leading_tabs() -> None:
    data = "KẾ HOẠCH\n\n\n\t1\tNội dung\t\tQuý I/2026\n\tTT\n".encode()

    document = read_plan_bytes(data, "plan.txt")

    assert document == Document(
        blocks=(
            Paragraph("KẾ HOẠCH"),
            Paragraph(""),
            Paragraph(""),
            Paragraph("\t1\tNội dung\t\tQuý I/2026"),
            Paragraph("\tTT"),
        ),
        source_name="plan.txt",
        hard_wrapped=True,
    )


def test_line_endings_and_non_breaking_spaces_are_normalised() -> None:
    data = "Một\r\nHai\rBa\u00a0bốn\fNăm\n".encode()

    assert decode_text(data) == "Một\nHai\nBa bốn\nNăm\n"


def test_markdown_loses_emphasis_markers_but_keeps_lines() -> None:
    data = (
        "# **KẾ HOẠCH** số 12\n"
        "\n"
        "* Mục tiêu *chung* và __cụ thể__\n"
        "Số ___/KH-ĐU, ***rất quan trọng***, 2 * 3 * 4\n"
    ).encode()

    document = read_plan_bytes(data, "ke-hoach.md")

    assert document.blocks == (
        Paragraph("# KẾ HOẠCH số 12"),
        Paragraph(""),
        Paragraph("* Mục tiêu chung và cụ thể"),
        Paragraph("Số ___/KH-ĐU, rất quan trọng, 2 * 3 * 4"),
    )


def test_markdown_emphasis_inside_words_is_left_alone() -> None:
    assert strip_markdown_emphasis("a*b*c and snake__case__name") == ("a*b*c and snake__case__name")


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "PLAN.TXT"
    path.write_bytes(SAMPLE.encode("utf-8"))

    document = read_plan(path)

    assert document.blocks[0] == Paragraph("CHƯƠNG TRÌNH HÀNH ĐỘNG")


# --------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    "data",
    [b"", b" \n\t\r\n  ", b"\xef\xbb\xbf", "\u00a0 \n".encode(), b"\xff\xfe \x00\n\x00"],
    ids=["empty", "whitespace", "bom-only", "nbsp-only", "utf16-whitespace"],
)
def test_empty_or_blank_text_is_empty(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(data)

    error = _error(lambda: read_plan(path))

    assert error.code == "empty"
    assert error.params["name"] == "plan.txt"


def test_random_bytes_are_binary() -> None:
    data = random.Random(20260331).randbytes(4096)

    assert _error(lambda: read_plan_bytes(data, "plan.txt")).code == "binary"


def test_control_heavy_bytes_without_nul_are_binary() -> None:
    data = bytes(range(1, 32)) * 40 + b"Ke hoach"

    assert _error(lambda: decode_text(data)).code == "binary"


def test_utf16_with_bom_but_control_characters_is_binary() -> None:
    data = b"\xff\xfe" + "".join(chr(code) for code in range(1, 32)).encode("utf-16-le") * 10

    assert _error(lambda: decode_text(data)).code == "binary"


def test_invalid_utf8_with_control_bytes_is_undecodable() -> None:
    data = b"Ke hoach so 12\x01 nam 2026 \xc3\x28 thuc hien \x81\xfe nghi quyet"

    error = _error(lambda: read_plan_bytes(data, "plan.txt"))

    assert error.code == "undecodable"
    assert error.params["name"] == "plan.txt"


def test_western_latin1_text_is_not_mistaken_for_cp1258() -> None:
    data = "Größe und Übermaß: Straße, Fußgänger, Maßnahmen für Bürger".encode("latin-1")

    assert _error(lambda: decode_text(data)).code == "undecodable"


def test_png_renamed_docx_is_not_docx(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))

    error = _error(lambda: read_plan(path))

    assert error.code == "not_docx"
    assert error.params["detected"] == "png"


def test_truncated_docx_is_corrupt(tmp_path: Path) -> None:
    source = tmp_path / "full.docx"
    build_docx(Document(blocks=(Paragraph("Kế hoạch"),)), source)
    data = source.read_bytes()

    error = _error(lambda: read_plan_bytes(data[: len(data) // 2], "plan.docx"))

    assert error.code == "corrupt_docx"


def test_zip_without_document_part_is_corrupt() -> None:
    data = _zip_bytes({"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<x/>"})

    error = _error(lambda: read_plan_bytes(data, "plan.docx"))

    assert error.code == "corrupt_docx"
    assert error.params["reason"] == "no_document_part"


def test_zip_with_garbage_document_part_is_corrupt() -> None:
    data = _zip_bytes({"word/document.xml": b"this is not xml"})

    assert _error(lambda: read_plan_bytes(data, "plan.docx")).code == "corrupt_docx"


def test_spreadsheet_renamed_docx_is_not_docx() -> None:
    data = _zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})

    error = _error(lambda: read_plan_bytes(data, "plan.docx"))

    assert error.code == "not_docx"
    assert error.params["detected"] == "xlsx"


def test_oversized_file_is_refused_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)

    def refuse_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("an oversized file must not be opened")

    monkeypatch.setattr(Path, "open", refuse_open)
    error = _error(lambda: read_plan(path))

    assert error.code == "too_large"
    assert error.params["size"] == 21 * 1024 * 1024
    assert error.params["limit"] == MAX_PLAN_BYTES


def test_oversized_upload_is_too_large() -> None:
    error = _error(lambda: read_plan_bytes(b"a" * (MAX_PLAN_BYTES + 1), "plan.txt"))

    assert error.code == "too_large"
    assert error.params["size"] == MAX_PLAN_BYTES + 1


def test_docx_unpacking_beyond_limit_is_too_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.docx"
    build_docx(Document(blocks=(Paragraph("Kế hoạch " * 500),)), path)
    monkeypatch.setattr(readers, "MAX_DOCX_UNPACKED_BYTES", 1000)

    error = _error(lambda: read_plan(path))

    assert error.code == "too_large"
    assert error.params["limit"] == 1000


@pytest.mark.parametrize("name", ["plan.xlsx", "plan.odt", "plan", ""])
def test_unsupported_suffix(name: str) -> None:
    error = _error(lambda: read_plan_bytes(SAMPLE.encode(), name))

    assert error.code == "unsupported_type"


def test_unsupported_suffix_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "plan.rtf"
    path.write_bytes(b"{\\rtf1\n")

    error = _error(lambda: read_plan(path))

    assert error.code == "unsupported_type"
    assert error.params["suffix"] == ".rtf"


@pytest.mark.parametrize("name", ["missing.txt", "."])
def test_missing_file_or_directory_is_not_found(tmp_path: Path, name: str) -> None:
    assert _error(lambda: read_plan(tmp_path / name)).code == "not_found"


def test_error_has_readable_string() -> None:
    error = PlanReadError("too_large", {"size": 3, "limit": 2})

    assert str(error) == "too_large (size=3, limit=2)"


# --------------------------------------------------------------------------- .docx


def test_docx_paragraphs_and_tables_interleave_in_order(tmp_path: Path) -> None:
    blocks = (
        Paragraph("KẾ HOẠCH\nThực hiện Nghị quyết số 18-NQ/TU"),
        Paragraph(""),
        Table(
            rows=(
                ("TT", "Nội dung", "Chủ trì"),
                ("1", "Tuyên truyền\nNghị quyết", "Ban Tuyên giáo"),
            )
        ),
        Paragraph("II. TỔ CHỨC THỰC HIỆN\tđến năm 2027"),
        Table(rows=(("Đơn vị", "Thời gian"), ("Văn phòng", "Hằng năm"))),
        Paragraph("Nơi nhận:"),
    )
    path = tmp_path / "plan.docx"
    build_docx(Document(blocks=blocks), path)

    assert read_plan(path) == Document(blocks=blocks, source_name="plan.docx")


def test_docx_merged_cells_repeat_and_repeated_header_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "merges.docx"
    build_docx_with_merges(path)

    document = read_plan(path)

    assert document.blocks[0] == Paragraph("KẾ HOẠCH")
    assert document.blocks[2] == Paragraph("Nơi nhận:")
    table = document.blocks[1]
    assert isinstance(table, Table)
    assert table.rows == (
        (MERGES_TITLE,) * 4,
        MERGES_HEADER,
        ("1", "Tuyên truyền Nghị quyết", MERGES_LEAD, "Quý I/2026"),
        ("2", "Tổ chức hội nghị học tập", MERGES_LEAD, "Năm 2026"),
        ("3", "Báo cáo kết quả", "Văn phòng", "Thường xuyên"),
    )


def test_docx_row_repeating_first_row_is_dropped(tmp_path: Path) -> None:
    header = ("TT", "Nội dung", "Thời gian")
    table = Table(
        rows=(
            header,
            ("1", "Việc một", "Quý I/2026"),
            ("TT", " Nội   dung ", "Thời gian"),
            ("2", "Việc hai", "Năm 2026"),
        )
    )
    path = tmp_path / "plan.docx"
    build_docx(Document(blocks=(table,)), path)

    [read] = read_plan(path).blocks

    assert read == Table(
        rows=(header, ("1", "Việc một", "Quý I/2026"), ("2", "Việc hai", "Năm 2026"))
    )


def test_docx_repeated_column_number_row_is_dropped_with_header(tmp_path: Path) -> None:
    rows = (
        ("TT", "Nội dung", "Thời gian"),
        ("(1)", "(2)", "(3)"),
        ("1", "Việc một", "Quý I/2026"),
        ("TT", "Nội dung", "Thời gian"),
        ("(1)", "(2)", "(3)"),
        ("2", "Việc hai", "Năm 2026"),
    )
    path = tmp_path / "plan.docx"
    build_docx(Document(blocks=(Table(rows=rows),)), path)

    [read] = read_plan(path).blocks

    assert read == Table(rows=rows[:3] + rows[5:])


def test_docx_repeated_multi_row_tblheader_is_dropped(tmp_path: Path) -> None:
    word = docx.Document()
    table = word.add_table(rows=6, cols=2)
    texts = [
        ("Nội dung", "Chủ trì"),
        ("Nhiệm vụ", "Đơn vị"),
        ("Việc một", "Văn phòng"),
        ("Nội dung", "Chủ trì"),
        ("Nhiệm vụ", "Đơn vị"),
        ("Việc hai", "Ban Tổ chức"),
    ]
    for row, (first, second) in zip(table.rows, texts, strict=True):
        row.cells[0].text = first
        row.cells[1].text = second
    mark_header_row(table.rows[0])
    mark_header_row(table.rows[1])
    path = tmp_path / "plan.docx"
    word.save(str(path))

    [read] = read_plan(path).blocks

    assert read == Table(rows=(texts[0], texts[1], texts[2], texts[5]))


def test_docx_nested_table_is_flattened_into_its_cell(tmp_path: Path) -> None:
    word = docx.Document()
    outer = word.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "Phối hợp"
    holder = outer.cell(0, 1)
    holder.paragraphs[0].text = "Các đơn vị:"
    inner = holder.add_table(rows=2, cols=2)
    for (row, column), text in {
        (0, 0): "MTTQ",
        (0, 1): "Hội CCB",
        (1, 0): "Đoàn TN",
        (1, 1): "Hội LHPN",
    }.items():
        inner.cell(row, column).text = text
    path = tmp_path / "plan.docx"
    word.save(str(path))

    [read] = read_plan(path).blocks

    assert read == Table(rows=(("Phối hợp", "Các đơn vị:\nMTTQ\tHội CCB\nĐoàn TN\tHội LHPN"),))


def test_docx_numbered_paragraph_gets_its_list_number(tmp_path: Path) -> None:
    word = docx.Document()
    word.add_paragraph("Tổ chức hội nghị quán triệt", style="List Number")
    path = tmp_path / "plan.docx"
    word.save(str(path))

    assert read_plan(path).blocks == (Paragraph("1. Tổ chức hội nghị quán triệt"),)


def test_docx_reads_revisions_content_controls_and_skips_field_codes(tmp_path: Path) -> None:
    word = docx.Document()
    anchor = word.add_paragraph("Mở đầu")
    anchor._p.addnext(
        parse_xml(
            f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent>"
            "<w:p><w:r><w:t>Giữ</w:t></w:r>"
            "<w:del><w:r><w:delText>bỏ đi</w:delText></w:r></w:del>"
            "<w:ins><w:r><w:t xml:space='preserve'> thêm\u00a0vào</w:t></w:r></w:ins>"
            "<w:r><w:fldChar w:fldCharType='begin'/></w:r>"
            "<w:r><w:instrText>PAGE</w:instrText></w:r>"
            "<w:r><w:fldChar w:fldCharType='separate'/></w:r>"
            "<w:r><w:t> 3</w:t></w:r>"
            "<w:r><w:fldChar w:fldCharType='end'/></w:r>"
            "<w:r><w:br w:type='page'/><w:t>;</w:t></w:r>"
            "</w:p></w:sdtContent></w:sdt>"
        )
    )
    path = tmp_path / "plan.docx"
    word.save(str(path))

    assert read_plan(path).blocks == (Paragraph("Mở đầu"), Paragraph("Giữ thêm vào 3;"))


def test_docx_grid_before_after_and_legacy_hmerge_fill_the_grid(tmp_path: Path) -> None:
    word = docx.Document()
    anchor = word.add_paragraph("Bảng")

    def cell(text: str, properties: str = "") -> str:
        return f"<w:tc><w:tcPr>{properties}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    merged = cell("H", "<w:hMerge w:val='restart'/>") + cell("", "<w:hMerge/>")
    anchor._p.addnext(
        parse_xml(
            f"<w:tbl {nsdecls('w')}><w:tblPr/>"
            "<w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
            f"<w:tr>{cell('A')}{cell('B')}{cell('C')}</w:tr>"
            f"<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr>{cell('D')}{cell('E')}</w:tr>"
            f"<w:tr><w:trPr><w:gridAfter w:val='1'/></w:trPr>{cell('F')}{cell('G')}</w:tr>"
            f"<w:tr>{merged}{cell('I')}</w:tr>"
            "</w:tbl>"
        )
    )
    path = tmp_path / "plan.docx"
    word.save(str(path))

    assert read_plan(path).blocks == (
        Paragraph("Bảng"),
        Table(rows=(("A", "B", "C"), ("", "D", "E"), ("F", "G", ""), ("H", "H", "I"))),
    )


def test_docx_without_any_text_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.docx"
    build_docx(Document(blocks=(Paragraph(""), Paragraph("  "))), path)

    assert _error(lambda: read_plan(path)).code == "empty"


def test_docx_upload_bytes_read_like_a_file(tmp_path: Path) -> None:
    path = tmp_path / "merges.docx"
    build_docx_with_merges(path)

    assert read_plan_bytes(path.read_bytes(), "Kế hoạch.DOCX").blocks == read_plan(path).blocks


def test_empty_docx_upload_is_empty() -> None:
    assert _error(lambda: read_plan_bytes(b"", "plan.docx")).code == "empty"
