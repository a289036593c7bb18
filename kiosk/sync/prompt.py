"""Station: a sync started at once for what must not wait for the night.

A request the city federation handles (权益有侵害 by default: an infringed right
cannot wait a day) starts a full sync in the background right after it is filed,
the same ``run_sync`` as the nightly run and "sync now" (trigger "prompt"), under
the same lock. The worker is never kept waiting: the receipt shows at once.

An anonymous request waits for the top of the next hour (and a few random minutes):
everything stored about it is kept to the hour so that it cannot be tied to who stood
at the terminal (docs/architecture.md), and a sync started the minute it was filed would record
that minute — in this station's sync runs and in what central received. Sent on the
hour, the runs say no more than "some request in that hour". A named request, whose
time is kept anyway, goes at once.

When central cannot be reached (no network, central down), the thread tries again
after 1, 2, 4 … minutes (at most an hour apart) for as long as a federation request
is still unsent, and stops as soon as none is. A run that finds the lock held (the
nightly run, "sync now") is not an error: it tries again later, in case that run had
already passed the push. A restart of the station forgets the retries; the nightly
sync still sends everything. One such thread per process at most.
"""
import logging
import random
import threading
import time

from flask import current_app

from ..db import db
from ..version import __version__
from . import runner
from .protocol import SyncError

log = logging.getLogger(__name__)

FIRST_WAIT, MAX_WAIT = 60, 3600
HOUR, JITTER = 3600, 300
_lock = threading.Lock()


def enabled(app=None):
    """True when this station can send a request at once: connected to central, prompt on."""
    app = app or current_app
    return (app.config["KIOSK_ROLE"] == "station" and app.config.get("SYNC_PROMPT") != "off"
            and runner.configuration() is not None)


def push_soon(app, anonymous=True):
    """Start sending (in the background) what waits for the federation; False when not."""
    if not enabled(app):
        return False
    _run(app, anonymous)
    return True


def register_waiting(app, still_waiting):
    """A feature that starts a prompt sync says how to tell that something still waits:
    ``still_waiting()`` is true while a record for central is unsent (the sync never
    imports a feature)."""
    app.extensions.setdefault("sync_prompt_waiting", []).append(still_waiting)


def _still_waiting(app):
    return any(check() for check in app.extensions.get("sync_prompt_waiting", ()))


def first_delay(anonymous, now=None, jitter=None):
    """Seconds before the first try: none for a named request; for an anonymous one, to
    the top of the next hour and up to JITTER more (so stations do not all call at :00)."""
    if not anonymous:
        return 0
    now = time.time() if now is None else now
    jitter = random.uniform(0, JITTER) if jitter is None else jitter
    return HOUR - now % HOUR + jitter


def _run(app, anonymous):
    state = app.extensions.setdefault("sync_prompt", {"running": False})
    with _lock:
        if state["running"]:
            return          # the thread that runs already sends this request too
        state["running"] = True
    threading.Thread(target=_work, args=(app, state), kwargs={"delay": first_delay(anonymous)},
                     name="sync-prompt", daemon=True).start()


def _work(app, state, sleep=time.sleep, delay=0):
    wait = FIRST_WAIT
    try:
        if delay:
            sleep(delay)
        while True:
            with app.app_context(), db.connection_context():
                try:
                    with runner.run_lock(app.instance_path):
                        runner.run_sync(__version__, trigger="prompt")
                except SyncError as exc:        # the lock is held: another run is going on
                    log.info("prompt sync waits: %s", exc.message)
                if not _still_waiting(app):
                    return
            log.info("a request for the federation is still unsent: trying again in %d s", wait)
            sleep(wait)
            wait = min(wait * 2, MAX_WAIT)
    except Exception:   # the thread must not die silently; the nightly sync still runs
        log.exception("prompt sync failed")
    finally:
        state["running"] = False
