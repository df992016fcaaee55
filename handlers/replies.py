"""Understanding the short replies secretaries send back to a reminder.

A reply is read into a :class:`ReplyReading`: what the person means (done, progress,
a problem, "remind me later", or something else), how far along the work is, the
problem in their own words, and how many days to wait before reminding again::

    >>> read_reply("60%, vướng kinh phí").to_json()
    {'intent': 'progress', 'percent': 60, 'problem': 'vướng kinh phí', 'snooze_days': None}

Every rule works on canonical text (:mod:`handlers.reply_text`): folded, shorthand
expanded, number words as digits, so "dat 75 phan tram" and "đạt bảy lăm phần trăm"
read alike. The cue tables live in :mod:`handlers.reply_rules`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from handlers import reply_rules as rules
from handlers.reply_text import Canon, Clause, canonical, clause_at, clauses


class Intent(StrEnum):
    """What a reply means for the task it answers."""

    DONE = "done"
    PROGRESS = "progress"
    PROBLEM = "problem"
    SNOOZE = "snooze"
    OTHER = "other"


@dataclass(frozen=True)
class ReplyReading:
    """A reply as understood: intent, percent done, the problem as written, delay in days."""

    intent: Intent
    percent: int | None
    problem: str | None
    snooze_days: int | None

    def to_json(self) -> dict[str, object]:
        """The reading as a JSON-ready mapping."""
        return {
            "intent": self.intent.value,
            "percent": self.percent,
            "problem": self.problem,
            "snooze_days": self.snooze_days,
        }


@dataclass(frozen=True)
class _Reply:
    """A reply in canonical form, split into clauses."""

    canon: Canon
    parts: list[Clause]

    @property
    def text(self) -> str:
        return self.canon.text

    def before(self, position: int) -> str:
        """Canonical text from the start of the clause holding ``position`` up to it."""
        clause = clause_at(self.parts, position)
        start = clause.start if clause is not None else 0
        return self.text[start:position]

    def clause_text(self, clause: Clause) -> str:
        return self.text[clause.start : clause.end]


def read_reply(text: str, today: date | None = None) -> ReplyReading:
    """Read one reply: intent, percent (0–100), the problem as written, snooze days.

    ``today`` (the reader's local date) lets "để thứ 2 em báo cáo" count the days
    to next Monday; without it a named weekday is not read as a delay.
    """
    canon = canonical(text)
    reply = _Reply(canon, clauses(canon))
    percent = _read_percent(reply)
    problem = _read_problem(reply)
    snooze_days = _read_snooze(reply.text, today)
    said_done, partly = _said_done(reply, rules.STRONG_DONE)
    weakly_done, partly_weakly = _said_done(reply, rules.WEAK_DONE)
    in_progress = partly or partly_weakly or rules.PROGRESS.search(reply.text) is not None
    overachieved = rules.OVERACHIEVED.search(reply.text) is not None
    # "Đã triển khai" counts as done only when nothing says the work goes on.
    done = said_done or overachieved or (weakly_done and not in_progress)
    if (percent is None and done) or (percent is not None and percent >= 100):
        return ReplyReading(Intent.DONE, 100, problem, None)
    if percent is not None and percent > 0:
        return ReplyReading(Intent.PROGRESS, percent, problem, None)
    if problem is not None:
        return ReplyReading(Intent.PROBLEM, percent, problem, None)
    if snooze_days is not None:
        return ReplyReading(Intent.SNOOZE, percent, None, snooze_days)
    if percent is not None or in_progress:
        return ReplyReading(Intent.PROGRESS, percent, None, None)
    return ReplyReading(Intent.OTHER, None, None, None)


# ---------------------------------------------------------------- percent


def _read_percent(reply: _Reply) -> int | None:
    """How far along the reply says the work is, from the most explicit statement."""
    readers: Sequence[Callable[[_Reply], int | None]] = (
        _explicit_percent,
        _fraction,
        _half,
        _bare_number,
        _not_started,
    )
    for reader in readers:
        value = reader(reply)
        if value is not None:
            return value
    return None


def _is_result(before: str) -> bool:
    """Whether a number after ``before`` (its clause so far) reports progress made."""
    return not (rules.NOT_PROGRESS_BEFORE.search(before) or rules.TARGET.search(before))


def _explicit_percent(reply: _Reply) -> int | None:
    for match in rules.PERCENT.finditer(reply.text):
        before = reply.before(match.start())
        if not _is_result(before):
            continue
        value = _rounded(float(match.group(1).replace(",", ".")))
        after = reply.text[match.end() :]
        if rules.REMAINING_BEFORE.search(before) and rules.REMAINING_AFTER.match(after):
            value = 100 - value
        return min(max(value, 0), 100)
    return None


def _fraction(reply: _Reply) -> int | None:
    found = sorted(
        (match.start(), int(match.group(1)), int(match.group(2)))
        for pattern in rules.FRACTIONS
        for match in pattern.finditer(reply.text)
    )
    for start, done, planned in found:
        before = reply.before(start)
        if not 0 <= done <= planned or planned == 0 or _looks_like_year(planned):
            continue
        if rules.DATE_BEFORE.search(before) or not _is_result(before):
            continue
        return _rounded(100 * done / planned)
    return None


def _looks_like_year(number: int) -> bool:
    return 1900 <= number <= 2100


def _half(reply: _Reply) -> int | None:
    for clause in reply.parts:
        text = reply.clause_text(clause)
        match = rules.HALF.search(text)
        if match and not _has_negation(text[: match.start()]):
            return 50
    return None


def _has_negation(text: str) -> bool:
    return any(word in ("khong", "chua", "chang") for word in text.split())


def _bare_number(reply: _Reply) -> int | None:
    for clause in reply.parts:
        text = reply.clause_text(clause)
        stripped = rules.TRAILING_PARTICLES.sub("", text)
        match = rules.BARE_NUMBER.search(stripped)
        if match and int(match.group(1)) <= 100 and _is_result(stripped[: match.start(1)]):
            return int(match.group(1))
    return None


def _not_started(reply: _Reply) -> int | None:
    if any(rules.NOT_STARTED.match(reply.clause_text(clause)) for clause in reply.parts):
        return 0
    return None


def _rounded(value: float) -> int:
    """Round half up, as people do: 12.5% is 13%."""
    return int(value + 0.5)


def _said_done(reply: _Reply, pattern: re.Pattern[str]) -> tuple[bool, bool]:
    """Whether ``pattern`` says the work is done, and whether it says part of it is."""
    partly = False
    for match in pattern.finditer(reply.text):
        before = reply.before(match.start())
        if rules.DONE_BLOCKED_BEFORE.search(before) or rules.TARGET.search(before):
            continue
        if rules.DONE_PARTLY_AFTER.match(reply.text[match.end() :]):
            partly = True
            continue
        return True, partly
    return False, partly


# ---------------------------------------------------------------- problem


@dataclass(frozen=True)
class _ClauseProblem:
    """Where the problem starts in a clause (None: no problem), and whether the
    clause ends on a negated problem word that the next listed one shares."""

    start: int | None
    negation_open: bool


def _read_problem(reply: _Reply) -> str | None:
    """The problem the reply raises, as the person wrote it, or None."""
    found: list[tuple[int, int]] = []  # (clause index, offset of the problem in it)
    negation_open = False
    after_label = False
    for index, clause in enumerate(reply.parts):
        text = reply.clause_text(clause)
        if after_label:
            after_label = False
            if not rules.NEGATION_ONLY.match(text):
                found.append((index, 0))
            continue
        if _is_label(text) and clause.separator.startswith(":"):
            after_label = True
            continue
        reading = _clause_problem(text, negation_open)
        negation_open = reading.negation_open and clause.separator == ","
        if reading.start is not None:
            found.append((index, reading.start))
    return _problem_text(reply, found) if found else None


def _is_label(text: str) -> bool:
    match = rules.LABEL.match(text)
    return match is not None and match.end() == len(text)


def _clause_problem(text: str, negation_open: bool) -> _ClauseProblem:
    hits = sorted(
        (match.start(), match.end(), cue.negatable)
        for cue in rules.PROBLEM_CUES
        for match in cue.pattern.finditer(text)
    )
    negated_until = 0 if negation_open else -1
    first: int | None = None
    for start, end, negatable in hits:
        if negatable and _negated(text, start, end, negated_until):
            negated_until = max(negated_until, end)
            continue
        if start >= negated_until and (first is None or start < first):
            first = start
    return _ClauseProblem(first, negated_until >= len(text.rstrip()))


def _negated(text: str, start: int, end: int, negated_until: int) -> bool:
    if rules.NEGATION_BEFORE.search(text[:start]) or rules.NEGATION_AFTER.match(text[end:]):
        return True
    # "không có khó khăn, vướng mắc": one negation for the whole list.
    return 0 <= negated_until <= start and bool(rules.LIST_JOIN.match(text[negated_until:start]))


def _problem_text(reply: _Reply, found: Sequence[tuple[int, int]]) -> str:
    pieces: list[str] = []
    group_start: tuple[int, int] | None = None
    previous = -2
    for index, offset in [*found, (-1, 0)]:
        # A line or a ";" ends a problem: the next one is listed apart.
        apart = previous >= 0 and reply.parts[previous].separator[:1] in ("\n", ";")
        if index != previous + 1 or index == -1 or apart:
            if group_start is not None:
                pieces.append(_group_text(reply, group_start, previous))
            group_start = (index, offset)
        previous = index
    return "; ".join(piece for piece in pieces if piece)


def _group_text(reply: _Reply, first: tuple[int, int], last_index: int) -> str:
    index, offset = first
    clause = reply.parts[index]
    lead_in = rules.LEAD_IN.search(reply.clause_text(clause)[:offset])
    start = clause.start + (lead_in.start() if lead_in else offset)
    last = reply.parts[last_index]
    tail = rules.TRAILING_PARTICLES.search(reply.clause_text(last))
    end = last.start + tail.start() if tail else last.end
    return reply.canon.source(start, end)


# ---------------------------------------------------------------- snooze


def _read_snooze(text: str, today: date | None) -> int | None:
    """Days to wait before reminding again, if the reply asks for a delay."""
    weekday = rules.WEEKDAY.search(text) if today is not None else None
    if today is not None and weekday is not None and rules.WEEKDAY_DELAY.search(text):
        return _days_to(today, rules.weekday_of(weekday), next_week=bool(weekday.group("next")))
    future = rules.FUTURE_TIME.search(text)
    if future:
        count, unit = future.group(1, 2) if future.group(1) else future.group(3, 4)
        return max(int(count) * rules.unit_days(unit), 1)
    for pattern, days in rules.NAMED_TIME:
        if pattern.search(text):
            return days
    asks = rules.REMIND_AGAIN.search(text) is not None
    for counted in rules.COUNTED_TIME.finditer(text):
        if asks or rules.DELAY_VERBS.search(text[: counted.start()]):
            return max(int(counted.group(1)) * rules.unit_days(counted.group(2)), 1)
    return rules.DEFAULT_SNOOZE_DAYS if asks else None


def _days_to(today: date, weekday: int, *, next_week: bool) -> int:
    """Days from ``today`` to the coming ``weekday`` (to the one of next week if asked)."""
    days = (weekday - today.weekday()) % 7
    if next_week and weekday > today.weekday():
        days += 7
    return days or 7
