"""From a read plan to its tasks: the EXTRACTION.md contract.

Tasks come from three places: the numbered or dashed targets under "MỤC TIÊU …
CỤ THỂ" / "Chỉ tiêu"; the duty lines under "TỔ CHỨC THỰC HIỆN", led by the unit
whose heading they sit under (or who opens the line); and every row of a task
table. Purpose, general "nhiệm vụ và giải pháp" prose, recipients and the
signature block are not tasks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from plans.fields import Field, Role, read_field
from plans.layout import lay_out
from plans.metadata import DOCUMENT_TYPES, read_header, term_period
from plans.model import (
    Block,
    Document,
    ExtractedPlan,
    ExtractedTask,
    Paragraph,
    Table,
    Timeframe,
    TimeKind,
    UnreadLine,
)
from plans.outline import Entry, Mark, Part, nests_under, outline, part_of
from plans.tables import table_tasks
from plans.text import fold, is_caps
from plans.timeframes import parse_timeframe, scan_timeframe
from plans.units import acting_units, leading_units, split_units, starts_unit

_CLOSING = (
    "tren day la",
    "trong qua trinh",
    "qua trinh trien khai",
    "qua trinh thuc hien",
    "noi nhan",
    "t/m ",
    "tm.",
    "k/t",
    "bi thu",
    "pho bi thu",
    "luu ",
)
# The sentence that hands the plan over ("Nhận được Kế hoạch này, yêu cầu …").
_HANDOVER = re.compile(
    r"^(?:nhan duoc|(?:ke hoach|chuong trinh(?: hanh dong)?|de an|phuong an|van ban) nay "
    r"(?:duoc|co hieu luc|thay the))\b"
)
_STAGE_LABEL_MAX = 60
_EVENT_VERBS = ("to chuc", "thanh lap", "ban hanh", "bien soan", "hoan thanh", "so ket", "tong ket")
_ONGOING = ("duy tri", "thuong xuyen", "hang nam", "tiep tuc", "moi nam")
_TARGET = re.compile(
    r"((?:trên|từ|ít nhất|phấn đấu|đạt)?\s*\d+(?:[,.]\d+)?\s*%[^;.]*"
    r"|ít nhất\s+\d+[^;.]*|\b0\d\s+\w[^;.]*)",
    re.IGNORECASE,
)


def extract_plan(document: Document) -> ExtractedPlan:
    """Extract the plan header and every task of ``document``."""
    laid = lay_out(document)
    paragraphs = [b.text for b in laid.blocks if isinstance(b, Paragraph)]
    header = read_header(paragraphs, laid.blocks)
    walker = _Walker()
    tasks: list[ExtractedTask] = []
    pending: list[Paragraph] = []
    appendix = 0
    for block in laid.blocks:
        if isinstance(block, Paragraph):
            pending.append(block)
            continue
        tasks.extend(walker.walk(pending))
        pending = []
        found = table_tasks(block, appendix + 1)
        appendix += bool(found)
        tasks.extend(found)
        walker.after_table(block, bool(found))
    tasks.extend(walker.walk(pending))
    period = header.period or _period_of(tasks) or term_period(paragraphs)
    tasks = [_dated(task, period[0] if period else None, header.date) for task in tasks]
    plan = ExtractedPlan(header.title, header.number, header.issuer, period, tasks)
    plan.unread = walker.unread if tasks else _work_lines(laid.blocks)
    return plan


def _work_lines(blocks: Sequence[Block]) -> list[UnreadLine]:
    """Every paragraph that looks like work, for a plan in which no task was found."""
    return [
        UnreadLine(b.line, b.text)
        for b in blocks
        if isinstance(b, Paragraph) and _looks_like_work(b.text)
    ]


def _dated(task: ExtractedTask, year: int | None, issued: date | None) -> ExtractedTask:
    """Read again, once the plan's header is known, a time that names no year ("Tháng
    10", read in the plan's first ``year``) or counts from the plan's date ("trong 10
    ngày kể từ ngày ký", counted from ``issued``)."""
    when = task.when
    if when.kind is TimeKind.UNSPECIFIED and when.text:
        when = parse_timeframe(when.text, year, issued=issued)
    elif when.kind is TimeKind.CONDITIONAL and when.text and issued is not None:
        counted = parse_timeframe(when.text, year, issued=issued)
        when = counted if counted.kind is TimeKind.ONCE else when
    elif task.origin != "table" and when.kind is TimeKind.CONTINUOUS and not when.text:
        when = scan_timeframe(task.content, year, issued=issued) or when
    return replace(task, when=when)


