"""Pages of the four emulated platforms, in the shapes the real sites serve (HTML, XML, JSON).

Every function takes site data and returns a ``Response``; ``route`` maps a request
(host, method, path, query, form) to one. The markup is our own, modelled on the
structures described in the project's source-site notes: UCAP's embedded
``listData`` and ``POST /queryList``, Hanweb's ``<datastore>`` records and
``dataproxy.jsp``, TRS ``index_N.shtml`` and ``TRS_Editor``, and a plain CMS for the
generic platform.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from scraper.mirror import samples
from scraper.mirror.data import (
    HANWEB_COLUMN,
    HANWEB_UNIT,
    HANWEB_WEBID,
    SITES,
    UCAP_COLUMN,
    UCAP_SITE_CODE,
    UCAP_UNIT,
    MirrorData,
)

UCAP_CHANNEL_ID = "1765025142823501824"
UCAP_PER_PAGE = 15
UCAP_EMBEDDED = 20
HANWEB_EMBEDDED = 15
TRS_PER_PAGE = 10
GENERIC_PER_PAGE = 8
ASSET_TYPES = {
    ".pdf": "application/pdf", ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".png": "image/png", ".jpg": "image/png", ".jpeg": "image/png", ".gif": "image/png",
}
ROBOTS = {
    "sthjt.jiangxi.gov.cn": "User-agent: *\nDisallow: /module/visitcount/\nDisallow: /jxssthjt/search/\n",
    "www.mee.gov.cn": "User-agent: *\nAllow: /\n",
    "pufa.example.org": "User-agent: *\nDisallow: /pfxc/private/\n",
}
FIXED_MODIFIED = "2024-01-01T00:00:00+00:00"
# Where a site redirects requests for deleted pages: a page answered with 200, as many CMSs do.
NOT_FOUND_PAGE = "/404.html"


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    modified: str | None = None  # ISO time for Last-Modified; None: no validators
    headers: dict[str, str] = field(default_factory=dict)


def _html(text: str, modified: str | None, encoding: str = "utf-8", declare: bool = True) -> Response:
    content_type = f"text/html; charset={encoding}" if declare and encoding == "utf-8" else "text/html"
    return Response(200, content_type, text.encode(encoding), modified)


def not_found(path: str) -> Response:
    return Response(404, "text/html; charset=utf-8", f"<html><body><h1>404</h1><p>{html.escape(path)} 不存在</p></body></html>".encode())


def not_found_page() -> Response:
    """The page a redirect for a deleted article lands on: HTTP 200, saying the page does not exist."""
    page = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 页面不存在</title></head>'
            '<body><div class="error"><h1>404</h1><p>抱歉，您访问的页面不存在或已被删除。</p><a href="/">返回首页</a></div></body></html>')
    return _html(page, FIXED_MODIFIED)


def challenge_page(seed: str) -> bytes:
    """A page shaped like a 瑞数 challenge: ``<meta … r="m">`` and a ``$_ts`` bootstrap, no content."""
    token = hashlib.sha256(seed.encode()).hexdigest()
    return (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        f'<meta content="{token[:32]}" r="m"><script r=\'m\'>$_ts=window[\'$_ts\'];if(!$_ts)$_ts={{}};'
        f'$_ts.nsd={int(token[:4], 16)};$_ts.cd="{token}";</script>'
        f'<script type="text/javascript" charset="utf-8" src="/{token[:10]}/{token[10:22]}.{token[22:28]}.js" r=\'m\'></script>'
        "</head><body></body></html>"
    ).encode()


def asset(path: str) -> Response:
    """A small file of the type its extension says, the same bytes for the same path."""
    ext = re.search(r"\.[A-Za-z0-9]+$", path.split("?")[0].split("filename=")[-1])
    kind = ext.group(0).lower() if ext else ""
    if "missing" in path or kind not in ASSET_TYPES:
        return not_found(path)
    digest = hashlib.sha1(path.encode()).digest()
    if ASSET_TYPES[kind] == "image/png":
        body = samples.png(digest[:3])
    elif kind == ".pdf":
        body = samples.pdf(digest.hex().encode())
    elif kind == ".xls":
        body = samples.excel(digest)
    elif kind == ".docx":
        body = samples.docx(digest.hex())
    else:
        body = samples.word(digest)
    return Response(200, ASSET_TYPES[kind], body, FIXED_MODIFIED)


def _latest(articles: list[dict[str, Any]]) -> str:
    return max((a["updated"] for a in articles), default=FIXED_MODIFIED)


def _short(title: str, limit: int) -> str:
    """List text as CMS lists show it: cut with an ellipsis."""
    return title if len(title) <= limit else title[: limit - 2] + "..."


def _with_repeats(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The list as the CMS serves it: items flagged ``repeated`` appear twice."""
    out = []
    for a in articles:
        out.append(a)
        if "repeated" in a["flags"]:
            out.append(a)
    return out


