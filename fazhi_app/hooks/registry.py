"""Every kind of generated page, in one tuple: a new kind is a module plus a line here.

A generator is a function ``pages(archive) -> Iterable[PageSpec]`` (see
``fazhi_app.hooks.pages``). It gets the whole ``Archive`` (articles and
``archive.settings``), runs once per build, and must not write files itself.
"""

from __future__ import annotations

from fazhi_app.hooks import file_texts, home, law_pages, listings, sitemap, status, year_archives
from fazhi_app.hooks.pages import Generator

GENERATORS: tuple[Generator, ...] = (
    home.pages,
    listings.pages,
    year_archives.pages,
    law_pages.pages,
    status.pages,  # the 运行状态 page from the latest nightly run report (fazhi_app/hooks/status.py)
    sitemap.pages,  # the 网站地图 page, linked from every footer
    file_texts.pages,  # the text version of each image and attachment with text (fazhi_app/hooks/file_texts.py)
)