def _period_of(tasks: Sequence[ExtractedTask]) -> tuple[int, int] | None:
    years = [d.year for t in tasks for d in (t.when.due, t.when.start) if d is not None]
    return (min(years), max(years)) if years else None


_ITEM_DEPTH = 9  # lettered or dashed unit headings sit under every numbered level


@dataclass
class _Scope:
    depth: int
    part: Part | None
    label: str
    units: list[str] = field(default_factory=list)
    when: Timeframe | None = None
    title: str = ""
    block: ExtractedTask | None = None
    listing: bool = False


class _Walker:
    """Walks the outline of the running text, section by section."""

    def __init__(self) -> None:
        self.scopes: list[_Scope] = [_Scope(-1, Part.PREAMBLE, "")]
        self.section = ""
        self.last_target: ExtractedTask | None = None
        self.sole_body = False
        self.handled = False
        self.unread: list[UnreadLine] = []

    @property
    def part(self) -> Part:
        return next(s.part for s in reversed(self.scopes) if s.part is not None)

    @property
    def units(self) -> list[str]:
        return next((s.units for s in reversed(self.scopes) if s.units), [])

    @property
    def heading_time(self) -> Timeframe | None:
        return next((s.when for s in reversed(self.scopes) if s.when), None)

    def ref(self, label: str = "") -> str:
        labels = [s.label for s in self.scopes if s.depth > 0 and s.label]
        last = label or (labels[-1] if labels else "")
        return ".".join(p for p in (self.section, last) if p)

    def after_table(self, table: Table, has_tasks: bool) -> None:
        """A table with the recipients ends the plan; a task table after it opens an appendix."""
        if _signs_off(table):
            self.scopes = [_Scope(-1, Part.END, "")]
        elif self.part is Part.END and has_tasks:
            self.scopes = [_Scope(-1, Part.PREAMBLE, "")]

    def walk(self, paragraphs: Sequence[Paragraph]) -> list[ExtractedTask]:
        entries = outline([p.text for p in paragraphs], [p.line for p in paragraphs])
        tasks: list[ExtractedTask] = []
        for i, entry in enumerate(entries):
            nxt = entries[i + 1] if i + 1 < len(entries) else None
            self.sole_body = (
                entry.mark is Mark.TEXT
                and i > 0
                and entries[i - 1].mark is Mark.NUMBER
                and (nxt is None or nxt.mark in (Mark.NUMBER, Mark.ROMAN))
            )
            tasks.extend(self._checked_step(entry, nxt))
        return tasks

    def _checked_step(self, entry: Entry, nxt: Entry | None) -> list[ExtractedTask]:
        """One step, noting a line that looks like work but went into no task."""
        top, self.handled = self.scopes[-1], False
        found = self._step(entry, nxt)
        placed = found or self.handled or self.scopes[-1] is not top
        if not placed and self.part in _WORK_PARTS and _looks_like_work(entry.text):
            self.unread.append(UnreadLine(entry.line, entry.text))
        return found

    def _step(self, entry: Entry, nxt: Entry | None) -> list[ExtractedTask]:
        folded = fold(entry.text)
        if folded.startswith("noi nhan"):
            self.scopes = [_Scope(-1, Part.END, "")]
            return []
        if self.part is Part.END and is_caps(entry.text) and folded in DOCUMENT_TYPES:
            # A plan attached after the decision that issues it starts over.
            self.scopes = [_Scope(-1, Part.PREAMBLE, "")]
            return []
        if self.part is Part.END or folded.startswith(_CLOSING) or _HANDOVER.match(folded):
            return []
        if entry.mark is Mark.ROMAN or _unnumbered_section(entry):
            self._open_section(entry)
            return []
        if self.part is Part.PREAMBLE and _asks_for_work(entry):
            # A letter with no sections: "… Bộ yêu cầu:" and the numbered duties follow.
            self.scopes = [_Scope(-1, Part.PREAMBLE, ""), _Scope(0, Part.DUTIES, "")]
            return []
        if entry.mark is Mark.TEXT and len(self.scopes) == 2 and self.part is not Part.PURPOSE:
            self._section_window(entry)
        found = read_field(entry.text)
        if found is not None and self.part not in (Part.PURPOSE, Part.PREAMBLE):
            return self._field(entry, found)
        if self._listing() and entry.mark is Mark.ITEM:
            return self._listed(entry)
        if entry.mark is Mark.NUMBER:
            return self._numbered(entry, nxt)
        if self.part is Part.TARGETS:
            return self._target_line(entry)
        if self.part in (Part.DUTIES, Part.ACTIVITIES, Part.PROSE):
            if self.part is not Part.PROSE and _unit_label(entry):
                self._push(_Scope(_ITEM_DEPTH, None, "", units=split_units(entry.text)))
                return []
            if self.part is Part.DUTIES:
                return self._duty_line(entry.text, item=entry.mark is Mark.ITEM)
            return self._content_line(entry)
        return []

    def _listing(self) -> bool:
        return any(s.listing for s in self.scopes)

    @property
    def block_scope(self) -> _Scope | None:
        """The heading whose labelled fields are being read."""
        return next((s for s in reversed(self.scopes) if s.depth > 0 and s.part is None), None)

    def _field(self, entry: Entry, found: Field) -> list[ExtractedTask]:
        """A labelled field ("- Thời gian thực hiện: Năm 2026") of the task block it sits in.

        A numbered field ("3. Thời gian thực hiện: …") sits beside the headings of its
        number, not under them; a heading over rules or subjects holds no block.
        """
        self.handled = True
        if entry.mark is Mark.NUMBER:
            self._push(_Scope(entry.depth, None, entry.label))
        scope = self.block_scope
        if scope is None or self._rules():
            scope = _Scope(_ITEM_DEPTH - 1, None, "")
            self._push(scope)
        created = scope.block is None
        if scope.block is None:
            content = scope.title or (found.value if found.role is Role.CONTENT else "")
            if not content or not (found.value or found.role is Role.CONTENT):
                return []
            scope.block = ExtractedTask(
                self.ref(), content, list(scope.units), [], Timeframe("", TimeKind.CONTINUOUS),
                origin="block",
            )
        _fill(scope.block, found, scope)
        return [scope.block] if created else []

    def _listed(self, entry: Entry) -> list[ExtractedTask]:
        """An item under an empty "Nhiệm vụ:" field: a task of the block's units and time."""
        scope = next(s for s in reversed(self.scopes) if s.listing)
        block = scope.block
        lead = list(block.lead) if block else list(self.units)
        when = scan_timeframe(entry.text) or (block.when if block else None)
        when = when or Timeframe("", TimeKind.CONTINUOUS)
        return [ExtractedTask(self.ref(), _sentence(entry.text), lead, [], when, origin="listed")]

    def _content_line(self, entry: Entry) -> list[ExtractedTask]:
        """A line of a content section: a task when a unit takes it on, or when it is one
        of the plan's own activities."""
        if self.units:
            return self._duty_line(entry.text)
        if self._rules():
            return []
        label, colon, body = entry.text.partition(":")
        if colon and fold(label).startswith(_TIME_LABELS):
            return [self._duty(s, []) for s in _timed_sentences(body)]
        staged = _staged(entry.text)
        if staged is not None:
            named, rest = leading_units(staged[0])
            return [self._staged_duty(staged, named if len(rest.split()) >= 3 else [])]
        if entry.mark is Mark.TEXT and self.part is Part.PROSE and not self.sole_body:
            return []  # running prose: a task only as the whole body of its heading
        for sentence in (entry.text, body if colon else ""):
            named, _ = acting_units(sentence)
            if named:
                return self._acting(entry, _sentence(sentence), named)
        if entry.text.rstrip().endswith(":"):
            return []  # an intro to the items below
        if self.part is Part.ACTIVITIES and entry.mark is Mark.ITEM and not self._rules():
            return [self._duty(entry.text, [])]
        return []

    def _acting(self, entry: Entry, sentence: str, units: list[str]) -> list[ExtractedTask]:
        """A sentence whose units take on work; one that ends on a colon introduces
        items that are theirs too."""
        if entry.text.rstrip().endswith(":"):
            depth = entry.depth + 1 if entry.mark is Mark.NUMBER else _ITEM_DEPTH - 1
            self._push(_Scope(depth, None, "", units=units))
        return [self._duty(sentence, units)]

    def _staged_duty(self, staged: tuple[str, Timeframe], lead: list[str]) -> ExtractedTask:
        content, when = staged
        return ExtractedTask(self.ref(), content, lead, [], when, origin="duty")

    def _rules(self) -> bool:
        """Whether the items are rules, not work ("Quy định về …", "Lưu ý")."""
        return any(fold(s.title).startswith(_RULE_HEADINGS) for s in self.scopes if s.title)

    def _open_section(self, entry: Entry) -> None:
        part = part_of(entry.text) or Part.PROSE
        self.section = entry.label
        self.scopes = [
            _Scope(-1, Part.PREAMBLE, ""),
            _Scope(0, part, "", when=_heading_time(entry)),
        ]
        self.last_target = None

    def _timed_intro(self, entry: Entry) -> None:
        """An intro that dates what it introduces ("Đến hết năm 2030, phấn đấu đạt …:")."""
        scope = self.scopes[-1]
        scope.when = scope.when or _heading_time(entry)

    def _section_window(self, entry: Entry) -> None:
        """A section's opening sentence that gives the window of its work ("… được thực
        hiện trong khoảng từ ngày 04/02/2026 đến ngày 08/02/2026")."""
        found = scan_timeframe(entry.text)
        if found is not None and found.start is not None and found.due is not None:
            self.scopes[-1].when = self.scopes[-1].when or found

    def _push(self, scope: _Scope) -> None:
        while self.scopes[-1].depth >= scope.depth:
            self.scopes.pop()
        self.scopes.append(scope)

    def _numbered(self, entry: Entry, nxt: Entry | None) -> list[ExtractedTask]:
        titled = part_of(entry.text)
        in_targets = self.part is Part.TARGETS and titled is None
        heading = nests_under(entry, nxt, text_counts=not in_targets) or titled is not None
        if self.part is Part.DUTIES and titled is None:
            return self._unit_heading(entry, nxt)
        if heading:
            units = split_units(entry.text) if titled is None and _names_units(entry.text) else []
            self._push(
                _Scope(
                    entry.depth, titled, entry.label, units=units, when=_heading_time(entry),
                    title="" if units else entry.text,
                )
            )
            self.last_target = None
            inline = titled in (None, Part.PROSE) and _inline_body(entry.text)
            if inline and not units and self.part in (Part.ACTIVITIES, Part.PROSE):
                return self._content_line(entry)
            return []
        self._push(_Scope(entry.depth, None, entry.label))
        if self.part is Part.TARGETS:
            return self._target_line(entry)
        if self.part in (Part.ACTIVITIES, Part.PROSE):
            return self._content_line(entry)
        return []

    def _unit_heading(self, entry: Entry, nxt: Entry | None) -> list[ExtractedTask]:
        title = entry.text.strip().rstrip(".:;")
        before, colon, after = title.partition(":")
        grouping = nxt is not None and nxt.mark is Mark.NUMBER and nxt.depth > entry.depth
        if colon and _names_units(before):
            units, duty = split_units(before), _sentence(after)
        else:
            units, rest = leading_units(title)
            ends_heading = grouping or entry.text.rstrip().endswith(":")
            # "Các cơ quan, đơn vị được giao nhiệm vụ" names the doers; it does nothing.
            acts = len(rest.split()) >= 3 and not fold(rest).startswith(_NAMING_CLAUSES)
            duty = entry.text if units and acts and not ends_heading else ""
            if not duty and len(title.split()) <= 14 and (units or starts_unit(title)):
                units = split_units(title)
            if not units and not duty and _names_its_items(entry.text, nxt):
                units = split_units(title) or [_sentence(title)]
        scope_units = units or ([] if duty else self._units_above(entry.depth))
        self._push(_Scope(entry.depth, None, entry.label, units=scope_units))
        if duty:
            return [self._duty(duty, units)]
        if not units and not grouping:
            return self._duty_line(entry.text)
        return []

    def _units_above(self, depth: int) -> list[str]:
        """The units of the headings this one sits under (not of the one before it)."""
        return next((s.units for s in reversed(self.scopes) if s.units and s.depth < depth), [])

    def _duty_line(self, text: str, *, item: bool = False) -> list[ExtractedTask]:
        before, colon, after = text.partition(":")
        if colon and after.strip() and _names_units(before):
            return [self._duty(_sentence(after), split_units(before))]
        named, rest = leading_units(text)
        if named and fold(text).startswith(("yeu cau", "giao", "de nghi")):
            return [self._duty(text, named)]
        if self.units:
            return [self._duty(text, self.units)]
        if named and len(rest.split()) >= 3:
            return [self._duty(text, named)]
        acting, _ = acting_units(text)
        duty = self._duty(text, acting)
        # Under a heading that names no one, a duty keeps an empty lead for review.
        under_heading = item and any(s.depth > 0 for s in self.scopes)
        dated = duty.when.kind is not TimeKind.CONTINUOUS
        return [duty] if acting or dated or under_heading else []

    def _duty(self, content: str, lead: list[str]) -> ExtractedTask:
        when = scan_timeframe(content) or self.heading_time or _case(content)
        return ExtractedTask(self.ref(), content, list(lead), [], when, origin="duty")

    def _target_line(self, entry: Entry) -> list[ExtractedTask]:
        if entry.mark is Mark.TEXT:
            last = self.last_target
            if last is not None and last.origin == "target" and _carries_on(last.content, entry):
                last.content = f"{last.content} {entry.text}"
                return []
            if entry.text.rstrip().endswith(":"):
                self._timed_intro(entry)
                return []
        ref = self.ref(entry.label if entry.mark is Mark.NUMBER else "")
        origin = "target" if entry.mark is not Mark.TEXT else "target-text"
        content, when = _staged(entry.text) or (entry.text, self._target_time(entry.text))
        task = ExtractedTask(ref, content, [], [], when, _target(content), origin)
        self.last_target = task
        return [task]

    def _target_time(self, content: str) -> Timeframe:
        found = scan_timeframe(content)
        if found is not None and found.kind is not TimeKind.CONTINUOUS:
            return found
        if self.heading_time is not None:
            return self.heading_time
        if found is not None:
            return found
        folded = fold(content)
        if folded.startswith(_EVENT_VERBS) and not any(w in folded for w in _ONGOING):
            return Timeframe("", TimeKind.UNSPECIFIED)
        return Timeframe("", TimeKind.CONTINUOUS)


