"""Removal upstream only when the article's own page confirms it, whatever the list says."""

from __future__ import annotations

import pytest

from fazhi.article import parse_article
from fazhi.content import load_tree
from scraper.mirror.pages import NOT_FOUND_PAGE
from scraper.mirror.sites.ucap import ucap_column
from scraper.platforms.ucap import parse_list_data
from scraper.run import scrape
from scraper.store import Store
from tests.fixtures.mirror import mirror_settings_for

UCAP = ["sthjt-ucap"]


def _file_of(settings, url: str):  # type: ignore[no-untyped-def]
    tree = load_tree(settings.paths.content)
    assert tree.ok, tree.problems
    return settings.paths.content / next(a for a in tree.articles if a.origin_url == url).path


def _embedded_ids(mirror) -> set[str]:  # type: ignore[no-untyped-def]
    """Ids in the column page's ``var listData`` as the mirror serves it now."""
    return {item["id"] for item in parse_list_data(ucap_column(mirror.data).body.decode("utf-8"))}


def test_pinned_item_that_drops_out_of_the_embedded_list_is_kept_active(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    pinned = next(a for a in fresh_mirror.articles("ucap") if "pinned_only" in a["flags"])
    url = fresh_mirror.url("ucap", pinned)
    assert scrape(settings, UCAP).source("sthjt-ucap").new == 35
    path = _file_of(settings, url)
    text = path.read_text("utf-8")

    added = 0
    while pinned["id"] in _embedded_ids(fresh_mirror):  # newer articles push it out of the newest-items list
        added += 1
        assert added <= 30, "the pinned item never left the embedded list"
        fresh_mirror.add_article("ucap", f"关于《云溪市生态环境执法规程》的解读（第{added}篇）", f"<p>第{added}篇解读正文。</p>")
    assert added >= 3
    fresh_mirror.clear_log()
    report = scrape(settings, UCAP, full=True).source("sthjt-ucap")
    assert (report.status, report.new, report.removed, report.not_listed) == ("ok", added, 0, 1), report.reasons
    assert any(r.startswith("not listed: ") and url in r and "HTTP 304" in r for r in report.reasons), report.reasons
    checks = [r for r in fresh_mirror.requests(site="ucap", method="GET") if r.path == pinned["path"]]
    assert [(r.conditional, r.status) for r in checks] == [(True, 304)], "one conditional GET of its page"
    assert path.read_text("utf-8") == text, "no removed_upstream written"
    with Store(settings.paths.state) as store:
        assert store.item(url).status == "active"

    quiet = scrape(settings, UCAP).source("sthjt-ucap")
    assert (quiet.walk, quiet.removed, quiet.not_listed) == ("incremental", 0, 0), "a nightly walk checks nothing"
    again = scrape(settings, UCAP, full=True).source("sthjt-ucap")
    assert (again.removed, again.not_listed, again.unchanged) == (0, 1, 35 + added - 1)

    fresh_mirror.delete_article("ucap", pinned["id"])
    gone = scrape(settings, UCAP, full=True).source("sthjt-ucap")
    assert (gone.removed, gone.not_listed) == (1, 0)
    assert parse_article(path.read_text("utf-8"), "x.md").removed_upstream is not None


@pytest.mark.parametrize("answer", ["404", "410", "redirect"])
def test_deleted_article_is_marked_removed_upstream(fresh_mirror, tmp_path, answer: str) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    scrape(settings, ["sthjt-hanweb"])
    record = fresh_mirror.articles("hanweb")[4]
    url = fresh_mirror.url("hanweb", record)
    path = _file_of(settings, url)
    with Store(settings.paths.state) as store:
        last_seen = store.item(url).last_seen[:10]

    fresh_mirror.delete_article("hanweb", record["id"], answer=answer)
    fresh_mirror.clear_log()
    report = scrape(settings, ["sthjt-hanweb"], full=True).source("sthjt-hanweb")
    assert (report.status, report.removed, report.not_listed, report.unchanged) == ("ok", 1, 0, 39)
    evidence = {"404": "HTTP 404", "410": "HTTP 410", "redirect": NOT_FOUND_PAGE}[answer]
    assert any(r.startswith("removed upstream") and evidence in r and url in r for r in report.reasons), report.reasons
    statuses = [r.status for r in fresh_mirror.requests(site="hanweb", method="GET") if r.path == record["path"]]
    assert statuses == [{"404": 404, "410": 410, "redirect": 302}[answer]]
    article = parse_article(path.read_text("utf-8"), "x.md")
    assert article.removed_upstream is not None and article.removed_upstream.isoformat() == last_seen
    assert "本文为示例内容" in article.body, "the archived text stays"
    with Store(settings.paths.state) as store:
        assert store.item(url).status == "removed"


def test_removal_check_that_fails_leaves_the_article_as_it_was(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    scrape(settings, ["mee-zcjd"])
    record = fresh_mirror.articles("trs")[6]
    url = fresh_mirror.url("trs", record)
    text = _file_of(settings, url).read_text("utf-8")
    fresh_mirror.delete_article("trs", record["id"])
    fresh_mirror.inject_fault("trs", "503", match=record["path"])
    report = scrape(settings, ["mee-zcjd"], full=True).source("mee-zcjd")
    assert (report.status, report.removed, report.not_listed) == ("ok", 0, 0)
    assert any("removal not confirmed" in r and url in r and "HTTP 503" in r for r in report.reasons), report.reasons
    assert _file_of(settings, url).read_text("utf-8") == text
    with Store(settings.paths.state) as store:
        assert store.item(url).status == "active"

    fresh_mirror.clear_faults()
    assert scrape(settings, ["mee-zcjd"]).source("mee-zcjd").removed == 1, "confirmed on the next run, a nightly one too"
