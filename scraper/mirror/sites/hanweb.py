"""The emulated Hanweb JCMS generation of sthjt.jiangxi.gov.cn: the column page with ``<datastore>`` CDATA
records and a ``nextgroup`` link, ``POST dataproxy.jsp`` XML pages, and ``/art/Y/M/D/art_<col>_<id>.html`` articles."""

from __future__ import annotations

import datetime as dt
import html
import random
from typing import Any
from urllib.parse import quote

from scraper.mirror import generator as g
from scraper.mirror.pages import Form, Response, digits, first, html_response, html_text, latest, shortened, token, with_repeats
from scraper.mirror.site import Article, Dressed, Site, SiteData

# The column/unit ids the mirror answers for: the same as the real site (and fazhi.yml).
HANWEB_COLUMN, HANWEB_UNIT, HANWEB_WEBID = "42150", "380055", "2"

HANWEB_EMBEDDED = 15
DATAPROXY = "/module/web/jpage/dataproxy.jsp"


def _hanweb_record(a: dict[str, Any]) -> str:
    return (f'<record><![CDATA[\n<li>        <a href="{a["path"]}" target="_blank" title="{html.escape(a["title"])}">'
            f'{html.escape(shortened(a["title"], 20))}</a><span class="bt-data-time">[{a["date"][:10]}]</span>    </li>]]></record>')


def _hanweb_nextgroup() -> str:
    return (f'<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid={HANWEB_WEBID}&path=/'
            f'&columnid={HANWEB_COLUMN}&unitid={HANWEB_UNIT}&webname={quote("江西省生态环境厅")}&permissiontype=0"></a>]]></nextgroup>')


def hanweb_column(data: SiteData) -> Response:
    articles = data.articles("hanweb")
    listed = with_repeats(articles)
    records = "\n".join(_hanweb_record(a) for a in listed[:HANWEB_EMBEDDED])
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="Generator" content="大汉版通" />
<title>政策法规解读· 以案释法 江西省生态环境厅（样例镜像）</title>
</head><body>
<div class="bt-position">首页 &gt;&gt; 政务公开 &gt;&gt; 政策法规解读· 以案释法</div>
<div id="{HANWEB_UNIT}"><script type="text/xml"><datastore>
{_hanweb_nextgroup()}
<recordset>
{records}
</recordset>
</datastore></script></div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script>$(document).ready(function(){{ $('#{HANWEB_UNIT}').jpage({{ dataStore: $('#{HANWEB_UNIT}').find('script').html(),
  perPage: 15, totalRecord: {len(listed)}, proxyUrl: '/module/web/jpage/dataproxy.jsp', groupSize: 3 }}); }});</script>
<!-- Produced By 大汉网络 大汉版通发布系统 样例镜像 -->
</body></html>
"""
    return html_response(page, latest(articles))


def hanweb_dataproxy(data: SiteData, query: dict[str, list[str]], form: dict[str, list[str]]) -> Response:
    listed = with_repeats(data.articles("hanweb"))
    if (first(form, "columnid"), first(form, "unitid"), first(form, "webid")) != (HANWEB_COLUMN, HANWEB_UNIT, HANWEB_WEBID):
        listed = []
    try:
        start, end = int(first(query, "startrecord", "1")), int(first(query, "endrecord", "45"))
        per_page = int(first(query, "perpage", "15"))
    except ValueError:
        return Response(400, "text/xml; charset=utf-8", b"<datastore><error>bad paging</error></datastore>")
    records = "\n".join(_hanweb_record(a) for a in listed[max(0, start - 1): end])
    pages = -(-len(listed) // max(1, per_page))
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n{_hanweb_nextgroup()}\n<totalrecord>{len(listed)}</totalrecord>\n'
           f"<totalpage>{pages}</totalpage>\n<recordset>\n{records}\n</recordset>\n</datastore>\n")
    return Response(200, "text/xml; charset=utf-8", xml.encode(), None)


def hanweb_article(a: dict[str, Any]) -> Response:
    title = html.escape(a["title"])
    when = dt.datetime.strptime(a["date"], "%Y-%m-%d %H:%M")
    meta_date = (when + dt.timedelta(days=1)).replace(hour=9, minute=30).strftime("%Y-%m-%d %H:%M:%S")
    pub_name = "pubdate" if "lowercase_pubdate" in a["flags"] else "PubDate"
    body_open = '<div class="bt-content">' if "marked_body" in a["flags"] else '<div id="zoom">'
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="SiteName" content="江西省生态环境厅">
<meta name="ColumnName" content="政策法规解读· 以案释法">
<meta name="ArticleTitle" content="{title}">
<meta name="{pub_name}" content="{meta_date}">
<meta name="ContentSource" content="{html.escape(a['office'])}">
<title>{title}</title>
</head><body>
<div class="bt-position">首页 &gt;&gt; 政务公开 &gt;&gt; 政策法规解读· 以案释法</div>
<div class="bt-article">
<h1 class="title">{title}</h1>
<div class="sub-title"><span>发布时间：{a['date']}</span><span>浏览次数：<span id="hits"></span></span>
<span>字号：[ <a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a>
<a href="javascript:doZoom(14)">小</a> ]</span></div>
{body_open}<!--<$[信息内容]>begin-->{a['body']}<!--<$[信息内容]>end--></div>
<div class="resource">信息来源：{html.escape(a['office'])}</div>
<div class="bt-print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<script>document.getElementById('hits').innerHTML = '';</script>
</body></html>
"""
    return html_response(page, a["updated"])


