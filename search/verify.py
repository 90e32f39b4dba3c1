"""Does an index hold exactly the content tree? Asked by ``fazhi index --verify`` and the nightly job.

Two things are compared, and every difference is one ``fazhi.errors.Problem``,
printed as ``path:line: message`` like the content checks:

- the index's own files: the live generation opens, and every Whoosh file of its
  last commit is there at the size and hash recorded when it was written
  (``fazhi-index.json``); a deleted, truncated or altered segment file is named;
- its documents: every article of the content tree is there exactly once at its
  current fingerprint (``search.schema.fingerprint``: body hash plus metadata),
  and no document stands for an article that no longer exists (a ghost).

Article differences name the article file relative to the content root, as
``fazhi check`` does; a ghost names the file its article used to have.
Articles are the only kind of document the index holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from fazhi.article import Article, article_path
from fazhi.content import load_tree
from fazhi.errors import Problem
from search.indexer import current_generation, file_damage
from search.schema import fingerprint


@dataclass(frozen=True)
class Verification:
    """The differences found, and what was compared."""

    differences: list[Problem]
    articles: int
    documents: int
    left_out: int  # invalid article files, not compared (``fazhi check`` lists them)

    @property
    def ok(self) -> bool:
        return not self.differences

    @property
    def summary(self) -> str:
        left_out = f"; {self.left_out} invalid article file(s) left out (see `fazhi check`)" if self.left_out else ""
        if self.ok:
            return f"index matches the content tree: {self.articles} articles, {self.documents} documents{left_out}"
        return (f"index differs from the content tree: {len(self.differences)} difference(s)"
                f" ({self.articles} articles, {self.documents} documents){left_out}")


def verify_index(content_dir: Path, index_dir: Path) -> Verification:
    """Compare the index in ``index_dir`` with the valid articles of the content tree in ``content_dir``."""
    tree = load_tree(Path(content_dir))
    found = verify_articles(tree.articles, index_dir)
    return Verification(found.differences, found.articles, found.documents, len({p.path for p in tree.problems}))


def verify_articles(articles: Iterable[Article], index_dir: Path) -> Verification:
    """Compare the index with exactly ``articles`` (what was meant to be indexed)."""
    expected = {a.slug: a for a in articles}
    live = current_generation(Path(index_dir))
    if live is None:
        where = Path(index_dir) / "CURRENT"
        return Verification([Problem(str(where), 1, "no index here (no live generation)")], len(expected), 0, 0)
    damage = [Problem(str(live / name), 1, what) for name, what in file_damage(live, deep=True)]
    if damage:
        return Verification(damage, len(expected), 0, 0)
    try:
        indexed = _indexed(live)
    except Exception as exc:  # any failure to read the index is what is being checked for
        return Verification([Problem(str(live), 1, f"the index cannot be read: {type(exc).__name__}: {exc}")], len(expected), 0, 0)
    return Verification(_compare(expected, indexed), len(expected), len(indexed), 0)


def _indexed(generation: Path) -> list[tuple[str, str, dict[str, object]]]:
    """(slug, fingerprint, {column, date}) of every live document, from the columns searches read."""
    ix = whoosh_index.open_dir(str(generation))
    try:
        with ix.reader() as reader:
            columns = {name: reader.column_reader(name, translate=True) for name in ("slug", "fingerprint", "column", "date")}
            return [
                (columns["slug"][n], columns["fingerprint"][n], {"column": columns["column"][n], "date": columns["date"][n]})
                for n in reader.all_doc_ids()
            ]
    finally:
        ix.close()


def _compare(expected: dict[str, Article], indexed: list[tuple[str, str, dict[str, object]]]) -> list[Problem]:
    differences: list[Problem] = []
    counts = Counter(slug for slug, _, _ in indexed)
    by_slug = {slug: (stamp, stored) for slug, stamp, stored in indexed}
    for slug, article in expected.items():
        where = str(article.path or article_path(article.column, article.date, article.slug))
        if slug not in by_slug:
            differences.append(Problem(where, 1, f"article {slug!r} is not in the index"))
            continue
        if counts[slug] > 1:
            differences.append(Problem(where, 1, f"article {slug!r} is in the index {counts[slug]} times"))
        stamp = by_slug[slug][0]
        current = fingerprint(article)
        if stamp != current:
            differences.append(Problem(where, 1, f"indexed at fingerprint {stamp[:12]}, the article is now at {current[:12]}"))
    for slug, (_, stored) in sorted(by_slug.items()):
        if slug not in expected:
            differences.append(Problem(_ghost_path(slug, stored), 1, f"ghost: document {slug!r} has no article in the content tree"))
    return differences


def _ghost_path(slug: str, stored: dict[str, object]) -> str:
    """Where the article of an indexed document used to be, from its stored column and date."""
    column, date = stored.get("column"), stored.get("date")
    if isinstance(column, str) and date is not None and hasattr(date, "year"):
        return str(article_path(column, date, slug))  # type: ignore[arg-type]
    return slug
