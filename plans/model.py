"""Plain data shared by every stage of plan import.

A plan file is read into a :class:`Document` (paragraphs and tables in document
order), the extractor turns it into an :class:`ExtractedPlan`, and the import
service stores that. Nothing here touches the database or a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class TimeKind(StrEnum):
    """How a task is bounded in time (EXTRACTION.md ``when.kind``)."""

    ONCE = "once"
    RECURRING = "recurring"
    CONTINUOUS = "continuous"
    CONDITIONAL = "conditional"
    UNSPECIFIED = "unspecified"


class Every(StrEnum):
    """Period of a recurring task."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half-year"
    YEAR = "year"


@dataclass(frozen=True)
class Timeframe:
    """A time expression as understood: ``text`` is what the plan said."""

    text: str
    kind: TimeKind
    due: date | None = None
    start: date | None = None
    every: Every | None = None
    dues: tuple[date, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "text": self.text,
            "kind": self.kind.value,
            "due": self.due.isoformat() if self.due else None,
            "start": self.start.isoformat() if self.start else None,
            "every": self.every.value if self.every else None,
        }
        if len(self.dues) > 1:
            out["dues"] = [d.isoformat() for d in self.dues]
        return out


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of running text (one logical line of a text file).

    ``line`` is where it starts in the file as read: the line of a text file, the
    paragraph's number in a Word file (0 when unknown).
    """

    text: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Table:
    """A table as rows of cell texts; merged cells repeat their text."""

    rows: tuple[tuple[str, ...], ...]


Block = Paragraph | Table


@dataclass(frozen=True)
class Document:
    """A plan file as read: its blocks in document order.

    ``hard_wrapped`` says that a line may be a piece of a longer paragraph (text
    pulled out of Word); a Word paragraph is a whole paragraph.
    """

    blocks: tuple[Block, ...]
    source_name: str = ""
    hard_wrapped: bool = False


@dataclass
class ExtractedTask:
    """One actionable line of a plan."""

    ref: str
    content: str
    lead: list[str]
    support: list[str]
    when: Timeframe
    target: str | None = None
    origin: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "content": self.content,
            "lead": list(self.lead),
            "support": list(self.support),
            "when": self.when.to_json(),
            "target": self.target,
        }


@dataclass(frozen=True)
class UnreadLine:
    """A line outside every task that looks like work: a unit at work, a date, a field."""

    line: int
    text: str


@dataclass
class ExtractedPlan:
    """The whole extraction of one plan file (the EXTRACTION.md contract)."""

    title: str
    number: str | None
    issuer: str | None
    period: tuple[int, int] | None
    tasks: list[ExtractedTask] = field(default_factory=list)
    unread: list[UnreadLine] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "plan": {
                "title": self.title,
                "number": self.number,
                "issuer": self.issuer,
                "period": list(self.period) if self.period else None,
            },
            "tasks": [t.to_json() for t in self.tasks],
            "unread": [{"line": u.line, "text": u.text} for u in self.unread],
        }
