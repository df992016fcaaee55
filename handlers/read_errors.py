"""Messages for plan files that cannot be read, shared by the chat and the command line."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from plans.model import UnreadLine
from plans.text import clip


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated where it is used."""
    return message


READ_MESSAGES: dict[str, str] = {
    "empty": N_("The file {name} is empty: there is nothing to read."),
    "too_large": N_(
        "The file {name} is too large ({size} MB). Plans up to {limit} MB are accepted."
    ),
    "binary": N_(
        "The file {name} is not text: it looks like a binary file. "
        "Save the plan as .docx or .txt and try again."
    ),
    "not_docx": N_(
        "The file {name} is not a valid Word (.docx) file{detected}. "
        "Open it in Word and save it as .docx (Word Document)."
    ),
    "corrupt_docx": N_(
        "The file {name} is damaged and cannot be opened as a Word (.docx) file. "
        "Open it in Word and save it again as a new file."
    ),
    "undecodable": N_(
        "Cannot tell the character encoding of {name}. "
        "Save the file as UTF-8 text and import it again."
    ),
    "unsupported_type": N_(
        "Files of type {suffix} are not supported ({name}). "
        "Use a .docx, .doc, .pdf, .htm, .txt or .md file."
    ),
    "scanned_pdf": N_(
        "The file {name} is a scanned PDF: its pages are pictures, with no text to read. "
        "Send the plan as a Word (.docx) file, or as a PDF saved from Word."
    ),
    "corrupt_pdf": N_(
        "The file {name} is damaged or protected by a password and cannot be read as a PDF. "
        "Send the plan as a Word (.docx) file, or save the PDF again without a password."
    ),
    "doc_needs_conversion": N_(
        "The file {name} is an old Word 97-2003 (.doc) file, which cannot be read here. "
        "Open it in Word, choose Save As (Lưu thành), pick the type Word Document (.docx), "
        "then send the .docx file."
    ),
    "not_found": N_("The file {path} does not exist."),
}

DETECTED_KINDS: dict[str, str] = {
    "doc": N_("an old Word 97-2003 (.doc) file"),
    "pdf": N_("a PDF file"),
    "png": N_("a PNG picture"),
    "jpeg": N_("a JPEG picture"),
    "gif": N_("a GIF picture"),
    "rtf": N_("an RTF file"),
    "xlsx": N_("an Excel workbook"),
    "pptx": N_("a PowerPoint presentation"),
    "odt": N_("an OpenDocument text"),
}


UNREAD_HEADING = N_("Lines that look like work but went into no task ({count}):")
UNREAD_MORE = N_("… not shown: {count}")
UNREAD_SHOWN = 10
UNREAD_WIDTH = 100


def unread_lines(gettext: Callable[[str], str], unread: Sequence[UnreadLine]) -> list[str]:
    """The lines of a plan the import could not place, with their line numbers, for review."""
    if not unread:
        return []
    lines = [gettext(UNREAD_HEADING).format(count=len(unread))]
    lines += [f"  {u.line}: {clip(u.text, UNREAD_WIDTH)}" for u in unread[:UNREAD_SHOWN]]
    if len(unread) > UNREAD_SHOWN:
        lines.append(gettext(UNREAD_MORE).format(count=len(unread) - UNREAD_SHOWN))
    return lines
