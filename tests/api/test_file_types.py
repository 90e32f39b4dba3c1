"""Site files are served with the types of what they are, compressed ones included."""

from __future__ import annotations

import gzip
from pathlib import Path

from starlette.testclient import TestClient

from fazhi.content import WITHDRAWN_LIST
from fazhi_app.serving import create_app
from tests.api.conftest import make_settings, write_tiny_site


def test_sitemap_and_feeds_have_their_own_types(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    site = settings.paths.site
    write_tiny_site(site)
    sitemap = "<?xml version='1.0' encoding='UTF-8'?><urlset/>\n"
    (site / "sitemap.xml").write_text(sitemap, "utf-8")
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(sitemap.encode("utf-8")))
    (site / "rss.xml").write_text("<?xml version='1.0'?><rss/>\n", "utf-8")
    (site / "bundle.js.map").write_text('{"version": 3}\n', "utf-8")
    client = TestClient(create_app(settings))
    assert client.get("/bundle.js.map").headers["content-type"] == "application/json"
    zipped = client.get("/sitemap.xml.gz")
    assert zipped.status_code == 200 and zipped.headers["content-type"] == "application/gzip"
    assert "content-encoding" not in zipped.headers, "the file is gzip data, not XML sent compressed"
    assert gzip.decompress(zipped.content).decode("utf-8") == sitemap
    assert client.get("/sitemap.xml").headers["content-type"].startswith(("application/xml", "text/xml"))
    assert client.get("/").headers["content-type"].startswith("text/html")


def test_a_withdrawn_article_answers_410_with_its_notice(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    site = settings.paths.site
    write_tiny_site(site)
    notice = site / "cases" / "2021" / "fuqi-zhaiwu" / "index.html"
    notice.write_text("<h1>本文已撤回</h1>\n", "utf-8")
    client = TestClient(create_app(settings))
    assert client.get("/cases/2021/fuqi-zhaiwu/").status_code == 200
    (site / WITHDRAWN_LIST).write_text("cases/2021/fuqi-zhaiwu/\n", "utf-8")
    gone = client.get("/cases/2021/fuqi-zhaiwu/")
    assert gone.status_code == 410 and "本文已撤回" in gone.text and gone.headers["content-type"].startswith("text/html")
    assert client.get("/").status_code == 200
