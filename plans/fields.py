"""Labelled fields of a task block: "- Cơ quan chủ trì: Sở Nội vụ", "Thời gian thực hiện: …".

Plans that describe each task as a small block label its parts the way task
tables title their columns: what is to be done, who leads, who supports, when,
and what it yields. A field is a label of a few words, a colon and the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from plans.text import fold


class Role(Enum):
    """What a field says about its task."""

    CONTENT = "content"
    LEAD = "lead"
    SUPPORT = "support"
    TIME = "time"
    PRODUCT = "product"
    OTHER = "other"


@dataclass(frozen=True)
class Field:
    """One labelled field: its role, its label as written and its value."""

    role: Role
    label: str
    value: str


_BODY = r"(?:don vi|co quan|bo phan|to chuc|ca nhan)"
_LABELS: tuple[tuple[Role, str], ...] = (
    (Role.SUPPORT, rf"(?:{_BODY} )?phoi hop(?: thuc hien)?"),
    (
        Role.LEAD,
        rf"{_BODY}(?: (?:chu tri|thuc hien|tham muu|phu trach|chiu trach nhiem|chinh|"
        r"duoc giao))+|(?:chu tri|phu trach|trach nhiem)(?: thuc hien)?",
    ),
    (
        Role.TIME,
        r"(?:thoi gian|thoi han|tien do|moc thoi gian)"
        r"(?: (?:thuc hien|hoan thanh|to chuc|trien khai|bat dau))?",
    ),
    (Role.PRODUCT, r"(?:ket qua|san pham)(?: (?:dau ra|can dat|thuc hien))?"),
    (
        Role.CONTENT,
        r"(?:noi dung|nhiem vu|cong viec|hoat dong)(?: (?:thuc hien|cong viec|cu the|chinh))?",
    ),
    (Role.OTHER, r"dia diem|thanh phan|hinh thuc|phuong thuc|kinh phi|nguon kinh phi"),
)
_FIELD = re.compile(
    "^(?:" + "|".join(f"(?P<{role.value}>{pattern})" for role, pattern in _LABELS) + r")\s*:"
)
_MARK = re.compile(r"^(?:[-+•*–]\s*|[a-zđ]\)\s*|\d{1,2}(?:\.\d{1,2})*\.?\s+)")


def read_field(text: str) -> Field | None:
    """The labelled field ``text`` is, or None (a list mark before the label is allowed)."""
    body = _MARK.sub("", text.strip(), count=1)
    m = _FIELD.match(fold(body))
    if m is None or m.lastgroup is None:
        return None
    colon = body.find(":")
    if colon < 0:
        return None
    return Field(Role(m.lastgroup), body[:colon].strip(), body[colon + 1 :].strip())
