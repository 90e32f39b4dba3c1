"""The text inside files end to end: a real ``fazhi nightly`` over the sample mirror reads the files of the articles whose
substance is only in them, ``fazhi search`` finds each file's phrase as an exact quoted phrase, the hit labelled with
its file, a later night repairs a published index that lost one of them, and an attachment revised upstream the day
after its article was archived is searched by its new text the next night."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from extract.ocr import ocr_missing
from fazhi.normalize import tidy_text
from scraper.mirror import filed, samples
from scraper.mirror.data import generate
from search.indexer import current_generation
from tests.fixtures.deployment import ARTICLES_PER_SITE, Deployment


def with_filed_articles(d: Deployment) -> None:
    """The fixture's cut of the UCAP column plus its four articles whose substance is only in a file."""
    full = generate(d.root / "full-mirror").articles("ucap")
    carrying = [a for a in full if any(p.rsplit("/", 1)[-1] in filed.FILES for p in [f["path"] for f in a["files"]] + a["images"])]
    assert len(carrying) == len(filed.FILES)
    kept = {a["id"] for a in d.mirror.articles("ucap")[:ARTICLES_PER_SITE]}
    d.mirror.data.save("ucap", d.mirror.articles("ucap") + [a for a in carrying if a["id"] not in kept])


def archived_name(d: Deployment, name: str) -> tuple[Path, str]:
    """The article folder and archived name of the mirror's file ``name`` (found by its bytes)."""
    (path,) = [p for p in d.settings.paths.content.glob("*/*/*/*") if p.is_file() and p.read_bytes() == filed.FILES[name]]
    return path.parent, path.name


def searched(d: Deployment, phrase: str) -> list[dict[str, object]]:
    done = d.cli("search", f'"{phrase}"', "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["hits"]


def phrases() -> dict[str, str]:
    """Each file's phrase; the infographic's only where Tesseract can read it."""
    return {name: phrase for name, phrase in filed.PHRASES.items() if name != filed.INFOGRAPHIC or not ocr_missing()}


def test_an_attachment_revised_before_the_first_revisit_reaches_the_index(deployment: Deployment, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """UCAP's list carries the body, so its articles are archived without their page; the page fetched at the first
    revisit has no earlier copy to be compared with, and must still be read, or a change made in between (here the
    attachment replaced by a revised file at a new address, which the list's body does not show) is never seen."""
    d = deployment
    first = d.cli("nightly")
    assert first.returncode == 0, first.stdout + first.stderr

    article = d.mirror.articles("ucap")[0]
    phrase = "附件修订说明：本次修订的编号为甲乙丙丁二〇二六。"
    name = "revised-notice.docx"
    monkeypatch.setitem(filed.FILES, name, samples.docx(phrase))
    path = f"{filed.UCAP_DOCS}/{article['date'][:10].replace('-', '')}/{name}"
    d.mirror.edit_article("ucap", article["id"], files=[{"name": "修订后的附件.docx", "path": path}])

    second = d.cli("nightly")
    assert second.returncode == 0, second.stdout + second.stderr
    report = json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))
    (ucap,) = [row for row in report["sources"] if row["name"] == "sthjt-ucap"]
    assert ucap["changed"] == 1 and ucap["revisited"] > 1, ucap  # read at its first revisit; the others' pages change nothing
    folder = d.article_file(d.mirror.url("ucap", article)).parent
    assert [p.name for p in folder.iterdir() if p.read_bytes() == filed.FILES[name]] == [name], sorted(p.name for p in folder.iterdir())
    done = d.cli("search", f'"{phrase}"', "--in", "files", "--json")
    assert done.returncode == 0, done.stderr
    assert [(h["url"].strip("/").rsplit("/", 1)[-1], h["found_in"]["file"]) for h in json.loads(done.stdout)["hits"]] == [
        (folder.name, name)]


def test_a_phrase_inside_each_file_finds_its_article_and_a_lost_one_is_repaired(deployment: Deployment) -> None:
    d = deployment
    with_filed_articles(d)
    first = d.cli("nightly")
    assert first.returncode == 0, first.stdout + first.stderr

    for name, phrase in phrases().items():
        folder, file = archived_name(d, name)
        results = searched(d, phrase)
        assert [r["url"] for r in results if r.get("found_in")], f"{phrase!r} ({name}) found in no file: {results}"
        (hit,) = results
        assert hit["found_in"]["file"] == file, hit
        assert tidy_text(phrase) in tidy_text(hit["found_in"]["snippet"].replace("<mark>", "").replace("</mark>", ""))
        assert folder.name in hit["url"]
        assert (hit["found_in"]["page"] is not None) == (name == filed.COMPILATION), hit

    # The published index loses the compilation's document: the next night finds it unsound, rebuilds it and says so.
    lost = filed.PHRASES[filed.COMPILATION]
    generation = current_generation(d.current().index)
    assert generation is not None
    generation.chmod(0o755)
    index = whoosh_index.open_dir(str(generation))
    with index.searcher() as searcher:
        (slug,) = [doc["slug"] for doc in searcher.documents() if any(lost in part[2] for part in doc.get("file_parts") or ())]
    with index.writer() as writer:
        writer.delete_by_term("slug", slug)
    assert searched(d, lost) == []

    healed = d.cli("nightly", "--no-scrape")
    assert healed.returncode == 0, healed.stdout + healed.stderr
    assert "warning: the published search index of release" in healed.stdout + healed.stderr
    assert [r["found_in"]["file"] for r in searched(d, lost)] == [archived_name(d, filed.COMPILATION)[1]]

    if ocr_missing():
        pytest.skip(f"the infographic's phrase was not searched: OCR unavailable: {ocr_missing()}")
