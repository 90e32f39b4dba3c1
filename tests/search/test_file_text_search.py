"""Text read from an article's files, searched: real files, the real cache, a real index, the real API and CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from starlette.testclient import TestClient

from extract import EXTRACTOR_VERSIONS, Extraction
from extract.cache import open_cache
from fazhi.article import Article, article_path
from fazhi.config import Settings
from fazhi.content import load_tree
from fazhi_app.cli import main
from fazhi_app.extraction import extract_tree, file_texts
from fazhi_app.serving import create_app
from tests.api.conftest import make_settings, write_tiny_site
from tests.extract import files
from tests.fixtures.search import sample_articles, write_tree

DOCX_PHRASE = "鹭洲县虚构化工厂未批先建"
XLSX_PHRASE = "白鹭湾虚构码头扬尘超标"
IMAGE_PHRASE = "一图读懂虚构海岸带保护条例"
PDF_PHRASE = "青石镇虚构砂场非法采砂案"
SHARED = "滨海湿地候鸟栖息"  # in one article's body and in another's file


def article(slug: str, title: str, body: str) -> Article:
    return Article(title=title, date=dt.datetime(2024, 5, 6), time_known=False, column="cases", slug=slug, source="执法局", body=body)


FILE_ARTICLES = [
    article("chufa-jueding", "行政处罚决定公开", "详见附件。"),
    article("anli-biao", "典型案例汇总表", "详见附件。"),
    article("yitu-dudong", "一图读懂", "![一图读懂](tu.png)"),
    article("anli-huibian", "典型案例汇编", "详见附件。"),
    article("shidi-fujian", "湿地保护执法通报", "详见附件。"),
    article("shidi-zhengwen", "湿地保护宣传", f"本文介绍{SHARED}的保护要求。"),
]


def folder(content: Path, slug: str) -> Path:
    item = next(a for a in FILE_ARTICLES if a.slug == slug)
    return content / article_path(item.column, item.date, item.slug).parent


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 220, 240)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Sample archive plus articles whose substance is in their files; the files read into the extraction cache."""
    base = tmp_path_factory.mktemp("file-texts")
    content = write_tree(base / "content", [*sample_articles(), *FILE_ARTICLES])
    decision = files.docx(["行政处罚决定书", f"{DOCX_PHRASE}，依据《环境影响评价法》第二十五条。"])
    (folder(content, "chufa-jueding") / "decision.docx").write_bytes(decision)
    (folder(content, "anli-biao") / "cases.xlsx").write_bytes(files.xlsx([["序号", "案件"], ["1", XLSX_PHRASE]]))
    (folder(content, "yitu-dudong") / "tu.png").write_bytes(png())
    (folder(content, "shidi-fujian") / "notice.docx").write_bytes(files.docx([f"通报：{SHARED}地遭到破坏。"]))
    if files.can_print():
        pdf = files.printed_pdf(["案例一：一般案件。", "\f", f"案例二：{PDF_PHRASE}。"], base)
        pdf.rename(folder(content, "anli-huibian") / "huibian.pdf")
    settings = make_settings(base, content=content)
    settings = replace(settings, extract=replace(settings.extract, ocr=False))
    extract_tree(settings, time.monotonic() + 120, lambda line: None)
    # OCR text stored as the nightly job would keep it (no Tesseract needed here)
    cache, _ = open_cache(settings.paths.state)
    with cache:
        rel = (folder(content, "yitu-dudong") / "tu.png").relative_to(content).as_posix()
        entry = cache.known_files()[rel]
        done = Extraction("ok", text=f"{IMAGE_PHRASE}\n海岸带范围内禁止围填海", extractor="ocr", version=EXTRACTOR_VERSIONS["ocr"])
        assert cache.put(entry.sha256, done, settings.extract)
    write_tiny_site(settings.paths.site)
    return settings


