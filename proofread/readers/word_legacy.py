"""Old binary Word (.doc) and WPS (.wps) documents, converted to .docx by LibreOffice when it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..text.extract import InputError, docx_text
from .registry import reader

#: The converter's command names, first found on PATH wins; PROOFREAD_SOFFICE names another.
CONVERTERS = ("soffice", "libreoffice")
CONVERTER_ENV = "PROOFREAD_SOFFICE"
TIMEOUT = 120  # seconds for one document


def converter() -> str | None:
    """The LibreOffice program to convert with, or None."""
    named = os.environ.get(CONVERTER_ENV)
    if named:
        return shutil.which(named)
    return next((found for c in CONVERTERS if (found := shutil.which(c))), None)


@reader(".doc", ".wps")
def legacy_word(data: bytes, name: str) -> str:
    """The text of the converted .docx, read as a .docx is (offsets are into that text)."""
    program = converter()
    if program is None:
        raise InputError(
            name,
            "needs LibreOffice (soffice) to convert it to .docx and none is installed; install it or save as .docx",
        )
    with tempfile.TemporaryDirectory(prefix="proofread-") as folder:
        work = Path(folder)
        source = work / f"document{Path(name).suffix.lower()}"
        source.write_bytes(data)
        # A profile of its own: parallel conversions (scan workers) do not wait on one another's lock.
        command = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore"]
        command += ["--convert-to", "docx", "--outdir", str(work / "out"), str(source)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise InputError(name, f"conversion failed (LibreOffice took more than {TIMEOUT} s)") from None
        except OSError as e:
            raise InputError(name, f"conversion failed (cannot run {program}: {e.strerror or e})") from None
        converted = work / "out" / "document.docx"
        if not converted.is_file():
            said = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
            raise InputError(name, f"conversion failed ({said[-1][:120] if said else f'exit {done.returncode}'})")
        return docx_text(converted.read_bytes(), name)
