"""The soak: many simulated nights of the real ``fazhi nightly`` against the sample mirror, checked after each.

    python bench/soak.py --nights 60 --seed 7 [--workdir DIR] [--keep] [--record] [--share FAULT=SHARE ...]

Everything runs on copies in a scratch folder (the content tree from ``docs/`` made a git
repository, ``mkdocs.yml`` and ``overrides/``, a generated mirror, state and releases), so
nothing tracked is modified. Every night, at random:

- upstream, on every platform: new articles (each carrying a unique phrase), edits
  (a paragraph with a phrase appended) and deletions (404, 410 or a redirect to a
  not-found page); now and then a defacement: most of a source's bodies replaced by a
  maintenance notice, or a sensitive expression (the config's ``sensitive_words``) put
  into one article. Later nights undo a defacement upstream or reject it with
  ``fazhi review --reject``; and now and then a UCAP article's attachments replaced by a
  revised file (a DOCX, XLSX or PDF at a new address) carrying a unique phrase, which a
  search, and a search in the text read from files (``in=files``), must find;
- staff: new articles, edits of scraped ones, now and then an invalid file (fixed or
  deleted on a later night);
- now and then a template (``overrides/``) or ``mkdocs.yml`` change;
- the law library (a copy of the sample library): an article's text edited, a new law
  added, an added law removed, each carrying a unique phrase that its law page and a
  search (as a document of kind laws) must show once a night completes;
- the faults an operator meets over a year (``FAULT_SHARES``), each repaired on a later
  night when it is something staff would fix (``REPAIR_SHARE`` a night): in the content
  tree a file or folder of mode 000, a folder where a linked image or ``index.md``
  belongs, a file name that is not UTF-8; a damaged state store; a damaged extraction
  cache (after which every file phrase found so far must be found again); guard baseline files
  gone (all, or one source's, half the time with a defacement of that source the same
  night); a dangling ``releases/current``; a slow source and an emptied list upstream;
  a content repository that cannot commit; and, on a night with nothing else, a
  ``fazhi rollback``;
- in about one night in six the run is killed with SIGKILL at a random moment.

The time limits are short (``LIMITS``, ``RUN_LIMIT``): a trickling source is cut off and ``unfinished``
within a minute, while ``fetch.timeout`` stays above the trickle's 2 s gap.

What the soak does not expect, as the product does not promise it: a failed snapshot is looked
for only on a night that left changes to commit, and only in the report (the snapshot follows the
build, so the next release's status page names it); the warnings are looked for on the status page
only when the night published (an unchanged night keeps the published release's status page); a
repair made by a killed run went with its report, so only a link still dangling is due next; a
rollback comes only after a finished night (what a killed night left pending lands, and publishes);
a night after a rollback to a newer release may publish a new status page (see ``check_rollback``).

``fazhi nightly`` runs as a subprocess; ``fazhi serve`` serves the releases over HTTP the
whole time. Run as root, every ``fazhi`` command runs without the capabilities that pass
over file modes, so a mode-000 file stops it as it stops a service user. The invariants
checked after every night are those of ``check_*`` below; the table lists each night's
changes, faults and repairs, kill point, outcome and failures. Exit 1 on any failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml
from whoosh import index as whoosh_index

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.results import machine, write_section  # noqa: E402
from fazhi.article import Article  # noqa: E402
from fazhi.config import load_settings  # noqa: E402
from fazhi.content import load_tree  # noqa: E402
from fazhi.file_text import FileText  # noqa: E402
from fazhi_app.extraction import file_texts  # noqa: E402
from scraper.mirror import SITES, Mirror, filed, samples  # noqa: E402
from scraper.mirror.data import GONE_ANSWERS  # noqa: E402
from scraper.mirror.render import site_of  # noqa: E402
from search.documents import citations, fingerprint  # noqa: E402
from search.indexer import current_generation  # noqa: E402
from search.law_documents import LawDocument, library_documents  # noqa: E402

FAZHI = str(Path(sys.executable).with_name("fazhi"))
ARTICLES_PER_SITE = 8
DEFACED = "本网站正在维护升级，暂停访问"
SENSITIVE = "蓄意抹黑测试语"
KILL_SHARE = 1 / 6
RUN_TIMEOUT = 600
TEMP_RE = re.compile(r"(\.tmp$|^\.partial-|\.new-|\.old-|^view-)")
SOURCE_OF = {"ucap": "sthjt-ucap", "hanweb": "sthjt-hanweb", "trs": "mee-zcjd", "generic": "example-generic"}
# As root, fazhi runs without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: a mode-000 file then stops it as it stops a service user.
AS_SERVICE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []

# The faults: the share of nights each one starts on (from night 2), and the share of nights a staff repair comes.
TREE_FAULTS = ("chmod-file", "chmod-folder", "folder-for-image", "index-folder", "odd-name")
FAULT_SHARES = {"tree": 0.3, "store": 0.08, "extract": 0.07, "baseline": 0.08, "dangling": 0.07, "slow": 0.07, "emptied": 0.07,
                "snapshot": 0.08}
# The share of nights a UCAP article (the mirror's one platform with attachments) gets a revised attachment.
ATTACHMENT_SHARE = 0.15
# The revised attachment's types, each made with the phrase as a line of its text.
ATTACHMENTS = {".docx": samples.docx, ".xlsx": lambda line: samples.xlsx([[line]]), ".pdf": lambda line: samples.text_pdf([[line]])}
ROLLBACK_SHARE = 0.07
REPAIR_SHARE = 0.5
DEFACE_WITH_BASELINE = 0.5
ODD_NAME = "附件说明.txt".encode("gbk")  # a name from a Windows zip: not UTF-8
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif")
# The mirror's fault kinds for a slow source (a byte every 2 s) and an emptied list (list pages list nothing).
TRICKLE, EMPTY_LIST = "trickle", "empty"
# The time limits, short enough that a trickling source is cut off within a minute; `timeout` (between reads) stays above
# the trickle's gap, so a slow source is stopped by the limits, not by an ordinary timeout.
LIMITS = {"timeout": 5, "request_limit": 8, "source_limit": 45}
RUN_LIMIT = 480
# The words a repair's `warning:` line must contain, per fault (any one of them).
REPAIR_WARNINGS = {"store": ("state store repaired",), "extract": ("extraction cache",), "baseline": ("guard-baseline",),
                   "dangling": ("/current",)}
# A source cut off by the time limits is reported with this status; an emptied list fails its source.
SLOW_STATUS, EMPTIED_STATUS = "unfinished", "failed"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Night:
    """One row of the table."""

    number: int
    changes: list[str] = field(default_factory=list)
    kill: str = "-"
    outcome: str = ""
    failures: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)  # faults made and repaired before the night


@dataclass
class TreeFault:
    """A fault put into one article's folder, and what its repair needs."""

    kind: str  # one of TREE_FAULTS
    folder: str  # the article's folder, relative to the content tree
    url: str | None  # its origin URL when scraped
    target: Path  # the file or folder the fault is in
    mode: int = 0  # the mode before a chmod
    saved: bytes = b""  # the file a folder took the place of

    @property
    def leaves_article_out(self) -> bool:
        """An odd name is one more file in the folder: it is left out, the article stays."""
        return self.kind != "odd-name"


