"""Chinese analysis for the index: rjieba words, character bigrams, stop words and law short forms.

This is the only module that knows the segmenter. Everything is a Whoosh
tokenizer or filter, so each field's analyzer is a short pipe:

    word analyzer    WordTokenizer | StopWords | ShortForms
    bigram analyzer  BigramTokenizer

Word positions are word ordinals, never character offsets: a phrase query
("土壤污染") matches words that follow each other. At index time a word longer
than two characters also yields the dictionary words inside it at the SAME
position (固体废物 -> 固体, 废物), so a sub-word is found and phrases still line
up; at query time the segmentation stays precise, one token per position, and
the only extra tokens are alternatives at the same position (固废法 -> its
canonical name). The bigram analyzer covers what the dictionary does not know
(赣服通, names, typos of one character).

Indexing long documents token by token is most of Whoosh's indexing time, so
both analyzers also offer the index-mode result in one pass
(``WordAnalyzer.index_positions``, ``BigramTokenizer.index_counts``), used by
the field formats in ``search.schema``; tests check they equal the token stream.
The result for a short text is memoised: an article unit's title (its law's
title and headings) is the same for every article under one heading.

The user dictionary ``legal_terms.txt`` (legal terms, one a line) plus every
law name and short form of ``fazhi.law.names.law_table()`` is loaded into our own
rjieba instance. ``analysis_version()`` changes whenever the dictionary, the
stop words or the tokenizers change, and the indexer rebuilds on a change.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import rjieba
from whoosh.analysis import Analyzer, CompositeAnalyzer, Filter, Token, Tokenizer

from fazhi.law.names import law_table

DICTIONARY = Path(__file__).with_name("legal_terms.txt")
# Bump when the tokenizers' behaviour changes; dictionary and stop-word edits are hashed in anyway.
TOKENIZER_VERSION = 1

# Function words dropped on both sides: they carry no meaning for ranking and bloat the index.
STOP_WORDS = frozenset((
    "的", "地", "得", "之", "了", "着", "过", "和", "与", "及", "或", "或者", "以及", "并", "并且", "而", "而且", "是", "在", "于",
    "对", "对于", "把", "被", "将", "以", "其", "也", "都", "就", "又", "这", "那", "这个", "那个", "这些", "那些", "这种", "一个",
    "个", "啊", "吧", "呢", "吗", "嘛", "呀", "哦", "么",
))
# Question words dropped from queries only: 夫妻一方欠的债谁来还？ is about 夫妻, 债 and 还, not 谁.
QUESTION_WORDS = frozenset((
    "谁", "什么", "怎么", "怎样", "怎么样", "如何", "哪些", "哪个", "哪里", "哪儿", "为什么", "为何", "是否", "能否", "可否",
    "能不能", "可不可以",
    "是不是", "有没有", "有无", "多少", "多久", "几", "请问", "需要", "应该", "应当", "可以", "能", "会", "要", "该", "还是", "我", "你",
    "他", "她", "我们", "他们", "怎么办", "如果", "的话", "会不会", "啥", "咋", "什么样", "哪种",
))

# Index-time analysis of a text up to MEMO_CHARS characters is kept, for the last MEMO_SIZE such texts of a process:
# an article unit's title (its law's title and the headings it stands under) repeats for every article under them.
MEMO_CHARS = 200
MEMO_SIZE = 4096

# Full-width ASCII (Ａ１，) to half-width and the ideographic space to a space; one character each,
# so offsets into the normalised text are offsets into the original.
# A table of every character of the Basic Multilingual Plane (beyond it translate leaves a character as it is): str.translate
# reads it twice as fast as a dict, which matters for the snippets of whole laws.
_FOLDED = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FULLWIDTH = "".join(chr(_FOLDED.get(code, code)) for code in range(0x10000))
_UNFOLDED = {to: code for code, to in _FOLDED.items()}  # one full-width character folds to each
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_WORD_CHAR = re.compile(r"[^\W_]")
_RUNS = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")


def normalize(text: str) -> str:
    """Full-width letters, digits and spaces folded to ASCII, length unchanged."""
    return text.translate(_FULLWIDTH)


def unfolded_pattern(term: str) -> str | None:
    """A regular expression matching in a text what ``re.escape(term)`` matches in its ``normalize`` form, at the same
    offsets (each character of ``term`` also as the full-width one folded to it); None when no normalised text holds
    ``term`` (it has a character ``normalize`` folds away). Searching a long text this way spares folding all of it."""
    if any(ord(c) in _FOLDED for c in term):
        return None
    return "".join(f"[{re.escape(c)}{re.escape(chr(_UNFOLDED[ord(c)]))}]" if ord(c) in _UNFOLDED else re.escape(c) for c in term)


def is_cjk(text: str) -> bool:
    return bool(text) and "\u3400" <= text[0] <= "\ufaff"


def _read_dictionary() -> tuple[int, tuple[str, ...]]:
    """(version, terms) of legal_terms.txt: ``# version: N`` then one term a line, ``#`` comments."""
    version = 0
    terms: list[str] = []
    for line in DICTIONARY.read_text("utf-8").splitlines():
        line = line.strip()
        if line.startswith("#"):
            if line[1:].strip().startswith("version:"):
                version = int(line.split(":", 1)[1])
            continue
        if line:
            terms.append(line.split()[0])
    return version, tuple(terms)


