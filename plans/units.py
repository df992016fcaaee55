"""Unit names as plans write them: lists, abbreviations, keys for matching.

A cell such as "Đảng ủy, UBND xã, MTTQ và các tổ chức chính trị - xã hội" names
four units. :func:`split_units` separates them and expands abbreviations;
:func:`leading_units` finds the units a duty sentence starts with ("UBND xã chỉ
đạo …"); :func:`unit_key` gives the accent-, case- and order-insensitive key the
unit directory matches on.
"""

from __future__ import annotations

import re
import unicodedata

from plans.text import fold, squash

# Matched longest first: "UBMTTQ" wins over "MTTQ", "VH-TT&DL" over "VH-TT".
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("VH,TT&DL", "Văn hóa, Thể thao và Du lịch"),
    ("VHTTDL", "Văn hóa, Thể thao và Du lịch"),
    ("LĐTB&XH", "Lao động - Thương binh và Xã hội"),
    ("LĐTBXH", "Lao động - Thương binh và Xã hội"),
    ("KH&CN", "Khoa học và Công nghệ"),
    ("KHCN", "Khoa học và Công nghệ"),
    ("KH&ĐT", "Kế hoạch và Đầu tư"),
    ("TT&TT", "Thông tin và Truyền thông"),
    ("NN&MT", "Nông nghiệp và Môi trường"),
    ("NHCSXH", "Ngân hàng Chính sách xã hội"),
    ("VKSND", "Viện kiểm sát nhân dân"),
    ("TAND", "Tòa án nhân dân"),
    ("BHXH", "Bảo hiểm xã hội"),
    ("ĐBQH", "Đoàn đại biểu Quốc hội"),
    ("NHNN", "Ngân hàng Nhà nước"),
    ("KBNN", "Kho bạc Nhà nước"),
    ("BĐBP", "Bộ đội Biên phòng"),
    ("TTCP", "Thanh tra Chính phủ"),
    ("PCT", "Phó Chủ tịch"),
    ("BCS", "Ban cán sự"),
    ("Đ/c", "Đồng chí"),
    ("CP", "Chính phủ"),
    ("TW", "Trung ương"),
    ("TƯ", "Trung ương"),
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
    # "CP" is the Government, except in a company's name ("Công ty CP", a joint-stock one).
    (re.compile(r"\b(Công ty|Tổng công ty) Chính phủ\b", re.IGNORECASE), r"\1 cổ phần"),
    # "BCH" is the Party's Ban Chấp hành, except in front of the militia's Quân sự.
    (re.compile(r"\bBan Chấp hành (?=Quân sự)", re.IGNORECASE), "Ban Chỉ huy "),
)
# Not inside a document number ("57-NQ/TW", "15/2021/QĐ-UBND") nor a longer word.
_ABBREV_RE = re.compile(
    r"(?<![\w&/-])("
    + "|".join(re.escape(a) for a, _ in sorted(ABBREVIATIONS, key=lambda p: -len(p[0])))
    + r")(?![\w&-])"
)
_ABBREV_MAP = dict(ABBREVIATIONS)


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


_TONES = {"\u0300": "`", "\u0301": "'", "\u0303": "~", "\u0309": "?", "\u0323": "."}


def _sig(word: str) -> str:
    """A word lower-cased with its tone kept apart, so "Ủy" and "Uỷ" agree while "Sở" and
    "Số", "Hội" and "Hồi", "Đài" and "Đại", "Bộ" and "Bố" stay different words."""
    tone = ""
    letters = []
    for char in unicodedata.normalize("NFD", word.lower().strip(",;:.()")):
        if char in _TONES:
            tone = _TONES[char]
        else:
            letters.append(char)
    return unicodedata.normalize("NFC", "".join(letters)) + tone


def _sigs(text: str) -> tuple[str, ...]:
    return tuple(_sig(w) for w in text.split())


