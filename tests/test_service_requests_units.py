"""The parts of 帮你办 with no screen: receipt codes and their QR, the pinyin word list,
input cleaning and the in-memory limits."""
import base64
import io
import math

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from kiosk.pinyin import dictionary
from kiosk.service import receipt
from kiosk.service.inputs import PhoneError, clean_line, clean_phone, clean_text
from kiosk.service.limits import GuessBackoff, SlidingWindow

from .factories import make_request

# --- receipt codes -----------------------------------------------------------

def test_receipt_code_has_at_least_40_bits_and_only_digits():
    assert receipt.BITS >= 40
    assert math.log2(10 ** receipt.DIGITS) >= 40
    codes = {receipt.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == receipt.DIGITS and c.isascii() and c.isdigit() for c in codes)
    # Every digit turns up in every position: drawn uniformly, not from a clock.
    assert all({c[i] for c in codes} == set("0123456789") for i in range(receipt.DIGITS))


def test_receipt_code_reads_in_three_groups():
    assert receipt.grouped("4821773009562") == "4821 7730 09562"
    assert receipt.qr_text("4821773009562") == "4821-7730-09562"


@given(st.text(max_size=80))
def test_normalising_any_text_gives_a_code_or_none(text):
    code = receipt.normalise(text)
    assert code is None or (len(code) == receipt.DIGITS and code.isascii() and code.isdigit())


@given(st.integers(min_value=0, max_value=10 ** receipt.DIGITS - 1),
       st.sampled_from([" ", "-", "", "  ", " - "]))
def test_a_code_survives_being_grouped_spaced_or_dashed(number, sep):
    code = f"{number:0{receipt.DIGITS}d}"
    assert receipt.normalise(receipt.grouped(code, sep)) == code
    assert receipt.normalise(f" {code} ") == code


def test_full_width_digits_from_a_chinese_input_method_are_accepted():
    assert receipt.normalise("４８２１ ７７３０ ０９５６２") == "4821773009562"


@pytest.mark.parametrize("text", ["", "482177300956", "48217730095621", "abc", "4821773009562" * 5,
                                  None, "²" * 13])
def test_what_cannot_be_a_code_is_none(text):
    assert receipt.normalise(text) is None


def test_receipt_qr_decodes_to_what_the_kiosk_lookup_accepts(app):
    filed = make_request("pay", "加班费")
    png = receipt.qr_png(filed.receipt_code)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)),
                                     formats=zxingcpp.BarcodeFormat.QRCode)
    assert [r.text for r in results] == [receipt.qr_text(filed.receipt_code)]
    client = app.test_client()
    response = client.post("/service/track", data={"code": results[0].text})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/service/requests/{filed.id}")


def test_receipt_qr_is_inline_so_the_code_never_travels_in_a_url():
    uri = receipt.qr_data_uri("0000000000007")
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == ["0000-0000-00007"]


# --- the keyboard's words ----------------------------------------------------

@pytest.fixture(scope="module")
def words():
    return dictionary.shared()


def first_words(words, query, n=10):
    return [c.word for c in words.candidates(query)[:n]]


def test_full_pinyin_gives_the_whole_word_first(words):
    assert first_words(words, "shenghuo")[0] == "生活"
    assert first_words(words, "kunnan")[0] == "困难"
    assert first_words(words, "gonghui")[0] == "工会"
    assert first_words(words, "jiaban")[0] == "加班"


def test_initials_narrow_to_likely_words(words):
    assert "生活困难" in first_words(words, "shkn", 5)
    assert "工资" in first_words(words, "gz", 10)
    assert first_words(words, "jbf")[0] == "加班费"


def test_the_last_syllable_may_be_unfinished(words):
    assert first_words(words, "shengh")[0] == "生活"
    assert first_words(words, "zhongg")[0] == "中国"


def test_a_long_string_of_syllables_becomes_a_phrase_or_its_first_word(words):
    found = words.candidates("shenghuokunnan")
    assert found[0].word == "生活困难" and found[0].consumed == len("shenghuokunnan")
    first_part = next(c for c in found if c.word == "生活")
    assert first_part.consumed == len("shenghuo")


def test_apostrophe_separates_syllables_and_v_types_u_umlaut(words):
    assert first_words(words, "xi'an")[0] == "西安"
    assert first_words(words, "lvse")[0] == "绿色"
    assert "女" in first_words(words, "nü", 3)


def test_only_simplified_characters_in_everyday_use(words):
    found = {w for q in ("kun", "lv", "shi", "guo") for w in first_words(words, q, 60)}
    assert not {"閫", "閭", "崐", "國"} & found


