"""The attacker's join (tests/test_request_anonymity.py) on a station whose chair gets alerts.

The same hour at the station, with a WeCom channel for every trigger, the server's own
delivery thread running and the network down: the anonymous request's alert is tried at
once and fails. Every time the outbox keeps about it must still be on the hour, and the
attacker's joins on them must not name the author.
"""
import time

import pytest

from kiosk.alerts.models import Alert, AlertDelivery
from kiosk.db import db

from ..test_request_anonymity import (  # noqa: F401  (station_day is a fixture)
    by_last_before,
    by_time_window,
    station_day,
)
from .conftest import alerts_app
from .helpers import ALL, wecom


@pytest.fixture
def app(tmp_path):
    app = alerts_app(tmp_path, ALERTS_DELIVERY_THREAD=True, ALERTS_POLL_SECONDS=3600)
    yield app
    app.extensions["kiosk_alerts"].stop()
    if not db.is_closed():
        db.close()


@pytest.fixture
def admin(admin):
    """The chair set up a channel for everything before the day began."""
    wecom(triggers=ALL)
    return admin


def _outbox_times(request):
    """Every time the outbox keeps about the anonymous request's alert."""
    times = []
    for alert in Alert.select().where(Alert.dedupe_key.contains(str(request.id))):
        times.append(alert.created_at)
        for delivery in alert.deliveries:
            times += [t for t in (delivery.created_at, delivery.next_attempt_at,
                                  delivery.give_up_at, delivery.claimed_until,
                                  delivery.last_attempt_at, delivery.sent_at) if t is not None]
    return times


def test_the_alert_of_an_anonymous_request_keeps_no_time_finer_than_the_hour(station_day, app):  # noqa: F811
    request = station_day["request"]
    [alert] = Alert.select().where(Alert.dedupe_key.contains(str(request.id)))
    assert alert.trigger == "urgent" and alert.coarse
    deadline = time.monotonic() + 20
    while AlertDelivery.get(AlertDelivery.alert == alert).attempts == 0:
        assert time.monotonic() < deadline, "the thread never tried to send it"
        time.sleep(0.05)
    app.extensions["kiosk_alerts"].stop()
    delivery = AlertDelivery.get(AlertDelivery.alert == alert)
    assert delivery.status == "pending" and delivery.error_kind == "unreachable"
    times = _outbox_times(request)
    assert len(times) >= 5
    for moment in times:
        assert (moment.minute, moment.second, moment.microsecond) == (0, 0, 0), moment
    author, activity = station_day["author"], station_day["activity"]
    windows = [c for c in by_time_window(activity, times) if c]
    assert all(len(c) > 1 for c in windows)
    assert by_last_before(activity, times) != {author}
