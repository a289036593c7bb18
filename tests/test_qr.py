"""kiosk.qr: every code decodes back to exactly its data, and none is too dense to scan."""
import io

import pytest
import zxingcpp
from PIL import Image

from kiosk import qr

from .factories import make_logo_png

URLS = [
    "https://example.org/",
    "https://example.org/qlgh/app",
    "https://example.org/union/aid/apply?station=8d2f&from=kiosk",
    "http://example.org/%E5%B8%AE%E6%89%B6?q=1#top",
    "HTTPS://EXAMPLE.ORG/UPPER-CASE-IS-ALPHANUMERIC",
]


def decode(image):
    """All QR texts zxing-cpp finds in a Pillow image."""
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def longest_url(with_logo):
    level, version = qr.settings(with_logo)
    return "https://" + "a" * (qr.max_length(level, version) - 8)


@pytest.mark.parametrize("url", URLS + [longest_url(False)])
def test_plain_png_decodes_to_exactly_its_url(url):
    png = qr.render_png(url, module_px=4)
    assert decode(Image.open(io.BytesIO(png))) == [url]


@pytest.mark.parametrize("url", URLS[:2] + URLS[3:] + [longest_url(True)])
@pytest.mark.parametrize("logo_size", [(200, 120), (64, 256), (300, 300)])
def test_png_with_a_logo_in_the_centre_still_decodes(url, logo_size):
    logo = make_logo_png(size=logo_size, colour=(20, 20, 20))  # as dark as modules
    image = qr.render_image(url, logo, module_px=5)
    assert decode(image) == [url]
    # The logo really is there: the centre is neither pure black nor white modules.
    centre = image.getpixel((image.width // 2, image.height // 2))
    assert centre == (20, 20, 20)


def test_png_has_a_quiet_zone_and_whole_modules():
    url = URLS[1]
    symbol = qr.encode(url)
    image = qr.render_image(url, module_px=6).convert("RGB")
    assert image.size == ((symbol.size + 8) * 6,) * 2
    border = [image.getpixel((x, y)) for x in range(4 * 6) for y in range(0, image.height, 7)]
    assert set(border) == {(255, 255, 255)}
    assert image.getpixel((4 * 6, 4 * 6)) == (0, 0, 0)  # the finder pattern's corner


def test_a_logo_raises_error_correction_to_h():
    assert qr.encode(URLS[1]).level == "M"
    assert qr.encode(URLS[1], with_logo=True).level == "H"
    assert qr.encode(URLS[1], with_logo=True).version > qr.encode(URLS[1]).version
    # …and never so small that the logo would be a module or two wide.
    assert qr.encode("https://a.org", with_logo=True).version == qr.LOGO_MIN_VERSION


def test_too_long_data_is_refused_with_the_limit():
    limit = qr.max_length(qr.PLAIN_LEVEL, qr.MAX_VERSION)
    assert qr.encode(longest_url(False)).version <= qr.MAX_VERSION
    with pytest.raises(qr.QRTooLong) as caught:
        qr.render_png(longest_url(False) + "b")
    assert caught.value.max_length == limit and caught.value.length == limit + 1
    assert not caught.value.with_logo


def test_a_logo_lowers_the_limit_and_keeps_the_centre_free_of_alignment_patterns():
    logo_limit = qr.max_length(qr.LOGO_LEVEL, qr.LOGO_MAX_VERSION)
    assert logo_limit < qr.max_length(qr.PLAIN_LEVEL, qr.MAX_VERSION)
    assert qr.LOGO_MAX_VERSION < 7  # version 7 puts an alignment pattern in the centre
    with pytest.raises(qr.QRTooLong) as caught:
        qr.render_svg(longest_url(True) + "b", logo=make_logo_png())
    assert caught.value.with_logo and caught.value.max_length == logo_limit


def test_data_beyond_any_qr_version_is_refused_too():
    with pytest.raises(qr.QRTooLong):
        qr.encode("https://example.org/" + "x" * 5000)


def test_svg_is_one_path_in_the_svg_namespace_with_no_prefixed_elements():
    svg = qr.render_svg(URLS[1])
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "svg:" not in svg and "id=" not in svg  # inlining twice must not clash
    assert svg.count("<path") == 1 and 'fill="#fff"' in svg


def test_svg_with_a_logo_embeds_it_as_a_data_uri():
    svg = qr.render_svg(URLS[1], logo=make_logo_png())
    assert 'href="data:image/png;base64,' in svg


def test_logo_plate_is_centred_and_odd():
    for size in (21, 25, 41):
        start, width = qr.logo_plate(size)
        assert width % 2 == 1 and start * 2 + width == size
        assert start > 8  # clear of the finder patterns and their separators


def test_image_key_changes_with_everything_the_image_shows():
    base = qr.image_key("png", URLS[1], None, module_px=12)
    assert base == qr.image_key("png", URLS[1], None, module_px=12)
    assert base != qr.image_key("png", URLS[2], None, module_px=12)
    assert base != qr.image_key("png", URLS[1], "abc", module_px=12)
    assert base != qr.image_key("svg", URLS[1], None, module_px=12)
    assert base != qr.image_key("png", URLS[1], None, module_px=10)


def test_image_cache_renders_once_and_forgets_the_oldest():
    cache = qr.ImageCache(max_items=2)
    calls = []

    def render(value):
        calls.append(value)
        return value

    assert cache.get_or_render("a", lambda: render(1)) == 1
    assert cache.get_or_render("a", lambda: render(2)) == 1
    cache.get_or_render("b", lambda: render(3))
    cache.get_or_render("a", lambda: render(4))   # "a" is now the newest
    cache.get_or_render("c", lambda: render(5))   # evicts "b"
    assert len(cache) == 2
    assert cache.get_or_render("b", lambda: render(6)) == 6
    assert calls == [1, 3, 5, 6]
