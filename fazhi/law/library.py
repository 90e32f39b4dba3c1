"""The law library: statute texts read into laws → versions → chapters → articles.

A library is a folder in the LawRefBook layout: ``<category>/<name>(YYYY-MM-DD).md``
(or ``<name>.md`` when the file carries no date), a ``# title`` line, the history
of adoption and amendments (``1989年12月26日 …通过``), ``<!-- INFO END -->``, then
``##`` headings for 编/章/节 and one paragraph per article starting ``第N条``; the
paragraphs after it are its 款.

It is read as it really is:

- one law may be split over several files (民法典 by 编, each with a second ``#``
  line naming the part); files of one law and one date are one version;
- a file's date is an adoption or amendment date; the date a version takes effect
  comes from its own text (``本法自2015年1月1日起施行`` or a ``… 施行`` history line)
  when that is not older than the version itself (an amended law keeps its
  original clause), else it is the version's date;
- a later law's closing article that says ``《X》同时废止`` marks X repealed from the
  day that law takes effect, with that law as its successor, even when X's own
  text is not in the library (合同法, 物权法 … by 民法典 from 2021-01-01).

Problems (a file with no title, no date, no article, articles out of order) are
collected, not raised: ``fazhi laws import`` prints them, the site uses the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from fazhi.errors import Problem
from fazhi.law.levels import law_level
from fazhi.law.names import PRC_PREFIX, QUALIFIER_RE, law_table
from fazhi.law.numerals import NUMBER, ArticleNo, to_int
from fazhi.law.regions import law_jurisdiction

INFO_END = "<!-- INFO END -->"
FILE_DATE_RE = re.compile(r"^(?P<name>.+?)\((?P<date>\d{4}-\d{2}-\d{2})\)$")
CN_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ARTICLE_RE = re.compile(rf"^第(?P<n>{NUMBER})条(?:之(?P<s>{NUMBER}))?(?:[ \t\u3000]+(?P<text>.*))?$")
HEADING_RE = re.compile(r"^(#{1,6})\s*(.*?)\s*#*$")
EFFECTIVE_RE = re.compile(r"自(?P<when>[^，。；]{0,24}?)起?(?:开始)?施行")
REPEAL_RE = re.compile(r"((?:《[^《》\n]{2,60}》[、，,和及与\s]*)+)(?:同时|一并|予以|即行)*废止")
CITED_RE = re.compile(r"《([^《》\n]{2,60})》")


@dataclass(frozen=True, slots=True)
class StatuteArticle:
    """One article of one version: its number and its 款 (paragraphs), in order."""

    no: ArticleNo
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class Heading:
    """A 编/章/节 heading; ``first`` is the index of the first article under it."""

    level: int
    title: str
    first: int


@dataclass(frozen=True)
class Repeal:
    """X was repealed on ``date`` by the law named ``by``."""

    date: dt.date
    by: str


@dataclass
class Version:
    """A law's text as adopted or amended on ``date``, in force from ``effective``."""

    name: str
    title: str
    date: dt.date | None
    effective: dt.date
    effective_stated: bool
    history: tuple[str, ...]
    headings: list[Heading]
    articles: list[StatuteArticle]
    files: tuple[str, ...]

    @property
    def key(self) -> str:
        """The version's URL segment: its date, or ``undated`` for a law's only, undated text."""
        return self.date.isoformat() if self.date else "undated"

    @cached_property
    def index(self) -> dict[ArticleNo, StatuteArticle]:
        return {article.no: article for article in self.articles}

    def article(self, no: ArticleNo) -> StatuteArticle | None:
        return self.index.get(no)

    @property
    def last_number(self) -> int:
        return max((a.no.number for a in self.articles), default=0)


