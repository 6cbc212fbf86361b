"""PDF through LibreOffice headless, where it is installed (`make test` installs it)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CONVERT_TIMEOUT_SECONDS = 120


class ConversionError(RuntimeError):
    pass


def libreoffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(data: bytes, suffix: str) -> bytes:
    """The PDF of a .docx or .xlsx file (its bytes); ConversionError when it cannot be made."""
    program = libreoffice()
    if program is None:
        raise ConversionError("LibreOffice is not installed")
    with tempfile.TemporaryDirectory(prefix="tracker-pdf-") as tmp:
        work = Path(tmp)
        source = work / f"document{suffix}"
        source.write_bytes(data)
        # A profile of its own: two conversions at once must not share (and lock) one.
        profile = (work / "profile").as_uri()
        try:
            subprocess.run(
                [program, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", str(work), str(source)],
                check=True, capture_output=True, timeout=CONVERT_TIMEOUT_SECONDS,
            )
        except (subprocess.SubprocessError, OSError) as error:
            raise ConversionError(str(error)) from error
        result = work / "document.pdf"
        if not result.exists():
            raise ConversionError("LibreOffice wrote no PDF")
        return result.read_bytes()
