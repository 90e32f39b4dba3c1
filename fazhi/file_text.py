"""``FileText``: the text read from one file beside an article, as every layer sees it.

The ``extract`` layer reads files, ``fazhi_app`` keeps what it read, ``search`` indexes it and the
site shows it; this small record is what passes between them, so none has to know the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FileKind = Literal["attachment", "image"]


@dataclass(frozen=True)
class FileText:
    """The text of one file of an article, or of one page of it.

    ``name``: the file's path inside the article folder (``decision.pdf``); ``page``: the page (from 1) of a paged
    document (PDF, OFD), None for the whole file; ``status``: how its reading ended (``ok``, ``empty``, ``skipped``,
    ``failed``, ``unavailable``; ``text`` is empty unless ``ok``); ``machine``: read by a machine (every extraction is;
    a staff transcript is not), which the site says beside the text.
    """

    name: str
    kind: FileKind
    page: int | None
    text: str
    status: str
    machine: bool = True


__all__ = ["FileKind", "FileText"]
