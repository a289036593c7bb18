"""QR codes as PNG and as one SVG path, with an optional logo in the centre.

Pure rendering, no Flask: the benefit links, request receipts and scripts all
call it. qrcode chooses the version and encodes; we draw the module matrix
ourselves, because that is a few lines and gives what the kiosk needs:

- a *version limit*: a code is worth only what a phone reads from about a
  metre away, so data that needs a denser symbol is refused (``QRTooLong``)
  instead of drawn as a grey carpet of tiny modules;
- an SVG made of one ``<path>`` in the SVG namespace with a white background:
  qrcode's ``SvgImage`` writes ``svg:rect`` elements, which render blank once
  the SVG is inlined into HTML (an htmx swap), and its path image repeats one
  id per code; ours merges each row's dark runs and carries no id;
- a logo on a white, module-aligned plate in the centre, with the error
  correction raised to H so that the covered modules are recovered.

Rendered images are cached by the digest of everything they encode
(``image_key``), so a changed URL or logo is a new image and a new ETag.
"""
import base64
import hashlib
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import qrcode
import qrcode.constants
from PIL import Image, ImageDraw
from qrcode.exceptions import DataOverflowError

# Four light modules on every side: the quiet zone the QR standard asks for.
QUIET_ZONE = 4

# Version 8 is 49×49 modules: full-screen on a 1080p terminal that is ~17 px a
# module, and even a 300 px card keeps ~5 px — both read from a metre away.
MAX_VERSION = 8
# From version 7 on an alignment pattern sits in the very centre, under the
# logo; below that the centre holds only data, which H recovers.
LOGO_MAX_VERSION = 6
# Below version 4 the plate would leave the logo a module or two wide: a
# logo code starts at 33×33 modules, where the logo is five modules across.
LOGO_MIN_VERSION = 4
# The logo plate's width as a share of the symbol (without quiet zone): ~6 % of
# the area, well inside the 30 % that level H restores.
LOGO_SHARE = 0.24

ERROR_CORRECTION = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
# M for plain codes: fewer, larger modules than Q/H read better at a distance.
PLAIN_LEVEL = "M"
LOGO_LEVEL = "H"


class QRTooLong(ValueError):
    """The data needs a denser code than ``max_version`` allows."""

    def __init__(self, length, max_length, max_version, with_logo):
        super().__init__(f"{length} characters need a QR code above version {max_version}; "
                         f"at most {max_length} fit")
        self.length = length
        self.max_length = max_length
        self.max_version = max_version
        self.with_logo = with_logo


@dataclass(frozen=True)
class Symbol:
    """An encoded QR symbol: rows of booleans (True = dark), without quiet zone."""

    modules: tuple
    version: int
    level: str

    @property
    def size(self):
        return len(self.modules)


def settings(with_logo):
    """(error correction level, max version) for a plain code or one with a logo."""
    return (LOGO_LEVEL, LOGO_MAX_VERSION) if with_logo else (PLAIN_LEVEL, MAX_VERSION)


def encode(data, with_logo=False):
    """Encode ``data``; raise QRTooLong if it needs a symbol too dense to scan easily."""
    level, max_version = settings(with_logo)
    return _encode(data, level, max_version, with_logo)


@lru_cache(maxsize=512)
def _encode(data, level, max_version, with_logo):
    code = _fitted(data, level, max_version, LOGO_MIN_VERSION if with_logo else 1)
    if code is None:
        raise QRTooLong(len(data), max_length(level, max_version), max_version, with_logo)
    return Symbol(tuple(tuple(bool(m) for m in row) for row in code.get_matrix()),
                  code.version, level)


@lru_cache(maxsize=16)
def max_length(level, max_version):
    """The longest https:// URL (lower-case, as most are) that fits: for messages."""
    low, high = 8, 1000
    while low < high:
        mid = (low + high + 1) // 2
        fits = _fitted("https://" + "a" * (mid - 8), level, max_version) is not None
        low, high = (mid, high) if fits else (low, mid - 1)
    return low


def _fitted(data, level, max_version, min_version=1):
    """A made QRCode of the smallest version that holds ``data``, or None above max."""
    code = qrcode.QRCode(version=min_version, error_correction=ERROR_CORRECTION[level], border=0)
    code.add_data(data)
    try:
        code.make(fit=True)
    except (DataOverflowError, ValueError):  # qrcode 8 raises ValueError past 40
        return None
    return code if code.version <= max_version else None


