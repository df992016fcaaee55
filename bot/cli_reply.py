"""``nhacviec reply …``: read secretaries' replies the way the bot does.

``nhacviec reply parse "đạt 80%, vướng kinh phí"`` prints how one reply is read;
``nhacviec reply parse --jsonl < replies.jsonl`` reads one ``{"text": …}`` object per
line and prints one JSON reading per line, in the same order, so a file of replies can
be checked against expected readings. A line that cannot be read prints
``{"error": …}`` in its place and the rest go on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Annotated

import typer

from bot.cli_errors import EXIT_USAGE, fail
from bot.config import get_settings
from bot.i18n import _
from bot.render import N_, help_text
from handlers.replies import read_reply

reply_app = typer.Typer(
    help=help_text(N_("Read replies the way the bot understands them.")),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@reply_app.callback()
def reply_group() -> None:
    """Commands about replies (a group even while it has a single command)."""


@reply_app.command("parse", help=help_text(N_("Show how a reply is understood, as JSON.")))
def parse_command(
    text: Annotated[
        str | None,
        typer.Argument(metavar="TEXT", help=help_text(N_("The reply, as typed."))),
    ] = None,
    jsonl: Annotated[
        bool,
        typer.Option(
            "--jsonl",
            help=help_text(N_('Read one {"text": …} object per line on stdin.')),
        ),
    ] = False,
) -> None:
    """Print the reading of TEXT, or of every JSON line on stdin with ``--jsonl``."""
    if jsonl:
        # Bytes decoded here, whatever the locale: replies are Vietnamese.
        for line in parse_lines(typer.get_text_stream("stdin", encoding="utf-8-sig")):
            typer.echo(line)
        return
    if text is None:
        fail(_("Give the reply to read, or --jsonl to read JSON lines on stdin."), EXIT_USAGE)
    typer.echo(_dumps(read_reply(text, _today()).to_json()))


def parse_lines(lines: Iterable[str], today: date | None = None) -> Iterator[str]:
    """One JSON reading per non-blank line of ``{"text": …}`` objects, errors in place.

    ``today`` (default: the local date) is the day a named weekday counts from.
    """
    today = today or _today()
    for line in lines:
        if line.strip():
            yield _dumps(_parse_line(line, today))


def _today() -> date:
    return datetime.now(get_settings().tz).date()


def _parse_line(line: str, today: date) -> dict[str, object]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return {"error": _("This line is not JSON.")}
    text = record.get("text") if isinstance(record, dict) else None
    if not isinstance(text, str):
        return {"error": _('This line has no "text" string.')}
    return read_reply(text, today).to_json()


def _dumps(record: dict[str, object]) -> str:
    return json.dumps(record, ensure_ascii=False)
