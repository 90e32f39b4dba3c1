"""Parsers against captured real pages in ../shared/real_html (skipped when the folder is absent)."""

from __future__ import annotations

import datetime as dt

from scraper.html2md import to_markdown
from scraper.http import Page
from scraper.platforms import ListEntry
from scraper.platforms.ucap import UcapPlatform, entry_from_json, page_params, parse_list_data
from scraper.policies import is_challenge
from tests.scraper.conftest import render, unsafe_parts

LIST_URL = "https://sthjt.jiangxi.gov.cn/jxssthjt/col/col42150/index.html"
YICHUN_URL = "https://www.yichun.gov.cn/ycsrmzf/tjgb/202305/36796cdc82d04268913f2884cf2fe579.shtml"


def test_sthjt_column_page_embedded_list(shared_dir) -> None:  # type: ignore[no-untyped-def]
    html = (shared_dir / "real_html" / "sthjt_jiangxi_col42150_list_2025.html").read_text("utf-8")
    items = parse_list_data(html)
    assert len(items) == 50
    params = page_params(html)
    assert (params["unitid"], params["webSiteCode"], params["channelCode"], params["perPage"]) == ("380055", "jxssthjt", "col42150", "15")
    entries = [entry_from_json(item, "https://sthjt.jiangxi.gov.cn/") for item in items]
    assert all(e is not None for e in entries)
    first = entries[0]
    assert first.title == "《江西省生态环境分类执法监管办法》政策解读"
    assert first.url == "https://sthjt.jiangxi.gov.cn/jxssthjt/col/col42150/content/content_1951206363677671424.html"
    assert (first.date, first.time_known) == (dt.datetime(2025, 7, 29, 16, 59), True)
    assert first.ids == {"id": "1951206363677671424"} and first.extra["source"] == "生态环境执法局(生态环境厅)"
    (title, url), = first.extra["files"]
    assert url == "https://sthjt.jiangxi.gov.cn/doc/ucap/1749973237782081536/document/20250801/WKgZu66N.pdf"
    assert title == "关于印发《江西省生态环境分类执法监管办法》的通知.pdf"
    assert entries[-1].date == dt.datetime(2022, 12, 16, 17, 3)
    assert all(e.date and e.title and "<p>" not in e.title for e in entries)
    assert len({e.key for e in entries}) == 50 and len({e.title for e in entries}) < 50, "the real list repeats titles"
    assert not is_challenge(html.encode())


def test_gansu_pages_are_recognised_as_ruishu_challenges(shared_dir) -> None:  # type: ignore[no-untyped-def]
    for name in ("gansu_fzgg_article_ruishu_2025.html", "gansu_jyt_list_ruishu_2025.html"):
        assert is_challenge((shared_dir / "real_html" / name).read_bytes()), name


def test_yichun_ucap_article_body(shared_dir) -> None:  # type: ignore[no-untyped-def]
    raw = (shared_dir / "real_html" / "yichun_gov_ucap_article_2023_browser_saved.html").read_bytes()
    page = Page(YICHUN_URL, 200, {"content-type": "text/html"}, raw)
    draft = UcapPlatform().parse_article(page, ListEntry(YICHUN_URL, "", None))
    assert draft.title == "宜春市2022年国民经济和社会发展统计公报"
    assert draft.source == "宜春市统计局"
    assert (draft.date, draft.date_from) == (dt.datetime(2023, 5, 16, 12, 34), "meta")
    assert "初步核算，全年实现地区生产总值" in draft.body_html and "资料来源" in draft.body_html
    for junk in ("MsoNormal", "o:p", "font-family", "CESI", "访问量", "扫一扫", "setedaria", "onclick"):
        assert junk not in draft.body_html, junk
    assert unsafe_parts(render(to_markdown(draft.body_html))) == []
