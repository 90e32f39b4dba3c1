"""`fazhi index` and `fazhi search` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fazhi_app.cli import main
from tests.fixtures.search import sample_articles, write_tree


def test_index_then_search_from_the_command_line(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", sample_articles())
    index = tmp_path / "index"
    locations = ["--content", str(content), "--index", str(index)]
    runner = CliRunner()

    first = runner.invoke(main, ["index", *locations])
    assert first.exit_code == 0, first.output
    assert "index rebuilt: 27 added, 0 updated, 0 removed, 0 unchanged" in first.output
    again = runner.invoke(main, ["index", *locations])
    assert "index updated: 0 added, 0 updated, 0 removed, 27 unchanged" in again.output
    forced = runner.invoke(main, ["index", "--rebuild", *locations])
    assert "index rebuilt: 27 added" in forced.output

    shown = runner.invoke(main, ["search", "医疗废物 处置", *locations])
    assert shown.exit_code == 0, shown.output
    assert "新修订的固体废物污染环境防治法解读" in shown.output
    assert "/interpretations/2020/gufeifa-jiedu/" in shown.output
    assert "<mark>" not in shown.output

    as_json = runner.invoke(main, ["search", "执法", "--column", "summaries", "--sort", "date", "--per-page", "3", "--json", *locations])
    data = json.loads(as_json.output)
    assert (data["total"], data["pages"], len(data["hits"])) == (7, 3, 3)
    assert [h["date"] for h in data["hits"]] == sorted((h["date"] for h in data["hits"]), reverse=True)

    law = runner.invoke(main, ["search", "--law", "固废法", "--json", *locations])
    assert [h["url"] for h in json.loads(law.output)["hits"]] == ["interpretations/2020/gufeifa-jiedu/"]


def test_bad_input_is_a_usage_error_not_a_traceback(search_index: Path) -> None:
    runner = CliRunner()
    cases = ((["执" * 501], "fazhi: QUERY: the query is 501 characters long"), (["执法", "--from", "2020-02-30"], "fazhi: --from: "),
             (["执法", "--page", "0"], "fazhi: --page: page must be between 1 and"))
    for args, line in cases:
        result = runner.invoke(main, ["search", *args, "--index", str(search_index)])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(line), result.stderr


def test_search_without_an_index_says_how_to_make_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["search", "执法", "--index", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "fazhi index" in result.output
