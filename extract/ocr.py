"""Text in pictures: Tesseract (Apache 2.0) with its simplified-Chinese model, run as a program.

The image's size is read from its header (Pillow, which decodes nothing yet) and an image over the
pixel cap is skipped before it is decoded. The decoded image goes to ``tesseract`` binarised (grey,
Otsu's threshold, dark text on white whatever the original colours) as a PNG on its standard input,
read as one block of text (``--psm 6``): on coloured, dark and striped backgrounds this measured
0.6 % character errors against 6.1 % for the grey image with automatic layout (bench/RESULTS.md). One
thread, so a night's OCR shares the machine. Where Tesseract or its ``chi_sim``
model is missing, ``ocr_missing`` says so and images are ``unavailable``. Pillow is imported where an image is read
(the reading child, whose server has it loaded: ``run.READER_LIBRARIES``), not by every caller.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from extract.result import Limits, Unreadable

if TYPE_CHECKING:
    from PIL import Image

LANGUAGES = "chi_sim+eng"
# One uniform block of text: automatic page segmentation (3) split or dropped lines on patterned backgrounds.
PAGE_SEGMENTATION = "6"


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
        done = subprocess.run(["tesseract", "stdin", "stdout", "-l", LANGUAGES, "--psm", PAGE_SEGMENTATION], input=png, capture_output=True,
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
    """The image as a black-on-white PNG for Tesseract, at its own size (enlarging twice measured worse: bench/extract.py); its
    pixels counted from the header first."""
    from PIL import Image, UnidentifiedImageError

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
    binarised(grey).save(out, "PNG")
    return out.getvalue()


def binarised(grey: Image.Image) -> Image.Image:
    """``grey`` in black and white at Otsu's threshold, inverted when most of it is dark (light text on a dark ground):
    Tesseract reads dark text on white, and a coloured or striped ground falls to white with the threshold."""
    from PIL import ImageOps

    threshold = otsu_threshold(grey.histogram())
    bw = grey.point(lambda v: 255 if v > threshold else 0)
    return ImageOps.invert(bw) if bw.histogram()[0] * 2 > bw.width * bw.height else bw


def otsu_threshold(histogram: list[int]) -> int:
    """The grey level that best splits ``histogram`` (256 counts) into two classes: the largest between-class variance."""
    total, weighted = sum(histogram), sum(level * count for level, count in enumerate(histogram))
    below = below_sum = 0
    best, threshold = -1.0, 127
    for level, count in enumerate(histogram):
        below += count
        below_sum += level * count
        above = total - below
        if below == 0 or above == 0:
            continue
        spread = below * above * (below_sum / below - (weighted - below_sum) / above) ** 2
        if spread > best:
            best, threshold = spread, level
    return threshold


__all__ = ["LANGUAGES", "binarised", "ocr", "ocr_missing", "otsu_threshold"]
