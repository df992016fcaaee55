"""Unit names as plans write them: lists, abbreviations, keys for matching.

A cell such as "Đảng ủy, UBND xã, MTTQ và các tổ chức chính trị - xã hội" names
four units. :func:`split_units` separates them and expands abbreviations;
:func:`leading_units` finds the units a duty sentence starts with ("UBND xã chỉ
đạo …"); :func:`unit_key` gives the accent-, case- and order-insensitive key the
unit directory matches on.
"""

from __future__ import annotations

import re

from plans.text import fold, squash

# Longest first: "UBMTTQ" must win over "MTTQ", "VH-TT&DL" over "VH-TT".
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("UBMTTQVN", "Ủy ban Mặt trận Tổ quốc Việt Nam"),
    ("UBMTTQ", "Ủy ban Mặt trận Tổ quốc"),
    ("MTTQVN", "Mặt trận Tổ quốc Việt Nam"),
    ("BTG&DV", "Ban Tuyên giáo và Dân vận"),
    ("TG&DV", "Tuyên giáo và Dân vận"),
    ("BTGDV", "Ban Tuyên giáo và Dân vận"),
    ("UBKTĐU", "Ủy ban Kiểm tra Đảng ủy"),
    ("BCHQS", "Ban Chỉ huy Quân sự"),
    ("ĐTNCS", "Đoàn Thanh niên Cộng sản"),
    ("BXDĐ", "Ban Xây dựng Đảng"),
    ("VH-TT&DL", "Văn hóa, Thể thao và Du lịch"),
    ("VHTT&DL", "Văn hóa, Thể thao và Du lịch"),
    ("LĐ-TB&XH", "Lao động - Thương binh và Xã hội"),
    ("NN&PTNT", "Nông nghiệp và Phát triển nông thôn"),
    ("TN&MT", "Tài nguyên và Môi trường"),
    ("GD&ĐT", "Giáo dục và Đào tạo"),
    ("GD-ĐT", "Giáo dục và Đào tạo"),
    ("VH&TT", "Văn hóa và Thông tin"),
    ("VH-TT", "Văn hóa và Thông tin"),
    ("VH-XH", "Văn hóa - Xã hội"),
    ("TC-KH", "Tài chính - Kế hoạch"),
    ("KT-HT", "Kinh tế - Hạ tầng"),
    ("CT-XH", "chính trị - xã hội"),
    ("KT-XH", "kinh tế - xã hội"),
    ("HLHPN", "Hội Liên hiệp Phụ nữ"),
    ("LHPN", "Liên hiệp Phụ nữ"),
    ("CHQS", "Chỉ huy Quân sự"),
    ("HCCB", "Hội Cựu chiến binh"),
    ("VPĐU", "Văn phòng Đảng ủy"),
    ("VPHU", "Văn phòng Huyện ủy"),
    ("UBND", "Ủy ban nhân dân"),
    ("HĐND", "Hội đồng nhân dân"),
    ("MTTQ", "Mặt trận Tổ quốc"),
    ("UBKT", "Ủy ban Kiểm tra"),
    ("QLDA", "Quản lý dự án"),
    ("VHNT", "Văn học nghệ thuật"),
    ("LĐLĐ", "Liên đoàn Lao động"),
    ("TTCT", "Trung tâm Chính trị"),
    ("TDTT", "Thể dục thể thao"),
    ("ĐTN", "Đoàn Thanh niên"),
    ("XDĐ", "Xây dựng Đảng"),
    ("BXD", "Ban Xây dựng"),
    ("BDV", "Ban Dân vận"),
    ("BTC", "Ban Tổ chức"),
    ("HPN", "Hội Phụ nữ"),
    ("ND", "Nông dân"),
    ("HCM", "Hồ Chí Minh"),
    ("BTG", "Ban Tuyên giáo"),
    ("BCH", "Ban Chấp hành"),
    ("BTV", "Ban Thường vụ"),
    ("BCĐ", "Ban Chỉ đạo"),
    ("CCB", "Cựu chiến binh"),
    ("HND", "Hội Nông dân"),
    ("ĐU", "Đảng ủy"),
    ("HU", "Huyện ủy"),
    ("TU", "Tỉnh ủy"),
    ("TG", "Tuyên giáo"),
    ("TN", "Thanh niên"),
    ("UB", "Ủy ban"),
    ("VP", "Văn phòng"),
    ("CA", "Công an"),
    ("QS", "Quân sự"),
)
# One name for one thing: plans say both "đoàn thể" and "tổ chức" chính trị - xã hội.
_SYNONYMS = (
    (
        re.compile(r"\b(?:các\s+)?đoàn thể chính trị\s*-\s*xã hội", re.IGNORECASE),
        "các tổ chức chính trị - xã hội",
    ),
    # "BCH" is the Party's Ban Chấp hành, except in front of the militia's Quân sự.
    (re.compile(r"\bBan Chấp hành (?=Quân sự)", re.IGNORECASE), "Ban Chỉ huy "),
)
_ABBREV_RE = re.compile(
    r"(?<![\w&-])(" + "|".join(re.escape(a) for a, _ in ABBREVIATIONS) + r")(?![\w&-])"
)
_ABBREV_MAP = dict(ABBREVIATIONS)

