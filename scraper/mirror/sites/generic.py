"""The emulated plain CMS of pufa.example.org (the generic platform): ``index_N.html`` lists with a
``a.next`` link, and article pages in UTF-8, GB2312-declared or undeclared GBK, one in a table layout."""

from __future__ import annotations

import datetime as dt
import html
import random
import re
from typing import Any

from scraper.mirror import generator as g
from scraper.mirror.pages import Form, Response, html_response, latest, not_found, shortened, token, with_repeats
from scraper.mirror.site import Article, Dressed, Site, SiteData

GENERIC_PER_PAGE = 8


def generic_list(data: SiteData, number: int) -> Response:
    articles = data.articles("generic")
    listed = with_repeats(articles)
    pages = max(1, -(-len(listed) // GENERIC_PER_PAGE))
    if number > pages:
        return not_found(f"/pfxc/index_{number}.html")
    rows = []
    for a in listed[(number - 1) * GENERIC_PER_PAGE: number * GENERIC_PER_PAGE]:
        when = dt.datetime.strptime(a["date"], "%Y-%m-%d %H:%M")
        rows.append(f'<li><a href="{a["path"].removeprefix("/pfxc/")}" title="{html.escape(a["title"])}">'
                    # no </li>: some old templates leave list items unclosed
                    f"{html.escape(shortened(a['title'], 18))}</a><em>{when.year}年{when.month}月{when.day}日</em>")
    following = f'<a class="next" href="index_{number + 1}.html">下一页</a>' if number < pages else '<span class="next">下一页</span>'
    page = f"""<html><head><meta charset="utf-8"><base href="/pfxc/"><title>普法宣传 - 示例普法网（样例镜像）</title></head><body>
<div class="nav"><a href="/">首页</a> | <a href="index.html">普法宣传</a></div>
<div class="news-list"><ul>
{chr(10).join(rows)}
</ul></div>
-->
<div class="pager">第{number}页 共{pages}页 {following}</div>
</body></html>
"""
    return html_response(page, latest(articles))


def generic_article(a: dict[str, Any]) -> Response:
    title = html.escape(a["title"])
    when = dt.datetime.strptime(a["date"], "%Y-%m-%d %H:%M")
    shown = f"{when.year}年{when.month}月{when.day}日"
    folder = a["path"].rsplit("/", 1)[0] + "/"
    gbk = "gbk" in a["flags"] or "gbk_undeclared" in a["flags"]
    charset = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' if "gbk" in a["flags"] else (
        "" if gbk else '<meta charset="utf-8">')
    if "fallback_layout" in a["flags"]:
        inner = (f'<table width="100%"><tr><td class="nav">首页 | 普法宣传</td></tr><tr><td class="art">'
                 f'<div class="bt">{title}</div><div class="sj">时间：{shown}&ensp;来源：{html.escape(a["office"])}</div>\n'
                 f'{a["body"]}</td></tr></table>')
    else:
        inner = (f'<div class="detail"><h1>{title}</h1><div class="info">发布日期：{shown}&ensp;&ensp;来源：{html.escape(a["office"])}'
                 f'&ensp;&ensp;<span class="print">【打印】</span></div>\n<div class="detail-content">{a["body"]}</div></div>')
    page = f"""<html><head>{charset}<base href="{folder}"><title>{title} - 示例普法网</title></head><body>
<div class="nav"><a href="/">首页</a> | <a href="/pfxc/index.html">普法宣传</a></div>
{inner}
<div class="footer">示例普法网 样例镜像 版权所有</div>
</body></html>
"""
    return html_response(page, a["updated"], encoding="gb18030" if gbk else "utf-8", declare=not gbk)


def respond(data: SiteData, method: str, path: str, query: Form, form: Form) -> Response | None:
    """A list page; None for any other path (articles, assets)."""
    match = re.fullmatch(r"/pfxc/(?:index(?:_(\d+))?\.html)?", path)
    return generic_list(data, int(match.group(1) or 1)) if match and method == "GET" else None


def article_path(article_id: str, when: dt.datetime) -> str:
    return f"/pfxc/art/{when.year}/{article_id}.html"


def new_id(r: random.Random, date: str) -> str:
    return f"{date[5:7]}{date[8:10]}-{r.randrange(10, 99)}"


def dress(i: int, a: Article, art_id: str, r: random.Random) -> Dressed:
    """``&ensp;`` indentation; attachments linked relative to the list's ``<base>`` and absolute under /uploads/."""
    extra = ""
    if i % 3 == 0:
        extra += f'<p>附件：<a href="files/{art_id}.xls">统计报表.xls</a></p>'
    if i % 4 == 1:
        extra += f'<p><a href="http://pufa.example.org/uploads/{a["date"][:4]}/{token(r, 10)}.pdf">附件：政策原文.pdf</a></p>'
    return Dressed("ensp", [], extra)


def special_cases(a: list[Article], r: random.Random) -> None:
    """GB2312-declared and undeclared GBK pages, a repeat, a table layout, XSS, a page behind robots.txt."""
    a[1]["flags"].append("gbk")
    a[1]["body"] = a[1]["body"].replace("</p>", "镕溪镇、堃山村的群众代表参加了座谈。</p>", 1)
    a[3]["flags"].append("gbk_undeclared")
    a[2]["flags"].append("repeated")
    a[5]["flags"].append("fallback_layout")
    a[9]["body"] += g.XSS_PAYLOAD
    a[9]["flags"].append("xss")
    a[11]["flags"].append("disallowed")
    a[11]["path"] = f"/pfxc/private/{a[11]['date'][:4]}/{a[11]['id']}.html"


SITE = Site(
    key="generic", platform="generic", host="pufa.example.org", source="example-generic", scheme="http",
    sample=(14, dt.datetime(2018, 1, 8), dt.datetime(2024, 6, 28)),
    article_path=article_path, new_id=new_id, dress=dress, special_cases=special_cases,
    respond=respond, article_page=generic_article, disallow=("/pfxc/private/",),
)
