"""Staff transcripts of a scraped article's pictures survive the scraper rewriting the article."""

from __future__ import annotations

from fazhi.article import parse_article
from scraper.run import scrape
from tests.fixtures.mirror import mirror_settings_for
from tests.scraper.conftest import Clock

TRS = ["mee-zcjd"]


def test_an_upstream_change_rewrites_the_article_and_keeps_staff_transcripts(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = mirror_settings_for(fresh_mirror, tmp_path, full_walk_days=0, revisit_min_days=0, revisit_max_days=0)
    fresh_mirror.data.save("trs", fresh_mirror.articles("trs")[:3])
    clock = Clock()
    scrape(settings, TRS, clock=clock)
    record = fresh_mirror.articles("trs")[2]  # the image-only 一图读懂
    url = fresh_mirror.url("trs", record)
    path = next(p for p in settings.paths.content.glob("*/*/*/index.md") if f"origin_url: {url}\n" in p.read_text("utf-8"))
    (image,) = [p.name for p in path.parent.iterdir() if p.suffix == ".png"]
    text = path.read_text("utf-8").replace("\nslug:", f"\ntranscripts:\n  {image}: |-\n    一、总则\n    本办法为示例。\nslug:", 1)
    path.write_text(text, "utf-8")

    fresh_mirror.edit_article("trs", record["id"], title=record["title"] + "（修订）")
    report = scrape(settings, TRS, full=True, clock=clock).source("mee-zcjd")

    assert report.changed == 1 and report.conflicts == 0, report.reasons
    article = parse_article(path.read_text("utf-8"), path.relative_to(settings.paths.content))
    assert article.title.endswith("（修订）")
    assert article.transcripts == ((image, "一、总则\n本办法为示例。"),)
