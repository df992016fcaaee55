"""The cue tables used to read replies, written over canonical text.

Canonical text (see :mod:`handlers.reply_text`) is folded, shorthand is expanded and
number words are digits, so each cue is written once, without diacritics: "Vướng",
"vuong" and "vướng" all match ``vuong``, "ko dc" matches ``khong duoc``. Words are
separated by one space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


def words(*alternatives: str) -> str:
    """A regex matching any of ``alternatives`` as whole words."""
    return r"\b(?:" + "|".join(alternatives) + r")\b"


def compiled(*alternatives: str) -> re.Pattern[str]:
    """:func:`words`, compiled."""
    return re.compile(words(*alternatives))


# ---------------------------------------------------------------- percent

PERCENT = re.compile(r"(?<![\w/.,])(\d{1,3}(?:[.,]\d+)?) ?(?:%|phan tram\b)")
"""An explicit percentage: "80%", "75 phần trăm", "87,5%"."""

FRACTIONS = (
    re.compile(r"(?<![\w/.,])(\d{1,4}) ?/ ?(\d{1,4})(?![\w/]|[.,]\d)"),
    re.compile(r"(?<![\w/.,])(\d{1,4}) (?:trong|tren)(?: tong)?(?: so)? (\d{1,4})\b(?!/)"),
    re.compile(r"(?<![\w/.,])(\d{1,2}) phan (\d{1,2})\b"),
)
"""Done out of planned: "25/28", "2 trong 4", "2 trên tổng số 4", "một phần ba"."""

DATE_BEFORE = re.compile(
    words(
        "ngay",
        "hom",
        "thang",
        "quy",
        "nam",
        "sang",
        "trua",
        "chieu",
        "toi",
        "dem",
        "truoc",
        "sau",
        "den",
        "tu",
        "vao",
        "luc",
        "han",
        "dip",
        "hop",
        "le",
        "ky niem",
        "mung",
        "mong",
        "thu \\d",
        "chu nhat",
        "cn",
    )
    + r" ?$"
)
"""Words before "12/5" that make it a date, not a proportion."""

HALF = re.compile(
    words("mot nua", "nua chang duong", "(?:duoc|dat|xong|lam|khoang|tam|chung|gan|hon) nua")
    + r"(?! (?:ngay|hom|tuan|thang))|^nua\b(?! (?:ngay|hom|tuan|thang))"
)
"""Half done: "được một nửa", "làm được nửa", "nửa chặng đường"."""

BARE_NUMBER = re.compile(
    r"(?:^|"
    + words("dat", "duoc", "khoang", "tam", "chung", "tien do", "muc", "len", "gan", "hon")
    + r" )(\d{1,3})(?=(?: (?:roi|a|nhe|nha|thoi|ha|nhi|ok))* ?$)"
)
"""A number alone in its clause, or after a progress verb: "70", "được 70 rồi"."""

NOT_PROGRESS_BEFORE = re.compile(
    words(
        "thieu",
        "con thieu",
        "tang",
        "giam",
        "chua dat",
        "khong dat",
        "chua duoc",
        "chi tieu",
        "muc tieu",
        "vuot",
        "so voi",
    )
    + r" (?:\w+ )?$"
)
"""Words right before a percentage that make it something else than progress."""

# Folding merges words: "đang" and "đảng" (đảng viên), "sẽ" and "sẻ" (chia sẻ), "cần" and
# "cán" (cán bộ). Cues built on such words spell out what may not follow or precede them.
DANG = "dang(?! (?:vien|uy|bo|doan|ta|cong san|phi|vu|ky|huy|ke))"
"""``đang`` (under way), not ``đảng`` (the Party) nor ``đáng kể``."""
SE = "(?<!chia )se"

TARGET = compiled(
    "du kien", "phan dau", "muc tieu", SE, "co gang", "hy vong", "dam bao", "phai dat", "yeu cau"
)
"""Words that turn the rest of a clause into a target, not a result."""

REMAINING_BEFORE = re.compile(r"\bcon $")
REMAINING_AFTER = re.compile(r"^ (?:nua|chua|la xong)\b")
""""còn 20% nữa" is 80% done."""

OVERACHIEVED = compiled("vuot (?:ke hoach|chi tieu|muc)")
"""Beyond the plan: done."""

# --------------------------------------------------------------- progress

NOT_STARTED = re.compile(
    r"^(?:.* nen )?"
    r"(?:(?:em|toi|minh|chung toi|chung em|chi bo|don vi|ben em|hien|van|con|hien tai|cung|a) )*"
    + words(
        "chua (?:the )?(?:thuc hien|trien khai|lam|bat dau|to chuc|tien hanh|hop|khoi cong|co gi)",
        "khong (?:the )?(?:thuc hien|trien khai|lam|to chuc|tien hanh|hop)",
    )
    + r"(?! (?:xong|het|hoan))"
)
"""A clause opening on nothing done: "chưa thực hiện", "em không làm được" (0%).
Not "chưa làm xong", nor "3 chi bộ chưa thực hiện" (the others may have)."""

STRONG_DONE = compiled("xong", "hoan thanh", "hoan tat", "hoan chinh")
WEAK_DONE = compiled(
    "da (?:thuc hien|trien khai|to chuc|lam|hop|gui|nop|ban hanh|quan triet|bao cao|tuyen truyen)",
    "(?:lam|gui|nop|hop|bao cao|thuc hien) roi",
)
"""Done without saying "xong": "đã thực hiện", "gửi rồi". Yields to any progress cue."""

DONE_BLOCKED_BEFORE = re.compile(
    words(
        "chua",
        "khong",
        "chang",
        "sap",
        "gan",
        DANG,
        SE,
        "du kien",
        "phan dau",
        "chuan bi",
        "muon",
        "can(?! bo)",
        "de",
        "co gang",
        "phai",
        "truoc khi",
        "sau khi",
        "khi",
        "neu",
        "nham",
        "nua",
        "sau",
        "(?:tuan|thang) toi",
        "mai",
    )
    + r" (?:\w+ )?$"
)
"""Words before "xong"/"hoàn thành" that mean it is not done yet: "chưa xong",
"sắp xong", "2 ngày nữa xong"."""

DONE_PARTLY_AFTER = re.compile(
    r"^ (?:duoc )?(?:\d|mot phan|mot so|mot it|phan nao|phan lon|phan nhieu|gan het|hon)\b"
)
""""xong 1 phần", "xong 9 thôn": some of the work is done, not all of it."""

PROGRESS = compiled(
    DANG,
    "tiep tuc",
    "sap xong",
    "gan xong",
    "chua xong",
    "chua hoan thanh",
    "chua hoan tat",
    "bat dau",
    "mot phan",
    "1 phan",
    "tien do",
    "chua",
    "dan dan",
    "du kien",
    "se (?:xong|hoan thanh)",
)
"""Work under way, amount unknown."""

# ---------------------------------------------------------------- problem


class CueKind(StrEnum):
    """Families of problem cues: only troubles and lacks can be negated."""

    TROUBLE = "trouble"
    LACK = "lack"
    INABILITY = "inability"
    REQUEST = "request"
    SETBACK = "setback"
    CAUSE = "cause"


@dataclass(frozen=True)
class ProblemCue:
    """One way of saying there is a problem."""

    kind: CueKind
    pattern: re.Pattern[str]

    @property
    def negatable(self) -> bool:
        """Whether "không", "chưa có"… before it (or "gì" after it) cancels it."""
        return self.kind in (CueKind.TROUBLE, CueKind.LACK, CueKind.CAUSE)


_RESOURCES = (
    "kinh phi",
    "tien",
    "ngan sach",
    "nguon",
    "nguoi",
    "nhan luc",
    "can bo",
    "tai lieu",
    "giay to",
    "ho so",
    "van ban",
    "huong dan",
    "dia diem",
    "mat bang",
    "hoi truong",
    "phong hop",
    "xe",
    "phuong tien",
    "thiet bi",
    "may",
    "mang",
    "dien",
    "thoi gian",
    "vat tu",
    "vat lieu",
    "chu truong",
    "y kien",
    "chi dao",
    "quyet dinh",
    "phe duyet",
    "mau",
    "bieu mau",
)
_VERBS = (
    "thuc hien",
    "lam",
    "trien khai",
    "to chuc",
    "hop",
    "hoan thanh",
    "tham gia",
    "di",
    "lien lac",
    "lien he",
    "bo tri",
    "sap xep",
    "thu",
    "nop",
    "gui",
    "tien hanh",
    "xay dung",
    "hoc",
    "khoi cong",
    "thi cong",
    "giai ngan",
    "tap trung",
    "moi",
)
_NO = words("khong", "chang", "chua")

PROBLEM_CUES: tuple[ProblemCue, ...] = (
    ProblemCue(
        CueKind.TROUBLE,
        compiled(
            "vuong(?: mac)?",
            "kho khan",
            "tro ngai",
            "(?:co|gap|phat sinh|con) van de",
            "van de (?:phat sinh|vuong|kho)",
            "bat cap",
            "ach tac",
            "ton tai",
            "han che",
        ),
    ),
    ProblemCue(
        CueKind.LACK,
        compiled(
            "(?<!toi )(?<!giam )thieu(?! (?:nhi|nien|tuong|ta|uy|so))",
            "khong du",
            "chua du",
            "het (?:kinh phi|tien)",
        ),
    ),
    ProblemCue(
        CueKind.LACK,
        re.compile(
            _NO + " (?:co|du|nhan duoc|duoc cap|duoc bo tri|bo tri duoc|sap xep duoc|tim duoc|"
            "thu xep duoc|duoc|kip) (?:\\w+ )?" + words(*_RESOURCES)
        ),
    ),
    ProblemCue(
        CueKind.LACK,
        compiled(
            "chua duoc (?:cap|phe duyet|duyet|giai ngan|huong dan|bo tri|thong qua|ky)",
            "(?:dang|van|con) cho "
            "(?:kinh phi|tien|cap|phe duyet|duyet|huong dan|y kien|quyet dinh)",
        ),
    ),
    ProblemCue(
        CueKind.LACK,
        re.compile(
            words(*_RESOURCES)
            + " (?:van |con |hien )?(?:chua|khong|chang) (?:co|du|duoc cap|ve|duoc bo tri)\\b"
        ),
    ),
    ProblemCue(
        CueKind.INABILITY,
        re.compile(
            words("khong", "chang")
            + " (?:the|kip)\\b|"
            + words("khong", "chang")
            + " "
            + words(*_VERBS)
            + r"(?: \w+){0,3}? duoc\b|"
            + _NO
            + " (?:the |kip )?"
            + words(*_VERBS)
            + r"[^,;.]*? "
            + words("vi", "do", "boi", "tai", "bi")
            + r"|\bnen (?:chua|khong|chang)\b"
        ),
    ),
    ProblemCue(
        CueKind.REQUEST,
        compiled(
            "de nghi",
            "kien nghi",
            "de xuat",
            "xin (?:y kien|ho tro|cap|bo sung|them kinh phi|tang cuong|chi dao|huong dan)",
            "xin (?:lui|gia han|keo dai|dieu chinh|doi)",
            "can (?:ho tro|them|bo sung|duoc ho tro|cap|chi dao|huong dan)",
            "mong (?:ho tro|cap tren|duoc)",
            "nho (?:ho tro|giup)",
            "gia han",
            "(?:lui|keo dai|dieu chinh|doi|hoan) (?:thoi )?han",
            "lui (?:sang|den|toi|lai)",
        ),
    ),
    ProblemCue(
        CueKind.SETBACK,
        compiled(
            "bi (?:cham|tre|treo|ket|tac|hoan|huy|dung|tu choi|loi|hong|anh huong|gian doan|ngung)",
            "cham (?:tien do|tre|so voi)",
            "tre (?:han|tien do)",
            "qua han",
            "tam (?:dung|ngung|hoan)",
            "gian doan",
            "ngung tre",
            "dinh tre",
            "khong kip",
            "chua kip",
        ),
    ),
    ProblemCue(
        CueKind.CAUSE,
        compiled(
            "mua (?:lu|bao|to|lon|keo dai|gio|ret)",
            "lu lut",
            "lu quet",
            "lu",
            "bao lu",
            "con bao",
            "ngap(?: lut| ung| nuoc)?",
            "sat lo",
            "thien tai",
            "dich benh",
            "covid",
            "om dau",
            "bi om",
            "nam vien",
            "mat dien",
            "mat mang",
            "mat song",
            "hong hoc",
            "su co",
            "hu hong",
            "hu hai",
            "(?:bi|lam) hong",
            "bao so \\d+",
            "mua (?:nhieu|lien tuc|da)",
        ),
    ),
)

NEGATION_BEFORE = re.compile(
    words(
        "khong",
        "chang",
        "chua",
        "het",
        "khong con",
        "chong",
        "phong chong",
        "phong ngua",
        "ung pho",
        "khac phuc",
        "vuot qua",
        "giai quyet",
        "thao go",
    )
    + r"(?: (?:co|gap|bi|con|phat sinh|thay|xay ra|gi|nao|may|qua|la))* ?$"
)
"""A negation right before a problem word: "không có khó khăn", "chưa gặp vướng mắc",
or a problem dealt with: "đã khắc phục khó khăn", "phòng chống lụt bão"."""

NEGATION_AFTER = re.compile(r"^(?: \w+){0,3}? (?:gi|nao|dau)\b")
""""vướng mắc gì", "khó khăn nào": said only after a negation."""

LIST_JOIN = re.compile(r"^ ?(?:,|va|hay|hoac|hoac la|cung nhu)? ?$")
"""What may stand between two problem words that share one negation."""

LABEL = re.compile(
    r"^" + words("vuong mac", "vuong", "kho khan", "kien nghi", "de xuat", "ton tai")
)
NEGATION_ONLY = re.compile(r"^(?:(?:khong|chua|chang|co|gi|a|nhe|nao|het|0) ?)+$")
"""A "Khó khăn:" label answered by nothing but a negation: "Khó khăn: không có"."""

LEAD_IN = re.compile(r"(?:\b(?:con|van|dang|hien|bi|rat|hoi|lai|cung|gap|xin|de nghi|can|mong) )+$")
"""Words kept in front of a problem: "còn vướng mặt bằng", "xin hoãn thời hạn"."""

TRAILING_PARTICLES = re.compile(r"(?: (?:a|nhe|nha|ha|nhi|ok))+$")
"""Particles closing a clause ("ạ", "nhé"), left out of the problem text."""

# ---------------------------------------------------------------- snooze

_UNIT_DAYS = {"ngay": 1, "hom": 1, "bua": 1, "tuan": 7, "thang": 30}

# "thứ 2 tuần sau" is next Monday, not two weeks.
COUNTED_TIME = re.compile(r"(?<!\bthu )\b(\d{1,3}) (ngay|hom|bua|tuan|thang)\b")
"""A number of days, weeks or months: "5 hôm", "2 tuần"."""
FUTURE_TIME = re.compile(
    r"\bsau (\d{1,3}) (ngay|hom|bua|tuan|thang)\b"
    r"|(?<!\bthu )\b(\d{1,3}) (ngay|hom|bua|tuan|thang) (?:nua|sau|toi)\b"
)
"""A delay from now: "sau 3 ngày", "2 tuần nữa"."""
NAMED_TIME: tuple[tuple[re.Pattern[str], int], ...] = (
    (compiled("nua thang(?: nua| sau)?"), 15),
    (compiled("vai (?:ngay|hom|bua)", "may (?:ngay|hom|bua) nua"), 3),
    (compiled("vai tuan"), 14),
    (compiled("tuan (?:sau|toi|nua)"), 7),
    (compiled("thang (?:sau|toi|nua)"), 30),
    (compiled("ngay kia", "ngay mot", "mot (?:bao cao|gui|nop|tra loi)"), 2),
    # "đang họp, lát báo": later today, so the next working morning.
    (compiled("(?:ti |chut )?lat (?:nua )?(?:em |minh |toi )?(?:bao|gui|nop|tra loi)"), 1),
    (
        re.compile(
            words("(?:ngay|sang|trua|chieu|toi) mai")
            + r"|^mai\b|\bmai (?:bao cao|gui|nop|tra loi|lam|xong|nhe|nha|a|em|minh|toi)\b"
        ),
        1,
    ),
    (compiled("sang tuan(?! nay)"), 7),
    (compiled("sang thang(?! nay)"), 30),
    (compiled("it (?:ngay|hom|bua)(?: nua)?"), 3),
    (compiled("cuoi tuan(?: nay)?(?: em| minh| toi)? (?:bao cao|gui|nop|tra loi)"), 3),
    (compiled("cuoi thang(?: nay)?(?: em| minh| toi)? (?:bao cao|gui|nop|tra loi)"), 15),
    (compiled("lat nua", "ti nua", "chut nua", "chieu nay", "toi nay", "de sau", "hom khac"), 1),
)
"""Named delays: "tuần sau" is 7 days, "mai" is 1."""

REMIND_AGAIN = re.compile(
    r"(?<!\bda )\bnhac (?:lai|sau|em|minh|toi|giup|vao|hom|tuan|thang|ngay|mai)\b"
    r"|\bbao cao sau\b|\bkhi khac\b|\bhen\b"
)
"""Asking to be reminded later, with or without a delay ("đã nhắc lại…" is past)."""

DELAY_VERBS = re.compile(
    words("hoan(?! thanh| tat| chinh| thien)", "de", "cho", "them", "doi", "lui", "hen")
    + r"(?: \w+)? $"
)
"""Verbs that make a bare "5 hôm" a delay: "hoãn 5 hôm", "cho thêm 3 ngày"."""

DEFAULT_SNOOZE_DAYS = 1

WEEKDAY = re.compile(
    r"\b(?:thu (?P<day>[2-7]|hai|ba|tu|nam|sau|bay)|(?P<sunday>chu nhat))\b"
    r"(?! (?:tuan )?(?:truoc|vua qua|roi))(?P<next> (?:tuan|sang tuan) (?:sau|toi))?"
)
"""A day of the week ahead: "thứ 2", "thứ sáu tuần sau", "chủ nhật" (not "thứ 2 tuần trước")."""
WEEKDAY_DELAY = re.compile(
    words("bao cao", "bao", "gui", "nop", "tra loi", "nhac", "hen", "de", "doi", "lam", "xong")
)
"""Words that make a named weekday the day to come back: "để thứ 2 em báo cáo"."""
_WEEKDAYS = {"2": 0, "hai": 0, "3": 1, "ba": 1, "4": 2, "tu": 2, "5": 3, "nam": 3}
_WEEKDAYS |= {"6": 4, "sau": 4, "7": 5, "bay": 5}


def weekday_of(match: re.Match[str]) -> int:
    """Monday 0 … Sunday 6 for a :data:`WEEKDAY` match."""
    return 6 if match.group("sunday") else _WEEKDAYS[match.group("day")]


def unit_days(unit: str) -> int:
    """Days in one ``ngay``/``hom``/``bua``/``tuan``/``thang``."""
    return _UNIT_DAYS[unit]