_INLINE_BODY_MIN = 6
_ASKING = re.compile(r"\b(?:yeu cau|de nghi|giao|chi dao)(?: [^ ]+){0,4}:$")


def _asks_for_work(entry: Entry) -> bool:
    """A sentence that hands out what follows: "Bộ … yêu cầu:", "… đề nghị các đơn vị:"."""
    return entry.mark is Mark.TEXT and _ASKING.search(fold(entry.text)) is not None
_CASES = ("doi voi ", "truong hop ", "neu ")
_CASE_END = re.compile(r":|\sthì\s")


def _case(content: str) -> Timeframe:
    """Work for a case the plan names ("Đối với đơn thư …: chuyển …") waits for the case;
    other work with no time of its own is ongoing."""
    end = _CASE_END.search(content)
    if end is None or not fold(content).startswith(_CASES):
        return Timeframe("", TimeKind.CONTINUOUS)
    case = content[: end.start()].strip()
    if leading_units(" ".join(case.split()[2:]))[0]:
        return Timeframe("", TimeKind.CONTINUOUS)  # "Đối với các chi bộ: …" names units
    return Timeframe(case, TimeKind.CONDITIONAL)
_WORK_WORDS = 3
_WORK_PARTS = (Part.TARGETS, Part.DUTIES, Part.ACTIVITIES, Part.PROSE)
_WORK_FIELDS = (Role.CONTENT, Role.LEAD, Role.SUPPORT, Role.TIME)


