"""The reference corpora as index documents, shared by the search benchmarks.

Each LawRefBook file becomes one ``Article`` (title = its first ``# `` heading,
date = the ``(YYYY-MM-DD)`` in its file name when there is one, source office =
its top folder), so the benchmarks index it with the product's own code. The
mapping slug -> path relative to ``data/`` is what the STARD qrels judge.

``write_law_index`` indexes those files as what they are, texts of the law
library: kind ``laws`` and their level in the hierarchy of norms
(``fazhi.law.levels.law_level`` of the path), through ``search.schema.document`` and
the product indexer's writer settings. Every file is its own document, old
versions of a law included, because STARD judges files, not laws.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

from fazhi.article import Article
from fazhi.law.levels import law_level
from fazhi.law.regions import law_jurisdiction
from search.indexer import write_documents
from search.schema import document

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FAZHI_SHARED", REPO.parent / "shared"))
LAWS = SHARED / "corpora" / "lawrefbook" / "data"
STARD = SHARED / "corpora" / "stard"
_VERSION_DATE = re.compile(r"\((\d{4})-(\d{2})-(\d{2})\)")
_TITLE = re.compile(r"^# +(.+?)\s*$", re.M)


def law_documents(root: Path = LAWS) -> list[tuple[str, str, str]]:
    """(path relative to ``root``, title, body) of every LawRefBook file, sorted by path."""
    docs = []
    for path in sorted(root.rglob("*.md")):
        text = path.read_text("utf-8")
        match = _TITLE.search(text)
        title = match.group(1) if match else path.stem
        body = text[match.end():] if match else text
        docs.append((path.relative_to(root).as_posix(), title, body))
    return docs


def law_articles(docs: list[tuple[str, str, str]]) -> tuple[list[Article], dict[str, str]]:
    """The documents as articles, and slug -> document path."""
    articles, paths = [], {}
    for n, (rel, title, body) in enumerate(docs):
        match = _VERSION_DATE.search(rel)
        date = dt.datetime(*(int(g) for g in match.groups())) if match else dt.datetime(2000, 1, 1)
        slug = f"law-{n}"
        articles.append(Article(title=title, date=date, column="interpretations", slug=slug, body=body, source=rel.split("/")[0]))
        paths[slug] = rel
    return articles, paths


def law_document(article: Article, rel: str) -> dict[str, object]:
    """The index document of a library file: the article's fields, as kind ``laws`` at the file's level and of its province."""
    return {**document(article), "kind": "laws", "level": law_level(rel), "jurisdiction": law_jurisdiction(article.title, rel)}


def write_law_index(docs: list[tuple[str, str, str]], index_dir: Path, procs: int | None = None) -> dict[str, str]:
    """Index ``docs`` (``law_documents()``) as law documents into a fresh ``index_dir``; slug -> path."""
    articles, paths = law_articles(docs)
    write_documents(Path(index_dir), (law_document(article, paths[article.slug]) for article in articles), len(articles), procs)
    return paths


def split_articles(limit: int | None = None) -> Iterator[Article]:
    """The 64,666-article national split (one JSON object a line) as articles."""
    with (STARD / "corpus.lawrefbook-national-articles.jsonl").open(encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            if limit is not None and n >= limit:
                break
            item = json.loads(line)
            yield Article(
                title=item["title"], date=dt.datetime(2000, 1, 1) + dt.timedelta(days=n % 9000), column="interpretations",
                slug=f"a-{n}", body=item["text"], source=item["id"].split("/")[0],
            )


def questions() -> list[tuple[str, str]]:
    """(query id, question) of the 1,543 STARD questions."""
    rows = (line.split("\t", 1) for line in (STARD / "queries.tsv").read_text("utf-8").splitlines() if line.strip())
    return [(qid, text.strip()) for qid, text in rows]


def tuning_half(qid: str) -> bool:
    """Whether a STARD question is in the tuning half: the first byte of SHA-256 of its id is even.

    Everything tuned or mined from STARD (ranking knobs, the colloquial table) looks only at this half;
    bench/search_quality.py reports the other, the reporting half. The split is fixed: it depends on the
    id alone, never on the question, its judgements or a random seed.
    """
    return hashlib.sha256(qid.encode("utf-8")).digest()[0] % 2 == 0


def qrels() -> dict[str, set[str]]:
    """Query id -> relevant LawRefBook document paths."""
    judged: dict[str, set[str]] = {}
    for line in (STARD / "qrels.lawrefbook-doc.tsv").read_text("utf-8").splitlines():
        qid, _, doc, rel = line.split("\t")
        if int(rel) > 0:
            judged.setdefault(qid, set()).add(doc)
    return judged


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, for judging times measured on a shared machine."""
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def git_revision() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
