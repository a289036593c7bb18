"""Which links may become a QR code, and how they are shown to a person."""
import pytest

from kiosk.benefits.urls import LinkURLError, normalise_url, short_url


@pytest.mark.parametrize("typed, stored", [
    ("https://example.org", "https://example.org/"),
    ("  https://example.org/app  ", "https://example.org/app"),
    ("example.org/app?x=1", "https://example.org/app?x=1"),
    ("www.example.org", "https://www.example.org/"),
    ("example.org:8080/x", "https://example.org:8080/x"),
    ("HTTP://Example.ORG/Path", "http://example.org/Path"),
    ("https://example.org/路径?q=中文#段", "https://example.org/%E8%B7%AF%E5%BE%84?q=%E4%B8%AD%E6%96%87#%E6%AE%B5"),
    ("https://工会.example/a", "https://xn--6oq837a.example/a"),
    ("https://203.0.113.7/a", "https://203.0.113.7/a"),
    ("https://example.org/a%20b", "https://example.org/a%20b"),
])
def test_web_links_are_kept_as_plain_ascii(typed, stored):
    assert normalise_url(typed) == stored
    assert normalise_url(stored) == stored  # normalising twice changes nothing


@pytest.mark.parametrize("typed, reason", [
    ("", LinkURLError.EMPTY),
    ("   ", LinkURLError.EMPTY),
    ("javascript:alert(1)", LinkURLError.SCHEME),
    ("JaVaScRiPt:alert(1)", LinkURLError.SCHEME),
    ("data:text/html,<script>alert(1)</script>", LinkURLError.SCHEME),
    ("ftp://example.org/file", LinkURLError.SCHEME),
    ("mailto:chair@example.org", LinkURLError.SCHEME),
    ("https://user:secret@example.org/", LinkURLError.CREDENTIALS),
    ("https://user@example.org/", LinkURLError.CREDENTIALS),
    ("https://example.org\\@evil.example/", LinkURLError.CREDENTIALS),
    ("https://example.org/a b", LinkURLError.SPACES),
    ("https://example.org/a\nb", LinkURLError.SPACES),
    ("https://localhost/", LinkURLError.HOST),
    ("https:///path", LinkURLError.HOST),
    ("https://999.1.1.1/", LinkURLError.HOST),
    ("https://example.org:99999/", LinkURLError.HOST),
    ("https://-bad-.example.org/", LinkURLError.HOST),
    ("https://example.org/" + "a" * 600, LinkURLError.TOO_LONG),
])
def test_anything_but_a_plain_web_link_is_refused(typed, reason):
    with pytest.raises(LinkURLError) as caught:
        normalise_url(typed)
    assert caught.value.reason == reason


def test_short_url_drops_scheme_and_www_and_shortens_the_middle():
    assert short_url("https://www.example.org/app/") == "example.org/app"
    long = "https://example.org/union/app/download?from=station-123&campaign=canteen"
    shown = short_url(long, limit=30)
    assert len(shown) == 30 and shown.startswith("example.org/union") and "…" in shown
    assert shown.endswith("canteen")
