"""What the kiosk keeps about the person at the terminal, in ``session["draft"]``.

``/reset`` (the Home button and the idle timeout) drops the whole key, so a
half-typed complaint, a receipt on screen and the requests opened by code all
leave with the person. Three parts:

- ``filing``: the request being filed (category, topic, text, phone, mode);
- ``receipt``: the code of the request just filed, until "I have noted it";
- ``access``: ids of requests this visitor opened with their receipt code.

Also the terminal's identity for rate limits: its address and a random cookie.
"""
import secrets

from flask import request, session

TERMINAL_COOKIE = "kiosk_terminal"
MAX_ACCESS = 20


def _draft():
    data = session.get("draft")
    return data if isinstance(data, dict) else {}


def _save(data):
    session["draft"] = data   # reassigning marks the session modified


def filing():
    value = _draft().get("filing")
    return dict(value) if isinstance(value, dict) else {}


def save_filing(values):
    """Keep the draft; a new draft gets its token, which makes its submit idempotent."""
    if not values.get("token"):
        values["token"] = secrets.token_urlsafe(16)
    data = _draft()
    data["filing"] = values
    _save(data)


def finish_filing(code):
    """The draft becomes a receipt: the filed text is no longer kept in the session."""
    data = _draft()
    data.pop("filing", None)
    data["receipt"] = code
    _save(data)


def receipt_code():
    return _draft().get("receipt")


def forget_receipt():
    data = _draft()
    data.pop("receipt", None)
    _save(data)


def grant(request_id):
    data = _draft()
    ids = [i for i in data.get("access", []) if i != str(request_id)]
    data["access"] = (ids + [str(request_id)])[-MAX_ACCESS:]
    _save(data)


def may_see(request_id):
    return str(request_id) in _draft().get("access", [])


def guesser_key():
    """This kiosk session, for the wrong-code back-off: /reset drops it with the draft."""
    data = _draft()
    key = data.get("guesser")
    if not (isinstance(key, str) and key.isalnum()):
        key = data["guesser"] = secrets.token_hex(8)
        _save(data)
    return key


def terminal_keys():
    """(this terminal, this address) for the in-memory limits."""
    address = request.remote_addr or "-"
    cookie = request.cookies.get(TERMINAL_COOKIE, "")
    if not (cookie.isalnum() and len(cookie) <= 32):
        cookie = "-"
    return f"{address}|{cookie}", address


def ensure_terminal_cookie(response):
    if TERMINAL_COOKIE not in request.cookies:
        response.set_cookie(TERMINAL_COOKIE, secrets.token_hex(8), max_age=10 * 365 * 86400,
                            httponly=True, samesite="Lax")
    return response
