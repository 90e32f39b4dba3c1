"""`fazhi serve` as a real process on 127.0.0.1: hostile queries over HTTP never break it."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fazhi.config import Settings
from search.query import MAX_PAGE, MAX_PER_PAGE
from tests.fixtures.served import Server, serve_process

HOSTILE = [
    {"q": ""},
    {},
    {"q": "   "},
    {"q": "土壤" * 3000},
    {"q": "x" * 10000},
    {"q": '"土壤污染'},
    {"q": '土壤"污染"责任"'},
    {"q": "(土壤 OR [污染"},
    {"q": "土壤)) ]]"},
    {"q": "*"},
    {"q": "?"},
    {"q": "土*"},
    {"q": "title:土壤"},
    {"q": "column:cases body:污染"},
    {"q": "土壤\x00\x07\x1b[31m污染"},
    {"q": "\u202e\u200b土壤\ufeff"},
    {"q": "-"},
    {"q": "-土壤"},
    {"q": "土壤 AND OR NOT"},
    {"q": "<script>alert(1)</script>"},
    {"q": "%00%ff"},
    {"q": "土壤", "from": "2021-02-30"},
    {"q": "土壤", "to": "2021/01/01"},
    {"q": "土壤", "from": "0000-00-00"},
    {"q": "土壤", "page": "-1"},
    {"q": "土壤", "page": "0"},
    {"q": "土壤", "per_page": "0"},
    {"q": "土壤", "page": "99999"},
    {"q": "土壤", "page": "1e3"},
    {"q": "土壤", "per_page": "100000"},
    {"q": "土壤", "per_page": "-5"},
    {"q": "土壤", "year": "-2021"},
    {"q": "土壤", "column": "../../etc"},
    {"q": "土壤", "sort": "score desc"},
    {"q": "土壤", "law": "《》"},
    {"q": "土壤", "callback": "x"},
    {"q": "土壤", "q2": "污染", "debug": "1"},
]


@pytest.fixture(scope="module")
def server(api_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_process(api_settings, tmp_path_factory.mktemp("serve") / "serve.log") as running:
        yield running


def test_serves_search_health_and_site(server: Server) -> None:
    search = server.get("api/search", params={"q": "赣服通"})
    assert search.status_code == 200
    assert search.json()["hits"][0]["url"] == "interpretations/2022/ganfutong/"
    assert server.get("api/health").json()["ok"] is True
    assert "<h1>首页</h1>" in server.get("").text
    missing = server.get("no/such/page/")
    assert missing.status_code == 404 and "找不到页面" in missing.text
    assert "server" not in missing.headers


@pytest.mark.parametrize("params", HOSTILE, ids=lambda p: repr(p)[:40])
def test_hostile_input_is_a_4xx_or_a_sanitized_answer(server: Server, params: dict) -> None:
    response = server.get("api/search", params=params)
    assert response.status_code < 500, response.text
    body = response.json()
    if response.status_code == 200:
        assert body["ok"] is True and isinstance(body["hits"], list)
        assert 1 <= body["page"] <= MAX_PAGE and 1 <= body["per_page"] <= MAX_PER_PAGE and len(body["hits"]) <= body["per_page"]
        assert all("<script" not in hit["snippet"] + hit["title_html"] for hit in body["hits"])
    else:
        assert 400 <= response.status_code < 500
        assert body["ok"] is False and body["error"]["status"] == response.status_code and body["error"]["message"]
    assert "Traceback" not in response.text


def test_server_is_still_healthy_and_logged_no_error(server: Server) -> None:
    """Runs after the hostile inputs (file order): the process survived them and logged no traceback."""
    assert server.get("api/health").status_code == 200
    log = Path(server.log).read_text("utf-8", "replace")
    assert "Traceback" not in log and "unexpected error" not in log
    assert "serving site" in log


def test_ctrl_c_stops_the_server_and_its_workers_quietly(api_settings: Settings, tmp_path: Path) -> None:
    """Ctrl-C in a terminal sends SIGINT to the whole process group: the server and every search worker get it."""
    with serve_process(api_settings, tmp_path / "serve.log") as running:
        assert running.get("api/search", params={"q": "赣服通"}).status_code == 200, "the workers are up and searching"
        workers = _children(running.process.pid)
        assert workers, "searches run in worker processes"
        os.killpg(running.process.pid, signal.SIGINT)
        assert running.process.wait(timeout=60) == 0
    log = running.log.read_text("utf-8", "replace")
    assert "Traceback" not in log and "KeyboardInterrupt" not in log, log
    deadline = time.monotonic() + 30  # the fork server and the workers see the server gone and end by themselves
    while [pid for pid in workers if _state(pid) not in ("gone", "Z")] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _state(pid) not in ("gone", "Z")], "no worker is left running"


def _children(pid: int) -> list[int]:
    """Every process descended from ``pid`` (Linux /proc)."""
    found = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return found + [grandchild for child in found for grandchild in _children(child)]


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"
