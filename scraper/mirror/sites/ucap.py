"""The emulated intensive platform (UCAP family), sthjt.jiangxi.gov.cn/jxssthjt/: the column page with its
embedded ``listData`` and ``var params``, ``POST /queryList`` JSON pages, and ``content_<id>.html`` articles."""

from __future__ import annotations

import datetime as dt
import html
import json
import random
from typing import Any

from scraper.mirror import filed
from scraper.mirror import generator as g
from scraper.mirror.pages import Form, Response, digits, first, html_response, latest, token, with_repeats
from scraper.mirror.site import Article, Dressed, Site, SiteData

# The column/unit ids the mirror answers for: the same as the real site (and fazhi.yml).
UCAP_SITE_CODE, UCAP_COLUMN, UCAP_UNIT = "jxssthjt", "col42150", "380055"

UCAP_CHANNEL_ID = "1765025142823501824"
UCAP_PER_PAGE = 15
UCAP_EMBEDDED = 20


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


def ucap_column(data: SiteData) -> Response:
    articles = data.articles("ucap")
    listed = with_repeats(articles)[:UCAP_EMBEDDED]
    items = ",".join(json.dumps(ucap_item(a, False), ensure_ascii=False, separators=(",", ":")) for a in listed)
    generated = latest(articles)[:19].replace("T", " ")
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
    return html_response(page, latest(articles))


def ucap_query(data: SiteData, form: dict[str, list[str]]) -> Response:
    """``POST /queryList``: JSON pages of the column; empty for a wrong site or channel code."""
    right_site = first(form, "webSiteCode[]", first(form, "webSiteCode")) == UCAP_SITE_CODE
    right_channel = (UCAP_COLUMN in (first(form, "channelCode[]"), first(form, "channelCode"))
                     or UCAP_CHANNEL_ID in (first(form, "channelId[]"), first(form, "channelId")))
    items = [a for a in with_repeats(data.articles("ucap")) if "pinned_only" not in a["flags"]] if right_site and right_channel else []
    try:
        current = max(1, int(first(form, "current", "1")))
        per_page = max(1, int(first(form, "perPage", first(form, "pageSize", str(UCAP_PER_PAGE)))))
    except ValueError:
        return Response(400, "application/json", b'{"code":400,"msg":"bad paging"}')
    with_content = first(form, "notReturnContent", "true").lower() == "false"
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
    return html_response(page, a["updated"])


def respond(data: SiteData, method: str, path: str, query: Form, form: Form) -> Response | None:
    """The column page or a queryList answer; None for any other path (articles, assets)."""
    if method == "POST":
        return ucap_query(data, form) if path == "/queryList" else None
    if path in (f"/jxssthjt/col/{UCAP_COLUMN}/index.html", f"/jxssthjt/col/{UCAP_COLUMN}/"):
        return ucap_column(data)
    return None


def article_path(article_id: str, when: dt.datetime) -> str:
    return f"/jxssthjt/col/{UCAP_COLUMN}/content/content_{article_id}.html"


def new_id(r: random.Random, date: str) -> str:
    return str(r.randrange(1_772_000_000_000_000_000, 1_960_000_000_000_000_000))


def dress(i: int, a: Article, art_id: str, r: random.Random) -> Dressed:
    """Word markup every other article; PDF attachments, and now and then spreadsheets and a .doc under the column."""
    day = a["date"][:10].replace("-", "")
    files = []
    if i % 5 == 0:
        files.append({"name": f"关于印发{a['title'][:12]}的通知{digits(r, 13)}.pdf",
                      "path": f"/doc/ucap/1749973237782081536/document/{day}/{token(r)}.pdf"})
    if i % 7 == 3:
        files.append({"name": f"附件1 统计表{digits(r, 13)}.xls",
                      "path": f"/doc/ucap/1749973237782081536/document/{day}/{token(r)}.xls"})
        files.append({"name": "附件2 申请表.doc", "path": f"/jxssthjt/col42150/{art_id}/{token(r)}.doc"})
    return Dressed("word" if i % 2 == 0 else "plain", files, "")


def special_cases(a: list[Article], r: random.Random) -> None:
    """Image-only items (two sharing title and day), a repeat, XSS, no body in the JSON, a padded title, a pinned item."""
    a[1]["title"] = "一图读懂《" + a[1]["title"].split("《")[-1].split("》")[0] + "》"
    a[1]["body"] = ""
    a[1]["images"] = [f"/jxssthjt/col42150/{a[1]['id']}/{token(r)}.png"]
    a[3]["title"] = a[4]["title"] = "一图读懂《云溪市入河排污口监督管理办法》"
    a[4]["date"] = a[3]["date"]
    a[3]["body"] = a[4]["body"] = f'<p><img src="/jxssthjt/col42150/{a[3]["id"]}/{token(r)}.png" alt="一图读懂"></p>'
    a[2]["flags"].append("repeated")
    a[5]["body"] += g.XSS_PAYLOAD
    a[5]["flags"].append("xss")
    a[6]["flags"].append("no_json_content")
    a[6]["body"] += f'<p><img src="col42150/{a[6]["id"]}/rel{token(r, 4)}.png" alt="示意图"></p>'
    a[7]["title"] = " " + a[7]["title"] + "\u3000"
    a[7]["flags"].append("show_title_p")
    a[10]["flags"].append("pinned_only")
    filed.file_only(a)  # articles whose substance is only in their files


SITE = Site(
    key="ucap", platform="ucap", host="sthjt.jiangxi.gov.cn", source="sthjt-ucap", scheme="https",
    sample=(36, dt.datetime(2022, 12, 1), dt.datetime(2025, 7, 30)),
    article_path=article_path, new_id=new_id, dress=dress, special_cases=special_cases,
    respond=respond, article_page=ucap_article,
    paths=("/jxssthjt/", "/queryList", "/doc/ucap/"), disallow=("/jxssthjt/search/",),
)
