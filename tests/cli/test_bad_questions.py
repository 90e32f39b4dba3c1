"""Questions the index cannot look up, through the real `fazhi search` command: a hint, or one line and exit 2."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from search.query import MAX_QUERY_CHARS, NO_WORDS_HINT
from tests.fixtures.served import fazhi_executable


def _search(index: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([fazhi_executable(), "search", *args, "--index", str(index), "--releases", str(index.parent / "none")],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("q", ["怎么办", "可以吗", "😀🐶🙏", "！？。，、【】《》“”"])
def test_a_question_with_nothing_to_search_prints_the_hint(search_index: Path, q: str) -> None:
    done = _search(search_index, q)
    assert done.returncode == 0, done.stderr
    assert NO_WORDS_HINT in done.stdout and "Traceback" not in done.stdout + done.stderr
    answer = _search(search_index, q, "--json")
    assert answer.returncode == 0 and json.loads(answer.stdout)["hint"] == NO_WORDS_HINT


def test_a_question_longer_than_the_limit_is_one_line_and_exit_2(search_index: Path) -> None:
    done = _search(search_index, "执" * (MAX_QUERY_CHARS + 1))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"fazhi: QUERY: the query is {MAX_QUERY_CHARS + 1} characters long; at most {MAX_QUERY_CHARS} are allowed"
    ]
