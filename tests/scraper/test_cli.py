"""``fazhi scrape`` and ``fazhi mirror`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from fazhi.config import load_settings


def test_scrape_command_json_report_and_exit_codes(fresh_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = pytest.importorskip("fazhi_app.cli", exc_type=ImportError)
    config = fresh_mirror.write_config(tmp_path / "fazhi.yml", content=tmp_path / "content", state=tmp_path / "state")
    assert load_settings(config).fetch.host_map
    runner = CliRunner()
    result = runner.invoke(cli.main, ["scrape", "--config", str(config), "--source", "mee-zcjd", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["sources"][0]["new"] == 28 and report["exit_code"] == 0
    fresh_mirror.inject_fault("generic", "412")
    result = runner.invoke(cli.main, ["scrape", "--config", str(config), "--source", "mee-zcjd", "--source", "example-generic",
                                      "--no-progress"])
    assert result.exit_code == 3, result.output
    assert "blocked" in result.output and "mee-zcjd" in result.output and "HTTP 412" in result.output
    result = runner.invoke(cli.main, ["scrape", "--config", str(config), "--source", "nope"])
    assert result.exit_code == 2 and "--source nope: no such source" in result.output


def test_mirror_command_serves_until_stopped(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("fazhi_app.cli", exc_type=ImportError)
    fazhi = Path(sys.executable).with_name("fazhi")
    process = subprocess.Popen([str(fazhi), "mirror", "--port", "0", "--data", str(tmp_path / "m")],
                               stdout=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline() if process.stdout else ""
        assert "fazhi mirror serving" in first
        base = first.rsplit(" on ", 1)[1].strip()
        for _ in range(50):
            try:
                response = httpx.get(base + "/zcwj/zcjd/index.shtml", headers={"Host": "www.mee.gov.cn"})
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert response.status_code == 200 and "createPageHTML" in response.text
        assert (tmp_path / "m" / "trs.json").is_file()
    finally:
        process.terminate()
        process.wait(10)
