"""Faults inside the content tree: what cannot be read or is not what its name says is left out and named.

Each test damages a deployment's tree the way an operator finds it (mode 000 as a service
user meets it, a folder where a file belongs, a name from a Windows zip that is not UTF-8),
then runs the real ``fazhi nightly`` and ``fazhi check``: the night publishes the rest with
exit 3 and names the culprit in its report and on the status page, the check names it with
exit 1. The commands run without the capabilities that let root read anything, so mode 000
stops them as it stops a service user.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from fazhi_app.nightly import EXIT_OK, EXIT_SOURCE_PROBLEM
from tests.faults.test_deleted_files import SCHEDULE
from tests.fixtures.deployment import Deployment

SETPRIV = shutil.which("setpriv")
# Root reads mode-000 files and links others' files through these capabilities; without them it meets
# permissions as a service user does. The damaged entries belong to another user, as files copied in by root do.
DROP = "-dac_override,-dac_read_search,-fowner"
OTHER_USER = 65534
EXIT_PROBLEMS = 1
GBK_NAME = "张三笔录.png".encode("gbk")


def as_service_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    if SETPRIV is None:
        pytest.skip("running as root without setpriv: mode 000 would not stop the commands")
    return [SETPRIV, f"--inh-caps={DROP}", f"--bounding-set={DROP}", *command]


def fazhi(d: Deployment, *args: str) -> subprocess.CompletedProcess[str]:
    """``fazhi <args>`` on the deployment, as a service user meets the tree."""
    return subprocess.run(as_service_user(d.command(*args)), capture_output=True, text=True, timeout=300, cwd=d.root)


def night(d: Deployment, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """A real ``fazhi nightly`` and the report it left in ``latest.json``."""
    done = fazhi(d, "nightly", *args)
    report = json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))
    return done, report


def first_night(d: Deployment) -> int:
    """Publish the undamaged tree; returns how many articles the release holds."""
    done, report = night(d)
    assert done.returncode == EXIT_OK, done.stdout + done.stderr
    return int(report["articles"])


def scraped_article(d: Deployment, *, with_image: bool = False) -> Path:
    """The folder of a scraped article (with a stored image when asked)."""
    for path in sorted(d.settings.paths.content.glob("*/*/*/index.md")):
        if "origin: scraped" in path.read_text("utf-8") and (not with_image or any(path.parent.glob("*.png"))):
            return path.parent
    raise AssertionError("no scraped article" + (" with a PNG" if with_image else ""))


def rel(d: Deployment, path: Path) -> str:
    return path.relative_to(d.settings.paths.content).as_posix()


def assert_left_out_and_named(d: Deployment, done: subprocess.CompletedProcess[str], report: dict[str, Any], culprit: str) -> None:
    """The night published the rest with exit 3 and named the culprit in its report, its summary and on the status page."""
    assert done.returncode == EXIT_SOURCE_PROBLEM, done.stdout + done.stderr
    assert report["status"] == "published", report.get("message")
    assert culprit in report["excluded"], report["excluded"]
    assert culprit in done.stdout
    status_page = (d.current().site / "status" / "index.html").read_text("utf-8")
    assert culprit in status_page


def assert_check_names(d: Deployment, culprit: str) -> None:
    done = fazhi(d, "check")
    assert done.returncode == EXIT_PROBLEMS, done.stdout + done.stderr
    assert any(line.startswith(f"{culprit}:") for line in done.stdout.splitlines()), done.stdout


def test_an_unreadable_article_file_is_left_out_and_named(deployment: Deployment) -> None:
    d = deployment
    articles = first_night(d)
    article = scraped_article(d) / "index.md"
    os.chown(article, OTHER_USER, OTHER_USER)
    article.chmod(0)
    done, report = night(d)
    assert_left_out_and_named(d, done, report, rel(d, article))
    assert report["articles"] == articles - 1
    assert "permission denied" in done.stdout
    assert_check_names(d, rel(d, article))
    article.chmod(0o644)


def test_an_unreadable_article_file_of_the_service_user_is_left_out_when_the_guard_baseline_is_rebuilt(deployment: Deployment) -> None:
    d = deployment
    first_night(d)
    article = scraped_article(d) / "index.md"
    article.chmod(0)  # the service user's own file: it may be linked, not read
    shutil.rmtree(d.settings.paths.state / "guard-baseline")
    done, report = night(d)
    assert_left_out_and_named(d, done, report, rel(d, article))
    assert any("guard-baseline" in warning for warning in report["warnings"]), report["warnings"]
    article.chmod(0o644)


def test_the_snapshot_commits_the_night_around_an_unreadable_file(deployment: Deployment) -> None:
    d = deployment
    content = d.settings.paths.content
    subprocess.run(["git", "init", "-q", str(content)], check=True)
    first_night(d)
    article = scraped_article(d) / "index.md"
    os.chown(article, OTHER_USER, OTHER_USER)
    article.chmod(0)
    staff = content / "cases/2026/snapshot-around-a-fault/index.md"
    staff.parent.mkdir(parents=True)
    staff.write_text("---\ntitle: 某县开展普法活动\ndate: 2026-02-10\ncolumn: cases\nslug: snapshot-around-a-fault\n---\n\n正文。\n",
                     "utf-8")
    done, report = night(d)
    assert_left_out_and_named(d, done, report, rel(d, article))
    assert report["run_problems"] == [] and report["snapshot"]["commit"], report["snapshot"]
    committed = subprocess.run(["git", "-C", str(content), "show", "--name-only", "--format=", "HEAD"], capture_output=True,
                               text=True).stdout
    assert rel(d, staff) in committed.splitlines(), committed
    article.chmod(0o644)


def test_an_unreadable_folder_is_left_out_and_named_every_night(deployment: Deployment) -> None:
    d = deployment
    articles = first_night(d)
    folder = scraped_article(d)
    os.chown(folder, OTHER_USER, OTHER_USER)
    folder.chmod(0)
    done, report = night(d)
    assert_left_out_and_named(d, done, report, rel(d, folder))
    assert report["articles"] == articles - 1
    # A night with nothing else to do still says what is wrong instead of passing as unchanged.
    again, report = night(d, "--no-scrape")
    assert again.returncode == EXIT_SOURCE_PROBLEM, again.stdout + again.stderr
    assert rel(d, folder) in report["excluded"] and rel(d, folder) in again.stdout
    assert_check_names(d, rel(d, folder))
    folder.chmod(0o755)


def test_a_folder_named_like_a_linked_image_is_left_out_and_the_scrape_leaves_no_temporary(deployment: Deployment) -> None:
    d = deployment
    first_night(d)
    folder = scraped_article(d, with_image=True)
    image = sorted(folder.glob("*.png"))[0]
    image.unlink()
    image.mkdir()
    done, report = night(d)
    assert_left_out_and_named(d, done, report, rel(d, image))
    assert not [p for p in d.settings.paths.content.rglob("*.tmp")], "a temporary file was left in the content tree"
    assert image.is_dir() and (folder / "index.md").is_file(), "what was archived is kept"
    reasons = [reason for row in report["sources"] for reason in row["reasons"]]
    assert any(rel(d, image) in reason for reason in reasons), reasons
    assert_check_names(d, rel(d, image))


def test_an_index_md_that_is_a_folder_is_named_not_silently_dropped(deployment: Deployment) -> None:
    d = deployment
    articles = first_night(d)
    article = d.settings.paths.content / "cases/2025/discharge-without-permit/index.md"
    text = article.read_text("utf-8")
    article.unlink()
    article.mkdir()
    (article / "index.md").write_text(text, "utf-8")
    done, report = night(d, "--no-scrape")
    assert_left_out_and_named(d, done, report, rel(d, article))
    assert report["articles"] == articles - 1
    assert_check_names(d, rel(d, article))


def test_a_file_name_that_is_not_utf8_is_left_out_and_named(deployment: Deployment) -> None:
    d = deployment
    articles = first_night(d)
    folder = scraped_article(d)
    with open(os.fsencode(folder) + b"/" + GBK_NAME, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
    culprit = f"{rel(d, folder)}/{GBK_NAME.decode('utf-8', 'backslashreplace')}"
    done, report = night(d)
    assert report["status"] != "running", done.stdout + done.stderr
    assert_left_out_and_named(d, done, report, culprit)
    assert report["articles"] == articles, "the article beside the file is published"
    assert_check_names(d, culprit)


def test_an_unreadable_published_file_of_a_held_article_is_left_out_and_its_hold_stands(deployment: Deployment) -> None:
    d = deployment
    first_night(d)
    article = d.mirror.articles("trs")[0]
    url = d.mirror.url("trs", article)
    published = d.article_file(url)
    d.mirror.edit_article("trs", article["id"], body="<p>本网站正在维护升级，暂停访问，请稍后再来查看有关的政策信息内容。</p>")
    held, _ = night(d)
    assert held.returncode == EXIT_SOURCE_PROBLEM and "held for review" in held.stdout, held.stdout + held.stderr
    os.chown(published, OTHER_USER, OTHER_USER)
    published.chmod(0)
    done, report = night(d)
    assert_left_out_and_named(d, done, report, rel(d, published))
    published.chmod(0o644)
    again, report = night(d)
    assert again.returncode == EXIT_SOURCE_PROBLEM, again.stdout + again.stderr
    assert url in [item["url"] for item in report["held"]], "the hold stands: nothing reading the file decided it"



@pytest.mark.parametrize("unreadable", ["file", "folder"])
def test_an_unreadable_article_on_a_night_an_article_file_was_deleted_is_left_out_and_the_deletion_judged(
        deployment: Deployment, unreadable: str) -> None:
    """The guard looks for where a deleted file went among the tree's files: one it may not read is not a place."""
    d = deployment
    raw = yaml.safe_load(d.config.read_text("utf-8"))
    raw["fetch"] = {k: v for k, v in raw["fetch"].items() if k not in SCHEDULE}  # no full walk: the deleted file stays gone
    d.config.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    older = d.mirror.articles("generic")
    for n in range(8):  # a full first list page of newer articles: the older ones move to page two
        d.mirror.add_article("generic", f"第{n}期生态环境普法专栏", f"<p>{'生态环境普法宣传的内容说明。' * 4}（{n}）</p>",
                             date=f"2025-11-0{n + 1} 09:00")
    first_night(d)
    deleted, damaged = (d.article_file(d.mirror.url("generic", a)).parent for a in older[:2])
    shutil.rmtree(deleted)
    target = damaged / "index.md" if unreadable == "file" else damaged
    os.chown(target, OTHER_USER, OTHER_USER)
    target.chmod(0)
    done, report = night(d)
    target.chmod(0o755 if unreadable == "folder" else 0o644)
    assert_left_out_and_named(d, done, report, rel(d, target))
    judged = [h["path"] for h in report["held"]] + report["warnings"]
    assert any(rel(d, deleted) in line for line in judged), judged
    assert not any(rel(d, damaged) in line for line in judged), "an unreadable article is named as a fault, not judged as deleted"
