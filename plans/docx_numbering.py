"""Word's automatic list numbers, written into the paragraphs' text.

Word keeps "1.", "a)", "II." or "-" of an automatic list outside the text: a
paragraph only points at a list definition (``w:numPr``). Plans rely on those
marks for their outline, so before reading a .docx we compute each numbered
paragraph's label the way Word shows it and put it in front of the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

# python-docx elements are lxml elements, which carry no type information.
_Element = Any

_VAL = qn("w:val")


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str
    start: int


@dataclass
class _List:
    levels: dict[int, _Level]
    counters: dict[int, int] = field(default_factory=dict)


def number_paragraphs(
    document_element: _Element, numbering_element: _Element | None, styles_element: _Element | None
) -> None:
    """Prefix every list paragraph under ``document_element`` with its label.

    A paragraph is in a list through its own ``w:numPr`` or through its style's
    (the "List Number" and "List Bullet" styles).
    """
    if numbering_element is None:
        return
    lists = _read_lists(numbering_element)
    by_style = _style_references(styles_element)
    for paragraph in document_element.iter(qn("w:p")):
        reference = _reference(paragraph.find(qn("w:pPr")), by_style)
        if reference is None or reference[0] not in lists:
            continue
        label = _next_label(lists[reference[0]], reference[1])
        if label:
            _prepend_text(paragraph, label + " ")


def _read_lists(numbering: _Element) -> dict[str, _List]:
    abstract = {
        node.get(qn("w:abstractNumId")): _levels(node)
        for node in numbering.findall(qn("w:abstractNum"))
    }
    lists: dict[str, _List] = {}
    for num in numbering.findall(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        levels = abstract.get(None if ref is None else ref.get(_VAL))
        if levels is not None:
            lists[str(num.get(qn("w:numId")))] = _List(dict(levels))
    return lists


def _levels(abstract: _Element) -> dict[int, _Level]:
    levels: dict[int, _Level] = {}
    for lvl in abstract.findall(qn("w:lvl")):
        levels[int(lvl.get(qn("w:ilvl"), "0"))] = _Level(
            fmt=_child_val(lvl, "w:numFmt", "decimal"),
            text=_child_val(lvl, "w:lvlText", "%1."),
            start=int(_child_val(lvl, "w:start", "1") or 1),
        )
    return levels


def _child_val(element: _Element, name: str, default: str) -> str:
    child = element.find(qn(name))
    return default if child is None else str(child.get(_VAL, default))


def _style_references(styles: _Element | None) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    for style in [] if styles is None else styles.findall(qn("w:style")):
        reference = _reference(style.find(qn("w:pPr")), {})
        if reference is not None:
            found[str(style.get(qn("w:styleId")))] = reference
    return found


def _reference(
    ppr: _Element | None, by_style: dict[str, tuple[str, int]]
) -> tuple[str, int] | None:
    if ppr is None:
        return None
    numpr = ppr.find(qn("w:numPr"))
    if numpr is None:
        style = ppr.find(qn("w:pStyle"))
        return None if style is None else by_style.get(str(style.get(_VAL)))
    num_id = _child_val(numpr, "w:numId", "0")
    level = int(_child_val(numpr, "w:ilvl", "0") or 0)
    return (num_id, level) if num_id != "0" else None


def _next_label(numbered: _List, level: int) -> str:
    spec = numbered.levels.get(level)
    if spec is None:
        return ""
    counters = numbered.counters
    counters[level] = counters.get(level, spec.start - 1) + 1
    for deeper in [k for k in counters if k > level]:
        del counters[deeper]
    if spec.fmt == "bullet":
        return "-"
    label = spec.text
    for k in range(level, -1, -1):
        shown = numbered.levels.get(k)
        value = counters.get(k, shown.start if shown else 1)
        number = format_list_number(value, shown.fmt if shown else "decimal")
        label = label.replace(f"%{k + 1}", number)
    return label.strip()


def format_list_number(value: int, fmt: str) -> str:
    """``value`` written in a Word list format (``decimal``, ``upperRoman``, ``lowerLetter``...)."""
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("a") + (value - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for amount, numeral in numerals:
        while value >= amount:
            out += numeral
            value -= amount
    return out


def _prepend_text(paragraph: _Element, text: str) -> None:
    run = OxmlElement("w:r")
    node = OxmlElement("w:t")
    node.text = text
    node.set(qn("xml:space"), "preserve")
    run.append(node)
    ppr = paragraph.find(qn("w:pPr"))
    paragraph.insert(0 if ppr is None else list(paragraph).index(ppr) + 1, run)
