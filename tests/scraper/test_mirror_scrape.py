"""The whole mirror scraped over real HTTP: every platform, every quirk, sanitisation, a quiet re-run."""

from __future__ import annotations

import re

from fazhi.article import Article
from scraper.mirror import SITES
from scraper.run import scrape
from tests.scraper.conftest import articles_by_url, render, unsafe_parts

MS = SITES


def _find(mirror, site: str, flag: str) -> dict:  # type: ignore[no-untyped-def]
    return next(a for a in mirror.articles(site) if flag in a["flags"])


def _article(scraped_articles, mirror, site: str, record: dict) -> Article:  # type: ignore[no-untyped-def]
    url = mirror.url(site, record)
    assert url in scraped_articles, f"{url} was not archived"
    return scraped_articles[url]


def _folder(scraped, article: Article):  # type: ignore[no-untyped-def]
    return scraped.content / article.path.parent


def test_every_source_ran_clean_and_counts_match_the_mirror(scraped, mirror) -> None:  # type: ignore[no-untyped-def]
    report = scraped.report
    assert [s.name for s in report.sources] == [site.source for site in SITES.values()]
    for source in report.sources:
        assert source.status == "ok", source.reasons
        assert source.changed == source.unchanged == source.removed == source.conflicts == source.failed == 0
    # ucap: 36 items, two share title and date -> 35; hanweb and trs: all (their repeats dropped);
    # generic: 14 items, one behind robots.txt.
    assert report.source("sthjt-ucap").new == len(mirror.articles("ucap")) - 1
    assert report.source("sthjt-hanweb").new == len(mirror.articles("hanweb"))
    assert report.source("mee-zcjd").new == len(mirror.articles("trs"))
    generic = report.source("example-generic")
    assert generic.new == len(mirror.articles("generic")) - 1 and generic.skipped == 1
    assert any("disallowed by robots.txt" in r and "/pfxc/private/" in r for r in generic.reasons)
    assert not report.failed_sources and not report.blocked_sources and report.exit_code == 0 and report.changed_anything


def test_scraped_files_are_valid_articles_with_the_scraped_origin(scraped, scraped_articles) -> None:  # type: ignore[no-untyped-def]
    assert len(scraped_articles) == sum(s.new for s in scraped.report.sources)
    for url, article in scraped_articles.items():
        assert article.origin == "scraped" and article.content_hash and not article.staff_edited
        assert url.startswith(("http://sthjt.jiangxi.gov.cn/", "https://sthjt.jiangxi.gov.cn/", "https://www.mee.gov.cn/", "http://pufa.example.org/"))
        assert "127.0.0.1" not in article.to_markdown()
        assert re.fullmatch(r"[a-z0-9-]+", article.slug) and article.publisher


def test_ucap_queries_post_querylist_and_keeps_json_fields(scraped_articles, mirror) -> None:  # type: ignore[no-untyped-def]
    posts = [r for r in mirror.requests(site="ucap", method="POST")]
    assert posts and all(r.path == "/queryList" for r in posts)
    record = next(a for a in mirror.articles("ucap") if a["files"] and a["files"][0]["name"].endswith(".pdf"))
    article = _article(scraped_articles, mirror, "ucap", record)
    assert article.date.strftime("%Y-%m-%d %H:%M") == record["date"] and article.time_known
    assert article.source == record["office"]
    pdf = article.attachments[0]
    assert pdf.url.startswith("https://sthjt.jiangxi.gov.cn/doc/ucap/") and pdf.file.endswith(".pdf")
    assert not re.search(r"\d{13}\.pdf$", pdf.title), "the upload time stamp is dropped from the title"


def test_ucap_duplicates_pinned_items_and_odd_titles(scraped, scraped_articles, mirror) -> None:  # type: ignore[no-untyped-def]
    articles = mirror.articles("ucap")
    titles = [a.title for a in scraped_articles.values() if "sthjt-ucap" in a.slug]
    assert titles.count("一图读懂《云溪市入河排污口监督管理办法》") == 1, "same title and date: one article"
    assert titles.count(_find(mirror, "ucap", "repeated")["title"].strip()) == 1
    pinned = _article(scraped_articles, mirror, "ucap", _find(mirror, "ucap", "pinned_only"))
    assert pinned.body.strip()
    spaced = _article(scraped_articles, mirror, "ucap", _find(mirror, "ucap", "show_title_p"))
    assert spaced.title == spaced.title.strip() and "\u3000" not in spaced.title and "<p>" not in spaced.title
    image_only = _article(scraped_articles, mirror, "ucap", articles[1])
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", image_only.body)
    assert images and all((_folder(scraped, image_only) / name).is_file() for name in images)