@dataclass
class World:
    """What the soak did and therefore expects."""

    phrases: dict[str, str] = field(default_factory=dict)  # phrase -> what carries it (origin URL or staff path), not yet found
    file_phrases: dict[str, str] = field(default_factory=dict)  # phrase -> origin URL of the article whose attachment carries it
    deleted: set[str] = field(default_factory=set)  # origin URLs deleted upstream
    # url -> (site, id, original body, original images)
    defaced: dict[str, tuple[str, str, str, list[str]]] = field(default_factory=dict)
    rejected: set[str] = field(default_factory=set)  # defaced URLs rejected in review
    staff_edits: dict[str, str] = field(default_factory=dict)  # content path -> token the staff added
    staff_new: dict[str, str] = field(default_factory=dict)  # content path -> token
    invalid: set[str] = field(default_factory=set)  # content paths of invalid staff files now in the tree
    archived: set[str] = field(default_factory=set)  # origin URLs archived after a completed night
    published: set[str] = field(default_factory=set)  # every release seen as current
    template_marks: list[str] = field(default_factory=list)  # strings a template or mkdocs.yml change put in every page
    law_phrases: dict[str, str] = field(default_factory=dict)  # phrase -> law library file that carries it, not yet found
    added_laws: list[str] = field(default_factory=list)  # library files the soak added (removable later)
    fresh: set[str] = field(default_factory=set)  # origin URLs added upstream: only these may be scraped as new
    tree_faults: dict[str, TreeFault] = field(default_factory=dict)  # article folder -> its fault, until repaired
    slow: set[str] = field(default_factory=set)  # sites trickling
    emptied: set[str] = field(default_factory=set)  # sites whose list pages have no items
    snapshot_broken: str | None = None  # how the content repository was made unable to commit
    dangling: str | None = None  # how releases/current was left dangling, until a night repairs it
    repairs_due: set[str] = field(default_factory=set)  # faults (REPAIR_WARNINGS keys) the next finished night must repair and warn of
    rollback: tuple[str, str] | None = None  # (rolled back from, to) when `fazhi rollback` ran before this night

    @property
    def slowed(self) -> set[str]:
        """The slow sites, and the sites sharing a host with one the mirror serves the host's robots.txt as: that trickles too."""
        hosts = {SITES[site].host for site in self.slow if site_of(SITES[site].host, "/robots.txt") == site}
        return self.slow | {site for site in SITES if SITES[site].host in hosts}

    @property
    def upstream_faulted(self) -> set[str]:
        """Sites whose upstream changes cannot land tonight: slowed or with an emptied list."""
        return self.slowed | self.emptied