def logo_plate(symbol_size):
    """(first module, width in modules) of the centred logo plate: odd, so it is centred."""
    width = int(symbol_size * LOGO_SHARE)
    width -= 1 - width % 2
    # Rows and columns 0-8 hold the finder patterns, separators and format
    # information, which error correction does not restore: keep clear of them.
    while (symbol_size - width) // 2 < 9:
        width -= 2
    return (symbol_size - width) // 2, width


def render_png(data, logo=None, module_px=10, border=QUIET_ZONE):
    """PNG bytes: black modules of ``module_px`` pixels on white, quiet zone included."""
    return _png_image_bytes(render_image(data, logo, module_px, border))


def render_image(data, logo=None, module_px=10, border=QUIET_ZONE):
    """A Pillow image of the code, for callers that compose (posters).

    Black and white only ("1") unless a logo needs colour ("RGB"): a 1-bit PNG
    is a third of the size and several times faster to write.
    """
    return render_symbol_image(encode(data, with_logo=logo is not None), logo, module_px, border)


def render_symbol_image(symbol, logo=None, module_px=10, border=QUIET_ZONE):
    """``render_image`` of a symbol already encoded (a poster lays it out first)."""
    side = symbol.size + 2 * border
    small = Image.new("1", (side, side), 1)
    pixels = small.load()
    for y, row in enumerate(symbol.modules):
        for x, dark in enumerate(row):
            if dark:
                pixels[x + border, y + border] = 0
    image = small.resize((side * module_px, side * module_px), Image.NEAREST)
    if logo is not None:
        image = image.convert("RGB")
        start, width = logo_plate(symbol.size)
        plate = (start + border) * module_px
        plate_px = width * module_px
        ImageDraw.Draw(image).rectangle(
            [plate, plate, plate + plate_px - 1, plate + plate_px - 1], fill="white")
        inner = plate_px - 2 * module_px  # one light module around the logo
        mark = _fit_logo(logo, inner)
        offset = (plate + module_px + (inner - mark.width) // 2,
                  plate + module_px + (inner - mark.height) // 2)
        image.paste(mark, offset, mark)
    return image


def render_svg(data, logo=None, border=QUIET_ZONE):
    """An SVG document (str) in module units; safe to inline into HTML."""
    symbol = encode(data, with_logo=logo is not None)
    side = symbol.size + 2 * border
    runs = []
    for y, row in enumerate(symbol.modules):
        x = 0
        while x < symbol.size:
            if row[x]:
                start = x
                while x < symbol.size and row[x]:
                    x += 1
                runs.append(f"M{start + border} {y + border}h{x - start}v1h{start - x}z")
            else:
                x += 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" '
        f'shape-rendering="crispEdges" role="img">',
        f'<rect width="{side}" height="{side}" fill="#fff"/>',
        f'<path fill="#000" d="{"".join(runs)}"/>',
    ]
    if logo is not None:
        start, width = logo_plate(symbol.size)
        parts.append(f'<rect x="{start + border}" y="{start + border}" width="{width}" '
                     f'height="{width}" fill="#fff"/>')
        mark = _fit_logo(logo, 256)
        href = "data:image/png;base64," + base64.b64encode(_png_image_bytes(mark)).decode()
        parts.append(f'<image x="{start + border + 1}" y="{start + border + 1}" '
                     f'width="{width - 2}" height="{width - 2}" '
                     f'preserveAspectRatio="xMidYMid meet" href="{href}"/>')
    parts.append("</svg>")
    return "".join(parts)


def _fit_logo(logo_png, box_px):
    with Image.open(io.BytesIO(logo_png)) as opened:
        mark = opened.convert("RGBA")
    mark.thumbnail((box_px, box_px), Image.LANCZOS)
    return mark


def _png_image_bytes(image):
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


def image_key(kind, data, logo_digest=None, **options):
    """The digest of everything an image shows: its cache key and ETag."""
    described = "|".join([kind, data, logo_digest or ""]
                         + [f"{k}={options[k]}" for k in sorted(options)])
    return hashlib.sha256(described.encode()).hexdigest()[:20]


class ImageCache:
    """A small thread-safe LRU of rendered images, keyed by ``image_key``.

    The server renders a code once; after that, every visit costs a dict
    lookup (and the browser usually does not even ask, given the ETag).
    """

    def __init__(self, max_items=256):
        self.max_items = max_items
        self._items = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key, render):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = render()  # outside the lock: two threads may render once each
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)
        return value

    def clear(self):
        with self._lock:
            self._items.clear()

    def __len__(self):
        return len(self._items)


image_cache = ImageCache()