# The nouns a unit's name opens with, written as plans write them. A name follows the noun
# and runs to the verb of the duty; these are kinds of body, not full names.
_OPEN_HEADS = _phrases(
    # People's Committees, councils, the Front, the Party and the state's offices
    "ủy ban|hội đồng|mặt trận|thường trực|đảng ủy|đảng đoàn|đảng bộ|ban cán sự|chi bộ|tổ đảng|"
    "chi hội|chi đoàn|huyện ủy|tỉnh ủy|thành ủy|quận ủy|thị ủy|cấp ủy|huyện đoàn|tỉnh đoàn|"
    "thành đoàn|quận đoàn|liên đoàn|hiệp hội|liên hiệp|chính phủ|quốc hội|thủ tướng|văn phòng|"
    "bộ phận|bộ đội|bộ chỉ huy|bộ tư lệnh|công an|quân sự|viện kiểm sát|tòa án|kho bạc|"
    "kiểm toán|ngân hàng|bảo hiểm|cảng vụ|bệnh viện|doanh nghiệp|hợp tác xã|công ty|"
    "tổng công ty|chi nhánh|tổ công tác|tổ giúp việc|tổ dân phố|tổ bầu cử|tổ chức chính trị|"
    "đoàn thể|chi, đảng bộ|trung tâm|điện lực|bưu điện|học viện|"
    # positions the plan assigns work to
    "đồng chí|chủ tịch|phó chủ tịch|giám đốc|phó giám đốc|thủ trưởng|trưởng|phó trưởng|bí thư|"
    "phó bí thư|chánh văn phòng|chánh thanh tra|chuyên viên|cán bộ|công chức|thành viên|"
    "ủy viên|tổ trưởng|người đứng đầu|thư ký"
)
# Nouns that are also common words ("Hội nghị", "Bộ tiêu chí", "Phòng chống", "Trường hợp",
# "Báo cáo", "Đoàn kết"): a unit only when a name in capitals follows ("Hội Nông dân"), or
# one of the lower-case words given.
_NAMED_HEADS: dict[str, tuple[str, ...]] = {
    "ban": ("công", "cán", "chỉ", "quản", "tổ", "thường", "chấp", "xây", "tuyên", "dân"),
    "bộ": (),
    "sở": (),
    "phòng": (),
    "cục": (),
    "chi cục": (),
    "tổng cục": (),
    "vụ": (),
    "viện": (),
    "hội": (),
    "đoàn": ("đại", "kiểm", "công", "giám", "thanh"),
    "đài": ("phát", "truyền"),
    "báo": (),
    "trường": (),
    "thanh tra": ("tỉnh", "thành", "huyện", "chính", "sở", "bộ"),
    "thuế": ("tỉnh", "thành", "huyện", "cơ", "khu"),
    "hải quan": ("tỉnh", "khu"),
    "trạm": (),
    "đồn": (),
    "hạt": (),
    "đại học": (),
    "cơ quan": ("thông", "báo", "tuyên", "chuyên", "thường", "tham", "quản", "chủ"),
    "đơn vị": ("sự", "trực", "liên"),
}
# Plural nouns "các" opens a group with ("các sở, ban, ngành", "các xã, phường").
_GROUP_NOUNS = _phrases(
    "cơ quan|đơn vị|sở|ban|ngành|bộ|chi|chi bộ|đảng bộ|đảng ủy|huyện ủy|thành ủy|tỉnh ủy|cấp ủy|"
    "tổ chức|đoàn thể|hội|chi hội|xã|phường|thị trấn|đặc khu|huyện|tỉnh|thôn|ấp|bản|khu|tổ|"
    "trường|doanh nghiệp|địa phương|lực lượng|bộ phận|phòng|trung tâm|đồng chí|thành viên|"
    "ủy viên|ủy ban|hội đồng|cơ sở|hợp tác xã|công ty|bệnh viện|đài|báo|tòa soạn|ngân hàng|"
    "chi nhánh|quận|thành phố|tổ dân phố|khu dân cư|đoàn|chủ tịch|thủ trưởng|cán bộ|"
    "ban chỉ đạo|tiểu ban|nhà trường|chi đoàn|cơ sở giáo dục"
)
_OPEN = {_sigs(h) for h in _OPEN_HEADS}
_NAMED = {_sigs(h): {_sig(w) for w in after} for h, after in _NAMED_HEADS.items()}
_GROUP = {_sigs(h) for h in _GROUP_NOUNS}
_HEAD_MAX = 3

