"""Vietnamese time expressions read into :class:`plans.model.Timeframe`.

A plan says when a task is due either in a table cell ("Quý I/2023", "Hằng năm",
"Khi có văn bản hướng dẫn của cấp trên") or with a cue buried in a duty sentence
("... phấn đấu đến năm 2030 có 100% chi bộ ..."). :func:`parse_timeframe` reads
the first, :func:`scan_timeframe` the second.

All matching runs on a folded copy of the text (lower case, no diacritics, one
space, ASCII dashes) because people type "Hang nam" as often as "Hằng năm"; a
position map back to the original lets a scan quote the words as written.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from plans.model import Every, Timeframe, TimeKind
from plans.text import FOLD_TABLE, fold, fold_char

__all__ = ["fold", "parse_timeframe", "scan_timeframe"]

# Years outside this window are document numbers ("Đề án 1327"), not dates.
_MIN_YEAR = 1900
_MAX_YEAR = 2100
# How far back (in folded characters) a cue may sit before the date it governs.
_LOOKBACK = 40

# --------------------------------------------------------------------------- folding

_WORD_RUN = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class _Folded:
    """Folded text plus, for every folded character, its index in ``source``."""

    text: str
    source: str
    index: Sequence[int]

    def original(self, start: int, stop: int) -> str:
        if start >= stop:
            return ""
        return self.source[self.index[start] : self.index[stop - 1] + 1]


def _fold_mapped(text: str) -> _Folded:
    source = unicodedata.normalize("NFC", text)
    spread = source.translate(FOLD_TABLE)
    if len(spread) != len(source):
        return _fold_char_by_char(source)
    runs = [m.span() for m in _WORD_RUN.finditer(spread)]
    index: list[int] = []
    for start, stop in runs:
        if index:
            index.append(start - 1)
        index.extend(range(start, stop))
    return _Folded(" ".join(spread[start:stop] for start, stop in runs), source, index)


def _fold_char_by_char(source: str) -> _Folded:
    """Slow path for the rare character that folds to nothing or to several."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(source):
        for c in fold_char(ch):
            if c == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(c)
            index.append(i)
    if chars and chars[-1] == " ":
        chars.pop()
        index.pop()
    return _Folded("".join(chars), source, index)


# ----------------------------------------------------------------------- cue tables
# Every pattern below runs on folded text.

# A trigger: the work may never be due ("Khi có văn bản …", "nếu cần", "Theo chỉ đạo …");
# a time cell that opens on "khi" is one.
_CELL_CONDITION = re.compile(
    r"^[^a-z0-9]*khi\b"
    r"|\bkhi\s+(?:co|can|duoc|phat\s+sinh|xay\s+ra)\b"
    r"|\bneu\b"
    r"|\btheo\s+(?:su\s+)?(?:chi\s+dao|huong\s+dan|ke\s+hoach|yeu\s+cau|van\s+ban)\b"
    r"|\btuy\s+(?:tinh\s+hinh|theo)\b"
)
# "… 10 ngày kể từ ngày …", "chậm nhất 05 ngày sau khi …": a count of days from an event.
_OFFSET = (
    r"(?:\b(?:trong(?:\s+(?:vong|thoi\s+han|thoi\s+gian))?|cham\s+nhat(?:\s+la)?|khong\s+qua)\s+)?"
    r"\b(?P<days>\d{1,3})\s+ngay(?P<working>\s+lam\s+viec)?\s*,?\s*"
    r"(?:(?:ke|tinh)\s+tu|sau)\s+(?:ngay|khi)\s+(?P<event>[^;.(),]*)"
)
_COUNTED = re.compile(_OFFSET)
# The event is the plan itself: its signing, issue or receipt.
_PLAN_ITSELF = re.compile(
    r"(?:ky|ban\s+hanh|nhan(?:\s+duoc)?|phat\s+hanh)(?:\s+ban\s+hanh)?(?:\s+ke\s+hoach)?\s*$"
    r"|(?:(?:ky|ban\s+hanh|nhan(?:\s+duoc)?)(?:\s+ban\s+hanh)?\s+)?"
    r"(?:ke\s+hoach|van\s+ban|cong\s+van|quyet\s+dinh|chi\s+thi|thong\s+bao|chuong\s+trinh)"
    r"\s+nay\b"
)
# Work that follows an event the plan does not date, or comes up unplanned: it waits
# for the event, unless the text gives a time of its own ("ngay sau khi kết thúc hội
# nghị; báo cáo chậm nhất ngày 03/02/2026", "định kỳ và đột xuất").
_EVENT_CONDITION = (
    _OFFSET + r"|\b(?:ngay\s+)?sau\s+khi\b[^;.(),]*"
    r"|\btruoc\s+(?:ngay\s+)?[a-z]+(?:\s+[a-z]+){0,4}?\s+\d{1,3}\s+ngay\b"
    r"|\b\d{1,3}\s+ngay\s+(?:truoc|sau)\s+(?:ngay\s+|khi\s+)?[a-z]+(?:\s+[a-z]+)*"
)
# In a time cell a bare "kể từ ngày …" is an event too; in prose it mostly says when a
# text takes effect ("có hiệu lực kể từ ngày ký").
_CELL_EVENT = re.compile(
    _EVENT_CONDITION + r"|\bke\s+tu\s+(?:ngay|khi)\b[^;.(),]*"
    r"|(?<!trong va )\bsau\s+(?:dai\s+hoi|hoi\s+nghi)\b|\bdot\s+xuat\b"
)
_PROSE_EVENT = re.compile(_EVENT_CONDITION)

