"""The soak: many simulated nights of the real ``fazhi nightly`` against the sample mirror, checked after each.

    python bench/soak.py --nights 60 --seed 7 [--workdir DIR] [--keep] [--record]

Everything runs on copies in a scratch folder (the content tree from ``docs/`` made a git
repository, ``mkdocs.yml`` and ``overrides/``, a generated mirror, state and releases), so
nothing tracked is modified. Every night, at random:

- upstream, on every platform: new articles (each carrying a unique phrase), edits
  (a paragraph with a phrase appended) and deletions (404, 410 or a redirect to a
  not-found page); now and then a defacement: most of a source's bodies replaced by a
  maintenance notice, or a sensitive expression (the config's ``sensitive_words``) put
  into one article. Later nights undo a defacement upstream or reject it with
  ``fazhi review --reject``;
- staff: new articles, edits of scraped ones, now and then an invalid file (fixed or
  deleted on a later night);
- now and then a template (``overrides/``) or ``mkdocs.yml`` change;
- the law library (a copy of the sample library): an article's text edited, a new law
  added, an added law removed, each carrying a unique phrase that its law page and a
  search (as a document of kind laws) must show once a night completes;
- in about one night in six the run is killed with SIGKILL at a random moment.

``fazhi nightly`` runs as a subprocess; ``fazhi serve`` serves the releases over HTTP the
whole time. The invariants checked after every night are those of ``check_*`` below; the
table lists each night's changes, kill point, outcome and failures. Exit 1 on any failure.
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
from pathlib import Path
from typing import Any

import httpx
import yaml
from whoosh import index as whoosh_index

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.results import machine, write_section  # noqa: E402
from fazhi.content import load_tree  # noqa: E402
from scraper.mirror import SITES, Mirror  # noqa: E402
from scraper.mirror.data import GONE_ANSWERS  # noqa: E402
from search.indexer import current_generation  # noqa: E402
from search.law_documents import library_documents  # noqa: E402
from search.schema import fingerprint  # noqa: E402

FAZHI = str(Path(sys.executable).with_name("fazhi"))
ARTICLES_PER_SITE = 8
DEFACED = "本网站正在维护升级，暂停访问"
SENSITIVE = "蓄意抹黑测试语"
KILL_SHARE = 1 / 6
RUN_TIMEOUT = 600
TEMP_RE = re.compile(r"(\.tmp$|^\.partial-|\.new-|\.old-|^view-)")
SOURCE_OF = {"ucap": "sthjt-ucap", "hanweb": "sthjt-hanweb", "trs": "mee-zcjd", "generic": "example-generic"}


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


@dataclass
class World:
    """What the soak did and therefore expects."""

    phrases: dict[str, str] = field(default_factory=dict)  # phrase -> what carries it (origin URL or staff path), not yet found
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
        self.held_before_reject: set[str] = set()

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
        self.mirror.write_config(self.config, content=self.content, state=self.state)
        raw = yaml.safe_load(self.config.read_text("utf-8"))
        raw["paths"].update(mkdocs_config=str(self.site_src / "mkdocs.yml"), releases=str(self.releases),
                            site=str(self.root / "site"), index=str(self.root / "index"), law_library=str(self.laws))
        # Every upstream change must reach the site the same night, so every list page and every archived
        # article page is asked for each night; the scraper's own schedule is measured by bench/scrape.py.
        raw["fetch"].update(timeout=5, retries=1, full_walk_days=0, revisit_min_days=0, revisit_max_days=0, revisit_budget=100000)
        raw["guard"] = {"sensitive_words": [SENSITIVE]}
        self.config.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")

    def start_server(self) -> None:
        log = (self.root / "serve.log").open("w")
        self.server = subprocess.Popen([FAZHI, "serve", "--config", str(self.config), "--port", str(self.port)],
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
        return subprocess.run([FAZHI, *args, "--config", str(self.config)], capture_output=True, text=True, timeout=RUN_TIMEOUT,
                              cwd=self.root)

    def token(self, kind: str) -> str:
        self.counter += 1
        return f"soak{kind}{self.counter:04d}q{self.rng.randrange(10**5):05d}"

    # -- the world changes ---------------------------------------------------------------------
    def touchable(self, site: str) -> list[dict[str, Any]]:
        """Articles a random upstream change may touch: not defaced, not edited by staff, not listed twice.

        The scraper reads a listing's repeat (same title, same day, another id) as the same article and
        archives the first only (scraper.entries.dedupe), so a change made to one copy alone is not
        expected to reach the archive (a known limit, in manual/scraping.md).
        """
        staff_urls = {self.origin_of(p) for p in self.world.staff_edits}
        articles = self.mirror.articles(site)
        copies = Counter((a["title"], a["date"][:10]) for a in articles)
        return [a for a in articles if self.mirror.url(site, a) not in self.world.defaced
                and self.mirror.url(site, a) not in staff_urls and copies[(a["title"], a["date"][:10])] == 1]

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
                night.changes.append(f"{site}-1")

    def deface(self, night: Night) -> None:
        rng = self.rng
        site = rng.choice(list(SITES))
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
        scraped = [p for p in self.content.glob("*/*/*/index.md") if "origin: scraped" in p.read_text("utf-8")
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

    # -- one night -----------------------------------------------------------------------------
    def current(self) -> str | None:
        link = self.releases / "current"
        return os.readlink(link).rstrip("/").split("/")[-1] if link.is_symlink() else None

    def run_night(self, night: Night, kill: bool) -> int | None:
        log = (self.root / "nights" / f"{night.number:03d}.log")
        log.parent.mkdir(exist_ok=True)
        started = time.monotonic()
        with log.open("w") as out:
            proc = subprocess.Popen([FAZHI, "nightly", "--config", str(self.config), "--no-progress"], stdout=out, stderr=subprocess.STDOUT,
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
        if number > 1:
            if self.world.defaced and self.rng.random() < 0.5:
                self.undo_defacement(night)
            elif self.rng.random() < 0.12:
                self.deface(night)
            self.upstream(night)
            self.staff(night)
            self.site_files(night)
            self.law_library(night)
        before = self.current()
        kill = number > 1 and self.rng.random() < KILL_SHARE
        code = self.run_night(night, kill)
        if self.server is None and self.current():
            self.start_server()
        if code is None:
            night.outcome = "killed"
            self.check_killed(night, before)
        else:
            report = self.latest()
            held = len(report.get("held") or [])
            night.outcome = f"exit {code} {report.get('status')}" + (f", {held} held" if held else "")
            if code not in (0, 3):
                night.failures.append(f"nightly exit {code}: {report.get('message')}")
            else:
                self.check_completed(night, code, report)
        self.check_always(night, completed=code is not None)
        return night

    def latest(self) -> dict[str, Any]:
        return json.loads((self.state / "reports" / "latest.json").read_text("utf-8"))

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
            before = now
        elif now != before:
            fail(f"killed run changed the published release: {before} -> {now}")
        if not (release / "site" / "index.html").is_file() or not (release / "index").is_dir():
            fail(f"published release {release.name} is not complete")
        else:
            self.check_nothing_held_published(night, release / "site")
        try:
            health = httpx.get(self.url("api/health"), timeout=10)
            page = httpx.get(self.url(""), timeout=10)
            if health.status_code != 200 or health.json().get("release") != before or page.status_code != 200:
                fail(f"not served after the kill: health {health.status_code} {health.text[:100]}, page {page.status_code}")
        except httpx.HTTPError as exc:
            fail(f"not served after the kill: {exc}")

    def check_completed(self, night: Night, code: int, report: dict[str, Any]) -> None:
        fail = night.failures.append
        release = self.release_dir()
        site = release / "site"
        self.world.published.add(release.name)
        tree = load_tree(self.content)
        self.check_index(night, tree, release)
        for article in tree.articles:
            if not (site / article.url / "index.html").is_file():
                fail(f"no page for {article.path}")
        for mark in self.world.template_marks:
            if mark not in (site / "index.html").read_text("utf-8"):
                fail(f"template/mkdocs.yml change {mark!r} not published")
        held = self.held_urls()
        by_url = {a.origin_url: a for a in tree.articles if a.origin_url}
        by_path = {str(a.path): a for a in tree.articles}
        for phrase, owner in list(self.world.phrases.items()):
            if owner in held:
                continue
            article = by_url.get(owner) or by_path.get(owner)
            if article is None:
                fail(f"article with phrase {phrase} ({owner}) is not in the content tree")
                continue
            try:
                found = httpx.get(self.url("api/search"), params={"q": phrase}, timeout=30)
                ok = found.status_code == 200 and article.url in found.text
            except httpx.HTTPError as exc:
                ok, found = False, exc  # type: ignore[assignment]
            if ok:
                del self.world.phrases[phrase]
            else:
                fail(f"search for {phrase} does not find {article.url}: {str(getattr(found, 'text', found))[:120]}")
        for url in self.world.defaced:
            if url not in held and url not in self.world.rejected:
                fail(f"defaced {url} is neither held nor rejected")
        self.check_nothing_held_published(night, site)
        self.check_laws(night, site)
        status_page = (site / "status" / "index.html").read_text("utf-8")
        for rel in self.world.invalid:
            if rel not in report.get("excluded", []):
                fail(f"invalid {rel} not reported as left out")
            if rel not in status_page:
                fail(f"invalid {rel} not named on the status page")
            if (site / Path(rel).parent / "index.html").exists():
                fail(f"invalid {rel} was published")
        if (self.world.invalid or held) and code != 3:
            fail(f"exit {code}, expected 3 with invalid files or held changes")
        for rel, token in self.world.staff_edits.items():
            article = by_path.get(rel)
            if article is None or token not in (site / article.url / "index.html").read_text("utf-8"):
                fail(f"staff edit {token} of {rel} not published")
        for url in self.world.deleted & self.world.archived:
            article = by_url.get(url)
            if url not in held and (article is None or article.removed_upstream is None):
                fail(f"deleted upstream but not marked: {url}")
        self.world.archived |= set(by_url)
        for path in self.root.rglob("*"):
            if path.is_relative_to(self.root / "mirror") or path.is_relative_to(self.content / ".git"):
                continue
            if TEMP_RE.search(path.name):
                fail(f"leftover temporary file after a completed night: {path.relative_to(self.root)}")
        if self.git("status", "--porcelain").strip():
            fail("the content tree has changes not in the night's snapshot commit")

    def check_nothing_held_published(self, night: Night, site: Path) -> None:
        """No page but the status page (which names the limits a held change broke) shows defaced or sensitive text."""
        for page in site.rglob("*.html"):
            if page.parent.name == "status" and page.parent.parent == site:
                continue
            text = page.read_text("utf-8")
            if DEFACED in text or SENSITIVE in text:
                night.failures.append(f"held content published in {page.relative_to(site)}")

    def check_laws(self, night: Night, site: Path) -> None:
        """Every law of the library has its page; each law change shows on its page and is found by search as a law."""
        documents = library_documents(self.laws)
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

    def check_index(self, night: Night, tree: Any, release: Path) -> None:
        """The published index holds exactly the content tree's articles and the library's laws at their fingerprints."""
        generation = current_generation(release / "index")
        if generation is None:
            night.failures.append(f"release {release.name} has no index")
            return
        ix = whoosh_index.open_dir(str(generation))
        with ix.searcher() as searcher:
            reader = searcher.reader()
            column = reader.column_reader("fingerprint")
            indexed = {reader.stored_fields(n)["slug"]: column[n] for n in reader.all_doc_ids()}
        expected = {a.slug: fingerprint(a) for a in tree.articles} | {d.slug: d.fingerprint for d in library_documents(self.laws)}
        missing, ghosts = set(expected) - set(indexed), set(indexed) - set(expected)
        stale = {s for s in set(expected) & set(indexed) if expected[s] != indexed[s]}
        for label, slugs in (("missing from", missing), ("ghost in", ghosts), ("stale in", stale)):
            if slugs:
                night.failures.append(f"{len(slugs)} article(s) {label} the published index: {', '.join(sorted(slugs)[:3])}")

    def check_always(self, night: Night, completed: bool) -> None:
        fail = night.failures.append
        present = set()
        for path in self.content.glob("*/*/*/index.md"):
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
    return f"{row.number:>5}  {changes[:60]:<60}  {row.kill:<26}  {row.outcome:<28}  {failures}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--nights", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--record", action="store_true", help="write the result to bench/RESULTS.md")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    root = args.workdir or Path(tempfile.mkdtemp(prefix="fazhi-soak-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"soak: {args.nights} nights, seed {seed}, in {root}")
    print(f"{'night':>5}  {'changes':<60}  {'kill point':<26}  {'outcome':<28}  invariant failures")
    started = time.monotonic()
    try:
        rows = run_soak(args.nights, seed, root)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    failures = sum(len(r.failures) for r in rows)
    kills = sum(r.outcome == "killed" for r in rows)
    minutes = (time.monotonic() - started) / 60
    print(f"{len(rows)} nights, {kills} killed, {failures} invariant failure(s), {minutes:.1f} min")
    if args.record:
        table = "\n".join(f"| {r.number} | {format_changes(r.changes)} | {r.kill} | {r.outcome} | {len(r.failures)} "
                          f"{'; '.join(r.failures)[:200]} |" for r in rows)
        load = os.getloadavg()
        write_section(
            f"## Soak: {len(rows)} nights of `fazhi nightly`\n\n"
            f"`python bench/soak.py --nights {args.nights} --seed {seed} --record` on {dt.date.today()}; {machine()}; "
            f"load average at the end {load[0]:.1f}.\n\n"
            f"**{failures} invariant failures** in {len(rows)} nights ({kills} killed with SIGKILL), {minutes:.1f} minutes.\n\n"
            "| night | changes | kill point | outcome | invariant failures |\n|---|---|---|---|---|\n" + table
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
