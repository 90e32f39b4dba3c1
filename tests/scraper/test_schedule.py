"""The nightly economy: dead assets backed off, one copy per article, migrations, short walks, unreachable hosts."""

from __future__ import annotations

from dataclasses import replace

from fazhi.content import load_tree
from scraper.run import scrape
from scraper.store import Store
from tests.fixtures.mirror import mirror_settings_for
from tests.helpers import free_port
from tests.scraper.conftest import Clock

HANWEB = ["sthjt-hanweb"]


def _by_url(settings):  # type: ignore[no-untyped-def]
    tree = load_tree(settings.paths.content)
    assert tree.ok, tree.problems
    return {u: a for a in tree.articles for u in (a.origin_url, *a.origin_urls)}


def test_dead_asset_counts_as_archived_and_waits_for_the_articles_revisit(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    clock = Clock()
    record = next(a for a in fresh_mirror.articles("hanweb") if "missing-photo" in a["body"])
    url = fresh_mirror.url("hanweb", record)
    first = scrape(settings, HANWEB, clock=clock).source("sthjt-hanweb")
    lines = [r for r in first.reasons if "missing-photo" in r]
    assert len(lines) == 1 and "HTTP 404" in lines[0] and "asked again when the article is due" in lines[0]
    with Store(settings.paths.state) as store:
        item = store.item(url)
        assert "key" in item.extra and list(item.extra["refused"]) == ["http://sthjt.jiangxi.gov.cn/picture/0/missing-photo.png"]

    fresh_mirror.clear_log()
    clock.advance(1)
    quiet = scrape(settings, HANWEB, full=True, clock=clock).source("sthjt-hanweb")
    assert quiet.status == "ok" and quiet.assets_backed_off == 1 and quiet.revisited == 0
    assert not [r for r in fresh_mirror.requests(site="hanweb") if "missing-photo" in r.path or r.path == record["path"]]
    assert not [r for r in quiet.reasons if "missing-photo" in r]

    clock.advance(settings.fetch.revisit_max_days)
    due = scrape(settings, HANWEB, clock=clock).source("sthjt-hanweb")
    assert due.revisited == 40 and due.changed == 0 and due.assets_backed_off == 0
    assert len([r for r in fresh_mirror.requests(site="hanweb") if "missing-photo" in r.path]) == 1, "asked for again, once"
    assert len([r for r in due.reasons if "missing-photo" in r]) == 1


def test_revisits_keep_within_the_budget_oldest_due_first(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path, revisit_budget=7)
    clock = Clock()
    scrape(settings, ["mee-zcjd"], clock=clock)
    with Store(settings.paths.state) as store:
        order = sorted(store.items("mee-zcjd"), key=lambda i: (i.next_due, i.url))
    clock.advance(settings.fetch.revisit_max_days + 1)
    fresh_mirror.clear_log()
    night = scrape(settings, ["mee-zcjd"], clock=clock).source("mee-zcjd")
    assert night.revisited == 7
    asked = [r.path for r in fresh_mirror.requests(site="trs") if r.path.startswith("/zcwj/zcjd/20")]
    assert sorted(asked) == sorted(i.url.split("www.mee.gov.cn", 1)[1] for i in order[:7])
    assert scrape(settings, ["mee-zcjd"], clock=clock).source("mee-zcjd").revisited == 7, "the next night takes the next seven"


def test_the_same_article_under_two_sources_is_archived_once(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    body = ("<p>\u3000\u3000为规范云溪市河湖岸线管理，市生态环境局制定本办法，现就主要内容解读如下。</p>"
            "<p>一、适用范围。本办法适用于本市行政区域内的河湖岸线。</p>")
    title = "《云溪市河湖岸线保护办法》解读"
    trs = fresh_mirror.add_article("trs", title, body, date="2025-06-29 09:00")
    generic = fresh_mirror.add_article("generic", title, body.replace("\u3000\u3000", ""), date="2025-06-29 09:00")
    report = scrape(settings, ["mee-zcjd", "example-generic"])
    assert report.source("mee-zcjd").new + report.source("example-generic").new == 28 + 13 + 1
    assert report.source("mee-zcjd").merged + report.source("example-generic").merged == 1
    urls = {fresh_mirror.url("trs", trs), fresh_mirror.url("generic", generic)}
    copies = [a for a in load_tree(settings.paths.content).articles if a.title == title]
    assert len(copies) == 1 and {copies[0].origin_url, *copies[0].origin_urls} == urls
    again = scrape(settings, ["mee-zcjd", "example-generic"], full=True)
    assert not again.changed_anything and sum(s.merged for s in again.sources) == 0

    canonical = copies[0].origin_url
    site, record = ("trs", trs) if canonical == fresh_mirror.url("trs", trs) else ("generic", generic)
    fresh_mirror.delete_article(site, record["id"])
    gone = scrape(settings, ["mee-zcjd", "example-generic"], full=True)
    assert sum(s.removed for s in gone.sources) == 0, "one address lost while the other is listed is not a removal"
    assert any("still listed at" in r for s in gone.sources for r in s.reasons)
    (kept,) = [a for a in load_tree(settings.paths.content).articles if a.title == title]
    assert kept.removed_upstream is None


def test_a_replacing_source_takes_over_the_older_sources_articles(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    clock = Clock()
    scrape(settings, ["mee-zcjd"], clock=clock)
    older = fresh_mirror.articles("trs")[:3]
    for record in older:  # the same articles on the new site generation, rewritten a little
        fresh_mirror.add_article("generic", record["title"], record["body"] + "<p>（迁移至新版网站）</p>", date=record["date"])
    sources = tuple(replace(s, replaces="mee-zcjd") if s.name == "example-generic" else s for s in settings.sources)
    migrated = replace(settings, sources=sources)
    before = {p for p in settings.paths.content.rglob("index.md")}
    report = scrape(migrated, ["mee-zcjd", "example-generic"], clock=clock).source("example-generic")
    assert report.merged == 3 and report.new == 13
    by_url = _by_url(settings)
    for record in older:
        article = by_url[fresh_mirror.url("trs", record)]
        assert article.origin_url.startswith("http://pufa.example.org/") and fresh_mirror.url("trs", record) in article.origin_urls
    assert len({p for p in settings.paths.content.rglob("index.md")} - before) == 13, "nothing archived anew for the three"
    slugs = {record["id"]: by_url[fresh_mirror.url("trs", record)].slug for record in older}
    fresh_mirror.delete_article("trs", older[0]["id"])
    old_site = scrape(migrated, ["mee-zcjd"], full=True, clock=clock).source("mee-zcjd")
    assert old_site.removed == 0, "the old address going away is the migration, not a removal"
    clock.advance(settings.fetch.revisit_max_days)
    revisited = scrape(migrated, ["example-generic"], clock=clock).source("example-generic")
    assert revisited.changed >= 3, "the new generation's text replaces the old one"
    by_url = _by_url(settings)
    for record in older:
        article = by_url[fresh_mirror.url("trs", record)]
        assert article.slug == slugs[record["id"]] and "迁移至新版网站" in article.body, "the slug stays"


def test_a_walk_short_of_what_the_list_announced_is_incomplete(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    scrape(settings, HANWEB)
    fresh_mirror.delete_article("hanweb", fresh_mirror.articles("hanweb")[20]["id"])
    fresh_mirror.inject_fault("hanweb", "short", match="dataproxy")
    report = scrape(settings, HANWEB, full=True).source("sthjt-hanweb")
    assert report.removed == 0 and any("records of the 40 the source announced" in r for r in report.reasons), report.reasons


def test_ucap_needs_only_its_column_the_rest_comes_from_the_column_page(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    sources = tuple(replace(s, params={"column": "col42150"}) if s.name == "sthjt-ucap" else s for s in settings.sources)
    report = scrape(replace(settings, sources=sources), ["sthjt-ucap"]).source("sthjt-ucap")
    assert (report.status, report.new) == ("ok", 35)


def test_unreachable_host_is_retried_once_quickly(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    closed = f"http://127.0.0.1:{free_port()}"
    settings = mirror_settings_for(fresh_mirror, tmp_path, retries=3, backoff=1.0)
    settings = replace(settings, fetch=replace(settings.fetch, host_map={**settings.fetch.host_map, "www.mee.gov.cn": closed}))
    pauses: list[float] = []
    report = scrape(settings, ["mee-zcjd"], sleep=pauses.append).source("mee-zcjd")
    assert report.status == "failed" and "connection failed" in report.reasons[0] and "after 2 attempts" in report.reasons[0]
    assert pauses == [0.25], "one quick retry, no backoff series"
    fresh_mirror.inject_fault("trs", "503", match="index.shtml")
    pauses.clear()
    served = replace(settings, fetch=replace(settings.fetch, host_map=fresh_mirror.host_map, retries=2, backoff=0.01))
    assert scrape(served, ["mee-zcjd"], sleep=pauses.append).source("mee-zcjd").status == "failed"
    assert pauses == [0.01, 0.02], "a 5xx keeps the exponential backoff"


def test_a_due_page_that_is_gone_brings_the_next_full_walk(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path, full_walk_days=365)
    clock = Clock()
    scrape(settings, ["mee-zcjd"], clock=clock)
    record = fresh_mirror.articles("trs")[-1]  # the oldest: far down the list, where nightly walks do not go
    fresh_mirror.delete_article("trs", record["id"])
    clock.advance(settings.fetch.revisit_max_days)
    night = scrape(settings, ["mee-zcjd"], clock=clock).source("mee-zcjd")
    assert (night.walk, night.status, night.failed, night.removed) == ("incremental", "ok", 0, 0)
    assert any(r.startswith("revisit: ") and record["path"] in r and "HTTP 404" in r for r in night.reasons), night.reasons
    clock.advance(1)
    following = scrape(settings, ["mee-zcjd"], clock=clock).source("mee-zcjd")
    assert (following.walk, following.removed) == ("full", 1)
