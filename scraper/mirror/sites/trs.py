"""The emulated TRS WCM column of www.mee.gov.cn (政策解读): ``index.shtml``, ``index_N.shtml`` with the
``createPageHTML`` pager, and ``/YYYYMM/tYYYYMMDD_<id>.shtml`` articles with ``div.TRS_Editor``."""

from __future__ import annotations

import datetime as dt
import html
import random
import re
from typing import Any

from scraper.mirror import generator as g
from scraper.mirror.pages import Form, Response, digits, html_response, html_text, latest, not_found, shortened, with_repeats
from scraper.mirror.site import Article, Dressed, Site, SiteData

TRS_PER_PAGE = 10


def trs_list(data: SiteData, number: int) -> Response:
    articles = data.articles("trs")
    listed = with_repeats(articles)
    pages = max(1, -(-len(listed) // TRS_PER_PAGE))
    if number >= pages:
        return not_found(f"/zcwj/zcjd/index_{number}.shtml")
    rows = []
    for a in listed[number * TRS_PER_PAGE:(number + 1) * TRS_PER_PAGE]:
        href = "./" + a["path"].split("/zcwj/zcjd/", 1)[1]
        rows.append(f'<li><span class="date">({a["date"][:10]})</span><a href="{href}" target="_blank" title="{html.escape(a["title"])}">'
                    f'{html.escape(shortened(a["title"], 24))}</a></li>')
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="ColumnName" content="政策解读">
<title>政策解读_生态环境部（样例镜像）</title></head><body>
<div class="crumbsNav">当前位置：<a href="../../" target="_parent">首页</a>&nbsp;&gt;&nbsp;
<a href="../">政策文件</a>&nbsp;&gt;&nbsp;政策解读</div>
<div class="main_rt_list"><ul id="div">
{chr(10).join(rows)}
</ul></div>
<div class="page"><script type="text/javascript">var countPage = {pages};
createPageHTML({pages}, {number}, "index", "shtml");</script></div>
</body></html>
"""
    return html_response(page, latest(articles))


def trs_article(a: dict[str, Any]) -> Response:
    title = html.escape(a["title"])
    meta_date = (dt.datetime.strptime(a["date"], "%Y-%m-%d %H:%M") + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    malformed = "malformed" in a["flags"]
    head_meta = (f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{meta_date}">'
                 '<meta name="ContentSource" content="生态环境部">')
    body = a["body"].replace("</p>", "", 2) if malformed else a["body"]
    close = "" if malformed else "</div></div>"
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">{head_meta}{head_meta if malformed else ""}
<title>{title}_生态环境部</title></head><body>
<div class="crumbsNav">当前位置：<a href="../../../" target="_parent">首页</a>&nbsp;&gt;&nbsp;
<a href="../../">政策文件</a>&nbsp;&gt;&nbsp;<a href="../">政策解读</a></div>
{"-->" if malformed else ""}
<h2 class="neiright_Title">{title}</h2>
<div class="neiright_Content"><div class="neiright_JPZ_GK">
<p class="ydLyZzBox"><span>{a['date'][:10]}</span><span>来源：生态环境部</span></p>
<span class="zzjgLdFont">字号：<a>[大]</a> <a class="active">[中]</a> <a >[小]</a></span></div>
<div class="neiright_JPZ_GK_CP"><div class=TRS_Editor><div class=Custom_UnionStyle>
{body}
{close}</div></div>
<div class="share">分享到：</div>
</body></html>
"""
    return html_response(page, a["updated"])


def respond(data: SiteData, method: str, path: str, query: Form, form: Form) -> Response | None:
    """A list page; None for any other path (articles, assets)."""
    match = re.fullmatch(r"/zcwj/zcjd/(?:index(?:_(\d+))?\.shtml)?", path)
    return trs_list(data, int(match.group(1) or 0)) if match and method == "GET" else None


def article_path(article_id: str, when: dt.datetime) -> str:
    return f"/zcwj/zcjd/{when:%Y%m}/t{when:%Y%m%d}_{article_id}.shtml"


def new_id(r: random.Random, date: str) -> str:
    return str(r.randrange(1_000_000, 1_099_999))


def dress(i: int, a: Article, art_id: str, r: random.Random) -> Dressed:
    """Full-width indentation; images and attachments linked relative to the article (``./W0…``, ``./P0…``)."""
    day = a["date"][:10].replace("-", "")
    extra = ""
    if i % 4 == 1:
        extra += f'<p style="text-align:center"><img src="./W0{day}{digits(r, 12)}.png" /></p>'
    if i % 5 == 3:
        extra += f'<p>附件：<a href="./P0{day}{digits(r, 12)}.pdf">{html_text(a["title"][:12])}.pdf</a></p>'
    return Dressed("fullwidth", [], extra)


def special_cases(a: list[Article], r: random.Random) -> None:
    """A repeat, an image-only item, malformed markup, XSS."""
    a[1]["flags"].append("repeated")
    a[2]["title"] = "一图读懂《" + a[2]["title"].split("《")[-1].split("》")[0] + "》"
    day = a[2]["date"][:10].replace("-", "")
    a[2]["body"] = f'<p style="text-align:center"><img src="./W0{day}{digits(r, 12)}.png" alt="一图读懂" /></p>'
    a[4]["flags"].append("malformed")
    a[6]["body"] += g.XSS_PAYLOAD
    a[6]["flags"].append("xss")


SITE = Site(
    key="trs", platform="trs", host="www.mee.gov.cn", source="mee-zcjd", scheme="https",
    sample=(28, dt.datetime(2019, 1, 7), dt.datetime(2025, 6, 27)),
    article_path=article_path, new_id=new_id, dress=dress, special_cases=special_cases,
    respond=respond, article_page=trs_article,
)