def _looks_like_work(text: str) -> bool:
    """A line a reader would take for work: a unit at work, a date to meet, a task's field.

    A bare date or number (a list of documents, a page's chrome) is no work."""
    if len(text.split()) < _WORK_WORDS:
        return False
    found = read_field(text)
    if found is not None:
        return found.role in _WORK_FIELDS
    if acting_units(text)[0] or "chu tri" in fold(text):
        return True
    when = scan_timeframe(text)
    return when is not None and (when.due is not None or when.kind is TimeKind.RECURRING)


def _inline_body(text: str) -> bool:
    """A heading that goes on with its own sentence after a colon ("3. Thời gian: …")."""
    _, colon, body = text.partition(":")
    return bool(colon) and len(body.split()) >= _INLINE_BODY_MIN


_NAMING_CLAUSES = ("duoc ", "la ", "thuoc ")
_HEADING_NAME_WORDS = 10
_TOPICS = ("cong tac", "ve ", "nhiem vu", "giai phap", "noi dung", "linh vuc", "hoat dong")


def _names_its_items(text: str, nxt: Entry | None) -> bool:
    """A short heading over dash items in the duties, or one that ends on a colon,
    names who does what follows, even when it is no unit name the reader knows
    ("Tiểu ban giúp việc Ban Chỉ đạo 934"); a topic ("Công tác tuyên truyền") names
    no one."""
    title = text.strip()
    if fold(title).startswith(_TOPICS) or title.endswith(".") or nxt is None:
        return False
    if title.endswith(":"):
        return len(title.split()) <= 3 * _HEADING_NAME_WORDS
    return len(title.split()) <= _HEADING_NAME_WORDS and nxt.mark is Mark.ITEM


