"""Known questions: question -> statute article pairs staff import (``fazhi laws questions import``), kept in the state folder.

A question file is JSONL, one object a line: ``{"question": ..., "law": <law title or short form>,
"article": 12 | "12" | "第十二条" | "第十二条之一"}``. ``read_question_file`` checks every line against the law
library (the law must be found by ``Library.find``, the article must be in its version in force) and
returns the good pairs and one problem per bad line, with its line number. The imported set is one
file, ``<state>/questions.json``, written whole and atomically: an import adds its pairs in one write or
none, and a pair already there is not added again. Laws are stored by their library name, so
``questions_by_article`` maps (law name, article number) to the questions the index joins to that
article's unit; ``questions_digest`` is what the nightly fingerprint and the index record.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from fazhi.errors import Problem
from fazhi.files import write_json
from fazhi.law.library import Library
from fazhi.law.numerals import NUMBER, ArticleNo, to_int

QUESTIONS_FILE = "questions.json"
# A question is a search query: no longer than the search box takes (search.request.MAX_QUERY_CHARS).
MAX_QUESTION_CHARS = 500
_ARTICLE = re.compile(rf"^(?:第\s*)?({NUMBER})\s*(?:条)?(?:之\s*({NUMBER}))?$")


@dataclass(frozen=True, order=True)
class KnownQuestion:
    """One imported pair: the law's library name, the article number and the question, as typed."""

    law: str
    number: int
    sub: int
    question: str

    @property
    def no(self) -> ArticleNo:
        return ArticleNo(self.number, self.sub)

    def to_dict(self) -> dict[str, object]:
        return {"question": self.question, "law": self.law, "article": self.no.label}


def parse_article(value: object) -> ArticleNo | None:
    """An article number as people write it: 12, "12", "第十二条", "第12条", "第十二条之一"; None when it is none of them."""
    if isinstance(value, int) and not isinstance(value, bool):
        return ArticleNo(value) if value > 0 else None
    if not isinstance(value, str):
        return None
    match = _ARTICLE.match(value.strip())
    if match is None or ("条" not in value and match.group(2)):
        return None
    number = to_int(match.group(1))
    sub = to_int(match.group(2)) if match.group(2) else 0
    return ArticleNo(number, sub) if number and sub is not None else None


def _pair(line: str, library: Library) -> KnownQuestion | str:
    """The pair a line holds, or what is wrong with it."""
    try:
        item = json.loads(line)
    except ValueError as exc:
        return f"not JSON ({exc.msg})"
    if not isinstance(item, dict):
        return "not a JSON object"
    missing = [key for key in ("question", "law", "article") if key not in item]
    if missing:
        return "missing " + ", ".join(f'"{key}"' for key in missing)
    question, cited = item["question"], item["law"]
    if not isinstance(question, str) or not question.strip():
        return '"question" is not a non-empty string'
    if len(question) > MAX_QUESTION_CHARS:
        return f'"question" is longer than {MAX_QUESTION_CHARS} characters'
    if not isinstance(cited, str) or not cited.strip():
        return '"law" is not a non-empty string'
    no = parse_article(item["article"])
    if no is None:
        return f'"article" {json.dumps(item["article"], ensure_ascii=False)} is not an article number (12, "第十二条", "第十二条之一")'
    law = library.find(cited.strip())
    if law is None:
        return f"law {cited.strip()} is not in the law library"
    if law.current().article(no) is None:
        return f"{law.name} has no {no.label} in its version in force"
    return KnownQuestion(law.name, no.number, no.sub, " ".join(question.split()))


def read_question_file(path: Path, library: Library) -> tuple[list[KnownQuestion], list[Problem]]:
    """The good pairs of a question file (each once, in file order) and one problem per bad line (blank lines are skipped)."""
    pairs: dict[KnownQuestion, None] = {}
    problems: list[Problem] = []
    for number, raw in enumerate(Path(path).read_bytes().splitlines(), start=1):
        try:
            line = raw.decode("utf-8").lstrip("\ufeff")
        except UnicodeDecodeError:
            problems.append(Problem(str(path), number, "not UTF-8 text"))
            continue
        if not line.strip():
            continue
        found = _pair(line, library)
        if isinstance(found, str):
            problems.append(Problem(str(path), number, found))
        else:
            pairs[found] = None
    return list(pairs), problems


def questions_path(state_dir: Path) -> Path:
    return Path(state_dir) / QUESTIONS_FILE


def load_questions(state_dir: Path) -> list[KnownQuestion]:
    """The imported set, sorted (empty when nothing was imported). A damaged file raises ValueError naming it."""
    path = questions_path(state_dir)
    if not path.is_file():
        return []
    try:
        items = json.loads(path.read_text("utf-8"))
        return sorted(KnownQuestion(i["law"], int(i["number"]), int(i["sub"]), str(i["question"])) for i in items)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"{path}: not a known-questions file ({exc}); `fazhi laws questions clear` starts a new one") from exc


def save_questions(state_dir: Path, questions: list[KnownQuestion]) -> None:
    """Write the whole set at once (sorted, each pair once): readers see the old set or the new one."""
    Path(state_dir).mkdir(parents=True, exist_ok=True)
    rows = [{"law": q.law, "number": q.number, "sub": q.sub, "question": q.question} for q in sorted(set(questions))]
    write_json(questions_path(state_dir), rows, indent=1)


@dataclass(frozen=True)
class Imported:
    """What one import did: pairs added, pairs already known, bad lines skipped, and the size of the set now."""

    added: int
    known: int
    problems: list[Problem]
    total: int


def import_questions(state_dir: Path, library: Library, path: Path) -> Imported:
    """Add the good pairs of the question file ``path`` to the set in ``state_dir`` in one write (none when nothing is new)."""
    pairs, problems = read_question_file(path, library)
    stored = load_questions(state_dir)
    known = set(stored)
    new = [pair for pair in pairs if pair not in known]
    if new:
        save_questions(state_dir, stored + new)
    return Imported(len(new), len(pairs) - len(new), problems, len(stored) + len(new))


def questions_digest(state_dir: Path) -> str:
    """SHA-256 of the imported set's file ("" when nothing is imported): what the fingerprint and the index record.

    The file is written sorted, each pair once, so equal sets have equal bytes; a damaged file still has a
    digest (the import and the index name what is wrong with it).
    """
    path = questions_path(state_dir)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def questions_by_article(questions: list[KnownQuestion]) -> dict[tuple[str, ArticleNo], list[str]]:
    """(law name, article number) -> its questions, sorted: what the index builder joins to each article's unit."""
    out: dict[tuple[str, ArticleNo], list[str]] = {}
    for q in sorted(set(questions)):
        out.setdefault((q.law, q.no), []).append(q.question)
    return out
