"""One article, one copy: a new URL whose article is already archived under another URL joins it.

Two URLs hold the same article when the normalised title and the day agree and the bodies
are nearly identical (other sources, other columns, the next site generation). The bodies are
compared in a form localisation does not change (``Copy``): a new page's draft still links
to the web where the archived file links to local copies, shows a refused image as its alt
text or 「图片」 and an attachment as a link line, so images, placeholders and attachment
lines are left out. A short body says too little on its own: its images and attachments
must agree as well (``same_article``). The second
URL is recorded as ``merged`` into the first (``canonical``), the article file lists it
under ``origin_urls`` and nothing is archived anew. A source configured with ``replaces:
<older source>`` takes over the older source's articles on first sight by title and day
alone, and its URL becomes the one the article is archived under.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from fazhi.article import parse_article
from fazhi.config import Source
from fazhi.errors import ArticleInvalid, Blocked, FetchError
from fazhi.files import write_atomic
from scraper import clean
from scraper.assets import EXT_RE, safe_name
from scraper.compose import match_key
from scraper.html2md import to_markdown
from scraper.http import Fetch
from scraper.platforms.base import Draft, ListEntry
from scraper.store import Item, Store
from scraper.walk import entry_record, list_sig

NEAR_IDENTICAL = 0.9


class Claims:
    """One lock per normalised title and day: two sources meeting the same new article at once take turns,
    so the second finds the first's copy instead of archiving its own."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    @contextmanager
    def claim(self, key: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            yield


# Below this many characters of words a body alone does not tell two articles apart: their images and attachments must agree too.
SHORT_TEXT = 60
# What a refused image without alt text becomes in the archived body (``scraper.assets``).
IMAGE_PLACEHOLDER = "图片"
MD_IMAGE_RE = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\([^)]*\)")
MD_LINK_RE = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\(([^)]*)\)")
MD_TARGET_RE = re.compile(r"\]\(([^)]*)\)")
# The name ``safe_name`` makes from a URL's hash: it says nothing once the article's assets are linked elsewhere.
HASHED_NAME_RE = re.compile(r"^(?:image|file)-[0-9a-f]{10}$")


@dataclass(frozen=True)
class Copy:
    """One copy of an article in a form that localisation does not change: its ``words`` (markup, punctuation, images,
    image placeholders and attachment lines left out), how many images and attachments it has (``assets``), the names
    they are stored under when those carry meaning, and the hashes of their bytes where the bytes are at hand."""

    words: str
    assets: int
    names: frozenset[str]
    hashes: frozenset[str] = frozenset()


def words(markdown: str, assets: set[str]) -> str:
    """The words of a body: images go, and so do links to the article's own files (``assets``: original URLs or local
    names), to attachments and image placeholders; other links keep their text."""

    def link(match: re.Match[str]) -> str:
        text, target = match.group(1), match.group(2).strip()
        if ":" not in target or target in assets or clean.is_attachment(target) or text == IMAGE_PLACEHOLDER:
            return ""
        return text

    body = MD_LINK_RE.sub(link, MD_IMAGE_RE.sub("", markdown))
    return "".join(ch for ch in body if ch.isalnum())


def asset_name(url: str, image: bool) -> str | None:
    """The name the asset of ``url`` is stored under (``scraper.assets.safe_name``), or None when it is made from the URL's hash."""
    name = PurePosixPath(safe_name(url, image, set()))
    return None if HASHED_NAME_RE.match(name.stem) else name.stem


def stored_stem(name: str) -> str:
    """A stored file's name as ``safe_name`` made it: ``judged_name`` may have added the type its bytes showed."""
    stem = PurePosixPath(name).stem
    head, dash, ext = stem.rpartition("-")
    return head if dash and EXT_RE.match(f".{ext}") and ext.islower() and head else stem


def draft_assets(draft: Draft) -> dict[str, bool]:
    """The images and attachments of a draft as ``scraper.assets`` will localise them: URL -> whether it is an image."""
    doc = clean.soup(f"<div>{draft.body_html}</div>")
    found = {str(img.get("src") or ""): True for img in doc.find_all("img")}
    found.update((str(link["href"]), False) for link in doc.find_all("a", href=True) if clean.is_attachment(str(link["href"])))
    found.update((url, False) for _title, url in draft.attachments)
    return {url: image for url, image in found.items() if url.startswith(("http://", "https://"))}


