"""Zero 5xx: every route refuses hostile input with a 4xx, never a 500 (issue 12, finding 6).

Walks ``app.url_map`` of a station and of central. Every path parameter, and
every query and form parameter the code reads (found in the source, so a new
parameter is walked without editing this file), gets each value of a fixed
corpus — non-ASCII and huge digits, 10^23, CR/LF, NUL, invalid UTF-8, very long
strings — as an anonymous visitor, as a kiosk session with an identified member,
and as the logged-in chair. No answer may be a 5xx or show a stack trace.
"""
import pathlib
import re
import uuid
from urllib.parse import quote

import pytest

from .conftest import chair_client, make_app
from .factories import make_member, make_request

KIOSK = pathlib.Path(__file__).parent.parent / "kiosk"

# Percent-encoded as they go on the wire; "%FF%FE" is invalid UTF-8.
HOSTILE = ["²", "①", "𝟗", "9" * 4400, str(10 ** 23), "-1", "1.5", "a\r\nSet-Cookie: x=1",
           "a\x00b", "%FF%FE", "王" * 300, "\u202e芳王", ""]
# A visitor who cannot use a route (anonymous on /admin, the chair on kiosk screens)
# gets one value: the route's guard answers before any parameter is read.
FEW = ["a\r\nSet-Cookie: x=1"]

# Parameter names the code reads from a request: args, form, values, _int_arg, and the
# fields of WTForms classes (in modules that import wtforms: peewee models have fields too).
PARAM = re.compile(r"""(?:args|form|values|files)\.get(?:list)?\(\s*["'](\w+)["']"""
                   r"""|_int_arg\(\s*["'](\w+)["']""")
FORM_FIELD = re.compile(r"^\s+(\w+)\s*=\s*\w+Field\(", re.M)


def parameter_names():
    names = {"next", "page", "q", "v", "code"}
    for path in KIOSK.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        names.update(next(group for group in match.groups() if group)
                     for match in PARAM.finditer(source))
        if "wtforms" in source:
            names.update(FORM_FIELD.findall(source))
    return sorted(names)


NAMES = parameter_names()


def wire(value):
    """A value as it travels in a URL or a form body (invalid UTF-8 stays invalid)."""
    return value if value.startswith("%") else quote(value, safe="")


def query_for(names, shift, values):
    """Parameter i gets values[(i + shift) % len(values)]: over len(values) requests, every
    parameter meets every value (a Latin square), in a few requests rather than many."""
    return "&".join(f"{name}={wire(values[(i + shift) % len(values)])}"
                    for i, name in enumerate(names))


RULE_PART = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def fill_path(rule, value, ids):
    """The rule's URL with its parameters: known ids for uuids, ``value`` for the rest."""
    def fill(match):
        converter, arguments, name = match.groups()
        if converter == "uuid":
            return str(ids.get(name, uuid.uuid4()))
        if converter == "any":
            return arguments.split(",")[0].strip().strip("'\"")
        if converter == "int":
            return value if value.isascii() and value.isdigit() else "1"
        return wire(value) or "x"
    return RULE_PART.sub(fill, rule.rule)


def check(client, method, url, data, problems, **kwargs):
    try:
        response = client.open(url, method=method, data=data, **kwargs)
    except Exception as error:  # noqa: BLE001 — any escape is exactly what we look for
        problems.append(f"{method} {url[:120]} → {type(error).__name__}: {str(error)[:120]}")
        return
    body = response.get_data()
    if response.status_code >= 500 or b"Traceback (most recent call last)" in body:
        problems.append(f"{method} {url[:120]} → {response.status_code}")


# The walk is a few thousand requests: it is cut in shards that the test workers share.
SHARDS = 4


def walk(app, clients, ids, skip=(), shard=0):
    problems = []
    rules = [rule for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
             # static files; the signed sync API has its own tests (tests/sync)
             if rule.endpoint != "static" and not rule.rule.startswith("/api/")]
    for rule in rules[shard::SHARDS]:
        admin_route = rule.rule.startswith("/admin/")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who, client in clients.items():
                if (who, rule.endpoint) in skip:
                    continue
                values = HOSTILE if admin_route == (who == "chair") else FEW
                for shift, value in enumerate(values):
                    headers = {"HX-Request": "true"} if shift % 2 else {}
                    query = query_for(NAMES, shift, values)
                    url = fill_path(rule, value, ids) + "?" + query
                    data = None
                    if method == "POST":
                        data = query
                        headers["Content-Type"] = "application/x-www-form-urlencoded"
                    check(client, method, url, data, problems, headers=headers)
    return problems


# The chair's logout and /reset end the session that the walk goes on using.
CHAIR_SKIPS = {("chair", "admin.logout"), ("chair", "home.reset")}


@pytest.mark.parametrize("shard", range(SHARDS))
@pytest.mark.parametrize("role", ["station", "central"])
def test_no_route_answers_5xx_to_hostile_input(tmp_path, role, shard):
    app = make_app(tmp_path, KIOSK_ROLE=role, SERVICE_REQUESTS_PER_TERMINAL_PER_MINUTE=10 ** 6)
    with app.app_context():
        chair = chair_client(app)
        ids = {}
        anonymous = app.test_client()
        clients = {"anonymous": anonymous, "chair": chair}
        if role == "station":
            member = make_member(staff_no="1001", photo=True, app=app, photo_consent=False)
            filed = make_request(member=member)
            ids = {"member_id": member.id, "team_id": member.team_id,
                   "workshop_id": member.team.workshop_id, "request_id": filed.id}
            worker = app.test_client()
            worker.post("/identify/code", data={"code": "1001"})
            clients["worker"] = worker
        problems = walk(app, clients, ids, skip=CHAIR_SKIPS, shard=shard)
    assert not problems, f"{len(problems)} server errors:\n" + "\n".join(problems[:40])