def cli(settings: Settings, *args: str) -> tuple[int, str]:
    locations = ["--content", str(settings.paths.content), "--index", str(settings.paths.index), "--state", str(settings.paths.state)]
    result = CliRunner().invoke(main, [*args, *locations])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def client(deployment: Settings) -> TestClient:
    code, output = cli(deployment, "index")
    assert code == 0, output
    return TestClient(create_app(deployment))


def found(client: TestClient, **params: object) -> dict:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("phrase", "slug", "name", "page"), [
    (DOCX_PHRASE, "chufa-jueding", "decision.docx", None),
    (XLSX_PHRASE, "anli-biao", "cases.xlsx", None),
    (IMAGE_PHRASE, "yitu-dudong", "tu.png", None),
    (PDF_PHRASE, "anli-huibian", "huibian.pdf", 2),
])
def test_an_exact_phrase_inside_a_file_finds_its_article_labelled(client: TestClient, phrase: str, slug: str, name: str,
                                                                   page: int | None) -> None:
    if name.endswith(".pdf") and not files.can_print():
        pytest.skip("headless Chromium is not installed: no PDF of our own making")
    body = found(client, q=f'"{phrase}"')
    assert [hit["url"] for hit in body["hits"]] == [f"cases/2024/{slug}/"], body
    where = body["hits"][0]["found_in"]
    assert (where["file"], where["page"]) == (name, page)
    assert f"<mark>{phrase}</mark>" in where["snippet"].replace("</mark><mark>", "")
    assert body["facets"]["in"] == {"files": 1}


def test_a_file_text_hit_ranks_below_a_body_hit_for_the_same_words(client: TestClient) -> None:
    hits = found(client, q=SHARED)["hits"]
    assert [hit["url"] for hit in hits[:2]] == ["cases/2024/shidi-zhengwen/", "cases/2024/shidi-fujian/"]
    assert hits[0]["found_in"] is None and hits[1]["found_in"]["file"] == "notice.docx"


def test_the_in_files_filter_and_facet(client: TestClient) -> None:
    both = found(client, q=SHARED)
    assert both["facets"]["in"] == {"files": 1} and both["total"] >= 2
    only = found(client, q=SHARED, **{"in": "files"})
    assert [hit["url"] for hit in only["hits"]] == ["cases/2024/shidi-fujian/"]
    assert only["facets"]["in"] == {"files": 1}
    bad = client.get("/api/search", params={"q": SHARED, "in": "body"})
    assert bad.status_code == 400 and "'body'" in bad.text and "files" in bad.text


def test_laws_cited_in_a_file_count_for_the_law_filter(client: TestClient) -> None:
    urls = [hit["url"] for hit in found(client, law="环境影响评价法")["hits"]]
    assert "cases/2024/chufa-jueding/" in urls


def test_fazhi_search_prints_where_a_hit_was_found(deployment: Settings, client: TestClient) -> None:
    code, output = cli(deployment, "search", f'"{DOCX_PHRASE}"')
    assert code == 0, output
    assert "in decision.docx: " in output and DOCX_PHRASE in output
    code, output = cli(deployment, "search", XLSX_PHRASE, "--in", "files", "--json")
    assert json.loads(output)["hits"][0]["found_in"]["file"] == "cases.xlsx"


def test_verify_sees_a_stale_file_text_and_index_updates_it(deployment: Settings, client: TestClient) -> None:
    assert cli(deployment, "index", "--verify")[0] == 0
    decision = folder(deployment.paths.content, "shidi-fujian") / "notice.docx"
    decision.write_bytes(files.docx(["通报：虚构的红树林已补种完毕。"]))
    extract_tree(deployment, time.monotonic() + 60, lambda line: None)
    assert file_texts(deployment, load_tree(deployment.paths.content))
    code, output = cli(deployment, "index", "--verify")
    assert code == 1 and "cases/2024/shidi-fujian/index.md:1: indexed at fingerprint" in output, output
    code, output = cli(deployment, "index")
    assert code == 0 and "1 updated" in output, output
    assert cli(deployment, "index", "--verify")[0] == 0
    assert found(client, q="红树林已补种")["hits"][0]["url"] == "cases/2024/shidi-fujian/"
