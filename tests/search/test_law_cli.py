"""`fazhi index` and `fazhi search` with a law library (--law-library), through the real CLI entry point."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from fazhi.law.names import law_slug
from fazhi_app.cli import main
from search.indexer import sync_articles
from search.law_documents import law_document_id, library_documents
from tests.fixtures.search import sample_articles, write_tree
from tests.fixtures.site import SAMPLE_LAWS

RIVERS = "示例市河湖保洁条例"


def test_index_verify_and_search_with_a_law_library(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", sample_articles())
    library = Path(shutil.copytree(SAMPLE_LAWS, tmp_path / "laws"))
    index = tmp_path / "index"
    locations = ["--content", str(content), "--index", str(index), "--law-library", str(library)]
    runner = CliRunner()

    first = runner.invoke(main, ["index", *locations])
    assert first.exit_code == 0, first.output
    assert "index rebuilt: 82 added, 0 updated, 0 removed, 0 unchanged (82 documents)" in first.output, "27 articles, 7 laws, 48 units"
    verified = runner.invoke(main, ["index", "--verify", *locations])
    assert verified.exit_code == 0
    assert "matches the content tree and the law library: 27 articles, 7 laws, 48 article units" in verified.stderr

    # the index loses one law's document (as an index written without it would be)
    docs = [doc for doc in library_documents(library) if doc.slug != law_document_id(RIVERS)]
    sync_articles(sample_articles(), index, laws=docs)
    broken = runner.invoke(main, ["index", "--verify", *locations])
    assert broken.exit_code == 1
    assert broken.stdout.splitlines() == [
        f"{library / '地方性法规' / '示例市河湖保洁条例(2021-09-15).md'}:1: law '{RIVERS}' ({law_document_id(RIVERS)}) is not in the index"]
    assert "run `fazhi index --rebuild`" in broken.stderr
    healed = runner.invoke(main, ["index", "--rebuild", *locations])
    assert healed.exit_code == 0 and "82 added" in healed.output
    assert runner.invoke(main, ["index", "--verify", *locations]).exit_code == 0

    # without --law-library the same index has four ghosts
    plain = runner.invoke(main, ["index", "--verify", "--content", str(content), "--index", str(index)])
    assert plain.exit_code == 1 and plain.stdout.count("ghost: law document") == 7

    shown = runner.invoke(main, ["search", f"{RIVERS}第6条", *locations])
    assert shown.exit_code == 0, shown.output
    assert f"《{RIVERS}》第六条  /laws/{law_slug(RIVERS)}/#a6" in shown.output
    assert "保洁责任人应当每日巡查责任区" in shown.output and "地方性法规" in shown.output
    repealed = runner.invoke(main, ["search", "示例市城市绿化暂行规定第3条", *locations])
    assert "（已于 2019-05-01 由《示例市绿道管理办法》废止）" in repealed.output

    laws = json.loads(runner.invoke(main, ["search", "垃圾", "--kind", "laws", "--json", *locations]).output)
    assert laws["total"] > 0 and {hit["kind"] for hit in laws["hits"]} == {"laws"}
    bad = runner.invoke(main, ["search", "垃圾", "--kind", "statutes", *locations])
    assert bad.exit_code == 2 and bad.stderr.startswith("fazhi: --kind: unknown kind 'statutes'"), bad.stderr


def test_a_missing_law_library_is_one_line_naming_it(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", sample_articles())
    missing = tmp_path / "no-such-library"
    for command in (["index"], ["index", "--rebuild"], ["index", "--verify"]):
        result = CliRunner().invoke(main, [*command, "--content", str(content), "--index", str(tmp_path / "index"),
                                           "--law-library", str(missing)])
        assert result.exit_code == 2, result.output
        assert result.stderr == f"fazhi: {missing}: the law library folder does not exist (setting law_library, option --law-library)\n"
    assert not (tmp_path / "index" / "CURRENT").exists(), "nothing was written"