class Soak:
    def __init__(self, root: Path, seed: int):
        self.root = root
        self.rng = random.Random(seed)
        self.world = World()
        self.content = root / "content"
        self.state = root / "state"
        self.releases = root / "releases"
        self.site_src = root / "site-src"
        self.config = root / "fazhi.yml"
        self.laws = root / "laws"
        self.mirror = Mirror(root / "mirror", seed=seed)
        self.server: subprocess.Popen[bytes] | None = None
        self.port = free_port()
        self.last_seconds = 20.0
        self.counter = 0
        self.settled = False  # whether the last night finished (exit 0 or 3): nothing it was to take is pending
        self.held_before_reject: set[str] = set()
        self.removed_before: set[str] = set()  # origin URLs the copied tree already marks removed upstream

    # -- setup ---------------------------------------------------------------------------------
    def setup(self) -> None:
        shutil.copytree(REPO / "docs", self.content)
        self.git("init", "-q")
        self.git("add", "-A")
        self.git("-c", "user.name=soak", "-c", "user.email=soak@fazhi.invalid", "commit", "-q", "-m", "staff tree")
        shutil.copytree(REPO / "fazhi_app" / "sample_laws", self.laws)
        self.site_src.mkdir()
        shutil.copy2(REPO / "mkdocs.yml", self.site_src / "mkdocs.yml")
        shutil.copytree(REPO / "overrides", self.site_src / "overrides")
        self.mirror.start()
        for site in SITES:
            self.mirror.data.save(site, self.mirror.articles(site)[:ARTICLES_PER_SITE])
            self.world.fresh |= {self.mirror.url(site, a) for a in self.mirror.articles(site)}
        self.removed_before = {a.origin_url for a in load_tree(self.content).articles if a.origin_url and a.removed_upstream}
        self.mirror.write_config(self.config, content=self.content, state=self.state)
        raw = yaml.safe_load(self.config.read_text("utf-8"))
        raw["paths"].update(mkdocs_config=str(self.site_src / "mkdocs.yml"), releases=str(self.releases),
                            site=str(self.root / "site"), index=str(self.root / "index"), law_library=str(self.laws))
        # Every upstream change must reach the site the same night, so every list page and every archived
        # article page is asked for each night; the scraper's own schedule is measured by bench/scrape.py.
        raw["fetch"].update(**LIMITS, retries=1, full_walk_days=0, revisit_min_days=0, revisit_max_days=0, revisit_budget=100000)
        raw["run_limit"] = RUN_LIMIT
        raw["guard"] = {"sensitive_words": [SENSITIVE]}
        self.config.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")

    def start_server(self) -> None:
        log = (self.root / "serve.log").open("w")
        self.server = subprocess.Popen([*AS_SERVICE, FAZHI, "serve", "--config", str(self.config), "--port", str(self.port)],
                                       stdout=log, stderr=subprocess.STDOUT, cwd=self.root)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url("api/health"), timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("fazhi serve did not start")

    def close(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
        self.mirror.stop()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def git(self, *args: str) -> str:
        return subprocess.run(["git", "-C", str(self.content), *args], check=True, capture_output=True, text=True).stdout

    def fazhi(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*AS_SERVICE, FAZHI, *args, "--config", str(self.config)], capture_output=True, text=True,
                              timeout=RUN_TIMEOUT, cwd=self.root)

    def token(self, kind: str) -> str:
        self.counter += 1
        return f"soak{kind}{self.counter:04d}q{self.rng.randrange(10**5):05d}"

    # -- the world changes ---------------------------------------------------------------------
    def touchable(self, site: str) -> list[dict[str, Any]]:
        """Articles a random upstream change may touch: not defaced, not edited by staff, not faulted, not listed twice.

        The scraper reads a listing's repeat (same title, same day, another id) as the same article and
        archives the first only (scraper.entries.dedupe), so a change made to one copy alone is not
        expected to reach the archive (a known limit, in manual/scraping.md).
        """
        left_alone = {self.origin_of(p) for p in self.world.staff_edits} | {f.url for f in self.world.tree_faults.values()}
        articles = self.mirror.articles(site)
        copies = Counter((a["title"], a["date"][:10]) for a in articles)
        return [a for a in articles if self.mirror.url(site, a) not in self.world.defaced
                and self.mirror.url(site, a) not in left_alone and copies[(a["title"], a["date"][:10])] == 1]

    def origin_of(self, rel: str) -> str | None:
        path = self.content / rel
        match = re.search(r"^origin_url: (\S+)$", path.read_text("utf-8"), re.M) if path.is_file() else None
        return match.group(1) if match else None

    def upstream(self, night: Night) -> None:
        rng = self.rng
        for site in SITES:
            for _ in range(rng.randint(0, 2)):
                phrase = self.token("new")
                when = dt.datetime(2026, 1, 1) + dt.timedelta(days=rng.randrange(300), minutes=rng.randrange(1440))
                date = when.strftime("%Y-%m-%d %H:%M")
                body = (f"<p>\u3000\u3000本文介绍第{night.number}次巡查的情况，编号 {phrase}。</p>"
                        "<p>\u3000\u3000巡查组检查了企业的污染防治设施运行情况，并对台账记录、在线监测数据进行了核对。</p>")
                title = f"关于第{night.number}批生态环境执法检查情况的解读（{phrase[-5:]}）"
                record = self.mirror.add_article(site, title, body, date=date)
                self.world.phrases[phrase] = self.mirror.url(site, record)
                self.world.fresh.add(self.world.phrases[phrase])
                night.changes.append(f"{site}+1")
            candidates = self.touchable(site)
            if candidates and rng.random() < 0.4:
                article = rng.choice(candidates)
                phrase = self.token("edit")
                self.mirror.edit_article(site, article["id"], body=article["body"] + f"<p>\u3000\u3000补充说明：{phrase}。</p>")
                self.world.phrases[phrase] = self.mirror.url(site, article)
                night.changes.append(f"{site}~1")
            candidates = self.touchable(site)
            if len(candidates) > ARTICLES_PER_SITE and rng.random() < 0.3:
                article = rng.choice(candidates)
                url = self.mirror.url(site, article)
                self.mirror.delete_article(site, article["id"], answer=rng.choice(GONE_ANSWERS))
                self.world.deleted.add(url)
                self.world.phrases = {p: u for p, u in self.world.phrases.items() if u != url}
                self.world.file_phrases = {p: u for p, u in self.world.file_phrases.items() if u != url}
                night.changes.append(f"{site}-1")
        if rng.random() < ATTACHMENT_SHARE:
            self.attachment(night)

    def attachment(self, night: Night) -> None:
        """A UCAP article's attachments replaced by a revised file at a new address, a line of its text carrying a new phrase.

        The mirror serves ``filed.FILES`` by a file's name, so the revised file is put there; its name is not the phrase,
        which is therefore found only in the text read from the file.
        """
        site = "ucap"
        if site in self.world.upstream_faulted:
            return
        candidates = [a for a in self.touchable(site) if self.mirror.url(site, a) in self.world.archived]
        if not candidates:
            return
        article = self.rng.choice(candidates)
        url = self.mirror.url(site, article)
        phrase = self.token("file")
        suffix = self.rng.choice(sorted(ATTACHMENTS))
        name = f"xd{self.counter:04d}{self.rng.randrange(10**6):06d}{suffix}"
        filed.FILES[name] = ATTACHMENTS[suffix](f"附件修订说明：本次修订的编号为 {phrase}。")
        path = f"{filed.UCAP_DOCS}/{article['date'][:10].replace('-', '')}/{name}"
        self.mirror.edit_article(site, article["id"], files=[{"name": f"修订后的附件{suffix}", "path": path}])
        self.world.file_phrases = {p: u for p, u in self.world.file_phrases.items() if u != url} | {phrase: url}
        self.world.phrases[phrase] = url
        night.changes.append(f"{site} FILE x1")

    def deface(self, night: Night, site: str | None = None) -> None:
        rng = self.rng
        site = site or rng.choice([s for s in SITES if s not in self.world.upstream_faulted])
        candidates = [a for a in self.touchable(site) if self.mirror.url(site, a) in self.world.archived]
        if not candidates:
            return
        if rng.random() < 0.5 and len(candidates) >= 6:
            victims = rng.sample(candidates, k=max(6, int(len(candidates) * 0.7)))
            for article in victims:  # the whole page replaced by the notice, pictures included
                self.mirror.edit_article(site, article["id"], body=f"<p>{DEFACED}</p>", images=[])
            night.changes.append(f"{site} DEFACED x{len(victims)}")
        else:
            victims = [rng.choice(candidates)]
            self.mirror.edit_article(site, victims[0]["id"], body=victims[0]["body"] + f"<p>{SENSITIVE}</p>")
            night.changes.append(f"{site} SENSITIVE x1")
        for article in victims:
            url = self.mirror.url(site, article)
            self.world.defaced[url] = (site, article["id"], article["body"], list(article.get("images") or []))
            self.world.phrases = {p: u for p, u in self.world.phrases.items() if u != url}

    def undo_defacement(self, night: Night) -> None:
        """Half the time upstream repairs its pages; otherwise staff reject the held changes."""
        if self.rng.random() < 0.5:
            for url, (site, article_id, body, images) in list(self.world.defaced.items()):
                self.mirror.edit_article(site, article_id, body=body, images=images)
                del self.world.defaced[url]
                self.world.rejected.discard(url)
            night.changes.append("upstream repaired")
        else:
            self.held_before_reject = self.held_urls()
            done = self.fazhi("review", "--reject", "all")
            if done.returncode != 0:
                night.failures.append(f"fazhi review --reject all: exit {done.returncode}: {done.stderr.strip()[-300:]}")
            self.world.rejected |= set(self.world.defaced)
            held = self.held_before_reject
            self.world.phrases = {p: owner for p, owner in self.world.phrases.items() if owner not in held}
            self.world.file_phrases = {p: owner for p, owner in self.world.file_phrases.items() if owner not in held}
            night.changes.append("review --reject")

    def staff(self, night: Night) -> None:
        rng = self.rng
        for rel in sorted(self.world.invalid):  # last night's invalid files: fixed or deleted
            if rng.random() < 0.5:
                path = self.content / rel
                path.write_text(path.read_text("utf-8").replace("2026-13-45", "2026-03-15"), "utf-8")
                token = re.search(r"soakbad\w+", path.read_text("utf-8"))
                self.world.staff_new[rel] = token.group(0) if token else ""
                if token:
                    self.world.phrases[token.group(0)] = rel
                night.changes.append("staff fix")
            else:
                shutil.rmtree((self.content / rel).parent)
                night.changes.append("staff delete")
            self.world.invalid.discard(rel)
        if rng.random() < 0.4:
            token = self.token("staff")
            slug = f"soak-staff-{night.number}-{self.counter}"
            rel = f"cases/2026/{slug}/index.md"
            self.write_staff(rel, slug, "2026-02-10", token)
            self.world.staff_new[rel] = token
            self.world.phrases[token] = rel
            night.changes.append("staff+1")
        busy = set(self.world.defaced) | self.world.deleted | set(self.world.phrases.values())  # upstream changes still to land
        scraped = [p for p in self.article_files() if "origin: scraped" in p.read_text("utf-8")
                   and self.origin_of(str(p.relative_to(self.content))) not in busy]
        if scraped and rng.random() < 0.25:
            path = rng.choice(sorted(scraped))
            token = self.token("edit")
            path.write_text(path.read_text("utf-8").rstrip("\n") + f"\n\n编者按：{token}。\n", "utf-8")
            rel = str(path.relative_to(self.content))
            self.world.staff_edits[rel] = token
            self.world.phrases[token] = rel
            night.changes.append("staff~1")
        if rng.random() < 0.15:
            token = self.token("bad")
            slug = f"soak-bad-{night.number}"
            rel = f"cases/2026/{slug}/index.md"
            self.write_staff(rel, slug, "2026-13-45", token)
            self.world.invalid.add(rel)
            night.changes.append("staff INVALID")

    def write_staff(self, rel: str, slug: str, date: str, token: str) -> None:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: 某县开展生态环境法治宣传活动（{token[-5:]}）\ndate: {date}\ncolumn: cases\nslug: {slug}\n---\n\n"
                        f"某县组织执法人员走进社区，讲解生态环境保护法律知识，活动编号 {token}。\n", "utf-8")

    def site_files(self, night: Night) -> None:
        if self.rng.random() < 0.07:
            mark = f"soak-template-{night.number}"
            path = self.site_src / "overrides" / "partials" / "copyright.html"
            text = re.sub(r'<div class="md-copyright"[^>]*>', f'<div class="md-copyright" data-soak="{mark}">', path.read_text("utf-8"),
                          count=1)
            path.write_text(text, "utf-8")
            self.world.template_marks = [mark]
            night.changes.append("template")
        elif self.rng.random() < 0.07:
            mark = f"第{night.number}版"
            path = self.site_src / "mkdocs.yml"
            text = re.sub(r"^site_description: .*$", f"site_description: 生态环境法治宣传资料存档（{mark}）", path.read_text("utf-8"),
                          count=1, flags=re.M)
            path.write_text(text, "utf-8")
            self.world.template_marks = [mark]
            night.changes.append("mkdocs.yml")

    def law_library(self, night: Night) -> None:
        roll = self.rng.random()
        if roll < 0.12:
            path = self.rng.choice(sorted(p for p in self.laws.rglob("*.md") if p.name != "README.md"))
            lines = path.read_text("utf-8").splitlines()
            articles = [n for n, line in enumerate(lines) if re.match(r"^第\S+条 ", line)]
            phrase = self.token("law")
            at = self.rng.choice(articles)
            lines[at] = f"{lines[at]}{phrase}。"
            path.write_text("\n".join(lines) + "\n", "utf-8")
            self.world.law_phrases[phrase] = str(path.relative_to(self.laws))
            night.changes.append("law edited")
        elif roll < 0.18:
            self.counter += 1
            phrase = self.token("law")
            rel = f"地方性法规/示例市第{self.counter}号测试规定(2020-01-0{1 + self.counter % 9}).md"
            text = (f"# 示例市第{self.counter}号测试规定\n\n2020年1月1日 示例市人民代表大会常务委员会通过\n\n<!-- INFO END -->\n\n"
                    f"第一条 为了测试法规库的更新，制定本规定。\n\n第二条 本规定所称{phrase}，是虚构的测试用语。\n\n"
                    "第三条 本规定自公布之日起施行。\n")
            (self.laws / rel).write_text(text, "utf-8")
            self.world.law_phrases[phrase] = rel
            self.world.added_laws.append(rel)
            night.changes.append("law added")
        elif roll < 0.22 and self.world.added_laws:
            rel = self.world.added_laws.pop(self.rng.randrange(len(self.world.added_laws)))
            (self.laws / rel).unlink()
            self.world.law_phrases = {k: v for k, v in self.world.law_phrases.items() if v != rel}
            night.changes.append("law removed")

    # -- faults --------------------------------------------------------------------------------
    def faults(self, night: Night) -> None:
        """Staff repairs of earlier faults first, then tonight's new faults, each at its share."""
        self.repair(night)
        events = {"tree": self.tree_fault, "store": self.damage_store, "extract": self.damage_extract_cache,
                  "baseline": self.damage_baseline, "dangling": self.dangle_current, "slow": self.slow_source,
                  "emptied": self.empty_list, "snapshot": self.break_snapshot}
        for name, event in events.items():
            if self.rng.random() < FAULT_SHARES[name]:
                event(night)

    def repair(self, night: Night) -> None:
        """What staff (or upstream) fix: tree faults, the content repository, a slow or emptied site. The nightly job heals the rest."""
        for folder in sorted(self.world.tree_faults):
            if self.rng.random() < REPAIR_SHARE:
                self.repair_tree_fault(self.world.tree_faults.pop(folder), night)
        if self.world.snapshot_broken and self.rng.random() < REPAIR_SHARE:
            self.repair_snapshot(night)
        for site in sorted(self.world.slow | self.world.emptied):
            if self.rng.random() < REPAIR_SHARE:
                self.mirror.clear_faults(site)
                self.world.slow.discard(site)
                self.world.emptied.discard(site)
                night.faults.append(f"{site} back")

    def article_files(self) -> list[Path]:
        """The tree's article files the soak may read and change: real files, in no faulted folder."""
        return [p for p in sorted(self.content.glob("*/*/*/index.md"))
                if p.is_file() and str(p.parent.relative_to(self.content)) not in self.world.tree_faults]

    def fault_targets(self) -> list[Path]:
        """Article folders a tree fault may go into: valid articles with no upstream or staff change pending, not held."""
        world = self.world
        busy = set(world.defaced) | world.deleted | set(world.phrases.values()) | set(world.staff_edits) | world.invalid
        valid = {str(a.path) for a in load_tree(self.content).articles}
        return [p.parent for p in self.article_files() if str(p.relative_to(self.content)) in valid
                and str(p.relative_to(self.content)) not in busy and self.origin_of(str(p.relative_to(self.content))) not in busy]

    def linked_images(self, folder: Path) -> list[Path]:
        text = (folder / "index.md").read_text("utf-8")
        return [p for p in sorted(folder.iterdir()) if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file() and f"]({p.name})" in text]

    def tree_fault(self, night: Night) -> None:
        """One article's folder gets a fault: unreadable, a folder in a file's place, or a file name that is not UTF-8."""
        kind = self.rng.choice(TREE_FAULTS)
        targets = self.fault_targets()
        if kind == "folder-for-image":
            targets = [folder for folder in targets if self.linked_images(folder)]
        if not targets:
            return
        folder = self.rng.choice(targets)
        rel = str(folder.relative_to(self.content))
        url = self.origin_of(f"{rel}/index.md")
        make = {"chmod-file": self.chmod_file, "chmod-folder": self.chmod_folder, "folder-for-image": self.folder_for_image,
                "index-folder": self.index_folder, "odd-name": self.odd_name}[kind]
        self.world.tree_faults[rel] = TreeFault(kind, rel, url, *make(folder))
        night.faults.append(kind)

    # Each tree fault returns its TreeFault's target, mode before a chmod and the file a folder replaced.
    def chmod_file(self, folder: Path) -> tuple[Path, int, bytes]:
        return self.chmod(folder / "index.md")

    def chmod_folder(self, folder: Path) -> tuple[Path, int, bytes]:
        return self.chmod(folder)

    def chmod(self, target: Path) -> tuple[Path, int, bytes]:
        mode = target.stat().st_mode & 0o7777
        target.chmod(0)
        return target, mode, b""

    def folder_for_image(self, folder: Path) -> tuple[Path, int, bytes]:
        """A linked image unzipped into a folder of its own name."""
        target = self.rng.choice(self.linked_images(folder))
        saved = target.read_bytes()
        target.unlink()
        target.mkdir()
        (target / target.name).write_bytes(saved)
        return target, 0, saved

    def index_folder(self, folder: Path) -> tuple[Path, int, bytes]:
        target = folder / "index.md"
        saved = target.read_bytes()
        target.unlink()
        target.mkdir()
        return target, 0, saved

    def odd_name(self, folder: Path) -> tuple[Path, int, bytes]:
        target = Path(os.fsdecode(os.fsencode(folder) + b"/" + ODD_NAME))
        target.write_text("附件：现场检查记录。\n", "utf-8")
        return target, 0, b""

    def repair_tree_fault(self, fault: TreeFault, night: Night) -> None:
        target = fault.target
        if fault.kind.startswith("chmod"):
            target.chmod(fault.mode)
        elif fault.kind == "odd-name":
            target.unlink(missing_ok=True)
        else:
            if target.is_dir():
                shutil.rmtree(target)
            target.write_bytes(fault.saved)
        night.faults.append(f"fixed {fault.kind}")

    def damage_store(self, night: Night) -> None:
        """The scraper's state store cut short, overwritten with garbage or emptied; the next night heals it."""
        store = self.state / "scrape.sqlite"
        if not store.is_file():
            return
        how = self.rng.choice(("truncated", "garbage", "empty"))
        data = store.read_bytes()
        store.write_bytes({"truncated": data[: len(data) // 2], "garbage": self.rng.randbytes(4096), "empty": b""}[how])
        self.world.repairs_due.add("store")
        night.faults.append(f"store {how}")

    def damage_extract_cache(self, night: Night) -> None:
        """The extraction cache cut short or overwritten with garbage: the night sets it aside, warns, and reads the files again.

        Every file phrase found so far is looked for again (its article neither defaced, deleted nor faulted in the tree).
        """
        cache = self.state / "extract.sqlite"
        if not cache.is_file():
            return
        how = self.rng.choice(("truncated", "garbage"))
        data = cache.read_bytes()
        cache.write_bytes(data[: len(data) // 2] if how == "truncated" else self.rng.randbytes(4096))
        self.world.repairs_due.add("extract")
        faulted = {f.url for f in self.world.tree_faults.values()} | set(self.world.defaced) | self.world.deleted
        self.world.phrases |= {p: url for p, url in self.world.file_phrases.items() if url not in faulted}
        night.faults.append(f"extract cache {how}")

    def damage_baseline(self, night: Night) -> None:
        """The guard baseline's files gone, all or one source's; half the time that source (or any) is defaced the same night."""
        base = self.state / "guard-baseline"
        if not base.is_dir():
            return
        site = None
        if self.rng.random() < 0.5:
            for child in base.iterdir():
                if child.is_dir():
                    shutil.rmtree(child)
                else:
                    child.unlink()
            night.faults.append("baseline emptied")
        else:
            site = self.rng.choice([s for s in SITES if s not in self.world.upstream_faulted])
            for path in base.glob("*/*/*/index.md"):
                match = re.search(r"^origin_url: (\S+)$", path.read_text("utf-8"), re.M)
                if match and site_of_url(match.group(1)) == site:
                    shutil.rmtree(path.parent)
            night.faults.append(f"baseline -{site}")
        self.world.repairs_due.add("baseline")
        if self.rng.random() < DEFACE_WITH_BASELINE:
            self.deface(night, site)

    def dangle_current(self, night: Night) -> None:
        """``releases/current`` pointing at a release that does not exist, or the current release's folder deleted."""
        link = self.releases / "current"
        if self.world.dangling or not link.is_symlink():
            return
        if self.rng.random() < 0.5:
            link.unlink()
            link.symlink_to("20000101T000000Z")
            self.world.dangling = "to a missing release"
        else:
            shutil.rmtree(link.resolve())
            self.world.dangling = "release deleted"
        self.world.repairs_due.add("dangling")
        night.faults.append(f"current {self.world.dangling}")

    def upstream_fault_site(self) -> str | None:
        """A site for a slow source or an emptied list: not already faulted, with no defacement pending on its host."""
        defaced = {SITES[site].host for site, *_ in self.world.defaced.values()}
        candidates = [s for s in SITES if s not in self.world.upstream_faulted and SITES[s].host not in defaced]
        return self.rng.choice(candidates) if candidates else None

    def slow_source(self, night: Night) -> None:
        site = self.upstream_fault_site()
        if site:
            self.mirror.inject_fault(site, TRICKLE)
            self.world.slow.add(site)
            night.faults.append(f"{site} slow")

    def empty_list(self, night: Night) -> None:
        site = self.upstream_fault_site()
        if site:
            self.mirror.inject_fault(site, EMPTY_LIST)
            self.world.emptied.add(site)
            night.faults.append(f"{site} list emptied")

    def break_snapshot(self, night: Night) -> None:
        """The content repository cannot commit: an ``index.lock`` that is a folder, or its branch refs not writable."""
        if self.world.snapshot_broken:
            return
        git = self.content / ".git"
        how = self.rng.choice(("index.lock", "refs"))
        if how == "index.lock":
            (git / "index.lock").mkdir()
        else:
            (git / "refs" / "heads").chmod(0o555)
        self.world.snapshot_broken = how
        night.faults.append(f"snapshot {how}")

    def repair_snapshot(self, night: Night) -> None:
        git = self.content / ".git"
        if self.world.snapshot_broken == "index.lock":
            shutil.rmtree(git / "index.lock", ignore_errors=True)
        else:
            (git / "refs" / "heads").chmod(0o755)
        night.faults.append(f"fixed snapshot {self.world.snapshot_broken}")
        self.world.snapshot_broken = None

    def can_roll_back(self) -> bool:
        """Only after a finished night, with no upstream fault: else changes still pending land tonight, and publish."""
        quiet = self.settled and not (self.world.dangling or self.world.slow or self.world.emptied)
        return quiet and len(re.findall(r"^[* ] (\S+)", self.fazhi("releases").stdout, re.M)) >= 2

    def roll_back(self, night: Night) -> None:
        """Staff roll back on a night when nothing else changes: the next run must publish nothing and say a rollback is in force."""
        was = self.current()
        done = self.fazhi("rollback")
        if done.returncode != 0:
            night.failures.append(f"fazhi rollback: exit {done.returncode}: {done.stderr.strip()[-300:]}")
            return
        now = self.current()
        assert was is not None and now is not None
        self.world.rollback = (was, now)
        self.world.published.add(now)
        night.faults.append(f"rollback to {now}")

    # -- one night -----------------------------------------------------------------------------
    def current(self) -> str | None:
        link = self.releases / "current"
        return os.readlink(link).rstrip("/").split("/")[-1] if link.is_symlink() else None

    def run_night(self, night: Night, kill: bool) -> int | None:
        log = (self.root / "nights" / f"{night.number:03d}.log")
        log.parent.mkdir(exist_ok=True)
        started = time.monotonic()
        with log.open("w") as out:
            proc = subprocess.Popen([*AS_SERVICE, FAZHI, "nightly", "--config", str(self.config), "--no-progress"], stdout=out,
                                    stderr=subprocess.STDOUT,
                                    cwd=self.root, start_new_session=True)
            if kill:
                delay = self.rng.uniform(0.2, max(1.0, self.last_seconds))
                try:
                    proc.wait(timeout=delay)
                    night.kill = f"missed ({delay:.1f} s)"
                except subprocess.TimeoutExpired:
                    stage = self.stage(started)
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                    night.kill = f"{delay:.1f} s, {stage}"
                    return None
            code = proc.wait(timeout=RUN_TIMEOUT)
        self.last_seconds = time.monotonic() - started
        return code

    def stage(self, started: float) -> str:
        """Where the run was: its report's status and last finished step (none yet before the build starts)."""
        since = time.time() - (time.monotonic() - started)
        reports = [p for p in (self.state / "reports").glob("2*.json") if p.stat().st_mtime >= since]
        if not reports:
            return "before the build"
        try:
            report = json.loads(max(reports, key=lambda p: p.stat().st_mtime).read_text("utf-8"))
        except (OSError, ValueError):
            return "report being written"
        steps = [step for step in report.get("timings") or {} if step != "total"]
        return f"{report.get('status')} after {steps[-1]}" if steps else str(report.get("status"))

    def night(self, number: int) -> Night:
        night = Night(number)
        rollback = number > 1 and self.rng.random() < ROLLBACK_SHARE and self.can_roll_back()
        if rollback:
            self.roll_back(night)
        elif number > 1:
            if self.world.defaced and self.rng.random() < 0.5:
                self.undo_defacement(night)
            elif self.rng.random() < 0.12:
                self.deface(night)
            self.upstream(night)
            self.staff(night)
            self.site_files(night)
            self.law_library(night)
            self.faults(night)
        before = self.current()
        last_run = self.latest().get("run")
        kill = number > 1 and not rollback and self.rng.random() < KILL_SHARE
        code = self.run_night(night, kill)
        if self.server is None and self.current():
            self.start_server()
        if code is None:
            night.outcome = "killed"
            self.check_killed(night, before)
        else:
            report = self.latest()
            if report.get("run") == last_run:  # stopped before writing a report: its log's last line says why
                said = (self.root / "nights" / f"{number:03d}.log").read_text("utf-8").strip().splitlines()
                report = {"status": "without a report", "message": said[-1] if said else ""}
            self.check_repairs(night, report)
            held = len(report.get("held") or [])
            night.outcome = f"exit {code} {report.get('status')}" + (f", {held} held" if held else "")
            if code not in (0, 3):
                night.failures.append(f"nightly exit {code}: {' '.join(str(report.get('message')).split())}")
            else:
                self.check_completed(night, code, report)
        self.check_always(night, completed=code is not None)
        self.world.rollback = None
        self.settled = code in (0, 3)
        return night

    def latest(self) -> dict[str, Any]:
        path = self.state / "reports" / "latest.json"
        return json.loads(path.read_text("utf-8")) if path.is_file() else {}

    # -- invariants ----------------------------------------------------------------------------
    def release_dir(self) -> Path:
        return (self.releases / "current").resolve()

    def held_urls(self) -> set[str]:
        done = self.fazhi("review")
        return set(re.findall(r"^    (https?://\S+)$", done.stdout, re.M))

    def check_killed(self, night: Night, before: str | None) -> None:
        fail = night.failures.append
        now = self.current()
        release = self.release_dir()
        if now != before and now is not None and (release / "manifest.json").is_file() and (release / "site" / "index.html").is_file():
            night.kill += ", after the switch"  # killed after the atomic switch, while finishing: the new release is whole
            self.world.published.add(now)
            self.world.dangling = None  # the run repaired the link before it published
            before = now
        elif now != before and not self.world.dangling:
            fail(f"killed run changed the published release: {before} -> {now}")
        # A repair the killed run made may have been reported in its lost report: only a dangling link still there is due.
        self.world.repairs_due = {"dangling"} if self.world.dangling and now == before else set()
        if self.world.dangling and now == before:
            return  # the next completed night repairs it, and serving with it
        self.world.dangling = None
        if not (release / "site" / "index.html").is_file() or not (release / "index").is_dir():
            fail(f"published release {release.name} is not complete")
        else:
            self.check_nothing_held_published(night, release / "site")
        self.check_served(night, "after the kill")

    def check_served(self, night: Night, when: str) -> None:
        """``fazhi serve`` answers with the current release."""
        try:
            health = httpx.get(self.url("api/health"), timeout=10)
            page = httpx.get(self.url(""), timeout=10)
            served = health.json().get("release") if health.status_code == 200 else None
            if served != self.current() or page.status_code != 200:
                night.failures.append(f"not served {when}: health {health.status_code} {health.text[:100]}, page {page.status_code}")
        except (httpx.HTTPError, ValueError) as exc:
            night.failures.append(f"not served {when}: {exc}")

    def check_completed(self, night: Night, code: int, report: dict[str, Any]) -> None:
        fail = night.failures.append
        release = self.release_dir()
        site = release / "site"
        self.world.published.add(release.name)
        self.world.dangling = None
        self.check_served(night, "after the night")
        held = self.held_urls()
        uncommitted = self.uncommitted()
        self.check_exit_code(night, code, held, bool(uncommitted))
        if not (site / "index.html").is_file() or not (release / "index").is_dir():
            fail(f"published release {release.name} is not complete")
        self.check_upstream_faults(night, report)
        tree = load_tree(self.content)
        self.check_nothing_new_twice(night, report)
        self.check_nothing_removed(night, tree)
        if self.world.rollback and self.check_rollback(night, report):
            self.check_nothing_held_published(night, site)  # the release rolled back to predates the tree: that is all it must show
            return
        published = [a for a in tree.articles if not self.left_out(a)]
        self.check_index(night, published, release, file_texts(load_settings(self.config), tree))
        for article in published:
            if not (site / article.url / "index.html").is_file():
                fail(f"no page for {article.path}")
        for mark in self.world.template_marks:
            if mark not in (site / "index.html").read_text("utf-8"):
                fail(f"template/mkdocs.yml change {mark!r} not published")
        by_url = {a.origin_url: a for a in tree.articles if a.origin_url}
        by_path = {str(a.path): a for a in tree.articles}
        for phrase, owner in list(self.world.phrases.items()):
            if owner in held or self.upstream_faulted(owner):
                continue
            article = by_url.get(owner) or by_path.get(owner)
            if article is None:
                fail(f"article with phrase {phrase} ({owner}) is not in the content tree")
                continue
            in_file = phrase in self.world.file_phrases
            for params in ({"q": phrase}, {"q": phrase, "in": "files"}) if in_file else ({"q": phrase},):
                try:
                    found = httpx.get(self.url("api/search"), params=params, timeout=30)
                    ok = found.status_code == 200 and article.url in found.text
                except httpx.HTTPError as exc:
                    ok, found = False, exc  # type: ignore[assignment]
                if not ok:
                    break
            if ok:
                del self.world.phrases[phrase]
            elif not (in_file and report.get("extract_waiting")):  # a file waiting for a later night's reading is found then
                fail(f"search {params} does not find {article.url}: {str(getattr(found, 'text', found))[:120]}")
        for url in self.world.defaced:
            if url not in held and url not in self.world.rejected:
                fail(f"defaced {url} is neither held nor rejected")
        self.check_nothing_held_published(night, site)
        self.check_provisions(night)
        self.check_laws(night, site)
        status_page = (site / "status" / "index.html").read_text("utf-8")
        for rel in self.world.invalid:
            if rel not in report.get("excluded", []):
                fail(f"invalid {rel} not reported as left out")
            if rel not in status_page:
                fail(f"invalid {rel} not named on the status page")
            if (site / Path(rel).parent / "index.html").exists():
                fail(f"invalid {rel} was published")
        self.check_tree_faults(night, report, site, status_page)
        self.check_snapshot(night, report, uncommitted)
        if report.get("status") == "published":  # an unchanged night's status page is the published release's
            for warning in report.get("warnings") or []:
                if not shown(status_page, warning):
                    fail(f"warning not on the status page: {warning[:100]}")
        for rel, token in self.world.staff_edits.items():
            article = by_path.get(rel)
            if article is None or token not in (site / article.url / "index.html").read_text("utf-8"):
                fail(f"staff edit {token} of {rel} not published")
        for url in self.world.deleted & self.world.archived:
            article = by_url.get(url)
            if url not in held and not self.upstream_faulted(url) and (article is None or article.removed_upstream is None):
                fail(f"deleted upstream but not marked: {url}")
        self.world.archived |= set(by_url)
        for path in self.root.rglob("*"):
            if path.is_relative_to(self.root / "mirror") or path.is_relative_to(self.content / ".git"):
                continue
            if TEMP_RE.search(path.name):
                fail(f"leftover temporary file after a completed night: {path.relative_to(self.root)}")

    def left_out(self, article: Article) -> bool:
        fault = self.world.tree_faults.get(str(PurePosixPath(str(article.path)).parent))
        return fault is not None and fault.leaves_article_out

    def upstream_faulted(self, owner: str) -> bool:
        """Whether a change's owner (an origin URL) is on a site slow or emptied tonight: it lands on a later night."""
        return site_of_url(owner) in self.world.upstream_faulted

    def check_exit_code(self, night: Night, code: int, held: set[str], uncommitted: bool) -> None:
        """Exit 3 whenever something is left out, held, unfinished or not snapshotted."""
        reasons = [*sorted(self.world.invalid), *sorted(self.world.tree_faults), *(f"{s} slow" for s in sorted(self.world.slowed)),
                   *(f"{s} list emptied" for s in sorted(self.world.emptied))]
        reasons += (["snapshot"] if self.world.snapshot_broken and uncommitted else []) + (["held changes"] if held else [])
        if reasons and code != 3:
            night.failures.append(f"exit {code}, expected 3: {', '.join(reasons)[:200]}")

    def check_repairs(self, night: Night, report: dict[str, Any]) -> None:
        """Each fault a finished night had to heal (store, baseline, dangling current) is a `warning:` line in its report."""
        for fault in sorted(self.world.repairs_due):
            if not warned(report, REPAIR_WARNINGS[fault]):
                night.failures.append(f"no warning of the {fault} repair: {report.get('warnings')}")
        self.world.repairs_due.clear()
        self.world.dangling = None  # a finished night repairs the link first, whatever it does next

    def check_upstream_faults(self, night: Night, report: dict[str, Any]) -> None:
        """A slow source is unfinished; an emptied list fails its source and marks nothing removed; both are problem sources."""
        slowed = self.world.slowed
        for sites, status, what in ((slowed, SLOW_STATUS, "slow"), (self.world.emptied - slowed, EMPTIED_STATUS, "emptied list of")):
            for site in sorted(sites):
                row = source_row(report, site)
                if row is None or row["status"] != status or SOURCE_OF[site] not in report.get("problem_sources", []):
                    night.failures.append(f"{what} {SOURCE_OF[site]} reported {row and row['status']}, expected a problem source {status}")
        unfinished = (report.get("scrape") or {}).get("unfinished_sources") or []
        if sorted(unfinished) != sorted(SOURCE_OF[site] for site in slowed):
            night.failures.append(f"unfinished_sources {unfinished}, slow sites and their host's {sorted(slowed)}")
        for site in sorted(self.world.emptied):
            row = source_row(report, site)
            if row and row["removed"]:
                night.failures.append(f"emptied list of {SOURCE_OF[site]}: {row['removed']} article(s) marked removed")

    def check_nothing_new_twice(self, night: Night, report: dict[str, Any]) -> None:
        """No source scrapes more new articles than were added upstream and not yet archived: nothing archived is fetched anew."""
        fresh = Counter(site_of_url(url) for url in self.world.fresh - self.world.archived)
        for site, source in SOURCE_OF.items():
            row = source_row(report, site)
            if row and row["new"] > fresh[site]:
                night.failures.append(f"{source}: {row['new']} new, only {fresh[site]} added upstream: archived articles scraped anew")

    def check_nothing_removed(self, night: Night, tree: Any) -> None:
        """Only what upstream deleted is marked removed."""
        for article in tree.articles:
            url = article.origin_url
            if article.removed_upstream and url not in self.world.deleted and url not in self.removed_before:
                night.failures.append(f"marked removed upstream but never deleted: {url}")

    def check_rollback(self, night: Night, report: dict[str, Any]) -> bool:
        """After a rollback, a night with nothing new publishes nothing and says a rollback is in force; True when so.

        A rollback to a newer release (a rollback undone by another) leaves the tree as the release rolled back to: a
        night that then publishes only a new status page (a new warning) has not undone it, and is checked in full.
        """
        assert self.world.rollback is not None
        was, to = self.world.rollback
        changes = report.get("changes") or {}
        status_only = not any((changes.get("articles") or {}).values()) and not changes.get("files")
        if report.get("status") == "published" and status_only and self.current() != was:
            return False
        if report.get("status") != "unchanged" or self.current() != to:
            night.failures.append(f"the rollback from {was} to {to} was undone: the night {report.get('status')}, current {self.current()}")
            return False
        if not rollback_noted(report):
            night.failures.append("the report does not say a rollback is in force")
        return True

    def check_tree_faults(self, night: Night, report: dict[str, Any], site: Path, status_page: str) -> None:
        """Each faulted item is named in the report, on the status page and by `fazhi check`, and is not published."""
        fail = night.failures.append
        named = " ".join(article_problems(report))
        for fault in self.world.tree_faults.values():
            if fault.folder not in named:
                fail(f"{fault.kind} in {fault.folder} not named in the report")
            if fault.folder not in status_page:
                fail(f"{fault.kind} in {fault.folder} not named on the status page")
            if fault.leaves_article_out and (site / fault.folder / "index.html").exists():
                fail(f"{fault.kind} in {fault.folder}: the article was published")
            folder = site / fault.folder
            if not fault.leaves_article_out and folder.is_dir() and ODD_NAME in os.listdir(os.fsencode(folder)):
                fail(f"{fault.kind} in {fault.folder}: the file was published")
        if self.world.tree_faults:
            done = self.fazhi("check")
            if done.returncode != 1:
                fail(f"fazhi check exit {done.returncode} with faults in the tree, expected 1")
            for folder in sorted(self.world.tree_faults):
                if folder not in done.stdout + done.stderr:
                    fail(f"fazhi check does not name {folder}")

    def uncommitted(self) -> list[str]:
        """``git status`` lines of the content tree after a night, but for what the night left out (a tree fault, an invalid file)."""
        faulted = tuple(f"{folder}/" for folder in self.world.tree_faults) + tuple(self.world.invalid)
        return [line for line in self.git("status", "--porcelain", "-uall").splitlines() if not line[3:].strip('"').startswith(faulted)]

    def check_snapshot(self, night: Night, report: dict[str, Any], uncommitted: list[str]) -> None:
        """A snapshot that failed to commit the night's changes is a problem in the report (the snapshot comes after the
        night's status page is built, so the page of the next release names it, as a note of the run before)."""
        if self.world.snapshot_broken and uncommitted:
            said = [p for p in run_problems(report) if "snapshot" in p]
            if not said:
                night.failures.append(f"failed snapshot ({self.world.snapshot_broken}) is not a problem in the report")
        elif uncommitted:
            night.failures.append(f"the content tree has changes not in the night's snapshot commit: {', '.join(uncommitted[:3])}")

    def check_nothing_held_published(self, night: Night, site: Path) -> None:
        """No page but the status page (which names the limits a held change broke) shows defaced or sensitive text."""
        for page in site.rglob("*.html"):
            if page.parent.name == "status" and page.parent.parent == site:
                continue
            text = page.read_text("utf-8")
            if DEFACED in text or SENSITIVE in text:
                night.failures.append(f"held content published in {page.relative_to(site)}")

    def check_provisions(self, night: Night) -> None:
        """Each law change of a version in force is found by search among article units (``kind=provisions``), in its law."""
        by_file = {file: doc for doc in library_documents(self.laws) if isinstance(doc, LawDocument) for file in doc.version.files}
        for phrase, rel in self.world.law_phrases.items():
            if rel not in by_file:
                continue
            try:
                found = httpx.get(self.url("api/search"), params={"q": phrase, "kind": "provisions"}, timeout=30)
                hits = found.json()["hits"] if found.status_code == 200 else []
            except (httpx.HTTPError, ValueError):
                hits = []
            if not any(hit["url"].startswith(f"{by_file[rel].slug}#") for hit in hits):
                night.failures.append(f"search (kind provisions) for {phrase} finds no article of {by_file[rel].slug}")

    def check_laws(self, night: Night, site: Path) -> None:
        """Every law of the library has its page; each law change shows on its page and is found by search as a law."""
        documents = [doc for doc in library_documents(self.laws) if isinstance(doc, LawDocument)]
        for doc in documents:
            if not (site / doc.slug / "index.html").is_file():
                night.failures.append(f"no page for law {doc.title}")
        by_file = {file: doc for doc in documents for file in doc.version.files}
        for phrase, rel in list(self.world.law_phrases.items()):
            doc = by_file.get(rel)
            if doc is None:  # an edit of a version no longer in force: shown on that version's own page only
                del self.world.law_phrases[phrase]
                continue
            page = site / doc.slug / "index.html"
            if not page.is_file() or phrase not in page.read_text("utf-8"):
                night.failures.append(f"law change {phrase} of {rel} not on its page")
                continue
            try:
                found = httpx.get(self.url("api/search"), params={"q": phrase, "kind": "laws"}, timeout=30)
                ok = found.status_code == 200 and doc.slug in found.text
            except httpx.HTTPError:
                ok = False
            if ok:
                del self.world.law_phrases[phrase]
            else:
                night.failures.append(f"search (kind laws) for {phrase} does not find {doc.slug}")
        for rel in self.world.added_laws:
            if rel not in by_file:
                night.failures.append(f"added law {rel} is not in the library's documents")

    def check_index(self, night: Night, articles: list[Article], release: Path, texts: dict[str, list[FileText]]) -> None:
        """The published index holds exactly the published articles (with the text read from their files, as the nightly
        indexes them) and the library's laws at their fingerprints."""
        generation = current_generation(release / "index")
        if generation is None:
            night.failures.append(f"release {release.name} has no index")
            return
        ix = whoosh_index.open_dir(str(generation))
        with ix.searcher() as searcher:
            reader = searcher.reader()
            column = reader.column_reader("fingerprint")
            indexed = {reader.stored_fields(n)["slug"]: column[n] for n in reader.all_doc_ids()}
        laws = library_documents(self.laws)
        cites = citations(articles, laws, texts)  # the statute articles each cites, as the indexer resolves them
        expected = {a.slug: fingerprint(a, texts, cites) for a in articles}
        expected |= {d.slug: d.fingerprint for d in laws}
        missing, ghosts = set(expected) - set(indexed), set(indexed) - set(expected)
        stale = {s for s in set(expected) & set(indexed) if expected[s] != indexed[s]}
        for label, slugs in (("missing from", missing), ("ghost in", ghosts), ("stale in", stale)):
            if slugs:
                night.failures.append(f"{len(slugs)} article(s) {label} the published index: {', '.join(sorted(slugs)[:3])}")

    def check_always(self, night: Night, completed: bool) -> None:
        fail = night.failures.append
        present = {f.url for f in self.world.tree_faults.values()}  # kept aside or unreadable by fazhi, on purpose
        for path in self.article_files():
            match = re.search(r"^origin_url: (\S+)$", path.read_text("utf-8"), re.M)
            if match:
                present.add(match.group(1))
        lost = self.world.archived - present - set(self.world.defaced)
        if lost:
            fail(f"{len(lost)} archived article(s) lost: {', '.join(sorted(lost)[:3])}")
        for rel, token in self.world.staff_edits.items():
            path = self.content / rel
            if not path.is_file() or token not in path.read_text("utf-8"):
                fail(f"staff edit of {rel} lost")
        listed = re.findall(r"^[* ] (\S+)", self.fazhi("releases").stdout, re.M)
        unpublished = [name for name in listed if name not in self.world.published and name != self.current()]
        if unpublished:
            fail(f"`fazhi releases` lists release(s) never published: {', '.join(unpublished)}")
        if completed:
            latest = self.latest()["run"]
            for path in (self.state / "reports").glob("*.json"):
                report = json.loads(path.read_text("utf-8"))
                if path.name != "latest.json" and report.get("status") in ("running", "building") and report.get("run") != latest:
                    fail(f"report {path.name} stuck at {report.get('status')}")


def site_of_url(url: str) -> str | None:
    parts = urlsplit(url)
    return site_of(parts.hostname or "", parts.path)


def source_row(report: dict[str, Any], site: str) -> dict[str, Any] | None:
    """A site's source row in the run report (``sources``)."""
    return next((row for row in report.get("sources") or [] if row["name"] == SOURCE_OF[site]), None)


def warned(report: dict[str, Any], words: tuple[str, ...]) -> bool:
    return any(word in str(warning) for warning in report.get("warnings") or [] for word in words)


def article_problems(report: dict[str, Any]) -> list[str]:
    """What the report names in the content tree: its problems and the files left out of the release."""
    return [str(entry) for entry in [*(report.get("problems") or []), *(report.get("excluded") or [])]]


def run_problems(report: dict[str, Any]) -> list[str]:
    """The run's own problems (a failed snapshot): `problem:` lines, exit 3."""
    return [str(problem) for problem in report.get("run_problems") or []]


def rollback_noted(report: dict[str, Any]) -> bool:
    """Whether the report says a rollback is in force."""
    return bool(report.get("rollback"))


def shown(page: str, text: str) -> bool:
    """Whether a page shows a text (as the status page escapes it)."""
    return escape(text) in page or escape(text, quote=False) in page


def run_soak(nights: int, seed: int, root: Path) -> list[Night]:
    soak = Soak(root, seed)
    soak.setup()
    rows: list[Night] = []
    try:
        for number in range(1, nights + 1):
            row = soak.night(number)
            rows.append(row)
            print(format_row(row), flush=True)
    finally:
        soak.close()
    return rows


def format_changes(changes: list[str]) -> str:
    """Events first (defacements, reviews, invalid files, template changes), then upstream and staff counts per kind."""
    counts: dict[str, int] = {}
    events: list[str] = []
    for change in changes:
        match = re.fullmatch(r"(\w+)([+~-])1", change)
        if match:
            counts[change[:-1]] = counts.get(change[:-1], 0) + 1
        else:
            events.append(change)
    return " ".join([*events, *(f"{key}{n}" for key, n in counts.items())]) or "-"


def format_row(row: Night) -> str:
    changes = format_changes(row.changes)
    failures = "; ".join(row.failures) or "0"
    faults = ", ".join(row.faults) or "-"
    return f"{row.number:>5}  {changes[:60]:<60}  {faults[:40]:<40}  {row.kill:<26}  {row.outcome:<28}  {failures}"


def fault_counts(rows: list[Night]) -> str:
    """How often each fault and repair happened, by kind (a site or release name dropped)."""
    counts = Counter(re.sub(r"^(ucap|hanweb|trs|generic) | to \S+$| -\S+$", "", fault) for row in rows for fault in row.faults)
    return ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) or "none"


def source_revision() -> str:
    """The commit the soak runs, and whether tracked files differ from it."""
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "-uno"], capture_output=True, text=True).stdout.strip()
    return f"{head or 'unknown'}{' with uncommitted changes' if dirty else ''}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--nights", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--record", action="store_true", help="write the result to bench/RESULTS.md")
    parser.add_argument("--share", action="append", default=[], metavar="FAULT=SHARE",
                        help=f"a fault's share of nights, to try one fault often (faults: {', '.join(FAULT_SHARES)}); repeatable")
    args = parser.parse_args()
    for setting in args.share:
        name, _, share = setting.partition("=")
        if name not in FAULT_SHARES:
            parser.error(f"--share {setting}: no fault {name!r}")
        FAULT_SHARES[name] = float(share)
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    root = args.workdir or Path(tempfile.mkdtemp(prefix="fazhi-soak-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"soak: {args.nights} nights, seed {seed}, in {root}" + (f", shares {' '.join(args.share)}" if args.share else ""))
    print(f"{'night':>5}  {'changes':<60}  {'faults and repairs':<40}  {'kill point':<26}  {'outcome':<28}  invariant failures")
    started, load_before, revision = time.monotonic(), os.getloadavg()[0], source_revision()
    try:
        rows = run_soak(args.nights, seed, root)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    failures = sum(len(r.failures) for r in rows)
    kills = sum(r.outcome == "killed" for r in rows)
    minutes = (time.monotonic() - started) / 60
    print(f"{len(rows)} nights, {kills} killed, {failures} invariant failure(s), {minutes:.1f} min")
    print(f"faults and repairs: {fault_counts(rows)}")
    if args.record:
        table = "\n".join(f"| {r.number} | {format_changes(r.changes)} | {', '.join(r.faults) or '-'} | {r.kill} | {r.outcome} | "
                          f"{len(r.failures)} {'; '.join(r.failures)[:200]} |" for r in rows)
        shares = "".join(f" --share {setting}" for setting in args.share)
        write_section(
            f"## Soak: {len(rows)} nights of `fazhi nightly`, seed {seed}{shares}\n\n"
            f"`python bench/soak.py --nights {args.nights} --seed {seed}{shares} --record` on {dt.date.today()} at revision {revision}; "
            f"{machine()}; load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (a shared machine).\n\n"
            f"**{failures} invariant failures** in {len(rows)} nights ({kills} killed with SIGKILL), {minutes:.1f} minutes. "
            f"Faults and repairs: {fault_counts(rows)}.\n\n"
            "| night | changes | faults and repairs | kill point | outcome | invariant failures |\n|---|---|---|---|---|---|\n" + table
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
