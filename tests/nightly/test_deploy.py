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

from fazhi_app.cli import main
from fazhi_app.releases import Releases
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
        assert httpx.get(base + "/api/search?q=x").json() == {"path": "/api/search?q=x"}

        releases.publish(releases.get(new))
        assert httpx.get(base + "/").text == "<h1>new</h1>", "the switch is served without a reload"
        assert httpx.get(base + "/status/").text == f"<p>{new}</p>"
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        api.shutdown()
