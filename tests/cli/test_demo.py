"""`make demo`: takes a port, and what it prints runs as printed in a fresh shell."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from fazhi_app import demo
from fazhi_app.exit_codes import EXIT_USAGE
from tests.cli.conftest import World
from tests.fixtures.site import REPO


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