def _carries_on(target: str, entry: Entry) -> bool:
    """Running text after a listed target goes on with it, unless the target ended a
    sentence and the text opens one of its own ("Hình thành ít nhất 20 mô hình …")."""
    ended = target.rstrip().endswith((".", ";", "!", "?"))
    return not ended or entry.text[:1].islower()


def _signs_off(table: Table) -> bool:
    """The recipients and signature, laid out as a table."""
    return any(fold(cell).startswith("noi nhan") for row in table.rows for cell in row)


_TIME_LABELS = ("thoi gian", "thoi han")
_SENTENCE_BREAK = re.compile(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])")
_TIMED_SENTENCE_MIN = 6


def _timed_sentences(text: str) -> list[str]:
    """The sentences of a time field that say what happens when ("Tổng kết vào tháng 4");
    a bare time ("Từ nay đến hết năm 2025") is the plan's window, not a task."""
    return [
        s
        for s in _SENTENCE_BREAK.split(text.strip())
        if len(s.split()) >= _TIMED_SENTENCE_MIN and scan_timeframe(s) is not None
    ]


# Headings over what is not work: rules, criteria, and whom or what the plan is about.
_RULE_HEADINGS = (
    "quy dinh",
    "luu y",
    "yeu cau",
    "nguyen tac",
    "tieu chuan",
    "dieu kien",
    "doi tuong",
    "pham vi",
)


