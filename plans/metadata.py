"""A plan's title, number, issuer, period and date, read from its opening lines."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from plans.model import Block, Table
from plans.text import fold, is_caps, squash

DOCUMENT_TYPES = ("ke hoach", "chuong trinh hanh dong", "chuong trinh", "de an", "phuong an")
"""The kinds of document a plan is, folded, as its title line names them."""
_DOC_TYPES = DOCUMENT_TYPES
_NUMBER = re.compile(r"\b(\d{1,4})\s*-\s*([A-ZĐ][A-Za-zĐ]{0,5}(?:/[A-ZĐ][A-Za-zĐ&]{0,9})+)")
# A state body numbers its documents "1026/KH-UBND"; only the plan's own number is read so.
_STATE_NUMBER = re.compile(r"\b(\d{1,5})\s*/\s*([A-ZĐ][A-Za-zĐ]{0,5}(?:-[A-ZĐ][A-Za-zĐ&]{0,9})+)")
# What a plan carries out ("thực hiện Chương trình số 05-CTr/ĐU"), not what it rests on
# ("Căn cứ Quy định số 296-QĐ/TW").
_IMPLEMENTS = re.compile(
    r"\b(?:[Tt]hực hiện|[Tt]riển khai)\b[^.;]{0,80}?\bsố\s+(\d{1,4}\s*-\s*[A-ZĐ])"
)
# Words that end an issuer's name: "Ban Thường vụ Tỉnh ủy về xây dựng …" names a topic.
_NOT_A_BODY = re.compile(r"\s(?:về|của|nhằm|theo|trong|đối với|là|đã|sẽ)\b")
_OWN_NUMBER = re.compile(r"^Số\s*:?\s*(.+)$")
_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})(?!\d)")
_ISSUER = re.compile(
    r"((?:Ban Chấp hành|Ban Thường vụ|Thường trực|Đảng ủy|Đảng uỷ|Huyện ủy|Chi bộ)"
    r"[^,.;]{0,60}?)\s+(?:xây dựng|ban hành|triển khai)",
)
_STOP_TITLE = ("can cu", "-----", "—")
# "Thực hiện Nghị quyết số …" under "KẾ HOẠCH" is the subject, unless it reads as
# the opening sentence of the body (it goes on past a semicolon or a colon).
_BODY_OPENING = "thuc hien nghi quyet so"
_BODIES = (
    "ban chap hanh",
    "ban thuong vu",
    "thuong truc",
    "dang uy",
    "dang bo",
    "huyen uy",
    "tinh uy",
    "thanh uy",
    "quan uy",
    "thi uy",
    "chi bo",
    # Bodies of the state and the Front issue plans too.
    "uy ban nhan dan",
    "uy ban mat tran",
    "ban thuong truc",
    "chinh phu",
    "bo chinh tri",
)
_PARTY = "dang cong san viet nam"
# Words naming a place; the words after them are the place's proper name.
_PLACES = frozenset(["xa", "phuong", "thi tran", "huyen", "quan", "thi xa", "thanh pho", "tinh"])
# The rule drawn under a header's name ("-------"), kept in text copied from the page.
_RULE_LINE = re.compile(r"[-–—_]{3,}")
_BODY_CASE = (
    ("ban chap hanh", "Ban Chấp hành"),
    ("ban thuong vu", "Ban Thường vụ"),
    ("thuong truc", "Thường trực"),
)
_PLACEHOLDER = re.compile(r"\s*(?:…|\.{2,})[….\s]*$")
_TERM_YEARS = 5
_SUBJECT_MAX = 400
# "năm 2026" of a title, not the year of a date ("ngày 05 tháng 3 năm 2026").
_ONE_YEAR = re.compile(
    r"(?<!tháng \d )(?<!tháng \d\d )\bnăm\s+((?:19|20)\d{2})(?!\d)", re.IGNORECASE
)
# The place and date above the title: "Nghệ An, ngày 26 tháng 11 năm 2025", "…, ngày
# 26/11/2025". The word before the comma is a place's, not a document number's
# ("Nghị quyết số 18-NQ/TU, ngày …"); a draft's blank date ("ngày   tháng 01") is none.
_PLACE_DATE = re.compile(
    r"(?<![\w/-])[^\W\d_]+\s*,\s*ngày\s+(?P<day>\d{1,2})\s*(?:tháng\s+(?P<month>\d{1,2})"
    r"\s*,?\s*năm\s+|[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*)(?P<year>\d{4})(?!\d)",
    re.IGNORECASE,
)
_HEADER_LINES = 12
# The document-type line that ends the header block, a plan's or its wrapper's.
_HEADED_BY = (
    *_DOC_TYPES,
    "quyet dinh",
    "nghi quyet",
    "chi thi",
    "ket luan",
    "cong van",
    "thong bao",
    "huong dan",
    "quy dinh",
)
_DATE_YEAR = re.compile(
    r"ngày\s+\d{1,2}(?:\s*[/.-]\s*\d{1,2}\s*[/.-]\s*|\s+tháng\s+\d{1,2}\s+năm\s+)"
    r"((?:19|20)\d{2})(?!\d)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PlanHeader:
    """What a plan says about itself."""

    title: str
    number: str | None
    issuer: str | None
    period: tuple[int, int] | None
    date: dt.date | None = None


def read_header(paragraphs: Sequence[str], blocks: Sequence[Block] = ()) -> PlanHeader:
    """Read the header of a plan from its first paragraphs.

    ``blocks`` are the document's blocks as read, before lines were joined: the
    header block above the title ("ĐẢNG ỦY XÃ …" beside "ĐẢNG CỘNG SẢN VIỆT NAM")
    names the issuing body when the text does not. ``date`` is the plan's own
    date, from the place-and-date line above the title ("Nghệ An, ngày 26 tháng
    11 năm 2025"); ``None`` when it is left blank or missing.
    """
    opening = [squash(p.replace("*", "")) for p in paragraphs[:40] if p.strip()]
    title, body_at = _title(opening)
    body = " ".join(opening[body_at : body_at + 4])
    fragments = _header_fragments(blocks)
    number = _own_number(fragments) or _number(title) or _implemented(body) or _number(body)
    issuer_match = next(
        (m for m in _ISSUER.finditer(body) if not _NOT_A_BODY.search(m.group(1))), None
    )
    issuer = squash(issuer_match.group(1)) if issuer_match else _header_body(fragments)
    if issuer is not None:
        issuer = _fill_place(issuer, opening[: body_at + 4], fragments)
    period = _period(title) or _one_year(title) or _period(body)
    issued = _plan_date([" ".join(fragments), " ".join(_above_title(opening))])
    return PlanHeader(title=title, number=number, issuer=issuer, period=period, date=issued)


def _above_title(lines: Sequence[str]) -> Sequence[str]:
    """The header lines above the document-type line ("KẾ HOẠCH", "QUYẾT ĐỊNH")."""
    for index, line in enumerate(lines):
        if fold(line).strip(" .:").startswith(_HEADED_BY):
            return lines[:index]
    return lines[:_HEADER_LINES]


def _plan_date(texts: Sequence[str]) -> dt.date | None:
    """The date of the place-and-date line, the first of ``texts`` that has one."""
    for text in texts:
        for m in _PLACE_DATE.finditer(squash(text.replace("*", " "))):
            try:
                return dt.date(int(m["year"]), int(m["month"] or m["m"]), int(m["day"]))
            except ValueError:
                continue
    return None


def term_period(paragraphs: Sequence[str]) -> tuple[int, int] | None:
    """From the latest date the opening gives to the end of that Party term.

    A plan that names no years of its own ("trong giai đoạn hiện nay") runs for
    the term it was made in: terms end in 2025, 2030, 2035 …
    """
    years = [int(y) for p in paragraphs[:12] for y in _DATE_YEAR.findall(p)]
    if not years:
        return None
    year = max(years)
    return year, (year // _TERM_YEARS + 1) * _TERM_YEARS


def _header_body(fragments: Sequence[str]) -> str | None:
    """The issuing body in the header block above the title, in sentence case."""
    found: str | None = None
    for index, fragment in enumerate(fragments):
        folded = fold(fragment)
        if folded.startswith(_BODIES) and folded != _PARTY:
            found = fragment
            # "ỦY BAN NHÂN DÂN" over "TỈNH NGHỆ AN": the place is on the next line.
            following = fragments[index + 1] if index + 1 < len(fragments) else ""
            if fold(following).split()[:1] and _names_place(following):
                found = f"{fragment} {following}"
    return _sentence_case(found) if found else None


def _names_place(text: str) -> bool:
    words = fold(text).split()
    return bool(words) and (words[0] in _PLACES or " ".join(words[:2]) in _PLACES)


def _header_fragments(blocks: Sequence[Block]) -> list[str]:
    fragments: list[str] = []
    for block in blocks[:20]:
        if isinstance(block, Table):
            cells = [cell for row in block.rows[:3] for cell in row]
        else:
            cells = [block.text]
        pieces = [
            squash(_RULE_LINE.sub(" ", piece).strip("* "))
            for cell in cells
            for piece in re.split(r"\t|\n| {3,}", cell)
        ]
        for piece in pieces:
            if fold(piece).strip(" .:").startswith(_DOC_TYPES):
                return fragments
            if piece:
                fragments.append(piece)
    return []


def _sentence_case(name: str) -> str:
    """ "ĐẢNG ỦY XÃ HỮU KIÊN" as the text writes it: "Đảng ủy xã Hữu Kiên"."""
    if not is_caps(name):
        return squash(name)
    words = squash(name).lower().split()
    out: list[str] = []
    proper = False
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if proper or index == 0:
            out.append(word[:1].upper() + word[1:])
        else:
            out.append(word)
        pair = fold(f"{word} {following}")
        if not proper and fold(word) in _PLACES and fold(following) not in ("uy", ""):
            proper = pair not in _PLACES
        elif not proper and index and fold(word) == "uy" and fold(following) not in _PLACES | {""}:
            proper = True
    text = " ".join(out)
    for folded, cased in _BODY_CASE:
        if fold(text).startswith(folded):
            text = cased + text[len(cased) :]
    return text


def _title(lines: Sequence[str]) -> tuple[str, int]:
    """The document-type line ("KẾ HOẠCH") and the subject line under it."""
    start = next(
        (i for i, line in enumerate(lines) if fold(line).strip(" .:").startswith(_DOC_TYPES)),
        None,
    )
    if start is None:
        return (lines[0] if lines else ""), 1
    bare_type = fold(lines[start]).strip(" .:") in _DOC_TYPES
    if not bare_type or start + 1 >= len(lines) or _opens_body(lines[start + 1]):
        return lines[start], start + 1
    return squash(f"{lines[start]} {lines[start + 1]}"), start + 2


def _opens_body(line: str) -> bool:
    folded = fold(line)
    if folded.startswith(_STOP_TITLE):
        return True
    return folded.startswith(_BODY_OPENING) and (
        ";" in line or line.rstrip().endswith((":", ",")) or len(line) > _SUBJECT_MAX
    )


def _number(text: str) -> str | None:
    m = _NUMBER.search(text)
    return f"{m.group(1)}-{m.group(2)}" if m else None


def _one_year(title: str) -> tuple[int, int] | None:
    """The year of a plan for one year ("Kế hoạch công tác năm 2026"), not of a date."""
    m = _ONE_YEAR.search(title)
    return (int(m.group(1)), int(m.group(1))) if m else None


def _implemented(body: str) -> str | None:
    m = _IMPLEMENTS.search(body)
    return _number(body[m.start(1) :]) if m else None


def _state_number(text: str) -> str | None:
    m = _STATE_NUMBER.search(text)
    return f"{m.group(1)}/{m.group(2)}" if m else None


def _own_number(fragments: Sequence[str]) -> str | None:
    """The plan's own number in its header ("Số: 07 - CTr/ĐU")."""
    for fragment in fragments:
        own = _OWN_NUMBER.match(fragment)
        if own and (number := _number(own.group(1)) or _state_number(own.group(1))):
            return number
    return None


def _period(text: str) -> tuple[int, int] | None:
    m = _RANGE.search(text)
    if m is None:
        return None
    first, last = int(m.group(1)), int(m.group(2))
    return (first, last) if first <= last else None


def _fill_place(issuer: str, lines: Sequence[str], fragments: Sequence[str]) -> str:
    """Name the place an issuer leaves blank ("Đảng ủy xã ……", "Đảng bộ huyện").

    The name comes from the text ("… xã Phủ Thông"), from the header block
    ("HUYỆN ỦY MƯỜNG TÈ") or from the place and date ("Mường Tè, ngày …").
    """
    blank = _PLACEHOLDER.search(issuer)
    head = issuer[: blank.start()] if blank else issuer
    last = [fold(word) for word in head.split()[-2:]]
    if len(last) == 2 and last[1] == "uy" and last[0] in _PLACES:
        place = last[0]  # "Ban Thường vụ Huyện ủy"
    elif last and last[-1] in _PLACES:
        place = last[-1]
    else:
        return issuer
    for line in [*lines, *(_sentence_case(f) for f in fragments)]:
        name = _name_after_place(line.split(), place)
        if name:
            return f"{head} {name}"
    for fragment in fragments:
        dated = re.match(r"^(.+?), ngày\b", fragment)
        if dated and _proper_name(dated.group(1).split()) == dated.group(1):
            return f"{head} {dated.group(1)}"
    return issuer


def _name_after_place(words: Sequence[str], place: str) -> str:
    """The name after ``place`` in "… xã Phủ Thông …" or "Huyện ủy Mường Tè"."""
    for k, word in enumerate(words):
        if fold(word) == place and word[:1].islower():
            name = _proper_name(words[k + 1 :])
        elif k == 0 and fold(" ".join(words[:2])) == f"{place} uy":
            name = _proper_name(words[2:])
        else:
            continue
        if name:
            return name
    return ""


def _proper_name(words: Sequence[str]) -> str:
    """The leading words written as a proper name: "Phủ Thông" of "Phủ Thông, nhiệm kỳ"."""
    name: list[str] = []
    for word in words[:4]:
        bare = word.rstrip(",.;:")
        if not bare or not bare[:1].isupper() or not (bare[1:].islower() or len(bare) == 1):
            break
        name.append(bare)
        if bare != word:
            break
    return " ".join(name)
