"""The mirror's data directory: one JSON file per site plus ``faults.json``.

``<data>/<site>.json`` holds ``{"site": key, "articles": [...], "gone": {path: answer}}``; an article is
``{id, title, date ("YYYY-MM-DD HH:MM"), office, body (HTML as the CMS stores it),
path (URL path of its page), files [{name, path}], images [path], flags [...], updated}``;
``gone`` lists deleted articles' pages that answer 410 or redirect to the not-found page.
The server reads the files on every request (cached by modification time), so edits
made by another process, or by tests through ``MirrorData``, show up at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import threading
from pathlib import Path
from typing import Any

from fazhi.files import write_json
from scraper.mirror import generator as g
from scraper.mirror.site import Site
from scraper.mirror.sites import SITES, known_site

# "short": a list answer (queryList JSON, dataproxy XML) loses its last record but still announces the full total.
# "trickle": the answer comes one byte at a time, a pause between bytes (a slow source no read timeout catches).
# "empty": list pages list nothing (a redesign the list parser does not know); "redesign": HTML pages become the
# empty shell of a script-rendered site, so the parsers find nothing in them.
FAULT_KINDS = ("500", "503", "429", "404", "timeout", "drop", "412", "challenge", "short", "trickle", "empty", "redesign")
# How a site answers for a deleted article's page: 404, 410 Gone, or a 302 to its not-found page.
GONE_ANSWERS = ("404", "410", "redirect")


HOSTS = tuple(dict.fromkeys(s.host for s in SITES.values()))


def now_stamp() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def article_url_path(site: str, article_id: str, date: str) -> str:
    """The URL path of an article page, in its platform's scheme."""
    return known_site(site).article_path(article_id, dt.datetime.strptime(date[:10], "%Y-%m-%d"))


def _new_id(s: Site, r: random.Random, date: str, taken: set[str]) -> str:
    while True:
        candidate = s.new_id(r, date)
        if candidate not in taken:
            return candidate


def _site_articles(s: Site, seed: int) -> list[dict[str, Any]]:
    """Articles of one site with its platform's quirks (the site's ``dress`` and ``special_cases``)."""
    count, start, end = s.sample
    r = random.Random(f"quirks-{s.key}-{seed}")
    plain = g.make_articles(s.key, count, seed, start, end)
    taken: set[str] = set()
    out = []
    for a in plain:
        i = a["seq"]
        art_id = _new_id(s, r, a["date"], taken)
        taken.add(art_id)
        dressed = s.dress(i, a, art_id, r)
        body = g.body_html(r, [(h, list(ps)) for h, ps in a["sections"]], dressed.style, table=(i % 4 == 2), extra=dressed.extra)
        out.append({
            "id": art_id, "title": a["title"], "date": a["date"], "office": a["office"], "body": body,
            "path": article_url_path(s.key, art_id, a["date"]), "files": dressed.files, "images": [], "flags": [],
            "updated": "2025-08-01T08:00:00+00:00",
        })
    s.special_cases(out, r)
    return out


