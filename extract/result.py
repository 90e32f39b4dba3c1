"""What reading one file gave: the ``Extraction`` every caller (cache, index, pages) keeps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fazhi.config import ExtractSettings

# ok: text found; empty: read, but no text in it (a scan without a text layer, a picture without words);
# skipped: not read, by a cap or a rule (too large, encrypted, OCR off, a type without a reader);
# failed: broken or hostile (malformed, truncated, too slow, too much memory); unavailable: the reader is not installed.
Status = Literal["ok", "empty", "skipped", "failed", "unavailable"]
Limits = ExtractSettings  # the ``extract:`` settings group is the caps: one declaration, its defaults documented there


@dataclass(frozen=True)
class Extraction:
    """The text of one file, or why there is none.

    ``pages``: the text of each page (page N is ``pages[N - 1]``) for paged formats (PDF, OFD), else empty;
    ``text`` is always the whole. ``extractor`` and ``version`` name the reader, so a cache keyed on the
    file's hash and the version reads a file again only when its reader changed. ``seconds``: wall-clock time.
    """

    status: Status
    reason: str = ""
    text: str = ""
    pages: tuple[str, ...] = ()
    extractor: str = ""
    version: int = 0
    seconds: float = 0.0


class Unreadable(Exception):
    """A reader's verdict on a file it cannot give text for: ``status`` (skipped or failed) and why."""

    def __init__(self, status: Status, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


__all__ = ["Extraction", "Limits", "Status", "Unreadable"]