# -- UCAP (jxssthjt) ---------------------------------------------------------------------------
def ucap_item(a: dict[str, Any], with_content: bool) -> dict[str, Any]:
    files = [{"fileName": f["name"], "domainName": "http://sthjt.jiangxi.gov.cn",
              "filePath": f"/jxssthjt/{UCAP_COLUMN}/{a['id']}/{f['path'].rsplit('/', 1)[-1]}",
              "url": f["path"], "fileId": str(int(a["id"]) - 24503584 - i), "delFlag": 0} for i, f in enumerate(a["files"])]
    images = [{"filePath": p, "cover": p, "domainName": "http://sthjt.jiangxi.gov.cn", "delFlag": 0} for p in a["images"]]
    item: dict[str, Any] = {
        "classify": 0, "images": images or [{}], "metadata": {}, "attDownloadType": 0,
        "relationUrl": f"/jxssthjt/{UCAP_COLUMN}/relation/{a['id']}-RelationArticle.json",
        "title": a["title"], "type": 0, "pubDate": a["date"], "relation": 0,
        "urls": json.dumps({"pc": a["path"]}, separators=(",", ":")), "contentSource": a["office"],
        "showTitle": f"<p>{a['title'].strip()}</p>" if "show_title_p" in a["flags"] else a["title"].strip(),
        "topStatus": 1 if "pinned_only" in a["flags"] else 0, "archiveStatus": 0,
        "sortNum": int(dt.datetime.strptime(a["date"], "%Y-%m-%d %H:%M").timestamp() * 10000),
        "articleFiles": files or [{}], "id": a["id"],
    }
    if with_content and "no_json_content" not in a["flags"]:
        item["content"] = {"content": a["body"]}
    return item


def ucap_column(data: MirrorData) -> Response:
    articles = data.articles("ucap")
    listed = _with_repeats(articles)[:UCAP_EMBEDDED]
    items = ",".join(json.dumps(ucap_item(a, False), ensure_ascii=False, separators=(",", ":")) for a in listed)
    generated = _latest(articles)[:19].replace("T", " ")
    page = f"""<!doctype html>
<html>
  <head>
  <base href="/jxssthjt/" />
  <meta name="SiteName" content="江西省生态环境厅" />
  <meta name="SiteDomain" content="http://sthjt.jiangxi.gov.cn" />
  <meta name="ColumnName" content="政策法规解读· 以案释法" />
  <meta name="HtmlGenerateTime" content="{generated}" />
    <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
    <title>政策法规解读· 以案释法 - 江西省生态环境厅（样例镜像）</title>
    <link rel="stylesheet" href="/jxssthjt/images/style.css">
    <script type="text/javascript">
      var websiteId = '1753255916894359552',
        websiteCode = '{UCAP_SITE_CODE}',
        channelId = '{UCAP_CHANNEL_ID}',
        codeName = '{UCAP_COLUMN}';
      var listData = {{
        articleList: [{items}],
      }};
    </script>
  </head>
  <body>
    <div class="jgz_box">
      <div class="position">首页 &gt;&gt; 政务公开 &gt;&gt; 政策法规解读· 以案释法</div>
      <div id="{UCAP_UNIT}"></div>
      <script id="div{UCAP_UNIT}" type="text/x-handlebars-template">
        <ul class='List_list'>
          {{{{#each data}}}}{{{{#with this}}}}<li>
            <a href='{{{{pcUrl}}}}' target='_blank' title='{{{{title}}}}'>{{{{title}}}}</a>
            <span class='list_span'>{{{{formatDate pubDate 'YYYY'}}}}-
            {{{{formatDate pubDate 'MM'}}}}-{{{{formatDate pubDate 'DD'}}}}</span>
          </li>{{{{/with}}}}{{{{/each}}}}
        </ul>
      </script>
      <script src="commonfiles/jquery.jpage.js"></script>
      <script>
                    var params = {{
                      current: 1,
                      unitid: '{UCAP_UNIT}',
                      webSiteCode: ['{UCAP_SITE_CODE}'],
                      channelCode: ['{UCAP_COLUMN}'],
                      dataBefore: '',
                      dataAfter: '',
                      perPage: '{UCAP_PER_PAGE}',
                      notReturnContent:false,
                      showMode: 'normal',
                      groupSize: 1,
                      barPosition: 'bottom',
                      titleMax: '34',
                      templateContainerId: 'div{UCAP_UNIT}',
                      themeName: 'lucidity',
                    }};

                    loadPageData(params, '{UCAP_UNIT}');
      </script>
    </div>
  </body>
</html>
"""
    return _html(page, _latest(articles))