# Prose mentions "theo chỉ đạo của ..." as a manner, not as a trigger, so only
# unmistakable conditions count there.
_PROSE_CONDITION = re.compile(
    r"\((?P<inner>[^()]*\b(?:neu|khi\s+co)\b[^()]*)\)"
    r"|\bneu\s+can(?:\s+thiet)?\b"
    r"|\bkhi\s+co\s+thay\s+doi\b[^;.()]*"
    r"|\bkhi\s+co\s+(?:van\s+ban|huong\s+dan|chi\s+dao|ke\s+hoach|yeu\s+cau|quyet\s+dinh"
    r"|chi\s+tieu|kinh\s+phi)\b[^;.()]*"
    r"|\bkhi\s+duoc\s+(?:phan\s+bo|bo\s+tri|cap|giao|phe\s+duyet)\b[^;.()]*"
    r"|\bsau\s+khi\s+(?:co|duoc)\b[^;.()]*"
    # "khi phát sinh …" triggers a duty; "phương án … khi xảy ra thiên tai" names a plan's case
    r"|\bkhi\s+phat\s+sinh\b[^;.()]*"
)

# Cadences whose words fold like others ("nắm" like "năm", "đình ký" like
# "định kỳ"): the words as written must be these.
_SPOKEN_CADENCE = {
    "leading_year": re.compile(r"^(?:năm|nam)\b"),
    "periodic": re.compile(r"^(?:định|đinh|dinh)\s+(?:kỳ|kì|ky|ki)\b"),
}
# "nếu" (if) and "nêu" (mention) fold alike; this is checked on the original.
_FOLDED_IF = re.compile(r"\bneu\b")
_FOLDED_WHEN = re.compile(r"\bkhi\b")
_TRUE_IF = re.compile(r"\b(?:nếu|neu)\b")

_EVERY_BY_GROUP = {
    "day": Every.DAY,
    "week": Every.WEEK,
    "half_year": Every.HALF_YEAR,
    "quarter": Every.QUARTER,
    "month": Every.MONTH,
    "year": Every.YEAR,
    "leading_year": Every.YEAR,
    "periodic": Every.YEAR,
}
_EACH = r"(?:\bdinh\s+ky\s+)?\[?(?<![a-z0-9])(?:hang|moi)\]?\s+"
# "01 buổi sinh hoạt chuyên đề/năm": the count is quoted with the cadence.
_PER = r"(?:\b\d+(?:\s+[a-z]+){0,5}\s*)?/\s*"
# "chuyên mục định kỳ" is a periodic column (a thing to set up), not a periodic task.
_ATTRIBUTE_OF = "".join(
    f"(?<!{noun} )"
    for noun in ("chuyen trang", "chuyen muc", "thong tin", "ban tin", "chuyen muc tuyen truyen")
)
# Alternatives are tried in this order at one position, so a specific cadence
# ("định kỳ hằng quý") wins over the bare "định kỳ" starting at the same place.
# "đời sống hằng ngày" is everyday life, not daily work.
_DAILY_LIFE = "".join(f"(?<!{noun} )" for noun in ("cuoc song", "doi song", "sinh hoat"))
_CADENCE = re.compile(
    # The look-ahead lets the engine skip positions that cannot start a cadence.
    r"(?=[dhmcn\[/0-9])(?:"
    rf"(?P<day>{_DAILY_LIFE}{_EACH}ngay\b|{_PER}ngay\b)"
    rf"|(?P<week>{_EACH}tuan\b|{_PER}tuan\b)"
    rf"|(?P<half_year>{_EACH}0?6\s+thang\b|(?:\bdinh\s+ky\s+)?\b0?6\s+thang\s*"
    r"(?:/\s*lan\b|(?:mot|1|01)\s+lan\b)|\bdinh\s+ky\s+0?6\s+thang\b"
    r"|\bnua\s+nam\b(?!\s+(?:dau|cuoi)))"
    rf"|(?P<quarter>{_EACH}(?:qu[yi]|0?3\s+thang)\b|(?:\bdinh\s+ky\s+)?\b0?3\s+thang\s*"
    r"(?:/\s*lan\b|(?:mot|1|01)\s+lan\b)|\bdinh\s+ky\s+0?3\s+thang\b"
    rf"|{_PER}qu[yi]\b)"
    rf"|(?P<month>{_EACH}thang\b|{_PER}thang\b)"
    rf"|(?P<year>{_EACH}nam\b|{_PER}nam\b)"
    # "Năm tổ chức 02 – 03 diễn đàn": a sentence opening on a bare "năm" has lost its "mỗi".
    r"|(?P<leading_year>^nam\s+(?!(?:nay|hoc|qua|toi|truoc|sau|dau|cuoi|tiep|thu)\b)(?=[a-z]))"
    rf"|(?P<periodic>{_ATTRIBUTE_OF}\bdinh\s+ky\b))"
)
# Bare "định kỳ" says only "periodically": any named cadence elsewhere wins.
_WEAK_CADENCES = frozenset({"periodic"})

_CONTINUITY = re.compile(
    r"\b(?P<often>thuong\s+xuyen)\b"
    r"|\blien\s+tuc\b"
    r"|\btrong\s+suot\b"
    r"|\btruoc\s*,?\s+trong\s+va\s+sau\b"
    # "bảo đảm đúng thời hạn theo quy định": keeping to the statutory times, all along
    r"|\b(?:dung|dam\s+bao|bao\s+dam)\s+(?:dung\s+)?(?:thoi\s+han|thoi\s+gian|tien\s+do)"
    r"\s+(?:theo\s+)?(?:quy\s+dinh|luat\s+dinh)\b"
)
# "thường xuyên" qualifying a noun ("chương trình tuyên truyền thường xuyên", "chi
# thường xuyên") or an event's frequency ("thiên tai thường xuyên xảy ra") is no time.
_ATTRIBUTE_BEFORE = re.compile(
    r"(?:\b(?:chuong\s+trinh|hoat\s+dong|nhiem\s+vu|cong\s+viec|ne\s+nep|kinh\s+phi"
    r"|khu\s+vuc|chuyen\s+muc|chuyen\s+trang)(?:\s+(?!cua\b)[a-z]+){0,2}"
    r"|\b(?:chi|giao\s+duc))\s+$"
)
_FREQUENCY_AFTER = re.compile(r"\s+(?:xay\s+ra|xuat\s+hien)\b")