# Words that close a name at its level: a name may go on after them only with a qualifier.
_LOCALITY = frozenset(map(_sig, _phrases("xã|huyện|tỉnh|phường|trấn|quận|phố|thôn|ấp|bản|khu|xóm")))
# First words of the localities a list goes on with ("UBND xã, phường, đặc khu").
_LOCALITY_OPEN = _LOCALITY | {_sig(w) for w in ("thị", "thành", "đặc")}
# Heads whose name is a purpose and so may open with a verb ("Ban Chỉ đạo thực hiện Quy chế
# dân chủ ở cơ sở", "Tổ công tác triển khai Đề án 06").
_PURPOSE_HEADS = frozenset(
    _sigs(h) for h in ("ban chỉ đạo", "tổ công tác", "tổ giúp việc", "hội đồng", "ban tổ chức")
)
# Two offices that share one name: "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân".
_SHARED_NAME = (("doan dai bieu quoc hoi", "hoi dong nhan dan"),)
_CAC = _sig("các")
_BAN = _sig("ban")
_DUOC = _sig("được")
_PURPOSE_AT = 3  # "Ban Chỉ đạo" is three words
# Two-word verbs that end a unit's name when a duty sentence goes on ("UBND xã chỉ đạo").
_VERBS = frozenset(
    map(
        fold,
        _phrases(
            "ban hành|chỉ đạo|chủ trì|tham mưu|phối hợp|căn cứ|đẩy mạnh|thực hiện|xây dựng|tổ chức|"
            "hướng dẫn|theo dõi|triển khai|chủ động|quan tâm|chú trọng|lãnh đạo|kiểm tra|"
            "tăng cường|nâng cao|tiếp tục|bố trí|đảm bảo|bảo đảm|tuyên truyền|phát huy|cung cấp|"
            "tổng hợp|đôn đốc|giám sát|nắm bắt|tham gia|rà soát|hoàn thành|đề xuất|vận động|"
            "cụ thể|quán triệt|học tập|hợp tác|thường xuyên|định kỳ|hằng năm|hàng năm|chịu trách|"
            "có trách|báo cáo|nghiên cứu|phổ biến|cập nhật|công bố|tiếp nhận|giải quyết|xử lý|"
            "thẩm định|phê duyệt|đề nghị|chuẩn bị|bảo vệ|thông báo|phân công|lồng ghép|tập trung|"
            "huy động|thống nhất|trao đổi|duy trì|hỗ trợ|tạo điều|ứng dụng|đánh giá|sơ kết|"
            "tổng kết|kiện toàn|xác minh|giới thiệu|biên soạn|phát hành|khẩn trương|kịp thời|"
            "tích cực|nghiêm túc|quyết liệt|hằng quý|hàng quý|hằng tháng|hàng tháng|điều hành|"
            "định hướng|hưởng ứng|hằng ngày|hàng ngày|phát động|thẩm tra|xem xét"
        ),
    )
)
# One-word verbs and words that start a clause, as written ("có" folds like "cơ" of "cơ quan"):
# "Ủy ban Kiểm tra Đảng ủy giúp Ban Chấp hành …", "Các chi bộ có trách nhiệm …".
_SINGLE_VERBS = frozenset(
    _phrases(
        "giúp|có|chịu|là|phải|cần|nắm|gửi|về|để|nhằm|trong|khi|nếu|đã|sẽ|đang|cùng|"
        "bằng|do|vì|thì|mà|theo|tại|đối|nhưng|luôn|không|chưa|hãy"
    )
)
# After "được" a name holds a clause ("Các cơ quan, đơn vị được giao chủ trì"), up to one of these.
_CLAUSE_END = frozenset(fold(v) for v in ("có trách", "chịu trách", "căn cứ", "chủ động"))
# Manners a duty may open with; in a name ("đơn vị trực tiếp quản lý") they follow a kind.
_MANNERS = frozenset(fold(v) for v in ("trực tiếp", "thường trực"))
_PURPOSE_VERBS = frozenset(fold(v) for v in ("thực hiện", "triển khai"))
_TO_CHUC_NOUN = _phrases("chinh tri|dang|co so|xa hoi|doan|thanh vien|khac|lien quan|co lien quan")
_LEAD_IN = ("giao cho ", "giao ", "yeu cau ", "de nghi ")
_ROLE_VERBS = frozenset(fold(v) for v in ("chủ trì", "phối hợp", "thực hiện", "tham mưu"))
_SEPARATORS = re.compile(r"\s*([,;\n+])\s*|\s+(và|với)\s+", re.IGNORECASE)
_TRAILING = re.compile(r"[\s.,;:/]+$|\s*\((?:b/c|để báo cáo)\)\s*$", re.IGNORECASE)
_FOOTNOTE = re.compile(r"(?<=[^\W\d_])(?:\d{1,2}|[¹²³⁰-⁹]+)$")
_ROLE_MARK = re.compile(r"\s*\((chủ trì|phối hợp|p/h)\)", re.IGNORECASE)
_RELATIVE = frozenset(("được", "giao"))


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
    """True for names that stand for several units ("Các chi bộ trực thuộc",
    "Ủy ban nhân dân các xã, phường")."""
    folded = fold(name)
    return folded.startswith("cac ") or " cac " in folded or folded in {"doan the"}


