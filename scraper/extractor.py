"""``extractor_version``: a hash of the code and libraries that turn a page into an article file.

Only what extracts counts (platforms, clean-up, decoding, HTML to Markdown, assets,
composing the article, the article model), so editing how a run is reported or
orchestrated never re-extracts the archive.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import inspect
from pathlib import Path

from fazhi import article
from scraper import assets, clean, compose, html2md, http, platforms

# Libraries whose change changes what an article file looks like.
EXTRACTION_LIBRARIES = ("beautifulsoup4", "lxml", "soupsieve", "markdownify", "nh3", "charset-normalizer", "PyYAML", "pypinyin")


def extraction_files() -> list[Path]:
    """The source files of the extracting code."""
    modules = [Path(inspect.getfile(m)) for m in (article, assets, clean, compose, html2md, http)]
    return sorted([*modules, *Path(inspect.getfile(platforms)).parent.glob("*.py")])


@functools.cache
def extractor_version() -> str:
    """Part of every extraction key: a parser fix or a library upgrade re-extracts every article once, as a first run would."""
    digest = hashlib.sha256()
    for path in extraction_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for library in EXTRACTION_LIBRARIES:
        try:
            digest.update(f"{library}=={importlib.metadata.version(library)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{library} missing".encode())
    return digest.hexdigest()
