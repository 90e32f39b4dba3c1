"""What every emulated site shares: the response type, error and challenge pages, assets, list helpers."""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from scraper.mirror import samples

ASSET_TYPES = {
    ".pdf": "application/pdf", ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".png": "image/png", ".jpg": "image/png", ".jpeg": "image/png", ".gif": "image/png",
}
FIXED_MODIFIED = "2024-01-01T00:00:00+00:00"
# Where a site redirects requests for deleted pages: a page answered with 200, as many CMSs do.
NOT_FOUND_PAGE = "/404.html"
Form = dict[str, list[str]]


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    modified: str | None = None  # ISO time for Last-Modified; None: no validators
    headers: dict[str, str] = field(default_factory=dict)


def html_response(text: str, modified: str | None, encoding: str = "utf-8", declare: bool = True) -> Response:
    content_type = f"text/html; charset={encoding}" if declare and encoding == "utf-8" else "text/html"
    return Response(200, content_type, text.encode(encoding), modified)


def not_found(path: str) -> Response:
    return Response(404, "text/html; charset=utf-8", f"<html><body><h1>404</h1><p>{html.escape(path)} 不存在</p></body></html>".encode())


def not_found_page() -> Response:
    """The page a redirect for a deleted article lands on: HTTP 200, saying the page does not exist."""
    page = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 页面不存在</title></head>'
            '<body><div class="error"><h1>404</h1><p>抱歉，您访问的页面不存在或已被删除。</p><a href="/">返回首页</a></div></body></html>')
    return html_response(page, FIXED_MODIFIED)


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


def latest(articles: list[dict[str, Any]]) -> str:
    return max((a["updated"] for a in articles), default=FIXED_MODIFIED)


def shortened(title: str, limit: int) -> str:
    """List text as CMS lists show it: cut with an ellipsis."""
    return title if len(title) <= limit else title[: limit - 2] + "..."


def with_repeats(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The list as the CMS serves it: items flagged ``repeated`` appear twice."""
    out = []
    for a in articles:
        out.append(a)
        if "repeated" in a["flags"]:
            out.append(a)
    return out



def first(values: Form, key: str, default: str = "") -> str:
    """The first value of a query or form field."""
    return (values.get(key) or [default])[0]


def redesigned(response: Response) -> Response:
    """An HTML page turned into the empty shell of a script-rendered site: nothing in it for a parser (the ``redesign`` fault)."""
    if response.status != 200 or not response.content_type.startswith("text/html"):
        return response
    shell = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>生态环境</title></head>'
             '<body><div id="app"></div><noscript>请启用浏览器脚本</noscript><script src="/static/js/app.js"></script></body></html>')
    return Response(200, "text/html; charset=utf-8", shell.encode(), response.modified, response.headers)


def short_list(response: Response) -> Response:
    """A list answer missing its last record, its announced total unchanged (the ``short`` fault)."""
    text = response.body.decode("utf-8")
    if "<record>" in text:
        cut = text.rindex("<record>")
        text = text[:cut] + text[text.index("</record>", cut) + len("</record>"):]
    elif response.content_type.startswith("application/json"):
        payload = json.loads(text)
        payload["data"]["results"] = payload["data"]["results"][:-1]
        text = json.dumps(payload, ensure_ascii=False)
    return Response(response.status, response.content_type, text.encode("utf-8"), response.modified, response.headers)
