"""``fazhi withdraw``: take an article off the published site without deleting its record.

Withdrawing writes two front-matter fields, ``withdrawn`` (the day) and
``withdrawn_reason``, into the article file and changes nothing else in it; the
next build leaves the article out everywhere and answers its URL with a short
notice (``fazhi_app.hooks.withdrawn``). ``undo`` removes the two fields again.
The scraper never overwrites a withdrawn file, so a later scrape cannot restore
it. Every withdrawal and undo is appended to ``<state>/withdrawals.jsonl``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import yaml

from fazhi.article import Article, parse_article, split_front_matter
from fazhi.config import Settings
from fazhi.content import article_files
from fazhi.errors import ArticleInvalid, ConfigError
from fazhi.files import write_atomic
from fazhi_app.authoring import content_root

LOG_NAME = "withdrawals.jsonl"
_FIELD_LINE = re.compile(r"^(withdrawn|withdrawn_reason)\s*:")


@dataclass(frozen=True)
class Withdrawal:
    """What ``fazhi withdraw`` did to one article file."""

    path: Path
    article: Article
    undone: bool


def find_article(settings: Settings, given: str) -> Path:
    """The article file named by a path (file or folder, absolute or relative), a site URL path, or a page URL."""
    root = content_root(settings)
    url_path = urlsplit(given).path if "://" in given else given  # a link copied from the site works too
    candidates = [Path(given), root / url_path.strip("/")]
    for candidate in candidates:
        path = candidate / "index.md" if candidate.is_dir() else candidate
        if path.is_file():
            path = path.resolve()
            if path in {p.resolve() for p in article_files(root)}:
                return path
            raise ConfigError(f"{given}: not an article file (<column>/<year>/<slug>/index.md) of the content tree {root}")
    raise ConfigError(f"{given}: no such article file or folder (in the current directory or under {root})")


def withdraw(settings: Settings, given: str, reason: str | None, *, undo: bool = False, today: dt.date | None = None) -> Withdrawal:
    """Mark the article withdrawn (or, with ``undo``, published again); the file keeps everything else."""
    path = find_article(settings, given)
    root = content_root(settings)
    rel = PurePosixPath(path.relative_to(root.resolve()).as_posix())
    text = path.read_text("utf-8")
    article = parse_article(text, rel)
    if undo:
        if article.withdrawn is None:
            raise ConfigError(f"{given}: is not withdrawn; nothing to undo")
        new_text = _set_fields(text, {})
    else:
        reason = " ".join((reason or "").split())
        if not reason:
            raise ConfigError("--reason: say why the article is withdrawn (it stays in the file and the log)")
        if article.withdrawn is not None:
            raise ConfigError(f"{given}: already withdrawn on {article.withdrawn} ({article.withdrawn_reason}); --undo first to change it")
        day = today or dt.date.today()
        new_text = _set_fields(text, {"withdrawn": day.isoformat(), "withdrawn_reason": reason})
    try:
        updated = parse_article(new_text, rel)
    except ArticleInvalid as exc:  # never write a file the build would refuse
        raise ConfigError(f"{given}: {exc.problems[0].message}") from None
    write_atomic(path, new_text)
    _log(settings, rel, updated, undo)
    return Withdrawal(path, updated, undo)


def _set_fields(text: str, values: dict[str, str]) -> str:
    """The file with the withdrawal fields removed from its front matter, then ``values`` added at its end."""
    meta, body, body_line = split_front_matter(text)
    kept = [line for line in meta.split("\n") if not _FIELD_LINE.match(line)]
    while kept and not kept[-1].strip():
        kept.pop()
    added = yaml.safe_dump(values, allow_unicode=True, sort_keys=False, width=1_000_000).rstrip("\n").split("\n") if values else []
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    closing = text.lstrip("\ufeff").split("\n")[body_line - 2]
    return bom + "\n".join(["---", *kept, *added, closing]) + "\n" + body


def _log(settings: Settings, rel: PurePosixPath, article: Article, undo: bool) -> None:
    entry = {
        "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "action": "undo" if undo else "withdraw",
        "path": str(rel),
        "url": article.url,
        "title": article.title,
        "reason": article.withdrawn_reason if not undo else None,
    }
    log = settings.paths.state / LOG_NAME
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