def test_ucap_content_page_with_base_href_when_json_has_no_body(scraped, scraped_articles, mirror) -> None:  # type: ignore[no-untyped-def]
    record = _find(mirror, "ucap", "no_json_content")
    article = _article(scraped_articles, mirror, "ucap", record)
    assert any(r.path == record["path"] for r in mirror.requests(site="ucap", method="GET"))
    assert "访问量" not in article.body and "扫一扫" not in article.body
    local = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", article.body)
    assert any(name.startswith("rel") for name in local), "col42150/… resolved against <base href=/jxssthjt/>"
    assert all((_folder(scraped, article) / name).is_file() for name in local)


def test_hanweb_full_titles_visible_dates_and_chrome_removed(scraped_articles, mirror) -> None:  # type: ignore[no-untyped-def]
    for record in mirror.articles("hanweb"):
        article = _article(scraped_articles, mirror, "hanweb", record)
        assert article.title == record["title"] and "..." not in article.title
        assert article.date.strftime("%Y-%m-%d %H:%M") == record["date"], "发布时间 wins over meta PubDate (a day later)"
        assert article.source == record["office"]
        for junk in ("MsoNormal", "o:p", "font-family", "仿宋", "字号", "打印本页", "关闭窗口", "浏览次数", "&nbsp;", "\u00a0", "信息内容"):
            assert junk not in article.body, (junk, article.path)
    marked = _article(scraped_articles, mirror, "hanweb", _find(mirror, "hanweb", "marked_body"))
    assert "本文为示例内容" in marked.body


def test_hanweb_attachments_under_several_url_schemes(scraped, scraped_articles, mirror) -> None:  # type: ignore[no-untyped-def]
    attachments = [a for article in scraped_articles.values() if "sthjt-hanweb" in article.slug for a in article.attachments]
    urls = [a.url or "" for a in attachments]
    assert any("downfile.jsp?" in u and "filename=" in u for u in urls)
    assert any(u.startswith("http://sthjt.jiangxi.gov.cn/picture/0/") and u.endswith(".xls") for u in urls)
    assert any("/picture/-1/" in u and u.endswith(".pdf") for u in urls)
    for article in scraped_articles.values():
        for attachment in article.attachments:
            assert re.fullmatch(r"[A-Za-z0-9._-]+", attachment.file), attachment.file
            assert (_folder(scraped, article) / attachment.file).is_file()
    missing = _article(scraped_articles, mirror, "hanweb", next(a for a in mirror.articles("hanweb") if "missing-photo" in a["body"]))
    assert "](http://sthjt.jiangxi.gov.cn/picture/0/missing-photo.png)" in missing.body, "a lost image stays a link to the original"


def test_trs_pages_fullwidth_text_relative_assets_and_malformed_markup(scraped, scraped_articles, mirror) -> None:  # type: ignore[no-untyped-def]
    lists = {r.path for r in mirror.requests(site="trs", method="GET") if "index" in r.path}
    assert {"/zcwj/zcjd/index.shtml", "/zcwj/zcjd/index_1.shtml", "/zcwj/zcjd/index_2.shtml"} <= lists
    for record in mirror.articles("trs"):
        article = _article(scraped_articles, mirror, "trs", record)
        assert article.column == "interpretations" and article.publisher == "生态环境部"
        assert article.date.date().isoformat() == record["date"][:10]
        assert "\u3000" not in article.body and "字号" not in article.body and "分享到" not in article.body
    malformed = _article(scraped_articles, mirror, "trs", _find(mirror, "trs", "malformed"))
    assert "本文为示例内容" in malformed.body and "-->" not in malformed.body
    image_only = _article(scraped_articles, mirror, "trs", mirror.articles("trs")[2])
    (name,) = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", image_only.body)
    assert name.startswith("W0") and (_folder(scraped, image_only) / name).read_bytes().startswith(b"\x89PNG")


