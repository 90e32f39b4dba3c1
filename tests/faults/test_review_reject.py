"""A rejected change: upstream edits and deletions made after it still reach the published article, and a new defacement is held again."""

from __future__ import annotations

import subprocess
from pathlib import Path

from fazhi_app.nightly import EXIT_OK, EXIT_SOURCE_PROBLEM
from tests.fixtures.deployment import Deployment

DEFACED = "<p>本网站正在维护升级，暂停访问，请稍后再来查看有关的政策信息内容。</p>"


def first_published(d: Deployment) -> tuple[dict, str, Path]:
    """After a first night: a TRS article, its URL and its published file."""
    assert d.cli("nightly").returncode == EXIT_OK
    article = d.mirror.articles("trs")[0]
    url = d.mirror.url("trs", article)
    return article, url, d.article_file(url)


def test_upstream_edits_and_deletions_after_a_rejection_reach_the_published_article(deployment: Deployment) -> None:
    d = deployment
    article, url, published = first_published(d)
    rejected = d.settings.paths.content / ".rejected" / published.relative_to(d.settings.paths.content)
    d.mirror.edit_article("trs", article["id"], body=DEFACED)
    held = d.cli("nightly")
    assert held.returncode == EXIT_SOURCE_PROBLEM and "held for review" in held.stdout, held.stdout + held.stderr
    decided = d.cli("review", "--reject", url)
    assert decided.returncode == 0, decided.stderr
    assert "正在维护升级" in rejected.read_text("utf-8") and "正在维护升级" not in published.read_text("utf-8")

    d.mirror.edit_article("trs", article["id"], body=article["body"] + "<p>修复后补充：songlin6621。</p>")
    edited = d.cli("nightly")
    assert edited.returncode == EXIT_OK, edited.stdout + edited.stderr
    assert "songlin6621" in published.read_text("utf-8"), "an upstream edit after the rejection is published"
    assert "正在维护升级" in rejected.read_text("utf-8"), "the rejected version stays for the record"

    d.mirror.delete_article("trs", article["id"])
    removed = d.cli("nightly")
    assert removed.returncode == EXIT_OK, removed.stdout + removed.stderr
    assert "removed_upstream:" in published.read_text("utf-8"), "an upstream deletion after the rejection is published"
    assert "removed_upstream:" not in rejected.read_text("utf-8")
    site_page = d.current().site / published.relative_to(d.settings.paths.content).parent / "index.html"
    assert "songlin6621" in site_page.read_text("utf-8")


def test_a_rejection_stands_when_its_snapshot_fails_and_the_failure_is_named(deployment: Deployment) -> None:
    d = deployment
    content = d.settings.paths.content
    subprocess.run(["git", "init", "-q", str(content)], check=True)
    assert d.cli("nightly").returncode == EXIT_OK
    article = d.mirror.articles("trs")[0]
    url = d.mirror.url("trs", article)
    published = d.article_file(url)
    d.mirror.edit_article("trs", article["id"], body=DEFACED)
    assert d.cli("nightly").returncode == EXIT_SOURCE_PROBLEM
    (content / ".git" / "index.lock").mkdir()  # left behind as a folder: git can neither take nor clear the lock

    decided = d.cli("review", "--reject", url)
    assert decided.returncode == EXIT_OK, decided.stdout + decided.stderr
    assert f"rejected: #1 {url}" in decided.stdout
    [line] = decided.stderr.splitlines()
    assert line.startswith(f"fazhi: {content}: the git snapshot failed") and "index.lock" in line, line
    assert "正在维护升级" not in published.read_text("utf-8")
    assert "no changes are held for review" in d.cli("review").stdout


def test_an_article_defaced_again_after_a_rejection_stays_held_on_the_nights_after(deployment: Deployment) -> None:
    d = deployment
    article, url, published = first_published(d)
    d.mirror.edit_article("trs", article["id"], body=DEFACED)
    assert d.cli("nightly").returncode == EXIT_SOURCE_PROBLEM
    assert d.cli("review", "--reject", url).returncode == EXIT_OK
    d.mirror.edit_article("trs", article["id"], body=article["body"])  # upstream repaired
    assert d.cli("nightly").returncode == EXIT_OK

    d.mirror.edit_article("trs", article["id"], body=DEFACED)  # and defaced again
    again = d.cli("nightly")
    assert again.returncode == EXIT_SOURCE_PROBLEM and url in d.cli("review").stdout, again.stdout + again.stderr
    later = d.cli("nightly")

    assert later.returncode == EXIT_SOURCE_PROBLEM, later.stdout + later.stderr
    assert url in d.cli("review").stdout, "the second defacement still waits for review: the first one's rejection does not close it"
    assert "正在维护升级" not in published.read_text("utf-8")