@dataclass
class LawText:
    """One law and its known versions, oldest first; ``repeal`` is set once a later law repealed it."""

    name: str
    title: str
    category: str
    versions: list[Version] = field(default_factory=list)
    repeal: Repeal | None = None

    def in_force(self, day: dt.date) -> tuple[Version, bool]:
        """The version in force on ``day`` and whether ``day`` is before the first known version took effect.

        Before the first known version, that first version stands in (the caller marks it so);
        after a repeal, the last version stays the answer (the caller reads ``repeal``).
        """
        starts = [v.effective for v in self.versions]
        at = bisect_right(starts, day)
        if at == 0:
            return self.versions[0], True
        return self.versions[at - 1], False

    def current(self, today: dt.date | None = None) -> Version:
        return self.in_force(today or dt.date.today())[0]

    def version(self, key: str) -> Version | None:
        return next((v for v in self.versions if v.key == key), None)

    def repealed_on(self, day: dt.date) -> bool:
        return self.repeal is not None and day >= self.repeal.date

    @property
    def level(self) -> str:
        """Its place in the hierarchy of norms (``fazhi.law.levels``), from the folder of its first file."""
        files = self.versions[0].files if self.versions else ()
        return law_level(files[0]) if files else "other"

    @property
    def jurisdiction(self) -> str:
        """The province it belongs to (``fazhi.law.regions``), from its title or the folder of its first file; "" for none."""
        files = self.versions[0].files if self.versions else ()
        return law_jurisdiction(self.title, files[0] if files else "")


@dataclass
class Library:
    """Every law of one library folder, by name; ``repeals`` also covers laws whose text is absent."""

    root: Path
    laws: dict[str, LawText] = field(default_factory=dict)
    repeals: dict[str, Repeal] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

    def find(self, cited: str) -> LawText | None:
        """The law a citation's text names: exact title first, then without qualifiers, then by short form."""
        for name in citation_names(cited):
            if name in self.laws:
                return self.laws[name]
        return None

    def in_force_state(self, today: dt.date) -> tuple[str, dt.date | None]:
        """(digest of which version of each law is in force ``today`` and which laws are repealed by then, the next day that changes).

        Pages show the version in force today, so a build goes stale on a day a revision takes effect or
        a repeal begins even when no file changed; the nightly job compares this digest to see it.
        """
        h = hashlib.sha256()
        upcoming: list[dt.date] = []
        for name in sorted(self.laws):
            law = self.laws[name]
            version, _ = law.in_force(today)
            h.update(f"{name}\0{version.key}\0{law.repealed_on(today)}\n".encode())
            upcoming += [v.effective for v in law.versions if v.effective > today]
        for name in sorted(self.repeals):
            repeal = self.repeals[name]
            h.update(f"{name}\0repealed\0{repeal.date <= today}\n".encode())
            if repeal.date > today:
                upcoming.append(repeal.date)
        return h.hexdigest(), min(upcoming, default=None)

    def repeal_of(self, cited: str) -> tuple[str, Repeal] | None:
        """(name, repeal) when the cited law is known to be repealed, whether or not its text is here."""
        for name in citation_names(cited):
            if name in self.repeals:
                return name, self.repeals[name]
        return None


def law_name(title: str) -> str:
    """A law's name from its title line: spaces and the 中华人民共和国 prefix dropped, qualifiers kept."""
    name = re.sub(r"[\s\u3000]+", "", title)
    if name.startswith(PRC_PREFIX) and len(name) > len(PRC_PREFIX):
        name = name[len(PRC_PREFIX):]
    return name


def written_names(cited: str) -> list[str]:
    """The names a citation's text spells out: as written, then without qualifiers such as （2018年修正）."""
    exact = law_name(cited)
    bare = exact
    while QUALIFIER_RE.search(bare):
        bare = QUALIFIER_RE.sub("", bare)
    return list(dict.fromkeys((exact, bare)))


def citation_names(cited: str) -> list[str]:
    """Names a citation's text may mean, most exact first: as written, without qualifiers, the short-form table's name."""
    return list(dict.fromkeys((*written_names(cited), law_table().canonical(cited))))


def day_text(day: dt.date | None) -> str:
    """A day as the law pages print it (2021年1月1日); 不详 for an unknown one."""
    return f"{day.year}年{day.month}月{day.day}日" if day and day != dt.date.min else "不详"


