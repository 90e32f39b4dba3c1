"""The change guard, `fazhi review` and the content tree's git snapshots, over the sample mirror."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

from fazhi.config import GuardSettings
from fazhi_app.nightly import EXIT_OK, EXIT_SOURCE_PROBLEM
from search.query import SearchRequest, search
from tests.fixtures.deployment import Deployment

WORD = "颠倒黑白测试语"


def hits(d: Deployment, query: str) -> int:
    return search(d.current().index, SearchRequest(q=query)).total


def page(d: Deployment, article: Path) -> str:
    return (d.current().site / article.relative_to(d.settings.paths.content).parent / "index.html").read_text("utf-8")


def git(content: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(content), *args], check=True, capture_output=True, text=True).stdout


def test_defaced_and_sensitive_changes_are_held_reviewed_and_decided(deployment: Deployment) -> None:
    d = deployment
    d.settings = dataclasses.replace(d.settings, guard=GuardSettings(sensitive_words=(WORD,)))
    assert d.run().exit_code == EXIT_OK
    shrunk, worded, fine = d.mirror.articles("trs")[:3]
    shrunk_file = d.article_file(d.mirror.url("trs", shrunk))
    published = shrunk_file.read_text("utf-8")
    d.mirror.edit_article("trs", shrunk["id"], body="<p>本网站正在维护升级，暂停访问，请稍后再来查看有关的政策信息内容。</p>")
    d.mirror.edit_article("trs", worded["id"], body=worded["body"] + f"<p>{WORD}</p>")
    d.mirror.edit_article("trs", fine["id"], body=fine["body"] + "<p>补充：qingshan4417。</p>")
    added = d.mirror.add_article("generic", f"关于{WORD}的说明", "<p>正文足够长，说明有关情况，供公众了解政策背景和主要内容。</p>")

    result = d.run()
    assert (result.exit_code, result.status) == (EXIT_SOURCE_PROBLEM, "published"), result.summary
    held = {h["url"]: h for h in result.report["held"]}
    assert set(held) == {d.mirror.url("trs", shrunk), d.mirror.url("trs", worded), d.mirror.url("generic", added)}
    assert "shrank" in " ".join(held[d.mirror.url("trs", shrunk)]["reasons"])
    assert held[d.mirror.url("generic", added)]["kind"] == "new"
    assert shrunk_file.read_text("utf-8") == published, "the published version stays in the tree"
    assert "正在维护升级" not in page(d, shrunk_file) and hits(d, WORD) == 0 and hits(d, "qingshan4417") == 1
    assert (d.settings.paths.content / ".held" / shrunk_file.relative_to(d.settings.paths.content)).is_file()
    status = (d.current().site / "status" / "index.html").read_text("utf-8")
    assert "暂缓发布的变化" in status and "shrank" in status

    again = d.run()
    assert again.status == "unchanged" and len(again.report["held"]) == 3, "a held change is not fetched and held twice"
    listing = d.cli("review")
    assert listing.returncode == 0 and d.mirror.url("trs", shrunk) in listing.stdout and "shrank" in listing.stdout

    decided = d.cli("review", "--reject", d.mirror.url("trs", shrunk), "--reject", d.mirror.url("trs", worded))
    assert decided.returncode == 0, decided.stderr
    accepted = d.cli("review", "--accept", d.mirror.url("generic", added))
    assert accepted.returncode == 0, accepted.stderr
    assert d.cli("review", "--accept", "no-such-change").returncode == 2
    after = d.run()
    assert (after.exit_code, after.status, after.report["held"]) == (EXIT_OK, "published", []), after.summary
    assert hits(d, WORD) == 1, "the accepted article is published"
    assert shrunk_file.read_text("utf-8") == published and "正在维护升级" not in page(d, shrunk_file)
    assert (d.settings.paths.content / ".rejected" / shrunk_file.relative_to(d.settings.paths.content)).is_file()
    assert d.run().report["held"] == [], "a rejected upstream version is not held again"

    d.mirror.edit_article("trs", shrunk["id"], body=shrunk["body"] + "<p>修复后补充：baiyun2208。</p>")
    repaired = d.run()
    assert (repaired.exit_code, repaired.report["held"]) == (EXIT_OK, []), repaired.summary
    assert "baiyun2208" in page(d, shrunk_file)


def test_sensitive_words_are_matched_in_the_title_and_body_not_the_front_matter(deployment: Deployment) -> None:
    d = deployment
    d.settings = dataclasses.replace(d.settings, guard=GuardSettings(sensitive_words=(WORD,)))
    assert d.run().exit_code == EXIT_OK
    sourced, titled = d.mirror.articles("hanweb")[:2]
    d.mirror.edit_article("hanweb", sourced["id"], office=f"{WORD}办公室", body=sourced["body"] + "<p>补充：songlin6021。</p>")
    d.mirror.edit_article("hanweb", titled["id"], title=f"{titled['title']}{WORD}")
    sourced_file = d.article_file(d.mirror.url("hanweb", sourced))

    result = d.run()
    held = {h["url"]: h["reasons"] for h in result.report["held"]}
    assert set(held) == {d.mirror.url("hanweb", titled)}, held
    assert WORD in " ".join(held[d.mirror.url("hanweb", titled)])
    text = sourced_file.read_text("utf-8")
    assert f"source: {WORD}办公室" in text and WORD not in text.split("\n---\n", 1)[1], "the word is in the front matter only"
    assert hits(d, "songlin6021") == 1, "a word in the front matter alone does not hold the article"


def test_a_source_changing_most_of_its_articles_in_one_night_is_held(deployment: Deployment) -> None:
    d = deployment
    for n in range(3):
        body = f"<p>{'关于环境影响评价的解读内容。' * 5}（{n}）</p>"
        d.mirror.add_article("hanweb", f"第{n}份政策解读", body, date=f"2025-10-0{n + 1} 09:00")
    first = d.run()
    assert first.exit_code == EXIT_OK, first.summary
    articles = d.mirror.articles("hanweb")
    assert len(articles) == 8
    for article in articles[:5]:
        d.mirror.edit_article("hanweb", article["id"], body=article["body"] + "<p>统一改版说明 gaiban5521。</p>")
    d.mirror.edit_article("trs", d.mirror.articles("trs")[0]["id"], body=d.mirror.articles("trs")[0]["body"] + "<p>lanxi7310</p>")
    result = d.run()
    assert result.exit_code == EXIT_SOURCE_PROBLEM, result.summary
    assert len(result.report["held"]) == 5 and {h["source"] for h in result.report["held"]} == {"sthjt-hanweb"}
    assert "5 of 8 articles of sthjt-hanweb changed" in result.report["held"][0]["reasons"][0]
    assert hits(d, "gaiban5521") == 0 and hits(d, "lanxi7310") == 1, "the other sources publish as usual"

    claimed = d.article_file(d.mirror.url("hanweb", articles[0]))
    claimed.write_text(claimed.read_text("utf-8").rstrip("\n") + "\n\n编者按：bianzhe3307。\n", "utf-8")
    for article in articles[:5]:
        d.mirror.edit_article("hanweb", article["id"], body=article["body"] + "<p>再次改版 gaiban5521。</p>")
    repaired = d.run()
    assert (repaired.exit_code, repaired.report["held"]) == (EXIT_OK, []), "repaired upstream: nothing left to review"
    assert "bianzhe3307" in claimed.read_text("utf-8") and hits(d, "bianzhe3307") == 1, "a staff edit of a held article is kept"
    assert hits(d, "gaiban5521") == 4, "the other four publish, now within the limits"
    assert not list((d.settings.paths.content / ".held").rglob("index.md"))


def test_each_night_that_changes_a_git_content_tree_ends_with_one_commit(deployment: Deployment) -> None:
    d = deployment
    content = d.settings.paths.content
    git(content, "init", "-q")
    first = d.run()
    assert first.report["snapshot"]["commit"] == git(content, "rev-parse", "HEAD").strip()
    subject = git(content, "log", "-1", "--format=%s")
    assert subject.startswith(f"nightly {first.report['run']}: ")
    assert git(content, "status", "--porcelain") == ""
    assert d.run().report["snapshot"] == {"commit": None, "error": None}, "no change, no commit"
    added = d.mirror.add_article("ucap", "关于河湖长制的政策解读", "<p>河湖长制落实情况的说明，供公众了解相关措施和进展。</p>")
    third = d.run()
    body = git(content, "log", "-1", "--format=%B")
    assert f"run: {third.report['run']}" in body and "1 new" in body
    assert len(git(content, "log", "--format=%H").split()) == 2
    rel = str(d.article_file(d.mirror.url("ucap", added)).relative_to(content))
    assert git(content, "show", "--name-only", "--format=", "HEAD").split() == [rel]
    report = json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))
    assert report["snapshot"]["commit"] == git(content, "rev-parse", "HEAD").strip()
