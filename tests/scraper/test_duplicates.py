"""One article, one copy: a republished copy joins the archived one although localisation changed the archived body,
and two articles that only share a title and a day stay two."""

from __future__ import annotations

import pytest

from fazhi.content import load_tree
from scraper.mirror import Mirror
from scraper.run import scrape
from tests.fixtures.mirror import mirror_settings_for

DAY = "2025-06-27 10:00"
TEXT = "<p>云溪市司法局召开普法工作推进会，部署下半年重点任务。</p>"


def _published_twice(mirror: Mirror, tmp_path, title: str, first: str, second: str) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    """Archive ``first`` from the old site, then meet ``second`` on the new one (a source without ``replaces:``);
    returns how many copies were merged and the archived articles' bodies of that title."""
    settings = mirror_settings_for(mirror, tmp_path)
    mirror.add_article("trs", title, first, date=DAY)
    scrape(settings, ["mee-zcjd"])
    mirror.add_article("generic", title, second, date=DAY)
    report = scrape(settings, ["example-generic"]).source("example-generic")
    return report.merged, [a.body for a in load_tree(settings.paths.content).articles if a.title == title]


@pytest.mark.parametrize(("first", "second"), [
    pytest.param(TEXT + '<p><a href="/uploads/2025/06/yicheng.pdf">附件：推进会议程</a></p>', TEXT, id="attachment-dropped"),
    pytest.param(TEXT + '<p><img src="/picture/0/missing-tuijinhui.png" alt="云溪市司法局普法工作推进会现场照片"></p>',
                 TEXT + '<p><img src="/images/2025/missing-tuijinhui.png"></p>', id="refused-image-relinked"),
    pytest.param(TEXT + '<p><img src="/uploads/2025/06/tuijinhui.jpg" alt="推进会现场"></p>'
                 '<p><a href="/uploads/2025/06/yicheng.pdf">附件：推进会议程</a></p>',
                 TEXT + '<p><img src="/images/2025/tuijinhui.jpg"></p>', id="short-body-attachment-dropped-image-relinked"),
    pytest.param('<p><img src="/uploads/2025/06/海报.png"></p>', '<p><img src="/uploads/2025/06/海报.png"></p>', id="image-only"),
])
def test_a_republished_copy_joins_the_archived_one(fresh_mirror, tmp_path, first: str, second: str) -> None:  # type: ignore[no-untyped-def]
    merged, bodies = _published_twice(fresh_mirror, tmp_path, "云溪市召开普法工作推进会", first, second)
    assert merged == 1 and len(bodies) == 1


@pytest.mark.parametrize(("title", "first", "second"), [
    pytest.param("2025年上半年工作总结",
                 '<p>云溪市司法局2025年上半年工作总结见附件。</p><p><a href="/uploads/2025/06/sfj.docx">云溪市司法局工作总结</a></p>',
                 '<p>云溪市公安局2025年上半年工作总结见附件。</p><p><a href="/uploads/2025/06/gaj.docx">云溪市公安局工作总结</a></p>',
                 id="two-units"),
    pytest.param("关于开展普法检查的通知",
                 '<p>附件：<a href="/uploads/2025/06/a/1.pdf">附件1</a></p>', '<p>附件：<a href="/uploads/2025/06/b/1.pdf">附件1</a></p>',
                 id="bodies-only-attachments"),
    pytest.param("普法宣传海报", '<p><img src="/uploads/2025/06/海报一.png"></p>', '<p><img src="/uploads/2025/06/海报二.png"></p>',
                 id="two-image-only-articles"),
])
def test_two_articles_with_the_same_title_and_day_stay_two(fresh_mirror, tmp_path, title: str, first: str,  # type: ignore[no-untyped-def]
                                                            second: str) -> None:
    merged, bodies = _published_twice(fresh_mirror, tmp_path, title, first, second)
    assert merged == 0 and len(bodies) == 2
