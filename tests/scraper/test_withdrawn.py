"""A withdrawn article stays withdrawn: no scrape, online or re-extracting offline, restores it."""

from __future__ import annotations

from fazhi.article import parse_article
from fazhi.content import load_tree
from fazhi_app.withdrawal import withdraw
from scraper.run import scrape
from tests.fixtures.mirror import mirror_settings_for

UCAP = ["sthjt-ucap"]


def test_the_scraper_never_restores_a_withdrawn_article(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path)
    assert scrape(settings, UCAP, progress=False).source("sthjt-ucap").new > 0
    tree = load_tree(settings.paths.content)
    target = tree.articles[0]
    path = settings.paths.content / str(target.path)
    withdraw(settings, str(path), "示例：依法院裁定撤回")
    withdrawn_text = path.read_text("utf-8")

    for offline in (False, True):
        report = scrape(settings, UCAP, progress=False, offline=offline).source("sthjt-ucap")
        assert path.read_text("utf-8") == withdrawn_text, f"offline={offline}: the withdrawn file was rewritten"
        assert any(target.origin_url in r and "withdrawn" in r for r in report.reasons), report.reasons
    after = load_tree(settings.paths.content)
    assert target.slug in {a.slug for a in after.withdrawn} and target.slug not in {a.slug for a in after.articles}
    assert parse_article(withdrawn_text, str(target.path)).withdrawn_reason == "示例：依法院裁定撤回"
