"""Questions the index cannot look up, through the real API: a clear answer, never a 500 or a traceback.

A question of only question words (怎么办, 可以吗), only emoji or only full-width punctuation is answered
with no results and a hint saying what to write instead; one longer than 500 characters is the 400 it
has always been, saying the limit.
"""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from fazhi.config import Settings
from fazhi_app.serving import create_app
from search.query import MAX_QUERY_CHARS, NO_WORDS_HINT
from tests.api.test_api import assert_error

NOTHING_TO_SEARCH = ("怎么办", "可以吗", "怎么办？可以吗？", "😀🐶🙏", "！？。，、【】《》“”", "请问 怎么办 😭 ？？")


@pytest.fixture(scope="module")
def client(api_settings: Settings) -> TestClient:
    return TestClient(create_app(api_settings), raise_server_exceptions=False)


@pytest.mark.parametrize("q", NOTHING_TO_SEARCH)
def test_a_question_with_nothing_to_search_gets_no_results_and_a_hint(client: TestClient, q: str) -> None:
    response = client.get("/api/search", params={"q": q})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True and body["query"] == q
    assert (body["total"], body["hits"], body["hint"]) == (0, [], NO_WORDS_HINT)


def test_a_searchable_question_has_no_hint(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "执法怎么办"}).json()
    assert body["ok"] is True and body["total"] > 0 and body["hint"] is None


def test_a_question_longer_than_the_limit_is_a_400_saying_so(client: TestClient) -> None:
    assert client.get("/api/search", params={"q": "执法" * (MAX_QUERY_CHARS // 2)}).status_code == 200
    error = assert_error(client.get("/api/search", params={"q": "执法" * (MAX_QUERY_CHARS // 2) + "吗"}), 400)
    assert error["message"] == f"the query is {MAX_QUERY_CHARS + 1} characters long; at most {MAX_QUERY_CHARS} are allowed"
