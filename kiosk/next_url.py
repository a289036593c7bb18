"""Where to go after a login, an identification or a language switch: ``safe_next``.

Every redirect that takes a target from the request goes through here. Only a
plain path on this site passes; anything a browser, a proxy or Werkzeug might
turn into another origin falls back to a safe default. The known tricks:

- control and whitespace characters: Python's ``urlsplit`` (and so Werkzeug's
  Location header) drops tab, CR and LF, so ``/\\t/evil`` becomes ``//evil``;
- a scheme or a host (``https:evil``, ``//evil``, ``///evil``);
- backslashes, which browsers read as slashes (``/\\evil``);
- encoded slashes and backslashes (``%2f``, ``%5c``), decoded by some proxies;
- non-ASCII look-alikes (``／``, ``∕``) and bidi or zero-width characters;
- dot segments, which a browser resolves before it requests.
"""
import unicodedata
from urllib.parse import unquote, urlsplit

from flask import url_for

MAX_LENGTH = 2048
# Characters that some browser, proxy or font shows or treats as a slash.
SLASH_LOOKALIKES = set("\\\u2044\u2215\u29f5\u29f8\u29f9\ufe68\uff0f\uff3c")
# Controls, format characters (bidi, zero-width), separators and unassigned code points.
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}


def safe_next(target, default=None):
    """``target`` if it is a path on this site, else ``default`` (else the home screen)."""
    if _is_local_path(target):
        return target
    return default or url_for("home.index")


def _is_local_path(target):
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return False
    # As sent: printable ASCII only (a browser percent-encodes everything else).
    if any(not ("\x21" <= ch <= "\x7e") for ch in target):
        return False
    decoded = unquote(target, errors="replace")
    if any(ch in SLASH_LOOKALIKES or unicodedata.category(ch) in REFUSED_CATEGORIES
           for ch in decoded):
        return False
    for text in (target, decoded):
        if not text.startswith("/") or text.startswith("//"):
            return False
    lowered = target.lower()
    if "%2f" in lowered or "%5c" in lowered:
        return False
    try:
        parts = urlsplit(target)
    except ValueError:
        return False
    if parts.scheme or parts.netloc:
        return False
    segments = unquote(parts.path).split("/")
    return not any(segment in (".", "..") for segment in segments)
