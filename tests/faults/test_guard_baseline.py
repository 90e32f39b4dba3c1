"""A broken change-guard baseline heals from the published release before the night is judged.

The baseline (``<state>/guard-baseline/``) is derived state: emptied, missing one
source's files, holding damaged files or left from another release, it must never
make the guard see "no previous version" (and publish a defacement) or put wrong
text back in the tree. Each night runs the real ``fazhi nightly`` against the sample mirror.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from fazhi_app.guard_baseline import BASELINE
from fazhi_app.nightly import EXIT_OK, EXIT_SOURCE_PROBLEM
from scraper.store import Store
from tests.fixtures.deployment import Deployment

BUSY = "<p>系统繁忙，请稍后再试！如有疑问请联系网站管理员，我们将尽快为您处理，感谢您的理解。</p>"
# Sources grown past guard.min_source_articles (6), so the share-of-changes rule applies to them.
GROWN = ("hanweb", "trs")


def nightly(d: Deployment) -> dict:
    done = d.cli("nightly")
    assert done.returncode in (EXIT_OK, EXIT_SOURCE_PROBLEM), done.stdout + done.stderr
    return json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))


def page(d: Deployment, site: str, record: dict) -> str:
    article = d.article_file(d.mirror.url(site, record))
    return (d.current().site / article.relative_to(d.settings.paths.content).parent / "index.html").read_text("utf-8")


def source_files(d: Deployment, base: Path, site: str) -> list[Path]:
    urls = {f"origin_url: {d.mirror.url(site, a)}\n" for a in d.mirror.articles(site)}
    return [p for p in base.glob("*/*/*/index.md") if any(u in p.read_text("utf-8", "replace") for u in urls)]


def emptied(d: Deployment, base: Path, stale: Path) -> None:
    for child in base.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()


def one_source_gone(d: Deployment, base: Path, stale: Path) -> None:
    for path in source_files(d, base, "hanweb"):
        path.unlink()


def damaged(d: Deployment, base: Path, stale: Path) -> None:
    for path in source_files(d, base, "hanweb"):
        path.unlink()  # a new file, as a bad restore leaves it: the tree's hard-linked article is untouched
        path.write_bytes(b"\x00\xff---\ntitle: [\n\x00")


def other_release(d: Deployment, base: Path, stale: Path) -> None:
    shutil.rmtree(base)
    shutil.copytree(stale, base)


BREAKAGES: dict[str, Callable[[Deployment, Path, Path], None]] = {
    "emptied": emptied, "one source gone": one_source_gone, "damaged files": damaged, "from another release": other_release,
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_a_broken_baseline_heals_from_the_release_before_a_defacement_is_judged(deployment: Deployment, breakage: str) -> None:
    d = deployment
    for site in GROWN:
        for n in range(3):
            d.mirror.add_article(site, f"{site}第{n}份生态环境政策解读", f"<p>{f'关于{site}环境影响评价制度的解读内容。' * 5}（{n}）</p>",
                                 date=f"2025-10-0{n + 1} 09:00")
    assert nightly(d)["exit_code"] == EXIT_OK
    base = d.settings.paths.state / BASELINE
    stale = d.root / "stale-baseline"
    shutil.copytree(base, stale)
    edited = d.mirror.articles("hanweb")[0]
    d.mirror.edit_article("hanweb", edited["id"], body=edited["body"] + "<p>第二晚的更正 gengzheng4471。</p>")
    second = nightly(d)
    assert second["exit_code"] == EXIT_OK and "gengzheng4471" in page(d, "hanweb", edited)

    BREAKAGES[breakage](d, base, stale)
    for site in GROWN:
        for article in d.mirror.articles(site):
            d.mirror.edit_article(site, article["id"], body=BUSY)
    report = nightly(d)

    held = {h["url"] for h in report["held"]}
    for site in GROWN:
        urls = {d.mirror.url(site, a) for a in d.mirror.articles(site)}
        assert urls <= held, f"{site}: {len(urls - held)} of {len(urls)} defaced articles not held: {report['message']}"
    assert report["exit_code"] == EXIT_SOURCE_PROBLEM
    for site in GROWN:
        for article in d.mirror.articles(site):
            assert "系统繁忙" not in page(d, site, article), "a defaced page went live"
    assert "gengzheng4471" in page(d, "hanweb", edited), "the published version stays published"
    repaired = [w for w in report["warnings"] if BASELINE in w]
    assert repaired and "rebuilt" in repaired[0], report["warnings"]
    status = (d.current().site / "status" / "index.html").read_text("utf-8")
    assert BASELINE in status, "the repair is on the status page"


def test_a_held_change_stays_held_when_the_baseline_is_emptied_the_next_night(deployment: Deployment) -> None:
    d = deployment
    word = "蓄意抹黑测试语"
    raw = yaml.safe_load(d.config.read_text("utf-8"))
    raw["guard"] = {"sensitive_words": [word]}
    d.config.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    assert nightly(d)["exit_code"] == EXIT_OK
    article = d.mirror.articles("hanweb")[0]
    url = d.mirror.url("hanweb", article)
    published = d.article_file(url)
    approved = published.read_text("utf-8")
    d.mirror.edit_article("hanweb", article["id"], body=article["body"] + f"<p>{word}</p>")
    held = nightly(d)
    assert [h["url"] for h in held["held_tonight"]] == [url], held["message"]
    hold_id = held["held_tonight"][0]["id"]

    emptied(d, d.settings.paths.state / BASELINE, d.root)
    for n in range(2):  # the source's list changes, so the held article is extracted again
        d.mirror.add_article("hanweb", f"第{n}份新的政策解读", f"<p>{'关于环境影响评价制度的解读内容。' * 5}（{n}）</p>")
    report = nightly(d)

    assert report["exit_code"] == EXIT_SOURCE_PROBLEM, report["message"]
    assert url in {h["url"] for h in report["held"]}, "the held change is still waiting for review"
    with Store(d.settings.paths.state) as store:
        statuses = {h.id: h.status for h in store.held(None) if h.url == url}
    assert statuses.get(hold_id) != "superseded" or "held" in statuses.values(), f"hold superseded without a staff edit: {statuses}"
    assert published.read_text("utf-8") == approved, "the approved version stays in the tree"
    assert word not in page(d, "hanweb", article)
