"""Member photos: upright, square, small, without metadata; non-images and bombs refused."""
import io
import struct
import zlib

import pytest
from PIL import Image

from kiosk.roster.photo_processing import PhotoError, normalise_photo

RED, BLUE = (220, 20, 20), (20, 20, 220)
ORIENTATION, MAKE, SERIAL, GPS_IFD = 0x0112, 0x010F, 0xA431, 0x8825


def halves(size=(400, 200)):
    """Left half red, right half blue: where the colours end up shows the rotation."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image


def jpeg_with_exif(image, orientation=1):
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "PhoneMaker"
    exif[SERIAL] = "SN-123456"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (35.0, 14.0, 0.0), 3: "E", 4: (115.0, 28.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95, comment=b"taken at home")
    return out.getvalue()


def opened(jpeg):
    image = Image.open(io.BytesIO(jpeg))
    image.load()
    return image


def close_to(pixel, colour, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def png_header_only(width, height):
    """A PNG that declares width × height pixels but weighs a few dozen bytes."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


def test_photo_becomes_a_square_jpeg_of_the_asked_size():
    jpeg, digest = normalise_photo(jpeg_with_exif(halves((900, 500))), size=320)
    image = opened(jpeg)
    assert image.format == "JPEG" and image.mode == "RGB" and image.size == (320, 320)
    assert len(digest) == 16 and int(digest, 16) >= 0
    small, _ = normalise_photo(jpeg_with_exif(halves((50, 80))), size=120)
    assert opened(small).size == (120, 120)  # small photos are scaled up to the size


def test_square_crop_keeps_the_centre():
    image = Image.new("RGB", (600, 200), (0, 200, 0))
    image.paste(RED, (200, 0, 400, 200))  # only the middle third is red
    out = io.BytesIO()
    image.save(out, "PNG")
    result = opened(normalise_photo(out.getvalue(), size=100)[0])
    assert close_to(result.getpixel((5, 50)), RED) and close_to(result.getpixel((95, 50)), RED)


def test_exif_orientation_is_applied():
    # Orientation 6: the camera was turned, the viewer rotates 90° clockwise.
    # The left (red) half becomes the top, the right (blue) half the bottom.
    result = opened(normalise_photo(jpeg_with_exif(halves(), orientation=6), size=100)[0])
    assert close_to(result.getpixel((50, 10)), RED)
    assert close_to(result.getpixel((50, 90)), BLUE)
    # Without the tag the same pixels stay side by side.
    plain = opened(normalise_photo(jpeg_with_exif(halves(), orientation=1), size=100)[0])
    assert close_to(plain.getpixel((10, 50)), RED) and close_to(plain.getpixel((90, 50)), BLUE)


def test_metadata_is_stripped():
    original = jpeg_with_exif(halves(), orientation=6)
    assert opened(original).getexif()[MAKE] == "PhoneMaker"  # the test photo does carry it
    jpeg, _ = normalise_photo(original)
    image = opened(jpeg)
    assert len(image.getexif()) == 0
    assert not set(image.info) & {"exif", "comment", "icc_profile", "xmp", "photoshop"}
    for secret in (b"PhoneMaker", b"SN-123456", b"taken at home"):
        assert secret not in jpeg


def test_png_text_chunks_are_stripped():
    from PIL.PngImagePlugin import PngInfo
    info = PngInfo()
    info.add_text("Author", "secret-author")
    out = io.BytesIO()
    Image.new("RGBA", (64, 64), (10, 200, 10, 128)).save(out, "PNG", pnginfo=info)
    jpeg, _ = normalise_photo(out.getvalue(), size=64)
    assert b"secret-author" not in jpeg and opened(jpeg).mode == "RGB"


def test_same_photo_gives_the_same_digest_and_another_photo_another():
    data = jpeg_with_exif(halves())
    assert normalise_photo(data)[1] == normalise_photo(data)[1]
    assert normalise_photo(data)[1] != normalise_photo(jpeg_with_exif(halves((200, 400))))[1]


@pytest.mark.parametrize("data", [
    b"", b"hello, this is text", b"%PDF-1.7\n1 0 obj\n", b"\x89PNG\r\n\x1a\n broken",
])
def test_what_is_not_an_image_is_refused(data):
    with pytest.raises(PhotoError) as refused:
        normalise_photo(data)
    assert refused.value.reason == PhotoError.NOT_AN_IMAGE


def test_truncated_photo_is_refused():
    data = jpeg_with_exif(Image.effect_noise((400, 400), 60).convert("RGB"))
    with pytest.raises(PhotoError) as refused:
        normalise_photo(data[: len(data) // 2])
    assert refused.value.reason == PhotoError.NOT_AN_IMAGE


def test_too_large_file_is_refused_before_it_is_opened():
    data = jpeg_with_exif(halves())
    with pytest.raises(PhotoError) as refused:
        normalise_photo(data, max_bytes=len(data) - 1)
    assert refused.value.reason == PhotoError.TOO_LARGE
    assert normalise_photo(data, max_bytes=len(data))[0]  # exactly at the limit is fine


@pytest.mark.parametrize("width, height", [
    (8_000, 8_000),        # 64 M pixels: over our limit, under Pillow's own warning
    (10_000, 10_000),      # 100 M: Pillow warns (DecompressionBombWarning)
    (100_000, 100_000),    # 10 G: Pillow raises DecompressionBombError
])
def test_decompression_bomb_is_refused_without_decoding_it(width, height):
    data = png_header_only(width, height)
    assert len(data) < 100
    with pytest.raises(PhotoError) as refused:
        normalise_photo(data)
    assert refused.value.reason == PhotoError.TOO_MANY_PIXELS


def test_pixel_limit_is_the_callers():
    data = jpeg_with_exif(halves((100, 100)))
    with pytest.raises(PhotoError) as refused:
        normalise_photo(data, max_pixels=99 * 100)
    assert refused.value.reason == PhotoError.TOO_MANY_PIXELS
    assert normalise_photo(data, max_pixels=100 * 100)[0]


def test_transparent_png_gets_a_white_background_not_black():
    import io

    from PIL import Image

    from kiosk.roster.photo_processing import normalise_photo
    image = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    jpeg, _ = normalise_photo(buffer.getvalue(), size=64)
    pixel = Image.open(io.BytesIO(jpeg)).getpixel((32, 32))
    assert min(pixel) > 240
