"""Cleaning what a worker (or anyone poking at the form) sends.

Text is cut to a length and stripped of control characters (keeping line
breaks) and of the invisible direction overrides that can make a reply look
like something else: kiosk.cleaning, which cleans the roster's names too.
Escaping happens on output, by Jinja's autoescape.
"""
from ..cleaning import clean_line, clean_text

__all__ = ["clean_line", "clean_text", "clean_phone", "PhoneError"]

DESCRIPTION_MAX = 500
REPLY_MAX = 1000
TOPIC_MAX = 60
PHONE_MIN_DIGITS = 7
PHONE_MAX_DIGITS = 15


class PhoneError(ValueError):
    pass


def clean_phone(value):
    """Digits of a call-back number, or None when left empty; PhoneError if not a number."""
    if not isinstance(value, str):
        return None
    digits = "".join(ch for ch in value if ch.isascii() and ch.isdigit())
    rest = "".join(ch for ch in value if not (ch.isascii() and ch.isdigit()) and ch not in " -+()")
    if not digits and not rest:
        return None
    if rest or not (PHONE_MIN_DIGITS <= len(digits) <= PHONE_MAX_DIGITS):
        raise PhoneError(value)
    return digits
