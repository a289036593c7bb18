"""Build the keyboard's word list from jieba's word frequencies and pypinyin.

jieba's dictionary has ~350,000 words with their frequency in a large corpus;
pypinyin knows the reading of a word in context (银行 is yin-hang, not yin-xing).
The kiosk needs neither at run time: this builds a compact file once, shipped in
the repository, that the keyboard loads in a fraction of a second.

    flask keyboard-words            # rebuild kiosk/pinyin/words.tsv.gz

Kept: every everyday single character (so any of them can still be typed) with each of
its readings, then the most frequent words of two to four characters, and the
union's own words from domain_words.txt.
"""
import gzip
import os
import re

import click

from ..files import write_atomic

HERE = os.path.dirname(__file__)
WORDS_FILE = os.path.join(HERE, "words.tsv.gz")
DOMAIN_WORDS = os.path.join(HERE, "domain_words.txt")
MULTI_CHAR_WORDS = 70_000
MAX_WORD_CHARS = 4
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
# A syllable without a vowel (嗯 ng, 呣 m) would let "sheng" split as she'ng.
_HAS_VOWEL = re.compile(r"[aeiouv]")


def _jieba_dict_path():
    try:
        import jieba
    except ImportError:  # optional: a station never rebuilds the list
        raise click.ClickException(
            "jieba is not installed: .venv/bin/pip install -r requirements-words.txt") from None
    return os.path.join(os.path.dirname(jieba.__file__), "dict.txt")


def read_frequencies(path):
    """(word, frequency) for every all-Chinese word in a jieba-format file."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and not line.startswith("#") and _HAN.match(parts[0]):
                yield parts[0], int(parts[1])


def build_rows(jieba_path=None, domain_path=DOMAIN_WORDS, multi_char_words=MULTI_CHAR_WORDS):
    """The rows (word, syllables, frequency), most frequent first."""
    from pypinyin import Style, lazy_pinyin, pinyin

    frequencies = dict(read_frequencies(jieba_path or _jieba_dict_path()))
    for word, freq in read_frequencies(domain_path):
        frequencies[word] = max(freq, frequencies.get(word, 0))
    singles = [(w, f) for w, f in frequencies.items() if len(w) == 1]
    multis = sorted(((w, f) for w, f in frequencies.items() if 2 <= len(w) <= MAX_WORD_CHARS),
                    key=lambda wf: -wf[1])[:multi_char_words]
    rows = []
    for char, freq in singles:
        readings = pinyin(char, style=Style.NORMAL, heteronym=True)[0]
        for rank, reading in enumerate(dict.fromkeys(readings)):
            # The usual reading keeps the frequency; the others rank below it.
            rows.append((char, (reading,), freq if rank == 0 else max(1, freq // 50)))
    for word, freq in multis:
        rows.append((word, tuple(lazy_pinyin(word, style=Style.NORMAL)), freq))
    rows = [r for r in rows if _is_simplified(r[0])
            and all(s.isascii() and s.isalpha() and _HAS_VOWEL.search(s) for s in r[1])]
    rows.sort(key=lambda r: (-r[2], r[0]))
    return rows


def _is_simplified(word):
    """GB2312's 6,763 characters: simplified Chinese in everyday use. jieba also
    lists traditional and archaic forms that would only crowd the candidate bar."""
    try:
        word.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


SEPARATOR = "'"  # between the syllables of a word's reading


def write_rows(rows, path=WORDS_FILE):
    # mtime=0: the same words give the same bytes, so git sees no change. Written whole
    # or not at all: an interrupted rebuild must not leave the keyboard a truncated list.
    text = "".join(f"{word}\t{SEPARATOR.join(syllables)}\t{freq}\n"
                   for word, syllables, freq in rows)
    write_atomic(path, gzip.compress(text.encode(), mtime=0), mode=0o644)
