"""The keyboard's word list read from its SQLite index (issue 15: 38 MiB of Python objects
in every kiosk process before): the same candidates as the list held in memory gave, an
index that follows the list, lookups kept within their bound, names in pinyin order."""
import json
import os

import pytest
from pypinyin import lazy_pinyin

from kiosk.pinyin import build, dictionary, index

HERE = os.path.dirname(__file__)


def test_every_query_gives_the_candidates_the_list_in_memory_gave():
    """Recorded from the dictionary of Python dicts this index replaced: 83 queries, typed
    words, initials, unfinished syllables, apostrophes and random letters."""
    with open(os.path.join(HERE, "data", "keyboard_candidates.json"), encoding="utf-8") as fh:
        recorded = json.load(fh)
    words = dictionary.shared()
    for query, expected in recorded.items():
        found = [[c.word, c.consumed] for c in words.candidates(query)[:len(expected)]]
        assert found == expected, query


def test_the_index_is_built_once_and_again_when_the_list_changes(tmp_path):
    words, built = tmp_path / "words.tsv.gz", tmp_path / "words.sqlite3"
    build.write_rows([("银行", ("yin", "hang"), 9000)], str(words))
    assert index.ensure(str(words), str(built)) is True
    assert index.ensure(str(words), str(built)) is False          # up to date: kept
    first = dictionary.load(str(words), str(built))
    assert first.candidates("yinhang")[0].word == "银行"
    build.write_rows([("生活", ("sheng", "huo"), 31550)], str(words))
    again = dictionary.load(str(words), str(built))               # stale: rebuilt
    assert again.candidates("shenghuo")[0].word == "生活" and again.version != first.version
    assert first.candidates("yinhang")[0].word == "银行"          # an open index reads on
    assert sorted(p.name for p in tmp_path.iterdir()) == ["words.sqlite3", "words.tsv.gz"]


def test_a_list_without_an_index_file_is_indexed_in_memory(tmp_path):
    words = tmp_path / "words.tsv.gz"
    build.write_rows([("工会", ("gong", "hui"), 5000)], str(words))
    assert dictionary.load(str(words)).candidates("gh")[0].word == "工会"
    assert [p.name for p in tmp_path.iterdir()] == ["words.tsv.gz"]


def test_the_kept_lookups_never_grow_past_their_bound():
    words = dictionary.PinyinDictionary(index.open_index(), lookups=8)
    for query in ("shenghuokunnan", "gongzituoqian", "laodonghetong", "jbf", "xi'an"):
        words.candidates(query)
        assert words._by_syllables.cache_info().currsize <= 8
        assert words._by_beginnings.cache_info().currsize <= 8
    assert words.candidates("shenghuo")[0].word == "生活"


@pytest.mark.parametrize("names", [
    ["王芳", "李强", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "周杰", "吴涛", "孙丽"],
    ["单雄信", "曾国藩", "欧阳修", "长孙无忌", "仇英", "解缙", "查良镛", "区小龙", "朴树"],
    ["王职工0001", "王职工0011", "李A1", "Tom", "安娜", "艾青", "白雪", "钟南山"],
])
def test_names_sort_as_pypinyin_reads_them(names):
    words = dictionary.shared()
    for name in names:
        assert words.reading(name) == lazy_pinyin(name), name
    assert sorted(names, key=words.reading) == sorted(names, key=lazy_pinyin)