def respond(data: SiteData, method: str, path: str, query: Form, form: Form) -> Response | None:
    """The column page or a dataproxy answer; None for any other path (articles, assets)."""
    if method == "POST":
        return hanweb_dataproxy(data, query, form) if path == DATAPROXY else None
    if path in (f"/col/col{HANWEB_COLUMN}/index.html", f"/col/col{HANWEB_COLUMN}/"):
        return hanweb_column(data)
    return None


def article_path(article_id: str, when: dt.datetime) -> str:
    return f"/art/{when.year}/{when.month}/{when.day}/art_{HANWEB_COLUMN}_{article_id}.html"


def new_id(r: random.Random, date: str) -> str:
    return str(r.randrange(2_700_000, 5_100_000))


def dress(i: int, a: Article, art_id: str, r: random.Random) -> Dressed:
    """Word or ``&nbsp;`` markup; attachments in the body through ``downfile.jsp``, absolute and ``insertfileTag`` links; images."""
    extra = ""
    if i % 5 == 0:
        href = f"/module/download/downfile.jsp?classid=0&amp;filename={token(r, 12)}.doc"
        extra += f'<p>附件：<a href="{href}">{html_text(a["title"][:10])}登记表.doc</a></p>'
    if i % 6 == 1:
        extra += f'<p><a href="http://sthjt.jiangxi.gov.cn/picture/0/{digits(r, 14)}.xls">附件：统计表.xls</a></p>'
    if i % 9 == 4:
        extra += f'<p class="insertfileTag"><a href="/picture/-1/{token(r, 16)}.pdf">附件：相关文件.pdf</a></p>'
    if i % 4 == 3:
        extra = f'<p style="text-align:center"><img src="/picture/0/{digits(r, 14)}.png" alt="现场图片"></p>' + extra
    return Dressed("word" if i % 3 == 0 else "nbsp", [], extra)


def special_cases(a: list[Article], r: random.Random) -> None:
    """A repeat, XSS, an image that is gone, ``pubdate`` in lower case on every fourth page, a marked body."""
    a[3]["flags"].append("repeated")
    a[7]["body"] += g.XSS_PAYLOAD
    a[7]["flags"].append("xss")
    a[11]["body"] += '<p><img src="/picture/0/missing-photo.png" alt="已失效的图片"></p>'
    for i in range(1, len(a), 4):
        a[i]["flags"].append("lowercase_pubdate")
    a[13]["flags"].append("marked_body")


SITE = Site(
    key="hanweb", platform="hanweb", host="sthjt.jiangxi.gov.cn", source="sthjt-hanweb", scheme="http",
    sample=(40, dt.datetime(2016, 1, 4), dt.datetime(2024, 11, 28)),
    article_path=article_path, new_id=new_id, dress=dress, special_cases=special_cases,
    respond=respond, article_page=hanweb_article, disallow=("/module/visitcount/",),
)
