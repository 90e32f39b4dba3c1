"""The law library's texts as index documents of kind ``laws``, one per law, and each of their articles as a unit of kind ``provisions``.

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

Every article (第N条, 之一 included) of a law's version in force — of a repealed
law's last version, marked repealed — is also a unit of its own
(``ProvisionUnit``): a question is answered by one article, which a whole law's
document dilutes. Its id is its place on the law page, ``laws/<slug>/#a25``
(``ArticleNo.anchor``, the anchor law pages use), which holds a ``#`` no
article's or law's id holds. Units have fields of their own
(``search.schema.UNIT_FIELDS``), so their statistics never mix with the
documents' and a search without ``kind=provisions`` never sees them. Questions
known to be answered by an article (``Questions``) join its unit in a field of
their own; they are part of its fingerprint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fazhi.errors import ConfigError
from fazhi.law.library import Heading, LawText, Library, StatuteArticle, Version, day_text, load_library
from fazhi.law.names import law_slug, law_url
from fazhi.law.numerals import ArticleNo

KIND = "laws"
UNIT_KIND = "provisions"
# Questions known to be answered by an article: (law name as the library names it, i.e. ``LawText.name``,
# the title without the 中华人民共和国 prefix; the article's number, 第一百二十条之一 being ArticleNo(120, 1))
# -> the questions, in order. ``fazhi laws questions import`` fills it; empty by default.
Questions = Mapping[tuple[str, ArticleNo], Sequence[str]]
NO_QUESTIONS: Questions = {}


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


@dataclass(frozen=True)
class ProvisionUnit:
    """One article of a law's version in force as a search unit: what the index holds of it and its fingerprint.

    ``slug`` is its id and site-relative URL (``laws/<slug>/#a25``); ``heading`` the 编/章/节 headings it
    stands under, innermost last; ``repealed`` is set when the law is repealed (its last version's article).
    """

    law: LawText
    version: Version
    article: StatuteArticle
    slug: str
    title: str
    heading: str
    level: str
    jurisdiction: str
    repealed: bool
    questions: tuple[str, ...]
    file: str
    fingerprint: str

    @property
    def url(self) -> str:
        return self.slug

    @property
    def label(self) -> str:
        return self.article.no.label

    @property
    def law_id(self) -> str:
        """Its law's document id (``law_document_id``): its own id up to the ``#``."""
        return self.slug.partition("#")[0]

    @property
    def text(self) -> str:
        return self.article.text


LawIndexed = LawDocument | ProvisionUnit


def law_document_id(name: str) -> str:
    """The index id (and site-relative page URL) of the law named ``name``."""
    return law_url(law_slug(name))


def unit_id(name: str, no: ArticleNo) -> str:
    """The index id (and site-relative URL) of article ``no`` of the law named ``name``: ``laws/<slug>/#a25``."""
    return f"{law_document_id(name)}#{no.anchor}"


def law_documents(library: Library, today: dt.date | None = None) -> list[LawDocument]:
    """One document per law of ``library``, the version in force on ``today``, in name order."""
    day = today or dt.date.today()
    return [_document(library, law, day) for _, law in sorted(library.laws.items())]


def provision_units(library: Library, today: dt.date | None = None, questions: Questions = NO_QUESTIONS) -> list[ProvisionUnit]:
    """One unit per article of every law's version in force on ``today`` (a repealed law's last version), in name order.

    ``questions``: known questions per (law name, article number), joined to their article's unit.
    """
    day = today or dt.date.today()
    return [unit for _, law in sorted(library.laws.items()) for unit in _units(library, law, day, questions)]


def require_library(root: Path | None) -> None:
    """A ConfigError naming the folder when a law library is set but is not there (a missing path is a usage error)."""
    if root is not None and not Path(root).is_dir():
        what = "is not a folder" if Path(root).exists() else "does not exist"
        raise ConfigError(f"{root}: the law library folder {what} (setting law_library, option --law-library)")


def library_documents(root: Path | None, today: dt.date | None = None, questions: Questions = NO_QUESTIONS) -> list[LawIndexed]:
    """The law documents and article units (with ``questions`` joined) of the library folder ``root``: none when there is no library.

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
    return [*law_documents(library, today), *provision_units(library, today, questions)]


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


def unit_fields(unit: ProvisionUnit) -> dict[str, object]:
    """The index fields of one article unit: law title and headings, article label and text, known questions.

    ``unit`` (stored) holds what a hit or an answer shows; ``law_id`` is the law document's id, by which
    ``kind=laws`` ranks laws by their best articles.
    """
    date = unit.version.date
    title = f"{unit.title} {unit.heading}".strip()
    text = f"{unit.label} {unit.text}"
    questions = "\n".join(unit.questions)
    fields: dict[str, object] = {
        "slug": unit.slug,
        "kind": UNIT_KIND,
        "level": unit.level,
        "jurisdiction": unit.jurisdiction,
        "fingerprint": unit.fingerprint,
        "law_id": unit.law_id,
        "unit_title": title,
        "unit_title_bigram": title,
        "unit_text": text,
        "unit_text_bigram": text,
        "unit_title_len": len(title),
        "unit_text_len": len(text),
        "repealed": int(unit.repealed),
        "unit": {"law": unit.title, "heading": unit.heading, "label": unit.label, "anchor": unit.article.no.anchor,
                 "text": unit.text, "version": unit.version.key, "repealed": unit.repealed},
        "url": unit.url,
        "date_text": date.isoformat() if date else "",
    }
    if questions:
        fields.update(unit_questions=questions, unit_questions_bigram=questions, unit_questions_len=len(questions))
    if date is not None:
        fields["date"] = dt.datetime.combine(date, dt.time())
        fields["year"] = date.year
    return fields


def _units(library: Library, law: LawText, day: dt.date, questions: Questions) -> list[ProvisionUnit]:
    version = law.current(day)
    repealed = law.repealed_on(day)
    file = str(library.root / version.files[0]) if version.files else str(library.root)
    headings = _headings(version.headings, len(version.articles))
    # Judged from the law's title and files: once per law, not for each of its (up to 1,260) articles.
    level, jurisdiction = law.level, law.jurisdiction
    units = []
    for number, article in enumerate(version.articles):
        asked = tuple(questions.get((law.name, article.no), ()))
        stamp = {
            "slug": unit_id(law.name, article.no), "title": version.title, "heading": headings[number], "level": level,
            "jurisdiction": jurisdiction, "version": version.key, "repealed": repealed, "text": article.paragraphs, "questions": asked,
        }
        digest = hashlib.sha256(json.dumps(stamp, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
        units.append(ProvisionUnit(law, version, article, stamp["slug"], version.title, headings[number], level, jurisdiction,
                                   repealed, asked, file, digest))
    return units


def _headings(headings: Sequence[Heading], count: int) -> list[str]:
    """Per article, the headings it stands under (编 章 节, outermost first), as one line."""
    out: list[str] = []
    open_: list[Heading] = []
    starts: dict[int, list[Heading]] = {}
    for heading in headings:
        starts.setdefault(heading.first, []).append(heading)
    for number in range(count):
        for heading in starts.get(number, ()):
            open_ = [h for h in open_ if h.level < heading.level] + [heading]
        out.append(" ".join(h.title for h in open_))
    return out


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
