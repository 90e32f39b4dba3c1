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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fazhi.files import write_json
from scraper.mirror import generator as g

# "short": a list answer (queryList JSON, dataproxy XML) loses its last record but still announces the full total.
# "trickle": the answer comes one byte at a time, a pause between bytes (a slow source no read timeout catches).
# "empty": list pages list nothing (a redesign the list parser does not know); "redesign": HTML pages become the
# empty shell of a script-rendered site, so the parsers find nothing in them.
FAULT_KINDS = ("500", "503", "429", "404", "timeout", "drop", "412", "challenge", "short", "trickle", "empty", "redesign")
# How a site answers for a deleted article's page: 404, 410 Gone, or a 302 to its not-found page.
GONE_ANSWERS = ("404", "410", "redirect")


@dataclass(frozen=True)
class Site:
    """One emulated upstream site: its key, platform, real host and the source name fazhi.yml gives it."""

    key: str
    platform: str
    host: str
    source: str


SITES: dict[str, Site] = {
    s.key: s
    for s in (
        Site("ucap", "ucap", "sthjt.jiangxi.gov.cn", "sthjt-ucap"),
        Site("hanweb", "hanweb", "sthjt.jiangxi.gov.cn", "sthjt-hanweb"),
        Site("trs", "trs", "www.mee.gov.cn", "mee-zcjd"),
        Site("generic", "generic", "pufa.example.org", "example-generic"),
    )
}
HOSTS = tuple(dict.fromkeys(s.host for s in SITES.values()))
# The column/unit ids the mirror answers for: the same as the real sites (and fazhi.yml).
UCAP_SITE_CODE, UCAP_COLUMN, UCAP_UNIT = "jxssthjt", "col42150", "380055"
HANWEB_COLUMN, HANWEB_UNIT, HANWEB_WEBID = "42150", "380055", "2"


def now_stamp() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def article_url_path(site: str, article_id: str, date: str) -> str:
    """The URL path of an article page, in its platform's scheme."""
    when = dt.datetime.strptime(date[:10], "%Y-%m-%d")
    if site == "ucap":
        return f"/jxssthjt/col/{UCAP_COLUMN}/content/content_{article_id}.html"
    if site == "hanweb":
        return f"/art/{when.year}/{when.month}/{when.day}/art_{HANWEB_COLUMN}_{article_id}.html"
    if site == "trs":
        return f"/zcwj/zcjd/{when:%Y%m}/t{when:%Y%m%d}_{article_id}.shtml"
    return f"/pfxc/art/{when.year}/{article_id}.html"


def _digits(r: random.Random, n: int) -> str:
    return "".join(r.choice("0123456789") for _ in range(n))


def _token(r: random.Random, n: int = 8) -> str:
    return "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789") for _ in range(n))


def _new_id(site: str, r: random.Random, date: str, taken: set[str]) -> str:
    while True:
        if site == "ucap":
            candidate = str(r.randrange(1_772_000_000_000_000_000, 1_960_000_000_000_000_000))
        elif site == "hanweb":
            candidate = str(r.randrange(2_700_000, 5_100_000))
        elif site == "trs":
            candidate = str(r.randrange(1_000_000, 1_099_999))
        else:
            candidate = f"{date[5:7]}{date[8:10]}-{r.randrange(10, 99)}"
        if candidate not in taken:
            return candidate


def _site_articles(site: str, seed: int) -> list[dict[str, Any]]:
    """Articles of one site with its platform's quirks."""
    spec = {
        "ucap": (36, dt.datetime(2022, 12, 1), dt.datetime(2025, 7, 30)),
        "hanweb": (40, dt.datetime(2016, 1, 4), dt.datetime(2024, 11, 28)),
        "trs": (28, dt.datetime(2019, 1, 7), dt.datetime(2025, 6, 27)),
        "generic": (14, dt.datetime(2018, 1, 8), dt.datetime(2024, 6, 28)),
    }[site]
    r = random.Random(f"quirks-{site}-{seed}")
    plain = g.make_articles(site, spec[0], seed, spec[1], spec[2])
    taken: set[str] = set()
    out = []
    for a in plain:
        i = a["seq"]
        art_id = _new_id(site, r, a["date"], taken)
        taken.add(art_id)
        day = a["date"][:10].replace("-", "")
        style, files, images, flags, extra = "plain", [], [], [], ""
        if site == "ucap":
            style = "word" if i % 2 == 0 else "plain"
            if i % 5 == 0:
                files.append({"name": f"关于印发{a['title'][:12]}的通知{_digits(r, 13)}.pdf",
                              "path": f"/doc/ucap/1749973237782081536/document/{day}/{_token(r)}.pdf"})
            if i % 7 == 3:
                files.append({"name": f"附件1 统计表{_digits(r, 13)}.xls",
                              "path": f"/doc/ucap/1749973237782081536/document/{day}/{_token(r)}.xls"})
                files.append({"name": "附件2 申请表.doc", "path": f"/jxssthjt/col42150/{art_id}/{_token(r)}.doc"})
        elif site == "hanweb":
            style = "word" if i % 3 == 0 else "nbsp"
            if i % 5 == 0:
                href = f"/module/download/downfile.jsp?classid=0&amp;filename={_token(r, 12)}.doc"
                extra += f'<p>附件：<a href="{href}">{html_text(a["title"][:10])}登记表.doc</a></p>'
            if i % 6 == 1:
                extra += f'<p><a href="http://sthjt.jiangxi.gov.cn/picture/0/{_digits(r, 14)}.xls">附件：统计表.xls</a></p>'
            if i % 9 == 4:
                extra += f'<p class="insertfileTag"><a href="/picture/-1/{_token(r, 16)}.pdf">附件：相关文件.pdf</a></p>'
            if i % 4 == 3:
                extra = f'<p style="text-align:center"><img src="/picture/0/{_digits(r, 14)}.png" alt="现场图片"></p>' + extra
        elif site == "trs":
            style = "fullwidth"
            if i % 4 == 1:
                extra += f'<p style="text-align:center"><img src="./W0{day}{_digits(r, 12)}.png" /></p>'
            if i % 5 == 3:
                extra += f'<p>附件：<a href="./P0{day}{_digits(r, 12)}.pdf">{html_text(a["title"][:12])}.pdf</a></p>'
        else:
            style = "ensp"
            if i % 3 == 0:
                extra += f'<p>附件：<a href="files/{art_id}.xls">统计报表.xls</a></p>'
            if i % 4 == 1:
                extra += f'<p><a href="http://pufa.example.org/uploads/{a["date"][:4]}/{_token(r, 10)}.pdf">附件：政策原文.pdf</a></p>'
        body = g.body_html(r, [(h, list(ps)) for h, ps in a["sections"]], style, table=(i % 4 == 2), extra=extra)
        out.append({
            "id": art_id, "title": a["title"], "date": a["date"], "office": a["office"], "body": body,
            "path": article_url_path(site, art_id, a["date"]), "files": files, "images": images, "flags": flags,
            "updated": "2025-08-01T08:00:00+00:00",
        })
    _special_cases(site, out, r)
    return out


