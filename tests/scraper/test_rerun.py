"""Quiet re-runs: extraction skipped only when nothing it depends on changed; hosts scraped side by side."""

from __future__ import annotations

import threading
from collections import Counter

import httpx

from fazhi.content import load_tree
from scraper import extractor
from scraper.platforms.trs import TrsPlatform
from scraper.run import scrape
from tests.fixtures.mirror import mirror_settings_for
from tests.scraper.conftest import Clock

TRS = ["mee-zcjd"]


def test_rerun_asks_for_nothing_due_but_heals_lost_assets_and_applies_new_code(fresh_mirror, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    clock = Clock()
    assert scrape(settings, TRS, clock=clock).source("mee-zcjd").new == 28
    parsed: list[str] = []
    original = TrsPlatform.parse_article

    def counting(self, page, entry):  # type: ignore[no-untyped-def]
        parsed.append(entry.url)
        return original(self, page, entry)

    monkeypatch.setattr(TrsPlatform, "parse_article", counting)
    fresh_mirror.clear_log()
    quiet = scrape(settings, TRS, clock=clock).source("mee-zcjd")
    assert (quiet.walk, quiet.list_pages, quiet.unchanged, quiet.not_due, parsed) == ("incremental", 1, 9, 9, [])
    assert not [r for r in fresh_mirror.requests(site="trs") if r.path.startswith("/zcwj/zcjd/20")], "no article page asked for"

    tree = {a.origin_url: a for a in load_tree(settings.paths.content).articles}
    image_only = tree[fresh_mirror.url("trs", fresh_mirror.articles("trs")[2])]
    folder = settings.paths.content / image_only.path.parent
    (image,) = [p for p in folder.iterdir() if p.suffix == ".png"]
    image.unlink()
    edited = tree[fresh_mirror.url("trs", fresh_mirror.articles("trs")[8])]
    edited_path = settings.paths.content / edited.path
    staff_text = edited_path.read_text("utf-8").replace("本文为示例内容", "本文为示例内容（经编辑核对）")
    edited_path.write_text(staff_text, "utf-8")
    report = scrape(settings, TRS, clock=clock).source("mee-zcjd")
    assert parsed == [image_only.origin_url], "a lost image brings its article up; a staff edit is seen on disk, no request"
    assert (report.unchanged, report.conflicts, report.changed) == (8, 1, 0)
    assert any("staff edited" in r and str(edited.path) in r for r in report.reasons)
    assert image.is_file(), "a deleted image is downloaded again"
    assert edited_path.read_text("utf-8") == staff_text

    parsed.clear()
    fresh_mirror.clear_log()
    monkeypatch.setattr(extractor, "extractor_version", lambda: "a parser fix")
    after_fix = scrape(settings, TRS, full=True, clock=clock).source("mee-zcjd")
    assert len(parsed) == 27 and (after_fix.unchanged, after_fix.conflicts) == (27, 1), "new code re-extracts everything once"
    assert not [r for r in fresh_mirror.requests(site="trs") if r.path.startswith("/zcwj/zcjd/20")], "from the stored pages"
    assert edited_path.read_text("utf-8") == staff_text
    parsed.clear()
    again = scrape(settings, TRS, full=True, clock=clock).source("mee-zcjd")
    assert (again.unchanged, again.conflicts, parsed) == (27, 1, [])


class _Watching(httpx.BaseTransport):
    """Counts requests in flight per Host header; the first request waits (up to 10 s) for another host's."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.lock = threading.Lock()
        self.in_flight: Counter[str] = Counter()
        self.most: Counter[str] = Counter()
        self.overlap = threading.Event()
        self.first = True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.headers["host"]
        with self.lock:
            self.in_flight[host] += 1
            self.most[host] = max(self.most[host], self.in_flight[host])
            if sum(1 for n in self.in_flight.values() if n) > 1:
                self.overlap.set()
            wait, self.first = self.first, False
        try:
            if wait:
                self.overlap.wait(10)
            return self.inner.handle_request(request)
        finally:
            with self.lock:
                self.in_flight[host] -= 1

    def close(self) -> None:
        self.inner.close()


def test_hosts_are_scraped_at_once_within_their_own_limits(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path, concurrency=2)
    fresh_mirror.inject_fault("generic", "500")
    watching = _Watching()
    report = scrape(settings, transport=watching)
    assert [s.name for s in report.sources] == [s.name for s in settings.sources], "reported in config order"
    assert {s.name: s.status for s in report.sources} == {
        "sthjt-ucap": "ok", "sthjt-hanweb": "ok", "mee-zcjd": "ok", "example-generic": "failed"}
    assert watching.overlap.is_set(), "requests to different hosts were in flight together"
    assert set(watching.most) == {"sthjt.jiangxi.gov.cn", "www.mee.gov.cn", "pufa.example.org"}
    assert max(watching.most.values()) <= 2, watching.most
