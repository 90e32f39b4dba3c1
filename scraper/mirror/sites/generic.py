"""The emulated plain CMS of pufa.example.org (the generic platform): ``index_N.html`` lists with a
``a.next`` link, and article pages in UTF-8, GB2312-declared or undeclared GBK, one in a table layout."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from scraper.mirror.data import MirrorData
from scraper.mirror.pages import Form, Response, html_response, latest, not_found, shortened, with_repeats

GENERIC_PER_PAGE = 8


def generic_list(data: MirrorData, number: int) -> Response:
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


def respond(data: MirrorData, method: str, path: str, query: Form, form: Form) -> Response | None:
    """A list page; None for any other path (articles, assets)."""
    match = re.fullmatch(r"/pfxc/(?:index(?:_(\d+))?\.html)?", path)
    return generic_list(data, int(match.group(1) or 1)) if match and method == "GET" else None


article_page = generic_article
