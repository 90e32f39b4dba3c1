"""`make demo`: takes a port, what it prints runs as printed in a fresh shell, and Ctrl-C stops it quietly at any stage."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from fazhi_app import demo
from fazhi_app.exit_codes import EXIT_INTERRUPTED, EXIT_USAGE
from fazhi_app.nightly import PAUSE_ENV, PAUSE_MARKER
from scraper.mirror import filed
from tests.cli.conftest import World
from tests.fixtures.site import REPO
from tests.helpers import free_port, process_group


def test_make_demo_passes_its_port_on() -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    planned = subprocess.run(["make", "-n", "demo", "PORT=8123"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert "-m fazhi_app.demo --port 8123" in planned


def test_the_printed_command_runs_in_a_fresh_shell(tmp_path: Path) -> None:
    command = demo.fazhi_command()
    assert Path(command).is_absolute()
    done = subprocess.run(f"{command} --version", shell=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "fazhi" in done.stdout, done.stderr


def test_a_busy_port_is_one_line_and_exit_2(world: World) -> None:
    result = CliRunner().invoke(demo.main, ["--port", str(world.busy_port), "--dir", str(world.base / "demo")])
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.splitlines() == [result.stderr.strip()] and f"127.0.0.1:{world.busy_port}" in result.stderr
    assert not (world.base / "demo").exists(), "nothing is set up for a demo that cannot serve"


# Seconds a demo may take to reach a stage: the first run generates the mirror and publishes, later ones find nothing changed.
DEMO_STAGE = 300
# Seconds the fork server and the workers may take to see the demo gone and end by themselves.
WORKERS_END = 30


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo's data (mirror, content tree, a published release), made once for the tests that interrupt a demo."""
    base = tmp_path_factory.mktemp("demo")
    done = subprocess.run([sys.executable, "-m", "fazhi_app.demo", "--no-serve", "--dir", str(base)], cwd=base,
                          capture_output=True, text=True, timeout=DEMO_STAGE)
    assert done.returncode == 0, done.stdout + done.stderr
    return base


@contextlib.contextmanager
def running_demo(base: Path, log: Path, port: int, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m fazhi_app.demo`` in a process group of its own, as a terminal starts it: Ctrl-C's SIGINT goes to the group."""
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "fazhi_app.demo", "--port", str(port), "--dir", str(base)], cwd=base,
                                   stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **env}, start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(found: Callable[[], object], process: subprocess.Popen[bytes], log: Path, what: str) -> None:
    """Poll until ``found()`` holds; the test fails if the demo exits or takes too long first."""
    deadline = time.monotonic() + DEMO_STAGE
    while not found():
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the demo never got to {what} (exit {process.poll()}):\n{log.read_text('utf-8', 'replace')}")
        time.sleep(0.01)


def fork_server_started(pgid: int) -> bool:
    """Whether the search workers' fork server has been started in the group."""
    for pid in process_group(pgid):
        with contextlib.suppress(OSError):
            if b"multiprocessing.forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return True
    return False


def interrupted_quietly(process: subprocess.Popen[bytes], log: Path) -> tuple[int, str]:
    """Press Ctrl-C: SIGINT to the demo's process group. Returns its exit code and output once nothing of it is left running."""
    os.killpg(process.pid, signal.SIGINT)
    code = process.wait(timeout=60)
    deadline = time.monotonic() + WORKERS_END
    while process_group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    output = log.read_text("utf-8", "replace")
    assert not process_group(process.pid), f"processes of the demo left running: {process_group(process.pid)}"
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
    return code, output


def test_ctrl_c_as_the_demo_starts_serving_stops_it_quietly(demo_dir: Path, tmp_path: Path) -> None:
    """The first Ctrl-C may come while the workers' fork server is still loading the search code."""
    log = tmp_path / "demo.log"
    with running_demo(demo_dir, log, free_port()) as process:
        wait_for(lambda: fork_server_started(process.pid), process, log, "starting the search workers")
        code, output = interrupted_quietly(process, log)
    assert code == 0, output
    assert "Waiting for application startup" in output


def test_the_printed_searches_find_what_they_show_the_phrase_from_a_file_its_article(demo_dir: Path) -> None:
    """Each search the demo prints runs as printed; the phrase that is only inside a Word file finds its one-line article."""
    config = demo_dir / "fazhi.yml"
    shown = {}
    for query in demo.SEARCHES:
        done = subprocess.run(demo.search_command(demo.fazhi_command(), config, query), shell=True, cwd=demo_dir,
                              env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        shown[query] = done.stdout
    phrase = filed.PHRASES[filed.DECISION]
    assert f'"{phrase}"' in demo.SEARCHES
    found = shown[f'"{phrase}"']
    assert found.startswith("1 results for"), found
    assert "青环罚〔2024〕17号" in found and re.search(r"^   in \S+\.docx: ", found, re.M), found


def test_ctrl_c_while_the_demo_serves_stops_it_quietly(demo_dir: Path, tmp_path: Path) -> None:
    log, port = tmp_path / "demo.log", free_port()
    with running_demo(demo_dir, log, port) as process:
        wait_for(lambda: "Application startup complete" in log.read_text("utf-8", "replace"), process, log, "serving")
        assert httpx.get(f"http://127.0.0.1:{port}/api/search", params={"q": "执法"}, timeout=30).status_code == 200
        code, output = interrupted_quietly(process, log)
    assert code == 0, output


def test_ctrl_c_during_the_demo_s_nightly_run_ends_it_with_130(demo_dir: Path, tmp_path: Path) -> None:
    log, marker = tmp_path / "demo.log", demo_dir / "state" / PAUSE_MARKER
    marker.unlink(missing_ok=True)
    with running_demo(demo_dir, log, free_port(), **{PAUSE_ENV: "scrape"}) as process:
        wait_for(marker.exists, process, log, "its nightly run's scrape")
        code, output = interrupted_quietly(process, log)
    assert code == EXIT_INTERRUPTED, output
    assert output.strip().splitlines()[-1] == "fazhi: interrupted"


def test_the_demo_imports_its_known_questions_and_publishes_an_index_recording_them(demo_dir: Path) -> None:
    """The sample laws' question file is in the demo's state, and the published index was written with that set."""
    config = demo_dir / "fazhi.yml"
    listed = subprocess.run([demo.fazhi_command(), "laws", "questions", "list", "--config", str(config)], cwd=demo_dir,
                            capture_output=True, text=True, timeout=120)
    lines = [line for line in demo.SAMPLE_QUESTIONS.read_text("utf-8").splitlines() if line.strip()]
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == len(lines) >= 10, listed.stderr
    verified = subprocess.run([demo.fazhi_command(), "index", "--verify", "--config", str(config), "--index",
                               str(demo_dir / "releases" / "current" / "index")], cwd=demo_dir, capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr
