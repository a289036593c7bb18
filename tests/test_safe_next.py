"""Every route that takes a ``next`` stays on this site, whatever the ``next`` (issue 12, finding 2).

The corpus is what an attacker would try against an open redirect: encoded controls
that Werkzeug strips into ``//host``, backslashes, schemes, encoded and look-alike
slashes, dot segments. Fed to the language switch, identification (GET, POST, htmx)
and the admin login — a failed and a *correct* one — the answer is never another
origin and never a 500.
"""
import html
import re
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from kiosk.next_url import safe_next

from .conftest import ADMIN_PASSWORD
from .factories import make_admin, make_member

HOST = "kiosk.test"

# As an attacker writes them in a URL (percent-encoded where a URL needs it).
BYPASSES = [
    "/%09/evil.example", "/%0a/evil.example", "/%0d/evil.example", "/%0d%0aSet-Cookie:%20a=b",
    "%09//evil.example", "/%09%09/evil.example", "/%0a%0d/evil.example", "/%00/evil.example",
    "//evil.example", "///evil.example", "////evil.example/", "//evil.example/%2f..",
    "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "/%5cevil.example",
    "/%5Cevil.example", "%2f%2fevil.example", "/%2f%2fevil.example", "/%2F/evil.example",
    "/%252f%252fevil.example", "https:evil.example", "https://evil.example", "http:/evil.example",
    "HTTPS://evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x",
    "%20//evil.example", "/%20/evil.example", "/%E3%80%80/evil.example",
    "/%EF%BC%8Fevil.example", "/%E2%88%95evil.example", "/%E2%81%84evil.example",
    "/%E2%80%AE/evil.example", "/%E2%80%8B/evil.example", "/..//evil.example",
    "/.././/evil.example", "/%2e%2e//evil.example", "/./%2e//evil.example",
    "evil.example", "http://kiosk.test@evil.example/", "//kiosk.test@evil.example",
    "/" + "a" * 5000, "%E3%80%82evil.example", "/%ff%fe/evil.example",
]


def lands_on_this_site(location):
    """Where a browser goes with this Location: it trims controls and spaces, drops tab
    and newlines, and reads a backslash as a slash before resolving against the page."""
    trimmed = location.strip("".join(chr(c) for c in range(0x21)))
    for ch in "\t\n\r":
        trimmed = trimmed.replace(ch, "")
    resolved = urlsplit(urljoin(f"http://{HOST}/page", trimmed.replace("\\", "/")))
    return resolved.scheme == "http" and resolved.hostname == HOST


def assert_stays(response):
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    for header in ("Location", "HX-Redirect"):
        if header in response.headers:
            assert lands_on_this_site(response.headers[header]), response.headers[header]
    body = response.get_data(as_text=True)
    for value in re.findall(r'name="next" value="([^"]*)"', body):
        assert value == "" or lands_on_this_site(html.unescape(value)), value


@pytest.mark.parametrize("raw", BYPASSES)
def test_safe_next_refuses_every_bypass(app, raw):
    with app.test_request_context("/"):
        for value in (raw, unquote(raw, errors="replace")):
            assert safe_next(value, "/fallback") == "/fallback" or lands_on_this_site(value)
            assert lands_on_this_site(safe_next(value))


def test_safe_next_keeps_a_plain_path(app):
    with app.test_request_context("/"):
        assert safe_next("/mood/?purpose=mood&a=%E7%8E%8B") == "/mood/?purpose=mood&a=%E7%8E%8B"
        assert safe_next("/admin/roster/members?q=1") == "/admin/roster/members?q=1"
        assert safe_next(None, "/x") == "/x" and safe_next("", "/x") == "/x"


def test_no_next_taking_route_redirects_off_site(app):
    make_admin(password=ADMIN_PASSWORD)
    member = make_member(staff_no="1001")
    client = app.test_client()
    hx = {"HX-Request": "true"}
    for n, raw in enumerate(BYPASSES):
        value = unquote(raw, errors="replace")
        query = {"next": value}
        assert_stays(client.get("/lang/en", query_string=query))
        assert_stays(client.get("/identify/", query_string=query))
        assert_stays(client.get("/identify/", query_string=query, headers=hx))
        assert_stays(client.get(f"/identify/team/{member.team_id}", query_string=query))
        for headers in ({}, hx):
            assert_stays(client.post("/identify/code", data={"code": "1001", "next": value},
                                     headers=headers))
            assert_stays(client.post("/identify/member", data={"member_id": str(member.id),
                                                               "next": value}, headers=headers))
            assert_stays(client.post("/identify/code", data={"code": "nope", "next": value},
                                     headers=headers))
        assert_stays(client.get("/admin/login", query_string=query))
        # From ever-new addresses, so the login throttle stays out of this story.
        assert_stays(client.post("/admin/login", query_string=query,
                                 data={"username": "chair", "password": "wrong"},
                                 environ_base={"REMOTE_ADDR": f"10.9.0.{n + 1}"}))
        # The worst case of the finding: the right password, then another origin.
        response = client.post("/admin/login", query_string=query,
                               data={"username": "chair", "password": ADMIN_PASSWORD})
        assert response.status_code == 302
        assert_stays(response)


def test_the_raw_url_forms_are_refused_too(app):
    """Sent exactly as written, not re-encoded by the test client."""
    client = app.test_client()
    for raw in BYPASSES:
        response = client.get("/lang/en?next=" + raw)
        assert_stays(response)
