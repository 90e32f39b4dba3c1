"""`fazhi serve` answers everything with the one table of security headers, once each."""

from __future__ import annotations

from starlette.testclient import TestClient

from fazhi.config import Settings
from fazhi_app.security_headers import CONTENT_SECURITY_POLICY, SECURITY_HEADERS
from fazhi_app.serving import create_app
from search.query import MAX_QUERY_CHARS


def test_pages_errors_and_api_answers_carry_every_security_header_once(api_settings: Settings) -> None:
    client = TestClient(create_app(api_settings))
    answers = [
        client.get("/"), client.get("/cases/2021/fuqi-zhaiwu/"), client.get("/no/such/page/"),
        client.get("/api/search", params={"q": "环境"}), client.get("/api/search", params={"q": "x" * (MAX_QUERY_CHARS + 1)}),
        client.get("/api/nothing"), client.post("/api/search"),
    ]
    assert [a.status_code for a in answers] == [200, 200, 404, 200, 400, 404, 405]
    for answer in answers:
        for name, value in SECURITY_HEADERS.items():
            assert answer.headers.get_list(name) == [value], (answer.url, name)


def test_the_policy_allows_no_inline_or_evaluated_script_and_no_framing() -> None:
    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'" and directives["base-uri"] == "'self'" and directives["form-action"] == "'self'"
    assert directives["img-src"] == "'self' data:"
