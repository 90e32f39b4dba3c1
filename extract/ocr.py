"""Text in pictures: Tesseract (Apache 2.0) with its simplified-Chinese model, run as a program.

The image's size is read from its header (Pillow, which decodes nothing yet) and an image over the
pixel cap is skipped before it is decoded. The decoded image goes to ``tesseract`` as a grey PNG on
its standard input; one thread, so a night's OCR shares the machine. Where Tesseract or its ``chi_sim``
model is missing, ``ocr_missing`` says so and images are ``unavailable``.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from extract.result import Limits, Unreadable

LANGUAGES = "chi_sim+eng"


@functools.cache
def ocr_missing() -> str:
    """Why OCR cannot run here, or empty when Tesseract and its chi_sim model are installed."""
    program = shutil.which("tesseract")
    if program is None:
        return "Tesseract is not installed (Debian: tesseract-ocr, tesseract-ocr-chi-sim)"
    try:
        listed = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"Tesseract does not run: {exc}"
    if "chi_sim" not in (listed.stdout + listed.stderr).split():
        return "Tesseract has no simplified-Chinese model (Debian: tesseract-ocr-chi-sim)"
    return ""


def ocr(path: Path, limits: Limits, seconds: float) -> str:
    """The text Tesseract reads in the image at ``path`` within ``seconds``."""
    png = _prepared(path, limits)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(["tesseract", "stdin", "stdout", "-l", LANGUAGES, "--psm", "3"], input=png, capture_output=True,
                              timeout=seconds, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise Unreadable("failed", f"OCR took longer than {seconds:g} s") from None
    except OSError as exc:
        raise Unreadable("failed", f"Tesseract could not run: {exc}") from None
    if done.returncode != 0:
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise Unreadable("failed", f"Tesseract failed: {last[0]}")
    return done.stdout.decode("utf-8", "replace")


def _prepared(path: Path, limits: Limits) -> bytes:
    """The image as a grey PNG for Tesseract, at its own size (enlarging twice measured worse: bench/extract.py); its pixels
    counted from the header first."""
    Image.MAX_IMAGE_PIXELS = None  # our cap below, from the header, decides (and says so in our words)
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > limits.max_pixels:
                raise Unreadable("skipped", f"{width}×{height} pixels, more than the cap of {limits.max_pixels:,}")
            image.seek(0)
            grey = image.convert("L")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise Unreadable("failed", f"a damaged image: {exc}") from None
    out = io.BytesIO()
    grey.save(out, "PNG")
    return out.getvalue()


__all__ = ["LANGUAGES", "ocr", "ocr_missing"]