# Words that open a unit's name, folded. "các" opens a group ("các chi bộ").
UNIT_HEADS: tuple[str, ...] = (
    "cac",
    "ban",
    "uy ban",
    "hoi dong",
    "mat tran",
    "dang uy",
    "dang bo",
    "chi bo",
    "chi hoi",
    "van phong",
    "phong",
    "trung tam",
    "hoi",
    "cong an",
    "quan su",
    "doan",
    "huyen doan",
    "tinh doan",
    "lien doan",
    "huyen uy",
    "tinh uy",
    "thanh uy",
    "bo phan",
    "truong",
    "toa an",
    "vien kiem sat",
    "thuong truc",
    "to chuc chinh tri",
    "doan the",
    "chi, dang bo",
)
# Lower-case words that may sit inside a unit's name ("các chi bộ trực thuộc").
_UNIT_WORDS = frozenset(
    [
        "xa",
        "huyen",
        "tinh",
        "thi",
        "tran",
        "phuong",
        "thanh",
        "pho",
        "thon",
        "xom",
        "ap",
        "lang",
        "ban",
        "bon",
        "buon",
        "soc",
        "khoi",
        "cum",
        "khu",
        "truc",
        "thuoc",
        "chi",
        "dang",
        "bo",
        "uy",
        "co",
        "quan",
        "nganh",
        "doan",
        "the",
        "to",
        "chuc",
        "chinh",
        "tri",
        "hoi",
        "nhan",
        "dan",
        "lien",
        "chuyen",
        "mon",
        "cac",
        "va",
        "don",
        "vi",
        "su",
        "nghiep",
        "truong",
        "hoc",
        "cap",
        "dia",
        "phuong",
        "kiem",
        "tra",
        "giao",
        "duc",
        "dao",
        "tao",
        "van",
        "hoa",
        "thong",
        "tin",
        "quoc",
        "phong",
        "an",
        "ninh",
        "tham",
        "muu",
        "giup",
        "viec",
        "cuu",
        "chien",
        "binh",
        "phu",
        "nu",
        "nong",
        "thanh",
        "nien",
        "lao",
        "dong",
        "so",
        "tren",
        "-",
        ",",
        ";",
        "toan",
    ]
)
# Two-word verbs that end a unit's name when a duty sentence goes on ("UBND xã chỉ đạo").
_VERBS = frozenset(
    (
        "ban hanh",
        "chi dao",
        "chu tri",
        "tham muu",
        "phoi hop",
        "can cu",
        "day manh",
        "thuc hien",
        "xay dung",
        "to chuc",
        "huong dan",
        "theo doi",
        "trien khai",
        "chu dong",
        "quan tam",
        "chu trong",
        "lanh dao",
        "kiem tra",
        "tang cuong",
        "nang cao",
        "tiep tuc",
        "bo tri",
        "dam bao",
        "bao dam",
        "tuyen truyen",
        "phat huy",
        "cung cap",
        "tong hop",
        "don doc",
        "giam sat",
        "nam bat",
        "tham gia",
        "ra soat",
        "hoan thanh",
        "de xuat",
        "van dong",
        "cu the",
        "quan triet",
        "hoc tap",
        "hop tac",
        "thuong xuyen",
        "dinh ky",
        "hang nam",
        "chiu trach",
    )
)
# One-word verbs that end a unit's name, as written ("có" folds like "cơ" of "cơ quan"):
# "Ủy ban Kiểm tra Đảng ủy giúp Ban Chấp hành …", "Các chi bộ có trách nhiệm …".
_SINGLE_VERBS = frozenset({"giúp", "có", "chịu"})
_TO_CHUC_NOUN = ("chinh tri", "dang", "co so", "xa hoi", "hoi", "doan")
_LEAD_IN = ("giao cho ", "giao ", "yeu cau ", "de nghi ")
_SPLIT_AND = re.compile(r"\s+(?:và|với)\s+", re.IGNORECASE)
_SPLIT_LIST = re.compile(r"\s*[,;]\s*|\s+\+\s+|\n+")
_TRAILING = re.compile(r"[\s.,;:/]+$|\s*\((?:b/c|để báo cáo)\)\s*$", re.IGNORECASE)
_ROLE_MARK = re.compile(r"\s*\((chủ trì|phối hợp|p/h)\)", re.IGNORECASE)


