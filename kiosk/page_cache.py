"""Whole kiosk pages served from memory while nothing they show has changed.

The screens a worker waits for (home, the idle view, identification, the boards,
the benefit cards) are the same bytes for everyone standing at any terminal until
the data changes: rendering them again costs 5–30× what serving the bytes does.
A view marked ``@cacheable_page`` is rendered once per

- data version (``kiosk/data_version.py``: any committed write, by any process),
- language, path with its query, htmx or not, the visitor's draft,
- minute (what moves with the clock alone, such as today's date, lags a minute at most),

and served from memory after that. The visitor's CSRF token is the one part that is
theirs: the rendered page is kept in parts split where the token was, joined by each
visitor's own token on the way out, so forms still carry it and the page stays cacheable.

Never cached: a visitor who is identified (their name is on the page), an admin
session on the terminal, a pending flash message, anything but a 200 HTML page.

A page served from memory inside Flask still costs what Flask does around a view
(the session cookie's HMAC and JSON, the response headers, the locale, the hooks):
more than twice what serving the bytes does. ``FrontCache`` answers in front of
Flask a request Flask has just answered from this cache: the same request (URL,
headers, the session cookie's raw value among them) at the same data version and
minute gets the bytes and headers Flask sent, with no Flask code run at all.
"""
import threading
import time
from collections import OrderedDict

from flask import current_app, g, request, session

from . import data_version

# What only this visitor's session holds; a page made with any of them is theirs.
PERSONAL_KEYS = ("member", "admin_id", "_flashes")


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
    # Outermost (after ProxyFix): the key is the request as it arrived.
    app.wsgi_app = FrontCache(app.wsgi_app)


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
        token = _kept_token()
        if token is not None:   # the page rendered now carries the token its hits will
            setattr(g, current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), token)
        return None
    status, headers, parts = hit
    request._renders_fragment = True  # one URL, page or fragment: Vary as the view would
    token = _visitor_token().encode() if len(parts) > 1 else None
    request.environ[_FRONT] = (version, key, parts, token)
    body = token.join(parts) if token is not None else parts[0]
    return current_app.response_class(body, status=status, headers=headers)


_signed = OrderedDict()
_signed_lock = threading.Lock()


def _visitor_token():
    """This visitor's CSRF token, as ``csrf_token()`` gives it. Signing it (a timestamp,
    zlib, an HMAC) is a third of a hit's cost; with no time limit on tokens (a kiosk page
    may stay open all shift) the token signed once for a session's secret stays valid,
    so it is kept for the next page of that visitor."""
    token = _kept_token()
    if token is None:
        from flask_wtf.csrf import generate_csrf
        token = generate_csrf()
        _keep_token(token)
    return token


def _token_key():
    raw = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if raw is None or current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return None
    return (current_app.secret_key, raw)


def _kept_token():
    key = _token_key()
    if key is None:
        return None
    with _signed_lock:
        return _signed.get(key)


def _keep_token(token):
    """Keep ``token`` as this visitor's (unless one is kept already): every page they get,
    rendered or from memory, then carries the same token (one signed a second later
    would differ)."""
    key = _token_key()
    if key is None:
        return
    with _signed_lock:
        _signed.setdefault(key, token)
        while len(_signed) > 512:
            _signed.popitem(last=False)


def _remember(response):
    entry = g.pop("kiosk_page_key", None)
    if (entry is None or response.status_code != 200 or response.direct_passthrough
            or response.mimetype != "text/html" or "Set-Cookie" in response.headers
            and _sets_other_cookies(response)):
        return response
    # Kept as the bytes sent: a 300 KiB board is not encoded again on every hit.
    # Split where the token was: every visitor's page is the parts joined by their token,
    # and FrontCache answers from the same parts (one copy of a page, however many visitors).
    body = response.get_data()
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    parts = body.split(token.encode()) if token else [body]
    if token:
        _keep_token(token)
    headers = [(k, v) for k, v in response.headers.items()
               if k not in ("Set-Cookie", "Content-Length")]
    _cache.put(*entry, (response.status_code, headers, parts))
    request.environ[_FRONT] = (*entry, parts, token.encode() if len(parts) > 1 else None)
    return response


def _sets_other_cookies(response):
    """A view that sets a cookie of its own (not the session's) made a personal answer."""
    name = current_app.config.get("SESSION_COOKIE_NAME", "session")
    return any(not value.startswith(f"{name}=") for value in response.headers.getlist("Set-Cookie"))


# Where Flask tells FrontCache that the answer it sends is this cache's page:
# (data version, key, the page's parts around the token, the visitor's token or None).
_FRONT = "kiosk.page_cache.front"
# What a request is, besides its headers (REMOTE_ADDR: a view may ask who asks).
_REQUEST_KEYS = ("PATH_INFO", "QUERY_STRING", "SCRIPT_NAME", "wsgi.url_scheme", "REMOTE_ADDR")


class FrontCache:
    """Answers before Flask a GET that Flask answered from the page cache at this data
    version and minute: same URL, same headers (the Cookie header with them, so the
    same session, language, draft, CSRF secret and any other cookie), same answer.

    Only an answer that Flask sent from the page cache and that set no cookie is kept
    (a new session, a terminal's first cookie, a consumed flash message all set one),
    so what is never cached inside Flask (an identified member, an admin session, a
    flash, an error) never gets here either. The body is the page cache's own, shared
    by every visitor; each visitor's token goes in on the way out, as inside Flask.
    Entries are kept for one data version and one minute at a time: a write or the
    next minute empties it, and the next request of each visitor asks Flask again.
    """

    MAX_ENTRIES = 256

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        # (data version, minute) and its entries, swapped as one: a reader never pairs
        # a new stamp with the old version's entries.
        self.kept = (None, {})

    @staticmethod
    def _request_key(environ):
        if environ.get("REQUEST_METHOD") != "GET":
            return None
        return (tuple(environ.get(name) for name in _REQUEST_KEYS),
                tuple(sorted((name, value) for name, value in environ.items()
                             if name.startswith("HTTP_"))))

    def __call__(self, environ, start_response):
        key = self._request_key(environ)
        if key is not None:
            stamp, entries = self.kept
            if stamp == (data_version.current(), int(time.time() // 60)):
                hit = entries.get(key)
                if hit is not None:
                    return self._answer(hit, start_response)
        else:
            return self.wsgi_app(environ, start_response)
        sent = {}

        def remember_start(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, remember_start)
        front = environ.get(_FRONT)
        if front is not None and sent.get("status", "").startswith("200"):
            self._store(key, front, sent["status"], sent["headers"])
        return body

    def _store(self, key, front, status, headers):
        version, page_key, parts, token = front
        if any(name.lower() == "set-cookie" for name, _ in headers):
            return
        stamp = (version, page_key[-1])  # the page key ends with its minute
        kept_stamp, entries = self.kept
        if kept_stamp != stamp or len(entries) >= self.MAX_ENTRIES:
            # A new version or minute: what was kept for the old one is never asked for.
            entries = {}
            self.kept = (stamp, entries)
        entries[key] = (status, headers, parts, token)

    @staticmethod
    def _answer(hit, start_response):
        status, headers, parts, token = hit
        if token is None:
            chunks = parts
        else:
            # The head with the visitor's token, the long tail as it is (no copy of it).
            chunks = [token.join(parts[:-1]) + token, parts[-1]]
        length = str(sum(len(chunk) for chunk in chunks))
        start_response(status, [(name, length if name == "Content-Length" else value)
                                for name, value in headers])
        return chunks