def cn_date(text: str) -> dt.date | None:
    match = CN_DATE_RE.search(text)
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


@dataclass
class _File:
    """One parsed file, before files are grouped into versions."""

    path: str
    title: str
    part: str
    file_date: dt.date | None
    history: list[str]
    headings: list[Heading]
    articles: list[StatuteArticle]
    category: str


def parse_file(path: Path, rel: str, problems: list[Problem]) -> _File | None:
    """Read one library file; None (with a problem) when it is not a law text at all."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(rel, 1, f"cannot read: {exc}"))
        return None
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# ") or not lines[0][2:].strip():
        problems.append(Problem(rel, 1, "no title line (`# <title>`) at the top"))
        return None
    match = FILE_DATE_RE.match(path.stem)
    file_date = None
    if match:
        try:
            file_date = dt.date.fromisoformat(match.group("date"))
        except ValueError:
            problems.append(Problem(rel, 1, f"bad date in the file name: {match.group('date')}"))
    info_end = next((i for i, line in enumerate(lines) if line.strip() == INFO_END), None)
    part, history = "", []
    body_start = 1
    for i in range(1, len(lines)):
        line = lines[i].strip()
        if info_end is None and (line.startswith("##") or ARTICLE_RE.match(line)):
            break
        if info_end is not None and i >= info_end:
            break
        if line.startswith("# ") and not history:
            part = line[2:].strip()
        elif line and CN_DATE_RE.match(line):
            history.append(re.sub(r"[\s\u3000]+$", "", line))
        body_start = i + 1
    if info_end is not None:
        body_start = info_end + 1
    headings: list[Heading] = []
    articles: list[StatuteArticle] = []
    current: tuple[ArticleNo, list[str]] | None = None
    seen: set[ArticleNo] = set()

    def close() -> None:
        if current is not None:
            articles.append(StatuteArticle(current[0], tuple(current[1])))

    for lineno in range(body_start, len(lines)):
        line = lines[lineno].strip()
        if not line:
            continue
        if line.startswith("#"):
            heading = HEADING_RE.match(line)
            title = heading.group(2) if heading else ""
            if title:
                close()
                current = None
                headings.append(Heading(len(heading.group(1)) if heading else 2, title, len(articles)))
            continue
        article = ARTICLE_RE.match(line)
        number = to_int(article.group("n")) if article else None
        if article and number:
            sub = to_int(article.group("s")) if article.group("s") else 0
            no = ArticleNo(number, sub or 0)
            if no in seen:
                problems.append(Problem(rel, lineno + 1, f"{no.label} appears twice; the second is kept as a paragraph"))
            else:
                close()
                if articles and no < articles[-1].no:
                    problems.append(Problem(rel, lineno + 1, f"{no.label} follows {articles[-1].no.label}: articles out of order"))
                seen.add(no)
                current = (no, [article.group("text") or ""])
                continue
        if current is not None:
            current[1].append(line)
        # text before the first article (a preamble, a decision's body) is kept in no article
    close()
    if not articles:
        problems.append(Problem(rel, 1, "no article (`第N条 …` paragraphs) found; left out of the library"))
        return None
    category = rel.split("/", 1)[0] if "/" in rel else ""
    return _File(rel, lines[0][2:].strip(), part, file_date, history, headings, articles, category)


def _history_date(history: Iterable[str]) -> dt.date | None:
    """The latest adoption or amendment date of a history (lines about 施行 alone do not count)."""
    dates = [d for line in history if not _is_effective_line(line) and (d := cn_date(line))]
    return max(dates, default=None)


def _is_effective_line(line: str) -> bool:
    return bool(re.match(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*施行$", line))


def _effective(date: dt.date | None, history: list[str], articles: list[StatuteArticle]) -> tuple[dt.date, bool]:
    """When a version took effect: its own statement when not older than the version, else its date.

    A text with no date at all (a law's only known version) is taken as in force from the start of time.
    """
    stated: dt.date | None = None
    for line in history:
        if _is_effective_line(line):
            stated = cn_date(line)
    if stated is None:
        for article in reversed(articles[-8:]):
            match = EFFECTIVE_RE.search(article.text)
            if match:
                when = match.group("when")
                stated = date if ("公布之日" in when or "发布之日" in when) else cn_date(when)
                if stated:
                    break
    if stated is not None and (date is None or stated >= date):
        return stated, True
    return date or dt.date.min, False


def _group(files: list[_File], problems: list[Problem]) -> dict[str, LawText]:
    laws: dict[str, LawText] = {}
    versions: dict[tuple[str, dt.date | None], list[_File]] = {}
    for file in files:
        date = file.file_date or _history_date(file.history)
        name = law_name(file.title)
        versions.setdefault((name, date), []).append(file)
        if name not in laws:
            laws[name] = LawText(name, file.title, file.category)
    for (name, date), parts in sorted(versions.items(), key=lambda item: item[0][1] or dt.date.min):
        parts.sort(key=lambda f: (f.articles[0].no, f.path))
        headings: list[Heading] = []
        articles: list[StatuteArticle] = []
        used: list[str] = []
        history: list[str] = []
        for part in parts:
            if articles and part.articles[0].no <= articles[-1].no:
                problems.append(Problem(part.path, 1, f"same law and date as {used[0]} and its articles overlap; kept only once"))
                continue
            if part.part:
                headings.append(Heading(1, part.part, len(articles)))
            headings.extend(Heading(h.level, h.title, h.first + len(articles)) for h in part.headings)
            articles.extend(part.articles)
            used.append(part.path)
            history.extend(line for line in part.history if line not in history)
        effective, stated = _effective(date, history, articles)
        if date is None and len({d for n, d in versions if n == name}) > 1:
            problems.append(Problem(parts[0].path, 1, "no date in the file name or its history, beside dated versions of the same law"))
        laws[name].versions.append(Version(name, parts[0].title, date, effective, stated, tuple(history), headings, articles, tuple(used)))
    for law in laws.values():
        law.versions.sort(key=lambda v: (v.effective, v.date))
    return laws


def _repeals(laws: dict[str, LawText]) -> dict[str, Repeal]:
    """Repeals stated in the closing articles of each law; the earliest version stating one dates it."""
    found: dict[str, Repeal] = {}
    for law in laws.values():
        for version in law.versions:
            for article in version.articles[-6:]:
                text = article.text
                if "施行" not in text or "废止" not in text:
                    continue
                for match in REPEAL_RE.finditer(text):
                    for cited in CITED_RE.findall(match.group(1)):
                        names = written_names(cited)  # not the short-form table: it may map X to its successor
                        if law.name in names:
                            continue  # an earlier issue of the same law
                        target = next((n for n in names if n in laws), names[0])
                        previous = found.get(target)
                        if previous is None or version.effective < previous.date:
                            found[target] = Repeal(version.effective, law.name)
    for name, repeal in list(found.items()):
        law = laws.get(name)
        if law is not None and law.versions[-1].effective > repeal.date:
            del found[name]  # enacted again after the repeal: still in force
    return found


def load_library(root: Path) -> Library:
    """Read every ``*.md`` under ``root`` into a ``Library`` (problems collected, never raised)."""
    root = Path(root)
    library = Library(root)
    if not root.is_dir():
        library.problems.append(Problem(str(root), 1, "law library folder not found"))
        return library
    files: list[_File] = []
    for path in sorted(root.rglob("*.md")):
        if path.name.startswith((".", "_")) or path.name.upper() == "README.MD":
            continue
        library.files += 1
        parsed = parse_file(path, path.relative_to(root).as_posix(), library.problems)
        if parsed is not None:
            files.append(parsed)
    library.laws = _group(files, library.problems)
    library.repeals = _repeals(library.laws)
    for name, repeal in library.repeals.items():
        if name in library.laws:
            library.laws[name].repeal = repeal
    return library