# Cues right before a date in a time cell.
_FROM_CUE = re.compile(r"\b(?:tu|ke\s+tu|bat\s+dau\s+tu|sau)\s*$")
_TO_CUE = re.compile(r"\b(?:den|toi)(?:\s+het)?\s*$")
_PROSE_FROM_CUE = re.compile(r"\b(?:tu|ke\s+tu|bat\s+dau\s+tu)\s*$")

# In prose a date is a deadline only right after one of these.
_DEADLINE_CUE = re.compile(
    r"(?:\b(?:phan\s+dau|muc\s+tieu|chi\s+tieu)\s+)?\b(?:"
    r"truoc|cham\s+nhat(?:\s+(?:la|vao|den))?|han\s+chot|xong\s+truoc"
    r"|hoan\s+thanh(?:\s+(?:trong|truoc|vao))?|den(?:\s+het)?"
    r"|trong(?:\s+suot)?(?:\s+giai\s+doan)?|vao(?:\s+cuoi)?|ket\s+thuc(?:\s+(?:truoc|vao))?"
    r"|so\s+ket|tong\s+ket"
    r")\s*$"
)
# "quý I và quý III/2025": a date joined to an accepted deadline shares its cue.
_JOINER = re.compile(r"\s*(?:,|;|va|hoac)?\s*")
# "Quý IV/2025 - Quý II/2026": a dash between two times joins them into a range.
_DASH = re.compile(r"\s*-\s*")
# "Chậm nhất ngày …" binds; a "Dự kiến" date next to it is only planned.
_BINDING_CUE = re.compile(
    r"\b(?:cham\s+nhat|han\s+chot|muon\s+nhat|khong\s+qua|khong\s+muon\s+hon)"
    r"(?:\s+(?:la|vao|den))?(?:\s+truoc)?\s*$"
)
# "Giai đoạn 2025 – 2026", "Đợt 2 (tháng 3 - 5/2026)": a stage, due at its end.
_STAGE = re.compile(r"\bgiai\s+doan\b|\bdot\s+(?:\d|[ivx]+\b)")

# ------------------------------------------------------------------ citation tests

_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»")
# "Kế hoạch số 250-KH/HU, ngày 01/7/2019", "Nghị định 06/2022/NĐ-CP ngày ..."
_DOC_NUMBER_BEFORE = re.compile(r"\b\d+(?:/\d{4})?\s*[-/]\s*[a-z&][a-z0-9&./-]*\s*,?\s*$")
_DOC_TAIL_AFTER = re.compile(r"\s*,?\s*(?:cua|ve)\b")
_QUALIFIER_BEFORE = re.compile(
    r"\b(?:nhiem\s+ky|khoa|dinh\s+huong(?:\s+den(?:\s+het)?)?|tam\s+nhin(?:\s+den)?)\s*$"
)
# "Chỉ thị ... phát triển văn học tỉnh đến năm 2030" names a document; a comma
# or "phấn đấu" before "đến" makes it a target again.
_TARGET_BEFORE = re.compile(
    r"(?:(?P<firm>,|\b(?:phan\s+dau|hoan\s+thanh|muc\s+tieu|chi\s+tieu|dat))\s*)?"
    r"\bden(?:\s+het)?\s*$"
)
_DOC_NOUN = re.compile(
    r"\b(?:nghi\s+quyet|ket\s+luan|chi\s+thi|de\s+an|chien\s+luoc|quy\s+hoach|chuong\s+trinh"
    r"|ke\s+hoach|quyet\s+dinh|quy\s+dinh|nghi\s+dinh|thong\s+tu|luat)\b"
)
_CLAUSE_BREAK = re.compile(r"[;:()“”\"«»]|\.\s")

# ---------------------------------------------------------------------- date points


class _Unit(Enum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    YEARS = "years"
    MONTHS = "months"
    PART = "part"  # the start, middle or end of a year
    TET = "tet"  # the lunar new year, or with number 0 the solar one
    ONWARD = "onward"  # a year and the years after it


class _Role(Enum):
    AT = "at"
    FROM = "from"
    TO = "to"


# A year's name in the sexagenary cycle ("Bính Ngọ"), folded.
_CAN = r"(?:giap|at|binh|dinh|mau|ky|canh|tan|nham|quy)"
_CHI = r"(?:ty|suu|dan|mao|thin|ngo|mui|than|dau|tuat|hoi)"
# Tết Nguyên đán (first day of the lunar year) as Vietnam keeps it, on UTC+7: a
# calendar fact. Computed with Hồ Ngọc Đức's algorithm; 2007 and 2030 fall a day
# before the Chinese new year.
_TET = {
    2000: (2, 5), 2001: (1, 24), 2002: (2, 12), 2003: (2, 1), 2004: (1, 22),
    2005: (2, 9), 2006: (1, 29), 2007: (2, 17), 2008: (2, 7), 2009: (1, 26),
    2010: (2, 14), 2011: (2, 3), 2012: (1, 23), 2013: (2, 10), 2014: (1, 31),
    2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5),
    2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10),
    2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13),
    2030: (2, 2), 2031: (1, 23), 2032: (2, 11), 2033: (1, 31), 2034: (2, 19),
    2035: (2, 8), 2036: (1, 28), 2037: (2, 15), 2038: (2, 4), 2039: (1, 24),
    2040: (2, 12), 2041: (2, 1), 2042: (1, 22), 2043: (2, 10), 2044: (1, 30),
    2045: (2, 17), 2046: (2, 6), 2047: (1, 26), 2048: (2, 14), 2049: (2, 2),
    2050: (1, 23),
}  # fmt: skip

