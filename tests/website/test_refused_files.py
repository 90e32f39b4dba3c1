"""Files already in the content tree are judged by their bytes: `fazhi check` names refused ones, the build leaves them out."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from fazhi.article import Article, Attachment, article_path
from fazhi_app.authoring import check_content
from fazhi_app.build import build_site
from scraper.mirror import samples
from tests.fixtures.site import sample_settings
from tests.website.util import page


def test_check_reports_refused_files_and_the_build_leaves_them_out(content: Path, tmp_path: Path) -> None:
    article = Article(
        title="（示例）附件混杂的案例", date=dt.datetime(2024, 3, 1), column="cases", slug="mixed-files",
        body="![现场照片](photo.png)\n\n![流程图](flow.svg)\n\n[处罚决定书](decision.pdf)\n\n[说明](notes.txt)\n",
        attachments=(Attachment("处罚决定书", "decision.pdf"), Attachment("统计表", "table.xls")),
    )
    rel = article_path(article.column, article.date, article.slug)
    folder = content / rel.parent
    folder.mkdir(parents=True)
    (content / rel).write_text(article.to_markdown(), "utf-8")
    (folder / "photo.png").write_bytes(samples.png(b"\x10\x20\x30"))
    (folder / "flow.svg").write_bytes(samples.HOSTILE["diagram.svg"][1])
    (folder / "decision.pdf").write_bytes(samples.HOSTILE["notice.pdf"][1])
    (folder / "notes.txt").write_text("说明<script>alert(1)</script>", "utf-8")
    (folder / "table.xls").write_bytes(samples.excel(b"t"))
    settings = dataclasses.replace(sample_settings(tmp_path).with_paths(content=content))

    tree = check_content(settings)
    problems = {p.path.rsplit("/", 1)[-1]: p.message for p in tree.problems}
    assert sorted(problems) == ["decision.pdf", "flow.svg", "notes.txt"]
    assert "SVG" in problems["flow.svg"] and "HTML page" in problems["decision.pdf"]
    assert all(m.startswith("refused file, left out of the site: ") for m in problems.values())
    assert (settings.paths.state / "content-files.json").is_file(), "verdicts are cached for the next run"
    assert {p.path for p in check_content(settings).problems} == {p.path for p in tree.problems}

    build_site(settings)
    built = settings.paths.site / rel.parent
    assert sorted(p.name for p in built.iterdir()) == ["index.html", "photo.png", "table.xls"]
    html = page(settings.paths.site, f"{rel.parent}/")
    body = html.select(".fz-body")[0] if html.select(".fz-body") else html.select("article")[0]
    assert [img["src"] for img in body.select("img")] == ["photo.png"]
    assert "流程图" in body.get_text() and "处罚决定书" in body.get_text() and "说明" in body.get_text()
    assert not [a for a in body.select("a[href]") if a["href"].endswith(("decision.pdf", "flow.svg", "notes.txt"))]
    assert [a.get_text(strip=True) for a in html.select(".fz-attachments a[download]")] == ["统计表"]