def _fill(block: ExtractedTask, found: Field, scope: _Scope) -> None:
    """Put a labelled field's value where it belongs in its task block."""
    if found.role is Role.CONTENT:
        if not found.value:
            scope.listing = True
        elif found.value not in block.content:
            block.content = f"{block.content}. {found.label}: {found.value}"
        block.lead = block.lead or acting_units(found.value)[0]
    elif found.role is Role.LEAD:
        block.lead = _field_units(found.value)
    elif found.role is Role.SUPPORT:
        block.support = _field_units(found.value)
    elif found.role is Role.TIME:
        block.when = parse_timeframe(found.value)
    elif found.role is Role.PRODUCT:
        block.target = block.target or found.value
    elif found.value and found.value not in block.content:
        block.content = f"{block.content} ({found.label}: {found.value})"


def _field_units(value: str) -> list[str]:
    """Units of a field: a list of names, or clauses each opening on the units that act."""
    if _names_units(value.rstrip(" .;")):
        return split_units(value.rstrip(" .;"))
    units: list[str] = []
    for clause in re.split(r"[;.]\s+", value):
        named, _ = leading_units(clause)
        units.extend(u for u in named if u not in units)
    return units or split_units(value.rstrip(" .;"))


def _unnumbered_section(entry: Entry) -> bool:
    """A title in capitals without a number ("TỔ CHỨC THỰC HIỆN" styled as a heading)."""
    return entry.mark is Mark.TEXT and is_caps(entry.text) and part_of(entry.text) is not None