@lru_cache(maxsize=1)
def dictionary_terms() -> tuple[str, ...]:
    """Every user-dictionary word: legal_terms.txt, then every law name and short form (ambiguous ones too)."""
    table = law_table()
    words = dict.fromkeys(_read_dictionary()[1])
    words.update(dict.fromkeys(table.laws))
    words.update(dict.fromkeys(table.expansions()))
    words.update(dict.fromkeys(table.ambiguous()))
    return tuple(w for w in words if len(w) > 1)


@lru_cache(maxsize=1)
def analysis_version() -> str:
    """Identifies the analysis an index was built with; a different value means a rebuild."""
    digest = hashlib.sha256()
    for part in (dictionary_terms(), sorted(STOP_WORDS), sorted(QUESTION_WORDS), sorted(law_table().expansions().items())):
        digest.update(repr(part).encode("utf-8"))
    return f"t{TOKENIZER_VERSION}-d{_read_dictionary()[0]}-{digest.hexdigest()[:12]}"


@lru_cache(maxsize=1)
def segmenter() -> rjieba.Jieba:
    """Our own rjieba instance with the user dictionary loaded (the module-level one stays untouched)."""
    jieba = rjieba.Jieba()
    for word in dictionary_terms():
        jieba.add_word(word, None, None)
    return jieba


@lru_cache(maxsize=1 << 17)
def _subwords(word: str) -> tuple[tuple[str, int], ...]:
    """Dictionary words of two or more characters inside ``word``, with their offsets."""
    found: dict[str, int] = {}
    for sub in segmenter().cut_all(word):
        if len(sub) > 1 and sub != word and sub not in found:
            found[sub] = word.find(sub)
    return tuple(found.items())


def segment(text: str) -> list[tuple[str, int, int]]:
    """Precise segmentation of ``text`` as (word, start, end), punctuation and spaces included."""
    return segmenter().tokenize(normalize(text), "default", True)


def _index_words(text: str, subwords: bool, stops: frozenset[str]) -> Iterator[tuple[str, int, int, int]]:
    """(word, position, start, end) as the index sees them: stop words dropped, sub-words at their word's position."""
    pos = 0
    for word, start, end in segment(text):
        cjk = "\u3400" <= word[0] <= "\ufaff"  # most words: no regex, no lower()
        if not cjk:
            if not _HAS_WORD_CHAR.search(word):
                continue
            word = word.lower()
        if word in stops:
            continue
        yield word, pos, start, end
        if subwords and cjk and len(word) > 2:
            for sub, offset in _subwords(word):
                if sub not in stops:
                    yield sub, pos, start + offset, start + offset + len(sub)
        pos += 1


def _positions(value: str, subwords: bool, stops: frozenset[str]) -> dict[str, list[int]]:
    """Term -> positions of ``value`` in index mode (``WordAnalyzer.index_positions``)."""
    positions: dict[str, list[int]] = {}
    for text, pos, _, _ in _index_words(value, subwords, stops):
        positions.setdefault(text, []).append(pos)
    return positions


@lru_cache(maxsize=MEMO_SIZE)
def _memo_positions(value: str, subwords: bool, stops: frozenset[str]) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """``_positions`` of a short text, kept immutable: each caller gets lists of its own."""
    return tuple((text, tuple(found)) for text, found in _positions(value, subwords, stops).items())


