"""Whole-word pinyin candidates: ``shenghuo`` → 生活, ``kunnan`` → 困难, ``shkn`` → 生活困难.

The typed letters are split into tokens, each a full syllable (``sheng``), an
initial (``sh``, ``k``) or — at the end only — the start of a syllable
(``shengh``). A word matches a run of tokens when each of its syllables starts
with the token in its place. Candidates that use all the letters come first,
those whose tokens are all full syllables before abbreviated ones, then by
frequency; after them, words for the first part of the letters, so a worker
can pick 生活 from ``shenghuokunnan`` and go on with ``kunnan``.

Pure Python with no Flask import; the words are read from a SQLite index
(``index.py``), opened once per process.
"""
import math
import threading
from dataclasses import dataclass
from functools import lru_cache

from . import index
from .build import MAX_WORD_CHARS, SEPARATOR, WORDS_FILE

MAX_QUERY = 40
INITIALS = frozenset("b p m f d t n l g k h j q x zh ch sh r z c s y w".split())
# How many matches one run of tokens contributes; the lists are frequency-sorted,
# so the scan stops early and a query costs a few milliseconds.
PER_RUN = 40
# How many lookups (a run's words) are kept between queries.
LOOKUPS = 4096


@dataclass(frozen=True)
class Candidate:
    word: str
    consumed: int   # how many characters of the (normalised) query the word uses


@dataclass(frozen=True)
class _Token:
    text: str
    end: int        # position in the query just after this token
    full: bool      # a whole syllable, not an initial or a syllable's beginning


def normalise(query):
    """Lower-case letters and apostrophes (syllable separators) only; ü typed as v."""
    text = (query or "").lower().replace("ü", "v")
    return "".join(ch for ch in text if ("a" <= ch <= "z") or ch == "'")[:MAX_QUERY]


