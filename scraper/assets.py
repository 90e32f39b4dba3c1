"""Images and attachments of an article, downloaded next to its file and linked locally.

``localize`` walks a draft's body: each ``<img>`` and attachment link pointing to the
web is fetched (or copied from the article's previous folder when it moved) and
stored by ``store_asset``, the one place an asset's bytes are checked and written: it is
stored only as the type its bytes show (``fazhi.filetypes``), under that type's extension.
An asset that cannot be had stays a link to the original and is noted in the report, once
per run and naming its article. A permanent refusal (robots.txt, 404/410, a type that may
not be stored: ``AssetRefused``, an internal address: ``InternalAddress``) still lets the
article count as archived; a link to an internal address is not kept, only its text; its asset is asked
for again only when the article is next due. A passing failure (timeout, 5xx) leaves the
article incomplete, to be tried again next run.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fazhi.article import Attachment
from fazhi.errors import Blocked, Disallowed, FetchError, FileRefused, InternalAddress, NotFound
from fazhi.files import write_atomic
from scraper import clean
from scraper.addresses import host_of
from scraper.asset_files import judged_name, stored_name
from scraper.http import Fetch, Page, TimeUp
from scraper.platforms.base import Draft

SAFE_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")
EXT_RE = re.compile(r"^\.[a-z0-9]{1,5}$")


class AssetRefused(Exception):
    """An asset that may not be stored, for good: an HTML page where an image was expected, a type or address refused."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason = url, reason


@dataclass(frozen=True)
class Localized:
    """A body pointing at local copies, its attachments, the local file names, whether every asset was had
    or refused for good (``complete``), and the refused ones (URL -> reason)."""

    body_html: str
    attachments: tuple[Attachment, ...]
    files: tuple[str, ...]
    complete: bool
    refused: dict[str, str]


def store_asset(url: str, page: Page, folder: Path, name: str, *, image: bool) -> str:
    """Judge a downloaded asset by its bytes and write it into ``folder``; returns the name it is stored under.

    Raises AssetRefused when it may not be stored (an active or unknown type, SVG, markup posing as text), and
    IsADirectoryError when a folder is where it belongs (the article is not written).
    """
    try:
        name = judged_name(name, page.content, image)
    except FileRefused as exc:
        raise AssetRefused(url, exc.reason) from None
    target = folder / name
    if target.is_dir():  # what is archived stays; the article fails, named, until the folder is gone
        raise IsADirectoryError(f"{'/'.join(target.parts[-4:])}: a folder where this {'image' if image else 'attachment'} belongs; "
                                "remove or rename the folder")
    if not (target.is_file() and target.read_bytes() == page.content):
        write_atomic(target, page.content)
    return name


