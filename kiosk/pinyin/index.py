"""The keyboard's word list as a read-only SQLite file, so a station does not hold it in
Python objects: 79,000 words in dicts and lists were 38 MiB of every kiosk process
(issue 15), the same words on disk are read through SQLite's small page cache.

``words.tsv.gz`` stays the list that is shipped and rebuilt (``flask keyboard-words``);
``words.sqlite3`` beside it is made from it by ``scripts/run`` (``python -m
kiosk.pinyin.index``) and rebuilt whenever it no longer matches the list (its version is
the list's hash). Where it cannot be written, the kiosk builds it in memory instead.

Rows keep the list's order (most frequent first) as their rowid (``rank``), and each
index holds every column a lookup reads, so "the first 40 words for these syllables" is
one range scan of an index in that order, never a jump into the table per row.
"""
import gzip
import hashlib
import math
import os
import sqlite3
import tempfile

from .build import SEPARATOR, WORDS_FILE

INDEX_FILE = os.path.join(os.path.dirname(WORDS_FILE), "words.sqlite3")

# Part of the version: a kiosk with a new schema rebuilds an old index.
SCHEMA_VERSION = b"2"
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE words (rank INTEGER PRIMARY KEY, word TEXT NOT NULL, syllables TEXT NOT NULL,
                    initials TEXT NOT NULL, freq INTEGER NOT NULL);
CREATE INDEX words_by_syllables ON words (syllables, rank, word, freq);
CREATE INDEX words_by_initials ON words (initials, rank, syllables, word, freq);
CREATE INDEX words_by_word ON words (word, rank, syllables);
"""


def list_version(raw):
    """The word list's version: what the keyboard's ETags and the index are keyed by."""
    return hashlib.sha256(raw + SCHEMA_VERSION).hexdigest()[:16]


def _fill(conn, raw, version):
    conn.executescript(_SCHEMA)
    syllables, total = set(), 0

    def rows():
        nonlocal total
        for line in gzip.decompress(raw).decode("utf-8").splitlines():
            word, reading, freq = line.split("\t")
            parts = reading.split(SEPARATOR)
            syllables.update(parts)
            total += int(freq)
            yield word, reading, "".join(s[0] for s in parts), int(freq)

    with conn:
        conn.executemany("INSERT INTO words (word, syllables, initials, freq) VALUES (?, ?, ?, ?)",
                         rows())
        conn.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("version", version), ("syllables", " ".join(sorted(syllables))),
            ("log_total", repr(math.log(max(total, 1))))])


def _version_of(path):
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            return conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0]
        finally:
            conn.close()
    except (sqlite3.Error, TypeError):
        return None


def _read_only_uri(path):
    # immutable: the file is only ever replaced whole (a new inode), never written in place,
    # so SQLite need not lock it or check it for changes.
    return f"file:{os.path.abspath(path)}?mode=ro&immutable=1"


def write(raw, path, version):
    """Build the index of the list ``raw`` at ``path``, whole or not at all (a temporary
    file renamed over it: a reader keeps the old one open, two builders do not collide)."""
    fd, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                                     prefix=".words-", suffix=".tmp")
    os.close(fd)
    try:
        conn = sqlite3.connect(temporary)
        try:
            _fill(conn, raw, version)
        finally:
            conn.close()
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def ensure(words_file=WORDS_FILE, index_file=INDEX_FILE):
    """The index of ``words_file`` at ``index_file``, built if missing or out of date;
    True when it had to be built."""
    with open(words_file, "rb") as fh:
        raw = fh.read()
    version = list_version(raw)
    if _version_of(index_file) == version:
        return False
    write(raw, index_file, version)
    return True


def open_index(words_file=WORDS_FILE, index_file=INDEX_FILE):
    """A read-only connection to the index of ``words_file``: the file at ``index_file``
    (built first if it is missing or stale and can be written), else one built in memory.
    Without ``index_file``, always in memory (a list that is not the shipped one)."""
    if index_file is not None:
        try:
            ensure(words_file, index_file)
            return sqlite3.connect(_read_only_uri(index_file), uri=True, check_same_thread=False)
        except (OSError, sqlite3.Error):
            pass  # a read-only installation: the same index, held in memory
    with open(words_file, "rb") as fh:
        raw = fh.read()
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    _fill(conn, raw, list_version(raw))
    return conn


if __name__ == "__main__":
    print(f"{INDEX_FILE}: {'built' if ensure() else 'up to date'}")
