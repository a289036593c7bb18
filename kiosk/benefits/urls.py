"""Which links may become a QR code: pure checks, no Flask.

A benefit link is opened by a worker's phone, so only web links are accepted:
never ``javascript:`` or ``data:`` (which a scanner app might run), never a
link with a user name or password in it (it would be printed on the canteen
wall). What is accepted is normalised to plain ASCII — the host in IDNA, the
rest percent-encoded — because a QR code in byte mode carries no charset and
phones guess it differently.
"""
import re
from urllib.parse import quote, urlsplit, urlunsplit

from ..refusals import Refused

MAX_URL_LENGTH = 500

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_HOST_PORT = re.compile(r"^[^:/?#]+:\d+(?:[/?#]|$)")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Characters a URL may keep as they are; everything else is percent-encoded.
_SAFE = "/:@!$&'()*+,;=-._~?#[]%"


class LinkURLError(Refused):
    """A link was refused; ``reason`` is one of the names below."""

    EMPTY = "empty"
    SCHEME = "scheme"
    CREDENTIALS = "credentials"
    HOST = "host"
    SPACES = "spaces"
    TOO_LONG = "too_long"


def normalise_url(text):
    """Return the link as an ASCII http(s) URL, or raise LinkURLError."""
    url = (text or "").strip()
    if not url:
        raise LinkURLError(LinkURLError.EMPTY)
    if len(url) > MAX_URL_LENGTH:
        raise LinkURLError(LinkURLError.TOO_LONG)
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise LinkURLError(LinkURLError.SPACES)
    if "://" not in url:
        match = _SCHEME.match(url)
        if match and not _HOST_PORT.match(url):
            # javascript:…, data:…, mailto:… — a scheme, but not the web.
            raise LinkURLError(LinkURLError.SCHEME)
        url = "https://" + url  # "example.org/app": what the chair meant
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise LinkURLError(LinkURLError.HOST) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise LinkURLError(LinkURLError.SCHEME)
    if "@" in parts.netloc:
        raise LinkURLError(LinkURLError.CREDENTIALS)
    host = _ascii_host(parts.hostname or "")
    netloc = host if port is None else f"{host}:{port}"
    path = quote(parts.path, safe=_SAFE) or "/"
    normalised = urlunsplit((parts.scheme.lower(), netloc, path,
                             quote(parts.query, safe=_SAFE),
                             quote(parts.fragment, safe=_SAFE)))
    if len(normalised) > MAX_URL_LENGTH:
        raise LinkURLError(LinkURLError.TOO_LONG)
    return normalised


def _ascii_host(host):
    """The host in IDNA; a phone must be able to reach it, so it needs a dot."""
    host = host.rstrip(".")
    if re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", host):
        if all(int(part) <= 255 for part in host.split(".")):
            return host
        raise LinkURLError(LinkURLError.HOST)
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise LinkURLError(LinkURLError.HOST) from None
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) \
            or labels[-1].isdigit():
        raise LinkURLError(LinkURLError.HOST)
    return ascii_host


def short_url(url, limit=38):
    """The link as a person reads it aloud: no scheme, no www, shortened in the middle."""
    text = re.sub(r"^https?://", "", url)
    text = re.sub(r"^www\.", "", text).rstrip("/")
    if len(text) <= limit:
        return text
    head = text[: limit * 2 // 3]
    tail = text[-(limit - len(head) - 1):]
    return f"{head}…{tail}"