class WordTokenizer(Tokenizer):
    """rjieba words with sequential positions; in index mode also the sub-words of long words."""

    def __init__(self, subwords: bool = True):
        self.subwords = subwords

    def __call__(  # type: ignore[override]
        self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
        removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
        mode: str = "", **kwargs: object,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        words = _index_words(value, self.subwords and mode == "index", frozenset()) if tokenize else [(value, 0, 0, len(value))]
        for text, pos, start, end in words:
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


def _bigrams(text: str) -> Iterator[tuple[str, int]]:
    """(bigram, start) of every run: overlapping pairs of Chinese characters, other letters and digits whole."""
    for match in _RUNS.finditer(normalize(text).lower()):
        run, base = match.group(), match.start()
        if len(run) > 1 and is_cjk(run):
            for i in range(len(run) - 1):
                yield run[i:i + 2], base + i
        else:
            yield run, base


def _counts(value: str) -> Counter[str]:
    """Bigram -> frequency of ``value`` (``BigramTokenizer.index_counts``)."""
    counts: Counter[str] = Counter()
    for run in _RUNS.findall(normalize(value).lower()):
        if len(run) > 1 and is_cjk(run):
            counts.update([run[i:i + 2] for i in range(len(run) - 1)])
        else:
            counts[run] += 1
    return counts


@lru_cache(maxsize=MEMO_SIZE)
def _memo_counts(value: str) -> tuple[tuple[str, int], ...]:
    """``_counts`` of a short text, kept immutable."""
    return tuple(_counts(value).items())


class BigramTokenizer(Tokenizer):
    """Overlapping character pairs of each run of Chinese characters; other letters and digits as words.

    A run of one character is kept as a unigram. The bigram fields store
    frequencies only: they are for recall and ranking, phrases use the word
    positions and the stored text.
    """

    def __call__(  # type: ignore[override]
        self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
        removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
        mode: str = "", **kwargs: object,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (text, start) in enumerate(_bigrams(value), start_pos):
            t.text = text
            t.boost = 1.0
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + start + len(text)
            yield t

    def index_counts(self, value: str) -> Counter[str]:
        """Term -> frequency, exactly as the token stream counts them, without a Token per bigram; a short text's counted once."""
        if len(value) <= MEMO_CHARS:
            return Counter(dict(_memo_counts(value)))
        return _counts(value)


class StopWords(Filter):
    """Drops stop words (and in query mode question words) keeping positions sequential.

    A dropped word takes its index-time sub-words with it, and the following
    words move up one position, so 土壤的污染 still matches the phrase 土壤污染.
    """

    def __init__(self, stops: frozenset[str] = STOP_WORDS, query_stops: frozenset[str] = QUESTION_WORDS):
        self.stops = stops
        self.query_stops = stops | query_stops

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:  # type: ignore[override]
        shift = 0
        last_kept = dropped = None
        for t in tokens:
            stops = self.query_stops if t.mode == "query" else self.stops
            if not t.positions:
                if t.text not in stops:
                    yield t
                elif not t.removestops:
                    t.stopped = True
                    yield t
                continue
            pos = t.pos
            if pos == dropped:
                continue
            if t.text in stops and pos != last_kept:
                shift += 1
                dropped = pos
                continue
            if t.text in stops:
                continue
            last_kept = pos
            t.pos = pos - shift
            yield t


class ShortForms(Filter):
    """In query mode, follows a law's short form (固废法) with its canonical name at the same position."""

    def __init__(self, expansions: dict[str, str] | None = None):
        self.expansions = law_table().expansions() if expansions is None else expansions

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:  # type: ignore[override]
        expansions = self.expansions
        for t in tokens:
            yield t
            if t.mode == "query" and t.text in expansions:
                t.text = expansions[t.text]
                yield t

    def __getstate__(self) -> dict[str, object]:
        # The table is data, not part of the pickled schema: read it again when the index is opened.
        return {}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.expansions = law_table().expansions()


class WordAnalyzer(CompositeAnalyzer):
    """``WordTokenizer | StopWords | ShortForms``, plus the index-mode positions computed in one pass."""

    def __init__(self) -> None:
        super().__init__(WordTokenizer(), StopWords(), ShortForms())

    def index_positions(self, value: str) -> dict[str, list[int]]:
        """Term -> positions, exactly as the token stream in index mode (short forms only act on queries)."""
        tokenizer, stops = self.items[0], self.items[1].stops
        if len(value) <= MEMO_CHARS:
            return {text: list(found) for text, found in _memo_positions(value, tokenizer.subwords, stops)}
        return _positions(value, tokenizer.subwords, stops)


def word_analyzer() -> Analyzer:
    """Words for the title and body fields."""
    return WordAnalyzer()


def bigram_analyzer() -> Analyzer:
    """Character bigrams for the recall fields."""
    return BigramTokenizer()


def query_words(text: str) -> list[list[str]]:
    """The query-mode words of ``text``, one list of alternatives per position."""
    groups: dict[int, list[str]] = {}
    for t in word_analyzer()(text, positions=True, mode="query"):
        alternatives = groups.setdefault(t.pos, [])
        if t.text not in alternatives:
            alternatives.append(t.text)
    return [groups[p] for p in sorted(groups)]


def query_bigrams(text: str) -> list[str]:
    """The bigrams of ``text`` in order (with repeats), as the bigram fields index them."""
    return [t.text for t in bigram_analyzer()(text, mode="query")]

