"""The small parts on their own: dates, decoding, cleaning, Markdown escaping, names, dedupe."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from fazhi.config import FetchSettings
from scraper import clean
from scraper.assets import safe_name
from scraper.entries import dedupe
from scraper.html2md import to_markdown
from scraper.http import HostMapTransport, build_client, decode
from scraper.mirror.generator import XSS_PAYLOAD
from scraper.platforms import ListEntry
from tests.scraper.conftest import render, unsafe_parts


@pytest.mark.parametrize(("text", "expected", "time_known"), [
    ("发布时间：2020-12-22 16:11浏览次数：", dt.datetime(2020, 12, 22, 16, 11), True),
    ("2020年12月22日", dt.datetime(2020, 12, 22), False),
    ("[2017-04-24]", dt.datetime(2017, 4, 24), False),
    ("(2025-03-01)", dt.datetime(2025, 3, 1), False),
    ("2023-05-16 12:34:05", dt.datetime(2023, 5, 16, 12, 34), True),
    ("https://www.mee.gov.cn/zcwj/zcjd/202306/t20230605_1032610.shtml", dt.datetime(2023, 6, 5), False),
    ("http://sthjt.jiangxi.gov.cn/art/2020/7/20/art_42202_2796146.html", dt.datetime(2020, 7, 20), False),
    ("/doc/ucap/1749973237782081536/document/20250801/WKgZu66N.pdf", dt.datetime(2025, 8, 1), False),
    ("2023-02-30 与 2023-03-01", dt.datetime(2023, 3, 1), False),
])
def test_find_date_formats(text: str, expected: dt.datetime, time_known: bool) -> None:
    assert clean.find_date(text) == (expected, time_known)


def test_find_date_none() -> None:
    assert clean.find_date("浏览次数：12") is None and clean.find_date(None) is None


def test_decode_order_and_gbk_superset() -> None:
    text = "<p>镕溪镇的群众</p>"
    gbk = text.encode("gb18030")
    assert decode(gbk, "text/html; charset=GB2312") == (text, "gb18030")
    assert decode(b'<meta charset="gbk">' + gbk, "text/html")[0].endswith(text)
    assert decode(text.encode("utf-8"), None) == (text, "utf-8")
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8"), "text/html; charset=iso-8859-1") == (text, "utf-8")
    long_gbk = ("生态环境保护工作总结，依法行政，普法宣传，典型案例，以案释法。" * 20).encode("gb18030")
    decoded, encoding = decode(long_gbk, "text/html")
    assert "以案释法" in decoded and encoding in ("gb18030", "gbk", "gb2312")


def test_clean_body_strips_word_junk_chrome_and_resolves_links() -> None:
    page = clean.soup("""<html><head><base href="/jxssthjt/"></head><body><div id="zoom">
      <p class="MsoNormal" style="text-indent:2em"><span style="font-family:仿宋_GB2312">
      <font face="仿宋">\u3000\u3000正文&nbsp;第一段</font></span><o:p></o:p></p>
      <div class="print">【打印本页】【关闭窗口】</div><p>字号：[ 大 中 小 ]</p><p>浏览次数：<span id="view">12</span></p>
      <p><img src="col42150/1/a.png" onerror="x()"><a href="../doc/a.pdf">附件</a></p>
      <table><tr><td>大</td><td>小</td></tr></table></div></body></html>""")
    base = clean.base_url(page, "https://sthjt.jiangxi.gov.cn/jxssthjt/col/col42150/content/content_1.html")
    body = clean.clean_body(page.find(id="zoom"), base)
    for junk in ("MsoNormal", "o:p", "style=", "font", "打印", "字号", "浏览次数", "\u3000", "\xa0", "onerror"):
        assert junk not in body, junk
    assert 'src="https://sthjt.jiangxi.gov.cn/jxssthjt/col42150/1/a.png"' in body
    assert 'href="https://sthjt.jiangxi.gov.cn/doc/a.pdf"' in body
    assert "<td>大</td><td>小</td>" in body, "table cells are content, not a font switcher"
    assert clean.attachments_in(clean.soup(body)) == [("附件", "https://sthjt.jiangxi.gov.cn/doc/a.pdf")]


def test_markdown_keeps_structure_and_escapes_text() -> None:
    md = to_markdown("<h2>一、背景</h2><p><b>重点</b>内容 a*b_c</p><ul><li>甲</li><li>乙</li></ul>"
                     "<table><tr><td>项目</td><td>数</td></tr><tr><td>a|b</td><td>1<br>2</td></tr></table>"
                     "<p>&lt;b&gt;不是标签&lt;/b&gt; [x](y) &amp;amp;</p><p>line1<br>line2</p>")
    assert "## 一、背景" in md and "**重点**" in md and "- 甲\n- 乙" in md
    assert "| 项目 | 数 |" in md and r"a\|b" in md and r"a\*b\_c" in md
    assert "&lt;b&gt;不是标签" in md and r"\[x\]\(y)" in md and "&amp;amp;" in md
    assert "line1\n\nline2" in md
    html = render(md)
    assert "<table>" in html and "<strong>重点</strong>" in html and "<b>" not in html


def test_xss_payload_leaves_nothing_executable() -> None:
    html = render(to_markdown(XSS_PAYLOAD))
    assert unsafe_parts(html) == []
    assert "alert('xss-script')" not in html and "xss-iframe" not in html and "xss-svg" not in html
    assert "请依法依规开展工作。" in html


def test_safe_names() -> None:
    assert safe_name("https://x.cn/doc/ucap/1/document/20250801/WKgZu66N.pdf", False, set()) == "WKgZu66N.pdf"
    assert safe_name("http://x.cn/module/download/downfile.jsp?classid=0&filename=ab12cd.doc", False, set()) == "ab12cd.doc"
    chinese = safe_name("http://x.cn/files/关于印发的通知.PDF", False, set())
    assert chinese.startswith("file-") and chinese.endswith(".pdf")
    assert safe_name("http://x.cn/picture/get?id=5", True, set()).endswith(".jpg")
    taken = {"a.pdf"}
    assert safe_name("http://y.cn/a.pdf", False, taken) != "a.pdf"


def test_dedupe_by_id_and_by_title_and_day() -> None:
    when = dt.datetime(2025, 7, 29, 16, 59)
    entries = [
        ListEntry("https://a/1", "一图读懂《办法》", when, True, {"id": "1"}),
        ListEntry("https://a/1", "一图读懂《办法》", when, True, {"id": "1"}),
        ListEntry("https://a/2", "一图读懂 《办法》", when.replace(hour=9), True, {"id": "2"}),
        ListEntry("https://a/3", "一图读懂《办法》", when.replace(day=30), True, {"id": "3"}),
    ]
    assert [e.key for e in dedupe(entries)] == ["1", "3"]


def test_host_map_keeps_the_real_host_header() -> None:
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), request.headers["host"]))
        return httpx.Response(200, text="ok")

    transport = HostMapTransport({"www.mee.gov.cn": "http://127.0.0.1:9"}, httpx.MockTransport(handler))
    with build_client(FetchSettings(), transport, own_hosts=["www.mee.gov.cn", "other.example"]) as client:
        response = client.get("https://www.mee.gov.cn/zcwj/zcjd/index.shtml")
        client.get("https://other.example/x")
    assert seen == [("http://127.0.0.1:9/zcwj/zcjd/index.shtml", "www.mee.gov.cn"), ("https://other.example/x", "other.example")]
    assert str(response.url) == "https://www.mee.gov.cn/zcwj/zcjd/index.shtml"
    assert response.request.headers["user-agent"].startswith("fazhi-archiver/")
