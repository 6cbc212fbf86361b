"""PDF through LibreOffice headless, where it is installed (`make test` installs it)."""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

CONVERT_TIMEOUT_SECONDS = 120
# LibreOffice builds a user profile on first start (seconds); a few kept profiles, each used by
# one conversion at a time (a lock file), spare that on every later conversion.
PROFILE_SLOTS = 4
PROFILES = Path(tempfile.gettempdir()) / "tracker-libreoffice-profiles"


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
        try:
            with _profile(work) as profile:
                subprocess.run(
                    [program, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                     "--norestore", "--convert-to", "pdf", "--outdir", str(work), str(source)],
                    check=True, capture_output=True, timeout=CONVERT_TIMEOUT_SECONDS,
                )
        except (subprocess.SubprocessError, OSError) as error:
            raise ConversionError(str(error)) from error
        result = work / "document.pdf"
        if not result.exists():
            raise ConversionError("LibreOffice wrote no PDF")
        return result.read_bytes()


@contextlib.contextmanager
def _profile(scratch: Path) -> Iterator[Path]:
    """A LibreOffice profile no other conversion uses meanwhile: a free kept one, or a new
    one in `scratch` when all are busy (two conversions must not share, and lock, one)."""
    try:
        PROFILES.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        yield scratch / "profile"
        return
    for slot in range(PROFILE_SLOTS):
        with open(PROFILES / f"{slot}.lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue
            try:
                yield PROFILES / str(slot)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
            return
    yield scratch / "profile"
