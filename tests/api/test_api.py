"""The search API and static serving, in process over ASGI, against the real index of the shared small archive."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from fazhi.article import Article
from fazhi.config import Settings
from fazhi_app.releases import Releases
from fazhi_app.serving import create_app
from search.query import MAX_PAGE, MAX_PER_PAGE
from tests.api.conftest import make_settings, write_tiny_site
from tests.fixtures.search import sample_articles, write_tree

HIT_KEYS = {"title", "url", "date", "column", "column_name", "source", "laws", "snippet", "score"}
ARTICLES = sample_articles()


def urls(articles: list[Article]) -> set[str]:
    return {a.url for a in articles}


def containing(word: str) -> list[Article]:
    """The sample articles whose title or body has ``word``: what a search for it must find."""
    return [a for a in ARTICLES if word in a.title + a.body]


@pytest.fixture(scope="module")
def client(api_settings: Settings) -> TestClient:
    return TestClient(create_app(api_settings))


def ok(client: TestClient, **params: object) -> dict:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True
    assert "error" not in body
    return body


def hit_urls(body: dict) -> set[str]:
    return {hit["url"] for hit in body["hits"]}


def assert_error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"ok", "error"}
    assert body["ok"] is False
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "Traceback" not in response.text and "/tmp/" not in response.text
    return body["error"]


def test_success_envelope_and_hit_shape(client: TestClient) -> None:
    body = ok(client, q="土壤")
    assert {"total", "page", "pages", "per_page", "hits", "facets", "suggestion", "query"} <= set(body)
    assert body["total"] == len(containing("土壤")) and body["page"] == 1 and body["pages"] == 1
    assert hit_urls(body) == urls(containing("土壤"))
    for hit in body["hits"]:
        assert set(hit) >= HIT_KEYS
        assert "<mark>土壤</mark>" in hit["snippet"]


def test_markup_in_stored_text_comes_back_escaped(client: TestClient) -> None:
    hit = next(hit for hit in ok(client, q="大气标准")["hits"] if hit["url"] == "interpretations/2023/daqi-wenda/")
    assert hit["title"].startswith("<script>")
    for html in (hit["snippet"], hit["title_html"]):
        assert "<script" not in html and "&lt;" in html
        assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_api_answers_are_uncached_json(client: TestClient) -> None:
    for response in (client.get("/api/search", params={"q": "土壤"}), client.get("/api/search", params={"page": "x"})):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["content-type"].startswith("application/json")


def test_column_filter_keeps_only_that_column(client: TestClient) -> None:
    everything = ok(client, q="执法", per_page=MAX_PER_PAGE)
    cases = ok(client, q="执法", column="cases", per_page=MAX_PER_PAGE)
    assert hit_urls(everything) == urls(containing("执法"))
    assert hit_urls(cases) == urls([a for a in containing("执法") if a.column == "cases"])
    assert 0 < cases["total"] < everything["total"]


def test_date_range_and_year_filters(client: TestClient) -> None:
    in_2019 = ok(client, q="执法", **{"from": "2019-01-01", "to": "2019-12-31"}, per_page=MAX_PER_PAGE)
    assert hit_urls(in_2019) == urls([a for a in containing("执法") if a.year == 2019])
    one_day = ok(client, q="废物", **{"from": "2020-09-01", "to": "2020-09-01"})
    assert hit_urls(one_day) == {"interpretations/2020/gufeifa-jiedu/"}
    year_2022 = ok(client, q="环境", year=2022, per_page=MAX_PER_PAGE)
    assert hit_urls(year_2022) == urls([a for a in containing("环境") if a.year == 2022])


def test_cited_law_and_source_filters(client: TestClient) -> None:
    for law in ("固体废物污染环境防治法", "固废法"):
        assert hit_urls(ok(client, q="废物", law=law)) == {"interpretations/2020/gufeifa-jiedu/"}
    office = ok(client, q="土壤", source="土壤生态环境处")
    assert hit_urls(office) == urls([a for a in containing("土壤") if a.source == "土壤生态环境处"])
    assert ok(client, q="土壤", source="办公室")["total"] == 0


def test_sort_by_date_is_newest_first(client: TestClient) -> None:
    body = ok(client, q="执法", sort="date", per_page=MAX_PER_PAGE)
    dates = [hit["date"] for hit in body["hits"]]
    assert len(dates) == len(containing("执法")) and dates == sorted(dates, reverse=True)


def test_pages_cover_every_match_once(client: TestClient) -> None:
    expected = urls(containing("超标排放"))
    first = ok(client, q="超标排放", per_page=5)
    assert first["total"] == len(expected) and first["pages"] == -(-len(expected) // 5) and first["per_page"] == 5
    seen: list[str] = []
    for page in range(1, first["pages"] + 1):
        body = ok(client, q="超标排放", per_page=5, page=page)
        assert body["page"] == page
        seen += [hit["url"] for hit in body["hits"]]
    assert len(seen) == len(expected) and set(seen) == expected
    assert ok(client, q="超标排放", per_page=5, page=first["pages"] + 1)["hits"] == []


def test_facets_count_columns_and_years(client: TestClient) -> None:
    facets = ok(client, q="执法", column="cases")["facets"]
    matching = containing("执法")
    assert facets["column"] == {c: n for c in ("cases", "interpretations", "summaries") if (n := sum(a.column == c for a in matching))}
    years = {str(a.year) for a in matching if a.column == "cases"}
    assert set(facets["year"]) == years


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"q": "土壤", "page": "-1"}, "page"),
        ({"q": "土壤", "page": "two"}, "page"),
        ({"q": "土壤", "page": str(MAX_PAGE + 1)}, "page"),
        ({"q": "土壤", "page": "99999999999999999999"}, "page"),
        ({"q": "土壤", "per_page": str(MAX_PER_PAGE + 1)}, "per_page"),
        ({"q": "土壤", "from": "2021-13-01"}, "from"),
        ({"q": "土壤", "to": "yesterday"}, "to"),
        ({"q": "土壤", "from": "2022-01-01", "to": "2021-01-01"}, "from"),
        ({"q": "土壤", "year": "２０２１"}, "year"),
        ({"q": "土壤", "sort": "random"}, "sort"),
        ({"q": "土壤", "colour": "red"}, "colour"),
        ({"q": "土壤", "law": "法" * 600}, "law"),
        ({"q": "土壤", "column": "news"}, "news"),
        ({"q": "土壤", "kind": "statutes"}, "kind"),
    ],
    ids=lambda value: str(value)[:30],
)
def test_bad_parameters_are_a_400_saying_which(client: TestClient, params: dict, param: str) -> None:
    error = assert_error(client.get("/api/search", params=params), 400)
    assert param in error["message"]


def test_a_parameter_given_twice_is_a_400(client: TestClient) -> None:
    error = assert_error(client.get("/api/search?q=土壤&q=污染"), 400)
    assert "'q'" in error["message"]


def test_an_empty_query_without_filters_is_a_400_but_a_filter_alone_lists_articles(client: TestClient) -> None:
    assert_error(client.get("/api/search", params={"q": ""}), 400)
    listed = ok(client, column="interpretations")
    expected = sorted((a for a in ARTICLES if a.column == "interpretations"), key=lambda a: a.date, reverse=True)
    assert [hit["url"] for hit in listed["hits"]] == [a.url for a in expected]


def test_unknown_api_route_and_wrong_method_use_the_error_shape(client: TestClient) -> None:
    assert_error(client.get("/api/nothing-here"), 404)
    assert_error(client.post("/api/search", data={"q": "土壤"}), 405)


def test_health_reports_the_index(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["release"] is None
    assert body["index"]["documents"] == len(ARTICLES)
    assert body["index"]["generation"] and isinstance(body["index"]["commit"], int)
    assert dt.datetime.fromisoformat(body["index"]["written"]).year >= 2024
    assert body["site"]["built"] is True


def test_static_site_pages_redirects_and_404(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200 and "<h1>首页</h1>" in home.text
    article = client.get("/cases/2021/fuqi-zhaiwu/")
    assert article.status_code == 200 and "夫妻共同债务" in article.text
    slashless = client.get("/cases/2021/fuqi-zhaiwu", follow_redirects=False)
    assert slashless.status_code in (301, 307, 308) and slashless.headers["location"].endswith("/cases/2021/fuqi-zhaiwu/")
    for missing in ("/no/such/page/", "/cases/2099/", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"):
        response = client.get(missing)
        assert response.status_code == 404, missing
        assert "找不到页面" in response.text, missing


def test_missing_index_and_missing_site_are_503(tmp_path: Path) -> None:
    client = TestClient(create_app(make_settings(tmp_path)))
    assert_error(client.get("/api/search", params={"q": "土壤"}), 503)
    assert_error(client.get("/api/health"), 503)
    home = client.get("/")
    assert home.status_code == 503 and "fazhi build" in home.text


def test_a_search_past_its_time_limit_is_503(api_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import search.query

    def slow_search(*args: object, **kwargs: object) -> None:
        time.sleep(1.5)

    monkeypatch.setattr(search.query, "search", slow_search)
    client = TestClient(create_app(api_settings, search_timeout=0.2))
    response = client.get("/api/search", params={"q": "土壤"})
    error = assert_error(response, 503)
    assert "0.2 s" in error["message"] and response.headers["retry-after"]


def test_a_newer_index_is_served_without_restart(tmp_path: Path) -> None:
    from search.indexer import update_index

    settings = make_settings(tmp_path)
    write_tree(settings.paths.content, ARTICLES[:3])
    update_index(settings.paths.content, settings.paths.index)
    write_tiny_site(settings.paths.site)
    client = TestClient(create_app(settings))
    before = client.get("/api/health").json()["index"]
    assert ok(client, q="鄱阳湖湿地")["total"] == 0

    write_tree(settings.paths.content, [wetland_article()])
    update_index(settings.paths.content, settings.paths.index)

    assert [hit["url"] for hit in ok(client, q="鄱阳湖湿地")["hits"]] == ["interpretations/2023/poyanghu-shidi/"]
    after = client.get("/api/health").json()["index"]
    assert after["documents"] == before["documents"] + 1
    assert (after["generation"], after["commit"]) != (before["generation"], before["commit"])


def wetland_article() -> Article:
    return Article(
        title="鄱阳湖湿地保护条例解读", date=dt.datetime(2023, 2, 2), column="interpretations", slug="poyanghu-shidi",
        body="《江西省湿地保护条例》对鄱阳湖湿地的保护作出规定。",
    )


def test_a_newly_published_release_is_served_without_restart(tmp_path: Path) -> None:
    from search.indexer import update_index

    settings = make_settings(tmp_path)
    releases = Releases(settings.paths.releases)
    content = tmp_path / "content"

    def release(name: str, articles: list[Article], home: str) -> None:
        write_tree(content, articles)
        partial = releases.start(name)
        update_index(content, partial / "index")
        write_tiny_site(partial / "site")
        (partial / "site" / "index.html").write_text(f"<h1>{home}</h1>", "utf-8")
        releases.publish(releases.finish(partial, {"name": name}))

    release("20250101T020000Z", ARTICLES[:3], "first release")
    client = TestClient(create_app(settings))
    assert client.get("/api/health").json()["release"] == "20250101T020000Z"
    assert "first release" in client.get("/").text
    assert ok(client, q="鄱阳湖湿地")["total"] == 0

    release("20250102T020000Z", [wetland_article()], "second release")

    health = client.get("/api/health").json()
    assert health["release"] == "20250102T020000Z" and health["index"]["documents"] == 4
    assert "second release" in client.get("/").text
    assert ok(client, q="鄱阳湖湿地")["total"] == 1


def test_a_broken_current_link_is_503_not_a_crash(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    settings.paths.releases.mkdir(parents=True)
    (settings.paths.releases / "current").symlink_to("20250101T020000Z")
    (settings.paths.releases / "20250101T020000Z").mkdir()
    client = TestClient(create_app(settings))
    assert_error(client.get("/api/search", params={"q": "土壤"}), 503)
    assert client.get("/").status_code == 503
