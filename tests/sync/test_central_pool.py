"""Central on PostgreSQL keeps a bounded pool of connections per server process:
a request reuses one instead of connecting, and a stale one is replaced."""

import pytest
from playhouse.pool import PooledPostgresqlDatabase

from kiosk import create_app
from kiosk.db import db, migrate

from .conftest import PgDatabase

pytestmark = pytest.mark.postgres


@pytest.fixture
def pooled_central(tmp_path):
    pg = PgDatabase()
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "KIOSK_ROLE": "central",
                      "DATABASE": str(tmp_path / "unused.sqlite3"), "DATABASE_URL": pg.url,
                      "DATABASE_POOL_SIZE": 2, "DATABASE_POOL_RECYCLE": 60})
    migrate()
    try:
        yield app
    finally:
        db.obj.close_all()
        pg.drop()


def _backend_of_a_request(app):
    """The PostgreSQL backend that served one request (as a view would see it)."""
    with app.test_request_context("/admin/login"):
        app.preprocess_request()
        pid = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
        app.do_teardown_appcontext()
    return pid


def test_requests_reuse_a_pooled_connection(pooled_central):
    assert isinstance(db.obj, PooledPostgresqlDatabase)
    assert db.obj._max_connections == 2 and db.obj._stale_timeout == 60
    first = _backend_of_a_request(pooled_central)
    assert _backend_of_a_request(pooled_central) == first
    assert db.obj.is_closed()  # handed back to the pool between requests


def test_a_stale_connection_is_replaced_not_reused(pooled_central):
    first = _backend_of_a_request(pooled_central)
    # Age every idle connection past the recycle time.
    db.obj._connections = [(created - 3600, n, conn)
                           for created, n, conn in db.obj._connections]
    assert _backend_of_a_request(pooled_central) != first


def test_a_connection_the_server_dropped_is_not_handed_out(pooled_central):
    first = _backend_of_a_request(pooled_central)
    import psycopg2
    killer = psycopg2.connect(dbname=db.obj.database, **db.obj.connect_params)
    killer.autocommit = True
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", (first,))
    killer.close()
    assert _backend_of_a_request(pooled_central) != first
