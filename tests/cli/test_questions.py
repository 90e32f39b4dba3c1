"""`fazhi laws questions import | list | clear` as real processes: bad lines by number, one write, seen by index and fingerprint."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from fazhi.config import load_settings
from fazhi.law.library import load_library
from fazhi.law.numerals import ArticleNo
from fazhi.law.questions import load_questions, questions_by_article, questions_path
from fazhi_app.fingerprint import QUESTIONS, fingerprint
from tests.fixtures.search import sample_articles, write_tree
from tests.fixtures.served import fazhi_executable
from tests.fixtures.site import REPO, SAMPLE_LAWS

SAMPLE_QUESTIONS = REPO / "fazhi_app" / "sample_questions.jsonl"
RIVERS = "示例市河湖保洁条例"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A config with a content tree, the sample law library and a state folder; returns the config file."""
    write_tree(tmp_path / "content", sample_articles())
    shutil.copytree(SAMPLE_LAWS, tmp_path / "laws")
    config = tmp_path / "fazhi.yml"
    config.write_text(f"paths:\n  content: content\n  mkdocs_config: {REPO / 'mkdocs.yml'}\n  state: var/state\n  index: var/index\n"
                      "  law_library: laws\n", "utf-8")
    return config


def fazhi(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([fazhi_executable(), *args, "--config", str(config)], capture_output=True, text=True, timeout=300,
                          cwd=config.parent)


def test_the_demo_s_questions_import_once_and_list_in_the_import_format(site: Path) -> None:
    state = site.parent / "var" / "state"
    first = fazhi(site, "laws", "questions", "import", str(SAMPLE_QUESTIONS))
    assert first.returncode == 0 and first.stdout == "", first.stderr
    lines = [line for line in SAMPLE_QUESTIONS.read_text("utf-8").splitlines() if line.strip()]
    assert f"{len(lines)} question(s) added, 0 already known, 0 line(s) skipped" in first.stderr
    stored = questions_path(state).read_bytes()

    again = fazhi(site, "laws", "questions", "import", str(SAMPLE_QUESTIONS))
    assert again.returncode == 0 and f"0 question(s) added, {len(lines)} already known" in again.stderr
    assert questions_path(state).read_bytes() == stored

    listed = [json.loads(line) for line in fazhi(site, "laws", "questions", "list").stdout.splitlines()]
    assert len(listed) == len(lines)
    assert {"question": "在河边钓鱼露营，垃圾要自己带走吗", "law": RIVERS, "article": "第八条之一"} in listed

    # the index builder's mapping: (law name, article number) -> questions; 12 and "第十二条" name the same article
    by_article = questions_by_article(load_questions(state))
    assert by_article[(RIVERS, ArticleNo(8, 1))] == ["在河边钓鱼露营，垃圾要自己带走吗"]
    assert by_article[(RIVERS, ArticleNo(12))] == ["在水库边倒渣土被抓到怎么处理", "往湖里扔垃圾会被罚多少钱"]
    library = load_library(site.parent / "laws")
    assert all(library.laws[law].current().article(no) is not None for law, no in by_article)


def test_bad_lines_are_named_by_number_and_the_good_ones_imported_in_one_write(site: Path) -> None:
    bad = site.parent / "questions.jsonl"
    bad.write_bytes(b"\n".join([
        json.dumps({"question": "倒垃圾罚多少", "law": RIVERS, "article": "第十二条"}, ensure_ascii=False).encode(),
        "{\"question\": \"乱码\", \"law\": \"示例市河湖保洁条例\", \"article\": 7}".encode("gbk"),
        b"{not json",
        json.dumps({"question": "缺了条号", "law": RIVERS}, ensure_ascii=False).encode(),
        json.dumps({"question": "没有这部法", "law": "刑法", "article": 1}, ensure_ascii=False).encode(),
        json.dumps({"question": "没有这一条", "law": RIVERS, "article": "第九十九条"}, ensure_ascii=False).encode(),
        json.dumps({"question": "条号不对", "law": RIVERS, "article": "第七款"}, ensure_ascii=False).encode(),
        b"",
        json.dumps({"question": "简称也行", "law": "示例省生态环境保护条例", "article": "8"}, ensure_ascii=False).encode(),
    ]) + b"\n")
    result = fazhi(site, "laws", "questions", "import", str(bad))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{bad}:2: not UTF-8 text",
        f"{bad}:3: not JSON (Expecting property name enclosed in double quotes)",
        f'{bad}:4: missing "article"',
        f"{bad}:5: law 刑法 is not in the law library",
        f"{bad}:6: {RIVERS} has no 第九十九条 in its version in force",
        f'{bad}:7: "article" "第七款" is not an article number (12, "第十二条", "第十二条之一")',
    ]
    assert "2 question(s) added, 0 already known, 6 line(s) skipped" in result.stderr
    assert [q.question for q in load_questions(site.parent / "var" / "state")] == ["倒垃圾罚多少", "简称也行"]
    assert "Traceback" not in result.stderr


