"""Normalisation shared by every platform: text, dates, links and the junk CMS pages carry.

Platforms find the parts of a page (title, date line, body node); this module
turns those parts into plain values: a title without tags or odd spaces, a date
from any of the formats the sites use, and a body HTML fragment with absolute
links and without Word markup, inline styles, counters or 字号/打印/关闭 chrome.
Sanitising and Markdown conversion come after, in ``scraper.html2md``.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, Tag

# Spaces that CMS pages use for indentation and padding: nbsp, en/em space, ideographic space, zero-width.
ODD_SPACE_RE = re.compile(r"[\u00a0\u2002\u2003\u2009\u3000\u200b\ufeff]")
SPACE_RUN_RE = re.compile(r"[ \t\r\n\f\v]+")
TAG_RE = re.compile(r"<[^>]*>")

# Date patterns, tried in order; each yields year, month, day and optionally hour, minute.
DATE_PATTERNS = (
    re.compile(r"(?<!\d)(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d)(?:[ T\u3000]*(\d{1,2})[:：](\d{2})(?::\d{2})?)?"),
    re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*(\d{1,2})[:：时](\d{2}))?"),
    re.compile(r"/t(\d{4})(\d{2})(\d{2})_"),  # TRS article URLs: /202306/t20230605_1032610.shtml
    re.compile(r"/art/(\d{4})/(\d{1,2})/(\d{1,2})/"),  # Hanweb article URLs: /art/2020/7/20/art_…
    re.compile(r"/(\d{4})(\d{2})(\d{2})/"),  # dated folders: /document/20250801/…
)

# Elements whose content never is article text: removed with everything inside.
DROP_TAGS = (
    "script", "style", "noscript", "iframe", "frame", "frameset", "object", "applet", "button", "select", "textarea",
    "canvas", "svg", "math", "audio", "video", "template",
)
# Elements removed but not their content: lxml does not treat embed/param/source as void, so
# text after a stray <embed> ends up inside it; forms may wrap real paragraphs.
UNWRAP_TAGS = ("embed", "param", "source", "track", "link", "meta", "input", "form", "fieldset", "label")
# class/id fragments of page chrome inside or next to bodies: print/close links, font switchers, counters, share bars.
CHROME_ATTR_RE = re.compile(r"(?:^|[\s_-])(print|close|fontsize|font-size|zihao|share|llcs|visit|count|ewm|qrcode)(?:$|[\s_-])", re.I)
# Short text blocks that are chrome, not content: 【打印本页】【关闭窗口】, 字号：[大 中 小], 浏览次数：123.
CHROME_TEXT_RE = re.compile(
    r"^(?:[【\[［(（]?\s*(?:打印本页|打印|关闭窗口|关闭|返回顶部|收藏|分享到?|字号|字体|大|中|小|浏览次数|访问量|阅读量|阅读次数|点击数|点击率|次)"
    r"\s*[】\]］)）]?\s*[:：]?\s*[\[［]?\s*\d*\s*[\]］]?\s*)+$"
)
WORD_ATTRS = ("style", "class", "lang", "face", "size", "color", "align", "valign", "width", "height", "border",
              "cellpadding", "cellspacing", "bgcolor", "id", "name", "tabindex", "setedaria", "role")
ATTACHMENT_EXTS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".ppt", ".pptx", ".zip", ".rar", ".7z", ".ofd", ".txt", ".csv")
# Upload time stamps CMSs append to original file names: 关于印发…的通知1754038819428.pdf
UPLOAD_STAMP_RE = re.compile(r"(?<=\D)\d{13}(?=\.[A-Za-z0-9]+$)")


def soup(html: str) -> BeautifulSoup:
    """Parse HTML leniently (lxml): unclosed tags, stray comment ends and unquoted attributes are fine."""
    return BeautifulSoup(html, "lxml")


def text(value: str | None) -> str:
    """Plain text with odd spaces turned into ordinary ones and runs collapsed."""
    if not value:
        return ""
    return SPACE_RUN_RE.sub(" ", ODD_SPACE_RE.sub(" ", value)).strip()


def clean_title(value: str | None) -> str:
    """A title as plain text: tags (``<p>`` in showTitle, anything injected) and odd spaces removed."""
    return text(TAG_RE.sub("", value or ""))


def title_key(title: str) -> str:
    """A title folded for duplicate detection: no spaces or punctuation."""
    return re.sub(r"[\W_]+", "", clean_title(title)).lower()


def find_date(value: str | None) -> tuple[dt.datetime, bool] | None:
    """The first date in free text or a URL, as (datetime, time_known), or None.

    Understands ``2020-12-22 16:11``, ``2020/12/22``, ``2020年12月22日``, ``[2017-04-24]``,
    ``(2025-03-01)``, TRS ``/t20230605_`` and Hanweb ``/art/2020/7/20/`` URLs. Impossible
    dates (2023-02-30) are skipped, not guessed. Unlike ``fazhi.article.parse_date``, which
    validates one front-matter field, this searches text a page shows.
    """
    if not value:
        return None
    value = ODD_SPACE_RE.sub(" ", value)
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(value):
            groups = match.groups()
            y, mo, d = (int(g) for g in groups[:3])
            hour = minute = None
            if len(groups) > 3 and groups[3] is not None:
                hour, minute = int(groups[3]), int(groups[4])
            try:
                when = dt.datetime(y, mo, d, hour or 0, minute or 0)
            except ValueError:
                continue
            if not 1949 <= y <= 2100:
                continue
            return when, hour is not None
    return None


def date_after(label_re: str, value: str) -> tuple[dt.datetime, bool] | None:
    """The date that follows a label such as 发布时间 in a meta line."""
    match = re.search(label_re + r"\s*[:：]?\s*(.{0,40})", ODD_SPACE_RE.sub(" ", value))
    return find_date(match.group(1)) if match else None


def base_url(page: BeautifulSoup, page_url: str) -> str:
    """The URL relative links resolve against: ``<base href>`` (itself relative to the page) or the page."""
    base = page.find("base", href=True)
    return urljoin(page_url, str(base["href"]).strip()) if isinstance(base, Tag) else page_url


def absolutize(node: Tag, base: str) -> None:
    """Make every link and image URL in ``node`` absolute."""
    for tag in node.find_all(["a", "img", "area"]):
        for attr in ("href", "src"):
            value = tag.get(attr)
            if isinstance(value, str) and value.strip() and not value.strip().startswith(("#", "data:")):
                tag[attr] = urljoin(base, value.strip())


def meta(page: BeautifulSoup, name: str) -> str | None:
    """A ``<meta name=…>`` value, matched case-insensitively (``PubDate`` and ``pubdate`` both occur)."""
    wanted = name.lower()
    for tag in page.find_all("meta"):
        if str(tag.get("name", "")).lower() == wanted and tag.get("content"):
            return str(tag["content"]).strip()
    return None


def select_first(page: BeautifulSoup | Tag, selectors: tuple[str, ...] | list[str]) -> Tag | None:
    """The first element matched by the first selector that matches anything."""
    for selector in selectors:
        found = page.select_one(selector)
        if found is not None:
            return found
    return None


def main_content(page: BeautifulSoup) -> Tag | None:
    """The block holding most paragraph text: the fallback when no body selector matches."""
    for selector in ("article", "main", "[role=main]", "#content", ".content", ".article"):
        found = page.select_one(selector)
        if found is not None and len(text(found.get_text())) > 40:
            return found
    best, best_len = None, 0
    for candidate in page.find_all(["div", "td", "section"]):
        length = sum(len(text(p.get_text())) for p in candidate.find_all("p", recursive=False))
        if length > best_len:
            best, best_len = candidate, length
    return best


def clean_body(node: Tag, base: str) -> str:
    """The article body as tidy HTML: absolute links, no Word markup, styles, chrome or odd spaces."""
    body = soup(str(node)).find(node.name) or soup(str(node))
    assert isinstance(body, Tag)
    for comment in body.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in body.find_all(DROP_TAGS):
        tag.decompose()
    for tag in body.find_all(UNWRAP_TAGS):
        tag.unwrap()
    for tag in body.find_all(True):
        if tag.decomposed:
            continue
        if tag.name in ("o:p", "o", "v:shapetype", "v:shape", "w:sdt"):
            tag.decompose()
            continue
        marker = " ".join([*tag.get("class", []), str(tag.get("id", ""))])
        if marker.strip() and CHROME_ATTR_RE.search(marker) and not tag.find("img") and len(text(tag.get_text())) < 60:
            tag.decompose()
            continue
        if tag.name in ("p", "div", "span") and not tag.find(["img", "table"]) and CHROME_TEXT_RE.match(text(tag.get_text()) or "x"):
            tag.decompose()
    for tag in body.find_all(["font", "span", "ucapcontent", "ucaptitle", "section", "center", "u"]):
        tag.unwrap()
    if body.find("h1"):
        for level in range(5, 0, -1):
            for heading in body.find_all(f"h{level}"):
                heading.name = f"h{level + 1}"
    for tag in body.find_all(True):
        for attr in WORD_ATTRS:
            tag.attrs.pop(attr, None)
        for attr in [a for a in tag.attrs if a.lower().startswith(("on", "aria-", "data-"))]:
            del tag.attrs[attr]
    absolutize(body, base)
    for string in body.find_all(string=True):
        if ODD_SPACE_RE.search(string):
            string.replace_with(ODD_SPACE_RE.sub(" ", string))
    for para in body.find_all(["p", "div", "li", "h2", "h3", "h4", "h5", "h6"]):
        if not text(para.get_text()) and not para.find(["img", "table", "br"]):
            para.decompose()
    return "".join(str(child) for child in body.children).strip()


def is_attachment(url: str) -> bool:
    """Whether a link points to a document (by path or by a ``filename=`` query parameter)."""
    return attachment_name(url).lower().endswith(ATTACHMENT_EXTS)


def attachment_name(url: str) -> str:
    """The file name a URL carries: the last path segment, or ``filename=`` of download scripts."""
    parts = urlsplit(url)
    for key in ("filename", "fileName", "file", "name"):
        values = parse_qs(parts.query).get(key)
        if values and "." in values[0]:
            return values[0].rsplit("/", 1)[-1]
    return parts.path.rsplit("/", 1)[-1]


def attachment_title(name: str) -> str:
    """A readable attachment title: the original name without the CMS's upload time stamp."""
    return text(UPLOAD_STAMP_RE.sub("", name))


def attachments_in(node: Tag) -> list[tuple[str, str]]:
    """(title, absolute URL) of every document link in an already absolutized node."""
    found: list[tuple[str, str]] = []
    for link in node.find_all("a", href=True):
        href = str(link["href"])
        if href.startswith(("http://", "https://")) and is_attachment(href):
            found.append((text(link.get_text()) or attachment_title(attachment_name(href)), href))
    return found