def _head_len(words: list[str]) -> int:
    """How many of ``words`` name the kind of unit they open ("Ủy ban", "Các sở"); 0 if none."""
    if not words or not (words[0][:1].isupper() or _sig(words[0]) == _CAC):
        return 0
    if _sig(words[0]) == _CAC:
        rest = words[1:]
        inner = _group_len(rest) or _head_len(rest)
        return 1 + inner if inner else 0
    sigs = [_sig(w) for w in words[: _HEAD_MAX + 1]]
    for n in range(min(_HEAD_MAX, len(sigs)), 0, -1):
        head = tuple(sigs[:n])
        if head in _OPEN:
            return n
        if head in _NAMED and _named_after(words, n, _NAMED[head]):
            return n
    return 0


def _named_after(words: list[str], n: int, lower: set[str]) -> bool:
    if words[n - 1].endswith(","):
        return True  # "Sở, ban, ngành": the kind of unit as a group
    if n >= len(words):
        return False
    following = words[n]
    return following[:1].isupper() or following[:1].isdigit() or _sig(following) in lower


def _group_len(words: list[str]) -> int:
    sigs = [_sig(w) for w in words[:_HEAD_MAX]]
    for n in range(len(sigs), 0, -1):
        if words[n - 1][:1].islower() and tuple(sigs[:n]) in _GROUP:
            return n
    return 0


def _starts_unit(text: str) -> bool:
    return _head_len(expand_abbreviations(text).split()) > 0


def starts_unit(text: str) -> bool:
    """True when ``text`` opens with a unit's name ("UBND xã", "Các chi bộ", "Sở Y tế")."""
    return _starts_unit(text.strip())


