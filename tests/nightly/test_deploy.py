"""The deploy/ files: their commands parse with today's CLI, and the nginx block serves the current release."""

from __future__ import annotations

import datetime as dt
import json
import os
import pwd
import re
import shlex
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click
import httpx
import pytest
import yaml
from starlette.testclient import TestClient

from fazhi.config import Settings, default_paths
from fazhi_app.cli import main
from fazhi_app.releases import Releases
from fazhi_app.security_headers import SECURITY_HEADERS
from fazhi_app.serving import create_app
from tests.helpers import free_port

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _fazhi_commands() -> list[tuple[str, list[str]]]:
    """Every `fazhi …` command line in the unit files, the crontab and the CI workflow."""
    found = []
    for name in ("fazhi-nightly.service", "fazhi-serve.service", "crontab"):
        for line in (DEPLOY / name).read_text("utf-8").splitlines():
            if line.startswith("#"):
                continue
            for match in re.finditer(r"\S*/fazhi ((?:nightly|serve|rollback)[^>&\n]*)", line):
                found.append((name, shlex.split(match.group(1))))
    workflow = yaml.safe_load((DEPLOY / "github-actions-nightly.yml").read_text("utf-8"))
    for step in workflow["jobs"]["nightly"]["steps"]:
        for match in re.finditer(r"bin/fazhi ((?:nightly|serve|rollback)[^\n]*)", step.get("run", "")):
            found.append(("github-actions-nightly.yml", shlex.split(match.group(1))))
    return found


def test_deploy_commands_use_options_the_cli_has() -> None:
    commands = _fazhi_commands()
    assert {args[0] for _, args in commands} >= {"nightly", "serve"}
    for where, args in commands:
        command = main.commands[args[0]]
        try:
            command.make_context(args[0], args[1:], resilient_parsing=False)
        except click.UsageError as exc:
            pytest.fail(f"{where}: `fazhi {' '.join(args)}` no longer parses: {exc}")


def _nginx_headers() -> dict[str, str]:
    """The ``add_header … always;`` lines of the server block, as a table."""
    found = re.findall(r'^\s*add_header\s+([\w-]+)\s+"([^"]*)"\s+always;', (DEPLOY / "nginx.conf").read_text("utf-8"), re.M)
    return dict(found)


def test_nginx_sends_the_security_headers_of_fazhi_serve() -> None:
    assert _nginx_headers() == SECURITY_HEADERS
    conf = (DEPLOY / "nginx.conf").read_text("utf-8")
    for name in SECURITY_HEADERS:
        assert f"proxy_hide_header {name};" in conf, f"/api/ must not pass {name} twice"
    assert "'unsafe-inline'" not in SECURITY_HEADERS["Content-Security-Policy"].split("script-src", 1)[1].split(";", 1)[0]
    # nginx drops server-level add_header in a location with one of its own
    assert len(re.findall(r"^\s*add_header\b", conf, re.M)) == len(SECURITY_HEADERS)


def _security(response: httpx.Response) -> dict[str, str]:
    return {name: response.headers.get(name, "") for name in SECURITY_HEADERS}


def _release(releases: Releases, minute: int, text: str) -> str:
    name = releases.new_name(dt.datetime(2025, 11, 26, 2, minute, tzinfo=dt.UTC))
    partial = releases.start(name)
    (partial / "site" / "status").mkdir(parents=True)
    (partial / "site" / "index.html").write_text(f"<h1>{text}</h1>", "utf-8")
    (partial / "site" / "status" / "index.html").write_text(f"<p>{name}</p>", "utf-8")
    (partial / "site" / "404.html").write_text("<p>not here</p>", "utf-8")
    releases.finish(partial, {"name": name})
    return name


class _Api(BaseHTTPRequestHandler):
    """Stands in for `fazhi serve` behind nginx: answers /api/… with the path it got."""

    def do_GET(self) -> None:
        body = json.dumps({"path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (apt-get install nginx-light to run this test)")
def test_nginx_block_serves_the_current_release_and_follows_the_switch(tmp_path: Path) -> None:
    releases = Releases(tmp_path / "releases")
    old, new = _release(releases, 0, "old"), _release(releases, 1, "new")
    releases.publish(releases.get(old))
    api = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    port = free_port()
    block = (DEPLOY / "nginx.conf").read_text("utf-8")
    block = block.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("listen [::]:80;", "")
    block = block.replace("/srv/fazhi/var/releases", str(releases.root)).replace("127.0.0.1:8000", f"127.0.0.1:{api.server_address[1]}")
    (tmp_path / "tmp").mkdir()
    # Started as root, nginx workers switch to "nobody", who cannot read pytest's private temp folder.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    main_conf = [
        f"{user}daemon off;", "worker_processes 1;", f"pid {tmp_path}/nginx.pid;", f"error_log {tmp_path}/error.log;",
        "events { worker_connections 32; }", "http {", "include /etc/nginx/mime.types;", "access_log off;",
        f"client_body_temp_path {tmp_path}/tmp;", f"proxy_temp_path {tmp_path}/tmp;", block, "}",
    ]
    (tmp_path / "nginx.conf").write_text("\n".join(main_conf) + "\n", "utf-8")
    conf = ["-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)]
    checked = subprocess.run(["nginx", "-t", *conf], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    nginx = subprocess.Popen(["nginx", *conf], stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                first = httpx.get(base + "/")
                break
            except httpx.TransportError:
                assert nginx.poll() is None and time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        assert first.text == "<h1>old</h1>" and first.headers["cache-control"] == "no-cache"
        assert httpx.get(base + "/status/").text == f"<p>{old}</p>"
        missing = httpx.get(base + "/no/such/page/")
        assert (missing.status_code, missing.text) == (404, "<p>not here</p>")
        api_answer = httpx.get(base + "/api/search?q=x")
        assert api_answer.json() == {"path": "/api/search?q=x"}
        for response in (first, missing, api_answer):
            assert _security(response) == SECURITY_HEADERS, response.url
            assert response.headers.get("server") == "nginx", "server_tokens off hides the version"
        assert len(api_answer.headers.get_list("content-security-policy")) == 1
        served = TestClient(create_app(Settings(paths=default_paths(tmp_path / "serve")))).get("/api/health")
        assert _security(served) == _security(first), "`fazhi serve` and nginx send the same headers"

        too_big = httpx.get(base + "/", headers={"X-Padding": "x" * 9000})
        assert too_big.status_code in (400, 494), "request headers are capped"
        assert httpx.post(base + "/api/search", content=b"x" * 20_000).status_code in (403, 413)
        with httpx.Client() as client:
            statuses = [client.get(base + "/api/search?q=y").status_code for _ in range(40)]
        assert statuses[:20] == [200] * 20 and 429 in statuses, "the API is rate-limited per client with a burst"

        releases.publish(releases.get(new))
        assert httpx.get(base + "/").text == "<h1>new</h1>", "the switch is served without a reload"
        assert httpx.get(base + "/status/").text == f"<p>{new}</p>"
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        api.shutdown()