def generate(data_dir: Path, seed: int = 2020) -> MirrorData:
    """Write a fresh data directory (deterministic for ``seed``) and return it."""
    data = MirrorData(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    for key, s in SITES.items():
        data.save(key, _site_articles(s, seed))
    data.save_faults([])
    return data


class MirrorData:
    """Read and change a mirror data directory: articles per site, and injected faults."""

    def __init__(self, data_dir: Path):
        self.dir = Path(data_dir)
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, Any]] = {}

    def _read(self, name: str, default: Any) -> Any:
        path = self.dir / name
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            return default
        cached = self._cache.get(name)
        if cached and cached[0] == mtime:
            return cached[1]
        value = json.loads(path.read_text("utf-8"))
        self._cache[name] = (mtime, value)
        return value

    def _write(self, name: str, value: Any) -> None:
        path = self.dir / name
        write_json(path, value, indent=1)
        self._cache.pop(name, None)

    # -- articles ----------------------------------------------------------------------------
    def articles(self, site: str) -> list[dict[str, Any]]:
        """A site's articles, newest first."""
        known_site(site)
        return self._read(f"{site}.json", {"articles": []})["articles"]

    def gone(self, site: str) -> dict[str, str]:
        """Paths of deleted articles answered otherwise than 404: path -> ``410`` or ``redirect``."""
        return self._read(f"{site}.json", {}).get("gone", {})

    def save(self, site: str, articles: list[dict[str, Any]], gone: dict[str, str] | None = None) -> None:
        ordered = sorted(articles, key=lambda a: a["date"], reverse=True)
        self._write(f"{site}.json", {"site": site, "articles": ordered, "gone": self.gone(site) if gone is None else gone})

    def article(self, site: str, article_id: str) -> dict[str, Any]:
        for article in self.articles(site):
            if article["id"] == article_id:
                return article
        raise KeyError(f"{site} has no article {article_id!r}")

    def add_article(self, site: str, title: str, body: str, *, date: str | None = None, office: str = "法规与标准处",
                    files: list[dict[str, str]] | None = None, images: list[str] | None = None,
                    flags: list[str] | None = None) -> dict[str, Any]:
        """Publish a new article on a site; returns its record (``id``, ``path`` …)."""
        with self._lock:
            articles = list(self.articles(site))
            date = date or dt.datetime.now().strftime("%Y-%m-%d %H:%M")
            r = random.Random(hashlib.sha1(f"{site}{title}{date}".encode()).hexdigest())
            art_id = _new_id(known_site(site), r, date, {a["id"] for a in articles})
            record = {"id": art_id, "title": title, "date": date, "office": office, "body": body,
                      "path": article_url_path(site, art_id, date), "files": files or [], "images": images or [],
                      "flags": flags or [], "updated": now_stamp()}
            self.save(site, [*articles, record])
            return record

    def edit_article(self, site: str, article_id: str, **changes: Any) -> dict[str, Any]:
        """Change fields of an article (title, body, date, office, files, images, flags); bumps ``updated``."""
        with self._lock:
            articles = [dict(a) for a in self.articles(site)]
            for article in articles:
                if article["id"] == article_id:
                    unknown = set(changes) - {"title", "body", "date", "office", "files", "images", "flags"}
                    if unknown:
                        raise KeyError(f"cannot edit {', '.join(sorted(unknown))}")
                    article.update(changes, updated=now_stamp())
                    self.save(site, articles)
                    return article
        raise KeyError(f"{site} has no article {article_id!r}")

    def delete_article(self, site: str, article_id: str, *, answer: str = "404") -> None:
        """Take an article off the site: its list entry disappears and its page answers ``answer`` (GONE_ANSWERS)."""
        if answer not in GONE_ANSWERS:
            raise ValueError(f"unknown answer {answer!r} (answers: {', '.join(GONE_ANSWERS)})")
        with self._lock:
            articles = self.articles(site)
            deleted = [a for a in articles if a["id"] == article_id]
            if not deleted:
                raise KeyError(f"{site} has no article {article_id!r}")
            gone = dict(self.gone(site))
            if answer != "404":
                gone[deleted[0]["path"]] = answer
            self.save(site, [a for a in articles if a["id"] != article_id], gone)

    # -- faults ------------------------------------------------------------------------------
    def faults(self) -> list[dict[str, Any]]:
        return self._read("faults.json", [])

    def save_faults(self, faults: list[dict[str, Any]]) -> None:
        self._write("faults.json", faults)

    def inject_fault(self, site: str, kind: str, *, times: int | None = None, match: str | None = None) -> None:
        """Make a site misbehave: ``kind`` in FAULT_KINDS, for the next ``times`` matching requests
        (None: until cleared), only for paths containing ``match`` when given."""
        known_site(site)
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r} (kinds: {', '.join(FAULT_KINDS)})")
        with self._lock:
            self.save_faults([*self.faults(), {"site": site, "kind": kind, "times": times, "match": match}])

    def clear_faults(self, site: str | None = None) -> None:
        with self._lock:
            self.save_faults([f for f in self.faults() if site is not None and f["site"] != site])

    def take_fault(self, site: str, path: str) -> str | None:
        """The fault to apply to a request, consuming one use of a counted fault."""
        with self._lock:
            faults = [dict(f) for f in self.faults()]
            for fault in faults:
                if fault["site"] == site and (not fault.get("match") or fault["match"] in path):
                    if fault["times"] is not None:
                        fault["times"] -= 1
                        self.save_faults([f for f in faults if f["times"] is None or f["times"] > 0])
                    return str(fault["kind"])
        return None
