"""The site as MkDocs itself runs it: plain ``mkdocs build --strict`` and ``fazhi preview`` (live reload)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from fazhi.article import Article, article_path
from tests.fixtures.site import REPO
from tests.helpers import free_port
from tests.website.util import write

pytestmark = pytest.mark.slow
WAIT = 90.0


def test_plain_mkdocs_build_strict_from_the_repository(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "FAZHI_CONFIG"}
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    for rel in ("index.html", "summaries/page/2/index.html", "laws/index.html", "rss.xml", "cases/atom.xml", "sitemap.xml"):
        assert (site / rel).is_file(), rel


def wait_for(check: Callable[[], bool], what: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll until ``check`` holds; fail with the preview's log if it exits or takes far too long."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline and process.poll() is None:
        if check():
            return
        time.sleep(0.3)
    pytest.fail(f"no {what} (exit code {process.poll()}):\n{log.read_text('utf-8', 'replace')}")


def status(url: str) -> int:
    try:
        return httpx.get(url, timeout=5).status_code
    except httpx.HTTPError:
        return 0


def test_preview_serves_and_rebuilds_on_change(content: Path, tmp_path: Path) -> None:
    fazhi = Path(sys.executable).with_name("fazhi")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    log = tmp_path / "preview.log"
    env = {k: v for k, v in os.environ.items() if k != "FAZHI_CONFIG"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(fazhi), "preview", "--port", str(port), "--content", str(content), "--mkdocs-config", str(REPO / "mkdocs.yml"),
             "--state", str(tmp_path / "state")],
            cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: status(base) == 200, "answer from the preview", process, log)
        assert "互联网+法治宣传" in httpx.get(base, timeout=5).text
        article = Article(title="预览中新增的文章", date=dt.datetime(2025, 3, 3), column="cases", slug="added-live", body="正文。\n")
        write(content, str(article_path(article.column, article.date, article.slug)), article.to_markdown())
        wait_for(lambda: status(base + article.url) == 200, "new article after the live rebuild", process, log)
        write(content, "cases/2025/half-written/index.md", "---\ntitle: 写了一半\n---\n")
        problem = "cases/2025/half-written/index.md:1: missing date"
        wait_for(lambda: problem in log.read_text("utf-8", "replace"), "report of the broken article", process, log)
        assert status(base + article.url) == 200
        assert status(base + "cases/2025/half-written/") == 404
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C: mkdocs serve removes its temp build folder on the way out
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
