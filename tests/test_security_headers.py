"""Every kind of response carries the security headers (issue 12, finding 1).

The browser tests prove the pages obey the policy (tests/browser/conftest.py
fails any test on a CSP violation); these prove the policy is sent at all, by
the station and by central, on pages, fragments, static files, errors and the API.
"""
import pytest

from kiosk.security_headers import HEADERS

from .conftest import ADMIN_PASSWORD, make_app
from .factories import make_admin


def assert_protected(response):
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    for directive in ("default-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'",
                      "form-action 'self'"):
        assert directive in policy


@pytest.mark.parametrize("path, status", [
    ("/", 200),                                 # the kiosk home
    ("/admin/login", 200),                      # the login page
    ("/static/css/kiosk.css", 200),             # a static file
    ("/static/vendor/htmx-2.0.11.min.js", 200),
    ("/no/such/page", 404),                     # an error
    ("/admin/roster/members", 302),             # a redirect to the login
])
def test_every_station_response_carries_the_headers(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_protected(response)


def test_admin_pages_and_htmx_fragments_carry_the_headers(admin):
    assert_protected(admin.get("/admin/"))
    fragment = admin.get("/admin/roster/members?q=x", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert_protected(fragment)


def test_static_files_are_not_sniffed_as_something_else(client):
    response = client.get("/static/js/kiosk.js")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype in ("text/javascript", "application/javascript")


@pytest.fixture
def central_client(tmp_path):
    app = make_app(tmp_path, KIOSK_ROLE="central")
    with app.app_context():
        make_admin(password=ADMIN_PASSWORD)
    client = app.test_client()
    response = client.post("/admin/login", data={"username": "chair", "password": ADMIN_PASSWORD})
    assert response.status_code == 302
    return client


def test_central_pages_and_its_api_carry_the_headers(central_client):
    page = central_client.get("/admin/central/stations")
    assert page.status_code == 200
    assert_protected(page)
    # The sync API answers machines, but a browser pointed at it gets the same protection.
    api = central_client.post("/api/v1/hello", data=b"{}")
    assert 400 <= api.status_code < 500
    assert api.is_json
    assert_protected(api)
    assert_protected(central_client.get("/static/css/admin.css"))


def test_the_policy_allows_no_inline_script_or_style(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    # style-src and script-src fall back to default-src 'self': nothing inline, nothing eval'd.
    assert "script-src" not in directives and "style-src" not in directives
    assert directives["default-src"] == "'self'"