def split_units(text: str) -> list[str]:
    """Split a list of units into one clean name per unit.

    Commas, semicolons, line breaks and "và" separate units, but a part that
    does not open a new unit ("Các cơ quan, đơn vị", "UBND các xã, phường", the
    fields of "Sở Văn hóa, Thể thao và Du lịch") stays with the one before.
    Role marks ("(chủ trì)", "(phối hợp)") are dropped; :func:`split_roles` reads them.
    """
    return [bare for name in _marked_units(text) if (bare := _ROLE_MARK.sub("", name).strip())]


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


def _marked_units(text: str) -> list[str]:
    text = expand_abbreviations(_TRAILING.sub("", text.strip()))
    if not any(c.isalpha() for c in text):
        return []
    names: list[str] = []
    pieces = _pieces(text)
    for index, (sep, piece) in enumerate(pieces):
        if names and _continues(names[-1], sep, piece, pieces[index + 1 :]):
            joint = ", " if sep in ",;" else f" {sep} "
            names[-1] = f"{names[-1]}{joint}{piece}"
        else:
            names.append(piece)
    return [c for name in names for part in _split_embedded(name) if (c := _clean(part))]


def _pieces(text: str) -> list[tuple[str, str]]:
    """``text`` cut at every separator, each piece with the separator before it."""
    parts = _SEPARATORS.split(text)
    pieces = [("", parts[0])]
    for k in range(1, len(parts) - 1, 3):
        sep = (parts[k] or parts[k + 1] or "").lower()
        pieces.append((sep, parts[k + 2]))
    return [(sep, p.strip(" -")) for sep, p in pieces if p and p.strip(" -")]


def _continues(name: str, sep: str, piece: str, later: list[tuple[str, str]]) -> bool:
    """Whether ``piece`` goes on with ``name`` rather than naming a unit of its own."""
    if sep in ("\n", "+", ";") and (_starts_unit(piece) or sep != ";"):
        return False
    folded = fold(name)
    if "phu trach" in folded:
        return True  # "Chuyên viên phụ trách lĩnh vực Hành chính, Văn phòng"
    if sep in ("và", "với") and any(
        folded.endswith(a) and fold(piece).startswith(b) for a, b in _SHARED_NAME
    ):
        return True
    words = piece.split()
    if _sig(words[0]) == _CAC:
        return False
    if _starts_unit(piece):
        return _same_committees(folded, fold(piece))
    if piece[:1].isupper():
        return sep in ("và", "với") or _field_list(later)
    if _sig(words[0]) in _LOCALITY_OPEN or _is_plural(folded) or _bare_kinds(name):
        return True
    return not _group_len(words)


def _bare_kinds(name: str) -> bool:
    """A list of kinds of unit with no name ("Sở, ban"): the list goes on ("ngành")."""
    return all(_sigs(item) in _GROUP for item in name.split(","))


def _is_plural(folded: str) -> bool:
    return folded.startswith("cac ") or " cac " in folded


def _same_committees(folded: str, piece: str) -> bool:
    """ "Các huyện ủy, thành ủy, Đảng ủy trực thuộc tỉnh": one group of Party committees."""
    return folded.startswith("cac ") and folded.endswith(" uy") and piece.split()[1:2] == ["uy"]


def _field_list(later: list[tuple[str, str]]) -> bool:
    """The fields of one name run on to a last one joined by "và" ("Văn hóa, Thể thao và
    Du lịch"); a piece that opens a unit or is written in lower case ends the run."""
    for sep, piece in later:
        if sep not in (",", "và") or not piece[:1].isupper() or _starts_unit(piece):
            return False
        if sep == "và":
            return True
    return False


