"""The mirror's hostile source: nothing active lands in the content tree, nothing internal is fetched.

Its pages link to files that are not what their names say (HTML as .jpg, SVG with
script, HTML labelled PDF, a "text" file with markup, a Word file with macros) and to
internal addresses: the mirror's own loopback address (which would answer), a redirect
to it, ``localhost``, a private address, and an article entry on loopback.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fazhi.content import load_tree
from fazhi.filetypes import refusal
from fazhi_app.build import build_site
from scraper.mirror import Mirror, hostile
from scraper.mirror.samples import ACTIVE_MARK
from scraper.run import ScrapeReport, scrape
from tests.fixtures.mirror import mirror_settings_for
from tests.fixtures.site import REPO, sample_settings
from tests.website.util import content_copy


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Mirror, ScrapeReport, Path]:
    root = tmp_path_factory.mktemp("hostile")
    with Mirror(root / "mirror-data") as mirror:
        settings = mirror_settings_for(mirror, root)
        settings = mirror.settings(settings, sources=(hostile.SOURCE,))
        report = scrape(settings, progress=False)
        yield mirror, report, settings.paths.content


def test_no_file_in_the_tree_is_active_and_each_is_stored_as_its_type(hostile_run) -> None:  # type: ignore[no-untyped-def]
    _, report, content = hostile_run
    files = [p for p in content.rglob("*") if p.is_file() and p.suffix != ".md"]
    assert sorted(p.name for p in files) == ["good.pdf", "good.png", "scan-gif.png"], files
    for path in files:
        assert refusal(path) is None, path
        assert ACTIVE_MARK.encode() not in path.read_bytes()
    assert not [p for p in content.rglob("*") if p.suffix.lower() in (".svg", ".html", ".htm", ".txt")]
    reasons = "\n".join(report.source("example-hostile").reasons)
    for name, why in (("photo.jpg", "an HTML page"), ("chart.png", "SVG"), ("diagram.svg", "SVG"), ("notice.pdf", "an HTML page"),
                      ("readme.txt", "HTML page"), ("form.doc", "macros")):
        assert f"file refused, linked to the original: http://{hostile.HOST}/uploads/{name}: " in reasons and why in reasons, name
    refusals = [r for r in report.source("example-hostile").reasons if "file refused" in r or "asset not archived" in r]
    assert len(refusals) == 10 and all(r.startswith("cases/2024/example-hostile-") for r in refusals), "each names its article"


def test_refused_files_keep_their_text_and_a_link_to_the_public_original(hostile_run) -> None:  # type: ignore[no-untyped-def]
    _, _, content = hostile_run
    tree = load_tree(content)
    assert tree.ok, tree.problems
    files = next(a for a in tree.articles if a.origin_url == f"http://{hostile.HOST}{hostile.FILES_ARTICLE}")
    assert f"](http://{hostile.HOST}/uploads/notice.pdf)" in files.body
    assert f"](http://{hostile.HOST}/uploads/photo.jpg)" in files.body  # an image not kept becomes a link to it
    assert "](good.png)" in files.body and "](scan-gif.png)" in files.body and "](good.pdf)" in files.body
    assert ACTIVE_MARK not in files.to_markdown()


def test_internal_addresses_are_never_fetched_and_not_linked(hostile_run) -> None:  # type: ignore[no-untyped-def]
    mirror, report, content = hostile_run
    asked = [f"{r.host}{r.path}" for r in mirror.requests()]
    assert asked and not [a for a in asked if "internal" in a], asked
    source = report.source("example-hostile")
    reasons = "\n".join(source.reasons)
    assert "192.168.10.5 is not a public address" in reasons
    assert "internal-plan.pdf: refused: 127.0.0.1 is not a public address" in reasons
    assert "/uploads/internal-forwarded.pdf: refused: 127.0.0.1 is not a public address" in reasons, "the redirect hop is checked"
    assert "internal-list.xls: refused: localhost resolves to" in reasons
    assert source.skipped == 1 and "internal-entry.html: refused: 127.0.0.1" in reasons
    assert source.status == "ok" and source.new == 2
    intranet = next(a for a in load_tree(content).articles if a.origin_url == f"http://{hostile.HOST}{hostile.INTERNAL_ARTICLE}")
    assert "内部工作方案.pdf" in intranet.body and "监控截图" in intranet.body, "the link text stays"
    assert "127.0.0.1" not in intranet.body and "localhost" not in intranet.body and "192.168" not in intranet.body
    assert "/go/forwarded.pdf" in intranet.body, "a public link whose redirect was refused stays a link"


def test_nothing_active_lands_in_the_built_site(hostile_run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, _, scraped = hostile_run
    content = content_copy(REPO / "docs", tmp_path / "content")
    shutil.copytree(scraped / "cases", content / "cases")
    settings = sample_settings(tmp_path).with_paths(content=content)
    build_site(settings)
    articles = [p for p in (settings.paths.site / "cases").rglob("*") if p.is_file() and "example-hostile" in p.as_posix()]
    assert sorted(p.name for p in articles if p.suffix != ".html") == ["good.pdf", "good.png", "scan-gif.png"]
    for path in settings.paths.site.rglob("*"):
        if path.is_file():
            assert ACTIVE_MARK.encode() not in path.read_bytes(), path


def test_fetch_allow_hosts_lets_a_named_internal_host_through(tmp_path: Path) -> None:
    with Mirror(tmp_path / "mirror-data") as mirror:
        settings = mirror.settings(mirror_settings_for(mirror, tmp_path, allow_hosts=["localhost"]), sources=(hostile.SOURCE,))
        report = scrape(settings, progress=False)
        asked = [r.path for r in mirror.requests() if r.host.startswith("localhost")]
    assert asked == ["/robots.txt", "/uploads/internal-list.xls"]
    assert [p.name for p in settings.paths.content.rglob("internal-list.xls")] == ["internal-list.xls"]
    reasons = "\n".join(report.source("example-hostile").reasons)
    assert "internal-plan.pdf: refused: 127.0.0.1 is not a public address" in reasons, "only the named host is allowed"
