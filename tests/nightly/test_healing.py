"""The nightly job never publishes a broken index and repairs a broken published one; serve answers 503 meanwhile."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

import fazhi_app.healing as healing
from fazhi.article import Article
from fazhi_app.nightly import EXIT_NOT_PUBLISHED, EXIT_OK
from fazhi_app.releases import Release
from search.indexer import current_generation
from search.query import SearchRequest, search
from tests.fixtures.deployment import Deployment
from tests.fixtures.search import write_tree
from tests.fixtures.served import serve_process

STAFF_WORD = "qingshan4417"


def biggest_segment_file(release: Release) -> Path:
    generation = current_generation(release.index)
    assert generation is not None
    return max((p for p in generation.iterdir() if p.name.startswith("MAIN_")), key=lambda p: p.stat().st_size)


def damage(release: Release, how: str) -> Path:
    victim = biggest_segment_file(release)
    if how == "delete":
        victim.unlink()
    else:
        os.truncate(victim, victim.stat().st_size // 3)
    return victim


def add_staff_article(d: Deployment) -> None:
    write_tree(d.settings.paths.content, [Article(
        title="青山社区普法讲座纪要", date=dt.datetime(2025, 3, 2), column="summaries", slug="qingshan-jiangzuo",
        source="办公室", body=f"社区举办普法讲座（编号 {STAFF_WORD}），讲解生态环境保护法律知识。",
    )])


@pytest.mark.parametrize("how", ["delete", "truncate"])
def test_a_damaged_published_index_is_rebuilt_on_a_night_with_nothing_else_to_do(deployment: Deployment, how: str) -> None:
    d = deployment
    assert d.run(scrape=False).status == "published"
    broken = d.current()
    victim = damage(broken, how)
    assert not d.verify(broken.index).ok

    with serve_process(d.settings, d.root / "serve.log") as server:
        answer = server.get("api/search", params={"q": "生态环境"})
        assert answer.status_code == 503, answer.text
        assert answer.json()["error"]["message"].startswith("the search index is damaged")
        assert server.get("/").status_code == 200 and server.get("cases/").status_code == 200, "pages are still served"
        assert victim.name in server.log.read_text("utf-8")

        healed = d.run(scrape=False)
        assert (healed.exit_code, healed.status) == (EXIT_OK, "published"), healed.summary
        assert d.current().name != broken.name
        assert any(f"published search index of release {broken.name} is unsound" in w for w in healed.report["warnings"])
        assert "warning: the published search index" in healed.summary
        status_page = (d.current().site / "status" / "index.html").read_text("utf-8")
        assert f"published search index of release {broken.name} is unsound" in status_page
        assert d.verify(d.current().index).ok
        assert server.get("api/search", params={"q": "生态环境"}).status_code == 200, "served from the next request on"

    again = d.run(scrape=False)
    assert (again.status, again.report["warnings"]) == ("unchanged", [])


def test_a_damaged_index_under_a_changed_night_is_repaired_with_a_warning(deployment: Deployment) -> None:
    d = deployment
    assert d.run(scrape=False).status == "published"
    damage(d.current(), "delete")
    add_staff_article(d)

    result = d.run(scrape=False)
    assert (result.exit_code, result.status) == (EXIT_OK, "published"), result.summary
    assert result.report["index"]["repair"], result.report["index"]
    assert result.report["index"]["rebuilt"] is True
    assert any(w.startswith("search index repaired: ") for w in result.report["warnings"])
    assert d.verify(d.current().index).ok
    assert search(d.current().index, SearchRequest(q=STAFF_WORD)).total == 1


def test_when_even_the_rebuild_fails_nothing_is_published(deployment: Deployment, monkeypatch: pytest.MonkeyPatch) -> None:
    d = deployment
    assert d.run(scrape=False).status == "published"
    before = d.current()
    damage(before, "delete")
    add_staff_article(d)
    real = healing.sync_articles

    def disk_full_on_rebuild(articles: object, index_dir: Path, rebuild: bool = False, **kwargs: object) -> object:
        if rebuild:
            raise OSError(28, "No space left on device")
        return real(articles, index_dir, rebuild=rebuild, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(healing, "sync_articles", disk_full_on_rebuild)
    result = d.run(scrape=False)
    assert (result.exit_code, result.status, result.release) == (EXIT_NOT_PUBLISHED, "failed", None), result.summary
    assert "No space left on device" in result.report["message"]
    assert d.current().name == before.name
    assert [r.name for r in d.releases.all()] == [before.name]
    assert not [p for p in d.settings.paths.releases.iterdir() if p.name.startswith(".")]

    monkeypatch.undo()
    healed = d.run(scrape=False)
    assert (healed.exit_code, healed.status) == (EXIT_OK, "published"), healed.summary
    assert search(d.current().index, SearchRequest(q=STAFF_WORD)).total == 1