def test_a_file_missing_or_no_law_library_is_one_line_and_nothing_is_written(site: Path, tmp_path: Path) -> None:
    missing = fazhi(site, "laws", "questions", "import", str(tmp_path / "nope.jsonl"))
    assert (missing.returncode, missing.stderr) == (2, f"fazhi: {tmp_path / 'nope.jsonl'}: question file not found\n")
    site.write_text(site.read_text("utf-8").replace("  law_library: laws\n", ""), "utf-8")
    unset = fazhi(site, "laws", "questions", "import", str(SAMPLE_QUESTIONS))
    assert unset.returncode == 2 and unset.stderr.startswith("fazhi: no law library set") and len(unset.stderr.splitlines()) == 1
    assert not questions_path(site.parent / "var" / "state").exists()


def test_the_index_records_the_set_so_verify_sees_an_import_or_a_clear(site: Path) -> None:
    settings = load_settings(site)
    before = fingerprint(settings)
    assert fazhi(site, "index").returncode == 0
    assert fazhi(site, "index", "--verify").returncode == 0

    assert fazhi(site, "laws", "questions", "import", str(SAMPLE_QUESTIONS)).returncode == 0
    after = fingerprint(settings, before)
    assert after.values[QUESTIONS] and before.values[QUESTIONS] == "" and after.digest != before.digest
    stale = fazhi(site, "index", "--verify")
    assert stale.returncode == 1 and "indexed with known questions (none), the imported set is now" in stale.stdout
    assert fazhi(site, "index").returncode == 0
    assert fazhi(site, "index", "--verify").returncode == 0

    cleared = fazhi(site, "laws", "questions", "clear")
    assert cleared.returncode == 0 and "15 known question(s) removed" in cleared.stderr
    assert fazhi(site, "laws", "questions", "list").stdout == ""
    assert fingerprint(settings, after).values[QUESTIONS] == ""
    assert "the imported set is now (none)" in fazhi(site, "index", "--verify").stdout


def unit_urls(config: Path, query: str) -> list[str]:
    done = fazhi(config, "search", "--kind", "provisions", "--json", query)
    assert done.returncode == 0, done.stdout + done.stderr
    return [hit["url"] for hit in json.loads(done.stdout)["hits"]]


def test_an_imported_question_joins_its_article_s_unit_and_a_clear_takes_it_out(site: Path, tmp_path: Path) -> None:
    asked = tmp_path / "asked.jsonl"
    pair = {"question": "钓鱼佬扎营留下满地狼藉", "law": RIVERS, "article": "第八条之一"}
    asked.write_text(json.dumps(pair, ensure_ascii=False) + "\n", "utf-8")
    assert fazhi(site, "index").returncode == 0
    assert not [url for url in unit_urls(site, "钓鱼佬 狼藉") if url.endswith("#a8-1")], "the statute's own words do not say it"

    assert fazhi(site, "laws", "questions", "import", str(asked)).returncode == 0
    indexed = fazhi(site, "index")
    assert indexed.returncode == 0 and "1 updated" in indexed.stdout, indexed.stdout + indexed.stderr
    assert unit_urls(site, "钓鱼佬 狼藉")[0].endswith("#a8-1"), "the question's words find its article"
    verified = fazhi(site, "index", "--verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr

    assert fazhi(site, "laws", "questions", "clear").returncode == 0
    stale = fazhi(site, "index", "--verify")
    assert stale.returncode == 1 and "#a8-1" in stale.stdout, stale.stdout + stale.stderr
    assert fazhi(site, "index").returncode == 0
    assert not [url for url in unit_urls(site, "钓鱼佬 狼藉") if url.endswith("#a8-1")]
