"""``fazhi nightly`` killed with SIGKILL at moments nobody chose: the next run cleans up and catches up."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time

from fazhi.files import TEMP_RE
from fazhi_app.exit_codes import EXIT_INTERRUPTED
from fazhi_app.leftovers import UNFINISHED
from fazhi_app.nightly import EXIT_OK
from search.query import SearchRequest, search
from tests.fixtures.deployment import Deployment

KILLS = 3


def test_runs_killed_at_random_moments_leave_nothing_behind(deployment: Deployment) -> None:
    d = deployment
    assert d.run().status == "published"
    rng = random.Random(14)
    words = []
    for n in range(KILLS):
        word = f"yanhu{n}x{rng.randint(1000, 9999)}"
        words.append(word)
        body = f"<p>群众关心的问题（编号 {word}）解答如下。</p>"
        d.mirror.add_article("ucap", f"第{n}次夜间新增的普法问答", body, date=f"2025-10-{n + 1:02d} 08:00")
        before = d.current()
        with (d.root / f"killed-{n}.log").open("w") as log:
            proc = subprocess.Popen(d.command("nightly"), stdout=log, stderr=subprocess.STDOUT, cwd=d.root)
        time.sleep(rng.uniform(0.2, 4.0))
        proc.kill()
        proc.wait()
        now = d.current()  # the run may have got as far as publishing; either release is whole
        assert now.name == before.name or now.name > before.name
        assert (now.site / "index.html").is_file() and (now.path / "manifest.json").is_file()

    final = d.run()
    # The last killed run may have finished publishing before its kill came: then there is nothing left to do.
    assert final.exit_code == EXIT_OK and final.status in ("published", "unchanged"), final.summary
    paths = d.settings.paths
    leftovers = [p for root in (paths.state, paths.content) for p in root.rglob(".*.tmp") if TEMP_RE.match(p.name)]
    assert leftovers == [], leftovers
    assert not [p.name for p in paths.releases.iterdir() if p.name.startswith(".")]
    reports = [json.loads(p.read_text("utf-8")) for p in (paths.state / "reports").glob("2*.json")]
    assert not [r["run"] for r in reports if r["status"] in UNFINISHED], "a report is stuck"
    assert all(r.published() for r in d.releases.all())
    assert {r.name for r in d.releases.sealed()} == {r.name for r in d.releases.all()}, "a release sealed but never published is left"
    assert d.verify(d.current().index).ok
    for word in words:
        assert search(d.current().index, SearchRequest(q=word)).total == 1, word


def test_ctrl_c_ends_a_run_with_130_and_no_traceback(deployment: Deployment) -> None:
    """Ctrl-C in a terminal sends SIGINT to the whole process group of the run."""
    run = deployment.start_paused("scrape")
    os.killpg(run.pid, signal.SIGINT)
    assert run.wait(timeout=60) == EXIT_INTERRUPTED
    log = (deployment.root / "paused-scrape.log").read_text("utf-8")
    assert "Traceback" not in log and "KeyboardInterrupt" not in log, log
    assert log.strip().splitlines()[-1] == "fazhi: interrupted"