# Order matters: at one position the first alternative that matches wins, so a
# full date is tried before a month and a year range before a single year.
_POINT = re.compile(
    r"(?=[0-9nqtivdgc])(?:"
    r"(?P<date>(?:\bngay\s*)?(?<![\d/.])(?P<d_day>\d{1,2})\s*(?P<d_sep>[/.-])\s*"
    r"(?P<d_month>\d{1,2})\s*(?P=d_sep)\s*(?P<d_year>\d{4})(?![\d/]))"
    r"|(?P<wdate>(?:\bngay\s*)?(?<!\d)(?P<w_day>\d{1,2})\s+thang\s+(?P<w_month>\d{1,2})"
    r"\s*,?\s*nam\s+(?P<w_year>\d{4})(?!\d))"
    r"|(?P<daymonth>\bngay\s*(?P<dm_day>\d{1,2})\s*/\s*(?P<dm_month>\d{1,2})(?![\d/]))"
    r"|(?P<quarter>\b(?:qu[yi]|q\.?)\s*(?P<q_num>iv|v|i{1,3}|\d{1,2})(?![a-z0-9])"
    r"(?:\s*(?:/|-|nam)\s*(?P<q_year>\d{4})(?!\d))?)"
    # "Quý I, II/2026", "quý III và IV/2026": the second quarter without its "quý".
    r"|(?P<next_quarter>(?:(?<=qu[yi] (?:i|v) , )|(?<=qu[yi] (?:i|v), )|(?<=qu[yi] (?:ii|iv), )"
    r"|(?<=qu[yi] iii, )|(?<=qu[yi] (?:i|v) va )|(?<=qu[yi] (?:ii|iv) va )|(?<=qu[yi] iii va )"
    r"|(?<=qu[yi] (?:i|v) - )|(?<=qu[yi] (?:ii|iv) - )|(?<=qu[yi] iii - ))"
    r"(?P<nq_num>iv|i{1,3})(?![a-z0-9])\s*(?:/|-|nam)\s*(?P<nq_year>\d{4})(?!\d))"
    r"|(?P<half>(?:\b0?6\s+thang|\bnua)\s+(?P<h_part>dau|cuoi)\s+nam"
    r"(?:\s*(?P<h_year>\d{4})(?!\d))?)"
    r"|(?P<part>\b(?P<p_part>dau|giua|cuoi)\s+nam(?!\s+(?:hoc|tai\s+chinh)\b)"
    r"(?:\s*(?P<p_year>\d{4})(?!\d))?)"
    rf"|(?P<tet>\btet(?:\s+(?P<t_kind>nguyen\s+dan|duong\s+lich|am\s+lich|co\s+truyen))?"
    rf"(?:\s+{_CAN}\s+{_CHI})?(?:\s+nam)?\s*(?P<t_year>\d{{4}})(?!\d))"
    r"|(?P<onward>(?:\bnam\s*)?(?<![\d/.-])(?P<o_year>\d{4})\s*(?:,|va)?\s*"
    r"(?:nhung|cac)\s+nam\s+(?:tiep\s+theo|sau)\b)"
    r"|(?P<years>(?:\bnam\s*)?(?<![\d/.])(?P<s_first>\d{4})\s*-\s*(?:nam\s*)?"
    r"(?P<s_last>\d{4})(?![\d/]))"
    r"|(?P<months>\bthang\s*(?P<ms_first>\d{1,2})\s*-\s*(?:thang\s*)?(?P<ms_last>\d{1,2})"
    r"\s*(?:/|nam)\s*(?P<ms_year>\d{4})(?![\d/]))"
    r"|(?P<month>(?:\bthang\s*|\bt)(?P<m_month>\d{1,2})(?!\d)"
    r"(?:\s*(?:/|-|nam)\s*(?P<m_year>\d{4})(?![\d/]))?)"
    r"|(?P<bare_month>(?<![\d/.])(?P<b_month>\d{1,2})\s*/\s*(?P<b_year>\d{4})(?![\d/]))"
    r"|(?P<year>(?:\bnam\s*)?(?<![\d/.-])(?P<y_year>\d{4})(?![\d/])))"
)

_RANGES = frozenset({_Unit.YEARS, _Unit.MONTHS})
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}


@dataclass(frozen=True, slots=True)
class _Raw:
    """A date expression as written; ``year`` may be left to a neighbour."""

    unit: _Unit
    start: int
    stop: int
    year: int | None
    number: int = 0  # day, month, quarter, half (1|2), last year or last month of a range
    month: int = 0  # month of a day, first month of a range


@dataclass(frozen=True, slots=True)
class _Point:
    """A date expression understood as the interval ``first``..``last``."""

    first: date
    last: date
    role: _Role
    is_range: bool
    cue_at: int
    stop: int
    binding: bool = False


def _opt_int(m: re.Match[str], group: str) -> int | None:
    value = m.group(group)
    return int(value) if value else None


def _read_date(m: re.Match[str]) -> _Raw:
    return _Raw(_Unit.DAY, m.start(), m.end(), int(m["d_year"]), int(m["d_day"]), int(m["d_month"]))


def _read_word_date(m: re.Match[str]) -> _Raw:
    return _Raw(_Unit.DAY, m.start(), m.end(), int(m["w_year"]), int(m["w_day"]), int(m["w_month"]))


