"""Normalise uploaded logos with Pillow: pure, no Flask.

A logo is shown on a kiosk card and, if the chair wants, in the centre of the
QR code. Whatever was uploaded becomes a small PNG (transparency kept, EXIF
orientation applied, metadata dropped, at most ``LOGO_SIZE`` pixels on its
longer side); what is not a raster image, is too large or is a decompression
bomb is refused with a reason.
"""
import hashlib
import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

LOGO_SIZE = 256
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 16_000_000
LOGO_MIN_SIDE = 16


class LogoError(ValueError):
    NOT_AN_IMAGE = "not_an_image"
    TOO_LARGE = "too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_SMALL = "too_small"

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def normalise_logo(data, max_bytes=LOGO_MAX_BYTES, max_pixels=LOGO_MAX_PIXELS):
    """Return (png_bytes, digest) for uploaded ``data``, or raise LogoError."""
    if len(data) > max_bytes:
        raise LogoError(LogoError.TOO_LARGE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise LogoError(LogoError.TOO_MANY_PIXELS)
                if min(width, height) < LOGO_MIN_SIDE:
                    raise LogoError(LogoError.TOO_SMALL)
                image = ImageOps.exif_transpose(image).convert("RGBA")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LogoError(LogoError.TOO_MANY_PIXELS) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, LogoError):
            raise
        raise LogoError(LogoError.NOT_AN_IMAGE) from None
    bbox = image.getchannel("A").getbbox()
    if bbox is None:  # fully transparent: nothing would show
        raise LogoError(LogoError.NOT_AN_IMAGE)
    image = image.crop(bbox)
    image.thumbnail((LOGO_SIZE, LOGO_SIZE), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)  # a fresh PNG: no EXIF, no text chunks
    png = out.getvalue()
    return png, digest_of(png)


def digest_of(png):
    return hashlib.sha256(png).hexdigest()[:16]
