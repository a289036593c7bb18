"""Normalise member photos with Pillow: no Flask here, callable from CLI and tests.

Every photo becomes a small square JPEG: EXIF orientation applied, centre
cropped, resized, and stripped of metadata (GPS, camera serials). What is not
an image, is too large, or is a decompression bomb is refused with a reason.
"""
import hashlib
import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from ..refusals import Refused


class PhotoError(Refused):
    """An image was refused; ``reason`` is one of the keys below."""

    NOT_AN_IMAGE = "not_an_image"
    TOO_LARGE = "too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_SMALL = "too_small"


def open_upright(data, *, max_bytes, max_pixels, min_side=1, draft_size=None, error=PhotoError):
    """Decode an uploaded image safely and turn it upright (EXIF orientation).

    The byte and pixel limits are checked before a single pixel is decoded, so
    a decompression bomb costs nothing; anything Pillow cannot read raises
    ``error`` (PhotoError or a subclass) with its reason.
    """
    if len(data) > max_bytes:
        raise error(error.TOO_LARGE)
    try:
        with warnings.catch_warnings():
            # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that;
            # we refuse at our own, lower limit first.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise error(error.TOO_MANY_PIXELS)
                if min(width, height) < min_side:
                    raise error(error.TOO_SMALL)
                if draft_size:
                    # A phone JPEG decodes at 1/2…1/8 scale straight away: several
                    # times faster for a zip of a hundred 12-megapixel photos.
                    image.draft("RGB", draft_size)
                upright = ImageOps.exif_transpose(image)
                upright.load()
                return upright
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise error(error.TOO_MANY_PIXELS) from None
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise error(error.NOT_AN_IMAGE) from None


def normalise_photo(data, size=320, max_bytes=10 * 1024 * 1024, max_pixels=40_000_000):
    """Return (jpeg_bytes, digest) for ``data``, or raise PhotoError."""
    image = open_upright(data, max_bytes=max_bytes, max_pixels=max_pixels,
                         draft_size=(size * 2, size * 2))
    image = ImageOps.fit(_on_white(image), (size, size), method=Image.Resampling.LANCZOS)
    # Crop and resize copy .info, and Pillow's JPEG writer re-emits info["comment"]
    # (a COM segment can hold names or places): drop it all; no exif= either.
    image.info.clear()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    jpeg = out.getvalue()
    return jpeg, hashlib.sha256(jpeg).hexdigest()[:16]


def _on_white(image):
    """RGB, with transparent areas white (a plain convert would make them black)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