def _read_day_month(m: re.Match[str]) -> _Raw:
    return _Raw(_Unit.DAY, m.start(), m.end(), None, int(m["dm_day"]), int(m["dm_month"]))


def _read_quarter(m: re.Match[str]) -> _Raw:
    token = m["q_num"]
    number = _ROMAN[token] if token in _ROMAN else int(token)
    return _Raw(_Unit.QUARTER, m.start(), m.end(), _opt_int(m, "q_year"), number)


def _read_next_quarter(m: re.Match[str]) -> _Raw:
    return _Raw(_Unit.QUARTER, m.start(), m.end(), int(m["nq_year"]), _ROMAN[m["nq_num"]])


def _read_half(m: re.Match[str]) -> _Raw:
    number = 1 if m["h_part"] == "dau" else 2
    return _Raw(_Unit.HALF, m.start(), m.end(), _opt_int(m, "h_year"), number)


def _read_years(m: re.Match[str]) -> _Raw:
    return _Raw(_Unit.YEARS, m.start(), m.end(), int(m["s_first"]), int(m["s_last"]))


def _read_month(m: re.Match[str]) -> _Raw:
    return _Raw(_Unit.MONTH, m.start(), m.end(), _opt_int(m, "m_year"), int(m["m_month"]))


def _read_months(m: re.Match[str]) -> _Raw:
    return _Raw(
        _Unit.MONTHS, m.start(), m.end(), int(m["ms_year"]), int(m["ms_last"]), int(m["ms_first"])
    )


def _read_bare_month(m: re.Match[str]) -> _Raw:
    return _Raw(_Unit.MONTH, m.start(), m.end(), int(m["b_year"]), int(m["b_month"]))


_PARTS = {"dau": 1, "giua": 2, "cuoi": 3}


def _read_part(m: re.Match[str]) -> _Raw:
    return _Raw(_Unit.PART, m.start(), m.end(), _opt_int(m, "p_year"), _PARTS[m["p_part"]])


def _read_tet(m: re.Match[str]) -> _Raw:
    solar = (m["t_kind"] or "").startswith("duong")
    return _Raw(_Unit.TET, m.start(), m.end(), int(m["t_year"]), 0 if solar else 1)


def _read_onward(m: re.Match[str]) -> _Raw:
    return _Raw(_Unit.ONWARD, m.start(), m.end(), int(m["o_year"]))


def _read_year(m: re.Match[str]) -> _Raw:
    return _Raw(_Unit.YEAR, m.start(), m.end(), int(m["y_year"]))


_READERS: dict[str, Callable[[re.Match[str]], _Raw]] = {
    "date": _read_date,
    "wdate": _read_word_date,
    "daymonth": _read_day_month,
    "quarter": _read_quarter,
    "next_quarter": _read_next_quarter,
    "half": _read_half,
    "part": _read_part,
    "tet": _read_tet,
    "onward": _read_onward,
    "years": _read_years,
    "months": _read_months,
    "month": _read_month,
    "bare_month": _read_bare_month,
    "year": _read_year,
}


def _valid_year(year: int) -> bool:
    return _MIN_YEAR <= year <= _MAX_YEAR


def _months(year: int, first_month: int, last_month: int) -> tuple[date, date]:
    last_day = calendar.monthrange(year, last_month)[1]
    return date(year, first_month, 1), date(year, last_month, last_day)


def _day_bounds(raw: _Raw, year: int) -> tuple[date, date] | None:
    try:
        day = date(year, raw.month, raw.number)
    except ValueError:
        return None
    return day, day


def _month_bounds(raw: _Raw, year: int) -> tuple[date, date] | None:
    return _months(year, raw.number, raw.number) if 1 <= raw.number <= 12 else None


def _quarter_bounds(raw: _Raw, year: int) -> tuple[date, date] | None:
    q = raw.number
    return _months(year, 3 * q - 2, 3 * q) if 1 <= q <= 4 else None


def _half_bounds(raw: _Raw, year: int) -> tuple[date, date] | None:
    return _months(year, 6 * raw.number - 5, 6 * raw.number)


# "Đầu năm" is due with the first quarter, "giữa năm" in June, "cuối năm" at the year's end.
_PART_MONTHS = {1: (1, 3), 2: (6, 6), 3: (10, 12)}


def _part_bounds(raw: _Raw, year: int) -> tuple[date, date] | None:
    return _months(year, *_PART_MONTHS[raw.number])


def _tet_bounds(raw: _Raw, year: int) -> tuple[date, date] | None:
    """Work around Tết starts on the day and is due the day before."""
    if raw.number == 0:
        new_year = date(year, 1, 1)
    elif year in _TET:
        new_year = date(year, *_TET[year])
    else:
        return None
    return new_year, new_year - timedelta(days=1)


def _year_bounds(raw: _Raw, year: int) -> tuple[date, date] | None:
    return _months(year, 1, 12)


def _years_bounds(raw: _Raw, year: int) -> tuple[date, date] | None:
    if not (year < raw.number and _valid_year(raw.number)):
        return None
    return date(year, 1, 1), date(raw.number, 12, 31)


def _months_bounds(raw: _Raw, year: int) -> tuple[date, date] | None:
    if not 1 <= raw.month < raw.number <= 12:
        return None
    return _months(year, raw.month, raw.number)


_BOUNDS: dict[_Unit, Callable[[_Raw, int], tuple[date, date] | None]] = {
    _Unit.DAY: _day_bounds,
    _Unit.MONTH: _month_bounds,
    _Unit.QUARTER: _quarter_bounds,
    _Unit.HALF: _half_bounds,
    _Unit.PART: _part_bounds,
    _Unit.TET: _tet_bounds,
    _Unit.YEAR: _year_bounds,
    _Unit.ONWARD: _year_bounds,
    _Unit.YEARS: _years_bounds,
    _Unit.MONTHS: _months_bounds,
}


