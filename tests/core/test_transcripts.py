"""``transcripts:``: staff's own text of a picture or a file, which replaces the machine's on the article page."""

from __future__ import annotations

from fazhi.article import parse_article
from tests.core.test_article import GOOD, problems_of

WITH = GOOD.replace("laws: [固废法]\n", "transcripts:\n  tu.png: |-\n    一、适用范围\n    本办法适用于云溪市。\n"
                                     "  jiedu.pdf: 解读全文\nlaws: [固废法]\n")


def test_transcripts_are_read_by_file_name_and_written_back_the_same() -> None:
    article = parse_article(WITH, "x/index.md")
    assert article.transcripts == (("tu.png", "一、适用范围\n本办法适用于云溪市。"), ("jiedu.pdf", "解读全文"))
    assert article.transcript("tu.png") == "一、适用范围\n本办法适用于云溪市。"
    assert article.transcript("other.png") is None
    again = parse_article(article.to_markdown(), "x/index.md")
    assert again == article
    assert article.front_matter()["transcripts"] == {"tu.png": "一、适用范围\n本办法适用于云溪市。", "jiedu.pdf": "解读全文"}


def test_an_article_without_transcripts_writes_no_key() -> None:
    article = parse_article(GOOD, "x/index.md")
    assert article.transcripts == ()
    assert "transcripts" not in article.to_markdown()


def test_a_bad_transcripts_value_is_named_at_its_line() -> None:
    as_list = GOOD.replace("laws: [固废法]\n", "transcripts: [tu.png]\nlaws: [固废法]\n")
    assert problems_of(as_list, "x/index.md") == ["x/index.md:11: transcripts must be a mapping of file name: text"]
    outside = GOOD.replace("laws: [固废法]\n", "transcripts:\n  ../tu.png: 文字\nlaws: [固废法]\n")
    assert problems_of(outside, "x/index.md") == ["x/index.md:11: transcripts: file '../tu.png' must be a path inside the article folder"]
    blank = GOOD.replace("laws: [固废法]\n", "transcripts:\n  tu.png: '  '\nlaws: [固废法]\n")
    assert problems_of(blank, "x/index.md") == ["x/index.md:11: transcripts: the text of 'tu.png' is empty"]
