"""Receipt codes (回执码): the only key to an anonymous request.

Thirteen digits, shown as ``4821 7730 09562``. Digits because a worker reads
them aloud in Chinese without ambiguity (Latin letters such as B/D/E/G/P/V sound
alike when spoken as Chinese speakers name them), types them on the same keypad
as a phone number, and no two digits look alike in print the way O/0 or I/1 do.
10**13 codes is 43 bits of randomness from ``secrets``: guessing one among even
a million stored requests takes ten million tries on average, and the kiosk
slows a terminal down after a few wrong ones.

What the QR code holds depends on where a phone can go (issue 14). With central's
public address configured (KIOSK_CENTRAL_PUBLIC_URL), a tracking URL on central,
``https://…/t/4821-7730-09562``: central has a copy of every request after the
sync and shows the status and the union's public replies, never the worker's words,
phone or name, so the code alone reveals nothing about who wrote it. The station
itself serves 127.0.0.1 only and no phone can reach it. Without an address the QR
holds the digits with dashes, to scan at 查进度. The kiosk's scanner (which types
like a keyboard) accepts both: ``normalise`` takes the code out of the URL.
"""
import base64
import secrets

from .. import qr

DIGITS = 13
GROUPS = (4, 4, 5)
BITS = DIGITS * 3.3219   # log2(10) per digit: ≈ 43.2


def new_code():
    return f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"


def normalise(text):
    """The code in what was typed or scanned (spaces, dashes, full-width digits
    and a few stray characters are tolerated), or None if it cannot be one."""
    if not isinstance(text, str) or len(text) > 200:
        return None
    if "/t/" in text:       # a tracking URL from the QR: the digits after /t/, not the host's
        text = text.rsplit("/t/", 1)[1].split("?", 1)[0].split("#", 1)[0]
    elif len(text) > 64:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    try:
        # Full-width ０-９ from a Chinese input method are digits too.
        digits = str(int(digits)).zfill(len(digits)) if digits else ""
    except ValueError:
        return None
    if len(digits) != DIGITS or not digits.isascii():
        return None
    return digits


def grouped(code, sep=" "):
    """``4821 7730 09562``: easy to read aloud and to copy down."""
    parts, start = [], 0
    for size in GROUPS:
        parts.append(code[start:start + size])
        start += size
    return sep.join(parts)


def tracking_url(code, public_url):
    """Central's page for this request, or None without central's public address."""
    if not public_url:
        return None
    return f"{public_url.rstrip('/')}/t/{grouped(code, '-')}"


def qr_text(code, public_url=None):
    return tracking_url(code, public_url) or grouped(code, "-")


def qr_png(code, box_size=10, public_url=None):
    """The receipt's QR code as PNG bytes, drawn as every QR code of the kiosk is."""
    return qr.render_png(qr_text(code, public_url), module_px=box_size)


def qr_data_uri(code, public_url=None):
    """Inline, so the code never appears in a URL, a log line or a cache."""
    return "data:image/png;base64," + base64.b64encode(
        qr_png(code, public_url=public_url)).decode("ascii")
