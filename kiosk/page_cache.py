"""Whole kiosk pages served from memory while nothing they show has changed.

The screens a worker waits for (home, the idle view, identification, the boards,
the benefit cards) are the same bytes for everyone standing at any terminal until
the data changes: rendering them again costs 5–30× what serving the bytes does.
A view marked ``@cacheable_page`` is rendered once per

- data version (``kiosk/data_version.py``: any committed write, by any process),
- language, path with its query, htmx or not, the visitor's draft,
- minute (what moves with the clock alone, such as today's date, lags a minute at most),

and served from memory after that. The visitor's CSRF token is the one part that is
theirs: the rendered page keeps a placeholder where the token was and each visitor's
own token goes in on the way out, so forms still carry it and the page stays cacheable.

Never cached: a visitor who is identified (their name is on the page), an admin
session on the terminal, a pending flash message, anything but a 200 HTML page.
"""
import threading
import time
from collections import OrderedDict

from flask import current_app, g, request, session

from . import data_version

# What only this visitor's session holds; a page made with any of them is theirs.
PERSONAL_KEYS = ("member", "admin_id", "_flashes")
_PLACEHOLDER = b"\x00csrf-token\x00"


def cacheable_page(view):
    """Mark a kiosk view whose page depends only on the data, the language, the URL and
    the clock (not on who is at the terminal)."""
    view.kiosk_cacheable_page = True
    return view


def init_app(app):
    """The first before_request hook: a hit needs no database connection (the others —
    the body limit, the CSRF check, the alert deliverer's start — concern POSTs or
    have run on the process's first request, never a hit). The after_request hook is
    the last one registered, so it runs first and stores the view's own headers;
    the others (security headers, Vary, the session cookie) run on a hit too."""
    app.before_request_funcs.setdefault(None, []).insert(0, _serve_from_cache)
    app.after_request(_remember)


def _key():
    if request.method != "GET" or not current_app.config.get("KIOSK_PAGE_CACHE", True):
        return None
    view = current_app.view_functions.get(request.endpoint)
    if not getattr(view, "kiosk_cacheable_page", False):
        return None
    if any(key in session for key in PERSONAL_KEYS):
        return None
    from flask_babel import get_locale
    return ("page", request.full_path, request.script_root, bool(request.headers.get("HX-Request")),
            str(get_locale()), repr(session.get("draft")), int(time.time() // 60))


# Pages of older versions are never asked for again and fall out; 64 pages of which a
# workshop board is the largest (300 KiB) bound the memory to some 20 MiB.
_cache = data_version.VersionCache(size=64)


def _serve_from_cache():
    key = _key()
    if key is None:
        return None
    version = data_version.current()
    if version is None:
        return None
    hit = _cache.peek(version, key)
    if hit is None:
        g.kiosk_page_key = (version, key)
        return None
    status, headers, body = hit
    if _PLACEHOLDER in body:
        body = body.replace(_PLACEHOLDER, _visitor_token().encode())
    request._renders_fragment = True  # one URL, page or fragment: Vary as the view would
    return current_app.response_class(body, status=status, headers=headers)


_signed = OrderedDict()
_signed_lock = threading.Lock()


def _visitor_token():
    """This visitor's CSRF token, as ``csrf_token()`` gives it. Signing it (a timestamp,
    zlib, an HMAC) is a third of a hit's cost; with no time limit on tokens (a kiosk page
    may stay open all shift) the token signed once for a session's secret stays valid,
    so it is kept for the next page of that visitor."""
    from flask_wtf.csrf import generate_csrf
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    raw = session.get(field)
    if raw is None or current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    key = (current_app.secret_key, raw)
    with _signed_lock:
        token = _signed.get(key)
    if token is None:
        token = generate_csrf()
        with _signed_lock:
            _signed[key] = token
            while len(_signed) > 512:
                _signed.popitem(last=False)
    return token


def _remember(response):
    entry = g.pop("kiosk_page_key", None)
    if (entry is None or response.status_code != 200 or response.direct_passthrough
            or response.mimetype != "text/html" or "Set-Cookie" in response.headers
            and _sets_other_cookies(response)):
        return response
    # Kept as the bytes sent: a 300 KiB board is not encoded again on every hit.
    body = response.get_data()
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if token:
        body = body.replace(token.encode(), _PLACEHOLDER)
    headers = [(k, v) for k, v in response.headers.items()
               if k not in ("Set-Cookie", "Content-Length")]
    _cache.put(*entry, (response.status_code, headers, body))
    return response


def _sets_other_cookies(response):
    """A view that sets a cookie of its own (not the session's) made a personal answer."""
    name = current_app.config.get("SESSION_COOKIE_NAME", "session")
    return any(not value.startswith(f"{name}=") for value in response.headers.getlist("Set-Cookie"))