def _bounds(raw: _Raw, year: int | None) -> tuple[date, date] | None:
    if year is None or not _valid_year(year):
        return None
    return _BOUNDS[raw.unit](raw, year)


def _filled_years(raws: Sequence[_Raw], year: int | None) -> list[int | None]:
    """Give each year-less expression the year of the next one that has it, else the
    last, else ``year`` (the plan's own, when it covers one year)."""
    known = [r.year if r.year is not None and _valid_year(r.year) else None for r in raws]
    filled: list[int | None] = []
    for i, raw in enumerate(raws):
        if raw.year is not None:
            filled.append(raw.year)
            continue
        later = next((y for y in known[i + 1 :] if y is not None), None)
        earlier = next((y for y in reversed(known[:i]) if y is not None), None)
        filled.append(later if later is not None else earlier if earlier is not None else year)
    return filled


def _clause_start(text: str, before: int) -> int:
    starts = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, before)]
    return starts[-1] if starts else 0


def _names_a_document(text: str, at: int) -> bool:
    m = _TARGET_BEFORE.search(text, max(0, at - _LOOKBACK), at)
    if m is None or m.group("firm") is not None:
        return False
    return _DOC_NOUN.search(text, _clause_start(text, m.start()), m.start()) is not None


def _is_citation(text: str, raw: _Raw, quoted: Sequence[tuple[int, int]]) -> bool:
    """True when the date belongs to a document's number, date or title, not to the task."""
    if any(start <= raw.start < stop for start, stop in quoted):
        return True
    window = max(0, raw.start - _LOOKBACK)
    if _QUALIFIER_BEFORE.search(text, window, raw.start):
        return True
    if _DOC_NUMBER_BEFORE.search(text, window, raw.start):
        return True
    if raw.unit is _Unit.DAY and _DOC_TAIL_AFTER.match(text, raw.stop):
        return True
    return _names_a_document(text, raw.start)


# A role reader decides how a date is used from what precedes it: it gets the
# folded text, the date's position and the end of the last accepted date, and
# returns the role and where the cue starts, or None to ignore the date.
_RoleReader = Callable[[str, int, int | None], tuple[_Role, int] | None]


def _cell_role(text: str, at: int, previous_stop: int | None) -> tuple[_Role, int] | None:
    window = max(0, at - _LOOKBACK)
    for role, cue in ((_Role.FROM, _FROM_CUE), (_Role.TO, _TO_CUE)):
        m = cue.search(text, window, at)
        if m:
            return role, m.start()
    if previous_stop is not None and _DASH.fullmatch(text, previous_stop, at):
        return _Role.TO, at
    return _Role.AT, at


def _prose_role(text: str, at: int, previous_stop: int | None) -> tuple[_Role, int] | None:
    window = max(0, at - _LOOKBACK)
    # "trong khoảng từ ngày 04/02 đến ngày 08/02/2026": a range, not a deadline.
    if m := _PROSE_FROM_CUE.search(text, window, at):
        return _Role.FROM, m.start()
    if previous_stop is not None and _TO_CUE.search(text, max(window, previous_stop), at):
        return _Role.TO, at
    m = _DEADLINE_CUE.search(text, window, at)
    if m:
        return _Role.AT, m.start()
    if not text[:at].strip(" -+*"):
        # "Năm 2027, 100% cán bộ …": a sentence that opens on its date is due then.
        return _Role.AT, at
    if previous_stop is not None and _JOINER.fullmatch(text, previous_stop, at):
        return _Role.AT, at
    return None


def _merge_ranges(points: Sequence[_Point]) -> list[_Point]:
    """Join "X đến Y" into one range that keeps X's role (from/at)."""
    merged: list[_Point] = []
    for point in points:
        if point.role is _Role.TO and merged and merged[-1].role is not _Role.TO:
            head = merged.pop()
            point = _Point(
                head.first, point.last, head.role, True, head.cue_at, point.stop, point.binding
            )
        merged.append(point)
    return merged


def _collect_points(text: str, role_of: _RoleReader, year: int | None) -> tuple[_Point, ...]:
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    raws = [
        raw
        for m in _POINT.finditer(text)
        if m.lastgroup is not None
        and not _is_citation(text, raw := _READERS[m.lastgroup](m), quoted)
    ]
    points: list[_Point] = []
    for raw, filled in zip(raws, _filled_years(raws, year), strict=True):
        bounds = _bounds(raw, filled)
        if bounds is None:
            continue
        role = role_of(text, raw.start, points[-1].stop if points else None)
        if raw.unit is _Unit.ONWARD:
            # "Năm 2025 và các năm tiếp theo" opens the work, whatever precedes it.
            role = (_Role.FROM, role[1] if role else raw.start)
        if role is None:
            continue
        binding = _BINDING_CUE.search(text, max(0, raw.start - _LOOKBACK), raw.start) is not None
        is_range = raw.unit in _RANGES
        points.append(_Point(bounds[0], bounds[1], role[0], is_range, role[1], raw.stop, binding))
    return tuple(_merge_ranges(points))


# ------------------------------------------------------------------------ cue finding


@dataclass(frozen=True, slots=True)
class _Cue:
    start: int
    stop: int
    every: Every | None = None


def _condition_cue(folded: _Folded, pattern: re.Pattern[str]) -> _Cue | None:
    for m in pattern.finditer(folded.text):
        if _FOLDED_IF.search(m.group(0)) and not _FOLDED_WHEN.search(m.group(0)):
            spoken = folded.original(m.start(), m.end()).lower()
            if not _TRUE_IF.search(spoken):
                continue
        start, stop = m.span("inner") if m.groupdict().get("inner") is not None else m.span()
        return _Cue(start, stop)
    return None