class Localizer:
    """Downloads the assets of one source's articles through its fetch; ``note`` collects report lines."""

    def __init__(self, fetch: Fetch, note: Callable[[str], None]):
        self.fetch = fetch
        self.note = note
        self._noted: set[str] = set()
        self._refused: dict[str, str] = {}  # asset URLs refused for good this run: not asked again
        self._internal: set[str] = set()  # asset URLs on internal addresses: no link to them is kept

    def _once(self, url: str, folder: Path, line: str) -> None:
        """Report an asset once per run, naming the article (its folder in the content tree) it was met in."""
        if url not in self._noted:
            self._noted.add(url)
            self.note(f"{'/'.join(folder.parts[-3:])}: {line}")

    def localize(self, draft: Draft, folder: Path, old_folder: Path | None) -> Localized:
        """Download images and attachments next to the article and point the body at the local copies."""
        doc = clean.soup(f"<div>{draft.body_html}</div>").div
        assert doc is not None
        names: dict[str, str] = {}
        files: dict[str, Attachment] = {}
        refused: dict[str, str] = {}
        missing = 0
        for img in doc.find_all("img"):
            src = str(img.get("src") or "")
            name = self._asset(src, folder, old_folder, names, refused, image=True) if src.startswith(("http://", "https://")) else None
            if name:
                img["src"] = name
            elif src.startswith(("http://", "https://")):
                missing += src not in refused
                link = doc.new_tag("a", href=src) if src not in self._internal else doc.new_tag("span")
                link.string = clean.text(str(img.get("alt") or "")) or "图片"
                img.replace_with(link)
            else:
                img.decompose()
        for link in doc.find_all("a", href=True):
            href = str(link["href"])
            if href.startswith(("http://", "https://")) and clean.is_attachment(href):
                name = self._asset(href, folder, old_folder, names, refused, image=False)
                missing += name is None and href not in refused
                if href in self._internal:
                    link.unwrap()
                if name:
                    link["href"] = name
                    title = clean.text(link.get_text()) or clean.attachment_title(clean.attachment_name(href))
                    files.setdefault(href, Attachment(title, name, href))
        for title, url in draft.attachments:
            if url not in files:
                name = self._asset(url, folder, old_folder, names, refused, image=False)
                missing += name is None and url not in refused
                if name:
                    files[url] = Attachment(title or name, name, url)
        body = "".join(str(c) for c in doc.children)
        return Localized(body, tuple(files.values()), tuple(sorted(set(names.values()))), complete=not missing, refused=refused)

    def _asset(self, url: str, folder: Path, old_folder: Path | None, names: dict[str, str], refused: dict[str, str],
               image: bool) -> str | None:
        """Local file name of a downloaded asset, or None when it cannot be had (noted in the report; ``refused`` when for good)."""
        if url in names:
            return names[url]
        if url in self._refused:
            refused[url] = self._refused[url]
            return None
        name = stored_name(folder, safe_name(url, image, set(names.values())))
        if not (folder / name).is_file():
            previous = stored_name(old_folder, name) if old_folder is not None else name
            if old_folder is not None and (old_folder / previous).is_file():
                name = previous
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copy2(old_folder / name, folder / name)
            else:
                try:
                    name = store_asset(url, self.fetch(url, kind="asset"), folder, name, image=image)
                except (Blocked, TimeUp):
                    raise  # the source stops: its article is not written without the asset
                except InternalAddress as exc:
                    refused[url] = self._refused[url] = exc.reason
                    if host_of(exc.url) == host_of(url):  # the link itself, not a redirect from a public page
                        self._internal.add(url)
                    self._once(url, folder, f"asset not archived: {exc}")
                    return None
                except AssetRefused as exc:
                    refused[url] = self._refused[url] = exc.reason
                    self._once(url, folder, f"file refused, linked to the original: {exc}")
                    return None
                except (NotFound, Disallowed) as exc:
                    refused[url] = self._refused[url] = getattr(exc, "reason", str(exc))
                    self._once(url, folder, f"asset not archived, linked to the original (asked again when the article is due): {exc}")
                    return None
                except FetchError as exc:
                    self._once(url, folder, f"asset not archived, linked to the original: {exc}")
                    return None
        names[url] = name
        return name


def safe_name(url: str, image: bool, taken: set[str]) -> str:
    """An ASCII file name for an asset, stable for its URL and unique within the article folder."""
    original = clean.attachment_name(url)
    stem, dot, ext = original.rpartition(".")
    ext = f".{ext.lower()}" if dot and EXT_RE.match(f".{ext.lower()}") else (".jpg" if image else ".bin")
    stem = SAFE_NAME_RE.sub("-", stem if dot else original).strip("-._")[:60]
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()
    if not stem or stem.lower() in ("index", "download", "downfile", "getfile") or not re.search(r"[A-Za-z0-9]{3,}", stem):
        stem = f"{'image' if image else 'file'}-{digest[:10]}"
    name = f"{stem}{ext}"
    if name in taken or name == "index.md":
        name = f"{stem}-{digest[:6]}{ext}"
    return name
