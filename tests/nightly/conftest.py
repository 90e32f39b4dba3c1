"""A deployment for the nightly tests: a private sample mirror, a content tree and a fazhi.yml.

Each test gets its own mirror (tests change its articles and inject faults) cut
down to a few articles per site so a build takes seconds, a content tree copied
from the repository's docs/ (staff articles and site pages), and a fazhi.yml
pointing at both, so in-process runs and ``fazhi nightly`` subprocesses see the
same settings (and therefore the same fingerprint).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from fazhi.config import Settings, load_settings
from fazhi_app.nightly import PAUSE_ENV, PAUSE_MARKER, NightlyResult, run_nightly
from fazhi_app.releases import Release, Releases
from scraper.mirror import SITES, Mirror
from tests.fixtures.served import fazhi_executable

REPO = Path(__file__).resolve().parents[2]
ARTICLES_PER_SITE = 5
# Timeouts: the mirror answers a "timeout" fault after SLOW seconds, the scraper gives up after FETCH_TIMEOUT.
SLOW = 1.5
FETCH_TIMEOUT = 0.4


@dataclass
class Deployment:
    """Locations, mirror and helpers to run the nightly job in-process or as a real command."""

    root: Path
    mirror: Mirror
    config: Path
    settings: Settings

    @property
    def releases(self) -> Releases:
        return Releases(self.settings.paths.releases)

    def current(self) -> Release:
        release = self.releases.current()
        assert release is not None, "nothing published"
        return release

    def run(self, **kwargs: object) -> NightlyResult:
        return run_nightly(self.settings, **kwargs)  # type: ignore[arg-type]

    def location_args(self) -> list[str]:
        paths = self.settings.paths
        return ["--config", str(self.config), "--mkdocs-config", str(paths.mkdocs_config), "--releases", str(paths.releases),
                "--site", str(paths.site), "--index", str(paths.index)]

    def command(self, *args: str) -> list[str]:
        return [fazhi_executable(), *args, *self.location_args()]

    def cli(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run ``fazhi <args>`` on this deployment and wait for it."""
        return subprocess.run(self.command(*args), capture_output=True, text=True, timeout=timeout, cwd=self.root)

    def start_paused(self, stage: str) -> subprocess.Popen[str]:
        """Start ``fazhi nightly`` that stops for good at ``stage``; returns once it got there (holding the lock)."""
        marker = self.settings.paths.state / PAUSE_MARKER
        marker.unlink(missing_ok=True)
        env = {**os.environ, PAUSE_ENV: stage}
        log = (self.root / f"paused-{stage}.log").open("w")
        proc = subprocess.Popen(self.command("nightly"), stdout=log, stderr=subprocess.STDOUT, text=True, env=env, cwd=self.root)
        deadline = time.monotonic() + 240
        while not marker.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"nightly never paused at {stage} (exit {proc.poll()}):\n{(self.root / f'paused-{stage}.log').read_text()}")
            time.sleep(0.05)
        return proc

    def kill(self, proc: subprocess.Popen[str]) -> None:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()

    def article_file(self, url: str) -> Path:
        """The archived Markdown file of a mirror article, found by its origin URL."""
        needle = f"origin_url: {url}\n"
        for path in self.settings.paths.content.glob("*/*/*/index.md"):
            if needle in path.read_text("utf-8"):
                return path
        raise AssertionError(f"no archived article has origin_url {url}")


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    content = tmp_path / "content"
    shutil.copytree(REPO / "docs", content)
    with Mirror(tmp_path / "mirror", slow_seconds=SLOW) as mirror:
        for site in SITES:
            mirror.data.save(site, mirror.articles(site)[:ARTICLES_PER_SITE])
        base = load_settings(REPO / "fazhi.yml")
        # Every list page and every article page each night: these tests check that the pipeline publishes each upstream
        # change at once; the scraper's own schedule (incremental walks, revisits) is tested in tests/scraper.
        base = replace(base, fetch=replace(base.fetch, timeout=FETCH_TIMEOUT, retries=1, full_walk_days=0, revisit_min_days=0,
                                           revisit_max_days=0, revisit_budget=1000))
        config = mirror.write_config(tmp_path / "fazhi.yml", content=content, state=tmp_path / "state", settings=base)
        settings = load_settings(config).with_paths(
            mkdocs_config=REPO / "mkdocs.yml", releases=tmp_path / "releases", site=tmp_path / "site", index=tmp_path / "index",
        )
        yield Deployment(tmp_path, mirror, config, settings)
