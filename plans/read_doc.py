"""Old binary Word files (.doc), converted to .docx by LibreOffice when it is installed.

LibreOffice is not a dependency of the project: on a machine without it a .doc
is refused with ``doc_needs_conversion``, whose message asks the user to save
the file as .docx in Word. The conversion runs headless in a temporary folder
with its own LibreOffice profile (so it neither waits for nor disturbs a
LibreOffice the user has open) and a time limit.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from plans.read_base import PlanReadError

CONVERTERS: tuple[str, ...] = ("soffice", "libreoffice")
"""Names of the LibreOffice command, looked up on ``PATH`` in this order."""

CONVERSION_TIMEOUT_SECONDS: float = 120.0
"""Longest a conversion may take before the file is refused."""


def find_converter() -> str | None:
    """The path of the LibreOffice command, or ``None`` when none is installed."""
    for name in CONVERTERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def convert_doc_to_docx(data: bytes, *, timeout: float = CONVERSION_TIMEOUT_SECONDS) -> bytes:
    """The .docx bytes of the Word 97-2003 document ``data``.

    Raises :class:`PlanReadError` ``doc_needs_conversion`` with ``reason``
    ``no_converter`` (LibreOffice is not installed), ``timeout`` or ``failed``.
    """
    converter = find_converter()
    if converter is None:
        raise PlanReadError("doc_needs_conversion", {"reason": "no_converter"})
    with tempfile.TemporaryDirectory(prefix="nhacviec-doc-") as folder:
        work = Path(folder)
        source = work / "plan.doc"
        source.write_bytes(data)
        command = [
            converter,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        _run(command, work, timeout)
        converted = work / "out" / "plan.docx"
        if not converted.is_file() or converted.stat().st_size == 0:
            raise PlanReadError("doc_needs_conversion", {"reason": "failed"})
        return converted.read_bytes()


def _run(command: list[str], work: Path, timeout: float) -> None:
    """Run the converter; on timeout end it and every process it started."""
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "HOME": str(work)},
            start_new_session=True,
        )
    except OSError as error:
        raise PlanReadError(
            "doc_needs_conversion", {"reason": "failed", "error": type(error).__name__}
        ) from error
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        # soffice is a launcher: its own children live in the session it leads.
        with contextlib.suppress(ProcessLookupError):
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
        process.wait()
        raise PlanReadError("doc_needs_conversion", {"reason": "timeout"}) from None
