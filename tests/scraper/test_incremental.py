"""Runs against a changing mirror: new, changed, removed upstream, staff edits, failures and blocks."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from fazhi.article import parse_article
from fazhi.content import load_tree
from scraper.mirror import filed, samples
from scraper.run import scrape
from scraper.store import Store
from tests.fixtures.mirror import mirror_settings_for
from tests.scraper.conftest import Clock

TRS = ["mee-zcjd"]
UCAP = ["sthjt-ucap"]


def _file_of(settings, url: str):  # type: ignore[no-untyped-def]
    tree = load_tree(settings.paths.content)
    assert tree.ok, tree.problems
    article = next(a for a in tree.articles if a.origin_url == url)
    return settings.paths.content / article.path


def test_new_changed_and_removed_upstream(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    clock = Clock()
    first = scrape(settings, TRS, clock=clock).source("mee-zcjd")
    assert first.new == 28 and first.status == "ok" and first.walk == "full"

    record = fresh_mirror.add_article("trs", "关于《云溪市湿地保护管理办法》的政策解读",
                                      "<p>\u3000\u3000第一版正文，说明《中华人民共和国湿地保护法》的适用。</p>", date="2025-06-30 10:00")
    url = fresh_mirror.url("trs", record)
    clock.advance(1)
    added = scrape(settings, TRS, clock=clock).source("mee-zcjd")
    assert (added.walk, added.list_pages, added.new, added.changed) == ("incremental", 2, 1, 0), "page 2 held nothing new"
    assert added.unchanged == added.not_due == 18, "the other entries of pages 1 and 2 (one listed twice), none of them asked for"
    path = _file_of(settings, url)
    assert "第一版正文" in path.read_text("utf-8")

    fresh_mirror.edit_article("trs", record["id"], body="<p>\u3000\u3000第二版正文，补充了典型案例。</p>")
    clock.advance(1)
    unseen = scrape(settings, TRS, clock=clock).source("mee-zcjd")
    assert (unseen.changed, unseen.revisited) == (0, 0), "an edit the list does not show waits for the article's revisit"
    clock.advance(settings.fetch.revisit_max_days)
    edited = scrape(settings, TRS, clock=clock).source("mee-zcjd")
    assert (edited.new, edited.changed, edited.changed_by_revisit, edited.revisited) == (0, 1, 1, 29)
    text = path.read_text("utf-8")
    assert "第二版正文" in text and "第一版正文" not in text
    with Store(settings.paths.state) as store:
        (previous,) = store.history(url)
        assert "第一版正文" in previous["markdown"] and previous["path"] == str(path.relative_to(settings.paths.content))
        item = store.item(url)
        assert item.last_fetched == item.last_changed == clock.now.isoformat() and item.next_due > item.last_fetched
        last_seen = item.last_seen[:10]

    fresh_mirror.delete_article("trs", record["id"])
    clock.advance(1)
    quiet = scrape(settings, TRS, clock=clock).source("mee-zcjd")
    assert quiet.walk == "incremental" and quiet.removed == 0, "only a full walk leads to removal checks"
    removed = scrape(settings, TRS, full=True, clock=clock).source("mee-zcjd")
    assert (removed.walk, removed.removed, removed.unchanged, removed.new) == ("full", 1, 28, 0)
    article = parse_article(path.read_text("utf-8"), "x.md")
    assert article.removed_upstream == dt.date.fromisoformat(last_seen) and "第二版正文" in article.body
    assert not article.staff_edited
    with Store(settings.paths.state) as store:
        assert store.item(url).status == "removed"
    again = scrape(settings, TRS, full=True, clock=clock).source("mee-zcjd")
    assert again.removed == 0 and path.is_file(), "removal is reported once; the article stays archived"


def test_staff_edited_file_is_never_overwritten(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    clock = Clock()
    scrape(settings, TRS, clock=clock)
    record = fresh_mirror.articles("trs")[5]
    path = _file_of(settings, fresh_mirror.url("trs", record))
    staff_text = path.read_text("utf-8").replace("本文为示例内容", "本文为示例内容（编辑已核对）")
    path.write_text(staff_text, "utf-8")
    fresh_mirror.edit_article("trs", record["id"], body="<p>上游改写后的正文。</p>", title=record["title"] + "（修订）")
    report = scrape(settings, TRS, clock=clock).source("mee-zcjd")
    assert report.conflicts == 1 and report.changed == 0, "the changed list entry brings the article up; the staff edit wins"
    assert any("staff edited" in r and str(path.relative_to(settings.paths.content)) in r for r in report.reasons)
    assert path.read_text("utf-8") == staff_text
    with Store(settings.paths.state) as store:
        assert store.item(fresh_mirror.url("trs", record)).status == "conflict"
    clock.advance(settings.fetch.revisit_max_days)
    revisited = scrape(settings, TRS, clock=clock).source("mee-zcjd")
    assert revisited.conflicts == 1 and path.read_text("utf-8") == staff_text, "a revisit leaves it too"
    fresh_mirror.delete_article("trs", record["id"])
    gone = scrape(settings, TRS, full=True, clock=clock).source("mee-zcjd")
    assert (gone.conflicts, gone.removed) == (1, 0), "still the staff's file; an upstream removal does not touch it"
    assert path.read_text("utf-8") == staff_text


def test_failing_sources_do_not_stop_the_others_or_lose_files(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path, timeout=0.5)
    names = ["sthjt-hanweb", "mee-zcjd", "example-generic"]
    scrape(settings, names)
    before = {p: p.read_bytes() for p in settings.paths.content.rglob("*") if p.is_file()}
    fresh_mirror.inject_fault("hanweb", "500")
    fresh_mirror.inject_fault("generic", "timeout", match="index")
    fresh_mirror.add_article("trs", "《云溪市噪声污染防治管理办法》政策解读", "<p>新的解读。</p>", date="2025-06-01 09:00")
    report = scrape(settings, names)
    hanweb, trs, generic = (report.source(n) for n in names)
    assert hanweb.status == "failed" and "HTTP 500" in hanweb.reasons[0] and "after 2 attempts" in hanweb.reasons[0]
    assert generic.status == "failed" and "timed out" in generic.reasons[0]
    assert trs.status == "ok" and trs.new == 1
    assert report.failed_sources == ["sthjt-hanweb", "example-generic"] and report.exit_code == 1
    after = {p: p.read_bytes() for p in settings.paths.content.rglob("*") if p.is_file()}
    assert {p: after[p] for p in before} == before, "nothing archived changed"
    assert hanweb.removed == generic.removed == 0


def test_one_failing_article_fails_only_itself(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    record = fresh_mirror.articles("trs")[3]
    fresh_mirror.inject_fault("trs", "404", match=record["path"])
    report = scrape(settings, TRS).source("mee-zcjd")
    assert report.status == "partial" and report.failed == 1 and report.new == 27
    assert any(record["path"] in r and "HTTP 404" in r for r in report.reasons)


def test_transient_errors_are_retried(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    fresh_mirror.inject_fault("trs", "503", times=1, match="index.shtml")
    fresh_mirror.inject_fault("trs", "drop", times=1, match="index_1.shtml")
    report = scrape(settings, TRS).source("mee-zcjd")
    assert report.status == "ok" and report.new == 28
    first_page = [r for r in fresh_mirror.requests(site="trs") if r.path == "/zcwj/zcjd/index.shtml"]
    assert [r.status for r in first_page] == [503, 200]


def test_challenge_and_412_block_a_source_without_garbage(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    fresh_mirror.inject_fault("ucap", "412", match="/queryList")
    fresh_mirror.inject_fault("trs", "challenge", match="/t20")
    report = scrape(settings, ["sthjt-ucap", "mee-zcjd", "example-generic"])
    ucap, trs, generic = report.sources
    assert ucap.status == "blocked" and "412" in ucap.reasons[0] and ucap.new == 0
    assert trs.status == "blocked" and "$_ts" in trs.reasons[0] and trs.new == 0
    assert generic.status == "ok" and generic.new == 13
    assert report.blocked_sources == ["sthjt-ucap", "mee-zcjd"] and report.exit_code == 3
    for path in settings.paths.content.rglob("*.md"):
        assert "$_ts" not in path.read_text("utf-8")
    fresh_mirror.clear_faults()
    assert scrape(settings, ["mee-zcjd"]).source("mee-zcjd").new == 28


def test_incomplete_list_walk_marks_nothing_removed(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    assert scrape(settings, TRS).source("mee-zcjd").new == 28
    limited = replace(settings, sources=tuple(replace(s, max_pages=1) if s.name == "mee-zcjd" else s for s in settings.sources))
    report = scrape(limited, TRS, full=False).source("mee-zcjd")
    assert report.removed == 0 and report.unchanged == 9, "page 1: ten entries, one of them listed twice"
    assert any("max_pages=1" in r for r in report.reasons)


def test_size_cap_per_response(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path, max_bytes=1000)
    report = scrape(settings, TRS).source("mee-zcjd")
    assert report.status == "failed" and "exceeds the 1000-byte cap" in report.reasons[0]
    assert not list(settings.paths.content.rglob("*.md"))


def test_a_list_carried_page_read_by_a_stopped_revisit_is_read_again(fresh_mirror, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """UCAP's list carries the body, so a revisit compares the article's page with the copy it read last time. A revisit
    that found the page changed but stopped before writing the article (its revised attachment answering 412,
    the source blocked) must not count that page as read: the next revisit reads it again and the attachment arrives."""
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    clock = Clock()
    scrape(settings, UCAP, clock=clock)
    clock.advance(settings.fetch.revisit_max_days)
    assert scrape(settings, UCAP, clock=clock).source("sthjt-ucap").changed == 0, "every page read once, nothing changed"

    article = fresh_mirror.articles("ucap")[0]
    name = "revised-notice.docx"
    monkeypatch.setitem(filed.FILES, name, samples.docx("附件修订说明：本次修订的编号为戊己庚辛。"))
    fresh_mirror.edit_article("ucap", article["id"], files=[{"name": "修订后的附件.docx",
                                                             "path": f"{filed.UCAP_DOCS}/{article['date'][:10].replace('-', '')}/{name}"}])
    fresh_mirror.inject_fault("ucap", "412", times=1, match=name)
    clock.advance(settings.fetch.revisit_max_days)
    assert scrape(settings, UCAP, clock=clock).source("sthjt-ucap").status == "blocked"
    folder = _file_of(settings, fresh_mirror.url("ucap", article)).parent
    assert not (folder / name).exists()

    clock.advance(settings.fetch.revisit_max_days)
    again = scrape(settings, UCAP, clock=clock).source("sthjt-ucap")
    assert again.status == "ok" and again.changed == 1, again
    assert (folder / name).read_bytes() == filed.FILES[name]