def ucap_query(data: MirrorData, form: dict[str, list[str]]) -> Response:
    """``POST /queryList``: JSON pages of the column; empty for a wrong site or channel code."""

    def one(key: str, default: str = "") -> str:
        return (form.get(key) or [default])[0]

    right_site = one("webSiteCode[]", one("webSiteCode")) == UCAP_SITE_CODE
    right_channel = UCAP_COLUMN in (one("channelCode[]"), one("channelCode")) or UCAP_CHANNEL_ID in (one("channelId[]"), one("channelId"))
    items = [a for a in _with_repeats(data.articles("ucap")) if "pinned_only" not in a["flags"]] if right_site and right_channel else []
    try:
        current, per_page = max(1, int(one("current", "1"))), max(1, int(one("perPage", one("pageSize", str(UCAP_PER_PAGE)))))
    except ValueError:
        return Response(400, "application/json", b'{"code":400,"msg":"bad paging"}')
    with_content = one("notReturnContent", "true").lower() == "false"
    chunk = items[(current - 1) * per_page: current * per_page]
    payload = {"code": 200, "msg": "success", "data": {
        "page": current, "rows": len(chunk), "total": len(items),
        "results": [{"source": ucap_item(a, with_content)} for a in chunk],
    }}
    return Response(200, "application/json;charset=UTF-8", json.dumps(payload, ensure_ascii=False).encode(), None)


def ucap_article(a: dict[str, Any]) -> Response:
    title = html.escape(a["title"].strip())
    files = "".join(f'<a href="{html.escape(f["path"])}">{html.escape(f["name"])}</a>' for f in a["files"])
    images = "" if "<img" in a["body"] else "".join(f'<p><img src="{html.escape(p)}"></p>' for p in a["images"])
    page = f"""<!DOCTYPE html>
<html><head>
<base href="/jxssthjt/" />
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="SiteName" content="江西省生态环境厅">
<meta name="ColumnName" content="政策法规解读· 以案释法">
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{a['updated'][:19].replace('T', ' ')}">
<meta name="ContentSource" content="{html.escape(a['office'])}">
<meta name="others" content="页面生成时间 {a['updated'][:19].replace('T', ' ')}">
<title>{title} - 江西省生态环境厅</title>
<link rel="stylesheet" href="images/article.css">
</head><body><div class="jgz_box"><div class="article">
<h1 class="article-title"><ucaptitle>{title}</ucaptitle></h1>
<div class="article-attr clearfix"><span>发布时间：{a['date']}</span><span>来源：{html.escape(a['office'])}</span>
<span class="llcs">访问量：<b id="view"></b></span>
<span class="article-icon fontsize"><i class="print" onclick="javascript:window.print();"></i>
<i class="l" id="f-add"></i><i class="s" id="f-dec" title="字体小"></i></span></div>
<div class="article-content" id="zoomcon"><ucapcontent>{a['body']}{images}</ucapcontent>
<div class="fj-a"><p>附件：</p>{files}</div></div>
<dl class="article-ewm"><dt>扫一扫在手机打开当前页</dt></dl>
</div></div></body></html>
"""
    return _html(page, a["updated"])


# -- Hanweb (old sthjt) ------------------------------------------------------------------------
def _hanweb_record(a: dict[str, Any]) -> str:
    return (f'<record><![CDATA[\n<li>        <a href="{a["path"]}" target="_blank" title="{html.escape(a["title"])}">'
            f'{html.escape(_short(a["title"], 20))}</a><span class="bt-data-time">[{a["date"][:10]}]</span>    </li>]]></record>')


def _hanweb_nextgroup() -> str:
    return (f'<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid={HANWEB_WEBID}&path=/'
            f'&columnid={HANWEB_COLUMN}&unitid={HANWEB_UNIT}&webname={quote("江西省生态环境厅")}&permissiontype=0"></a>]]></nextgroup>')


def hanweb_column(data: MirrorData) -> Response:
    articles = data.articles("hanweb")
    listed = _with_repeats(articles)
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
    return _html(page, _latest(articles))


def hanweb_dataproxy(data: MirrorData, query: dict[str, list[str]], form: dict[str, list[str]]) -> Response:
    def one(source: dict[str, list[str]], key: str, default: str = "") -> str:
        return (source.get(key) or [default])[0]

    listed = _with_repeats(data.articles("hanweb"))
    if (one(form, "columnid"), one(form, "unitid"), one(form, "webid")) != (HANWEB_COLUMN, HANWEB_UNIT, HANWEB_WEBID):
        listed = []
    try:
        start, end = int(one(query, "startrecord", "1")), int(one(query, "endrecord", "45"))
        per_page = int(one(query, "perpage", "15"))
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
    return _html(page, a["updated"])