def _split_embedded(part: str) -> list[str]:
    """Split "Ủy ban MTTQ tổ chức chính trị - xã hội" and "… thị trấn Phòng Văn hóa"."""
    words = part.split()
    for k in range(2, len(words)):
        before = _sig(words[k - 1])
        if before in (_CAC, _sig("và")):
            continue
        rest = fold(" ".join(words[k:]))
        embedded_group = rest.startswith(("to chuc chinh tri", "doan the chinh tri"))
        new_office = (
            words[k][:1].isupper() and before in _LOCALITY and _starts_unit(" ".join(words[k:]))
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
    words = name.split()
    # "Đề nghị UBND xã phối hợp" leads with UBND xã; "… được giao chủ trì" is a name.
    if (
        len(words) > 2
        and fold(" ".join(words[-2:])) in _ROLE_VERBS
        and _sig(words[-3]) not in _RELATIVE
        and _sig(words[0]) != _CAC  # "Các cơ quan phối hợp" is the group that supports
    ):
        words = words[:-2]
    name = _FOOTNOTE.sub("", " ".join(words)).strip(" .,;:-")
    name = _HEADS_OF_GROUP.sub("", name)
    return name[:1].upper() + name[1:] if name else name


def leading_units(sentence: str) -> tuple[list[str], str]:
    """Units named at the start of a duty sentence, and the rest of it.

    A name opens with the kind of unit ("Sở", "Ủy ban", "Ban", "Các sở, ban, ngành",
    "Giám đốc") and runs to the verb of the duty: "UBND huyện chỉ đạo các ngành …"
    gives (["Ủy ban nhân dân huyện"], "chỉ đạo các ngành …"). A sentence that does
    not open with a unit gives ([], sentence).
    """
    words = _strip_lead_in(sentence.strip()).split()
    if not words or not _starts_unit(" ".join(words[:4])) or _verb_at(words, 0):
        return [], sentence
    end = _phrase_end(words)
    units = split_units(" ".join(words[:end]))
    if not units or any(len(unit.split()) > _NAME_MAX for unit in units):
        return [], sentence
    return units, " ".join(words[end:])


_NAME_MAX = 16
# "Thủ trưởng các sở, ban, ngành" gives the work to the bodies those heads lead.
_HEADS_OF_GROUP = re.compile(
    r"^(?:Thủ trưởng|Giám đốc|Người đứng đầu|Lãnh đạo)\s+(?=các\s)", re.IGNORECASE
)
# Openings a sentence may put before the units that act: "Căn cứ kế hoạch này, Sở …".
_ADVERBIAL = ("can cu", "tren co so", "theo chuc nang", "de ", "nham ", "ngoai ra")
_ADVERBIAL_COMMAS = 3
# A case the duty applies to: "Đối với vụ việc ở khu dân cư thì cơ quan … có trách nhiệm …".
_CONDITIONS = ("doi voi", "truong hop", "neu ", "khi ")


def acting_units(sentence: str) -> tuple[list[str], str]:
    """The units a sentence gives work to, and the work: "Sở Tài chính chủ trì bố trí
    kinh phí" gives (["Sở Tài chính"], "chủ trì bố trí kinh phí").

    Unlike :func:`leading_units`, the units must be followed by the verb of a duty
    ("Trưởng Ban là Chủ tịch …" and "Tổ giúp việc: không quá 05 cá nhân" give no
    units), and they may come after an opening clause ("Căn cứ kế hoạch này, …").
    """
    candidates = [sentence]
    condition, then, consequence = sentence.partition(" thì ")
    if then and fold(condition).startswith(_CONDITIONS):
        candidates.append(consequence)
    if fold(sentence).startswith(_ADVERBIAL):
        pieces = sentence.split(",")
        cuts = range(1, min(len(pieces), _ADVERBIAL_COMMAS + 1))
        candidates += [",".join(pieces[k:]) for k in cuts]
    for candidate in candidates:
        units, rest = leading_units(candidate.strip())
        if units and _opens_duty(rest) and ":" not in candidate[: len(candidate) - len(rest)]:
            return units, rest
    return [], sentence


_LABEL_WORDS = 6


def _opens_duty(rest: str) -> bool:
    words = rest.split()
    if len(words) < 3 or not words[0][:1].islower():
        return False
    if any(w.endswith(":") for w in words[:_LABEL_WORDS]):
        return False  # "Đoàn Kiểm tra giám sát của tỉnh: 01 cá nhân" names a quota's holder
    return _verb_at(words, 0)


def _phrase_end(words: list[str]) -> int:
    purpose = tuple(_sigs(expand_abbreviations(" ".join(words[:3])))[:3]) in _PURPOSE_HEADS
    k = 1
    while k < len(words) and not words[k - 1].endswith(":"):
        if _sig(words[k]) == _DUOC and words[k][:1].islower():
            k = _clause_end(words, k)
            break
        if _verb_at(words, k) and _verb_in_name(words, k, purpose=purpose):
            k += 2
            continue
        if _verb_at(words, k) or _verb_after_place(words, k):
            break
        k += 1
    while k and fold(words[k - 1].strip(",;:")) in {"va", "cac", "-", "", "nay"}:
        k -= 1
    return k


def _verb_in_name(words: list[str], k: int, *, purpose: bool) -> bool:
    """A verb that is part of the name: "Ban Chỉ đạo thực hiện Quy chế …", "các ban xây
    dựng Đảng", "Cán bộ phụ trách lĩnh vực giám sát …", "Các cơ quan phối hợp có trách nhiệm"."""
    if purpose and k == _PURPOSE_AT:
        return _purpose_verb(words, k)
    before = _sig(words[k - 1])
    if before == _BAN and _sig(words[k]) in _NAMED[(_BAN,)]:
        return True
    folded = fold(" ".join(words[:k]))
    if " phu trach" in folded and fold(words[k - 1]) in {"trach", "vuc", "va"}:
        return True
    bare_group = _sig(words[0]) == _CAC and k == 1 + _group_len(words[1:])
    following = fold(" ".join(w.strip(",;:") for w in words[k + 2 : k + 4]))
    return bare_group and not words[k + 1].endswith(",") and following in _CLAUSE_END


def _clause_end(words: list[str], k: int) -> int:
    """The end of "… được giao chủ trì" before the duty's "có trách nhiệm"; without one
    the name stops before "được"."""
    for j in range(k + 1, len(words) - 1):
        if fold(" ".join(w.strip(",;:") for w in words[j : j + 2])) in _CLAUSE_END:
            return j
    return k


def _purpose_verb(words: list[str], k: int) -> bool:
    pair = fold(" ".join(words[k : k + 2]))
    return pair in _PURPOSE_VERBS and k + 2 < len(words) and words[k + 2][:1].isupper()


def _verb_after_place(words: list[str], k: int) -> bool:
    """A duty after a locality, written in capitals ("Đảng ủy xã Lãnh đạo, định hướng …")
    or opening with a manner ("Ủy ban MTTQ xã trực tiếp tham mưu …")."""
    if _sig(words[k - 1]) not in _LOCALITY:
        return False
    pair = fold(" ".join(w.strip(",;:") for w in words[k : k + 2]))
    return (words[k][:1].isupper() and pair in _VERBS) or pair in _MANNERS


def _verb_at(words: list[str], k: int) -> bool:
    word = words[k].strip(",;:")
    if word[:1].isupper() and k:
        return False
    if word.lower() in _SINGLE_VERBS and k:
        following = fold(" ".join(words[k + 1 : k + 3]))
        return not (word.lower() == "có" and following.startswith("lien quan"))
    pair = fold(" ".join(w.strip(",;:") for w in words[k : k + 2]))
    if pair not in _VERBS:
        return False
    if pair == "to chuc":
        if words[k + 1].endswith(","):
            return False  # "cơ quan, tổ chức, đơn vị"
        following = expand_abbreviations(" ".join(words[k + 2 : k + 4]))
        return not f"{fold(following)} ".startswith(tuple(f"{n} " for n in _TO_CHUC_NOUN))
    return True
