"""The words of the benefits feature shown to people, in one place."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import qr
from .logos import LogoError
from .urls import MAX_URL_LENGTH, LinkURLError

CATEGORY_LABELS = {
    "app": _l("Members' app"),
    "offers": _l("Merchant offers"),
    "aid": _l("Hardship aid"),
    "insurance": _l("Mutual medical insurance"),
    "other": _l("More benefits"),
}

OWNER_LABELS = {
    "station": _l("This station"),
    "central": _l("City federation"),
}

STATUS_LABELS = {
    "shown": _l("Shown"),
    "hidden": _l("Hidden"),
    "hidden_here": _l("Hidden at this station"),
    "scheduled": _l("Scheduled"),
    "expired": _l("Expired"),
}

URL_ERRORS = {
    LinkURLError.EMPTY: _l("Please enter the link."),
    LinkURLError.SCHEME: _l("Only web links that start with https:// or http:// can become a "
                            "QR code."),
    LinkURLError.CREDENTIALS: _l("This link contains a user name or password. Use a link "
                                 "without them: it will be shown to everyone."),
    LinkURLError.HOST: _l("This is not a web address a phone can open. Check the part "
                          "after https://, for example example.org."),
    LinkURLError.SPACES: _l("A link cannot contain spaces or line breaks."),
    LinkURLError.TOO_LONG: _l("This link is longer than %(max)d characters.", max=MAX_URL_LENGTH),
}

LOGO_ERRORS = {
    LogoError.NOT_AN_IMAGE: _l("This file is not an image. Upload a PNG or JPEG logo."),
    LogoError.TOO_LARGE: _l("This file is too large. A logo may be at most 2 MB."),
    LogoError.TOO_MANY_PIXELS: _l("This image has too many pixels for a logo."),
    LogoError.TOO_SMALL: _l("This image is too small for a logo (at least 16 pixels)."),
}


def url_error(error):
    return str(URL_ERRORS[error.reason])


def logo_error(error):
    return str(LOGO_ERRORS[error.reason])


def too_long_message(error):
    """Why a link cannot become an easily scanned code, and what to do instead."""
    if error.with_logo:
        plain_max = qr.max_length(qr.PLAIN_LEVEL, qr.MAX_VERSION)
        return _("This link has %(length)d characters: with a logo in the centre, a QR code "
                 "that scans from a metre away holds at most %(max)d. Use a shorter link, or "
                 "do not put the logo in the QR code (then up to %(plain)d fit).",
                 length=error.length, max=error.max_length, plain=plain_max)
    return _("This link has %(length)d characters: a QR code that scans easily from a metre "
             "away holds at most %(max)d. Please use a shorter link (for example from a link "
             "shortener).", length=error.length, max=error.max_length)