def expand_abbreviations(text: str) -> str:
    """Replace the abbreviations plans use for units by their full names."""
    text = _ABBREV_RE.sub(lambda m: _ABBREV_MAP[m.group(1)], text)
    for pattern, name in _SYNONYMS:
        text = pattern.sub(name, text)
    return text


def unit_key(name: str) -> str:
    """Key for matching a unit name regardless of accents, case and word order."""
    words = fold(expand_abbreviations(name)).replace("-", " ").replace("&", " ")
    tokens = {w for w in re.split(r"[^a-z0-9]+", words) if w and w not in {"cac", "va"}}
    return " ".join(sorted(tokens))


def is_group(name: str) -> bool:
    """True for names that stand for several units ("Các chi bộ trực thuộc")."""
    folded = fold(name)
    return folded.startswith("cac ") or folded in {"doan the", "cac doan the"}


def _starts_unit(folded: str) -> bool:
    folded = re.sub(r"\s*[,;:.]\s*", " ", folded)
    return any(folded == h or folded.startswith(h + " ") for h in UNIT_HEADS)


def starts_unit(text: str) -> bool:
    """True when ``text`` opens with a unit's name ("UBND xã", "Các chi bộ")."""
    return _starts_unit(fold(expand_abbreviations(text.strip())))


def split_units(text: str) -> list[str]:
    """Split a list of units into one clean name per unit.

    Commas, semicolons, line breaks and "và" separate units, but a part that
    does not open a new unit ("Các cơ quan, đơn vị") stays with the one before.
    Role marks ("(chủ trì)", "(phối hợp)") are dropped; :func:`split_roles` reads them.
    """
    return [bare for name in _marked_units(text) if (bare := _ROLE_MARK.sub("", name).strip())]


def _marked_units(text: str) -> list[str]:
    text = squash(expand_abbreviations(_TRAILING.sub("", text.strip())))
    if not text or not any(c.isalpha() for c in text):
        return []
    joined: list[str] = []
    for piece in _SPLIT_LIST.split(text):
        piece = piece.strip(" -")
        if not piece:
            continue
        if joined and not _opens_unit(piece):
            joined[-1] = f"{joined[-1]}, {piece}"
        else:
            joined.append(piece)
    names = [n for part in joined for p in _split_on_and(part) for n in _split_embedded(p)]
    return [c for c in (_clean(n) for n in names) if c]


def split_roles(text: str) -> tuple[list[str], list[str]]:
    """Units of one cell that marks their roles: in "UBND xã (chủ trì), Hội Nông
    dân (phối hợp)" or "MTTQ (chủ trì), các đoàn thể" the first leads and the
    others support. A cell without "(chủ trì)" leads with every unit not marked
    "(phối hợp)"."""
    names = _marked_units(text)
    marks = [_ROLE_MARK.search(name) for name in names]
    roles = [fold(m.group(1)) if m else "" for m in marks]
    lead_role = "chu tri" if "chu tri" in roles else ""
    lead: list[str] = []
    support: list[str] = []
    for name, role in zip(names, roles, strict=True):
        bare = _ROLE_MARK.sub("", name).strip()
        (lead if role == lead_role else support).append(bare)
    return lead, support


