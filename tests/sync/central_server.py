"""A real central server process for the sync tests: migrate, register stations, serve.

    python -m tests.sync.central_server PORT

Configured by the environment, as in production (KIOSK_ROLE=central, DATABASE or
DATABASE_URL, KIOSK_INSTANCE_PATH), plus two test-only variables:
TEST_STATIONS ("id:secret,id:secret") registered at start, and SYNC_FAULT, a
fault to inject into this process only:
  crash_mid_batch:N     die (os._exit) inside the N-th push's transaction, rows inserted
  crash_after_commit:N  die after the N-th push committed, before the ack is sent
"""
import os
import sys


def install_fault(spec):
    if not spec:
        return
    from kiosk.sync import central_store
    name, _, n = spec.partition(":")
    n = int(n or 1)
    calls = {"push": 0}
    accept, after_insert = central_store.accept_batch, central_store._has_children

    def counting_accept(*args, **kwargs):
        calls["push"] += 1
        result = accept(*args, **kwargs)
        if name == "crash_after_commit" and calls["push"] == n:
            # At once when the push committed on its own (SQLite); on PostgreSQL the push
            # commits with the request's transaction, after the view (central/api.py).
            from kiosk.db import db
            db.after_commit(lambda: os._exit(3))
        return result

    def crashing_after_insert(*args, **kwargs):
        # Asked in every push's transaction once its rows are inserted, before commit.
        if name == "crash_mid_batch" and calls["push"] == n:
            os._exit(3)
        return after_insert(*args, **kwargs)

    central_store.accept_batch = counting_accept
    central_store._has_children = crashing_after_insert
    # The API module imported the name at import time: point it at the wrapper too.
    from kiosk.central import api
    api.central_store = central_store


def main():
    port = int(sys.argv[1])
    from waitress import serve

    from kiosk import create_app
    from kiosk.db import db, migrate
    from kiosk.sync import changelog
    from kiosk.sync.models import Station
    app = create_app()
    migrate()
    with db.connection_context():
        for pair in filter(None, os.environ.get("TEST_STATIONS", "").split(",")):
            station_id, secret = pair.split(":", 1)
            (Station.insert(id=station_id, name=f"驿站 {station_id[:4]}", enterprise="测试企业",
                            secret=secret).on_conflict_ignore().execute())
        changelog.reconcile()  # as scripts/run-central does at start
    install_fault(os.environ.get("SYNC_FAULT", ""))
    serve(app, host="127.0.0.1", port=port, threads=4, ident="central-test")


if __name__ == "__main__":
    main()
