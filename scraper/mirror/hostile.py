"""A hostile source in the sample mirror: a defaced CMS whose pages link to active content and intranet addresses.

``HOST`` (``hostile.example.net``, the generic platform, source ``SOURCE``) serves a
list of three articles:

- 恶意附件: images and attachments whose bytes are not what their names say
  (``samples.HOSTILE``: HTML as ``.jpg``, SVG with script, HTML labelled PDF, a "text"
  file with markup, a Word file with macros), beside good ones, one a PNG named ``.gif``;
- 内网链接: an image on a private address, attachments on the mirror's own loopback
  address, one reached through a redirect from this host, one on ``localhost``; the
  mirror answers ``/uploads/internal-…`` on any host name, so a request that got past
  the guard would bring back a real file;
- a list entry whose article is on the loopback address itself.

Every URL that must never be fetched carries ``internal`` in its path, so a test can
look for it in the mirror's request log. Not part of the default sources: tests pass
``SOURCE`` to ``Mirror.settings(sources=…)``.
"""

from __future__ import annotations

import html

from fazhi.config import Source
from scraper.mirror import samples
from scraper.mirror.pages import Response

HOST = "hostile.example.net"
SOURCE = Source(
    name="example-hostile", platform="generic", base_url=f"http://{HOST}/list.html", title="示例恶意站点", column="cases",
    publisher="示例恶意站点（虚构）", max_pages=2,
    params={"list_item": "div.news-list li", "list_link": "a[href]", "list_date": "em", "next_page": "a.next",
            "article_title": "div.detail h1", "article_date": "div.info", "article_source": "div.info",
            "article_body": "div.detail-content"},
)
GOOD = {"good.pdf": ("application/pdf", samples.pdf(b"good")), "good.png": ("image/png", samples.png(b"\x20\x80\x20")),
        "scan.gif": ("image/gif", samples.png(b"\x80\x20\x20"))}
# The "intranet's" documents: served on any host name (the mirror's loopback address, localhost), so a
# request that got past the guard would come back with a real file.
INTERNAL_PATH = "/uploads/internal-"
INTERNAL_FILES = {".pdf": ("application/pdf", samples.pdf(b"internal")), ".xls": ("application/vnd.ms-excel", samples.excel(b"internal")),
                  ".png": ("image/png", samples.png(b"\x00\x00\x00"))}
FILES_ARTICLE = "/art/2024/files.html"
INTERNAL_ARTICLE = "/art/2024/intranet.html"


def _articles(local: str) -> list[tuple[str, str, str, str]]:
    """(path or URL, title, date, body) of the list's entries; ``local`` is the mirror's own base URL."""
    images = ("photo.jpg", "chart.png", "diagram.svg", "good.png", "scan.gif")
    files = "".join(f'<p><img src="/uploads/{n}" alt="图{i}"></p>' for i, n in enumerate(images))
    files += "".join(f'<p>附件：<a href="/uploads/{n}">{n}</a></p>' for n in ("notice.pdf", "readme.txt", "form.doc", "good.pdf"))
    intranet = (f'<p><img src="http://192.168.10.5/internal/cam.png" alt="监控截图"></p>'
                f'<p>附件：<a href="{local}/uploads/internal-plan.pdf">内部工作方案.pdf</a></p>'
                f'<p>附件：<a href="/go/forwarded.pdf">转发文件.pdf</a></p>'
                f'<p>附件：<a href="http://localhost:{local.rsplit(":", 1)[-1]}/uploads/internal-list.xls">内部名单.xls</a></p>')
    return [
        (FILES_ARTICLE, "（示例）某县环境执法典型案例附件汇编", "2024-05-06", f"<p>以下为案例附件（虚构示例）。</p>{files}"),
        (INTERNAL_ARTICLE, "（示例）某县生态环境执法内部通报", "2024-05-07", f"<p>内部通报（虚构示例）。</p>{intranet}"),
        (f"{local}/art/internal-entry.html", "（示例）内网地址上的文章", "2024-05-08", "<p>不应被抓取。</p>"),
    ]


def route(path: str, local: str) -> Response:
    """The hostile host's answer for ``path`` (and any host's for ``INTERNAL_PATH``); ``local`` is the mirror's own base URL."""
    name = path.rsplit("/", 1)[-1]
    if path.startswith(INTERNAL_PATH) and name[name.rfind("."):] in INTERNAL_FILES:
        content_type, body = INTERNAL_FILES[name[name.rfind("."):]]
        return Response(200, content_type, body)
    if path.startswith("/uploads/") and name in samples.HOSTILE:
        content_type, body = samples.HOSTILE[name]
        return Response(200, content_type, body)
    if path.startswith("/uploads/") and name in GOOD:
        content_type, body = GOOD[name]
        return Response(200, content_type, body)
    if path.startswith("/go/"):
        return Response(302, "text/html", b"", headers={"Location": f"{local}/uploads/internal-{name}"})
    articles = _articles(local)
    if path == "/list.html":
        rows = "".join(f'<li><a href="{html.escape(p)}">{html.escape(t)}</a><em>{d}</em></li>' for p, t, d, _ in articles)
        page = (f'<html><head><meta charset="utf-8"><title>示例恶意站点</title></head><body>'
                f'<div class="news-list"><ul>{rows}</ul></div></body></html>')
        return Response(200, "text/html; charset=utf-8", page.encode())
    for article_path, title, date, body in articles:
        if article_path == path:
            page = (f'<html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head><body><div class="detail">'
                    f'<h1>{html.escape(title)}</h1><div class="info">发布日期：{date}&ensp;来源：示例恶意站点</div>'
                    f'<div class="detail-content">{body}</div></div></body></html>')
            return Response(200, "text/html; charset=utf-8", page.encode())
    return Response(404, "text/html; charset=utf-8", b"<html><body><h1>404</h1></body></html>")
