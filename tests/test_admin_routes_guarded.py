"""Does every /admin route, in every method, turn an anonymous visitor away?

The routes are read from ``app.url_map`` of a station and of central, so a route
added tomorrow is checked without editing this file. An anonymous visitor may be
sent to the login page, or refused (401, 403, 405) — never served (200) and
never met with a server error. CSRF protection is OFF here: a POST refused only
because its token was missing (400) would hide a route that forgot its guard.
"""
import uuid

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter, UUIDConverter

from .conftest import make_app

# The page whose whole job is to let a stranger in: it answers 200 on purpose.
OPEN_TO_ANONYMOUS = {"admin.login"}
REFUSALS = {401, 403, 405}


def example_url(rule):
    """The rule filled with plausible values: a uuid for uuids, 1 for ints, …"""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, UUIDConverter):
            values[name] = uuid.uuid4()
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        elif isinstance(converter, AnyConverter):
            values[name] = min(converter.items)
        else:
            values[name] = "x"
    return rule.build(values, append_unknown=False)[1]


def admin_routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule == "/admin" or rule.rule.startswith("/admin/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def refuses(response):
    if response.status_code in REFUSALS:
        return True
    return (response.status_code in (302, 303)
            and "/admin/login" in response.headers.get("Location", ""))


@pytest.mark.parametrize("role", ["station", "central"])
def test_every_admin_route_refuses_an_anonymous_visitor(tmp_path, role):
    app = make_app(tmp_path, KIOSK_ROLE=role)
    client = app.test_client()
    served, checked = [], 0
    for rule, method in admin_routes(app):
        if rule.endpoint in OPEN_TO_ANONYMOUS:
            continue
        url = example_url(rule)
        response = client.open(url, method=method)
        checked += 1
        if not refuses(response):
            served.append(f"{method} {url} ({rule.endpoint}) → {response.status_code} "
                          f"{response.headers.get('Location', '')}")
    assert checked > 10, "the walk found almost no admin routes: is the prefix still /admin?"
    assert not served, "anonymous visitors were let in:\n" + "\n".join(served)


@pytest.mark.parametrize("role", ["station", "central"])
def test_the_open_admin_pages_are_only_the_way_in(tmp_path, role):
    """The allow-list above names real endpoints (a renamed login page fails here)."""
    app = make_app(tmp_path, KIOSK_ROLE=role)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert OPEN_TO_ANONYMOUS <= endpoints
