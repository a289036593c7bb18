"""Whole-word pinyin candidates: ``shenghuo`` → 生活, ``kunnan`` → 困难, ``shkn`` → 生活困难.

The typed letters are split into tokens, each a full syllable (``sheng``), an
initial (``sh``, ``k``) or — at the end only — the start of a syllable
(``shengh``). A word matches a run of tokens when each of its syllables starts
with the token in its place. Candidates that use all the letters come first,
those whose tokens are all full syllables before abbreviated ones, then by
frequency; after them, words for the first part of the letters, so a worker
can pick 生活 from ``shenghuokunnan`` and go on with ``kunnan``.

Pure Python with no Flask import; loaded once per process (about half a second).
"""
import gzip
import hashlib
import math
import sys
import threading
from collections import defaultdict
from dataclasses import dataclass

from .build import MAX_WORD_CHARS, WORDS_FILE

MAX_QUERY = 40
INITIALS = frozenset("b p m f d t n l g k h j q x zh ch sh r z c s y w".split())
# How many matches one run of tokens contributes; the lists are frequency-sorted,
# so the scan stops early and a query costs a few milliseconds.
PER_RUN = 40


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
    def __init__(self, rows, version=""):
        """``rows``: (word, syllables, frequency), most frequent first."""
        self.version = version
        self.by_syllables = defaultdict(list)
        self.by_initials = defaultdict(list)
        self.syllables = set()
        total = 0
        for word, syllables, freq in rows:
            entry = (word, syllables, freq)
            self.by_syllables[syllables].append(entry)
            self.by_initials["".join(s[0] for s in syllables)].append(entry)
            self.syllables.update(syllables)
            total += freq
        self.prefixes = {s[:i] for s in self.syllables for i in range(1, len(s) + 1)}
        self.log_total = math.log(max(total, 1))

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
            if all(t.full for t in run):
                cache[key] = self.by_syllables.get(key, [])[:PER_RUN]
            else:
                found = []
                for entry in self.by_initials.get("".join(k[0] for k in key), ()):
                    if all(s.startswith(k) for s, k in zip(entry[1], key, strict=False)):
                        found.append(entry)
                        if len(found) == PER_RUN:
                            break
                cache[key] = found
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


def load(path=WORDS_FILE):
    """Read the shipped word list: rows of word, apostrophe-joined syllables, frequency."""
    with open(path, "rb") as fh:
        raw = fh.read()
    # 79,000 words share some 400 syllables and far fewer syllable tuples than words:
    # one object each instead of a copy per word keeps the kiosk's memory down (issue 15).
    readings = {}

    def rows():
        for line in gzip.decompress(raw).decode("utf-8").splitlines():
            word, syllables, freq = line.split("\t")
            reading = readings.get(syllables)
            if reading is None:
                reading = readings[syllables] = tuple(sys.intern(s) for s in syllables.split("'"))
            yield word, reading, int(freq)
    return PinyinDictionary(rows(), version=hashlib.sha256(raw).hexdigest()[:16])


def shared():
    """The process-wide dictionary, loaded on first use (not at app start)."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = load()
    return _loaded