def html_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _special_cases(site: str, articles: list[dict[str, Any]], r: random.Random) -> None:
    """The one-off quirks: image-only items, duplicates, XSS, encodings, layouts, robots."""
    a = articles
    if site == "ucap":
        a[1]["title"] = "一图读懂《" + a[1]["title"].split("《")[-1].split("》")[0] + "》"
        a[1]["body"] = ""
        a[1]["images"] = [f"/jxssthjt/col42150/{a[1]['id']}/{_token(r)}.png"]
        a[3]["title"] = a[4]["title"] = "一图读懂《云溪市入河排污口监督管理办法》"
        a[4]["date"] = a[3]["date"]
        a[3]["body"] = a[4]["body"] = f'<p><img src="/jxssthjt/col42150/{a[3]["id"]}/{_token(r)}.png" alt="一图读懂"></p>'
        a[2]["flags"].append("repeated")
        a[5]["body"] += g.XSS_PAYLOAD
        a[5]["flags"].append("xss")
        a[6]["flags"].append("no_json_content")
        a[6]["body"] += f'<p><img src="col42150/{a[6]["id"]}/rel{_token(r, 4)}.png" alt="示意图"></p>'
        a[7]["title"] = " " + a[7]["title"] + "\u3000"
        a[7]["flags"].append("show_title_p")
        a[10]["flags"].append("pinned_only")
    elif site == "hanweb":
        a[3]["flags"].append("repeated")
        a[7]["body"] += g.XSS_PAYLOAD
        a[7]["flags"].append("xss")
        a[11]["body"] += '<p><img src="/picture/0/missing-photo.png" alt="已失效的图片"></p>'
        for i in range(1, len(a), 4):
            a[i]["flags"].append("lowercase_pubdate")
        a[13]["flags"].append("marked_body")
    elif site == "trs":
        a[1]["flags"].append("repeated")
        a[2]["title"] = "一图读懂《" + a[2]["title"].split("《")[-1].split("》")[0] + "》"
        day = a[2]["date"][:10].replace("-", "")
        a[2]["body"] = f'<p style="text-align:center"><img src="./W0{day}{_digits(r, 12)}.png" alt="一图读懂" /></p>'
        a[4]["flags"].append("malformed")
        a[6]["body"] += g.XSS_PAYLOAD
        a[6]["flags"].append("xss")
    else:
        a[1]["flags"].append("gbk")
        a[1]["body"] = a[1]["body"].replace("</p>", "镕溪镇、堃山村的群众代表参加了座谈。</p>", 1)
        a[3]["flags"].append("gbk_undeclared")
        a[2]["flags"].append("repeated")
        a[5]["flags"].append("fallback_layout")
        a[9]["body"] += g.XSS_PAYLOAD
        a[9]["flags"].append("xss")
        a[11]["flags"].append("disallowed")
        a[11]["path"] = f"/pfxc/private/{a[11]['date'][:4]}/{a[11]['id']}.html"


def generate(data_dir: Path, seed: int = 2020) -> MirrorData:
    """Write a fresh data directory (deterministic for ``seed``) and return it."""
    data = MirrorData(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    for key in SITES:
        data.save(key, _site_articles(key, seed))
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
        if site not in SITES:
            raise KeyError(f"unknown mirror site {site!r} (sites: {', '.join(SITES)})")
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
            art_id = _new_id(site, r, date, {a["id"] for a in articles})
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
        if site not in SITES:
            raise KeyError(f"unknown mirror site {site!r}")
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
