"""Our query syntax: free words, "quoted phrases" and -exclusions, sanitised, capped and analysed.

The user's text never reaches Whoosh's query parser. ``parse_query`` normalises
it (``search.normalize``), drops control characters, reads Chinese quotation
marks as ", and splits it; anything else that is not a letter, digit or
character is ignored. Each part is analysed by ``search.analysis``:

- free words: one group of alternatives per word position (stop and question
  words dropped), plus the character bigrams of the whole text (question words
  included: on the STARD tuning half leaving their pairs out cost 0.007 nDCG@10,
  as words like 应当 carry signal on a law corpus). A law named in the text (``search.law_mentions``) is searched as
  its canonical name (one word, no bigrams), and everyday words add the legal terms they stand for
  (``search.colloquial``) as ``related`` words, scored lower than the user's own; the query's words
  add the legal terms learned for them (``search.associations``) as ``learned`` terms, lower still;
- "quoted phrase": required; -exclusion: dropped. Both are de-duplicated and
  capped (MAX_PHRASES, MAX_EXCLUSIONS), like the words (MAX_WORDS).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from search.analysis import normalize, query_bigrams, query_words
from search.associations import learned_terms
from search.colloquial import legal_terms
from search.law_mentions import resolve_laws
from search.normalize import normalize_query

MAX_WORDS = 48
MAX_PHRASES = 8
MAX_EXCLUSIONS = 8
# Quotation marks people type in Chinese text, all read as ".
_QUOTES = str.maketrans({c: '"' for c in "“”„‟〝〞＂「」『』"})
_PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD_RUN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Part:
    """A quoted phrase or an exclusion: as shown, its words, its bigrams and the literal text to find."""

    text: str
    words: list[str]
    bigrams: list[str]
    needle: str


@dataclass
class ParsedQuery:
    """The user's text split into our syntax: free words, required phrases, exclusions, named laws."""

    words: list[list[str]] = field(default_factory=list)
    bigrams: list[str] = field(default_factory=list)
    phrases: list[Part] = field(default_factory=list)
    excluded: list[Part] = field(default_factory=list)
    free_text: list[str] = field(default_factory=list)
    laws: list[str] = field(default_factory=list)
    related: list[list[str]] = field(default_factory=list)
    learned: list[tuple[str, float]] = field(default_factory=list)

    @property
    def positive(self) -> bool:
        return bool(self.words or self.bigrams or self.phrases)

    def display(self) -> str:
        parts = list(self.free_text)
        parts += [f'"{p.text}"' for p in self.phrases]
        parts += [f'-"{p.text}"' if " " in p.text else f"-{p.text}" for p in self.excluded]
        return " ".join(parts)

    def title_key(self) -> str:
        """The query as ``title_key`` writes a title: its free text, or its one phrase when it is nothing else ("" otherwise)."""
        if self.free_text:
            return title_key(" ".join(self.free_text))
        return title_key(self.phrases[0].text) if len(self.phrases) == 1 else ""

    def highlight_terms(self) -> list[str]:
        terms = [w for group in self.words for w in group]
        terms += self.free_text + [p.needle for p in self.phrases]
        terms += [w for p in self.phrases for w in p.words]
        return terms


def parse_query(text: str) -> ParsedQuery:
    """Our query syntax, normalised and sanitised: control characters dropped, quotes read as ", parts capped."""
    clean = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in normalize_query(text)).translate(_QUOTES)
    parsed = ParsedQuery()
    free: list[str] = []
    for match in _PART.finditer(clean):
        minus, quoted, bare = match.groups()
        if bare is not None:
            if bare.startswith("-") and len(bare) > 1:
                _add_part(parsed.excluded, bare[1:], MAX_EXCLUSIONS)
            else:
                free.append(bare)
        elif minus:
            _add_part(parsed.excluded, quoted, MAX_EXCLUSIONS)
        else:
            _add_part(parsed.phrases, quoted, MAX_PHRASES)
    typed = " ".join(free)
    searched, parsed.laws = resolve_laws(typed)
    for chunk in searched.split():
        words = query_words(chunk)
        if words:
            parsed.words.extend(words)
            if chunk not in parsed.laws:  # a law's name is one dictionary word: its bigrams would only add noise
                parsed.bigrams.extend(query_bigrams(chunk))
    parsed.free_text = [v for v in (_visible(chunk) for chunk in free) if v and query_words(v)]
    parsed.words = dedupe(parsed.words)[:MAX_WORDS]
    parsed.bigrams = list(dict.fromkeys(parsed.bigrams))[: MAX_WORDS * 2]
    own = {w for group in parsed.words for w in group}
    related = [group for term in legal_terms(typed) for group in query_words(term)]
    parsed.related = [g for g in dedupe(related) if not own.intersection(g)][:MAX_WORDS]
    parsed.learned = learned_terms((w for group in parsed.words for w in group), own.union(*parsed.related))
    return parsed


def title_key(text: str) -> str:
    """A title (or a query) reduced to what a user types of it: normalised, its letters, digits and characters only.

    A query whose key is a document's key asks for that document by its title (《》, spaces, full-width forms
    and traditional characters aside), and the engine ranks it first.
    """
    return "".join(_WORD_RUN.findall(normalize_query(text))).lower()


def _visible(text: str) -> str:
    """Text as shown back to the user: its letters, digits and characters, other symbols as single spaces."""
    return " ".join(_WORD_RUN.findall(text))


def _add_part(target: list[Part], text: str, cap: int) -> None:
    """Add a phrase or exclusion unless it is empty, already there, or the list is full."""
    words = [g[0] for g in query_words(text)]
    needle = "".join(normalize(text).lower().split())
    if words and len(target) < cap and all(p.needle != needle for p in target):
        target.append(Part(_visible(text), words, list(dict.fromkeys(query_bigrams(needle))), needle))


def dedupe(groups: Iterable[list[str]]) -> list[list[str]]:
    """Word groups in order, each once."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for group in groups:
        key = tuple(group)
        if key not in seen:
            seen.add(key)
            out.append(group)
    return out