def same_article(new: Copy, old: Copy, new_hashes: Callable[[], frozenset[str]]) -> bool:
    """Whether two copies with the same title and day are one article.

    Long bodies decide by their words (``NEAR_IDENTICAL``). Short ones must have the same words and, when both have
    images or attachments, share one of them by name or by bytes (``new_hashes`` downloads the new copy's, asked
    only then); two bodies without words are one article only by a shared image or attachment.
    """
    if len(new.words) >= SHORT_TEXT and len(old.words) >= SHORT_TEXT:
        matcher = difflib.SequenceMatcher(None, new.words, old.words, autojunk=False)
        return matcher.quick_ratio() >= NEAR_IDENTICAL and matcher.ratio() >= NEAR_IDENTICAL
    if new.words != old.words:
        return False
    if new.words and not (new.assets and old.assets):
        return True
    return bool(new.names & old.names) or bool(old.hashes and new.assets and new_hashes() & old.hashes)


@dataclass
class Duplicates:
    """Finds and joins second copies for one source; ``fetch`` downloads a new copy's images and attachments when only
    their bytes can tell a short article from another."""

    content: Path
    source: Source
    store: Store
    fetch: Fetch

    def join(self, entry: ListEntry, draft: Draft) -> Item | None:
        """The archived article ``entry`` is another URL of, now joined; None when it is a new article."""
        found = draft_assets(draft)
        new = Copy(words(to_markdown(draft.body_html), set(found)), len(found),
                   frozenset(n for url, image in found.items() if (n := asset_name(url, image))))
        hashes: list[frozenset[str]] = []

        def new_hashes() -> frozenset[str]:
            if not hashes:
                hashes.append(self._hashes(found))
            return hashes[0]

        for item in self.store.same_article(match_key(draft.title, draft.date)):
            if item.url == entry.url or not item.path:
                continue
            migration = bool(self.source.replaces) and item.source == self.source.replaces
            text = self._text(item)
            if text is None:
                continue
            if not migration and not same_article(new, self._archived(item, text), new_hashes):
                continue
            self._record(entry, draft, item)
            if migration:
                self.store.promote(entry.url, item.url)
            self._front_matter(item, entry.url if migration else None)
            return item
        return None

    def _archived(self, item: Item, text: str) -> Copy:
        """The archived copy: its body localised, its files next to it, its refused assets still linked to the web."""
        rel = PurePosixPath(item.path or "")
        article = parse_article(text, rel)
        refused = set(item.extra.get("refused") or ())
        remote = refused | {a.url for a in article.attachments if a.url}
        local = {m.group(1).strip() for m in MD_TARGET_RE.finditer(article.body) if "://" not in m.group(1) and ":" not in m.group(1)}
        files = {*local, *item.extra.get("assets", ()), *(a.file for a in article.attachments)}
        folder = (self.content / rel).parent
        names = {stored_stem(f) for f in files} | {n for url in refused if (n := asset_name(url, not clean.is_attachment(url)))}
        hashes = {hashlib.sha256((folder / f).read_bytes()).hexdigest() for f in files if (folder / f).is_file()}
        return Copy(words(article.body, remote), len(files | refused), frozenset(n for n in names if not HASHED_NAME_RE.match(n)),
                    frozenset(hashes))

    def _hashes(self, found: dict[str, bool]) -> frozenset[str]:
        """The hashes of a new copy's images and attachments that can be downloaded now."""
        hashes = set()
        for url in found:
            try:
                hashes.add(hashlib.sha256(self.fetch(url, kind="asset").content).hexdigest())
            except Blocked:
                raise
            except FetchError:
                continue
        return frozenset(hashes)

    def _text(self, item: Item) -> str | None:
        path = self.content / (item.path or "")
        return path.read_text("utf-8") if path.is_file() else None

    def _record(self, entry: ListEntry, draft: Draft, item: Item) -> None:
        self.store.record(
            url=entry.url, source=self.source.name, ids=dict(entry.ids), title=draft.title,
            published=draft.date.isoformat(timespec="minutes"), content_hash=item.content_hash, path=item.path, status="merged",
            extra={}, entry=entry_record(entry), list_sig=list_sig(entry), canonical=item.url, match_key=None,
        )

    def _front_matter(self, item: Item, new_origin: str | None) -> None:
        """List every URL of the article in its file (``origin_url`` first, the others in ``origin_urls``).

        Only the front matter of a scraped file changes; its body, staff-edited or not, stays as it is.
        """
        text = self._text(item)
        rel = PurePosixPath(item.path or "")
        try:
            article = parse_article(text or "", rel)
        except ArticleInvalid:
            return
        if text is None or article.origin != "scraped":
            return
        canonical = new_origin or article.origin_url
        urls = [article.origin_url or "", *article.origin_urls, *(a.url for a in self.store.aliases(canonical or ""))]
        others = tuple(dict.fromkeys(u for u in urls if u and u != canonical))
        updated = replace(article, origin_url=canonical, origin_urls=others)
        if updated != article:
            write_atomic(self.content / rel, updated.to_markdown())
