"""The deliverer: one daemon thread in the kiosk server's process.

It wakes right after a request that raised an alert has ended (and so committed),
and otherwise every ``ALERTS_POLL_SECONDS`` (20): an alert reaches the chair's phone
within a minute when the network is up, and soon after it comes back when not. It
starts with the first request the server answers, so ``flask …`` commands never
start one; ``flask alerts deliver`` from the systemd timer is the safety net, and
the atomic claims let both run at once.
"""
import logging
import threading

from ..db import db
from ..models import utcnow
from . import daily
from .channels import Transport
from .outbox import deliver_due

log = logging.getLogger(__name__)


def run_once(app, now=None):
    """The day's checks if due, then every due delivery; the run's ``RunResult``."""
    now = now or utcnow()
    with db.connection_context():
        daily.run_if_due(now, app.config["BABEL_DEFAULT_TIMEZONE"])
        return deliver_due(Transport.from_config(app.config), now)


class Deliverer:
    def __init__(self, app):
        self.app = app
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = None
        self.runs = 0           # finished loop passes (for tests and the admin page)

    @property
    def enabled(self):
        setting = self.app.config.get("ALERTS_DELIVERY_THREAD")
        if setting is None:                  # on in production, off in tests
            return not self.app.testing
        if isinstance(setting, str):
            return setting.strip().lower() in ("1", "true", "yes", "on")
        return bool(setting)

    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive()

    def ensure_started(self):
        if self.running or not self.enabled or self._stop.is_set():
            return
        with self._lock:
            if self.running:
                return
            self._thread = threading.Thread(target=self._loop, name="kiosk-alerts", daemon=True)
            self._thread.start()

    def wake(self):
        self.ensure_started()
        self._wake.set()

    def stop(self, timeout=10):
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self):
        poll = self.app.config["ALERTS_POLL_SECONDS"]
        while not self._stop.is_set():
            self._wake.clear()
            try:
                with self.app.app_context():
                    run_once(self.app)
            except Exception:
                # A full disk, a locked database: logged (rate-limited), tried again.
                log.exception("alerts: the delivery run failed")
            self.runs += 1
            self._wake.wait(poll)


def init_app(app):
    deliverer = Deliverer(app)
    app.extensions["kiosk_alerts"] = deliverer

    @app.before_request
    def _start_deliverer():
        deliverer.ensure_started()

    @app.teardown_request
    def _wake_deliverer(exc):
        from flask import g
        if exc is None and g.pop("kiosk_alert_raised", False):
            deliverer.wake()
    return deliverer