def _opens_unit(part: str) -> bool:
    return part[:1].isupper() or part[:1].isdigit() or fold(part).startswith("cac ")


def _split_on_and(piece: str) -> list[str]:
    parts = _SPLIT_AND.split(piece)
    out = [parts[0]]
    for part in parts[1:]:
        folded = fold(part)
        group = folded.startswith(("cac ", "doan the", "to chuc chinh tri"))
        if group or (part[:1].isupper() and _starts_unit(folded)):
            out.append(part)
        else:
            out[-1] = f"{out[-1]} và {part}"
    return out


def _split_embedded(part: str) -> list[str]:
    """Split "Ủy ban MTTQ tổ chức chính trị - xã hội" and "… thị trấn Phòng Văn hóa"."""
    words = part.split()
    for k in range(2, len(words)):
        rest = fold(" ".join(words[k:]))
        if not _starts_unit(fold(" ".join(words[:2]))) or fold(words[k - 1]) in {"cac", "va"}:
            continue
        embedded_group = rest.startswith(("to chuc chinh tri", "doan the chinh tri"))
        new_office = (
            words[k][:1].isupper()
            and words[k - 1][:1].islower()
            and rest.startswith(("phong ", "ban ", "trung tam ", "van phong ", "uy ban "))
        )
        if embedded_group or new_office:
            return [" ".join(words[:k]), *_split_embedded(" ".join(words[k:]))]
    return [part]


def _strip_lead_in(text: str) -> str:
    folded = fold(text)
    for lead in _LEAD_IN:
        if folded.startswith(lead):
            return " ".join(text.split()[len(lead.split()) :])
    return text


def _clean(name: str) -> str:
    name = _strip_lead_in(squash(name)).strip(" .,;:-")
    return name[:1].upper() + name[1:] if name else name


def leading_units(sentence: str) -> tuple[list[str], str]:
    """Units named at the start of a duty sentence, and the rest of it.

    "UBND huyện chỉ đạo các ngành …" gives (["Ủy ban nhân dân huyện"], "chỉ đạo
    các ngành …"). A sentence that does not open with a unit gives ([], sentence).
    """
    words = _strip_lead_in(sentence.strip()).split()
    if not words:
        return [], sentence
    opening = expand_abbreviations(" ".join(words[:2]))
    if not (words[0][:1].isupper() or fold(words[0]) == "cac") or not _starts_unit(fold(opening)):
        return [], sentence
    if fold(" ".join(w.strip(",;:") for w in words[:2])) in _VERBS:
        return [], sentence
    end = _phrase_end(words)
    units = split_units(" ".join(words[:end]))
    if not units:
        return [], sentence
    return units, " ".join(words[end:])


def _phrase_end(words: list[str]) -> int:
    end = 0
    for k, word in enumerate(words):
        bare = word.strip(",;:()")
        if k and _verb_at(words, k):
            break
        previous_capital = k > 0 and words[k - 1][:1].isupper() and fold(words[k - 1]) != "cac"
        if (
            k == 0
            or bare[:1].isupper()
            or _ABBREV_RE.fullmatch(bare)
            or fold(bare) in _UNIT_WORDS
            or (previous_capital and not words[k - 1].endswith((",", ";")))
        ):
            end = k + 1
            if word.endswith(":"):
                break
            continue
        break
    while end and fold(words[end - 1].strip(",;:")) in {"va", "cac", "-", ""}:
        end -= 1
    return end


def _verb_at(words: list[str], k: int) -> bool:
    if words[k][:1].isupper():
        return False
    if words[k].strip(",;:").lower() in _SINGLE_VERBS:
        return True
    pair = fold(" ".join(w.strip(",;:") for w in words[k : k + 2]))
    if pair not in _VERBS:
        return False
    if pair == "to chuc":
        following = expand_abbreviations(" ".join(words[k + 2 : k + 4]))
        return not fold(following).startswith(_TO_CHUC_NOUN)
    return True