def _cadence_cue(folded: _Folded) -> _Cue | None:
    weak: _Cue | None = None
    for m in _CADENCE.finditer(folded.text):
        name = m.lastgroup or ""
        spoken = _SPOKEN_CADENCE.get(name)
        if spoken and not spoken.search(folded.original(m.start(name), m.end()).lower()):
            continue
        cue = _Cue(m.start(), m.end(), _EVERY_BY_GROUP[name])
        if name not in _WEAK_CADENCES:
            return cue
        weak = weak or cue
    return weak


def _continuity_cue(text: str) -> _Cue | None:
    for m in _CONTINUITY.finditer(text):
        if m.group("often") and _qualifies_a_thing(text, m.start(), m.end()):
            continue
        return _Cue(m.start(), m.end())
    return None


def _qualifies_a_thing(text: str, start: int, stop: int) -> bool:
    before = _ATTRIBUTE_BEFORE.search(text, max(0, start - _LOOKBACK), start)
    return before is not None or _FREQUENCY_AFTER.match(text, stop) is not None


@dataclass(frozen=True, slots=True)
class _Counted:
    """ "trong 10 ngày kể từ ngày ký": ``days`` (working days or not) from the plan's date."""

    start: int
    stop: int
    days: int
    working: bool

    def due(self, issued: date) -> date:
        if not self.working:
            return issued + timedelta(days=self.days)
        day, left = issued, self.days
        while left:
            day += timedelta(days=1)
            left -= day.weekday() < _SATURDAY
        return day


_SATURDAY = 5


def _counted_cue(text: str) -> _Counted | None:
    for m in _COUNTED.finditer(text):
        if _PLAN_ITSELF.match(m["event"].strip()):
            stop = m.start("event") + len(m["event"].rstrip())
            return _Counted(m.start(), stop, int(m["days"]), m["working"] is not None)
    return None


# ----------------------------------------------------------------------- decisions


@dataclass(frozen=True, slots=True)
class _Evidence:
    """Every cue found in one text; ``whole`` quotes the whole text, else the cue."""

    folded: _Folded
    whole: bool
    condition: _Cue | None
    cadence: _Cue | None
    continuity: _Cue | None
    points: tuple[_Point, ...]
    event: _Cue | None = None
    counted: _Counted | None = None
    issued: date | None = None

    def quote(self, start: int, stop: int) -> str:
        if self.whole:
            return self.folded.source.strip()
        return self.folded.original(start, stop).strip(" *_,;")


_Rule = Callable[[_Evidence], Timeframe | None]


def _counted_from_plan(ev: _Evidence) -> Timeframe | None:
    """ "trong 10 ngày kể từ ngày ký": dated from the plan's date, else waiting for it."""
    cue = ev.counted
    if cue is None:
        return None
    text = ev.quote(cue.start, cue.stop)
    if ev.issued is None:
        return Timeframe(text, TimeKind.CONDITIONAL)
    return Timeframe(text, TimeKind.ONCE, due=cue.due(ev.issued))


def _conditional(ev: _Evidence) -> Timeframe | None:
    """A trigger; the times it gives still bound it ("Quý I/2026 (nếu có chỉ đạo)")."""
    cue = ev.condition
    if cue is None:
        return None
    text = ev.quote(cue.start, cue.stop)
    p = next((p for p in ev.points if p.binding), ev.points[0] if ev.points else None)
    if p is None:
        return Timeframe(text, TimeKind.CONDITIONAL)
    start = p.first if p.is_range or p.role is _Role.FROM else None
    due = None if p.role is _Role.FROM and not p.is_range else p.last
    return Timeframe(text, TimeKind.CONDITIONAL, due=due, start=start)


def _event_conditional(ev: _Evidence) -> Timeframe | None:
    """After an event the plan does not date, when nothing else gives a time."""
    cue = ev.event
    if cue is None:
        return None
    return Timeframe(ev.quote(cue.start, cue.stop), TimeKind.CONDITIONAL)


def _binding_deadline(ev: _Evidence) -> Timeframe | None:
    """ "Dự kiến ngày 05/12 (Chậm nhất ngày 10/12)": the binding date is the due."""
    p = next((p for p in ev.points if p.binding and p.role is not _Role.FROM), None)
    if p is None:
        return None
    return Timeframe(ev.quote(p.cue_at, p.stop), TimeKind.ONCE, due=p.last)


def _explicit_range(ev: _Evidence) -> Timeframe | None:
    p = next((p for p in ev.points if p.role is _Role.FROM and p.is_range), None)
    if p is None:
        return None
    if ev.cadence is not None:
        # "Hằng năm, từ 2026 đến 2028": the cadence runs inside the range, and
        # like any cadence it has no single due date.
        return Timeframe(
            ev.quote(min(ev.cadence.start, p.cue_at), max(ev.cadence.stop, p.stop)),
            TimeKind.RECURRING,
            every=ev.cadence.every,
            start=p.first,
        )
    return Timeframe(ev.quote(p.cue_at, p.stop), TimeKind.CONTINUOUS, due=p.last, start=p.first)


_FROM_NOW = re.compile(r"\btu\s+(?:nay|bay\s+gio)\s+(?:den|toi)\b")


def _from_now(ev: _Evidence) -> Timeframe | None:
    """ "Từ nay đến hết năm 2026": ongoing work with an end, like "Từ quý I/2026 đến …"."""
    p = next((p for p in ev.points if p.role is _Role.TO), None)
    if p is None or _FROM_NOW.search(ev.folded.text) is None:
        return None
    return Timeframe(ev.quote(0, p.stop), TimeKind.CONTINUOUS, due=p.last)