class PinyinDictionary:
    def __init__(self, conn, lookups=LOOKUPS):
        """``conn``: the word list's SQLite index (``index.open_index``), read-only;
        ``lookups``: how many of the latest lookups are kept."""
        self._conn = conn
        # One connection for every thread: each query is a short index scan, and one page
        # cache (not one per waitress thread) keeps the process small.
        self._lock = threading.Lock()
        conn.execute("PRAGMA cache_size = -1024")   # KiB: the hot pages of the indexes
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        self.version = meta["version"]
        self.syllables = frozenset(meta["syllables"].split())
        self.prefixes = {s[:i] for s in self.syllables for i in range(1, len(s) + 1)}
        self.log_total = float(meta["log_total"])
        # Typing goes letter by letter, and each query asks again for most of the last
        # one's runs: the latest lookups are kept (bounded; most of them find nothing).
        self._by_syllables = lru_cache(maxsize=lookups)(self._by_syllables)
        self._by_beginnings = lru_cache(maxsize=lookups)(self._by_beginnings)

    def _entries(self, sql, params):
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        return tuple((word, tuple(syllables.split(SEPARATOR)), freq)
                     for word, syllables, freq in rows)

    def _by_syllables(self, key):
        """The most frequent words read exactly ``key`` (a tuple of syllables)."""
        return self._entries("SELECT word, syllables, freq FROM words WHERE syllables = ? "
                             "ORDER BY rank LIMIT ?", (SEPARATOR.join(key), PER_RUN))

    def _by_beginnings(self, key):
        """The most frequent words whose syllables begin, one by one, with ``key``'s: as
        many syllables as ``key`` has (the initials say so), so no ``*`` of the pattern
        can reach past a separator."""
        pattern = SEPARATOR.join(k + "*" for k in key)
        return self._entries("SELECT word, syllables, freq FROM words WHERE initials = ? "
                             "AND syllables GLOB ? ORDER BY rank LIMIT ?",
                             ("".join(k[0] for k in key), pattern, PER_RUN))

    def reading(self, text):
        """``text``'s syllables as a list, for sorting names in pinyin order: at each place
        the longest listed word (its usual reading), else the character as it is; what is
        not Chinese stays as it is, a run of it one item (as pypinyin's ``lazy_pinyin``)."""
        syllables, pos = [], 0
        while pos < len(text):
            if not _is_han(text[pos]):
                end = pos
                while end < len(text) and not _is_han(text[end]):
                    end += 1
                syllables.append(text[pos:end])
                pos = end
                continue
            for size in range(min(MAX_WORD_CHARS, len(text) - pos), 0, -1):
                with self._lock:
                    found = self._conn.execute(
                        "SELECT syllables FROM words WHERE word = ? ORDER BY rank LIMIT 1",
                        (text[pos:pos + size],)).fetchone()
                if found:
                    syllables.extend(found[0].split(SEPARATOR))
                    pos += size
                    break
            else:
                syllables.append(text[pos])
                pos += 1
        return syllables

    # --- tokens -------------------------------------------------------------
    def _tokens_at(self, text, start):
        """The tokens that may begin at ``start`` (after any apostrophes)."""
        while start < len(text) and text[start] == "'":
            start += 1
        found = []
        for end in range(start + 1, min(len(text), start + 6) + 1):
            piece = text[start:end]
            if "'" in piece:
                break
            if piece in self.syllables:
                found.append(_Token(piece, end, True))
            elif piece in INITIALS or (end == len(text) and piece in self.prefixes):
                found.append(_Token(piece, end, False))
        return found

    def _runs(self, text, start=0, depth=MAX_WORD_CHARS):
        """Every run of 1..depth tokens from ``start``, as tuples of tokens."""
        stack = [((), start)]
        while stack:
            run, pos = stack.pop()
            if len(run) == depth:
                continue
            for token in self._tokens_at(text, pos):
                longer = run + (token,)
                yield longer
                stack.append((longer, token.end))

    def _matches(self, run, cache):
        key = tuple(t.text for t in run)
        if key not in cache:
            cache[key] = (self._by_syllables(key) if all(t.full for t in run)
                          else self._by_beginnings(key))
        return cache[key]

    # --- candidates ---------------------------------------------------------
    def candidates(self, query, limit=60):
        text = normalise(query)
        if not text.strip("'"):
            return []
        cache = {}
        ranked = {}
        for run in self._runs(text):
            end = run[-1].end
            complete = end == len(text.rstrip("'")) or end == len(text)
            tier = 0 if all(t.full for t in run) else 1
            for word, _syllables, freq in self._matches(run, cache):
                key = (not complete, tier, -end, -freq)
                if word not in ranked or key < ranked[word][0]:
                    ranked[word] = (key, end)
        ordered = [Candidate(w, end) for w, (key, end) in sorted(ranked.items(), key=lambda i: i[1][0])]
        sentence = self._sentence(text, cache)
        if sentence and (not ordered or ordered[0].word != sentence):
            ordered.insert(0, Candidate(sentence, len(text)))
            ordered = [ordered[0]] + [c for c in ordered[1:] if c.word != sentence]
        return ordered[:limit]

    def _sentence(self, text, cache):
        """The likeliest string of words for all the letters, when they are whole
        syllables that no single word covers (``shenghuokunnan`` → 生活困难)."""
        best = {0: (0.0, [])}
        for pos in range(len(text) + 1):
            if pos not in best:
                continue
            score, words = best[pos]
            for run in self._runs(text, pos):
                if not all(t.full for t in run):
                    continue
                matches = self._matches(run, cache)
                if not matches:
                    continue
                word, _s, freq = matches[0]
                end = run[-1].end
                candidate = (score + math.log(freq) - self.log_total, words + [word])
                if end not in best or candidate[0] > best[end][0]:
                    best[end] = candidate
        end = len(text.rstrip("'"))
        if end in best and len(best[end][1]) > 1:
            return "".join(best[end][1])
        return None


_loaded = None
_lock = threading.Lock()


def _is_han(char):
    return "\u4e00" <= char <= "\u9fff"


def load(path=WORDS_FILE, index_file=None):
    """The word list at ``path`` (rows of word, apostrophe-joined syllables, frequency),
    read through its SQLite index at ``index_file`` (built there when missing or stale),
    or through one built in memory."""
    return PinyinDictionary(index.open_index(path, index_file))


def shared():
    """The process-wide dictionary, opened on first use (not at app start)."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = load(WORDS_FILE, index.INDEX_FILE)
    return _loaded
