"""帮你办's figures, each next to bare Flask serving the same bytes in the same run.

- Submit → receipt: the POST that files a request (a real insert of the request
  and its first event, in an IMMEDIATE transaction, then the 303), and the
  receipt page it leads to (with its QR code drawn inline).
- The chair's inbox with 10,000 requests: the first page (urgent open first),
  a filtered page (overdue), and the statistics page over all of them.
- The keyboard's candidates for a long pinyin string (not cached by ETag here:
  every request computes).

The visitor's draft and the chair's login are signed session cookies made once,
so every request of the load is the same bytes and does the full work.
"""
import random
import time
import uuid
from datetime import timedelta

REQUESTS = 10_000


def _cookie(app, data):
    from flask.sessions import SecureCookieSessionInterface
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    return f"{app.config.get('SESSION_COOKIE_NAME', 'session')}={serializer.dumps(data)}"


def _fill(app):
    """10,000 requests over a year, a fifth still open, some urgent, some overdue."""
    from kiosk.db import db
    from kiosk.models import this_station_id, utcnow
    from kiosk.service import categories
    from kiosk.service.models import ServiceRequest
    rng = random.Random(7)
    now = utcnow()
    with app.app_context(), db.connection_context():
        station = this_station_id()
        rows = []
        for n in range(REQUESTS):
            created = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
            category = rng.choice(categories.KEYS)
            status = rng.choice(("resolved",) * 6 + ("declined", "received", "in_progress", "new"))
            answered = status != "new"
            rows.append({
                "id": uuid.UUID(int=rng.getrandbits(128)), "station_id": station,
                "created_at": created, "updated_at": created, "category": category,
                "topic": "加班费", "description": "车间加班费没有按时发放，请工会帮忙问一下。" * 2,
                "receipt_code": f"{n:013d}", "handled_by": "central" if category == "rights" else "station",
                "urgent": category in ("counselling", "rights") or n % 50 == 0, "status": status,
                "awaiting_since": None if answered else created,
                "first_response_at": (created + timedelta(hours=rng.randrange(1, 96))
                                      if answered else None),
                "resolved_at": (created + timedelta(days=rng.randrange(1, 20))
                                if status == "resolved" else None),
                "rating": (rng.choice((None, "satisfied", "satisfied", "unsatisfied"))
                           if status == "resolved" else None),
            })
        with db.atomic():
            for start in range(0, len(rows), 500):
                ServiceRequest.insert_many(rows[start:start + 500]).execute()


def run(h):
    app = h.app(SERVICE_REQUESTS_PER_TERMINAL_PER_MINUTE=10 ** 9)
    from kiosk.db import db
    from kiosk.models import AdminUser
    from kiosk.service import lifecycle
    with app.app_context(), db.connection_context():
        filed = lifecycle.file_request("hardship", "家庭困难", "孩子上学需要帮助")
        admin = AdminUser.create(username="chair", password_hash="-")
        draft = {"filing": {"category": "hardship", "topic": "家庭困难",
                            "description": "孩子上学需要帮助，家里老人生病。", "phone": None,
                            "mode": "anonymous"}}
        visitor = _cookie(app, {"draft": draft})
        receipt = _cookie(app, {"draft": {"receipt": filed.receipt_code}})
        chair = _cookie(app, {"admin_id": admin.id, "admin_gen": 0, "admin_since": time.time(),
                                    "admin_seen": time.time() + 3600})

    h.compare_http("submit a request (POST → 303 to the receipt)", app, "/service/submit",
                   method="POST", body="", headers={"Cookie": visitor})
    h.compare_http("receipt page with its QR code", app, "/service/receipt",
                   headers={"Cookie": receipt})
    h.compare_http("keyboard candidates for 'shenghuokunnan'", app,
                   "/keyboard/candidates?q=shenghuokunnan")

    inbox_app = h.app()
    _fill(inbox_app)
    with inbox_app.app_context(), db.connection_context():
        admin = AdminUser.create(username="chair", password_hash="-")
        chair = _cookie(inbox_app, {"admin_id": admin.id, "admin_gen": 0, "admin_since": time.time(),
                                    "admin_seen": time.time() + 3600})
    headers = {"Cookie": chair}
    h.compare_http(f"inbox, first page of {REQUESTS:,} requests", inbox_app,
                   "/admin/service/", headers=headers)
    h.compare_http(f"inbox, overdue and open of {REQUESTS:,}", inbox_app,
                   "/admin/service/?overdue=1&status=open", headers=headers)
    h.compare_http(f"statistics over {REQUESTS:,} requests", inbox_app,
                   "/admin/service/statistics", headers=headers)
