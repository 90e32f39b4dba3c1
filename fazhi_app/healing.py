"""A release's search index that is never published broken: updated, verified, rebuilt when anything is off.

The index is a derived artefact; the content tree (and the law library, whose
texts are indexed as documents of kind ``laws``) is the source of truth. So
the nightly job copies the published index into the new release, updates it
incrementally and verifies it against the content tree (``search.verify``).
When the update fails or any difference is found, the index is rebuilt from
the content tree in place and verified again; the repair is reported as a
warning and the release is published as usual. Only when the rebuilt index is
still wrong does ``IndexUnsound`` stop the run, and nothing is published.

``published_index_problem`` asks the same of the index being served, on nights
that would otherwise rebuild nothing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fazhi.article import Article
from fazhi.errors import FazhiError
from search.documents import NO_FILES, FileTexts
from search.indexer import IndexStats, content_articles, sync_articles
from search.law_documents import LawIndexed
from search.verify import Verification, verify_articles

# Differences quoted in a warning or an error; the rest are counted.
QUOTED = 5


class IndexUnsound(FazhiError):
    """Even an index rebuilt from the content tree does not match it: nothing may be published."""


@dataclass(frozen=True)
class ReleaseIndex:
    """The index written into a release: how, whether it had to be repaired (and why), and its check."""

    stats: IndexStats
    verification: Verification
    repair: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            **self.stats.to_dict(), "verified": self.verification.summary, "repair": self.repair,
        }


def describe(verification: Verification) -> str:
    """A verification failure in one line: the count and the first differences."""
    quoted = "; ".join(str(d) for d in verification.differences[:QUOTED])
    more = len(verification.differences) - QUOTED
    return f"{len(verification.differences)} difference(s): {quoted}" + (f"; and {more} more" if more > 0 else "")


def build_release_index(
    content_dir: Path, target: Path, previous: Path | None, log: Callable[[str], None], articles: list[Article] | None = None,
    laws: Sequence[LawIndexed] = (), files: FileTexts = NO_FILES, questions: str = "",
) -> ReleaseIndex:
    """Write the index of ``content_dir`` into ``target`` (absent), starting from ``previous`` when there is one.

    ``articles``: exactly what to index (for a release that leaves some files out);
    by default every article of the content tree, which then must all be valid
    (ArticleInvalid otherwise). ``laws``: the law library's documents and article units (``search.law_documents``); ``files``: the
    texts read from the articles' files (``fazhi_app.extraction.file_texts``), indexed and verified with them;
    ``questions``: the known questions' digest, recorded and verified.
    Raises IndexUnsound when a rebuild does not verify.
    """
    articles = content_articles(content_dir) if articles is None else articles
    repair: str | None = None
    if previous is not None and previous.is_dir():
        try:
            shutil.copytree(previous, target)
            stats = sync_articles(articles, target, laws=laws, files=files, questions=questions)
            verification = verify_articles(articles, target, laws, files, questions)
            if verification.ok:
                return ReleaseIndex(stats, verification, None)
            repair = f"the updated index did not match the content tree ({describe(verification)})"
        except Exception as exc:  # any failure of the update: the rebuild below starts from the source of truth
            repair = f"updating the index failed ({type(exc).__name__}: {exc})"
        log(f"warning: {repair}; rebuilding the index from the content tree")
        shutil.rmtree(target, ignore_errors=True)
    stats = sync_articles(articles, target, rebuild=True, laws=laws, files=files, questions=questions)
    verification = verify_articles(articles, target, laws, files, questions)
    if not verification.ok:
        raise IndexUnsound(f"the index rebuilt from the content tree does not match it: {describe(verification)}")
    return ReleaseIndex(stats, verification, repair)


def published_index_problem(
    content_dir: Path, index_dir: Path, articles: list[Article] | None = None, laws: Sequence[LawIndexed] = (),
    files: FileTexts = NO_FILES, questions: str = "",
) -> str | None:
    """Why the index being served does not match the content tree (or ``articles``), their ``files``' texts and ``laws``,
    or None when it does."""
    verification = verify_articles(content_articles(content_dir) if articles is None else articles, index_dir, laws, files, questions)
    return None if verification.ok else describe(verification)
