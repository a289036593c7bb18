"""A seventh request category, added the way docs/architecture.md says, works everywhere.

One more ``Category`` in ``categories.CATEGORIES`` and its icon: the worker files a
request in it and follows it by receipt code; the chair finds it in the inbox, filters
by it, sets it up and counts it; the sync accepts it; central's dashboard names it.
"""
import sys

import pytest
from flask_babel import lazy_gettext as _l
from jinja2 import ChoiceLoader, DictLoader

from kiosk.service import categories
from kiosk.service.categories import STATION, Category
from kiosk.service.models import ServiceRequest
from kiosk.sync import kinds

from .conftest import chair_client, make_app
from .test_service_requests import file_request

HOUSING = Category("housing", _l("Housing"), _l("The union helps find a home"), "blue", False,
                   STATION, (_l("A dormitory place"), _l("Rent support")))
ICON = '<svg class="icon" viewBox="0 0 10 10" aria-hidden="true"><path d="M1 9V4l4-3 4 3v5z"/></svg>'


@pytest.fixture
def seventh_category(monkeypatch):
    """``categories.CATEGORIES`` with a seventh, as if the module had been edited before start."""
    added = (*categories.CATEGORIES, HOUSING)
    new = {"CATEGORIES": added, "BY_KEY": {c.key: c for c in added},
           "KEYS": tuple(c.key for c in added)}
    old = {name: getattr(categories, name) for name in new}
    for module in [m for name, m in sys.modules.items() if name.startswith("kiosk") and m]:
        for attribute, value in list(vars(module).items()):
            for name, original in old.items():
                if value is original:
                    monkeypatch.setattr(module, attribute, new[name])
    return HOUSING


def ok(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_a_seventh_category_is_filed_followed_answered_and_counted(tmp_path, seventh_category):
    app = make_app(tmp_path)
    app.jinja_env.loader = ChoiceLoader([DictLoader({"service/icons/housing.svg": ICON}),
                                         app.jinja_env.loader])
    worker = app.test_client()
    worker.get("/lang/en")
    assert "The union helps find a home" in ok(worker.get("/service/"))
    assert "Rent support" in ok(worker.get("/service/new/housing"))
    assert file_request(worker, category="housing", topic="1",
                        description="宿舍漏水").status_code in (302, 303)
    receipt = ok(worker.get("/service/receipt"))
    assert "Housing" in receipt
    with app.app_context():
        filed = ServiceRequest.get(ServiceRequest.category == "housing")
        code = filed.receipt_code
    tracked = worker.post("/service/track", data={"code": code}, follow_redirects=True)
    assert "Housing" in ok(tracked)

    chair = chair_client(app, "en")
    assert "Housing" in ok(chair.get("/admin/service/"))
    assert str(filed.id) in ok(chair.get("/admin/service/?category=housing"))
    assert "宿舍漏水" in ok(chair.get(f"/admin/service/{filed.id}"))
    assert "Housing" in ok(chair.get("/admin/service/settings"))
    assert "Housing" in ok(chair.get("/admin/service/statistics"))
    assert "Housing" in ok(chair.get("/admin/service/statistics.csv"))
    ok(chair.get("/admin/"))

    with app.app_context():
        allowed = kinds.get("service_request").choices["category"]
        assert "housing" in (allowed() if callable(allowed) else allowed)


def test_central_names_a_seventh_category(tmp_path, seventh_category):
    chair = chair_client(make_app(tmp_path, KIOSK_ROLE="central"), "en")
    ok(chair.get("/admin/central/"))
    assert "Housing" in ok(chair.get("/admin/service/settings"))
