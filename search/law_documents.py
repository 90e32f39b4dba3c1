"""The law library's texts as index documents of kind ``laws``: one per law, the version in force today.

A law split over several files (民法典 by 编) is one document; its text is its
headings and its articles (``第二十五条 …`` and their 款) as plain lines. The
document's id is its page's URL, ``laws/<slug>/`` (``fazhi.law.names.law_url``):
article slugs are plain ASCII words and never hold a ``/``, so the two kinds
never collide. A repealed law stays indexed, as its page stays, and its text
opens by saying it was repealed, when and by which law.

The fingerprint covers everything the document holds, so it changes when the
text changes and when another version comes into force (or the repeal takes
effect) without any file changing: the indexer updates laws by fingerprint as
it updates articles, and ``search.verify`` compares them the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from fazhi.errors import ConfigError
from fazhi.law.library import LawText, Library, Version, day_text, load_library
from fazhi.law.names import law_slug, law_url

KIND = "laws"


@dataclass(frozen=True)
class LawDocument:
    """What the index holds of one law: its current version's text, level, province (``jurisdiction``), page and fingerprint.

    ``slug`` is the document's id in the index (its page URL); ``file`` the library
    file that names it in ``search.verify``'s messages.
    """

    law: LawText
    version: Version
    slug: str
    title: str
    text: str
    level: str
    jurisdiction: str
    file: str
    fingerprint: str

    @property
    def url(self) -> str:
        return self.slug


def law_document_id(name: str) -> str:
    """The index id (and site-relative page URL) of the law named ``name``."""
    return law_url(law_slug(name))


def law_documents(library: Library, today: dt.date | None = None) -> list[LawDocument]:
    """One document per law of ``library``, the version in force on ``today``, in name order."""
    day = today or dt.date.today()
    return [_document(library, law, day) for _, law in sorted(library.laws.items())]


def require_library(root: Path | None) -> None:
    """A ConfigError naming the folder when a law library is set but is not there (a missing path is a usage error)."""
    if root is not None and not Path(root).is_dir():
        what = "is not a folder" if Path(root).exists() else "does not exist"
        raise ConfigError(f"{root}: the law library folder {what} (setting law_library, option --law-library)")


def library_documents(root: Path | None, today: dt.date | None = None) -> list[LawDocument]:
    """The law documents of the library folder ``root``: none when there is no library.

    A library in which no law could be read is a ConfigError: an empty index of laws
    would silently drop every law page's document (``fazhi laws import`` says why).
    """
    if root is None:
        return []
    require_library(root)
    library = load_library(Path(root))
    if not library.laws:
        problem = library.problems[0].message if library.problems else "no law text found"
        raise ConfigError(f"{root}: no law text in the law library ({problem}; check it with `fazhi laws import`)")
    return law_documents(library, today)


def law_text(version: Version) -> str:
    """A version's headings and articles as plain lines, in the order of the text."""
    starts: dict[int, list[str]] = {}
    for heading in version.headings:
        starts.setdefault(heading.first, []).append(heading.title)
    lines: list[str] = []
    for number, article in enumerate(version.articles):
        lines.extend(starts.get(number, ()))
        first, *rest = article.paragraphs or ("",)
        lines.append(f"{article.no.label} {first}".rstrip())
        lines.extend(rest)
    lines.extend(starts.get(len(version.articles), ()))
    return "\n".join(lines)


def repeal_note(law: LawText, day: dt.date) -> str | None:
    """The sentence a repealed law's document opens with; None while it is in force."""
    if law.repeal is None or not law.repealed_on(day):
        return None
    return f"（已废止：{day_text(law.repeal.date)}起由《{law.repeal.by}》废止）"


def document_fields(doc: LawDocument) -> dict[str, object]:
    """The index fields of one law document (``search.schema.build_schema``)."""
    date = doc.version.date
    fields: dict[str, object] = {
        "slug": doc.slug,
        "kind": KIND,
        "level": doc.level,
        "jurisdiction": doc.jurisdiction,
        "fingerprint": doc.fingerprint,
        "title": doc.title,
        "title_bigram": doc.title,
        "body": doc.text,
        "body_bigram": doc.text,
        "title_len": len(doc.title),
        "body_len": len(doc.text),
        "url": doc.url,
        "date_text": date.isoformat() if date else "",
    }
    if date is not None:
        fields["date"] = dt.datetime.combine(date, dt.time())
        fields["year"] = date.year
    return fields


def _document(library: Library, law: LawText, day: dt.date) -> LawDocument:
    version = law.current(day)
    note = repeal_note(law, day)
    text = law_text(version)
    if note:
        text = f"{note}\n{text}"
    slug = law_document_id(law.name)
    level, jurisdiction = law.level, law.jurisdiction
    stamp = {
        "slug": slug, "title": version.title, "level": level, "jurisdiction": jurisdiction, "version": version.key,
        "effective": version.effective.isoformat(), "text": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    digest = hashlib.sha256(json.dumps(stamp, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
    root = library.root
    file = str(root / version.files[0]) if version.files else str(root)
    return LawDocument(law, version, slug, version.title, text, level, jurisdiction, file, digest)
