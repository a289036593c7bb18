"""Normalise uploaded logos with Pillow: pure, no Flask.

A logo is shown on a kiosk card and, if the chair wants, in the centre of the
QR code. Whatever was uploaded becomes a small PNG (transparency kept, EXIF
orientation applied, metadata dropped, at most ``LOGO_SIZE`` pixels on its
longer side); what is not a raster image, is too large or is a decompression
bomb is refused with a reason.
"""
import hashlib
import io

from PIL import Image

from ..roster.photo_processing import PhotoError, open_upright

LOGO_SIZE = 256
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 16_000_000
LOGO_MIN_SIDE = 16


class LogoError(PhotoError):
    """A logo was refused; the reasons are PhotoError's."""


def normalise_logo(data, max_bytes=LOGO_MAX_BYTES, max_pixels=LOGO_MAX_PIXELS):
    """Return (png_bytes, digest) for uploaded ``data``, or raise LogoError."""
    image = open_upright(data, max_bytes=max_bytes, max_pixels=max_pixels,
                         min_side=LOGO_MIN_SIDE, error=LogoError).convert("RGBA")
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
