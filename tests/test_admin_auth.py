"""The union chair logs in at /admin: hashed passwords, CSRF, expiry."""
import time

import pytest

from kiosk.models import AdminUser

from .conftest import ADMIN_PASSWORD, make_app
from .factories import make_admin


def login(client, password, username="chair"):
    return client.post("/admin/login", data={"username": username, "password": password})


def test_chair_logs_in_and_out(client):
    make_admin(password=ADMIN_PASSWORD)
    assert login(client, ADMIN_PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout")
    assert client.get("/admin/").headers["Location"].startswith("/admin/login")


def test_password_is_stored_as_an_argon2_hash(client):
    make_admin(password=ADMIN_PASSWORD)
    stored = AdminUser.get(AdminUser.username == "chair").password_hash
    assert stored.startswith("$argon2id$") and ADMIN_PASSWORD not in stored


def test_bad_password_is_refused_in_chinese(client):
    make_admin(password=ADMIN_PASSWORD)
    response = login(client, "wrong password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_unknown_user_gets_the_same_message(client):
    response = login(client, "whatever", username="nobody")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_session_expires_after_idle_minutes(app, client):
    make_admin(password=ADMIN_PASSWORD)
    login(client, ADMIN_PASSWORD)
    with client.session_transaction() as session:
        session["admin_seen"] = time.time() - app.config["ADMIN_SESSION_MINUTES"] * 60 - 1
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("path", ["/admin/", "/admin/roster/members", "/admin/roster/teams",
                                  "/admin/roster/members/new"])
def test_admin_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]


def test_forms_without_csrf_token_are_rejected(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_admin(password=ADMIN_PASSWORD)
        client = app.test_client()
        response = client.post("/admin/login", data={"username": "chair", "password": ADMIN_PASSWORD})
        assert response.status_code == 400
        assert client.get("/admin/").status_code == 302


def test_login_with_csrf_token_from_the_form_works(tmp_path):
    import re
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_admin(password=ADMIN_PASSWORD)
        client = app.test_client()
        page = client.get("/admin/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/admin/login", data={"username": "chair", "password": ADMIN_PASSWORD,
                                                      "csrf_token": token})
        assert response.status_code == 302


def test_login_never_redirects_off_site(client):
    make_admin(password=ADMIN_PASSWORD)
    response = client.post("/admin/login?next=//evil.example/x",
                           data={"username": "chair", "password": ADMIN_PASSWORD})
    assert response.headers["Location"] == "/admin/"  # the dashboard, not another origin