def _several_deadlines(ev: _Evidence) -> Timeframe | None:
    dated = [p for p in ev.points if p.role is not _Role.FROM]
    dues = tuple(sorted(set(p.last for p in dated)))
    if len(dues) < 2:
        return None
    text = ev.quote(dated[0].cue_at, dated[-1].stop)
    return Timeframe(text, TimeKind.ONCE, due=dues[0], dues=dues)


def _recurring(ev: _Evidence) -> Timeframe | None:
    cue = ev.cadence
    if cue is None:
        return None
    anchor = next((p for p in ev.points if p.role is _Role.FROM or p.is_range), None)
    return Timeframe(
        ev.quote(cue.start, cue.stop),
        TimeKind.RECURRING,
        every=cue.every,
        start=anchor.first if anchor else None,
    )


def _open_start(ev: _Evidence) -> Timeframe | None:
    p = next((p for p in ev.points if p.role is _Role.FROM), None)
    if p is None:
        return None
    return Timeframe(ev.quote(p.cue_at, p.stop), TimeKind.CONTINUOUS, start=p.first)


def _single_deadline(ev: _Evidence) -> Timeframe | None:
    if not ev.points:
        return None
    p = ev.points[0]
    text = ev.quote(p.cue_at, p.stop)
    if not p.is_range:
        return Timeframe(text, TimeKind.ONCE, due=p.last)
    # A range is ongoing work between its ends; a stage ("Giai đoạn 2025 – 2026")
    # delivers at its end, unless it says it runs throughout ("trong suốt giai đoạn").
    stage = _STAGE.search(ev.folded.text, 0, p.stop) is not None
    if stage and ev.continuity is None:
        return Timeframe(text, TimeKind.ONCE, due=p.last, start=p.first)
    return Timeframe(text, TimeKind.CONTINUOUS, due=p.last, start=p.first)


def _continuous(ev: _Evidence) -> Timeframe | None:
    cue = ev.continuity
    if cue is None:
        return None
    return Timeframe(ev.quote(cue.start, cue.stop), TimeKind.CONTINUOUS)


_CELL_RULES: tuple[_Rule, ...] = (
    _counted_from_plan,
    _conditional,
    _explicit_range,
    _from_now,
    _binding_deadline,
    _several_deadlines,
    _recurring,
    _open_start,
    _single_deadline,
    _continuous,
    _event_conditional,
)
# Prose has no "từ ... đến ..." ranges; a cadence there outranks any deadline.
_PROSE_RULES: tuple[_Rule, ...] = (
    _counted_from_plan,
    _conditional,
    _recurring,
    _binding_deadline,
    _explicit_range,
    _several_deadlines,
    _open_start,
    _single_deadline,
    _continuous,
    _event_conditional,
)


def _first_verdict(ev: _Evidence, rules: Sequence[_Rule]) -> Timeframe | None:
    for rule in rules:
        verdict = rule(ev)
        if verdict is not None:
            return verdict
    return None


def parse_timeframe(text: str, year: int | None = None, *, issued: date | None = None) -> Timeframe:
    """Read a whole time cell or phrase, such as a table's "Thời gian thực hiện".

    Matching ignores case, diacritics, spacing and dash style. Precedence when
    several cues appear: a deadline counted from the plan ("trong 10 ngày kể từ
    ngày ký"), a condition, then an explicit "từ ... đến ..." range, a binding
    "chậm nhất" date or several deadlines, then a cadence, then an open start
    ("Từ năm 2022", "Sau ngày 15/3/2026"), then a single deadline or range, then
    "thường xuyên", and last an event the plan does not date ("sau khi kết thúc
    hội nghị"). ``text`` of the result is the input, NFC-normalised and stripped;
    nothing readable gives ``unspecified``. ``year`` dates a month or quarter
    written without one ("Tháng 10"); ``issued``, the plan's date, dates a
    deadline counted from the plan, which without it is ``conditional``.
    """
    folded = _fold_mapped(text)
    ev = _Evidence(
        folded=folded,
        whole=True,
        condition=_condition_cue(folded, _CELL_CONDITION),
        cadence=_cadence_cue(folded),
        continuity=_continuity_cue(folded.text),
        points=_collect_points(folded.text, _cell_role, year),
        event=_condition_cue(folded, _CELL_EVENT),
        counted=_counted_cue(folded.text),
        issued=issued,
    )
    verdict = _first_verdict(ev, _CELL_RULES)
    return verdict or Timeframe(folded.source.strip(), TimeKind.UNSPECIFIED)


def scan_timeframe(
    prose: str, year: int | None = None, *, issued: date | None = None
) -> Timeframe | None:
    """Find a time cue inside a long task sentence; ``None`` when there is none.

    Dates count only after a deadline cue ("trước ngày", "chậm nhất", "đến năm",
    "trong năm", "trong quý", "trong suốt giai đoạn" ...), and never when they
    date, number or title a cited document. Precedence: a deadline counted from
    the plan, a condition, then a cadence, then deadlines, then "thường
    xuyên"/"liên tục", then an event the plan does not date. ``text`` of the
    result is the cue phrase as written in ``prose``. ``year`` dates a month or
    quarter written without one; ``issued`` (the plan's date) dates "trong 10
    ngày kể từ ngày ký", which without it is ``conditional``.
    """
    folded = _fold_mapped(prose)
    ev = _Evidence(
        folded=folded,
        whole=False,
        condition=_condition_cue(folded, _PROSE_CONDITION),
        cadence=_cadence_cue(folded),
        continuity=_continuity_cue(folded.text),
        points=_collect_points(folded.text, _prose_role, year),
        event=_condition_cue(folded, _PROSE_EVENT),
        counted=_counted_cue(folded.text),
        issued=issued,
    )
    return _first_verdict(ev, _PROSE_RULES)
