"""Refused files stay out of the built site, and the pages that linked to them keep only the words.

Which files are refused is ``fazhi.content_files``' verdict (by their bytes). The
build removes them from MkDocs' files, turns a Markdown link or image pointing at one
into its text (so the strict build has no broken link and the reader keeps the
words), and drops it from the article's attachment list.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from mkdocs.structure.files import Files

# [text](target "title") and ![alt](target): local targets only, as fazhi.content checks them.
LINK_RE = re.compile(r"!?\[([^\]]*)\]\((?!https?:|mailto:|#|/)([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def remove_files(files: Files, refused: Mapping[str, str]) -> None:
    """Take every refused file out of the build."""
    for uri in refused:
        if (file := files.get_file_from_path(uri)) is not None:
            files.remove(file)


def unlink(markdown: str, folder: str, refused: Mapping[str, str]) -> str:
    """``markdown`` (of a page in ``folder``) with links and images to refused files replaced by their text."""
    if not refused:
        return markdown

    def replace(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(folder, unquote(match.group(2).split("#", 1)[0])))
        return match.group(1) if target in refused else match.group(0)

    return LINK_RE.sub(replace, markdown)


def kept_attachments(attachments: list[dict[str, Any]], refused: Mapping[str, str]) -> list[dict[str, Any]]:
    """The article's attachment entries (``article_page.context``) without refused files."""
    return [a for a in attachments if unquote(a["url"]) not in refused]
