"""Our own small pages (tests/pages/) with the fields and snippets each must and must not yield."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.clean import find_date
from scraper.html2md import to_markdown
from scraper.http import Page
from scraper.platforms import PLATFORMS, ListEntry, platform_for

PAGES = Path(__file__).resolve().parent.parent / "pages"
EXPECTED = json.loads((PAGES / "expected.json").read_text("utf-8"))


def test_every_platform_has_fixture_pages() -> None:
    covered = {case["platform"] for case in EXPECTED.values()}
    assert covered == {cls.name for cls in PLATFORMS}, "registry and fixtures agree"
    assert sorted(EXPECTED) == sorted(p.name for p in PAGES.glob("*.html"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_extraction(name: str) -> None:
    case = EXPECTED[name]
    entry_spec = case["entry"]
    found = find_date(entry_spec["date"])
    assert found is not None
    entry = ListEntry(case["url"], entry_spec["title"], found[0], found[1], {"id": name},
                      {"selectors": entry_spec.get("selectors", {}), "content": ""})
    page = Page(case["url"], 200, {"content-type": "text/html"}, (PAGES / name).read_bytes())
    draft = platform_for(case["platform"]).parse_article(page, entry)
    fields = case["fields"]
    assert draft.title == fields["title"]
    assert draft.date.strftime("%Y-%m-%d %H:%M" if fields["time_known"] else "%Y-%m-%d") == fields["date"]
    assert draft.time_known is fields["time_known"]
    assert draft.source == fields["source"] and draft.date_from == fields["date_from"]
    assert [url for _, url in draft.attachments] == case["attachments"]
    markdown = to_markdown(draft.body_html)
    for snippet in case["must"]:
        assert snippet in markdown, f"{name}: missing {snippet!r}\n{markdown}"
    for snippet in case["must_not"]:
        assert snippet not in markdown, f"{name}: should not contain {snippet!r}\n{markdown}"