def _unit_label(entry: Entry) -> bool:
    """An unnumbered line naming only units ("a) Các chi bộ:"), heading their duties."""
    text = entry.text.rstrip(" :.")
    short = entry.mark is Mark.ITEM or entry.text.rstrip().endswith(":") or len(text.split()) <= 8
    return entry.mark is not Mark.NUMBER and short and _names_units(text)


def _staged(text: str) -> tuple[str, Timeframe] | None:
    """A stage labelled with its time, "Giai đoạn 1 (Tháng 7 - 8/2026): Khảo sát …"."""
    label, colon, rest = text.partition(":")
    if not colon or not rest.strip() or len(label) > _STAGE_LABEL_MAX:
        return None
    when = parse_timeframe(label)
    if when.kind is not TimeKind.UNSPECIFIED:
        return _sentence(rest), when
    if fold(label).startswith(_PHASES):
        # A phase whose time cannot be read ("Giai đoạn khẩn cấp (0-48 giờ)") is still
        # a stage; its label stays in the content for the office to date it.
        return _sentence(text), when
    return None


_PHASES = ("giai doan", "dot ", "buoc ")


def _sentence(text: str) -> str:
    text = text.strip(" -")
    return text[:1].upper() + text[1:]


def _names_units(text: str) -> bool:
    """True when ``text`` is nothing but a list of units ("Ban Tuyên giáo, Văn phòng")."""
    if len(text.split()) > 16 or not starts_unit(text):
        return False
    units, rest = leading_units(text)
    return bool(units) and not rest.strip(" .,;")


def _heading_time(entry: Entry) -> Timeframe | None:
    title = entry.text.split(":")[0]
    found = parse_timeframe(title)
    if found.kind is TimeKind.ONCE or (found.kind is TimeKind.CONTINUOUS and found.due):
        return found
    return None


def _target(content: str) -> str | None:
    m = _TARGET.search(content)
    return m.group(1).strip(" ,") if m else None
