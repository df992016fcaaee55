"""A plan's outline: which paragraph is a heading, an item or running text.

Vietnamese plans number their parts I./II. (sections), 1./1.1./2.1.1.
(headings or numbered items), (1)/a) and dashes (items). Each paragraph becomes
an :class:`Entry`; a numbered entry counts as a heading when what follows it is
nested under it, and as an item otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from plans.text import BULLET_CLASS, fold, is_caps

_ROMAN = re.compile(r"^(?:PHẦN\s+|Phần\s+)?([IVXL]{1,5}|[A-H](?=\.\s*[A-ZĐ]))\s*[.\-–/):]\s*(.+)$")
_NUMBER = re.compile(r"^(\d{1,2}(?:\s*\.\s*\d{1,2})*)\s*(?:\.|[-–](?=\s*\D))\s*(.+)$")
_PAREN = re.compile(r"^\(\s*(\d{1,2}|[a-zđ])\s*\)\s*(.+)$")
_LETTER = re.compile(r"^([a-zđ])\s*\)\s*(.+)$")
_DASH = re.compile(rf"^{BULLET_CLASS}\s*(.+)$")
_NUMBER_PAREN = re.compile(r"^(\d{1,2})\s*\)\s*(.+)$")


class Mark(Enum):
    """How a paragraph is marked in the outline."""

    ROMAN = "roman"
    NUMBER = "number"
    ITEM = "item"
    TEXT = "text"


@dataclass
class Entry:
    """One paragraph with its outline mark."""

    mark: Mark
    label: str
    text: str
    depth: int = 0
    heading: bool = False
    line: int = 0


def parse_entry(paragraph: str) -> Entry:
    """Classify one paragraph by its leading mark."""
    text = paragraph.strip().lstrip("#").strip().strip("*").strip()
    if (m := _ROMAN.match(text)) and (m.group(1) not in "ABCDEFGH" or is_caps(m.group(2))):
        return Entry(Mark.ROMAN, m.group(1), m.group(2).strip(), depth=0, heading=True)
    if m := _NUMBER.match(text):
        label = re.sub(r"\s+", "", m.group(1))
        return Entry(Mark.NUMBER, label, m.group(2).strip(), depth=label.count(".") + 1)
    for pattern in (_PAREN, _NUMBER_PAREN, _LETTER):
        if m := pattern.match(text):
            return Entry(Mark.ITEM, m.group(1), m.group(2).strip())
    if m := _DASH.match(text):
        return Entry(Mark.ITEM, "-", m.group(1).strip())
    return Entry(Mark.TEXT, "", text)


def outline(paragraphs: Sequence[str], lines: Sequence[int] = ()) -> list[Entry]:
    """Classify paragraphs and mark numbered ones that have nested content.

    ``lines`` gives where each paragraph starts in the file, kept on its entry.
    """
    numbers = list(lines) or [0] * len(paragraphs)
    entries = [
        replace(parse_entry(p), line=n)
        for p, n in zip(paragraphs, numbers, strict=True)
        if p.strip()
    ]
    for i, entry in enumerate(entries):
        if entry.mark is Mark.NUMBER:
            nxt = entries[i + 1] if i + 1 < len(entries) else None
            entry.heading = nests_under(entry, nxt, text_counts=True)
    return entries


def nests_under(entry: Entry, nxt: Entry | None, *, text_counts: bool) -> bool:
    """Whether ``nxt`` is nested under the numbered ``entry``.

    Running text after a numbered line is its content in a list of targets
    but the body of a unit's heading in the duties section, hence
    ``text_counts``.
    """
    if nxt is None or nxt.mark is Mark.ROMAN:
        return False
    if nxt.mark is Mark.NUMBER:
        return nxt.depth > entry.depth
    return nxt.mark is Mark.ITEM or text_counts


class Part(Enum):
    """What a section of a plan holds, as far as tasks are concerned."""

    PREAMBLE = "preamble"
    PURPOSE = "purpose"
    TARGETS = "targets"
    DUTIES = "duties"
    ACTIVITIES = "activities"
    PROSE = "prose"
    END = "end"


_PART_CUES: tuple[tuple[Part, tuple[str, ...]], ...] = (
    (Part.END, ("noi nhan",)),
    (
        Part.DUTIES,
        (
            "to chuc thuc hien",
            "trach nhiem thuc hien",
            "phan cong",
            "trach nhiem",
            "giao nhiem vu",
            "nhiem vu cua cac",
        ),
    ),
    (Part.PURPOSE, ("muc tieu chung", "muc tieu tong quat")),
    (Part.TARGETS, ("muc tieu", "chi tieu")),
    (Part.PURPOSE, ("muc dich", "yeu cau", "quan diem")),
    # A roadmap's stages ("1. Giai đoạn 1 (Tháng 7 - 8/2026): Khảo sát …") are targets.
    (Part.TARGETS, ("lo trinh", "cac buoc thuc hien", "cac giai doan")),
    # The plan's own schedule of work: "NỘI DUNG THỰC HIỆN", "NỘI DUNG, TIẾN ĐỘ, PHÂN CÔNG …".
    (
        Part.ACTIVITIES,
        (
            "noi dung thuc hien",
            "noi dung, tien do",
            "noi dung va tien do",
            "tien do",
            "lich trinh",
            "nhiem vu cu the",
            "cac hoat dong",
            "noi dung cong viec",
        ),
    ),
    (Part.PROSE, ("nhiem vu", "giai phap", "noi dung", "hinh thuc", "thoi gian", "kinh phi")),
)


# Words that name the implementation wherever they stand in a short title.
_IMPLEMENTATION = ("to chuc thuc hien", "trach nhiem thuc hien", "phan cong thuc hien")


def part_of(title: str) -> Part | None:
    """The kind of section a heading opens, or None when the title doesn't say.

    Titles are read from their start ("NHIỆM VỤ VÀ GIẢI PHÁP"), except that a
    short title naming the implementation anywhere ("NHIỆM VỤ, GIẢI PHÁP VÀ TỔ
    CHỨC THỰC HIỆN") opens the duties.
    """
    folded = re.sub(r"^(?:cac|nhung) ", "", fold(title).lstrip("*"))
    for part, cues in _PART_CUES:
        if any(folded.startswith(c) for c in cues):
            return part
    if len(folded.split()) <= 12 and any(c in folded for c in _IMPLEMENTATION):
        return Part.DUTIES
    return None
