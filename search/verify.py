"""Does an index hold exactly the content tree? Asked by ``fazhi index --verify`` and the nightly job.

Two things are compared, and every difference is one ``fazhi.errors.Problem``,
printed as ``path:line: message`` like the content checks:

- the index's own files: the live generation opens, and every Whoosh file of its
  last commit is there at the size and hash recorded when it was written
  (``fazhi-index.json``); a deleted, truncated or altered segment file is named;
- its documents: every article of the content tree, and with a law library every
  law of it and every article unit of its laws (``search.law_documents``), is there
  exactly once at its current fingerprint
  (``search.documents.fingerprint``: a changed text read from one of its files
  counts), and no document stands for an article or a
  law that no longer exists (a ghost);
- the known questions: the digest the index recorded (``fazhi-index.json``) is that of
  the imported set the caller passes, so a set imported or cleared since is seen.

Article differences name the article file relative to the content root, as
``fazhi check`` does; a ghost names the file its article used to have. Law
differences name the law's (first) library file, a unit's difference its law's file and the
unit's id (``laws/<slug>/#a25``); a law or unit ghost its page URL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.util.times import long_to_datetime

from fazhi.article import Article, article_path
from fazhi.content import load_tree
from fazhi.errors import Problem
from search.columns import column_values
from search.documents import NO_FILES, Cites, FileTexts, Indexed, citations, fingerprint
from search.indexer import META, QUESTIONS, current_generation, file_damage, read_meta
from search.law_documents import KIND as LAW_KIND
from search.law_documents import NO_QUESTIONS, UNIT_KIND, LawDocument, LawIndexed, ProvisionUnit, Questions, library_documents


@dataclass(frozen=True)
class Verification:
    """The differences found, and what was compared."""

    differences: list[Problem]
    articles: int
    documents: int
    left_out: int  # invalid article files, not compared (``fazhi check`` lists them)
    laws: int = 0  # laws of the law library compared besides the articles
    units: int = 0  # article units of those laws (kind ``provisions``)


    @property
    def ok(self) -> bool:
        return not self.differences

    @property
    def summary(self) -> str:
        left_out = f"; {self.left_out} invalid article file(s) left out (see `fazhi check`)" if self.left_out else ""
        units = f", {self.units} article units" if self.units else ""
        source, laws = ("the content tree and the law library", f", {self.laws} laws{units}") if self.laws else ("the content tree", "")
        if self.ok:
            return f"index matches {source}: {self.articles} articles{laws}, {self.documents} documents{left_out}"
        return (f"index differs from {source}: {len(self.differences)} difference(s)"
                f" ({self.articles} articles{laws}, {self.documents} documents){left_out}")


def verify_index(
    content_dir: Path, index_dir: Path, law_library: Path | None = None, files: FileTexts = NO_FILES, questions: str = "",
    joined: Questions = NO_QUESTIONS,
) -> Verification:
    """Compare the index in ``index_dir`` with the valid articles of the content tree in ``content_dir`` and the texts
    read from their ``files`` (and the laws of ``law_library``, when given, the known questions ``joined`` to their
    article units; and the known questions' digest ``questions``)."""
    tree = load_tree(Path(content_dir))
    found = verify_articles(tree.articles, index_dir, library_documents(law_library, questions=joined), files, questions)
    return Verification(found.differences, found.articles, found.documents, len({p.path for p in tree.problems}), found.laws, found.units)


def verify_articles(
    articles: Iterable[Article], index_dir: Path, laws: Iterable[LawIndexed] = (), files: FileTexts = NO_FILES, questions: str = "",
) -> Verification:
    """Compare the index with exactly ``articles`` (with their ``files``' texts), ``laws`` (the law documents and
    article units) and the known questions' digest ``questions`` (what was meant to be indexed)."""
    articles, laws = list(articles), list(laws)
    expected: dict[str, Indexed] = {a.slug: a for a in articles}
    articles_count = len(expected)
    expected.update((law.slug, law) for law in laws)
    cites = citations(articles, laws, files)
    units_count = sum(isinstance(item, ProvisionUnit) for item in expected.values())
    laws_count = len(expected) - articles_count - units_count
    live = current_generation(Path(index_dir))
    if live is None:
        where = Path(index_dir) / "CURRENT"
        return Verification([Problem(str(where), 1, "no index here (no live generation)")], articles_count, 0, 0, laws_count, units_count)
    damage = [Problem(str(live / name), 1, what) for name, what in file_damage(live, deep=True)]
    if damage:
        return Verification(damage, articles_count, 0, 0, laws_count, units_count)
    try:
        indexed = _indexed(live)
    except Exception as exc:  # any failure to read the index is what is being checked for
        problem = Problem(str(live), 1, f"the index cannot be read: {type(exc).__name__}: {exc}")
        return Verification([problem], articles_count, 0, 0, laws_count, units_count)
    differences = _compare(expected, indexed, files, cites)
    recorded = read_meta(live).get(QUESTIONS, "")
    if recorded != questions:
        differences.append(Problem(str(live / META), 1, f"indexed with known questions {recorded[:12] or '(none)'},"
                                                        f" the imported set is now {questions[:12] or '(none)'}"))
    return Verification(differences, articles_count, len(indexed), 0, laws_count, units_count)


def _indexed(generation: Path) -> list[tuple[str, str, dict[str, object]]]:
    """(slug, fingerprint, {kind, column, date}) of every live document, from the columns searches read."""
    ix = whoosh_index.open_dir(str(generation))
    try:
        with ix.reader() as reader:
            columns = {name: column_values(reader, name) for name in ("slug", "fingerprint", "kind", "column")}
            # raw: a document without a date (a law's undated text) holds a default no datetime can stand for
            columns["date"] = column_values(reader, "date", translate=False)
            return [
                (columns["slug"][n], columns["fingerprint"][n], {name: columns[name][n] for name in ("kind", "column", "date")})
                for n in reader.all_doc_ids()
            ]
    finally:
        ix.close()


def _compare(
    expected: dict[str, Indexed], indexed: list[tuple[str, str, dict[str, object]]], files: FileTexts, cites: Cites,
) -> list[Problem]:
    differences: list[Problem] = []
    counts = Counter(slug for slug, _, _ in indexed)
    by_slug = {slug: (stamp, stored) for slug, stamp, stored in indexed}
    for slug, item in expected.items():
        if isinstance(item, LawDocument):
            where, what = item.file, f"law {item.law.name!r} ({slug})"
        elif isinstance(item, ProvisionUnit):
            where, what = item.file, f"unit {item.law.name!r} {item.label} ({slug})"
        else:
            where, what = str(item.path or article_path(item.column, item.date, item.slug)), f"article {slug!r}"
        if slug not in by_slug:
            differences.append(Problem(where, 1, f"{what} is not in the index"))
            continue
        if counts[slug] > 1:
            differences.append(Problem(where, 1, f"{what} is in the index {counts[slug]} times"))
        stamp = by_slug[slug][0]
        current = fingerprint(item, files, cites)
        if stamp != current:
            noun = "law" if isinstance(item, LawDocument) else "unit" if isinstance(item, ProvisionUnit) else "article"
            # a law file holds many units: theirs name which
            named = f"{what}: " if isinstance(item, ProvisionUnit) else ""
            differences.append(Problem(where, 1, f"{named}indexed at fingerprint {stamp[:12]}, the {noun} is now at {current[:12]}"))
    for slug, (_, stored) in sorted(by_slug.items()):
        if slug not in expected:
            if stored.get("kind") == LAW_KIND:
                differences.append(Problem(slug, 1, f"ghost: law document {slug!r} has no law in the law library"))
            elif stored.get("kind") == UNIT_KIND:
                differences.append(Problem(slug, 1, f"ghost: article unit {slug!r} has no article in the law library's versions in force"))
            else:
                differences.append(Problem(_ghost_path(slug, stored), 1, f"ghost: document {slug!r} has no article in the content tree"))
    return differences


def _ghost_path(slug: str, stored: dict[str, object]) -> str:
    """Where the article of an indexed document used to be, from its stored column and date."""
    column, raw = stored.get("column"), stored.get("date")
    try:
        date = long_to_datetime(raw) if isinstance(raw, int) else None
    except (OverflowError, ValueError):
        date = None
    if isinstance(column, str) and column and date is not None:
        return str(article_path(column, date, slug))
    return slug
