"""Asset file names that follow what a file is, not what its URL says (``fazhi.filetypes``).

A downloaded image or attachment is stored under the name the URL suggests
(``scraper.run.safe_name``) only when its bytes are of a type with that extension.
Otherwise the extension is the type's, and the URL's extension stays in the stem
(``photo.jpg`` holding a PNG becomes ``photo-jpg.png``) so a later run finds the file
again without downloading it.
"""

from __future__ import annotations

import glob
from pathlib import Path, PurePosixPath

from fazhi.filetypes import accepted_extension, refusal


def judged_name(name: str, data: bytes, image: bool) -> str:
    """The name to store ``data`` under; raises FileRefused when it may not be stored at all."""
    path = PurePosixPath(name)
    ext = accepted_extension(data, image=image, suggested=path.suffix)
    if ext == path.suffix.lower():
        return name
    return f"{path.stem}-{path.suffix.lstrip('.').lower() or 'none'}{ext}"


def stored_name(folder: Path, name: str) -> str:
    """The name an earlier run stored the asset of ``name`` under, else ``name``.

    A file stored before its bytes were judged, and refused now, is deleted, so the
    asset is downloaded and judged again instead of being published.
    """
    path = PurePosixPath(name)
    renamed = sorted(folder.glob(f"{glob.escape(path.stem)}-{glob.escape(path.suffix.lstrip('.').lower() or 'none')}.*"))
    for candidate in [folder / name, *renamed]:
        if candidate.is_file():
            if refusal(candidate) is None:
                return candidate.name
            candidate.unlink()
    return name