def test_generic_encodings_dates_fallback_and_base_href(scraped, scraped_articles, mirror) -> None:  # type: ignore[no-untyped-def]
    declared = _article(scraped_articles, mirror, "generic", _find(mirror, "generic", "gbk"))
    assert "镕溪镇、堃山村" in declared.body, "GB2312 label decoded as GB18030"
    undeclared = _article(scraped_articles, mirror, "generic", _find(mirror, "generic", "gbk_undeclared"))
    assert "本文为示例内容" in undeclared.body
    fallback = _article(scraped_articles, mirror, "generic", _find(mirror, "generic", "fallback_layout"))
    assert "本文为示例内容" in fallback.body and "首页 | 普法宣传" not in fallback.body
    for record in mirror.articles("generic"):
        if "disallowed" in record["flags"]:
            assert mirror.url("generic", record) not in scraped_articles
            continue
        article = _article(scraped_articles, mirror, "generic", record)
        assert article.date.date().isoformat() == record["date"][:10] and not article.time_known
    relative = next(a for a in scraped_articles.values() if any("/files/" in (x.url or "") for x in a.attachments))
    assert any(re.fullmatch(r"http://pufa\.example\.org/pfxc/art/\d{4}/files/.+\.xls", x.url or "") for x in relative.attachments)


def test_classification_by_title_keywords(scraped_articles) -> None:  # type: ignore[no-untyped-def]
    jiangxi = [a for a in scraped_articles.values() if a.slug.startswith("sthjt-")]
    assert {a.column for a in jiangxi} == {"summaries", "interpretations", "cases"}
    for article in jiangxi:
        if "工作总结" in article.title or "年度普法责任清单" in article.title:
            assert article.column == "summaries", article.title
        elif "以案释法" in article.title or "典型案例" in article.title:
            assert article.column == "cases", article.title


def test_nothing_executable_survives_from_the_xss_pages(scraped_articles, mirror) -> None:  # type: ignore[no-untyped-def]
    xss = {mirror.url(site, r) for site in SITES for r in mirror.articles(site) if "xss" in r["flags"]}
    assert len(xss) == 4
    for url, article in scraped_articles.items():
        html = render(article.body)
        assert unsafe_parts(html) == [], (url, unsafe_parts(html))
        assert not re.search(r"<\s*script|javascript:|\bon\w+\s*=", html.replace("javascript:alert('xss-md')", ""), re.I), url
    for url in xss:
        body = scraped_articles[url].body
        assert "请依法依规开展工作。" in body and "数据链接" in body, "the text around the payload is kept"


def test_rerun_writes_nothing_and_asks_only_for_the_newest_list_pages(scraped, mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    files = sorted(scraped.content.rglob("*"))
    before = {p: p.stat().st_mtime_ns for p in files}
    raw = {p: p.stat().st_mtime_ns for p in (scraped.settings.paths.state / "raw").rglob("*") if p.is_file()}
    mirror.clear_log()
    report = scrape(scraped.settings)
    for source in report.sources:
        assert source.status == "ok" and source.new == source.changed == source.removed == source.revisited == 0, source
        assert source.walk == "incremental" and source.unchanged == source.not_due == source.entries > 0, source
    assert {s.name: s.list_pages for s in report.sources} == {
        "sthjt-ucap": 2, "sthjt-hanweb": 1, "mee-zcjd": 1, "example-generic": 1}, "the column page and the first page of each list"
    assert sorted(scraped.content.rglob("*")) == files
    assert {p: p.stat().st_mtime_ns for p in files} == before
    after = {p: p.stat().st_mtime_ns for p in (scraped.settings.paths.state / "raw").rglob("*") if p.is_file()}
    assert after == raw, "raw copies are rewritten only when their bytes change"
    asked = [r for r in mirror.requests() if r.path != "/robots.txt"]
    assert len(asked) == sum(s.list_pages for s in report.sources), [r.path for r in asked]
    assert sum(s.requests for s in report.sources) == len(mirror.requests())
    assert not report.changed_anything


def test_offline_rerun_reads_only_the_raw_store(scraped, mirror) -> None:  # type: ignore[no-untyped-def]
    mirror.clear_log()
    report = scrape(scraped.settings, sources=["mee-zcjd", "sthjt-hanweb"], offline=True)
    assert mirror.requests() == []
    for source in report.sources:
        assert source.status == "ok" and source.unchanged > 0 and source.requests == 0
    assert articles_by_url(scraped.content)
