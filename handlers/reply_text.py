"""A reply as canonical folded text that still points back at what the person typed.

Secretaries type on cheap phones, often without diacritics and in chat shorthand
("ko dc", "xog r", "vuong kp"). The rules of :mod:`handlers.replies` match one
canonical spelling: folded (no diacritics, lower case), shorthand expanded, number
words written as digits ("tám mươi" → ``80``). Every canonical character keeps the
span of the original characters it came from, so a matched clause can be given back
exactly as it was written.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from plans.text import fold_char

_TOKEN = re.compile(r"\n|\d+|[^\W\d_]+|[^\w\s]|_")
_REPEATS = re.compile(r"([a-z])\1{2,}")

CHAT_WORDS: dict[str, str] = {
    # không
    "ko": "khong",
    "k": "khong",
    "kg": "khong",
    "khg": "khong",
    "kh0": "khong",
    "hok": "khong",
    "hong": "khong",
    "hem": "khong",
    "khum": "khong",
    # được
    "dc": "duoc",
    "dk": "duoc",
    "duoc": "duoc",
    # xong, hoàn thành, rồi
    "xog": "xong",
    "xg": "xong",
    "ht": "hoan thanh",
    "hthanh": "hoan thanh",
    "htanh": "hoan thanh",
    "hoanthanh": "hoan thanh",
    "r": "roi",
    "rui": "roi",
    # particles and small words
    "nhe": "nhe",
    "nha": "nha",
    "vs": "voi",
    "j": "gi",
    "cx": "cung",
    "ms": "moi",
    "lm": "lam",
    "nx": "nua",
    "trc": "truoc",
    "hnay": "hom nay",
    "hqua": "hom qua",
    "tgian": "thoi gian",
    "tg": "thoi gian",
    # work words
    "bc": "bao cao",
    "bcao": "bao cao",
    "ng": "nguoi",
    "tr": "trieu",
    "kp": "kinh phi",
    "vg": "vuong",
    "vm": "vuong mac",
    "tl": "tai lieu",
    "kh": "ke hoach",
    "pt": "phan tram",
    "ptram": "phan tram",
    # ok
    "oke": "ok",
    "okie": "ok",
    "oki": "ok",
    "okay": "ok",
    "okela": "ok",
    "uh": "u",
    "uhm": "u",
    "um": "u",
}
"""Chat shorthand (folded) and the canonical words it stands for."""

_DIGIT_WORDS: dict[str, int] = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
# After a tens word the units are spelled differently: "hai mươi mốt", "bảy lăm".
_UNITS_AFTER_TENS: dict[str, int] = {**_DIGIT_WORDS, "tu": 4, "lam": 5, "nham": 5}
# A lone digit word is a number only when something countable follows it: on its own
# "ba", "nam", "sau", "tam" are also common words (bà, năm, sau, tạm).
_COUNTED = frozenset({"phan", "%", "ngay", "hom", "bua", "tuan", "thang", "trong", "tren"})
_BREAKING = frozenset({"bi", "hu", "lam"})
_DAY_UNITS = frozenset({"ngay", "hom", "bua", "tuan", "thang"})
_OF_WORDS = frozenset({"trong", "tren", "phan"})


@dataclass(frozen=True)
class Token:
    """One word, number or mark, with the span of the original text it stands for."""

    text: str
    start: int
    end: int
    spaced: bool


@dataclass(frozen=True)
class Clause:
    """A stretch of canonical text between separators, and the separator after it."""

    start: int
    end: int
    separator: str


@dataclass(frozen=True)
class Canon:
    """Canonical text of a reply and, per character, the original span behind it."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def source(self, start: int, end: int) -> str:
        """The original text behind canonical characters ``start:end``, trimmed."""
        if start >= end:
            return ""
        return self.original[self.starts[start] : self.ends[end - 1]].strip()


def canonical(text: str) -> Canon:
    """Fold ``text``, expand chat shorthand and write number words as digits."""
    original = unicodedata.normalize("NFC", text)
    tokens = _numbers(_expand(_tokens(original)))
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    previous_end = 0
    previous = ""
    for token in tokens:
        # "dat80%" and "3ngay" are read as "dat 80%" and "3 ngay".
        glued = previous[-1:].isalnum() and token.text[:1].isalnum()
        if parts and (token.spaced or glued):
            parts.append(" ")
            starts.append(previous_end)
            ends.append(token.start)
        parts.append(token.text)
        starts.extend([token.start] * len(token.text))
        ends.extend([token.end] * len(token.text))
        previous_end = token.end
        previous = token.text
    return Canon(original, "".join(parts), tuple(starts), tuple(ends))


def _tokens(original: str) -> list[Token]:
    folded: list[str] = []
    owners: list[int] = []
    for index, char in enumerate(original):
        # Line breaks separate clauses; fold_char would make them plain spaces.
        piece = "\n" if char == "\n" else fold_char(char)
        folded.append(piece)
        owners.extend([index] * len(piece))
    flat = "".join(folded)
    return [
        Token(
            match.group(),
            owners[match.start()],
            owners[match.end() - 1] + 1,
            match.start() > 0 and flat[match.start() - 1].isspace(),
        )
        for match in _TOKEN.finditer(flat)
    ]


