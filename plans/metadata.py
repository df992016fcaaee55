"""A plan's title, number, issuer and period, read from its opening lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from plans.text import fold, squash

_DOC_TYPES = ("ke hoach", "chuong trinh hanh dong", "chuong trinh", "de an", "phuong an")
_NUMBER = re.compile(r"\b(\d{1,4}-[A-ZĐ]{1,6}(?:/[A-ZĐ]{1,6})+)")
_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})(?!\d)")
_ISSUER = re.compile(
    r"((?:Ban Chấp hành|Ban Thường vụ|Thường trực|Đảng ủy|Đảng uỷ|Huyện ủy|Chi bộ)"
    r"[^,.;]{0,60}?)\s+(?:xây dựng|ban hành|triển khai)",
)
_STOP_TITLE = ("can cu", "thuc hien nghi quyet so", "-----", "—")


@dataclass(frozen=True)
class PlanHeader:
    """What a plan says about itself."""

    title: str
    number: str | None
    issuer: str | None
    period: tuple[int, int] | None


def read_header(paragraphs: Sequence[str]) -> PlanHeader:
    """Read the header of a plan from its first paragraphs."""
    opening = [squash(p.replace("*", "")) for p in paragraphs[:40] if p.strip()]
    title, body_at = _title(opening)
    body = " ".join(opening[body_at : body_at + 4])
    number = _number(title) or _number(body)
    issuer_match = _ISSUER.search(body)
    period = _period(title) or _period(body)
    return PlanHeader(
        title=title,
        number=number,
        issuer=squash(issuer_match.group(1)) if issuer_match else None,
        period=period,
    )


def _title(lines: Sequence[str]) -> tuple[str, int]:
    """The document-type line ("KẾ HOẠCH") and the subject line under it."""
    start = next(
        (i for i, line in enumerate(lines) if fold(line).strip(" .:").startswith(_DOC_TYPES)),
        None,
    )
    if start is None:
        return (lines[0] if lines else ""), 1
    bare_type = fold(lines[start]).strip(" .:") in _DOC_TYPES
    if not bare_type or start + 1 >= len(lines) or fold(lines[start + 1]).startswith(_STOP_TITLE):
        return lines[start], start + 1
    return squash(f"{lines[start]} {lines[start + 1]}"), start + 2


def _number(text: str) -> str | None:
    m = _NUMBER.search(text)
    return m.group(1) if m else None


def _period(text: str) -> tuple[int, int] | None:
    m = _RANGE.search(text)
    if m is None:
        return None
    first, last = int(m.group(1)), int(m.group(2))
    return (first, last) if first <= last else None
