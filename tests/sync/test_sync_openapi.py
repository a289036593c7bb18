"""Schemathesis drives central's API from docs/sync-openapi.json with signed requests.

Bounded (a fixed number of examples per operation, no deadline, in-process on
SQLite) so the suite stays fast. Zero 5xx and zero answers outside the
document: status, content type, headers and body all as documented.
"""
import io
import json
import os
import uuid

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kiosk import create_app
from kiosk.db import db, migrate
from kiosk.sync import protocol
from kiosk.sync.models import Station

ROOT = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir)
STATION_ID, SECRET = str(uuid.uuid4()), "openapi-secret"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = 15  # per operation: four operations, about sixty signed requests

with open(os.path.join(ROOT, "docs", "sync-openapi.json")) as fh:
    DOCUMENT = json.load(fh)
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)


class SigningStation:
    """WSGI middleware: signs each generated request as the registered station would."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        path = environ.get("PATH_INFO", "")
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        headers = protocol.sign_headers(STATION_ID, SECRET, environ["REQUEST_METHOD"], path, body)
        for name, value in headers.items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_CONTENT_ENCODING", None)  # schemathesis sends plain JSON
        return self.app(environ, start_response)


def test_central_answers_every_documented_request_as_documented(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "KIOSK_ROLE": "central",
                      "DATABASE": str(tmp_path / "central.sqlite3")})
    migrate()
    SCHEMA.app = SigningStation(app)
    statuses = []
    with app.app_context():
        db.connect(reuse_if_open=True)
        Station.create(id=STATION_ID, name="甲", enterprise="甲厂", secret=SECRET)
        for result in SCHEMA.get_all_operations():
            operation = result.ok()

            @settings(max_examples=EXAMPLES, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def exercise(case):
                response = case.call()
                statuses.append(response.status_code)
                case.validate_response(response, checks=CHECKS)

            exercise()
        db.close()
    assert statuses and max(statuses) < 500
    assert 200 in statuses  # the signed requests got through, not only refusals