def _expand(tokens: Sequence[Token]) -> list[Token]:
    expanded: list[Token] = []
    for index, token in enumerate(tokens):
        word = _REPEATS.sub(r"\1", token.text)
        after_digit = index > 0 and not token.spaced and tokens[index - 1].text.isdigit()
        # "100k" is money, not "100 không"; "bị hỏng" is broken, not "bị không".
        broken = word == "hong" and index > 0 and tokens[index - 1].text in _BREAKING
        if (word == "k" and after_digit) or broken:
            expanded.append(token)
            continue
        replacement = CHAT_WORDS[word].split() if word in CHAT_WORDS else [word]
        for position, part in enumerate(replacement):
            expanded.append(Token(part, token.start, token.end, token.spaced or position > 0))
    return expanded


def _numbers(tokens: Sequence[Token]) -> list[Token]:
    words = [token.text for token in tokens]
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        read = _read_number(words, index, [token.text for token in result])
        if read is None:
            result.append(tokens[index])
            index += 1
            continue
        value, stop = read
        first = tokens[index]
        result.append(Token(str(value), first.start, tokens[stop - 1].end, first.spaced))
        index = stop
    return result


def _percent_follows(words: Sequence[str], index: int) -> bool:
    return words[index : index + 1] == ["%"] or words[index : index + 2] == ["phan", "tram"]


def _read_number(words: Sequence[str], index: int, done: Sequence[str]) -> tuple[int, int] | None:
    """A number spelled in words at ``index``: its value and the index after it."""
    word = words[index]
    if word == "muoi":
        return _with_units(words, index + 1, 10)
    if word == "tram" and _percent_follows(words, index + 1):
        return 100, index + 1
    if word == "khong" and _percent_follows(words, index + 1):
        return 0, index + 1
    if word not in _DIGIT_WORDS and word != "tu":
        return None
    digit = _UNITS_AFTER_TENS[word]
    if word != "tu":
        structured = _read_structured(words, index, digit)
        if structured is not None:
            return structured
        if _counted(words, index + 1):
            return digit, index + 1
    # "hai trong bốn", "một phần tư": the second number of a proportion.
    if len(done) >= 2 and done[-1] in _OF_WORDS and done[-2].isdigit():
        return digit, index + 1
    return None


def _read_structured(words: Sequence[str], index: int, digit: int) -> tuple[int, int] | None:
    following = words[index + 1] if index + 1 < len(words) else ""
    if following == "muoi" and digit >= 2:
        return _with_units(words, index + 2, digit * 10)
    if following == "tram":
        value, stop = digit * 100, index + 2
        if stop < len(words) and (words[stop] in _UNITS_AFTER_TENS or words[stop] == "muoi"):
            tens = _read_number(words, stop, [])
            if tens is not None and tens[0] < 100:
                return value + tens[0], tens[1]
        return value, stop
    # "bảy lăm phần trăm", or "bảy lăm" as the whole reply: tens said without "mươi".
    # Elsewhere "sau lam" is "sau làm", not 65.
    elided = digit >= 2 and following in _UNITS_AFTER_TENS
    alone = index == 0 and len(words) == 2
    if elided and (_percent_follows(words, index + 2) or alone):
        return digit * 10 + _UNITS_AFTER_TENS[following], index + 2
    return None


def _with_units(words: Sequence[str], index: int, tens: int) -> tuple[int, int]:
    if index < len(words) and words[index] in _UNITS_AFTER_TENS:
        return tens + _UNITS_AFTER_TENS[words[index]], index + 1
    return tens, index


def _counted(words: Sequence[str], unit: int) -> bool:
    if unit >= len(words) or words[unit] not in _COUNTED:
        return False
    after = words[unit + 1] if unit + 1 < len(words) else ""
    if words[unit] == "phan":
        # "một phần ba" is a third, "một phần" alone is just "a part".
        return after == "tram" or after in _UNITS_AFTER_TENS or after.isdigit()
    # "sau ngày 15" is "after the 15th", not "six days".
    return not (words[unit] in _DAY_UNITS and after.isdigit())


_CLAUSE_BREAK = re.compile(
    r"[;:!?\n…]+|(?<!\d)[.,]+|[.,]+(?!\d)|\s-+\s|\b(?:nhung|tuy nhien|song le)\b"
)
_EDGE = " -*•+()[]\"'"


def clauses(canon: Canon) -> list[Clause]:
    """The clauses of the reply, split at punctuation, line breaks and "nhưng"."""
    found: list[Clause] = []
    start = 0
    for match in _CLAUSE_BREAK.finditer(canon.text):
        found.append(_trimmed(canon.text, start, match.start(), match.group().strip(" ")))
        start = match.end()
    found.append(_trimmed(canon.text, start, len(canon.text), ""))
    return [clause for clause in found if clause.start < clause.end]


def _trimmed(text: str, start: int, end: int, separator: str) -> Clause:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return Clause(start, end, separator)


def clause_at(found: Sequence[Clause], position: int) -> Clause | None:
    """The clause holding canonical character ``position``."""
    index = bisect_right([clause.start for clause in found], position) - 1
    if index >= 0 and found[index].start <= position < found[index].end:
        return found[index]
    return None
