"""A benefit link's QR code and logo as images, cached by what they encode."""
from datetime import datetime
from zoneinfo import ZoneInfo

from .. import qr

# What each image kind is for: SVG on screens (crisp at any size), PNG to
# download and for posters (module_px suits a 200 dpi print).
KINDS = {
    "svg": {},
    "png": {"module_px": 12},
}
MIMETYPES = {"svg": "image/svg+xml", "png": "image/png"}


def scannable(link):
    """Whether the link's URL fits an easily scanned code at all (with or without logo)."""
    try:
        qr.encode(link.url)
    except qr.QRTooLong:
        return False
    return True


def _logo_digest_in_qr(link):
    """The digest of the logo in the code's centre, or None.

    A link saved here always fits with its logo; a central link is checked by
    central, whose limits may differ: then it is drawn without the logo
    rather than not at all.
    """
    if not link.with_logo_in_qr:
        return None
    try:
        qr.encode(link.url, with_logo=True)
    except qr.QRTooLong:
        return None
    return link.logo_digest


def qr_logo(link):
    """The logo PNG the QR code carries in its centre, or None."""
    return link.logo_png() if _logo_digest_in_qr(link) else None


def qr_version(link, kind):
    """The image's key: changes whenever the URL, the logo or the drawing changes."""
    return qr.image_key(kind, link.url, _logo_digest_in_qr(link), **KINDS[kind])


def qr_bytes(link, kind):
    """(image bytes, key) for the link's QR code, rendered once per content."""
    key = qr_version(link, kind)

    def render():
        if kind == "svg":
            return qr.render_svg(link.url, qr_logo(link)).encode()
        return qr.render_png(link.url, qr_logo(link), **KINDS[kind])

    return qr.image_cache.get_or_render(key, render), key


def local_today(timezone):
    """Today in the station's time zone: visible_from/until are its dates."""
    return datetime.now(ZoneInfo(timezone)).date()