@given(st.text(max_size=60))
@settings(max_examples=150)
def test_any_query_returns_words_that_use_no_more_than_was_typed(text):
    words = dictionary.shared()
    query = dictionary.normalise(text)
    for candidate in words.candidates(text):
        assert 0 < candidate.consumed <= len(query)
        assert candidate.word


# --- input cleaning ----------------------------------------------------------

def test_control_characters_and_direction_overrides_are_stripped():
    assert clean_text("a\x00b\x07c\u202ed\r\ne", 100) == "abcd\ne"
    assert clean_text("  x\n\n\n\ny  ", 100) == "x\n\ny"
    assert clean_line("a\nb", 100) == "a b"
    assert clean_text("长" * 600, 500) == "长" * 500
    assert clean_text(None, 10) == ""


@given(st.text())
def test_cleaned_text_has_no_control_characters_and_fits(text):
    cleaned = clean_text(text, 50)
    assert len(cleaned) <= 50
    assert all(ch == "\n" or ord(ch) >= 32 for ch in cleaned)
    assert "\x7f" not in cleaned


@pytest.mark.parametrize("typed, digits", [("", None), ("  ", None), ("13800138000", "13800138000"),
                                           ("0530-1234567", "05301234567"),
                                           ("+86 138 0013 8000", "8613800138000")])
def test_phone_numbers(typed, digits):
    assert clean_phone(typed) == digits


@pytest.mark.parametrize("typed", ["123", "1" * 16, "138abc00138", "电话13800138000"])
def test_what_is_not_a_phone_number_is_refused(typed):
    with pytest.raises(PhoneError):
        clean_phone(typed)


# --- limits --------------------------------------------------------------------

def test_sliding_window_lets_three_through_a_minute():
    window = SlidingWindow(3, 60)
    for t in (0, 1, 2):
        assert window.wait("t", now=t) == 0
        window.record("t", now=t)
    assert window.wait("t", now=3) == 57
    assert window.wait("other", now=3) == 0
    assert window.wait("t", now=60.5) == 0


def test_wrong_codes_slow_a_terminal_down_more_each_time():
    backoff = GuessBackoff(free=3, cap=300, memory=900)
    for t in (0, 1, 2):
        assert backoff.wait("t", now=t) == 0
        backoff.failure("t", now=t)
    assert backoff.wait("t", now=2) == 2
    backoff.failure("t", now=5)
    assert backoff.wait("t", now=5) == 4
    backoff.failure("t", now=10)
    assert backoff.wait("t", now=10) == 8
    for t in range(11, 30):
        backoff.failure("t", now=t)
    assert backoff.wait("t", now=29) == 300
    # Forgotten after a quarter of an hour without a wrong code.
    assert backoff.wait("t", now=29 + 901) == 0


def test_word_list_builder_reads_jieba_format_and_adds_the_unions_words(tmp_path):
    from kiosk.pinyin import build
    jieba_dict = tmp_path / "dict.txt"
    jieba_dict.write_text("生活 31550 vn\n银行 9000 n\n行 72000 v\nAT&T 3 nz\n國 500 n\n",
                          encoding="utf-8")
    domain = tmp_path / "domain.txt"
    domain.write_text("# comment\n生活困难 3000\n", encoding="utf-8")
    rows = build.build_rows(jieba_path=str(jieba_dict), domain_path=str(domain), multi_char_words=10)
    assert ("银行", ("yin", "hang"), 9000) in rows          # the reading in context
    assert ("生活困难", ("sheng", "huo", "kun", "nan"), 3000) in rows
    readings = [r[1] for r in rows if r[0] == "行"]
    assert readings[0] == ("xing",) and ("hang",) in readings
    assert not [r for r in rows if r[0] in ("AT&T", "國")]
    assert [r[2] for r in rows] == sorted((r[2] for r in rows), reverse=True)
    path = tmp_path / "words.tsv.gz"
    build.write_rows(rows, str(path))
    loaded = dictionary.load(str(path))
    assert loaded.candidates("yinhang")[0].word == "银行"


def test_an_interrupted_word_list_rebuild_keeps_the_old_list(tmp_path):
    from kiosk.pinyin import build
    path = tmp_path / "words.tsv.gz"
    build.write_rows([("银行", ("yin", "hang"), 9000)], str(path))

    def rows_then_crash():
        yield ("生活", ("sheng", "huo"), 31550)
        raise KeyboardInterrupt   # the rebuild is stopped half-way

    with pytest.raises(KeyboardInterrupt):
        build.write_rows(rows_then_crash(), str(path))
    assert dictionary.load(str(path)).candidates("yinhang")[0].word == "银行"
    assert [p.name for p in tmp_path.iterdir()] == ["words.tsv.gz"]   # no temporary left
