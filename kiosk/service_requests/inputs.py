"""Cleaning what a worker (or anyone poking at the form) sends.

Text is cut to a length and stripped of control characters (keeping line
breaks) and of the invisible direction overrides that can make a reply look
like something else. Escaping happens on output, by Jinja's autoescape.
"""
import re
import unicodedata

DESCRIPTION_MAX = 500
REPLY_MAX = 1000
TOPIC_MAX = 60
PHONE_MIN_DIGITS = 7
PHONE_MAX_DIGITS = 15

# Bidi embeddings/overrides/isolates and zero-width no-break space.
_INVISIBLE = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"))


def clean_text(value, max_chars):
    """One block of text: control characters out, line breaks kept, trimmed, cut."""
    if not isinstance(value, str):
        return ""
    text = value.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    text = "".join(ch for ch in text
                   if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text[:max_chars].rstrip()


def clean_line(value, max_chars):
    return clean_text(value, max_chars).replace("\n", " ")


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