# -- TRS (mee.gov.cn 政策解读) -------------------------------------------------------------------
def trs_list(data: MirrorData, number: int) -> Response:
    articles = data.articles("trs")
    listed = _with_repeats(articles)
    pages = max(1, -(-len(listed) // TRS_PER_PAGE))
    if number >= pages:
        return not_found(f"/zcwj/zcjd/index_{number}.shtml")
    rows = []
    for a in listed[number * TRS_PER_PAGE:(number + 1) * TRS_PER_PAGE]:
        href = "./" + a["path"].split("/zcwj/zcjd/", 1)[1]
        rows.append(f'<li><span class="date">({a["date"][:10]})</span><a href="{href}" target="_blank" title="{html.escape(a["title"])}">'
                    f'{html.escape(_short(a["title"], 24))}</a></li>')
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
    return _html(page, _latest(articles))


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
    return _html(page, a["updated"])


# -- generic CMS (pufa.example.org) ------------------------------------------------------------
def generic_list(data: MirrorData, number: int) -> Response:
    articles = data.articles("generic")
    listed = _with_repeats(articles)
    pages = max(1, -(-len(listed) // GENERIC_PER_PAGE))
    if number > pages:
        return not_found(f"/pfxc/index_{number}.html")
    rows = []
    for a in listed[(number - 1) * GENERIC_PER_PAGE: number * GENERIC_PER_PAGE]:
        when = dt.datetime.strptime(a["date"], "%Y-%m-%d %H:%M")
        rows.append(f'<li><a href="{a["path"].removeprefix("/pfxc/")}" title="{html.escape(a["title"])}">'
                    # no </li>: some old templates leave list items unclosed
                    f"{html.escape(_short(a['title'], 18))}</a><em>{when.year}年{when.month}月{when.day}日</em>")
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
    return _html(page, _latest(articles))


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
    return _html(page, a["updated"], encoding="gb18030" if gbk else "utf-8", declare=not gbk)


# -- routing ------------------------------------------------------------------------------------
def site_of(host: str, path: str) -> str | None:
    """Which emulated site a request belongs to (faults are per site)."""
    for key, site in SITES.items():
        if site.host != host:
            continue
        if key == "ucap" and not path.startswith(("/jxssthjt/", "/queryList", "/doc/ucap/")):
            continue
        return key
    return None


def route(data: MirrorData, host: str, method: str, path: str, query: dict[str, list[str]], form: dict[str, list[str]]) -> Response:
    """The response for one request (faults and conditional requests are the server's job)."""
    if path == "/robots.txt" and host in ROBOTS:
        return Response(200, "text/plain; charset=utf-8", ROBOTS[host].encode(), FIXED_MODIFIED)
    if path == NOT_FOUND_PAGE and host in ROBOTS:
        return not_found_page()
    site = site_of(host, path)
    if site is None:
        return not_found(path)
    if method == "POST":
        if site == "ucap" and path == "/queryList":
            return ucap_query(data, form)
        if site == "hanweb" and path == "/module/web/jpage/dataproxy.jsp":
            return hanweb_dataproxy(data, query, form)
        return Response(405, "text/plain", b"method not allowed")
    if site == "ucap" and path in (f"/jxssthjt/col/{UCAP_COLUMN}/index.html", f"/jxssthjt/col/{UCAP_COLUMN}/"):
        return ucap_column(data)
    if site == "hanweb" and path in (f"/col/col{HANWEB_COLUMN}/index.html", f"/col/col{HANWEB_COLUMN}/"):
        return hanweb_column(data)
    if site == "trs":
        match = re.fullmatch(r"/zcwj/zcjd/(?:index(?:_(\d+))?\.shtml)?", path)
        if match:
            return trs_list(data, int(match.group(1) or 0))
    if site == "generic":
        match = re.fullmatch(r"/pfxc/(?:index(?:_(\d+))?\.html)?", path)
        if match:
            return generic_list(data, int(match.group(1) or 1))
    for article in data.articles(site):
        if article["path"] == path:
            return {"ucap": ucap_article, "hanweb": hanweb_article, "trs": trs_article, "generic": generic_article}[site](article)
    gone = data.gone(site).get(path)
    if gone == "410":
        page = f"<html><body><h1>410</h1><p>{html.escape(path)} 已删除</p></body></html>"
        return Response(410, "text/html; charset=utf-8", page.encode())
    if gone == "redirect":
        return Response(302, "text/html; charset=utf-8", b"", headers={"Location": NOT_FOUND_PAGE})
    if path == "/module/download/downfile.jsp":
        return asset((query.get("filename") or [""])[0])
    return asset(path)
