"""Plain text and CSV: decoded by their detected charset (``charset-normalizer``; GB 18030 and UTF-8 are the usual)."""

from __future__ import annotations

from pathlib import Path

import charset_normalizer

from extract.result import Limits, Unreadable

MB = 1024 * 1024


def plain(path: Path, limits: Limits) -> str:
    data = path.read_bytes()
    if len(data) > limits.max_unpacked_mb * MB:
        raise Unreadable("skipped", f"{len(data) // MB} MB of text, more than the cap of {limits.max_unpacked_mb} MB")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise Unreadable("failed", "not text in any known encoding")
    return str(best)


__all__ = ["plain"]
